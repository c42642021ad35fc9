"""The consent slip (DESIGN §7): the texts of the separate consents, each with its version,
for the member to read when the counter has no customer display, printed through QPrinter
(a PDF in tests).

Drawn once into a QImage the width of a receipt roll (80 mm, 203 dpi), so the printer, the
PDF and a test all get the same picture. It names no member: it is read before registering.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter
from PySide6.QtPrintSupport import QPrinter

from ui.printing.output import pdf_printer, print_image

DPI = 203  # thermal receipt printers
WIDTH_MM = 80.0
_MM = DPI / 25.4
WIDTH = round(WIDTH_MM * _MM)
MARGIN = round(4 * _MM)


def render(sections: Sequence[tuple[str, str, str]]) -> QImage:
    """``sections``: (heading, text, version) per consent, in the order the form asks them."""
    title = QFont()
    title.setPixelSize(round(4.2 * _MM))
    title.setBold(True)
    heading = QFont()
    heading.setPixelSize(round(3.4 * _MM))
    heading.setBold(True)
    body = QFont()
    body.setPixelSize(round(3 * _MM))
    inner = WIDTH - 2 * MARGIN
    flags = int(Qt.TextFlag.TextWordWrap)
    blocks: list[tuple[QFont, str]] = [
        (title, QCoreApplication.translate("ConsentSlip", "Member consents: please read")),
    ]
    for head, text, version in sections:
        blocks.append((heading, head))
        blocks.append((body, text))
        blocks.append(
            (body, QCoreApplication.translate("ConsentSlip", "Text version {0}").format(version))
        )
    blocks.append(
        (body, QCoreApplication.translate("ConsentSlip", "Tell the assistant which you agree to."))
    )
    heights = [
        QFontMetrics(font).boundingRect(QRect(0, 0, inner, 10_000), flags, text).height()
        for font, text in blocks
    ]
    gap = round(2.5 * _MM)
    height = 2 * MARGIN + sum(heights) + gap * len(blocks)
    image = QImage(WIDTH, height, QImage.Format.Format_RGB32)
    image.setDotsPerMeterX(round(DPI / 0.0254))
    image.setDotsPerMeterY(round(DPI / 0.0254))
    image.fill(QColor("white"))
    p = QPainter(image)
    try:
        p.setPen(QColor("black"))
        y = MARGIN
        for (font, text), h in zip(blocks, heights, strict=True):
            p.setFont(font)
            p.drawText(QRect(MARGIN, y, inner, h), flags, text)
            y += h + gap
    finally:
        p.end()
    return image


def print_slip(image: QImage, printer: QPrinter) -> None:
    """The slip at its true width on a page as long as it is."""
    print_image(image, printer, (WIDTH_MM, image.height() / _MM))


def save_pdf(image: QImage, path: Path) -> None:
    """The slip printed to a PDF file: the same path as a real printer, for tests."""
    print_slip(image, pdf_printer(path))
