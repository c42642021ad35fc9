"""The main window's points windows of issue 15's history part: F7 the history, and from
it (or Shift+F7 on the main window) the refund (退货) and activity points (活动积分).

A mixin of ``MainWindow``, like ``ui.shell.windows``: each ``open_*`` checks that a member
is on screen and the role, opens its window and keeps it in an attribute
(``window.historyDialog``…); closing hands the keyboard back to the lookup.
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QDialog

from counter import services
from ui.points.award_dialog import AwardDialog
from ui.points.history_dialog import AWARD_ROLES, HistoryDialog
from ui.points.refund_dialog import RefundDialog
from ui.shell.closing import let_go
from ui.shell.windows import MEMBER_RESULT


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
        dialog.changed.connect(self._points_changed)
        dialog.finished.connect(lambda _result, d=dialog: self._history_closed(d))
        dialog.open_refund = self._open_refund
        dialog.open_award = self._open_award
        self.historyDialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        dialog.table.setFocus()

    def close_history(self) -> None:
        """On lock, on close, and before another member's history opens."""
        if self.historyDialog is not None:
            dialog, self.historyDialog = self.historyDialog, None
            dialog.close_children()
            dialog.close()

    def _history_closed(self, dialog: HistoryDialog) -> None:
        """Closed: let it go (deleted later, its lambdas dropped first: ui/shell/closing.py)."""
        if self.historyDialog is dialog:
            self.historyDialog = None
        dialog.close_children()
        dialog.changed.disconnect()
        # It holds the window through these: dropped now, not from inside its destructor.
        dialog.open_refund = dialog.open_award = None
        let_go(dialog)
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

    def _open_refund(self, history: HistoryDialog, row: services.HistoryRow) -> None:
        """Ctrl+T on a sale in the history: the refund dialog over it."""
        dialog = RefundDialog(
            self.ctx, history.actor, self.runner, history.member_id, row.ref,
            language=self.language, parent=history,
        )  # fmt: skip
        dialog.booked.connect(lambda result, d=dialog: self._refunded(history, d, result))
        dialog.finished.connect(lambda _result, d=dialog: self._back_to_history(history, d))
        history.close_children()
        history.refundDialog = dialog
        # Not modal: Ctrl+L (an application shortcut of the main window) must lock from here too.
        dialog.show()
        dialog.activateWindow()  # no window manager gives it the keyboard (kiosk, Xvfb)
        dialog.focus_amount()

    def _back_to_history(self, history: HistoryDialog, dialog: QDialog) -> None:
        """The refund or award closed (deleted soon): let it go; the keyboard goes back to
        the history's rows."""
        if history.refundDialog is dialog:
            history.refundDialog = None
        if history.awardDialog is dialog:
            history.awardDialog = None
        dialog.booked.disconnect()  # a lambda holding the history
        let_go(dialog)
        if history.isVisible() and not self.locked:
            history.activateWindow()
            history.table.setFocus()

    def _refunded(
        self, history: HistoryDialog, dialog: RefundDialog, result: services.ReverseResult
    ) -> None:
        """Booked: the slip (ui.printing.points_slip, where the settings say), the customer's
        screen, the panel's balance and a sync soon (``_after_points`` of the F3/F6 mixin),
        and the history reloaded with what happened."""
        text = dialog.message(result)
        self._after_points(result, "reverse", result.receipt_no, text)
        slip = self.lastSlip
        if slip is not None and slip.message:
            text = f"{text} {slip.message}"
        history.booked(result.member, text)

    def _open_award(self, history: HistoryDialog) -> None:
        """Shift+F7 in the history (or on the main window): the award dialog over it."""
        member = history.history.member if history.history is not None else self.memberPanel.view
        if member is not None and member.id != history.member_id:
            member = None
        label = f"{member.name} · {member.member_no or '—'}" if member is not None else ""
        dialog = AwardDialog(
            self.ctx, history.actor, self.runner, history.member_id, label,
            language=self.language, parent=history,
        )  # fmt: skip
        dialog.booked.connect(
            lambda result, d=dialog: history.booked(result.member, d.message(result))
        )
        dialog.finished.connect(lambda _result, d=dialog: self._back_to_history(history, d))
        history.close_children()
        history.awardDialog = dialog
        dialog.show()
        dialog.activateWindow()

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
