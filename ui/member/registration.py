"""The registration form (F2; service assistants and store managers), keyboard first.

Tab goes through the fields in the order of the paper form; Enter saves from any field (and
on the mobile field, when that phone is already a member's, opens that member instead of a
second registration). Alt+1, Alt+2 and Alt+3 tick the three separate consents; the health
fields open only with the health consent. A scan goes to the card field (to the referrer
field when that has the focus), wherever the cursor is.

The rules live in ``counter.services.registration``: this form only collects the text,
shows each field's message next to it and hands the whole over in one call.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QImage, QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter import services
from counter.errors import KnownError
from counter.services import registration as reg
from ui.member.consents_panel import ConsentsPanel
from ui.member.duplicate_phone import DuplicatePhoneCheck
from ui.member.field_errors import FieldErrors, shown_at
from ui.member.form_fields import combo, line
from ui.member.lookup_bar import format_card
from ui.printing import consent_slip
from ui.shell.style import set_state
from ui.shell.tasks import BaseRunner

FIELD_WIDTH = 260  # px: room for an address or an e-mail address (the form fits 1024×768)


class RegistrationDialog(QDialog):
    """``registered`` carries the new member's ``MemberView``; ``openExisting`` the member
    who already has the phone typed (the assistant chose them over a second registration)."""

    registered = Signal(object)
    openExisting = Signal(object)

    def __init__(
        self,
        ctx: services.ServiceContext,
        actor: services.Actor,
        runner: BaseRunner,
        *,
        language: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("registrationDialog")
        self.setWindowTitle(self.tr("Register a member"))
        self.ctx, self.actor, self.runner, self.language = ctx, actor, runner, language
        self.referrer: services.MemberView | None = None
        self.texts = reg.consent_texts(ctx)
        self.fieldErrors = FieldErrors()
        self.errors = self.fieldErrors.labels
        self.phoneCheck = DuplicatePhoneCheck(ctx, actor, runner, self.fieldErrors, self)

        self.nameEdit = line("name", True)
        self.nameEdit.setMaxLength(64)
        self.genderCombo = combo("gender")
        self.phoneEdit = line("phone", False, self.tr("11-digit mobile"))
        self.phoneEdit.setInputMethodHints(Qt.InputMethodHint.ImhDialableCharactersOnly)
        self.birthdayEdit = line("birthday", False, self.tr("e.g. 1980-05-12"))
        self.birthdayEdit.setInputMethodHints(Qt.InputMethodHint.ImhDate)
        self.addressEdit = line("address", True)
        self.emailEdit = line("email", False)
        self.emailEdit.setInputMethodHints(Qt.InputMethodHint.ImhEmailCharactersOnly)
        self.educationCombo = combo("education")
        self.incomeCombo = combo("income")
        self.maritalCombo = combo("marital_status")
        self.referrerEdit = line("referrer", False, self.tr("scan their card or type their phone"))
        self.referrerLabel = QLabel()
        self.referrerLabel.setObjectName("referrerLabel")
        self.cardEdit = line("card", False, self.tr("scan a pre-printed card"))
        self.cardEdit.setMaxLength(19)
        self.issueCheck = QCheckBox(self.tr("Issue a card &number from this counter"))
        self.issueCheck.setObjectName("issueCheck")
        self.issueCheck.toggled.connect(self._issue_toggled)

        profile = QFormLayout()
        profile.setObjectName("profileForm")
        rows: list[tuple[str, str, QWidget]] = [
            ("name", self.tr("Name *"), self.nameEdit),
            ("gender", self.tr("Gender"), self.genderCombo),
            ("phone", self.tr("Mobile *"), self.phoneEdit),
            ("birthday", self.tr("Birthday"), self.birthdayEdit),
            ("address", self.tr("Address"), self.addressEdit),
            ("email", self.tr("E-mail"), self.emailEdit),
            ("education", self.tr("Education"), self.educationCombo),
            ("income", self.tr("Income"), self.incomeCombo),
            ("marital_status", self.tr("Marital status"), self.maritalCombo),
            ("referrer", self.tr("Referred by"), self.referrerEdit),
            ("card_no", self.tr("Card"), self.cardEdit),
        ]
        for key, label, widget in rows:
            box = self.fieldErrors.wrap(key, widget)
            if key == "referrer":  # who the referrer is, under the field
                layout_of = box.layout()
                assert layout_of is not None
                layout_of.addWidget(self.referrerLabel)
            profile.addRow(label, box)
        self.referrerLabel.hide()
        profile.addRow("", self.issueCheck)

        # The consents, each separate (DESIGN §7), and the health fields they open.
        self.consentsPanel = ConsentsPanel(self.texts, language, self.fieldErrors)
        self.basicCheck = self.consentsPanel.basicCheck
        self.healthCheck = self.consentsPanel.healthCheck
        self.marketingCheck = self.consentsPanel.marketingCheck
        self.healthBox = self.consentsPanel.healthBox
        self.allergiesEdit = self.consentsPanel.allergiesEdit
        self.chronicEdit = self.consentsPanel.chronicEdit
        self.medicinesEdit = self.consentsPanel.medicinesEdit

        self.message = QLabel()
        self.message.setObjectName("registrationMessage")
        self.message.setWordWrap(True)
        # No customer display: the member reads the consent texts on a printed slip.
        self.slipButton = QPushButton(self.tr("Print consent slip (Ctrl+P)"))
        self.slipButton.setObjectName("slipButton")
        self.slipButton.setAutoDefault(False)
        self.slipButton.clicked.connect(self.print_slip)
        QShortcut(QKeySequence("Ctrl+P"), self, self.print_slip)
        self.saveButton = QPushButton(self.tr("Register (Enter)"))
        self.saveButton.setObjectName("saveButton")
        self.saveButton.setAutoDefault(False)
        self.saveButton.clicked.connect(self.save)
        cancel = QPushButton(self.tr("Cancel (Esc)"))
        cancel.setObjectName("cancelButton")
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)

        columns = QHBoxLayout()
        columns.addLayout(profile, 1)
        columns.addWidget(self.consentsPanel, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.slipButton)
        buttons.addWidget(cancel)
        buttons.addWidget(self.saveButton)
        for _key, _label, field in rows:
            field.setMinimumWidth(FIELD_WIDTH)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addLayout(buttons)

        order: list[QWidget] = [
            self.nameEdit,
            self.genderCombo,
            self.phoneEdit,
            self.birthdayEdit,
            self.addressEdit,
            self.emailEdit,
            self.educationCombo,
            self.incomeCombo,
            self.maritalCombo,
            self.referrerEdit,
            self.cardEdit,
            self.issueCheck,
            self.basicCheck,
            self.healthCheck,
            self.marketingCheck,
            self.allergiesEdit,
            self.chronicEdit,
            self.medicinesEdit,
            self.saveButton,
        ]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        self.phoneEdit.textEdited.connect(self.phoneCheck.edited)
        self.referrerEdit.editingFinished.connect(self._find_referrer)
        self.nameEdit.setFocus()

    # -- building -----------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        self.consentsPanel.fit_texts()
        self.adjustSize()
        super().showEvent(event)

    # -- what was typed -----------------------------------------------------------------

    def fields(self) -> dict[str, str]:
        return {
            "name": self.nameEdit.text(),
            "phone": self.phoneEdit.text(),
            "gender": str(self.genderCombo.currentData() or ""),
            "birthday": self.birthdayEdit.text(),
            "email": self.emailEdit.text(),
            "address": self.addressEdit.text(),
            "card_no": "" if self.issueCheck.isChecked() else self.cardEdit.text().replace(" ", ""),
            "education": str(self.educationCombo.currentData() or ""),
            "income": str(self.incomeCombo.currentData() or ""),
            "marital_status": str(self.maritalCombo.currentData() or ""),
        }

    def consents(self) -> frozenset[str]:
        return self.consentsPanel.consents()

    # -- messages -----------------------------------------------------------------------

    def show_error(self, key: str, text: str) -> None:
        self.fieldErrors.show(key, text)

    def clear_errors(self) -> None:
        self.fieldErrors.clear()
        self.message.clear()
        set_state(self.message, "tone", "")

    def _focus_field(self, key: str) -> None:
        widget = {
            "name": self.nameEdit,
            "phone": self.phoneEdit,
            "gender": self.genderCombo,
            "birthday": self.birthdayEdit,
            "email": self.emailEdit,
            "address": self.addressEdit,
            "card_no": self.cardEdit,
            "referrer": self.referrerEdit,
            "basic": self.basicCheck,
            "health": self.healthCheck,
        }.get(shown_at(key), self.nameEdit)
        widget.setFocus()

    # -- keys and scans -----------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            if self.focusWidget() is self.phoneEdit and self.existing is not None:
                self.open_existing()
            elif self.focusWidget() is self.referrerEdit and self.referrerEdit.text().strip():
                self._find_referrer()
            else:
                self.save()
            return
        super().keyPressEvent(event)

    def take_scan(self, code: str) -> None:
        """A scanner's burst while the form is open: the card, or the referrer's card."""
        if self.focusWidget() is self.referrerEdit:
            self.referrerEdit.setText(code)
            self._find_referrer()
            return
        self.issueCheck.setChecked(False)
        self.cardEdit.setText(code)
        self.errors["card_no"].hide()
        ctx, actor = self.ctx, self.actor

        def done(card: object) -> None:
            self.cardEdit.setText(format_card(str(card)))
            self.message.setText(
                self.tr("Card {0} will be the member's.").format(format_card(str(card)))
            )
            set_state(self.message, "tone", "ok")

        def failed(exc: BaseException) -> None:
            if isinstance(exc, KnownError):
                self.cardEdit.clear()
                self.show_error("card_no", exc.message(self.language))
            else:
                self.runner.handle_error(exc, None)

        check = reg.check_card_at_hq if ctx.hq_url else reg.check_card
        self.runner.submit(lambda: check(ctx, actor, code), done, failed)

    def slip_image(self) -> QImage:
        """The consent texts with their versions, in the form's language, as printed."""
        return self.consentsPanel.slip_image()

    @Slot()
    def print_slip(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setObjectName("printSlipDialog")
        if dialog.exec() == QDialog.DialogCode.Accepted:
            consent_slip.print_slip(self.slip_image(), printer)
            self.message.setText(self.tr("The consent slip went to the printer."))

    @Slot(bool)
    def _issue_toggled(self, on: bool) -> None:
        self.cardEdit.setEnabled(not on)
        if on:
            self.cardEdit.clear()
            self.errors["card_no"].hide()

    # -- duplicate phone ----------------------------------------------------------------

    @property
    def existing(self) -> services.MemberView | None:
        """The member who already has the phone typed, once the check says so."""
        return self.phoneCheck.existing

    def open_existing(self) -> None:
        if self.existing is not None:
            self.openExisting.emit(self.existing)
            self.accept()

    # -- referrer -----------------------------------------------------------------------

    @Slot()
    def _find_referrer(self) -> None:
        text = self.referrerEdit.text().strip()
        self.errors["referrer"].hide()
        self.referrer = None
        self.referrerLabel.clear()
        self.referrerLabel.hide()
        if not text:
            return
        ctx, actor = self.ctx, self.actor

        def done(view: object) -> None:
            if isinstance(view, services.MemberView):
                self.referrer = view
                self.referrerLabel.setText(
                    self.tr("Referrer: {0} (no. {1})").format(view.name, view.member_no or "—")
                )
                self.referrerLabel.show()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, KnownError):
                self.show_error("referrer", exc.message(self.language))
            else:
                self.runner.handle_error(exc, None)

        self.runner.submit(lambda: reg.find_referrer(ctx, actor, text), done, failed)

    # -- saving -------------------------------------------------------------------------

    @Slot()
    def save(self) -> None:
        """Check every field (each wrong one says why, next to it), then register."""
        self.clear_errors()
        fields = self.fields()
        errors = reg.form_errors(
            self.ctx,
            fields,
            self.consents(),
            referrer_typed=bool(self.referrerEdit.text().strip()),
            referrer_found=self.referrer is not None,
        )
        if errors:
            for key, exc in errors.items():
                self.show_error(key, exc.message(self.language))
            self._focus_field(next(iter(errors)))
            self.message.setText(self.tr("Nothing was saved: correct the fields marked."))
            set_state(self.message, "tone", "refusal")
            return
        allergies, chronic, medicines = self.consentsPanel.health()
        registration = reg.Registration(
            form=reg.form_of(fields),
            consents=self.consents(),
            allergies=allergies,
            chronic=chronic,
            medicines=list(medicines),
            referrer_id=self.referrer.id if self.referrer is not None else None,
            issue_card=self.issueCheck.isChecked(),
        )
        ctx, actor = self.ctx, self.actor
        self.saveButton.setEnabled(False)
        self.runner.submit(
            lambda: reg.register(ctx, actor, registration), self._saved, self._refused
        )

    def _saved(self, view: object) -> None:
        self.saveButton.setEnabled(True)
        self.registered.emit(view)
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self.saveButton.setEnabled(True)
        if not isinstance(exc, KnownError):
            self.runner.handle_error(exc, None)
            return
        field = getattr(exc, "field", "") or "name"
        self.show_error(field, exc.message(self.language))
        self._focus_field(field)
        self.message.setText(self.tr("Nothing was saved: correct the fields marked."))
        set_state(self.message, "tone", "refusal")
