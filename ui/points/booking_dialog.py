"""The parts the points dialogs that book something share (活动积分, 退货).

Their Enter/Esc button row, their layout (form, whole-dialog error, buttons) and what
happens once the core has saved the booking. The button texts stay with each dialog so
their translations stay in its context.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class BookingDialog(QDialog):
    """``booked`` carries the core's result (of ``result_type``) once the booking is saved."""

    booked = Signal(object)
    result_type: type = object

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: object | None = None
        self._saving = False

    def _buttons(
        self, prefix: str, book_text: str, cancel_text: str, book: Callable[[], None]
    ) -> tuple[QPushButton, QHBoxLayout]:
        """The default book button (``<prefix>Book``) and Esc's cancel, right-aligned."""
        book_button = QPushButton(book_text)
        book_button.setObjectName(f"{prefix}Book")
        book_button.setDefault(True)
        book_button.clicked.connect(book)
        cancel = QPushButton(cancel_text)
        cancel.setObjectName(f"{prefix}Cancel")
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(book_button)
        row.addWidget(cancel)
        return book_button, row

    def _stack(self, form: QFormLayout, error: QLabel, buttons: QHBoxLayout) -> None:
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(error)
        layout.addLayout(buttons)

    def _booked(self, result: object) -> None:
        self._saving = False
        assert isinstance(result, self.result_type)
        self.result = result
        self.booked.emit(result)
        self.accept()
