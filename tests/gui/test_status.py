"""The status bar tells the truth about HQ without ever blocking the counter."""

import datetime as dt
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit
from uidata import CARD_NO, make_settings

from counter import services
from ui.main_window import MainWindow
from ui.tasks import TaskRunner

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


def test_f5_probes_again_and_says_so(qtbot, offline_window):
    window = offline_window
    monitor = window.monitor
    qtbot.waitUntil(lambda: not monitor.in_flight, timeout=10_000)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    with qtbot.waitSignal(monitor.probed, timeout=10_000) as blocker:
        qtbot.keyClick(window.findChild(QLineEdit, "lookupInput"), Qt.Key.Key_F5)
    probe, announced = blocker.args
    assert announced is True
    assert not probe.online and probe.configured
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


def test_online_and_clock_skew_are_told_apart(make_window, staff, zh):
    window = make_window(staff.manager)
    bar = window.statusBarWidget
    online = window.findChild(QLabel, "onlineLabel")
    bar.show_probe(services.HQProbe(online=True, configured=True, clock_skew_s=1.5))
    assert (online.text(), online.property("state")) == ("在线", "online")
    bar.show_probe(services.HQProbe(online=True, configured=True, clock_skew_s=-300.0))
    assert (online.text(), online.property("state")) == ("在线 · 时钟偏差 5 分钟", "warning")
