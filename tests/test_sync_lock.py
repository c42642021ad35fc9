"""One sync per cache at a time, across processes; a killed holder frees the lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from sync_helpers import HQ, outbox_states

from counter import services
from counter.sync.engine import SYNC_BUSY, SyncEngine, sync_once
from counter.sync.lock import lock_for

HOLDER = """
import sys, time
from pathlib import Path
from counter.sync.lock import lock_for
lock = lock_for(Path(sys.argv[1]))
assert lock.acquire()
print("held", flush=True)
time.sleep(60)
"""


def test_a_second_sync_waits_then_reports_busy_and_runs_once_the_holder_is_killed(
    hq: HQ,
) -> None:
    c = hq.counter()
    services.register_member(c.ctx, c.actor, services.MemberForm("李雷", "13912345678"))
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(c.ctx.db.path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        engine = SyncEngine(c.ctx, lock_wait_s=0.3)
        started = time.monotonic()
        report = engine.run_once()
        waited = time.monotonic() - started
        assert report.errors == (SYNC_BUSY,) and not report.ok
        assert waited >= 0.3
        assert outbox_states(c.ctx) == [("member.register", "pending")]

        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(10)
        report = engine.run_once()
        engine.close()
        assert report.ok, report.errors
        assert outbox_states(c.ctx) == [("member.register", "applied")]
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.communicate(timeout=10)


def test_the_lock_is_free_after_a_sync_and_belongs_to_one_cache(hq: HQ) -> None:
    c = hq.counter()
    other = hq.counter("S002")
    engine = SyncEngine(c.ctx, lock_wait_s=0)
    try:
        assert engine.run_once().ok
        lock = lock_for(c.ctx.db.path)
        assert lock.acquire(), "a finished sync must release the lock"
        try:
            assert engine.run_once().errors == (SYNC_BUSY,)
            # Another store's cache has its own lock.
            assert sync_once(other.ctx).ok
        finally:
            lock.release()
        assert engine.run_once().ok
    finally:
        engine.close()
