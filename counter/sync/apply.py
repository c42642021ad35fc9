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

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from counter.names import full_pinyin, initials, initials_variants
from counter.store.crypto import HealthCipher
from counter.store.models import Card, Member, MemberKey

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
        "points_expiring": json.dumps(rec.get("points_expiring", []), ensure_ascii=False),
        "recent_visits": json.dumps(rec.get("recent_visits", []), ensure_ascii=False),
        "status": "active",
        "merged_into": None,
        "origin": "hq",
        "hq_seq": rec["seq"],
        "created_at": now,
        "updated_at": dt.datetime.fromisoformat(rec["updated_at"].replace("Z", "+00:00")),
    }


def apply_member_records(
    session: Session, records: Sequence[dict[str, Any]], cipher: HealthCipher, now: dt.datetime
) -> int:
    """Upsert active members and their cards, mark tombstones; returns records applied."""
    active = [r for r in records if r["status"] == "active"]
    gone = [r for r in records if r["status"] != "active"]
    if active:
        rows = [_member_row(r, cipher, now) for r in active]
        _refresh_keys(session, rows)
        stmt = insert(Member)
        session.execute(
            stmt.on_conflict_do_update(
                index_elements=[Member.id],
                set_={c: getattr(stmt.excluded, c) for c in _MEMBER_UPDATE_COLUMNS},
            ),
            rows,
        )
        keys = [
            {"key": "i:" + variant, "member_id": row["id"]}
            for row in rows
            for variant in initials_variants(row["name"])
        ]
        if keys:
            session.execute(insert(MemberKey).on_conflict_do_nothing(), keys)
        cards = [
            {
                "card_no": c["card_no"],
                "member_id": r["id"],
                "status": c["status"],
                "valid_until": dt.date.fromisoformat(c["valid_until"])
                if c.get("valid_until")
                else None,
                "bound_at": now,
            }
            for r in active
            for c in r["cards"]
        ]
        if cards:
            card_stmt = insert(Card)
            session.execute(
                card_stmt.on_conflict_do_update(
                    index_elements=[Card.card_no],
                    set_={
                        "member_id": card_stmt.excluded.member_id,
                        "status": card_stmt.excluded.status,
                        "valid_until": card_stmt.excluded.valid_until,
                    },
                ),
                cards,
            )
    for r in gone:
        session.execute(
            update(Member)
            .where(Member.id == r["id"])
            .values(status=r["status"], merged_into=r.get("merged_into"), hq_seq=r["seq"])
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
