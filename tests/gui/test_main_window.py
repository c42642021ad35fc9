"""The counter window driven like a cashier would: scan, read, scan again, lock."""

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QMessageBox, QPushButton
from uidata import (
    BAD_CARD,
    CARD_NO,
    COUNTER_MEMBERS,
    HQ_CARD_NO,
    MEMBER_NAME,
    MEMBER_PHONE,
    PINS,
    UNKNOWN_CARD,
    hq_card,
    load_hq_member,
)

from counter import services
from counter.services import audit


def scan(qtbot, window, text: str) -> None:
    field = window.findChild(QLineEdit, "lookupInput")
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def label(window, name: str) -> QLabel:
    found = window.findChild(QLabel, name)
    assert found is not None, name
    return found


def test_window_names_store_and_operator(make_window, staff, zh):
    window = make_window(staff.cashier)
    assert window.windowTitle() == "门店会员柜台"
    assert label(window, "storeLabel").text() == "门店 S001"
    assert label(window, "operatorLabel").text() == "王收银 · 收银员"
    assert label(window, "onlineLabel").text() == "未配置总部"
    assert label(window, "pendingLabel").text() == "待同步 0"
    assert label(window, "lastSyncLabel").text() == "从未同步"
    assert window.memberPanel.currentWidget().objectName() == "memberEmpty"
    assert label(window, "emptyPrompt").text() == "请扫描会员卡或会员码"


def test_pending_count_includes_the_registration(make_window, staff, member, zh):
    window = make_window(staff.cashier)
    assert label(window, "pendingLabel").text() == "待同步 1"


def test_cashier_sees_masked_member(qtbot, make_window, staff, member, zh):
    window = make_window(staff.cashier)
    scan(qtbot, window, CARD_NO)
    assert window.memberPanel.currentWidget().objectName() == "memberDetails"
    assert label(window, "memberName").text() == "张*明"
    assert label(window, "memberPhone").text() == "138****" + MEMBER_PHONE[-4:]
    assert label(window, "memberTier").text() == "普通会员"
    assert label(window, "memberPoints").text() == "0"
    assert "总部余额" in label(window, "memberPointsDetail").text()
    assert CARD_NO[:4] in label(window, "memberCards").text()
    assert not label(window, "allergyBanner").isVisible()
    message = label(window, "lookupMessage")
    assert message.property("tone") == "found"
    assert MEMBER_NAME not in message.text()


def reveals(window) -> list[tuple[str, str | None]]:
    entries = audit.recent(window.ctx)
    return [(e.operator_id, e.member_id) for e in entries if e.action == "member.reveal"]


