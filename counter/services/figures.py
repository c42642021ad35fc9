"""The store's figures for a period (issue 18, the manager's desk): one service call per page.

A period is whole store days (China time): today, this week (Monday to today), this month
(the 1st to today) or a chosen range. Everything is counted in SQL over the cache
(``figures_sql``), in one read transaction; the complaints come from the complaints
service's own figures. Managers only: the desk (F12) is theirs (DESIGN §11).

What "here" means: the receipts table holds the sales that earned points at this counter,
the outbox the members this counter registered, the points ledger the entries it booked.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from counter import contract, rules
from counter.errors import ValidationError
from counter.services import figures_sql as sql
from counter.services.complaints import ComplaintFigures, complaint_figures
from counter.services.config import current_rules
from counter.services.context import Actor, ServiceContext
from counter.services.ops import require_role

PERIOD_KINDS = ("today", "week", "month", "range")
MAX_RANGE_DAYS = 366
# Longer than this, new members are counted per week (Monday) rather than per day.
DAILY_UP_TO_DAYS = 31
GENDER_ORDER = ("F", "M", "unknown")
# Progress steps of store_figures (the UI shows "n of STEPS").
STEPS = 4

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Period:
    """Store days ``first`` to ``last``, both included."""

    kind: str
    first: dt.date
    last: dt.date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def since(self) -> dt.datetime:
        return dt.datetime.combine(self.first, dt.time(), rules.STORE_TZ)

    @property
    def until(self) -> dt.datetime:
        return dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(), rules.STORE_TZ)


def period_of(
    kind: str, today: dt.date, first: dt.date | None = None, last: dt.date | None = None
) -> Period:
    """The period a manager picked; ``first``/``last`` only for a chosen range."""
    if kind == "today":
        return Period(kind, today, today)
    if kind == "week":
        return Period(kind, today - dt.timedelta(days=today.weekday()), today)
    if kind == "month":
        return Period(kind, today.replace(day=1), today)
    if kind != "range":
        raise ValidationError("未知的统计期间。", f"Unknown period {kind!r}.", field="period")
    if first is None or last is None:
        raise ValidationError(
            "请选择起止日期。", "Choose the first and the last day.", field="period"
        )
    if last < first:
        raise ValidationError(
            "结束日期早于开始日期。", "The last day is before the first.", field="period"
        )
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise ValidationError(
            f"统计期间最长 {MAX_RANGE_DAYS} 天。",
            f"A period may be at most {MAX_RANGE_DAYS} days long.",
            field="period",
        )
    return Period(kind, first, last)


def store_today(ctx: ServiceContext) -> dt.date:
    """Today at the store, by the counter's corrected clock."""
    return ctx.now().astimezone(rules.STORE_TZ).date()


@dataclass(frozen=True)
class StoreFigures:
    """Everything on the figures page. Amounts in fen; shares 0..1; None: nothing to divide."""

    period: Period
    computed_at: dt.datetime
    # Members registered here, in total and per bucket (day, or week from its Monday).
    registered: int
    bucket: str  # "day" or "week"
    new_members: tuple[tuple[dt.date, int], ...]
    # Members served (one receipt or more) and those with two or more.
    active: int
    repeat: int
    by_tier: tuple[tuple[str, int], ...]
    by_gender: tuple[tuple[str, int], ...]
    by_age_band: tuple[tuple[str, int], ...]
    by_district: tuple[tuple[str, int], ...]  # most members first, "unknown" last
    receipts: int
    sales_fen: int
    self_paid_fen: int
    insurance_fen: int
    refunded_fen: int
    # Signed sums by ledger kind, as booked: {"earn": (entries, points), ...}.
    points: dict[str, tuple[int, int]] = field(default_factory=dict)
    # Rewards handed over, most first: (code, name from the catalogue, redemptions,
    # quantity, points); code "" for redemptions that named no reward.
    rewards: tuple[tuple[str, str, int, int, int], ...] = ()
    # Care-plan tasks done in the period by outcome, and open ones past their day (now).
    care_done: dict[str, int] = field(default_factory=dict)
    care_overdue: int = 0
    complaints: ComplaintFigures | None = None

    @property
    def repeat_rate(self) -> float | None:
        return self.repeat / self.active if self.active else None

    @property
    def average_basket_fen(self) -> int | None:
        """客单价: sales per receipt, rounded to the fen."""
        return round(self.sales_fen / self.receipts) if self.receipts else None

    @property
    def self_paid_share(self) -> float | None:
        return self.self_paid_fen / self.sales_fen if self.sales_fen else None

    def points_of(self, kind: str) -> int:
        """Points of a ledger kind as a positive amount (redeemed 300, not -300)."""
        return abs(self.points.get(kind, (0, 0))[1])

    @property
    def points_earned(self) -> int:
        return self.points_of("earn")

    @property
    def points_redeemed(self) -> int:
        return self.points_of("redeem")

    @property
    def points_reversed(self) -> int:
        return self.points_of("reverse")

    @property
    def points_awarded(self) -> int:
        return self.points_of("award")

    @property
    def rewards_redeemed(self) -> int:
        """Items handed over for points (a redemption without a reward counts as one)."""
        return sum(quantity for _code, _name, _n, quantity, _points in self.rewards)


