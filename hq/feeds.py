"""The change feeds: ``/v1/members/changes`` and ``/v1/complaints/changes``.

Keyset pagination on the change sequence: a page is "rows with seq > cursor, ordered by
seq, at most N", one indexed range scan. Writers take seq numbers under one row lock
held until they commit (:func:`hq.db.write_transaction`), so a row with a smaller seq
can never become visible after a larger one was read: a reader that moved its cursor past
N has seen every change up to N.

Cursors are opaque to counters: ``base64url("<feed>1:<epoch>:<seq>")``. A cursor of
another epoch (HQ restored or re-seeded) is refused with ``409 epoch_changed``; one that
does not parse, or belongs to the other feed, with ``400 invalid_cursor``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import cast

from sqlalchemy import LargeBinary, Table, func, select
from sqlalchemy import cast as cast_
from sqlalchemy.engine import Engine

from hq.api_errors import APIError
from hq.complaints import CP, complaint_records
from hq.db import get_epoch
from hq.models import Member

M = cast(Table, Member.__table__)

MEMBERS = "m"
COMPLAINTS = "c"
DEFAULT_LIMIT = 1000
MAX_LIMIT = 5000
_CURSOR_RE = re.compile(r"^([mc])1:([0-9A-Za-z-]{1,64}):(0|[1-9][0-9]{0,18})$")


def encode_cursor(feed: str, epoch: str, seq: int) -> str:
    raw = f"{feed}1:{epoch}:{seq}".encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(feed: str, cursor: str | None, epoch: str) -> int:
    """The seq a cursor stands for (0: from the beginning)."""
    if cursor is None or cursor == "":
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, ValueError):
        text = ""
    match = _CURSOR_RE.match(text)
    if match is None or match.group(1) != feed:
        raise APIError(400, "invalid_cursor", "this cursor was not made by this feed")
    if match.group(2) != epoch:
        raise APIError(
            409,
            "epoch_changed",
            "HQ's data was restored or replaced since this cursor was made: "
            "start again without a cursor",
            {"epoch": epoch},
        )
    return int(match.group(3))


def _page_tail(next_cursor: str, has_more: bool) -> bytes:
    return (
        f'],"next_cursor":{json.dumps(next_cursor)},"has_more":{"true" if has_more else "false"}}}'
    ).encode("ascii")


def member_changes(engine: Engine, cursor: str | None, limit: int) -> bytes:
    """One page of ``/v1/members/changes`` as the response body (UTF-8 JSON).

    The records are stored ready-made (``members.record``), so a page is one range scan
    and a join of strings: no ORM objects, no JSON encoding per row.
    """
    with engine.connect() as conn:
        epoch = get_epoch(conn) or ""
        after = decode_cursor(MEMBERS, cursor, epoch)
        # The record's UTF-8 bytes straight from the database: no decoding into str and
        # encoding back, which was a third of the time of a page.
        utf8 = (
            cast_(M.c.record, LargeBinary)
            if conn.dialect.name == "sqlite"
            else func.convert_to(M.c.record, "UTF8")
        )
        dbapi_cursor = conn.execute(
            select(M.c.seq, utf8).where(M.c.seq > after).order_by(M.c.seq).limit(limit + 1)
        ).cursor
        assert dbapi_cursor is not None
        rows = dbapi_cursor.fetchall()  # plain DBAPI tuples: no Row objects for 5000 rows
    has_more = len(rows) > limit
    if has_more:
        rows = rows[:limit]
    last = rows[-1][0] if rows else after
    return (
        b'{"items":['
        + b",".join([bytes(r[1]) for r in rows])
        + _page_tail(encode_cursor(MEMBERS, epoch, last), has_more)
    )


def complaint_changes(engine: Engine, store_code: str, cursor: str | None, limit: int) -> bytes:
    """One page of this store's complaints (never another store's)."""
    with engine.connect() as conn:
        epoch = get_epoch(conn) or ""
        after = decode_cursor(COMPLAINTS, cursor, epoch)
        rows = conn.execute(
            select(CP)
            .where(CP.c.store_code == store_code, CP.c.seq > after)
            .order_by(CP.c.seq)
            .limit(limit + 1)
        ).all()
        has_more = len(rows) > limit
        if has_more:
            rows = rows[:limit]
        records = complaint_records(conn, rows)
    last = rows[-1].seq if rows else after
    items = json.dumps(records, ensure_ascii=False, separators=(",", ":"))[1:-1]
    body = '{"items":[' + items
    return body.encode("utf-8") + _page_tail(encode_cursor(COMPLAINTS, epoch, last), has_more)
