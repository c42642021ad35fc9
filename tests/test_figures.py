"""The manager's figures (issue 18) on hand-built data whose answers are known.

A real cache file: members registered through the service (so the outbox holds what a
counter's registrations leave), receipts and ledger entries written as the points services
write them, complaints through the complaints service.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from pathlib import Path

import pytest

from counter import services
from counter.errors import PermissionDenied, ValidationError
from counter.rules import STORE_TZ
from counter.services import figures
from counter.store.models import Member

# Wednesday 16 December 2026, 10:00 at the store.
NOW = dt.datetime(2026, 12, 16, 10, 0, tzinfo=STORE_TZ)
TODAY = NOW.date()


def at(day: int, hour: int = 10, month: int = 12) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=STORE_TZ)


@pytest.fixture
def manager(ctx: services.ServiceContext) -> services.Actor:
    ctx.clock = lambda: NOW
    return services.create_operator(ctx, "赵店长", "manager", "9999")


def _member(
    ctx: services.ServiceContext,
    *,
    tier: str = "basic",
    gender: str = "F",
    birthday: dt.date | None = None,
    address: str = "",
) -> str:
    member_id = str(uuid.uuid4())
    with ctx.db.write() as s:
        s.add(
            Member(
                id=member_id,
                member_no=None,
                name="会员",
                phone=f"139{uuid.uuid4().int % 10**8:08d}",
                phone_rev="",
                gender=gender,
                birthday=birthday,
                address=address,
                tier=tier,
                created_at=NOW,
                updated_at=NOW,
            )
        )
    return member_id


def _receipt(
    ctx: services.ServiceContext,
    member_id: str,
    sold_at: dt.datetime,
    total: int,
    *,
    insurance: int = 0,
    refunded: int = 0,
    store: str = "S001",
) -> None:
    with ctx.db.raw() as conn:
        conn.execute(
            "INSERT INTO receipts (receipt_no, member_id, store_code, sold_at, total_fen,"
            " insurance_fen, excluded_fen, self_paid_fen, eligible_fen, points, reversed_fen,"
            " reversed_points) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, 0)",
            (
                str(uuid.uuid4()), member_id, store,
                sold_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
                total, insurance, total - insurance, total - insurance,
                (total - insurance) // 100, refunded,
            ),
        )  # fmt: skip


def _entry(
    ctx: services.ServiceContext,
    member_id: str,
    kind: str,
    delta: int,
    when: dt.datetime,
    *,
    state: str = "pending",
    store: str = "S001",
) -> None:
    with ctx.db.raw() as conn:
        conn.execute(
            "INSERT INTO points_entries (id, member_id, delta, kind, receipt_no, store_code,"
            " created_at, state, offline) VALUES (?, ?, ?, ?, NULL, ?, ?, ?, 0)",
            (
                str(uuid.uuid4()), member_id, delta, kind, store,
                when.astimezone(dt.UTC).isoformat(timespec="microseconds"), state,
            ),
        )  # fmt: skip


def _register(ctx: services.ServiceContext, actor: services.Actor, when: dt.datetime) -> str:
    ctx.clock = lambda: when
    n = uuid.uuid4().int % 10**8
    view = services.register_member(
        ctx, actor, services.MemberForm(name="新会员", phone=f"138{n:08d}")
    )
    ctx.clock = lambda: NOW
    return view.id


def _month(ctx: services.ServiceContext, manager: services.Actor) -> figures.StoreFigures:
    return figures.store_figures(ctx, manager, figures.period_of("month", TODAY))


# ------------------------------------------------------------------------------ periods


def test_periods_are_whole_store_days_up_to_today() -> None:
    assert figures.period_of("today", TODAY) == figures.Period("today", TODAY, TODAY)
    week = figures.period_of("week", TODAY)
    assert (week.first, week.last) == (dt.date(2026, 12, 14), TODAY)  # Monday to today
    month = figures.period_of("month", TODAY)
    assert (month.first, month.last, month.days) == (dt.date(2026, 12, 1), TODAY, 16)
    # Midnight at the store is 16:00 UTC the day before.
    assert month.since == dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.UTC)
    assert month.until == dt.datetime(2026, 12, 16, 16, 0, tzinfo=dt.UTC)
    chosen = figures.period_of("range", TODAY, dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert chosen.days == 90


@pytest.mark.parametrize(
    ("first", "last", "detail"),
    [
        (None, TODAY, "Choose the first and the last day."),
        (TODAY, dt.date(2026, 12, 1), "The last day is before the first."),
        (dt.date(2025, 1, 1), TODAY, "A period may be at most 366 days long."),
    ],
)
def test_a_chosen_range_is_checked(first: dt.date | None, last: dt.date, detail: str) -> None:
    with pytest.raises(ValidationError) as caught:
        figures.period_of("range", TODAY, first, last)
    assert caught.value.en == detail
    assert caught.value.field == "period"


# ------------------------------------------------------------------------------ members


def test_members_registered_here_by_day_not_refused_ones(
    ctx: services.ServiceContext, manager: services.Actor
) -> None:
    _register(ctx, manager, at(2, 9))
    _register(ctx, manager, at(2, 23, month=12))  # 23:00 at the store is still the 2nd
    _register(ctx, manager, at(15))
    refused = _register(ctx, manager, at(15, 11))
    _register(ctx, manager, at(30, 10, month=11))  # last month
    with ctx.db.raw() as conn:
        conn.execute("UPDATE outbox SET state = 'rejected' WHERE member_id = ?", (refused,))
    page = _month(ctx, manager)
    assert page.registered == 3
    assert page.bucket == "day"
    assert len(page.new_members) == 16  # every day of the month so far, zeros included
    assert dict(page.new_members)[dt.date(2026, 12, 2)] == 2
    assert dict(page.new_members)[dt.date(2026, 12, 15)] == 1
    assert sum(n for _, n in page.new_members) == 3


def test_a_long_range_counts_new_members_per_week(
    ctx: services.ServiceContext, manager: services.Actor
) -> None:
    _register(ctx, manager, at(2))  # Wednesday: the week of Monday 30 November
    _register(ctx, manager, at(6))  # Sunday: same week
    _register(ctx, manager, at(7))  # Monday: the next
    period = figures.period_of("range", TODAY, dt.date(2026, 11, 1), dt.date(2026, 12, 31))
    page = figures.store_figures(ctx, manager, period)
    assert page.bucket == "week"
    weeks = dict(page.new_members)
    assert weeks[dt.date(2026, 11, 30)] == 2
    assert weeks[dt.date(2026, 12, 7)] == 1
    assert min(weeks) == dt.date(2026, 10, 26)  # the Monday of the week of 1 November
    assert all(day.weekday() == 0 for day in weeks)


def test_active_members_repeat_rate_and_their_breakdowns(
    ctx: services.ServiceContext, manager: services.Actor
) -> None:
    a = _member(ctx, tier="gold", gender="F", birthday=dt.date(1950, 12, 17),
                address="上海市浦东新区张江路12号")  # fmt: skip
    b = _member(ctx, tier="silver", gender="M", birthday=dt.date(1990, 1, 1),
                address="江苏省苏州市姑苏区人民路1号")  # fmt: skip
    c = _member(ctx, tier="basic", gender="F", birthday=dt.date(2010, 6, 1),
                address="上海市浦东新区世纪大道2号")  # fmt: skip
    d = _member(ctx, tier="basic", gender="")  # no birthday, no address
    idle = _member(ctx, tier="gold")  # bought last month only
    for member, day in ((a, 1), (a, 3), (a, 9), (b, 2), (b, 16), (c, 5), (d, 16)):
        _receipt(ctx, member, at(day), 10_000)
    _receipt(ctx, idle, at(20, month=11), 10_000)
    _receipt(ctx, c, at(17), 10_000)  # tomorrow: not in "this month so far"
    _receipt(ctx, d, at(3), 10_000, store="S002")  # another store's (never here, but)
    page = _month(ctx, manager)
    assert (page.active, page.repeat) == (4, 2)
    assert page.repeat_rate == 0.5
    assert page.by_tier == (("basic", 2), ("silver", 1), ("gold", 1))
    assert page.by_gender == (("F", 2), ("M", 1), ("unknown", 1))
    bands = dict(page.by_age_band)
    # a turns 76 on 17 December: still 75 on the 16th; c is 16.
    assert (bands["70+"], bands["30-39"], bands["0-17"], bands["unknown"]) == (1, 1, 1, 1)
    assert sum(bands.values()) == 4
    assert page.by_district == (("浦东新区", 2), ("姑苏区", 1), ("unknown", 1))


def test_age_is_taken_on_the_last_day_of_the_period(
    ctx: services.ServiceContext, manager: services.Actor
) -> None:
    m = _member(ctx, birthday=dt.date(1996, 12, 16))  # turns 30 today
    _receipt(ctx, m, at(16, 9), 5_000)
    today = figures.store_figures(ctx, manager, figures.period_of("today", TODAY))
    assert dict(today.by_age_band)["30-39"] == 1
    yesterday = figures.period_of("range", TODAY, dt.date(2026, 12, 1), dt.date(2026, 12, 15))
    _receipt(ctx, m, at(15), 5_000)
    assert dict(figures.store_figures(ctx, manager, yesterday).by_age_band)["18-29"] == 1


def test_a_receipt_of_a_member_no_longer_cached_still_counts(
    ctx: services.ServiceContext, manager: services.Actor
) -> None:
    _receipt(ctx, str(uuid.uuid4()), at(4), 3_000)
    page = _month(ctx, manager)
    assert (page.active, page.receipts) == (1, 1)
    assert page.by_tier == (("basic", 0), ("silver", 0), ("gold", 0), ("unknown", 1))


# ------------------------------------------------------------------------------- sales


def test_average_basket_and_self_paid_share(
    ctx: services.ServiceContext, manager: services.Actor
) -> None:
    m = _member(ctx)
    _receipt(ctx, m, at(1, 0), 10_000, insurance=4_000)  # 00:00 on the 1st: in
    _receipt(ctx, m, at(2), 5_000, insurance=0, refunded=1_000)
    _receipt(ctx, m, at(16, 23), 15_001, insurance=11_001)
    _receipt(ctx, m, at(30, 23, month=11), 99_999)  # 23:00 on 30 November: out
    page = _month(ctx, manager)
    assert page.receipts == 3
    assert page.sales_fen == 30_001
    assert page.average_basket_fen == 10_000  # 30,001 / 3 = 10,000.33 fen
    assert page.self_paid_fen == 6_000 + 5_000 + 4_000
    assert page.insurance_fen == 15_001
    assert page.self_paid_share == pytest.approx(15_000 / 30_001)
    assert page.refunded_fen == 1_000


def test_an_empty_period_divides_by_nothing(
    ctx: services.ServiceContext, manager: services.Actor
) -> None:
    page = _month(ctx, manager)
    assert (page.receipts, page.active, page.registered) == (0, 0, 0)
    assert page.average_basket_fen is None
    assert page.self_paid_share is None
    assert page.repeat_rate is None
    assert page.by_district == ()
    assert page.complaints is not None and page.complaints.total == 0


# ------------------------------------------------------------------------------ points


def test_points_by_kind_rewards_and_what_is_left_out(
    ctx: services.ServiceContext, manager: services.Actor
) -> None:
    m = _member(ctx)
    _entry(ctx, m, "earn", 120, at(3))
    _entry(ctx, m, "earn", 80, at(9))
    _entry(ctx, m, "redeem", -300, at(10))
    _entry(ctx, m, "redeem", -100, at(11), state="applied")
    _entry(ctx, m, "reverse", -40, at(12))
    _entry(ctx, m, "award", 50, at(13))
    _entry(ctx, m, "earn", 1_000, at(14), state="rejected")  # HQ refused it
    _entry(ctx, m, "earn", 7, at(30, month=11))  # last month
    _entry(ctx, m, "earn", 9, at(14), store="S002")
    page = _month(ctx, manager)
    assert page.points_earned == 200
    assert page.points_redeemed == 400
    assert page.points_reversed == 40
    assert page.points_awarded == 50
    assert page.points == {
        "award": (1, 50), "earn": (2, 200), "redeem": (2, -400), "reverse": (1, -40)
    }  # fmt: skip


def test_rewards_redeemed_by_code_with_their_catalogue_names(
    ctx: services.ServiceContext, manager: services.Actor
) -> None:
    member = _register(ctx, manager, at(16, 9))
    services.earn_points(
        ctx, manager, member, "R-9", at(16, 9),
        [services.SaleLine("otc", 100_000)], [services.Tender("cash", 100_000)],
    )  # fmt: skip
    services.redeem_points(ctx, manager, member, 100, "积分兑换", True, reward="SWAB", quantity=2)
    services.redeem_points(ctx, manager, member, 100, "积分兑换", True, reward="MASK10")
    services.redeem_points(ctx, manager, member, 50, "积分兑换", True, reward="SWAB")
    services.redeem_points(ctx, manager, member, 30, "旧式兑换", True)  # names no reward
    refused = services.redeem_points(ctx, manager, member, 100, "x", True, reward="MASK10")
    with ctx.db.raw() as conn:
        conn.execute("UPDATE outbox SET state = 'rejected' WHERE op_id = ?", (refused.op_id,))
        conn.execute("UPDATE points_entries SET state = 'rejected' WHERE id = ?", (refused.op_id,))
    page = figures.store_figures(ctx, manager, figures.period_of("today", TODAY))
    assert page.rewards == (
        ("SWAB", "医用棉签（100支）", 2, 3, 150),
        ("MASK10", "医用口罩（10只装）", 1, 1, 100),
        ("", "", 1, 1, 30),
    )
    assert page.rewards_redeemed == 5
    assert page.points["redeem"] == (4, -280)  # HQ refused the fifth


def test_earn_and_redeem_through_the_services_show_up(
    ctx: services.ServiceContext, manager: services.Actor
) -> None:
    """The points services' own writes (receipts and ledger) are what the page counts."""
    member = _register(ctx, manager, at(16, 9))
    services.earn_points(
        ctx, manager, member, "R-1", at(16, 9),
        [services.SaleLine("otc", 12_345)], [services.Tender("cash", 12_345)],
    )  # fmt: skip
    page = figures.store_figures(ctx, manager, figures.period_of("today", TODAY))
    assert page.points_earned > 0
    assert page.points["earn"][0] == 1
    assert (page.receipts, page.sales_fen, page.active) == (1, 12_345, 1)


