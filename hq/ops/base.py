"""What every op handler works with: the batch it runs in, its outcome, its refusal.

The handlers themselves are per op family (``hq.ops.members``, ``hq.ops.points``,
``hq.ops.complaints``); ``hq.ops.batch`` applies a batch and dispatches to them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from counter.rules import Rules
from hq.db import Writer
from hq.fastsql import FastSQL
from hq.records import load_member, refresh_member
from hq.review import OfflineDay
from hq.rulebook import RuleBook

MAX_MERGE_HOPS = 16


class Rejection(Exception):
    """A business refusal of one op: a 200 answer with ``status: rejected``."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}

    def error(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}


@dataclass(frozen=True)
class Applied:
    seq: int
    entity: str  # the member or complaint record, JSON text
    review: str | None = None  # applied but flagged for review (hq.review), JSON text
    note: str = ""  # more fields of the result, as JSON text starting with a comma


@dataclass
class Batch:
    """What the handlers need besides the op: the writer, the rules, the store."""

    w: Writer
    rules: Rules
    store_code: str
    book: RuleBook
    fx: FastSQL = field(init=False)
    _release_pending: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        self.fx = FastSQL(self.w.conn)

    # Each op runs in the savepoint ``hq_op``. Releasing one op's savepoint is put off until
    # the next op begins, so that on PostgreSQL release and begin share one round trip.

    def op_begin(self) -> None:
        if self._release_pending:
            self.fx.script("RELEASE SAVEPOINT hq_op", "SAVEPOINT hq_op")
        else:
            self.fx.script("SAVEPOINT hq_op")
        self._release_pending = False

    def op_done(self) -> None:
        self._release_pending = True

    def op_undo(self) -> None:
        self.fx.script("ROLLBACK TO SAVEPOINT hq_op", "RELEASE SAVEPOINT hq_op")
        self._release_pending = False

    def finish(self) -> None:
        if self._release_pending:
            self.fx.script("RELEASE SAVEPOINT hq_op")
            self._release_pending = False


def _member(batch: Batch, member_id: str) -> dict[str, Any]:
    """The active member (following merges), or ``member_not_found``."""
    current = member_id
    for _ in range(MAX_MERGE_HOPS):
        row = load_member(batch.fx, current)
        if row is None or row["status"] == "deleted":
            break
        if row["status"] == "active":
            return row
        current = row["merged_into"]
    raise Rejection("member_not_found", "HQ has no such member", {"member_id": member_id})


def _refresh(batch: Batch, member_id: str, row: dict[str, Any] | None = None) -> Applied:
    """A new seq for the member and its record re-rendered; ``row`` if its columns are as read."""
    seq = batch.w.changes.take()
    return Applied(seq, refresh_member(batch.fx, member_id, seq, batch.w.now, row))


def _book(
    batch: Batch,
    op_id: str,
    member_id: str,
    delta: int,
    kind: str,
    *,
    earned_on: dt.date | None = None,
    receipt_no: str | None = None,
    overdraft: bool = False,
    offline: OfflineDay | None = None,
    reason: str | None = None,
    note: str | None = None,
) -> None:
    """One entry in the points ledger, keyed by the op that made it."""
    fx = batch.fx
    fx.execute(
        "INSERT INTO points_ledger (op_id, member_id, delta, kind, earned_on, store_code,"
        " receipt_no, overdraft, offline_on, over_cap, reason, note, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            op_id,
            member_id,
            delta,
            kind,
            fx.date(earned_on),
            batch.store_code,
            receipt_no,
            fx.bool(overdraft),
            fx.date(offline.day if offline is not None else None),
            fx.bool(offline is not None and offline.over_cap),
            reason,
            note,
            fx.time(batch.w.now),
        ),
    )
