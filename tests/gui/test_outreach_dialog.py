"""Outreach lists by key events only (issue 17): Ctrl+F9 opens them for a service assistant,
a birthday list for the month is built and exported masked (audited), a store manager's
export is in clear, an unwritable file gets a message, a cashier gets no lists. One test
runs the real thread pool: building and exporting happen off the UI thread."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QLabel, QTableWidget, QWidget
from shiboken6 import isValid
from uidata import ScanClock

from counter import services
from counter.settings import Settings
from counter.sync.apply import apply_member_records
from ui.care.outreach_dialog import OutreachDialog
from ui.shell.tasks import BaseRunner, TaskRunner

NOW = dt.datetime(2026, 12, 20, 4, 0, tzinfo=dt.UTC)  # 12:00 in China


def record(i: int, name: str, birthday: str, tier: str = "basic") -> dict[str, Any]:
    return {
        "id": f"01900000-0000-7000-8000-{i:012d}", "seq": i, "status": "active",
        "member_no": f"{1_000_000_000 + i}", "name": name, "gender": "F",
        "birthday": birthday, "phone": f"1365555{i:04d}", "email": "",
        "address": "上海市浦东新区张江路1号", "tier": tier, "points": 0, "health": None,
        "updated_at": "2026-11-01T00:00:00.000000Z", "cards": [], "points_expiring": [],
        "recent_visits": [],
    }  # fmt: skip


def clientele(ctx: services.ServiceContext, by: services.Actor) -> None:
    """Five members; four agreed to marketing here, one of them withdrew since."""
    ctx.clock = lambda: NOW
    recs = [
        record(1, "曾小明", "1985-12-24", "gold"),
        record(2, "欧阳娜娜", "1990-01-05"),
        record(3, "李四", "1970-03-01"),
        record(4, "王芳", "1988-12-30"),
        record(5, "张伟", "1979-12-21"),
    ]
    with ctx.db.write() as s:
        apply_member_records(s, recs, ctx.cipher, NOW)
    for i, rec in enumerate(recs[:4]):
        ctx.clock = lambda i=i: NOW + dt.timedelta(seconds=i)
        services.record_consent(ctx, by, rec["id"], "marketing", granted=True)
    ctx.clock = lambda: NOW + dt.timedelta(minutes=1)
    services.record_consent(ctx, by, recs[3]["id"], "marketing", granted=False)
    ctx.clock = lambda: NOW + dt.timedelta(minutes=2)


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def press(qtbot, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(focused(), key, modifier)


def open_outreach(qtbot, window) -> OutreachDialog:  # type: ignore[no-untyped-def]
    qtbot.keyClick(window, Qt.Key.Key_F9, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.outreachDialog is not None)
    dialog = window.outreachDialog
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: focused().objectName() == "outreachList")
    return dialog


def type_text(qtbot, window, clock: ScanClock, text: str) -> None:  # type: ignore[no-untyped-def]
    """At a person's pace: the scanner filter takes a burst of keys for a scan."""
    for char in text:
        clock.advance(150)
        qtbot.keyClicks(focused(), char)
    clock.advance(150)
    window.scanner.flush()


def type_path(qtbot, window, clock: ScanClock, path: Path) -> None:  # type: ignore[no-untyped-def]
    press(qtbot, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    assert focused().objectName() == "outreachPath"
    press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, window, clock, str(path))
    assert focused().text() == str(path)


def export_audits(settings: Settings) -> list[dict[str, Any]]:
    con = sqlite3.connect(settings.db_path)
    try:
        rows = con.execute(
            "SELECT details FROM audit_log WHERE action = 'outreach.export' ORDER BY id"
        ).fetchall()
    finally:
        con.close()
    return [json.loads(d) for (d,) in rows]


def table_rows(dialog: OutreachDialog) -> list[list[str]]:
    table = dialog.findChild(QTableWidget, "outreachTable")
    return [[table.item(r, c).text() for c in range(3)] for r in range(table.rowCount())]


