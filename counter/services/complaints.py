"""Complaints (顾客投诉, DESIGN §6): log, handle, resolve, close, follow up.

States follow docs/hq-api.md: ``received → handling → resolved → closed``, and
``escalated`` from received or handling, after which HQ decides (the store still adds
notes). Each change is one durable transaction with its ``complaint.*`` operation; the
timeline is the notes (who, when, what, new status), and a status change without a note
still leaves a line in it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from counter import contract, rules
from counter.errors import NotFoundError, ValidationError
from counter.ids import uuid7
from counter.privacy import mask_name, mask_phone
from counter.services import audit
from counter.services.config import current_rules
from counter.services.context import Actor, ServiceContext
from counter.services.ops import active_member, queue_op
from counter.store import effects
from counter.store.models import Complaint

# What a store may do; HQ may also move an escalated complaint back to handling or on.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "received": ("handling", "escalated"),
    "handling": ("resolved", "escalated"),
    "resolved": ("closed",),
    "closed": (),
    "escalated": (),
}
OPEN_STATES = ("received", "handling", "escalated")
FOLLOWUP_STATES = ("resolved", "closed")


@dataclass(frozen=True)
class Followup:
    """A follow-up visit (回访): when, what was said, satisfaction 1–5."""

    satisfaction: int
    note: str = ""
    at: dt.datetime | None = None


@dataclass(frozen=True)
class ComplaintNoteView:
    at: dt.datetime
    operator_id: str
    text: str
    new_status: str | None


@dataclass(frozen=True)
class ComplaintView:
    id: str
    store_code: str
    member_id: str | None
    customer_name: str
    customer_phone: str
    category: str
    severity: str
    channel: str
    description: str
    wants: str
    status: str
    due_at: dt.datetime
    created_at: dt.datetime
    updated_at: dt.datetime
    created_by: str
    notes: tuple[ComplaintNoteView, ...]
    followup: Followup | None
    synced: bool
    overdue: bool

    @property
    def allowed_transitions(self) -> tuple[str, ...]:
        return TRANSITIONS.get(self.status, ())


def _to_view(c: Complaint, actor: Actor, now: dt.datetime) -> ComplaintView:
    masked = actor.role == "cashier"
    followup = None
    if c.followup_at is not None and c.satisfaction is not None:
        followup = Followup(c.satisfaction, c.followup_note, c.followup_at)
    return ComplaintView(
        id=c.id,
        store_code=c.store_code,
        member_id=c.member_id,
        customer_name=mask_name(c.customer_name) if masked else c.customer_name,
        customer_phone=mask_phone(c.customer_phone)
        if masked and c.customer_phone
        else c.customer_phone,
        category=c.category,
        severity=c.severity,
        channel=c.channel,
        description=c.description,
        wants=c.wants,
        status=c.status,
        due_at=c.due_at,
        created_at=c.created_at,
        updated_at=c.updated_at,
        created_by=c.created_by,
        notes=tuple(
            ComplaintNoteView(n.at, n.operator_id, n.text, n.new_status)
            for n in sorted(c.notes, key=lambda n: (n.at, n.id))
        ),
        followup=followup,
        synced=c.hq_seq > 0,
        overdue=c.status in OPEN_STATES and now > c.due_at,
    )


def create_complaint(
    ctx: ServiceContext,
    actor: Actor,
    *,
    category: str,
    severity: str,
    channel: str,
    description: str,
    member_id: str | None = None,
    customer_name: str = "",
    customer_phone: str = "",
    wants: str = "",
) -> ComplaintView:
    """Log a complaint; its due time comes from the severity (HQ config)."""
    now = ctx.now()
    complaint_id = uuid7()
    with ctx.db.write() as s:
        if member_id is not None:
            member = active_member(s, member_id)
            customer_name = customer_name.strip() or member.name
            customer_phone = customer_phone.strip() or member.phone
        op = queue_op(
            s,
            ctx,
            actor,
            "complaint.create",
            {
                "complaint_id": complaint_id,
                "member_id": member_id,
                "customer_name": customer_name,
                "customer_phone": customer_phone,
                "category": category,
                "severity": severity,
                "channel": channel,
                "description": description,
                "wants": wants,
                "created_at": contract.format_time(now),
            },
            now,
            member_id=member_id,
        )
        p = _payload(op.payload)  # canonical: checked by queue_op
        complaint = Complaint(
            id=complaint_id,
            store_code=ctx.store_code,
            member_id=member_id,
            customer_name=p["customer_name"],
            customer_phone=p["customer_phone"],
            category=p["category"],
            severity=p["severity"],
            channel=p["channel"],
            description=p["description"],
            wants=p["wants"],
            status="received",
            due_at=rules.complaint_due(current_rules(s, ctx), p["severity"], now),
            created_at=now,
            updated_at=now,
            created_by=actor.operator_id,
            followup_note="",
            hq_seq=0,
        )
        s.add(complaint)
        s.flush()
        audit.record(s, actor, "complaint.create", now, member_id=member_id, complaint=complaint_id)
        return _to_view(complaint, actor, now)


def _payload(text: str) -> dict[str, Any]:
    value = json.loads(text)
    assert isinstance(value, dict)
    return value


def update_complaint(
    ctx: ServiceContext,
    actor: Actor,
    complaint_id: str,
    *,
    status: str | None = None,
    note: str | None = None,
    followup: Followup | None = None,
) -> ComplaintView:
    """Move the complaint on, add a handling note, and/or record the follow-up visit."""
    now = ctx.now()
    note = note.strip() if note is not None else None
    with ctx.db.write() as s:
        complaint = s.get(Complaint, complaint_id)
        if complaint is None:
            raise NotFoundError("未找到该投诉。", "No such complaint.", detail=complaint_id)
        if status == complaint.status:
            status = None
        if status is not None and status not in TRANSITIONS.get(complaint.status, ()):
            raise ValidationError(
                f"投诉不能从“{complaint.status}”改为“{status}”。",
                f"A complaint can't go from {complaint.status} to {status}.",
                field="status",
                detail="invalid_transition",
            )
        after = status or complaint.status
        if followup is not None and after not in FOLLOWUP_STATES:
            raise ValidationError(
                "投诉解决后才能回访。",
                "Follow up a complaint once it is resolved.",
                field="followup",
            )
        if status is None and not note and followup is None:
            raise ValidationError("没有需要保存的内容。", "Nothing to save.", field="note")
        payload: dict[str, Any] = {"complaint_id": complaint_id}
        if status is not None:
            payload["status"] = status
        if note:
            payload["note"] = note
        if followup is not None:
            payload["followup"] = {
                "at": contract.format_time(followup.at or now),
                "note": followup.note,
                "satisfaction": followup.satisfaction,
            }
        op = queue_op(
            s, ctx, actor, "complaint.update", payload, now, member_id=complaint.member_id
        )
        effects.apply_complaint_update(
            s, complaint, _payload(op.payload), op.op_id, actor.operator_id, now
        )
        audit.record(
            s,
            actor,
            "complaint.update",
            now,
            member_id=complaint.member_id,
            complaint=complaint_id,
            status=status,
        )
        return _to_view(complaint, actor, now)


def get_complaint(ctx: ServiceContext, actor: Actor, complaint_id: str) -> ComplaintView:
    with ctx.db.read() as s:
        complaint = s.get(Complaint, complaint_id)
        if complaint is None:
            raise NotFoundError("未找到该投诉。", "No such complaint.", detail=complaint_id)
        return _to_view(complaint, actor, ctx.now())


def list_complaints(
    ctx: ServiceContext,
    actor: Actor,
    *,
    open_only: bool = False,
    member_id: str | None = None,
    limit: int = 200,
) -> tuple[ComplaintView, ...]:
    """Complaints of this store, soonest due first (overdue ones stand out in the view)."""
    now = ctx.now()
    with ctx.db.read() as s:
        query = select(Complaint)
        if open_only:
            query = query.where(Complaint.status.in_(OPEN_STATES))
        if member_id is not None:
            query = query.where(Complaint.member_id == member_id)
        rows = s.scalars(query.order_by(Complaint.due_at, Complaint.id).limit(limit))
        return tuple(_to_view(c, actor, now) for c in rows)
