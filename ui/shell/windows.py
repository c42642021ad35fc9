"""The main window's extra windows: profile (F8), registration (F2), complaints (F4, F11),
outreach lists (Ctrl+F9), the member's phone and camera, and the sync problems list.

A mixin of ``MainWindow``: each ``open_*`` checks the role, opens (or raises) its window and
keeps it in an attribute of the window (``window.profileDialog``…); the ``…_closed`` slots let
it go and hand the keyboard back to the lookup.

A window's signals go to bound ``@Slot`` methods that find the window with ``sender()``,
never to a lambda holding it: such a lambda, freed while the dialog is destroyed after
``close()``, took the window's wrapper with it and aborted the process (PySide 6.11; F3/F6
first); ``let_go`` drops the connections before the delete as well. Every slot a dialog's
signal reaches here must be a declared ``@Slot``: one plain method connected first left
``sender()`` None in the others (PySide 6.11; tests/gui/test_window_close.py).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QMessageBox

from counter import services
from ui.care.outreach_dialog import OutreachDialog
from ui.complaints.list_dialog import ComplaintsDialog
from ui.complaints.log_dialog import LogComplaintDialog
from ui.manager import desk
from ui.manager.operator_dialogs import OwnPinDialog
from ui.member import camera
from ui.member.member_phone import MemberPhone
from ui.member.profile_dialog import ProfileDialog
from ui.member.registration import RegistrationDialog
from ui.shell.closing import let_go
from ui.shell.problems_dialog import ProblemsDialog

REVEAL_ROLES = ("service", "manager")  # DESIGN §7; the service checks it again
REGISTER_ROLES = ("service", "manager")  # F2 registers for them, finds for a cashier
MEMBER_RESULT, PICK_RESULT = 0, 1  # the pages of MainWindow.results


class WindowsMixin:
    """The ``open_*`` slots of the extra windows and what follows their closing."""

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
        dialog.finished.connect(self._profile_closed)
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

    @Slot(int)
    def _profile_closed(self, _result: int) -> None:
        dialog = self.sender()
        let_go(dialog)  # F8 then Ctrl+L, then the counter closing, crashed (test_care.py)
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

    @Slot(object)
    def _complaint_logged(self, _view: object) -> None:
        if self.complaintsDialog is not None:
            self.complaintsDialog.reload()

    @Slot(int)
    def _complaint_closed(self, _result: int) -> None:
        """Closed: let it go (deleted later, not from inside its own signal)."""
        dialog = self.sender()
        if dialog is self.complaintDialog:
            self.complaintDialog = None
        let_go(dialog)
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
        let_go(dialog)
        if not self.locked:
            self.activateWindow()  # the keyboard back to the lookup, as after F4
            self.lookupBar.focus_input()

    @Slot()
    def open_outreach(self) -> None:
        """Ctrl+F9: outreach lists (service assistants and store managers)."""
        actor = self.actor
        if actor is None or self.locked:
            return
        if actor.role not in REVEAL_ROLES:
            self.statusBarWidget.showMessage(
                self.tr("Outreach lists are for a service assistant or store manager."), 8000
            )
            return
        if self.outreachDialog is not None and self.outreachDialog.actor != actor:
            self.outreachDialog.close()
            self.outreachDialog = None
        if self.outreachDialog is None:
            dialog = OutreachDialog(
                self.ctx, actor, self.runner, language=self.language, parent=self
            )
            dialog.finished.connect(self._outreach_closed)
            self.outreachDialog = dialog
        self.outreachDialog.show()
        self.outreachDialog.raise_()
        self.outreachDialog.activateWindow()

    @Slot(int)
    def _outreach_closed(self, _result: int) -> None:
        dialog = self.sender()
        if dialog is self.outreachDialog:
            self.outreachDialog = None
        let_go(dialog)
        if not self.locked:
            self.activateWindow()
            self.lookupBar.focus_input()

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

    @Slot()
    def open_desk(self) -> None:
        """F12: the manager's desk; to anyone else, why not (DESIGN §11).

        One desk per window, kept (hidden) when closed and given the signed-in manager
        when it opens again (the tabs keep their filters and period).
        """
        actor = self.actor
        if actor is None or self.locked:
            return
        if actor.role not in desk.DESK_ROLES:
            self.statusBarWidget.showMessage(desk.refusal_text(), 10000)
            return
        if self.deskWindow is None:
            self.deskWindow = desk.ManagerDesk(
                self.ctx, actor, self.runner, language=self.language, parent=self
            )
            self.deskWindow.finished.connect(self._desk_closed)
        self.deskWindow.set_actor(actor)
        self.deskWindow.show()
        self.deskWindow.raise_()
        self.deskWindow.activateWindow()
        self.deskWindow.start()

    @Slot()
    def _desk_closed(self) -> None:
        if not self.locked:
            self.activateWindow()
            self.lookupBar.focus_input()

    @Slot()
    def change_own_pin(self) -> None:
        """Any operator changes their own PIN (old PIN, then the new one twice)."""
        actor = self.actor
        if actor is None or self.locked:
            return
        dialog = OwnPinDialog(self.ctx, actor, self.runner, language=self.language, parent=self)
        dialog.succeeded.connect(self._own_pin_changed)
        dialog.finished.connect(self._own_pin_closed)
        self.ownPinDialog = dialog
        dialog.open()
        dialog.activateWindow()
        dialog.fields["old_pin"].setFocus()

    @Slot(object)
    def _own_pin_changed(self, _result: object) -> None:
        self.statusBarWidget.showMessage(self.tr("Your PIN is changed."), 8000)

    @Slot(int)
    def _own_pin_closed(self, _result: int) -> None:
        dialog = self.sender()
        if self.ownPinDialog is dialog:
            self.ownPinDialog = None
        let_go(dialog)
        self._registration_closed(0)  # the keyboard back to the lookup
