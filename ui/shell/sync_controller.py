"""Background sync with HQ: every ``sync_interval_s``, ~2 s after local writes, on F5.

One ``SyncEngine.run_once()`` at a time, on a worker of its own (a long first download
never holds up a lookup in the shared task runner). Requests that arrive while a sync runs
are coalesced into one more sync right after it. The UI thread never waits on the network:
it only starts jobs and receives ``SyncOutcome``s and progress through signals.

Each sync starts with ``services.probe_hq`` (one health call with the quick interactive
retry policy): when HQ cannot be reached the counter says so within a second, with the
reason in the person's language, instead of after the engine's patient backoff.

A person's F5 is answered at once (``requested``), even while a sync runs; then HQ is
probed on a worker of its own (``probed``), so the online state follows reality within a
second of that probe rather than after the running sync. While HQ is unreachable the
counter looks again every ``OFFLINE_RECHECK_S`` seconds instead of the sync interval.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from counter import services
from counter.errors import KnownError
from counter.sync.engine import SyncEngine, SyncProgress, SyncReport
from ui.shell.tasks import BaseRunner, TaskRunner

log = logging.getLogger(__name__)

DEBOUNCE_MS = 2000
STOP_WAIT_MS = 3000
OFFLINE_RECHECK_S = 5


@dataclass(frozen=True)
class SyncOutcome:
    """What one sync found: HQ's reachability, and the engine's report if it ran."""

    probe: services.HQProbe
    report: SyncReport | None = None
    announce: bool = False  # a person asked for it (F5 / 同步)
    error: KnownError | None = None  # the sync could not even start (e.g. the secret store)

    @property
    def ok(self) -> bool:
        return self.probe.online and self.report is not None and self.report.ok

    @property
    def clock_skew_s(self) -> float | None:
        if self.report is not None and self.report.clock_skew_s is not None:
            return self.report.clock_skew_s
        return self.probe.clock_skew_s


def run_sync(
    ctx: services.ServiceContext,
    progress: Callable[[SyncProgress], None],
    should_stop: Callable[[], bool],
) -> SyncOutcome:
    """One sync, blocking: the worker's job."""
    probe = services.probe_hq(ctx)
    if not probe.online:
        return SyncOutcome(probe)
    engine = SyncEngine(ctx, progress=progress, should_stop=should_stop)
    try:
        report = engine.run_once()
    finally:
        engine.close()
    for error in report.errors:
        log.info("sync did not finish: %s", error)
    return SyncOutcome(probe, report)


