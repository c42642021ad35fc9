"""The pieces of the sign-in form: the numbered operator list and the PIN field, which keep
the keyboard where a person at the counter expects it."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QWidget,
)

PIN_MAX = 8
LIST_ROWS = 6  # operators visible without scrolling
DIGITS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, 10)}
ACTOR_ROLE = Qt.ItemDataRole.UserRole


def plain_key(event: QKeyEvent) -> bool:
    return not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)


class OperatorList(QListWidget):
    """The operators, numbered: a digit picks one, Enter takes the highlighted one."""

    chosen = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in DIGITS and plain_key(event):
            row = DIGITS[key] - 1
            if row < self.count():
                self.setCurrentRow(row)
                self.chosen.emit()
            event.accept()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain_key(event):
            if self.currentItem() is not None:
                self.chosen.emit()
            event.accept()
        else:
            super().keyPressEvent(event)


class PinField(QLineEdit):
    """The PIN; with ``goes_back`` set, Esc goes back to the operator list (``back``)."""

    back = Signal()
    goes_back = False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and plain_key(event) and self.goes_back:
            self.back.emit()
            event.accept()
            return
        super().keyPressEvent(event)


def pin_input(object_name: str) -> PinField:
    """A password field that takes only ASCII digits (the core wants 4–8 of them)."""
    field = PinField()
    field.setObjectName(object_name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(PIN_MAX)
    field.setValidator(QRegularExpressionValidator(QRegularExpression(f"[0-9]{{0,{PIN_MAX}}}")))
    field.setInputMethodHints(
        Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData
    )
    return field


def caption(text: str, buddy: QWidget) -> QLabel:
    """A form label centred on its (tall, touch-friendly) field."""
    label = QLabel(text)
    label.setObjectName("formCaption")
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    label.setBuddy(buddy)
    return label


def plain_button(text: str, object_name: str) -> QPushButton:
    """No auto-default: Enter in a field is handled once, by the field, not also by a dialog."""
    button = QPushButton(text)
    button.setObjectName(object_name)
    button.setAutoDefault(False)
    button.setDefault(False)
    return button
