"""Doing a care task: opening it to call the member, and recording the outcome.

Opening a task reveals the member's phone (``services.reveal``, audited) and shows the
step's script. The outcome (``care_rules.OUTCOMES``) decides what happens next, the
same at the counter and at HQ: reached or visited → done (the plan completes with its
last task); no answer → due again tomorrow; declined → the plan ends. One transaction:
the task, the plan, the ``care.task`` op and the audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from counter import care_rules
from counter.care_rules import CareTemplate
from counter.contract.care import MAX_NOTE
from counter.errors import NotFoundError, ValidationError
from counter.services import audit
from counter.services.care import (
    TaskView,
    encrypt_note,
    end_plan,
    local_today,
    plan_template,
    task_view,
)
from counter.services.context import Actor, ServiceContext
from counter.services.ops import HEALTH_ROLES, check_text, queue_op, require_role
from counter.services.reveal import Contact, reveal_member
from counter.store.models import CarePlan, CareTask


@dataclass(frozen=True)
class TaskDetail:
    """What the assistant sees when opening a task: the step, its script, the phone."""

    task: TaskView
    template: CareTemplate
    contact: Contact


def _task(s: Session, task_id: str) -> tuple[CareTask, CarePlan]:
    task = s.get(CareTask, task_id)
    plan = s.get(CarePlan, task.plan_id) if task is not None else None
    if task is None or plan is None:
        raise NotFoundError("未找到该随访任务。", "No such care task.", detail=task_id)
    return task, plan


def open_task(ctx: ServiceContext, actor: Actor, task_id: str) -> TaskDetail:
    """The task with its script, and the member's name and phone for the call (audited)."""
    require_role(actor, HEALTH_ROLES, "处理随访任务", "do care tasks")
    with ctx.db.write() as s:
        task, plan = _task(s, task_id)
        template = plan_template(ctx.cipher, plan)
        view = task_view(ctx.cipher, task, template)
        audit.record(
            s,
            actor,
            "health.view",
            ctx.now(),
            member_id=task.member_id,
            what="care_task",
            task=task_id,
        )
    contact = reveal_member(ctx, actor, view.member_id, why="care_task")
    return TaskDetail(view, template, contact)


def do_task(
    ctx: ServiceContext, actor: Actor, task_id: str, outcome: str, note: str = ""
) -> TaskView:
    """Record the call (or visit) with its outcome and a note; see the module docstring."""
    require_role(actor, HEALTH_ROLES, "处理随访任务", "do care tasks")
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
        task, plan = _task(s, task_id)
        if task.status != "open" or plan.status != "active":
            raise ValidationError(
                "该任务已处理或计划已结束。",
                "This task is done already, or its plan has ended.",
                field="task",
                detail="task_closed",
            )
        op = queue_op(
            s,
            ctx,
            actor,
            "care.task",
            {
                "task_id": task.id,
                "plan_id": plan.id,
                "member_id": task.member_id,
                "outcome": outcome,
                "note": note,
                "done_on": today.isoformat(),
            },
            now,
            member_id=task.member_id,
        )
        task.outcome = outcome
        task.note_enc = encrypt_note(ctx.cipher, task.member_id, note)
        task.op_id = op.op_id
        task.done_by = actor.operator_id
        task.done_at = now
        if outcome == care_rules.RETRY_OUTCOME:
            task.attempts += 1
            task.due_on = care_rules.retry_on(today)
        else:
            task.status = "done"
        s.flush()
        if outcome == care_rules.END_OUTCOME:
            end_plan(s, plan.id, "declined", now)
        elif outcome in care_rules.DONE_OUTCOMES:
            complete_if_done(s, plan.id, now)
        audit.record(
            s,
            actor,
            "care.task",
            now,
            member_id=task.member_id,
            task=task.id,
            outcome=outcome,
            op=op.op_id,
        )
        s.refresh(task)
        return task_view(ctx.cipher, task, plan_template(ctx.cipher, plan))


def complete_if_done(s: Session, plan_id: str, now: object) -> None:
    """A plan whose every task is done is completed."""
    left = s.scalar(
        select(func.count())
        .select_from(CareTask)
        .where(CareTask.plan_id == plan_id, CareTask.status == "open")
    )
    if not left:
        s.execute(
            update(CarePlan)
            .where(CarePlan.id == plan_id, CarePlan.status == "active")
            .values(status="completed", ended_at=now)
        )