@pytest.mark.parametrize("role", ["service", "manager"])
def test_masked_for_every_role_and_revealed_on_demand_with_an_audit(
    qtbot, make_window, staff, member, zh, role
):
    """DESIGN §7 (issue 13): masked by default; Ctrl+R reveals this member, audited; the
    next member is masked again."""
    actor = getattr(staff, role)
    window = make_window(actor)
    scan(qtbot, window, CARD_NO)
    assert label(window, "memberName").text() == "张*明"
    assert label(window, "memberPhone").text() == "138****" + MEMBER_PHONE[-4:]
    button = window.findChild(QPushButton, "revealButton")
    assert button.isVisible() and button.text() == "显示姓名和手机号"
    assert reveals(window) == []
    qtbot.keyClick(window.lookupBar.input, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert label(window, "memberName").text() == MEMBER_NAME
    assert label(window, "memberPhone").text() == MEMBER_PHONE
    assert not button.isVisible()
    assert reveals(window) == [(actor.operator_id, member.id)]
    assert window.lookupBar.input.hasFocus()  # ready for the next scan
    scan(qtbot, window, CARD_NO)  # shown again: masked again
    assert label(window, "memberName").text() == "张*明"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert label(window, "memberPhone").text() == MEMBER_PHONE
    assert len(reveals(window)) == 2


def test_a_cashier_cannot_reveal(qtbot, make_window, staff, member, zh):
    window = make_window(staff.cashier)
    scan(qtbot, window, CARD_NO)
    assert not window.findChild(QPushButton, "revealButton").isVisible()
    qtbot.keyClick(window.lookupBar.input, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert label(window, "memberName").text() == "张*明"
    assert "客服" in window.statusBar().currentMessage()
    assert reveals(window) == []


def test_misread_card_is_refused(qtbot, make_window, staff, member, zh):
    window = make_window(staff.cashier)
    scan(qtbot, window, BAD_CARD)
    message = label(window, "lookupMessage")
    assert message.text() == "卡号校验失败，可能扫描有误，请重新扫描。"
    assert message.property("tone") == "refusal"
    assert window.memberPanel.currentWidget().objectName() == "memberEmpty"


def test_unknown_card_says_not_found(qtbot, make_window, staff, member, zh):
    window = make_window(staff.cashier)
    unknown = UNKNOWN_CARD
    scan(qtbot, window, unknown)
    message = label(window, "lookupMessage")
    assert message.property("tone") == "notfound"
    assert message.text() == "未找到此卡号的会员。"


def test_phone_number_finds_the_member(qtbot, make_window, staff, member, zh):
    window = make_window(staff.cashier)
    scan(qtbot, window, MEMBER_PHONE)
    assert label(window, "memberName").text() == "张*明"


def test_unreadable_input_says_so(qtbot, make_window, staff, member, zh):
    window = make_window(staff.cashier)
    scan(qtbot, window, "x1y2")
    message = label(window, "lookupMessage")
    assert message.property("tone") == "notfound"
    assert message.text() == "无法识别的输入，请重新扫描。"


def test_field_is_cleared_after_each_lookup(qtbot, make_window, staff, member, zh):
    window = make_window(staff.cashier)
    field = window.findChild(QLineEdit, "lookupInput")
    for text, tone in ((CARD_NO, "found"), (BAD_CARD, "refusal"), (CARD_NO, "found")):
        scan(qtbot, window, text)
        assert field.text() == ""
        assert field.hasFocus()
        assert label(window, "lookupMessage").property("tone") == tone
    # a failed lookup after a found one leaves no stale member on screen
    scan(qtbot, window, UNKNOWN_CARD)
    assert window.memberPanel.currentWidget().objectName() == "memberEmpty"


def test_scan_field_refuses_the_input_method(make_window, staff, zh):
    window = make_window(staff.cashier)
    field = window.findChild(QLineEdit, "lookupInput")
    assert not field.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)
    assert field.inputMethodHints() & Qt.InputMethodHint.ImhLatinOnly


def test_hq_member_with_allergy_shows_the_banner_and_is_audited(qtbot, make_window, staff, zh):
    window = make_window(staff.cashier)
    member_id = load_hq_member(window.ctx)
    scan(qtbot, window, HQ_CARD_NO)
    banner = label(window, "allergyBanner")
    assert banner.isVisible()
    assert banner.text() == "⚠ 该会员对青霉素、磺胺类过敏，售药前请与药师核对。"
    assert label(window, "memberTier").text() == "金卡会员"
    assert label(window, "memberPoints").text() == "1,280"
    assert label(window, "memberNo").text() == "1000000001"
    # audited right after the banner was painted
    qtbot.waitUntil(lambda: any(e.action == "health.view" for e in audit.recent(window.ctx)))
    views = [e for e in audit.recent(window.ctx) if e.action == "health.view"]
    assert [(e.operator_id, e.member_id) for e in views] == [(staff.cashier.operator_id, member_id)]


def test_pending_points_are_labelled(qtbot, make_window, staff, zh):
    window = make_window(staff.service)
    view = services.get_member(window.ctx, staff.service, load_hq_member(window.ctx))
    window.memberPanel.show_member(replace(view, pending_points=50))
    assert label(window, "memberPoints").text() == "1,330"
    assert label(window, "memberPointsDetail").text() == "总部余额 1,280 + 本店待同步 50"


def test_ctrl_l_locks_and_pin_unlocks(qtbot, make_window, staff, member, zh):
    window = make_window(staff.cashier)
    scan(qtbot, window, CARD_NO)
    qtbot.keyClick(
        window.findChild(QLineEdit, "lookupInput"),
        Qt.Key.Key_L,
        Qt.KeyboardModifier.ControlModifier,
    )
    assert window.locked
    assert window.lockScreen.isVisible()
    assert window.memberPanel.view is None
    assert label(window, "operatorLabel").text() == "已锁定"
    operators = window.lockScreen.findChild(QListWidget, "operatorList")
    assert operators.hasFocus()  # who is it? first; the last operator is highlighted
    assert operators.currentItem().text().endswith("王收银 · 收银员")
    qtbot.keyClick(operators, Qt.Key.Key_Return)  # it's me
    pin = window.lockScreen.findChild(QLineEdit, "pinInput")
    assert pin.hasFocus()
    assert window.lockScreen.form.pinCaption.text() == "王收银的 PIN"
    qtbot.keyClicks(pin, PINS["cashier"])
    qtbot.keyClick(pin, Qt.Key.Key_Return)
    assert not window.locked
    assert label(window, "operatorLabel").text() == "王收银 · 收银员"
    assert window.memberPanel.currentWidget().objectName() == "memberEmpty"


def test_another_operator_unlocks_with_their_number_then_pin(
    qtbot, make_window, staff, member, scan_clock, zh
):
    """Issue 13: the list first, a number key each, then the PIN; Esc goes back to the list."""
    window = make_window(staff.cashier)
    window.lockAction.trigger()
    form = window.lockScreen.form
    operators = form.operatorList
    texts = [operators.item(r).text() for r in range(operators.count())]
    assert len(texts) == 3 and [t.split()[0] for t in texts] == ["1", "2", "3"]
    service_key = next(t.split()[0] for t in texts if "李客服" in t)
    manager_key = next(t.split()[0] for t in texts if "赵店长" in t)
    scan_clock.advance(500)
    qtbot.keyClick(operators, manager_key)  # a slip: the manager's number
    qtbot.waitUntil(form.pinInput.hasFocus)  # a lone digit: after the scanner's silence
    assert form.pinCaption.text() == "赵店长的 PIN"
    qtbot.keyClicks(form.pinInput, "12")
    qtbot.keyClick(form.pinInput, Qt.Key.Key_Escape)  # back to the list, PIN gone
    assert operators.hasFocus() and form.pinInput.text() == ""
    assert window.locked
    scan_clock.advance(500)
    qtbot.keyClick(operators, service_key)
    qtbot.waitUntil(form.pinInput.hasFocus)
    assert form.pinCaption.text() == "李客服的 PIN"
    qtbot.keyClicks(form.pinInput, PINS["service"])
    qtbot.keyClick(form.pinInput, Qt.Key.Key_Return)
    assert label(window, "operatorLabel").text() == "李客服 · 客服"
    scan(qtbot, window, CARD_NO)
    assert window.memberPanel.view is not None and window.memberPanel.view.id == member.id


def test_idle_locks_the_counter(qtbot, make_window, staff, zh):
    window = make_window(staff.cashier, idle_timeout_ms=200)
    with qtbot.waitSignal(window.idle.idle, timeout=3000):
        pass
    assert window.locked


def test_f2_focuses_the_scan_field(qtbot, make_window, staff, zh):
    window = make_window(staff.cashier)
    window.menuBar().setFocus()
    qtbot.keyClick(window.menuBar(), Qt.Key.Key_F2)
    assert window.findChild(QLineEdit, "lookupInput").hasFocus()


def test_about_names_version_store_and_data_folder(qtbot, make_window, staff, settings, zh):
    window = make_window(staff.manager)
    window.aboutAction.trigger()
    box = window.findChild(QMessageBox, "aboutBox")
    assert box is not None
    assert box.isVisible()
    text = box.text()
    assert "门店：S001" in text
    assert str(settings.data_path) in text
    assert "0.1.0" in text
    box.close()


def test_panel_shows_points_expiring_badges_and_visits(qtbot, make_window, staff, members, zh):
    window = make_window(staff.cashier)
    scan(qtbot, window, hq_card(1))
    assert label(window, "memberName").text() == "曾*明"
    assert label(window, "memberPhone").text() == "138****1234"
    assert label(window, "memberPoints").text() == "1,280"
    assert label(window, "memberPointsDetail").text() == "总部余额 1,280，无待同步积分"
    assert label(window, "pointsExpiring").text() == "300 分将于 2026-12-31 过期"
    assert label(window, "birthdayBadge").isVisible()
    assert label(window, "birthdayBadge").text() == "生日月"
    assert label(window, "memberDayBadge").isVisible()
    assert label(window, "memberDayBadge").text() == "会员日"
    assert label(window, "allergyBanner").text() == "⚠ 该会员对青霉素过敏，售药前请与药师核对。"
    visits = [
        [cell.text() for cell in row] for row in window.memberPanel.visitRows if row[0].isVisible()
    ]
    assert visits == [
        ["2026-11-01", "本店（S001）", "¥42.50"],
        ["2026-10-12", "S007", "¥1,280.00"],
    ]
    assert not label(window, "visitsEmpty").isVisible()

    scan(qtbot, window, hq_card(2))  # born in March, no visits, nothing expiring
    assert not label(window, "birthdayBadge").isVisible()
    assert label(window, "memberDayBadge").isVisible()  # the 8th is member day for everyone
    assert not label(window, "pointsExpiring").isVisible()
    assert label(window, "visitsEmpty").isVisible()
    assert not window.memberPanel.visitRows[0][0].isVisible()


def test_pending_points_from_this_store_are_labelled(qtbot, make_window, staff, members, zh):
    window = make_window(staff.service)
    view = services.get_member(window.ctx, staff.service, COUNTER_MEMBERS[0]["id"])
    window.memberPanel.show_member(replace(view, pending_points=35))
    assert label(window, "memberPoints").text() == "1,315"
    assert label(window, "memberPointsDetail").text() == "总部余额 1,280 + 本店待同步 35"


def test_esc_clears_the_member(qtbot, make_window, staff, members, zh):
    window = make_window(staff.cashier)
    scan(qtbot, window, hq_card(1))
    assert window.memberPanel.view is not None
    qtbot.keyClick(window.findChild(QLineEdit, "lookupInput"), Qt.Key.Key_Escape)
    assert window.memberPanel.view is None
    assert window.memberPanel.currentWidget().objectName() == "memberEmpty"
    assert label(window, "lookupMessage").text() == ""
    assert window.findChild(QLineEdit, "lookupInput").hasFocus()


def test_english_panel(qtbot, make_window, staff, members):
    window = make_window(staff.service, language="en")
    scan(qtbot, window, hq_card(1))
    assert label(window, "memberName").text() == "曾*明"
    assert label(window, "pointsExpiring").text() == "300 points expire on 2026-12-31"
    assert label(window, "birthdayBadge").text() == "Birthday month"
    assert window.memberPanel.visitRows[0][1].text() == "this store (S001)"
