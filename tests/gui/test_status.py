"""The status bar tells the truth about HQ without ever blocking the counter."""

import datetime as dt
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox, QToolButton
from uidata import CARD_NO, NOW, make_settings

from counter import services
from counter.services.clock import record_skew
from counter.sync.engine import SYNC_BUSY, SyncProgress, SyncReport
from ui.shell.main_window import MainWindow
from ui.shell.sync_controller import SyncOutcome
from ui.shell.tasks import TaskRunner

UNREACHABLE = "http://127.0.0.1:9"  # the discard port: nothing listens there


@pytest.fixture
def offline_window(qtbot, tmp_path, zh):  # type: ignore[no-untyped-def]
    settings = make_settings(tmp_path, hq_url=UNREACHABLE)
    ctx = services.open_context(settings)
    actor = services.create_operator(ctx, "王收银", "cashier", "1234")
    services.register_member(
        ctx, actor, services.MemberForm(name="张小明", phone="13812345678", card_no=CARD_NO)
    )
    runner = TaskRunner()
    window = MainWindow(ctx, settings, actor, runner, language="zh_CN")
    window._test_runner = runner
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    runner.shutdown()
    ctx.close()


def test_unreachable_hq_shows_offline_and_the_counter_keeps_working(qtbot, offline_window):
    window = offline_window
    online = window.findChild(QLabel, "onlineLabel")
    # The probe runs in the pool; meanwhile the UI thread serves a scan.
    field = window.findChild(QLineEdit, "lookupInput")
    qtbot.keyClicks(field, CARD_NO)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert window.findChild(QLabel, "memberName").text() == "张*明"
    qtbot.waitUntil(lambda: online.property("state") == "offline", timeout=10_000)
    assert online.text() == "离线"
    assert "无法连接总部" in online.toolTip()


def test_f5_syncs_again_and_says_so(qtbot, offline_window):
    window = offline_window
    sync = window.sync
    qtbot.waitUntil(lambda: sync.runs == 1, timeout=10_000)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    with qtbot.waitSignal(sync.finished, timeout=10_000) as blocker:
        qtbot.keyClick(window.findChild(QLineEdit, "lookupInput"), Qt.Key.Key_F5)
    outcome = blocker.args[0]
    assert outcome.announce is True
    assert not outcome.probe.online and outcome.probe.configured and outcome.report is None
    assert "无法连接总部" in window.statusBar().currentMessage()


def test_probe_runs_off_the_ui_thread(qtbot, tmp_path):
    settings = make_settings(tmp_path, hq_url=UNREACHABLE)
    ctx = services.open_context(settings)
    runner = TaskRunner()
    threads: list[threading.Thread] = []
    results: list[services.HQProbe] = []

    def probe() -> services.HQProbe:
        threads.append(threading.current_thread())
        return services.probe_hq(ctx)

    runner.submit(probe, results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=10_000)
    runner.shutdown()
    ctx.close()
    assert threads[0] is not threading.main_thread()
    assert results[0].configured and not results[0].online


def test_not_configured_and_last_sync(make_window, staff, zh):
    window = make_window(staff.manager)
    bar = window.statusBarWidget
    assert window.findChild(QLabel, "onlineLabel").property("state") == "unconfigured"
    assert bar.last_sync_text(None) == "从未同步"
    earlier = dt.datetime(2024, 3, 1, 6, 30, tzinfo=dt.UTC)
    assert bar.last_sync_text(earlier).startswith("上次同步 2024-03-0")


def report(**fields: object) -> SyncReport:
    now = dt.datetime.now(dt.UTC)
    return SyncReport(started_at=now, finished_at=now, **fields)  # type: ignore[arg-type]


