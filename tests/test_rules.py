"""Points rules: properties over arbitrary sales, and the examples of DESIGN §5."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter.contract import SELF_PAID_TENDERS, TENDER_KINDS
from counter.rules import (
    DEFAULT_CONFIG,
    PointsRules,
    earn_points,
    eligible_fen,
    expiry_of,
    from_config,
    promo_multiplier,
)

RULES = PointsRules()
AT = dt.datetime(2026, 11, 20, 4, tzinfo=dt.UTC)  # the 20th: no member day

lines_st = st.lists(
    st.fixed_dictionaries(
        {
            "category": st.sampled_from(["otc", "prescription", "health_food", "device"]),
            "amount_fen": st.integers(0, 500_000),
        }
    ),
    min_size=1,
    max_size=6,
)


@st.composite
def sales(draw: st.DrawFn) -> tuple[list[dict], list[dict]]:
    lines = draw(lines_st)
    total = sum(line["amount_fen"] for line in lines)
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=0, max_size=3)))
    bounds = [0, *cuts, total]
    tenders = [
        {"kind": draw(st.sampled_from(TENDER_KINDS)), "amount_fen": b - a}
        for a, b in itertools.pairwise(bounds)
    ]
    return lines, tenders


@given(sales())
def test_insurance_and_excluded_lines_never_earn(sale: tuple[list[dict], list[dict]]) -> None:
    lines, tenders = sale
    fen = eligible_fen(lines, tenders, RULES.excluded_categories)
    self_paid = sum(t["amount_fen"] for t in tenders if t["kind"] in SELF_PAID_TENDERS)
    not_excluded = sum(line["amount_fen"] for line in lines if line["category"] != "prescription")
    assert 0 <= fen <= min(self_paid, not_excluded)
    if self_paid == 0:
        assert (
            earn_points(RULES, lines=lines, tenders=tenders, tier="gold", birthday=None, sold_at=AT)
            == 0
        )


@given(sales(), st.sampled_from(["basic", "silver", "gold"]))
def test_points_are_whole_eligible_yuan_times_tier(
    sale: tuple[list[dict], list[dict]], tier: str
) -> None:
    lines, tenders = sale
    points = earn_points(RULES, lines=lines, tenders=tenders, tier=tier, birthday=None, sold_at=AT)
    yuan = eligible_fen(lines, tenders, RULES.excluded_categories) // 100
    assert points == int(yuan * RULES.tier_multipliers[tier])


@given(st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)), st.none() | st.dates())
def test_promotions_never_stack_beyond_the_maximum(day: dt.date, birthday: dt.date | None) -> None:
    m = promo_multiplier(RULES, day, birthday)
    assert Decimal(1) <= m <= RULES.max_promo_multiplier


def test_design_examples() -> None:
    cash = [{"kind": "cash", "amount_fen": 9999}]
    otc = [{"category": "otc", "amount_fen": 9999}]
    assert (
        earn_points(RULES, lines=otc, tenders=cash, tier="basic", birthday=None, sold_at=AT) == 99
    )
    assert (
        earn_points(RULES, lines=otc, tenders=cash, tier="silver", birthday=None, sold_at=AT) == 118
    )
    member_day = dt.datetime(2026, 11, 8, 2, tzinfo=dt.UTC)
    assert (
        earn_points(RULES, lines=otc, tenders=cash, tier="basic", birthday=None, sold_at=member_day)
        == 198
    )
    # member day and birthday month together: still ×2, not ×4
    assert (
        earn_points(
            RULES,
            lines=otc,
            tenders=cash,
            tier="basic",
            birthday=dt.date(1990, 11, 30),
            sold_at=member_day,
        )
        == 198
    )
    # 23:30 on the 7th UTC is 07:30 on the 8th in the store: member day there
    late = dt.datetime(2026, 11, 7, 23, 30, tzinfo=dt.UTC)
    assert (
        earn_points(RULES, lines=otc, tenders=cash, tier="basic", birthday=None, sold_at=late)
        == 198
    )
    insured = [{"kind": "insurance_pooled", "amount_fen": 9999}]
    assert (
        earn_points(RULES, lines=otc, tenders=insured, tier="gold", birthday=None, sold_at=AT) == 0
    )
    assert expiry_of(dt.date(2025, 3, 1)) == dt.date(2026, 12, 31)


def test_config_round_trip_gives_the_defaults() -> None:
    rules = from_config(DEFAULT_CONFIG)
    assert rules.points == RULES
    assert rules.complaint_due_hours["urgent"] == 4
    assert from_config({}).points == RULES


# ---- rules versions and what an earn names (docs/points.md)


def test_a_rules_version_names_the_rules_alone() -> None:
    from counter.rules import rules_version

    served = {**DEFAULT_CONFIG, "version": "x", "rules_version": "y", "qr_keys": {"1": "k"}}
    assert rules_version(served) == rules_version(DEFAULT_CONFIG)  # keys are not rules
    changed = json.loads(json.dumps(DEFAULT_CONFIG))
    changed["points"]["yuan_per_point"] = 2
    assert rules_version(changed) != rules_version(DEFAULT_CONFIG)
    assert len(rules_version(changed)) == 64


def test_an_earn_may_name_its_rules_version_and_tier() -> None:
    from counter.contract import ContractError, validate_payload
    from counter.rules import rules_version

    sale = {
        "member_id": "0193a000-0000-7000-8000-000000000001",
        "receipt_no": "R-1",
        "sold_at": "2026-11-02T03:00:00.000000Z",
        "lines": [{"category": "otc", "amount_fen": 100}],
        "tenders": [{"kind": "cash", "amount_fen": 100}],
        "points": 1,
    }
    assert set(validate_payload("points.earn", sale)) == set(sale)  # 1.0: nothing added
    named = {**sale, "rules_version": rules_version(DEFAULT_CONFIG), "tier": "gold", "tier_seq": 7}
    assert validate_payload("points.earn", named) == named
    for key, bad in (("rules_version", "v2"), ("tier", "platinum"), ("tier_seq", -1)):
        with pytest.raises(ContractError) as refused:
            validate_payload("points.earn", {**named, key: bad})
        assert (refused.value.code, refused.value.details["field"]) == ("invalid_field", key)
