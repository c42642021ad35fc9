"""Members outside the op stream: lookups, member-app codes, and HQ's own deletes and merges.

Deleting or merging is HQ's decision (a member asks to be forgotten; two registrations
turn out to be one person). Both leave a tombstone in the change feed: ``deleted``, or
``merged`` with ``merged_into``, so every counter drops or re-points its copy.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.engine import Connection, Engine

from counter.codes import is_card_no, mint_member_token
from counter.contract import PHONE_RE
from hq.care import forget_member
from hq.complaints import CP
from hq.config import signing_key
from hq.db import Writer, write_transaction
from hq.errors import HQError
from hq.fastsql import FastSQL
from hq.health_seal import cipher, open_text, open_value
from hq.models import Card, Member, PointsEntry, Receipt
from hq.records import expiring_points, refresh_member
from hq.times import rfc3339, utcnow

M = cast(Table, Member.__table__)
C = cast(Table, Card.__table__)
L = cast(Table, PointsEntry.__table__)
R = cast(Table, Receipt.__table__)

APP_CODE_TTL = dt.timedelta(seconds=60)


class MemberNotFound(HQError):
    pass


class NoSigningKey(HQError):
    pass


def find_member_id(conn: Connection, *, card_no: str | None, phone: str | None) -> str | None:
    """The active member holding this card (any status) or phone, or None."""
    if card_no is not None:
        member_id = conn.scalar(select(C.c.member_id).where(C.c.card_no == card_no))
    elif phone is not None:
        member_id = conn.scalar(select(M.c.id).where(M.c.phone == phone))
    else:
        return None
    if member_id is None:
        return None
    status = conn.scalar(select(M.c.status).where(M.c.id == member_id))
    return member_id if status == "active" else None


def member_record(conn: Connection, member_id: str) -> dict[str, Any]:
    record: dict[str, Any] = open_value(
        cipher(conn), json.loads(conn.scalar(select(M.c.record).where(M.c.id == member_id)) or "{}")
    )
    return record


def lookup_text(engine: Engine, *, card_no: str | None, phone: str | None) -> str | None:
    """The member record (JSON text) of an active member, or None."""
    with engine.connect() as conn:
        member_id = find_member_id(conn, card_no=card_no, phone=phone)
        if member_id is None:
            return None
        text = conn.scalar(select(M.c.record).where(M.c.id == member_id))
        return None if text is None else open_text(cipher(conn), text)


@dataclass(frozen=True)
class AppCode:
    token: str
    member_no: str
    expires_at: dt.datetime

    def as_json(self) -> dict[str, str]:
        return {
            "token": self.token,
            "member_no": self.member_no,
            "expires_at": rfc3339(self.expires_at),
        }


def member_code(
    engine: Engine,
    *,
    card_no: str | None = None,
    phone: str | None = None,
    now: dt.datetime | None = None,
) -> AppCode:
    """A dynamic member QR token signed with HQ's current key, valid for 60 s."""
    exact = now or utcnow()
    moment = exact.replace(microsecond=0)  # tokens carry whole seconds
    with engine.connect() as conn:
        member_id = find_member_id(conn, card_no=card_no, phone=phone)
        if member_id is None:
            raise MemberNotFound("no active member with this card or phone")
        member_no = conn.scalar(select(M.c.member_no).where(M.c.id == member_id))
        key = signing_key(conn, exact)
    if key is None:
        raise NoSigningKey("HQ has no signing key (run `hq keys rotate`)")
    assert member_no is not None
    key_id, private = key
    token = mint_member_token(private, key_id, member_no, moment, APP_CODE_TTL)
    return AppCode(token, member_no, moment + APP_CODE_TTL)


def parse_card_or_phone(text: str) -> dict[str, str]:
    """``{"card_no": …}`` or ``{"phone": …}`` from what an operator typed."""
    text = text.strip()
    if is_card_no(text):
        return {"card_no": text}
    if PHONE_RE.match(text):
        return {"phone": text}
    raise HQError(f"{text!r} is neither a card number (16 digits, Luhn) nor a mobile number")


# ------------------------------------------------------------------ HQ's own changes


def _active(conn: Connection, member_id: str) -> Any:
    row = conn.execute(select(M).where(M.c.id == member_id)).first()
    if row is None or row.status != "active":
        raise MemberNotFound(f"no active member {member_id}")
    return row


