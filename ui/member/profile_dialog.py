"""F8: the member's profile, health record, consents and card (service and manager roles).

Opening it reads the profile in clear (audited as ``profile.view``) and, with health
consent, the health record (audited as ``health.view``). Each save is one service call:
``update_member`` (its audit entry holds before → after, masked), ``record_health``,
``record_consent`` (withdrawing health erases the record here and, through the op, at HQ),
``bind_card`` with ``replaces`` for a lost card. The dialog never touches the database.

Keys: Ctrl+Tab (or Alt + the underlined letter) between pages; Enter in the last field of
a page saves it; withdrawing a consent asks once more on the same page (Enter confirms).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from counter import services
from counter.errors import KnownError
from ui.care.enroll_dialog import open_enroll
from ui.member.form_fields import combo
from ui.member.health_editor import HealthEditor
from ui.printing import member_card
from ui.shell.tasks import BaseRunner

PROFILE_PAGE, HEALTH_PAGE, CONSENT_PAGE, CARD_PAGE = range(4)
TEXT_FIELDS = ("name", "phone", "birthday", "email", "address")
# Chosen from the registration form's labelled choices (never the raw codes on screen).
CHOICE_FIELDS = ("education", "income", "marital_status")


class ProfileDialog(QDialog):
    """One member's F8 record. ``changed`` carries the member's new view after a save."""

    changed = Signal(object)

    def __init__(
        self,
        ctx: services.ServiceContext,
        actor: services.Actor,
        runner: BaseRunner,
        member_id: str,
        *,
        language: str,
        cards_dir: Path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("profileDialog")
        self.setWindowTitle(self.tr("Member profile and health record"))
        self.ctx, self.actor, self.runner = ctx, actor, runner
        self.member_id, self.language, self.cards_dir = member_id, language, cards_dir
        self.profile: services.Profile | None = None
        self._pending_withdrawal = ""

        self.tabs = QTabWidget()
        self.tabs.setObjectName("profileTabs")
        self.tabs.addTab(self._profile_page(), self.tr("&Profile"))
        self.tabs.addTab(self._health_page(), self.tr("&Health record"))
        self.tabs.addTab(self._consent_page(), self.tr("C&onsents"))
        self.tabs.addTab(self._card_page(), self.tr("C&ard"))
        self.tabs.currentChanged.connect(self._page_shown)
        self.status = QLabel()
        self.status.setObjectName("profileStatus")
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        # Enter in a field saves that page (returnPressed); no button steals it as the default.
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
        self.confirmButton.setAutoDefault(True)  # Enter on it confirms the withdrawal
        self.resize(900, 600)
        self.reload()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter on the last choice saves the page, as Enter in a field does."""
        if (
            watched is self.choiceBoxes.get("marital_status")
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.save_profile()
            return True
        return super().eventFilter(watched, event)

    # -- pages --------------------------------------------------------------------------------

    def _line(self, name: str, *, ime: bool = True) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, ime)
        return edit

    def _profile_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.fields: dict[str, QLineEdit] = {
            "name": self._line("nameEdit"),
            "phone": self._line("phoneEdit", ime=False),
            "birthday": self._line("birthdayEdit", ime=False),
            "email": self._line("emailEdit", ime=False),
            "address": self._line("addressEdit"),
        }
        self.choiceBoxes: dict[str, QComboBox] = {key: combo(key) for key in CHOICE_FIELDS}
        self.fields["birthday"].setPlaceholderText("YYYY-MM-DD")
        self.genderBox = QComboBox()
        self.genderBox.setObjectName("genderBox")
        for code, text in (("", "—"), ("F", self.tr("Female")), ("M", self.tr("Male"))):
            self.genderBox.addItem(text, code)
        labels = {
            "name": self.tr("Name"), "phone": self.tr("Mobile"), "birthday": self.tr("Birthday"),
            "email": self.tr("E-mail"), "address": self.tr("Address"),
            "education": self.tr("Education"), "income": self.tr("Income band"),
            "marital_status": self.tr("Marital status"),
        }  # fmt: skip
        form.addRow(labels["name"], self.fields["name"])
        form.addRow(self.tr("Gender"), self.genderBox)
        for key in TEXT_FIELDS[1:]:
            form.addRow(labels[key], self.fields[key])
        for key in CHOICE_FIELDS:
            form.addRow(labels[key], self.choiceBoxes[key])
        self.saveProfileButton = QPushButton(self.tr("&Save profile"))
        self.saveProfileButton.setObjectName("saveProfileButton")
        self.saveProfileButton.clicked.connect(self.save_profile)
        self.choiceBoxes["marital_status"].installEventFilter(self)  # Enter there saves
        form.addRow(self.saveProfileButton)
        return page

    def _health_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.healthNote = QLabel()
        self.healthNote.setObjectName("healthNote")
        self.healthNote.setWordWrap(True)
        self.healthEditor = HealthEditor()
        self.saveHealthButton = QPushButton(self.tr("Save health &record"))
        self.saveHealthButton.setObjectName("saveHealthButton")
        self.saveHealthButton.clicked.connect(self.save_health)
        self.enrollButton = QPushButton(self.tr("&Enrol in a care plan…"))
        self.enrollButton.setObjectName("enrollButton")
        self.enrollButton.clicked.connect(lambda: open_enroll(self))  # Alt+E
        buttons = QHBoxLayout()  # Save first: Tab reaches it as before
        buttons.addStretch(1)
        buttons.addWidget(self.saveHealthButton)
        buttons.addWidget(self.enrollButton)
        layout.addWidget(self.healthNote)
        layout.addWidget(self.healthEditor)
        layout.addLayout(buttons)
        return page

    def _consent_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.consentLabels: dict[str, QLabel] = {}
        self.consentButtons: dict[str, QPushButton] = {}
        explain = {
            "basic": self.tr("Membership (required; leaving is a deletion request at HQ)"),
            "health": self.tr("Health information (allergies, conditions, medicines)"),
            "marketing": self.tr("Marketing contact (SMS, calls, mail; outreach lists)"),
        }
        for purpose in ("basic", "health", "marketing"):
            row = QHBoxLayout()
            label = QLabel()
            label.setObjectName(f"{purpose}ConsentLabel")
            label.setWordWrap(True)
            row.addWidget(QLabel(explain[purpose]), 2)
            row.addWidget(label, 1)
            self.consentLabels[purpose] = label
            if purpose != "basic":
                button = QPushButton()
                button.setObjectName(f"{purpose}ConsentButton")
                button.clicked.connect(lambda _=False, p=purpose: self.toggle_consent(p))
                row.addWidget(button)
                self.consentButtons[purpose] = button
            layout.addLayout(row)
        self.confirmLabel = QLabel()
        self.confirmLabel.setObjectName("withdrawConfirmLabel")
        self.confirmLabel.setWordWrap(True)
        self.confirmButton = QPushButton(self.tr("Confirm withdrawal"))
        self.confirmButton.setObjectName("withdrawConfirmButton")
        self.confirmButton.clicked.connect(self.confirm_withdrawal)
        self.confirmButton.hide()
        layout.addWidget(self.confirmLabel)
        layout.addWidget(self.confirmButton, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        return page

    def _card_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.cardsLabel = QLabel()
        self.cardsLabel.setObjectName("cardsLabel")
        self.newCardEdit = self._line("newCardEdit", ime=False)
        self.newCardEdit.setPlaceholderText(self.tr("Scan or type the new card's 16 digits"))
        self.replacesBox = QCheckBox(self.tr("It replaces the lost card"))
        self.replacesBox.setObjectName("replacesBox")
        self.bindButton = QPushButton(self.tr("&Bind card"))
        self.bindButton.setObjectName("bindCardButton")
        self.bindButton.clicked.connect(self.bind_card)
        self.newCardEdit.returnPressed.connect(self.bind_card)
        self.printButton = QPushButton(self.tr("Print card…"))
        self.printButton.setObjectName("printCardButton")
        self.printButton.clicked.connect(self.print_card)
        self.saveCardButton = QPushButton(self.tr("Save card as PNG"))
        self.saveCardButton.setObjectName("saveCardButton")
        self.saveCardButton.clicked.connect(self.save_card_png)
        form.addRow(self.tr("Cards"), self.cardsLabel)
        form.addRow(self.tr("New card"), self.newCardEdit)
        form.addRow("", self.replacesBox)
        form.addRow("", self.bindButton)
        printing = QHBoxLayout()
        printing.addWidget(self.printButton)
        printing.addWidget(self.saveCardButton)
        form.addRow(self.tr("Member card"), printing)
        return page

    # -- loading ------------------------------------------------------------------------------

    def _call(self, fn: Callable[[], Any], done: Callable[[Any], None]) -> None:
        self.runner.submit(fn, done, self._failed)

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, KnownError):
            self.runner.handle_error(exc, None)
            return
        self.show_status(exc.message(self.language), error=True)
        if isinstance(exc, services.ValidationError):
            page = self.tabs.currentIndex()
            if page == PROFILE_PAGE and exc.field in self.fields:
                self.fields[exc.field].setFocus()
                self.fields[exc.field].selectAll()
            elif page == PROFILE_PAGE and exc.field in self.choiceBoxes:
                self.choiceBoxes[exc.field].setFocus()
            elif page == HEALTH_PAGE:
                self.healthEditor.show_error(exc, self.language)
            elif page == CARD_PAGE:
                self.newCardEdit.setFocus()
                self.newCardEdit.selectAll()

    def reload(self) -> None:
        ctx, actor, mid = self.ctx, self.actor, self.member_id
        self._call(lambda: services.open_profile(ctx, actor, mid), self._loaded)

    def _loaded(self, profile: services.Profile) -> None:
        self.profile = profile
        form = profile.form
        for key in TEXT_FIELDS:
            value = getattr(form, key)
            if isinstance(value, dt.date):
                value = value.isoformat()
            self.fields[key].setText(value or "")
        self.genderBox.setCurrentIndex(max(0, self.genderBox.findData(form.gender or "")))
        for key, box in self.choiceBoxes.items():
            value = getattr(form, key) or ""
            if box.findData(value) < 0:  # a code this counter has no label for: kept as is
                box.addItem(value, value)
            box.setCurrentIndex(box.findData(value))
        self._show_consents(profile.consents)
        self.cardsLabel.setText("\n".join(member_card.grouped(c) for c in profile.cards) or "—")
        self.replacesBox.setEnabled(bool(profile.cards))
        self.replacesBox.setChecked(bool(profile.cards))
        self.printButton.setEnabled(bool(profile.cards))
        self.saveCardButton.setEnabled(bool(profile.cards))
        self._load_health()
        self.fields["name"].setFocus()

    def _load_health(self) -> None:
        ctx, actor, mid = self.ctx, self.actor, self.member_id
        consent = bool(self.profile and self.profile.consents.get("health"))
        self.healthEditor.setEnabled(consent)
        self.saveHealthButton.setEnabled(consent)
        self._call(lambda: services.health_choices(ctx), self.healthEditor.set_choices)
        if consent:
            self.healthNote.setText(
                self.tr("Sensitive personal information: every view is recorded in the audit log.")
            )
            self._call(lambda: services.read_health(ctx, actor, mid), self.healthEditor.set_record)
        else:
            self.healthEditor.set_record(None)
            self.healthNote.setText(
                self.tr(
                    "No health consent on file: record the member's separate consent on the "
                    "Consents page first."
                )
            )

    def _show_consents(self, consents: Any) -> None:
        words = {True: self.tr("given"), False: self.tr("withdrawn"), None: self.tr("not recorded")}
        for purpose, label in self.consentLabels.items():
            label.setText(words[consents.get(purpose)])
        for purpose, button in self.consentButtons.items():
            granted = bool(consents.get(purpose))
            button.setText(self.tr("Withdraw consent") if granted else self.tr("Record consent"))
        self._cancel_withdrawal()

    def _page_shown(self, index: int) -> None:
        self._cancel_withdrawal()
        first = {
            PROFILE_PAGE: self.fields["name"],
            HEALTH_PAGE: self.healthEditor.chronicList,
            CONSENT_PAGE: self.consentButtons["health"],
            CARD_PAGE: self.newCardEdit,
        }[index]
        first.setFocus()

    def show_status(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setProperty("error", error)
        self.status.setStyleSheet("color: #b00020;" if error else "color: #0b5d3b;")

    # -- saving -------------------------------------------------------------------------------

    def save_profile(self) -> None:
        if self.profile is None:
            return
        old = self.profile.form
        changes: dict[str, Any] = {}
        for key in TEXT_FIELDS:
            before = getattr(old, key)
            before_text = before.isoformat() if isinstance(before, dt.date) else (before or "")
            now = self.fields[key].text().strip()
            if now != before_text:
                changes[key] = now or None
        for key, box in self.choiceBoxes.items():
            chosen = str(box.currentData() or "")
            if chosen != (getattr(old, key) or ""):
                changes[key] = chosen or None
        gender = self.genderBox.currentData() or ""
        if gender != (old.gender or ""):
            changes["gender"] = gender
        if not changes:
            self.show_status(self.tr("Nothing was changed."))
            return
        ctx, actor, mid = self.ctx, self.actor, self.member_id
        self._call(lambda: services.update_member(ctx, actor, mid, changes), self._profile_saved)

    def _profile_saved(self, view: services.MemberView) -> None:
        self.show_status(self.tr("Profile saved; the change is in the audit log."))
        self.changed.emit(view)
        self.reload()

    def save_health(self) -> None:
        editor = self.healthEditor
        medicines = editor.medicines()
        if editor.message.text():
            return  # the medicine row being typed was refused on its field
        allergies, chronic = editor.allergies(), editor.chronic()
        ctx, actor, mid = self.ctx, self.actor, self.member_id
        self._call(
            lambda: services.record_health(ctx, actor, mid, allergies, chronic, medicines),
            self._health_saved,
        )

    def _health_saved(self, record: services.HealthRecord) -> None:
        self.healthEditor.set_record(record)
        self.show_status(self.tr("Health record saved."))
        ctx, actor, mid = self.ctx, self.actor, self.member_id
        self._call(lambda: services.get_member(ctx, actor, mid), self.changed.emit)

    def toggle_consent(self, purpose: str) -> None:
        if self.profile is None:
            return
        if not self.profile.consents.get(purpose):
            self._record_consent(purpose, True)
            return
        self._pending_withdrawal = purpose
        self.confirmLabel.setText(
            self.tr(
                "Withdraw the health consent? The health record is erased at this store and "
                "at HQ, and care plans end."
            )
            if purpose == "health"
            else self.tr("Withdraw the marketing consent? The member is taken off outreach lists.")
        )
        self.confirmButton.show()
        self.confirmButton.setFocus()

    def confirm_withdrawal(self) -> None:
        purpose, self._pending_withdrawal = self._pending_withdrawal, ""
        if purpose:
            self._record_consent(purpose, False)

    def _cancel_withdrawal(self) -> None:
        self._pending_withdrawal = ""
        self.confirmLabel.clear()
        self.confirmButton.hide()

    def _record_consent(self, purpose: str, granted: bool) -> None:
        ctx, actor, mid = self.ctx, self.actor, self.member_id
        self._call(
            lambda: services.record_consent(ctx, actor, mid, purpose, granted=granted),
            self._consent_recorded,
        )

    def _consent_recorded(self, record: services.ConsentRecord) -> None:
        if record.granted:
            self.show_status(self.tr("Consent recorded."))
        elif record.purpose == "health":
            self.show_status(self.tr("Health consent withdrawn; the health record is erased."))
        else:
            self.show_status(self.tr("Marketing consent withdrawn; off the outreach lists."))
        ctx, actor, mid = self.ctx, self.actor, self.member_id
        self._call(lambda: services.get_member(ctx, actor, mid), self.changed.emit)
        self.reload()
        self.tabs.setCurrentIndex(CONSENT_PAGE)

    def bind_card(self) -> None:
        card_no = self.newCardEdit.text().strip()
        if not card_no or self.profile is None:
            self.newCardEdit.setFocus()
            return
        replaces = (
            self.profile.cards[0] if self.replacesBox.isChecked() and self.profile.cards else None
        )
        ctx, actor, mid = self.ctx, self.actor, self.member_id
        self._call(lambda: services.bind_card(ctx, actor, mid, card_no, replaces), self._card_bound)

    def take_scan(self, code: str) -> bool:
        """A card scanned while the card page is open is the new card (True: taken)."""
        if self.tabs.currentIndex() != CARD_PAGE:
            return False
        self.newCardEdit.setText(code.strip())
        self.bind_card()
        return True

    def _card_bound(self, view: services.MemberView) -> None:
        self.newCardEdit.clear()
        self.show_status(self.tr("Card bound; the old card no longer finds the member."))
        self.changed.emit(view)
        self.reload()
        self.tabs.setCurrentIndex(CARD_PAGE)

    # -- the member card ----------------------------------------------------------------------

    def _card_image(self) -> tuple[str, Any] | None:
        if self.profile is None or not self.profile.cards:
            return None
        card_no = self.profile.cards[-1]
        return card_no, member_card.render(card_no, self.profile.form.name)

    def save_card_png(self) -> Path | None:
        made = self._card_image()
        if made is None:
            return None
        card_no, image = made
        self.cards_dir.mkdir(parents=True, exist_ok=True)
        path = self.cards_dir / f"card-{card_no}.png"
        try:
            member_card.save_png(image, path)
        except OSError as exc:
            self.show_status(
                self.tr("The card image could not be saved: {0}").format(exc), error=True
            )
            return None
        self.show_status(self.tr("Card saved as {0}").format(path))
        return path

    def print_card(self) -> None:
        made = self._card_image()
        if made is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setObjectName("printCardDialog")
        if dialog.exec() == QDialog.DialogCode.Accepted:
            member_card.print_card(made[1], printer)
            self.show_status(self.tr("The card went to the printer."))