def test_online_clock_skew_and_failures_are_told_apart(make_window, staff, zh):
    window = make_window(staff.manager)
    bar = window.statusBarWidget
    online = window.findChild(QLabel, "onlineLabel")
    reachable = services.HQProbe(online=True, configured=True, clock_skew_s=1.5)
    bar.show_outcome(SyncOutcome(reachable, report(clock_skew_s=1.5)))
    assert (online.text(), online.property("state")) == ("在线", "online")
    # A large skew is the clock notice's to tell (test_a_wrong_pc_clock_is_told_…); HQ is fine.
    bar.show_outcome(SyncOutcome(reachable, report(clock_skew_s=-300.0)))
    assert (online.text(), online.property("state")) == ("在线", "online")
    # HQ went away half-way through, or answered junk: said by the error's code, in Chinese.
    gone = report(errors=("hq_unavailable: HQ cannot be reached. (POST /v1/ops)",))
    bar.show_outcome(SyncOutcome(reachable, gone))
    assert (online.text(), online.property("state")) == ("离线", "offline")
    assert "总部没有应答" in online.toolTip()
    junk = report(errors=("hq_protocol_error: HQ's answer is malformed. (…)",))
    bar.show_outcome(SyncOutcome(reachable, junk, announce=True))
    assert (online.text(), online.property("state")) == ("同步未完成", "error")
    assert online.toolTip() == "总部的回复无法使用，未保存其中任何内容。"
    assert window.statusBar().currentMessage() == online.toolTip()
    # Another sync of the cache (``counter sync``) held the lock: HQ is fine.
    busy = report(errors=(SYNC_BUSY,))
    bar.show_outcome(SyncOutcome(reachable, busy))
    assert (online.text(), online.property("state")) == ("在线", "online")
    assert online.toolTip() == "本机已有另一个同步在进行，本次跳过。"


def test_sync_progress_is_shown_while_syncing(make_window, staff, zh):
    window = make_window(staff.manager)
    bar = window.statusBarWidget
    online = window.findChild(QLabel, "onlineLabel")
    bar.show_syncing()
    assert (online.text(), online.property("state")) == ("正在同步…", "syncing")
    bar.show_progress(SyncProgress("pull members", 12_000))
    assert online.text() == "正在同步 · 会员 12,000"
    bar.show_progress(SyncProgress("push", 500, 10_000))
    assert online.text() == "正在同步 · 上传 500/10,000"
    bar.show_outcome(SyncOutcome(services.HQProbe(online=True, configured=True), report()))
    bar.show_progress(SyncProgress("pull complaints", 3))  # late, from the finished sync
    assert online.text() == "在线"


def test_a_wrong_pc_clock_is_told_with_both_times_and_a_manager_sees_how_to_fix_it(
    qtbot, make_window, ctx, staff, zh
):
    ctx.clock = lambda: NOW  # the PC's clock; HQ's is 7 minutes earlier
    record_skew(ctx, 420.0)  # as a sync measured it (kept in the cache: also after a restart)
    window = make_window(staff.manager)
    button = window.findChild(QToolButton, "clockButton")
    pc = NOW.astimezone().strftime("%H:%M")
    hq = (NOW - dt.timedelta(minutes=7)).astimezone().strftime("%H:%M")
    assert button.isVisible()
    assert button.text() == f"时钟快 7 分钟：电脑 {pc}，总部 {hq}"
    assert "点击查看如何校正" in button.toolTip()
    # A manager opens the how-to from the keyboard.
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "clockHelp") is not None)
    help_box = window.findChild(QMessageBox, "clockHelp")
    assert help_box.isVisible()
    assert f"这台电脑的时钟显示 {pc}，总部时间是 {hq}" in help_box.text()
    assert "自动设置时间" in help_box.informativeText() and hq in help_box.informativeText()
    qtbot.keyClick(help_box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "clockHelp") is None)
    # A cashier is told whom to ask.
    window.statusBarWidget.set_actor(staff.cashier)
    assert "请告知店长" in button.toolTip()
    # A sync that finds the clock set right: the notice goes.
    record_skew(ctx, 0.4)
    window.statusBarWidget.refresh_counts()
    assert not button.isVisible()


def test_the_clock_notice_fits_the_status_bar_at_1024(qtbot, make_window, ctx, staff, zh):
    ctx.clock = lambda: NOW
    record_skew(ctx, -420.0)
    window = make_window(staff.manager)
    window.resize(1024, 768)
    qtbot.waitUntil(lambda: window.width() == 1024)
    button = window.findChild(QToolButton, "clockButton")
    assert button.text().startswith("时钟慢 7 分钟：电脑 ")
    bar = window.statusBar()
    right = max(
        w.geometry().right()
        for w in bar.findChildren(QToolButton) + bar.findChildren(QLabel)
        if w.isVisible() and w.parent() is bar
    )
    assert right <= bar.width()
    assert button.width() >= button.sizeHint().width()
    assert window.minimumSizeHint().width() <= 1024
