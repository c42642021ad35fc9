"""The refund and award dialogs' message lines: red, wrapped, hidden while empty."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel


def error_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setProperty("error", True)
    label.setStyleSheet("color: #b00020;")
    label.setWordWrap(True)
    label.hide()
    return label


def show_message(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))
