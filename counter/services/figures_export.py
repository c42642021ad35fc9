"""Copy and CSV export of the figures page's tables, each audited (DESIGN §7).

The tables are what the manager sees (titles and headers in the UI's language), so the
UI hands them over as ``FigureTable``s. Text cells that a spreadsheet would read as a
formula (``= + - @``, a tab or a carriage return first) get a leading apostrophe, so a
district or a category can never run as a formula in Excel or WPS (CSV injection); numbers
stay numbers. The file is UTF-8 with a byte-order mark, which Excel needs to read Chinese.
"""

from __future__ import annotations

import csv
import errno
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from counter.errors import DiskFullError, StorageError
from counter.services import audit
from counter.services.context import Actor, ServiceContext
from counter.services.figures import Period
from counter.services.ops import require_role

Cell = str | int | float
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class FigureTable:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def safe_cell(cell: Cell) -> Cell:
    """A text cell a spreadsheet would run as a formula, made plain text; numbers as they are."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


def csv_text(tables: Sequence[FigureTable], heading: Sequence[str] = ()) -> str:
    """The tables one after another, each under its title, a blank line between them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for line in heading:
        writer.writerow([safe_cell(line)])
    for n, table in enumerate(tables):
        if n or heading:
            writer.writerow([])
        writer.writerow([safe_cell(table.title)])
        writer.writerow([safe_cell(h) for h in table.headers])
        for row in table.rows:
            writer.writerow([safe_cell(c) for c in row])
    return out.getvalue()


def tab_text(table: FigureTable) -> str:
    """One table as tab-separated lines, as a spreadsheet pastes it (formulas neutralised)."""
    lines = ["\t".join(str(safe_cell(h)) for h in table.headers)]
    for row in table.rows:
        lines.append("\t".join(str(safe_cell(c)).replace("\t", " ") for c in row))
    return "\n".join(lines) + "\n"


def _period_text(period: Period) -> str:
    return f"{period.first.isoformat()}..{period.last.isoformat()}"


def export_csv(
    ctx: ServiceContext,
    actor: Actor,
    path: Path,
    period: Period,
    tables: Sequence[FigureTable],
    heading: Sequence[str] = (),
) -> int:
    """Write the tables to ``path`` and audit it; the rows written.

    The file is written first and the audit row after; if the audit cannot be written the
    file is removed again, so no export leaves the counter unrecorded.
    """
    require_role(actor, ("manager",), "导出门店统计", "export the store's figures")
    text = csv_text(tables, heading)
    rows = sum(len(t.rows) for t in tables)
    try:
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        _remove(path)
        raise _file_error(exc, path) from exc
    try:
        with ctx.db.write() as s:
            audit.record(
                s, actor, "figures.export", ctx.now(), period=_period_text(period),
                tables=[t.title for t in tables], rows=rows, file=path.name,
            )  # fmt: skip
    except BaseException:
        _remove(path)
        raise
    return rows


def audit_copy(ctx: ServiceContext, actor: Actor, period: Period, table: FigureTable) -> str:
    """The table as text for the clipboard, its copying audited first."""
    require_role(actor, ("manager",), "复制门店统计", "copy the store's figures")
    with ctx.db.write() as s:
        audit.record(
            s, actor, "figures.copy", ctx.now(), period=_period_text(period),
            tables=[table.title], rows=len(table.rows),
        )  # fmt: skip
    return tab_text(table)


def _remove(path: Path) -> None:
    try:
        if path.is_file():
            path.unlink()
    except OSError:
        pass


def _file_error(exc: OSError, path: Path) -> StorageError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFullError(
            f"磁盘已满，未能导出到 {path}。请清理空间或换一个位置（例如 U 盘）后重试。",
            f"The disk is full; nothing was exported to {path}. Free some space or choose "
            "another place (a USB stick) and try again.",
            detail=str(exc),
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StorageError(
            f"无权写入 {path}。请换一个文件夹。",
            f"This program may not write {path}. Choose another folder.",
            detail=str(exc),
        )
    return StorageError(
        f"无法写入 {path}：{exc.strerror or exc}。",
        f"Could not write {path}: {exc.strerror or exc}.",
        detail=str(exc),
    )
