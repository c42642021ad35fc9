"""Every write service: its validation, its one outbox row (checked by the contract), audit.

Real cache files, no HQ: what a counter does while offline.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Any

import pytest

from counter import contract, services
from counter.codes import make_card_no
from counter.contract import parse_member_record
from counter.settings import Settings
from counter.store import outbox_health
from counter.sync.apply import apply_member_records

# 2026-11-20 10:00 in China: not a member day (the 8th), November.
NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
GOLD_ID = "01890a5d-ac96-774b-bcce-000000000001"
GOLD_CARD = make_card_no("880000000000001")


def hq_record(**extra: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "id": GOLD_ID,
        "seq": 7,
        "status": "active",
        "member_no": "1000000001",
        "name": "张小明",
        "gender": "M",
        "birthday": "1985-03-02",
        "phone": "13812345678",
        "tier": "gold",
        "points": 1000,
        "updated_at": "2026-11-01T00:00:00Z",
        "cards": [{"card_no": GOLD_CARD, "status": "active"}],
    }
    rec.update(extra)
    return rec


@pytest.fixture
def gold(ctx: services.ServiceContext) -> str:
    """A gold member with 1000 points at HQ, cached as a sync caches it."""
    ctx.clock = lambda: NOW
    with ctx.db.bulk() as s:
        apply_member_records(s, [parse_member_record(hq_record())], ctx.cipher, NOW)
    return GOLD_ID


@pytest.fixture
def manager(ctx: services.ServiceContext) -> services.Actor:
    return services.create_operator(ctx, "陈刚", "manager", "3333")


def outbox(settings: Settings) -> list[tuple[str, dict[str, Any], str | None]]:
    con = sqlite3.connect(settings.db_path)
    try:
        rows = con.execute("SELECT type, payload, member_id FROM outbox ORDER BY seq").fetchall()
    finally:
        con.close()
    return [(t, json.loads(p), m) for t, p, m in rows]


def audit_actions(settings: Settings) -> list[str]:
    con = sqlite3.connect(settings.db_path)
    try:
        return [r[0] for r in con.execute("SELECT action FROM audit_log ORDER BY id")]
    finally:
        con.close()


def assert_one_valid_op(settings: Settings, op_type: str) -> dict[str, Any]:
    """Exactly one outbox row, of this type, whose payload HQ's validator accepts as is."""
    rows = outbox(settings)
    assert [t for t, _, _ in rows] == [op_type]
    payload = rows[0][1]
    assert contract.validate_payload(op_type, payload) == payload
    return payload


# ---------------------------------------------------------------- profile


def test_update_member_sends_only_what_changed(
    ctx: services.ServiceContext, service_actor: services.Actor, gold: str, settings: Settings
) -> None:
    view = services.update_member(
        ctx,
        service_actor,
        gold,
        {"name": "张晓明", "phone": "139 0000 1111", "gender": "M", "birthday": "1985-03-02"},
    )
    assert (view.name, view.phone) == ("张*明", "139****1111")
    contact = services.reveal_member(ctx, service_actor, gold)
    assert (contact.name, contact.phone) == ("张晓明", "13900001111")
    payload = assert_one_valid_op(settings, "member.update")
    assert payload == {
        "member_id": gold,
        "changes": {"name": "张晓明", "phone": "13900001111"},
    }
    assert services.lookup(ctx, service_actor, "zxm").member is not None
    assert audit_actions(settings)[-2:] == ["member.update", "member.reveal"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phone": "12345"}, "phone"),
        ({"email": "nope"}, "email"),
        ({"name": " "}, "name"),
        ({"points": 5}, "points"),
        ({"birthday": "1985-02-30"}, "birthday"),
        ({"gender": "M"}, ""),  # nothing changes
    ],
)
def test_update_member_refuses_bad_changes_and_writes_nothing(
    ctx: services.ServiceContext,
    service_actor: services.Actor,
    gold: str,
    settings: Settings,
    changes: dict[str, Any],
    field: str,
) -> None:
    with pytest.raises(services.ValidationError) as info:
        services.update_member(ctx, service_actor, gold, changes)
    assert info.value.field == field
    assert outbox(settings) == []


