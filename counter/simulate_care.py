"""``counter simulate``'s care-plan operations: enrolments and task outcomes.

Enrolling a member records the health consent and a health record with the template's
condition first (as the service assistant would in F8), then enrols; a task outcome is
drawn for an open task of an active plan. Each goes through the same service the UI
calls, so each is one durable transaction with its outbox row.
"""

from __future__ import annotations

import random

from sqlalchemy import select

from counter import services
from counter.services import care, care_tasks
from counter.services.context import Actor, ServiceContext
from counter.store.models import CarePlan, CareTask

KINDS = ("care_enroll", "care_task")
# How calls go: most reach the member, some ring out, a few come in, fewer decline.
OUTCOMES = (("reached", 45), ("no_answer", 30), ("visited", 20), ("declined", 5))


def enroll_one(ctx: ServiceContext, rng: random.Random, desk: Actor, member_id: str) -> None:
    template = rng.choice(care.care_templates(ctx))
    services.record_consent(ctx, desk, member_id, granted=True)
    services.record_health(ctx, desk, member_id, [], [template.condition], [])
    care.enroll(ctx, desk, member_id, template.code)


def task_one(ctx: ServiceContext, rng: random.Random, desk: Actor) -> bool:
    """Do one open task (chosen in an order the seed decides); False when there is none."""
    with ctx.db.read() as s:
        open_tasks = list(
            s.scalars(
                select(CareTask.id)
                .join(CarePlan, CarePlan.id == CareTask.plan_id)
                .where(CareTask.status == "open", CarePlan.status == "active")
                .order_by(CareTask.due_on, CarePlan.enrolled_at, CareTask.step)
                .limit(50)
            )
        )
    if not open_tasks:
        return False
    outcome = rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
    care_tasks.do_task(ctx, desk, rng.choice(open_tasks), outcome, "模拟随访")
    return True


def step(ctx: ServiceContext, rng: random.Random, kind: str, desk: Actor, member_id: str) -> None:
    """One care operation: a task outcome, or an enrolment (also when no task is open)."""
    if kind == "care_task" and task_one(ctx, rng, desk):
        return
    enroll_one(ctx, rng, desk, member_id)
