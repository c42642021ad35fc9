"""Contract v1.1 (additive): the care-plan operations ``care.enroll`` and ``care.task``.

``care.enroll`` carries the plan's tasks as the counter computed them from the template
(``counter.care_rules.task_dates``): HQ keeps those ids and dates, so a later
``care.task`` names a task both sides know, even if HQ's templates changed meanwhile.
``care.task`` carries the counter's local date (``done_on``): "no answer" puts the task
due again the day after it, at the counter and at HQ alike (``care_rules.retry_on``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from counter.care_rules import END_REASONS, MAX_STEPS, OUTCOMES, PLAN_STATES, TEMPLATE_CODE_RE
from counter.contract.fields import (
    ContractError,
    _choice,
    _date,
    _int,
    _list,
    _objects,
    _text,
    _uuid,
)

CARE_OP_TYPES = ("care.enroll", "care.task")
MAX_NOTE = 500


def _required_date(p: Mapping[str, Any], key: str) -> str:
    value = _date(p, key)
    if value is None:
        raise ContractError("missing_field", f"{key} is required", field=key)
    return value


def care_enroll(p: Mapping[str, Any]) -> dict[str, Any]:
    template = p.get("template")
    if not isinstance(template, str) or not TEMPLATE_CODE_RE.match(template):
        raise ContractError(
            "invalid_field", "template must be a template code [a-z0-9_]{1,32}", field="template"
        )
    raw = _objects(_list(p, "tasks"), "tasks")
    if not 1 <= len(raw) <= MAX_STEPS:
        raise ContractError("invalid_field", f"a plan has 1 to {MAX_STEPS} tasks", field="tasks")
    tasks = [
        {
            "task_id": _uuid(t, "task_id"),
            "step": _int(t, "step", lo=1, hi=MAX_STEPS),
            "due_on": _required_date(t, "due_on"),
        }
        for t in raw
    ]
    return {
        "plan_id": _uuid(p, "plan_id"),
        "member_id": _uuid(p, "member_id"),
        "template": template,
        "start_on": _required_date(p, "start_on"),
        "tasks": tasks,
    }


def care_task(p: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "task_id": _uuid(p, "task_id"),
        "plan_id": _uuid(p, "plan_id"),
        "member_id": _uuid(p, "member_id"),
        "outcome": _choice(p, "outcome", OUTCOMES),
        "note": _text(p, "note", max_len=MAX_NOTE) or "",
        "done_on": _required_date(p, "done_on"),
    }


CARE_VALIDATORS = {"care.enroll": care_enroll, "care.task": care_task}


# --- Care plan records as HQ sends them in /v1/care/changes (1.1) ---

TASK_STATES = ("open", "done", "cancelled")


def _maybe(p: Mapping[str, Any], key: str, choices: tuple[str, ...]) -> str | None:
    return None if p.get(key) is None else _choice(p, key, choices)


def parse_care_record(item: Any) -> dict[str, Any]:
    """A plan record of ``/v1/care/changes``, checked; ``ContractError`` if malformed."""
    if not isinstance(item, dict):
        raise ContractError("invalid_record", "a care plan record must be an object")
    template = item.get("template")
    if not isinstance(template, str) or (template and not TEMPLATE_CODE_RE.match(template)):
        raise ContractError("invalid_field", "template must be a code or empty", field="template")
    tasks = [
        {
            "task_id": _uuid(t, "task_id"),
            "step": _int(t, "step", lo=1, hi=MAX_STEPS),
            "due_on": _required_date(t, "due_on"),
            "status": _choice(t, "status", TASK_STATES),
            "outcome": _maybe(t, "outcome", OUTCOMES),
            "attempts": _int(t, "attempts", lo=0, hi=10_000),
        }
        for t in _objects(_list(item, "tasks"), "tasks")
    ]
    return {
        "id": _uuid(item, "id"),
        "seq": _int(item, "seq", lo=1, hi=2**62),
        "member_id": _uuid(item, "member_id"),
        "template": template,
        "start_on": _required_date(item, "start_on"),
        "status": _choice(item, "status", PLAN_STATES),
        "ended_reason": _maybe(item, "ended_reason", END_REASONS),
        "tasks": tasks,
    }
