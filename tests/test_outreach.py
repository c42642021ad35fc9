"""Outreach lists (DESIGN §12): marketing consent decides who is listed, birthdays across
the new year and 29 February, lapsed members, new members, tier and district, erasure."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

import pytest

from counter import services
from counter.errors import PermissionDenied, ValidationError
from counter.services import outreach
from counter.services.outreach import OutreachFilter, birthday_window
from counter.services.registration import Registration, register
from counter.settings import Settings
from counter.sync.apply import apply_member_records

# Noon UTC: the same calendar day in every time zone from UTC-11 to UTC+11.
NOW = dt.datetime(2026, 12, 28, 12, 0, tzinfo=dt.UTC)


class Clock:
    """The counter's clock, moved on by each call (so no two consents share an instant)."""

    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        self.at += dt.timedelta(milliseconds=1)
        return self.at


@pytest.fixture
def clock(ctx: services.ServiceContext) -> Clock:
    c = Clock(NOW)
    ctx.clock = c
    return c


def hq_member(i: int, **fields: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "id": f"01900000-0000-7000-8000-{i:012d}",
        "seq": i,
        "status": "active",
        "member_no": f"{1_000_000_000 + i}",
        "name": f"王小{'明红刚'[i % 3]}",
        "gender": "F",
        "birthday": "1970-06-15",
        "phone": f"139{i:08d}",
        "email": "",
        "address": "",
        "tier": "basic",
        "points": 0,
        "health": None,
        "updated_at": "2026-11-01T00:00:00.000000Z",
        "cards": [],
        "points_expiring": [],
        "recent_visits": [],
    }
    rec.update(fields)
    return rec


def load(ctx: services.ServiceContext, *records: dict[str, Any]) -> None:
    with ctx.db.write() as s:
        apply_member_records(s, list(records), ctx.cipher, ctx.now())


def consent(ctx: services.ServiceContext, actor: services.Actor, mid: str, granted: bool) -> None:
    services.record_consent(ctx, actor, mid, "marketing", granted=granted)


def ids(ctx: services.ServiceContext, actor: services.Actor, flt: OutreachFilter) -> list[str]:
    return [r.member_no for r in outreach.build_list(ctx, actor, flt).rows]


def no(i: int) -> str:
    return f"{1_000_000_000 + i}"


def test_only_the_latest_marketing_consent_granted_lists_a_member(
    ctx: services.ServiceContext, service_actor: services.Actor, clock: Clock
) -> None:
    load(ctx, *(hq_member(i) for i in range(1, 6)))
    consent(ctx, service_actor, hq_member(1)["id"], True)
    consent(ctx, service_actor, hq_member(2)["id"], True)
    consent(ctx, service_actor, hq_member(2)["id"], False)  # withdrawn since
    consent(ctx, service_actor, hq_member(3)["id"], False)
    consent(ctx, service_actor, hq_member(3)["id"], True)  # given again
    services.record_consent(ctx, service_actor, hq_member(4)["id"], "health", granted=True)
    # 5: no consent recorded here at all
    assert ids(ctx, service_actor, OutreachFilter()) == [no(1), no(3)]
    assert services.consents_of(ctx, service_actor, hq_member(2)["id"])["marketing"] is False


def test_rows_are_masked_and_health_selects_nobody(
    ctx: services.ServiceContext, service_actor: services.Actor, clock: Clock
) -> None:
    sick = register(
        ctx,
        service_actor,
        Registration(
            services.MemberForm("张小明", "13812345678", address="上海市浦东新区张江路12号"),
            consents=frozenset({"basic", "health"}),
            chronic=("高血压",),
        ),
    )
    fine = register(
        ctx,
        service_actor,
        Registration(
            services.MemberForm("李晓红", "13912345678", address="上海市浦东新区世纪大道1号"),
            consents=frozenset({"basic", "marketing"}),
        ),
    )
    rows = outreach.build_list(ctx, service_actor, OutreachFilter()).rows
    assert [r.member_id for r in rows] == [fine.id]  # health consent is not marketing consent
    assert (rows[0].name, rows[0].phone, rows[0].district) == ("李*红", "139****5678", "浦东新区")
    assert sick.id not in {r.member_id for r in rows}


