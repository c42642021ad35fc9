"""Refunds, activity points, referral points and tiers at HQ (issue 15, contract 1.1).

Plain HTTP to a real HQ on SQLite and PostgreSQL: what HQ books for ``points.reverse`` and
``points.award``, what it refuses (typed codes), the referrer's points when a referred
member registers, and the tier HQ decides from the 12-month self-paid spend.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from hqkit import HQEnv, Store
from sqlalchemy import select

from counter.rules import DEFAULT_CONFIG, rules_version
from hq.config import set_rules
from hq.models import PointsEntry, TierChange


def reverse(s: Store, member_id: str, receipt_no: str, fen: int, *, full: bool = False,
            points: int = 0, **envelope: Any) -> dict[str, Any]:  # fmt: skip
    return s.op(
        "points.reverse",
        {"member_id": member_id, "receipt_no": receipt_no, "refunded_fen": fen, "full": full,
         "points": points},
        **envelope,
    )  # fmt: skip


def award(s: Store, member_id: str, code: str, points: int, **envelope: Any) -> dict[str, Any]:
    payload = {"member_id": member_id, "reason_code": code, "points": points, "note": "讲座"}
    payload.update(envelope.pop("payload", {}))
    return s.op("points.award", payload, **envelope)


def ledger(env: HQEnv, member_id: str) -> list[tuple[Any, ...]]:
    with env.engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                select(PointsEntry.kind, PointsEntry.delta, PointsEntry.receipt_no,
                       PointsEntry.reason, PointsEntry.overdraft)
                .where(PointsEntry.member_id == member_id)
                .order_by(PointsEntry.id)
            )
        ]  # fmt: skip


def test_a_refund_takes_back_in_proportion_at_most_what_the_receipt_earned(
    fresh_env: HQEnv,
) -> None:
    s1, s2 = fresh_env.store("S1"), fresh_env.store("S2")
    member = s1.new_member()
    other = s1.new_member()
    s1.applied(s1.earn(member["id"], "R-1", 12_345))  # 123 points on 12,345 fen of cash
    part = s1.applied(reverse(s1, member["id"], "R-1", 5_000, points=49))
    assert (part["reversed_points"], part["refunded_fen"]) == (49, 5_000)  # 123 × 5000 // 12345
    assert part["entity"]["points"] == 123 - 49 and "below_zero" not in part
    # HQ books its own figure from the receipt, whatever the op says.
    rest = s1.applied(reverse(s1, member["id"], "R-1", 7_345, full=True, points=1))
    assert (rest["reversed_points"], rest["refunded_fen"]) == (74, 7_345)
    assert rest["entity"]["points"] == 0
    error = s1.rejected(reverse(s1, member["id"], "R-1", 1, full=True), "already_reversed")
    assert error["details"] == {"receipt_no": "R-1", "reversed_points": 123}
    s1.applied(s1.earn(member["id"], "R-2", 10_000))
    error = s1.rejected(reverse(s1, member["id"], "R-2", 10_001), "refund_above_remaining")
    assert error["details"] == {"receipt_no": "R-2", "remaining_fen": 10_000}
    s1.rejected(reverse(s1, member["id"], "R-404", 100), "receipt_not_found")
    s2.rejected(reverse(s2, member["id"], "R-2", 100), "receipt_not_found")  # another store's
    s1.rejected(reverse(s1, other["id"], "R-2", 100), "receipt_other_member")
    assert [(k, d, r) for k, d, r, _, _ in ledger(fresh_env, member["id"])] == [
        ("earn", 123, "R-1"), ("reverse", -49, "R-1"), ("reverse", -74, "R-1"),
        ("earn", 100, "R-2"),
    ]  # fmt: skip
    op = reverse(s1, member["id"], "R-2", 2_500, points=25)
    first = s1.applied(op)
    again = s1.one(op)
    assert again["replayed"] and again["reversed_points"] == first["reversed_points"] == 25


def test_a_refund_below_zero_is_booked_and_flagged(fresh_env: HQEnv) -> None:
    s1 = fresh_env.store("S1")
    member = s1.new_member()
    s1.applied(s1.earn(member["id"], "R-9", 12_345))
    s1.applied(s1.redeem(member["id"], 100))
    result = s1.applied(reverse(s1, member["id"], "R-9", 12_345, full=True, points=123))
    assert result["below_zero"] is True and result["balance"] == 23 - 123
    assert result["entity"]["points"] == -100
    assert result["review"]["code"] == "reverse_below_zero"
    assert result["review"]["details"] == {"receipt_no": "R-9", "points": 123, "balance": -100}
    assert ledger(fresh_env, member["id"])[-1] == ("reverse", -123, "R-9", None, True)


def test_activity_points_follow_the_catalogue_of_the_named_rules(fresh_env: HQEnv) -> None:
    s1, s2 = fresh_env.store("S1"), fresh_env.store("S2")
    member = s1.new_member()
    version = s1.get("/v1/config").json()["rules_version"]
    named = {"payload": {"rules_version": version}}
    assert s1.applied(award(s1, member["id"], "health_talk", 50, **named))["entity"]["points"] == 50
    # health_talk: once a day per member, at any store (China time of the op).
    s2.rejected(award(s2, member["id"], "health_talk", 50), "award_limit_reached")
    s2.applied(award(s2, member["id"], "health_talk", 50, created_at="2026-11-20T17:00:00Z"))
    error = s1.rejected(award(s1, member["id"], "service_recovery", 501), "award_points_range")
    assert error["details"] == {"max_points": 500, "expected": 50}
    s1.rejected(award(s1, member["id"], "lottery", 5), "unknown_award_reason")
    s1.rejected(
        award(s1, member["id"], "survey", 20, payload={"rules_version": "a" * 64}),
        "unknown_rules_version",
    )
    # A reason HQ's current rules dropped is still honoured under the version named.
    document = copy.deepcopy(DEFAULT_CONFIG)
    document["points"]["award_reasons"] = []
    with fresh_env.engine.begin() as conn:
        set_rules(conn, document)
    s1.applied(award(s1, member["id"], "survey", 20, **named))
    s1.rejected(award(s1, member["id"], "survey", 20), "unknown_award_reason")
    assert [(k, d, r) for k, d, _, r, _ in ledger(fresh_env, member["id"])] == [
        ("award", 50, "health_talk"), ("award", 50, "health_talk"), ("award", 20, "survey"),
    ]  # fmt: skip


def test_the_referrer_earns_points_once_when_the_referred_member_registers(
    fresh_env: HQEnv,
) -> None:
    s1 = fresh_env.store("S1")
    referrer = s1.new_member()
    op = s1.register(referrer_id=referrer["id"])
    s1.applied(op)
    assert s1.one(op)["replayed"] is True
    assert ledger(fresh_env, referrer["id"]) == [("referral", 100, None, "referral", False)]
    feed = s1.get("/v1/members/changes").json()["items"]
    latest = {r["id"]: r for r in feed}[referrer["id"]]
    assert latest["points"] == 100 and latest["seq"] > referrer["seq"]


def test_hq_decides_the_tier_from_the_12_month_self_paid_spend(fresh_env: HQEnv) -> None:
    document = copy.deepcopy(DEFAULT_CONFIG)
    document["points"]["tier_thresholds_fen"] = {"silver": 100_000, "gold": 500_000}
    with fresh_env.engine.begin() as conn:
        set_rules(conn, document)
    s1 = fresh_env.store("S1")
    member = s1.new_member()
    sold = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).isoformat().replace("+00:00", "Z")
    old = (dt.datetime.now(dt.UTC) - dt.timedelta(days=400)).isoformat().replace("+00:00", "Z")
    named = {"rules_version": rules_version(document), "tier": "basic", "tier_seq": member["seq"]}

    def earn(receipt: str, fen: int, at: str, points: int) -> dict[str, Any]:
        op = s1.earn(member["id"], receipt, fen, sold_at=at, points=points)
        op["payload"].update(named)
        return s1.applied(op)

    assert earn("T-0", 200_000, old, 2_000)["entity"]["tier"] == "basic"  # over a year ago
    assert earn("T-1", 60_000, sold, 600)["entity"]["tier"] == "basic"
    upgraded = earn("T-2", 50_000, sold, 500)  # ¥1,100 in 12 months: silver
    assert upgraded["entity"]["tier"] == "silver"
    assert upgraded["entity"]["tier_spend_fen"] == 110_000  # the old receipt left out
    # An earn the counter computed with the old tier (its copy predates the upgrade) is booked.
    assert earn("T-3", 1_000, sold, 10)["entity"]["tier"] == "silver"
    # A refund that takes the spend below the threshold lowers the tier again.
    lowered = s1.applied(reverse(s1, member["id"], "T-2", 50_000, full=True, points=500))
    assert lowered["entity"]["tier"] == "basic"
    assert lowered["entity"]["tier_spend_fen"] == 61_000
    with fresh_env.engine.connect() as conn:
        changes = conn.execute(
            select(TierChange.tier_from, TierChange.tier_to, TierChange.seq)
            .where(TierChange.member_id == member["id"])
            .order_by(TierChange.seq)
        ).all()
    assert [(a, b) for a, b, _ in changes] == [("basic", "silver"), ("silver", "basic")]
    assert changes[0][2] == upgraded["seq"] and changes[1][2] == lowered["seq"]
