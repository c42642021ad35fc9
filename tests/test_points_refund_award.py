"""Refunds (points.reverse) and activity points (points.award) at the counter (issue 15).

Real cache files, no HQ: each service writes its ledger entry, its cache rows and its one
outbox row (valid by the contract) in one transaction, or refuses with a typed error and
writes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Any

import pytest

from counter import contract, rules, services
from counter.codes import make_card_no
from counter.contract import parse_member_record
from counter.settings import Settings
from counter.sync.apply import apply_member_records

NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)  # not a member day, not a birthday
GOLD_ID = "01890a5d-ac96-774b-bcce-000000000001"
OTHER_ID = "01890a5d-ac96-774b-bcce-000000000002"


def hq_record(member_id: str, points: int, no: str, card: str) -> dict[str, Any]:
    return {
        "id": member_id, "seq": 7, "status": "active", "member_no": no, "name": "张小明",
        "gender": "M", "birthday": "1985-03-02", "phone": f"138123456{no[-2:]}",
        "tier": "gold", "points": points, "updated_at": "2026-11-01T00:00:00Z",
        "cards": [{"card_no": make_card_no(card), "status": "active"}],
    }  # fmt: skip


@pytest.fixture
def gold(ctx: services.ServiceContext) -> str:
    """A gold member with 100 points at HQ (and another member), cached as a sync does."""
    ctx.clock = lambda: NOW
    records = [
        hq_record(GOLD_ID, 100, "1000000001", "880000000000001"),
        hq_record(OTHER_ID, 0, "1000000002", "880000000000002"),
    ]
    with ctx.db.bulk() as s:
        apply_member_records(s, [parse_member_record(r) for r in records], ctx.cipher, NOW)
    return GOLD_ID


def rows(settings: Settings, query: str) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(settings.db_path)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def ops(settings: Settings, op_type: str) -> list[dict[str, Any]]:
    found = rows(settings, f"SELECT payload FROM outbox WHERE type = '{op_type}' ORDER BY seq")
    payloads = [json.loads(p) for (p,) in found]
    for p in payloads:
        assert contract.validate_payload(op_type, p) == p
    return payloads


def earn(ctx: services.ServiceContext, actor: services.Actor, receipt_no: str) -> int:
    # ¥300 of OTC and ¥200 of prescription drugs; insurance 250, cash 250: 250 eligible
    # yuan × gold 1.5 = 375 points on 25,000 fen of self-paid money.
    result = services.earn_points(
        ctx,
        actor,
        GOLD_ID,
        receipt_no,
        NOW,
        [services.SaleLine("otc", 30_000), services.SaleLine("prescription", 20_000)],
        [services.Tender("insurance_pooled", 25_000), services.Tender("cash", 25_000)],
    )
    assert result.points == 375
    return result.points


# ---------------------------------------------------------------- the rules


def test_refunds_take_back_in_proportion_and_add_up_to_the_whole() -> None:
    def back(refund: int, reversed_fen: int = 0, reversed_points: int = 0) -> int:
        return rules.reverse_points(
            points=375,
            self_paid_fen=25_000,
            reversed_fen=reversed_fen,
            reversed_points=reversed_points,
            refund_fen=refund,
        )

    assert back(10_000) == 150  # 40 % of the self-paid money: 40 % of the points
    assert back(3_333) == 49  # rounded down for the member
    # Three refunds of a third each take back exactly all of it, whatever the rounding.
    first = back(8_333)
    second = back(8_333, 8_333, first)
    third = back(8_334, 16_666, first + second)
    assert (first, second, third) == (124, 125, 126) and first + second + third == 375
    assert back(25_000) == 375 and back(99_999) == 375  # never more than the receipt earned
    assert back(1_000, 25_000, 375) == 0
    assert rules.reverse_points(
        points=0, self_paid_fen=0, reversed_fen=0, reversed_points=0, refund_fen=5
    ) == 0  # fmt: skip


def test_tier_progress_names_the_next_tier_and_what_is_left_to_spend() -> None:
    thresholds = {"silver": 100_000, "gold": 500_000}
    assert rules.tier_progress(thresholds, "silver", 468_000) == rules.TierProgress(
        "silver", "gold", 468_000, 32_000
    )  # "再消费 ¥320 升金卡"
    assert rules.tier_progress(thresholds, "basic", 0).remaining_fen == 100_000
    assert rules.tier_progress(thresholds, "basic", 150_000) == rules.TierProgress(
        "basic", "silver", 150_000, 0
    )  # already there: HQ decides at its next booking
    assert rules.tier_progress(thresholds, "gold", 900_000).next_tier is None
    assert rules.tier_progress({}, "basic", 10).next_tier is None
    assert [rules.tier_for_spend(thresholds, f) for f in (0, 99_999, 100_000, 500_000)] == [
        "basic", "basic", "silver", "gold",
    ]  # fmt: skip


def test_the_award_catalogue_comes_from_the_config() -> None:
    config = json.loads(json.dumps(rules.DEFAULT_CONFIG))
    config["points"]["award_reasons"] = [
        {"code": "walk", "name_zh": "健步走", "name_en": "Walk", "points": 10, "max_points": 30}
    ]
    reasons = rules.from_config(config).points.award_reasons
    assert reasons == {"walk": rules.AwardReason("walk", "健步走", "Walk", 10, 30, None)}
    assert "health_talk" in rules.from_config({}).points.award_reasons
    config["points"]["award_reasons"][0]["max_points"] = 5
    with pytest.raises(ValueError):
        rules.from_config(config)


# ---------------------------------------------------------------- refunds


def test_a_partial_then_full_refund_takes_the_receipts_points_back(
    ctx: services.ServiceContext, cashier: services.Actor, gold: str, settings: Settings
) -> None:
    earn(ctx, cashier, "R-1")
    preview = services.preview_reverse(ctx, cashier, gold, "R-1", 10_000)
    assert (preview.points, preview.refunded_fen, preview.full) == (150, 10_000, False)
    part = services.reverse_points(ctx, cashier, gold, "R-1", 10_000)
    assert (part.points, part.refunded_fen, part.full, part.below_zero) == (
        -150, 10_000, False, False
    )  # fmt: skip
    assert part.member.points_shown == 100 + 375 - 150
    assert (part.receipt.reversed_fen, part.receipt.reversed_points) == (10_000, 150)
    rest = services.reverse_points(ctx, cashier, gold, "R-1", None)
    assert (rest.points, rest.refunded_fen, rest.full) == (-225, 15_000, True)
    assert rest.member.points_shown == 100
    assert rest.receipt.fully_reversed and rest.receipt.remaining_points == 0
    assert rows(settings, "SELECT reversed_fen, reversed_points FROM receipts") == [(25_000, 375)]
    entries = rows(
        settings, "SELECT kind, delta, receipt_no, state FROM points_entries ORDER BY created_at"
    )
    assert sorted(entries) == sorted(
        [("earn", 375, "R-1", "pending"), ("reverse", -150, "R-1", "pending"),
         ("reverse", -225, "R-1", "pending")]
    )  # fmt: skip
    assert ops(settings, "points.reverse") == [
        {"member_id": gold, "receipt_no": "R-1", "refunded_fen": 10_000, "full": False,
         "points": 150},
        {"member_id": gold, "receipt_no": "R-1", "refunded_fen": 15_000, "full": True,
         "points": 225},
    ]  # fmt: skip
    audit = rows(settings, "SELECT action FROM audit_log WHERE action = 'points.reverse'")
    assert len(audit) == 2
    (view,) = services.member_receipts(ctx, cashier, gold)
    assert view == rest.receipt and services.get_receipt(ctx, cashier, "R-1") == view


def test_refund_refusals_are_typed_and_write_nothing(
    ctx: services.ServiceContext, cashier: services.Actor, gold: str, settings: Settings
) -> None:
    earn(ctx, cashier, "R-2")
    before = rows(settings, "SELECT count(*) FROM outbox")
    cases: list[tuple[str, str, int | None, type[services.ValidationError], str]] = [
        (gold, "R-404", None, services.ReceiptNotFound, "receipt_no"),
        (OTHER_ID, "R-2", None, services.ReceiptNotFound, "receipt_no"),
        (gold, "R-2", 25_001, services.RefundAboveRemaining, "refunded_self_paid_fen"),
        (gold, "R-2", 0, services.ValidationError, "refunded_self_paid_fen"),
    ]
    for member_id, receipt_no, fen, error, field in cases:
        with pytest.raises(error) as info:
            services.reverse_points(ctx, cashier, member_id, receipt_no, fen)
        assert info.value.field == field
    assert rows(settings, "SELECT count(*) FROM outbox") == before
    services.reverse_points(ctx, cashier, gold, "R-2", None)
    with pytest.raises(services.NothingToReverse) as nothing:
        services.reverse_points(ctx, cashier, gold, "R-2", None)
    assert nothing.value.code == "nothing_to_reverse"
    with pytest.raises(services.NothingToReverse):
        services.preview_reverse(ctx, cashier, gold, "R-2", 100)


def test_a_refund_after_the_points_were_spent_says_the_balance_went_below_zero(
    ctx: services.ServiceContext, cashier: services.Actor, gold: str
) -> None:
    earn(ctx, cashier, "R-3")
    services.redeem_points(ctx, cashier, gold, 400, "换购", online=True)
    result = services.reverse_points(ctx, cashier, gold, "R-3", None)
    assert result.below_zero and result.member.points_shown == 100 + 375 - 400 - 375


# ---------------------------------------------------------------- activity points


def test_a_cashier_may_not_award_activity_points(
    ctx: services.ServiceContext, cashier: services.Actor, gold: str, settings: Settings
) -> None:
    with pytest.raises(services.AwardNotAllowed) as info:
        services.award_points(ctx, cashier, gold, "health_talk", None, "")
    assert info.value.code == "award_not_allowed"
    assert rows(settings, "SELECT count(*) FROM outbox") == [(0,)]


def test_a_service_assistant_awards_from_the_catalogue_once_a_day(
    ctx: services.ServiceContext, service_actor: services.Actor, gold: str, settings: Settings
) -> None:
    reasons = {r.code: r for r in services.award_reasons(ctx)}
    assert reasons["health_talk"].points == 50 and reasons["health_talk"].daily_limit == 1
    result = services.award_points(ctx, service_actor, gold, "health_talk", None, " 高血压讲座 ")
    assert (result.points, result.member.points_shown) == (50, 150)
    with pytest.raises(services.ValidationError) as limit:
        services.award_points(ctx, service_actor, gold, "health_talk", None, "")
    assert (limit.value.field, limit.value.detail) == ("reason_code", "award_limit")
    ctx.clock = lambda: NOW + dt.timedelta(days=1)
    services.award_points(ctx, service_actor, gold, "health_talk", 50, "")
    (payload, _) = ops(settings, "points.award")
    assert payload == {
        "member_id": gold, "reason_code": "health_talk", "points": 50, "note": "高血压讲座",
        "rules_version": rules.rules_version(rules.DEFAULT_CONFIG),
    }  # fmt: skip
    assert rows(settings, "SELECT kind, delta FROM points_entries WHERE kind = 'award'") == [
        ("award", 50),
        ("award", 50),
    ]
    assert len(rows(settings, "SELECT id FROM audit_log WHERE action = 'points.award'")) == 2


@pytest.mark.parametrize(
    ("reason", "points", "error", "field"),
    [
        ("no_such_reason", None, services.UnknownAwardReason, "reason_code"),
        ("health_talk", 51, services.ValidationError, "points"),
        ("service_recovery", 0, services.ValidationError, "points"),
        ("service_recovery", 501, services.ValidationError, "points"),
    ],
)
def test_award_refusals_are_typed_and_write_nothing(
    ctx: services.ServiceContext,
    service_actor: services.Actor,
    gold: str,
    settings: Settings,
    reason: str,
    points: int | None,
    error: type[services.ValidationError],
    field: str,
) -> None:
    with pytest.raises(error) as info:
        services.award_points(ctx, service_actor, gold, reason, points, "")
    assert info.value.field == field
    assert rows(settings, "SELECT count(*) FROM outbox") == [(0,)]


def test_a_manager_awards_a_chosen_amount_up_to_the_reasons_most(
    ctx: services.ServiceContext, service_actor: services.Actor, gold: str, settings: Settings
) -> None:
    manager = services.create_operator(ctx, "陈刚", "manager", "3333")
    result = services.award_points(ctx, manager, gold, "service_recovery", 500, "药品缺货致歉")
    assert result.points == 500
    with pytest.raises(services.ValidationError) as info:
        services.award_points(ctx, manager, gold, "service_recovery", 1, "x" * 201)
    assert info.value.field == "note"


# ---------------------------------------------------------------- tier progress


def test_tier_progress_adds_this_counters_uncounted_spend_to_hqs(
    ctx: services.ServiceContext, cashier: services.Actor
) -> None:
    ctx.clock = lambda: NOW
    record = hq_record(GOLD_ID, 0, "1000000001", "880000000000001")
    record.update(tier="silver", tier_spend_fen=468_000)
    with ctx.db.bulk() as s:
        apply_member_records(s, [parse_member_record(record)], ctx.cipher, NOW)
    progress = services.member_tier_progress(ctx, cashier, GOLD_ID)
    assert progress == rules.TierProgress("silver", "gold", 468_000, 32_000)  # ¥320 to gold
    services.earn_points(
        ctx, cashier, GOLD_ID, "R-T", NOW, [services.SaleLine("otc", 12_000)],
        [services.Tender("insurance_personal", 2_000), services.Tender("cash", 10_000)],
    )  # fmt: skip
    assert services.member_tier_progress(ctx, cashier, GOLD_ID).remaining_fen == 22_000
    services.reverse_points(ctx, cashier, GOLD_ID, "R-T", 4_000)
    assert services.member_tier_progress(ctx, cashier, GOLD_ID).spend_fen == 474_000
