"""``counter bench lookup``: lookup latency through the service layer at scale (DESIGN §8).

Builds (once, then reuses) a cache of N synthetic members loaded through the sync's
apply code, then times each lookup kind with queries drawn from that population.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from counter import codes, services
from counter.bench import members as bench_members
from counter.bench.report import current_rss_mb, peak_rss_mb, percentile, table
from counter.names import initials
from counter.services.context import Actor, ServiceContext
from counter.settings import Settings
from counter.store.models import KeyValue

BUDGETS_MS = {
    "card": 1.0,
    "qr": 1.0,
    "phone": 1.0,
    "phone_tail": 10.0,
    "name": 10.0,
    "initials": 10.0,
}


@dataclass(frozen=True)
class Row:
    kind: str
    samples: int
    p50_ms: float
    p99_ms: float
    budget_ms: float
    outcomes: str


def open_cache(root: Path, n: int, say: Callable[[str], None]) -> ServiceContext:
    data_dir = bench_members.cache_path(root, n).parent
    ready = data_dir / "loaded"
    ctx = services.open_context(
        Settings(store_code="B001", data_dir=str(data_dir), secret_store="file")
    )
    if not ready.exists():
        say(f"loading {n:,} members into {data_dir} (once; reused by later runs)…")
        done, seconds = bench_members.load(
            ctx, n, lambda k: say(f"  {k:,} / {n:,}") if k % 100_000 == 0 else None
        )
        say(f"loaded {done:,} members in {seconds:.1f} s ({done / seconds:,.0f} members/s)")
        ready.write_text(f"{done}\n", encoding="utf-8")
    return ctx


def _queries(n: int, count: int, key: Ed25519PrivateKey, now: dt.datetime) -> dict[str, list[str]]:
    rng = random.Random(42)
    picks = [bench_members.member_record(rng.randrange(n)) for _ in range(count)]
    return {
        "card": [p["cards"][0]["card_no"] for p in picks],
        "qr": [codes.mint_member_token(key, 1, p["member_no"], now) for p in picks],
        "phone": [p["phone"] for p in picks],
        "phone_tail": [p["phone"][-4:] for p in picks],
        "name": [p["name"] for p in picks],
        "initials": [initials(p["name"]) for p in picks],
    }


def run(root: Path, n: int, samples: int, say: Callable[[str], None] = print) -> list[Row]:
    ctx = open_cache(root, n, say)
    key = codes.new_signing_key()
    now = dt.datetime.now(dt.UTC)
    with ctx.db.write() as s:
        s.merge(
            KeyValue(
                key="hq_config", value=json.dumps({"qr_keys": {"1": codes.public_key_b64(key)}})
            )
        )
    ctx.clock = lambda: now
    actor = Actor("bench", "bench", "cashier")
    queries = _queries(n, samples, key, now)
    rows = []
    for kind, texts in queries.items():
        for text in texts[:50]:  # warm the page cache and SQLAlchemy's statement cache
            services.lookup(ctx, actor, text)
        timings = []
        outcomes: dict[str, int] = {}
        for text in texts:
            began = time.perf_counter()
            result = services.lookup(ctx, actor, text)
            timings.append((time.perf_counter() - began) * 1000)
            outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
        rows.append(
            Row(
                kind,
                len(timings),
                percentile(timings, 50),
                percentile(timings, 99),
                BUDGETS_MS[kind],
                " ".join(f"{k}:{v}" for k, v in sorted(outcomes.items())),
            )
        )
    ctx.close()
    return rows


def render(n: int, rows: list[Row]) -> str:
    body = table(
        ("lookup", "members", "samples", "p50 ms", "p99 ms", "budget p99 ms", "ok", "outcomes"),
        [
            (
                r.kind,
                f"{n:,}",
                r.samples,
                f"{r.p50_ms:.3f}",
                f"{r.p99_ms:.3f}",
                f"{r.budget_ms:g}",
                "yes" if r.p99_ms <= r.budget_ms else "NO",
                r.outcomes,
            )
            for r in rows
        ],
    )
    return f"{body}\nRSS now {current_rss_mb():.0f} MB, peak {peak_rss_mb():.0f} MB"
