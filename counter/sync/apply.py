"""Applying HQ's member records to the cache in bulk.

Records arrive already checked by ``counter.contract.parse_member_record``. One page is
applied with plain executemany upserts inside the caller's transaction (the sync
engine moves the cursor in that same transaction), which keeps a first sync of a
million members within its budget.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from counter.names import full_pinyin, initials, initials_variants
from counter.store.crypto import HealthCipher
from counter.store.models import Member, MemberKey

_MEMBER_UPDATE_COLUMNS = (
    "member_no",
    "name",
    "name_pinyin",
    "name_initials",
    "gender",
    "birthday",
    "phone",
    "phone_rev",
    "email",
    "address",
    "education",
    "income",
    "marital_status",
    "tier",
    "points",
    "health_enc",
    "allergy_alert",
    "points_expiring",
    "recent_visits",
    "status",
    "merged_into",
    "origin",
    "hq_seq",
    "updated_at",
)


def _json_list(items: list[Any] | None) -> str:
    return json.dumps(items, ensure_ascii=False) if items else "[]"


def _member_row(rec: dict[str, Any], cipher: HealthCipher, now: dt.datetime) -> dict[str, Any]:
    health = rec.get("health")
    return {
        "id": rec["id"],
        "member_no": rec["member_no"],
        "name": rec["name"],
        "name_pinyin": full_pinyin(rec["name"]),
        "name_initials": initials(rec["name"]),
        "gender": rec.get("gender") or "",
        "birthday": dt.date.fromisoformat(rec["birthday"]) if rec.get("birthday") else None,
        "phone": rec["phone"],
        "phone_rev": rec["phone"][::-1],
        "email": rec.get("email") or "",
        "address": rec.get("address") or "",
        "education": rec.get("education"),
        "income": rec.get("income"),
        "marital_status": rec.get("marital_status"),
        "tier": rec["tier"],
        "points": rec["points"],
        "health_enc": cipher.encrypt(rec["id"], health) if health else None,
        "allergy_alert": bool(health and health.get("allergies")),
        "points_expiring": _json_list(rec.get("points_expiring")),
        "recent_visits": _json_list(rec.get("recent_visits")),
        "status": "active",
        "merged_into": None,
        "origin": "hq",
        "hq_seq": rec["seq"],
        "created_at": now,
        "updated_at": dt.datetime.fromisoformat(rec["updated_at"].replace("Z", "+00:00")),
    }


_MEMBER_COLUMNS = ("id", "created_at", *_MEMBER_UPDATE_COLUMNS)
_MEMBER_SQL = (
    f"INSERT INTO members ({', '.join(_MEMBER_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in _MEMBER_COLUMNS)}) "
    "ON CONFLICT(id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _MEMBER_UPDATE_COLUMNS)
)
_CARD_SQL = (
    "INSERT INTO cards (card_no, member_id, status, valid_until, bound_at) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT(card_no) DO UPDATE SET member_id = excluded.member_id, "
    "status = excluded.status, valid_until = excluded.valid_until"
)
_KEY_SQL = "INSERT OR IGNORE INTO member_keys (key, member_id) VALUES (?, ?)"
_TOMBSTONE_SQL = "UPDATE members SET status = ?, merged_into = ?, hq_seq = ? WHERE id = ?"


def _text_time(value: dt.datetime) -> str:
    # The same text UTCDateTime writes, so ORM reads of these rows compare and sort alike.
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def apply_member_records(
    session: Session, records: Sequence[dict[str, Any]], cipher: HealthCipher, now: dt.datetime
) -> int:
    """Upsert active members and their cards, mark tombstones; returns records applied.

    This is the one hot bulk path of the cache, so it talks to SQLite directly (one
    ``executemany`` per table) on the session's own connection and transaction.
    """
    raw = session.connection().connection.dbapi_connection
    assert raw is not None
    active = [r for r in records if r["status"] == "active"]
    gone = [r for r in records if r["status"] != "active"]
    if active:
        rows = [_member_row(r, cipher, now) for r in active]
        _refresh_keys(session, rows)
        now_text = _text_time(now)
        raw.executemany(
            _MEMBER_SQL,
            [
                (
                    row["id"],
                    now_text,
                    *(
                        _text_time(row[c])
                        if c == "updated_at"
                        else row[c].isoformat()
                        if c == "birthday" and row[c] is not None
                        else row[c]
                        for c in _MEMBER_UPDATE_COLUMNS
                    ),
                )
                for row in rows
            ],
        )
        raw.executemany(
            _KEY_SQL,
            [
                ("i:" + variant, row["id"])
                for row in rows
                for variant in initials_variants(row["name"])
            ],
        )
        raw.executemany(
            _CARD_SQL,
            [
                (c["card_no"], r["id"], c["status"], c.get("valid_until"), now_text)
                for r in active
                for c in r["cards"]
            ],
        )
    if gone:
        raw.executemany(
            _TOMBSTONE_SQL, [(r["status"], r.get("merged_into"), r["seq"], r["id"]) for r in gone]
        )
    return len(records)


def _refresh_keys(session: Session, rows: list[dict[str, Any]]) -> None:
    """Drop the search keys of members whose name HQ changed (new keys are added after)."""
    names = {row["id"]: row["name"] for row in rows}
    ids = list(names)
    stale: list[str] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for member_id, old_name in session.execute(
            select(Member.id, Member.name).where(Member.id.in_(chunk))
        ):
            if old_name != names[member_id]:
                stale.append(member_id)
    if stale:
        session.execute(delete(MemberKey).where(MemberKey.member_id.in_(stale)))
