"""The member card (DESIGN §11): the card number as a QR code and as Code 128, printed
through QPrinter or saved as a PNG (a PDF in tests).

The card is drawn once into a QImage at 300 dpi (85.6 × 54 mm, ISO/IEC 7810 ID-1) and that
image goes to the printer, the PNG and the PDF alike, so what a test decodes is what is
printed. The card carries the masked name only: a lost card shows nobody's full name.
"""

from __future__ import annotations

from pathlib import Path

import qrcode
from PySide6.QtCore import QCoreApplication, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtPrintSupport import QPrinter

from counter.privacy import mask_name
from ui.printing.code128 import modules
from ui.printing.output import pdf_printer, print_image

DPI = 300
CARD_MM = (85.6, 54.0)
_MM = DPI / 25.4
WIDTH, HEIGHT = round(CARD_MM[0] * _MM), round(CARD_MM[1] * _MM)


def grouped(card_no: str) -> str:
    """8800 0000 0000 0013: how people read a card number aloud."""
    return " ".join(card_no[i : i + 4] for i in range(0, len(card_no), 4))


def render(card_no: str, name: str = "") -> QImage:
    """The card as an image: title, masked name, number, QR (right), Code 128 (bottom)."""
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_RGB32)
    image.setDotsPerMeterX(round(DPI / 0.0254))
    image.setDotsPerMeterY(round(DPI / 0.0254))
    image.fill(QColor("white"))
    p = QPainter(image)
    try:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        margin = round(4 * _MM)
        title = QFont()
        title.setPixelSize(round(5 * _MM))
        title.setBold(True)
        p.setFont(title)
        p.setPen(QColor("#0b5d3b"))
        p.drawText(
            QRectF(margin, margin, WIDTH * 0.6, 7 * _MM),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            QCoreApplication.translate("MemberCard", "Member card"),
        )
        body = QFont()
        body.setPixelSize(round(3.6 * _MM))
        p.setFont(body)
        p.setPen(QColor("black"))
        if name:
            p.drawText(
                QRectF(margin, margin + 8 * _MM, WIDTH * 0.6, 5 * _MM),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                mask_name(name),
            )
        digits = QFont("monospace")
        digits.setStyleHint(QFont.StyleHint.TypeWriter)
        digits.setPixelSize(round(3.8 * _MM))
        p.setFont(digits)
        p.drawText(
            QRectF(margin, margin + 14 * _MM, WIDTH * 0.62, 6 * _MM),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            grouped(card_no),
        )
        _draw_qr(p, card_no, WIDTH - margin - round(24 * _MM), margin, round(24 * _MM))
        _draw_code128(p, card_no, margin, HEIGHT - margin - round(13 * _MM), round(13 * _MM))
    finally:
        p.end()
    return image


def _draw_qr(p: QPainter, text: str, x: int, y: int, size: int) -> None:
    qr = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(text)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    cell = size // len(matrix)
    for row, line in enumerate(matrix):
        for col, dark in enumerate(line):
            if dark:
                p.fillRect(x + col * cell, y + row * cell, cell, cell, QColor("black"))


def _draw_code128(p: QPainter, digits: str, x: int, y: int, height: int) -> None:
    bars = modules(digits)
    # Whole pixels per module (3 px ≈ 0.25 mm at 300 dpi); quiet zones of 10 modules.
    unit = max(1, min(4, (WIDTH - 2 * x - 20 * 3) // len(bars)))
    left = x + 10 * unit
    for i, dark in enumerate(bars):
        if dark:
            p.fillRect(left + i * unit, y, unit, height, QColor("black"))


def save_png(image: QImage, path: Path) -> None:
    if not image.save(str(path), "PNG"):
        raise OSError(f"could not write {path}")


def print_card(image: QImage, printer: QPrinter) -> None:
    """The card image at its true size on whatever page the printer has."""
    print_image(image, printer, CARD_MM)


def save_pdf(image: QImage, path: Path) -> None:
    """The card printed to a PDF file: the same path as a real printer, for tests."""
    print_card(image, pdf_printer(path))
