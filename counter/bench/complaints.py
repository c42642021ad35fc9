"""``counter bench complaints``: the F11 list's filter and sort with N complaints in the cache.

Budget (issue 16): p99 ≤ 50 ms per list query (filters, sort by due time, the views built).
The cache is built once per N in ``--dir`` (complaints inserted in bulk, as a long-lived
store's cache would hold them after syncs) and reused.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from pathlib import Path

from counter import contract, services
from counter.bench.report import percentile, table
from counter.ids import uuid7
from counter.services.complaints import ComplaintFilter
from counter.settings import Settings
from counter.store.models import Complaint, ComplaintNote

NOW = dt.datetime(2026, 12, 6, 2, 0, tzinfo=dt.UTC)


def _fill(ctx: services.ServiceContext, n: int, desk: services.Actor) -> None:
    rng = random.Random(16)
    with ctx.db.bulk() as s:
        for i in range(n):
            created = NOW - dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 120))
            severity = rng.choice(contract.COMPLAINT_SEVERITIES)
            status = rng.choice(contract.COMPLAINT_STATES)
            cid = uuid7()
            s.add(
                Complaint(
                    id=cid,
                    number=f"B001-{1 + i % 3}-{created:%Y%m%d}-{i:04d}",
                    store_code="B001",
                    member_id=None,
                    customer_name=f"顾客{i}",
                    customer_phone=f"139{rng.randrange(10**8):08d}",
                    category=rng.choice(contract.COMPLAINT_CATEGORIES),
                    severity=severity,
                    channel=rng.choice(contract.COMPLAINT_CHANNELS),
                    description=f"第 {i} 号投诉：排队太久，价格不符，态度不好。" * 3,
                    wants="道歉",
                    status=status,
                    due_at=created + dt.timedelta(hours=24),
                    created_at=created,
                    updated_at=created,
                    created_by=desk.operator_id,
                    followup_note="",
                    followup_method="",
                    changed_at_hq=False,
                    hq_seq=i + 1,
                )
            )
            for k in range(rng.randrange(0, 3)):
                s.add(
                    ComplaintNote(
                        id=uuid7(),
                        complaint_id=cid,
                        at=created + dt.timedelta(hours=k + 1),
                        operator_id=desk.operator_id,
                        text="已联系顾客",
                        new_status=None,
                    )
                )


def run(root: Path, n: int, samples: int) -> str:
    data = root / f"complaints-{n}"
    fresh = not data.exists()
    ctx = services.open_context(
        Settings(store_code="B001", data_dir=str(data), secret_store="file")
    )
    try:
        ctx.clock = lambda: NOW
        ops = [a for a in services.list_operators(ctx) if a.role == "service"]
        desk = ops[0] if ops else services.create_operator(ctx, "客服", "service", "2222")
        if fresh:
            _fill(ctx, n, desk)
        cases = {
            "not closed (F11 opens)": ComplaintFilter(
                states=("received", "handling", "escalated", "resolved")
            ),
            "all states": ComplaintFilter(),
            "overdue": ComplaintFilter(overdue_only=True),
            "severity + category": ComplaintFilter(severity="urgent", category="price"),
            "mine": ComplaintFilter(mine=True),
            "phone tail 1234": ComplaintFilter(text="1234"),
            "words 价格不符": ComplaintFilter(text="价格不符"),
        }
        rows = []
        for name, flt in cases.items():
            times = []
            shown = len(services.search_complaints(ctx, desk, flt, timeline=False))  # warm
            for _ in range(samples):
                start = time.perf_counter()
                shown = len(services.search_complaints(ctx, desk, flt, timeline=False))
                times.append((time.perf_counter() - start) * 1000)
            p99 = percentile(times, 99)
            rows.append(
                (name, shown, f"{percentile(times, 50):.1f}", f"{p99:.1f}",
                 "ok" if p99 <= 50 else "OVER")
            )  # fmt: skip
    finally:
        ctx.close()
    head = f"complaints list: {n:,} complaints in the cache, {samples} queries each (≤ 200 rows)"
    return head + "\n" + table(("filter", "rows", "p50 ms", "p99 ms", "≤ 50 ms"), rows)
