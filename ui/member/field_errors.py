"""The registration form's validation display: each field's message under it, hidden when
there is none. Service errors name a field; some of them are shown under another one."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

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


def shown_at(key: str) -> str:
    """The field whose message line shows an error about ``key``."""
    return ERROR_FIELDS.get(key, key)


class FieldErrors:
    """The message labels by field key; an error about an unknown field shows under the name."""

    def __init__(self) -> None:
        self.labels: dict[str, QLabel] = {}

    def wrap(self, key: str, widget: QWidget) -> QWidget:
        """``widget`` with its (hidden) message line under it."""
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
        self.labels[key] = error
        return box

    def show(self, key: str, text: str) -> None:
        label = self.labels.get(shown_at(key)) or self.labels["name"]
        label.setText(text)
        label.show()

    def hide(self, key: str) -> None:
        self.labels[key].hide()

    def clear(self) -> None:
        for label in self.labels.values():
            label.clear()
            label.hide()
