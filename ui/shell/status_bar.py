"""The truthful status line (DESIGN §1, store manager): store, who is signed in, HQ online,
offline or syncing, what is waiting to be sent, when the cache last synced, and how many
operations HQ rejected (a button: the problems list).

It only displays what the ``SyncController`` reports, plus quick reads of the outbox; it
never waits on the network.

Messages (a sync's summary, why HQ is offline, a known error) go to a label of their own on
the left that wraps, rather than QStatusBar's one line that cuts them off at 1024×768. An
"offline" message is cleared as soon as HQ is seen again, so nothing stale stays on screen.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QResizeEvent
from PySide6.QtWidgets import QLabel, QMessageBox, QSizePolicy, QStatusBar, QToolButton, QWidget

from counter import services
from counter.errors import (
    AuthenticationError,
    DatabaseCorruptError,
    DatabaseLockedError,
    DiskFullError,
    KnownError,
    StorageError,
)
from counter.services.clock import is_large
from counter.sync.client import EpochChanged, HQProtocolError, HQRefused, HQUnavailable
from counter.sync.engine import SYNC_BUSY, SyncProgress
from ui.shell.labels import actor_label
from ui.shell.style import set_state
from ui.shell.sync_controller import SyncOutcome

CLOCK_REFRESH_MS = 30_000
STOPPED = "stopped"
BUSY = SYNC_BUSY.split(":", 1)[0]
MESSAGE_LINES = 3  # a message wraps onto at most this many lines


def error_code(error: str) -> str:
    """The code a ``SyncReport`` error starts with (``"<code>: <English message>"``)."""
    return error.split(":", 1)[0].strip()


def _label(object_name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(object_name)
    return label


class CounterStatusBar(QStatusBar):
    problemsRequested = Signal()

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
        self.problemsButton = QToolButton()
        self.problemsButton.setObjectName("problemsButton")
        self.problemsButton.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.problemsButton.setAutoRaise(True)
        self.problemsButton.clicked.connect(self.problemsRequested)
        # This PC's clock far off HQ's: both times, and (for a manager) how to set it right.
        self.clockButton = QToolButton()
        self.clockButton.setObjectName("clockButton")
        self.clockButton.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.clockButton.setAutoRaise(True)
        self.clockButton.clicked.connect(self.explain_clock)
        self.clockTimer = QTimer(self)
        self.clockTimer.setObjectName("clockTimer")
        self.clockTimer.setInterval(CLOCK_REFRESH_MS)
        self.clockTimer.timeout.connect(self.refresh_clock)
        self.syncButton = QToolButton()
        self.syncButton.setObjectName("syncButton")
        self.syncButton.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.syncButton.setAutoRaise(True)
        self.syncButton.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.messageLabel = _label("statusMessage")
        self.messageLabel.setWordWrap(True)
        self.messageLabel.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.messageLabel.setMinimumWidth(120)
        self.message_kind = ""  # "offline" for a message that HQ coming back makes stale
        self.messageTimer = QTimer(self)
        self.messageTimer.setSingleShot(True)
        self.messageTimer.timeout.connect(self.clearMessage)
        self.addWidget(self.messageLabel, 1)
        for widget in (
            self.storeLabel,
            self.operatorLabel,
            self.onlineLabel,
            self.clockButton,
            self.pendingLabel,
            self.problemsButton,
            self.lastSyncLabel,
            self.syncButton,
        ):
            self.addPermanentWidget(widget)
        self.syncButton.hide()  # until the window gives it the sync action
        self.clockButton.hide()
        self.syncing = False
        self.open_problems = 0
        self.storeLabel.setText(self.tr("Store {0}").format(ctx.store_code or "—"))
        self.actor: services.Actor | None = None
        self.set_actor(actor)
        if ctx.hq_url:
            self.show_checking()
        else:
            self.show_unconfigured()
        self.refresh_counts()

    # -- messages -------------------------------------------------------------------------

    def showMessage(self, text: str, timeout: int = 0) -> None:
        """A message that wraps instead of being cut off; gone after ``timeout`` ms if set."""
        self.say(text, timeout)

    def say(self, text: str, timeout: int = 0, kind: str = "") -> None:
        self.messageLabel.setText(text)
        self.messageLabel.setToolTip(text)
        self.message_kind = kind
        self._fit_message()
        if timeout > 0:
            self.messageTimer.start(timeout)
        else:
            self.messageTimer.stop()

    def currentMessage(self) -> str:
        return self.messageLabel.text()

    @Slot()
    def clearMessage(self) -> None:
        self.messageTimer.stop()
        self.message_kind = ""
        self.messageLabel.clear()
        self.messageLabel.setToolTip("")
        self._fit_message()

    def _fit_message(self) -> None:
        """As many lines as the text needs at the label's width, up to MESSAGE_LINES."""
        label = self.messageLabel
        line = label.fontMetrics().lineSpacing()
        width = label.width() if label.width() > 0 else label.minimumWidth()
        needed = label.heightForWidth(width) if label.text() else line
        label.setMinimumHeight(min(max(needed, line), MESSAGE_LINES * line))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_message()

    def set_actor(self, actor: services.Actor | None) -> None:
        self.actor = actor
        self.operatorLabel.setText(actor_label(actor) if actor else self.tr("Locked"))
        self.refresh_clock()

    def set_sync_action(self, action: QAction) -> None:
        """The window's 同步 action, as a button at the end of the line."""
        self.syncButton.setDefaultAction(action)
        self.syncButton.setVisible(action.isVisible())

    # -- HQ -------------------------------------------------------------------------------

    def _online(self, text: str, state: str, tip: str) -> None:
        self.onlineLabel.setText(text)
        self.onlineLabel.setToolTip(tip)
        set_state(self.onlineLabel, "state", state)

    def show_checking(self) -> None:
        self._online(self.tr("Checking HQ…"), "checking", self.tr("Asking HQ whether it is there."))

    def show_unconfigured(self) -> None:
        self._online(
            self.tr("HQ not configured"),
            "unconfigured",
            self.tr("No HQ address is set; this counter works on its own cache."),
        )

    @Slot(bool)
    def show_requested(self, running: bool) -> None:
        """F5: said at once, whatever the sync was doing."""
        if running:
            text = self.tr("A sync is running; checking HQ now and syncing again right after it.")
        else:
            text = self.tr("Syncing now…")
        self.say(text, 10_000, "request")

    @Slot(object)
    def show_probe(self, probe: services.HQProbe) -> None:
        """HQ's reachability from F5's quick check, while a sync is still running."""
        if probe.online:
            self._online(self.tr("Online · syncing…"), "syncing", self.tr("HQ is reachable."))
            self.hq_back()
        elif probe.configured:
            reason = probe.error_message(self.language) or self.reason(HQUnavailable.code)
            tip = self.tr("{0} Work goes on here and is sent when HQ is back.").format(reason)
            self._online(self.tr("Offline"), "offline", tip)
            self.say(tip, 10_000, "offline")

    def hq_back(self) -> None:
        """HQ answers again: a message saying it does not is stale now."""
        if self.message_kind == "offline":
            self.clearMessage()

    @Slot()
    def show_syncing(self) -> None:
        self.syncing = True
        self._online(
            self.tr("Syncing…"),
            "syncing",
            self.tr("Sending this counter's work and fetching HQ's."),
        )

    @Slot(object)
    def show_progress(self, progress: SyncProgress) -> None:
        if not self.syncing:  # a late report from a sync that has finished
            return
        stage = self.stage_label(progress.stage)
        if progress.total:
            text = self.tr("Syncing · {0} {1}/{2}").format(
                stage, f"{progress.done:,}", f"{progress.total:,}"
            )
        elif progress.done:
            text = self.tr("Syncing · {0} {1}").format(stage, f"{progress.done:,}")
        else:
            text = self.tr("Syncing · {0}").format(stage)
        self.onlineLabel.setText(text)

    def stage_label(self, stage: str) -> str:
        labels = {
            "health": self.tr("checking HQ"),
            "config": self.tr("settings"),
            "push": self.tr("sending"),
            "pull members": self.tr("members"),
            "pull complaints": self.tr("complaints"),
            "indexes": self.tr("building indexes"),
        }
        return labels.get(stage, stage)

    @Slot(object)
    def show_outcome(self, outcome: SyncOutcome) -> None:
        """Online, offline (and why), clock off or sync incomplete; then the counts."""
        self.syncing = False
        probe, report = outcome.probe, outcome.report
        codes = [error_code(e) for e in report.errors] if report is not None else []
        serious = [c for c in codes if c not in (STOPPED, BUSY)]
        if outcome.error is not None:
            text, state = self.tr("Sync failed"), "error"
            tip = outcome.error.message(self.language)
        elif not probe.configured:
            self.show_unconfigured()
            text, state, tip = "", "", ""
        elif not probe.online or HQUnavailable.code in serious:
            reason = probe.error_message(self.language) or self.reason(HQUnavailable.code)
            text, state = self.tr("Offline"), "offline"
            tip = self.tr("{0} Work goes on here and is sent when HQ is back.").format(reason)
        elif serious:
            text, state = self.tr("Sync incomplete"), "error"
            tip = "\n".join(dict.fromkeys(self.reason(code) for code in serious))
        else:
            text, state = self.tr("Online"), "online"
            tip = self.tr("HQ is reachable.")
            if BUSY in codes:
                tip = self.reason(BUSY)
        if state:
            self._online(text, state, tip)
        if probe.online and state != "offline":
            self.hq_back()
        self.refresh_counts()
        if outcome.announce:
            kind = "offline" if state == "offline" else ""
            self.say(self.summary(outcome) if state == "online" else tip, 10_000, kind)

    def summary(self, outcome: SyncOutcome) -> str:
        report = outcome.report
        if report is None:
            return self.tr("HQ is reachable.")
        text = self.tr("Synced: {0} sent, {1} members and {2} complaints received.").format(
            report.pushed, report.pulled_members, report.pulled_complaints
        )
        if report.rejected:
            text += " " + self.tr("HQ rejected {0}: see the problems list.").format(report.rejected)
        return text

    def reason(self, code: str) -> str:
        """Why a sync did not finish, from the error's code (the engine logs the details)."""
        reasons = {
            HQUnavailable.code: self.tr("HQ did not answer (network or HQ down)."),
            HQProtocolError.code: self.tr("HQ's answer could not be used; nothing of it was kept."),
            HQRefused.code: self.tr("HQ refused a request from this counter; see the log."),
            AuthenticationError.code: self.tr(
                "HQ did not accept this counter's store token; ask store IT."
            ),
            EpochChanged.code: self.tr("HQ's data was being restored; the next sync goes on."),
            STOPPED: self.tr("The sync was interrupted; the next one goes on from there."),
            BUSY: self.tr("Another sync of this counter was running; this one was skipped."),
            DiskFullError.code: self.tr("The disk is full; free some space."),
            DatabaseLockedError.code: self.tr("The local database was busy."),
            DatabaseCorruptError.code: self.tr("The local database is damaged; call store IT."),
            StorageError.code: self.tr("The local database cannot be read or written."),
        }
        return reasons.get(code) or self.tr("The sync did not finish ({0}).").format(code)

    # -- the cache ------------------------------------------------------------------------

    def refresh_counts(self) -> None:
        """Pending operations, open problems and the last sync: a quick read of the cache."""
        try:
            status = services.counter_status(self.ctx)
        except KnownError as exc:
            self.pendingLabel.setText(self.tr("Cache unreadable"))
            self.pendingLabel.setToolTip(exc.message(self.language))
            set_state(self.pendingLabel, "state", "problem")
            return
        self.pendingLabel.setText(self.tr("Pending {0}").format(status.pending))
        self.pendingLabel.setToolTip(self.tr("Operations waiting to be sent to HQ."))
        set_state(self.pendingLabel, "state", "ok")
        self.problemsButton.setText(self.tr("Problems {0}").format(status.open_problems))
        self.problemsButton.setToolTip(
            self.tr(
                "Operations HQ rejected, for a store manager to retry or dismiss. Click to see."
            )
        )
        set_state(self.problemsButton, "state", "problem" if status.open_problems else "ok")
        self.open_problems = status.open_problems
        self.lastSyncLabel.setText(self.last_sync_text(status.last_sync))
        self.lastSyncLabel.setToolTip(self.tr("The last sync that finished without errors."))
        self.refresh_clock()

    # -- the PC's clock -------------------------------------------------------------------

    @Slot()
    def refresh_clock(self) -> None:
        """Shown while the last measured skew is large (it is kept across restarts)."""
        skew = self.ctx.clock_skew_s
        if skew is None or not is_large(skew):
            self.clockButton.hide()
            self.clockTimer.stop()
            return
        pc, hq = self.clock_times()
        minutes = max(1, round(abs(skew) / 60))
        if skew > 0:
            text = self.tr("Clock {0} min fast: PC {1}, HQ {2}")
        else:
            text = self.tr("Clock {0} min slow: PC {1}, HQ {2}")
        self.clockButton.setText(text.format(minutes, pc, hq))
        if self.is_manager():
            tip = self.tr(
                "The counter works in HQ's time, so member codes, points and times are right. "
                "Click to see how to set this PC's clock."
            )
        else:
            tip = self.tr(
                "The counter works in HQ's time, so member codes, points and times are right. "
                "Tell the store manager to set this PC's clock."
            )
        self.clockButton.setToolTip(tip)
        set_state(self.clockButton, "state", "warning")
        self.clockButton.show()
        if not self.clockTimer.isActive():
            self.clockTimer.start()

    def clock_times(self) -> tuple[str, str]:
        """The PC's clock and HQ's time (the counter's), as people read a clock."""
        pc = self.ctx.clock().astimezone()
        hq = self.ctx.now().astimezone()
        fmt = "%H:%M" if pc.date() == hq.date() else "%m-%d %H:%M"
        return pc.strftime(fmt), hq.strftime(fmt)

    def is_manager(self) -> bool:
        return self.actor is not None and self.actor.role == "manager"

    @Slot()
    def explain_clock(self) -> None:
        """What is wrong with the clock and, for a manager, how to set it right."""
        pc, hq = self.clock_times()
        text = self.clockButton.text()
        steps = (
            self.tr(
                "How to set it right (Windows):\n"
                '1. Right-click the time on the taskbar and choose "Adjust date/time".\n'
                '2. Turn on "Set time automatically" and click "Sync now".\n'
                '3. If that is not possible, turn it off, click "Change" and set the time '
                "to HQ's: {0}.\n"
                "4. If the clock is wrong again after every start, the PC's CMOS battery is "
                "probably flat: call store IT.\n"
                "Then press F5: this notice goes away once HQ sees the clock right."
            ).format(hq)
            if self.is_manager()
            else self.tr(
                "Tell the store manager: signed in, a manager can click this notice to see how "
                "to set the clock."
            )
        )
        body = self.tr(
            "This PC's clock says {0}; HQ's time is {1}.\n"
            "The counter works in HQ's time meanwhile, so member codes, points, member days "
            "and due times are right. The PC's clock should still be set right."
        ).format(pc, hq)
        box = QMessageBox(
            QMessageBox.Icon.Information,
            text,
            body,
            QMessageBox.StandardButton.Ok,
            self.window(),
        )
        box.setObjectName("clockHelp")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setInformativeText(steps)
        box.open()

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