def test_update_member_refuses_a_phone_of_another_member(
    ctx: services.ServiceContext, service_actor: services.Actor, gold: str
) -> None:
    other = services.register_member(ctx, service_actor, services.MemberForm("李四", "13700001111"))
    with pytest.raises(services.ValidationError) as info:
        services.update_member(ctx, service_actor, other.id, {"phone": "13812345678"})
    assert info.value.field == "phone"


def test_health_needs_role_and_consent_and_is_encrypted(
    ctx: services.ServiceContext,
    service_actor: services.Actor,
    cashier: services.Actor,
    gold: str,
    settings: Settings,
) -> None:
    with pytest.raises(services.PermissionDenied):
        services.record_health(ctx, cashier, gold, ["青霉素"], [], [])
    with pytest.raises(services.ValidationError) as info:
        services.record_health(ctx, service_actor, gold, ["青霉素"], [], [])
    assert info.value.detail == "consent_required"
    assert outbox(settings) == []

    consent = services.record_consent(ctx, service_actor, gold, granted=True)
    assert consent.granted and consent.recorded_at == NOW
    record = services.record_health(ctx, service_actor, gold, ["青霉素", " 青霉素"], ["高血压"], [])
    assert record.allergies == ("青霉素",) and record.chronic == ("高血压",)

    rows = outbox(settings)
    assert [t for t, _, _ in rows] == ["member.consent", "member.update"]
    assert rows[0][1] == {
        "member_id": gold,
        "purpose": "health",
        "granted": True,
        "recorded_at": "2026-11-20T02:00:00.000000Z",
    }
    # The queued op holds the health sealed; HQ gets it as recorded (in the push only).
    assert set(rows[1][1]["changes"]["health"]) == {"$sealed"}
    con = sqlite3.connect(settings.db_path)
    (blob,) = con.execute("SELECT health_enc FROM members WHERE id = ?", (gold,)).fetchone()
    ((op_id, text),) = con.execute(
        "SELECT op_id, payload FROM outbox WHERE type = 'member.update'"
    ).fetchall()
    con.close()
    assert "高血压".encode() not in blob and "高血压" not in text
    sent = outbox_health.open_payload(ctx.cipher, op_id, text)
    assert contract.validate_payload("member.update", sent) == sent
    assert sent["changes"] == {
        "health": {"allergies": ["青霉素"], "chronic": ["高血压"], "medicines": []}
    }
    # The cashier's panel still shows the allergy banner (they hand over medicine).
    seen = services.find_by_card(ctx, cashier, GOLD_CARD)
    assert seen is not None and seen.allergies == ("青霉素",)


def test_read_health_is_for_service_roles_and_audited(
    ctx: services.ServiceContext,
    service_actor: services.Actor,
    cashier: services.Actor,
    gold: str,
    settings: Settings,
) -> None:
    services.record_consent(ctx, service_actor, gold, granted=True)
    services.record_health(ctx, service_actor, gold, [], ["糖尿病"], ["二甲双胍"])
    with pytest.raises(services.PermissionDenied):
        services.read_health(ctx, cashier, gold)
    record = services.read_health(ctx, service_actor, gold)
    assert (record.chronic, record.medicines, record.consent) == (
        ("糖尿病",),
        (services.Medicine("二甲双胍"),),
        True,
    )
    assert audit_actions(settings)[-1] == "health.view"


def test_withdrawing_consent_erases_cached_health(
    ctx: services.ServiceContext, service_actor: services.Actor, gold: str, settings: Settings
) -> None:
    services.record_consent(ctx, service_actor, gold, granted=True)
    services.record_health(ctx, service_actor, gold, ["磺胺"], [], [])
    services.record_consent(ctx, service_actor, gold, granted=False)
    record = services.read_health(ctx, service_actor, gold)
    assert record.empty and not record.consent
    view = services.get_member(ctx, service_actor, gold)
    assert not view.allergy_alert
    with pytest.raises(services.ValidationError):
        services.record_health(ctx, service_actor, gold, ["磺胺"], [], [])
    assert [t for t, _, _ in outbox(settings)][-1] == "member.consent"
    assert "consent.withdraw" in audit_actions(settings)


