"""退货: take back the points of one sale, in full or for a refunded self-paid amount.

Opened from the F7 history on a sale (Ctrl+T). The amount field empty means everything
left; a typed amount is checked as it is typed (letters, three decimals, negative, above
what is left are refused on the field) and the points it takes back are shown, computed by
the core with the same rule HQ applies (``services.preview_reverse``). Enter books it
(``services.reverse_points``); a balance going below zero is said plainly (HQ flags it for
review). Esc closes without booking.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from counter import services
from counter.errors import KnownError, ValidationError
from counter.services.earn_preview import parse_yuan
from ui.member.member_panel import format_yuan
from ui.points.booking_dialog import BookingDialog
from ui.points.messages import error_label, show_message
from ui.shell.tasks import BaseRunner

AMOUNT_FIELD = "refunded_self_paid_fen"


class RefundDialog(BookingDialog):
    """``booked`` carries the core's ``ReverseResult`` once the refund is saved."""

    result_type = services.ReverseResult
    result: services.ReverseResult | None

    def __init__(
        self,
        ctx: services.ServiceContext,
        actor: services.Actor,
        runner: BaseRunner,
        member_id: str,
        receipt_no: str,
        *,
        language: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("refundDialog")
        self.setWindowTitle(self.tr("Refund: take back a sale's points"))
        self.ctx, self.actor, self.runner, self.language = ctx, actor, runner, language
        self.member_id, self.receipt_no = member_id, receipt_no
        self.preview: services.ReversePreview | None = None
        self._asked = 0  # previews are numbered: only the answer to the latest one shows

        self.receiptLabel = QLabel()
        self.receiptLabel.setObjectName("refundReceipt")
        self.soldLabel = QLabel()
        self.soldLabel.setObjectName("refundSale")
        self.soldLabel.setWordWrap(True)
        self.leftLabel = QLabel()
        self.leftLabel.setObjectName("refundLeft")
        self.amountEdit = QLineEdit()
        self.amountEdit.setObjectName("refundAmount")
        self.amountEdit.setMaxLength(12)
        self.amountEdit.textChanged.connect(self._amount_changed)
        self.amountError = error_label("refundAmountError")
        self.pointsLabel = QLabel()
        self.pointsLabel.setObjectName("refundPoints")
        self.pointsLabel.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.formError = error_label("refundError")
        self.bookButton, buttons = self._buttons(
            "refund", self.tr("Take back (Enter)"), self.tr("Cancel (Esc)"), self.book
        )

        form = QFormLayout()
        form.addRow(self.tr("Receipt:"), self.receiptLabel)
        form.addRow(self.tr("Sale:"), self.soldLabel)
        form.addRow(self.tr("Left to refund:"), self.leftLabel)
        amountLabel = QLabel(self.tr("Refunded self-paid &amount (¥):"))
        amountLabel.setBuddy(self.amountEdit)
        form.addRow(amountLabel, self.amountEdit)
        form.addRow("", self.amountError)
        form.addRow(self.tr("Points taken back:"), self.pointsLabel)
        self._stack(form, self.formError, buttons)
        self.resize(560, 280)
        self.receiptLabel.setText(receipt_no)
        self._ask(None)

    def focus_amount(self) -> None:
        self.amountEdit.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- the preview -------------------------------------------------------------------------

    def _amount_changed(self, text: str) -> None:
        show_message(self.amountError, "")
        try:
            fen = parse_yuan(text, AMOUNT_FIELD) if text.strip() else None
        except ValidationError as exc:
            self._asked += 1  # an answer still on its way is for older text
            self._refused(exc)
            return
        self._ask(fen)

    def _ask(self, fen: int | None) -> None:
        self._asked += 1
        asked = self._asked
        ctx, actor, member_id, receipt_no = self.ctx, self.actor, self.member_id, self.receipt_no
        self.runner.submit(
            lambda: services.preview_reverse(ctx, actor, member_id, receipt_no, fen),
            lambda preview: self._previewed(asked, preview),
            lambda exc: self._preview_failed(asked, exc),
        )

    def _previewed(self, asked: int, preview: object) -> None:
        if asked != self._asked:
            return  # an older keystroke's answer
        assert isinstance(preview, services.ReversePreview)
        self.preview = preview
        receipt = preview.receipt
        self.soldLabel.setText(
            self.tr("{0}: self-paid {1}, earned {2:,} points").format(
                receipt.sold_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                format_yuan(receipt.self_paid_fen),
                receipt.points,
            )
        )
        left = self.tr("{0} and {1:,} points").format(
            format_yuan(receipt.remaining_fen), receipt.remaining_points
        )
        if receipt.reversed_fen:
            left += self.tr(" (refunded before: {0}, {1:,} points)").format(
                format_yuan(receipt.reversed_fen), receipt.reversed_points
            )
        self.leftLabel.setText(left)
        self.amountEdit.setPlaceholderText(
            self.tr("empty: everything left ({0})").format(format_yuan(receipt.remaining_fen))
        )
        self.pointsLabel.setText(f"−{preview.points:,}")
        show_message(self.formError, "")
        self.bookButton.setEnabled(True)

    def _preview_failed(self, asked: int, exc: BaseException) -> None:
        if asked != self._asked:
            return
        if not isinstance(exc, KnownError):
            raise exc
        self._refused(exc)

    def _refused(self, exc: KnownError) -> None:
        """A refusal on its field (the amount) or for the whole refund."""
        self.preview = None
        self.pointsLabel.setText("—")
        self.bookButton.setEnabled(False)
        if isinstance(exc, ValidationError) and exc.field == AMOUNT_FIELD:
            show_message(self.amountError, exc.message(self.language))
        else:
            show_message(self.formError, exc.message(self.language))

    # -- booking -----------------------------------------------------------------------------

    def book(self) -> None:
        """Enter: book what the preview shows (the core checks it all again)."""
        preview = self.preview
        if preview is None or self._saving or not self.amountError.isHidden():
            return
        self._saving = True
        fen = None if preview.full else preview.refunded_fen
        ctx, actor, member_id, receipt_no = self.ctx, self.actor, self.member_id, self.receipt_no
        self.runner.submit(
            lambda: services.reverse_points(ctx, actor, member_id, receipt_no, fen),
            self._booked,
            self._book_failed,
        )

    def _book_failed(self, exc: BaseException) -> None:
        self._saving = False
        if not isinstance(exc, KnownError):
            raise exc
        self._refused(exc)

    def message(self, result: services.ReverseResult) -> str:
        """What the history says after booking."""
        text = self.tr("Refund booked: {0:,} points taken back for receipt {1}.").format(
            -result.points, result.receipt_no
        )
        if result.below_zero:
            text += " " + self.tr(
                "The member's balance is now {0:,}, below zero; HQ flags it for review."
            ).format(result.member.points_shown)
        return text
