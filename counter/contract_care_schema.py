"""JSON Schema of the care-plan operations (``counter.contract_care``), for the OpenAPI
document; ``counter.contract_schema.payload_schemas`` includes these."""

from __future__ import annotations

from counter.care_rules import MAX_STEPS, OUTCOMES, TEMPLATE_CODE_RE
from counter.contract.care import MAX_NOTE
from counter.contract_schema import DATE, Schema, _enum, _int, _object, _ref, _text


def care_payload_schemas() -> dict[str, Schema]:
    return {
        "care.enroll": _object(
            {
                "plan_id": _ref("Uuid"),
                "member_id": _ref("Uuid"),
                "template": {
                    "type": "string",
                    "pattern": TEMPLATE_CODE_RE.pattern.replace("\\Z", "$"),
                    "description": "a template code of HQ's config (`care.templates`); "
                    "`unknown_template` otherwise",
                },
                "start_on": DATE,
                "tasks": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": MAX_STEPS,
                    "items": _object(
                        {
                            "task_id": _ref("Uuid"),
                            "step": _int(1, MAX_STEPS),
                            "due_on": DATE,
                        },
                        ["task_id", "step", "due_on"],
                    ),
                    "description": "the plan's tasks as the counter computed them "
                    "(start_on + each step's day); HQ refuses a plan whose task ids or steps "
                    "repeat (`duplicate_task`) or name a step its template lacks "
                    "(`unknown_step`)",
                },
            },
            ["plan_id", "member_id", "template", "start_on", "tasks"],
            description="1.1: enrol a member (health consent required) in a care plan",
        ),
        "care.task": _object(
            {
                "task_id": _ref("Uuid"),
                "plan_id": _ref("Uuid"),
                "member_id": _ref("Uuid"),
                "outcome": _enum(OUTCOMES),
                "note": _text(MAX_NOTE, multiline=True),
                "done_on": {
                    **DATE,
                    "description": "the store's date: no_answer makes the task due the day after",
                },
            },
            ["task_id", "plan_id", "member_id", "outcome", "done_on"],
            description="1.1: a care task done: reached or visited (done), no_answer (due "
            "again the next day), declined (the plan ends)",
        ),
    }