def test_birthday_window_crosses_the_new_year_and_keeps_leap_day_birthdays() -> None:
    window = birthday_window(dt.date(2026, 12, 28), 7)
    assert sorted(window) == ["01-01", "01-02", "01-03", "12-28", "12-29", "12-30", "12-31"]
    assert window["01-03"] == dt.date(2027, 1, 3)
    # 2027 has no 29 February: it is celebrated on the 28th.
    feb = birthday_window(dt.date(2027, 2, 25), 4)
    assert feb["02-29"] == dt.date(2027, 2, 28)
    assert "03-01" not in feb
    # ... and in a leap year on its own day.
    leap = birthday_window(dt.date(2028, 2, 25), 5)
    assert leap["02-28"] == dt.date(2028, 2, 28) and leap["02-29"] == dt.date(2028, 2, 29)
    assert "02-29" not in birthday_window(dt.date(2027, 3, 1), 30)
    assert len(birthday_window(dt.date(2026, 1, 1), 30)) == 30


def test_birthdays_next_7_and_30_days_soonest_first(
    ctx: services.ServiceContext, service_actor: services.Actor, clock: Clock
) -> None:
    days = {1: "1980-12-27", 2: "1990-12-28", 3: "1975-01-03", 4: "1960-01-04", 5: "1988-01-20",
            6: "2000-02-29", 7: None}  # fmt: skip
    load(ctx, *(hq_member(i, birthday=b) for i, b in days.items()))
    for i in days:
        consent(ctx, service_actor, hq_member(i)["id"], True)
    week = outreach.build_list(ctx, service_actor, OutreachFilter(outreach.BIRTHDAYS, 7))
    assert [r.member_no for r in week.rows] == [no(2), no(3)]
    assert [r.next_birthday for r in week.rows] == [dt.date(2026, 12, 28), dt.date(2027, 1, 3)]
    assert week.rows[0].birthday == "12-28"
    month = ids(ctx, service_actor, OutreachFilter(outreach.BIRTHDAYS, 30))
    assert month == [no(2), no(3), no(4), no(5)]
    # 28 Feb 2027, a year without a 29th: the leap-day member is on the list.
    clock.at = dt.datetime(2027, 2, 20, 12, 0, tzinfo=dt.UTC)
    feb = outreach.build_list(ctx, service_actor, OutreachFilter(outreach.BIRTHDAYS, 9))
    assert [(r.member_no, r.next_birthday) for r in feb.rows] == [(no(6), dt.date(2027, 2, 28))]


def test_lapsed_members_by_their_last_visit_anywhere(
    ctx: services.ServiceContext, service_actor: services.Actor, clock: Clock
) -> None:
    def visit(days_ago: int) -> list[dict[str, Any]]:
        at = (NOW - dt.timedelta(days=days_ago)).isoformat(timespec="microseconds")
        return [{"at": at.replace("+00:00", "Z"), "store_code": "S002", "amount_fen": 1000}]

    load(
        ctx,
        hq_member(1, recent_visits=visit(200)),  # lapsed
        hq_member(2, recent_visits=visit(10)),  # bought at another store 10 days ago
        hq_member(3, recent_visits=visit(300)),  # but earned points here today (below)
        hq_member(4),  # never bought: seen when the consent was recorded
    )
    clock.at = NOW - dt.timedelta(days=120)
    consent(ctx, service_actor, hq_member(4)["id"], True)
    clock.at = NOW - dt.timedelta(days=100)
    for i in (1, 2, 3):
        consent(ctx, service_actor, hq_member(i)["id"], True)
    clock.at = NOW
    services.earn_points(
        ctx, service_actor, hq_member(3)["id"], "R-1", None,
        [services.SaleLine("otc", 5000)], [services.Tender("cash", 5000)],
    )  # fmt: skip
    lapsed = outreach.build_list(ctx, service_actor, OutreachFilter(outreach.LAPSED, 90))
    # Most recently lost first: 1 was last seen at the consent (100 days), 4 at 120.
    assert [r.member_no for r in lapsed.rows] == [no(1), no(4)]
    assert lapsed.rows[0].last_seen is not None
    assert lapsed.rows[0].last_seen.date() == (NOW - dt.timedelta(days=100)).date()
    assert ids(ctx, service_actor, OutreachFilter(outreach.LAPSED, 110)) == [no(4)]
    assert ids(ctx, service_actor, OutreachFilter(outreach.LAPSED, 7)) == [no(2), no(1), no(4)]


