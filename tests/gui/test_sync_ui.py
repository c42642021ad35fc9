"""Sync in the desktop app against the real reference HQ on 127.0.0.1: the background
worker, the status bar, and the problems list a store manager works through."""

import json
import sqlite3
import threading
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox, QPushButton, QToolButton
from sync_helpers import HQ, Counter, cache_members, outbox_states, sql
from uidata import type_with_ime

from counter import services
from counter.services import audit
from counter.sync.engine import sync_once
from ui.shell.main_window import MainWindow
from ui.shell.problems_dialog import ProblemsDialog, ProblemsPage
from ui.shell.status_bar import CounterStatusBar
from ui.shell.tasks import TaskRunner

SALE = [services.SaleLine("otc", 12_345)]
CASH = [services.Tender("cash", 12_345)]


@pytest.fixture
def open_window(qtbot, hq, zh):  # type: ignore[no-untyped-def]
    """The counter window of ``counter`` for ``actor``, syncing with the real HQ."""
    made: list[tuple[MainWindow, TaskRunner]] = []

    def build(counter: Counter, actor: services.Actor, *, first_sync: bool = True) -> MainWindow:
        runner = TaskRunner()
        window = MainWindow(counter.ctx, counter.settings, actor, runner, language="zh_CN")
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        made.append((window, runner))
        if first_sync:
            qtbot.waitUntil(lambda: window.sync.runs >= 1, timeout=20_000)
        return window

    yield build
    for window, runner in made:
        window.close()
        runner.shutdown()


def label(window: MainWindow, name: str) -> QLabel:
    found = window.findChild(QLabel, name)
    assert found is not None, name
    return found


def problems_button(window: MainWindow) -> QToolButton:
    found = window.findChild(QToolButton, "problemsButton")
    assert found is not None
    return found


def audit_actions(ctx: services.ServiceContext) -> list[str]:
    return [entry.action for entry in audit.recent(ctx)]


