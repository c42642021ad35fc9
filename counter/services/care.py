"""Care plans (慢病管理, DESIGN §12): enrolling a member, the member's plans.

A plan is a template from HQ's config (``counter.care_rules``) made into tasks with due
dates. Which plan a member follows says which chronic condition they have: it is health
information, so the cache keeps the plan's detail (the template as it was at enrolment,
its steps and scripts) encrypted with the health key, shows it only to service and
manager roles, audits every view, and erases it when the member withdraws the health
consent (:func:`end_for_withdrawal`, called in the withdrawal's own transaction).
Enrolling is one transaction: the plan, its tasks, the ``care.enroll`` op and the audit.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from counter import care_rules
from counter.care_rules import CareConfig, CareStep, CareTemplate
from counter.errors import NotFoundError, ValidationError
from counter.ids import uuid7
from counter.rules import STORE_TZ
from counter.services import audit
from counter.services.config import cached_config
from counter.services.context import Actor, ServiceContext
from counter.services.ops import HEALTH_ROLES, active_member, queue_op, require_role
from counter.store.crypto import HealthCipher
from counter.store.models import CarePlan, CareTask, Member, RefillMark

log = logging.getLogger(__name__)

# How far from today a plan may start (a plan agreed last week is entered late).
MAX_START_OFFSET = dt.timedelta(days=90)


def local_today(ctx: ServiceContext) -> dt.date:
    """The store's date now (China Standard Time, like member days)."""
    return ctx.now().astimezone(STORE_TZ).date()


def care_config(s: Session, ctx: ServiceContext) -> CareConfig:
    """The templates and refill lead from the cached HQ config (the defaults before the
    first sync, or when HQ's part is unusable), memoised against the part it came from."""
    part = cached_config(s).get("care")
    memo = ctx.memo.get("care")
    if memo is not None and memo[0] == part:
        return memo[1]  # type: ignore[no-any-return]
    try:
        parsed = care_rules.parse_care(part)
    except ValueError as exc:
        log.error("HQ's care config is unusable (%s); using the defaults", exc)
        parsed = care_rules.parse_care(None)
    ctx.memo["care"] = (part, parsed)
    return parsed


def care_templates(ctx: ServiceContext) -> tuple[CareTemplate, ...]:
    """Every plan template HQ offers, in HQ's order."""
    with ctx.db.read() as s:
        return tuple(care_config(s, ctx).templates.values())


# --------------------------------------------------------------------- plan detail


def template_payload(t: CareTemplate) -> dict[str, Any]:
    """The template as kept (encrypted) with the plan: the plan reads the same even after
    HQ changes or drops the template."""
    return {
        "code": t.code,
        "condition": t.condition,
        "name": {"zh": t.name_zh, "en": t.name_en},
        "steps": [
            {
                "day": st.day,
                "what": {"zh": st.what_zh, "en": st.what_en},
                "script": {"zh": st.script_zh, "en": st.script_en},
            }
            for st in t.steps
        ],
    }


# Shown for a plan whose detail was erased (consent withdrawn): nothing about the condition.
ERASED_TEMPLATE = CareTemplate("", "", "（已删除）", "(erased)", ())


def plan_template(cipher: HealthCipher, plan: CarePlan) -> CareTemplate:
    if plan.detail_enc is None:
        return ERASED_TEMPLATE
    return care_rules.parse_template(cipher.decrypt(plan.member_id, plan.detail_enc))


def step_of(template: CareTemplate, no: int) -> CareStep:
    try:
        return template.step(no)
    except KeyError:
        return CareStep(no, 0, "随访", "Follow-up", "", "")


def decrypt_note(cipher: HealthCipher, member_id: str, blob: bytes | None) -> str:
    if blob is None:
        return ""
    return str(cipher.decrypt(member_id, blob).get("note", ""))


def encrypt_note(cipher: HealthCipher, member_id: str, note: str) -> bytes | None:
    return cipher.encrypt(member_id, {"note": note}) if note else None


# --------------------------------------------------------------------- views


@dataclass(frozen=True)
class TaskView:
    task_id: str
    plan_id: str
    member_id: str
    step: CareStep
    due_on: dt.date
    status: str  # open | done | cancelled
    outcome: str | None
    note: str
    attempts: int
    done_at: dt.datetime | None


@dataclass(frozen=True)
class CarePlanView:
    plan_id: str
    member_id: str
    template: CareTemplate
    start_on: dt.date
    status: str  # active | completed | ended
    ended_reason: str | None  # declined | consent_withdrawn
    tasks: tuple[TaskView, ...]


