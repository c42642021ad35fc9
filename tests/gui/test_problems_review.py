"""The problems list explains an offline redemption HQ flags for review (issue 8 item 6).

A real counter books ten offline redemptions of 400 points while HQ's cap is already 500
(HQ lowered it while the store was offline); after the sync the manager's problems list
shows the nine HQ flags, says what happened in Chinese, and offers only dismissal.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from sync_helpers import HQ

from counter import services
from counter.sync.engine import sync_once
from hq.config import set_rules
from hq.db import make_engine
from ui.shell.problems_dialog import ProblemsDialog
from ui.shell.tasks import ImmediateRunner


def set_cap(hq: HQ, cap: int) -> None:
    engine = make_engine(hq.url_db)
    with engine.begin() as conn:
        set_rules(conn, {"points": {"offline_redeem_cap_per_day": cap}})
    engine.dispose()


def test_the_manager_sees_why_and_can_only_dismiss(qtbot, hq: HQ, zh) -> None:  # type: ignore[no-untyped-def]
    set_cap(hq, 5000)
    c = hq.counter()
    manager = services.create_operator(c.ctx, "陈刚", "manager", "3333")
    member = services.register_member(c.ctx, c.actor, services.MemberForm("王五", "13700000031"))
    now = c.ctx.clock()
    c.ctx.clock = lambda: now
    cash = [services.Tender("cash", 500_000)]
    sale = [services.SaleLine("otc", 500_000)]
    services.earn_points(c.ctx, c.actor, member.id, "R-1", now, sale, cash)
    assert sync_once(c.ctx).ok
    set_cap(hq, 500)
    for _ in range(10):
        services.redeem_points(c.ctx, c.actor, member.id, 400, "礼品", online=False)
    assert sync_once(c.ctx).ok

    dialog = ProblemsDialog(c.ctx, manager, ImmediateRunner(), language="zh_CN")
    qtbot.addWidget(dialog)
    try:
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        dialog.reload()  # as the main window does when it opens the list
        assert dialog.loads == 1 and dialog.model.rowCount() == 9
        model = dialog.model
        assert {model.index(r, 2).data() for r in range(9)} == {"已入账，但超出每日离线兑换上限"}
        dialog.table.selectRow(0)
        text = dialog.detailLabel.text()
        assert "总部已为此次兑换入账" in text and "每日上限 500" in text
        retry = dialog.findChild(QPushButton, "retryButton")
        dismiss = dialog.findChild(QPushButton, "dismissButton")
        assert (retry.isEnabled(), dismiss.isEnabled()) == (False, True)
        with qtbot.waitSignal(dialog.changed, timeout=10_000):
            qtbot.keyClick(dialog.table, Qt.Key.Key_Delete)
        qtbot.waitUntil(lambda: model.rowCount() == 8, timeout=10_000)
    finally:
        dialog.close()
