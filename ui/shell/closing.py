"""Letting a closed window go without crashing PySide."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog


def let_go(dialog: QDialog) -> None:
    """Delete a closed dialog later, its ``finished`` connections dropped first.

    Those slots are lambdas that hold the dialog; left to go with the dialog, they let go of
    its last Python reference in the middle of its C++ destructor, and PySide crashed the
    counter (Ctrl+L with the complaints list open: tests/gui/test_lock_closes_windows.py).
    """
    dialog.finished.disconnect()
    dialog.deleteLater()
