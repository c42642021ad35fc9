"""The main window's actions and menus: every key the counter answers to, in one place.

A mixin of ``MainWindow`` (it builds on the window's panels, sync and slots); the actions
stay attributes of the window (``window.lockAction``, ``window.syncAction``…).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from ui.member import camera


class ActionsMixin:
    """``_build_actions``: the actions, their shortcuts and the menu bar."""

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
        self.earnAction = self._action(
            self.tr("&Earn points for a sale…"), "earnAction",
            self.tr("Points for the sale of the member on screen: receipt, total, Enter (all)"),
            [key("F3")], self.open_earn,
        )  # fmt: skip
        self.redeemAction = self._action(
            self.tr("&Redeem points…"), "redeemAction",
            self.tr("Redeem a reward from HQ's catalogue for the member on screen (all)"),
            [key("F6")], self.open_redeem,
        )  # fmt: skip
        self.worklistAction = self._action(
            self.tr("Today's &work list…"), "worklistAction",
            self.tr("Care plan tasks, refill reminders, follow-up visits and birthdays due "
                    "(service, manager)"),
            [key("F9")], self.open_worklist,
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
        self.historyAction = self._action(
            self.tr("Points &history…"), "historyAction",
            self.tr("The member's points: history, balance, tier, expiring; refunds (all roles)"),
            [key("F7")], self.open_history,
        )  # fmt: skip
        self.awardAction = self._action(
            self.tr("&Activity points…"), "awardAction",
            self.tr("Award points for an activity, with a reason (service, manager)"),
            [key("Shift+F7")], self.open_award_points,
        )  # fmt: skip
        self.deskAction = self._action(
            self.tr("&Manager's desk…"), "deskAction",
            self.tr("Operators, the audit trail and the store's figures (store manager)"),
            [key("F12")], self.open_desk,
        )  # fmt: skip
        self.ownPinAction = self._action(
            self.tr("Change my &PIN…"), "ownPinAction",
            self.tr("Change your own PIN: the current one, then the new one twice"),
            [key("Ctrl+Shift+P")], self.change_own_pin,
        )  # fmt: skip
        self.outreachAction = self._action(
            self.tr("&Outreach lists…"), "outreachAction",
            self.tr("New members, birthdays, lapsed members by tier or district; export to CSV "
                    "(service, manager)"),
            [key("Ctrl+F9")], self.open_outreach,
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
            (
                self.tr("&File"),
                "fileMenu",
                [self.lockAction, self.ownPinAction, None, self.deskAction, None, self.quitAction],
            ),
            (
                self.tr("&Member"),
                "memberMenu",
                [
                    self.findAction,
                    self.registerAction,
                    self.clearAction,
                    self.revealAction,
                    self.profileAction,
                    self.worklistAction,
                    self.outreachAction,
                    None,
                    self.cameraAction,
                    self.phoneAction,
                ],
            ),
            (
                self.tr("&Points"),
                "pointsMenu",
                [self.earnAction, self.redeemAction, self.historyAction, self.awardAction],
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
            self.earnAction,
            self.redeemAction,
            self.worklistAction,
            self.complaintAction,
            self.complaintsAction,
            self.historyAction,
            self.awardAction,
            self.deskAction,
            self.ownPinAction,
            self.outreachAction,
        )
        self.statusBarWidget.set_sync_action(self.syncAction)
