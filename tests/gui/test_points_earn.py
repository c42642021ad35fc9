"""F3, points for a sale, driven by key events only (issue 15): the keystrokes beyond the
typed amounts and the receipt scan are counted; the live preview explains the figure; the
refusals show on their fields; the booked points are the previewed ones; the slip and the
customer display follow."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pypdf
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from test_complaints import Keys, error_text, expect_focus, focused, open_dialog, scan
from uidata import NOW, QR_KEY, hq_card, make_settings, scanner_sends

from counter import codes, services
from ui.printing import points_slip

CARD = hq_card(1)  # 曾小明: gold, born in November; NOW is the 8th, a member day
RECEIPT = "S001-0042-20261108-0117"


def ledger(window) -> list[tuple[int, str, str]]:  # type: ignore[no-untyped-def]
    con = sqlite3.connect(window.settings.db_path)
    try:
        rows = con.execute(
            "SELECT delta, kind, coalesce(receipt_no, '') FROM points_entries ORDER BY created_at"
        ).fetchall()
    finally:
        con.close()
    return [(int(d), k, r) for d, k, r in rows]


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def earn_window(make_window, staff, tmp_path: Path, **settings: object):  # type: ignore[no-untyped-def]
    used = make_settings(tmp_path, slip_printer=f"pdf:{tmp_path / 'slips'}", **settings)
    return make_window(staff.cashier, window_settings=used)


def test_all_self_paid_sale_in_two_keys_beyond_scan_and_amount(
    qtbot, make_window, staff, members, scan_clock, tmp_path: Path, zh
):
    window = earn_window(make_window, staff, tmp_path)
    scan(qtbot, window, CARD)
    before = window.memberPanel.view.points_shown
    keys = Keys(qtbot, scan_clock, window)
    dialog = open_dialog(qtbot, keys, Qt.Key.Key_F3, "earnDialog")
    expect_focus("receipt_noEdit")
    scanner_sends(qtbot, focused(), scan_clock, RECEIPT)  # the receipt's barcode: not counted
    window.scanner.flush()
    assert dialog.edits["receipt_no"].text() == RECEIPT
    expect_focus("totalEdit")  # the scan moved on by itself
    keys.type("128.50", counted=False)  # the amount: not counted
    assert dialog.selfPaidLabel.text() == "¥128.50"
    # gold 1.5 × member day 2 × birthday month 2, capped at 2: 128 × 1.5 × 2 = 384.
    shown = dialog.previewLabel.text()
    assert "¥128.50" in shown and "1.5" in shown and "会员日" in shown and "生日月" in shown
    assert "384" in dialog.pointsLabel.text()
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.earnDialog is None)
    assert keys.count == 2  # F3, Enter
    print(f"\nF3 earn, all self-paid: {keys.count} keystrokes beyond the scan and the amount")

    assert ledger(window) == [(384, "earn", RECEIPT)]
    view = window.memberPanel.view
    assert view.points_shown == before + 384 and view.pending_points == 384
    assert "384" in window.statusBarWidget.currentMessage()
    assert "待同步" in window.statusBarWidget.currentMessage()  # offline: pending, and says so
    # The slip, read back from the PDF the printer setting wrote.
    assert window.lastSlip is not None and window.lastSlip.path is not None
    text = pdf_text(window.lastSlip.path)
    # Latin and digits read back exactly; the embedded CJK subset maps only some glyphs
    # back to text, so the Chinese words are checked on the lines that were drawn.
    for part in (RECEIPT, "+384", "S001", f"{before + 384:,}", "2026-11-08"):
        assert part in text, (part, text)
    lines = [t for _, t in points_slip.slip_lines(window.lastSlipContent)]
    assert "会员：曾*明" in lines and any("待同步" in t for t in lines)
    qtbot.waitUntil(lambda: window.lookupBar.input.hasFocus())  # ready for the next customer


def test_insurance_and_excluded_are_one_tab_away_each(
    qtbot, make_window, staff, members, scan_clock, tmp_path: Path, zh
):
    window = earn_window(make_window, staff, tmp_path)
    scan(qtbot, window, CARD)
    keys = Keys(qtbot, scan_clock, window)
    dialog = open_dialog(qtbot, keys, Qt.Key.Key_F3, "earnDialog")
    keys.type("R-9001", counted=False)  # typed, not scanned: Enter moves on
    keys.press(Qt.Key.Key_Return)
    expect_focus("totalEdit")
    keys.type("300", counted=False)
    keys.press(Qt.Key.Key_Tab)
    expect_focus("insurance_personalEdit")
    keys.type("50", counted=False)
    keys.press(Qt.Key.Key_Tab)
    expect_focus("insurance_pooledEdit")
    keys.type("20", counted=False)
    keys.press(Qt.Key.Key_Tab)
    expect_focus("excludedEdit")
    keys.type("40", counted=False)
    assert dialog.selfPaidLabel.text() == "¥230.00"
    # Insurance 70 pays the excluded 40 first; 230 self-paid earns: 230 × 1.5 × 2 = 690.
    assert "690" in dialog.pointsLabel.text()
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.earnDialog is None)
    assert keys.count == 6  # F3, Enter (typed receipt), Tab × 3, Enter
    assert ledger(window) == [(690, "earn", "R-9001")]


def test_refusals_on_their_fields(
    qtbot, make_window, staff, members, scan_clock, tmp_path: Path, zh
):
    window = earn_window(make_window, staff, tmp_path)
    scan(qtbot, window, CARD)
    services.earn_points(
        window.ctx, staff.cashier, window.memberPanel.view.id, "R-OLD", None,
        [services.SaleLine("general", 1000)], [services.Tender("cash", 1000)],
    )  # fmt: skip
    keys = Keys(qtbot, scan_clock, window)
    dialog = open_dialog(qtbot, keys, Qt.Key.Key_F3, "earnDialog")
    total = dialog.edits["total"]

    def total_says(text: str) -> str:
        total.setText(text)
        return error_text(dialog, "total")

    assert "数字" in total_says("12a")
    assert "两位小数" in total_says("12.345")
    assert "负数" in total_says("-12")
    assert "100,000" in total_says("100000.01")
    assert total_says("100") == ""
    dialog.edits["insurance_personal"].setText("80")
    dialog.edits["insurance_pooled"].setText("30")
    assert "超过小票总额" in error_text(dialog, "insurance_pooled")
    dialog.edits["insurance_pooled"].setText("")
    dialog.edits["insurance_personal"].setText("")
    dialog.edits["receipt_no"].setText("R-OLD")
    refusal = error_text(dialog, "receipt_no")
    assert "2026-11-08 10:00" in refusal and "S001" in refusal  # when and where
    keys.press(Qt.Key.Key_Return)  # refused: nothing booked, the dialog stays
    assert window.earnDialog is dialog and len(ledger(window)) == 1
    expect_focus("receipt_noEdit")
    # An empty total is said on Enter, not while typing.
    dialog.edits["receipt_no"].setText("R-NEW")
    total.setText("")
    assert error_text(dialog, "total") == ""
    dialog.edits["total"].setFocus()
    keys.press(Qt.Key.Key_Return)
    assert "总额" in error_text(dialog, "total")
    keys.press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.earnDialog is None)


def test_f3_without_a_member_says_why(qtbot, make_window, staff, members, scan_clock, zh):
    window = make_window(staff.cashier)
    keys = Keys(qtbot, scan_clock, window)
    keys.press(Qt.Key.Key_F3)
    assert window.earnDialog is None
    assert "F3" in window.statusBarWidget.currentMessage()
    assert window.lookupBar.input.hasFocus()


def test_a_rule_change_between_preview_and_enter_books_nothing(
    qtbot, make_window, staff, members, scan_clock, tmp_path: Path, zh
):
    window = earn_window(make_window, staff, tmp_path)
    scan(qtbot, window, CARD)
    keys = Keys(qtbot, scan_clock, window)
    dialog = open_dialog(qtbot, keys, Qt.Key.Key_F3, "earnDialog")
    dialog.edits["receipt_no"].setText("R-77")
    dialog.edits["total"].setText("100")
    assert "300" in dialog.pointsLabel.text()
    window.ctx.clock = lambda: NOW + dt.timedelta(days=25)  # December 3rd: no promotion
    dialog.edits["total"].setFocus()
    keys.press(Qt.Key.Key_Return)
    assert window.earnDialog is dialog and ledger(window) == []
    assert "再按回车" in dialog.findChild(QLabel, "earnFormError").text()
    assert "150" in dialog.pointsLabel.text()  # the new figure, shown
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.earnDialog is None)
    assert ledger(window) == [(150, "earn", "R-77")]


def test_locking_takes_a_half_typed_sale_away(
    qtbot, make_window, staff, members, scan_clock, tmp_path: Path, zh
):
    window = earn_window(make_window, staff, tmp_path)
    scan(qtbot, window, CARD)
    keys = Keys(qtbot, scan_clock, window)
    open_dialog(qtbot, keys, Qt.Key.Key_F3, "earnDialog")
    keys.type("R-5", counted=False)
    keys.press(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # from inside the dialog
    qtbot.waitUntil(lambda: window.locked and window.earnDialog is None)
    assert ledger(window) == []


def test_a_member_card_or_code_scanned_into_f3_is_not_a_receipt(
    qtbot, make_window, staff, members, scan_clock, tmp_path: Path, zh
):
    """The member's card or phone code scanned again with F3 open: said on the receipt
    field, the cursor stays for the receipt's barcode, which then goes through."""
    window = earn_window(make_window, staff, tmp_path)
    scan(qtbot, window, CARD)
    keys = Keys(qtbot, scan_clock, window)
    dialog = open_dialog(qtbot, keys, Qt.Key.Key_F3, "earnDialog")
    token = codes.mint_member_token(QR_KEY, 7, "1000000001", NOW)
    for code, says in ((CARD, "这是会员卡号，不是小票号"), (token, "这是会员码，不是小票号")):
        scanner_sends(qtbot, focused(), scan_clock, code)  # as the wedge scanner sends it
        scan_clock.advance(40)  # past the filter's 30 ms hold
        window.scanner.flush()
        qtbot.waitUntil(lambda s=says: s in error_text(dialog, "receipt_no"))
        expect_focus("receipt_noEdit")
        assert dialog.edits["receipt_no"].text() == ""
        assert window.earnDialog is dialog and dialog.isVisible()
    scanner_sends(qtbot, focused(), scan_clock, RECEIPT)
    scan_clock.advance(40)
    window.scanner.flush()
    assert dialog.edits["receipt_no"].text() == RECEIPT
    expect_focus("totalEdit")
    keys.type("10", counted=False)
    qtbot.waitUntil(lambda: error_text(dialog, "receipt_no") == "")
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.earnDialog is None)
    assert [(k, r) for _, k, r in ledger(window)] == [("earn", RECEIPT)]
