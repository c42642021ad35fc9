"""The main window's points windows of issue 15's history part: F7 the history, and from
it (or Shift+F7 on the main window) the refund (退货) and activity points (活动积分).

A mixin of ``MainWindow``, like ``ui.shell.windows``: each ``open_*`` checks that a member
is on screen and the role, opens its window and keeps it in an attribute
(``window.historyDialog``…); closing hands the keyboard back to the lookup.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot

from counter import services
from ui.points.history_dialog import AWARD_ROLES, HistoryDialog

MEMBER_RESULT = 0  # ui.shell.windows.MEMBER_RESULT (not imported: that module imports ours)


class HistoryWindowsMixin:
    """``open_history`` (F7) and ``open_award_points`` (Shift+F7) and what follows."""

    historyDialog: HistoryDialog | None

    def _member_on_screen(self, key: str) -> services.MemberView | None:
        view = self.memberPanel.view
        if view is None or self.results.currentIndex() != MEMBER_RESULT:
            self.statusBarWidget.showMessage(
                self.tr("Find the member first, then press {0}.").format(key), 8000
            )
            return None
        return view

    @Slot()
    def open_history(self) -> None:
        """F7: the member on screen's points history (every role)."""
        actor = self.actor
        if actor is None or self.locked:
            return
        view = self._member_on_screen("F7")
        if view is None:
            return
        self.close_history()
        dialog = HistoryDialog(
            self.ctx, actor, self.runner, view.id, language=self.language, parent=self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(self._points_changed)
        dialog.finished.connect(lambda _result, d=dialog: self._history_closed(d))
        self.historyDialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        dialog.table.setFocus()

    def close_history(self) -> None:
        """On lock, on close, and before another member's history opens."""
        if self.historyDialog is not None:
            dialog, self.historyDialog = self.historyDialog, None
            dialog.close()

    def _history_closed(self, dialog: HistoryDialog) -> None:
        if self.historyDialog is dialog:
            self.historyDialog = None
        if not self.locked:
            self.activateWindow()  # no window manager hands the keyboard back (kiosk, Xvfb)
            self.lookupBar.focus_input()

    @Slot(object)
    def _points_changed(self, view: object) -> None:
        """A refund or an award was booked: the panel shows the new balance; sync soon."""
        shown = self.memberPanel.view
        if isinstance(view, services.MemberView) and shown is not None and view.id == shown.id:
            self.memberPanel.show_member(view)
        self.sync.request()

    @Slot()
    def open_award_points(self) -> None:
        """Shift+F7: activity points for the member on screen (service and manager)."""
        actor = self.actor
        if actor is None or self.locked:
            return
        if actor.role not in AWARD_ROLES:
            self.statusBarWidget.showMessage(
                self.tr(
                    "Only a service assistant or store manager may award activity points; "
                    "ask one to sign in (Ctrl+L)."
                ),
                8000,
            )
            return
        if self._member_on_screen("Shift+F7") is None:
            return
        self.open_history()
        if self.historyDialog is not None:
            self.historyDialog.award()
