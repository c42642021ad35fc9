"""Response bodies of the v1 API, as pydantic models (they also document the OpenAPI)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    server_time: str = Field(description="RFC 3339 UTC, e.g. 2026-01-31T08:15:00.123Z")
    epoch: str = Field(description="changes when HQ's data is restored or re-seeded")
    api_version: str


class StoreInfo(BaseModel):
    code: str
    name: str