def test_f5_syncs_what_another_program_wrote_and_says_when(qtbot, hq: HQ, open_window) -> None:
    hq.seed(20)
    c = hq.counter()
    window = open_window(c, c.actor)
    assert window.sync.last is not None and window.sync.last.ok
    assert label(window, "onlineLabel").text() == "在线"
    assert label(window, "lastSyncLabel").text().startswith("上次同步 ")
    assert len(cache_members(c.ctx)) == 20
    # `counter` on the command line (another context on the same cache) queues an op:
    # no local-write signal reaches the window, so only the timer or F5 sends it.
    other = services.open_context(c.settings)
    member_id = sorted(cache_members(c.ctx))[0]
    services.earn_points(other, c.actor, member_id, "R-1", other.clock(), SALE, CASH)
    other.close()
    window.statusBarWidget.refresh_counts()
    assert label(window, "pendingLabel").text() == "待同步 1"
    assert not window.sync.debounce.isActive() and window.sync.timer.isActive()

    with qtbot.waitSignal(window.sync.finished, timeout=20_000) as blocker:
        qtbot.keyClick(window.findChild(QLineEdit, "lookupInput"), Qt.Key.Key_F5)
    outcome = blocker.args[0]
    assert outcome.announce and outcome.ok and outcome.report.pushed == 1
    assert label(window, "pendingLabel").text() == "待同步 0"
    assert outbox_states(c.ctx) == [("points.earn", "applied")]
    assert window.statusBar().currentMessage().startswith("同步完成")
    # The "同步" button in the status bar is the same action.
    button = window.findChild(QToolButton, "syncButton")
    assert button.isVisible() and button.text() == "同步"
    with qtbot.waitSignal(window.sync.finished, timeout=20_000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_a_burst_of_local_writes_gives_one_debounced_sync(qtbot, hq: HQ, open_window) -> None:
    hq.seed(10)
    c = hq.counter()
    window = open_window(c, c.actor)
    sync = window.sync
    assert sync.runs == 1
    ids = sorted(cache_members(c.ctx))[:3]
    writers = [
        threading.Thread(
            target=services.earn_points,
            args=(c.ctx, c.actor, member_id, f"R-{i}", c.ctx.clock(), SALE, CASH),
        )
        for i, member_id in enumerate(ids)
    ]
    for writer in writers:  # written off the UI thread, as the panels' services are
        writer.start()
    for writer in writers:
        writer.join()
    qtbot.waitUntil(sync.debounce.isActive)
    assert not sync.running and sync.runs == 1  # debounced: not yet
    qtbot.waitUntil(lambda: sync.runs == 2, timeout=20_000)
    assert [state for _, state in outbox_states(c.ctx)] == ["applied"] * 3
    assert label(window, "pendingLabel").text() == "待同步 0"
    # One sync for the burst: nothing else is scheduled but the 30-second timer.
    assert not sync.running and not sync.debounce.isActive() and sync.timer.isActive()
    assert sync.runs == 2


def test_progress_shows_in_the_status_bar(qtbot, hq: HQ, open_window, monkeypatch) -> None:
    hq.seed(50)
    c = hq.counter()
    shown: list[str] = []
    show_progress = CounterStatusBar.show_progress

    def recorded(bar: CounterStatusBar, progress: Any) -> None:
        # Recorded from the window's first sync, which starts as the window is built.
        show_progress(bar, progress)
        shown.append(bar.onlineLabel.text())

    monkeypatch.setattr(CounterStatusBar, "show_progress", recorded)
    window = open_window(c, c.actor, first_sync=False)
    online = label(window, "onlineLabel")
    qtbot.waitUntil(lambda: window.sync.runs >= 1, timeout=20_000)
    assert "正在同步 · 会员 50" in shown, shown
    assert online.text() == "在线" and online.property("state") == "online"


def test_hq_stopped_shows_offline_with_the_reason(qtbot, hq: HQ, open_window) -> None:
    c = hq.counter()
    window = open_window(c, c.actor)
    online = label(window, "onlineLabel")
    assert online.property("state") == "online"
    hq.stop()
    window.activateWindow()
    with qtbot.waitSignal(window.sync.finished, timeout=20_000) as blocker:
        window.syncAction.trigger()
    assert not blocker.args[0].probe.online
    assert (online.text(), online.property("state")) == ("离线", "offline")
    assert "无法连接总部" in online.toolTip()
    assert "无法连接总部" in window.statusBar().currentMessage()


def test_a_manager_works_through_the_problems_list(qtbot, hq: HQ, open_window) -> None:
    hq.seed(10)
    a, b = hq.counter("S001"), hq.counter("S002")
    manager = services.create_operator(a.ctx, "赵店长", "manager", "3456")
    window = open_window(a, manager)
    # Store B registers a phone first; store A registers the same person offline.
    form = services.MemberForm(name="周晓梅", phone="13700001111")
    services.register_member(b.ctx, b.actor, form)
    assert sync_once(b.ctx).ok
    # Store A's copy of a member names a tier HQ never gave them (a damaged cache): HQ
    # refuses the points it computes from it.
    member_id = sorted(cache_members(a.ctx))[0]
    tier = services.get_member(a.ctx, a.actor, member_id).tier
    forged = "gold" if tier != "gold" else "basic"
    con = sqlite3.connect(a.ctx.db.path)
    with con:
        con.execute("UPDATE members SET tier = ? WHERE id = ?", (forged, member_id))
    con.close()
    services.register_member(a.ctx, a.actor, form)
    services.earn_points(a.ctx, a.actor, member_id, "R-7", a.ctx.clock(), SALE, CASH)
    button = problems_button(window)
    # The writes are sent by the debounced sync after them; HQ refuses both.
    qtbot.waitUntil(lambda: button.text() == "问题 2", timeout=20_000)
    assert button.property("state") == "problem"

    button.setFocus()  # reachable by keyboard: Space opens it (once the scanner filter
    qtbot.keyClick(button, Qt.Key.Key_Space)  # has seen it is no scan)
    qtbot.waitUntil(lambda: window.findChild(ProblemsDialog) is not None)
    dialog = window.findChild(ProblemsDialog, "problemsDialog")
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.loads == 1, timeout=10_000)
    assert audit_actions(a.ctx)[0] == "problems.view"
    model = dialog.model
    rows = {
        model.index(r, 3).data(): [model.index(r, col).data() for col in range(5)]
        for r in range(model.rowCount())
    }
    assert set(rows) == {"phone_registered", "tier_not_held"}
    assert rows["phone_registered"][1:3] == ["会员登记", "该手机号已是总部会员"]
    assert rows["tier_not_held"][1:3] == ["积分累计", "总部从未给该会员本单所用的等级"]
    assert "*" in rows["tier_not_held"][4]  # the member, masked
    assert not dialog.findChild(QLabel, "supersededEarns").isVisible()
    retry = dialog.findChild(QPushButton, "retryButton")
    dismiss = dialog.findChild(QPushButton, "dismissButton")

    def select(code: str) -> None:
        row = next(r for r in range(model.rowCount()) if model.index(r, 3).data() == code)
        dialog.table.selectRow(row)

    # Registered twice: HQ would refuse a retry; the manager dismisses it with a note.
    select("phone_registered")
    assert (retry.isEnabled(), dismiss.isEnabled()) == (False, True)
    assert dialog.detailLabel.text().startswith("该顾客已是总部会员 ")
    type_with_ime(dialog.noteEdit, "同一顾客，已合并")
    with qtbot.waitSignal(dialog.changed, timeout=10_000):
        qtbot.keyClick(dialog.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: dialog.loads == 2 and model.rowCount() == 1, timeout=10_000)
    entry = next(e for e in audit.recent(a.ctx) if e.action == "problem.dismiss")
    assert (entry.operator_id, json.loads(entry.details)["note"]) == (
        manager.operator_id,
        "同一顾客，已合并",
    )
    assert button.text() == "问题 1"

    # The points: retried with HQ's figure (Enter on the list), then sent by the sync.
    select("tier_not_held")
    assert retry.isEnabled()
    assert "本单应积" in dialog.detailLabel.text()
    outcomes: list[Any] = []
    window.sync.finished.connect(outcomes.append)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "problem.retry" in audit_actions(a.ctx), timeout=10_000)
    qtbot.waitUntil(lambda: model.rowCount() == 0, timeout=10_000)
    assert (retry.isEnabled(), dismiss.isEnabled()) == (False, False)
    # The sync the dismissal asked for may still be running: the retry goes in the next one.
    earns = "SELECT state FROM outbox WHERE type = 'points.earn' ORDER BY seq"
    qtbot.waitUntil(lambda: sql(a.ctx, earns) == [("superseded",), ("applied",)], timeout=20_000)
    qtbot.waitUntil(lambda: label(window, "pendingLabel").text() == "待同步 0", timeout=20_000)
    assert outcomes and all(o.ok for o in outcomes)
    assert button.text() == "问题 0" and button.property("state") == "ok"
    # Earns HQ booked under rules it had already replaced are counted below the list.
    dialog._loaded(ProblemsPage((), 2))
    superseded = dialog.findChild(QLabel, "supersededEarns")
    assert superseded.isVisible() and superseded.text().startswith("2 笔")
    qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_a_problem_of_a_member_hq_erased_shows_no_person(qtbot, hq: HQ, open_window) -> None:
    """PIPL Art. 47: the refusal stays in the list, without the person, and can't be retried."""
    from hq.db import make_engine
    from hq.members import delete_member

    c = hq.counter()
    manager = services.create_operator(c.ctx, "赵店长", "manager", "3456")
    form = services.MemberForm(name="欧阳翠微", phone="13998765432")
    member = services.register_member(c.ctx, c.actor, form)
    assert sync_once(c.ctx).ok
    services.earn_points(c.ctx, c.actor, member.id, "R-9", c.ctx.clock(), SALE, CASH)
    engine = make_engine(hq.url_db)
    delete_member(engine, member.id)
    engine.dispose()
    window = open_window(c, manager)  # its first sync sends the earn and pulls the tombstone
    button = problems_button(window)
    qtbot.waitUntil(lambda: button.text() == "问题 1", timeout=20_000)
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.findChild(ProblemsDialog) is not None)
    dialog = window.findChild(ProblemsDialog, "problemsDialog")
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.loads == 1, timeout=10_000)
    model = dialog.model
    assert model.rowCount() == 1 and model.index(0, 4).data() == "—"  # no member shown
    dialog.table.selectRow(0)
    assert dialog.detailLabel.text().startswith("总部已删除该会员")
    assert not dialog.findChild(QPushButton, "retryButton").isEnabled()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)