def store_figures(
    ctx: ServiceContext, actor: Actor, period: Period, progress: Progress | None = None
) -> StoreFigures:
    """The figures page for ``period`` at this store; ``progress(done, STEPS)`` after each part.

    The members served are most of the work (a member row read per member); for a long
    period they are counted in two parts (``figures_sql.plan``), two thirds on a second
    thread with a connection of its own while this one counts the rest and then the last
    third. SQLite lets go of the GIL while it steps, so a PC's two cores share the page
    (docs/benchmarks.md).
    """
    require_role(actor, ("manager",), "查看门店统计", "see the store's figures")
    step = progress or (lambda _done, _total: None)
    since, until = sql.utc_text(period.since), sql.utc_text(period.until)
    store = ctx.store_code

    def count_served(part: sql.Part) -> sql.Served:
        with ctx.db.raw_read() as conn:
            return sql.served(conn, store, since, until, period.last, part)

    with ctx.db.raw_read() as conn:
        sales = sql.sales(conn, store, since, until)
        parts = sql.plan(conn, store, since, until, sales.receipts)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="figures") as pool:
        first = pool.submit(count_served, parts[0])
        with ctx.db.raw_read() as conn:
            days = sql.registrations_by_day(conn, store, since, until)
            step(1, STEPS)
            points = sql.points_by_kind(conn, store, since, until)
            rewards = sql.rewards_by_code(conn, store, since, until)
            care = sql.care_tasks(conn, since, until, store_today(ctx))
            step(2, STEPS)
        complaints = complaint_figures(ctx, actor, period.since, period.until)
        step(3, STEPS)
        rest = [count_served(part) for part in parts[1:]]
        served = sum(rest, first.result())
        step(4, STEPS)
    bucket = "day" if period.days <= DAILY_UP_TO_DAYS else "week"
    return StoreFigures(
        period=period,
        computed_at=ctx.now(),
        registered=sum(days.values()),
        bucket=bucket,
        new_members=_buckets(period, days, bucket),
        active=served.active,
        repeat=served.repeat,
        by_tier=_ordered(served.by_tier, (*contract.TIERS, "unknown")),
        by_gender=_ordered(served.by_gender, GENDER_ORDER),
        by_age_band=_ordered(served.by_age_band, sql.AGE_BANDS),
        by_district=tuple(
            sorted(served.by_district.items(), key=lambda kv: (kv[0] == "unknown", -kv[1], kv[0]))
        ),
        receipts=sales.receipts,
        sales_fen=sales.total_fen,
        self_paid_fen=sales.self_paid_fen,
        insurance_fen=sales.insurance_fen,
        refunded_fen=sales.refunded_fen,
        points={p.kind: (p.entries, p.points) for p in points},
        rewards=_named(ctx, rewards),
        care_done=care.done,
        care_overdue=care.overdue,
        complaints=complaints,
    )


def _named(
    ctx: ServiceContext, taken: list[sql.RewardsTaken]
) -> tuple[tuple[str, str, int, int, int], ...]:
    """The rewards with their names from the catalogue HQ sent (the code if it has gone)."""
    with ctx.db.read() as s:
        catalogue = {r.code: r.name for r in current_rules(s, ctx).points.rewards}
    return tuple(
        (t.code or "", catalogue.get(t.code or "", t.code or ""), t.redemptions, t.quantity,
         t.points)
        for t in taken
    )  # fmt: skip


def _buckets(
    period: Period, days: dict[dt.date, int], bucket: str
) -> tuple[tuple[dt.date, int], ...]:
    """Every day (or week, from its Monday) of the period, with its count; zeros included."""
    counts: Counter[dt.date] = Counter()
    day = period.first
    while day <= period.last:
        key = day if bucket == "day" else day - dt.timedelta(days=day.weekday())
        counts[key] += days.get(day, 0)
        day += dt.timedelta(days=1)
    return tuple(sorted(counts.items()))


def _ordered(counts: Counter[str], order: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    """The known keys in their order (zeros kept, so charts keep their shape), then others."""
    known = [(k, counts.get(k, 0)) for k in order if k != "unknown"]
    others = sorted((k, n) for k, n in counts.items() if k not in order)
    tail = [("unknown", counts["unknown"])] if counts.get("unknown") else []
    return (*known, *others, *tail)
