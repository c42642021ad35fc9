"""F3: points for a sale, keyboard first (DESIGN §5, §11).

The receipt number comes first (a scan lands in it and moves on to the total; typed, Enter
or Tab moves on), then the total; insurance (personal account, pooled fund) and the excluded
lines are one Tab away each, empty meaning zero. Self-paid is shown, never typed. Under the
fields a live preview explains the points part by part, computed by the core
(``services.earn_preview``) on every change: the widgets hold no rule. Enter books what the
preview shows and closes; a refusal stays on its field. For a sale paid all by the member:
F3, the scan, the total, Enter — two keys beyond the amount and the scan.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter import services
from counter.errors import KnownError
from counter.privacy import mask_name
from counter.services.earn_preview import (
    AMOUNT_FIELDS,
    EarnForm,
    EarnPreview,
    preview_earn,
    receipt_no_error,
)
from counter.services.earn_preview import earn_sale as book_sale
from ui.points.labels import balance_line, explanation_text, yuan
from ui.shell.labels import tier_label
from ui.shell.tasks import BaseRunner

FIELDS = ("receipt_no", *AMOUNT_FIELDS)
ERROR_STYLE = "color: #b00020;"


class EarnDialog(QDialog):
    """``earned`` carries the ``PointsResult`` once the sale's points are booked."""

    earned = Signal(object)

    def __init__(
        self,
        ctx: services.ServiceContext,
        actor: services.Actor,
        runner: BaseRunner,
        member: services.MemberView,
        *,
        language: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("earnDialog")
        self.setWindowTitle(self.tr("Points for a sale (F3)"))
        self.ctx, self.actor, self.runner, self.language = ctx, actor, runner, language
        self.member = member
        self.preview: EarnPreview | None = None
        self._asked = 0  # previews asked; an older answer arriving late is dropped
        self._booking = False

        form = QFormLayout()
        self.memberLabel = QLabel(
            self.tr("{0} · {1} · {2}").format(
                mask_name(member.name), tier_label(member.tier), balance_line(member)
            )
        )
        self.memberLabel.setObjectName("earnMember")
        self.memberLabel.setWordWrap(True)
        form.addRow(self.tr("Member:"), self.memberLabel)
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        texts = {
            "receipt_no": (self.tr("&Receipt no.:"), self.tr("scan the receipt's barcode")),
            "total": (self.tr("&Total ¥:"), self.tr("the receipt's total")),
            "insurance_personal": (
                self.tr("医保 &personal account ¥:"),
                self.tr("empty = 0"),
            ),
            "insurance_pooled": (self.tr("医保 p&ooled fund ¥:"), self.tr("empty = 0")),
            "excluded": (
                self.tr("E&xcluded lines ¥:"),
                self.tr("e.g. prescription drugs; empty = 0"),
            ),
        }
        for name in FIELDS:
            edit = QLineEdit()
            edit.setObjectName(f"{name}Edit")
            edit.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
            edit.setPlaceholderText(texts[name][1])
            edit.textChanged.connect(self.refresh)
            label = QLabel(texts[name][0])
            label.setBuddy(edit)
            error = QLabel()
            error.setObjectName(f"{name}Error")
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.hide()
            self.edits[name], self.errors[name] = edit, error
            form.addRow(label, edit)
            form.addRow("", error)
            if name == "insurance_pooled":
                self.selfPaidLabel = QLabel()
                self.selfPaidLabel.setObjectName("selfPaidLabel")
                form.addRow(self.tr("Self-paid:"), self.selfPaidLabel)
        self.edits["total"].setMaxLength(12)
        self.previewLabel = QLabel()
        self.previewLabel.setObjectName("earnPreview")
        self.previewLabel.setWordWrap(True)
        font = self.previewLabel.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.previewLabel.setFont(font)
        self.pointsLabel = QLabel()
        self.pointsLabel.setObjectName("earnPoints")
        big = self.pointsLabel.font()
        big.setPointSizeF(big.pointSizeF() * 2)
        big.setBold(True)
        self.pointsLabel.setFont(big)
        self.formError = QLabel()
        self.formError.setObjectName("earnFormError")
        self.formError.setStyleSheet(ERROR_STYLE)
        self.formError.setWordWrap(True)
        self.formError.hide()

        self.bookButton = QPushButton(self.tr("&Book points (Enter)"))
        self.bookButton.setObjectName("bookEarnButton")
        self.bookButton.clicked.connect(self.book)
        cancel = QPushButton(self.tr("Cancel (Esc)"))
        cancel.setObjectName("cancelEarnButton")
        cancel.clicked.connect(self.reject)
        for button in (self.bookButton, cancel):
            button.setAutoDefault(False)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes field to field only
        buttons = QHBoxLayout()
        buttons.addWidget(self.formError, 1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.bookButton)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.previewLabel)
        layout.addWidget(self.pointsLabel)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.resize(640, 450)
        self.refresh()

    # -- input ----------------------------------------------------------------------------

    def focus_first(self) -> None:
        self.edits["receipt_no"].setFocus()

    def take_scan(self, code: str) -> bool:
        """A scan while the dialog is open is the receipt's number; on to the total.

        A member's card or QR code is said on the receipt field (the core's rule), which
        keeps the cursor for the receipt's own barcode."""
        if self._booking:
            return False
        refused = receipt_no_error(code)
        if refused is not None:
            self._show("receipt_no", refused.message(self.language))
            self.edits["receipt_no"].setFocus()
            self.edits["receipt_no"].selectAll()
            return True
        self.edits["receipt_no"].setText(code.strip())
        self.edits["total"].setFocus()
        self.edits["total"].selectAll()
        return True

    def form(self) -> EarnForm:
        e = self.edits
        return EarnForm(
            member_id=self.member.id,
            receipt_no=e["receipt_no"].text(),
            total=e["total"].text(),
            insurance_personal=e["insurance_personal"].text(),
            insurance_pooled=e["insurance_pooled"].text(),
            excluded=e["excluded"].text(),
        )

    # -- the live preview -------------------------------------------------------------------

    def refresh(self) -> None:
        """Ask the core what the form earns now (on every change)."""
        self._asked += 1
        asked, ctx, actor, form = self._asked, self.ctx, self.actor, self.form()
        self.runner.submit(
            lambda: preview_earn(ctx, actor, form), lambda p, n=asked: self._previewed(p, n)
        )

    def _previewed(self, preview: object, asked: int) -> None:
        if asked != self._asked or not isinstance(preview, EarnPreview):
            return
        self.preview = preview
        for name in FIELDS:
            exc = preview.errors.get(name)
            if exc is None:
                self.errors[name].hide()
            else:
                self._show(name, exc.message(self.language))
        self.selfPaidLabel.setText(yuan(preview.self_paid_fen))
        ex = preview.explanation
        if ex is None and preview.errors.keys() - {"receipt_no"}:
            self.previewLabel.setText(self.tr("Correct the amount marked in red first."))
            self.pointsLabel.setText("")
        elif ex is None:
            self.previewLabel.setText(self.tr("Type the total; the points show here."))
            self.pointsLabel.setText("")
        else:
            self.previewLabel.setText(explanation_text(ex, preview.tier, preview.yuan_per_point))
            self.pointsLabel.setText(self.tr("+{0:,} points").format(ex.points))
        self.bookButton.setEnabled(not preview.errors)

    def _show(self, name: str, text: str) -> None:
        label = self.errors.get(name, self.formError)
        label.setText(text)
        label.show()

    # -- booking ----------------------------------------------------------------------------

    def book(self) -> None:
        """Enter: book the points the preview shows (the core checks they still are)."""
        preview = self.preview
        if self._booking or preview is None:
            return
        self.formError.hide()
        problems = preview.errors or preview.missing
        if problems:
            first = next(n for n in FIELDS if n in problems)
            self._show(first, problems[first].message(self.language))
            self.edits[first].setFocus()
            return
        ctx, actor, form, shown = self.ctx, self.actor, self.form(), preview.points
        self._booking = True
        self.runner.submit(lambda: book_sale(ctx, actor, form, shown), self._booked, self._refused)

    def _refused(self, exc: BaseException) -> None:
        self._booking = False
        if not isinstance(exc, KnownError):
            self.runner.handle_error(exc, None)
            return
        field = getattr(exc, "field", "")
        self._show(field if field in self.errors else "form", exc.message(self.language))
        if field in self.edits:
            self.edits[field].setFocus()
        self.refresh()

    def _booked(self, result: object) -> None:
        self._booking = False
        if isinstance(result, services.PointsResult):
            self.earned.emit(result)
            self.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            receipt = self.edits["receipt_no"]
            if receipt.hasFocus() and not self.edits["total"].text():
                self.edits["total"].setFocus()  # typed receipt: Enter moves on, as a scan does
            else:
                self.book()
            return
        super().keyPressEvent(event)
