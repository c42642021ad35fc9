"""Phone tails, names and initials: one member straight away, or a pick list to choose from."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QTreeWidget
from uidata import hq_record, load_records, person_types, type_with_ime


def lookup_field(window) -> QLineEdit:
    return window.findChild(QLineEdit, "lookupInput")


def shown_member(window) -> str | None:
    view = window.memberPanel.view
    return view.member_no if view is not None else None


def rows(window) -> list[list[str]]:
    view = window.findChild(QTreeWidget, "pickView")
    return [
        [view.topLevelItem(r).text(c) for c in range(view.columnCount())]
        for r in range(view.topLevelItemCount())
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
        ["张*强", "150****1234", "1990", "女", "—", "—", "银卡会员"],
        ["曾*明", "138****1234", "1985", "女", "—", "2026-11-01", "金卡会员"],
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


def test_the_list_is_masked_for_every_role(qtbot, make_window, staff, members, scan_clock, zh):
    window = make_window(staff.manager)
    typed_lookup(qtbot, window, scan_clock, "1234")
    assert sorted(row[1] for row in rows(window)) == ["张*强", "曾*明"]
    assert all("****" in row[2] for row in rows(window))  # read aloud: masked for all


def test_twenty_namesakes_are_told_apart_without_unmasking(
    qtbot, make_window, ctx, staff, scan_clock, zh
):
    """Issue 13: twenty 刘* differ in birth year, gender, district and last visit here."""
    records = [
        hq_record(
            100 + i,
            "刘" + "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"[i],
            f"139{i:04d}9634",
            gender="MF"[i % 2],
            birthday=f"{1950 + i}-06-01",
            address=f"上海市{('浦东新区', '徐汇区', '静安区', '黄浦区')[i % 4]}某路{i}号",
            recent_visits=[
                {"at": f"2026-10-{1 + i:02d}T03:00:00Z", "store_code": "S001", "amount_fen": 100}
            ],
        )
        for i in range(20)
    ]
    load_records(ctx, records)
    window = make_window(staff.cashier)
    typed_lookup(qtbot, window, scan_clock, "9634")
    shown = rows(window)
    assert len(shown) == 20
    assert all(row[1].startswith("刘*") and "****" in row[2] for row in shown)
    facts = {tuple(row[3:7]) for row in shown}
    assert len(facts) == 20  # every line tells its member apart
    first = next(row for row in shown if row[3] == "1950")
    assert first[4:7] == ["男", "浦东新区", "2026-10-01"]
    assert not any("某路" in cell for row in shown for cell in row)  # never the street


def test_nobody_with_that_tail_is_amber(qtbot, make_window, staff, members, scan_clock, zh):
    window = make_window(staff.cashier)
    typed_lookup(qtbot, window, scan_clock, "0000")
    message = window.findChild(QLabel, "lookupMessage")
    assert message.property("tone") == "notfound"
    assert message.text() == "没有手机尾号相符的会员。"
    assert lookup_field(window).text() == ""
