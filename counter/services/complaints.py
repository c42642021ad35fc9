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
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from counter import contract, rules
from counter.errors import NotFoundError, ValidationError
from counter.ids import uuid7
from counter.privacy import mask_name, mask_phone
from counter.services import audit
from counter.services.config import current_rules
from counter.services.context import Actor, ServiceContext
from counter.services.ops import active_member, queue_op, require_role
from counter.store import effects
from counter.store.models import Complaint, ComplaintNote

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
# Moves that need a text: how it was resolved, why HQ must take over.
NEEDS_NOTE: dict[str, tuple[str, str]] = {
    "resolved": ("请写明解决办法。", "Say how it was resolved."),
    "escalated": ("请写明上报总部的原因。", "Say why HQ must take over."),
}
DESCRIPTION_MAX = 4000
WANTS_MAX = 1000
FOLLOWUP_METHODS = contract.FOLLOWUP_METHODS
DESK_ROLES = ("service", "manager")


@dataclass(frozen=True)
class Followup:
    """A follow-up visit (回访): when, how, whether the customer was reached, satisfaction 1–5."""

    satisfaction: int
    note: str = ""
    at: dt.datetime | None = None
    method: str = "phone"
    reached: bool = True


@dataclass(frozen=True)
class ComplaintNoteView:
    at: dt.datetime
    operator_id: str
    text: str
    new_status: str | None


@dataclass(frozen=True)
class ComplaintView:
    id: str
    number: str
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
    changed_at_hq: bool

    @property
    def allowed_transitions(self) -> tuple[str, ...]:
        return TRANSITIONS.get(self.status, ())


def _to_view(
    c: Complaint, actor: Actor, now: dt.datetime, *, timeline: bool = True
) -> ComplaintView:
    """Name and phone masked for every role (DESIGN §7): reveal_customer shows them, audited."""
    followup = None
    if c.followup_at is not None and c.satisfaction is not None:
        followup = Followup(
            c.satisfaction,
            c.followup_note,
            c.followup_at,
            c.followup_method or "phone",
            True if c.followup_reached is None else bool(c.followup_reached),
        )
    return ComplaintView(
        id=c.id,
        number=c.number,
        store_code=c.store_code,
        member_id=c.member_id,
        customer_name=mask_name(c.customer_name),
        customer_phone=mask_phone(c.customer_phone) if c.customer_phone else "",
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
        )
        if timeline
        else (),
        followup=followup,
        synced=c.hq_seq > 0,
        overdue=c.status in OPEN_STATES and now > c.due_at,
        changed_at_hq=bool(c.changed_at_hq),
    )


def local_day(moment: dt.datetime) -> str:
    """The store's calendar day (the PC's time zone) as YYYYMMDD, for complaint numbers."""
    return moment.astimezone().strftime("%Y%m%d")


def next_number(s: Session, ctx: ServiceContext, now: dt.datetime) -> str:
    """``S001-2-20261206-003``: store, this PC's counter number, local day, sequence.

    The sequence is per PC and day, so two PCs of a store numbering offline never collide
    (DESIGN §2); it continues after the highest this PC has (its own, or HQ's copy of them).
    """
    prefix = f"{ctx.store_code}-{ctx.counter_no}-{local_day(now)}-"
    last = s.scalar(
        select(Complaint.number)
        .where(Complaint.number.startswith(prefix, autoescape=True))
        .order_by(func.length(Complaint.number).desc(), Complaint.number.desc())
        .limit(1)
    )
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:03d}"


def due_preview(ctx: ServiceContext, severity: str) -> dt.datetime:
    """The due time a complaint of this severity logged now would get (shown before saving)."""
    with ctx.db.read() as s:
        return rules.complaint_due(current_rules(s, ctx), severity, ctx.now())


