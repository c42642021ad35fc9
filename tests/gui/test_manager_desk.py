"""The manager's desk (F12, issue 18) driven by key events only: a cashier's and a service
assistant's F12 only says why; a manager adds an operator (every bad input told), meets
the last-manager rule, unlocks a locked cashier, sets a new PIN; any operator changes their
own PIN; Ctrl+L closes the desk. The audit rows of each act are checked."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from uidata import MEMBER_PHONE, PINS, ScanClock, type_with_ime

from counter import services
from counter.errors import AuthenticationError

NOW = dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.UTC)


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


class Keys:
    """Key events at a person's pace (the scanner filter's clock moves 150 ms per key)."""

    def __init__(self, qtbot, clock: ScanClock, window) -> None:  # type: ignore[no-untyped-def]
        self.qtbot, self.clock, self.window = qtbot, clock, window

    def press(self, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier, times: int = 1) -> None:  # type: ignore[no-untyped-def]
        for _ in range(times):
            self.clock.advance(150)
            self.qtbot.keyClick(focused(), key, modifier)
            self.clock.advance(150)
            self.window.scanner.flush()

    def alt(self, key: Qt.Key) -> None:
        self.press(key, Qt.KeyboardModifier.AltModifier)

    def type(self, text: str) -> None:
        if text.isascii():
            for char in text:
                self.clock.advance(150)
                self.qtbot.keyClicks(focused(), char)
        else:
            type_with_ime(focused(), text)
        self.clock.advance(150)
        self.window.scanner.flush()


def audit_rows(window, action: str) -> list[tuple[str, dict[str, object]]]:  # type: ignore[no-untyped-def]
    con = sqlite3.connect(window.settings.db_path)
    try:
        rows = con.execute(
            "SELECT operator_id, details FROM audit_log WHERE action = ? ORDER BY id", (action,)
        ).fetchall()
    finally:
        con.close()
    return [(who, json.loads(details)) for who, details in rows]


def open_desk(qtbot, keys: Keys):  # type: ignore[no-untyped-def]
    keys.press(Qt.Key.Key_F12)
    window = keys.window
    qtbot.waitUntil(lambda: window.deskWindow is not None and window.deskWindow.isVisible())
    desk = window.deskWindow
    qtbot.waitExposed(desk)
    desk.activateWindow()
    qtbot.waitUntil(desk.isActiveWindow)
    return desk


def active_dialog(qtbot, name: str):  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None)
    dialog = QApplication.activeModalWidget()
    assert dialog.objectName() == name
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def back_to(keys: Keys, widget: QWidget) -> None:
    """Shift+Tab back through the filters until ``widget`` has the keyboard."""
    for _ in range(12):
        if focused() is widget:
            return
        keys.press(Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    raise AssertionError(f"Shift+Tab never reached {widget.objectName()}: {focused()}")


def form_error(dialog) -> str:  # type: ignore[no-untyped-def]
    label = dialog.findChild(QLabel, "formError")
    return label.text() if label.isVisible() else ""


@pytest.mark.parametrize("role", ["cashier", "service"])
def test_f12_only_says_why_to_a_cashier_or_service_assistant(
    qtbot, make_window, staff, scan_clock, zh, role
):  # type: ignore[no-untyped-def]
    window = make_window(getattr(staff, role))
    keys = Keys(qtbot, scan_clock, window)
    keys.press(Qt.Key.Key_F12)
    assert window.deskWindow is None
    message = window.statusBarWidget.currentMessage()
    assert "店长" in message and "Ctrl+L" in message


def test_a_manager_adds_an_operator_by_keys_and_every_bad_input_is_told(
    qtbot, make_window, staff, scan_clock, zh
):  # type: ignore[no-untyped-def]
    window = make_window(staff.manager)
    keys = Keys(qtbot, scan_clock, window)
    desk = open_desk(qtbot, keys)
    tab = desk.operatorsTab
    assert [r.name for r in tab.rows] == sorted(["王收银", "李客服", "赵店长"])
    assert focused() is tab.table

    keys.press(Qt.Key.Key_Insert)
    dialog = active_dialog(qtbot, "addOperatorDialog")
    keys.type("孙药师")
    keys.press(Qt.Key.Key_Tab)  # the role: cashier, service, manager
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Tab)
    keys.type("12")
    keys.press(Qt.Key.Key_Tab)
    keys.type("12")
    keys.press(Qt.Key.Key_Return)
    assert form_error(dialog) == "PIN 须为 4–8 位数字。"
    assert focused().objectName() == "pinInput" and focused().text() == ""
    keys.type("5678")
    keys.press(Qt.Key.Key_Tab)
    assert focused().text() == ""  # both PINs of the pair are typed again
    keys.type("5679")
    keys.press(Qt.Key.Key_Return)
    assert form_error(dialog) == "两次输入的 PIN 不一致，请重新输入。"
    assert focused().objectName() == "pinInput"
    keys.type("5678")
    keys.press(Qt.Key.Key_Tab)
    keys.type("5678")
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.dialog is None)
    assert "已添加" in tab.message.text()
    [added] = [r for r in tab.rows if r.name == "孙药师"]
    assert added.role == "service" and tab.current == added
    assert services.login(window.ctx, added.id, "5678").role == "service"
    assert audit_rows(window, "operator.create")[-1] == (
        staff.manager.operator_id,
        {"operator": added.id, "role": "service"},
    )


def test_the_last_manager_rule_and_unlock_and_new_pin_by_keys(
    qtbot, make_window, ctx, staff, scan_clock, zh
):  # type: ignore[no-untyped-def]
    ctx.clock = lambda: NOW  # the lock's 300 s, exactly
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            services.login(ctx, staff.cashier.operator_id, "0000")
    window = make_window(staff.manager)
    keys = Keys(qtbot, scan_clock, window)
    desk = open_desk(qtbot, keys)
    tab = desk.operatorsTab

    def select(name: str) -> None:
        qtbot.waitUntil(desk.isActiveWindow)  # back from a form
        keys.press(Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)  # the first row
        for _ in range(len(tab.rows)):
            if tab.current is not None and tab.current.name == name:
                return
            keys.press(Qt.Key.Key_Down)
        raise AssertionError(f"{name} not reached by the arrow keys: {tab.current} {focused()}")

    select("赵店长")
    keys.alt(Qt.Key.Key_D)  # a button's Alt key clicks it a moment later (animateClick)
    qtbot.waitUntil(lambda: "不能停用自己" in tab.message.text())
    keys.alt(Qt.Key.Key_R)
    dialog = active_dialog(qtbot, "roleDialog")
    keys.press(Qt.Key.Key_Up)  # manager → service
    keys.press(Qt.Key.Key_Return)
    assert "唯一在职的店长" in form_error(dialog)
    keys.press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: tab.dialog is None)

    select("王收银")
    assert (
        tab.current.locked_seconds > 0
        and "锁定" in tab.table.item(tab.table.currentRow(), 2).text()
    )
    keys.alt(Qt.Key.Key_U)
    qtbot.waitUntil(lambda: "可以重新登录" in tab.message.text())
    assert tab.current.locked_seconds == 0
    assert services.login(window.ctx, staff.cashier.operator_id, PINS["cashier"]) == staff.cashier
    keys.alt(Qt.Key.Key_P)
    active_dialog(qtbot, "resetPinDialog")
    keys.type("8642")
    keys.press(Qt.Key.Key_Tab)
    keys.type("8642")
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.dialog is None)
    assert services.login(window.ctx, staff.cashier.operator_id, "8642") == staff.cashier
    qtbot.waitUntil(desk.isActiveWindow)

    keys.alt(Qt.Key.Key_D)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None)
    qtbot.waitUntil(QApplication.activeModalWidget().isActiveWindow)
    keys.press(Qt.Key.Key_Return)  # yes, disable
    qtbot.waitUntil(lambda: not tab.current.active)
    assert staff.cashier not in services.list_operators(window.ctx)

    me = staff.manager.operator_id
    cashier = staff.cashier.operator_id
    assert audit_rows(window, "operator.unlock") == [
        (me, {"operator": cashier, "seconds_left": 300})
    ]
    assert audit_rows(window, "operator.pin_reset") == [
        (me, {"operator": cashier, "unlocked": False})
    ]
    assert audit_rows(window, "operator.disable") == [(me, {"operator": cashier})]
    assert audit_rows(window, "operator.role") == []

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    keys.press(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.locked and not desk.isVisible()


def test_any_operator_changes_their_own_pin(qtbot, make_window, staff, scan_clock, zh):  # type: ignore[no-untyped-def]
    window = make_window(staff.cashier)
    keys = Keys(qtbot, scan_clock, window)
    keys.press(
        Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    dialog = active_dialog(qtbot, "ownPinDialog")
    keys.type("0000")
    keys.press(Qt.Key.Key_Tab)
    keys.type("2468")
    keys.press(Qt.Key.Key_Tab)
    keys.type("2468")
    keys.press(Qt.Key.Key_Return)
    assert form_error(dialog) == "PIN 不正确。"
    assert focused().objectName() == "old_pinInput"
    keys.type(PINS["cashier"])
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.ownPinDialog is None)
    assert "PIN" in window.statusBarWidget.currentMessage()
    assert services.login(window.ctx, staff.cashier.operator_id, "2468") == staff.cashier
    who = staff.cashier.operator_id
    assert audit_rows(window, "operator.pin_change_failed") == [
        (who, {"in_row": 1, "reason": "wrong_pin"})
    ]
    assert audit_rows(window, "operator.pin_change") == [(who, {})]


def test_the_audit_trail_by_keys_filters_pages_and_exports(
    qtbot, make_window, ctx, staff, member, scan_clock, zh, tmp_path
):  # type: ignore[no-untyped-def]
    from counter.services import audit
    from ui.manager.audit_tab import SENSITIVE_BG

    with ctx.db.write() as s:  # 60 earns, then a phone reveal: two pages, newest first
        for i in range(60):
            audit.record(s, staff.cashier, "points.earn", NOW, member_id=member.id, n=i)
        audit.record(
            s, staff.service, "member.reveal", NOW + dt.timedelta(minutes=1), member_id=member.id
        )
    window = make_window(staff.manager)
    keys = Keys(qtbot, scan_clock, window)
    desk = open_desk(qtbot, keys)
    keys.alt(Qt.Key.Key_T)
    tab = desk.auditTab
    qtbot.waitUntil(lambda: tab.page is not None and focused() is tab.table)
    assert len(tab.page.rows) == 50 and tab.page.older is not None
    details = {tab.table.item(i, 4).text() for i in range(tab.table.rowCount())}
    assert "操作员: 王收银; 角色: 收银员" in details  # ids and codes in words
    assert [r.at for r in tab.page.rows] == sorted((r.at for r in tab.page.rows), reverse=True)
    keys.press(Qt.Key.Key_PageDown)
    qtbot.waitUntil(lambda: len(tab.pages) == 2)
    assert tab.page.rows and "51" in tab.status.text()
    keys.press(Qt.Key.Key_PageUp)
    qtbot.waitUntil(lambda: len(tab.pages) == 1)

    keys.alt(Qt.Key.Key_S)  # sensitive acts only
    qtbot.waitUntil(lambda: tab.filter.sensitive)
    [reveal] = [i for i, r in enumerate(tab.page.rows) if r.action == "member.reveal"]
    assert tab.table.item(reveal, 2).background().color() == SENSITIVE_BG
    assert all(r.sensitive for r in tab.page.rows)

    # A day that is no date is told; a good one filters.
    back_to(keys, tab.sinceInput)
    keys.type("2026-13-01")
    keys.press(Qt.Key.Key_Return)
    assert "不是日期" in tab.status.text() and focused() is tab.sinceInput
    keys.type("2026-12-07")
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.filter.since == dt.date(2026, 12, 7))

    # Export what the filter selects: Ctrl+E, a file name, Enter.
    keys.press(Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: tab.dialog is not None)
    qtbot.waitUntil(tab.dialog.isActiveWindow)
    out = tmp_path / "trail.csv"
    keys.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # over the name offered
    keys.type(str(out))
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: out.exists() and "已导出" in tab.status.text())
    [(who, details)] = audit_rows(window, "audit.export")
    assert who == staff.manager.operator_id
    assert details["filter"] == {"since": "2026-12-07", "sensitive": True}
    assert details["rows"] == 1 and details["file"] == "trail.csv"


def test_a_member_filter_by_phone_and_a_bad_one_told(
    qtbot, make_window, ctx, staff, member, scan_clock, zh
):  # type: ignore[no-untyped-def]
    window = make_window(staff.manager)
    keys = Keys(qtbot, scan_clock, window)
    desk = open_desk(qtbot, keys)
    keys.alt(Qt.Key.Key_T)
    tab = desk.auditTab
    qtbot.waitUntil(lambda: tab.page is not None and focused() is tab.table)
    back_to(keys, tab.memberInput)
    keys.type("13900000000")
    keys.press(Qt.Key.Key_Return)
    assert "没有这位会员" in tab.status.text() and focused() is tab.memberInput
    keys.type(MEMBER_PHONE)  # over the refused text, which stays selected
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.filter.member_id == member.id)
    assert tab.page.rows and all(r.member_id == member.id for r in tab.page.rows)


def test_the_audit_trail_shows_times_as_f7_and_the_status_bar_do(
    qtbot, make_window, ctx, staff, member, scan_clock, zh, monkeypatch
):  # type: ignore[no-untyped-def]
    """One rule for every screen: the PC's local time (``astimezone()``), here a PC set to
    UTC, where China time would read 8 hours apart from F7's rows for the same minute."""
    import time

    from counter.services import audit

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        with ctx.db.write() as s:
            audit.record(s, staff.cashier, "points.earn", NOW, member_id=member.id)
        window = make_window(staff.manager)
        keys = Keys(qtbot, scan_clock, window)
        desk = open_desk(qtbot, keys)
        keys.alt(Qt.Key.Key_T)
        tab = desk.auditTab
        qtbot.waitUntil(lambda: tab.page is not None and tab.table.rowCount() > 0)
        shown = [tab.table.item(i, 0).text() for i in range(tab.table.rowCount())]
        assert "2026-12-07 01:00:00" in shown  # NOW (01:00 UTC), not 09:00 China time
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
