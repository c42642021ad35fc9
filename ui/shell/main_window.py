"""The main window: assembles the panels and the menus, and switches between work and lock.

Kept thin on purpose (STYLE: no giant application object). Each panel talks to
``counter.services`` itself; this class only wires signals and owns the actions. The actions
and menus are built in ``ui.shell.actions``, the extra windows (F8, F2, F4, F11, problems)
opened and let go in ``ui.shell.windows``: mixins of this class.

Scans reach the lookup from anywhere in the application: ``ScannerFilter`` (installed here,
removed on close) tells a scanner's burst from typing and hands the code over, so it never
lands in whatever field had the focus.
"""

from __future__ import annotations

import logging
import platform
import sys
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, QUrl, Slot, qVersion
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from counter import __version__, services
from counter.errors import KnownError
from counter.settings import Settings
from ui.care.outreach_dialog import OutreachDialog
from ui.complaints.list_dialog import ComplaintsDialog
from ui.complaints.log_dialog import LogComplaintDialog
from ui.manager.desk import ManagerDesk
from ui.member import camera
from ui.member.lookup_bar import LookupBar
from ui.member.member_panel import MemberPanel
from ui.member.member_phone import MemberPhone
from ui.member.pick_list import PickList
from ui.member.profile_dialog import ProfileDialog
from ui.member.registration import RegistrationDialog
from ui.points.history_dialog import HistoryDialog
from ui.points.history_windows import HistoryWindowsMixin
from ui.points.shell import PointsWindowsMixin
from ui.shell import window_state
from ui.shell.actions import ActionsMixin
from ui.shell.care_windows import CareWindowsMixin
from ui.shell.idle import IdleWatcher
from ui.shell.labels import app_title
from ui.shell.lock_screen import LockScreen
from ui.shell.problems_dialog import ProblemsDialog
from ui.shell.scanner import ScannerConfig, ScannerFilter
from ui.shell.status_bar import CounterStatusBar
from ui.shell.sync_controller import SyncController, SyncOutcome
from ui.shell.tasks import AfterPaint, BaseRunner
from ui.shell.windows import MEMBER_RESULT, PICK_RESULT, REVEAL_ROLES, WindowsMixin

log = logging.getLogger(__name__)

WORK_PAGE, LOCK_PAGE = 0, 1