def test_new_members_are_those_registered_here_in_the_last_days(
    ctx: services.ServiceContext, service_actor: services.Actor, clock: Clock
) -> None:
    def reg(name: str, phone: str) -> str:
        form = services.MemberForm(name, phone)
        return register(
            ctx, service_actor, Registration(form, consents=frozenset({"basic", "marketing"}))
        ).id

    clock.at = NOW - dt.timedelta(days=10)
    old = reg("赵一", "13800000001")
    clock.at = NOW - dt.timedelta(days=3)
    new = reg("钱二", "13800000002")
    clock.at = NOW - dt.timedelta(days=1)
    newer = reg("孙三", "13800000003")
    load(ctx, hq_member(9))  # cached today, registered at another store
    consent(ctx, service_actor, hq_member(9)["id"], True)
    rows = outreach.build_list(ctx, service_actor, OutreachFilter(outreach.NEW_MEMBERS, 7)).rows
    assert [r.member_id for r in rows] == [newer, new]
    assert rows[0].joined is not None
    assert rows[0].joined.date() == (NOW - dt.timedelta(days=1)).date()
    fortnight = outreach.build_list(ctx, service_actor, OutreachFilter(outreach.NEW_MEMBERS, 14))
    assert [r.member_id for r in fortnight.rows] == [newer, new, old]


def test_by_tier_and_district(
    ctx: services.ServiceContext, service_actor: services.Actor, clock: Clock
) -> None:
    load(
        ctx,
        hq_member(1, tier="gold", address="上海市浦东新区张江路1号"),
        hq_member(2, tier="gold", address="上海市徐汇区漕溪北路1号"),
        hq_member(3, tier="silver", address="上海市浦东新区世纪大道2号"),
        # The district's name elsewhere in the address is not the district.
        hq_member(4, tier="gold", address="上海市徐汇区浦东新区路3号"),
    )
    for i in range(1, 5):
        consent(ctx, service_actor, hq_member(i)["id"], True)
    assert ids(ctx, service_actor, OutreachFilter(tier="gold")) == [no(1), no(2), no(4)]
    assert ids(ctx, service_actor, OutreachFilter(district="浦东新区")) == [no(1), no(3)]
    assert ids(ctx, service_actor, OutreachFilter(tier="gold", district="浦东新区")) == [no(1)]
    assert outreach.districts(ctx, service_actor) == [("徐汇区", 2), ("浦东新区", 2)]


def test_erased_and_merged_members_are_never_listed(
    ctx: services.ServiceContext, service_actor: services.Actor, clock: Clock
) -> None:
    load(ctx, *(hq_member(i) for i in range(1, 4)))
    for i in range(1, 4):
        consent(ctx, service_actor, hq_member(i)["id"], True)
    load(
        ctx,
        {"id": hq_member(1)["id"], "seq": 100, "status": "deleted"},
        {"id": hq_member(2)["id"], "seq": 101, "status": "merged",
         "merged_into": hq_member(3)["id"]},
    )  # fmt: skip
    assert ids(ctx, service_actor, OutreachFilter()) == [no(3)]


def test_cashiers_get_no_lists_and_bad_filters_are_refused(
    ctx: services.ServiceContext, cashier: services.Actor, service_actor: services.Actor
) -> None:
    with pytest.raises(PermissionDenied):
        outreach.build_list(ctx, cashier, OutreachFilter())
    with pytest.raises(PermissionDenied):
        outreach.districts(ctx, cashier)
    for bad in (
        OutreachFilter("everyone"),
        OutreachFilter(outreach.BIRTHDAYS, 0),
        OutreachFilter(outreach.LAPSED, 5000),
        OutreachFilter(tier="platinum"),
    ):
        with pytest.raises(ValidationError):
            outreach.build_list(ctx, service_actor, bad)