# A member's personal data as HQ forgets it (deleted, or merged into a survivor).
_FORGOTTEN: dict[str, Any] = {
    "name": "",
    "name_pinyin": "",
    "name_initials": "",
    "gender": "",
    "phone": None,
    "email": "",
    "address": "",
    "birthday": None,
    "education": None,
    "income": None,
    "marital_status": None,
    "health": None,
    "health_consent": False,
}


def delete_member(engine: Engine, member_id: str) -> int:
    """Forget a member: personal data erased, a ``deleted`` tombstone; returns its seq."""
    with write_transaction(engine) as w:
        _active(w.conn, member_id)
        w.conn.execute(update(M).where(M.c.id == member_id).values(status="deleted", **_FORGOTTEN))
        seq = w.changes.take()
        refresh_member(w.conn, member_id, seq, w.now)
        _anonymise_complaints(w, member_id)
        forget_member(FastSQL(w.conn), member_id, w.now, w.changes.take)
        return seq


def _anonymise_complaints(w: Writer, member_id: str) -> None:
    """The member's complaints stay as records without the person (no name, no phone);
    each gets a new seq, so the store that logged it gets the record without them too."""
    ids = w.conn.scalars(
        select(CP.c.id).where(
            CP.c.member_id == member_id, (CP.c.customer_name != "") | (CP.c.customer_phone != "")
        )
    ).all()
    for complaint_id in ids:
        w.conn.execute(
            update(CP)
            .where(CP.c.id == complaint_id)
            .values(customer_name="", customer_phone="", updated_at=w.now, seq=w.changes.take())
        )


def merge_members(engine: Engine, source_id: str, target_id: str) -> tuple[int, int]:
    """Merge ``source`` into ``target``; returns (source tombstone seq, target seq).

    The target takes over the source's cards, receipts and points: the ledger gets a
    ``merge_out`` on the source and ``merge_in`` entries on the target that keep each
    remaining credit's expiry date. The source becomes a ``merged`` tombstone.
    """
    if source_id == target_id:
        raise HQError("a member cannot be merged into itself")
    with write_transaction(engine) as w:
        conn, now = w.conn, w.now
        _active(conn, source_id)
        _active(conn, target_id)
        ledger = conn.execute(
            select(L.c.delta, L.c.earned_on).where(L.c.member_id == source_id).order_by(L.c.id)
        ).all()
        balance = sum(d for d, _ in ledger)
        moved = 0
        entries: list[dict[str, Any]] = []
        for bucket in expiring_points((d, e) for d, e in ledger):
            expires = dt.date.fromisoformat(bucket["expires_on"])
            entries.append(
                {"delta": bucket["points"], "earned_on": dt.date(expires.year - 1, 12, 31)}
            )
            moved += bucket["points"]
        if balance != moved:
            entries.append({"delta": balance - moved, "earned_on": None})
        for entry in entries:
            conn.execute(
                insert(L).values(
                    op_id=None,
                    member_id=target_id,
                    kind="merge_in",
                    store_code=None,
                    receipt_no=None,
                    overdraft=False,
                    created_at=now,
                    **entry,
                )
            )
        if balance:
            conn.execute(
                insert(L).values(
                    op_id=None,
                    member_id=source_id,
                    delta=-balance,
                    kind="merge_out",
                    earned_on=None,
                    store_code=None,
                    receipt_no=None,
                    overdraft=False,
                    created_at=now,
                )
            )
        conn.execute(update(C).where(C.c.member_id == source_id).values(member_id=target_id))
        conn.execute(update(R).where(R.c.member_id == source_id).values(member_id=target_id))
        conn.execute(
            update(M)
            .where(M.c.id == source_id)
            .values(status="merged", merged_into=target_id, **_FORGOTTEN)
        )
        source_seq = w.changes.take()
        refresh_member(conn, source_id, source_seq, now)
        target_seq = w.changes.take()
        refresh_member(conn, target_id, target_seq, now)
        # Only the survivor's data stays: the merged registration's name and phone
        # leave its complaints (which still name it, and so the survivor).
        _anonymise_complaints(w, source_id)
        return source_seq, target_seq
