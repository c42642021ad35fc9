"""One op's data never fails its batch (issue 8 item 2), on SQLite and PostgreSQL.

NUL, other control characters, lone surrogates and bidi overrides in any text field are
refused per op as ``invalid_field`` by the shared contract; the good ops of the same batch
are applied, and a retry answers the same rejection. An error HQ did not foresee inside an
op's savepoint (a value the database refuses, a bug in a handler) rejects that op as
``op_failed`` and the batch goes on: HQ never answers 500 for one op's data.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from hqkit import HQEnv, Store, new_phone
from sqlalchemy import select

from counter import contract
from hq import ops as hq_ops
from hq.models import Member, StoredOp

BAD_TEXTS = {
    "nul": "张\x00三",
    "control": "张\x1b[31m三",
    "del": "张\x7f三",
    "c1": "张\x85三",
    "surrogate": "张\ud800三",
    "bidi_override": "张\u202e三",
    "bidi_isolate": "张\u2066三",
    "tab_in_a_line": "张\t三",
}


def poisoned_ops(
    s1: Store, member_id: str, complaint_id: str, bad: str
) -> list[tuple[str, dict[str, Any]]]:
    """(field, op): one op per text field, each with ``bad`` in that field."""
    followup = {"at": "2026-11-21T02:00:00Z", "note": bad, "satisfaction": 4}
    return [
        ("name", s1.register(name=bad)),
        ("address", s1.register(address=bad)),
        ("education", s1.register(education=bad)),
        ("name", s1.op("member.update", {"member_id": member_id, "changes": {"name": bad}})),
        (
            "allergies",
            s1.op(
                "member.update",
                {"member_id": member_id, "changes": {"health": {"allergies": [bad]}}},
            ),
        ),
        ("receipt_no", s1.earn(member_id, bad, 1_000)),
        ("category", s1.earn(member_id, f"R-{uuid.uuid4()}", 1_000, category=bad)),
        (
            "reason",
            s1.op(
                "points.redeem",
                {"member_id": member_id, "points": 1, "reason": bad, "offline": True},
            ),
        ),
        ("customer_name", s1.complaint(customer_name=bad)),
        ("description", s1.complaint(description=bad)),
        ("wants", s1.complaint(wants=bad)),
        ("note", s1.complaint_update(complaint_id, note=bad)),
        ("note", s1.complaint_update(complaint_id, followup=followup)),
        (
            "operator_id",
            s1.op("points.redeem", {"member_id": member_id, "points": 1}, operator_id=bad),
        ),
    ]


@pytest.mark.parametrize("kind", sorted(BAD_TEXTS))
def test_bad_text_in_any_field_is_invalid_field_and_the_batch_goes_on(
    hq_env: HQEnv, kind: str
) -> None:
    bad = BAD_TEXTS[kind]
    s1 = hq_env.store("S1")
    member = s1.new_member()
    complaint = s1.complaint()
    s1.applied(complaint)
    good_before = s1.earn(member["id"], f"R-{uuid.uuid4()}", 2_000)
    fields_ops = poisoned_ops(s1, member["id"], complaint["payload"]["complaint_id"], bad)
    poisoned = [op for _, op in fields_ops]
    good_after = s1.register(name="李四")
    results = s1.push(good_before, *poisoned, good_after)
    assert results[0]["status"] == "applied" and results[-1]["status"] == "applied"
    for (field, op), result in zip(fields_ops, results[1:-1], strict=True):
        if kind == "tab_in_a_line" and field in contract.MULTILINE_FIELDS:
            assert result["status"] == "applied", (op, result)
            continue
        assert result["status"] == "rejected", (op, result)
        assert result["error"]["details"]["field"] == field, (op, result)
        assert result["error"]["code"] == "invalid_field", (op, result)
        assert result["error"]["details"]["reason"] in (
            "control_character",
            "unpaired_surrogate",
            "bidi_control",
        )
    # The rejections are kept: a retry answers them replayed, the applied ops too.
    again = s1.push(good_before, *poisoned, good_after)
    assert all(r["replayed"] for r in again)
    assert [r["status"] for r in again] == [r["status"] for r in results]


def test_paragraph_fields_may_hold_newlines_and_tabs(hq_env: HQEnv) -> None:
    s1 = hq_env.store("S1")
    text = "第一行\r\n第二行\t（等候）"
    created = s1.applied(s1.complaint(description=text, wants=text))
    assert created["entity"]["description"] == text
    update = s1.complaint_update(created["entity"]["id"], note=text)
    assert s1.applied(update)["entity"]["notes"][-1]["text"] == text
    s1.rejected(s1.register(name="张\n三"), "invalid_field")
    s1.rejected(s1.register(address="上海市\n徐汇区"), "invalid_field")


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda s, mid: s.op("\ud800", {"member_id": mid}), id="type"),
        pytest.param(lambda s, mid: s.op("points.redeem\x00", {"member_id": mid}), id="type-nul"),
        pytest.param(
            lambda s, mid: s.op("points.redeem", {"member_id": mid, "points": 1, "x": "\udfff"}),
            id="unknown-key",
        ),
        pytest.param(
            lambda s, mid: s.op("member.update", {"member_id": "\ud800", "changes": {}}),
            id="member_id",
        ),
        pytest.param(
            lambda s, mid: s.op(
                "points.redeem", {"member_id": mid, "points": 1}, created_at="\x00"
            ),
            id="created_at",
        ),
        pytest.param(
            lambda s, mid: s.op(
                "points.redeem", {"member_id": mid, "points": 1}, store_code="S1\ud800"
            ),
            id="store_code",
        ),
        pytest.param(
            lambda s, mid: s.op(
                "points.redeem",
                {"member_id": mid, "points": 1},
                created_at="9999-12-31T23:00:00-05:00",
            ),
            id="created_at-overflow",
        ),
    ],
)
def test_lone_surrogates_and_junk_anywhere_are_rejected_per_op(
    hq_env: HQEnv, make: Callable[[Store, str], dict[str, Any]]
) -> None:
    s1 = hq_env.store("S1")
    member = s1.new_member()
    bad = make(s1, member["id"])
    good = s1.redeem(member["id"], 1, offline=True)
    results = s1.push(bad, good)
    assert results[0]["status"] == "rejected", results[0]
    assert results[1]["status"] == "applied", results[1]
    again = s1.push(bad, good)
    assert [r["replayed"] for r in again] == [True, True]
    assert again[0]["error"] == results[0]["error"]


def test_an_error_inside_an_ops_savepoint_rejects_only_that_op(
    hq_env: HQEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A handler that writes and then fails: its writes are undone, the op is ``op_failed``."""
    s1 = hq_env.store("S1")
    real = hq_ops.HANDLERS["member.register"]

    def failing(batch: Any, op: dict[str, Any]) -> Any:
        applied = real(batch, op)
        if op["payload"]["name"] == "出错":
            raise KeyError("a bug in a handler")
        return applied

    monkeypatch.setitem(hq_ops.HANDLERS, "member.register", failing)
    bad = s1.register(name="出错")
    results = s1.push(s1.register(), bad, s1.register())
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    assert results[1]["error"]["code"] == "op_failed"
    assert results[1]["error"]["details"] == {"error": "KeyError"}
    with hq_env.engine.connect() as conn:
        assert conn.scalar(select(Member.id).where(Member.name == "出错")) is None
        kept = conn.execute(
            select(StoredOp.status, StoredOp.error_code).where(StoredOp.op_id == bad["op_id"])
        ).one()
    assert tuple(kept) == ("rejected", "op_failed")
    assert s1.one(bad)["replayed"] is True


def test_a_value_the_database_refuses_rejects_only_that_op(
    hq_env: HQEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's own case, with the contract's text check switched off: PostgreSQL
    refuses NUL in text. Before, HQ answered 500 for the whole batch; now that op is
    ``op_failed`` and the others are applied (SQLite stores the NUL: applied)."""
    monkeypatch.setattr(contract, "_check_texts", lambda *_args: None)
    s1 = hq_env.store("S1")
    phone = new_phone()
    results = s1.push(s1.register(), s1.register(name="张\x00三", phone=phone), s1.register())
    assert results[0]["status"] == results[2]["status"] == "applied"
    if hq_env.db_url.startswith("postgresql"):
        assert results[1]["status"] == "rejected"
        assert results[1]["error"]["code"] == "op_failed"
    else:
        assert results[1]["status"] == "applied"