class SyncController(QObject):
    """Schedules syncs and reports them; owns nothing the widgets show."""

    started = Signal()
    requested = Signal(bool)  # a person asked (F5); True: a sync was already running
    probed = Signal(object)  # services.HQProbe from the quick check F5 makes during a sync
    progressed = Signal(object)  # SyncProgress, emitted from the worker (queued to receivers)
    finished = Signal(object)  # SyncOutcome
    _written = Signal()  # ctx.on_write, from whichever thread committed

    def __init__(
        self,
        ctx: services.ServiceContext,
        interval_s: int,
        *,
        runner: BaseRunner | None = None,
        probe_runner: BaseRunner | None = None,
        debounce_ms: int = DEBOUNCE_MS,
        parent: QObject | None = None,
    ) -> None:
        """``runner``: where syncs run (default: a one-thread ``TaskRunner`` of its own);
        ``probe_runner``: where F5's quick probe runs while a sync is busy (likewise)."""
        super().__init__(parent)
        self.ctx = ctx
        self.runner = runner or TaskRunner(self, max_threads=1)
        self.probe_runner = probe_runner or TaskRunner(self, max_threads=1)
        self._probing = False
        self.interval_ms = max(interval_s, 1) * 1000
        self.timer = QTimer(self)
        self.timer.setObjectName("syncTimer")
        self.timer.setSingleShot(True)
        self.timer.setInterval(self.interval_ms)
        self.timer.timeout.connect(self.request)
        self.debounce = QTimer(self)
        self.debounce.setObjectName("syncDebounce")
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(debounce_ms)
        self.debounce.timeout.connect(self.request)
        self._written.connect(self.debounce.start)
        self._hook = self._written.emit
        self._stop = threading.Event()
        self.running = False
        self._again = False
        self._announce = False
        self.runs = 0
        self.last: SyncOutcome | None = None

    @property
    def configured(self) -> bool:
        return bool(self.ctx.hq_url)

    def start(self) -> None:
        """Listen for local writes and sync now, then on the timer. Nothing without HQ."""
        if not self.configured:
            return
        self._stop.clear()
        self.ctx.on_write = self._hook
        self.request()

    def stop(self, wait_ms: int = STOP_WAIT_MS) -> bool:
        """Ask a running sync to stop between two steps and wait a little for it.

        True if no sync is still running. Nothing is lost either way: every page and every
        batch answer is its own transaction.
        """
        self.timer.stop()
        self.debounce.stop()
        if self.ctx.on_write is self._hook:
            self.ctx.on_write = None
        self._stop.set()
        self._again = False
        self.probe_runner.shutdown(wait_ms)
        done = self.runner.shutdown(wait_ms)
        if not done:
            log.warning("a sync was still running after %d ms; it stops at its next step", wait_ms)
        return done

    @Slot()
    def request(self) -> None:
        """A sync soon: now if none runs, else once more right after the running one."""
        self._start(announce=False)

    @Slot()
    def sync_now(self) -> None:
        """A person asked (F5, 同步): said at once, the outcome announced. If a sync is
        running, HQ is probed right away as well, so the state shown is not the old one."""
        if not self.configured or self._stop.is_set():
            return
        running = self.running
        self.requested.emit(running)
        self._start(announce=True)
        if running:
            self._quick_probe()

    def _quick_probe(self) -> None:
        if self._probing:
            return
        self._probing = True
        ctx = self.ctx
        self.probe_runner.submit(
            lambda: services.probe_hq(ctx), self._probe_done, self._probe_failed
        )

    def _probe_done(self, probe: object) -> None:
        self._probing = False
        if self.running and isinstance(probe, services.HQProbe):
            self.probed.emit(probe)

    def _probe_failed(self, exc: BaseException) -> None:
        self._probing = False
        if not isinstance(exc, KnownError):
            self.probe_runner.handle_error(exc, None)

    def _start(self, *, announce: bool) -> None:
        if not self.configured or self._stop.is_set():
            return
        self._announce = self._announce or announce
        if self.running:
            self._again = True
            return
        self.debounce.stop()
        self.timer.stop()
        self.running = True
        self._again = False
        announce, self._announce = self._announce, False
        self.started.emit()
        ctx, stop = self.ctx, self._stop
        self.runner.submit(
            lambda: run_sync(ctx, self._emit_progress, stop.is_set),
            lambda outcome: self._done(outcome, announce),
            lambda exc: self._failed(exc, announce),
        )

    def _emit_progress(self, progress: SyncProgress) -> None:
        try:
            self.progressed.emit(progress)
        except RuntimeError:  # the window closed and took the controller with it
            log.debug("sync progress after the controller was gone")

    def _done(self, outcome: SyncOutcome, announce: bool) -> None:
        self.running = False
        self.runs += 1
        if announce:
            outcome = replace(outcome, announce=True)
        self.last = outcome
        self.finished.emit(outcome)
        self._next()

    def _failed(self, exc: BaseException, announce: bool) -> None:
        """A known error before the engine ran is an outcome; anything else is a bug."""
        self.running = False
        if isinstance(exc, KnownError):
            log.warning("sync could not start: %s (%s)", exc.en, exc.detail)
            probe = services.HQProbe(online=False, configured=True)
            self._done(SyncOutcome(probe, error=exc), announce)
            return
        self.runner.handle_error(exc, None)
        self._next()

    def _next(self) -> None:
        if self._stop.is_set():
            return
        if self._again:
            self._again = False
            self._start(announce=False)
            return
        offline = self.last is not None and not self.last.probe.online
        recheck = OFFLINE_RECHECK_S * 1000
        self.timer.setInterval(min(self.interval_ms, recheck) if offline else self.interval_ms)
        self.timer.start()
