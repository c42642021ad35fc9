"""Points shown at the counter are points booked (issue 10, docs/points.md).

A store queues operations; meanwhile HQ changes its rules (``hq config set``) and upgrades
a member (``hq member tier``); then the store syncs. Every earn is booked with the figure
the cashier told the member, and HQ counts the ones made after its rules had changed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sync_helpers import HQ, cache_members, hq_member, outbox_states, payload, sql

from counter import services
from counter.rules import DEFAULT_CONFIG, rules_version
from counter.sync.engine import sync_once
from hq.cli import main as hq_main

SALE = [services.SaleLine("otc", 12_345)]
CASH = [services.Tender("cash", 12_345)]


def hq_cli(hq: HQ, *args: str) -> None:
    assert hq_main([*args, "--db", hq.url_db]) == 0


def test_queued_earns_are_booked_as_shown_across_a_rule_change_and_an_upgrade(
    hq: HQ, tmp_path: Path, capsys: Any
) -> None:
    hq.seed(12)
    c = hq.counter()
    manager = services.create_operator(c.ctx, "陈刚", "manager", "3333")
    assert sync_once(c.ctx).ok
    seeded = sorted(cache_members(c.ctx))[:8]
    basic = next(m for m in seeded if services.get_member(c.ctx, c.actor, m).tier == "basic")
    clock = c.ctx.clock
    ops = 0

    def earn(member_id: str) -> None:
        nonlocal ops
        services.earn_points(c.ctx, c.actor, member_id, f"R-{ops}", clock(), SALE, CASH)
        ops += 1

    new = []
    for i in range(3):  # registered offline: HQ knows them only when the sync brings them
        form = services.MemberForm(name=f"新会员{i}", phone=f"1390000{i:04d}")
        new.append(services.register_member(c.ctx, c.actor, form).id)
        ops += 1
    members = [*seeded, *new]
    for i in range(15):
        earn(members[i % len(members)])
    # HQ changes its rules and upgrades a member while the store has not synced.
    rules_file = tmp_path / "rules.json"
    document: dict[str, Any] = json.loads(json.dumps(DEFAULT_CONFIG))
    document["points"]["yuan_per_point"] = 2
    rules_file.write_text(json.dumps(document), encoding="utf-8")
    hq_cli(hq, "config", "set", str(rules_file))
    hq_cli(hq, "member", "tier", basic, "gold")
    capsys.readouterr()
    for i in range(10):  # sold after the change, under the rules this counter still has
        earn(members[i % len(members)] if i else basic)
    for m in seeded[:5]:
        services.redeem_points(c.ctx, c.actor, m, 1, "兑换", online=False)
        ops += 1
    for m in seeded[:4]:
        services.update_member(c.ctx, c.actor, m, {"address": "杭州市西湖区文三路 1 号"})
        ops += 1
    for m in seeded[:3]:
        services.create_complaint(
            c.ctx,
            c.actor,
            category="service_attitude",
            severity="low",
            channel="counter",
            description="等待时间长",
            member_id=m,
        )
        ops += 1
    assert ops == 40
    shown = {m: services.get_member(c.ctx, c.actor, m).points_shown for m in members}

    report = sync_once(c.ctx)
    assert report.ok and report.rejected == 0, report.rejections
    states = outbox_states(c.ctx)
    assert len(states) == 40 and {s for _, s in states} == {"applied"}
    assert sum(t == "points.earn" for t, _ in states) == 25
    for m in members:  # every member's balance at HQ is what the counter showed
        view = services.get_member(c.ctx, c.actor, m)
        phone = services.reveal_member(c.ctx, c.actor, m).phone
        assert hq_member(c.ctx, phone=phone)["points"] == shown[m], m
        assert view.points_shown == shown[m]
    assert services.superseded_earns(c.ctx, manager) == 10
    hq_cli(hq, "stats", "--json")
    (stats,) = json.loads(capsys.readouterr().out)
    assert stats["superseded_earns"] == 10 and stats["rejected_total"] == 0

    # Synced: the counter now computes with HQ's new rules and the member's new tier.
    assert services.get_member(c.ctx, c.actor, basic).tier == "gold"
    before = services.get_member(c.ctx, c.actor, basic).points_shown
    earned = services.earn_points(c.ctx, c.actor, basic, "R-new", clock(), SALE, CASH)
    sent = payload(c.ctx, earned.op_id)
    assert (sent["rules_version"], sent["tier"]) == (rules_version(document), "gold")
    assert sync_once(c.ctx).ok
    assert services.superseded_earns(c.ctx, manager) == 10
    phone = services.reveal_member(c.ctx, c.actor, basic).phone
    assert hq_member(c.ctx, phone=phone)["points"] == before + earned.points


def test_an_earn_names_the_rules_and_tier_it_was_computed_with(hq: HQ) -> None:
    hq.seed(3)
    c = hq.counter()
    # before the first sync the counter computes with the defaults, and says so
    offline = services.register_member(
        c.ctx, c.actor, services.MemberForm(name="周晓梅", phone="13700001111")
    )
    first = services.earn_points(c.ctx, c.actor, offline.id, "R-1", c.ctx.clock(), SALE, CASH)
    sent = payload(c.ctx, first.op_id)
    assert (sent["rules_version"], sent["tier"], sent["tier_seq"]) == (
        rules_version(DEFAULT_CONFIG),
        "basic",
        0,
    )
    assert sync_once(c.ctx).ok and services.counter_status(c.ctx).open_problems == 0
    member_id = sorted(set(cache_members(c.ctx)) - {offline.id})[0]
    member = services.get_member(c.ctx, c.actor, member_id)
    ((seen,),) = sql(c.ctx, "SELECT hq_seq FROM members WHERE id = ?", member_id)
    second = services.earn_points(c.ctx, c.actor, member_id, "R-2", c.ctx.clock(), SALE, CASH)
    sent = payload(c.ctx, second.op_id)
    assert (sent["tier"], sent["tier_seq"]) == (member.tier, seen) and seen > 0
    assert sent["rules_version"] == rules_version(DEFAULT_CONFIG)


def test_a_repointed_earn_names_the_tier_it_was_recomputed_with(hq: HQ) -> None:
    """The same person registered at two stores; HQ's member is silver by the time the
    second store's earn is re-pointed to it and recomputed for that tier."""
    a, b = hq.counter("S001"), hq.counter("S002")
    form = services.MemberForm(name="赵敏", phone="13612345678")
    assert sync_once(b.ctx).ok  # B's cache, before A registers the customer
    first = services.register_member(a.ctx, a.actor, form)
    assert sync_once(a.ctx).ok
    hq_cli(hq, "member", "tier", first.id, "silver")
    local = services.register_member(b.ctx, b.actor, form)
    earned = services.earn_points(b.ctx, b.actor, local.id, "B-1", b.ctx.clock(), SALE, CASH)
    report = sync_once(b.ctx)
    assert report.ok and report.repointed == 1
    ((new_id,),) = sql(
        b.ctx, "SELECT op_id FROM outbox WHERE type = 'points.earn' AND state = 'applied'"
    )
    sent = payload(b.ctx, new_id)
    assert (sent["member_id"], sent["tier"]) == (first.id, "silver")
    assert sent["points"] > earned.points  # silver earns more than the basic it was shown as
    assert hq_member(b.ctx, phone=form.phone)["points"] == sent["points"]
