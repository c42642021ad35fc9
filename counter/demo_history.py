"""A month of store life for the demo, so the manager's figures (F12) have something to show.

Run once per demo cache, after its first sync: for each of the last five weeks the counter's
clock is set to that day and ``counter.simulate`` makes a day's worth of registrations,
sales, redemptions and complaints through the real services (each one durable transaction
with its outbox row, sent to the demo HQ by the app's sync like any other work). Busier on
the member day (the 8th) and at weekends, as a real store is.
"""

from __future__ import annotations

import datetime as dt

from counter import rules
from counter.services.config import kv_get, kv_set
from counter.services.context import ServiceContext
from counter.simulate import simulate

DONE_KEY = "demo_history"


def seed_history(
    ctx: ServiceContext, *, days: int = 35, per_day: int = 8, progress: bool = True
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
    try:
        for back in range(days, -1, -1):
            day = today - dt.timedelta(days=back)
            # Closing time that day (or now, today): simulate dates sales up to 10 h back.
            closing = dt.datetime.combine(day, dt.time(20, 0), rules.STORE_TZ)
            moment = min(closing, pc_now)
            ctx.clock = lambda moment=moment: moment  # type: ignore[misc]
            busy = 2 if day.day == 8 else 1.5 if day.weekday() >= 5 else 1
            report = simulate(ctx, int(per_day * busy), seed=day.toordinal())
            made += report.total
    finally:
        ctx.clock = real_clock
    with ctx.db.write() as s:
        kv_set(s, DONE_KEY, today.isoformat())
    return made
