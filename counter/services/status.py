"""What the status bar and ``counter status`` show: operations by state, problems, last sync."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from counter import outbox
from counter.services.context import ServiceContext
from counter.store.models import KeyValue, SyncProblem

LAST_SYNC_KEY = "last_successful_sync"


@dataclass(frozen=True)
class CounterStatus:
    store_code: str
    pending: int
    applied: int
    rejected: int
    open_problems: int
    last_sync: dt.datetime | None


def counter_status(ctx: ServiceContext) -> CounterStatus:
    with ctx.db.read() as s:
        counts = outbox.count_by_state(s)
        problems = s.scalar(
            select(func.count()).select_from(SyncProblem).where(SyncProblem.resolved_at.is_(None))
        )
        last = s.get(KeyValue, LAST_SYNC_KEY)
    return CounterStatus(
        store_code=ctx.store_code,
        pending=counts["pending"],
        applied=counts["applied"],
        rejected=counts["rejected"],
        open_problems=int(problems or 0),
        last_sync=dt.datetime.fromisoformat(last.value) if last else None,
    )
