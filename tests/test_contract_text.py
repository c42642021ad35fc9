"""Text the contract refuses (issue 8 item 2), at the counter and through a real sync.

NUL, other control characters, lone surrogates and bidi direction controls are refused in
every text field by ``counter.contract``; the counter says which field, in words, before
anything is queued. An op queued before this rule (an older counter) is rejected at HQ per
op and lands in the problems list, and the good ops of its batch are applied. A push HQ
cannot take at all no longer keeps the counter from pulling.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from faultproxy import Fault, FaultProxy
from sync_helpers import HQ, hq_members, sql
from test_services_ops import gold  # noqa: F401
from test_services_ops import outbox as outbox_rows

from counter import contract, outbox, services
from counter.contract import ContractError, text_problem, validate_op
from counter.settings import Settings
from counter.sync.client import HQClient, RetryPolicy
from counter.sync.engine import sync_once

BAD = {
    "nul": ("张\x00三", "control_character"),
    "escape": ("张\x1b三", "control_character"),
    "c1": ("张\x9b三", "control_character"),
    "surrogate": ("张\ud800三", "unpaired_surrogate"),
    "rlo": ("张\u202e三", "bidi_control"),
    "rli": ("张\u2067三", "bidi_control"),
}
NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
MEMBER = "01890a5d-ac96-774b-bcce-000000000009"


def envelope(op_type: str, payload: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "op_id": "01890a5d-ac96-774b-bcce-0000000000aa",
        "type": op_type,
        "created_at": "2026-11-20T02:00:00Z",
        "store_code": "S001",
        "operator_id": "op-1",
        "payload": payload,
        **extra,
    }


@pytest.mark.parametrize("kind", sorted(BAD))
def test_the_contract_names_the_field_and_the_reason(kind: str) -> None:
    bad, reason = BAD[kind]
    cases = [
        ("name", envelope("member.register", {"member_id": MEMBER, "name": bad,
                                              "phone": "13800000000"})),
        ("address", envelope("member.update", {"member_id": MEMBER,
                                               "changes": {"address": bad}})),
        ("medicines", envelope("member.update", {"member_id": MEMBER,
                                                 "changes": {"health": {"medicines": [bad]}}})),
        ("description", envelope("complaint.create", {
            "complaint_id": MEMBER, "customer_name": "李女士", "category": "price",
            "severity": "low", "channel": "phone", "description": bad,
            "created_at": "2026-11-20T02:00:00Z"})),
        ("operator_id", envelope("points.redeem", {"member_id": MEMBER, "points": 1},
                                 operator_id=bad)),
    ]  # fmt: skip
    for field, op in cases:
        with pytest.raises(ContractError) as info:
            validate_op(op)
        assert info.value.code == "invalid_field"
        assert (info.value.details["field"], info.value.details["reason"]) == (field, reason)
        assert "U+" in info.value.message


def test_paragraphs_keep_their_newlines_and_tabs_lines_do_not() -> None:
    assert text_problem("一\r\n二\t三", multiline=True) is None
    assert text_problem("一\n二") == ("control_character", "a control character (U+000A)")
    assert text_problem("阿沛·阿旺晋美 O'Neil ‎ok") is None  # LRM is a mark, not an override
    assert set(contract.MULTILINE_FIELDS) == {"description", "wants", "note"}


def test_phone_is_ascii_digits_without_a_trailing_newline() -> None:
    assert contract.PHONE_RE.match("13812345678")
    assert not contract.PHONE_RE.match("13812345678\n")
    assert not contract.PHONE_RE.match("1３812345678")


@pytest.mark.parametrize("kind", sorted(BAD))
def test_the_counter_refuses_it_with_a_message_on_the_field(
    ctx: services.ServiceContext,
    service_actor: services.Actor,
    settings: Settings,
    gold: str,  # noqa: F811
    kind: str,
) -> None:
    bad, _reason = BAD[kind]
    ctx.clock = lambda: NOW
    with pytest.raises(services.ValidationError) as info:
        services.register_member(ctx, service_actor, services.MemberForm(bad, "13800000001"))
    assert info.value.field == "name"
    assert "「姓名」含有不允许的字符" in info.value.zh and "name" in info.value.en

    with pytest.raises(services.ValidationError) as info:
        services.update_member(ctx, service_actor, gold, {"address": f"上海{bad}路"})
    assert info.value.field == "address"
    assert "「地址」" in info.value.zh

    with pytest.raises(services.ValidationError) as info:
        services.create_complaint(
            ctx, service_actor, member_id=gold, category="price", severity="low",
            channel="counter", description="太贵", wants=bad,
        )  # fmt: skip
    assert info.value.field == "wants"

    with pytest.raises(services.ValidationError) as info:
        services.redeem_points(ctx, service_actor, gold, 10, reason=bad, online=True)
    assert info.value.field == "reason"
    assert outbox_rows(settings) == []
    complaint = services.create_complaint(
        ctx, service_actor, member_id=gold, category="price", severity="low",
        channel="counter", description="第一次\n第二次", wants="退款",
    )  # fmt: skip
    assert complaint.description == "第一次\n第二次"


def test_an_op_queued_before_the_rule_is_rejected_alone_and_the_rest_syncs(hq: HQ) -> None:
    """An older counter's NUL op: HQ answers it invalid_field, the rest is applied."""
    c = hq.counter("S001")
    services.register_member(c.ctx, c.actor, services.MemberForm("王五", "13700000001"))
    with c.ctx.db.write() as s:
        poisoned = outbox.append(
            s,
            type="member.register",
            payload={"member_id": MEMBER, "name": "张\x00三", "phone": "13700000002"},
            store_code="S001",
            operator_id=c.actor.operator_id,
            now=c.ctx.clock(),
        ).op_id
    services.register_member(c.ctx, c.actor, services.MemberForm("赵六", "13700000003"))
    report = sync_once(c.ctx)
    assert report.ok, report.errors
    assert (report.applied, report.rejected) == (2, 1)
    states = dict(sql(c.ctx, "SELECT op_id, state FROM outbox"))
    assert states[poisoned] == "rejected"
    manager = services.create_operator(c.ctx, "陈刚", "manager", "3333")
    (problem,) = services.list_problems(c.ctx, manager)
    assert (problem.op_id, problem.code) == (poisoned, "invalid_field")
    assert problem.details["field"] == "name"
    names = {m["name"] for m in hq_members(c.ctx).values()}
    assert {"王五", "赵六"} <= names  # the good ops of the batch were applied


