"""The complaints desk driven by key events only (issue 16): F4 logs one (the keystrokes
beyond the description are counted), the refusals, the slip, F11 moves it through to closed,
and the overdue highlight under a controlled clock."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QWidget
from uidata import CARD_NO, ScanClock, scanner_sends, type_with_ime

from counter import services
from ui.complaints.list_dialog import OVERDUE_BG
from ui.complaints.log_dialog import DONE_PAGE, FORM_PAGE
from ui.printing import complaint_slip

NOW = dt.datetime(2026, 12, 6, 2, 0, tzinfo=dt.UTC)  # 10:00 in China
# 200 characters of what happened, as a customer tells it.
DESCRIPTION = ("顾客反映昨天在本店购买的感冒药收银价格比货架标价高出三元，店员解释时态度冷淡，"
               "顾客等待二十分钟无人处理，要求退还差价并由店长当面道歉，同时希望门店核对所有价签，"
               "避免再次发生类似情况。顾客表示如果处理不好会向总部投诉。")  # fmt: skip
DESCRIPTION = (DESCRIPTION * 3)[:200]


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


class Keys:
    """Key events at a person's pace (the scanner filter's clock moves 150 ms per key),
    counted: ``count`` is every key pressed and every character committed outside the
    description."""

    def __init__(self, qtbot, clock: ScanClock, window) -> None:  # type: ignore[no-untyped-def]
        self.qtbot, self.clock, self.window = qtbot, clock, window
        self.count = 0

    def settle(self) -> None:
        self.clock.advance(150)
        self.window.scanner.flush()

    def press(self, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier, times: int = 1) -> None:  # type: ignore[no-untyped-def]
        for _ in range(times):
            self.clock.advance(150)
            self.qtbot.keyClick(focused(), key, modifier)
            self.count += 1
            self.settle()

    def type(self, text: str, *, counted: bool = True) -> None:
        if text.isascii():
            for char in text:
                self.clock.advance(150)
                self.qtbot.keyClicks(focused(), char)
        else:
            type_with_ime(focused(), text)  # Chinese arrives as an input-method commit
        if counted:
            self.count += len(text)
        self.settle()


def expect_focus(name: str) -> None:
    assert focused().objectName() == name, (focused().objectName(), name)


def scan(qtbot, window, text: str) -> None:  # type: ignore[no-untyped-def]
    field = window.findChild(QLineEdit, "lookupInput")
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def open_dialog(qtbot, keys: Keys, key: Qt.Key, attr: str):  # type: ignore[no-untyped-def]
    keys.press(key)
    window = keys.window
    qtbot.waitUntil(lambda: getattr(window, attr) is not None)
    dialog = getattr(window, attr)
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def error_text(dialog, field: str) -> str:  # type: ignore[no-untyped-def]
    label = dialog.findChild(QLabel, f"{field}Error")
    return label.text() if label.isVisible() else ""


def count_rows(window, table: str) -> int:  # type: ignore[no-untyped-def]
    con = sqlite3.connect(window.settings.db_path)
    try:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        con.close()


def test_log_a_member_complaint_by_keys_and_count_them(
    qtbot, make_window, staff, member, scan_clock, tmp_path: Path, zh
):
    window = make_window(staff.cashier)  # every role logs complaints
    window.ctx.clock = lambda: NOW
    scan(qtbot, window, CARD_NO)
    keys = Keys(qtbot, scan_clock, window)
    dialog = open_dialog(qtbot, keys, Qt.Key.Key_F4, "complaintDialog")
    assert dialog.member is not None and dialog.member.id == member.id
    assert "张*明" in dialog.memberLabel.text()  # masked for every role
    expect_focus("categoryBox")
    keys.press(Qt.Key.Key_Down, times=2)  # 服务态度 → 产品质量 → 价格
    keys.press(Qt.Key.Key_Tab)
    expect_focus("severityBox")
    keys.press(Qt.Key.Key_Down)  # 中 → 高
    due = (NOW + dt.timedelta(hours=24)).astimezone()
    assert dialog.dueLabel.text().startswith(due.strftime("%m-%d %H:%M"))  # before saving
    keys.press(Qt.Key.Key_Tab)
    expect_focus("channelBox")  # at the counter: kept
    keys.press(Qt.Key.Key_Tab)
    expect_focus("descriptionEdit")
    keys.type(DESCRIPTION, counted=False)
    keys.press(Qt.Key.Key_Tab)
    expect_focus("wantsEdit")
    keys.type("退差价")
    keys.press(Qt.Key.Key_Return)  # Enter saves
    assert dialog.pages.currentIndex() == DONE_PAGE, error_text(dialog, "form")
    # F4, 2 × Down, Tab, Down, Tab, Tab, Tab, 3 characters of "wants", Enter.
    assert keys.count == 12
    print(f"\nkeystrokes beyond the 200-character description: {keys.count}")

    number = f"S001-1-{NOW.astimezone().strftime('%Y%m%d')}-001"
    assert dialog.numberLabel.text() == number
    saved = services.get_complaint(window.ctx, staff.service, dialog.saved.id)
    assert (saved.member_id, saved.category, saved.severity, saved.channel) == (
        member.id,
        "price",
        "high",
        "counter",
    )
    assert saved.description == DESCRIPTION and len(saved.description) == 200
    assert saved.wants == "退差价"
    # Enter prints the slip; here the printer is a PDF file.
    pdf = tmp_path / "slip.pdf"
    printed: list[list[tuple[str, str]]] = []

    def to_pdf(lines: list[tuple[str, str]]) -> bool:
        printed.append(lines)
        complaint_slip.save_pdf(lines, pdf)
        return True

    dialog.print_slip = to_pdf
    keys.press(Qt.Key.Key_Return)
    assert pdf.read_bytes().startswith(b"%PDF")
    texts = [t for _, t in printed[0]]
    assert number in texts
    assert any(due.strftime("%Y-%m-%d %H:%M") in t for t in texts)
    keys.press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.complaintDialog is None)


def test_a_customer_who_is_not_a_member_and_the_refusals(
    qtbot, make_window, staff, member, scan_clock, zh
):
    window = make_window(staff.service)
    window.ctx.store_phone = "0571-88886666"
    keys = Keys(qtbot, scan_clock, window)
    dialog = open_dialog(qtbot, keys, Qt.Key.Key_F4, "complaintDialog")
    assert dialog.member is None
    expect_focus("customerNameEdit")
    keys.type("王女士")
    keys.press(Qt.Key.Key_Tab)
    expect_focus("customerPhoneEdit")
    keys.type("1391234")  # not a mobile number
    keys.press(Qt.Key.Key_Tab, times=4)  # category, severity, channel, what happened
    expect_focus("descriptionEdit")
    keys.press(Qt.Key.Key_Return)  # empty description: refused on its field
    assert error_text(dialog, "description")
    assert dialog.pages.currentIndex() == FORM_PAGE
    expect_focus("descriptionEdit")
    keys.type("长" * 5000)
    keys.press(Qt.Key.Key_Return)
    assert "4000" in error_text(dialog, "description")
    keys.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keys.type("排队太久")
    keys.press(Qt.Key.Key_Return)
    assert error_text(dialog, "customer_phone")
    expect_focus("customerPhoneEdit")
    assert count_rows(window, "complaints") == 0  # nothing half-saved
    assert count_rows(window, "outbox") == 1  # the member fixture's registration only
    keys.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keys.type("13912345678")
    keys.press(Qt.Key.Key_Return)
    assert dialog.pages.currentIndex() == DONE_PAGE
    lines = dialog.slip()
    assert ("text", "门店电话：0571-88886666") in lines
    # A scan while the form is open attaches that member instead.
    keys.press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.complaintDialog is None)
    qtbot.waitUntil(window.isActiveWindow)
    dialog = open_dialog(qtbot, keys, Qt.Key.Key_F4, "complaintDialog")
    scanner_sends(qtbot, focused(), scan_clock, CARD_NO)
    qtbot.waitUntil(lambda: dialog.member is not None)
    assert dialog.member.id == member.id
    keys.press(Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)  # not this member
    assert dialog.member is None
    expect_focus("customerNameEdit")


def _log(window, staff, **extra):  # type: ignore[no-untyped-def]
    fields = dict(
        category="price", severity="medium", channel="counter", description="价签不符",
        customer_name="王女士", customer_phone="13912345678",
    )  # fmt: skip
    fields.update(extra)
    return services.create_complaint(window.ctx, staff.service, **fields)


def test_move_one_through_to_closed_by_keys(qtbot, make_window, staff, scan_clock, zh):
    window = make_window(staff.service)
    window.ctx.clock = lambda: NOW
    logged = _log(window, staff)
    keys = Keys(qtbot, scan_clock, window)
    dialog = open_dialog(qtbot, keys, Qt.Key.Key_F11, "complaintsDialog")
    expect_focus("complaintSearch")
    keys.type(logged.number[-3:])  # the number's tail finds it
    assert [v.id for v in dialog.rows] == [logged.id]
    keys.press(Qt.Key.Key_Return)
    expect_focus("complaintTable")
    keys.press(Qt.Key.Key_Return)
    expect_focus("noteEdit")
    visible = [s for s, b in dialog.moveButtons.items() if b.isVisible()]
    assert visible == ["handling", "escalated"]  # only the legal moves
    keys.type("已联系顾客")
    keys.press(Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # handle
    assert services.get_complaint(window.ctx, staff.service, logged.id).status == "handling"
    keys.press(Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # resolve without a text
    assert "解决办法" in dialog.status.text()
    assert services.get_complaint(window.ctx, staff.service, logged.id).status == "handling"
    expect_focus("noteEdit")
    keys.type("已退差价并道歉")
    keys.press(Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert services.get_complaint(window.ctx, staff.service, logged.id).status == "resolved"
    # Ctrl+R shows the customer to call them back, audited.
    keys.press(Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert "13912345678" in dialog.status.text()
    con = sqlite3.connect(window.settings.db_path)
    try:
        reveals = con.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'complaint.reveal'"
        ).fetchone()[0]
    finally:
        con.close()
    assert reveals == 1
    keys.press(Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)  # close: needs a follow-up
    assert "回访" in dialog.status.text()
    keys.press(Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)  # the follow-up
    expect_focus("methodBox")
    keys.press(Qt.Key.Key_Down, times=2)  # phone → in store → WeChat
    keys.press(Qt.Key.Key_Tab)
    expect_focus("reachedBox")
    keys.press(Qt.Key.Key_Tab)
    expect_focus("satisfactionBox")
    keys.press(Qt.Key.Key_Down)  # 5 → 4
    keys.press(Qt.Key.Key_Tab)
    expect_focus("followupNote")
    keys.type("顾客表示满意")
    keys.press(Qt.Key.Key_Return)
    view = services.get_complaint(window.ctx, staff.service, logged.id)
    assert view.followup is not None
    assert (view.followup.method, view.followup.satisfaction, view.followup.reached) == (
        "wechat",
        4,
        True,
    )
    keys.press(Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    view = services.get_complaint(window.ctx, staff.service, logged.id)
    assert view.status == "closed"
    assert [n.new_status for n in view.notes] == ["handling", "resolved", "closed"]
    assert not dialog.rows  # closed: off the "not closed" list


def test_overdue_rows_stand_out_under_a_controlled_clock(qtbot, make_window, staff, scan_clock, zh):
    window = make_window(staff.manager)
    window.ctx.clock = lambda: NOW
    urgent = _log(window, staff, severity="urgent")  # due in 4 hours
    low = _log(window, staff, severity="low")  # due in 72 hours
    keys = Keys(qtbot, scan_clock, window)
    window.ctx.clock = lambda: NOW + dt.timedelta(hours=5)
    dialog = open_dialog(qtbot, keys, Qt.Key.Key_F11, "complaintsDialog")
    assert [v.id for v in dialog.rows] == [urgent.id, low.id]  # soonest due first
    first, second = dialog.table.item(0, 1), dialog.table.item(1, 1)
    assert first.background().color() == OVERDUE_BG and "超时" in first.text()
    assert second.background().color() != OVERDUE_BG
    keys.press(Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)  # overdue only
    assert [v.id for v in dialog.rows] == [urgent.id]


def test_a_cashier_logs_but_does_not_get_the_list(qtbot, make_window, staff, scan_clock, zh):
    window = make_window(staff.cashier)
    keys = Keys(qtbot, scan_clock, window)
    keys.press(Qt.Key.Key_F11)
    assert window.complaintsDialog is None
    assert "F4" in window.statusBarWidget.currentMessage()
