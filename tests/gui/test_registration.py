"""Registration (F2) by key events only: a complete registration with its keystroke count,
each bad input's message on its field, the duplicate phone offered, the cashier's F2."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit
from uidata import MEMBER_PHONE, scanner_sends

from counter import services
from counter.codes import make_card_no
from ui.member.registration import RegistrationDialog

NEW_CARD = make_card_no("886000000000555")


class Keys:
    """A person at the keyboard: every key goes to the focused widget and is counted."""

    def __init__(self, qtbot, clock) -> None:  # type: ignore[no-untyped-def]
        self.qtbot, self.clock, self.count = qtbot, clock, 0

    def press(self, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
        self.clock.advance(180)  # a person's pace: never taken for a scanner's burst
        widget = QApplication.focusWidget()
        assert widget is not None
        self.qtbot.keyClick(widget, key, modifier)
        self.count += 1

    def type(self, text: str) -> None:
        for char in text:
            self.press(char)

    def ime(self, pinyin: str, text: str) -> None:
        """Chinese through the input method: the pinyin and a space, committed as ``text``."""
        widget = QApplication.focusWidget()
        event = QInputMethodEvent("", [])
        event.setCommitString(text)
        QApplication.sendEvent(widget, event)
        self.count += len(pinyin) + 1


def open_form(qtbot, window) -> RegistrationDialog:  # type: ignore[no-untyped-def]
    qtbot.keyClick(window, Qt.Key.Key_F2)
    dialog = window.registrationDialog
    assert dialog is not None and dialog.isVisible()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.waitUntil(dialog.nameEdit.hasFocus)
    return dialog


def error(dialog, key: str) -> str:  # type: ignore[no-untyped-def]
    label = dialog.findChild(QLabel, f"{key}FieldError")
    assert label is not None, key
    return label.text() if label.isVisibleTo(dialog) else ""


def test_a_complete_registration_by_keyboard_only(
    qtbot, ctx, staff, make_window, scan_clock, zh, capsys
):
    window = make_window(staff.service)
    keys = Keys(qtbot, scan_clock)
    keys.count += 1  # F2
    dialog = open_form(qtbot, window)
    assert dialog.nameEdit.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)
    assert not dialog.phoneEdit.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)
    assert not dialog.cardEdit.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)
    assert not dialog.birthdayEdit.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)

    keys.ime("qianxiaohong", "钱小红")
    keys.press(Qt.Key.Key_Tab)
    assert dialog.genderCombo.hasFocus()
    keys.press(Qt.Key.Key_Down)  # 女
    keys.press(Qt.Key.Key_Tab)
    assert dialog.phoneEdit.hasFocus()
    keys.type("13912345678")
    qtbot.waitUntil(lambda: not window.scanner.holding)  # the last key waits for silence
    assert dialog.phoneEdit.text() == "13912345678"
    assert not dialog.healthBox.isEnabled()
    keys.press(Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    keys.press(Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    # A mnemonic clicks the box (animated, as a mouse click would look); the health section
    # opens with the health consent.
    qtbot.waitUntil(dialog.healthBox.isEnabled)
    keys.press(Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(dialog.marketingCheck.isChecked)
    assert dialog.basicCheck.isChecked()
    scanner_sends(qtbot, QApplication.focusWidget(), scan_clock, NEW_CARD)  # the card
    assert dialog.cardEdit.text().replace(" ", "") == NEW_CARD
    keys.press(Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: not dialog.isVisible())
    view = window.memberPanel.view
    assert view is not None and view.card_nos == (NEW_CARD,)
    consents = services.consents_of(ctx, staff.service, view.id)
    assert consents == {"basic": True, "health": True, "marketing": True}
    with capsys.disabled():
        print(
            f"\nregistration keystrokes: {keys.count} (F2, pinyin+space for the name, "
            "Tab, ↓, Tab, 11 digits, Alt+1/2/3, Enter; the card was scanned)"
        )
    assert keys.count <= 40


@pytest.mark.parametrize(
    ("field", "typed", "key", "message"),
    [
        ("phoneEdit", "138abc45678", "phone", "11 位"),
        ("birthdayEdit", "2099-01-01", "birthday", "晚于今天"),
        ("birthdayEdit", "1899-12-31", "birthday", "1900"),
        ("emailEdit", "qian.example.com", "email", "邮箱"),
        ("nameEdit", "", "name", "请填写姓名"),
        ("nameEdit", "钱" * 60, "name", "过长"),
        ("nameEdit", "钱小红😀", "name", "表情"),
    ],
)
def test_each_bad_input_is_refused_on_its_field(
    qtbot, ctx, staff, make_window, scan_clock, zh, field, typed, key, message
):
    window = make_window(staff.service)
    dialog = open_form(qtbot, window)
    good = {"nameEdit": "钱小红", "phoneEdit": "13912345678"}
    for name, text in {**good, field: typed}.items():
        edit = dialog.findChild(QLineEdit, name)
        edit.setFocus()
        edit.setText(text)  # the text as typed (the IME and key-by-key typing are shown above)
    qtbot.keyClick(dialog.basicCheck, Qt.Key.Key_Space)
    before = services.count_members(ctx)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert message in error(dialog, key)
    assert dialog.isVisible() and services.count_members(ctx) == before
    assert "未保存" in dialog.message.text() or "没有保存" in dialog.message.text()


def test_without_the_basic_consent_nothing_is_saved(qtbot, ctx, staff, make_window, zh):
    window = make_window(staff.service)
    dialog = open_form(qtbot, window)
    dialog.nameEdit.setText("钱小红")
    dialog.phoneEdit.setText("13912345678")
    qtbot.keyClick(dialog.phoneEdit, Qt.Key.Key_Return)
    assert "会员服务条款" in error(dialog, "basic")
    assert services.count_members(ctx) == 0


def test_a_known_phone_offers_the_member_and_enter_opens_them(
    qtbot, ctx, staff, member, make_window, scan_clock, zh
):
    window = make_window(staff.service)
    keys = Keys(qtbot, scan_clock)
    dialog = open_form(qtbot, window)
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Tab)
    keys.type(MEMBER_PHONE)
    qtbot.waitUntil(lambda: not window.scanner.holding)  # the last key waits for silence
    assert "已是会员" in error(dialog, "phone")
    keys.press(Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert window.memberPanel.view is not None and window.memberPanel.view.id == member.id
    assert services.count_members(ctx) == 1


def test_a_card_of_another_member_is_refused_when_scanned(
    qtbot, staff, member, make_window, scan_clock, zh
):
    window = make_window(staff.service)
    dialog = open_form(qtbot, window)
    scanner_sends(qtbot, dialog.nameEdit, scan_clock, member.card_nos[0])
    assert "已绑定其他会员" in error(dialog, "card_no")
    assert dialog.cardEdit.text() == ""
    assert window.memberPanel.view is None  # the scan did not go to the lookup


def test_a_cashiers_f2_finds_instead(qtbot, staff, make_window, zh):
    window = make_window(staff.cashier)
    qtbot.keyClick(window, Qt.Key.Key_F2)
    assert window.registrationDialog is None
    assert window.lookupBar.input.hasFocus()


def test_the_panel_says_in_words_when_a_registration_was_moved(qtbot, ctx, staff, member, zh):
    from dataclasses import replace

    from ui.member.member_panel import MemberPanel

    panel = MemberPanel(store_code="S001")
    qtbot.addWidget(panel)
    panel.show_member(replace(member, member_no="1000000042", merged_here=True))
    assert panel.repointNote.isVisibleTo(panel)
    assert "1000000042" in panel.repointNote.text() and "转到" in panel.repointNote.text()
    panel.show_member(member)
    assert not panel.repointNote.isVisibleTo(panel)


def test_esc_closes_the_form_and_f2_opens_a_fresh_one(qtbot, staff, make_window, zh):
    window = make_window(staff.service)
    first = open_form(qtbot, window)
    qtbot.keyClicks(first.nameEdit, "x")
    qtbot.keyClick(first.nameEdit, Qt.Key.Key_Escape)
    assert not first.isVisible()
    qtbot.waitUntil(window.isActiveWindow)  # the keyboard is back at the counter
    second = open_form(qtbot, window)
    assert second is not first and second.nameEdit.text() == ""


def test_a_phone_only_hq_knows_is_offered_too(qtbot, hq, zh):
    """Not in this cache but registered at another store: HQ is asked (in the worker)."""
    from counter.sync.engine import sync_once
    from ui.shell.tasks import TaskRunner

    other, here = hq.counter("S002"), hq.counter("S001")
    assert sync_once(here.ctx).ok  # this counter's cache, before the other store registers
    services.register_member(other.ctx, other.actor, services.MemberForm("周杰", "13712345678"))
    assert sync_once(other.ctx).ok
    runner = TaskRunner()
    dialog = RegistrationDialog(here.ctx, here.actor, runner, language="zh_CN")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.phoneEdit.setFocus()
    qtbot.keyClicks(dialog.phoneEdit, "13712345678")
    qtbot.waitUntil(lambda: dialog.existing is not None, timeout=10_000)
    assert "已是会员" in error(dialog, "phone")
    with qtbot.waitSignal(dialog.openExisting) as opened:
        qtbot.keyClick(dialog.phoneEdit, Qt.Key.Key_Return)
    assert opened.args[0].phone == "137****5678"
    runner.shutdown()


def test_the_consent_slip_prints_the_three_texts(qtbot, ctx, staff, make_window, zh, tmp_path):
    """No customer display: the member reads the texts, with their versions, on paper."""
    from ui.printing import consent_slip

    window = make_window(staff.service)
    dialog = open_form(qtbot, window)
    image = dialog.slip_image()
    assert image.width() == consent_slip.WIDTH and image.height() > image.width()
    pdf = tmp_path / "slip.pdf"
    consent_slip.save_pdf(image, pdf)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 2000
    # dark pixels: the text is there (the same image goes to the printer)
    dark = sum(
        1
        for y in range(0, image.height(), 4)
        for x in range(0, image.width(), 4)
        if image.pixelColor(x, y).value() < 128
    )
    assert dark > 200
