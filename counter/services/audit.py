"""The audit log: written inside the transaction of what it records."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from counter.services.context import Actor, ServiceContext
from counter.store.models import AuditEntry


def record(
    session: Session,
    actor: Actor,
    action: str,
    now: dt.datetime,
    *,
    member_id: str | None = None,
    **details: Any,
) -> None:
    session.add(
        AuditEntry(
            at=now,
            operator_id=actor.operator_id,
            action=action,
            member_id=member_id,
            details=json.dumps(details, ensure_ascii=False, sort_keys=True),
        )
    )


def recent(ctx: ServiceContext, limit: int = 100) -> list[AuditEntry]:
    with ctx.db.read() as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))