def test_bind_card_replaces_the_old_one(
    ctx: services.ServiceContext, service_actor: services.Actor, gold: str, settings: Settings
) -> None:
    new_card = make_card_no("880000000000099")
    view = services.bind_card(ctx, service_actor, gold, new_card, replaces=GOLD_CARD)
    assert view.card_nos == (new_card,)
    payload = assert_one_valid_op(settings, "card.bind")
    assert payload == {"member_id": gold, "card_no": new_card, "replaces": GOLD_CARD}
    assert services.find_by_card(ctx, service_actor, GOLD_CARD) is None
    with pytest.raises(services.ValidationError):
        services.bind_card(ctx, service_actor, gold, new_card)  # already this member's
    with pytest.raises(services.ValidationError):
        services.bind_card(ctx, service_actor, gold, "8800000000000990")  # bad check digit
    with pytest.raises(services.NotFoundError):
        services.bind_card(ctx, service_actor, "01890a5d-ac96-774b-bcce-00000000ffff", new_card)
    assert len(outbox(settings)) == 1


# ---------------------------------------------------------------- points


def cash(fen: int) -> list[services.Tender]:
    return [services.Tender("cash", fen)]


def test_earn_points_by_the_rules_with_insurance_and_exclusions(
    ctx: services.ServiceContext, cashier: services.Actor, gold: str, settings: Settings
) -> None:
    # 300 yuan of OTC and 200 of prescription drugs; insurance pays 250, cash 250.
    # Insurance is taken to pay the excluded line first (200), then 50 of the OTC; the
    # 250 paid in cash all went to OTC: 250 eligible yuan, gold ×1.5.
    result = services.earn_points(
        ctx,
        cashier,
        gold,
        "R-0001",
        NOW,
        [services.SaleLine("otc", 30_000), services.SaleLine("prescription", 20_000)],
        [services.Tender("insurance_pooled", 25_000), services.Tender("cash", 25_000)],
    )
    assert result.points == 375
    assert (result.member.hq_points, result.member.pending_points) == (1000, 375)
    assert result.member.points_shown == 1375
    payload = assert_one_valid_op(settings, "points.earn")
    assert payload["points"] == 375 and payload["receipt_no"] == "R-0001"
    assert payload["sold_at"] == "2026-11-20T02:00:00.000000Z"


def test_an_earn_writes_its_receipt_with_the_amounts_in_its_transaction(
    ctx: services.ServiceContext, cashier: services.Actor, gold: str, settings: Settings
) -> None:
    result = services.earn_points(
        ctx,
        cashier,
        gold,
        "R-0002",
        NOW,
        [services.SaleLine("otc", 30_000), services.SaleLine("prescription", 20_000)],
        [
            services.Tender("insurance_personal", 10_000),
            services.Tender("insurance_pooled", 15_000),
            services.Tender("cash", 25_000),
        ],
    )
    con = sqlite3.connect(settings.db_path)
    try:
        row = con.execute(
            "SELECT receipt_no, member_id, store_code, sold_at, total_fen, insurance_fen,"
            " excluded_fen, self_paid_fen, eligible_fen, points, reversed_fen, reversed_points"
            " FROM receipts"
        ).fetchall()
    finally:
        con.close()
    assert row == [
        ("R-0002", gold, ctx.store_code, "2026-11-20T02:00:00.000000+00:00",
         50_000, 25_000, 20_000, 25_000, 25_000, result.points, 0, 0)
    ]  # fmt: skip
    assert result.points == 375


