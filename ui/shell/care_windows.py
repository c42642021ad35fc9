"""The main window's part in the day's work: F9's work list and the counts on the status bar.

A mixin of ``MainWindow`` like ``ui.shell.windows``: ``open_worklist`` checks the role,
opens (or raises) the list and keeps it in ``window.workListDialog``; a complaint follow-up
row hands over to the complaints desk (F11) at that complaint. The counts button lives on
the status bar; it is refreshed when someone signs in, after each sync, after a task is
done and whenever the list is read.
"""

from __future__ import annotations

from PySide6.QtCore import Slot

from counter import services
from ui.care.enroll_dialog import EnrollDialog
from ui.care.work_counts import WORK_ROLES, WorkCountsButton
from ui.care.worklist_dialog import WorkListDialog


class CareWindowsMixin:
    """``_build_care`` once after the actions; then the slots below."""

    def _build_care(self) -> None:
        self.workListDialog: WorkListDialog | None = None
        self.workCounts = WorkCountsButton(self.ctx, self.runner, language=self.language)
        self.workCounts.requested.connect(self.open_worklist)
        bar = self.statusBarWidget
        bar.insertPermanentWidget(3, self.workCounts)  # after the store and the operator
        self.workCounts.set_actor(self.actor)

    @Slot()
    def open_worklist(self) -> None:
        """F9: today's work list (service assistants and store managers)."""
        actor = self.actor
        if actor is None or self.locked:
            return
        if actor.role not in WORK_ROLES:
            self.statusBarWidget.showMessage(
                self.tr(
                    "The work list (care plans, refill reminders, follow-up visits, birthdays) "
                    "is for a service assistant or store manager."
                ),
                8000,
            )
            return
        if self.workListDialog is not None and self.workListDialog.actor != actor:
            self.workListDialog.close()
        if self.workListDialog is None:
            dialog = WorkListDialog(
                self.ctx, actor, self.runner, language=self.language, parent=self
            )
            dialog.changed.connect(self._work_done)
            dialog.counted.connect(self.workCounts.show_counts)
            dialog.followupRequested.connect(self._open_followup)
            # A bound method, not a lambda holding the window: the dialog's deletion must
            # never drop the last reference to the window (it would be freed twice).
            dialog.finished.connect(self._worklist_closed)
            self.workListDialog = dialog
        else:
            self.workListDialog.reload()
        self.workListDialog.show()
        self.workListDialog.raise_()
        self.workListDialog.activateWindow()

    @Slot()
    def _work_done(self) -> None:
        self.sync.request()

    @Slot(str)
    def _open_followup(self, complaint_id: str) -> None:
        """A follow-up visit row: the complaints desk, at that complaint's follow-up."""
        self.open_complaints()
        if self.complaintsDialog is not None:
            self.complaintsDialog.open_followup(complaint_id)

    @Slot(int)
    def _worklist_closed(self, _result: int) -> None:
        dialog = self.workListDialog
        self.workListDialog = None
        if dialog is not None:
            dialog.deleteLater()
        self.workCounts.refresh()
        if not self.locked:
            self.activateWindow()
            self.lookupBar.focus_input()

    def _care_actor(self, actor: services.Actor | None) -> None:
        """Signed in or locked: the counts are the new operator's (none for a cashier)."""
        if actor is None and self.workListDialog is not None:
            self.workListDialog.close()  # it shows members' health work
            self.workListDialog = None
        if actor is None:
            for dialog in self.findChildren(EnrollDialog):  # F8's, with a member's conditions
                dialog.close()
        self.workCounts.set_actor(actor)
