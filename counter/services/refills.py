"""Refill reminders (续药提醒): from the regular medicines in the health record.

A regular medicine with a days' supply and a last-dispensed date runs out on
``last_dispensed + days_supply``; its reminder falls due ``refill_lead_days`` (HQ config)
before that (``care_rules.refill_due_on``). "Dispensed today" (:func:`mark_dispensed`)
moves the date on through the ordinary health update, so HQ and the other counters see
it. The medicines of one member that fall due on the same day are one reminder: one call.

Which members: those whose health consent was recorded at this counter, or who follow a
care plan here. The cache holds the whole chain's members and reading a medicine list
means decrypting it; a store reminds its own chronic patients, not the chain's
(docs/care.md). How a reminder was handled (done, tomorrow, declined) is kept at this
counter (``care_refill_marks``); it is not an operation for HQ.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from counter import care_rules
from counter.contract import HQ_OPERATOR
from counter.contract.care import MAX_NOTE
from counter.errors import ValidationError
from counter.services import audit
from counter.services.care import care_config, encrypt_note, local_today
from counter.services.context import Actor, ServiceContext
from counter.services.ops import HEALTH_ROLES, active_member, check_text, require_role
from counter.services.profile import HealthRecord, _record, consent_on_file, write_health
from counter.store.models import CarePlan, Consent, Member, RefillMark


@dataclass(frozen=True)
class RefillDue:
    """One member's reminder: the medicines whose refill falls due on ``due_on``."""

    member_id: str
    due_on: dt.date
    medicines: tuple[str, ...]
    runs_out_on: dt.date


def _cared_for_here(s: Session) -> list[tuple[str, bytes]]:
    """(id, health ciphertext) of the active members with a health record whose health
    consent was recorded here (the latest one a grant) or who follow a plan here: two
    queries, whatever their number (the status bar asks often)."""
    latest: dict[str, bool] = {}
    here: set[str] = set()  # HQ's rows (1.1) tell the latest word, not who is cared for here
    for member_id, granted, operator in s.execute(
        select(Consent.member_id, Consent.granted, Consent.operator_id)
        .where(Consent.purpose == "health")
        .order_by(Consent.recorded_at, Consent.id)
    ):
        latest[member_id] = bool(granted)
        if operator != HQ_OPERATOR:
            here.add(member_id)
    wanted = {m for m, granted in latest.items() if granted and m in here}
    wanted |= {m for m in s.scalars(select(CarePlan.member_id)) if latest.get(m, True)}
    ids = sorted(wanted)
    out: list[tuple[str, bytes]] = []
    for start in range(0, len(ids), 500):
        out.extend(
            (member_id, blob)
            for member_id, blob in s.execute(
                select(Member.id, Member.health_enc).where(
                    Member.id.in_(ids[start : start + 500]),
                    Member.status == "active",
                    Member.health_enc.is_not(None),
                )
            )
            if blob is not None
        )
    return out


def member_refills(
    ctx: ServiceContext, member_id: str, health_enc: bytes | None, lead_days: int
) -> dict[dt.date, RefillDue]:
    """The member's reminders by due date (every round, due or not)."""
    if health_enc is None:
        return {}
    health = ctx.cipher.decrypt(member_id, health_enc)
    by_due: dict[dt.date, list[tuple[str, dt.date]]] = {}
    for raw in health.get("medicines", []):
        if not isinstance(raw, dict):
            continue
        last = raw.get("last_dispensed")
        supply = raw.get("days_supply")
        if not isinstance(last, str) or not isinstance(supply, int):
            continue
        last_on = dt.date.fromisoformat(last)
        due = care_rules.refill_due_on(last_on, supply, lead_days)
        if due is not None:
            by_due.setdefault(due, []).append(
                (str(raw.get("name", "")), care_rules.runs_out_on(last_on, supply))
            )
    return {
        due: RefillDue(member_id, due, tuple(n for n, _ in meds), min(o for _, o in meds))
        for due, meds in by_due.items()
    }


def _hidden(mark: RefillMark | None, today: dt.date) -> bool:
    if mark is None:
        return False
    if mark.state == "snoozed":
        return mark.until is not None and mark.until > today
    return True  # done or declined for this round


