"""The reward catalogue at the counter (积分兑换, DESIGN §5): what a member may take today.

The catalogue comes from HQ's config (``points.rewards``: code, name, points, optional daily
limit per member), cached with the rest of the rules. A redemption names its reward and
quantity in the ``points.redeem`` op; this counter checks the daily limit against what the
member took here today (its outbox knows), HQ against every store. Offline, the member may
also spend at most the offline cap a day at this store (``counter.services.points``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from counter import rules
from counter.errors import ValidationError
from counter.services.config import current_rules
from counter.services.context import Actor, ServiceContext
from counter.services.ops import active_member
from counter.services.points import offline_redeemed_today
from counter.services.views import MemberView, fetch_view, raw_connection
from counter.store.models import OutboxOp

MAX_QUANTITY = 99


@dataclass(frozen=True)
class RewardChoice:
    """A reward as the redeem dialog lists it for one member today."""

    number: int  # 1, 2, 3…: the key that picks it
    reward: rules.Reward
    taken_today: int  # this member, at this store, today
    left_today: int | None  # None: no daily limit


@dataclass(frozen=True)
class RedeemOptions:
    member: MemberView
    choices: tuple[RewardChoice, ...]
    online: bool
    offline_cap: int
    offline_left: int  # points this member may still redeem offline here today


def _day_start(now: dt.datetime) -> dt.datetime:
    local = now.astimezone(rules.STORE_TZ)
    return dt.datetime(local.year, local.month, local.day, tzinfo=rules.STORE_TZ)


def rewards_taken_today(
    s: Any, store_code: str, member_id: str, now: dt.datetime
) -> dict[str, int]:
    """Quantity of each reward this member redeemed at this store today (store time).

    Read from the outbox, which keeps every op with its payload: a redemption HQ refused
    does not count, nor one replaced by its retry (the retry counts instead).
    """
    rows = s.execute(
        select(OutboxOp.payload).where(
            OutboxOp.type == "points.redeem",
            OutboxOp.member_id == member_id,
            OutboxOp.store_code == store_code,
            OutboxOp.created_at >= _day_start(now),
            OutboxOp.state.not_in(("rejected", "superseded")),
        )
    ).all()
    taken: dict[str, int] = {}
    for (payload,) in rows:
        try:
            body = json.loads(payload)
        except ValueError:
            continue
        code = body.get("reward") if isinstance(body, dict) else None
        if isinstance(code, str):
            taken[code] = taken.get(code, 0) + int(body.get("quantity") or 1)
    return taken


def redeem_options(
    ctx: ServiceContext, actor: Actor, member_id: str, online: bool
) -> RedeemOptions:
    """The catalogue for this member now: each reward with what is left of its daily limit,
    the balance, and offline the points left under the offline cap."""
    now = ctx.now()
    with ctx.db.read() as s:
        active_member(s, member_id)
        view = fetch_view(raw_connection(s), ctx, actor, "id", member_id)
        assert view is not None, "the member was checked in this transaction"
        points_rules = current_rules(s, ctx).points
        taken = rewards_taken_today(s, ctx.store_code, member_id, now)
        used = offline_redeemed_today(s, ctx.store_code, member_id, now)
    choices = tuple(
        RewardChoice(
            number=i,
            reward=r,
            taken_today=taken.get(r.code, 0),
            left_today=(
                None if r.daily_limit is None else max(0, r.daily_limit - taken.get(r.code, 0))
            ),
        )
        for i, r in enumerate(points_rules.rewards, start=1)
    )
    cap = points_rules.offline_redeem_cap_per_day
    return RedeemOptions(view, choices, online, cap, max(0, cap - used))


def check_reward(
    s: Any,
    ctx: ServiceContext,
    member_id: str,
    code: str,
    quantity: int,
    points: int,
    now: dt.datetime,
) -> rules.Reward:
    """Inside the redemption's transaction: the reward exists, the quantity is sane, the
    figure is its points × quantity (the catalogue may have changed since the dialog showed
    it), and the member's daily limit here is not passed."""
    reward = current_rules(s, ctx).points.reward(code)
    if reward is None:
        raise ValidationError(
            "没有这个兑换商品（总部的目录已更新？）。",
            "No such reward (has HQ's catalogue changed?).",
            field="reward",
            detail="unknown_reward",
        )
    whole = isinstance(quantity, int) and not isinstance(quantity, bool)
    if not whole or not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationError(
            f"数量须为 1 到 {MAX_QUANTITY}。",
            f"The quantity is 1 to {MAX_QUANTITY}.",
            field="quantity",
        )
    if points != reward.points * quantity:
        raise ValidationError(
            f"{reward.name} 现在需要 {reward.points} 积分一份，请重新确认。",
            f"{reward.name} now costs {reward.points} points each; confirm again.",
            field="reward",
            detail="reward_changed",
        )
    if reward.daily_limit is not None:
        taken = rewards_taken_today(s, ctx.store_code, member_id, now).get(code, 0)
        if taken + quantity > reward.daily_limit:
            left = max(0, reward.daily_limit - taken)
            raise ValidationError(
                f"{reward.name} 每位会员每天限兑 {reward.daily_limit} 份，今天还可兑 {left} 份。",
                f"{reward.name}: at most {reward.daily_limit} a day per member; {left} left today.",
                field="quantity",
                detail="reward_daily_limit",
            )
    return reward


def redeem_problem(options: RedeemOptions, number: int, quantity: int) -> ValidationError | None:
    """Why the dialog's choice cannot be redeemed, said as the cashier picks it (the service
    checks the same again when booking): the balance, the daily limit, offline the cap."""
    choice = next((c for c in options.choices if c.number == number), None)
    if choice is None:
        return ValidationError("请选择兑换商品。", "Choose a reward.", field="reward")
    reward, total = choice.reward, choice.reward.points * quantity
    if not 1 <= quantity <= MAX_QUANTITY:
        return ValidationError(
            f"数量须为 1 到 {MAX_QUANTITY}。", f"The quantity is 1 to {MAX_QUANTITY}.",
            field="quantity",
        )  # fmt: skip
    if choice.left_today is not None and quantity > choice.left_today:
        return ValidationError(
            f"{reward.name} 每位会员每天限兑 {reward.daily_limit} 份，今天还可兑 "
            f"{choice.left_today} 份。",
            f"{reward.name}: at most {reward.daily_limit} a day per member; "
            f"{choice.left_today} left today.",
            field="quantity",
            detail="reward_daily_limit",
        )
    shown = options.member.points_shown
    if total > shown:
        return ValidationError(
            f"积分不足：需要 {total}，可用 {shown}。",
            f"Not enough points: {total} needed, {shown} available.",
            field="quantity",
            detail="insufficient_points",
        )
    if not options.online and total > options.offline_left:
        return ValidationError(
            f"离线时每位会员每天最多兑换 {options.offline_cap} 积分，今天还可兑换 "
            f"{options.offline_left}。",
            f"Offline, a member may redeem at most {options.offline_cap} points a day here; "
            f"{options.offline_left} left today.",
            field="quantity",
            detail="offline_cap",
        )
    return None