# ------------------------------------------------------------------- complaints, roles


def test_complaints_come_from_the_complaints_service(
    ctx: services.ServiceContext, manager: services.Actor
) -> None:
    services.create_complaint(
        ctx, manager, member_id=None, customer_name="张三", customer_phone="13900001111",
        category="price", severity="high", channel="counter", description="价格不符",
    )  # fmt: skip
    page = figures.store_figures(ctx, manager, figures.period_of("today", TODAY))
    assert page.complaints is not None
    assert page.complaints.total == 1
    assert page.complaints.by_category == {"price": 1}


def test_only_a_manager_sees_the_figures(
    ctx: services.ServiceContext, service_actor: services.Actor, cashier: services.Actor
) -> None:
    for actor in (service_actor, cashier):
        with pytest.raises(PermissionDenied):
            figures.store_figures(ctx, actor, figures.period_of("today", TODAY))


def test_progress_is_reported_after_each_part(
    ctx: services.ServiceContext, manager: services.Actor
) -> None:
    seen: list[tuple[int, int]] = []
    figures.store_figures(
        ctx, manager, figures.period_of("week", TODAY), lambda d, t: seen.append((d, t))
    )
    assert seen == [(n, figures.STEPS) for n in range(1, figures.STEPS + 1)]


def test_the_bench_command_prints_its_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A small run of ``counter bench figures`` (what it measures is read, never asserted)."""
    from counter import cli

    args = ["bench", "figures", "--members", "300", "--receipts", "80", "--samples", "1"]
    assert cli.main([*args, "--dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "whole page, this month" in out
    assert "80 receipts" in out


def test_the_demo_gets_a_month_of_store_life_once(
    ctx: services.ServiceContext, manager: services.Actor
) -> None:
    from counter.demo_history import seed_history

    ctx.clock = lambda: NOW
    for _ in range(10):  # members HQ sent: the regulars come from them
        _member(ctx, address="上海市徐汇区漕溪北路1号")
    services.create_operator(ctx, "李娜", "cashier", "1111")
    made = seed_history(ctx, days=5, per_day=8, progress=False)
    assert made > 0
    assert ctx.clock() == NOW  # the clock is given back
    page = figures.store_figures(
        ctx, manager, figures.period_of("range", TODAY, dt.date(2026, 12, 10), TODAY)
    )
    assert page.registered > 0
    assert page.receipts > 0 and page.active > 0
    assert sum(1 for _, n in page.new_members if n) >= 2  # spread over the days
    assert page.repeat > 0  # the regulars came back
    assert seed_history(ctx, progress=False) == 0  # once per cache


def test_counting_the_members_in_two_parts_gives_the_same_page(
    ctx: services.ServiceContext, manager: services.Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long period's members are counted in two parts on two threads: same figures."""
    from counter.services import figures_sql

    places = ("上海市浦东新区", "上海市徐汇区", "江苏省苏州市姑苏区", "")
    for n in range(40):
        m = _member(ctx, tier=("basic", "silver", "gold")[n % 3], gender="FM "[n % 3],
                    birthday=dt.date(1940 + n, 1 + n % 12, 1) if n % 5 else None,
                    address=f"{places[n % 4]}人民路{n}号" if places[n % 4] else "")  # fmt: skip
        for visit in range(1 + n % 3):
            _receipt(ctx, m, at(1 + visit + n % 10), 1_000 + n)
    whole = _month(ctx, manager)
    monkeypatch.setattr(figures_sql, "SPLIT_FROM", 2)
    with ctx.db.raw_read() as conn:
        parts = figures_sql.plan(conn, "S001", "", "9", whole.receipts)
    assert len(parts) == 2 and parts[0].high == parts[1].low
    halves = _month(ctx, manager)
    assert halves == dataclasses.replace(whole, computed_at=halves.computed_at)
    assert (whole.active, whole.repeat) == (40, 26)


