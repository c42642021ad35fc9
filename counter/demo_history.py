"""A month of store life for the demo, so the manager's figures (F12) have something to show.

Run once per demo cache, after its first sync: for each of the last five weeks the counter's
clock is set to that day and ``counter.simulate`` makes a day's worth of registrations,
sales, redemptions and complaints through the real services (each one durable transaction
with its outbox row, sent to the demo HQ by the app's sync like any other work). Busier on
the member day (the 8th) and at weekends, as a real store is. A few dozen regulars come
back every week or so (a pharmacy lives on them), so the repeat rate is not zero.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from counter import rules, services
from counter.errors import KnownError
from counter.services.config import kv_get, kv_set
from counter.services.context import Actor, ServiceContext
from counter.simulate import simulate
from counter.store.models import Member

DONE_KEY = "demo_history"


def seed_history(
    ctx: ServiceContext, *, days: int = 35, per_day: int = 10, progress: bool = True
) -> int:
    """Operations made (0 if this cache has its history already)."""
    with ctx.db.read() as s:
        if kv_get(s, DONE_KEY):
            return 0
    if progress:
        print(f"adding {days} days of demo store life (once)…", flush=True)
    real_clock = ctx.clock
    pc_now = real_clock()
    today = pc_now.astimezone(rules.STORE_TZ).date()
    made = 0
    with ctx.db.read() as s:
        regulars = list(
            s.scalars(select(Member.id).where(Member.status == "active").order_by(Member.id)
                      .limit(REGULARS))
        )  # fmt: skip
    cashier = next((a for a in services.list_operators(ctx) if a.role == "cashier"), None)
    try:
        for back in range(days, -1, -1):
            day = today - dt.timedelta(days=back)
            # Closing time that day (or now, today): simulate dates sales up to 10 h back.
            closing = dt.datetime.combine(day, dt.time(20, 0), rules.STORE_TZ)
            moment = min(closing, pc_now)
            ctx.clock = lambda moment=moment: moment  # type: ignore[misc]
            busy = 2 if day.day == 8 else 1.5 if day.weekday() >= 5 else 1
            report = simulate(ctx, int(per_day * busy), seed=day.toordinal())
            made += report.total + _regulars_come_back(ctx, regulars, cashier, day, moment)
    finally:
        ctx.clock = real_clock
    with ctx.db.write() as s:
        kv_set(s, DONE_KEY, today.isoformat())
    return made


REGULARS = 60


def _regulars_come_back(
    ctx: ServiceContext, regulars: list[str], cashier: Actor | None, day: dt.date,
    moment: dt.datetime,
) -> int:  # fmt: skip
    """Three or four regulars buy something that day (their chronic medicines, mostly)."""
    if cashier is None or not regulars:
        return 0
    rng = random.Random(day.toordinal() * 7)
    made = 0
    for n in range(rng.choice((3, 4))):
        total = rng.randrange(3_000, 40_000)
        insured = total * rng.choice((0, 0, 50, 70)) // 100
        tenders = [services.Tender("cash", total - insured)]
        if insured:
            tenders.append(services.Tender("insurance_pooled", insured))
        try:
            services.earn_points(
                ctx, cashier, rng.choice(regulars), f"DEMO-{day:%Y%m%d}-{n}",
                moment - dt.timedelta(minutes=rng.randrange(30, 600)),
                [services.SaleLine("otc", total)], tenders,
            )  # fmt: skip
            made += 1
        except KnownError:
            continue
    return made