class MainWindow(
    ActionsMixin,
    WindowsMixin,
    HistoryWindowsMixin,
    PointsWindowsMixin,
    CareWindowsMixin,
    QMainWindow,
):
    def __init__(
        self,
        ctx: services.ServiceContext,
        settings: Settings,
        actor: services.Actor,
        runner: BaseRunner,
        *,
        language: str,
        login_hint: str | None = None,
        idle_timeout_ms: int | None = None,
        demo: bool = False,
        scanner: ScannerFilter | None = None,
        sync_runner: BaseRunner | None = None,
    ) -> None:
        """``demo``: offer the member's-phone window. ``scanner``: a filter of one's own
        (tests give one with a clock they control); by default one from the settings.
        ``sync_runner``: where syncs run (default: a worker thread of the sync's own)."""
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(app_title())
        self.ctx = ctx
        self.settings = settings
        self.actor: services.Actor | None = actor
        self.last_actor = actor
        self.runner = runner
        self.language = language

        self.demo = demo
        self.state_path: Path | None = None  # where size and place are kept (run_app sets it)

        self.lookupBar = LookupBar(ctx, actor, language=language, runner=runner)
        self.memberPanel = MemberPanel(store_code=ctx.store_code)
        self.pickList = PickList()
        self.results = QStackedWidget()
        self.results.setObjectName("resultArea")
        self.results.addWidget(self.memberPanel)
        self.results.addWidget(self.pickList)
        self.lookupBar.memberFound.connect(self._show_member)
        self.lookupBar.memberFound.connect(self._audit_health_view)
        self.lookupBar.choicesFound.connect(self._show_choices)
        self.lookupBar.lookedUp.connect(self._looked_up)
        self.memberPanel.revealRequested.connect(self.reveal_member)
        self.memberPanel.set_can_reveal(actor.role in REVEAL_ROLES)
        self.pickList.chosen.connect(self.lookupBar.choose)
        self.pickList.cancelled.connect(self.clear_member)
        work = QWidget()
        work.setObjectName("workArea")
        work_layout = QVBoxLayout(work)
        work_layout.addWidget(self.lookupBar)
        work_layout.addWidget(self.results, 1)
        self.lockScreen = LockScreen(ctx, language=language, hint=login_hint)
        self.lockScreen.unlocked.connect(self.unlock)
        self.pages = QStackedWidget()
        self.pages.setObjectName("mainPages")
        self.pages.addWidget(work)
        self.pages.addWidget(self.lockScreen)
        self.setCentralWidget(self.pages)

        self.statusBarWidget = CounterStatusBar(ctx, actor, language=language)
        self.setStatusBar(self.statusBarWidget)
        self.sync = SyncController(ctx, settings.sync_interval_s, runner=sync_runner, parent=self)
        self.sync.started.connect(self.statusBarWidget.show_syncing)
        self.sync.requested.connect(self.statusBarWidget.show_requested)
        self.sync.probed.connect(self._probed)
        self.sync.progressed.connect(self.statusBarWidget.show_progress)
        self.sync.finished.connect(self._synced)
        self.statusBarWidget.problemsRequested.connect(self.open_problems)
        self.problemsDialog: ProblemsDialog | None = None
        self.profileDialog: ProfileDialog | None = None
        self.complaintDialog: LogComplaintDialog | None = None
        self.complaintsDialog: ComplaintsDialog | None = None
        self.historyDialog: HistoryDialog | None = None
        self.deskWindow: ManagerDesk | None = None  # F12
        self.ownPinDialog: QDialog | None = None
        self.outreachDialog: OutreachDialog | None = None
        runner.knownError.connect(self._known_error)

        if idle_timeout_ms is None:
            idle_timeout_ms = settings.idle_lock_minutes * 60_000
        self.idle = IdleWatcher(idle_timeout_ms, self)
        self.idle.idle.connect(self.lock)

        self.scanner = scanner or ScannerFilter(ScannerConfig.from_settings(settings))
        self.scanner.setParent(self)
        self.scanner.scanned.connect(self._scanned)
        self.afterPaint = AfterPaint(self)
        self.memberPhone: MemberPhone | None = None
        self.registrationDialog: RegistrationDialog | None = None
        self.cameraScanner: camera.CameraScanner | None = None

        self._build_actions()
        self._build_care()
        self.scanner.install()
        self.sync.start()
        self.idle.start()
        self.lookupBar.focus_input()

    # -- locking --------------------------------------------------------------------------

    @property
    def locked(self) -> bool:
        return self.pages.currentIndex() == LOCK_PAGE

    @Slot()
    def lock(self) -> None:
        """Hide the member and the operator; the counter waits for a PIN."""
        if self.locked:
            return
        log.info("counter locked")
        self.idle.stop()
        if self.profileDialog is not None:  # it shows a member in clear
            self.profileDialog.close()
            self.profileDialog = None
        for dialog in (self.complaintDialog, self.complaintsDialog):  # customers, an operator's
            if dialog is not None:
                dialog.close()
        self.complaintDialog = self.complaintsDialog = None
        self.close_history()  # the refund or award of the operator who walked away
        self.close_points_dialogs()
        if self.outreachDialog is not None:  # an operator's lists of members
            self.outreachDialog.close()
            self.outreachDialog = None
        self.clear_member()
        self.lookupBar.clear_message()
        self.lookupBar.input.clear()
        self.actor = None
        self.statusBarWidget.set_actor(None)
        self._care_actor(None)
        if self.problemsDialog is not None:  # it shows a manager's view
            self.problemsDialog.close()
        if self.deskWindow is not None and self.deskWindow.isVisible():  # staff, the trail
            self.deskWindow.reject()
        if self.ownPinDialog is not None:
            self.ownPinDialog.close()
        if self.registrationDialog is not None:  # half-typed personal data: gone
            self.registrationDialog.reject()
        for action in self._work_actions:
            action.setEnabled(False)
        self.lockScreen.prepare(self.last_actor)
        self.pages.setCurrentIndex(LOCK_PAGE)
        self.lockScreen.form.focus_first()

    @Slot(object)
    def unlock(self, actor: services.Actor) -> None:
        self.actor = self.last_actor = actor
        self.lookupBar.set_actor(actor)
        self.memberPanel.set_can_reveal(actor.role in REVEAL_ROLES)
        self.statusBarWidget.set_actor(actor)
        self._care_actor(actor)
        for action in self._work_actions:
            action.setEnabled(True)
        self.pages.setCurrentIndex(WORK_PAGE)
        self.lookupBar.focus_input()
        self.idle.start()

    # -- scans and results -----------------------------------------------------------------

    @Slot(str)
    def _scanned(self, code: str) -> None:
        """A scanner's burst (or the camera, or the demo phone): to the lookup."""
        dialog = self.profileDialog
        if dialog is not None and dialog.isActiveWindow() and dialog.take_scan(code):
            return  # a new card scanned on the profile's card page
        complaint = self.complaintDialog
        if complaint is not None and complaint.isActiveWindow() and complaint.take_scan(code):
            return  # the member the complaint is about
        earn = self.earnDialog
        if earn is not None and earn.isActiveWindow() and earn.take_scan(code):
            return  # the receipt's number
        if self.locked:
            log.info("scan ignored: the counter is locked")
            self.statusBarWidget.showMessage(self.tr("Sign in first, then scan again."), 5000)
            return
        if self.registrationDialog is not None and self.registrationDialog.isVisible():
            self.registrationDialog.take_scan(code)  # the new member's card (or referrer's)
            return
        self.lookupBar.lookup(code)
        if self.isActiveWindow() and self.results.currentIndex() != PICK_RESULT:
            self.lookupBar.focus_input()

    @Slot(object)
    def _show_member(self, view: services.MemberView) -> None:
        self.pickList.clear()
        self.results.setCurrentIndex(MEMBER_RESULT)
        self.memberPanel.show_member(view)
        if self.isActiveWindow():  # not while a dialog of ours has the focus
            self.lookupBar.focus_input()

    @Slot(object, bool)
    def _show_choices(self, choices: tuple[services.MemberChoice, ...], more: bool) -> None:
        self.memberPanel.clear()
        self.results.setCurrentIndex(PICK_RESULT)
        self.pickList.show_choices(choices, more=more)

    @Slot(str)
    def _looked_up(self, tone: str) -> None:
        if tone in ("notfound", "refusal"):
            self.memberPanel.clear()
            self.pickList.clear()
            self.results.setCurrentIndex(MEMBER_RESULT)

    @Slot()
    def clear_member(self) -> None:
        """Esc: nobody on screen, ready for the next scan."""
        if self.customerDisplay is not None:
            self.customerDisplay.idle()
        self.memberPanel.clear()
        self.pickList.clear()
        self.results.setCurrentIndex(MEMBER_RESULT)
        if not self.locked:
            self.lookupBar.clear_message()
            self.lookupBar.focus_input()

    @Slot()
    def reveal_current(self) -> None:
        """Ctrl+R: the member on screen's name and phone, if this operator may."""
        view = self.memberPanel.view
        if view is not None and not self.locked and self.results.currentIndex() == MEMBER_RESULT:
            self.reveal_member(view.id)

    @Slot(str)
    def reveal_member(self, member_id: str) -> None:
        """Ask the core (it checks the role and writes the audit entry), then show it."""
        actor = self.actor
        if actor is None:
            return
        if actor.role not in REVEAL_ROLES:
            self.statusBarWidget.showMessage(
                self.tr("Only a service assistant or store manager may see full names and phones."),
                8000,
            )
            return
        ctx = self.ctx
        self.runner.submit(
            lambda: services.reveal_member(ctx, actor, member_id, "counter"),
            self._revealed,
        )

    def _revealed(self, contact: object) -> None:
        if isinstance(contact, services.Contact) and self.actor is not None:
            self.memberPanel.show_contact(contact)

    # -- the rest -------------------------------------------------------------------------

    @Slot(object)
    def _audit_health_view(self, view: services.MemberView) -> None:
        """The allergy banner is health information: each showing is audited (PIPL), off the
        scan's hot path, after the panel is painted."""
        actor = self.actor
        if not view.allergy_alert or actor is None:
            return
        ctx, runner = self.ctx, self.runner
        self.afterPaint.call(
            lambda: runner.submit(
                lambda: services.audit_health_view(ctx, actor, view.id, "allergy_banner"),
                lambda _result: None,
            )
        )

    # -- sync ------------------------------------------------------------------------------

    @Slot(object)
    def _probed(self, probe: services.HQProbe) -> None:
        self.statusBarWidget.show_probe(probe)
        if probe.online:
            self.lookupBar.hq_back()

    @Slot(object)
    def _synced(self, outcome: SyncOutcome) -> None:
        self.statusBarWidget.show_outcome(outcome)
        self.reread_member_after_sync(outcome.report)
        if outcome.probe.online:
            self.lookupBar.hq_back()
        report = outcome.report
        if self.problemsDialog is not None and report is not None and report.rejected:
            self.problemsDialog.reload()
        if self.complaintsDialog is not None and report is not None:
            self.complaintsDialog.reload()  # HQ's changes show as "changed at HQ"
        if self.workListDialog is not None:
            self.workListDialog.reload()  # it counts for the status bar too
        else:
            self.workCounts.refresh()

    @Slot(object)
    def _known_error(self, exc: KnownError) -> None:
        self.statusBarWidget.show_error(exc)

    @Slot()
    def open_log_folder(self) -> None:
        folder = self.settings.log_dir
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def about_text(self) -> str:
        return self.tr(
            "{0} {1}\nStore: {2}\nData folder: {3}\nPython {4} · Qt {5} · PySide6 {6} · {7}"
        ).format(
            app_title(),
            __version__,
            self.ctx.store_code or "—",
            self.settings.data_path,
            sys.version.split()[0],
            qVersion(),
            pyside_version,
            platform.system(),
        )

    @Slot()
    def show_about(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Information, self.tr("About"), self.about_text(), parent=self
        )
        box.setObjectName("aboutBox")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # not exec(): the counter keeps running behind it

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.state_path is not None:
            window_state.save(self, self.state_path)
        self.scanner.remove()
        self.afterPaint.flush()  # audits of what was shown are written before the runner stops
        for window in (
            self.memberPhone,
            self.cameraScanner,
            self.problemsDialog,
            self.registrationDialog,
            self.complaintDialog,
            self.complaintsDialog,
            self.historyDialog,
            self.earnDialog,
            self.redeemDialog,
            self.customerDisplay,
            self.workListDialog,
        ):
            if window is not None:
                window.close()
        self.sync.stop()
        self.idle.stop()
        self.runner.shutdown()
        super().closeEvent(event)
