"""The scanner filter on its own, over plain widgets: what a person types is never lost,
reordered or stuck; what a scanner sends never lands."""

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QVBoxLayout, QWidget
from uidata import ScanClock, scanner_sends

from ui.shell.scanner import ScannerConfig, ScannerFilter


@pytest.fixture
def form(qtbot, scan_clock: ScanClock) -> Iterator[tuple[QWidget, ScannerFilter, list[str]]]:
    top = QWidget()
    layout = QVBoxLayout(top)
    for name in ("first", "second"):
        field = QLineEdit()
        field.setObjectName(name)
        layout.addWidget(field)
    button = QPushButton("OK")
    button.setObjectName("ok")
    layout.addWidget(button)
    qtbot.addWidget(top)
    top.show()
    qtbot.waitExposed(top)
    top.activateWindow()
    qtbot.waitUntil(top.isActiveWindow)
    scanner = ScannerFilter(ScannerConfig(), top, clock=scan_clock)
    scans: list[str] = []
    scanner.scanned.connect(scans.append)
    scanner.install()
    yield top, scanner, scans
    scanner.remove()


def test_a_burst_is_a_scan_and_nothing_lands(qtbot, form, scan_clock):
    top, _scanner, scans = form
    field = top.findChild(QLineEdit, "first")
    field.setFocus()
    scanner_sends(qtbot, field, scan_clock, "ABC-12345")
    assert scans == ["ABC-12345"]
    assert field.text() == ""


def test_enter_after_few_quick_keys_is_typing(qtbot, form):
    top, _scanner, scans = form
    field = top.findChild(QLineEdit, "first")
    field.setFocus()
    entered: list[str] = []
    field.returnPressed.connect(lambda: entered.append(field.text()))
    qtbot.keyClicks(field, "1234567")  # one short of a scan
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert entered == ["1234567"] and scans == []


def test_held_keys_land_before_a_tab_moves_on(qtbot, form):
    top, _scanner, _scans = form
    first, second = top.findChild(QLineEdit, "first"), top.findChild(QLineEdit, "second")
    first.setFocus()
    qtbot.keyClicks(first, "ab")
    qtbot.keyClick(first, Qt.Key.Key_Tab)
    assert first.text() == "ab"
    assert second.hasFocus()


def test_held_keys_land_before_a_click(qtbot, form):
    top, _scanner, _scans = form
    first, second = top.findChild(QLineEdit, "first"), top.findChild(QLineEdit, "second")
    first.setFocus()
    qtbot.keyClicks(first, "xy")
    qtbot.mouseClick(second, Qt.MouseButton.LeftButton)
    assert first.text() == "xy"


def test_space_on_a_button_still_clicks(qtbot, form):
    """Press and release are held together and let go in order: the button isn't stuck."""
    top, scanner, _scans = form
    button = top.findChild(QPushButton, "ok")
    button.setFocus()
    with qtbot.waitSignal(button.clicked, timeout=2000):
        qtbot.keyClick(button, Qt.Key.Key_Space)
    assert not button.isDown()
    assert not scanner.holding


def test_auto_repeat_is_a_person_holding_a_key(qtbot, form):
    top, _scanner, scans = form
    field = top.findChild(QLineEdit, "first")
    field.setFocus()
    for _ in range(12):
        event = QKeyEvent(
            QEvent.Type.KeyPress, Qt.Key.Key_9, Qt.KeyboardModifier.NoModifier, "9", True
        )
        QApplication.sendEvent(field, event)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert field.text() == "9" * 12 and scans == []


def test_feed_types_like_a_scanner(qtbot, form):
    top, scanner, scans = form
    field = top.findChild(QLineEdit, "second")
    field.setFocus()
    scanner.feed("CM1:ABC 123")
    assert scans == ["CM1:ABC 123"]
    assert field.text() == ""
