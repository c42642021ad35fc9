"""Two stores register the same person offline: HQ keeps one member, nothing is lost."""

from __future__ import annotations

from sync_helpers import (
    HQ,
    as_cached,
    cache_members,
    hq_member,
    hq_members,
    outbox_states,
    payload,
    sql,
)

from counter import services
from counter.codes import make_card_no
from counter.sync.engine import sync_once

PHONE = "13612345678"
SALE = [services.SaleLine("otc", 20_000), services.SaleLine("prescription", 5_000)]
TENDERS = [services.Tender("insurance_pooled", 5_000), services.Tender("mobile_pay", 20_000)]


def test_the_second_registration_is_repointed_to_hqs_member(hq: HQ) -> None:
    hq.seed(3)
    a, b = hq.counter("S001"), hq.counter("S002")
    manager = services.create_operator(b.ctx, "陈刚", "manager", "3333")
    assert sync_once(a.ctx).ok and sync_once(b.ctx).ok

    # Both stores are offline and register the same person.
    first = services.register_member(a.ctx, a.actor, services.MemberForm("赵敏", PHONE))
    a_earn = services.earn_points(a.ctx, a.actor, first.id, "A-1", a.ctx.clock(), SALE, TENDERS)
    card = make_card_no("886000000000777")
    local = services.register_member(
        b.ctx, b.actor, services.MemberForm("赵敏", PHONE, card_no=card)
    )
    b_earn = services.earn_points(b.ctx, b.actor, local.id, "B-1", b.ctx.clock(), SALE, TENDERS)
    services.record_consent(b.ctx, b.actor, local.id, granted=True)
    services.record_health(b.ctx, b.actor, local.id, ["青霉素"], [], [])
    complaint = services.create_complaint(
        b.ctx,
        b.actor,
        member_id=local.id,
        category="service_attitude",
        severity="low",
        channel="counter",
        description="态度冷淡",
    )
    services.redeem_points(b.ctx, b.actor, local.id, 50, "换购", online=False)
    assert services.get_member(b.ctx, b.actor, local.id).points_shown == b_earn.points - 50

    # A syncs first: its member is HQ's. Then B: its registration is refused.
    assert sync_once(a.ctx).ok
    report = sync_once(b.ctx)
    assert report.ok, report.errors
    # earn, consent, health record, complaint, redemption.
    assert report.repointed == 5

    at_hq = hq_member(b.ctx, phone=PHONE)
    assert at_hq["id"] == first.id
    assert at_hq["points"] == a_earn.points + b_earn.points - 50
    assert card in {c["card_no"] for c in at_hq["cards"]}
    assert at_hq["health"] == {"allergies": ["青霉素"], "chronic": [], "medicines": []}
    phones = [r for r in hq_members(b.ctx).values() if r.get("phone") == PHONE]
    assert len(phones) == 1

    # The counter shows HQ's member, with everything B did, and says what happened.
    found = services.lookup(b.ctx, b.actor, PHONE)
    assert found.member is not None and found.member.id == first.id
    assert found.member.points_shown == at_hq["points"] and found.member.pending_points == 0
    assert found.member.allergies == ("青霉素",)
    assert services.lookup(b.ctx, b.actor, card).member is not None
    assert services.get_complaint(b.ctx, b.actor, complaint.id).member_id == first.id
    assert sql(b.ctx, "SELECT status, merged_into FROM members WHERE id = ?", local.id) == [
        ("merged", first.id)
    ]
    (problem,) = services.list_problems(b.ctx, manager)
    assert (problem.code, problem.op_type) == ("phone_registered", "member.register")
    moved = problem.details["repointed"]
    assert (moved["from"], moved["to"]) == (local.id, first.id)
    assert len(moved["ops"]) == 5 and moved["card_bind"]
    for pair in moved["ops"]:
        old = payload(b.ctx, pair["old"])
        new = payload(b.ctx, pair["new"])
        assert new.get("member_id", first.id) == first.id
        if "health" in old.get("changes", {}):
            # Never sent again: the superseded copy loses its health, the new op carries it.
            assert old["changes"]["health"] is None
            assert new["changes"]["health"]["allergies"] == ["青霉素"]
            old["changes"] = new["changes"]
        # an earn also names HQ's member's copy it was recomputed with (docs/points.md)
        moved_keys = ("member_id", "tier_seq")
        assert {k: v for k, v in old.items() if k not in moved_keys} == {
            k: v for k, v in new.items() if k not in moved_keys
        }
    states = outbox_states(b.ctx)
    assert [s for _, s in states[:6]] == [
        "rejected",  # member.register: phone_registered, kept in the problems list
        "superseded",  # points.earn
        "superseded",  # member.consent
        "superseded",  # member.update (health)
        "superseded",  # complaint.create: member_not_found at HQ, re-pointed
        "superseded",  # points.redeem
    ]
    assert states[6:] == [
        ("points.earn", "applied"),
        ("member.consent", "applied"),
        ("member.update", "applied"),
        ("complaint.create", "applied"),
        ("points.redeem", "applied"),
        ("card.bind", "applied"),
    ]
    # the receipt's cache row follows its earn to HQ's member, with the recomputed points
    assert sql(b.ctx, "SELECT receipt_no, member_id, points FROM receipts") == [
        ("B-1", first.id, payload(b.ctx, moved["ops"][0]["new"])["points"])
    ]
    assert "sync.repoint" in [r[0] for r in sql(b.ctx, "SELECT action FROM audit_log")]
    assert cache_members(a.ctx) != {}  # (A is left to its next sync)
    assert sync_once(a.ctx).ok
    assert cache_members(b.ctx) == cache_members(a.ctx) == as_cached(hq_members(b.ctx))


def test_a_refund_of_a_repointed_sale_takes_back_its_share_of_the_recomputed_points(
    hq: HQ,
) -> None:
    """The sale is recomputed for HQ's member (its tier), and so is its refund."""
    import sqlite3

    a, b = hq.counter("S001"), hq.counter("S002")
    first = services.register_member(a.ctx, a.actor, services.MemberForm("赵敏", PHONE))
    local = services.register_member(b.ctx, b.actor, services.MemberForm("赵敏", PHONE))
    con = sqlite3.connect(b.ctx.db.path)
    with con:  # B's copy of its own member says gold (HQ's member is basic)
        con.execute("UPDATE members SET tier = 'gold' WHERE id = ?", (local.id,))
    con.close()
    earned = services.earn_points(b.ctx, b.actor, local.id, "B-9", b.ctx.clock(), SALE, TENDERS)
    assert earned.points == 300  # ¥200 eligible × gold 1.5
    refund = services.reverse_points(b.ctx, b.actor, local.id, "B-9", 5_000)
    assert refund.points == -75  # a quarter of the self-paid money
    assert sync_once(a.ctx).ok
    assert sync_once(b.ctx).ok
    # Recomputed for HQ's (basic) member: 200 points, of which the refund takes a quarter.
    at_hq = hq_member(b.ctx, phone=PHONE)
    assert at_hq["id"] == first.id and at_hq["points"] == 200 - 50
    assert sql(b.ctx, "SELECT points, reversed_fen, reversed_points FROM receipts") == [
        (200, 5_000, 50)
    ]
    view = services.get_member(b.ctx, b.actor, first.id)
    assert (view.points_shown, view.pending_points) == (150, 0)
