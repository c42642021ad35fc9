"""The reward catalogue end to end (issue 15): HQ's config brings it to the counter, a
redemption names its reward through a real sync, and HQ's daily limit across stores lands
in the second store's problems list."""

from __future__ import annotations

from sync_helpers import HQ, cache_members, sql

from counter import services
from counter.services import rewards
from counter.sync.engine import sync_once


def test_a_reward_redeemed_at_two_stores_the_same_day(hq: HQ) -> None:
    hq.seed(5)
    a, b = hq.counter("S001"), hq.counter("S002")
    assert sync_once(a.ctx).ok and sync_once(b.ctx).ok
    member = next(
        m for m in sorted(cache_members(a.ctx))
        if services.get_member(a.ctx, a.actor, m).points_shown >= 1000
    )  # fmt: skip
    options = rewards.redeem_options(a.ctx, a.actor, member, online=True)
    thermo = next(c for c in options.choices if c.reward.code == "THERMO")  # one a day
    assert thermo.left_today == 1
    for c in (a, b):  # each store knows only its own redemptions
        services.redeem_points(
            c.ctx, c.actor, member, 500, thermo.reward.name, True, reward="THERMO"
        )
    assert sync_once(a.ctx).ok
    assert sql(a.ctx, "SELECT state FROM outbox WHERE type = 'points.redeem'") == [("applied",)]
    report = sync_once(b.ctx)
    assert report.rejected == 1
    (problem,) = services.list_problems(
        b.ctx, services.create_operator(b.ctx, "陈刚", "manager", "3333")
    )
    assert problem.code == "reward_daily_limit" and problem.details["left"] == 0
    assert not problem.retryable  # HQ would refuse it again: the manager checks and dismisses
