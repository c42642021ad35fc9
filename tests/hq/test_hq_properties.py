"""Property checks over real HTTP: random earn/redeem sequences against a model of the
balance, with retries mixed in; balance, ledger and expiring points always agree."""

from __future__ import annotations

import uuid
from typing import Any

from hqkit import HQEnv
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from counter.contract import parse_member_record
from hq.models import PointsEntry

# (kind, amount, flag): earn (fen, year of the sale), redeem (points, offline?)
Step = tuple[str, int, bool]
steps = st.lists(
    st.one_of(
        st.tuples(st.just("earn"), st.integers(0, 50_000), st.booleans()),
        st.tuples(st.just("redeem"), st.integers(1, 400), st.booleans()),
        st.tuples(st.just("replay"), st.integers(0, 30), st.booleans()),
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps, batch_size=st.integers(1, 10))
def test_balance_is_the_ledger_sum_whatever_the_sequence(
    hq_env: HQEnv, steps: list[Step], batch_size: int
) -> None:
    s1 = hq_env.store("S1")
    member = s1.new_member()
    mid = member["id"]
    ops: list[dict[str, Any]] = []
    expected: list[tuple[str, str | None]] = []
    balance = 0
    for kind, amount, flag in steps:
        if kind == "replay":
            if not ops:
                continue
            earlier = amount % len(ops)
            ops.append(ops[earlier])
            expected.append(expected[earlier])
            continue
        if kind == "earn":
            sold_at = "2025-06-02T03:00:00Z" if flag else "2026-11-02T03:00:00Z"
            op = s1.earn(mid, f"P-{uuid.uuid4()}", amount, sold_at=sold_at)
            balance += op["payload"]["points"]
            expected.append(("applied", None))
        else:
            op = s1.redeem(mid, amount, offline=flag)
            if flag or amount <= balance:
                balance -= amount
                expected.append(("applied", None))
            else:
                expected.append(("rejected", "insufficient_points"))
        ops.append(op)
    results: list[dict[str, Any]] = []
    for start in range(0, len(ops), batch_size):
        results.extend(s1.push(*ops[start : start + batch_size]))
    got = [(r["status"], r.get("error", {}).get("code")) for r in results]
    assert got == expected
    seen: set[str] = set()
    for op, result in zip(ops, results, strict=True):
        assert result["replayed"] is (op["op_id"] in seen)
        seen.add(op["op_id"])
    record = parse_member_record(
        s1.get("/v1/members/lookup", phone=member["phone"]).json()["member"]
    )
    with hq_env.engine.connect() as conn:
        ledger_sum = conn.scalar(
            select(func.coalesce(func.sum(PointsEntry.delta), 0)).where(
                PointsEntry.member_id == mid
            )
        )
        entries = conn.scalar(
            select(func.count()).select_from(PointsEntry).where(PointsEntry.member_id == mid)
        )
    assert record["points"] == ledger_sum == balance
    applied_once = {
        op["op_id"] for op, (status, _) in zip(ops, expected, strict=True) if status == "applied"
    }
    assert entries == len(applied_once)  # replays booked nothing
    expiring = record["points_expiring"]
    assert sum(e["points"] for e in expiring) == max(0, balance)
    assert [e["expires_on"] for e in expiring] == sorted({e["expires_on"] for e in expiring})
    assert {e["expires_on"] for e in expiring} <= {"2026-12-31", "2027-12-31"}
