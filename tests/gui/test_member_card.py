"""The printed member card: its QR code and Code 128 read back as the card number, as PNG
and through QPrinter to PDF."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from counter.codes import is_card_no
from ui.printing import code128, member_card

CARD = "8800000000000013"


def test_code128_set_c_symbols_and_check() -> None:
    # start C, 88 00 00 00 00 00 00 13, check = (105 + 1·88 + 8·13) mod 103 = 91, stop
    assert code128.symbols(CARD) == [105, 88, 0, 0, 0, 0, 0, 0, 13, 91, 106]
    bars = code128.modules(CARD)
    assert len(bars) == 11 * 10 + 13 and bars[:2] == [True, True] and bars[-2:] == [True, True]
    with pytest.raises(ValueError):
        code128.symbols("123")


def test_card_png_reads_back_as_qr_and_code128(qapp: QApplication, tmp_path: Path) -> None:
    assert is_card_no(CARD)
    path = tmp_path / "card.png"
    member_card.save_png(member_card.render(CARD, "张小明"), path)
    zxingcpp = pytest.importorskip("zxingcpp")  # in the dev extra (and the camera extra)
    from PIL import Image

    found = {(str(r.format), r.text) for r in zxingcpp.read_barcodes(Image.open(path))}
    assert {text for _, text in found} == {CARD}
    assert any("128" in fmt for fmt, _ in found) and any("QR" in fmt for fmt, _ in found)


def test_card_prints_to_pdf(qapp: QApplication, tmp_path: Path) -> None:
    path = tmp_path / "card.pdf"
    member_card.save_pdf(member_card.render(CARD), path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and (b"/Image" in data or b"/XObject" in data)
