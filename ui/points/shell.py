"""The main window's points windows: F3 earn, F6 redeem, and what follows a booking — the
member panel's new balance, the slip, the customer display, a sync soon.

A mixin of ``MainWindow`` like ``ui.shell.windows``: each ``open_*`` needs the member on
screen (otherwise the status bar says why), opens its dialog and keeps it in an attribute
of the window (``window.earnDialog``, ``window.redeemDialog``).
"""

from __future__ import annotations

from PySide6.QtCore import Slot

from counter import services
from ui.customer_display import CustomerDisplay, open_customer_display
from ui.points.earn_dialog import EarnDialog
from ui.points.labels import balance_line
from ui.points.redeem_dialog import RedeemDialog
from ui.printing import points_slip
from ui.shell.windows import MEMBER_RESULT


class PointsWindowsMixin:
    """``open_earn`` (F3), ``open_redeem`` (F6) and their results."""

    earnDialog: EarnDialog | None = None
    redeemDialog: RedeemDialog | None = None
    customerDisplay: CustomerDisplay | None = None
    lastSlip: points_slip.PrintOutcome | None = None
    lastSlipContent: points_slip.PointsSlip | None = None

    def _member_for(self, key: str) -> services.MemberView | None:
        view = self.memberPanel.view
        if self.actor is None or self.locked:
            return None
        if view is None or self.results.currentIndex() != MEMBER_RESULT:
            self.statusBarWidget.showMessage(
                self.tr("Scan the member's card or code first, then press {0}.").format(key),
                8000,
            )
            self.lookupBar.focus_input()
            return None
        return view

    def _show_dialog(self, dialog: EarnDialog | RedeemDialog) -> None:
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        dialog.focus_first()

    @Slot()
    def open_earn(self) -> None:
        """F3: points for a sale, for the member on screen (every role)."""
        view = self._member_for("F3")
        if view is None or self.actor is None:
            return
        if self.earnDialog is not None:
            self.earnDialog.close()
        dialog = EarnDialog(
            self.ctx, self.actor, self.runner, view, language=self.language, parent=self
        )
        dialog.earned.connect(self._earned)
        dialog.finished.connect(self._points_closed)
        self.earnDialog = dialog
        self._show_dialog(dialog)

    @Slot()
    def open_redeem(self) -> None:
        """F6: redeem a reward for the member on screen (every role)."""
        view = self._member_for("F6")
        if view is None or self.actor is None:
            return
        if self.redeemDialog is not None:
            self.redeemDialog.close()
        last = self.sync.last
        online = last is not None and last.probe.online
        dialog = RedeemDialog(
            self.ctx, self.actor, self.runner, view,
            online=online, language=self.language, parent=self,
        )  # fmt: skip
        dialog.redeemed.connect(self._redeemed)
        dialog.finished.connect(self._points_closed)
        self.redeemDialog = dialog
        self._show_dialog(dialog)

    def close_points_dialogs(self) -> None:
        """On locking: a half-typed sale or redemption is not left for the next operator."""
        for dialog in (self.earnDialog, self.redeemDialog):
            if dialog is not None:
                dialog.close()
        self.earnDialog = self.redeemDialog = None

    @Slot(int)
    def _points_closed(self, _result: int) -> None:
        """A points dialog closed: let it go (deleted later), the keyboard back to the scan.

        Connected as a bound slot, not a lambda holding the window: a lambda freed while
        the dialog is destroyed after ``close()`` took the window's wrapper with it (PySide
        6.11, a crash on Ctrl+L with the dialog open)."""
        dialog = self.sender()
        if dialog is self.earnDialog:
            self.earnDialog = None
        if dialog is self.redeemDialog:
            self.redeemDialog = None
        dialog.deleteLater()
        if not self.locked:
            self.activateWindow()  # no window manager hands the keyboard back (kiosk, Xvfb)
            self.lookupBar.focus_input()

    @Slot(object)
    def _earned(self, result: services.PointsResult) -> None:
        text = self.tr("{0:,} points earned. Balance: {1}").format(
            result.points, balance_line(result.member)
        )
        self._after_points(result, "earn", result.receipt_no or "", text)

    @Slot(object, str)
    def _redeemed(self, result: services.PointsResult, what: str) -> None:
        text = self.tr("{0:,} points redeemed for {1}. Balance: {2}").format(
            -result.points, what, balance_line(result.member)
        )
        self._after_points(result, "redeem", what, text)

    def _after_points(self, result: services.PointsResult, kind: str, what: str, text: str) -> None:
        """The new balance on the panel, the slip, the customer's screen, a sync soon."""
        shown = self.memberPanel.view
        if shown is not None and shown.id == result.member_id:
            self.memberPanel.show_member(result.member)
        slip = points_slip.slip_for(kind, result, self.ctx.store_code, what, self.ctx.now())
        self.lastSlipContent = slip
        self.lastSlip = points_slip.print_points_slip(self.settings, slip)
        if self.lastSlip.message:
            text = f"{text} {self.lastSlip.message}"
        self.statusBarWidget.showMessage(text, 15000)
        self.show_customer(slip)
        self.sync.request()

    def reread_member_after_sync(self, report: object) -> None:
        """A sync that pushed or pulled: the member on screen read again from the cache.

        The panel splits the balance into HQ's part and this store's pending part; after
        the sync applied the pending op, "HQ 79,535 + 297 pending" would otherwise stay
        while F6 and the status bar already say nothing is pending."""
        shown = self.memberPanel.view
        if shown is None or self.actor is None or self.locked or report is None:
            return
        moved = getattr(report, "applied", 0) or getattr(report, "rejected", 0)
        if not (moved or getattr(report, "pulled_members", 0)):
            return
        ctx, actor, member_id = self.ctx, self.actor, shown.id
        self.runner.submit(
            lambda: services.get_member(ctx, actor, member_id),
            self._member_reread,
            self._member_not_reread,
        )

    @Slot(object)
    def _member_reread(self, view: object) -> None:
        shown = self.memberPanel.view
        if not isinstance(view, services.MemberView) or shown is None or shown.id != view.id:
            return  # another member on screen by now, or none
        if (view.hq_points, view.pending_points, view.points_expiring) == (
            shown.hq_points, shown.pending_points, shown.points_expiring,
        ):  # fmt: skip
            return  # nothing moved: a revealed phone stays revealed
        self.memberPanel.show_member(view)

    @Slot(object)
    def _member_not_reread(self, _exc: object) -> None:
        """Merged away or erased by the sync: the next scan says so; nothing to do here."""

    def show_customer(self, slip: points_slip.PointsSlip) -> None:
        """On the second screen, if the setting is on and the PC has one."""
        if self.customerDisplay is None:
            self.customerDisplay = open_customer_display(self.settings.customer_display)
        if self.customerDisplay is not None:
            self.customerDisplay.show_points(slip.member, slip.points, slip.balance, slip.pending)
