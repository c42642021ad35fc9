"""The complaints desk in the core (issue 16): numbers, refusals, the workflow, figures, merge."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from faultproxy import Fault, FaultProxy
from hypothesis import HealthCheck
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import create_engine, text
from sync_helpers import HQ, sql

from counter import rules, services
from counter.services.complaints import NEEDS_NOTE, TRANSITIONS
from counter.settings import Settings
from counter.sync.client import HQClient, RetryPolicy
from counter.sync.engine import sync_once

NOW = dt.datetime(2026, 12, 6, 2, 0, tzinfo=dt.UTC)  # 10:00 in China


def _log(
    ctx: services.ServiceContext, actor: services.Actor, **extra: Any
) -> services.ComplaintView:
    fields: dict[str, Any] = {
        "category": "price",
        "severity": "medium",
        "channel": "counter",
        "description": "标价与收银不符",
        "customer_name": "王女士",
        "customer_phone": "13912345678",
    }
    fields.update(extra)
    return services.create_complaint(ctx, actor, **fields)


def _day(moment: dt.datetime) -> str:
    return moment.astimezone().strftime("%Y%m%d")


# ----------------------------------------------------------------------------- numbers


def test_numbers_are_per_store_pc_and_day(tmp_path: Path) -> None:
    pcs = []
    for no in (1, 2):
        settings = Settings(
            store_code="S001",
            counter_no=no,
            data_dir=str(tmp_path / f"pc{no}"),
            secret_store="file",
        )
        ctx = services.open_context(settings)
        ctx.clock = lambda: NOW
        pcs.append((ctx, services.create_operator(ctx, "王芳", "service", "2222")))
    day = _day(NOW)
    try:
        numbers = [[_log(ctx, actor).number for _ in range(3)] for ctx, actor in pcs]
        assert numbers == [
            [f"S001-1-{day}-001", f"S001-1-{day}-002", f"S001-1-{day}-003"],
            [f"S001-2-{day}-001", f"S001-2-{day}-002", f"S001-2-{day}-003"],
        ]
        ctx, actor = pcs[1]
        ctx.clock = lambda: NOW + dt.timedelta(days=1)
        assert _log(ctx, actor).number == f"S001-2-{_day(NOW + dt.timedelta(days=1))}-001"
        # The number travels in the op: HQ keeps what the counter numbered.
        payloads = [json.loads(p) for (p,) in sql(ctx, "SELECT payload FROM outbox")]
        assert payloads[0]["number"] == f"S001-2-{day}-001"
    finally:
        for ctx, _ in pcs:
            ctx.close()


def test_the_sequence_goes_past_999(
    ctx: services.ServiceContext, service_actor: services.Actor
) -> None:
    ctx.clock = lambda: NOW
    prefix = f"S001-1-{_day(NOW)}-"
    with ctx.db.write() as s:
        from counter.services.complaints import next_number

        assert next_number(s, ctx, NOW) == prefix + "001"
    first = _log(ctx, service_actor)
    with ctx.db.write() as s:
        s.execute(
            text("UPDATE complaints SET number = :n WHERE id = :id"),
            {"n": prefix + "999", "id": first.id},
        )
    assert _log(ctx, service_actor).number == prefix + "1000"
    assert _log(ctx, service_actor).number == prefix + "1001"


def test_settings_keep_the_counter_number_within_1_to_9() -> None:
    from counter.settings import SettingsError, parse_value

    assert parse_value("counter_no", "2") == 2
    for bad in ("0", "10"):
        with pytest.raises(SettingsError):
            parse_value("counter_no", bad)


# ----------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"description": "   "}, "description"),
        ({"description": "长" * 5000}, "description"),
        ({"customer_phone": "1391234"}, "customer_phone"),
        ({"customer_phone": "139123456789"}, "customer_phone"),
        ({"customer_name": ""}, "customer_name"),
        ({"customer_phone": ""}, "customer_phone"),
        ({"wants": "要" * 1001}, "wants"),
        ({"severity": ""}, "severity"),
    ],
)
def test_bad_input_gets_a_message_on_its_field_and_nothing_is_saved(
    ctx: services.ServiceContext,
    service_actor: services.Actor,
    extra: dict[str, Any],
    field: str,
) -> None:
    with pytest.raises(services.ValidationError) as info:
        _log(ctx, service_actor, **extra)
    assert info.value.field == field
    assert info.value.zh and info.value.en
    assert sql(ctx, "SELECT count(*) FROM complaints") == [(0,)]
    assert sql(ctx, "SELECT count(*) FROM outbox") == [(0,)]


def test_resolving_escalating_and_closing_need_their_texts(
    ctx: services.ServiceContext, service_actor: services.Actor
) -> None:
    ctx.clock = lambda: NOW
    manager = services.create_operator(ctx, "陈刚", "manager", "3333")
    c = _log(ctx, service_actor)
    with pytest.raises(services.ValidationError) as info:
        services.update_complaint(ctx, service_actor, c.id, status="escalated")
    assert (info.value.field, info.value.detail) == ("note", "note_required")
    services.update_complaint(ctx, service_actor, c.id, status="handling")
    with pytest.raises(services.ValidationError) as info:
        services.update_complaint(ctx, service_actor, c.id, status="resolved", note="  ")
    assert info.value.detail == "note_required"
    services.update_complaint(ctx, service_actor, c.id, status="resolved", note="退差价 3 元")
    with pytest.raises(services.ValidationError) as info:
        services.update_complaint(ctx, service_actor, c.id, status="closed")
    assert info.value.detail == "followup_required"
    # Only a manager overrides, and only with a reason.
    with pytest.raises(services.PermissionDenied):
        services.update_complaint(
            ctx, service_actor, c.id, status="closed", note="联系不上", override=True
        )
    with pytest.raises(services.ValidationError) as info:
        services.update_complaint(ctx, manager, c.id, status="closed", override=True)
    assert info.value.detail == "note_required"
    done = services.update_complaint(
        ctx, manager, c.id, status="closed", note="三次未接通，店长结案", override=True
    )
    assert done.status == "closed" and done.followup is None
    # A follow-up closes it without an override.
    other = _log(ctx, service_actor)
    services.update_complaint(ctx, service_actor, other.id, status="handling")
    services.update_complaint(ctx, service_actor, other.id, status="resolved", note="已道歉")
    visit = services.Followup(4, "还算满意", NOW, method="wechat", reached=True)
    closed = services.update_complaint(
        ctx, service_actor, other.id, status="closed", followup=visit
    )
    assert closed.followup == visit
    with pytest.raises(services.ValidationError) as info:
        services.update_complaint(ctx, service_actor, other.id, followup=services.Followup(6))
    assert info.value.field == "satisfaction"


def test_names_and_phones_are_masked_and_a_reveal_is_audited(
    ctx: services.ServiceContext, service_actor: services.Actor, cashier: services.Actor
) -> None:
    c = _log(ctx, cashier)  # every role logs a complaint
    assert (c.customer_name, c.customer_phone) == ("王*士", "139****5678")
    with pytest.raises(services.PermissionDenied):
        services.reveal_customer(ctx, cashier, c.id)
    contact = services.reveal_customer(ctx, service_actor, c.id, "回访致电")
    assert (contact.name, contact.phone) == ("王女士", "13912345678")
    audits = sql(ctx, "SELECT action FROM audit_log WHERE action = 'complaint.reveal'")
    assert audits == [("complaint.reveal",)]


# ----------------------------------------------------------------------------- the list


def test_the_list_filters_sorts_and_searches(
    ctx: services.ServiceContext, service_actor: services.Actor, cashier: services.Actor
) -> None:
    ctx.clock = lambda: NOW
    urgent = _log(
        ctx, service_actor, severity="urgent", description="药品过期", category="product_quality"
    )
    low = _log(ctx, cashier, severity="low", description="空调太冷", customer_phone="13700001111")
    high = _log(ctx, cashier, severity="high", description="等了很久", category="waiting_time")
    services.update_complaint(ctx, service_actor, high.id, note="已安抚")
    every = services.search_complaints(ctx, service_actor)
    assert [c.id for c in every] == [urgent.id, high.id, low.id]  # soonest due first
    flt = services.ComplaintFilter
    assert [c.id for c in services.search_complaints(ctx, service_actor, flt(severity="low"))] == [
        low.id
    ]
    cat = services.search_complaints(ctx, service_actor, flt(category="product_quality"))
    assert [c.id for c in cat] == [urgent.id]
    mine = services.search_complaints(ctx, service_actor, flt(mine=True))
    assert {c.id for c in mine} == {urgent.id, high.id}  # logged it, or wrote in it
    assert [c.id for c in services.search_complaints(ctx, service_actor, flt(text="1111"))] == [
        low.id
    ]
    assert [c.id for c in services.search_complaints(ctx, service_actor, flt(text="过期"))] == [
        urgent.id
    ]
    by_number = services.search_complaints(ctx, service_actor, flt(text=high.number))
    assert [c.id for c in by_number] == [high.id]
    ctx.clock = lambda: NOW + dt.timedelta(hours=30)
    overdue = services.search_complaints(ctx, service_actor, flt(overdue_only=True))
    assert [c.id for c in overdue] == [urgent.id, high.id]
    assert all(c.overdue for c in overdue)
    with pytest.raises(services.PermissionDenied):
        services.search_complaints(ctx, cashier)


def test_the_figures_for_the_managers_desk(
    ctx: services.ServiceContext, service_actor: services.Actor
) -> None:
    ctx.clock = lambda: NOW
    a = _log(ctx, service_actor, severity="urgent")
    b = _log(ctx, service_actor, category="waiting_time")
    _log(ctx, service_actor, severity="low")
    for c, hours in ((a, 2), (b, 6)):
        services.update_complaint(ctx, service_actor, c.id, status="handling")
        ctx.clock = lambda h=hours: NOW + dt.timedelta(hours=h)  # type: ignore[misc]
        services.update_complaint(ctx, service_actor, c.id, status="resolved", note="已处理")
        ctx.clock = lambda: NOW
    services.update_complaint(ctx, service_actor, a.id, followup=services.Followup(5))
    services.update_complaint(ctx, service_actor, b.id, followup=services.Followup(2))
    ctx.clock = lambda: NOW + dt.timedelta(days=10)
    figures = services.complaint_figures(
        ctx, service_actor, NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=1)
    )
    assert figures.total == 3
    assert figures.by_category == {"price": 2, "waiting_time": 1}
    assert figures.by_state == {"resolved": 2, "received": 1}
    assert figures.by_severity == {"urgent": 1, "medium": 1, "low": 1}
    assert figures.overdue == 1
    assert figures.average_satisfaction == 3.5
    assert figures.median_hours_to_resolve == 4.0


# ----------------------------------------------------------------------------- the workflow


class Workflow(RuleBasedStateMachine):
    """Random moves on one complaint: only legal ones succeed, the timeline only grows."""

    def __init__(self) -> None:
        super().__init__()
        import tempfile

        self.tmp = tempfile.TemporaryDirectory()
        settings = Settings(store_code="S001", data_dir=self.tmp.name, secret_store="file")
        self.ctx = services.open_context(settings)
        self.ctx.clock = lambda: NOW
        self.desk = services.create_operator(self.ctx, "王芳", "service", "2222")
        self.manager = services.create_operator(self.ctx, "陈刚", "manager", "3333")
        self.severity = "medium"
        self.complaint: services.ComplaintView | None = None
        self.notes = 0

    def teardown(self) -> None:
        self.ctx.close()
        self.tmp.cleanup()

    @precondition(lambda self: self.complaint is None)
    @rule(severity=st.sampled_from(("low", "medium", "high", "urgent")))
    def log(self, severity: str) -> None:
        self.complaint = _log(self.ctx, self.desk, severity=severity)
        self.severity = severity

    @precondition(lambda self: self.complaint is not None)
    @rule(
        status=st.sampled_from(("received", "handling", "resolved", "closed", "escalated")),
        note=st.sampled_from(("", "已处理")),
        followup=st.booleans(),
        override=st.booleans(),
    )
    def move(self, status: str, note: str, followup: bool, override: bool) -> None:
        assert self.complaint is not None
        before = self.complaint
        legal = status == before.status or status in TRANSITIONS[before.status]
        actor = self.manager if override else self.desk
        visit = services.Followup(4, at=NOW) if followup else None
        try:
            after = services.update_complaint(
                self.ctx, actor, before.id, status=status, note=note, followup=visit,
                override=override,
            )  # fmt: skip
        except services.ValidationError:
            assert services.get_complaint(self.ctx, self.desk, before.id) == before
            return
        assert legal, (before.status, status)
        if status in NEEDS_NOTE and status != before.status:
            assert note
        if status == "closed" and before.status != "closed":
            assert before.followup or visit or (override and note)
        self.complaint = after

    @invariant()
    def timeline_only_grows_and_due_follows_config(self) -> None:
        if self.complaint is None:
            return
        now = services.get_complaint(self.ctx, self.desk, self.complaint.id)
        assert len(now.notes) >= self.notes
        self.notes = len(now.notes)
        assert now.due_at == rules.complaint_due(rules.Rules(), self.severity, NOW)


TestWorkflow = Workflow.TestCase
TestWorkflow.settings = hsettings(
    max_examples=25, stateful_step_count=12, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)  # fmt: skip


# ----------------------------------------------------------------------------- with HQ


def test_numbers_survive_hq_and_reach_the_stores_other_pc(hq: HQ) -> None:
    one, two = hq.counter("S001"), hq.counter("S001")
    two.ctx.counter_no = 2
    for c in (one, two):
        c.ctx.clock = lambda: NOW
    first = _log(one.ctx, one.actor)
    second = _log(two.ctx, two.actor)
    assert first.number != second.number
    for c in (one, two, one):
        assert sync_once(c.ctx).ok
    numbers = {v.number for v in services.search_complaints(one.ctx, one.actor)}
    assert numbers == {first.number, second.number}


def test_changed_on_both_sides_merge_hq_state_wins_store_notes_kept(hq: HQ) -> None:
    """Through the fault proxy: the store's offline note and HQ's move converge, nothing lost."""
    from hq.complaints import hq_update_complaint

    c = hq.counter("S001")
    c.ctx.clock = lambda: NOW
    complaint = _log(c.ctx, c.actor, severity="high")
    services.update_complaint(c.ctx, c.actor, complaint.id, status="escalated", note="需总部核价")
    assert sync_once(c.ctx).ok
    # HQ takes it back to handling and writes; meanwhile the store (offline) writes and
    # resolves it from its own copy, which HQ's state has overtaken.
    engine = create_engine(hq.url_db)
    try:
        hq_update_complaint(
            engine, complaint.id, status="handling", note="总部已核价，请门店退差价"
        )
    finally:
        engine.dispose()
    c.ctx.clock = lambda: NOW + dt.timedelta(hours=1)
    services.update_complaint(c.ctx, c.actor, complaint.id, note="顾客又来电催问")
    with FaultProxy(hq.url) as proxy:
        client = HQClient(
            proxy.url,
            hq.token("S001"),
            retry=RetryPolicy(attempts=4, base_s=0.0, cap_s=0.0),
            sleep=lambda _s: None,
        )
        # HQ applies the push but the counter gets no usable answer, twice: the retries
        # are replays, and the merge still comes out once.
        proxy.script(
            Fault("reset_response"), Fault("status", status=503, after=True), path="/v1/ops"
        )
        try:
            for _ in range(3):
                if sync_once(c.ctx, client=client).ok:
                    break
        finally:
            client.close()
    assert sync_once(c.ctx).ok
    view = services.get_complaint(c.ctx, c.actor, complaint.id)
    assert view.status == "handling"  # HQ's state
    assert view.changed_at_hq
    texts = [n.text for n in view.notes]
    assert texts == ["需总部核价", "总部已核价，请门店退差价", "顾客又来电催问"]
    assert sql(c.ctx, "SELECT state FROM outbox WHERE state != 'applied'") == []


def test_a_store_move_hq_overtook_keeps_its_note(hq: HQ) -> None:
    """The store escalated and then, offline, could not know HQ resolved it: note kept."""
    from hq.complaints import hq_update_complaint

    c = hq.counter("S001")
    c.ctx.clock = lambda: NOW
    complaint = _log(c.ctx, c.actor)
    services.update_complaint(c.ctx, c.actor, complaint.id, status="handling")
    assert sync_once(c.ctx).ok
    engine = create_engine(hq.url_db)
    try:
        hq_update_complaint(engine, complaint.id, status="escalated", note="总部接手")
    finally:
        engine.dispose()
    services.update_complaint(c.ctx, c.actor, complaint.id, status="resolved", note="已当面退差价")
    assert sync_once(c.ctx).ok
    view = services.get_complaint(c.ctx, c.actor, complaint.id)
    assert view.status == "escalated"  # HQ's state wins
    assert {"总部接手", "已当面退差价"} <= {n.text for n in view.notes}  # nothing lost
    results = [json.loads(r) for (r,) in sql(c.ctx, "SELECT result FROM outbox")]
    assert {"from": "escalated", "to": "resolved"} in [r.get("status_superseded") for r in results]
