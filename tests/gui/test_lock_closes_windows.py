"""Ctrl+L from the complaints windows closes them and the counter goes on (a closed dialog
deleted with its ``finished`` lambda still attached crashed PySide: ui/shell/closing.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from uidata import PINS


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def _open(qtbot, window, key: Qt.Key, attr: str):  # type: ignore[no-untyped-def]
    qtbot.keyClick(focused(), key)
    qtbot.waitUntil(lambda: getattr(window, attr) is not None)
    dialog = getattr(window, attr)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def _lock_and_sign_in_again(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(focused(), Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.locked)
    QApplication.processEvents()  # the closed dialogs are deleted here
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(focused(), Qt.Key.Key_Return)  # the operator list: it's me
    qtbot.keyClicks(focused(), PINS["manager"])
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.locked)


def test_ctrl_l_with_the_complaints_list_open(qtbot, make_window, staff, zh):  # type: ignore[no-untyped-def]
    window = make_window(staff.manager)
    for _ in range(2):
        _open(qtbot, window, Qt.Key.Key_F11, "complaintsDialog")
        _lock_and_sign_in_again(qtbot, window)
        assert window.complaintsDialog is None  # and deleted: gone with its lambda


def test_ctrl_l_with_a_complaint_being_logged(qtbot, make_window, staff, zh):  # type: ignore[no-untyped-def]
    window = make_window(staff.manager)
    for _ in range(2):
        _open(qtbot, window, Qt.Key.Key_F4, "complaintDialog")
        _lock_and_sign_in_again(qtbot, window)
        assert window.complaintDialog is None


def test_ctrl_l_with_the_list_open_then_the_counter_closes(qtbot, make_window, staff, zh):  # type: ignore[no-untyped-def]
    """The deletion after the lock comes with the window's closing (as at the end of a day)."""
    window = make_window(staff.manager)
    _open(qtbot, window, Qt.Key.Key_F11, "complaintsDialog")
    qtbot.keyClick(focused(), Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.locked)
    assert window.complaintsDialog is None
