"""F7 points history, refund (退货) and activity points (活动积分), driven by key events only;
the keystrokes are counted."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from uidata import NOW, ScanClock, hq_card, make_settings, type_with_ime

from counter import services
from ui.points.history_model import BALANCE, KIND, POINTS, REF, STATE
from ui.shell.tasks import TaskRunner

SALE = [services.SaleLine("otc", 12_345)]
CASH = [services.Tender("cash", 12_345)]
ZENG = "01890a5d-ac96-774b-bcce-000000000001"  # 曾小明: gold, 1,280 points at HQ


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


class Keys:
    """Key events at a person's pace (the scanner filter's clock moves 150 ms a key, so
    typed digits are never taken for a scan), counted."""

    def __init__(self, qtbot, clock: ScanClock | None = None, window=None) -> None:  # type: ignore[no-untyped-def]
        self.qtbot, self.clock, self.window = qtbot, clock, window
        self.count = 0

    def _settle(self) -> None:
        if self.clock is not None:
            self.clock.advance(150)
        if self.window is not None:
            self.window.scanner.flush()

    def press(self, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier, times: int = 1) -> None:  # type: ignore[no-untyped-def]
        for _ in range(times):
            self._settle()
            self.qtbot.keyClick(focused(), key, modifier)
            self.count += 1
            self._settle()

    def type(self, text: str) -> None:
        for char in text:
            self._settle()
            self.qtbot.keyClick(focused(), char)
        self.count += len(text)
        self._settle()


def wait_focus(qtbot, widget: QWidget) -> None:  # type: ignore[no-untyped-def]
    """Back to ``widget`` once a dialog over it closed (activation is an event, not a call)."""
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)


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
    assert dialog.tierLabel.text() == "金卡会员 · 已是最高等级"
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


def open_refund(qtbot, dialog, keys: Keys):  # type: ignore[no-untyped-def]
    keys.press(Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.refundDialog is not None and dialog.refundDialog.isVisible())
    refund = dialog.refundDialog
    qtbot.waitUntil(refund.isActiveWindow)
    qtbot.waitUntil(lambda: refund.preview is not None)
    return refund


def retype(qtbot, keys: Keys, refund, text: str) -> None:  # type: ignore[no-untyped-def]
    refund.amountEdit.clear()
    keys.type(text)


def test_refund_in_full_by_three_keys(qtbot, make_window, staff, members, tmp_path: Path, zh):
    earned = services.earn_points(members, staff.cashier, ZENG, "R-1", None, SALE, CASH).points
    slips = tmp_path / "slips"
    window = make_window(  # the real task runner: history, preview and booking off the UI thread
        staff.cashier,
        window_settings=make_settings(tmp_path, slip_printer=f"pdf:{slips}"),
        runner=TaskRunner(),
    )
    scan(qtbot, window, hq_card(1))
    keys = Keys(qtbot)
    dialog = open_history(qtbot, window, keys)
    qtbot.waitUntil(lambda: dialog.current_row() is not None)
    assert dialog.current_row().ref == "R-1"  # the newest row is chosen
    refund = open_refund(qtbot, dialog, keys)
    assert focused() is refund.amountEdit
    assert refund.pointsLabel.text() == f"−{earned}"
    assert "¥123.45" in refund.leftLabel.text()
    keys.press(Qt.Key.Key_Return)  # empty amount: everything left
    qtbot.waitUntil(lambda: refund.result is not None)
    assert keys.count == 3  # F7, Ctrl+T, Enter
    print(f"\nrefund in full: {keys.count} keystrokes (F7, Ctrl+T, Enter)")
    qtbot.waitUntil(lambda: dialog.loads == 2)
    assert cells(dialog, 0) == ("退货", "R-1", f"−{earned}", "待同步", "—")
    assert "R-1" in dialog.messageLabel.text() and str(earned) in dialog.messageLabel.text()
    panel = window.memberPanel.pointsLabel.text()
    assert panel == "1,280"  # the member panel has the new balance
    # The refund's slip, printed (to a PDF here) as after an earn: masked, receipt, points.
    assert window.lastSlip is not None and window.lastSlip.path is not None
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(window.lastSlip.path).pages)
    assert "R-1" in text and f"-{earned}" in text and "1,280" in text  # receipt, points, balance
    slip = window.lastSlipContent
    assert (slip.kind, slip.what, slip.points, slip.member) == ("reverse", "R-1", -earned, "曾*明")
    # The sale's points are all back: a second refund is refused, saying why.
    wait_focus(qtbot, dialog.table)
    keys.press(Qt.Key.Key_Down)
    assert dialog.current_row().kind == "earn"
    keys.press(Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert "全部扣回" in dialog.messageLabel.text()


def test_partial_refund_refusals_on_the_field_then_the_rest(
    qtbot, make_window, staff, members, scan_clock, zh
):
    earned = services.earn_points(members, staff.cashier, ZENG, "R-2", None, SALE, CASH).points
    window = make_window(staff.cashier)
    scan(qtbot, window, hq_card(1))
    keys = Keys(qtbot, scan_clock, window)
    dialog = open_history(qtbot, window, keys)
    refund = open_refund(qtbot, dialog, keys)
    for text, words in (
        ("abc", "数字"),
        ("1.234", "两位小数"),
        ("-5", "负"),
        ("200", "剩余"),
    ):
        retype(qtbot, keys, refund, text)
        qtbot.waitUntil(lambda: refund.amountError.isVisible())
        assert words in refund.amountError.text(), (text, refund.amountError.text())
        assert not refund.bookButton.isEnabled()
        keys.press(Qt.Key.Key_Return)  # refused: nothing is booked
        assert refund.result is None and refund.isVisible()
    retype(qtbot, keys, refund, "50")
    qtbot.waitUntil(lambda: not refund.amountError.isVisible() and refund.preview is not None)
    back = refund.preview.points
    assert 0 < back < earned and refund.pointsLabel.text() == f"−{back}"
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: refund.result is not None)
    qtbot.waitUntil(lambda: dialog.loads == 2)
    assert cells(dialog, 0) == ("退货", "R-2", f"−{back}", "待同步", "—")
    wait_focus(qtbot, dialog.table)
    keys.press(Qt.Key.Key_Down)  # the sale again: what is left, in full
    second = open_refund(qtbot, dialog, keys)
    assert "¥73.45" in second.leftLabel.text()
    assert second.pointsLabel.text() == f"−{earned - back}"
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: second.result is not None)
    qtbot.waitUntil(lambda: dialog.loads == 3)
    assert sum(r.points for r in dialog.history.rows if r.ref == "R-2") == 0


def test_a_refund_below_zero_is_flagged(qtbot, make_window, staff, members, zh):
    zhang = "01890a5d-ac96-774b-bcce-000000000002"  # 张伟: 200 points at HQ
    earned = services.earn_points(members, staff.cashier, zhang, "R-3", None, SALE, CASH).points
    services.redeem_points(members, staff.cashier, zhang, 200 + earned - 10, "换购", online=True)
    window = make_window(staff.cashier)
    scan(qtbot, window, hq_card(2))
    keys = Keys(qtbot)
    dialog = open_history(qtbot, window, keys)
    # Basic, ¥123.45 spent here not yet at HQ: ¥1,000 makes silver (the demo thresholds).
    assert dialog.tierLabel.text() == "普通会员 · 再消费 ¥876.55 升银卡会员"
    keys.press(Qt.Key.Key_Down)  # past the redemption to the sale
    refund = open_refund(qtbot, dialog, keys)
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: refund.result is not None)
    assert refund.result.below_zero
    assert f"{10 - earned:,}" in dialog.messageLabel.text() and "复核" in dialog.messageLabel.text()
    qtbot.waitUntil(lambda: dialog.loads == 2)
    assert dialog.tierLabel.text() == "普通会员 · 再消费 ¥1,000.00 升银卡会员"  # refunded


def test_a_service_assistant_awards_activity_points(
    qtbot, make_window, staff, members, scan_clock, zh
):
    window = make_window(staff.service)
    scan(qtbot, window, hq_card(1))
    keys = Keys(qtbot, scan_clock, window)
    keys.press(Qt.Key.Key_F7, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.historyDialog is not None)
    dialog = window.historyDialog
    qtbot.waitUntil(lambda: dialog.awardDialog is not None and dialog.awardDialog.isVisible())
    award = dialog.awardDialog
    qtbot.waitUntil(award.isActiveWindow)
    assert "曾*明" in award.memberLabel.text()
    assert focused() is award.reasonList and award.reasonList.count() >= 2
    keys.press(Qt.Key.Key_2)  # the second reason, by its number
    reason = award.current_reason()
    assert reason is not None and award.pointsEdit.text() == str(reason.points)
    keys.press(Qt.Key.Key_Tab)
    assert focused() is award.noteEdit
    type_with_ime(award.noteEdit, "骨质疏松讲座")
    keys.count += 1  # one commit of the input method
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: award.result is not None)
    assert keys.count == 5  # Shift+F7, 2, Tab, the note, Enter
    print(f"\nactivity points: {keys.count} keystrokes (Shift+F7, 2, Tab, the note, Enter)")
    qtbot.waitUntil(lambda: dialog.loads == 2)
    assert cells(dialog, 0)[:3] == ("活动", reason.name_zh, f"+{reason.points}")
    assert "骨质疏松讲座" in dialog.detailLabel.text()


def test_an_award_refused_by_the_core_shows_on_its_field(
    qtbot, make_window, staff, members, scan_clock, zh
):
    window = make_window(staff.manager)
    scan(qtbot, window, hq_card(1))
    keys = Keys(qtbot, scan_clock, window)
    dialog = open_history(qtbot, window, keys)
    keys.press(Qt.Key.Key_F7, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: dialog.awardDialog is not None and dialog.awardDialog.isVisible())
    award = dialog.awardDialog
    qtbot.waitUntil(award.isActiveWindow)
    award.pointsEdit.setReadOnly(False)  # even a typed amount beyond the reason's is refused
    award.pointsEdit.setFocus()
    award.pointsEdit.selectAll()
    keys.type("99999")
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: award.errors["points"].isVisible())
    assert award.result is None and award.isVisible()


def test_a_second_full_refund_is_refused_by_the_core_in_words(
    qtbot, make_window, staff, members, zh
):
    """The history was read before another refund took the sale back in full (another
    window of this counter): Enter books nothing and the dialog says why."""
    services.earn_points(members, staff.cashier, ZENG, "R-5", None, SALE, CASH)
    window = make_window(staff.cashier)
    scan(qtbot, window, hq_card(1))
    keys = Keys(qtbot)
    dialog = open_history(qtbot, window, keys)
    refund = open_refund(qtbot, dialog, keys)
    services.reverse_points(members, staff.cashier, ZENG, "R-5", None)  # behind its back
    keys.press(Qt.Key.Key_Return)
    assert refund.result is None and refund.isVisible()
    assert refund.formError.isVisible() and "已全部退回" in refund.formError.text()
    assert not refund.bookButton.isEnabled()
    rows = services.points_history(members, staff.cashier, ZENG).rows
    assert sum(1 for r in rows if r.kind == "reverse") == 1  # booked once, not twice


@pytest.mark.parametrize("with_refund", [False, True])
def test_locking_closes_the_history_and_its_refund(
    qtbot, make_window, staff, members, zh, with_refund: bool
):
    """Ctrl+L from the history (or the refund over it), then the counter closes: nothing of
    theirs is left on screen, and PySide lets them go without crashing."""
    services.earn_points(members, staff.cashier, ZENG, "R-6", None, SALE, CASH)
    window = make_window(staff.cashier)
    scan(qtbot, window, hq_card(1))
    keys = Keys(qtbot)
    dialog = open_history(qtbot, window, keys)
    if with_refund:
        open_refund(qtbot, dialog, keys)
    keys.press(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # walking away
    assert window.locked and window.historyDialog is None
    assert not any(
        w.isVisible() and w.objectName() in ("pointsHistoryDialog", "refundDialog")
        for w in QApplication.topLevelWidgets()
    )