def test_care_tasks_done_by_outcome_and_overdue_now(
    ctx: services.ServiceContext, manager: services.Actor
) -> None:
    from counter.store.models import CarePlan, CareTask

    member = _member(ctx)
    with ctx.db.write() as s:
        s.add(
            CarePlan(
                id="p1", member_id=member, start_on=dt.date(2026, 11, 1), status="active",
                enrolled_at=at(1, month=11), enrolled_by=manager.operator_id, op_id="o1",
            )
        )  # fmt: skip
        s.flush()
        rows = (  # (step, due, status, outcome, done)
            (1, dt.date(2026, 12, 2), "done", "reached", at(2)),
            (2, dt.date(2026, 12, 5), "done", "visited", at(6)),
            (3, dt.date(2026, 12, 9), "done", "reached", at(9)),
            (4, dt.date(2026, 11, 20), "done", "reached", at(20, month=11)),  # last month
            (5, dt.date(2026, 12, 15), "open", None, None),  # overdue: due yesterday
            (6, dt.date(2026, 12, 10), "open", None, None),  # overdue
            (7, dt.date(2026, 12, 16), "open", None, None),  # due today: not overdue
            (8, dt.date(2026, 12, 1), "cancelled", None, None),  # plan ended: not overdue
        )
        for step, due, status, outcome, done in rows:
            s.add(CareTask(id=f"t{step}", plan_id="p1", member_id=member, step=step, due_on=due,
                           status=status, outcome=outcome, attempts=0, done_at=done))  # fmt: skip
    page = _month(ctx, manager)
    assert page.care_done == {"reached": 2, "visited": 1}
    assert page.care_overdue == 2
