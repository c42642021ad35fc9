"""The change feeds: ``/v1/members/changes``, ``/v1/complaints/changes`` and (1.1)
``/v1/care/changes``.

Keyset pagination on the change sequence: a page is "rows with seq > cursor, ordered by
seq, at most N", one indexed range scan. Writers take seq numbers under one row lock
held until they commit (:func:`hq.db.write_transaction`), so a row with a smaller seq
can never become visible after a larger one was read: a reader that moved its cursor past
N has seen every change up to N.

Cursors are opaque to counters: ``base64url("<feed>2:<epoch>:<seq>:<last id>:<mac>")``,
signed by HQ (:mod:`hq.rewind`), so one it did not make, or one edited to skip ahead, is
refused with ``400 invalid_cursor``, like one of the other feed. A cursor of another epoch
(HQ restored or re-seeded) is refused with ``409 epoch_changed``; so is one HQ's data is
older than (HQ restored from a backup without anyone renewing the epoch): HQ then renews
its epoch, which tells every counter.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import cast

from sqlalchemy import LargeBinary, Table, func, select
from sqlalchemy import cast as cast_
from sqlalchemy.engine import Connection, Engine

from hq.api_errors import APIError
from hq.care import CPL, care_records
from hq.complaints import CP, complaint_records
from hq.health_seal import cipher, open_bytes
from hq.models import Member, StoredOp
from hq.rewind import epoch_and_key, mac, mac_ok, renew_epoch_from

M = cast(Table, Member.__table__)
OPS = cast(Table, StoredOp.__table__)

MEMBERS = "m"
COMPLAINTS = "c"
CARE = "p"
DEFAULT_LIMIT = 1000
MAX_LIMIT = 5000
_CURSOR_RE = re.compile(
    r"^(([mcp])2:([0-9A-Za-z-]{1,64}):(0|[1-9][0-9]{0,18}):([0-9A-Za-z-]{0,64})):"
    r"([A-Za-z0-9_-]{16})$"
)
# Cursors of HQs before signed cursors: answered like another epoch's, so that a counter
# holding one starts afresh once instead of being refused for ever.
_OLD_CURSOR_RE = re.compile(r"^([mc])1:[0-9A-Za-z-]{1,64}:(0|[1-9][0-9]{0,18})$")
_OP_ID_RE = re.compile(r"^[0-9A-Za-z-]{1,64}$")


@dataclass(frozen=True)
class Position:
    """Where a cursor stands: after ``seq``, whose last record was ``last_id``."""

    seq: int = 0
    last_id: str = ""


def encode_cursor(feed: str, epoch: str, key: bytes, at: Position) -> str:
    text = f"{feed}2:{epoch}:{at.seq}:{at.last_id}"
    raw = f"{text}:{mac(key, text)}".encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(feed: str, cursor: str | None, epoch: str, key: bytes) -> Position:
    """Where a signed cursor stands (the start when absent or empty)."""
    if cursor is None or cursor == "":
        return Position()
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, ValueError):
        text = ""
    old = _OLD_CURSOR_RE.match(text)
    if old is not None and old.group(1) == feed:
        raise _epoch_changed(epoch, "cursor_outdated")
    match = _CURSOR_RE.match(text)
    if (
        match is None
        or match.group(2) != feed
        or not mac_ok(key, match.group(1), match.group(6))
        or (match.group(4) != "0") != bool(match.group(5))
    ):
        raise APIError(400, "invalid_cursor", "this cursor was not made by this feed")
    if match.group(3) != epoch:
        raise _epoch_changed(epoch)
    return Position(int(match.group(4)), match.group(5))


def _epoch_changed(epoch: str, reason: str = "") -> APIError:
    return APIError(
        409,
        "epoch_changed",
        "HQ's data was restored or replaced since this cursor was made: "
        "start again without a cursor",
        {"epoch": epoch, "reason": reason} if reason else {"epoch": epoch},
    )


def check_not_behind(
    engine: Engine,
    conn: Connection,
    epoch: str,
    at: Position,
    table: Table,
    checkpoint: tuple[str, str] | None = None,
) -> None:
    """Refuse to serve from data older than what the counter already saw (hq.rewind).

    ``at`` is the counter's signed cursor: its last record must still be there with a
    ``seq`` at least the cursor's (a record's seq only grows). ``checkpoint`` is the
    counter's newest applied op (store, op_id): HQ keeps every op it decided.
    """
    why = ""
    if at.seq:
        seq = conn.scalar(select(table.c.seq).where(table.c.id == at.last_id))
        if seq is None or seq < at.seq:
            why = "a cursor is ahead of HQ's data"
    if not why and checkpoint is not None:
        store_code, op_id = checkpoint
        found = conn.scalar(
            select(OPS.c.op_id).where(OPS.c.op_id == op_id, OPS.c.store_code == store_code)
        )
        if found is None:
            why = f"store {store_code} had op {op_id} applied, which HQ no longer has"
    if why:
        conn.rollback()
        raise _epoch_changed(renew_epoch_from(engine, epoch, why), "hq_restored")


def check_write_checkpoint(engine: Engine, store_code: str, op_id: str | None) -> None:
    """Before a batch is applied: 409 if HQ lost the store's newest applied op."""
    if op_id is None:
        return
    with engine.connect() as conn:
        epoch, _key = epoch_and_key(conn)
        check_not_behind(engine, conn, epoch, Position(), M, (store_code, op_id))


