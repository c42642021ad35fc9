"""The points slip and the customer display (issue 15): the slip's text read back from the
PDF QPrinter wrote, on 58 and 80 mm paper; where it goes by the settings; the customer's
window content and when it appears."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pypdf
import pytest
from PySide6.QtWidgets import QApplication

from counter.settings import Settings, SettingsError, with_value
from ui.customer_display import CustomerDisplay, customer_screen, open_customer_display
from ui.printing import points_slip

AT = dt.datetime(2026, 12, 8, 2, 30, tzinfo=dt.UTC)
SLIP = points_slip.PointsSlip(
    kind="earn", store_code="S001", at=AT, member="Z* Ming", what="S001-0042-20261208-0117",
    points=384, balance=1664, pending=True,
)  # fmt: skip


def pdf_page(path: Path) -> tuple[str, float]:
    """The text of the only page (spaces as spaces), and its width in mm."""
    pages = pypdf.PdfReader(path).pages
    assert len(pages) == 1
    return " ".join(pages[0].extract_text().split()), float(pages[0].mediabox.width) / 72 * 25.4


@pytest.mark.parametrize("width", [58, 80])
def test_the_slip_reads_back_from_the_pdf(qapp: QApplication, tmp_path: Path, width: int) -> None:
    path = tmp_path / "slip.pdf"
    points_slip.save_pdf(SLIP, path, width)
    text, page_mm = pdf_page(path)
    assert page_mm == pytest.approx(width, abs=0.5)
    local = AT.astimezone().strftime("%Y-%m-%d %H:%M")
    for part in ("Points earned", "Store: S001", f"Time: {local}", "Member: Z* Ming",
                 "Receipt: S001-0042-20261208-0117", "+384 points", "New balance: 1,664",
                 "pending sync with HQ"):  # fmt: skip
        assert part in text, (part, text)


def test_a_redemption_and_a_balance_hq_knows(qapp: QApplication, tmp_path: Path) -> None:
    slip = points_slip.PointsSlip("redeem", "S002", AT, "L* Na", "Vitamin C × 1", -300, 980, False)
    lines = [t for _, t in points_slip.slip_lines(slip)]
    assert "Reward: Vitamin C × 1" in lines and "-300 points" in lines
    assert "New balance: 980" in lines  # not pending: no note
    path = tmp_path / "r.pdf"
    points_slip.save_pdf(slip, path)
    assert "-300 points" in pdf_page(path)[0]


def test_where_the_slip_goes(qapp: QApplication, tmp_path: Path) -> None:
    off = points_slip.print_points_slip(Settings(), SLIP)
    assert (off.printed, off.message) == (False, "")  # no printer set: no slip, nothing said
    folder = tmp_path / "slips"
    saved = points_slip.print_points_slip(Settings(slip_printer=f"pdf:{folder}"), SLIP)
    assert saved.printed and saved.path is not None and saved.path.parent == folder
    assert "+384 points" in pdf_page(saved.path)[0]
    missing = points_slip.print_points_slip(Settings(slip_printer="No Such Printer 9"), SLIP)
    assert not missing.printed and "No Such Printer 9" in missing.message


def test_paper_width_setting() -> None:
    assert with_value(Settings(), "slip_paper_mm", "58").slip_paper_mm == 58
    with pytest.raises(SettingsError):
        with_value(Settings(), "slip_paper_mm", "70")
    assert points_slip.paper_mm(Settings(slip_paper_mm=70)) == 80  # a hand-edited file
    assert with_value(Settings(), "customer_display", "on").customer_display is True


class FakeScreen:
    def __init__(self, name: str) -> None:
        self._name = name

    def name(self) -> str:
        return self._name


def test_the_customer_screen_is_the_second_one_when_the_setting_is_on() -> None:
    one, two = FakeScreen("HDMI-1"), FakeScreen("HDMI-2")
    assert customer_screen(True, [one, two], one) is two
    assert customer_screen(True, [two, one], one) is two
    assert customer_screen(False, [one, two], one) is None  # the setting is off
    assert customer_screen(True, [one], one) is None  # a PC with one screen


def test_the_customer_window_shows_points_and_balance(qtbot, zh) -> None:  # type: ignore[no-untyped-def]
    display = CustomerDisplay()
    qtbot.addWidget(display)
    assert display.nameLabel.text() == "欢迎光临"
    display.show_points("曾*明", 384, 1664, True)
    assert "曾*明" in display.nameLabel.text()
    assert display.pointsLabel.text() == "+384 积分"
    assert "1,664" in display.balanceLabel.text() and "待总部确认" in display.balanceLabel.text()
    display.show_points("曾*明", -300, 1364, False)
    assert "300" in display.pointsLabel.text() and "兑换" in display.pointsLabel.text()
    assert "确认" not in display.balanceLabel.text()
    display.idle()
    assert display.pointsLabel.text() == ""
    # Offscreen there is one screen: the setting alone opens nothing.
    assert open_customer_display(True) is None
