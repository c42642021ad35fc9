"""An outreach list as a CSV file for the SMS or mail house (DESIGN §7, §12).

Names and phones are masked unless a store manager exports (the mail house needs them in
clear, and a manager answers for handing them over); every export is audited with its
filter and the number of rows written. The list is drawn again at export time, so a
consent withdrawn since the screen showed it is respected.

The file is written next to its destination and moved into place only when complete and
audited, so a full disk or a killed export leaves no half list behind. Cells that a
spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) are
neutralised with a leading apostrophe. UTF-8 with a byte-order mark: Excel on a Chinese
Windows reads it right.
"""

from __future__ import annotations

import csv
import datetime as dt
import errno
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from counter.errors import DiskFullError, KnownError
from counter.services import audit
from counter.services.context import Actor, ServiceContext
from counter.services.figures_export import safe_cell
from counter.services.ops import require_role
from counter.services.outreach import (
    BIRTHDAYS,
    LAPSED,
    NEW_MEMBERS,
    OUTREACH_ROLES,
    ListedMember,
    OutreachFilter,
    listing,
)

Progress = Callable[[int, int], None]  # (rows written, rows in the list)

HEADERS = {
    "zh": ("会员号", "姓名", "手机", "等级", "区域", "生日", "本次生日", "入会时间", "最近到店"),
    "en": (
        "member_no", "name", "phone", "tier", "district", "birthday", "celebrated_on",
        "joined", "last_seen",
    ),
}  # fmt: skip


# As the screens name them (ui/shell/labels.py), for a Chinese file; an English one has the codes.
TIER_NAMES = {"basic": "普通会员", "silver": "银卡会员", "gold": "金卡会员"}


class ExportPathError(KnownError):
    """The chosen file cannot be written (no such folder, no permission, read-only)."""

    code = "export_path"


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    masked: bool


def _local(moment: dt.datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""


def _cells(m: ListedMember, masked: bool, zh: bool) -> list[str]:
    row = m.row
    return [
        str(safe_cell(c))
        for c in (
            row.member_no,
            row.name if masked else m.name,
            row.phone if masked else m.phone,
            TIER_NAMES.get(row.tier, row.tier) if zh else row.tier,
            row.district,
            row.birthday,
            row.next_birthday.isoformat() if row.next_birthday else "",
            _local(row.joined),
            _local(row.last_seen),
        )
    ]


def default_file_name(flt: OutreachFilter, now: dt.datetime) -> str:
    """outreach-birthdays-30d-20261207.csv and the like."""
    days = f"-{flt.days}d" if flt.kind in (BIRTHDAYS, LAPSED, NEW_MEMBERS) else ""
    return f"outreach-{flt.kind.replace('_', '-')}{days}-{now.astimezone():%Y%m%d}.csv"


def _path_error(exc: OSError, path: Path) -> KnownError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return DiskFullError(
            "磁盘已满，名单没有导出。请清理磁盘或换一个位置后重试。",
            "The disk is full; the list was not exported. Free some space or choose another "
            "place, then try again.",
            detail=f"{path.parent}: {exc.strerror}",
        )
    return ExportPathError(
        f"无法写入 {path}：请选择一个存在且可写的文件夹。",
        f"Cannot write {path}: choose a folder that exists and can be written to.",
        detail=f"{type(exc).__name__}: {exc.strerror}",
    )


def export_csv(
    ctx: ServiceContext,
    actor: Actor,
    flt: OutreachFilter,
    path: Path,
    *,
    language: str = "zh",
    progress: Progress | None = None,
) -> ExportResult:
    """Write the list to ``path`` (replacing it), audited; masked unless a manager exports."""
    require_role(actor, OUTREACH_ROLES, "导出行销名单", "export outreach lists")
    masked = actor.role != "manager"
    path = Path(path)
    if path.is_dir():
        raise ExportPathError(
            f"{path} 是一个文件夹：请给出文件名。",
            f"{path} is a folder: give a file name.",
        )
    try:
        fd, temp_name = tempfile.mkstemp(prefix=".outreach-", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise _path_error(exc, path) from exc
    temp = Path(temp_name)
    placed = False
    written = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            zh = language.startswith("zh")
            writer.writerow(HEADERS["zh" if zh else "en"])
            for total, chunk in listing(ctx, flt):
                writer.writerows(_cells(member, masked, zh) for member in chunk)
                written += len(chunk)
                if progress is not None:
                    progress(written, total)
            fh.flush()
            os.fsync(fh.fileno())
        with ctx.db.write() as s:
            audit.record(
                s, actor, "outreach.export", ctx.now(),
                **flt.described(), rows=written, masked=masked, file=path.name,
            )  # fmt: skip
            # Inside the transaction: if the file cannot take its place, nothing is audited;
            # if the audit cannot be committed, the file goes again (below).
            os.replace(temp, path)
            placed = True
    except BaseException as exc:
        temp.unlink(missing_ok=True)
        if placed:
            path.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _path_error(exc, path) from exc
        raise
    return ExportResult(path=path, rows=written, masked=masked)