def refills_due(s: Session, ctx: ServiceContext, today: dt.date) -> list[RefillDue]:
    """Reminders due today or earlier and not yet handled, soonest first (a member's
    medicines due on different days are different reminders)."""
    lead = care_config(s, ctx).refill_lead_days
    marks = {
        (m.member_id, m.due_on): m
        for m in s.scalars(select(RefillMark).where(RefillMark.due_on <= today))
    }
    # Decrypted schedules are kept per member against the ciphertext they came from (each
    # write makes a new one): the status bar asks again and again, the records rarely change.
    memo: dict[str, tuple[bytes, int, dict[dt.date, RefillDue]]] = ctx.memo.setdefault(
        "refills", {}
    )
    out: list[RefillDue] = []
    for member_id, blob in _cared_for_here(s):
        kept = memo.get(member_id)
        if kept is None or kept[0] != blob or kept[1] != lead:
            kept = memo[member_id] = (blob, lead, member_refills(ctx, member_id, blob, lead))
        for due, item in kept[2].items():
            if due <= today and not _hidden(marks.get((member_id, due)), today):
                out.append(item)
    out.sort(key=lambda r: (r.due_on, r.member_id))
    return out


def do_refill(
    ctx: ServiceContext,
    actor: Actor,
    member_id: str,
    due_on: dt.date,
    outcome: str,
    note: str = "",
) -> None:
    """Record how the reminder due on ``due_on`` went.

    reached → done for this round; no answer → again tomorrow; visited → the medicines
    due are dispensed today (:func:`mark_dispensed`); declined → no more reminders until
    the medicine is dispensed again.
    """
    require_role(actor, HEALTH_ROLES, "处理续药提醒", "handle refill reminders")
    if outcome not in care_rules.OUTCOMES:
        raise ValidationError(
            "请选择随访结果。", "Choose the outcome.", field="outcome", detail="bad_outcome"
        )
    note = (note or "").strip()
    check_text("note", note, multiline=True)
    if len(note) > MAX_NOTE:
        raise ValidationError(
            f"备注最多 {MAX_NOTE} 字。",
            f"The note is at most {MAX_NOTE} characters.",
            field="note",
        )
    now = ctx.now()
    today = local_today(ctx)
    with ctx.db.write() as s:
        member = active_member(s, member_id)
        due = member_refills(
            ctx, member.id, member.health_enc, care_config(s, ctx).refill_lead_days
        ).get(due_on)
        if due is None:
            raise ValidationError(
                "没有这一天到期的续药提醒。",
                "There is no refill reminder due on that day.",
                field="due_on",
                detail="no_reminder",
            )
        state = {"no_answer": "snoozed", "declined": "declined"}.get(outcome, "done")
        mark = s.get(RefillMark, (member_id, due_on)) or RefillMark(
            member_id=member_id, due_on=due_on
        )
        mark.state = state
        mark.until = care_rules.retry_on(today) if state == "snoozed" else None
        mark.outcome = outcome
        mark.note_enc = encrypt_note(ctx.cipher, member_id, note)
        mark.at = now
        mark.operator_id = actor.operator_id
        s.merge(mark)
        audit.record(
            s,
            actor,
            "care.refill",
            now,
            member_id=member_id,
            due_on=due_on.isoformat(),
            outcome=outcome,
        )
        if outcome == "visited":
            _dispense(s, ctx, actor, member, due.medicines, today, now)


def _dispense(
    s: Session,
    ctx: ServiceContext,
    actor: Actor,
    member: Member,
    medicines: Sequence[str],
    on: dt.date,
    now: dt.datetime,
) -> dict[str, list[object]]:
    health = ctx.cipher.decrypt(member.id, member.health_enc) if member.health_enc else {}
    meds = [dict(m) if isinstance(m, dict) else {"name": m} for m in health.get("medicines", [])]
    names = {str(m.get("name")) for m in meds}
    missing = [n for n in medicines if n not in names]
    if missing or not medicines:
        raise ValidationError(
            f"健康档案中没有这些常用药：{'、'.join(missing)}",
            f"Not among the member's regular medicines: {', '.join(missing)}",
            field="medicines",
            detail="unknown_medicine",
        )
    for m in meds:
        if m.get("name") in medicines:
            m["last_dispensed"] = on.isoformat()
    new = {
        "allergies": list(health.get("allergies", [])),
        "chronic": list(health.get("chronic", [])),
        "medicines": meds,
    }
    write_health(s, ctx, actor, member.id, new, now)
    return new


def mark_dispensed(
    ctx: ServiceContext,
    actor: Actor,
    member_id: str,
    medicines: Sequence[str],
    on: dt.date | None = None,
) -> HealthRecord:
    """ "Dispensed today": the medicines' last-dispensed date becomes ``on`` (default today),
    which starts their next round; one ``member.update`` of the health record, as F8 does.
    """
    require_role(actor, HEALTH_ROLES, "记录取药", "record dispensing")
    now = ctx.now()
    day = on or local_today(ctx)
    with ctx.db.write() as s:
        member = active_member(s, member_id)
        if not consent_on_file(s, member):
            raise ValidationError(
                "会员尚未单独同意收集健康信息。",
                "The member has not consented to health information.",
                field="consent",
                detail="consent_required",
            )
        new = _dispense(s, ctx, actor, member, list(medicines), day, now)
    return _record(member_id, new, consent=True)
