"""Copy and CSV export of the figures (issue 18): audited, formulas neutralised, disk full."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from counter import services
from counter.errors import DiskFullError, PermissionDenied, StorageError
from counter.services import audit, figures
from counter.services.figures_export import (
    FigureTable,
    audit_copy,
    csv_text,
    export_csv,
    safe_cell,
    tab_text,
)

PERIOD = figures.period_of("month", dt.date(2026, 12, 16))
TABLES = (
    FigureTable("按区域", ("区域", "会员"), (("浦东新区", 12), ('=HYPERLINK("x")', 3))),
    FigureTable("积分", ("类别", "积分"), (("兑换", -400), ("+1 奖励", 50), ("@SUM(A1)", 1.5))),
)


@pytest.fixture
def manager(ctx: services.ServiceContext) -> services.Actor:
    return services.create_operator(ctx, "赵店长", "manager", "9999")


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+2", "'=1+2"),
        ("+86 138", "'+86 138"),
        ("-3", "'-3"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("浦东新区", "浦东新区"),
        ("a=b", "a=b"),
        (-400, -400),
        (1.5, 1.5),
    ],
)
def test_text_a_spreadsheet_would_run_is_made_plain(cell: object, safe: object) -> None:
    assert safe_cell(cell) == safe  # type: ignore[arg-type]


def test_csv_holds_every_table_under_its_title_numbers_as_numbers() -> None:
    text = csv_text(TABLES, heading=("门店 S001", "2026-12-01..2026-12-16"))
    rows = list(csv.reader(text.splitlines()))
    assert rows[0] == ["门店 S001"]
    assert ["按区域"] in rows and ["积分"] in rows
    assert ['\'=HYPERLINK("x")', "3"] in rows
    assert ["兑换", "-400"] in rows  # a negative number is a number, not a formula
    assert ["'+1 奖励", "50"] in rows
    assert ["'@SUM(A1)", "1.5"] in rows
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def test_export_writes_utf8_for_excel_and_audits_it(
    ctx: services.ServiceContext, manager: services.Actor, tmp_path: Path
) -> None:
    target = tmp_path / "figures.csv"
    rows = export_csv(ctx, manager, target, PERIOD, TABLES)
    assert rows == 5
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for Chinese
    assert "浦东新区" in raw.decode("utf-8-sig")
    entry = audit.recent(ctx, 1)[0]
    assert entry.action == "figures.export"
    assert entry.operator_id == manager.operator_id
    details = json.loads(entry.details)
    assert details == {
        "file": "figures.csv", "period": "2026-12-01..2026-12-16", "rows": 5,
        "tables": ["按区域", "积分"],
    }  # fmt: skip


def test_a_full_disk_says_so_and_audits_nothing(
    ctx: services.ServiceContext, manager: services.Actor
) -> None:
    full = Path("/dev/full")  # a real device: every write fails with ENOSPC
    if not full.exists():
        pytest.skip("no /dev/full on this system")
    before = len(audit.recent(ctx))
    with pytest.raises(DiskFullError) as caught:
        export_csv(ctx, manager, full, PERIOD, TABLES)
    assert "The disk is full" in caught.value.en
    assert "磁盘已满" in caught.value.zh
    assert len(audit.recent(ctx)) == before
    assert full.exists()  # a device is never removed


def test_a_folder_that_cannot_be_written_says_so(
    ctx: services.ServiceContext, manager: services.Actor, tmp_path: Path
) -> None:
    with pytest.raises(StorageError) as caught:
        export_csv(ctx, manager, tmp_path / "no-such-folder" / "f.csv", PERIOD, TABLES)
    assert "Could not write" in caught.value.en
    assert not isinstance(caught.value, DiskFullError)


def test_copy_is_tab_separated_and_audited(
    ctx: services.ServiceContext, manager: services.Actor
) -> None:
    text = audit_copy(ctx, manager, PERIOD, TABLES[0])
    assert text == tab_text(TABLES[0])
    assert text.splitlines() == ["区域\t会员", "浦东新区\t12", '\'=HYPERLINK("x")\t3']
    entry = audit.recent(ctx, 1)[0]
    assert entry.action == "figures.copy"
    assert json.loads(entry.details)["rows"] == 2


def test_only_a_manager_exports_or_copies(
    ctx: services.ServiceContext, service_actor: services.Actor, tmp_path: Path
) -> None:
    with pytest.raises(PermissionDenied):
        export_csv(ctx, service_actor, tmp_path / "f.csv", PERIOD, TABLES)
    with pytest.raises(PermissionDenied):
        audit_copy(ctx, service_actor, PERIOD, TABLES[0])
    assert not (tmp_path / "f.csv").exists()
