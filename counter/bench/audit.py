"""``counter bench audit``: the audit trail viewer's filtered pages with N audit rows.

Budget (issue 18): p99 ≤ 200 ms for a filtered page (``services.audit_view.audit_page``:
the query, the operators' and members' names for the page, the rows built). The cache is
built once per N in ``--dir`` (rows inserted in bulk, as a long-lived store's trail holds
them: a year of a busy store, mostly earns and banner views, a few reveals and exports)
and reused. ``--hog N`` runs N busy processes beside it.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from counter import services
from counter.bench.figures import _hog, _time
from counter.bench.report import peak_rss_mb, table
from counter.ids import uuid7
from counter.rules import STORE_TZ
from counter.services.audit_view import AuditFilter, Cursor, audit_actions, audit_page
from counter.settings import Settings

NOW = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)
BUDGET_MS = 200.0
MEMBERS = 50_000
STAFF = 12
# (action, weight, carries a member): a store's year as its trail would hold it.
ACTIONS = (
    ("points.earn", 380, True), ("health.view", 200, True), ("operator.login", 90, False),
    ("points.redeem", 60, True), ("profile.view", 40, True), ("member.register", 30, True),
    ("member.reveal", 30, True), ("member.update", 25, True), ("consent.grant", 20, True),
    ("operator.login_failed", 12, False), ("complaint.create", 8, True),
    ("complaint.update", 15, False), ("health.record", 10, True), ("card.bind", 5, True),
    ("consent.withdraw", 3, True), ("problems.view", 3, False), ("operator.locked", 1, False),
    ("outreach.export", 1, False), ("figures.export", 1, False), ("audit.export", 1, False),
)  # fmt: skip
CHUNK = 50_000


def _rows(n: int, staff: list[str], rng: random.Random) -> Iterator[tuple[Any, ...]]:
    names = [a for a, _, _ in ACTIONS]
    weights = [w for _, w, _ in ACTIONS]
    has_member = {a: m for a, _, m in ACTIONS}
    members = [str(uuid7()) for _ in range(MEMBERS)]
    span = 365 * 24 * 3600
    # Oldest first, as the trail grows: ids and times rise together (with a little jitter).
    for i in range(n):
        action = rng.choices(names, weights)[0]
        at = NOW - dt.timedelta(seconds=span * (n - i) / n + rng.random())
        member = rng.choice(members) if has_member[action] else None
        details = json.dumps({"what": "bench", "n": i % 97})
        yield (at.isoformat(timespec="microseconds"), rng.choice(staff), action, member, details)


def _fill(ctx: services.ServiceContext, n: int) -> None:
    staff = [
        services.create_operator(ctx, f"店员{i:02d}", "service", "2468").operator_id
        for i in range(STAFF)
    ]
    rng = random.Random(18)
    con = sqlite3.connect(ctx.db.path)
    try:
        con.execute("PRAGMA synchronous=OFF")
        rows = _rows(n, staff, rng)
        while chunk := [row for _, row in zip(range(CHUNK), rows, strict=False)]:
            con.executemany(
                "INSERT INTO audit_log (at, operator_id, action, member_id, details)"
                " VALUES (?, ?, ?, ?, ?)",
                chunk,
            )
            con.commit()
    finally:
        con.close()


def _sample_ids(ctx: services.ServiceContext) -> tuple[list[str], list[str]]:
    con = sqlite3.connect(ctx.db.path)
    try:
        operators = [r[0] for r in con.execute("SELECT id FROM operators")]
        step = max(1, int(con.execute("SELECT count(*) FROM audit_log").fetchone()[0]) // 1000)
        members = [
            r[0]
            for r in con.execute(
                "SELECT member_id FROM audit_log WHERE member_id IS NOT NULL "
                "AND id % ? = 0 LIMIT 500",
                (step,),
            )
        ]
    finally:
        con.close()
    return operators, members


def run(
    root: Path, rows: int, samples: int, hog: int = 0, say: Callable[[str], None] = print
) -> str:
    data = root / f"audit-{rows}"
    ready = data / "loaded"
    ctx = services.open_context(
        Settings(store_code="B001", data_dir=str(data), secret_store="file")
    )
    try:
        ctx.clock = lambda: NOW
        managers = [a for a in services.list_operators(ctx) if a.role == "manager"]
        boss = managers[0] if managers else services.create_operator(ctx, "店长", "manager", "9999")
        if not ready.exists():
            say(f"building {data} (once; reused by later runs)…")
            began = time.perf_counter()
            _fill(ctx, rows)
            ready.write_text(f"{rows}\n", encoding="utf-8")
            say(f"built in {time.perf_counter() - began:.0f} s")
        operators, members = _sample_ids(ctx)
        rng = random.Random(7)
        today = NOW.astimezone(STORE_TZ).date()

        def week() -> tuple[dt.date, dt.date]:
            first = today - dt.timedelta(days=rng.randrange(7, 360))
            return first, first + dt.timedelta(days=6)

        def deep(flt: AuditFilter, pages: int) -> Callable[[], object]:
            def walk() -> object:
                page = audit_page(ctx, boss, flt)
                for _ in range(pages - 1):
                    if page.older is None:
                        break
                    page = audit_page(ctx, boss, flt, page.older)
                return page

            return walk

        def one(
            make: Callable[[], AuditFilter], before: Cursor | None = None
        ) -> Callable[[], object]:
            return lambda: audit_page(ctx, boss, make(), before)

        cases: dict[str, Callable[[], object]] = {
            "no filter, newest page": one(AuditFilter),
            "an operator": one(lambda: AuditFilter(operator_id=rng.choice(operators))),
            "a member": one(lambda: AuditFilter(member_id=rng.choice(members))),
            "an action (points.redeem)": one(lambda: AuditFilter(action="points.redeem")),
            "a rare action (operator.locked)": one(lambda: AuditFilter(action="operator.locked")),
            "sensitive acts only": one(lambda: AuditFilter(sensitive=True)),
            "a week": one(lambda: AuditFilter(*(None,) * 3, *week())),
            "an operator's sensitive acts in a week": one(
                lambda: AuditFilter(rng.choice(operators), None, None, *week(), sensitive=True)
            ),
            "an operator and a rare action": one(
                lambda: AuditFilter(operator_id=rng.choice(operators), action="audit.export")
            ),
            "exports (audit.export), a year": one(
                lambda: AuditFilter(
                    action="audit.export", since=today - dt.timedelta(days=365), until=today
                )
            ),
        }
        hogs = _hog(hog)
        try:
            out = []
            for name, fn in cases.items():
                p50, p99, worst, cpu = _time(fn, samples)
                verdict = "ok" if p99 <= BUDGET_MS else "OVER"
                out.append(
                    (name, f"{p50:.1f}", f"{p99:.1f}", f"{worst:.1f}", f"{cpu:.1f}", verdict)
                )
            for name, fn in {
                "sensitive, 20th page (walked)": deep(AuditFilter(sensitive=True), 20),
                "actions list (filter choices)": lambda: audit_actions(ctx, boss),
            }.items():
                p50, p99, worst, cpu = _time(fn, max(3, samples // 10))
                out.append((name, f"{p50:.1f}", f"{p99:.1f}", f"{worst:.1f}", f"{cpu:.1f}", ""))
        finally:
            for p in hogs:
                p.kill()
                p.wait()
    finally:
        ctx.close()
    head = (
        f"audit trail: {rows:,} rows cached, pages of 50; {samples} pages per case"
        + (f"; beside {hog} busy processes" if hog else "")
        + f"; peak RSS {peak_rss_mb():.0f} MB"
    )
    return (
        head
        + "\n"
        + table(("filtered page", "p50 ms", "p99 ms", "max ms", "CPU ms p50", "p99 ≤ 200 ms"), out)
    )
