"""Time at the counter: a wrong PC clock must not turn members away (issue 12).

The counter's clock (``ctx.clock``) is shifted; HQ keeps the real time. Through the real
reference HQ on 127.0.0.1 where the skew is measured; on a bare cache where it isn't.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sync_helpers import HQ, cache_members, sql

from counter import codes, services
from counter.contract import parse_member_record, validate_op
from counter.services.clock import ClockRefused, record_skew, skew_words
from counter.store.models import KeyValue
from counter.sync.apply import apply_member_records
from counter.sync.engine import sync_once
from hq.config import rotate_key, signing_key
from hq.db import make_engine
from hq.members import member_code

SEVEN = dt.timedelta(minutes=7)
SALE = [services.SaleLine("otc", 10_000)]
CASH = [services.Tender("cash", 10_000)]


def shifted(by: dt.timedelta) -> Callable[[], dt.datetime]:
    """A PC clock ``by`` off the real time (HQ's)."""
    return lambda: dt.datetime.now(dt.UTC) + by


def a_card(c: Any) -> str:
    """A card number of some member in the counter's cache."""
    cards = next(row[5] for row in cache_members(c.ctx).values() if row[5])
    return str(cards.split(",")[0])


def hq_code(hq: HQ, card_no: str, *, at: dt.datetime | None = None) -> str:
    """A member code as HQ signs it for the member's phone; ``at`` (HQ's time) in the past
    makes a genuinely expired one."""
    engine = make_engine(hq.url_db)
    try:
        fresh = member_code(engine, card_no=card_no)
        with engine.connect() as conn:
            key = signing_key(conn, dt.datetime.now(dt.UTC))
    finally:
        engine.dispose()
    if at is None:
        return fresh.token
    assert key is not None
    return codes.mint_member_token(key[1], key[0], fresh.member_no, at.replace(microsecond=0))


@pytest.fixture
def synced(hq: HQ) -> Iterator[Callable[[dt.timedelta], Any]]:
    """A counter whose PC clock is off by the given amount, after one sync with HQ."""
    hq.seed(5)
    # HQ's first key signs from the second it was made; codes asked for within that second
    # would find none. A key signing since a minute ago, as `hq keys rotate` makes it.
    engine = make_engine(hq.url_db)
    with engine.begin() as conn:
        rotate_key(conn, now=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    engine.dispose()

    def make(offset: dt.timedelta) -> Any:
        c = hq.counter()
        c.ctx.clock = shifted(offset)
        report = sync_once(c.ctx)
        assert report.ok, report.errors
        return c

    yield make


@pytest.mark.parametrize("offset", [SEVEN, -SEVEN], ids=["pc_7_min_fast", "pc_7_min_slow"])
def test_after_a_sync_a_wrong_pc_clock_verifies_fresh_codes_and_refuses_expired_ones(
    hq: HQ, synced: Callable[[dt.timedelta], Any], offset: dt.timedelta
) -> None:
    c = synced(offset)
    assert c.ctx.clock_skew_s == pytest.approx(offset.total_seconds(), abs=5)
    card = a_card(c)
    fresh = services.demo_member_code(c.ctx, card).token  # HQ signs it over HTTP, now
    found = services.lookup(c.ctx, c.actor, fresh)
    assert found.outcome == "found", found.zh
    assert found.member is not None and card in found.member.card_nos

    expired = hq_code(hq, card, at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10))
    refused = services.lookup(c.ctx, c.actor, expired)
    assert (refused.outcome, refused.reason) == ("refused", "expired")
    assert refused.zh == "会员码已过期，请让顾客刷新。"  # genuinely expired: nothing about clocks
    # A code stamped too far ahead of HQ's time is refused too, whatever the PC says.
    ahead = hq_code(hq, card, at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10))
    assert services.lookup(c.ctx, c.actor, ahead).reason == "not_yet_valid"


def test_offline_the_remembered_skew_still_corrects_the_clock(
    hq: HQ, synced: Callable[[dt.timedelta], Any]
) -> None:
    c = synced(SEVEN)
    card = a_card(c)
    c.ctx.close()
    hq.stop()  # HQ gone; the app restarts on the same cache
    again = services.open_context(c.settings)
    try:
        again.clock = shifted(SEVEN)
        assert again.clock_skew_s == pytest.approx(420, abs=5)
        assert services.probe_hq(again).online is False
        found = services.lookup(again, c.actor, hq_code(hq, card))
        assert found.outcome == "found", found.zh
        assert abs(again.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)
    finally:
        again.close()


