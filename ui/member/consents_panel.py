"""The registration form's right column: the three separate consents (DESIGN §7), each with
its text and version, and the health fields that open only with the health consent.

The same texts, with their versions, make the printed consent slip (no customer display)."""

from __future__ import annotations

import re

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from counter.services import registration as reg
from ui.member.field_errors import FieldErrors
from ui.member.form_fields import line
from ui.printing import consent_slip

CONSENT_TEXT_WIDTH = 360  # px: the consent texts' column at its narrowest


def split_items(text: str) -> list[str]:
    """The entries of a health field, separated by commas, 、 or semicolons."""
    return [i.strip() for i in re.split(r"[,，、;；]", text) if i.strip()]


class ConsentsPanel(QWidget):
    def __init__(
        self,
        texts: dict[str, reg.ConsentText],
        language: str,
        errors: FieldErrors,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.texts, self.language = texts, language
        self.consentTexts: list[QLabel] = []
        self.basicCheck = self._consent_check("basic", self.tr("&1 Membership terms (required)"))
        self.healthCheck = self._consent_check("health", self.tr("&2 Health information"))
        self.marketingCheck = self._consent_check("marketing", self.tr("&3 Offers and news"))
        consents = QGroupBox(self.tr("Consents: the member reads each text"))
        consents.setObjectName("consentsBox")
        consent_layout = QVBoxLayout(consents)
        for purpose, check in self._checks():
            text = self.texts[purpose]
            body = QLabel(f"{text.zh if language.startswith('zh') else text.en}  [{text.version}]")
            body.setObjectName(f"{purpose}Text")
            body.setWordWrap(True)
            body.setProperty("consentText", True)
            body.setMinimumWidth(CONSENT_TEXT_WIDTH)
            self.consentTexts.append(body)
            consent_layout.addWidget(errors.wrap(purpose, check))
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

        right = QVBoxLayout(self)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(consents)
        right.addWidget(self.healthBox)
        right.addStretch(1)

    def _consent_check(self, purpose: str, text: str) -> QCheckBox:
        check = QCheckBox(text)
        check.setObjectName(f"{purpose}Check")
        return check

    def _checks(self) -> tuple[tuple[str, QCheckBox], ...]:
        return (
            ("basic", self.basicCheck),
            ("health", self.healthCheck),
            ("marketing", self.marketingCheck),
        )

    def fit_texts(self) -> None:
        """A wrapped label in nested layouts gets no height for its width by itself: once the
        stylesheet's font is on, give each consent text the lines it needs."""
        for body in self.consentTexts:
            body.ensurePolished()
            body.setMinimumHeight(body.heightForWidth(CONSENT_TEXT_WIDTH - 20))

    def consents(self) -> frozenset[str]:
        return frozenset(p for p, check in self._checks() if check.isChecked())

    def health(self) -> tuple[list[str], list[str], list[str]]:
        """(allergies, chronic, medicines) as typed; all empty without the health consent."""
        if not self.healthCheck.isChecked():
            return [], [], []
        return (
            split_items(self.allergiesEdit.text()),
            split_items(self.chronicEdit.text()),
            split_items(self.medicinesEdit.text()),
        )

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
