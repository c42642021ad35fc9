"""The complaint slip (DESIGN §6): the number the customer quotes, when they hear back, and
the store's phone, on an 80 mm receipt printer through QPrinter (a PDF in tests).

The lines come from :func:`slip_lines` (plain text a test reads); :func:`paint` lays the same
lines out on any paint device, so the printer, the PDF and a preview image agree.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPagedPaintDevice, QPageLayout, QPageSize, QPainter

from counter import services
from ui.printing.output import pdf_printer

SLIP_MM = (80.0, 110.0)
_DPI = 203  # a thermal receipt printer's resolution, for the preview image


def slip_lines(complaint: services.ComplaintView, store_phone: str) -> list[tuple[str, str]]:
    """(kind, text) lines: ``title``, ``number`` (large), ``text``; local times."""
    due = complaint.due_at.astimezone().strftime("%Y-%m-%d %H:%M")
    logged = complaint.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
    lines = [
        ("title", QCoreApplication.translate("ComplaintSlip", "Complaint received")),
        ("text", QCoreApplication.translate("ComplaintSlip", "Your complaint number:")),
        ("number", complaint.number or complaint.id[:8]),
        ("text", QCoreApplication.translate("ComplaintSlip", "Logged: {0}").format(logged)),
        ("text", QCoreApplication.translate("ComplaintSlip", "We will answer by: {0}").format(due)),
        (
            "text",
            QCoreApplication.translate("ComplaintSlip", "Store: {0}").format(complaint.store_code),
        ),
    ]
    if store_phone:
        lines.append(
            (
                "text",
                QCoreApplication.translate("ComplaintSlip", "Store phone: {0}").format(store_phone),
            )
        )
    lines.append(
        (
            "text",
            QCoreApplication.translate("ComplaintSlip", "Please quote the number when you call."),
        )
    )
    return lines


def paint(painter: QPainter, width: float, lines: list[tuple[str, str]]) -> None:
    """Draw the lines top to bottom in a column ``width`` device pixels wide."""
    unit = width / 48  # about 1.7 mm on an 80 mm slip
    y = unit * 2
    for kind, text in lines:
        font = QFont()
        size = {"title": 3.2, "number": 3.6, "text": 2.2}[kind]
        font.setPixelSize(max(1, round(unit * size)))
        font.setBold(kind != "text")
        if kind == "number":
            font.setFamily("monospace")
            font.setStyleHint(QFont.StyleHint.TypeWriter)
        painter.setFont(font)
        painter.setPen(QColor("black"))
        height = unit * size * 1.8
        flags = Qt.AlignmentFlag.AlignHCenter if kind != "text" else Qt.AlignmentFlag.AlignLeft
        painter.drawText(
            QRectF(unit * 2, y, width - unit * 4, height),
            flags | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap,
            text,
        )
        y += height


def print_slip(lines: list[tuple[str, str]], printer: QPagedPaintDevice) -> None:
    printer.setPageSize(QPageSize(QSizeF(*SLIP_MM), QPageSize.Unit.Millimeter))
    printer.setPageMargins(QMarginsF(2, 2, 2, 2), QPageLayout.Unit.Millimeter)
    p = QPainter(printer)
    try:
        rect = printer.pageLayout().paintRectPixels(printer.resolution())
        paint(p, rect.width(), lines)
    finally:
        p.end()


def save_pdf(lines: list[tuple[str, str]], path: Path) -> None:
    """The slip printed to a PDF file: the same path as a real printer, for tests."""
    print_slip(lines, pdf_printer(path))


def preview(lines: list[tuple[str, str]]) -> QImage:
    """The slip as an image at the receipt printer's resolution."""
    width = round(SLIP_MM[0] / 25.4 * _DPI)
    image = QImage(width, round(SLIP_MM[1] / 25.4 * _DPI), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    p = QPainter(image)
    try:
        paint(p, width, lines)
    finally:
        p.end()
    return image
