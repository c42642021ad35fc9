"""A keyboard-wedge scanner at the counter, told apart from a person typing.

Keys go through the real application event filter; its clock is ``scan_clock``, so the gap
between two keys is exactly what each test says (4 ms for a scanner, 180 ms for a person).
"""

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QVBoxLayout
from uidata import (
    NOW,
    PINS,
    QR_KEY,
    hq_card,
    person_types,
    scanner_sends,
)

from counter import codes


def label(window, name: str) -> QLabel:
    found = window.findChild(QLabel, name)
    assert found is not None, name
    return found


def lookup_field(window) -> QLineEdit:
    return window.findChild(QLineEdit, "lookupInput")


def shown_member(window) -> str | None:
    view = window.memberPanel.view
    return view.member_no if view is not None else None


@pytest.fixture
def note_dialog(qtbot, make_window, staff):
    """The counter with a dialog open over it, its text field focused (say, a note)."""
    window = make_window(staff.cashier)
    dialog = QDialog(window)
    dialog.setObjectName("noteDialog")
    field = QLineEdit()
    field.setObjectName("noteInput")
    QVBoxLayout(dialog).addWidget(field)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    typed: list[str] = []
    field.textChanged.connect(typed.append)
    return window, field, typed


def test_scan_into_another_field_goes_to_the_lookup(qtbot, members, note_dialog, scan_clock, zh):
    window, field, typed = note_dialog
    scanner_sends(qtbot, field, scan_clock, hq_card(1))
    assert shown_member(window) == "1000000001"
    assert label(window, "memberName").text() == "曾*明"
    assert label(window, "lookupMessage").property("tone") == "found"
    assert field.text() == ""
    assert typed == []  # not even for a moment
    assert field.hasFocus()  # the dialog keeps the focus


def test_scan_into_the_lookup_field(qtbot, make_window, staff, members, scan_clock, zh):
    window = make_window(staff.cashier)
    field = lookup_field(window)
    typed: list[str] = []
    field.textChanged.connect(typed.append)
    scanner_sends(qtbot, field, scan_clock, hq_card(4))
    assert shown_member(window) == "1000000004"
    assert field.text() == "" and typed == []
    assert field.hasFocus()


def test_typed_slowly_it_is_a_typed_lookup(qtbot, make_window, staff, members, scan_clock, zh):
    window = make_window(staff.cashier)
    field = lookup_field(window)
    scans: list[str] = []
    window.scanner.scanned.connect(scans.append)
    card = hq_card(2)
    person_types(qtbot, field, scan_clock, card)
    # each key waited until the next showed it was typing; the last one waits for silence
    assert field.text() == card[:-1] and window.scanner.holding
    qtbot.waitUntil(lambda: field.text() == card)
    assert shown_member(window) is None
    scan_clock.advance(150)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert scans == []
    assert shown_member(window) == "1000000002"
    assert field.text() == ""


def test_digits_typed_in_another_field_stay_there(qtbot, members, note_dialog, scan_clock, zh):
    window, field, _typed = note_dialog
    scans: list[str] = []
    window.scanner.scanned.connect(scans.append)
    person_types(qtbot, field, scan_clock, "13912349999")
    scan_clock.advance(200)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert field.text() == "13912349999"
    assert scans == [] and shown_member(window) is None


def test_a_short_quick_entry_is_typing_in_order(qtbot, members, note_dialog, scan_clock, zh):
    """Fewer keys than a scan, however quick: they land, in order, edits included."""
    window, field, _typed = note_dialog
    qtbot.keyClicks(field, "4321")
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    assert field.text() == "432"
    qtbot.keyClicks(field, "99")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert field.text() == "43299"
    assert shown_member(window) is None


