"""HQ keeps members' health sealed in its tables, on SQLite and PostgreSQL alike.

The raw-bytes proof on SQLite is ``tests/test_hq_health_at_rest.py``; here the column
values themselves are read back (what a copy of a PostgreSQL database would show), while
the answers and the feed still carry the health opened.
"""

from __future__ import annotations

from typing import Any

from hqkit import SOLD_AT, HQEnv
from sqlalchemy import text

ALLERGY = "蜂毒PGZXALLERGEN"
CHRONIC = "PGZYCHRONIC罕见病"


def test_health_columns_hold_no_clear_text(fresh_env: HQEnv) -> None:
    store = fresh_env.store("S1")
    mid = store.new_member()["id"]
    store.applied(
        store.op(
            "member.consent",
            {"member_id": mid, "purpose": "health", "granted": True, "recorded_at": SOLD_AT},
        )
    )
    health = {"allergies": [ALLERGY], "chronic": [CHRONIC], "medicines": []}
    op = store.op("member.update", {"member_id": mid, "changes": {"health": health}})
    first = store.applied(op)
    assert first["entity"]["health"] == health
    again = store.one(op)  # a re-send: answered from the stored, sealed outcome
    assert again["replayed"] and again["entity"]["health"] == health
    feed = store.get("/v1/members/changes", limit=100).json()["items"]
    assert [m["health"] for m in feed if m["id"] == mid] == [health]

    with fresh_env.engine.connect() as conn:
        values: list[Any] = list(
            conn.execute(
                text("SELECT health, record FROM members WHERE id = :id"), {"id": mid}
            ).one()
        )
        values += conn.execute(text("SELECT result FROM ops")).scalars().all()
    assert values[0].startswith(f"member:{mid}:")
    for value in values:
        assert ALLERGY not in value and CHRONIC not in value, value