def test_a_skew_that_changes_between_syncs_is_followed(
    hq: HQ, synced: Callable[[dt.timedelta], Any]
) -> None:
    c = synced(SEVEN)
    card = a_card(c)
    # Someone "fixes" the PC's clock to 1 minute fast; the counter still corrects by 7.
    c.ctx.clock = shifted(dt.timedelta(minutes=1))
    code = services.demo_member_code(c.ctx, card).token
    refused = services.lookup(c.ctx, c.actor, code)
    assert (refused.outcome, refused.reason) == ("refused", "not_yet_valid")
    assert "上次同步时这台电脑的时间比总部快 7 分钟" in refused.zh
    assert "电脑时间可能在那之后被改过" in refused.zh and "F5" in refused.zh
    assert "at the last sync this PC's clock was 7 min ahead of HQ's" in refused.en
    # The next sync measures the new skew, and the same code goes through.
    assert sync_once(c.ctx).ok
    assert c.ctx.clock_skew_s == pytest.approx(60, abs=5)
    assert services.lookup(c.ctx, c.actor, code).outcome == "found"


def test_ops_carry_hqs_time_and_the_pcs_own_beside_it(
    hq: HQ, synced: Callable[[dt.timedelta], Any]
) -> None:
    c = synced(SEVEN)
    view = services.lookup(c.ctx, c.actor, a_card(c)).member
    assert view is not None
    services.earn_points(c.ctx, c.actor, view.id, "R-CLOCK-1", None, SALE, CASH)
    ((op_id, created, pc),) = sql(
        c.ctx, "SELECT op_id, created_at, pc_created_at FROM outbox WHERE type = 'points.earn'"
    )
    real = dt.datetime.now(dt.UTC)
    created_at, pc_time = dt.datetime.fromisoformat(created), dt.datetime.fromisoformat(pc)
    assert abs(created_at - real) < dt.timedelta(seconds=10)
    assert (pc_time - created_at).total_seconds() == pytest.approx(420, abs=5)
    assert sync_once(c.ctx).ok
    con = sqlite3.connect(hq.root / "hq.db")
    try:
        row = con.execute(
            "SELECT created_at, pc_time FROM ops WHERE op_id = ?", (op_id,)
        ).fetchone()
        payload = sql(c.ctx, "SELECT payload FROM outbox WHERE op_id = ?", op_id)[0][0]
    finally:
        con.close()
    hq_created, hq_pc = (dt.datetime.fromisoformat(v).replace(tzinfo=dt.UTC) for v in row)
    assert hq_created == created_at and hq_pc == pc_time
    assert json.loads(payload)["sold_at"].startswith(created_at.strftime("%Y-%m-%dT%H:%M"))


# --------------------------------------------------------------------------- no HQ

NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)  # HQ's time in these tests
KEY = codes.new_signing_key()
MEMBER = {
    "id": "01890a5d-ac96-774b-bcce-000000000001",
    "seq": 1,
    "status": "active",
    "member_no": "1000000001",
    "name": "曾小明",
    "gender": "M",
    "birthday": "1985-03-02",
    "phone": "13812341234",
    "tier": "basic",
    "points": 100,
    "updated_at": "2026-11-01T00:00:00Z",
    "cards": [{"card_no": codes.make_card_no("880000000000001"), "status": "active"}],
}


@pytest.fixture
def bare(ctx: services.ServiceContext) -> services.ServiceContext:
    """A cache with one member and HQ's key, never synced: no skew known."""
    with ctx.db.bulk() as s:
        apply_member_records(s, [parse_member_record(MEMBER)], ctx.cipher, NOW)
        s.add(
            KeyValue(
                key="hq_config", value=json.dumps({"qr_keys": {"7": codes.public_key_b64(KEY)}})
            )
        )
    return ctx


def code_at(moment: dt.datetime) -> str:
    return codes.mint_member_token(KEY, 7, "1000000001", moment)


def test_no_skew_known_yet_the_pc_clock_is_used_and_a_refusal_says_the_clock_may_be_why(
    bare: services.ServiceContext, cashier: services.Actor
) -> None:
    assert bare.clock_skew_s is None
    bare.clock = lambda: NOW
    assert bare.now() == NOW
    assert services.lookup(bare, cashier, code_at(NOW)).outcome == "found"

    bare.clock = lambda: NOW + SEVEN  # PC 7 minutes fast, never compared with HQ
    fast = services.lookup(bare, cashier, code_at(NOW))
    assert (fast.outcome, fast.reason) == ("refused", "expired")
    assert fast.zh.startswith(
        "会员码已过期，请让顾客刷新。若刚刷新的码仍提示过期，就是这台电脑的时间快了"
    )
    assert "此码是 7 分钟前签发的" in fast.zh and "F5" in fast.zh

    bare.clock = lambda: NOW - SEVEN  # 7 minutes slow: HQ's signature says it is
    slow = services.lookup(bare, cashier, code_at(NOW))
    assert (slow.outcome, slow.reason) == ("refused", "not_yet_valid")
    assert "这台电脑的时间比总部慢 7 分钟" in slow.zh and "校正电脑时间" in slow.zh
    assert "this PC's clock is 7 min behind HQ's" in slow.en


