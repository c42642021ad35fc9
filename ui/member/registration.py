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
import logging
import re

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QImage, QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter import services
from counter.errors import KnownError
from counter.services import registration as reg
from ui.member.lookup_bar import format_card
from ui.printing import consent_slip
from ui.shell.style import set_state
from ui.shell.tasks import BaseRunner

log = logging.getLogger(__name__)

CONSENT_TEXT_WIDTH = 360  # px: the consent texts' column at its narrowest
FIELD_WIDTH = 260  # px: room for an address or an e-mail address (the form fits 1024×768)
PHONE_DIGITS = re.compile(r"^(?:\+86)?1[3-9]\d{9}$")
# Where a service error's field is shown.
ERROR_FIELDS = {
    "consent_basic": "basic",
    "consent_health": "health",
    "consent": "basic",
    "referrer": "referrer",
    "allergies": "health",
    "chronic": "health",
    "medicines": "health",
}


def _choices(kind: str) -> list[tuple[str, str]]:
    """(code, label) of an optional profile field, "" first (not given)."""
    labels = {
        "gender": [
            ("F", QCoreApplication.translate("Registration", "Female")),
            ("M", QCoreApplication.translate("Registration", "Male")),
        ],
        "education": [
            (
                "junior_high_or_below",
                QCoreApplication.translate("Registration", "Junior high or below"),
            ),
            ("high_school", QCoreApplication.translate("Registration", "High school")),
            ("associate", QCoreApplication.translate("Registration", "Associate degree")),
            ("bachelor", QCoreApplication.translate("Registration", "Bachelor")),
            ("postgraduate", QCoreApplication.translate("Registration", "Postgraduate")),
        ],
        "income": [
            ("under_3k", QCoreApplication.translate("Registration", "Under ¥3,000 a month")),
            ("3k_6k", QCoreApplication.translate("Registration", "¥3,000–6,000")),
            ("6k_10k", QCoreApplication.translate("Registration", "¥6,000–10,000")),
            ("10k_20k", QCoreApplication.translate("Registration", "¥10,000–20,000")),
            ("over_20k", QCoreApplication.translate("Registration", "Over ¥20,000")),
        ],
        "marital_status": [
            ("single", QCoreApplication.translate("Registration", "Single")),
            ("married", QCoreApplication.translate("Registration", "Married")),
            ("divorced", QCoreApplication.translate("Registration", "Divorced")),
            ("widowed", QCoreApplication.translate("Registration", "Widowed")),
        ],
    }
    return [("", QCoreApplication.translate("Registration", "—"))] + labels[kind]


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
        self.existing: services.MemberView | None = None
        self.referrer: services.MemberView | None = None
        self._phone_asked = ""
        self.texts = reg.consent_texts(ctx)
        self.errors: dict[str, QLabel] = {}
        self.consentTexts: list[QLabel] = []

        def line(name: str, ime: bool, placeholder: str = "") -> QLineEdit:
            edit = QLineEdit()
            edit.setObjectName(f"{name}Edit")
            edit.setPlaceholderText(placeholder)
            edit.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, ime)
            if not ime:
                edit.setInputMethodHints(
                    Qt.InputMethodHint.ImhPreferNumbers | Qt.InputMethodHint.ImhNoPredictiveText
                )
            return edit

        def combo(name: str) -> QComboBox:
            box = QComboBox()
            box.setObjectName(f"{name}Combo")
            for code, label in _choices(name):
                box.addItem(label, code)
            return box

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
            box = self._with_error(key, widget)
            if key == "referrer":  # who the referrer is, under the field
                layout_of = box.layout()
                assert layout_of is not None
                layout_of.addWidget(self.referrerLabel)
            profile.addRow(label, box)
        self.referrerLabel.hide()
        profile.addRow("", self.issueCheck)

        # The consents, each separate (DESIGN §7), with the text and its version.
        self.basicCheck = self._consent_check("basic", self.tr("&1 Membership terms (required)"))
        self.healthCheck = self._consent_check("health", self.tr("&2 Health information"))
        self.marketingCheck = self._consent_check("marketing", self.tr("&3 Offers and news"))
        consents = QGroupBox(self.tr("Consents: the member reads each text"))
        consents.setObjectName("consentsBox")
        consent_layout = QVBoxLayout(consents)
        for purpose, check in (
            ("basic", self.basicCheck),
            ("health", self.healthCheck),
            ("marketing", self.marketingCheck),
        ):
            text = self.texts[purpose]
            body = QLabel(f"{text.zh if language.startswith('zh') else text.en}  [{text.version}]")
            body.setObjectName(f"{purpose}Text")
            body.setWordWrap(True)
            body.setProperty("consentText", True)
            body.setMinimumWidth(CONSENT_TEXT_WIDTH)
            self.consentTexts.append(body)
            consent_layout.addWidget(self._with_error(purpose, check))
            consent_layout.addWidget(body)

        self.healthBox = QGroupBox(self.tr("Health information (with the health consent)"))
        self.healthBox.setObjectName("healthBox")
        health_form = QFormLayout(self.healthBox)
        self.allergiesEdit = line("allergies", True, self.tr("e.g. 青霉素、磺胺类"))
        self.chronicEdit = line("chronic", True, self.tr("e.g. 高血压"))
        self.medicinesEdit = line("medicines", True, self.tr("names, separated by 、 or ,"))
        health_form.addRow(self.tr("Drug allergies"), self.allergiesEdit)
        health_form.addRow(self.tr("Chronic conditions"), self.chronicEdit)
        health_form.addRow(self.tr("Regular medicines"), self.medicinesEdit)
        self.healthBox.setEnabled(False)
        self.healthCheck.toggled.connect(self.healthBox.setEnabled)

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

        right = QVBoxLayout()
        right.addWidget(consents)
        right.addWidget(self.healthBox)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(profile, 1)
        columns.addLayout(right, 1)
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
        self.phoneEdit.textEdited.connect(self._phone_edited)
        self.referrerEdit.editingFinished.connect(self._find_referrer)
        self.nameEdit.setFocus()

    # -- building -----------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        # A wrapped label in nested layouts gets no height for its width by itself: once the
        # stylesheet's font is on, give each consent text the lines it needs.
        for body in self.consentTexts:
            body.ensurePolished()
            body.setMinimumHeight(body.heightForWidth(CONSENT_TEXT_WIDTH - 20))
        self.adjustSize()
        super().showEvent(event)

    def _with_error(self, key: str, widget: QWidget) -> QWidget:
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        col.addWidget(widget)
        error = QLabel()
        error.setObjectName(f"{key}FieldError")
        error.setWordWrap(True)
        error.setProperty("fieldError", True)
        error.hide()
        col.addWidget(error)
        self.errors[key] = error
        return box

    def _consent_check(self, purpose: str, text: str) -> QCheckBox:
        check = QCheckBox(text)
        check.setObjectName(f"{purpose}Check")
        return check

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
        return frozenset(
            p
            for p, check in (
                ("basic", self.basicCheck),
                ("health", self.healthCheck),
                ("marketing", self.marketingCheck),
            )
            if check.isChecked()
        )

    @staticmethod
    def _items(edit: QLineEdit) -> list[str]:
        return [i.strip() for i in re.split(r"[,，、;；]", edit.text()) if i.strip()]

    # -- messages -----------------------------------------------------------------------

    def show_error(self, key: str, text: str) -> None:
        label = self.errors.get(ERROR_FIELDS.get(key, key)) or self.errors["name"]
        label.setText(text)
        label.show()

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.clear()
            label.hide()
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
        }.get(ERROR_FIELDS.get(key, key), self.nameEdit)
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
        zh = self.language.startswith("zh")
        return consent_slip.render(
            [
                (check.text().replace("&", ""), text.zh if zh else text.en, text.version)
                for check, text in (
                    (self.basicCheck, self.texts["basic"]),
                    (self.healthCheck, self.texts["health"]),
                    (self.marketingCheck, self.texts["marketing"]),
                )
            ]
        )

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

    @Slot(str)
    def _phone_edited(self, text: str) -> None:
        self.existing = None
        self.errors["phone"].hide()
        phone = re.sub(r"[\s-]", "", text)
        if not PHONE_DIGITS.match(phone) or phone == self._phone_asked:
            self._phone_asked = "" if not PHONE_DIGITS.match(phone) else self._phone_asked
            return
        self._phone_asked = phone
        ctx, actor = self.ctx, self.actor
        self.runner.submit(
            lambda: services.lookup(ctx, actor, phone),
            lambda result: self._phone_answer(phone, result, online=False),
            lambda exc: log.warning("duplicate check failed: %s", exc),
        )

    def _phone_answer(self, phone: str, result: object, *, online: bool) -> None:
        if phone != self._phone_asked or not isinstance(result, services.LookupResult):
            return  # typed on since: a stale answer
        if result.outcome == "found" and result.member is not None:
            self.existing = result.member
            self.show_error(
                "phone",
                self.tr(
                    "Already a member: {0} (no. {1}). Press Enter here to open them instead "
                    "of registering again."
                ).format(result.member.name, result.member.member_no or "—"),
            )
            return
        if not online and result.outcome == "not_found" and self.ctx.hq_url:
            ctx, actor = self.ctx, self.actor
            self.runner.submit(
                lambda: services.lookup_online(ctx, actor, phone),
                lambda answer: self._phone_answer(phone, answer, online=True),
                lambda exc: log.warning("HQ duplicate check failed: %s", exc),
            )

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
        health = self.healthCheck.isChecked()
        registration = reg.Registration(
            form=reg.form_of(fields),
            consents=self.consents(),
            allergies=self._items(self.allergiesEdit) if health else [],
            chronic=self._items(self.chronicEdit) if health else [],
            medicines=list(self._items(self.medicinesEdit)) if health else [],
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
