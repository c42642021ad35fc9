"""The main window's extra windows closed with ``close()`` (as locking or the window's own
close does) and then deleted: the process goes on and the keyboard is back at the lookup.

A lambda holding the window connected to a dialog's ``finished`` aborted the process when
the dialog was deleted after ``close()`` (PySide 6.11; found on F3/F6, then F4). Each test
opens its window by its key, closes it, lets the deferred delete run and scans again.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication
from test_complaints import Keys, open_dialog, scan
from uidata import CARD_NO

Ctrl = Qt.KeyboardModifier.ControlModifier
Shift = Qt.KeyboardModifier.ShiftModifier


def close_and_delete(qtbot, window, attr: str) -> None:  # type: ignore[no-untyped-def]
    getattr(window, attr).close()  # no reference kept here: the lambda's was the last
    qtbot.waitUntil(lambda: getattr(window, attr) is None)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()


def still_working(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.lookupBar.input.hasFocus())
    scan(qtbot, window, CARD_NO)
    qtbot.waitUntil(lambda: window.memberPanel.view is not None)


def test_f4_closed_then_deleted(qtbot, make_window, staff, member, scan_clock, zh):
    window = make_window(staff.cashier)
    scan(qtbot, window, CARD_NO)
    keys = Keys(qtbot, scan_clock, window)
    for _ in range(2):
        open_dialog(qtbot, keys, Qt.Key.Key_F4, "complaintDialog")
        close_and_delete(qtbot, window, "complaintDialog")
    still_working(qtbot, window)


def test_f8_closed_then_deleted(qtbot, make_window, staff, member, scan_clock, zh):
    window = make_window(staff.service)
    scan(qtbot, window, CARD_NO)
    keys = Keys(qtbot, scan_clock, window)
    for _ in range(2):
        open_dialog(qtbot, keys, Qt.Key.Key_F8, "profileDialog")
        close_and_delete(qtbot, window, "profileDialog")
    still_working(qtbot, window)


def test_f11_closed_then_deleted(qtbot, make_window, staff, member, scan_clock, zh):
    window = make_window(staff.service)
    keys = Keys(qtbot, scan_clock, window)
    for _ in range(2):
        open_dialog(qtbot, keys, Qt.Key.Key_F11, "complaintsDialog")
        close_and_delete(qtbot, window, "complaintsDialog")
    window.activateWindow()
    still_working(qtbot, window)


def test_outreach_closed_then_deleted(qtbot, make_window, staff, member, scan_clock, zh):
    window = make_window(staff.service)
    keys = Keys(qtbot, scan_clock, window)
    for _ in range(2):
        keys.press(Qt.Key.Key_F9, Ctrl)
        qtbot.waitUntil(lambda: window.outreachDialog is not None)
        close_and_delete(qtbot, window, "outreachDialog")
    still_working(qtbot, window)


def test_own_pin_closed_then_deleted(qtbot, make_window, staff, member, scan_clock, zh):
    window = make_window(staff.cashier)
    keys = Keys(qtbot, scan_clock, window)
    for _ in range(2):
        keys.press(Qt.Key.Key_P, Ctrl | Shift)
        qtbot.waitUntil(lambda: window.ownPinDialog is not None)
        close_and_delete(qtbot, window, "ownPinDialog")
    still_working(qtbot, window)


def locked_from_inside(qtbot, window, keys, attr: str) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+L pressed in the open window: it goes, the counter locks, nothing is left."""
    keys.press(Qt.Key.Key_L, Ctrl)
    qtbot.waitUntil(lambda: window.locked)
    qtbot.waitUntil(lambda: getattr(window, attr) is None)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()
    gc.collect()


def test_f4_half_typed_then_locked(qtbot, make_window, staff, member, scan_clock, zh):
    window = make_window(staff.cashier)
    scan(qtbot, window, CARD_NO)
    keys = Keys(qtbot, scan_clock, window)
    open_dialog(qtbot, keys, Qt.Key.Key_F4, "complaintDialog")
    keys.press(Qt.Key.Key_Tab)
    keys.type("abc", counted=False)
    locked_from_inside(qtbot, window, keys, "complaintDialog")


def test_f8_open_then_locked(qtbot, make_window, staff, member, scan_clock, zh):
    window = make_window(staff.service)
    scan(qtbot, window, CARD_NO)
    keys = Keys(qtbot, scan_clock, window)
    open_dialog(qtbot, keys, Qt.Key.Key_F8, "profileDialog")
    locked_from_inside(qtbot, window, keys, "profileDialog")


def test_f11_open_then_locked(qtbot, make_window, staff, member, scan_clock, zh):
    window = make_window(staff.service)
    keys = Keys(qtbot, scan_clock, window)
    open_dialog(qtbot, keys, Qt.Key.Key_F11, "complaintsDialog")
    locked_from_inside(qtbot, window, keys, "complaintsDialog")


def test_outreach_open_then_locked(qtbot, make_window, staff, member, scan_clock, zh):
    window = make_window(staff.service)
    keys = Keys(qtbot, scan_clock, window)
    keys.press(Qt.Key.Key_F9, Ctrl)
    qtbot.waitUntil(lambda: window.outreachDialog is not None)
    window.outreachDialog.activateWindow()
    qtbot.waitUntil(window.outreachDialog.isActiveWindow)
    locked_from_inside(qtbot, window, keys, "outreachDialog")