def test_a_cashier_is_told_a_manager_must_sign_in(qtbot, hq: HQ, open_window) -> None:
    c = hq.counter()
    cashier = services.create_operator(c.ctx, "王收银", "cashier", "1234")
    window = open_window(c, cashier)
    qtbot.mouseClick(problems_button(window), Qt.MouseButton.LeftButton)
    box = window.findChild(QMessageBox, "problemsDeniedBox")
    qtbot.waitUntil(box.isVisible)
    assert "店长" in box.text()
    assert window.findChild(ProblemsDialog) is None
    assert "problems.view" not in audit_actions(c.ctx)
    box.close()


def test_closing_the_window_stops_the_sync_and_loses_nothing(qtbot, hq: HQ, open_window) -> None:
    hq.seed(200)
    c = hq.counter()
    services.register_member(
        c.ctx, c.actor, services.MemberForm(name="周晓梅", phone="13700002222")
    )
    window = open_window(c, c.actor, first_sync=False)
    qtbot.waitUntil(lambda: window.sync.running)
    window.close()  # asks the engine to stop and waits for it
    assert window.sync.runner.pool.activeThreadCount() == 0
    assert c.ctx.on_write is None
    report = sync_once(c.ctx)
    assert report.ok, report.errors
    assert outbox_states(c.ctx) == [("member.register", "applied")]
    assert len(cache_members(c.ctx)) == 201


# ------------------------------------------------------------ issue 13: offline, F5, stale


