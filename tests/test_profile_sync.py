"""F8 against the real reference HQ: a profile edit, the health record, a lost card's
replacement and both consent withdrawals arrive at HQ exactly as the counter recorded them,
and another store's counter sees the result (new card, no health)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import text
from sync_helpers import HQ, hq_member, sql

from counter import services
from counter.codes import make_card_no
from counter.sync.engine import sync_once
from hq.db import make_engine

PHONE = "13755550000"
OLD_CARD = make_card_no("620000000000301")
NEW_CARD = make_card_no("620000000000302")
MED = services.Medicine("QZWMEDICINE专药", "每日两次", 30, dt.date(2026, 11, 20))


def hq_rows(hq: HQ, query: str, **params: Any) -> list[dict[str, Any]]:
    engine = make_engine(hq.url_db)
    try:
        with engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(text(query), params)]
    finally:
        engine.dispose()


def as_utc(value: Any) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def test_edit_health_card_replacement_and_withdrawals_arrive_as_recorded(hq: HQ) -> None:
    a, b = hq.counter("S001"), hq.counter("S002")
    view = services.register_member(
        a.ctx, a.actor, services.MemberForm("孙丽", PHONE, card_no=OLD_CARD)
    )
    mid = view.id
    services.record_consent(a.ctx, a.actor, mid, "health", granted=True)
    services.record_consent(a.ctx, a.actor, mid, "marketing", granted=True)
    services.record_health(a.ctx, a.actor, mid, ["青霉素"], ["高血压"], [MED])
    services.update_member(a.ctx, a.actor, mid, {"address": "上海市徐汇区漕溪北路1号"})
    assert sync_once(a.ctx).ok
    at_hq = hq_member(a.ctx, phone=PHONE)
    assert at_hq["health"]["medicines"] == [MED.as_payload()]
    assert at_hq["address"] == "上海市徐汇区漕溪北路1号"

    # The card is lost: a new one replaces it; then both consents are withdrawn.
    services.bind_card(a.ctx, a.actor, mid, NEW_CARD, replaces=OLD_CARD)
    services.record_consent(a.ctx, a.actor, mid, "health", granted=False)
    services.record_consent(a.ctx, a.actor, mid, "marketing", granted=False)
    report = sync_once(a.ctx)
    assert report.ok and not report.rejections, report.errors

    # Consents: every one, in order, with the counter's time, operator and store.
    here = sql(
        a.ctx,
        "SELECT op_id, purpose, granted, recorded_at, operator_id FROM consents "
        "WHERE member_id = ? ORDER BY recorded_at, id",
        mid,
    )
    there = hq_rows(
        hq,
        "SELECT id, purpose, granted, recorded_at, operator_id, store_code FROM consents "
        "WHERE member_id = :m ORDER BY recorded_at, id",
        m=mid,
    )
    assert [(r["id"], r["purpose"], bool(r["granted"]), r["operator_id"]) for r in there] == [
        (op, purpose, bool(granted), operator) for op, purpose, granted, _, operator in here
    ]
    assert [as_utc(r["recorded_at"]) for r in there] == [as_utc(r[3]) for r in here]
    assert {r["store_code"] for r in there} == {"S001"}
    assert [(r["purpose"], bool(r["granted"])) for r in there][-2:] == [
        ("health", False),
        ("marketing", False),
    ]

    # Health erased at HQ; the cards as the counter bound them.
    member = hq_rows(hq, "SELECT health, health_consent FROM members WHERE id = :m", m=mid)[0]
    assert member["health"] is None and not member["health_consent"]
    cards = hq_rows(hq, "SELECT card_no, status FROM cards WHERE member_id = :m", m=mid)
    assert sorted((c["card_no"], c["status"]) for c in cards) == sorted(
        [(OLD_CARD, "replaced"), (NEW_CARD, "active")]
    )
    binds = [
        json.loads(p) for (p,) in sql(a.ctx, "SELECT payload FROM outbox WHERE type = 'card.bind'")
    ]
    assert binds == [{"member_id": mid, "card_no": NEW_CARD, "replaces": OLD_CARD}]

    # Another store's counter: the new card finds her, the old one does not; no health.
    assert sync_once(b.ctx).ok
    found = services.find_by_card(b.ctx, b.actor, NEW_CARD)
    assert found is not None and found.id == mid and not found.allergy_alert
    assert services.find_by_card(b.ctx, b.actor, OLD_CARD) is None
    assert services.read_health(b.ctx, b.actor, mid).empty
