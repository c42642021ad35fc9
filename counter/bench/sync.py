"""``counter bench sync``: the first full sync and a big push against a real HQ (DESIGN §8).

HQ runs as its own process (``hq serve``) so it does not share the counter's GIL, on
loopback, over a database seeded once with ``hq seed`` under the bench directory and
reused afterwards. Each run starts from an empty counter cache, times the first full
sync (health, config, all member pages, complaints; budget 30 s for 1,000,000 members),
then queues operations through ``counter.simulate`` (not timed) and times pushing them
(budget 10 s for 10,000). Figures are measured, never asserted.
"""

from __future__ import annotations

import functools
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from counter import services
from counter.bench.report import peak_rss_mb, table
from counter.keystore import open_store
from counter.services.connection import TOKEN_KEY
from counter.settings import Settings
from counter.simulate import simulate
from counter.sync.engine import SyncEngine, SyncProgress, Tally

STORE = ("BENCH", "基准测试门店")
SYNC_BUDGET_S = 30.0  # for 1,000,000 members
PUSH_BUDGET_S = 10.0  # for 10,000 operations


@dataclass(frozen=True)
class Row:
    what: str
    items: int
    seconds: float
    budget_s: float | None
    cpu_s: float
    hq_cpu_s: float
    rss_mb: float
    hq_rss_mb: float

    def cells(self) -> list[str]:
        rate = self.items / self.seconds if self.seconds > 0 else 0.0
        budget = "—" if self.budget_s is None else f"{self.budget_s:.0f} s"
        verdict = "" if self.budget_s is None else " ✓" if self.seconds <= self.budget_s else " ✗"
        return [
            self.what,
            f"{self.items:,}",
            f"{self.seconds:.1f}",
            f"{rate:,.0f}",
            budget + verdict,
            f"{self.cpu_s:.1f}",
            f"{self.hq_cpu_s:.1f}",
            f"{self.rss_mb:.0f}",
            f"{self.hq_rss_mb:.0f}",
        ]


def _cpu_s() -> float:
    """CPU seconds of this process and its finished children (the sync's workers)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _hq_cpu_s(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")


def _hq(*args: str) -> list[str]:
    return [sys.executable, "-m", "hq", *args]


def ensure_hq(root: Path, members: int, say: Callable[[str], None]) -> tuple[str, str]:
    """The bench HQ database (seeded once) and this bench store's token."""
    root.mkdir(parents=True, exist_ok=True)
    db = root / f"hq-{members}.db"
    url = f"sqlite:///{db.resolve()}"
    marker = root / f"hq-{members}.seeded"
    if not marker.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        say(f"seeding HQ with {members:,} members into {db} (once; reused by later runs)…")
        started = time.monotonic()
        subprocess.run(_hq("seed", "--members", str(members), "--db", url), check=True)
        say(f"seeded in {time.monotonic() - started:.0f} s")
        marker.write_text("ok\n", encoding="utf-8")
    tokens = root / f"hq-{members}.token"
    if not tokens.exists():
        out = subprocess.run(
            _hq("store", "add", *STORE, "--db", url), check=True, capture_output=True, text=True
        ).stdout
        token = out.strip().splitlines()[-1].split()[-1]
        tokens.write_text(token + "\n", encoding="utf-8")
        os.chmod(tokens, 0o600)
    return url, tokens.read_text(encoding="utf-8").strip()


