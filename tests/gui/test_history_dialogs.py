"""F7 points history, refund (退货) and activity points (活动积分), driven by key events only;
the keystrokes are counted."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from uidata import NOW, hq_card

from counter import services
from ui.points.history_model import BALANCE, KIND, POINTS, REF, STATE

SALE = [services.SaleLine("otc", 12_345)]
CASH = [services.Tender("cash", 12_345)]
ZENG = "01890a5d-ac96-774b-bcce-000000000001"  # 曾小明: gold, 1,280 points at HQ


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


class Keys:
    """Key events, counted."""

    def __init__(self, qtbot) -> None:  # type: ignore[no-untyped-def]
        self.qtbot = qtbot
        self.count = 0

    def press(self, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier, times: int = 1) -> None:  # type: ignore[no-untyped-def]
        for _ in range(times):
            self.qtbot.keyClick(focused(), key, modifier)
            self.count += 1

    def type(self, text: str) -> None:
        for char in text:
            self.qtbot.keyClick(focused(), char)
        self.count += len(text)


def scan(qtbot, window, text: str) -> None:  # type: ignore[no-untyped-def]
    field = window.findChild(QLineEdit, "lookupInput")
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def open_history(qtbot, window, keys: Keys):  # type: ignore[no-untyped-def]
    keys.press(Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: window.historyDialog is not None)
    dialog = window.historyDialog
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.waitUntil(lambda: dialog.loads > 0)
    return dialog


def cells(dialog, row: int) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    model = dialog.model
    return tuple(model.index(row, c).data() for c in (KIND, REF, POINTS, STATE, BALANCE))


def test_f7_shows_the_history_newest_first_masked(qtbot, make_window, staff, members, zh):
    services.earn_points(members, staff.cashier, ZENG, "R-1", None, SALE, CASH)
    services.redeem_points(members, staff.cashier, ZENG, 100, "换购", online=True)
    window = make_window(staff.cashier)
    scan(qtbot, window, hq_card(1))
    keys = Keys(qtbot)
    dialog = open_history(qtbot, window, keys)
    assert keys.count == 1  # F7
    assert "曾*明" in dialog.memberLabel.text()  # masked, for every role
    assert "小" not in dialog.memberLabel.text()
    earned = 123 * 2 * 3 // 2  # ¥123 × gold 1.5 × member day (the 8th) 2
    assert dialog.model.rowCount() == 3
    assert cells(dialog, 0) == ("兑换", "换购", "−100", "待同步", "—")
    assert cells(dialog, 1) == ("消费", "R-1", f"+{earned}", "待同步", "—")
    assert cells(dialog, 2) == ("此前余额", "—", "+1,280", "已入账", "1,280")
    assert "1,280" in dialog.balanceLabel.text()
    assert f"{1280 + earned - 100:,}" in dialog.balanceLabel.text()
    assert "300" in dialog.expiringLabel.text() and "2026-12-31" in dialog.expiringLabel.text()
    assert dialog.tierLabel.text().startswith("金卡会员")
    # Arrows move through the rows; the detail line says when a sale's points expire.
    assert focused() is dialog.table
    keys.press(Qt.Key.Key_Down)
    assert dialog.current_row() is not None and dialog.current_row().ref == "R-1"
    assert "2027-12-31" in dialog.detailLabel.text()
    keys.press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.historyDialog is None)
    qtbot.waitUntil(lambda: focused().objectName() == "lookupInput")
    assert NOW  # the service clock (a member day)


def test_f7_without_a_member_says_what_to_do(qtbot, make_window, staff, members, zh):
    window = make_window(staff.cashier)
    qtbot.keyClick(focused(), Qt.Key.Key_F7)
    assert window.historyDialog is None
    assert "F7" in window.statusBarWidget.currentMessage()


def test_a_cashier_may_not_award_activity_points(qtbot, make_window, staff, members, zh):
    window = make_window(staff.cashier)
    scan(qtbot, window, hq_card(1))
    qtbot.keyClick(focused(), Qt.Key.Key_F7, Qt.KeyboardModifier.ShiftModifier)
    assert window.historyDialog is None
    assert "客服" in window.statusBarWidget.currentMessage()
    keys = Keys(qtbot)
    dialog = open_history(qtbot, window, keys)
    keys.press(Qt.Key.Key_F7, Qt.KeyboardModifier.ShiftModifier)
    assert "客服" in dialog.messageLabel.text()
    assert dialog.findChild(QWidget, "awardDialog") is None