def test_changes_from_hq_move_members_between_lists_at_once(
    ctx: services.ServiceContext, service_actor: services.Actor, clock: Clock
) -> None:
    load(ctx, hq_member(1, tier="silver", address="上海市浦东新区张江路1号"), hq_member(2))
    clock.at = NOW - dt.timedelta(days=10)
    for i in (1, 2):
        consent(ctx, service_actor, hq_member(i)["id"], True)
    clock.at = NOW
    assert ids(ctx, service_actor, OutreachFilter(tier="gold")) == []
    assert ids(ctx, service_actor, OutreachFilter(district="浦东新区")) == [no(1)]
    # HQ's next change: gold, moved house, a birthday corrected, a purchase yesterday.
    visit = (NOW - dt.timedelta(days=1)).isoformat(timespec="microseconds")
    load(
        ctx,
        hq_member(
            1,
            seq=50,
            tier="gold",
            address="上海市徐汇区漕溪北路1号",
            birthday="1970-12-30",
            recent_visits=[
                {"at": visit.replace("+00:00", "Z"), "store_code": "S9", "amount_fen": 100}
            ],
        ),
    )
    assert ids(ctx, service_actor, OutreachFilter(tier="gold")) == [no(1)]
    assert ids(ctx, service_actor, OutreachFilter(district="浦东新区")) == []
    assert ids(ctx, service_actor, OutreachFilter(district="徐汇区")) == [no(1)]
    assert ids(ctx, service_actor, OutreachFilter(outreach.BIRTHDAYS, 7)) == [no(1)]
    row = outreach.build_list(ctx, service_actor, OutreachFilter(tier="gold")).rows[0]
    assert row.last_seen is not None and row.last_seen.date() == (NOW - dt.timedelta(1)).date()
    assert outreach.build_list(ctx, service_actor, OutreachFilter()).count == 2


def test_consents_given_before_this_version_are_listed_after_the_upgrade(
    settings: Settings,
) -> None:
    """The migration fills the list table from the consents already in the cache."""
    from counter.store import migrate

    path = settings.db_path
    path.parent.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(path, "0007_complaint_desk")
    con = sqlite3.connect(path)
    with con:
        for i, tier in ((1, "gold"), (2, "basic"), (3, "basic")):
            con.execute(
                "INSERT INTO members (id, member_no, name, phone, phone_rev, tier, birthday, "
                "address, recent_visits, status, created_at, updated_at, name_pinyin, "
                "name_initials, gender, email, points, allergy_alert, points_expiring, "
                "origin, hq_seq) VALUES (?, ?, '王五', ?, '', ?, '1980-01-02', "
                "'上海市浦东新区张江路1号', '[]', 'active', ?, ?, '', '', '', '', 0, 0, '[]', "
                "'hq', 1)",
                (hq_member(i)["id"], no(i), f"1390000000{i}", tier, NOW.isoformat(),
                 NOW.isoformat()),
            )  # fmt: skip
        rows = [(1, 1, 1), (2, 1, 2), (2, 0, 3), (3, 0, 4)]  # member, granted, second
        for i, granted, s in rows:
            con.execute(
                "INSERT INTO consents (id, member_id, purpose, granted, recorded_at, "
                "operator_id) VALUES (?, ?, 'marketing', ?, ?, 'op')",
                (f"c{s}", hq_member(i)["id"], granted,
                 (NOW + dt.timedelta(seconds=s)).isoformat()),
            )  # fmt: skip
    con.close()
    migrate.upgrade(path)
    ctx = services.open_context(settings)
    try:
        actor = services.create_operator(ctx, "王芳", "service", "2222")
        assert ids(ctx, actor, OutreachFilter()) == [no(1)]  # 2 withdrew, 3 never agreed
        assert outreach.districts(ctx, actor) == [("浦东新区", 1)]
    finally:
        ctx.close()


def test_the_demo_seeds_marketing_consents_once(
    ctx: services.ServiceContext, service_actor: services.Actor, clock: Clock
) -> None:
    from counter.demo_outreach import seed_marketing_consents

    load(ctx, *(hq_member(i) for i in range(1, 21)))
    assert seed_marketing_consents(ctx, count=3) == 3
    assert seed_marketing_consents(ctx, count=3) == 0  # the next start of the demo
    assert ids(ctx, service_actor, OutreachFilter()) == [no(1), no(6), no(11)]
