"""The main window: assembles the panels and the menus, and switches between work and lock.

Kept thin on purpose (STYLE: no giant application object). Each panel talks to
``counter.services`` itself; this class only wires signals and owns the actions.

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
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from counter import __version__, services
from counter.errors import KnownError
from counter.settings import Settings
from ui.complaints.list_dialog import ComplaintsDialog
from ui.complaints.log_dialog import LogComplaintDialog
from ui.member import camera
from ui.member.lookup_bar import LookupBar
from ui.member.member_panel import MemberPanel
from ui.member.member_phone import MemberPhone
from ui.member.pick_list import PickList
from ui.member.profile_dialog import ProfileDialog
from ui.member.registration import RegistrationDialog
from ui.shell import window_state
from ui.shell.idle import IdleWatcher
from ui.shell.labels import app_title
from ui.shell.lock_screen import LockScreen
from ui.shell.problems_dialog import ProblemsDialog
from ui.shell.scanner import ScannerConfig, ScannerFilter
from ui.shell.status_bar import CounterStatusBar
from ui.shell.sync_controller import SyncController, SyncOutcome
from ui.shell.tasks import AfterPaint, BaseRunner

log = logging.getLogger(__name__)

REVEAL_ROLES = ("service", "manager")  # DESIGN §7; the service checks it again
REGISTER_ROLES = ("service", "manager")  # F2 registers for them, finds for a cashier
WORK_PAGE, LOCK_PAGE = 0, 1
MEMBER_RESULT, PICK_RESULT = 0, 1


class MainWindow(QMainWindow):
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
        self.scanner.install()
        self.sync.start()
        self.idle.start()
        self.lookupBar.focus_input()

    # -- menus ----------------------------------------------------------------------------

    def _action(
        self, text: str, name: str, tip: str, shortcuts: list[QKeySequence], slot: object
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setStatusTip(tip)
        action.setShortcuts(shortcuts)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        key = QKeySequence
        self.lockAction = self._action(
            self.tr("&Lock"), "lockAction", self.tr("Lock the counter now; sign in to go on"),
            [key("Ctrl+L")], self.lock,
        )  # fmt: skip
        # From any of the counter's windows (F8, F4, F11): walking away must never need a click.
        self.lockAction.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.quitAction = self._action(
            self.tr("&Quit"), "quitAction", self.tr("Close the program"),
            [key("Ctrl+Q")], self.close,
        )  # fmt: skip
        self.findAction = self._action(
            self.tr("&Find member"), "findAction",
            self.tr("Put the cursor in the scan field"),
            [key("Ctrl+F")], self.lookupBar.focus_input,
        )  # fmt: skip
        self.registerAction = self._action(
            self.tr("Re&gister a member…"), "registerAction",
            self.tr("Register a new member (service and manager; for a cashier F2 finds)"),
            [key("F2")], self.open_registration,
        )  # fmt: skip
        self.clearAction = self._action(
            self.tr("&Clear"), "clearAction",
            self.tr("Take the member or the pick list off the screen; ready for the next scan"),
            [key("Esc")], self.clear_member,
        )  # fmt: skip
        self.revealAction = self._action(
            self.tr("Show &name and phone"), "revealAction",
            self.tr("Show the member's full name and phone (service and manager; audited)"),
            [key("Ctrl+R")], self.reveal_current,
        )  # fmt: skip
        self.profileAction = self._action(
            self.tr("P&rofile and health…"), "profileAction",
            self.tr("The member's profile, health record, consents and card (service, manager)"),
            [key("F8")], self.open_profile,
        )  # fmt: skip
        self.complaintAction = self._action(
            self.tr("&Log a complaint…"), "complaintAction",
            self.tr("Log a customer's complaint; the member on screen is attached (all roles)"),
            [key("F4")], self.open_complaint,
        )  # fmt: skip
        self.complaintsAction = self._action(
            self.tr("&Complaints list…"), "complaintsAction",
            self.tr("Follow complaints through to the follow-up visit (service, manager)"),
            [key("F11")], self.open_complaints,
        )  # fmt: skip
        self.phoneAction = self._action(
            self.tr("Member's &phone (demo)…"), "phoneAction",
            self.tr("Show a member's dynamic code as the member app does, and scan it"),
            [], self.open_member_phone,
        )  # fmt: skip
        self.phoneAction.setVisible(self.demo)
        self.cameraAction = self._action(
            self.tr("Scan with camera"), "cameraAction",
            self.tr("Read member cards and codes with this PC's camera"),
            [], self.open_camera,
        )  # fmt: skip
        self.cameraAction.setVisible(camera.camera_available())
        self.syncAction = self._action(
            self.tr("&Sync now"), "syncAction",
            self.tr("Send this counter's work to HQ and fetch HQ's changes now"),
            [key("F5")], self.sync.sync_now,
        )  # fmt: skip
        self.syncAction.setIconText(self.tr("Sync"))
        self.syncAction.setEnabled(self.sync.configured)
        self.problemsAction = self._action(
            self.tr("&Problems…"), "problemsAction",
            self.tr("Operations HQ rejected, for a store manager to retry or dismiss"),
            [], self.open_problems,
        )  # fmt: skip
        self.logsAction = self._action(
            self.tr("Open &log folder"), "logsAction",
            self.tr("Show the folder with the log files, for store IT"),
            [], self.open_log_folder,
        )  # fmt: skip
        self.aboutAction = self._action(
            self.tr("&About"), "aboutAction",
            self.tr("Version, store and where the data is kept"),
            [key("F1")], self.show_about,
        )  # fmt: skip

        bar = self.menuBar()
        menus = (
            (self.tr("&File"), "fileMenu", [self.lockAction, None, self.quitAction]),
            (
                self.tr("&Member"),
                "memberMenu",
                [
                    self.findAction,
                    self.registerAction,
                    self.clearAction,
                    self.revealAction,
                    self.profileAction,
                    None,
                    self.cameraAction,
                    self.phoneAction,
                ],
            ),
            (
                self.tr("C&omplaints"),
                "complaintsMenu",
                [self.complaintAction, self.complaintsAction],
            ),
            (self.tr("&Sync"), "syncMenu", [self.syncAction, None, self.problemsAction]),
            (self.tr("&Help"), "helpMenu", [self.logsAction, None, self.aboutAction]),
        )
        for title, name, actions in menus:
            menu = bar.addMenu(title)
            menu.setObjectName(name)
            for action in actions:
                if action is None:
                    menu.addSeparator()
                else:
                    menu.addAction(action)
        self._work_actions = (
            self.lockAction,
            self.findAction,
            self.registerAction,
            self.clearAction,
            self.revealAction,
            self.profileAction,
            self.complaintAction,
            self.complaintsAction,
        )
        self.statusBarWidget.set_sync_action(self.syncAction)

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
        self.clear_member()
        self.lookupBar.clear_message()
        self.lookupBar.input.clear()
        self.actor = None
        self.statusBarWidget.set_actor(None)
        if self.problemsDialog is not None:  # it shows a manager's view
            self.problemsDialog.close()
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

    # -- extra windows ------------------------------------------------------------------------

    @Slot()
    def open_profile(self) -> None:
        """F8: the member on screen's profile and health record (service and manager)."""
        actor, view = self.actor, self.memberPanel.view
        if actor is None or self.locked:
            return
        if view is None or self.results.currentIndex() != MEMBER_RESULT:
            self.statusBarWidget.showMessage(self.tr("Find the member first, then press F8."), 8000)
            return
        if actor.role not in REVEAL_ROLES:
            self.statusBarWidget.showMessage(
                self.tr(
                    "Only a service assistant or store manager may open the profile and health "
                    "record; the allergy banner shows what the cashier needs."
                ),
                8000,
            )
            return
        if self.profileDialog is not None:
            self.profileDialog.close()
        dialog = ProfileDialog(
            self.ctx, actor, self.runner, view.id, language=self.language,
            cards_dir=self.settings.data_path / "cards", parent=self,
        )  # fmt: skip
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(self._profile_changed)
        dialog.finished.connect(lambda _result, d=dialog: self._profile_closed(d))
        self.profileDialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    @Slot(object)
    def _profile_changed(self, view: object) -> None:
        shown = self.memberPanel.view
        if isinstance(view, services.MemberView) and shown is not None and view.id == shown.id:
            self.memberPanel.show_member(view)
            self._audit_health_view(view)  # a banner shown anew is a view too

    def _profile_closed(self, dialog: ProfileDialog) -> None:
        if self.profileDialog is dialog:
            self.profileDialog = None
        if not self.locked:
            self.activateWindow()  # no window manager hands the keyboard back (kiosk, Xvfb)
            self.lookupBar.focus_input()

    @Slot()
    def open_registration(self) -> None:
        """F2: the registration form for service and manager; for a cashier, the lookup."""
        actor = self.actor
        if actor is None:
            return
        if actor.role not in REGISTER_ROLES:
            self.lookupBar.focus_input()
            self.statusBarWidget.showMessage(
                self.tr("Registering members is for a service assistant or store manager."), 8000
            )
            return
        if self.registrationDialog is not None:
            self.registrationDialog.deleteLater()
        dialog = RegistrationDialog(
            self.ctx, actor, self.runner, language=self.language, parent=self
        )
        dialog.registered.connect(self._registered)
        dialog.openExisting.connect(self._show_member)
        dialog.finished.connect(self._registration_closed)
        self.registrationDialog = dialog
        dialog.open()

    @Slot(int)
    def _registration_closed(self, _code: int) -> None:
        # Without a window manager (kiosk X, Xvfb) nobody hands the keyboard back.
        self.activateWindow()
        self.lookupBar.focus_input()

    @Slot(object)
    def _registered(self, view: services.MemberView) -> None:
        self._show_member(view)
        self.statusBarWidget.showMessage(self.tr("Member registered."), 8000)
        self.sync.request()

    @Slot()
    def open_complaint(self) -> None:
        """F4: log a complaint (every role); the member on screen is attached."""
        actor = self.actor
        if actor is None or self.locked:
            return
        member = self.memberPanel.view if self.results.currentIndex() == MEMBER_RESULT else None
        if self.complaintDialog is not None:
            self.complaintDialog.close()
        dialog = LogComplaintDialog(
            self.ctx, actor, self.runner, member, language=self.language, parent=self
        )
        dialog.logged.connect(self._complaint_logged)
        dialog.finished.connect(self._complaint_closed)
        self.complaintDialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        dialog.focus_first()

    def _complaint_logged(self, _view: object) -> None:
        if self.complaintsDialog is not None:
            self.complaintsDialog.reload()

    @Slot(int)
    def _complaint_closed(self, _result: int) -> None:
        """Closed: let it go (deleted later, not from inside its own signal)."""
        dialog = self.sender()
        if dialog is self.complaintDialog:
            self.complaintDialog = None
        if isinstance(dialog, LogComplaintDialog):
            dialog.deleteLater()
        if not self.locked:
            self.activateWindow()
            self.lookupBar.focus_input()  # ready for the next customer

    @Slot()
    def open_complaints(self) -> None:
        """F11: the complaints list (service assistants and store managers)."""
        actor = self.actor
        if actor is None or self.locked:
            return
        if actor.role not in REVEAL_ROLES:
            self.statusBarWidget.showMessage(
                self.tr(
                    "Only a service assistant or store manager follows complaints up; F4 logs one."
                ),
                8000,
            )
            return
        if self.complaintsDialog is not None and self.complaintsDialog.actor != actor:
            self.complaintsDialog.close()
        if self.complaintsDialog is None:
            dialog = ComplaintsDialog(
                self.ctx, actor, self.runner, language=self.language, parent=self
            )
            dialog.changed.connect(self.sync.request)
            dialog.finished.connect(self._complaints_closed)
            self.complaintsDialog = dialog
        else:
            self.complaintsDialog.reload()
        self.complaintsDialog.show()
        self.complaintsDialog.raise_()
        self.complaintsDialog.activateWindow()

    @Slot(int)
    def _complaints_closed(self, _result: int) -> None:
        dialog = self.sender()
        if dialog is self.complaintsDialog:
            self.complaintsDialog = None
        if isinstance(dialog, ComplaintsDialog):
            dialog.deleteLater()

    @Slot()
    def open_member_phone(self) -> None:
        if self.memberPhone is None:
            self.memberPhone = MemberPhone(
                self.ctx, self.runner, self.scanner.feed, language=self.language, parent=self
            )
        self.memberPhone.show()
        self.memberPhone.raise_()
        self.memberPhone.activateWindow()

    @Slot()
    def open_camera(self) -> None:
        if self.cameraScanner is None:
            self.cameraScanner = camera.CameraScanner(self.runner, self.scanner.deliver, self)
        self.cameraScanner.show()
        self.cameraScanner.raise_()

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
        if outcome.probe.online:
            self.lookupBar.hq_back()
        report = outcome.report
        if self.problemsDialog is not None and report is not None and report.rejected:
            self.problemsDialog.reload()
        if self.complaintsDialog is not None and report is not None:
            self.complaintsDialog.reload()  # HQ's changes show as "changed at HQ"

    @Slot()
    def open_problems(self) -> None:
        """The problems list is a store manager's (the service checks and audits it too)."""
        actor = self.actor
        if actor is None or actor.role != "manager":
            box = QMessageBox(
                QMessageBox.Icon.Information,
                self.tr("Sync problems"),
                self.tr(
                    "Only a store manager may see and resolve the problems list.\n"
                    "Lock the counter (Ctrl+L) and let a store manager sign in."
                ),
                parent=self,
            )
            box.setObjectName("problemsDeniedBox")
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
            return
        if self.problemsDialog is None or self.problemsDialog.actor != actor:
            if self.problemsDialog is not None:
                self.problemsDialog.deleteLater()
            dialog = ProblemsDialog(
                self.ctx, actor, self.runner, language=self.language, parent=self
            )
            dialog.changed.connect(self._problem_resolved)
            self.problemsDialog = dialog
        self.problemsDialog.show()
        self.problemsDialog.raise_()
        self.problemsDialog.activateWindow()
        self.problemsDialog.reload()

    @Slot()
    def _problem_resolved(self) -> None:
        self.statusBarWidget.refresh_counts()
        self.sync.request()

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
        ):
            if window is not None:
                window.close()
        self.sync.stop()
        self.idle.stop()
        self.runner.shutdown()
        super().closeEvent(event)
