"""Registration (F2): member, separate consents with their text versions, health, card and
referrer in one transaction; and against the real HQ, they arrive as recorded."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from sync_helpers import HQ, hq_member, sql

from counter import contract, services
from counter.codes import is_card_no, make_card_no
from counter.services import registration as reg
from counter.sync.engine import sync_once

PHONE = "13912345670"
CARD = make_card_no("886000000000123")


def _register(ctx: Any, actor: Any, **kw: Any) -> services.MemberView:
    form = services.MemberForm(
        kw.pop("name", "钱小红"), kw.pop("phone", PHONE), card_no=kw.pop("card_no", "")
    )
    return reg.register(ctx, actor, reg.Registration(form=form, **kw))


def _ops(ctx: Any) -> list[tuple[str, str]]:
    return sql(ctx, "SELECT type, payload FROM outbox ORDER BY seq")


def test_one_transaction_records_member_consents_health_and_card(ctx, service_actor) -> None:
    view = _register(
        ctx,
        service_actor,
        card_no=CARD,
        consents=frozenset({"basic", "health", "marketing"}),
        allergies=["青霉素"],
    )
    kinds = [k for k, _ in _ops(ctx)]
    assert kinds == ["member.register"] + ["member.consent"] * 3 + ["member.update"]
    versions = sql(
        ctx,
        "SELECT json_extract(payload, '$.purpose'), json_extract(payload, '$.text_version') "
        "FROM outbox WHERE type = 'member.consent' ORDER BY json_extract(payload, '$.purpose')",
    )
    assert versions == [
        (p, contract.DEFAULT_CONSENT_TEXTS[p]["version"]) for p in ("basic", "health", "marketing")
    ]
    assert services.find_by_card(ctx, service_actor, CARD).id == view.id  # type: ignore[union-attr]
    assert services.read_health(ctx, service_actor, view.id).allergies == ("青霉素",)


def test_basic_consent_is_required_and_health_needs_its_own(ctx, service_actor) -> None:
    with pytest.raises(services.ValidationError) as e:
        _register(ctx, service_actor, consents=frozenset({"health"}))
    assert e.value.field == "consent_basic"
    with pytest.raises(services.ValidationError) as e:
        _register(ctx, service_actor, allergies=["青霉素"])
    assert e.value.field == "consent_health"
    assert _ops(ctx) == []  # nothing saved


def test_a_cashier_cannot_register_here(ctx, cashier) -> None:
    with pytest.raises(services.PermissionDenied):
        _register(ctx, cashier)


def test_a_card_bound_to_someone_else_is_refused(ctx, service_actor) -> None:
    _register(ctx, service_actor, card_no=CARD)
    with pytest.raises(services.ValidationError) as e:
        reg.check_card(ctx, service_actor, CARD)
    assert e.value.field == "card_no"
    with pytest.raises(services.ValidationError) as e:
        reg.check_card(ctx, service_actor, CARD[:-1] + str((int(CARD[-1]) + 1) % 10))
    assert "check digit" in e.value.en


def test_issued_numbers_come_from_this_pcs_block(ctx, service_actor) -> None:
    with pytest.raises(services.ValidationError) as e:  # no block before the first sync
        _register(ctx, service_actor, issue_card=True)
    assert e.value.field == "card_no"
    con = sqlite3.connect(ctx.db.path)
    with con:
        con.execute(
            "INSERT OR REPLACE INTO kv(key, value) VALUES ('hq_config', ?)",
            ('{"card_blocks": {"S001": "887000004"}}',),
        )
    con.close()
    a = _register(ctx, service_actor, issue_card=True)
    b = _register(ctx, service_actor, phone="13912345671", issue_card=True)
    cards = [c for (c,) in sql(ctx, "SELECT card_no FROM cards ORDER BY card_no")]
    assert cards == [make_card_no("8870000041" + "00001"), make_card_no("8870000041" + "00002")]
    assert all(is_card_no(c) for c in cards) and a.id != b.id
    ctx.counter_no = 2  # PC 2 numbers from its own part of the block (one cache here: seq 3)
    _register(ctx, service_actor, phone="13912345672", issue_card=True)
    assert make_card_no("8870000042" + "00003") in [
        c for (c,) in sql(ctx, "SELECT card_no FROM cards")
    ]


def test_registration_consents_card_and_referrer_arrive_at_hq_as_recorded(hq: HQ) -> None:
    counter = hq.counter("S001")
    ctx, actor = counter.ctx, counter.actor
    assert sync_once(ctx).ok  # the config brings the texts and the store's card block
    referrer = _register(ctx, actor, name="孙丽", phone="13800001111", card_no=CARD)
    texts = reg.consent_texts(ctx)
    view = reg.register(
        ctx,
        actor,
        reg.Registration(
            form=services.MemberForm("周杰", PHONE, gender="M"),
            consents=frozenset({"basic", "health", "marketing"}),
            allergies=["磺胺类"],
            referrer_id=reg.find_referrer(ctx, actor, CARD).id,
            issue_card=True,
        ),
    )
    assert sync_once(ctx).ok
    card = sql(ctx, "SELECT card_no FROM cards WHERE member_id = ?", view.id)[0][0]
    assert card.startswith("887000001" + "1")
    record = hq_member(ctx, phone=PHONE)
    assert record["id"] == view.id and record["cards"][0]["card_no"] == card
    assert record["health"]["allergies"] == ["磺胺类"]
    from sqlalchemy import create_engine, text

    engine = create_engine(hq.url_db)
    with engine.connect() as conn:
        consents = conn.execute(
            text(
                "SELECT purpose, granted, text_version, operator_id, store_code FROM consents "
                "WHERE member_id = :m ORDER BY purpose"
            ),
            {"m": view.id},
        ).all()
        ref = conn.scalar(text("SELECT referrer_id FROM members WHERE id = :m"), {"m": view.id})
    engine.dispose()
    assert [tuple(r) for r in consents] == [
        (p, True, texts[p].version, actor.operator_id, "S001")
        for p in ("basic", "health", "marketing")
    ]
    assert ref == referrer.id


def test_an_offline_registration_hq_had_first_is_told_on_the_member(hq: HQ) -> None:
    """Two stores register one phone offline; the second learns it in words on the panel."""
    a, b = hq.counter("S001"), hq.counter("S002")
    assert sync_once(a.ctx).ok and sync_once(b.ctx).ok
    _register(a.ctx, a.actor, name="赵敏")
    local = _register(b.ctx, b.actor, name="赵敏", consents=frozenset({"basic", "marketing"}))
    assert not services.get_member(b.ctx, b.actor, local.id).merged_here
    assert sync_once(a.ctx).ok
    report = sync_once(b.ctx)
    assert report.ok and report.repointed == 2  # both consents went to HQ's member
    hq_view = services.lookup(b.ctx, b.actor, PHONE).member
    assert hq_view is not None and hq_view.id != local.id and hq_view.merged_here
    (problem,) = services.list_problems(
        b.ctx, services.create_operator(b.ctx, "陈刚", "manager", "3333")
    )
    assert problem.code == "phone_registered"


def test_a_card_another_store_bound_is_refused_when_hq_is_asked(hq: HQ) -> None:
    here, other = hq.counter("S001"), hq.counter("S002")
    assert sync_once(here.ctx).ok
    _register(other.ctx, other.actor, card_no=CARD)
    assert sync_once(other.ctx).ok
    assert reg.check_card(here.ctx, here.actor, CARD) == CARD  # this cache does not know it
    with pytest.raises(services.ValidationError) as e:
        reg.check_card_at_hq(here.ctx, here.actor, CARD)
    assert e.value.field == "card_no"
    free = make_card_no("886000000000999")
    assert reg.check_card_at_hq(here.ctx, here.actor, free) == free
    hq.stop()  # offline: the counter's own answer stands; HQ decides at sync
    assert reg.check_card_at_hq(here.ctx, here.actor, CARD) == CARD
