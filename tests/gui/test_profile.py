"""F8 driven by key events only: edit the profile (audited before → after, masked), record
the health record with consent (never in clear on disk; every view audited), withdraw a
consent, replace a lost card and save the member card."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QWidget
from uidata import CARD_NO, MEMBER_PHONE, ScanClock, scanner_sends, type_with_ime

from counter import services
from counter.codes import make_card_no
from ui.member.profile_dialog import CARD_PAGE, CONSENT_PAGE, HEALTH_PAGE

ALLERGY = "蜂毒QZXALLERGEN"
CHRONIC = "QZYCHRONIC罕见病"
MEDICINE = "QZWMEDICINE专药"
NEW_CARD = make_card_no("620000000000077")
Ctrl = Qt.KeyboardModifier.ControlModifier
Shift = Qt.KeyboardModifier.ShiftModifier


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


class Person:
    """Keys at a person's pace: the scanner filter's clock moves 150 ms per key, and the
    silence after the last key lets it hand held keys to their field."""

    clock: ScanClock | None = None
    scanner = None

    @classmethod
    def settle(cls) -> None:
        if cls.scanner is not None:
            cls.clock.advance(150)
            cls.scanner.flush()


@pytest.fixture(autouse=True)
def _person(scan_clock):
    Person.clock = scan_clock
    yield
    Person.clock = Person.scanner = None


def press(qtbot, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier, times: int = 1) -> None:
    for _ in range(times):
        if Person.clock is not None:
            Person.clock.advance(150)
        qtbot.keyClick(focused(), key, modifier)
        Person.settle()


def type_(qtbot, text: str) -> None:
    """Keys for ASCII; Chinese arrives as an input-method commit, as from a real IME."""
    if not text.isascii():
        type_with_ime(focused(), text)
        return
    for char in text:
        Person.clock.advance(150)
        qtbot.keyClicks(focused(), char)
    Person.settle()


def expect_focus(name: str) -> None:
    assert focused().objectName() == name, (focused().objectName(), name)


def scan(qtbot, window, text: str) -> None:
    field = window.findChild(QLineEdit, "lookupInput")
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def open_f8(qtbot, window):
    Person.scanner = window.scanner
    press(qtbot, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: window.profileDialog is not None)
    dialog = window.profileDialog
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.fields["name"].setFocus()  # where the dialog puts it; the window manager may not
    qtbot.waitUntil(lambda: dialog.fields["name"].hasFocus())
    return dialog


def audit(window) -> list[tuple[str, dict]]:
    con = sqlite3.connect(window.settings.db_path)
    try:
        rows = con.execute("SELECT action, details FROM audit_log ORDER BY id").fetchall()
    finally:
        con.close()
    return [(a, json.loads(d or "{}")) for a, d in rows]


def status(dialog) -> str:
    return dialog.findChild(QLabel, "profileStatus").text()


def go_to_page(qtbot, dialog, page: int) -> None:
    while dialog.tabs.currentIndex() != page:
        press(qtbot, Qt.Key.Key_Tab, Ctrl)


def test_profile_edit_is_saved_and_audited_masked(qtbot, make_window, staff, member, zh):
    window = make_window(staff.service)
    scan(qtbot, window, CARD_NO)
    dialog = open_f8(qtbot, window)
    assert dialog.fields["phone"].text() == MEMBER_PHONE  # in clear for editing: audited
    assert [a for a, _ in audit(window)].count("profile.view") == 1
    press(qtbot, Qt.Key.Key_A, Ctrl)
    type_(qtbot, "张晓红")
    press(qtbot, Qt.Key.Key_Tab, times=2)  # gender, then mobile
    expect_focus("phoneEdit")
    press(qtbot, Qt.Key.Key_A, Ctrl)
    type_(qtbot, "13987654321")
    press(qtbot, Qt.Key.Key_Tab, times=6)  # birthday … marital status, the last field
    expect_focus("marital_statusCombo")
    press(qtbot, Qt.Key.Key_Return)
    assert "保存" in status(dialog)
    _, details = [e for e in audit(window) if e[0] == "member.update"][-1]
    assert details["changes"] == {
        "name": ["张*明", "张*红"],
        "phone": ["138****5678", "139****4321"],
    }
    assert window.findChild(QLabel, "memberName").text() == "张*红"  # the panel follows
    # A bad birthday is refused on its field, nothing saved.
    dialog.fields["birthday"].setFocus()
    type_(qtbot, "1850-01-01")
    press(qtbot, Qt.Key.Key_Tab, times=5)
    expect_focus("marital_statusCombo")
    press(qtbot, Qt.Key.Key_Return)
    expect_focus("birthdayEdit")
    assert dialog.status.property("error") is True
    assert [a for a, _ in audit(window)].count("member.update") == 1


def record_health_by_keys(qtbot, dialog) -> None:
    go_to_page(qtbot, dialog, CONSENT_PAGE)
    expect_focus("healthConsentButton")
    press(qtbot, Qt.Key.Key_Space)  # record the health consent
    assert "已记录" in status(dialog) or "同意" in status(dialog)
    go_to_page(qtbot, dialog, HEALTH_PAGE)
    expect_focus("chronicList")
    press(qtbot, Qt.Key.Key_Space)  # tick the first listed condition
    press(qtbot, Qt.Key.Key_Tab)
    expect_focus("chronicOther")
    type_(qtbot, CHRONIC)
    press(qtbot, Qt.Key.Key_Tab)
    expect_focus("allergyList")
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_Tab)
    type_(qtbot, ALLERGY)
    press(qtbot, Qt.Key.Key_Tab)
    expect_focus("medicineName")
    type_(qtbot, MEDICINE)
    press(qtbot, Qt.Key.Key_Tab)
    type_(qtbot, "每日两次")
    press(qtbot, Qt.Key.Key_Tab)
    type_(qtbot, "30")
    press(qtbot, Qt.Key.Key_Tab)
    type_(qtbot, "2026-11-20")
    press(qtbot, Qt.Key.Key_Return)  # adds the medicine, back to its name
    expect_focus("medicineName")
    press(qtbot, Qt.Key.Key_Tab, times=6)  # dose, days, last, add, list, save
    expect_focus("saveHealthButton")
    press(qtbot, Qt.Key.Key_Space)
    assert "健康" in status(dialog)


def raw_bytes(settings) -> bytes:
    files = [settings.db_path, Path(str(settings.db_path) + "-wal")]
    return b"".join(p.read_bytes() for p in files if p.exists())


def test_health_record_by_keys_never_in_clear_and_every_view_audited(
    qtbot, make_window, staff, member, settings, zh
):
    window = make_window(staff.service)
    scan(qtbot, window, CARD_NO)
    dialog = open_f8(qtbot, window)
    record_health_by_keys(qtbot, dialog)

    record = services.read_health(window.ctx, staff.service, member.id)
    assert CHRONIC in record.chronic and ALLERGY in record.allergies
    assert record.allergies[0] == "青霉素" and record.chronic[0] == "高血压"
    med = record.medicines[0]
    assert (med.name, med.dose, med.days_supply, med.last_dispensed.isoformat()) == (
        MEDICINE,
        "每日两次",
        30,
        "2026-11-20",
    )
    data = raw_bytes(settings)
    for word in (ALLERGY, CHRONIC, MEDICINE):
        assert word.encode() not in data
        assert json.dumps(word).strip('"').encode() not in data

    # The panel shows the allergy banner at once; each showing is an audited view.
    assert window.findChild(QLabel, "allergyBanner").isVisible()
    window.afterPaint.flush()
    views = [d.get("what") for a, d in audit(window) if a == "health.view"]
    # The record read when the consent was recorded, the read above, and the banner.
    assert sorted(views) == ["allergy_banner", "record", "record"]
    dialog.close()

    # A cashier sees only the banner (the patient-safety exception), audited as such.
    cashier = make_window(staff.cashier)
    scan(qtbot, cashier, CARD_NO)
    assert ALLERGY in cashier.findChild(QLabel, "allergyBanner").text()
    cashier.afterPaint.flush()
    last = [(a, d) for a, d in audit(cashier) if a == "health.view"][-1]
    assert last[1]["what"] == "allergy_banner"
    assert raw_bytes(settings).count(ALLERGY.encode()) == 0


def test_withdrawing_health_consent_erases_the_record_by_keys(
    qtbot, make_window, staff, member, settings, zh
):
    window = make_window(staff.service)
    scan(qtbot, window, CARD_NO)
    dialog = open_f8(qtbot, window)
    record_health_by_keys(qtbot, dialog)
    go_to_page(qtbot, dialog, CONSENT_PAGE)
    expect_focus("healthConsentButton")
    press(qtbot, Qt.Key.Key_Space)  # withdraw …
    expect_focus("withdrawConfirmButton")
    press(qtbot, Qt.Key.Key_Return)  # … confirmed
    assert dialog.consentLabels["health"].text() == "已撤回"
    record = services.read_health(window.ctx, staff.service, member.id)
    assert record.empty and not record.consent
    assert not window.findChild(QLabel, "allergyBanner").isVisible()
    assert ALLERGY.encode() not in raw_bytes(settings)
    assert "consent.withdraw" in [a for a, _ in audit(window)]
    # Marketing: granted, then withdrawn the same way; health stays withdrawn.
    dialog.consentButtons["marketing"].setFocus()
    press(qtbot, Qt.Key.Key_Space)
    assert dialog.consentLabels["marketing"].text() == "已同意"
    dialog.consentButtons["marketing"].setFocus()
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_Return)
    assert services.consents_of(window.ctx, staff.service, member.id)["marketing"] is False
    withdrawn = [d["purpose"] for a, d in audit(window) if a == "consent.withdraw"]
    assert withdrawn == ["health", "marketing"]


def test_lost_card_is_replaced_and_the_card_saved_by_keys(
    qtbot, make_window, staff, member, settings, zh
):
    window = make_window(staff.service)
    scan(qtbot, window, CARD_NO)
    dialog = open_f8(qtbot, window)
    go_to_page(qtbot, dialog, CARD_PAGE)
    expect_focus("newCardEdit")
    assert dialog.replacesBox.isChecked()
    scanner_sends(qtbot, focused(), Person.clock, NEW_CARD)  # the new card, scanned
    assert services.find_by_card(window.ctx, staff.service, NEW_CARD) is not None
    assert services.find_by_card(window.ctx, staff.service, CARD_NO) is None
    replaced = [d for a, d in audit(window) if a == "card.bind"]
    assert replaced[-1]["replaces"] == CARD_NO
    dialog.saveCardButton.setFocus()
    press(qtbot, Qt.Key.Key_Space)
    saved = settings.data_path / "cards" / f"card-{NEW_CARD}.png"
    assert saved.exists() and saved.read_bytes()[:4] == b"\x89PNG"


def test_the_cashier_gets_no_profile(qtbot, make_window, staff, member, zh):
    window = make_window(staff.cashier)
    scan(qtbot, window, CARD_NO)
    Person.scanner = window.scanner
    press(qtbot, Qt.Key.Key_F8)
    assert window.profileDialog is None
    assert "过敏" in window.statusBar().currentMessage()
    assert "profile.view" not in [a for a, _ in audit(window)]


def test_f8_closed_with_esc_twice_and_the_counter_goes_on(qtbot, make_window, staff, member, zh):
    """Closing the profile window deletes it; nothing may touch it after that."""
    window = make_window(staff.service)
    scan(qtbot, window, CARD_NO)
    for _ in range(2):
        dialog = open_f8(qtbot, window)
        press(qtbot, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: window.profileDialog is None)
        assert not dialog.isVisible()
        QApplication.processEvents()
    scan(qtbot, window, CARD_NO)
    assert window.memberPanel.view is not None


def test_f8_open_when_the_counter_locks_and_when_the_window_closes(
    qtbot, make_window, staff, member, zh
):
    """Ctrl+L closes the profile (it shows a member in clear); so does closing the counter."""
    window = make_window(staff.service)
    scan(qtbot, window, CARD_NO)
    dialog = open_f8(qtbot, window)
    press(qtbot, Qt.Key.Key_L, Ctrl)
    qtbot.waitUntil(lambda: window.locked)
    assert window.profileDialog is None
    assert not dialog.isVisible()
    QApplication.processEvents()
    window.close()
    QApplication.processEvents()


def test_the_profile_shows_the_choices_in_words_and_saves_the_codes(
    qtbot, make_window, ctx, staff, member, zh
):  # type: ignore[no-untyped-def]
    """学历, 收入段, 婚姻状况 read as the registration form's labels, not "high_school"."""
    from PySide6.QtWidgets import QComboBox

    changes = {"education": "high_school", "income": "6k_10k", "marital_status": "married"}
    services.update_member(ctx, staff.service, member.id, changes)
    window = make_window(staff.service)
    scan(qtbot, window, CARD_NO)
    dialog = open_f8(qtbot, window)
    shown = {key: dialog.findChild(QComboBox, f"{key}Combo").currentText() for key in changes}
    assert shown == {"education": "高中/中专", "income": "6000–10000 元", "marital_status": "已婚"}
    texts = [e.text() for e in dialog.findChildren(QLineEdit)]
    assert not any(code in texts for code in changes.values())
    dialog.fields["address"].setFocus()
    press(qtbot, Qt.Key.Key_Tab)  # education
    expect_focus("educationCombo")
    press(qtbot, Qt.Key.Key_Down)  # the next choice: associate degree
    press(qtbot, Qt.Key.Key_Tab, times=2)
    expect_focus("marital_statusCombo")
    press(qtbot, Qt.Key.Key_Return)
    assert "保存" in status(dialog)
    saved = services.open_profile(ctx, staff.service, member.id).form
    assert (saved.education, saved.income, saved.marital_status) == (
        "associate", "6k_10k", "married",
    )  # fmt: skip