def check_new(
    *,
    member_id: str | None,
    customer_name: str,
    customer_phone: str,
    description: str,
    wants: str,
    category: str,
    severity: str,
    channel: str,
) -> None:
    """Refuse bad input with a message on its field, before anything is written."""
    if not description.strip():
        raise ValidationError(
            "请写下顾客投诉的经过。", "Describe what happened.", field="description"
        )
    if len(description) > DESCRIPTION_MAX:
        raise ValidationError(
            f"经过最多 {DESCRIPTION_MAX} 字（现在 {len(description)} 字）。",
            f"At most {DESCRIPTION_MAX} characters (now {len(description)}).",
            field="description",
        )
    if len(wants) > WANTS_MAX:
        raise ValidationError(
            f"顾客诉求最多 {WANTS_MAX} 字。",
            f"At most {WANTS_MAX} characters.",
            field="wants",
        )
    if member_id is None:
        if not customer_name.strip():
            raise ValidationError(
                "不是会员时请填写顾客姓名。",
                "For a customer who is not a member, enter a name.",
                field="customer_name",
            )
        if len(customer_name.strip()) > 64:
            raise ValidationError("姓名太长。", "The name is too long.", field="customer_name")
        if not customer_phone.strip():
            raise ValidationError(
                "不是会员时请填写顾客手机号。",
                "For a customer who is not a member, enter a phone.",
                field="customer_phone",
            )
    if customer_phone.strip() and not contract.PHONE_RE.match(customer_phone.strip()):
        raise ValidationError(
            "手机号应为 11 位数字，以 1 开头。",
            "A mobile number has 11 digits and starts with 1.",
            field="customer_phone",
        )
    for key, value, choices in (
        ("category", category, contract.COMPLAINT_CATEGORIES),
        ("severity", severity, contract.COMPLAINT_SEVERITIES),
        ("channel", channel, contract.COMPLAINT_CHANNELS),
    ):
        if value not in choices:
            raise ValidationError("请选择一项。", "Choose one.", field=key)


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
    """Log a complaint; its due time comes from the severity (HQ config), its number from
    this PC's own sequence of the day."""
    check_new(
        member_id=member_id,
        customer_name=customer_name,
        customer_phone=customer_phone,
        description=description,
        wants=wants,
        category=category,
        severity=severity,
        channel=channel,
    )
    now = ctx.now()
    complaint_id = uuid7()
    customer_name, customer_phone = customer_name.strip(), customer_phone.strip()
    with ctx.db.write() as s:
        number = next_number(s, ctx, now)
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
                "number": number,
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
            number=number,
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
            followup_method="",
            changed_at_hq=False,
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
    override: bool = False,
) -> ComplaintView:
    """Move the complaint on, add a handling note, and/or record the follow-up visit.

    Resolving needs a resolution text and escalating a reason (the note); closing needs a
    follow-up visit, or a manager's ``override`` with the reason as the note.
    """
    now = ctx.now()
    note = note.strip() if note is not None else None
    if note is not None and len(note) > DESCRIPTION_MAX:
        raise ValidationError(
            f"最多 {DESCRIPTION_MAX} 字。", f"At most {DESCRIPTION_MAX} characters.", field="note"
        )
    if followup is not None:
        if not 1 <= followup.satisfaction <= 5:
            raise ValidationError(
                "满意度为 1 到 5。", "Satisfaction is 1 to 5.", field="satisfaction"
            )
        if followup.method not in FOLLOWUP_METHODS:
            raise ValidationError("请选择回访方式。", "Choose how.", field="method")
        if len(followup.note) > 2000:
            raise ValidationError("最多 2000 字。", "At most 2000 characters.", field="followup")
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
        if status in NEEDS_NOTE and not note:
            zh, en = NEEDS_NOTE[status]
            raise ValidationError(zh, en, field="note", detail="note_required")
        if status == "closed" and followup is None and complaint.followup_at is None:
            if not override:
                raise ValidationError(
                    "结案前需要回访（或由店长说明原因后直接结案）。",
                    "Close after a follow-up visit (or a manager closes it with a reason).",
                    field="followup",
                    detail="followup_required",
                )
            require_role(actor, ("manager",), "不回访直接结案", "close without a follow-up")
            if not note:
                raise ValidationError(
                    "请写明不回访直接结案的原因。",
                    "Say why it closes without a follow-up.",
                    field="note",
                    detail="note_required",
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
                "method": followup.method,
                "reached": followup.reached,
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


@dataclass(frozen=True)
class ComplaintFilter:
    """What the F11 list shows: all empty = every complaint of the store."""

    states: tuple[str, ...] = ()
    severity: str = ""
    category: str = ""
    overdue_only: bool = False
    mine: bool = False
    text: str = ""  # a number (or part), a phone's last digits, or words of the complaint


def search_complaints(
    ctx: ServiceContext,
    actor: Actor,
    flt: ComplaintFilter = ComplaintFilter(),
    *,
    limit: int = 200,
    timeline: bool = True,
) -> tuple[ComplaintView, ...]:
    """The complaints desk's list, soonest due first; filtered in SQL so 10,000 stay fast.

    ``timeline=False``: without the notes (the list's rows; the detail reads one complaint).
    """
    require_role(actor, DESK_ROLES, "查看投诉列表", "see the complaints list")
    now = ctx.now()
    query = select(Complaint)
    if flt.states:
        query = query.where(Complaint.status.in_(flt.states))
    if flt.severity:
        query = query.where(Complaint.severity == flt.severity)
    if flt.category:
        query = query.where(Complaint.category == flt.category)
    if flt.overdue_only:
        query = query.where(Complaint.status.in_(OPEN_STATES), Complaint.due_at < now)
    if flt.mine:
        mine_notes = select(ComplaintNote.complaint_id).where(
            ComplaintNote.operator_id == actor.operator_id
        )
        query = query.where(
            or_(Complaint.created_by == actor.operator_id, Complaint.id.in_(mine_notes))
        )
    text = flt.text.strip()
    if text:
        if text.isdigit() and len(text) <= 4:
            query = query.where(
                or_(
                    Complaint.customer_phone.endswith(text, autoescape=True),
                    Complaint.number.endswith(text, autoescape=True),
                )
            )
        else:
            query = query.where(
                or_(
                    Complaint.number.contains(text, autoescape=True),
                    Complaint.customer_phone.endswith(text, autoescape=True),
                    Complaint.description.contains(text, autoescape=True),
                    Complaint.wants.contains(text, autoescape=True),
                )
            )
    with ctx.db.read() as s:
        if timeline:
            query = query.options(selectinload(Complaint.notes))  # one query for all
        rows = s.scalars(query.order_by(Complaint.due_at, Complaint.id).limit(limit)).all()
        return tuple(_to_view(c, actor, now, timeline=timeline) for c in rows)


@dataclass(frozen=True)
class CustomerContact:
    complaint_id: str
    name: str
    phone: str


def reveal_customer(
    ctx: ServiceContext, actor: Actor, complaint_id: str, why: str = ""
) -> CustomerContact:
    """The complaining customer's name and phone in clear (to call them back), audited."""
    require_role(actor, DESK_ROLES, "查看完整姓名和手机号", "see a customer's full name and phone")
    with ctx.db.write() as s:
        complaint = s.get(Complaint, complaint_id)
        if complaint is None:
            raise NotFoundError("未找到该投诉。", "No such complaint.", detail=complaint_id)
        audit.record(
            s,
            actor,
            "complaint.reveal",
            ctx.clock(),
            member_id=complaint.member_id,
            complaint=complaint_id,
            why=why,
        )
        return CustomerContact(complaint_id, complaint.customer_name, complaint.customer_phone)


@dataclass(frozen=True)
class ComplaintFigures:
    """What the manager's desk charts for a period (complaints logged in it)."""

    total: int
    by_category: dict[str, int]
    by_state: dict[str, int]
    by_severity: dict[str, int]
    overdue: int
    average_satisfaction: float | None
    median_hours_to_resolve: float | None


def complaint_figures(
    ctx: ServiceContext, actor: Actor, since: dt.datetime, until: dt.datetime
) -> ComplaintFigures:
    """Counts by category, state, severity and overdue, satisfaction, time to resolve."""
    require_role(actor, DESK_ROLES, "查看投诉统计", "see complaint figures")
    now = ctx.now()
    with ctx.db.read() as s:
        rows = s.scalars(
            select(Complaint).where(Complaint.created_at >= since, Complaint.created_at < until)
        ).all()
        resolved_at: dict[str, dt.datetime] = {}
        ids = [c.id for c in rows]
        for start in range(0, len(ids), 500):
            for cid, at in s.execute(
                select(ComplaintNote.complaint_id, func.min(ComplaintNote.at))
                .where(
                    ComplaintNote.complaint_id.in_(ids[start : start + 500]),
                    ComplaintNote.new_status == "resolved",
                )
                .group_by(ComplaintNote.complaint_id)
            ):
                resolved_at[cid] = at
        hours = [
            (resolved_at[c.id] - c.created_at).total_seconds() / 3600
            for c in rows
            if c.id in resolved_at
        ]
        scores = [c.satisfaction for c in rows if c.satisfaction is not None]
        return ComplaintFigures(
            total=len(rows),
            by_category=dict(Counter(c.category for c in rows)),
            by_state=dict(Counter(c.status for c in rows)),
            by_severity=dict(Counter(c.severity for c in rows)),
            overdue=sum(1 for c in rows if c.status in OPEN_STATES and now > c.due_at),
            average_satisfaction=round(statistics.fmean(scores), 2) if scores else None,
            median_hours_to_resolve=round(statistics.median(hours), 2) if hours else None,
        )
