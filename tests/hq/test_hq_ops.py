"""POST /v1/ops over real HTTP, on SQLite and PostgreSQL: every op type, applied and
rejected with its codes, idempotency by op_id, business keys, one batch op by op."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from hqkit import SOLD_AT, HQEnv, Store, new_card, new_phone
from sqlalchemy import func, select

from counter.contract import parse_member_record
from counter.ids import uuid7
from hq.models import Card, Consent, PointsEntry, Receipt, StoredOp


def ledger(env: HQEnv, member_id: str) -> list[Any]:
    with env.engine.connect() as conn:
        return list(
            conn.execute(
                select(
                    PointsEntry.delta, PointsEntry.kind, PointsEntry.overdraft, PointsEntry.op_id
                )
                .where(PointsEntry.member_id == member_id)
                .order_by(PointsEntry.id)
            )
        )


def seq_now(env: HQEnv) -> int:
    with env.engine.connect() as conn:
        return int(
            conn.exec_driver_sql("SELECT value FROM sequences WHERE name = 'changes'").scalar_one()
        )


def lookup(store: Store, **params: str) -> dict[str, Any]:
    resp = store.get("/v1/members/lookup", **params)
    assert resp.status_code == 200, resp.text
    member: dict[str, Any] = resp.json()["member"]
    return member


# ------------------------------------------------------------------ member.register


def test_register_applies_and_answers_the_record(hq_env: HQEnv) -> None:
    s1 = hq_env.store("S1")
    card = new_card()
    op = s1.register(phone=new_phone(), card_no=card, gender="F", birthday="1990-05-01")
    result = s1.applied(op)
    record = parse_member_record(result["entity"])
    assert record["seq"] == result["seq"] > 0
    assert record["id"] == op["payload"]["member_id"]
    assert len(record["member_no"]) == 10 and record["member_no"].isdigit()
    assert record["tier"] == "basic" and record["points"] == 0
    assert record["points_expiring"] == [] and record["recent_visits"] == []
    assert record["health"] is None
    assert [c["card_no"] for c in record["cards"]] == [card]
    assert record["cards"][0]["status"] == "active"
    assert set(result["entity"]) == {
        "id", "seq", "status", "member_no", "name", "gender", "birthday", "phone", "email",
        "address", "education", "income", "marital_status", "tier", "tier_spend_fen", "points",
        "points_expiring", "recent_visits", "health", "cards", "updated_at",
    }  # fmt: skip
    assert record["consents"] is None  # 1.1: none recorded yet (the key left out)
    # the same record is what lookup and the change feed serve
    assert lookup(s1, card_no=card) == result["entity"]


def test_register_with_a_known_phone_is_phone_registered_with_the_member(hq_env: HQEnv) -> None:
    s1, s2 = hq_env.store("S1"), hq_env.store("S2")
    phone = new_phone()
    first = s1.new_member(phone=phone, name="王芳")
    error = s2.rejected(s2.register(phone=phone, name="王芳"), "phone_registered")
    existing = parse_member_record(error["details"]["member"])
    assert existing["id"] == first["id"] and existing["phone"] == phone


def test_register_rejections(hq_env: HQEnv) -> None:
    s1 = hq_env.store("S1")
    member = s1.new_member(card_no=(card := new_card()))
    s1.rejected(s1.register(member_id=member["id"]), "member_exists")
    s1.rejected(s1.register(card_no=card), "card_in_use")
    s1.rejected(s1.register(phone="12345"), "invalid_phone")
    bad = s1.register()
    del bad["payload"]["name"]
    assert s1.rejected(bad, "missing_field")["details"] == {"field": "name"}
    s1.rejected({**s1.register(), "store_code": "S2"}, "store_mismatch")
    s1.rejected(s1.op("member.delete", {"member_id": member["id"]}), "unknown_op_type")


# ------------------------------------------------------------------ member.update / consent


def test_update_consent_and_health(hq_env: HQEnv) -> None:
    s1 = hq_env.store("S1")
    member = s1.new_member(name="赵强")
    mid = member["id"]
    health = {"allergies": ["青霉素"], "chronic": [], "medicines": []}
    s1.rejected(
        s1.op("member.update", {"member_id": mid, "changes": {"health": health}}),
        "consent_required",
    )
    consent = s1.op(
        "member.consent",
        {"member_id": mid, "purpose": "health", "granted": True, "recorded_at": SOLD_AT},
    )
    s1.applied(consent)
    updated = s1.applied(
        s1.op("member.update", {"member_id": mid, "changes": {"health": health, "name": "赵刚"}})
    )
    assert updated["entity"]["health"] == health and updated["entity"]["name"] == "赵刚"
    withdrawn = s1.applied(
        s1.op(
            "member.consent",
            {"member_id": mid, "purpose": "health", "granted": False, "recorded_at": SOLD_AT},
        )
    )
    assert withdrawn["entity"]["health"] is None  # withdrawing consent erases health
    assert withdrawn["seq"] > updated["seq"]
    with hq_env.engine.connect() as conn:
        rows = conn.execute(select(Consent.granted).where(Consent.member_id == mid)).all()
    assert [r.granted for r in rows] in ([True, False], [False, True])


def test_update_rejections(hq_env: HQEnv) -> None:
    s1 = hq_env.store("S1")
    a = s1.new_member()
    b = s1.new_member()
    s1.rejected(
        s1.op("member.update", {"member_id": str(uuid.uuid4()), "changes": {"name": "x"}}),
        "member_not_found",
    )
    error = s1.rejected(
        s1.op("member.update", {"member_id": a["id"], "changes": {"phone": b["phone"]}}),
        "phone_registered",
    )
    assert error["details"]["member"]["id"] == b["id"]
    s1.rejected(
        s1.op("member.update", {"member_id": a["id"], "changes": {"points": 5}}), "invalid_field"
    )
    s1.rejected(
        s1.op(
            "member.consent",
            {"member_id": str(uuid.uuid4()), "purpose": "health", "granted": True,
             "recorded_at": SOLD_AT},
        ),
        "member_not_found",
    )  # fmt: skip
    # a member's own phone again is no conflict
    s1.applied(s1.op("member.update", {"member_id": a["id"], "changes": {"phone": a["phone"]}}))


# ------------------------------------------------------------------ card.bind


def test_card_bind_and_replace(hq_env: HQEnv) -> None:
    s1 = hq_env.store("S1")
    old = new_card()
    member = s1.new_member(card_no=old)
    new = new_card()
    result = s1.applied(
        s1.op("card.bind", {"member_id": member["id"], "card_no": new, "replaces": old})
    )
    cards = {c["card_no"]: c["status"] for c in result["entity"]["cards"]}
    assert cards == {old: "replaced", new: "active"}
    assert result["entity"]["cards"][0]["card_no"] == new  # active first
    other = s1.new_member()
    s1.rejected(s1.op("card.bind", {"member_id": other["id"], "card_no": new}), "card_in_use")
    s1.rejected(s1.op("card.bind", {"member_id": other["id"], "card_no": old}), "card_in_use")
    s1.rejected(
        s1.op("card.bind", {"member_id": other["id"], "card_no": new_card(), "replaces": new}),
        "card_not_found",
    )
    s1.rejected(
        s1.op("card.bind", {"member_id": str(uuid.uuid4()), "card_no": new_card()}),
        "member_not_found",
    )
    s1.rejected(s1.op("card.bind", {"member_id": other["id"], "card_no": "8800000000000014"}),
                "invalid_card_no")  # fmt: skip


# ------------------------------------------------------------------ points


def test_earn_books_ledger_visit_and_expiry(hq_env: HQEnv) -> None:
    s1 = hq_env.store("S1")
    member = s1.new_member()
    op = s1.earn(member["id"], f"R-{uuid.uuid4()}", 12_345)
    result = s1.applied(op)
    record = parse_member_record(result["entity"])
    assert op["payload"]["points"] == 123
    assert record["points"] == 123
    assert record["points_expiring"] == [{"points": 123, "expires_on": "2027-12-31"}]
    assert record["recent_visits"] == [
        {"at": "2026-11-02T03:00:00.000000Z", "store_code": "S1", "amount_fen": 12_345}
    ]
    assert ledger(hq_env, member["id"]) == [(123, "earn", False, op["op_id"])]


def test_earn_rejections(hq_env: HQEnv) -> None:
    s1, s2 = hq_env.store("S1"), hq_env.store("S2")
    member = s1.new_member()
    receipt = f"R-{uuid.uuid4()}"
    first = s1.earn(member["id"], receipt, 5_000)
    s1.applied(first)
    # the same receipt under another op_id earns nothing more, and says who earned it
    error = s1.rejected(s1.earn(member["id"], receipt, 5_000), "receipt_already_earned")
    assert error["details"]["op_id"] == first["op_id"]
    # receipt numbers are per store: another store's receipt with that number is its own
    s2.applied(s2.earn(member["id"], receipt, 5_000))
    error = s1.rejected(
        s1.earn(member["id"], f"R-{uuid.uuid4()}", 5_000, points=51), "points_mismatch"
    )
    assert error["details"] == {"expected": 50}
    # prescription lines earn nothing (config's excluded categories)
    assert s1.earn(member["id"], "x", 5_000, category="prescription")["payload"]["points"] == 0
    s1.rejected(s1.earn(str(uuid.uuid4()), f"R-{uuid.uuid4()}", 100), "member_not_found")
    bad = s1.earn(member["id"], f"R-{uuid.uuid4()}", 100)
    bad["payload"]["tenders"][0]["amount_fen"] = 99
    s1.rejected(bad, "tenders_mismatch")
    assert [e[0] for e in ledger(hq_env, member["id"])] == [50, 50]


def test_earn_uses_the_members_tier_and_birthday_at_hq(hq_env: HQEnv) -> None:
    s1 = hq_env.store("S1")
    member = s1.new_member(birthday="1980-11-15")  # November: birthday month doubles
    op = s1.earn(member["id"], f"R-{uuid.uuid4()}", 10_000, birthday=dt.date(1980, 11, 15))
    assert op["payload"]["points"] == 200
    assert s1.applied(op)["entity"]["points"] == 200


def test_redeem_online_and_offline(hq_env: HQEnv) -> None:
    s1 = hq_env.store("S1")
    member = s1.new_member()
    mid = member["id"]
    s1.applied(s1.earn(mid, f"R-{uuid.uuid4()}", 30_000))  # 300 points
    error = s1.rejected(s1.redeem(mid, 301), "insufficient_points")
    assert error["details"] == {"balance": 300}
    assert s1.applied(s1.redeem(mid, 100))["entity"]["points"] == 200
    # offline: the goods were handed over, so HQ books it even past the balance, flagged
    overdrawn = s1.applied(s1.redeem(mid, 250, offline=True))
    assert overdrawn["entity"]["points"] == -50
    assert overdrawn["entity"]["points_expiring"] == []
    entries = ledger(hq_env, mid)
    assert [(e.delta, e.kind, e.overdraft) for e in entries] == [
        (300, "earn", False),
        (-100, "redeem", False),
        (-250, "redeem", True),
    ]
    s1.rejected(s1.redeem(mid, 0), "invalid_field")
    s1.rejected(s1.redeem(str(uuid.uuid4()), 1, offline=True), "member_not_found")


def test_seeded_balances_are_an_opening_ledger_entry_earned_last_year(hq_env: HQEnv) -> None:
    s1 = hq_env.store("S1")
    items, _ = s1.pull()
    with_points = next(i for i in items if i.get("points", 0) > 0 and i["seq"] <= 50)
    year = dt.datetime.now(dt.UTC).year
    assert with_points["points_expiring"] == [
        {"points": with_points["points"], "expires_on": f"{year}-12-31"}
    ]
    assert [(e.delta, e.kind) for e in ledger(hq_env, with_points["id"])] == [
        (with_points["points"], "opening")
    ]
    # a redemption uses up the points that expire first
    result = s1.applied(s1.redeem(with_points["id"], 1))
    assert result["entity"]["points_expiring"][0]["points"] == with_points["points"] - 1


# ------------------------------------------------------------------ complaints


def test_complaint_lifecycle(hq_env: HQEnv) -> None:
    s1 = hq_env.store("S1")
    member = s1.new_member()
    created = s1.applied(s1.complaint(member_id=member["id"], severity="urgent"))
    record = created["entity"]
    cid = record["id"]
    assert record["status"] == "received" and record["store_code"] == "S1"
    assert record["due_at"] == "2026-11-20T06:00:00.000Z"  # urgent: 4 hours
    assert record["notes"] == [] and record["followup"] is None
    handling = s1.applied(s1.complaint_update(cid, status="handling", note="已联系顾客"))
    assert handling["entity"]["status"] == "handling"
    assert handling["entity"]["notes"][0]["text"] == "已联系顾客"
    assert handling["entity"]["notes"][0]["new_status"] == "handling"
    assert handling["seq"] > created["seq"]
    error = s1.rejected(s1.complaint_update(cid, status="closed"), "invalid_transition")
    assert error["details"] == {"from": "handling", "to": "closed"}
    s1.applied(s1.complaint_update(cid, status="resolved"))
    followup = {"at": "2026-11-21T02:00:00Z", "note": "满意", "satisfaction": 5}
    closed = s1.applied(s1.complaint_update(cid, status="closed", followup=followup))
    assert closed["entity"]["followup"] == {
        "at": "2026-11-21T02:00:00.000Z",
        "note": "满意",
        "satisfaction": 5,
        "method": "phone",  # a 1.0 counter sends neither: phone, reached
        "reached": True,
    }
    assert [n["new_status"] for n in closed["entity"]["notes"]] == [
        "handling",
        "resolved",
        "closed",
    ]
    s1.rejected(s1.complaint_update(cid, status="handling"), "invalid_transition")
    s1.rejected(s1.complaint(complaint_id=cid), "complaint_exists")
    s1.rejected(s1.complaint_update(str(uuid.uuid4()), note="x"), "complaint_not_found")
    s1.rejected(s1.complaint_update(cid), "missing_field")


def test_an_ops_answer_renders_a_complaint_as_the_feed_does(hq_env: HQEnv) -> None:
    """Ops read complaints on the raw cursor, the feed through SQLAlchemy: same record."""
    s1 = hq_env.store("S1")
    member = s1.new_member()
    cid = s1.applied(s1.complaint(member_id=member["id"]))["entity"]["id"]
    s1.applied(s1.complaint_update(cid, status="handling", note="第一次"))
    s1.applied(s1.complaint_update(cid, note="第二次"))
    s1.applied(s1.complaint_update(cid, status="resolved"))
    followup = {"at": "2026-11-21T02:00:00.5Z", "note": "满意", "satisfaction": 4}
    last = s1.applied(s1.complaint_update(cid, status="closed", followup=followup))["entity"]
    items, _ = s1.pull("/v1/complaints/changes")
    assert [i for i in items if i["id"] == cid][-1] == last
    assert len(last["notes"]) == 4 and last["followup"]["at"] == "2026-11-21T02:00:00.500Z"


def test_escalated_complaints_are_hqs_to_move(hq_env: HQEnv) -> None:
    from hq.complaints import hq_update_complaint

    s1 = hq_env.store("S1")
    cid = s1.applied(s1.complaint())["entity"]["id"]
    s1.applied(s1.complaint_update(cid, status="escalated"))
    s1.rejected(s1.complaint_update(cid, status="handling"), "invalid_transition")
    record = hq_update_complaint(hq_env.engine, cid, status="handling", note="总部接手")
    assert record["status"] == "handling" and record["notes"][-1]["operator_id"] == "HQ"
    items, _ = s1.pull("/v1/complaints/changes")
    assert [i for i in items if i["id"] == cid][-1]["status"] == "handling"


# ------------------------------------------------------------------ idempotency


def test_a_replay_returns_the_first_outcome_and_changes_nothing(hq_env: HQEnv) -> None:
    s1 = hq_env.store("S1")
    member = s1.new_member()
    op = s1.earn(member["id"], f"R-{uuid.uuid4()}", 7_700)
    first = s1.applied(op)
    seq_before = seq_now(hq_env)
    ledger_before = ledger(hq_env, member["id"])
    again = s1.one(op)
    assert again == {**first, "replayed": True}
    assert seq_now(hq_env) == seq_before
    assert ledger(hq_env, member["id"]) == ledger_before
    # a rejected op's outcome is kept just the same
    bad = s1.redeem(member["id"], 10_000)
    rejected = s1.one(bad)
    assert s1.one(bad) == {**rejected, "replayed": True}
    # twice in one batch: applied once, then replayed
    twice = s1.redeem(member["id"], 1)
    a, b = s1.push(twice, twice)
    assert (a["status"], a["replayed"], b["status"], b["replayed"]) == (
        "applied", False, "applied", True,
    )  # fmt: skip
    assert a["seq"] == b["seq"]
    assert len(ledger(hq_env, member["id"])) == len(ledger_before) + 1


def test_same_op_id_with_another_body_is_an_idempotency_conflict(hq_env: HQEnv) -> None:
    s1, s2 = hq_env.store("S1"), hq_env.store("S2")
    member = s1.new_member()
    op = s1.redeem(member["id"], 0 + 1, offline=True)
    s1.applied(op)
    changed = {**op, "payload": {**op["payload"], "points": 2}}
    error = s1.rejected(changed, "idempotency_conflict")
    assert error["details"] == {"op_id": op["op_id"]}
    # another store using the op_id is a conflict too (and learns nothing of the op)
    s2.rejected({**op, "store_code": "S2"}, "idempotency_conflict")
    assert [e.delta for e in ledger(hq_env, member["id"])] == [-1]
    # the stored outcome is still the first one
    assert s1.one(op)["replayed"] is True


def test_op_ids_are_canonical_uuids(hq_env: HQEnv) -> None:
    s1 = hq_env.store("S1")
    member = s1.new_member()
    op = s1.redeem(member["id"], 1, offline=True, op_id=str(uuid.uuid4()).upper())
    first = s1.one(op)
    assert first["status"] == "applied"
    lower = {**op, "op_id": op["op_id"].lower()}
    assert s1.one(lower)["replayed"] is True


# ------------------------------------------------------------------ batches


def test_one_rejected_op_does_not_roll_back_the_others(hq_env: HQEnv) -> None:
    s1 = hq_env.store("S1")
    mid = str(uuid.uuid4())
    ops = [
        s1.register(member_id=mid),
        s1.redeem(mid, 5),  # online, beyond the balance
        s1.earn(mid, f"R-{uuid.uuid4()}", 1_000),
        "not an op",
        {"op_id": "not-a-uuid", "type": "points.redeem"},
        s1.redeem(mid, 5),
    ]
    results = s1.push(*ops)  # type: ignore[arg-type]
    assert [r["status"] for r in results] == [
        "applied", "rejected", "applied", "rejected", "rejected", "applied",
    ]  # fmt: skip
    assert [r.get("error", {}).get("code") for r in results] == [
        None, "insufficient_points", None, "invalid_op", "invalid_field", None,
    ]  # fmt: skip
    assert results[3]["op_id"] is None and results[4]["op_id"] == "not-a-uuid"
    applied_seqs = [r["seq"] for r in results if r["status"] == "applied"]
    assert applied_seqs == sorted(set(applied_seqs))
    assert results[-1]["entity"]["points"] == 5


def test_malformed_batches_are_422_and_apply_nothing(hq_env: HQEnv) -> None:
    s1 = hq_env.store("S1")
    with hq_env.engine.connect() as conn:
        before = conn.scalar(select(func.count()).select_from(StoredOp))
    too_many = [s1.register() for _ in range(501)]
    for body in ({"ops": too_many}, {"ops": "x"}, {"nops": []}, [1, 2]):
        resp = s1.post("/v1/ops", body)
        assert resp.status_code == 422, resp.text
        assert resp.json()["error"]["code"] == "validation_failed"
    resp = s1.session.post(
        s1.url + "/v1/ops", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert resp.status_code == 422
    with hq_env.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(StoredOp)) == before
    assert s1.push() == []


def test_ops_need_a_store_token(hq_env: HQEnv) -> None:
    s1 = hq_env.store("S1")
    resp = s1.session.post(s1.url + "/v1/ops", json={"ops": []}, headers={"Authorization": ""})
    assert resp.status_code == 401


def test_every_op_type_is_kept_with_its_outcome(hq_env: HQEnv) -> None:
    """One applied and one rejected op of each type, in one batch; all kept for replays."""
    s1 = hq_env.store("S1")
    mid, cid, card = str(uuid.uuid4()), str(uuid.uuid4()), new_card()
    missing = str(uuid.uuid4())
    consent = {"purpose": "health", "granted": True, "recorded_at": SOLD_AT}
    ops = [
        s1.register(member_id=mid),
        s1.register(member_id=mid),  # member_exists
        s1.op("member.update", {"member_id": mid, "changes": {"name": "钱多多"}}),
        s1.op("member.update", {"member_id": missing, "changes": {"name": "x"}}),
        s1.op("member.consent", {"member_id": mid, **consent}),
        s1.op("member.consent", {"member_id": missing, **consent}),
        s1.op("card.bind", {"member_id": mid, "card_no": card}),
        s1.op("card.bind", {"member_id": missing, "card_no": new_card()}),
        s1.earn(mid, f"R-{uuid.uuid4()}", 2_000),
        s1.earn(mid, f"R-{uuid.uuid4()}", 2_000, points=1),
        s1.redeem(mid, 20),
        s1.redeem(mid, 1_000),
        s1.complaint(complaint_id=cid),
        s1.complaint(complaint_id=cid),
        s1.complaint_update(cid, status="handling"),
        s1.complaint_update(cid, status="closed"),
    ]
    first = s1.push(*ops)
    assert [r["status"] for r in first] == ["applied", "rejected"] * 8
    again = s1.push(*ops)
    assert again == [{**r, "replayed": True} for r in first]
    with hq_env.engine.connect() as conn:
        kept = conn.execute(
            select(StoredOp.type, StoredOp.status, StoredOp.error_code).where(
                StoredOp.op_id.in_([o["op_id"] for o in ops])
            )
        ).all()
    assert len(kept) == 16
    assert {(k.type, k.status) for k in kept} == {
        (o["type"], status) for o in ops for status in ("applied", "rejected")
    }
    assert {k.error_code for k in kept if k.status == "rejected"} == {
        "member_exists", "member_not_found", "points_mismatch", "insufficient_points",
        "complaint_exists", "invalid_transition",
    }  # fmt: skip


@pytest.mark.parametrize("receipts", [3])
def test_receipts_table_holds_one_row_per_store_and_receipt(hq_env: HQEnv, receipts: int) -> None:
    s1 = hq_env.store("S1")
    member = s1.new_member()
    numbers = [f"R-{uuid.uuid4()}" for _ in range(receipts)]
    for n in numbers:
        s1.applied(s1.earn(member["id"], n, 100))
        s1.rejected(s1.earn(member["id"], n, 100, op_id=uuid7()), "receipt_already_earned")
    with hq_env.engine.connect() as conn:
        count = conn.scalar(
            select(func.count()).select_from(Receipt).where(Receipt.member_id == member["id"])
        )
        cards = conn.scalar(select(func.count()).select_from(Card))
    assert count == receipts and cards


def test_a_complaint_follows_its_member_through_merges_and_never_names_a_stranger(
    hq_env: HQEnv,
) -> None:
    from hq.members import delete_member, merge_members

    s1 = hq_env.store("S1")
    a, b, c = s1.new_member(), s1.new_member(), s1.new_member()
    merge_members(hq_env.engine, a["id"], b["id"])
    delete_member(hq_env.engine, c["id"])
    merged = s1.applied(s1.complaint(member_id=a["id"], customer_name="甲"))["entity"]
    assert merged["member_id"] == b["id"] and merged["customer_name"] == ""
    # A forgotten member's complaint is kept, without the person (PIPL Art. 47).
    gone = s1.applied(s1.complaint(member_id=c["id"], customer_phone="13900001111"))["entity"]
    assert gone["member_id"] is None and gone["customer_phone"] == ""
    stranger = str(uuid.uuid4())
    error = s1.rejected(s1.complaint(member_id=stranger), "member_not_found")
    assert error["details"] == {"member_id": stranger}


def test_the_pcs_own_time_is_kept_beside_created_at_and_is_optional(hq_env: HQEnv) -> None:
    s1 = hq_env.store("S1")
    with_pc = s1.register()
    with_pc["created_at"] = "2026-11-20T02:00:00Z"  # the counter's time (corrected)
    with_pc["pc_time"] = "2026-11-20T02:07:00Z"  # its PC's clock, 7 minutes fast
    s1.applied(with_pc)
    without = s1.register()  # a counter from before pc_time
    s1.applied(without)
    bad = s1.register()
    bad["pc_time"] = "yesterday"
    s1.rejected(bad, "invalid_field")
    with hq_env.engine.connect() as conn:
        rows = dict(
            conn.execute(
                select(StoredOp.op_id, StoredOp.pc_time).where(
                    StoredOp.op_id.in_((with_pc["op_id"], without["op_id"]))
                )
            ).all()
        )
    assert rows[with_pc["op_id"]] == dt.datetime(2026, 11, 20, 2, 7, tzinfo=dt.UTC)
    assert rows[without["op_id"]] is None