def parse_checkpoint(checkpoint: str | None) -> str | None:
    if checkpoint is None or checkpoint == "":
        return None
    if not _OP_ID_RE.match(checkpoint):
        raise APIError(400, "invalid_checkpoint", "checkpoint must be an op_id")
    return checkpoint


def _page_tail(next_cursor: str, has_more: bool) -> bytes:
    return (
        f'],"next_cursor":{json.dumps(next_cursor)},"has_more":{"true" if has_more else "false"}}}'
    ).encode("ascii")


def member_changes(
    engine: Engine,
    cursor: str | None,
    limit: int,
    checkpoint: tuple[str, str] | None = None,
) -> bytes:
    """One page of ``/v1/members/changes`` as the response body (UTF-8 JSON).

    The records are stored ready-made (``members.record``), so a page is one range scan
    and a join of strings: no ORM objects, no JSON encoding per row.
    """
    with engine.connect() as conn:
        epoch, key = epoch_and_key(conn)
        at = decode_cursor(MEMBERS, cursor, epoch, key)
        check_not_behind(engine, conn, epoch, at, M, checkpoint)
        # The record's UTF-8 bytes straight from the database: no decoding into str and
        # encoding back, which was a third of the time of a page.
        utf8 = (
            cast_(M.c.record, LargeBinary)
            if conn.dialect.name == "sqlite"
            else func.convert_to(M.c.record, "UTF8")
        )
        dbapi_cursor = conn.execute(
            select(M.c.seq, utf8, M.c.id).where(M.c.seq > at.seq).order_by(M.c.seq).limit(limit + 1)
        ).cursor
        assert dbapi_cursor is not None
        rows = dbapi_cursor.fetchall()  # plain DBAPI tuples: no Row objects for 5000 rows
    aes = cipher(engine)  # health is stored sealed, opened here in memory
    has_more = len(rows) > limit
    if has_more:
        rows = rows[:limit]
    last = Position(rows[-1][0], rows[-1][2]) if rows else at
    return (
        b'{"items":['
        + b",".join([open_bytes(aes, bytes(r[1])) for r in rows])
        + _page_tail(encode_cursor(MEMBERS, epoch, key, last), has_more)
    )


def complaint_changes(engine: Engine, store_code: str, cursor: str | None, limit: int) -> bytes:
    """One page of this store's complaints (never another store's)."""
    with engine.connect() as conn:
        epoch, key = epoch_and_key(conn)
        at = decode_cursor(COMPLAINTS, cursor, epoch, key)
        check_not_behind(engine, conn, epoch, at, CP)
        rows = conn.execute(
            select(CP)
            .where(CP.c.store_code == store_code, CP.c.seq > at.seq)
            .order_by(CP.c.seq)
            .limit(limit + 1)
        ).all()
        has_more = len(rows) > limit
        if has_more:
            rows = rows[:limit]
        records = complaint_records(conn, rows)
    last = Position(rows[-1].seq, rows[-1].id) if rows else at
    items = json.dumps(records, ensure_ascii=False, separators=(",", ":"))[1:-1]
    body = '{"items":[' + items
    return body.encode("utf-8") + _page_tail(encode_cursor(COMPLAINTS, epoch, key, last), has_more)


def care_changes(engine: Engine, store_code: str, cursor: str | None, limit: int) -> bytes:
    """One page of this store's care plans with their tasks (never another store's): each
    PC of the store sees the plans the others enrolled and the tasks they did."""
    with engine.connect() as conn:
        epoch, key = epoch_and_key(conn)
        at = decode_cursor(CARE, cursor, epoch, key)
        check_not_behind(engine, conn, epoch, at, CPL)
        rows = conn.execute(
            select(CPL)
            .where(CPL.c.store_code == store_code, CPL.c.seq > at.seq)
            .order_by(CPL.c.seq)
            .limit(limit + 1)
        ).all()
        has_more = len(rows) > limit
        if has_more:
            rows = rows[:limit]
        records = care_records(conn, rows)
    last = Position(rows[-1].seq, rows[-1].id) if rows else at
    items = json.dumps(records, ensure_ascii=False, separators=(",", ":"))[1:-1]
    body = '{"items":[' + items
    return body.encode("utf-8") + _page_tail(encode_cursor(CARE, epoch, key, last), has_more)
