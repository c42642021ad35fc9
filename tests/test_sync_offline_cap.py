"""Offline redemptions HQ flags for review reach the store's problems list (issue 8 item 6).

The counter enforces the offline cap with the rules it has; when HQ lowered the cap while
the store was offline, the counter books more than HQ's cap allows. HQ books them all (the
goods were handed over) and flags each one beyond its cap; after the sync the manager sees
them in the problems list, where they can be dismissed but never retried (they applied).
"""

from __future__ import annotations

import pytest
from sync_helpers import HQ, sql

from counter import services
from counter.sync.engine import sync_once
from hq.config import set_rules
from hq.db import make_engine


def set_cap(hq: HQ, cap: int) -> None:
    engine = make_engine(hq.url_db)
    with engine.begin() as conn:
        set_rules(conn, {"points": {"offline_redeem_cap_per_day": cap}})
    engine.dispose()


def test_redemptions_beyond_hqs_cap_are_booked_and_listed_for_the_manager(hq: HQ) -> None:
    set_cap(hq, 5000)
    c = hq.counter()
    manager = services.create_operator(c.ctx, "陈刚", "manager", "3333")
    member = services.register_member(c.ctx, c.actor, services.MemberForm("王五", "13700000021"))
    now = c.ctx.clock()
    c.ctx.clock = lambda: now  # one store day for everything below
    sale = [services.SaleLine("otc", 500_000)]
    services.earn_points(
        c.ctx, c.actor, member.id, "R-1", now, sale, [services.Tender("cash", 500_000)]
    )
    assert sync_once(c.ctx).ok
    assert services.get_member(c.ctx, c.actor, member.id).points_shown == 5000

    set_cap(hq, 500)  # HQ lowers the cap; the store is offline and still has 5000
    redeemed = [
        services.redeem_points(c.ctx, c.actor, member.id, 400, "礼品", online=False)
        for _ in range(10)
    ]
    report = sync_once(c.ctx)
    assert report.ok, report.errors
    assert (report.applied, report.rejected) == (10, 0)
    assert sql(c.ctx, "SELECT DISTINCT state FROM outbox") == [("applied",)]
    assert services.get_member(c.ctx, c.actor, member.id).points_shown == 1000

    problems = services.list_problems(c.ctx, manager)
    assert sorted(p.op_id for p in problems) == sorted(r.op_id for r in redeemed[1:])
    for problem in problems:
        assert (problem.code, problem.op_type) == ("offline_cap_exceeded", "points.redeem")
        assert problem.details["cap"] == 500
        assert not problem.retryable
    with pytest.raises(services.ValidationError):
        services.retry_problem(c.ctx, manager, problems[0].id)
    services.dismiss_problem(c.ctx, manager, problems[0].id, "已核实")
    assert len(services.list_problems(c.ctx, manager)) == 8
    assert sync_once(c.ctx).ok
    assert len(services.list_problems(c.ctx, manager)) == 8  # nothing listed twice
