"""A redemption names its reward (contract v1.1): HQ checks the code, the figure and the
reward's daily limit per member, across every store.

The code must be in the catalogue (``points.rewards``) of HQ's current rules or of any
rules version HQ ever had, with ``points`` equal to its points × quantity there: a counter
offline across a catalogue change redeemed under the catalogue it had, and the cashier
handed the goods over. The daily limit counts the member's redemptions of that reward on
the store's day of the op (China time, the op's ``created_at``). Over it, an online
redemption is refused (``reward_daily_limit``: the counter asked HQ's rules and should not
have sent it); an offline one is booked, since the goods are gone, and flagged for review
like an offline redemption over the cap (hq.review).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from counter.contract import parse_time
from counter.rules import STORE_TZ, Reward
from hq.ops.base import Batch, Rejection

REWARD_LIMIT_CODE = "reward_daily_limit"


@dataclass(frozen=True)
class RewardDay:
    reward: Reward
    quantity: int
    day: dt.date
    before: int  # of this reward, redeemed by the member that day (every store)

    @property
    def over_limit(self) -> bool:
        limit = self.reward.daily_limit
        return limit is not None and self.before + self.quantity > limit

    def review(self) -> dict[str, Any]:
        total = self.before + self.quantity
        return {
            "code": REWARD_LIMIT_CODE,
            "message": (
                f"booked, but {total} × {self.reward.code} on {self.day.isoformat()} is over "
                f"the daily limit of {self.reward.daily_limit} per member; HQ reviews it"
            ),
            "details": {
                "reward": self.reward.code,
                "day": self.day.isoformat(),
                "limit": self.reward.daily_limit,
                "redeemed_that_day": total,
            },
        }


def _reward(batch: Batch, code: str, points: int, quantity: int) -> Reward:
    """The reward as the counter's catalogue had it: the current one first, then older."""
    known = False
    catalogues = [batch.rules]
    for version, _ in reversed(batch.book.history()):
        older = batch.book.rules(version)
        if older is not None:
            catalogues.append(older)
    for rules in catalogues:
        reward = rules.points.reward(code)
        if reward is None:
            continue
        known = True
        if reward.points * quantity == points:
            return reward
    if not known:
        raise Rejection("unknown_reward", f"no reward {code!r} in HQ's catalogue", {"reward": code})
    current = batch.rules.points.reward(code)
    raise Rejection(
        "reward_points_mismatch",
        f"{quantity} × {code} is not {points} points under any catalogue HQ had",
        {"reward": code, "expected": current.points * quantity if current else None},
    )


def reward_day(batch: Batch, op: dict[str, Any], member_id: str) -> RewardDay | None:
    """Where a redemption stands against its reward's daily limit; None: no reward named.
    Raises :class:`Rejection` for an unknown reward, a wrong figure, or an online
    redemption over the limit. Call before booking it."""
    p = op["payload"]
    code = p.get("reward")
    if code is None:
        return None
    quantity = int(p.get("quantity") or 1)
    reward = _reward(batch, code, p["points"], quantity)
    day = parse_time(op["created_at"]).astimezone(STORE_TZ).date()
    row = batch.fx.one(
        "SELECT COALESCE(SUM(reward_quantity), 0) FROM points_ledger"
        " WHERE member_id = ? AND kind = 'redeem' AND reward_code = ? AND reward_on = ?",
        (member_id, code, batch.fx.date(day)),
    )
    state = RewardDay(reward, quantity, day, int(row[0]) if row is not None else 0)
    if state.over_limit and not p["offline"]:
        left = max(0, (reward.daily_limit or 0) - state.before)
        raise Rejection(
            REWARD_LIMIT_CODE,
            f"{reward.code}: at most {reward.daily_limit} a day per member; {left} left",
            {"reward": reward.code, "limit": reward.daily_limit, "left": left},
        )
    return state


def record_reward(batch: Batch, op_id: str, state: RewardDay) -> None:
    """Mark the booked ledger entry with its reward, quantity and day (and, over the
    limit, the flag ``hq stats`` counts)."""
    fx = batch.fx
    fx.execute(
        "UPDATE points_ledger SET reward_code = ?, reward_quantity = ?, reward_on = ?,"
        " over_reward_limit = ? WHERE op_id = ?",
        (state.reward.code, state.quantity, fx.date(state.day), fx.bool(state.over_limit), op_id),
    )