@pytest.fixture
def proxied(hq: HQ):  # type: ignore[no-untyped-def]
    """A counter that reaches HQ through a fault proxy; HQ may stop and come back."""
    from faultproxy import FaultProxy

    proxy = FaultProxy(hq.url)
    from sync_helpers import Counter as StoreCounter

    counter = StoreCounter(hq.root / "counter-proxied", "S001", proxy.url, hq.token("S001"))
    hq.counters.append(counter)
    yield proxy, counter
    proxy.close()


def hq_back(hq: HQ, proxy: Any) -> None:
    hq.start()  # a new port: the proxy forwards there
    host, _, port = hq.url.removeprefix("http://").rpartition(":")
    proxy.upstream = (host, int(port))


def test_unknown_card_offline_says_what_it_means_and_clears_when_hq_is_back(
    qtbot, hq: HQ, proxied, open_window
) -> None:
    """Item 9: not "无法连接总部。" alone, but what it means and what to do. Item 8: that
    message, and the status bar's offline message, go once HQ answers again."""
    from counter.codes import make_card_no

    proxy, c = proxied
    window = open_window(c, c.actor)
    hq.stop()
    field = window.findChild(QLineEdit, "lookupInput")
    qtbot.keyClicks(field, make_card_no("800000000009634"))
    qtbot.keyClick(field, Qt.Key.Key_Return)
    message = label(window, "lookupMessage")
    qtbot.waitUntil(lambda: message.property("tone") == "offline", timeout=20_000)
    assert message.text() == (
        "本店还没有这张卡的会员资料，现在又连不上总部查询。请为顾客登记会员，或等联网后再扫一次。"
    )
    with qtbot.waitSignal(window.sync.finished, timeout=20_000):
        window.syncAction.trigger()
    assert label(window, "onlineLabel").property("state") == "offline"
    assert "无法连接总部" in window.statusBar().currentMessage()

    hq_back(hq, proxy)
    with qtbot.waitSignal(window.sync.finished, timeout=20_000) as blocker:
        window.syncAction.trigger()
    assert blocker.args[0].probe.online
    assert label(window, "onlineLabel").property("state") == "online"
    assert message.text() == "" and message.property("tone") == ""
    assert "无法连接总部" not in window.statusBar().currentMessage()


def test_f5_answers_at_once_and_the_state_follows_a_probe_during_a_long_sync(
    qtbot, hq: HQ, proxied, open_window
) -> None:
    """Item 8: F5 is answered the moment it is pressed; pressed while a sync is stuck, HQ is
    probed at once and the online state shows that probe, not the old state."""
    from faultproxy import Fault

    proxy, c = proxied
    window = open_window(c, c.actor)
    online = label(window, "onlineLabel")
    hq.stop()
    with qtbot.waitSignal(window.sync.finished, timeout=20_000):
        window.syncAction.trigger()
    assert online.property("state") == "offline"

    hq_back(hq, proxy)
    # The next sync's first page of members hangs in the proxy for a while.
    proxy.script(Fault("latency", delay_s=4.0), method="GET", path="/v1/members/changes")
    window.syncAction.trigger()  # F5: said at once
    assert window.statusBar().currentMessage() == "正在同步…"
    assert online.property("state") == "syncing"
    qtbot.waitUntil(lambda: proxy.log and proxy.log[-1][2] == "latency", timeout=20_000)
    assert window.sync.running
    with qtbot.waitSignal(window.sync.probed, timeout=5_000) as probed:
        window.syncAction.trigger()  # F5 again, while the sync hangs
        assert "正在进行" in window.statusBar().currentMessage()
    assert probed.args[0].online
    assert window.sync.running  # the probe answered before the sync
    assert (online.text(), online.property("state")) == ("在线 · 同步中…", "syncing")
    qtbot.waitUntil(lambda: not window.sync.running and window.sync.runs >= 4, timeout=30_000)
    qtbot.waitUntil(lambda: online.property("state") == "online", timeout=30_000)


def test_the_member_on_screen_is_read_again_after_the_sync(qtbot, hq: HQ, open_window) -> None:
    """F3 booked points pending; once F5's sync applied them, the panel no longer says
    "+ N pending" (it did until the next scan, while F6 already said nothing was pending)."""
    hq.seed(5)
    c = hq.counter()
    window = open_window(c, c.actor)
    member_id = sorted(cache_members(c.ctx))[0]
    result = services.earn_points(c.ctx, c.actor, member_id, "R-9", c.ctx.clock(), SALE, CASH)
    window._show_member(result.member)
    detail = label(window, "memberPointsDetail")
    assert "待同步" in detail.text() and "无待同步" not in detail.text()
    with qtbot.waitSignal(window.sync.finished, timeout=20_000):
        qtbot.keyClick(window.findChild(QLineEdit, "lookupInput"), Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: "无待同步" in detail.text())
    view = window.memberPanel.view
    assert view.pending_points == 0 and view.points_shown == result.member.points_shown
