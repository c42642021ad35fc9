"""F6, redeem a reward, by key events only (issue 15): the catalogue from HQ's config, picked
by its number or the arrows, a quantity, the balance before and after; online the balance
is the limit, offline the day's cap is shown and enforced; a reward's daily limit."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt
from test_complaints import Keys, expect_focus, open_dialog, scan
from test_points_earn import CARD, earn_window, ledger
from uidata import make_settings

from counter import rules, services
from counter.store.models import KeyValue
from ui.shell.sync_controller import SyncOutcome

BALANCE = 1280  # 曾小明 at HQ


def redeem_ops(window) -> list[dict]:  # type: ignore[no-untyped-def, type-arg]
    con = sqlite3.connect(window.settings.db_path)
    try:
        rows = con.execute("SELECT payload FROM outbox WHERE type = 'points.redeem'").fetchall()
    finally:
        con.close()
    return [json.loads(p) for (p,) in rows]


def set_online(window, online: bool) -> None:  # type: ignore[no-untyped-def]
    """What the last sync found: HQ reachable or not (the dialog takes it as it opens)."""
    window.sync.last = SyncOutcome(services.HQProbe(online=online, configured=True))


def open_redeem(qtbot, window, scan_clock):  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.lookupBar.input.hasFocus())
    scan(qtbot, window, CARD)
    keys = Keys(qtbot, scan_clock, window)
    dialog = open_dialog(qtbot, keys, Qt.Key.Key_F6, "redeemDialog")
    expect_focus("rewardList")
    return keys, dialog


def test_one_reward_in_three_keys_online(
    qtbot, make_window, staff, members, scan_clock, tmp_path: Path, zh
):
    window = earn_window(make_window, staff, tmp_path)
    set_online(window, True)
    keys, dialog = open_redeem(qtbot, window, scan_clock)
    assert dialog.rewardList.count() == len(rules.DEFAULT_REWARDS)
    assert dialog.rewardList.item(0).text().startswith("1. 医用口罩")
    assert "每天限 2 份" in dialog.rewardList.item(0).text()
    assert "总部在线" in dialog.modeLabel.text()
    keys.press(Qt.Key.Key_3)  # 维生素C片, 300 points
    assert dialog.chosen().reward.code == "VITC"
    assert f"{BALANCE:,} → {BALANCE - 300:,}" in dialog.summaryLabel.text()
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.redeemDialog is None)
    assert keys.count == 3  # F6, 3, Enter
    print(f"\nF6 redeem one reward: {keys.count} keystrokes")
    assert ledger(window) == [(-300, "redeem", "")]
    op = redeem_ops(window)[0]
    assert (op["reward"], op["quantity"], op["points"], op["offline"]) == ("VITC", 1, 300, False)
    assert window.memberPanel.view.points_shown == BALANCE - 300
    assert "300" in window.statusBarWidget.currentMessage()
    assert window.lastSlip is not None and window.lastSlip.printed


def test_arrows_quantity_and_the_balance_online(
    qtbot, make_window, staff, members, scan_clock, tmp_path: Path, zh
):
    window = earn_window(make_window, staff, tmp_path)
    set_online(window, True)
    keys, dialog = open_redeem(qtbot, window, scan_clock)
    keys.press(Qt.Key.Key_Down, times=3)  # 1 → 4: 电子体温计, 500, one a day
    assert dialog.chosen().reward.code == "THERMO"
    keys.press(Qt.Key.Key_Tab)
    expect_focus("quantitySpin")
    keys.press(Qt.Key.Key_Up)  # 2: beyond the daily limit of one
    assert "每天限兑 1 份" in dialog.errorLabel.text()
    assert not dialog.redeemButton.isEnabled()
    keys.press(Qt.Key.Key_Return)  # refused: nothing booked
    assert window.redeemDialog is dialog and ledger(window) == []
    keys.press(Qt.Key.Key_Backtab)
    keys.press(Qt.Key.Key_Up, times=3)  # back to 1: masks, 100 each
    keys.press(Qt.Key.Key_Tab)
    dialog.quantitySpin.selectAll()
    keys.type("2", counted=False)
    assert "200" in dialog.summaryLabel.text() and dialog.errorLabel.text() == ""
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.redeemDialog is None)
    assert redeem_ops(window)[0]["quantity"] == 2
    # The masks' limit is used up for today; the next try says so before Enter.
    keys, dialog = open_redeem(qtbot, window, scan_clock)
    assert "今天还可 0 份" in dialog.rewardList.item(0).text()
    # Beyond the balance (online): refused as it is chosen.
    with window.ctx.db.write() as s:
        body = {"points": {**rules.DEFAULT_CONFIG["points"], "rewards": [
            {"code": "TV", "name": "电视机", "points": 99_999}]}}  # fmt: skip
        s.merge(KeyValue(key="hq_config", value=json.dumps(body)))
    dialog.reload()
    assert dialog.rewardList.count() == 1
    assert "积分不足" in dialog.errorLabel.text()
    keys.press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.redeemDialog is None)


def test_offline_the_days_cap_is_shown_and_enforced(
    qtbot, make_window, staff, members, scan_clock, tmp_path: Path, zh
):
    window = make_window(staff.cashier, window_settings=make_settings(tmp_path))
    set_online(window, False)
    keys, dialog = open_redeem(qtbot, window, scan_clock)
    assert "还可兑换 500 积分" in dialog.modeLabel.text()
    keys.press(Qt.Key.Key_4)  # 电子体温计, 500: exactly the cap
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.redeemDialog is None)
    assert redeem_ops(window)[0]["offline"] is True
    keys, dialog = open_redeem(qtbot, window, scan_clock)
    assert "还可兑换 0 积分" in dialog.modeLabel.text()
    keys.press(Qt.Key.Key_5)  # a bag, 30 points: over the cap now
    assert "离线时每位会员每天最多兑换 500 积分" in dialog.errorLabel.text()
    keys.press(Qt.Key.Key_Return)
    assert window.redeemDialog is dialog and len(redeem_ops(window)) == 1
    # The balance shows what is pending.
    assert "本店待同步" in dialog.memberLabel.text()


def test_f6_without_a_member_says_why(qtbot, make_window, staff, members, scan_clock, zh):
    window = make_window(staff.cashier)
    keys = Keys(qtbot, scan_clock, window)
    keys.press(Qt.Key.Key_F6)
    assert window.redeemDialog is None and "F6" in window.statusBarWidget.currentMessage()


def test_closing_the_dialog_lets_it_go(qtbot, make_window, staff, members, scan_clock, zh):
    """close() (the window's lock, its own close) then deletion: no crash, keyboard back."""
    window = make_window(staff.cashier)
    _keys, dialog = open_redeem(qtbot, window, scan_clock)
    dialog.close()
    qtbot.waitUntil(lambda: window.redeemDialog is None)
    qtbot.wait(20)  # the deferred delete runs
    qtbot.waitUntil(lambda: window.lookupBar.input.hasFocus())
