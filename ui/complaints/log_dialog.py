"""F4: log a complaint (every role), keyboard only, in well under 90 seconds.

The member on screen is attached; a scan while the dialog is open attaches that member
instead; Ctrl+D detaches, and a customer who is not a member gives a name and a phone. The
due time for the chosen severity shows before saving. Enter saves from any field
(Shift+Enter starts a new line in the texts); a refusal shows on its field and nothing is
saved. After saving, the number the customer quotes is shown and Enter prints the slip.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QPixmap, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from counter import contract, services
from counter.errors import KnownError
from counter.privacy import mask_name, mask_phone
from counter.services.complaints import DESCRIPTION_MAX
from ui.complaints.labels import category_label, channel_label, severity_label, when
from ui.printing import complaint_slip
from ui.shell.tasks import BaseRunner

FORM_PAGE, DONE_PAGE = 0, 1
FIELDS = ("customer_name", "customer_phone", "category", "severity", "channel",
          "description", "wants")  # fmt: skip


class _TextEdit(QPlainTextEdit):
    """Enter is the dialog's (it saves); Shift+Enter is a new line."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            event.ignore()  # on to the dialog
            return
        super().keyPressEvent(event)


class LogComplaintDialog(QDialog):
    """``logged`` carries the new complaint's view once it is saved."""

    logged = Signal(object)

    def __init__(
        self,
        ctx: services.ServiceContext,
        actor: services.Actor,
        runner: BaseRunner,
        member: services.MemberView | None,
        *,
        language: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("logComplaintDialog")
        self.setWindowTitle(self.tr("Log a complaint"))
        self.ctx, self.actor, self.runner, self.language = ctx, actor, runner, language
        self.member: services.MemberView | None = None
        self.saved: services.ComplaintView | None = None
        self._saving = False
        # How the slip reaches paper: a print dialog by default (tests print to a PDF).
        self.print_slip: Callable[[list[tuple[str, str]]], bool] = self._print_with_dialog

        self.pages = QStackedWidget()
        self.pages.addWidget(self._form_page())
        self.pages.addWidget(self._done_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
        self.saveButton.setDefault(True)
        self.detachShortcut = QShortcut(QKeySequence("Ctrl+D"), self)
        self.detachShortcut.activated.connect(self.detach_member)
        self.resize(760, 620)
        self.attach(member)
        self._severity_changed()

    # -- the form -----------------------------------------------------------------------------

    def _error_label(self, field: str) -> QLabel:
        label = QLabel()
        label.setObjectName(f"{field}Error")
        label.setProperty("error", True)
        label.setStyleSheet("color: #b00020;")
        label.setWordWrap(True)
        label.hide()
        return label

    def _combo(self, name: str, codes: tuple[str, ...], label: Callable[[str], str]) -> QComboBox:
        box = QComboBox()
        box.setObjectName(name)
        for code in codes:
            box.addItem(label(code), code)
        return box

    def _form_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.errors = {f: self._error_label(f) for f in (*FIELDS, "form")}

        self.memberLabel = QLabel()
        self.memberLabel.setObjectName("complaintMember")
        self.detachButton = QPushButton(self.tr("Not this member (Ctrl+D)"))
        self.detachButton.setObjectName("detachButton")
        self.detachButton.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.detachButton.clicked.connect(self.detach_member)
        row = QHBoxLayout()
        row.addWidget(self.memberLabel, 1)
        row.addWidget(self.detachButton)
        form.addRow(self.tr("Customer:"), row)
        self.nameEdit = QLineEdit()
        self.nameEdit.setObjectName("customerNameEdit")
        self.phoneEdit = QLineEdit()
        self.phoneEdit.setObjectName("customerPhoneEdit")
        self.phoneEdit.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.nameLabel = QLabel(self.tr("&Name:"))
        self.nameLabel.setBuddy(self.nameEdit)
        self.phoneLabel = QLabel(self.tr("&Mobile:"))
        self.phoneLabel.setBuddy(self.phoneEdit)
        form.addRow(self.nameLabel, self.nameEdit)
        form.addRow("", self.errors["customer_name"])
        form.addRow(self.phoneLabel, self.phoneEdit)
        form.addRow("", self.errors["customer_phone"])

        self.categoryBox = self._combo("categoryBox", contract.COMPLAINT_CATEGORIES, category_label)
        self.severityBox = self._combo("severityBox", contract.COMPLAINT_SEVERITIES, severity_label)
        self.severityBox.setCurrentIndex(contract.COMPLAINT_SEVERITIES.index("medium"))
        self.severityBox.currentIndexChanged.connect(self._severity_changed)
        self.channelBox = self._combo("channelBox", contract.COMPLAINT_CHANNELS, channel_label)
        self.dueLabel = QLabel()
        self.dueLabel.setObjectName("dueLabel")
        for text, widget, field in (
            (self.tr("&Category:"), self.categoryBox, "category"),
            (self.tr("Se&verity:"), self.severityBox, "severity"),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
            form.addRow("", self.errors[field])
        form.addRow(self.tr("Due:"), self.dueLabel)
        channel = QLabel(self.tr("C&hannel:"))
        channel.setBuddy(self.channelBox)
        form.addRow(channel, self.channelBox)

        self.descriptionEdit = _TextEdit()
        self.descriptionEdit.setObjectName("descriptionEdit")
        self.descriptionEdit.setTabChangesFocus(True)
        self.descriptionEdit.setPlaceholderText(
            self.tr("What happened (Enter saves; Shift+Enter starts a new line)")
        )
        self.descriptionEdit.textChanged.connect(self._count)
        self.countLabel = QLabel()
        self.countLabel.setObjectName("descriptionCount")
        self.wantsEdit = QLineEdit()
        self.wantsEdit.setObjectName("wantsEdit")
        self.wantsEdit.setPlaceholderText(self.tr("e.g. an apology, a refund, an exchange"))
        what = QLabel(self.tr("&What happened:"))
        what.setBuddy(self.descriptionEdit)
        form.addRow(what, self.descriptionEdit)
        form.addRow(self.countLabel, self.errors["description"])
        wants = QLabel(self.tr("What the customer w&ants:"))
        wants.setBuddy(self.wantsEdit)
        form.addRow(wants, self.wantsEdit)
        form.addRow("", self.errors["wants"])

        self.saveButton = QPushButton(self.tr("&Save (Enter)"))
        self.saveButton.setObjectName("saveComplaintButton")
        self.saveButton.clicked.connect(self.save)
        cancel = QPushButton(self.tr("Cancel (Esc)"))
        cancel.setObjectName("cancelComplaintButton")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.errors["form"], 1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.saveButton)
        form.addRow(buttons)
        # Enter in a line or a list reaches keyPressEvent below (they pass it on unused).
        self._count()
        return page

    def _done_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.doneTitle = QLabel(self.tr("Complaint logged. The customer's number:"))
        self.numberLabel = QLabel()
        self.numberLabel.setObjectName("complaintNumber")
        self.numberLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.numberLabel.font()
        font.setPointSizeF(font.pointSizeF() * 2)
        font.setBold(True)
        self.numberLabel.setFont(font)
        self.doneDetails = QLabel()
        self.doneDetails.setObjectName("complaintDoneDetails")
        self.doneDetails.setWordWrap(True)
        self.slipPreview = QLabel()
        self.slipPreview.setObjectName("slipPreview")
        self.printStatus = QLabel()
        self.printStatus.setObjectName("printStatus")
        self.printButton = QPushButton(self.tr("&Print slip (Enter)"))
        self.printButton.setObjectName("printSlipButton")
        self.printButton.clicked.connect(self.print_now)
        close = QPushButton(self.tr("&Close (Esc)"))
        close.setObjectName("closeComplaintButton")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.printButton)
        for widget in (self.doneTitle, self.numberLabel, self.doneDetails):
            layout.addWidget(widget)
        layout.addWidget(self.slipPreview, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.printStatus)
        layout.addStretch(1)
        layout.addLayout(buttons)
        return page

    # -- the customer ---------------------------------------------------------------------------

    def attach(self, member: services.MemberView | None) -> None:
        """The member this complaint is about (None: a customer gives name and phone)."""
        self.member = member
        is_member = member is not None
        for widget in (self.nameEdit, self.phoneEdit, self.nameLabel, self.phoneLabel):
            widget.setVisible(not is_member)
        self.detachButton.setVisible(is_member)
        if member is not None:
            self.memberLabel.setText(
                self.tr("Member {0} · {1}").format(mask_name(member.name), mask_phone(member.phone))
            )
        else:
            self.memberLabel.setText(
                self.tr(
                    "Not a member: enter the customer's name and mobile (a scan attaches a member)"
                )
            )
        self.clear_errors()
        self.focus_first()

    def detach_member(self) -> None:
        if self.pages.currentIndex() == FORM_PAGE and self.member is not None:
            self.attach(None)

    def focus_first(self) -> None:
        (self.categoryBox if self.member is not None else self.nameEdit).setFocus()

    def take_scan(self, code: str) -> bool:
        """A scan while the form is open attaches that member (True: taken)."""
        if self.pages.currentIndex() != FORM_PAGE:
            return False
        ctx, actor = self.ctx, self.actor
        self.runner.submit(lambda: services.lookup(ctx, actor, code), self._scanned)
        return True

    def _scanned(self, result: object) -> None:
        if isinstance(result, services.LookupResult) and result.member is not None:
            self.attach(result.member)
        elif isinstance(result, services.LookupResult):
            text = result.message(self.language) or self.tr("No member found for that scan.")
            self.show_error("form", text)

    # -- saving ---------------------------------------------------------------------------------

    def _severity_changed(self) -> None:
        ctx, severity = self.ctx, str(self.severityBox.currentData())
        self.runner.submit(lambda: services.due_preview(ctx, severity), self._show_due)

    def _show_due(self, due: object) -> None:
        import datetime as dt

        if isinstance(due, dt.datetime):
            hours = round((due - self.ctx.now()).total_seconds() / 3600)
            self.dueLabel.setText(self.tr("{0} (in {1} hours)").format(when(due), hours))

    def _count(self) -> None:
        n = len(self.descriptionEdit.toPlainText())
        self.countLabel.setText(f"{n}/{DESCRIPTION_MAX}")

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.clear()
            label.hide()

    def show_error(self, field: str, text: str) -> None:
        label = self.errors.get(field, self.errors["form"])
        label.setText(text)
        label.show()

    def save(self) -> None:
        if self._saving or self.pages.currentIndex() != FORM_PAGE:
            return
        self.clear_errors()
        member = self.member
        fields = {
            "member_id": member.id if member is not None else None,
            "customer_name": "" if member is not None else self.nameEdit.text(),
            "customer_phone": "" if member is not None else self.phoneEdit.text(),
            "category": str(self.categoryBox.currentData()),
            "severity": str(self.severityBox.currentData()),
            "channel": str(self.channelBox.currentData()),
            "description": self.descriptionEdit.toPlainText(),
            "wants": self.wantsEdit.text(),
        }
        ctx, actor = self.ctx, self.actor
        self._saving = True
        self.runner.submit(
            lambda: services.create_complaint(ctx, actor, **fields), self._saved, self._refused
        )

    def _refused(self, exc: BaseException) -> None:
        self._saving = False
        if not isinstance(exc, KnownError):
            self.runner.handle_error(exc, None)
            return
        field = getattr(exc, "field", "") or "form"
        self.show_error(field if field in self.errors else "form", exc.message(self.language))
        target = {
            "customer_name": self.nameEdit,
            "customer_phone": self.phoneEdit,
            "category": self.categoryBox,
            "severity": self.severityBox,
            "channel": self.channelBox,
            "description": self.descriptionEdit,
            "wants": self.wantsEdit,
        }.get(field)
        if target is not None and target.isVisible():
            target.setFocus()

    def _saved(self, view: object) -> None:
        self._saving = False
        if not isinstance(view, services.ComplaintView):
            return
        self.saved = view
        self.numberLabel.setText(view.number)
        self.doneDetails.setText(
            self.tr("Due: {0} · {1} · {2}").format(
                when(view.due_at), severity_label(view.severity), category_label(view.category)
            )
        )
        preview = complaint_slip.preview(self.slip())
        self.slipPreview.setPixmap(
            QPixmap.fromImage(preview).scaledToHeight(
                360, Qt.TransformationMode.SmoothTransformation
            )
        )
        self.pages.setCurrentIndex(DONE_PAGE)
        self.saveButton.setDefault(False)
        self.printButton.setDefault(True)
        self.printButton.setFocus()
        self.logged.emit(view)

    # -- the slip -----------------------------------------------------------------------------

    def slip(self) -> list[tuple[str, str]]:
        assert self.saved is not None
        return complaint_slip.slip_lines(self.saved, self.ctx.store_phone)

    def print_now(self) -> None:
        if self.saved is None:
            return
        if self.print_slip(self.slip()):
            self.printStatus.setText(self.tr("Slip printed. Esc closes."))

    def _print_with_dialog(self, lines: list[tuple[str, str]]) -> bool:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        complaint_slip.print_slip(lines, printer)
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.pages.currentIndex() == FORM_PAGE:
                self.save()
            else:
                self.print_now()
            return
        super().keyPressEvent(event)
