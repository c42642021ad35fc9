"""Applying ``/v1/care/changes`` to the cache: the store's plans as HQ holds them.

A store may have several counter PCs (DESIGN §2). Each pulls its store's care plans, so a
plan one PC enrolled shows in every PC's work list, and a task done at one is done at all.

- A plan with one of this counter's care ops still pending is left as it is: the counter
  is ahead of HQ there, and the next pull (after the push) brings HQ's state with the op.
- Otherwise HQ's state wins: the plan's state and each task's status, due date, outcome
  and attempts (a task this counter did but HQ refused goes back to what HQ holds). A
  task's note stays at the counter that wrote it (HQ keeps every note in its log).
- A plan another PC enrolled is made from this counter's templates (``care`` of HQ's
  config), encrypted like one enrolled here; its template erased at HQ (consent
  withdrawn, member deleted) erases its detail and notes here too.
- Plans of members not cached, or no longer active, are skipped: the member's tombstone
  erases their care rows (counter/store/erasure.py).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from counter.care_rules import CareConfig
from counter.store.crypto import HealthCipher
from counter.store.models import CarePlan, CareTask, Member, OutboxOp

CARE_OPS = ("care.enroll", "care.task")


def _pending_plans(s: Session) -> set[str]:
    """Plans with a care op of this counter not yet answered (``plan_id`` is never sealed)."""
    rows = s.scalars(
        select(OutboxOp.payload).where(OutboxOp.state == "pending", OutboxOp.type.in_(CARE_OPS))
    )
    return {str(json.loads(text).get("plan_id")) for text in rows}


def apply_care_records(
    s: Session,
    cipher: HealthCipher,
    config: CareConfig,
    records: Sequence[dict[str, Any]],
    now: dt.datetime,
) -> int:
    """Apply checked records (``contract.care.parse_care_record``); returns how many."""
    from counter.services.care import template_payload

    pending = _pending_plans(s)
    applied = 0
    for rec in records:
        if rec["id"] in pending:
            continue
        member = s.get(Member, rec["member_id"])
        if member is None or member.status != "active":
            continue
        erased = not rec["template"]
        plan = s.get(CarePlan, rec["id"])
        if plan is None:
            template = None if erased else config.templates.get(rec["template"])
            plan = CarePlan(
                id=rec["id"],
                member_id=member.id,
                detail_enc=(
                    cipher.encrypt(member.id, template_payload(template)) if template else None
                ),
                start_on=dt.date.fromisoformat(rec["start_on"]),
                enrolled_at=now,
                enrolled_by="",
                op_id="",
            )
            s.add(plan)
        plan.status = rec["status"]
        plan.ended_reason = rec["ended_reason"]
        if plan.status != "active" and plan.ended_at is None:
            plan.ended_at = now
        if erased:
            plan.detail_enc = None
        s.flush()
        for t in rec["tasks"]:
            values = {
                "due_on": dt.date.fromisoformat(t["due_on"]),
                "status": t["status"],
                "outcome": t["outcome"],
                "attempts": t["attempts"],
            }
            task = s.get(CareTask, t["task_id"])
            if task is None:
                s.add(
                    CareTask(
                        id=t["task_id"],
                        plan_id=plan.id,
                        member_id=member.id,
                        step=t["step"],
                        **values,
                    )
                )
            else:
                for key, value in values.items():
                    setattr(task, key, value)
        if erased:
            s.execute(update(CareTask).where(CareTask.plan_id == plan.id).values(note_enc=None))
        applied += 1
    s.flush()
    return applied
