"""What the status bar and ``counter status`` show: operations by state, problems, sync."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select

from counter import outbox
from counter.services.context import ServiceContext
from counter.store.models import KeyValue, OutboxOp, SyncCursor, SyncProblem

LAST_SYNC_KEY = "last_successful_sync"
EPOCH_KEY = "hq_epoch"
CLOCK_SKEW_KEY = "clock_skew_s"


@dataclass(frozen=True)
class CursorState:
    stream: str
    cursor: str
    epoch: str
    updated_at: dt.datetime


@dataclass(frozen=True)
class CounterStatus:
    store_code: str
    pending: int
    applied: int
    rejected: int
    open_problems: int
    last_sync: dt.datetime | None
    superseded: int = 0
    # Pending operations already sent at least once without a recorded answer.
    attempted: int = 0
    oldest_pending: dt.datetime | None = None
    last_error: str | None = None
    epoch: str = ""
    clock_skew_s: float | None = None
    cursors: tuple[CursorState, ...] = field(default=())


def _kv(rows: dict[str, str], key: str) -> str:
    return rows.get(key, "")


def counter_status(ctx: ServiceContext) -> CounterStatus:
    with ctx.db.read() as s:
        counts = outbox.count_by_state(s)
        problems = s.scalar(
            select(func.count()).select_from(SyncProblem).where(SyncProblem.resolved_at.is_(None))
        )
        attempted = s.scalar(
            select(func.count()).where(OutboxOp.state == "pending", OutboxOp.attempts > 0)
        )
        oldest_pending = s.scalar(
            select(OutboxOp.created_at)
            .where(OutboxOp.state == "pending")
            .order_by(OutboxOp.seq)
            .limit(1)
        )
        last_error = s.scalar(
            select(OutboxOp.last_error)
            .where(OutboxOp.state == "pending", OutboxOp.last_error.is_not(None))
            .order_by(OutboxOp.seq)
            .limit(1)
        )
        kv = {
            k.key: k.value
            for k in s.scalars(
                select(KeyValue).where(KeyValue.key.in_((LAST_SYNC_KEY, EPOCH_KEY, CLOCK_SKEW_KEY)))
            )
        }
        cursors = tuple(
            CursorState(c.stream, c.cursor, c.epoch, c.updated_at)
            for c in s.scalars(select(SyncCursor).order_by(SyncCursor.stream))
        )
    last = _kv(kv, LAST_SYNC_KEY)
    skew = _kv(kv, CLOCK_SKEW_KEY)
    return CounterStatus(
        store_code=ctx.store_code,
        pending=counts["pending"],
        applied=counts["applied"],
        rejected=counts["rejected"],
        open_problems=int(problems or 0),
        last_sync=dt.datetime.fromisoformat(last) if last else None,
        superseded=counts["superseded"],
        attempted=int(attempted or 0),
        oldest_pending=oldest_pending,
        last_error=last_error,
        epoch=_kv(kv, EPOCH_KEY),
        clock_skew_s=float(skew) if skew else None,
        cursors=cursors,
    )
