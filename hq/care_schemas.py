"""The ``care`` part of ``GET /v1/config`` as published in the OpenAPI document."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class CareText(BaseModel):
    zh: str = Field(description="Chinese (what the counter shows by default)")
    en: str = Field(description="English; the Chinese when a chain gives none")


class CareStep(BaseModel):
    day: int = Field(description="days after the plan's start date (0-366, rising)")
    what: CareText = Field(description="what to do, e.g. 用药指导")
    script: CareText = Field(description="a short script for the call")


class CareTemplate(BaseModel):
    code: str = Field(description="[a-z0-9_]{1,32}; care.enroll names it")
    condition: str = Field(
        description="the chronic condition, as the health record's chronic list names it; a "
        "member is enrolled only with it in their health record"
    )
    name: CareText
    steps: list[CareStep] = Field(description="1-24 steps, each becoming a task")


class CareConfig(BaseModel):
    refill_lead_days: int = Field(
        description="a regular medicine's refill reminder falls due this many days before it "
        "runs out (last_dispensed + days_supply)"
    )
    templates: list[CareTemplate] = Field(description="care plan templates (慢病随访计划)")


class CareTaskRecord(BaseModel):
    task_id: str
    step: int
    due_on: str = Field(description="YYYY-MM-DD; a no_answer moved it to the next day")
    status: Literal["open", "done", "cancelled"]
    outcome: Literal["reached", "no_answer", "visited", "declined"] | None
    attempts: int = Field(description="how many times nobody answered")


class CarePlanRecord(BaseModel):
    id: str
    seq: int = Field(description="the change sequence of the plan's latest change")
    member_id: str
    template: str = Field(
        description="the template code; empty once the member withdrew the "
        "health consent or was deleted (erased)"
    )
    start_on: str = Field(description="YYYY-MM-DD")
    status: Literal["active", "completed", "ended"]
    ended_reason: Literal["declined", "consent_withdrawn", "member_deleted"] | None
    tasks: list[CareTaskRecord]


class CareChanges(BaseModel):
    items: list[CarePlanRecord]
    next_cursor: str
    has_more: bool