def test_scanner_with_prefix_and_suffix(qtbot, make_window, staff, members, settings, scan_clock):
    """A scanner set up to send "~" before and Tab after each code, and slower than 30 ms."""
    configured = replace(settings, scanner_prefix="~", scanner_suffix="\t")
    window = make_window(staff.cashier, window_settings=configured)
    field = lookup_field(window)
    scanner_sends(qtbot, field, scan_clock, "~" + hq_card(3), gap_ms=80, end="\t")
    assert shown_member(window) == "1000000003"
    assert field.hasFocus()  # the Tab was the scanner's, not a move to the next field
    # with the prefix, even a short code is a scan: here a phone tail (two members match)
    scanner_sends(qtbot, field, scan_clock, "~5678", gap_ms=80, end="\t")
    assert shown_member(window) == "1000000004"


def test_scanner_without_suffix_ends_on_silence(
    qtbot, make_window, staff, members, settings, scan_clock
):
    window = make_window(staff.cashier, window_settings=replace(settings, scanner_suffix=""))
    scanner_sends(qtbot, lookup_field(window), scan_clock, hq_card(2), end="")
    qtbot.waitUntil(lambda: shown_member(window) == "1000000002")
    assert lookup_field(window).text() == ""


def test_misread_card_is_refused_in_red(qtbot, make_window, staff, members, scan_clock, zh):
    window = make_window(staff.cashier)
    field = lookup_field(window)
    scanner_sends(qtbot, field, scan_clock, hq_card(1))
    good = hq_card(2)
    misread = good[:-1] + str((int(good[-1]) + 1) % 10)
    scanner_sends(qtbot, field, scan_clock, misread)
    message = label(window, "lookupMessage")
    assert message.property("tone") == "refusal"
    assert message.text() == "卡号校验失败，可能扫描有误，请重新扫描。"
    assert shown_member(window) is None  # the previous member is gone too
    assert field.text() == "" and field.hasFocus()


@pytest.mark.parametrize(
    ("make_token", "says"),
    [
        (lambda: codes.mint_member_token(codes.new_signing_key(), 7, "1000000001", NOW), "伪造"),
        (
            lambda: codes.mint_member_token(QR_KEY, 7, "1000000001", NOW.replace(hour=1)),
            "会员码已过期",
        ),
        (lambda: codes.mint_member_token(QR_KEY, 9, "1000000001", NOW), "验证密钥"),
    ],
    ids=["forged", "expired", "unknown_key"],
)
def test_bad_member_codes_are_refused_with_the_reason(
    qtbot, make_window, staff, members, scan_clock, zh, make_token, says
):
    window = make_window(staff.cashier)
    scanner_sends(qtbot, lookup_field(window), scan_clock, make_token())
    message = label(window, "lookupMessage")
    assert message.property("tone") == "refusal"
    assert says in message.text()
    assert shown_member(window) is None
    assert lookup_field(window).text() == ""


def test_member_code_scan_finds_the_member(qtbot, members, note_dialog, scan_clock, zh):
    window, field, typed = note_dialog
    token = codes.mint_member_token(QR_KEY, 7, "1000000004", NOW)
    scanner_sends(qtbot, field, scan_clock, token, gap_ms=2)
    assert shown_member(window) == "1000000004"
    assert typed == []


def test_scan_on_the_locked_counter_is_no_pin(qtbot, make_window, staff, members, scan_clock, zh):
    window = make_window(staff.cashier)
    window.lockAction.trigger()
    operators = window.lockScreen.form.operatorList
    qtbot.waitUntil(operators.hasFocus)  # who is it? first
    chosen = operators.currentRow()
    scanner_sends(qtbot, operators, scan_clock, hq_card(1))  # its digits pick nobody
    assert operators.currentRow() == chosen and operators.hasFocus()
    assert window.locked and shown_member(window) is None
    assert window.statusBar().currentMessage() == "请先登录，再重新扫码。"
    qtbot.keyClick(operators, Qt.Key.Key_Return)
    pin = window.lockScreen.findChild(QLineEdit, "pinInput")
    assert pin.hasFocus()
    scanner_sends(qtbot, pin, scan_clock, hq_card(1))
    assert pin.text() == ""
    assert window.statusBar().currentMessage() == "请先登录，再重新扫码。"
    qtbot.keyClicks(pin, PINS["cashier"])  # typing a PIN still works (a short burst)
    qtbot.keyClick(pin, Qt.Key.Key_Return)
    assert not window.locked