def task_view(cipher: HealthCipher, task: CareTask, template: CareTemplate) -> TaskView:
    return TaskView(
        task.id,
        task.plan_id,
        task.member_id,
        step_of(template, task.step),
        task.due_on,
        task.status,
        task.outcome,
        decrypt_note(cipher, task.member_id, task.note_enc),
        task.attempts,
        task.done_at,
    )


def plan_view(s: Session, cipher: HealthCipher, plan: CarePlan) -> CarePlanView:
    template = plan_template(cipher, plan)
    tasks = s.scalars(select(CareTask).where(CareTask.plan_id == plan.id).order_by(CareTask.step))
    return CarePlanView(
        plan.id,
        plan.member_id,
        template,
        plan.start_on,
        plan.status,
        plan.ended_reason,
        tuple(task_view(cipher, t, template) for t in tasks),
    )


# --------------------------------------------------------------------- use cases


def _health(ctx: ServiceContext, member: Member) -> dict[str, Any]:
    if member.health_enc is None:
        return {}
    return ctx.cipher.decrypt(member.id, member.health_enc)


def templates_for(ctx: ServiceContext, actor: Actor, member_id: str) -> tuple[CareTemplate, ...]:
    """The templates for the member's chronic conditions (reads the health record: audited)."""
    require_role(actor, HEALTH_ROLES, "查看慢病计划", "see care plans")
    with ctx.db.write() as s:
        member = active_member(s, member_id)
        chronic = set(_health(ctx, member).get("chronic", []))
        audit.record(s, actor, "health.view", ctx.now(), member_id=member_id, what="care_plans")
        return tuple(t for t in care_config(s, ctx).templates.values() if t.condition in chronic)


def _refuse(zh: str, en: str, detail: str) -> ValidationError:
    return ValidationError(zh, en, field="template", detail=detail)


def enroll(
    ctx: ServiceContext,
    actor: Actor,
    member_id: str,
    template_code: str,
    start_on: dt.date | None = None,
    plan_id: str | None = None,
) -> CarePlanView:
    """Enrol the member in a plan: its steps become tasks due ``start_on`` + each step's day.

    Needs the member's health consent and the template's chronic condition in their health
    record; one active plan per template and member.
    """
    # Imported here: profile imports this module for the withdrawal hook.
    from counter.services.profile import consent_on_file

    require_role(actor, HEALTH_ROLES, "登记慢病计划", "enrol members in care plans")
    now = ctx.now()
    today = local_today(ctx)
    start = start_on or today
    if abs(start - today) > MAX_START_OFFSET:
        raise ValidationError(
            "开始日期须在今天前后 90 天内。",
            "The start date is within 90 days of today.",
            field="start_on",
            detail="bad_start",
        )
    with ctx.db.write() as s:
        template = care_config(s, ctx).templates.get(template_code)
        if template is None:
            raise _refuse(
                f"没有这个慢病计划模板：{template_code}",
                f"No such care plan template: {template_code}",
                "unknown_template",
            )
        member = active_member(s, member_id)
        if not consent_on_file(s, member):
            raise _refuse(
                "会员尚未单独同意收集健康信息，不能登记慢病计划；请先记录同意。",
                "The member has not consented to health information; record the consent "
                "before enrolling them in a care plan.",
                "consent_required",
            )
        if template.condition not in _health(ctx, member).get("chronic", []):
            raise _refuse(
                f"会员的健康档案中没有「{template.condition}」，请先在健康档案中记录。",
                f"The member's health record does not list {template.condition}; record "
                "it in the health record first.",
                "no_condition",
            )
        plans = s.scalars(
            select(CarePlan).where(CarePlan.member_id == member_id, CarePlan.status == "active")
        )
        if any(plan_template(ctx.cipher, p).code == template.code for p in plans):
            raise _refuse(
                "该会员已在此慢病计划中。",
                "The member already follows this care plan.",
                "already_enrolled",
            )
        plan_id = plan_id or uuid7()
        if s.get(CarePlan, plan_id) is not None:
            raise _refuse("该计划已存在。", "This plan exists already.", "plan_exists")
        tasks = [(uuid7(), no, due) for no, due in care_rules.task_dates(template, start)]
        op = queue_op(
            s,
            ctx,
            actor,
            "care.enroll",
            {
                "plan_id": plan_id,
                "member_id": member_id,
                "template": template.code,
                "start_on": start.isoformat(),
                "tasks": [
                    {"task_id": tid, "step": no, "due_on": due.isoformat()}
                    for tid, no, due in tasks
                ],
            },
            now,
            member_id=member_id,
        )
        plan = CarePlan(
            id=plan_id,
            member_id=member_id,
            detail_enc=ctx.cipher.encrypt(member_id, template_payload(template)),
            start_on=start,
            status="active",
            enrolled_at=now,
            enrolled_by=actor.operator_id,
            op_id=op.op_id,
        )
        s.add(plan)
        s.flush()
        s.add_all(
            CareTask(
                id=tid,
                plan_id=plan_id,
                member_id=member_id,
                step=no,
                due_on=due,
                status="open",
                attempts=0,
            )
            for tid, no, due in tasks
        )
        s.flush()
        # The audit table is not encrypted: it names the plan, never the condition.
        audit.record(s, actor, "care.enroll", now, member_id=member_id, plan=plan_id, op=op.op_id)
        return plan_view(s, ctx.cipher, plan)


