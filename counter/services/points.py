"""Points at the counter (DESIGN §5): earn on a sale, redeem; a ledger, never an edited balance.

Each earn or redemption is a ``PointsEntry`` keyed by its op_id, written with the
operation in one durable transaction; an earn also writes its ``Receipt`` (the amounts).
The points a sale earns are computed here with
``counter.rules`` over the cached HQ config; the earn names the rules version and the tier
it used, HQ recomputes under those with the same code and books that figure (what the
cashier told the member), refusing only a figure no real version and tier give.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from counter import contract, rules
from counter.errors import ValidationError
from counter.services import audit
from counter.services.config import current_rules, current_rules_version
from counter.services.context import Actor, ServiceContext
from counter.services.earn_preview import already_earned_error, earlier_earn
from counter.services.ops import active_member, contract_error, queue_op
from counter.services.views import MemberView, fetch_view, raw_connection
from counter.store.models import PointsEntry, Receipt

COUNTED_STATES = ("pending", "applied")


@dataclass(frozen=True)
class SaleLine:
    category: str
    amount_fen: int


@dataclass(frozen=True)
class Tender:
    """How part of a sale was paid: cash, bank_card, mobile_pay, insurance_personal/pooled."""

    kind: str
    amount_fen: int


@dataclass(frozen=True)
class PointsResult:
    """What an earn or redemption did: ``points`` is signed (+earned, -redeemed)."""

    op_id: str
    member_id: str
    points: int
    receipt_no: str | None
    member: MemberView


def _as_dict(item: SaleLine | Tender | Mapping[str, Any], key: str) -> dict[str, Any]:
    if isinstance(item, SaleLine):
        return {"category": item.category, "amount_fen": item.amount_fen}
    if isinstance(item, Tender):
        return {"kind": item.kind, "amount_fen": item.amount_fen}
    if isinstance(item, Mapping):
        return dict(item)
    raise ValidationError("销售明细格式不对。", f"Unreadable {key} entry.", field=key)


def _view(s: Any, ctx: ServiceContext, actor: Actor, member_id: str) -> MemberView:
    view = fetch_view(raw_connection(s), ctx, actor, "id", member_id)
    assert view is not None, "the member was checked in this transaction"
    return view


def earn_points(
    ctx: ServiceContext,
    actor: Actor,
    member_id: str,
    receipt_no: str,
    sold_at: dt.datetime | None,
    lines: Sequence[SaleLine | Mapping[str, Any]],
    tenders: Sequence[Tender | Mapping[str, Any]],
) -> PointsResult:
    """Book the points of one receipt; a receipt earns once at this counter.

    ``sold_at`` None: sold now, at the counter's time (``ctx.now()``), which decides the
    member-day and birthday multipliers even when the PC's clock is wrong.
    """
    now = ctx.now()
    if sold_at is None:
        sold_at = now
    if sold_at.tzinfo is None:
        raise ValidationError(
            "销售时间缺少时区。", "The sale time needs a time zone.", field="sold_at"
        )
    line_dicts = [_as_dict(line, "lines") for line in lines]
    tender_dicts = [_as_dict(t, "tenders") for t in tenders]
    receipt_no = receipt_no.strip()
    with ctx.db.write() as s:
        member = active_member(s, member_id)
        earlier = earlier_earn(s, ctx.store_code, receipt_no) if receipt_no else None
        if earlier is not None:
            raise already_earned_error(earlier)
        rule_set = current_rules(s, ctx).points
        payload: dict[str, Any] = {
            "member_id": member_id,
            "receipt_no": receipt_no,
            "sold_at": contract.format_time(sold_at),
            "lines": line_dicts,
            "tenders": tender_dicts,
            "points": 0,
            "tier": member.tier,
            "tier_seq": member.hq_seq or 0,
        }
        version = current_rules_version(s, ctx)
        if version is not None:
            payload["rules_version"] = version
        # Validate the sale's shape before computing with it (tenders add up, kinds known).
        try:
            clean = contract.validate_payload("points.earn", payload)
        except contract.ContractError as exc:
            raise contract_error(exc) from None
        points = rules.earn_points(
            rule_set,
            lines=clean["lines"],
            tenders=clean["tenders"],
            tier=member.tier,
            birthday=member.birthday,
            sold_at=sold_at,
        )
        payload["points"] = points
        op = queue_op(s, ctx, actor, "points.earn", payload, now, member_id=member_id)
        s.add(
            PointsEntry(
                id=op.op_id,
                member_id=member_id,
                delta=points,
                kind="earn",
                receipt_no=receipt_no,
                store_code=ctx.store_code,
                created_at=now,
                state="pending",
                offline=False,
            )
        )
        amounts = rules.sale_amounts(clean["lines"], clean["tenders"], rule_set.excluded_categories)
        # merge: a receipt whose earn HQ refused may earn again; its row is replaced.
        s.merge(
            Receipt(
                receipt_no=receipt_no,
                member_id=member_id,
                store_code=ctx.store_code,
                sold_at=sold_at,
                total_fen=amounts.total_fen,
                insurance_fen=amounts.insurance_fen,
                excluded_fen=amounts.excluded_fen,
                self_paid_fen=amounts.self_paid_fen,
                eligible_fen=amounts.eligible_fen,
                points=points,
                reversed_fen=0,
                reversed_points=0,
            )
        )
        s.flush()
        audit.record(s, actor, "points.earn", now, member_id=member_id, points=points, op=op.op_id)
        return PointsResult(
            op.op_id, member_id, points, receipt_no, _view(s, ctx, actor, member_id)
        )


def offline_redeemed_today(s: Any, store_code: str, member_id: str, now: dt.datetime) -> int:
    """Points this member redeemed offline at this store today (store time)."""
    local = now.astimezone(rules.STORE_TZ)
    start = dt.datetime(local.year, local.month, local.day, tzinfo=rules.STORE_TZ)
    total = s.scalar(
        select(func.coalesce(func.sum(-PointsEntry.delta), 0)).where(
            PointsEntry.member_id == member_id,
            PointsEntry.kind == "redeem",
            PointsEntry.offline.is_(True),
            PointsEntry.store_code == store_code,
            PointsEntry.state != "rejected",
            PointsEntry.created_at >= start,
        )
    )
    return int(total or 0)


def redeem_points(
    ctx: ServiceContext,
    actor: Actor,
    member_id: str,
    points: int,
    reason: str,
    online: bool,
    receipt_no: str | None = None,
    *,
    reward: str | None = None,
    quantity: int = 1,
) -> PointsResult:
    """Spend whole points; never below zero as far as this counter knows.

    ``reward``: the catalogue's code of what the member takes, ``quantity`` of it; the op
    names both and ``points`` must be its points × quantity (``services.rewards``).

    ``online`` says HQ was reachable when the member asked (the UI knows from its last
    probe). Offline, two stores could spend the same points, so each member may redeem
    at most the configured cap per day at this store; HQ books such a redemption anyway
    (the goods were handed over) and flags an overdraft for review.
    """
    if not isinstance(points, int) or isinstance(points, bool) or points < 1:
        raise ValidationError(
            "兑换积分须为正整数。", "Redeem a whole number of points (1 or more).", field="points"
        )
    now = ctx.now()
    with ctx.db.write() as s:
        active_member(s, member_id)
        if reward is not None:
            from counter.services.rewards import check_reward  # it reads this module too

            check_reward(s, ctx, member_id, reward, quantity, points, now)
        view = _view(s, ctx, actor, member_id)
        if points > view.points_shown:
            raise ValidationError(
                f"积分不足：可用 {view.points_shown}。",
                f"Not enough points: {view.points_shown} available.",
                field="points",
                detail="insufficient_points",
            )
        if not online:
            cap = current_rules(s, ctx).points.offline_redeem_cap_per_day
            used = offline_redeemed_today(s, ctx.store_code, member_id, now)
            if used + points > cap:
                left = max(0, cap - used)
                raise ValidationError(
                    f"离线时每位会员每天最多兑换 {cap} 积分，今天还可兑换 {left}。",
                    f"Offline, a member may redeem at most {cap} points a day here; "
                    f"{left} left today.",
                    field="points",
                    detail="offline_cap",
                )
        payload: dict[str, Any] = {
            "member_id": member_id,
            "points": points,
            "reason": reason,
            "receipt_no": receipt_no,
            "offline": not online,
        }
        if reward is not None:  # absent otherwise: older ops keep their body hash
            payload["reward"] = reward
            payload["quantity"] = quantity
        op = queue_op(s, ctx, actor, "points.redeem", payload, now, member_id=member_id)
        s.add(
            PointsEntry(
                id=op.op_id,
                member_id=member_id,
                delta=-points,
                kind="redeem",
                receipt_no=receipt_no,
                store_code=ctx.store_code,
                created_at=now,
                state="pending",
                offline=not online,
            )
        )
        s.flush()
        audit.record(
            s,
            actor,
            "points.redeem",
            now,
            member_id=member_id,
            points=points,
            offline=not online,
            op=op.op_id,
        )
        return PointsResult(
            op.op_id, member_id, -points, receipt_no, _view(s, ctx, actor, member_id)
        )
