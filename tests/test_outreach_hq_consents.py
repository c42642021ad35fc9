"""Consents given at another store reach this counter through HQ's member feed (1.1), so
outreach lists and ``consents_of`` see them; a consent recorded here and not yet pushed
stays on top of an older HQ value."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sync_helpers import HQ, hq_member
from test_outreach import consent, load
from test_outreach import hq_member as cached_record

from counter import services
from counter.contract import parse_member_record
from counter.services import outreach
from counter.services.outreach import OutreachFilter
from counter.services.worklist import _marketing_members
from counter.sync.apply import apply_member_records
from counter.sync.engine import sync_once

PHONE = "13755550101"


def listed(c: services.ServiceContext, actor: services.Actor) -> list[str]:
    return [r.member_no for r in outreach.build_list(c, actor, OutreachFilter()).rows]


def test_marketing_consent_at_store_a_lists_the_member_at_store_b_until_withdrawn(
    hq: HQ,
) -> None:
    a, b = hq.counter("S001"), hq.counter("S002")
    mid = services.register_member(a.ctx, a.actor, services.MemberForm("周敏", PHONE)).id
    services.record_consent(a.ctx, a.actor, mid, "marketing", granted=True)
    assert sync_once(a.ctx).ok
    record = hq_member(a.ctx, phone=PHONE)
    assert record["consents"]["marketing"]["granted"] is True
    assert record["consents"]["marketing"]["store_code"] == "S001"
    member_no = record["member_no"]

    assert sync_once(b.ctx).ok
    assert listed(b.ctx, b.actor) == [member_no]
    assert services.consents_of(b.ctx, b.actor, mid)["marketing"] is True

    services.record_consent(a.ctx, a.actor, mid, "marketing", granted=False)
    assert sync_once(a.ctx).ok
    assert sync_once(b.ctx).ok
    assert listed(b.ctx, b.actor) == []
    assert services.consents_of(b.ctx, b.actor, mid)["marketing"] is False
    # Store A's own list follows its own consents as before.
    assert listed(a.ctx, a.actor) == []


def test_a_consent_pending_here_wins_over_an_older_hq_value(hq: HQ) -> None:
    a, b = hq.counter("S001"), hq.counter("S002")
    mid = services.register_member(a.ctx, a.actor, services.MemberForm("吴昊", PHONE)).id
    services.record_consent(a.ctx, a.actor, mid, "marketing", granted=True)
    assert sync_once(a.ctx).ok
    assert sync_once(b.ctx).ok
    old = hq_member(a.ctx, phone=PHONE)

    # Store B withdraws (pending in its outbox), then HQ's older record arrives again.
    services.record_consent(b.ctx, b.actor, mid, "marketing", granted=False)
    again = parse_member_record(old)
    with b.ctx.db.write() as s:
        apply_member_records(s, [again], b.ctx.cipher, b.ctx.now())
    assert listed(b.ctx, b.actor) == []
    assert services.consents_of(b.ctx, b.actor, mid)["marketing"] is False

    # A newer consent given elsewhere after that withdrawal wins in turn.
    later = dict(again, seq=again["seq"] + 1)
    at = (b.ctx.now() + dt.timedelta(minutes=5)).astimezone(dt.UTC)
    later["consents"] = {
        "marketing": {
            "granted": True,
            "text_version": "marketing-2026.1",
            "at": at.isoformat(timespec="microseconds").replace("+00:00", "Z"),
            "store_code": "S003",
        }
    }
    with b.ctx.db.write() as s:
        apply_member_records(s, [later], b.ctx.cipher, b.ctx.now())
    assert services.consents_of(b.ctx, b.actor, mid)["marketing"] is True


def test_records_of_an_older_hq_without_consents_keep_what_the_counter_knows(hq: HQ) -> None:
    a = hq.counter("S001")
    mid = services.register_member(a.ctx, a.actor, services.MemberForm("郑洁", PHONE)).id
    services.record_consent(a.ctx, a.actor, mid, "marketing", granted=True)
    assert sync_once(a.ctx).ok
    old = {k: v for k, v in hq_member(a.ctx, phone=PHONE).items() if k != "consents"}
    record = parse_member_record(old)
    assert record["consents"] is None
    with a.ctx.db.write() as s:
        apply_member_records(s, [dict(record, seq=record["seq"] + 1)], a.ctx.cipher, a.ctx.now())
    assert services.consents_of(a.ctx, a.actor, mid)["marketing"] is True
    assert len(listed(a.ctx, a.actor)) == 1


def _hq_consent(at: dt.datetime, granted: bool) -> dict[str, Any]:
    text = at.astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
    return {
        "marketing": {"granted": granted, "text_version": None, "at": text, "store_code": "S009"}
    }


def test_work_list_greets_only_consents_given_here_and_respects_a_later_withdrawal(
    ctx: services.ServiceContext,
) -> None:
    actor = services.create_operator(ctx, "王芳", "service", "2222")
    now = ctx.now()
    elsewhere = dict(cached_record(1), consents=_hq_consent(now - dt.timedelta(days=1), True))
    mine = cached_record(2)
    load(ctx, elsewhere, mine)
    consent(ctx, actor, mine["id"], True)
    with ctx.db.read() as s:
        assert _marketing_members(s) == [mine["id"]]  # not the chain's consents
    assert len(outreach.build_list(ctx, actor, OutreachFilter()).rows) == 2

    # The member withdraws at another store after consenting here.
    later = dict(
        mine, seq=mine["seq"] + 10, consents=_hq_consent(ctx.now() + dt.timedelta(1), False)
    )
    load(ctx, later)
    with ctx.db.read() as s:
        assert _marketing_members(s) == []
    assert [r.member_no for r in outreach.build_list(ctx, actor, OutreachFilter()).rows] == [
        elsewhere["member_no"]
    ]
