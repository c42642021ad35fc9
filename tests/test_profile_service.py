"""F8's services: a masked before → after audit of a profile edit, structured regular
medicines, separate consents (health, marketing) and their withdrawal, the lists offered."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Any

import pytest

from counter import services
from counter.settings import Settings


def audit_rows(settings: Settings) -> list[tuple[str, dict[str, Any]]]:
    con = sqlite3.connect(settings.db_path)
    try:
        rows = con.execute("SELECT action, details FROM audit_log ORDER BY id").fetchall()
    finally:
        con.close()
    return [(a, json.loads(d or "{}")) for a, d in rows]


def outbox(settings: Settings) -> list[dict[str, Any]]:
    con = sqlite3.connect(settings.db_path)
    try:
        rows = con.execute("SELECT type, payload FROM outbox ORDER BY seq").fetchall()
    finally:
        con.close()
    return [{"type": t, "payload": p} for t, p in rows]


@pytest.fixture
def member(ctx: services.ServiceContext, service_actor: services.Actor) -> str:
    form = services.MemberForm(
        "张小明", "13812345678", birthday=dt.date(1980, 5, 17), address="上海市浦东新区张江路12号"
    )
    return services.register_member(ctx, service_actor, form).id


def test_profile_edit_audits_before_and_after_masked(
    ctx: services.ServiceContext, service_actor: services.Actor, member: str, settings: Settings
) -> None:
    services.update_member(
        ctx,
        service_actor,
        member,
        {"name": "张晓红", "phone": "13987654321", "address": "上海市徐汇区漕溪北路1号"},
    )
    action, details = audit_rows(settings)[-1]
    assert action == "member.update"
    assert details["changes"] == {
        "address": ["浦东新区…", "徐汇区…"],
        "name": ["张*明", "张*红"],
        "phone": ["138****5678", "139****4321"],
    }
    raw = json.dumps(details, ensure_ascii=False)
    for plain in ("张小明", "张晓红", "13812345678", "13987654321", "张江路", "漕溪北路"):
        assert plain not in raw


def test_regular_medicines_keep_dose_supply_and_last_dispensed(
    ctx: services.ServiceContext, service_actor: services.Actor, member: str, settings: Settings
) -> None:
    services.record_consent(ctx, service_actor, member, "health", granted=True)
    med = services.Medicine("苯磺酸氨氯地平片", "5mg 每日一次", 30, dt.date(2026, 11, 20))
    services.record_health(ctx, service_actor, member, ["青霉素"], ["高血压"], [med, "阿司匹林"])
    record = services.read_health(ctx, service_actor, member)
    assert record.medicines == (med, services.Medicine("阿司匹林"))
    assert [a for a, _ in audit_rows(settings)][-2:] == ["health.record", "health.view"]
    # The audit says what was recorded, never the words.
    assert "青霉素" not in json.dumps(audit_rows(settings), ensure_ascii=False)
    with pytest.raises(services.ValidationError) as bad:
        services.record_health(
            ctx, service_actor, member, [], [], [services.Medicine("某药", "", 0)]
        )
    assert bad.value.field == "medicines"


def test_marketing_consent_is_separate_and_withdrawn_without_touching_health(
    ctx: services.ServiceContext, service_actor: services.Actor, member: str, settings: Settings
) -> None:
    services.record_consent(ctx, service_actor, member, "health", granted=True)
    services.record_health(ctx, service_actor, member, ["青霉素"], [], [])
    services.record_consent(ctx, service_actor, member, "marketing", granted=True)
    assert services.consents_of(ctx, service_actor, member) == {
        "basic": None,
        "health": True,
        "marketing": True,
    }
    services.record_consent(ctx, service_actor, member, "marketing", granted=False)
    assert services.consents_of(ctx, service_actor, member)["marketing"] is False
    assert services.read_health(ctx, service_actor, member).allergies == ("青霉素",)
    withdrawals = [d for a, d in audit_rows(settings) if a == "consent.withdraw"]
    assert [d["purpose"] for d in withdrawals] == ["marketing"]
    consent_ops = [o for o in outbox(settings) if o["type"] == "member.consent"]
    assert len(consent_ops) == 3


def test_membership_consent_is_not_withdrawn_at_the_counter(
    ctx: services.ServiceContext, service_actor: services.Actor, member: str
) -> None:
    with pytest.raises(services.ValidationError) as refused:
        services.record_consent(ctx, service_actor, member, "basic", granted=False)
    assert refused.value.field == "purpose"


def test_health_lists_come_from_hq_config_with_defaults(ctx: services.ServiceContext) -> None:
    choices = services.health_choices(ctx)
    assert "高血压" in choices.chronic and "青霉素" in choices.allergy_classes
    from counter.services.config import store_config

    with ctx.db.write() as s:
        store_config(
            s, {"health": {"chronic_conditions": ["痛风"], "allergy_classes": ["碘造影剂"]}}, None
        )
    assert services.health_choices(ctx) == services.HealthChoices(("痛风",), ("碘造影剂",))