def member_plans(ctx: ServiceContext, actor: Actor, member_id: str) -> tuple[CarePlanView, ...]:
    """The member's plans at this counter, newest first (health information: audited)."""
    require_role(actor, HEALTH_ROLES, "查看慢病计划", "see care plans")
    with ctx.db.write() as s:
        if s.get(Member, member_id) is None:
            raise NotFoundError("未找到该会员。", "No such member.", detail=member_id)
        plans = s.scalars(
            select(CarePlan)
            .where(CarePlan.member_id == member_id)
            .order_by(CarePlan.enrolled_at.desc(), CarePlan.id.desc())
        ).all()
        audit.record(s, actor, "health.view", ctx.now(), member_id=member_id, what="care_plans")
        return tuple(plan_view(s, ctx.cipher, p) for p in plans)


def end_plan(s: Session, plan_id: str, reason: str, now: dt.datetime) -> None:
    """End an active plan: its open tasks are cancelled."""
    s.execute(
        update(CarePlan)
        .where(CarePlan.id == plan_id, CarePlan.status == "active")
        .values(status="ended", ended_reason=reason, ended_at=now)
    )
    s.execute(
        update(CareTask)
        .where(CareTask.plan_id == plan_id, CareTask.status == "open")
        .values(status="cancelled")
    )


def end_for_withdrawal(s: Session, member_id: str, now: dt.datetime) -> int:
    """In the withdrawal's transaction: end the member's plans and refill reminders, and
    erase what they said about the member's health (plan detail, notes). Returns how many
    plans ended."""
    ended = 0
    for plan_id in s.scalars(
        select(CarePlan.id).where(CarePlan.member_id == member_id, CarePlan.status == "active")
    ).all():
        end_plan(s, plan_id, "consent_withdrawn", now)
        ended += 1
    s.execute(update(CarePlan).where(CarePlan.member_id == member_id).values(detail_enc=None))
    s.execute(update(CareTask).where(CareTask.member_id == member_id).values(note_enc=None))
    # Refill reminders come from the health record, erased with it; the marks go too.
    s.execute(delete(RefillMark).where(RefillMark.member_id == member_id))
    return ended


def move_care(s: Session, cipher: HealthCipher, local_id: str, target: str) -> None:
    """A member this counter registered turned out to be HQ's ``target`` (a refused
    duplicate registration): the plans, tasks and refill marks follow, their encrypted
    parts sealed again to the new member id (the associated data)."""

    def again(blob: bytes | None) -> bytes | None:
        return None if blob is None else cipher.encrypt(target, cipher.decrypt(local_id, blob))

    for plan in s.scalars(select(CarePlan).where(CarePlan.member_id == local_id)).all():
        plan.member_id, plan.detail_enc = target, again(plan.detail_enc)
    for task in s.scalars(select(CareTask).where(CareTask.member_id == local_id)).all():
        task.member_id, task.note_enc = target, again(task.note_enc)
    for mark in s.scalars(select(RefillMark).where(RefillMark.member_id == local_id)).all():
        note = again(mark.note_enc)
        s.delete(mark)
        s.flush()
        s.merge(
            RefillMark(
                member_id=target,
                due_on=mark.due_on,
                state=mark.state,
                until=mark.until,
                outcome=mark.outcome,
                note_enc=note,
                at=mark.at,
                operator_id=mark.operator_id,
            )
        )
    s.flush()
