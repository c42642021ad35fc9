"""Activity points (活动积分): a service assistant or a manager awards points for a reason.

Reasons come from HQ's config (``points.award_reasons``: code, names, usual points, the
most one award may give, an optional limit per member per day); the op names the rules
version whose catalogue it used, so HQ checks the amount under the same catalogue, as it
does an earn's figure. A cashier is refused with :class:`AwardNotAllowed`. Audited.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from counter import rules
from counter.errors import PermissionDenied, ValidationError
from counter.services import audit
from counter.services.config import current_rules, current_rules_version
from counter.services.context import Actor, ServiceContext
from counter.services.ops import active_member, queue_op
from counter.services.points import PointsResult
from counter.services.views import fetch_view, raw_connection
from counter.store.models import OutboxOp, PointsEntry

AWARD_ROLES = ("service", "manager")
MAX_NOTE = 200


class AwardNotAllowed(PermissionDenied):
    """Only service assistants and managers award activity points."""

    code = "award_not_allowed"


class UnknownAwardReason(ValidationError):
    code = "unknown_award_reason"


def award_reasons(ctx: ServiceContext) -> tuple[rules.AwardReason, ...]:
    """The catalogue as HQ last sent it (the defaults before the first sync)."""
    with ctx.db.read() as s:
        return tuple(current_rules(s, ctx).points.award_reasons.values())


def _awarded_today(s: object, member_id: str, reason_code: str, now: dt.datetime) -> int:
    """Awards of this reason to the member today (store time) that this counter booked."""
    local = now.astimezone(rules.STORE_TZ)
    start = dt.datetime(local.year, local.month, local.day, tzinfo=rules.STORE_TZ)
    count = s.scalar(  # type: ignore[attr-defined]
        select(func.count())
        .select_from(PointsEntry)
        .join(OutboxOp, OutboxOp.op_id == PointsEntry.id)
        .where(
            PointsEntry.member_id == member_id,
            PointsEntry.kind == "award",
            PointsEntry.state != "rejected",
            PointsEntry.created_at >= start,
            func.json_extract(OutboxOp.payload, "$.reason_code") == reason_code,
        )
    )
    return int(count or 0)


def award_points(
    ctx: ServiceContext,
    actor: Actor,
    member_id: str,
    reason_code: str,
    points: int | None,
    note: str,
) -> PointsResult:
    """Award activity points; ``points`` None gives the reason's usual amount."""
    if actor.role not in AWARD_ROLES:
        raise AwardNotAllowed(
            "只有店员（服务）和店长可以发放活动积分。",
            "Only service assistants and managers may award activity points.",
            detail=actor.role,
        )
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationError(
            f"备注最多 {MAX_NOTE} 个字。", f"The note is at most {MAX_NOTE} characters.",
            field="note",
        )  # fmt: skip
    now = ctx.now()
    with ctx.db.write() as s:
        active_member(s, member_id)
        rule_set = current_rules(s, ctx).points
        reason = rule_set.award_reasons.get(reason_code)
        if reason is None:
            raise UnknownAwardReason(
                "未知的活动积分原因。", "Unknown reason for activity points.",
                field="reason_code", detail=reason_code,
            )  # fmt: skip
        amount = reason.points if points is None else points
        if (
            not isinstance(amount, int)
            or isinstance(amount, bool)
            or not 1 <= amount <= reason.max_points
        ):
            raise ValidationError(
                f"{reason.name_zh}：积分须在 1 到 {reason.max_points} 之间。",
                f"{reason.name_en}: 1 to {reason.max_points} points.",
                field="points",
                detail="award_points_range",
            )
        if reason.daily_limit is not None:
            done = _awarded_today(s, member_id, reason.code, now)
            if done >= reason.daily_limit:
                raise ValidationError(
                    f"{reason.name_zh}：每位会员每天最多 {reason.daily_limit} 次，今天已发放。",
                    f"{reason.name_en}: at most {reason.daily_limit} a day per member; "
                    "already awarded today.",
                    field="reason_code",
                    detail="award_limit",
                )
        payload: dict[str, object] = {
            "member_id": member_id,
            "reason_code": reason.code,
            "points": amount,
            "note": note,
        }
        version = current_rules_version(s, ctx)
        if version is not None:
            payload["rules_version"] = version
        op = queue_op(s, ctx, actor, "points.award", payload, now, member_id=member_id)
        s.add(
            PointsEntry(
                id=op.op_id,
                member_id=member_id,
                delta=amount,
                kind="award",
                receipt_no=None,
                store_code=ctx.store_code,
                created_at=now,
                state="pending",
                offline=False,
            )
        )
        s.flush()
        audit.record(
            s,
            actor,
            "points.award",
            now,
            member_id=member_id,
            reason=reason.code,
            points=amount,
            op=op.op_id,
        )
        view = fetch_view(raw_connection(s), ctx, actor, "id", member_id)
        assert view is not None, "the member was checked in this transaction"
        return PointsResult(op.op_id, member_id, amount, None, view)
