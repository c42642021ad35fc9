"""The registration form's inputs: line edits (with or without the input method) and the
optional profile fields' choices."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QComboBox, QLineEdit


def line(name: str, ime: bool, placeholder: str = "") -> QLineEdit:
    """``{name}Edit``; without the input method (digits, codes) it prefers numbers."""
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
    """``{name}Combo`` with the field's choices, "" (not given) first."""
    box = QComboBox()
    box.setObjectName(f"{name}Combo")
    for code, label in choices(name):
        box.addItem(label, code)
    return box


def choices(kind: str) -> list[tuple[str, str]]:
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
