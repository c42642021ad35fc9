"""The care-plan ops at HQ: ``care.enroll`` and ``care.task`` (hq/care.py says what HQ keeps).

- ``care.enroll`` needs the member's health consent, the template HQ serves, and the
  template's condition in HQ's health record (the counter sends that update first); it
  keeps the plan and its tasks with the ids and dates the counter made. The same plan
  id under another op_id is ``plan_exists``.
- ``care.task`` applies the outcome as the counter did (``counter.care_rules``): done,
  due again the day after ``done_on``, or the plan ends; each is kept in ``care_task_log``.
The answer's entity is ``null``: the counter already holds the plan as it made it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from counter import care_rules
from counter.contract import parse_time
from hq.care import care_of, end_plan
from hq.health_seal import cipher, column_health
from hq.ops.base import Applied, Batch, Rejection, _member


def care_enroll(batch: Batch, op: dict[str, Any]) -> Applied:
    fx, p = batch.fx, op["payload"]
    member = _member(batch, p["member_id"])
    if not member["health_consent"]:
        raise Rejection(
            "consent_required",
            "the member has not consented to health information",
            {"member_id": member["id"]},
        )
    template = care_of(fx).templates.get(p["template"])
    if template is None:
        raise Rejection(
            "unknown_template", "HQ has no such care plan template", {"template": p["template"]}
        )
    health = column_health(cipher(fx.conn), member["id"], member["health"]) or {}
    if template.condition not in (health.get("chronic") or []):
        raise Rejection(
            "no_condition",
            "the member's health record does not list the plan's condition",
            {"template": template.code},
        )
    if fx.one("SELECT id FROM care_plans WHERE id = ?", (p["plan_id"],)) is not None:
        raise Rejection("plan_exists", "a care plan with this id exists", {"plan_id": p["plan_id"]})
    steps = {s.no for s in template.steps}
    if any(t["step"] not in steps for t in p["tasks"]):
        raise Rejection("unknown_step", "a task names a step the template does not have", {})
    ids = [t["task_id"] for t in p["tasks"]]
    if len(set(ids)) != len(ids) or len({t["step"] for t in p["tasks"]}) != len(ids):
        raise Rejection("duplicate_task", "a plan's task ids and steps are each unique", {})
    known = fx.all(
        f"SELECT id FROM care_tasks WHERE id IN ({', '.join('?' * len(ids))})", tuple(ids)
    )
    if known:
        raise Rejection("duplicate_task", "a task with this id exists", {"task_id": known[0][0]})
    seq = batch.w.changes.take()
    fx.insert(
        "care_plans",
        {
            "id": p["plan_id"],
            "member_id": member["id"],
            "store_code": batch.store_code,
            "template": template.code,
            "start_on": dt.date.fromisoformat(p["start_on"]),
            "status": "active",
            "ended_reason": None,
            "enrolled_at": parse_time(op["created_at"]),
            "enrolled_by": op["operator_id"],
            "ended_at": None,
            "op_id": op["op_id"],
            "seq": seq,
        },
    )
    for t in p["tasks"]:
        fx.insert(
            "care_tasks",
            {
                "id": t["task_id"],
                "plan_id": p["plan_id"],
                "member_id": member["id"],
                "step": t["step"],
                "due_on": dt.date.fromisoformat(t["due_on"]),
                "status": "open",
                "outcome": None,
                "attempts": 0,
                "done_on": None,
            },
        )
    return Applied(seq, "null")


def care_task(batch: Batch, op: dict[str, Any]) -> Applied:
    fx, p = batch.fx, op["payload"]
    row = fx.one(
        "SELECT t.status, t.attempts, c.id, c.status, c.store_code FROM care_tasks t "
        "JOIN care_plans c ON c.id = t.plan_id WHERE t.id = ?",
        (p["task_id"],),
    )
    if row is None or row[4] != batch.store_code or row[2] != p["plan_id"]:
        raise Rejection(
            "care_task_not_found", "this store has no such care task", {"task_id": p["task_id"]}
        )
    status, attempts, plan_id, plan_status, _ = row
    if plan_status != "active":
        raise Rejection("plan_ended", "the care plan has ended", {"plan_id": plan_id})
    if status != "open":
        raise Rejection("task_closed", "the care task is done already", {"task_id": p["task_id"]})
    outcome = p["outcome"]
    done_on = dt.date.fromisoformat(p["done_on"])
    at = parse_time(op["created_at"])
    fx.insert(
        "care_task_log",
        {
            "id": op["op_id"],
            "task_id": p["task_id"],
            "member_id": p["member_id"],
            "store_code": batch.store_code,
            "operator_id": op["operator_id"],
            "outcome": outcome,
            "note": p["note"],
            "done_on": done_on,
            "at": at,
        },
    )
    values: dict[str, Any] = {"outcome": outcome, "done_on": done_on}
    if outcome == care_rules.RETRY_OUTCOME:
        values.update(attempts=int(attempts) + 1, due_on=care_rules.retry_on(done_on))
    else:
        values["status"] = "done"
    fx.update("care_tasks", "id", p["task_id"], values)
    if outcome == care_rules.END_OUTCOME:
        end_plan(fx, plan_id, "declined", at)
    elif outcome in care_rules.DONE_OUTCOMES:
        left = fx.one(
            "SELECT count(*) FROM care_tasks WHERE plan_id = ? AND status = 'open'", (plan_id,)
        )
        if left is not None and not left[0]:
            fx.update("care_plans", "id", plan_id, {"status": "completed", "ended_at": at})
    seq = batch.w.changes.take()
    fx.update("care_plans", "id", plan_id, {"seq": seq})
    return Applied(seq, "null")


HANDLERS: dict[str, Callable[[Batch, dict[str, Any]], Applied]] = {
    "care.enroll": care_enroll,
    "care.task": care_task,
}
