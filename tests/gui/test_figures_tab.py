"""The desk's Figures tab (issue 18) driven by key events: the period changes the page,
the sections show their table and chart, Ctrl+C copies and Ctrl+E exports (both audited), a
full disk is told plainly. The page is counted by the real task runner, off the UI thread,
with the progress bar showing meanwhile."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from counter import services
from counter.rules import STORE_TZ
from counter.services import figures
from ui.manager.figures_tab import FiguresTab
from ui.shell.tasks import TaskRunner

# Wednesday 16 December 2026 at the store.
NOW = dt.datetime(2026, 12, 16, 10, 0, tzinfo=STORE_TZ)


@pytest.fixture
def shop(ctx: services.ServiceContext, staff) -> services.ServiceContext:  # type: ignore[no-untyped-def]
    """Three members registered here this month; four sales, one of them today."""
    ids = []
    for n, day in enumerate((2, 9, 16)):
        ctx.clock = lambda day=day: NOW.replace(day=day, hour=9)  # type: ignore[misc]
        form = services.MemberForm(
            name=f"会员{n}", phone=f"1380000000{n}", gender="FM"[n % 2],
            birthday=dt.date(1960 + 20 * n, 5, 1), address="上海市浦东新区张江路1号",
        )  # fmt: skip
        ids.append(services.register_member(ctx, staff.service, form).id)
    for n, (member, day) in enumerate(((0, 2), (0, 9), (1, 10), (2, 16))):
        ctx.clock = lambda day=day: NOW.replace(day=day, hour=11)  # type: ignore[misc]
        services.earn_points(
            ctx, staff.cashier, ids[member], f"R{n}", None,
            [services.SaleLine("otc", 10_000 * (n + 1))],
            [services.Tender("cash", 10_000 * (n + 1))],
        )  # fmt: skip
    ctx.clock = lambda: NOW
    return ctx


@pytest.fixture
def tab(qtbot, shop, staff, monkeypatch):  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    widget = FiguresTab(shop, staff.manager, runner, language="zh_CN")
    runner.setParent(widget)
    qtbot.addWidget(widget)
    widget.resize(1000, 600)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    seen_threads: list[threading.Thread] = []
    original = figures.store_figures

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen_threads.append(threading.current_thread())
        return original(*args, **kwargs)

    widget.seen_threads = seen_threads
    monkeypatch.setattr(figures, "store_figures", counted)
    yield widget
    runner.shutdown()


def audit(ctx: services.ServiceContext, action: str) -> list[dict[str, object]]:
    con = sqlite3.connect(ctx.db.path)
    try:
        rows = con.execute(
            "SELECT details FROM audit_log WHERE action = ? ORDER BY id", (action,)
        ).fetchall()
    finally:
        con.close()
    return [json.loads(r[0]) for r in rows]


def table_rows(tab) -> list[list[str]]:  # type: ignore[no-untyped-def]
    t = tab.table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def test_period_sections_copy_and_export_by_keys(qtbot, tab, shop, zh, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(tab.computed, timeout=20000):
        tab.reload()  # the desk does this when it opens
    assert threading.main_thread() not in tab.seen_threads  # counted off the UI thread
    page = tab.page
    assert page.period.kind == "month"
    assert (page.registered, page.receipts, page.active, page.repeat) == (3, 4, 3, 1)
    assert tab.fromEdit.date().toPython() == dt.date(2026, 12, 1)

    tab.periodBox.setFocus()
    with qtbot.waitSignal(tab.computed, timeout=20000):
        qtbot.keyClick(tab.periodBox, Qt.Key.Key_Up)  # this month → this week
    assert tab.page.period == figures.period_of("week", NOW.date())
    assert (tab.page.receipts, tab.page.registered) == (1, 1)  # Monday 14th to today
    with qtbot.waitSignal(tab.computed, timeout=20000):
        qtbot.keyClick(tab.periodBox, Qt.Key.Key_Up)  # → today
    assert tab.page.period.kind == "today"
    assert not tab.fromEdit.isEnabled()
    with qtbot.waitSignal(tab.computed, timeout=20000):
        qtbot.keyClick(tab.periodBox, Qt.Key.Key_End)  # → chosen days (from/to editable)
    assert tab.fromEdit.isEnabled()
    assert tab.page.period.kind == "range"

    # The sections: Tab to the list, arrows down to the tiers.
    tab.sectionList.setFocus()
    assert tab.sectionList.currentRow() == 0
    assert table_rows(tab)[0][0] == "本期在本店登记的会员"
    qtbot.keyClick(tab.sectionList, Qt.Key.Key_Down)
    qtbot.keyClick(tab.sectionList, Qt.Key.Key_Down)  # members by tier
    assert tab.table.horizontalHeaderItem(0).text() == "等级"
    assert tab.chart.objectName() == "figuresChart"

    # Ctrl+C: the table on the clipboard, the copy audited.
    qtbot.keyClick(tab.sectionList, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "等级" in QGuiApplication.clipboard().text())
    assert len(audit(shop, "figures.copy")) == 1

    # Ctrl+E: every table to a CSV file, audited.
    target = tmp_path / "figures.csv"
    tab.ask_path = lambda _parent, suggested: str(target)
    qtbot.keyClick(tab.sectionList, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: target.exists() and bool(audit(shop, "figures.export")))
    text = target.read_text(encoding="utf-8-sig")
    assert "会员等级" in text or "等级" in text
    assert audit(shop, "figures.export")[0]["file"] == "figures.csv"
    qtbot.waitUntil(lambda: "已导出" in tab.message.text())


def test_a_full_disk_is_told_plainly(qtbot, tab, shop, zh) -> None:  # type: ignore[no-untyped-def]
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    with qtbot.waitSignal(tab.computed, timeout=20000):
        tab.reload()
    tab.ask_path = lambda _parent, _suggested: "/dev/full"
    tab.sectionList.setFocus()
    qtbot.keyClick(tab.sectionList, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "磁盘已满" in tab.message.text())
    assert tab.message.isVisible()
    assert audit(shop, "figures.export") == []


def test_a_range_the_wrong_way_round_is_refused_on_the_spot(qtbot, tab, zh) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(tab.computed, timeout=20000):
        tab.reload()
    tab.periodBox.setFocus()
    with qtbot.waitSignal(tab.computed, timeout=20000):
        qtbot.keyClick(tab.periodBox, Qt.Key.Key_End)
    tab.toEdit.setFocus()
    tab.toEdit.setDate(tab.fromEdit.date().addDays(-3))
    qtbot.keyClick(tab.toEdit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "结束日期早于开始日期" in tab.message.text())
    QApplication.processEvents()


def test_f12_then_alt_f_shows_the_figures_to_a_manager(
    qtbot, make_window, shop, staff, scan_clock, zh, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """From the counter: F12, Alt+F, the page counted by the window's runner, ↑ this week,
    Ctrl+E exports; a manager only (the desk's own test covers the refusal)."""
    window = make_window(staff.manager, runner=TaskRunner())

    def press(key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
        scan_clock.advance(150)
        qtbot.keyClick(QApplication.focusWidget(), key, modifier)
        scan_clock.advance(150)
        window.scanner.flush()

    press(Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: window.deskWindow is not None)
    desk = window.deskWindow
    qtbot.waitExposed(desk)
    desk.activateWindow()
    qtbot.waitUntil(desk.isActiveWindow)
    tab = desk.figuresTab
    with qtbot.waitSignal(tab.computed, timeout=20000):
        press(Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    assert desk.tabs.currentWidget() is tab
    assert QApplication.focusWidget() is tab.periodBox
    assert (tab.page.period.kind, tab.page.receipts, tab.page.registered) == ("month", 4, 3)
    with qtbot.waitSignal(tab.computed, timeout=20000):
        press(Qt.Key.Key_Up)
    assert tab.page.period.kind == "week"
    target = tmp_path / "week.csv"
    tab.ask_path = lambda _parent, _suggested: str(target)
    press(Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(audit(shop, "figures.export")))
    assert target.read_bytes().count(b"\r\n") > 20  # CSV lines end in CR LF
    assert audit(shop, "figures.export")[0]["period"] == "2026-12-14..2026-12-16"


def test_closing_the_desk_while_the_page_is_counted_is_harmless(
    qtbot, make_window, shop, staff, scan_clock, zh
) -> None:  # type: ignore[no-untyped-def]
    """Esc while the worker still counts: the desk is hidden (kept), the page arrives for the
    hidden tab and nothing else happens (no crash dialog, no exception in a slot)."""
    runner = TaskRunner()
    window = make_window(staff.manager, runner=runner)
    gate = threading.Event()
    original = figures.store_figures

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        gate.wait(10)
        return original(*args, **kwargs)

    import ui.manager.figures_tab as tab_module

    tab_module.figures.store_figures = slow  # type: ignore[attr-defined]
    try:
        window.open_desk()
        desk = window.deskWindow
        desk.show_tab(desk.tabs.indexOf(desk.figuresTab))  # counting starts, held at the gate
        qtbot.waitUntil(lambda: runner.busy == 1)
        desk.close()
        qtbot.waitUntil(lambda: not desk.isVisible())
        with qtbot.waitSignal(desk.figuresTab.computed, timeout=20000):
            gate.set()
        assert desk.figuresTab.page is not None and runner.busy == 0
    finally:
        gate.set()
        tab_module.figures.store_figures = original  # type: ignore[attr-defined]