@contextmanager
def hq_process(url: str) -> Iterator[tuple[str, int]]:
    """``hq serve`` on a free loopback port; yields (base URL, pid)."""
    proc = subprocess.Popen(
        _hq("serve", "--db", url, "--port", "0"),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        found = re.search(r"(http://\S+)", line)
        if found is None:
            raise RuntimeError(f"hq serve did not start: {line!r}")
        base = found.group(1)
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{base}/v1/health", timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("hq serve did not answer /v1/health within 30 s")
            time.sleep(0.05)
        yield base, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _hq_peak_rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _fresh_counter(root: Path, base: str, token: str, name: str) -> services.ServiceContext:
    data = root / name
    shutil.rmtree(data, ignore_errors=True)
    settings = Settings(store_code=STORE[0], hq_url=base, data_dir=str(data), secret_store="file")
    open_store("file", data).set(TOKEN_KEY, token)
    return services.open_context(settings)


def _full_sync(
    ctx: services.ServiceContext, say: Callable[[str], None], **options: Any
) -> tuple[int, float]:
    last = [0.0]

    def progress(p: SyncProgress) -> None:
        now = time.monotonic()
        if now - last[0] >= 5:
            last[0] = now
            say(f"  {p.stage}: {p.done:,}")

    engine = SyncEngine(ctx, progress=progress, **options)
    started = time.perf_counter()
    report = engine.run_once()
    seconds = time.perf_counter() - started
    engine.close()
    if not report.ok:
        raise RuntimeError(f"bench sync failed: {report.errors}")
    return report.pulled_members, seconds


def _pulled(
    ctx: services.ServiceContext, say: Callable[[str], None], options: dict[str, Any]
) -> int:
    return _full_sync(ctx, say, **options)[0]


def run(
    root: Path,
    members: int,
    ops: int,
    *,
    variants: bool = False,
    say: Callable[[str], None] = print,
) -> str:
    url, token = ensure_hq(root, members, say)
    rows: list[Row] = []
    scale = members / 1_000_000
    load = os.getloadavg()[0]
    with hq_process(url) as (base, pid):

        def measured(what: str, budget: float | None, work: Callable[[], int]) -> None:
            cpu, hq_cpu = _cpu_s(), _hq_cpu_s(pid)
            started = time.perf_counter()
            items = work()
            seconds = time.perf_counter() - started
            rows.append(
                Row(
                    what,
                    items,
                    seconds,
                    budget,
                    _cpu_s() - cpu,
                    _hq_cpu_s(pid) - hq_cpu,
                    peak_rss_mb(),
                    _hq_peak_rss_mb(pid),
                )
            )

        ctx = _fresh_counter(root, base, token, "sync-counter")
        try:
            say(f"first full sync of {members:,} members from {base} …")
            measured(
                "first full sync (members)",
                SYNC_BUDGET_S * scale,
                lambda: _full_sync(ctx, say)[0],
            )
            if ops:
                say(f"queueing {ops:,} operations through the services (not timed) …")
                simulate(ctx, ops, seed=int(time.time()))
                tally = Tally()

                def push() -> int:
                    engine = SyncEngine(ctx)
                    try:
                        engine.push(tally)
                    finally:
                        engine.close()
                    return tally.push.sent

                measured("push (operations)", PUSH_BUDGET_S * ops / 10_000, push)
                if tally.push.rejected:
                    say(f"note: HQ rejected {tally.push.rejected} of the pushed operations")
        finally:
            ctx.close()
        if variants:
            for label, options in (
                ("  same, no worker processes", {"workers": 0}),
                ("  same, indexes kept, nothing staged", {"fast_first_sync": False}),
            ):
                other = _fresh_counter(root, base, token, "sync-variant")
                try:
                    say(f"variant: {label.strip()} …")
                    measured(label, None, functools.partial(_pulled, other, say, options))
                finally:
                    other.close()
                    shutil.rmtree(root / "sync-variant", ignore_errors=True)
    header = [
        "what",
        "items",
        "seconds",
        "items/s",
        "budget",
        "counter CPU s",
        "HQ CPU s",
        "counter peak RSS MB",
        "HQ peak RSS MB",
    ]
    return "\n".join(
        [
            f"counter bench sync: {members:,} members, {ops:,} operations; HQ `hq serve` "
            f"(SQLite) on loopback in its own process; {os.cpu_count()} CPUs, load average "
            f"{load:.2f} at the start",
            table(header, [r.cells() for r in rows]),
            "(counter CPU includes the sync's worker processes)",
        ]
    )