def test_a_refused_earn_writes_no_receipt(
    ctx: services.ServiceContext, cashier: services.Actor, gold: str, settings: Settings
) -> None:
    line = [services.SaleLine("otc", 5_000)]
    with pytest.raises(services.ValidationError):
        services.earn_points(ctx, cashier, gold, "R-8", NOW, line, cash(4_000))
    services.earn_points(ctx, cashier, gold, "R-7", NOW, line, cash(5_000))
    with pytest.raises(services.ValidationError):
        services.earn_points(ctx, cashier, gold, "R-7", NOW, line, cash(5_000))
    con = sqlite3.connect(settings.db_path)
    try:
        rows = con.execute("SELECT receipt_no, points FROM receipts").fetchall()
    finally:
        con.close()
    assert rows == [("R-7", 75)]


def test_member_day_and_birthday_month_do_not_stack_beyond_the_cap(
    ctx: services.ServiceContext, cashier: services.Actor, gold: str
) -> None:
    services.update_member(ctx, services.create_operator(ctx, "王", "service", "2222"), gold,
                           {"birthday": "1985-11-02"})  # fmt: skip
    member_day = dt.datetime(2026, 11, 8, 2, 0, tzinfo=dt.UTC)
    result = services.earn_points(
        ctx,
        cashier,
        gold,
        "R-2",
        member_day,
        [{"category": "otc", "amount_fen": 10_000}],
        cash(10_000),
    )
    assert result.points == 300  # 100 × gold 1.5 × min(2 × 2, cap 2)


def test_a_receipt_earns_once_at_this_counter(
    ctx: services.ServiceContext, cashier: services.Actor, gold: str, settings: Settings
) -> None:
    line = [services.SaleLine("otc", 5_000)]
    services.earn_points(ctx, cashier, gold, "R-7", NOW, line, cash(5_000))
    with pytest.raises(services.ValidationError) as info:
        services.earn_points(ctx, cashier, gold, "R-7", NOW, line, cash(5_000))
    assert info.value.field == "receipt_no"
    assert len(outbox(settings)) == 1


@pytest.mark.parametrize(
    ("lines", "tenders", "field"),
    [
        ([services.SaleLine("otc", 5_000)], cash(4_000), ""),  # tenders don't add up
        ([services.SaleLine("otc", 5_000)], [services.Tender("points", 5_000)], "kind"),
        ([], cash(0), "lines"),
        ([services.SaleLine("otc", -1)], cash(-1), "amount_fen"),
    ],
)
def test_earn_refuses_malformed_sales(
    ctx: services.ServiceContext,
    cashier: services.Actor,
    gold: str,
    settings: Settings,
    lines: list[services.SaleLine],
    tenders: list[services.Tender],
    field: str,
) -> None:
    with pytest.raises(services.ValidationError) as info:
        services.earn_points(ctx, cashier, gold, "R-9", NOW, lines, tenders)
    assert info.value.field == field
    assert outbox(settings) == []


def test_redeem_never_below_zero_and_offline_cap(
    ctx: services.ServiceContext, cashier: services.Actor, gold: str, settings: Settings
) -> None:
    with pytest.raises(services.ValidationError) as info:
        services.redeem_points(ctx, cashier, gold, 1001, "换购", online=True)
    assert info.value.detail == "insufficient_points"
    with pytest.raises(services.ValidationError):
        services.redeem_points(ctx, cashier, gold, 0, "换购", online=True)

    services.redeem_points(ctx, cashier, gold, 300, "换购", online=False)
    with pytest.raises(services.ValidationError) as info:
        services.redeem_points(ctx, cashier, gold, 201, "换购", online=False)
    assert info.value.detail == "offline_cap"
    last = services.redeem_points(ctx, cashier, gold, 200, "换购", online=False)
    assert last.member.points_shown == 500
    # Online, HQ decides against the real balance: the offline cap does not apply.
    online = services.redeem_points(ctx, cashier, gold, 400, "换购", online=True)
    assert online.points == -400 and online.member.points_shown == 100
    # Tomorrow (store time) the offline cap is fresh.
    ctx.clock = lambda: NOW + dt.timedelta(days=1)
    services.redeem_points(ctx, cashier, gold, 100, "换购", online=False)

    rows = outbox(settings)
    assert [t for t, _, _ in rows] == ["points.redeem"] * 4
    assert [p["offline"] for _, p, _ in rows] == [True, True, False, True]
    for _, payload, _ in rows:
        assert contract.validate_payload("points.redeem", payload) == payload