def test_a_month_of_birthdays_built_and_exported_masked_by_keys(
    qtbot, make_window, ctx, staff, settings, tmp_path, scan_clock, zh
) -> None:  # type: ignore[no-untyped-def]
    clientele(ctx, staff.service)
    window = make_window(staff.service)
    dialog = open_outreach(qtbot, window)
    # The list: new members → birthdays (one down); days: 30.
    press(qtbot, Qt.Key.Key_Down)
    assert dialog.listCombo.currentData() == "birthdays"
    press(qtbot, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    assert focused().objectName() == "outreachDays"
    press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, window, scan_clock, "30")
    press(qtbot, Qt.Key.Key_Return)
    count = dialog.findChild(QLabel, "outreachCount")
    qtbot.waitUntil(lambda: "2" in count.text())
    assert count.text() == "共 2 位会员。"
    # Soonest first; 王芳 withdrew, 张伟 never agreed, 李四's birthday is in March.
    assert table_rows(dialog) == [
        ["1000000001", "曾*明", "136****0001"],
        ["1000000002", "欧**娜", "136****0002"],
    ]
    target = tmp_path / "birthdays.csv"
    type_path(qtbot, window, scan_clock, target)
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    status = dialog.findChild(QLabel, "outreachStatus")
    qtbot.waitUntil(lambda: "已写入" in status.text())
    with target.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert [r[1:3] for r in rows[1:]] == [["曾*明", "136****0001"], ["欧**娜", "136****0002"]]
    assert export_audits(settings) == [
        {"list": "birthdays", "days": 30, "rows": 2, "masked": True, "file": "birthdays.csv"}
    ]
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.outreachDialog is None)


def test_a_manager_exports_in_clear_off_the_ui_thread(
    qtbot, make_window, ctx, staff, settings, tmp_path, scan_clock
) -> None:  # type: ignore[no-untyped-def]
    clientele(ctx, staff.service)
    window = make_window(staff.manager, runner=TaskRunner())
    dialog = open_outreach(qtbot, window)
    for _ in range(3):  # → everyone (by tier or district)
        press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    press(qtbot, Qt.Key.Key_Down)  # every tier → basic
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.listed is not None)
    assert [r[1] for r in table_rows(dialog)] == ["欧**娜", "李*"]
    target = tmp_path / "basic.csv"
    type_path(qtbot, window, scan_clock, target)
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: target.exists() and export_audits(settings) != [])
    qtbot.waitUntil(lambda: dialog.buildButton.isEnabled())
    text = target.read_text(encoding="utf-8-sig")
    assert "欧阳娜娜,13655550002" in text and "李四,13655550003" in text
    assert export_audits(settings)[-1] == {
        "list": "segment", "tier": "basic", "rows": 2, "masked": False, "file": "basic.csv"
    }  # fmt: skip


def test_an_unwritable_file_is_a_message_not_a_crash(
    qtbot, make_window, ctx, staff, settings, tmp_path, scan_clock
) -> None:  # type: ignore[no-untyped-def]
    clientele(ctx, staff.service)
    window = make_window(staff.service, language="en")
    dialog = open_outreach(qtbot, window)
    press(qtbot, Qt.Key.Key_Return)  # new members: none registered here
    assert dialog.countLabel.text() == "0 members listed."
    assert not dialog.exportButton.isEnabled()
    for _ in range(3):
        press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.listed is not None and dialog.listed.count == 3
    type_path(qtbot, window, scan_clock, tmp_path / "missing" / "x.csv")
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "choose a folder that exists" in dialog.statusLabel.text()
    assert focused().objectName() == "outreachPath"
    assert export_audits(settings) == []


def test_a_cashier_gets_no_outreach_lists(qtbot, make_window, staff) -> None:  # type: ignore[no-untyped-def]
    window = make_window(staff.cashier, language="en")
    qtbot.keyClick(window, Qt.Key.Key_F9, Qt.KeyboardModifier.ControlModifier)
    assert window.outreachDialog is None
    assert "service assistant or store manager" in window.statusBarWidget.currentMessage()


class LaterRunner(BaseRunner):
    """Holds each job until the test runs it: the answer of a build arrives after Esc."""

    def __init__(self) -> None:
        super().__init__()
        self.jobs: list[tuple[Any, Any, Any]] = []

    def submit(self, fn, on_done, on_error=None) -> None:  # type: ignore[no-untyped-def]
        self.jobs.append((fn, on_done, on_error))

    def run_all(self) -> None:
        while self.jobs:
            fn, on_done, on_error = self.jobs.pop(0)
            try:
                result = fn()
            except Exception as exc:
                self.handle_error(exc, on_error)
            else:
                on_done(result)


def test_a_list_built_after_the_dialog_closed_is_dropped_quietly(
    qtbot, make_window, ctx, staff
) -> None:  # type: ignore[no-untyped-def]
    clientele(ctx, staff.service)
    runner = LaterRunner()
    window = make_window(staff.service, language="en", runner=runner)
    qtbot.keyClick(window, Qt.Key.Key_F9, Qt.KeyboardModifier.ControlModifier)
    dialog = window.outreachDialog
    assert dialog is not None
    dialog.build()
    dialog.reject()  # Esc while the list is being built
    qtbot.waitUntil(lambda: window.outreachDialog is None)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not isValid(dialog)
    runner.run_all()  # the districts and the list arrive: nothing to show them in, no error