def test_a_recorded_skew_corrects_now_and_survives_a_restart(
    bare: services.ServiceContext, settings: Any, cashier: services.Actor
) -> None:
    bare.clock = lambda: NOW + SEVEN
    record_skew(bare, 420.0)
    assert bare.now() == NOW
    assert services.lookup(bare, cashier, code_at(NOW)).outcome == "found"
    assert services.counter_status(bare).clock_skew_s == 420.0
    again = services.open_context(settings)
    try:
        assert again.clock_skew_s == 420.0
    finally:
        again.close()


def test_member_day_and_due_dates_follow_hqs_time_not_the_pcs(
    bare: services.ServiceContext, service_actor: services.Actor
) -> None:
    # HQ: the 8th, 23:56 in China (member day). The PC, 7 minutes fast, says the 9th.
    hq_now = dt.datetime(2026, 11, 8, 15, 56, tzinfo=dt.UTC)
    bare.clock = lambda: hq_now + SEVEN
    member_id = str(MEMBER["id"])
    plain = services.earn_points(bare, service_actor, member_id, "R-1", hq_now + SEVEN, SALE, CASH)
    record_skew(bare, 420.0)
    doubled = services.earn_points(bare, service_actor, member_id, "R-2", None, SALE, CASH)
    assert (plain.points, doubled.points) == (100, 200)
    complaint = services.create_complaint(
        bare,
        service_actor,
        member_id=member_id,
        category="waiting_time",
        severity="high",
        channel="counter",
        description="排队太久",
    )
    assert complaint.due_at == hq_now + dt.timedelta(hours=24)


def test_the_member_panel_badges_follow_hqs_day(
    bare: services.ServiceContext, cashier: services.Actor
) -> None:
    hq_now = dt.datetime(2026, 11, 8, 15, 56, tzinfo=dt.UTC)  # the 8th, 23:56 in China
    bare.clock = lambda: hq_now + SEVEN  # the PC says the 9th already
    card = MEMBER["cards"][0]["card_no"]  # type: ignore[index]
    assert "member_day" not in services.lookup(bare, cashier, card).member.badges  # type: ignore[union-attr]
    record_skew(bare, 420.0)
    assert "member_day" in services.lookup(bare, cashier, card).member.badges  # type: ignore[union-attr]


def test_skew_words() -> None:
    assert skew_words(420) == (
        "这台电脑的时间比总部快 7 分钟",
        "this PC's clock is 7 min ahead of HQ's",
    )
    assert skew_words(-30)[0] == "这台电脑的时间比总部慢 30 秒"
    assert skew_words(-3 * 3600)[0] == "这台电脑的时间比总部慢 3 小时"


def test_the_clock_refusal_pickles_with_its_words() -> None:
    import pickle

    refusal = ClockRefused("expired", "中文", "english", detail="d")
    back = pickle.loads(pickle.dumps(refusal))
    assert (back.code, back.zh, back.en, back.detail) == ("expired", "中文", "english", "d")


def test_pc_time_is_optional_in_the_op_envelope() -> None:
    op = {
        "op_id": "01890a5d-ac96-774b-bcce-000000000009",
        "type": "card.bind",
        "created_at": "2026-11-20T02:00:00Z",
        "store_code": "S001",
        "operator_id": "op-1",
        "payload": {
            "member_id": str(MEMBER["id"]),
            "card_no": codes.make_card_no("880000000000002"),
        },
    }
    assert "pc_time" not in validate_op(op)
    assert validate_op({**op, "pc_time": "2026-11-20T02:07:00+00:00"})["pc_time"] == (
        "2026-11-20T02:07:00.000000Z"
    )


def test_demo_data_from_before_pc_time_is_made_afresh(tmp_path: Any) -> None:
    from counter.demo import prepare

    root = tmp_path / "demo"
    url = prepare(root, 3, progress=False)
    con = sqlite3.connect(root / "hq.db")
    con.execute("ALTER TABLE ops DROP COLUMN pc_time")  # as an HQ before this version made it
    con.close()
    assert prepare(root, 3, progress=False) == url
    con = sqlite3.connect(root / "hq.db")
    try:
        assert "pc_time" in {r[1] for r in con.execute("PRAGMA table_info(ops)")}
        assert con.execute("SELECT count(*) FROM members").fetchone()[0] == 3
    finally:
        con.close()
