"""The audit trail viewer's core (issue 18): filters, newest first in keyed pages, the
sensitive acts, an index range per filter, and the CSV export (audited, formula-safe,
a full disk told plainly)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from counter import services
from counter.errors import DiskFullError, PermissionDenied, ValidationError
from counter.services import audit
from counter.services.audit_view import (
    AuditFilter,
    audit_actions,
    audit_page,
    export_audit,
    find_member,
    page_sql,
)
from counter.settings import Settings

# 2026-12-06 16:30 UTC is 00:30 on the 7th in the store (China Standard Time).
T0 = dt.datetime(2026, 12, 6, 16, 30, tzinfo=dt.UTC)


@pytest.fixture
def ctx(tmp_path: Path):  # type: ignore[no-untyped-def]
    context = services.open_context(
        Settings(store_code="S001", data_dir=str(tmp_path / "data"), secret_store="file")
    )
    context.clock = lambda: T0 + dt.timedelta(days=1)
    yield context
    context.close()


def _write(
    ctx: services.ServiceContext, rows: list[tuple[services.Actor, str, dt.datetime, str | None]]
) -> None:
    with ctx.db.write() as s:
        for actor, action, at, member in rows:
            audit.record(s, actor, action, at, member_id=member, n=1)


def _staff(ctx: services.ServiceContext) -> tuple[services.Actor, services.Actor, services.Actor]:
    return (
        services.create_operator(ctx, "赵店长", "manager", "8888"),
        services.create_operator(ctx, "李客服", "service", "2222"),
        services.create_operator(ctx, '=HYPERLINK("http://x")', "cashier", "1111"),
    )


def test_filters_newest_first_and_the_store_day(ctx: services.ServiceContext) -> None:
    boss, service, cashier = _staff(ctx)
    member = services.register_member(
        ctx, service, services.MemberForm(name="张小明", phone="13812345678")
    )
    _write(
        ctx,
        [
            (service, "health.view", T0 - dt.timedelta(minutes=31), member.id),  # the 6th, 23:59
            (service, "member.reveal", T0, member.id),  # the 7th, 00:30
            (cashier, "points.earn", T0 + dt.timedelta(hours=1), member.id),
            (cashier, "outreach.export", T0 + dt.timedelta(hours=2), None),
            (boss, "operator.role", T0 + dt.timedelta(hours=3), None),
        ],
    )

    def actions(**kw: object) -> list[str]:
        page = audit_page(ctx, boss, AuditFilter(**kw))  # type: ignore[arg-type]
        return [r.action for r in page.rows if r.action != "operator.create"]

    assert actions(member_id=member.id) == [
        "member.register",  # registered "now", a day after the rest
        "points.earn",
        "member.reveal",
        "health.view",
    ]
    assert actions(operator_id=cashier.operator_id) == ["outreach.export", "points.earn"]
    assert actions(action="member.reveal") == ["member.reveal"]
    assert actions(sensitive=True) == ["outreach.export", "member.reveal", "health.view"]
    day = dt.date(2026, 12, 7)
    assert actions(since=day, until=day, sensitive=True) == ["outreach.export", "member.reveal"]
    assert actions(until=dt.date(2026, 12, 6), action="health.view") == ["health.view"]
    with pytest.raises(ValidationError):
        audit_page(ctx, boss, AuditFilter(since=day, until=dt.date(2026, 12, 6)))
    [reveal] = audit_page(ctx, boss, AuditFilter(action="member.reveal")).rows
    assert (reveal.operator_name, reveal.member_no, reveal.member_name, reveal.sensitive) == (
        "李客服",
        member.member_no or "",  # none yet: registered here, not synced
        "张*明",
        True,
    )
    assert reveal.details == {"n": 1}
    assert "member.reveal" in audit_actions(ctx, boss)
    assert audit_actions(ctx, boss) == sorted(set(audit_actions(ctx, boss)))
    with pytest.raises(PermissionDenied):
        audit_page(ctx, service, AuditFilter())
    assert find_member(ctx, boss, member.id)[0] == member.id
    assert find_member(ctx, boss, "13812345678") == (member.id, "张*明")


def test_pages_are_keyed_and_ties_keep_their_order(ctx: services.ServiceContext) -> None:
    boss, service, _ = _staff(ctx)
    # 120 rows, three to a timestamp: the (time, id) key must neither skip nor repeat one.
    _write(
        ctx, [(service, "health.view", T0 + dt.timedelta(seconds=i // 3), None) for i in range(120)]
    )
    seen: list[int] = []
    page = audit_page(ctx, boss, AuditFilter(action="health.view"))
    sizes = []
    while True:
        sizes.append(len(page.rows))
        seen += [r.id for r in page.rows]
        if page.older is None:
            break
        page = audit_page(ctx, boss, AuditFilter(action="health.view"), page.older)
    assert sizes == [50, 50, 20]
    assert seen == sorted(seen, reverse=True) and len(set(seen)) == 120


@pytest.mark.parametrize(
    ("flt", "index"),
    [
        (AuditFilter(), "ix_audit_log_at"),
        (AuditFilter(operator_id="x"), "ix_audit_log_operator_at"),
        (AuditFilter(action="health.view"), "ix_audit_log_action_at"),
        (AuditFilter(sensitive=True), "ix_audit_log_sensitive_at"),
        (AuditFilter(since=dt.date(2026, 1, 1), until=dt.date(2026, 1, 31)), "ix_audit_log_at"),
        (AuditFilter(member_id="m"), "ix_audit_log_member_id"),
    ],
)
def test_each_filter_reads_an_index_range(
    ctx: services.ServiceContext, flt: AuditFilter, index: str
) -> None:
    sql, params = page_sql(flt, None, 51)
    con = sqlite3.connect(ctx.db.path)
    try:
        plan = " / ".join(r[3] for r in con.execute("EXPLAIN QUERY PLAN " + sql, params))
    finally:
        con.close()
    assert index in plan, plan
    if flt.member_id is None:  # a member's few rows may be sorted; nothing else is
        assert "TEMP B-TREE" not in plan, plan


def test_export_is_audited_formula_safe_and_a_full_disk_is_told(
    ctx: services.ServiceContext, tmp_path: Path
) -> None:
    boss, service, cashier = _staff(ctx)
    _write(ctx, [(cashier, "=cmd|' /C calc'!A0", T0, None), (service, "health.view", T0, None)])
    out = tmp_path / "trail.csv"
    flt = AuditFilter(since=dt.date(2026, 12, 7), until=dt.date(2026, 12, 7))
    assert export_audit(ctx, boss, flt, out) == 2
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["时间", "操作员", "操作", "会员号", "会员", "敏感", "详情"]
    assert rows[1][0] == "2026-12-07 00:30:00"
    cells = [c for row in rows[1:] for c in row]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells), cells
    assert '\'=HYPERLINK("http://x")' in cells and "'=cmd|' /C calc'!A0" in cells
    [last] = audit.recent(ctx, 1)
    assert (last.action, last.operator_id) == ("audit.export", boss.operator_id)
    assert json.loads(last.details) == {
        "file": "trail.csv",
        "filter": {"since": "2026-12-07", "until": "2026-12-07"},
        "rows": 2,
    }
    # The export is itself a sensitive act, and shows under that filter.
    assert audit_page(ctx, boss, AuditFilter(sensitive=True)).rows[0].action == "audit.export"

    with pytest.raises(DiskFullError) as full:
        export_audit(ctx, boss, AuditFilter(), Path("/dev/full"))
    assert "磁盘已满" in full.value.message("zh_CN")
    assert audit.recent(ctx, 1)[0].id == last.id  # no audit row for what was not written
    with pytest.raises(PermissionDenied):
        export_audit(ctx, service, AuditFilter(), tmp_path / "no.csv")
    assert not (tmp_path / "no.csv").exists()


def test_the_bench_command_prints_its_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A small run of ``counter bench audit`` (what it measures is read, never asserted)."""
    from counter import cli

    args = ["bench", "audit", "--rows", "500", "--samples", "2", "--dir", str(tmp_path)]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert "500 rows cached" in out and "sensitive acts only" in out
