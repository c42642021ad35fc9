"""The health record editor (F8, and embedded in registration): chronic conditions and drug
allergies picked from HQ's lists plus free text, regular medicines with dose, days' supply
and last dispensing date.

Reusable on purpose: the registration dialog embeds the same widget. It only edits values;
saving (``services.record_health``) and the consent check are the owner's, so the widget
never sees the database. Keyboard first: Space ticks a list entry, Tab moves on, Enter in
the medicine row adds it, Delete removes the selected medicine.
"""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter import services

_SEPARATORS = re.compile(r"[,，、;；]+")


def split_free_text(text: str) -> list[str]:
    """ "头孢类、碘造影剂, 花粉" → three entries (Chinese and Latin separators alike)."""
    return [part.strip() for part in _SEPARATORS.split(text) if part.strip()]


class _MedicineList(QListWidget):
    deleteRequested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.deleteRequested.emit()
            return
        super().keyPressEvent(event)


class HealthEditor(QWidget):
    """Edits one health record; :meth:`value` gives what to pass to ``record_health``."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("healthEditor")
        self._medicines: list[services.Medicine] = []

        self.chronicList = self._checklist("chronicList")
        self.chronicOther = QLineEdit()
        self.chronicOther.setObjectName("chronicOther")
        self.chronicOther.setPlaceholderText(self.tr("Other conditions, separated by 、"))
        self.allergyList = self._checklist("allergyList")
        self.allergyOther = QLineEdit()
        self.allergyOther.setObjectName("allergyOther")
        self.allergyOther.setPlaceholderText(self.tr("Other drug allergies, separated by 、"))

        self.medName = QLineEdit()
        self.medName.setObjectName("medicineName")
        self.medName.setPlaceholderText(self.tr("Medicine"))
        self.medDose = QLineEdit()
        self.medDose.setObjectName("medicineDose")
        self.medDose.setPlaceholderText(self.tr("Dose, e.g. 5 mg once a day"))
        self.medDays = QLineEdit()
        self.medDays.setObjectName("medicineDays")
        self.medDays.setPlaceholderText(self.tr("Days' supply"))
        self.medDays.setMaximumWidth(110)
        self.medLast = QLineEdit()
        self.medLast.setObjectName("medicineLast")
        self.medLast.setPlaceholderText(self.tr("Last dispensed YYYY-MM-DD"))
        self.medLast.setMaximumWidth(190)
        for field in (self.medName, self.medDose, self.medDays, self.medLast):
            field.returnPressed.connect(self.add_medicine)
        for field in (self.medDays, self.medLast):
            field.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.addMedicineButton = QPushButton(self.tr("Add medicine"))
        self.addMedicineButton.setObjectName("addMedicineButton")
        self.addMedicineButton.clicked.connect(self.add_medicine)
        self.medicineList = _MedicineList()
        self.medicineList.setObjectName("medicineList")
        self.medicineList.setMaximumHeight(110)
        self.medicineList.deleteRequested.connect(self.remove_selected_medicine)
        self.message = QLabel()
        self.message.setObjectName("healthMessage")
        self.message.setStyleSheet("color: #b00020;")
        self.message.setWordWrap(True)

        chronic = QGroupBox(self.tr("Chronic conditions"))
        chronic_layout = QVBoxLayout(chronic)
        chronic_layout.addWidget(self.chronicList)
        chronic_layout.addWidget(self.chronicOther)
        allergies = QGroupBox(self.tr("Drug allergies"))
        allergy_layout = QVBoxLayout(allergies)
        allergy_layout.addWidget(self.allergyList)
        allergy_layout.addWidget(self.allergyOther)
        medicines = QGroupBox(self.tr("Regular medicines"))
        med_layout = QGridLayout(medicines)
        row = QHBoxLayout()
        for w in (self.medName, self.medDose, self.medDays, self.medLast, self.addMedicineButton):
            row.addWidget(w)
        med_layout.addLayout(row, 0, 0)
        med_layout.addWidget(self.medicineList, 1, 0)

        top = QHBoxLayout()
        top.addWidget(chronic)
        top.addWidget(allergies)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(medicines)
        layout.addWidget(self.message)
        for w in (self.chronicOther, self.allergyOther):
            w.textChanged.connect(self.changed)

    def _checklist(self, name: str) -> QListWidget:
        widget = QListWidget()
        widget.setObjectName(name)
        widget.setMaximumHeight(150)
        widget.itemChanged.connect(lambda _item: self.changed.emit())
        return widget

    # -- filling ------------------------------------------------------------------------------

    def set_choices(self, choices: services.HealthChoices) -> None:
        """HQ's lists; entries already ticked stay ticked."""
        for widget, words in ((self.chronicList, choices.chronic),
                              (self.allergyList, choices.allergy_classes)):  # fmt: skip
            ticked = set(self._ticked(widget))
            widget.blockSignals(True)
            widget.clear()
            for word in words:
                item = QListWidgetItem(word, widget)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    Qt.CheckState.Checked if word in ticked else Qt.CheckState.Unchecked
                )
            widget.blockSignals(False)
            if widget.count():
                widget.setCurrentRow(0)

    def set_record(self, record: services.HealthRecord | None) -> None:
        """Show a record (None: empty). Entries not in the lists go to the free text."""
        allergies = record.allergies if record else ()
        chronic = record.chronic if record else ()
        self._tick(self.chronicList, self.chronicOther, chronic)
        self._tick(self.allergyList, self.allergyOther, allergies)
        self._medicines = list(record.medicines) if record else []
        self._show_medicines()
        self.message.clear()

    def _tick(self, widget: QListWidget, other: QLineEdit, words: tuple[str, ...]) -> None:
        listed = {widget.item(i).text(): widget.item(i) for i in range(widget.count())}
        widget.blockSignals(True)
        for item in listed.values():
            item.setCheckState(Qt.CheckState.Unchecked)
        rest = []
        for word in words:
            if word in listed:
                listed[word].setCheckState(Qt.CheckState.Checked)
            else:
                rest.append(word)
        widget.blockSignals(False)
        other.setText("、".join(rest))

    @staticmethod
    def _ticked(widget: QListWidget) -> list[str]:
        return [
            widget.item(i).text()
            for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked
        ]

    # -- medicines ----------------------------------------------------------------------------

    def add_medicine(self) -> None:
        """The medicine row as one entry; a bad days' supply or date is refused on its field."""
        name = self.medName.text().strip()
        if not name:
            self.medName.setFocus()
            return
        days: int | None = None
        if self.medDays.text().strip():
            text = self.medDays.text().strip()
            if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 366):
                self._refuse(
                    self.medDays, self.tr("The days' supply is a whole number from 1 to 366.")
                )
                return
            days = int(text)
        last: dt.date | None = None
        if self.medLast.text().strip():
            try:
                last = dt.date.fromisoformat(self.medLast.text().strip())
            except ValueError:
                self._refuse(self.medLast, self.tr("The last dispensing date is YYYY-MM-DD."))
                return
            if last > dt.date.today():
                self._refuse(self.medLast, self.tr("The last dispensing date is in the future."))
                return
        med = services.Medicine(name, self.medDose.text().strip(), days, last)
        self._medicines = [m for m in self._medicines if m.name != name] + [med]
        self._show_medicines()
        for field in (self.medName, self.medDose, self.medDays, self.medLast):
            field.clear()
        self.message.clear()
        self.medName.setFocus()
        self.changed.emit()

    def remove_selected_medicine(self) -> None:
        row = self.medicineList.currentRow()
        if 0 <= row < len(self._medicines):
            del self._medicines[row]
            self._show_medicines()
            self.medicineList.setCurrentRow(min(row, len(self._medicines) - 1))
            self.changed.emit()

    def _refuse(self, field: QLineEdit, text: str) -> None:
        self.message.setText(text)
        field.setFocus()
        field.selectAll()

    def _show_medicines(self) -> None:
        self.medicineList.clear()
        for med in self._medicines:
            self.medicineList.addItem(self.describe(med))

    def describe(self, med: services.Medicine) -> str:
        parts = [med.name]
        if med.dose:
            parts.append(med.dose)
        if med.days_supply:
            parts.append(self.tr("{0} days").format(med.days_supply))
        if med.last_dispensed:
            parts.append(self.tr("last {0}").format(med.last_dispensed.isoformat()))
        return " · ".join(parts)

    # -- the result ---------------------------------------------------------------------------

    def allergies(self) -> list[str]:
        return self._ticked(self.allergyList) + split_free_text(self.allergyOther.text())

    def chronic(self) -> list[str]:
        return self._ticked(self.chronicList) + split_free_text(self.chronicOther.text())

    def medicines(self) -> list[services.Medicine]:
        """The listed medicines, plus the row being typed if it has a name (not lost)."""
        pending = self.medName.text().strip()
        if pending and all(m.name != pending for m in self._medicines):
            self.add_medicine()
        return list(self._medicines)

    def show_error(self, exc: services.ValidationError, language: str) -> None:
        """A refusal of the service, shown on the field it names."""
        self.message.setText(exc.message(language))
        target = {
            "allergies": self.allergyOther,
            "chronic": self.chronicOther,
            "medicines": self.medName,
        }.get(exc.field or "")
        if target is not None:
            target.setFocus()
