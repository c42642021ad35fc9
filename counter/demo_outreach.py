"""The demo's outreach lists: some of the seeded members agreed to marketing at the demo
counter, so Ctrl+F9 has members to list (consents are recorded only at a counter; HQ's
member feed carries none, and a fresh demo cache would list nobody).

Once per demo cache, through the real service (each consent its own audited transaction
and ``member.consent`` operation, sent to the demo HQ by the next sync), recorded on days
spread over the last two years (as if given at registration), so the lapsed list has
members on it too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from counter import services

DEMO_CONSENTS = 150


def seed_marketing_consents(ctx: services.ServiceContext, count: int = DEMO_CONSENTS) -> int:
    """Record a marketing consent for every fifth of the first members; how many."""
    staff = [a for a in services.list_operators(ctx) if a.role == "service"]
    if not staff:
        return 0
    with ctx.db.raw_read() as conn:
        if conn.execute("SELECT 1 FROM consents WHERE purpose = 'marketing' LIMIT 1").fetchone():
            return 0
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM members WHERE status = 'active' AND member_no IS NOT NULL "
                "ORDER BY member_no LIMIT ?",
                (count * 5,),
            )
        ][::5]
    clock = ctx.clock
    try:
        for n, member_id in enumerate(ids):
            ctx.clock = _earlier(clock, dt.timedelta(days=(n * 37) % 730, hours=n % 9))
            services.record_consent(ctx, staff[0], member_id, "marketing", granted=True)
    finally:
        ctx.clock = clock
    return len(ids)


def _earlier(clock: Callable[[], dt.datetime], back: dt.timedelta) -> Callable[[], dt.datetime]:
    return lambda: clock() - back
