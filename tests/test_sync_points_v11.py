"""Refunds and activity points through a real sync with the real HQ (issue 15, contract 1.1).

Booked offline at the counter, pushed, applied by HQ: the balance HQ holds is what the
counter showed, the cached entries become applied, and an HQ that does not know the new
op types (older than 1.1) answers ``unknown_op_type``, which lands in the problems list.
"""

from __future__ import annotations

import pytest
from sync_helpers import HQ, hq_member, outbox_states, sql

from counter import contract, services
from counter.sync.engine import sync_once

PHONE = "13900001111"
SALE = [services.SaleLine("otc", 30_000), services.SaleLine("prescription", 20_000)]
TENDERS = [services.Tender("insurance_pooled", 25_000), services.Tender("cash", 25_000)]


def test_refund_and_activity_points_reach_hq_as_the_counter_showed_them(hq: HQ) -> None:
    c = hq.counter()
    member = services.register_member(c.ctx, c.actor, services.MemberForm("赵敏", PHONE))
    clock = c.ctx.clock
    earned = services.earn_points(c.ctx, c.actor, member.id, "V-1", clock(), SALE, TENDERS)
    part = services.reverse_points(c.ctx, c.actor, member.id, "V-1", 10_000)
    awarded = services.award_points(c.ctx, c.actor, member.id, "survey", None, "")
    shown = awarded.member.points_shown
    assert shown == earned.points + part.points + awarded.points
    report = sync_once(c.ctx)
    assert report.ok, report.errors
    at_hq = hq_member(c.ctx, phone=PHONE)
    assert at_hq["points"] == shown
    assert [s for _, s in outbox_states(c.ctx)] == ["applied"] * 4
    assert sql(c.ctx, "SELECT kind, state FROM points_entries ORDER BY kind") == [
        ("award", "applied"), ("earn", "applied"), ("reverse", "applied"),
    ]  # fmt: skip
    view = services.get_member(c.ctx, c.actor, member.id)
    assert (view.hq_points, view.pending_points) == (shown, 0)
    # HQ's 12-month spend came with the record: 25,000 of cash less 10,000 refunded
    progress = services.member_tier_progress(c.ctx, c.actor, member.id)
    assert (progress.spend_fen, progress.next_tier, progress.remaining_fen) == (
        15_000, "silver", 85_000
    )  # fmt: skip
    # the rest of the receipt, after the sync: HQ takes back exactly what is left
    rest = services.reverse_points(c.ctx, c.actor, member.id, "V-1", None)
    assert sync_once(c.ctx).ok
    assert hq_member(c.ctx, phone=PHONE)["points"] == shown + rest.points == awarded.points


def test_an_hq_older_than_the_new_ops_puts_them_in_the_problems_list(
    hq: HQ, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = hq.counter()
    manager = services.create_operator(c.ctx, "陈刚", "manager", "3333")
    member = services.register_member(c.ctx, c.actor, services.MemberForm("赵敏", PHONE))
    services.award_points(c.ctx, c.actor, member.id, "survey", None, "")
    # HQ (in this process) forgets the 1.1 op types, as an HQ of contract 1.0 would.
    monkeypatch.delitem(contract.VALIDATORS, "points.award")
    report = sync_once(c.ctx)
    assert report.ok, report.errors
    (problem,) = services.list_problems(c.ctx, manager)
    assert (problem.code, problem.op_type) == ("unknown_op_type", "points.award")
    assert sql(c.ctx, "SELECT kind, state FROM points_entries") == [("award", "rejected")]
    assert services.get_member(c.ctx, c.actor, member.id).points_shown == 0