def test_the_sync_pulls_even_when_the_push_failed(hq: HQ) -> None:
    """HQ answers every try of the batch with a 500: the pull still brings its changes."""
    hq.seed(30)
    c = hq.counter("S001")
    services.register_member(c.ctx, c.actor, services.MemberForm("王五", "13700000011"))
    with FaultProxy(hq.url) as proxy:
        client = HQClient(
            proxy.url,
            hq.token("S001"),
            retry=RetryPolicy(attempts=2, base_s=0.0, cap_s=0.0),
            sleep=lambda _s: None,
        )
        proxy.script(*[Fault("status", status=500)] * 2, path="/v1/ops")
        try:
            report = sync_once(c.ctx, client=client)
        finally:
            client.close()
    assert not report.ok
    assert any(e.startswith("hq_unavailable") for e in report.errors), report.errors
    assert report.pulled_members >= 30
    assert sql(c.ctx, "SELECT state FROM outbox") == [("pending",)]
    assert sync_once(c.ctx).ok
    assert sql(c.ctx, "SELECT state FROM outbox") == [("applied",)]


def test_a_surrogate_that_slips_past_a_service_is_a_validation_error_not_a_traceback(
    ctx: services.ServiceContext,
) -> None:
    from counter.store.models import KeyValue

    with pytest.raises(services.ValidationError) as info, ctx.db.write() as s:
        s.add(KeyValue(key="x", value="\ud800"))
    assert info.value.detail == "unpaired_surrogate"