# ---------------------------------------------------------------- complaints


def test_complaint_workflow_with_deadline_timeline_and_followup(
    ctx: services.ServiceContext,
    service_actor: services.Actor,
    cashier: services.Actor,
    gold: str,
    settings: Settings,
) -> None:
    c = services.create_complaint(
        ctx,
        service_actor,
        member_id=gold,
        category="waiting_time",
        severity="high",
        channel="counter",
        description="排队 40 分钟",
        wants="道歉",
    )
    assert (c.status, c.due_at, c.customer_name) == (
        "received",
        NOW + dt.timedelta(hours=24),
        "张*明",  # masked for every role (DESIGN §7); reveal_customer shows it, audited
    )
    assert c.allowed_transitions == ("handling", "escalated")
    masked = services.get_complaint(ctx, cashier, c.id)
    assert masked.customer_phone == "138****5678"

    with pytest.raises(services.ValidationError) as info:
        services.update_complaint(ctx, service_actor, c.id, status="closed")
    assert info.value.detail == "invalid_transition"
    with pytest.raises(services.ValidationError):
        services.update_complaint(
            ctx, service_actor, c.id, followup=services.Followup(satisfaction=4)
        )
    services.update_complaint(ctx, service_actor, c.id, status="handling", note="已致电顾客")
    ctx.clock = lambda: NOW + dt.timedelta(hours=30)
    assert services.get_complaint(ctx, service_actor, c.id).overdue
    services.update_complaint(ctx, service_actor, c.id, status="resolved", note="已道歉并加派人手")
    done = services.update_complaint(
        ctx, service_actor, c.id, followup=services.Followup(5, "满意")
    )
    assert not done.overdue
    assert [(n.text, n.new_status) for n in done.notes] == [
        ("已致电顾客", "handling"),
        ("已道歉并加派人手", "resolved"),
    ]
    assert done.followup == services.Followup(5, "满意", NOW + dt.timedelta(hours=30))

    rows = outbox(settings)
    assert [t for t, _, _ in rows] == ["complaint.create"] + ["complaint.update"] * 3
    for op_type, payload, _ in rows:
        assert contract.validate_payload(op_type, payload) == payload
    assert services.list_complaints(ctx, service_actor, open_only=True) == ()


def test_complaint_needs_a_customer_and_known_choices(
    ctx: services.ServiceContext, service_actor: services.Actor, settings: Settings
) -> None:
    with pytest.raises(services.ValidationError):
        services.create_complaint(
            ctx, service_actor, category="price", severity="low", channel="phone", description="贵"
        )
    with pytest.raises(services.ValidationError) as info:
        services.create_complaint(
            ctx,
            service_actor,
            category="weather",
            severity="low",
            channel="phone",
            description="x",
            customer_name="王女士",
            customer_phone="13912345678",
        )
    assert info.value.field == "category"
    assert outbox(settings) == []


def test_store_code_must_be_set_before_anything_is_queued(
    tmp_path: Any, service_actor: services.Actor
) -> None:
    bare = services.open_context(
        Settings(store_code="", data_dir=str(tmp_path / "bare"), secret_store="file")
    )
    try:
        actor = services.create_operator(bare, "王芳", "service", "2222")
        with pytest.raises(services.ValidationError) as info:
            services.register_member(bare, actor, services.MemberForm("张三", "13812345678"))
        assert info.value.field == "store_code"
        assert services.count_members(bare) == 0
    finally:
        bare.close()


def test_problems_are_for_managers(
    ctx: services.ServiceContext, cashier: services.Actor, manager: services.Actor
) -> None:
    with pytest.raises(services.PermissionDenied):
        services.list_problems(ctx, cashier)
    with pytest.raises(services.PermissionDenied):
        services.dismiss_problem(ctx, cashier, 1)
    assert services.list_problems(ctx, manager) == ()
    with pytest.raises(services.NotFoundError):
        services.retry_problem(ctx, manager, 1)
