"""Phone tails, names and initials: one member straight away, or a pick list to choose from."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QTreeWidget
from uidata import person_types, type_with_ime


def lookup_field(window) -> QLineEdit:
    return window.findChild(QLineEdit, "lookupInput")


def shown_member(window) -> str | None:
    view = window.memberPanel.view
    return view.member_no if view is not None else None


def rows(window) -> list[list[str]]:
    view = window.findChild(QTreeWidget, "pickView")
    return [
        [view.topLevelItem(r).text(c) for c in range(4)] for r in range(view.topLevelItemCount())
    ]


def typed_lookup(qtbot, window, clock, text: str) -> None:
    """A person types the query into the lookup field and presses Enter."""
    field = lookup_field(window)
    person_types(qtbot, field, clock, text)
    clock.advance(180)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_phone_tail_with_two_matches_is_picked_by_keyboard(
    qtbot, make_window, staff, members, scan_clock, zh
):
    window = make_window(staff.cashier)
    typed_lookup(qtbot, window, scan_clock, "1234")
    pick = window.pickList
    assert pick.isVisible()
    assert window.memberPanel.view is None
    assert [row[0] for row in rows(window)] == ["1", "2"]
    assert sorted(row[1:] for row in rows(window)) == [
        ["张*强", "150****1234", "银卡会员"],
        ["曾*明", "138****1234", "金卡会员"],
    ]
    message = window.findChild(QLabel, "lookupMessage")
    assert message.property("tone") == "choices"
    assert "2" in message.text()
    view = window.findChild(QTreeWidget, "pickView")
    assert view.hasFocus()
    second = rows(window)[1][1]
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert window.findChild(QLabel, "memberName").text() == second
    assert not pick.isVisible()
    assert lookup_field(window).hasFocus()  # ready for the next scan


def test_digit_picks_from_the_list(qtbot, make_window, staff, members, scan_clock, zh):
    window = make_window(staff.cashier)
    typed_lookup(qtbot, window, scan_clock, "zw")  # 张伟 and 张伟强
    names = [row[1] for row in rows(window)]
    assert sorted(names) == ["张*", "张*强"]
    view = window.findChild(QTreeWidget, "pickView")
    scan_clock.advance(500)
    qtbot.keyClick(view, Qt.Key.Key_2)
    qtbot.waitUntil(lambda: window.memberPanel.view is not None)  # a lone digit: after silence
    assert window.findChild(QLabel, "memberName").text() == names[1]


def test_esc_leaves_the_pick_list(qtbot, make_window, staff, members, scan_clock, zh):
    window = make_window(staff.cashier)
    typed_lookup(qtbot, window, scan_clock, "1234")
    view = window.findChild(QTreeWidget, "pickView")
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert not window.pickList.isVisible()
    assert window.memberPanel.currentWidget().objectName() == "memberEmpty"
    assert rows(window) == []
    assert lookup_field(window).hasFocus()


def test_chinese_name_prefix(qtbot, make_window, staff, members, zh):
    window = make_window(staff.cashier)
    field = lookup_field(window)
    assert not field.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)
    qtbot.mouseClick(window.lookupBar.imeButton, Qt.MouseButton.LeftButton)
    assert field.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)  # for this search
    type_with_ime(field, "欧阳")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert shown_member(window) == "1000000004"
    assert window.findChild(QLabel, "memberName").text() == "欧**娜"
    assert not field.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)  # off again
    type_with_ime(field, "张伟")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert sorted(row[1] for row in rows(window)) == ["张*", "张*强"]


def test_pinyin_initials(qtbot, make_window, staff, members, scan_clock, zh):
    window = make_window(staff.cashier)
    typed_lookup(qtbot, window, scan_clock, "oynn")
    assert shown_member(window) == "1000000004"
    typed_lookup(qtbot, window, scan_clock, "cxm")  # 曾 read ceng
    assert shown_member(window) == "1000000001"


def test_service_sees_full_names_in_the_list(qtbot, make_window, staff, members, scan_clock, zh):
    window = make_window(staff.service)
    typed_lookup(qtbot, window, scan_clock, "1234")
    assert sorted(row[1] for row in rows(window)) == ["张伟强", "曾小明"]
    assert all("****" in row[2] for row in rows(window))  # phones read aloud: masked for all


def test_nobody_with_that_tail_is_amber(qtbot, make_window, staff, members, scan_clock, zh):
    window = make_window(staff.cashier)
    typed_lookup(qtbot, window, scan_clock, "0000")
    message = window.findChild(QLabel, "lookupMessage")
    assert message.property("tone") == "notfound"
    assert message.text() == "没有手机尾号相符的会员。"
    assert lookup_field(window).text() == ""
