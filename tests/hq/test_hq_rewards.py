"""A redemption names its reward (issue 15, contract v1.1): HQ checks the code and figure
against the catalogue it had, and the reward's daily limit per member across stores; an
offline redemption over the limit is booked (the goods were handed over) and flagged. On
SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hqkit import HQEnv
from sqlalchemy import select

from counter.rules import DEFAULT_CONFIG
from hq.config import ConfigError, check_rules, set_rules
from hq.models import PointsEntry
from hq.stats import store_stats

DAY = "2026-11-20T0{}:00:00Z"  # China time 10:00 … 17:00, one day
NEXT_DAY = "2026-11-20T17:00:00Z"  # 01:00 on the 21st in China


def reward_op(store: Any, member_id: str, code: str, points: int, quantity: int = 1,
              *, offline: bool = False, at: str = DAY.format(1)) -> dict[str, Any]:  # fmt: skip
    op = store.redeem(member_id, points, offline=offline, created_at=at)
    op["payload"].update(reward=code, quantity=quantity)
    return op  # type: ignore[no-any-return]


def booked(env: HQEnv, member_id: str) -> list[tuple[Any, ...]]:
    with env.engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                select(PointsEntry.delta, PointsEntry.reward_code, PointsEntry.reward_quantity)
                .where(PointsEntry.member_id == member_id, PointsEntry.kind == "redeem")
                .order_by(PointsEntry.id)
            )
        ]


def test_the_code_the_figure_and_the_daily_limit_across_stores(hq_env: HQEnv) -> None:
    s1, s2 = hq_env.store("S1"), hq_env.store("S2")
    member = s1.new_member()
    s1.applied(s1.earn(member["id"], "R-rw-1", 300_000))  # 3,000 points
    s1.applied(reward_op(s1, member["id"], "MASK10", 200, 2))  # 2 of 2 today
    # Another store, the same day, online: over the limit, refused with what is left.
    refused = s2.rejected(reward_op(s2, member["id"], "MASK10", 100, at=DAY.format(5)),
                          "reward_daily_limit")  # fmt: skip
    assert refused["details"] == {"reward": "MASK10", "limit": 2, "left": 0}
    # The next store day it starts afresh.
    s2.applied(reward_op(s2, member["id"], "MASK10", 100, at=NEXT_DAY))
    s1.rejected(reward_op(s1, member["id"], "NOPE", 100), "unknown_reward")
    wrong = s1.rejected(reward_op(s1, member["id"], "SWAB", 40), "reward_points_mismatch")
    assert wrong["details"]["expected"] == 50
    # Offline over the limit: booked, flagged for review.
    offline = s1.applied(reward_op(s1, member["id"], "MASK10", 100, offline=True, at=DAY.format(7)))
    assert offline["review"]["code"] == "reward_daily_limit"
    assert offline["review"]["details"]["redeemed_that_day"] == 3
    assert booked(hq_env, member["id"]) == [
        (-200, "MASK10", 2), (-100, "MASK10", 1), (-100, "MASK10", 1)
    ]  # fmt: skip
    with hq_env.engine.connect() as conn:
        flagged = {s.code: s.flagged for s in store_stats(conn)}
    assert flagged["S1"].get("reward_daily_limit") == 1 and "reward_daily_limit" not in flagged.get(
        "S2", {}
    )


def test_a_catalogue_hq_had_before_is_honoured_and_old_ops_need_none(hq_env: HQEnv) -> None:
    s1 = hq_env.store("S1")
    member = s1.new_member()
    s1.applied(s1.earn(member["id"], "R-rw-2", 100_000))
    document: dict[str, Any] = json.loads(json.dumps(DEFAULT_CONFIG))
    document["points"]["rewards"] = [{"code": "TEA", "name": "花茶", "points": 80}]
    with hq_env.engine.begin() as conn:
        set_rules(conn, document)
    try:
        # Sold offline under the old catalogue: its swabs still count, at the old price.
        s1.applied(reward_op(s1, member["id"], "SWAB", 50, offline=True))
        s1.applied(reward_op(s1, member["id"], "TEA", 80))
        s1.applied(s1.redeem(member["id"], 10))  # a 1.0 op names no reward
        assert booked(hq_env, member["id"]) == [
            (-50, "SWAB", 1), (-80, "TEA", 1), (-10, None, None)
        ]  # fmt: skip
    finally:
        with hq_env.engine.begin() as conn:
            set_rules(conn, DEFAULT_CONFIG)


def test_hq_refuses_a_catalogue_counters_could_not_use() -> None:
    def with_rewards(rewards: list[dict[str, Any]]) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(json.dumps(DEFAULT_CONFIG))
        document["points"]["rewards"] = rewards
        return document

    check_rules(with_rewards([{"code": "A", "name": "甲", "points": 1, "daily_limit": 1}]))
    for bad in (
        [{"code": "A", "name": "甲", "points": 1}, {"code": "A", "name": "乙", "points": 2}],
        [{"code": "A", "name": "甲", "points": 0}],
        [{"code": "A", "name": "甲", "points": 5, "daily_limit": 0}],
        [{"code": "A", "points": 5}],
        [{"code": "X" * 33, "name": "甲", "points": 5}],
    ):
        with pytest.raises(ConfigError):
            check_rules(with_rewards(bad))
