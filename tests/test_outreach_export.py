"""Exporting an outreach list (DESIGN §7): masked unless a manager exports, audited with the
filter and the row count, no formula injection, a clear message when the file can't be
written (no folder, a folder given, a full disk), nothing half-written left behind."""

from __future__ import annotations

import csv
import datetime as dt
import json
import resource
import signal
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from counter import services
from counter.errors import DiskFullError, PermissionDenied
from counter.services import outreach
from counter.services.outreach import OutreachFilter
from counter.services.outreach_export import ExportPathError, export_csv, safe_cell
from counter.settings import Settings
from counter.sync.apply import apply_member_records

NOW = dt.datetime(2026, 12, 28, 12, 0, tzinfo=dt.UTC)


def record(i: int, **fields: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "id": f"01900000-0000-7000-8000-{i:012d}", "seq": i, "status": "active",
        "member_no": f"{1_000_000_000 + i}", "name": f"周{'明红刚'[i % 3]}华",
        "gender": "M", "birthday": "1980-12-30", "phone": f"137{i:08d}", "email": "",
        "address": "上海市浦东新区张江路1号", "tier": "gold", "points": 0, "health": None,
        "updated_at": "2026-11-01T00:00:00.000000Z", "cards": [], "points_expiring": [],
        "recent_visits": [],
    }  # fmt: skip
    rec.update(fields)
    return rec


@pytest.fixture
def listed(ctx: services.ServiceContext, service_actor: services.Actor) -> list[str]:
    ctx.clock = lambda: NOW
    recs = [record(i) for i in range(1, 5)]
    recs.append(record(5, name='=HYPERLINK("http://x")', phone="13700000005"))
    with ctx.db.write() as s:
        apply_member_records(s, recs, ctx.cipher, NOW)
    for rec in recs:
        services.record_consent(ctx, service_actor, rec["id"], "marketing", granted=True)
    return [r["id"] for r in recs]


@pytest.fixture
def manager(ctx: services.ServiceContext) -> services.Actor:
    return services.create_operator(ctx, "陈店长", "manager", "9999")


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def audits(settings: Settings) -> list[dict[str, Any]]:
    con = sqlite3.connect(settings.db_path)
    try:
        rows = con.execute(
            "SELECT operator_id, details FROM audit_log WHERE action = 'outreach.export' "
            "ORDER BY id"
        ).fetchall()
    finally:
        con.close()
    return [{"operator_id": o, **json.loads(d)} for o, d in rows]


BIRTHDAYS_GOLD = OutreachFilter(outreach.BIRTHDAYS, 7, tier="gold")


def test_a_service_assistant_exports_masked_and_it_is_audited(
    ctx: services.ServiceContext,
    service_actor: services.Actor,
    listed: list[str],
    settings: Settings,
    tmp_path: Path,
) -> None:
    target = tmp_path / "birthdays.csv"
    seen: list[tuple[int, int]] = []
    result = export_csv(
        ctx, service_actor, BIRTHDAYS_GOLD, target, progress=lambda d, t: seen.append((d, t))
    )
    assert (result.rows, result.masked) == (5, True)
    rows = read_csv(target)
    assert rows[0][:3] == ["会员号", "姓名", "手机"]
    assert rows[1][:7] == ["1000000001", "周*华", "137****0001", "金卡会员", "浦东新区", "12-30",
                           "2026-12-30"]  # fmt: skip
    text = target.read_text(encoding="utf-8-sig")
    assert "13700000001" not in text and "周红华" not in text
    assert seen[-1] == (5, 5)
    assert audits(settings) == [
        {"operator_id": service_actor.operator_id, "list": "birthdays", "days": 7,
         "tier": "gold", "rows": 5, "masked": True, "file": "birthdays.csv"}
    ]  # fmt: skip
    assert list(tmp_path.glob(".outreach-*")) == []


def test_a_manager_exports_names_and_phones_in_clear_audited_as_such(
    ctx: services.ServiceContext,
    manager: services.Actor,
    listed: list[str],
    settings: Settings,
    tmp_path: Path,
) -> None:
    target = tmp_path / "all.csv"
    result = export_csv(ctx, manager, OutreachFilter(), target, language="en")
    assert (result.rows, result.masked) == (5, False)
    rows = read_csv(target)
    assert rows[0][:3] == ["member_no", "name", "phone"]
    assert rows[1][1:3] == ["周红华", "13700000001"]
    assert audits(settings)[-1]["masked"] is False
    assert audits(settings)[-1]["rows"] == 5


def test_cells_a_spreadsheet_would_run_are_neutralised(
    ctx: services.ServiceContext, manager: services.Actor, listed: list[str], tmp_path: Path
) -> None:
    target = tmp_path / "all.csv"
    export_csv(ctx, manager, OutreachFilter(), target)
    names = [row[1] for row in read_csv(target)[1:]]
    assert '\'=HYPERLINK("http://x")' in names
    for dangerous in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(dangerous) == "'" + dangerous
    assert safe_cell("张*明") == "张*明"


def test_a_withdrawal_after_the_screen_showed_the_list_is_respected(
    ctx: services.ServiceContext,
    service_actor: services.Actor,
    listed: list[str],
    settings: Settings,
    tmp_path: Path,
) -> None:
    assert outreach.build_list(ctx, service_actor, OutreachFilter()).count == 5
    ctx.clock = lambda: NOW + dt.timedelta(minutes=1)
    services.record_consent(ctx, service_actor, listed[0], "marketing", granted=False)
    result = export_csv(ctx, service_actor, OutreachFilter(), tmp_path / "x.csv")
    assert result.rows == 4
    assert audits(settings)[-1]["rows"] == 4


def test_cashiers_may_not_export(
    ctx: services.ServiceContext, cashier: services.Actor, listed: list[str], tmp_path: Path
) -> None:
    with pytest.raises(PermissionDenied):
        export_csv(ctx, cashier, OutreachFilter(), tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


def test_an_unwritable_place_gets_a_clear_message_and_no_audit(
    ctx: services.ServiceContext,
    service_actor: services.Actor,
    listed: list[str],
    settings: Settings,
    tmp_path: Path,
) -> None:
    with pytest.raises(ExportPathError) as missing:
        export_csv(ctx, service_actor, OutreachFilter(), tmp_path / "no-such-folder" / "x.csv")
    assert "无法写入" in missing.value.zh and "choose a folder" in missing.value.en
    with pytest.raises(ExportPathError) as folder:
        export_csv(ctx, service_actor, OutreachFilter(), tmp_path)
    assert "文件夹" in folder.value.zh
    assert audits(settings) == []


def test_a_full_disk_leaves_no_half_file_and_no_audit(
    ctx: services.ServiceContext,
    service_actor: services.Actor,
    listed: list[str],
    settings: Settings,
    tmp_path: Path,
) -> None:
    """The file size limit makes the write fail as a full disk does (EFBIG, not ENOSPC:
    a limit this process can set for itself; both get the "not enough room" message)."""
    target = tmp_path / "big.csv"
    target.write_text("the previous export\n", encoding="utf-8")
    outreach.build_list(ctx, service_actor, OutreachFilter())  # as the screen did first
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    old_limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (200, old_limit[1]))
    try:
        with pytest.raises(DiskFullError) as full:
            export_csv(ctx, service_actor, OutreachFilter(), target)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, old_limit)
        signal.signal(signal.SIGXFSZ, old_handler)
    assert "磁盘已满" in full.value.zh
    assert target.read_text(encoding="utf-8") == "the previous export\n"
    assert list(tmp_path.glob(".outreach-*")) == []
    assert audits(settings) == []
