"""The problems list: operations HQ rejected (or applied but flagged for review), kept
until a manager resolves them.

HQ's refusals are answers, not errors (DESIGN §3), and they are never silent: each one
stays here with HQ's reason until a manager retries it (as a new operation with a new
op_id: an op_id is never sent again with a different body) or dismisses it. Every
look at the list and every decision is audited: the details can hold personal data.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update

from counter.errors import NotFoundError, ValidationError
from counter.services import audit
from counter.services.context import Actor, ServiceContext
from counter.services.ops import MANAGER_ROLES, points_delta, queue_op, require_role
from counter.store.models import OutboxOp, PointsEntry, Receipt, SyncProblem
from counter.store.outbox_health import erase_op_health, open_payload

# An earn HQ could not book as the counter computed it: a retry takes HQ's figure under
# its current rules and the member's current tier (the rejection's ``expected``).
EARN_REFUSALS = frozenset({"points_mismatch", "unknown_rules_version", "tier_not_held"})
EARN_BASIS = ("rules_version", "tier", "tier_seq")

# Retrying these would only be refused again: the business fact is settled at HQ.
# An ``offline_cap_exceeded`` op was applied (HQ only flags it for review): nothing to send.
NOT_RETRYABLE = frozenset(
    {
        "phone_registered",
        "member_exists",
        "complaint_exists",
        "receipt_already_earned",
        # The sealed health cannot be opened (the health key was replaced): never sendable.
        "health_data_unreadable",
        "offline_cap_exceeded",
        # The reward catalogue (contract 1.1): the code, its price and its daily limit are
        # HQ's; an offline redemption over the limit was applied, flagged for review.
        "unknown_reward",
        "reward_points_mismatch",
        "reward_daily_limit",
    }
)


@dataclass(frozen=True)
class ProblemView:
    id: int
    op_id: str
    op_type: str
    member_id: str | None
    code: str
    message: str
    details: dict[str, Any]
    created_at: dt.datetime
    resolved_at: dt.datetime | None
    resolution: str | None
    resolved_by: str | None

    @property
    def retryable(self) -> bool:
        return (
            self.resolved_at is None
            and self.code not in NOT_RETRYABLE
            and not self.details.get("erased")
        )


def _view(p: SyncProblem, op: OutboxOp | None) -> ProblemView:
    try:
        details = json.loads(p.details or "{}")
    except ValueError:
        details = {"raw": p.details}
    return ProblemView(
        id=p.id,
        op_id=p.op_id,
        op_type=op.type if op is not None else "",
        member_id=op.member_id if op is not None else None,
        code=p.code,
        message=p.message,
        details=details if isinstance(details, dict) else {"raw": details},
        created_at=p.created_at,
        resolved_at=p.resolved_at,
        resolution=p.resolution,
        resolved_by=p.resolved_by,
    )


def list_problems(
    ctx: ServiceContext, actor: Actor, *, include_resolved: bool = False, limit: int = 500
) -> tuple[ProblemView, ...]:
    """Open problems (all, with ``include_resolved``), newest first. Managers only."""
    require_role(actor, MANAGER_ROLES, "查看同步问题", "see the problems list")
    with ctx.db.write() as s:
        query = select(SyncProblem, OutboxOp).join(OutboxOp, OutboxOp.op_id == SyncProblem.op_id)
        if not include_resolved:
            query = query.where(SyncProblem.resolved_at.is_(None))
        rows = s.execute(query.order_by(SyncProblem.id.desc()).limit(limit)).all()
        audit.record(s, actor, "problems.view", ctx.now(), count=len(rows))
        return tuple(_view(p, op) for p, op in rows)


def superseded_earns(ctx: ServiceContext, actor: Actor) -> int:
    """Earns HQ booked under rules it had already replaced when the sale was made.

    Not problems (HQ booked what the cashier told the member), but the list shows how
    many, so a manager sees what a late rule change cost (docs/points.md).
    """
    require_role(actor, MANAGER_ROLES, "查看同步问题", "see the problems list")
    with ctx.db.read() as s:
        count = s.scalar(
            select(func.count()).where(
                OutboxOp.type == "points.earn",
                OutboxOp.state == "applied",
                func.json_extract(OutboxOp.result, "$.superseded_rules") == 1,
            )
        )
        return int(count or 0)


def _open_problem(s: Any, problem_id: int) -> tuple[SyncProblem, OutboxOp]:
    row = s.execute(
        select(SyncProblem, OutboxOp)
        .join(OutboxOp, OutboxOp.op_id == SyncProblem.op_id)
        .where(SyncProblem.id == problem_id)
    ).first()
    if row is None:
        raise NotFoundError("未找到该问题。", "No such problem.", detail=str(problem_id))
    problem, op = row
    if problem.resolved_at is not None:
        raise ValidationError(
            "该问题已处理。", "This problem has already been resolved.", detail=problem.resolution
        )
    return problem, op


def retry_problem(ctx: ServiceContext, actor: Actor, problem_id: int) -> ProblemView:
    """Send the rejected operation again as a new operation (new op_id).

    An earn HQ refused (``points_mismatch``, ``unknown_rules_version``, ``tier_not_held``)
    is retried with the points HQ expects under its current rules and the member's current
    tier, naming no version or tier; everything else is sent as it was.
    """
    require_role(actor, MANAGER_ROLES, "重试同步问题", "retry a rejected operation")
    now = ctx.now()
    with ctx.db.write() as s:
        problem, old = _open_problem(s, problem_id)
        if problem.code in NOT_RETRYABLE or old.state != "rejected":
            raise ValidationError(
                "此问题重试也会被总部拒绝，请核对后忽略。",
                "Retrying would be refused again; check it and dismiss it.",
                detail=problem.code,
            )
        details = json.loads(problem.details or "{}")
        if details.get("erased"):
            # Scrubbed of the person's data (counter.store.erasure): nothing left to send.
            raise ValidationError(
                "总部已删除该会员，此操作无法重试，请忽略。",
                "HQ has erased this member; the operation can't be retried. Dismiss it.",
                detail="member_erased",
            )
        payload = open_payload(ctx.cipher, old.op_id, old.payload)
        if problem.code in EARN_REFUSALS and isinstance(details.get("expected"), int):
            payload["points"] = details["expected"]
            for key in EARN_BASIS:
                payload.pop(key, None)
        new = queue_op(s, ctx, actor, old.type, payload, now, member_id=old.member_id)
        old.state = "superseded"
        old.superseded_by = new.op_id
        erase_op_health(old)
        entry = s.get(PointsEntry, old.op_id)
        if entry is not None:
            delta = points_delta(old.type, payload)
            s.execute(
                update(PointsEntry)
                .where(PointsEntry.id == old.op_id)
                .values(id=new.op_id, state="pending", hq_seq=None, delta=delta)
            )
            if old.type == "points.earn":  # the receipt's cached points follow the retry
                s.execute(
                    update(Receipt)
                    .where(Receipt.receipt_no == payload["receipt_no"])
                    .values(points=payload["points"])
                )
        problem.resolved_at = now
        problem.resolved_by = actor.operator_id
        problem.resolution = "retried"
        details["retried_as"] = new.op_id
        problem.details = json.dumps(details, ensure_ascii=False, sort_keys=True)
        audit.record(
            s,
            actor,
            "problem.retry",
            now,
            member_id=old.member_id,
            problem=problem_id,
            op=old.op_id,
            new_op=new.op_id,
        )
        s.flush()
        return _view(problem, old)


def dismiss_problem(
    ctx: ServiceContext, actor: Actor, problem_id: int, note: str = ""
) -> ProblemView:
    """Close a problem without sending anything; the rejected operation stays rejected."""
    require_role(actor, MANAGER_ROLES, "忽略同步问题", "dismiss a problem")
    now = ctx.now()
    with ctx.db.write() as s:
        problem, op = _open_problem(s, problem_id)
        problem.resolved_at = now
        problem.resolved_by = actor.operator_id
        problem.resolution = "dismissed"
        if note.strip():
            details = json.loads(problem.details or "{}")
            details["dismiss_note"] = note.strip()
            problem.details = json.dumps(details, ensure_ascii=False, sort_keys=True)
        audit.record(
            s,
            actor,
            "problem.dismiss",
            now,
            member_id=op.member_id,
            problem=problem_id,
            op=op.op_id,
            note=note.strip(),
        )
        s.flush()
        return _view(problem, op)
