"""Where a drawn image goes: a printer page of its true size, or a PDF through the same path.

Shared by the member card and the consent slip (and the complaint slip's PDF), so what a test
prints to a PDF is what a real printer gets.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter


def print_image(image: QImage, printer: QPrinter, size_mm: tuple[float, float]) -> None:
    """``image`` filling a margin-less page of ``size_mm`` (width, height)."""
    printer.setPageSize(QPageSize(QSizeF(*size_mm), QPageSize.Unit.Millimeter))
    printer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
    p = QPainter(printer)
    try:
        target = printer.pageLayout().paintRectPixels(printer.resolution())
        p.drawImage(QRectF(target), image)
    finally:
        p.end()


def pdf_printer(path: Path) -> QPrinter:
    """A high-resolution printer that writes a PDF file at ``path``."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer
