"""The truthful status line (DESIGN §1, store manager): store, who is signed in, HQ reachable
or not, what is waiting to be sent, and when the cache last synced.

``HQMonitor`` probes HQ on a timer in the task runner (the UI thread never waits on the
network); the status bar only displays what it is given, plus quick reads of the outbox.
"""

from __future__ import annotations

import datetime as dt
import logging

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from counter import services
from counter.errors import KnownError
from ui.labels import actor_label
from ui.style import set_state
from ui.tasks import BaseRunner

log = logging.getLogger(__name__)


class HQMonitor(QObject):
    """Runs ``services.probe_hq`` every ``interval_s`` and on demand, one probe at a time."""

    checking = Signal()
    probed = Signal(object, bool)  # services.HQProbe, asked for by a person (F5)

    def __init__(
        self,
        ctx: services.ServiceContext,
        runner: BaseRunner,
        interval_s: int,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runner = runner
        self.timer = QTimer(self)
        self.timer.setInterval(max(interval_s, 1) * 1000)
        self.timer.timeout.connect(self.check)
        self.in_flight = False
        self._announce = False
        self.last: services.HQProbe | None = None

    def start(self) -> None:
        self.timer.start()
        self.check()

    def stop(self) -> None:
        self.timer.stop()

    @Slot()
    def check(self) -> None:
        self._probe(announce=False)

    @Slot()
    def check_now(self) -> None:
        """A person asked (F5): the result is announced, even if a timed probe is running."""
        self._probe(announce=True)

    def _probe(self, *, announce: bool) -> None:
        self._announce = self._announce or announce
        if self.in_flight:
            return
        self.in_flight = True
        self.checking.emit()
        ctx = self.ctx
        self.runner.submit(lambda: services.probe_hq(ctx), self._done, self._failed)

    def _done(self, probe: services.HQProbe) -> None:
        self.in_flight = False
        announce, self._announce = self._announce, False
        self.last = probe
        if not probe.online and probe.configured:
            log.info("HQ not reachable: %s", probe.error_en)
        self.probed.emit(probe, announce)

    def _failed(self, exc: BaseException) -> None:
        self.in_flight = False
        if isinstance(exc, KnownError):
            self._done(
                services.HQProbe(online=False, configured=True, error_zh=exc.zh, error_en=exc.en)
            )
        else:
            self._announce = False
            self.runner.handle_error(exc, None)


def _label(object_name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(object_name)
    return label


class CounterStatusBar(QStatusBar):
    def __init__(
        self,
        ctx: services.ServiceContext,
        actor: services.Actor,
        *,
        language: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.ctx = ctx
        self.language = language
        self.storeLabel = _label("storeLabel")
        self.operatorLabel = _label("operatorLabel")
        self.onlineLabel = _label("onlineLabel")
        self.pendingLabel = _label("pendingLabel")
        self.lastSyncLabel = _label("lastSyncLabel")
        for label in (
            self.storeLabel,
            self.operatorLabel,
            self.onlineLabel,
            self.pendingLabel,
            self.lastSyncLabel,
        ):
            self.addPermanentWidget(label)
        self.storeLabel.setText(self.tr("Store {0}").format(ctx.store_code or "—"))
        self.set_actor(actor)
        self.show_checking()
        self.refresh_counts()

    def set_actor(self, actor: services.Actor | None) -> None:
        self.operatorLabel.setText(actor_label(actor) if actor else self.tr("Locked"))

    @Slot()
    def show_checking(self) -> None:
        if self.onlineLabel.property("state") in (None, "checking"):
            self.onlineLabel.setText(self.tr("Checking HQ…"))
            set_state(self.onlineLabel, "state", "checking")

    @Slot(object, bool)
    def show_probe(self, probe: services.HQProbe, announce: bool = False) -> None:
        error = probe.error_zh if self.language.startswith("zh") else probe.error_en
        if not probe.configured:
            text, state = self.tr("HQ not configured"), "unconfigured"
            tip = self.tr("No HQ address is set; this counter works on its own cache.")
        elif not probe.online:
            text, state = self.tr("Offline"), "offline"
            tip = self.tr("HQ cannot be reached; work continues and is sent later. {0}").format(
                error
            )
        elif probe.clock_off:
            minutes = round(abs(probe.clock_skew_s or 0) / 60)
            text, state = self.tr("Online · clock off by {0} min").format(minutes), "warning"
            tip = self.tr("This PC's clock differs from HQ's; ask store IT to set it right.")
        else:
            text, state = self.tr("Online"), "online"
            tip = self.tr("HQ is reachable.")
        self.onlineLabel.setText(text)
        self.onlineLabel.setToolTip(tip)
        set_state(self.onlineLabel, "state", state)
        self.refresh_counts()
        if announce:
            self.showMessage(tip if state != "online" else self.tr("HQ is reachable."), 10_000)

    def refresh_counts(self) -> None:
        """Pending operations, open problems and the last sync: a quick read of the cache."""
        try:
            status = services.counter_status(self.ctx)
        except KnownError as exc:
            self.pendingLabel.setText(self.tr("Cache unreadable"))
            self.pendingLabel.setToolTip(exc.message(self.language))
            set_state(self.pendingLabel, "state", "problem")
            return
        text = self.tr("Pending {0}").format(status.pending)
        if status.open_problems:
            text += self.tr(" · problems {0}").format(status.open_problems)
        self.pendingLabel.setText(text)
        self.pendingLabel.setToolTip(
            self.tr("Operations waiting to be sent to HQ, and rejected ones to look at.")
        )
        set_state(self.pendingLabel, "state", "problem" if status.open_problems else "ok")
        self.lastSyncLabel.setText(self.last_sync_text(status.last_sync))

    def last_sync_text(self, last: dt.datetime | None) -> str:
        if last is None:
            return self.tr("Never synced")
        local = last.astimezone()
        today = dt.datetime.now().astimezone().date()
        when = (
            local.strftime("%H:%M") if local.date() == today else local.strftime("%Y-%m-%d %H:%M")
        )
        return self.tr("Last sync {0}").format(when)

    def show_error(self, exc: KnownError) -> None:
        """A known error from background work: its message, plainly, for a while."""
        self.showMessage(exc.message(self.language), 15_000)
