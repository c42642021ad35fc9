"""The outbox: every operation made at this counter, in the order it was made.

``append`` takes the caller's session, so the row is committed in the same transaction
as the operation's local effect: both or neither, whatever happens to the process.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from counter.contract import OP_TYPES
from counter.ids import uuid7
from counter.store.models import OutboxOp

STATES = ("pending", "applied", "rejected", "superseded")


def new_op_id() -> str:
    """A fresh op_id: time-ordered, never reused (HQ keeps op_ids for ever)."""
    return uuid7()


def append(
    session: Session,
    *,
    type: str,
    payload: dict[str, Any],
    store_code: str,
    operator_id: str,
    now: dt.datetime,
    pc_time: dt.datetime | None = None,
    member_id: str | None = None,
    op_id: str | None = None,
) -> OutboxOp:
    """``now``: the counter's time (``ctx.now()``); ``pc_time``: the PC's clock beside it."""
    if type not in OP_TYPES:
        raise ValueError(f"unknown operation type {type!r}")
    op = OutboxOp(
        op_id=op_id or uuid7(),
        type=type,
        payload=json.dumps(payload, ensure_ascii=False, sort_keys=True),
        created_at=now,
        pc_created_at=pc_time,
        store_code=store_code,
        operator_id=operator_id,
        member_id=member_id,
        state="pending",
        attempts=0,
    )
    session.add(op)
    return op


def count_by_state(session: Session) -> dict[str, int]:
    rows = session.execute(select(OutboxOp.state, func.count()).group_by(OutboxOp.state))
    counts = dict.fromkeys(STATES, 0)
    counts.update({state: int(n) for state, n in rows})
    return counts
