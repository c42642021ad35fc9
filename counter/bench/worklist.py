"""``counter bench worklist``: today's work list (F9) and its counts with a store's patients.

A store with P chronic patients whose health consent was recorded here, each with one to
three regular medicines (days' supply, last dispensed), a third of them in a care plan, half
of them with marketing consent (birthdays): the work list reads the due tasks by index,
decrypts each patient's medicines for the refill reminders, and scans this counter's
marketing consents for the week's birthdays. Budget (ours, docs/care.md): opening F9 p99
≤ 250 ms, the status bar's counts p99 ≤ 150 ms. The cache is built once per P in ``--dir``
through the real services (so it takes a while) and reused.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from pathlib import Path

from counter import services
from counter.bench.report import percentile, table
from counter.rules import STORE_TZ
from counter.services import care, worklist
from counter.settings import Settings

TODAY = dt.date(2026, 12, 7)
NOW = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)
MEDICINES = ("碳酸钙D3片", "阿仑膦酸钠片", "苯磺酸氨氯地平片", "盐酸二甲双胍片", "阿托伐他汀钙片")
CONDITIONS = ("骨质疏松", "高血压", "2型糖尿病")
TEMPLATES = {"骨质疏松": "osteoporosis", "高血压": "hypertension", "2型糖尿病": "type2_diabetes"}
BUDGETS_MS = {"work list (F9 opens)": 250.0, "counts (status bar)": 150.0}


def _fixed(moment: dt.datetime) -> Callable[[], dt.datetime]:
    return lambda: moment


def _fill(ctx: services.ServiceContext, desk: services.Actor, patients: int) -> None:
    rng = random.Random(17)
    for i in range(patients):
        # Enrolled over the last 100 days, so plans stand at every step.
        ctx.clock = _fixed(NOW - dt.timedelta(days=rng.randrange(0, 100)))
        born = dt.date(1940 + rng.randrange(40), 1 + rng.randrange(12), 1 + rng.randrange(28))
        form = services.MemberForm(f"病人{i}", f"13{rng.randrange(10**9):09d}", birthday=born)
        member_id = services.register_member(ctx, desk, form).id
        services.record_consent(ctx, desk, member_id, "health", granted=True)
        if rng.random() < 0.5:
            services.record_consent(ctx, desk, member_id, "marketing", granted=True)
        condition = rng.choice(CONDITIONS)
        medicines = [
            services.Medicine(
                name,
                "每日一次",
                rng.choice((30, 60, 90)),
                TODAY - dt.timedelta(days=rng.randrange(0, 90)),
            )
            for name in rng.sample(MEDICINES, rng.randrange(1, 4))
        ]
        services.record_health(ctx, desk, member_id, [], [condition], medicines)
        if rng.random() < 1 / 3:
            care.enroll(ctx, desk, member_id, TEMPLATES[condition])
    ctx.clock = lambda: NOW


def _time(fn: object, samples: int) -> list[float]:
    assert callable(fn)
    fn()  # warm
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def run(root: Path, patients: int, samples: int) -> str:
    data = root / f"worklist-{patients}"
    fresh = not data.exists()
    ctx = services.open_context(
        Settings(store_code="B001", data_dir=str(data), secret_store="file")
    )
    try:
        ops = [a for a in services.list_operators(ctx) if a.role == "service"]
        desk = ops[0] if ops else services.create_operator(ctx, "客服", "service", "2222")
        if fresh:
            _fill(ctx, desk, patients)
        ctx.clock = lambda: NOW
        today = NOW.astimezone(STORE_TZ).date()
        work = worklist.work_list(ctx, desk, today)
        shown = work.counts
        cases = {
            "work list (F9 opens)": lambda: worklist.work_list(ctx, desk, today),
            "counts (status bar)": lambda: worklist.work_counts(ctx, desk, today),
        }
        rows = []
        for name, fn in cases.items():
            times = _time(fn, samples)
            p99 = percentile(times, 99)
            rows.append(
                (name, shown.total, f"{percentile(times, 50):.1f}", f"{p99:.1f}",
                 "ok" if p99 <= BUDGETS_MS[name] else "OVER")
            )  # fmt: skip
    finally:
        ctx.close()
    head = (
        f"work list: {patients:,} patients cared for here; due today: {shown.care_tasks} care "
        f"tasks, {shown.refills} refills, {shown.followups} follow-ups, {shown.birthdays} "
        f"birthdays; {samples} samples each"
    )
    return head + "\n" + table(("query", "rows", "p50 ms", "p99 ms", "budget"), rows)
