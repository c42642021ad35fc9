"""The local effects of operations on the cache, in one place.

A service applies an operation's effect when the operator makes it; the sync engine
applies the same effect again on top of HQ's newer row while the operation is still
pending (HQ's state + this store's pending operations, DESIGN §2). Both call these
functions, so the two can't drift apart. Inputs are canonical payloads
(``counter.contract``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from counter import contract
from counter.names import full_pinyin, initials, initials_variants
from counter.store.crypto import HealthCipher
from counter.store.models import Card, Complaint, ComplaintNote, Member, MemberKey

_PLAIN = ("gender", "email", "address", "education", "income", "marital_status")


def set_member_fields(
    session: Session,
    cipher: HealthCipher,
    member_id: str,
    changes: dict[str, Any],
    now: dt.datetime,
) -> None:
    """Write a ``member.update`` payload's ``changes`` onto the cached row."""
    values: dict[str, Any] = {k: changes[k] for k in _PLAIN if k in changes}
    if "gender" in values and values["gender"] is None:
        values["gender"] = ""
    for key in ("email", "address"):
        if key in values and values[key] is None:
            values[key] = ""
    if "name" in changes:
        name = str(changes["name"])
        values.update(name=name, name_pinyin=full_pinyin(name), name_initials=initials(name))
    if "phone" in changes:
        phone = str(changes["phone"])
        values.update(phone=phone, phone_rev=phone[::-1])
    if "birthday" in changes:
        raw = changes["birthday"]
        values["birthday"] = dt.date.fromisoformat(raw) if raw else None
    if values:
        values["updated_at"] = now
        session.execute(update(Member).where(Member.id == member_id).values(**values))
    if "name" in changes:
        refresh_search_keys(session, member_id, str(changes["name"]))
    if "health" in changes:
        set_health(session, cipher, member_id, changes["health"])


def refresh_search_keys(session: Session, member_id: str, name: str) -> None:
    session.execute(delete(MemberKey).where(MemberKey.member_id == member_id))
    variants = initials_variants(name)
    if variants:
        session.execute(
            insert(MemberKey), [{"key": "i:" + v, "member_id": member_id} for v in variants]
        )


def set_health(
    session: Session, cipher: HealthCipher, member_id: str, health: dict[str, Any] | None
) -> None:
    """Encrypt (bound to the member) or erase the health record and its allergy flag."""
    session.execute(
        update(Member)
        .where(Member.id == member_id)
        .values(
            health_enc=cipher.encrypt(member_id, health) if health is not None else None,
            allergy_alert=bool(health and health.get("allergies")),
        )
    )


def bind_card(
    session: Session,
    member_id: str,
    card_no: str,
    replaces: str | None,
    now: dt.datetime,
) -> None:
    """Bind ``card_no`` to the member (taking it over if cached elsewhere), retire ``replaces``."""
    existing = session.get(Card, card_no)
    if existing is None:
        session.add(Card(card_no=card_no, member_id=member_id, status="active", bound_at=now))
    else:
        existing.member_id = member_id
        existing.status = "active"
        existing.bound_at = now
    if replaces:
        session.execute(
            update(Card)
            .where(Card.card_no == replaces, Card.member_id == member_id)
            .values(status="replaced")
        )
    session.flush()


def card_holder(session: Session, card_no: str) -> str | None:
    """The member id holding an active card, if any."""
    return session.scalar(
        select(Card.member_id).where(Card.card_no == card_no, Card.status == "active")
    )


def apply_complaint_update(
    s: Session,
    complaint: Complaint,
    payload: dict[str, Any],
    op_id: str,
    operator_id: str,
    now: dt.datetime,
) -> None:
    """The local effect of a ``complaint.update`` (also laid over HQ's record while pending)."""
    status = payload.get("status")
    if status:
        complaint.status = status
    if (payload.get("note") or status) and s.get(ComplaintNote, op_id) is None:
        s.add(
            ComplaintNote(
                id=op_id,
                complaint_id=complaint.id,
                at=now,
                operator_id=operator_id,
                text=payload.get("note") or "",
                new_status=status,
            )
        )
    f = payload.get("followup")
    if f:
        complaint.followup_at = contract.parse_time(f["at"])
        complaint.followup_note = f.get("note") or ""
        complaint.satisfaction = int(f["satisfaction"])
        complaint.followup_method = f.get("method") or "phone"
        complaint.followup_reached = bool(f.get("reached", True))
    complaint.updated_at = now
    s.flush()
