"""The points slip (DESIGN §5): after an earn, a redemption or a refund, what the member got
or gave and the new balance, on the store's receipt printer through QPrinter.

Settings decide where it goes: ``slip_printer`` (the printer's name in the OS; empty = no
slip; ``pdf:FOLDER`` writes each slip to a PDF file in that folder) and ``slip_paper_mm``
(58 or 80). The lines come from :func:`slip_lines` (plain text a test reads); they are
drawn by the complaint slip's painter, so every slip of the counter looks alike.

For another task's dialog (a refund, activity points): build a :class:`PointsSlip` (or call
:func:`slip_for` with the ``PointsResult``) and hand it to :func:`print_points_slip`, which
never raises: it answers what happened for the status bar.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from counter import services
from counter.privacy import mask_name
from counter.settings import Settings
from ui.printing.complaint_slip import paint
from ui.printing.output import pdf_printer

PAPER_WIDTHS = (58, 80)
KINDS = ("earn", "redeem", "reverse", "award")
PDF_PREFIX = "pdf:"


@dataclass(frozen=True)
class PointsSlip:
    """What a slip says. ``what`` is the receipt number, the reward or the reason;
    ``points`` is signed (+ earned or awarded, − redeemed or taken back)."""

    kind: str
    store_code: str
    at: dt.datetime
    member: str  # masked
    what: str
    points: int
    balance: int
    pending: bool


@dataclass(frozen=True)
class PrintOutcome:
    printed: bool
    message: str  # for the status bar; empty when nothing needs saying
    path: Path | None = None  # the PDF written (pdf:FOLDER)


def slip_for(
    kind: str, result: services.PointsResult, store_code: str, what: str, at: dt.datetime
) -> PointsSlip:
    """The slip of a booked points change: member masked, balance as the counter knows it."""
    view = result.member
    return PointsSlip(
        kind=kind,
        store_code=store_code,
        at=at,
        member=mask_name(view.name),
        what=what,
        points=result.points,
        balance=view.points_shown,
        pending=view.pending_points != 0,
    )


def slip_lines(slip: PointsSlip) -> list[tuple[str, str]]:
    """(kind, text) lines: ``title``, ``number`` (large), ``text``; the local time."""
    titles = {
        "earn": QCoreApplication.translate("PointsSlip", "Points earned"),
        "redeem": QCoreApplication.translate("PointsSlip", "Points redeemed"),
        "reverse": QCoreApplication.translate("PointsSlip", "Points taken back (refund)"),
        "award": QCoreApplication.translate("PointsSlip", "Activity points"),
    }
    what = {
        "earn": QCoreApplication.translate("PointsSlip", "Receipt: {0}"),
        "redeem": QCoreApplication.translate("PointsSlip", "Reward: {0}"),
        "reverse": QCoreApplication.translate("PointsSlip", "Refunded receipt: {0}"),
        "award": QCoreApplication.translate("PointsSlip", "For: {0}"),
    }
    when = slip.at.astimezone().strftime("%Y-%m-%d %H:%M")
    balance = QCoreApplication.translate("PointsSlip", "New balance: {0:,}").format(slip.balance)
    if slip.pending:
        balance += QCoreApplication.translate(
            "PointsSlip", " (includes points pending sync with HQ)"
        )
    return [
        ("title", titles.get(slip.kind, slip.kind)),
        ("text", QCoreApplication.translate("PointsSlip", "Store: {0}").format(slip.store_code)),
        ("text", QCoreApplication.translate("PointsSlip", "Time: {0}").format(when)),
        ("text", QCoreApplication.translate("PointsSlip", "Member: {0}").format(slip.member)),
        ("text", what.get(slip.kind, "{0}").format(slip.what)),
        ("number", QCoreApplication.translate("PointsSlip", "{0:+,} points").format(slip.points)),
        ("text", balance),
    ]


def paper_mm(settings: Settings) -> int:
    return settings.slip_paper_mm if settings.slip_paper_mm in PAPER_WIDTHS else 80


def print_lines(lines: list[tuple[str, str]], printer: QPrinter, width_mm: int) -> None:
    """The lines on a receipt page ``width_mm`` wide, as long as they need."""
    height_mm = 14.0 + 9.0 * len(lines) * (80 / width_mm)
    printer.setPageSize(QPageSize(QSizeF(width_mm, height_mm), QPageSize.Unit.Millimeter))
    printer.setPageMargins(QMarginsF(2, 2, 2, 2), QPageLayout.Unit.Millimeter)
    p = QPainter(printer)
    try:
        rect = printer.pageLayout().paintRectPixels(printer.resolution())
        paint(p, rect.width(), lines)
    finally:
        p.end()


def save_pdf(slip: PointsSlip, path: Path, width_mm: int = 80) -> None:
    """The slip printed to a PDF file: the same path as a real printer, for tests."""
    print_lines(slip_lines(slip), pdf_printer(path), width_mm)


def print_points_slip(settings: Settings, slip: PointsSlip) -> PrintOutcome:
    """Print the slip where the settings say; never raises (a jammed printer is no crash)."""
    target = settings.slip_printer.strip()
    if not target:
        return PrintOutcome(False, "")
    width = paper_mm(settings)
    if target.startswith(PDF_PREFIX):
        folder = Path(target[len(PDF_PREFIX) :]).expanduser()
        stamp = slip.at.astimezone().strftime("%Y%m%d-%H%M%S-%f")
        path = folder / f"slip-{stamp}-{slip.kind}.pdf"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            save_pdf(slip, path, width)
        except OSError as exc:
            return PrintOutcome(
                False,
                QCoreApplication.translate("PointsSlip", "The slip was not saved: {0}").format(exc),
            )
        return PrintOutcome(
            True, QCoreApplication.translate("PointsSlip", "Slip saved to {0}").format(path), path
        )
    info = QPrinterInfo.printerInfo(target)
    if info.isNull():
        return PrintOutcome(
            False,
            QCoreApplication.translate(
                "PointsSlip",
                "No printer named {0}: no slip printed (counter settings: slip_printer).",
            ).format(target),
        )
    printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
    print_lines(slip_lines(slip), printer, width)
    return PrintOutcome(
        True, QCoreApplication.translate("PointsSlip", "Slip printed on {0}.").format(target)
    )
