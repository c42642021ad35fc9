"""Offline redemptions beyond the daily cap: booked, flagged for review (issue 8 item 6).

DESIGN §5: HQ books every offline redemption the counter made (the goods were handed over)
but flags each one beyond the daily cap (per member, per store, per store day), and
``hq stats`` shows them. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hqkit import HQEnv
from sqlalchemy import select

from hq.cli import main
from hq.models import PointsEntry
from hq.stats import format_table, store_stats

DAY = "2026-11-20T0{}:00:00Z"  # China time 10:00 … 17:00, one day


def redemptions(env: HQEnv, member_id: str) -> list[Any]:
    with env.engine.connect() as conn:
        return list(
            conn.execute(
                select(PointsEntry.delta, PointsEntry.over_cap, PointsEntry.overdraft)
                .where(PointsEntry.member_id == member_id, PointsEntry.kind == "redeem")
                .order_by(PointsEntry.id)
            )
        )


def test_ten_offline_redemptions_of_400_are_all_booked_and_nine_flagged(
    fresh_env: HQEnv, capsys: pytest.CaptureFixture[str]
) -> None:
    s1 = fresh_env.store("S1")
    member = s1.new_member()
    s1.applied(s1.earn(member["id"], "R-cap-1", 163_200))  # 1,632 points
    ops = [
        s1.redeem(member["id"], 400, offline=True, created_at=DAY.format(i % 8 + 1))
        for i in range(10)
    ]
    results = s1.push(*ops)
    assert [r["status"] for r in results] == ["applied"] * 10
    assert "review" not in results[0]  # 400 of 500: within the cap
    for i, result in enumerate(results[1:], start=2):
        review = result["review"]
        assert review["code"] == "offline_cap_exceeded"
        assert review["details"] == {"day": "2026-11-20", "cap": 500, "redeemed_that_day": 400 * i}
    assert results[-1]["entity"]["points"] == 1632 - 4000  # booked: the balance is overdrawn
    assert [(d, c) for d, c, _ in redemptions(fresh_env, member["id"])] == [(-400, False)] + [
        (-400, True)
    ] * 9
    # A replay answers the same, review included.
    assert [r.get("review") for r in s1.push(*ops)] == [r.get("review") for r in results]

    with fresh_env.engine.connect() as conn:
        (s1_stats,) = [s for s in store_stats(conn) if s.code == "S1"]
    assert s1_stats.flagged == {"offline_cap_exceeded": 9, "overdraft": 6}
    assert "flagged for review: offline_cap_exceeded 9, overdraft 6" in format_table([s1_stats])
    assert main(["stats", "--db", fresh_env.db_url]) == 0
    assert "flagged for review: offline_cap_exceeded 9" in capsys.readouterr().out
    assert main(["stats", "--json", "--db", fresh_env.db_url]) == 0
    shown = {s["code"]: s for s in json.loads(capsys.readouterr().out)}
    assert shown["S1"]["flagged"] == {"offline_cap_exceeded": 9, "overdraft": 6}


def test_the_cap_is_per_store_per_day_and_only_offline(hq_env: HQEnv) -> None:
    s1, s2 = hq_env.store("S1"), hq_env.store("S2")
    member = s1.new_member()
    mid = member["id"]
    s1.applied(s1.earn(mid, "R-cap-2", 500_000))
    first = s1.push(
        s1.redeem(mid, 300, offline=True, created_at="2026-11-20T15:59:00Z"),  # 23:59 China
        s1.redeem(mid, 300, offline=True, created_at="2026-11-20T16:00:00Z"),  # the next day
        s1.redeem(mid, 1_000, offline=False, created_at="2026-11-20T17:00:00Z"),  # online
    )
    assert [r.get("review") for r in first] == [None] * 3
    other_store = s2.one(s2.redeem(mid, 300, offline=True, created_at="2026-11-20T18:00:00Z"))
    assert "review" not in other_store
    within = s1.one(s1.redeem(mid, 200, offline=True, created_at="2026-11-20T23:00:00Z"))
    assert "review" not in within  # 300 + 200 at S1 on the 21st: the cap, not beyond
    over = s1.one(s1.redeem(mid, 1, offline=True, created_at="2026-11-21T01:00:00Z"))
    assert over["review"]["details"] == {"day": "2026-11-21", "cap": 500, "redeemed_that_day": 501}
