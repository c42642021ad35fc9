"""The audit trail as a store manager reads it (F12, Audit tab): filtered, newest first,
a page at a time, and exported to CSV (the export itself audited).

A page is one index range whatever the filter (``0014_audit_trail``): by operator, by
action, by member, by date range, or only the acts on personal information
(``models.AUDIT_SENSITIVE_SQL``). Pages are keyed on (time, id) rather than counted
with OFFSET, so the thousandth page costs what the first does; there is no total count
(counting a million rows is what would be slow). The trail holds ids: operators' names
and members' numbers and masked names are added for the page's rows only.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from counter import privacy
from counter.errors import NotFoundError, ValidationError
from counter.rules import STORE_TZ
from counter.services import audit
from counter.services.context import Actor, ServiceContext
from counter.services.figures_export import _file_error, _remove, safe_cell
from counter.services.lookup import lookup
from counter.services.ops import require_role
from counter.store.models import AUDIT_SENSITIVE_SQL

PAGE_SIZE = 50
EXPORT_CHUNK = 5_000
_SENSITIVE_EXACT = frozenset(
    {"health.view", "health.record", "member.reveal", "profile.view"}
    | {"consent.grant", "consent.withdraw"}
)


def is_sensitive(action: str) -> bool:
    """The same test as ``AUDIT_SENSITIVE_SQL``, for a row already read."""
    return action in _SENSITIVE_EXACT or action.endswith(".reveal") or action.endswith(".export")


@dataclass(frozen=True)
class AuditFilter:
    """What the manager narrowed the trail to; dates are the store's days, both included."""

    operator_id: str | None = None
    member_id: str | None = None
    action: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    sensitive: bool = False

    def described(self) -> dict[str, Any]:
        """The filter as the export's audit row records it (only what is set)."""
        out: dict[str, Any] = {}
        for key in ("operator_id", "member_id", "action"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.since:
            out["since"] = self.since.isoformat()
        if self.until:
            out["until"] = self.until.isoformat()
        if self.sensitive:
            out["sensitive"] = True
        return out


@dataclass(frozen=True)
class Cursor:
    """Where the next (older) page starts: the last row's time and id."""

    at: str
    id: int


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime
    operator_id: str
    operator_name: str  # "" for an attempt with an unknown operator id
    action: str
    member_id: str | None
    member_no: str  # "" when the member is not cached (or erased)
    member_name: str  # masked (张*明), never in clear
    details: dict[str, Any] = field(default_factory=dict)
    sensitive: bool = False


@dataclass(frozen=True)
class AuditPage:
    rows: tuple[AuditRow, ...]
    older: Cursor | None  # None: this is the oldest page


def _utc_text(moment: dt.datetime) -> str:
    # As models.UTCDateTime stores it, so text comparison is time comparison.
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _day_start(day: dt.date) -> str:
    return _utc_text(dt.datetime.combine(day, dt.time(), tzinfo=STORE_TZ))


def _where(flt: AuditFilter) -> tuple[list[str], dict[str, Any]]:
    if flt.since and flt.until and flt.since > flt.until:
        raise ValidationError(
            "开始日期晚于结束日期。", "The first day is after the last day.", field="since"
        )
    terms: list[str] = []
    params: dict[str, Any] = {}
    if flt.operator_id:
        terms.append("operator_id = :operator_id")
        params["operator_id"] = flt.operator_id
    if flt.member_id:
        terms.append("member_id = :member_id")
        params["member_id"] = flt.member_id
    if flt.action:
        terms.append("action = :action")
        params["action"] = flt.action
    if flt.since:
        terms.append("at >= :since")
        params["since"] = _day_start(flt.since)
    if flt.until:
        terms.append("at < :until")
        params["until"] = _day_start(flt.until + dt.timedelta(days=1))
    if flt.sensitive:
        terms.append(f"({AUDIT_SENSITIVE_SQL})")
    return terms, params


def page_sql(flt: AuditFilter, before: Cursor | None, limit: int) -> tuple[str, dict[str, Any]]:
    """The page query (the bench and the index test read its plan too)."""
    terms, params = _where(flt)
    if before is not None:
        terms.append("(at, id) < (:before_at, :before_id)")
        params.update(before_at=before.at, before_id=before.id)
    where = " AND ".join(terms) or "1"
    params["limit"] = limit
    sql = (
        "SELECT id, at, operator_id, action, member_id, details FROM audit_log "
        f"WHERE {where} ORDER BY at DESC, id DESC LIMIT :limit"
    )
    return sql, params


def _require_manager(actor: Actor) -> None:
    require_role(actor, ("manager",), "查看审计记录", "read the audit trail")


_OPERATOR_NAMES = text("SELECT id, name FROM operators WHERE id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)
_MEMBER_NAMES = text("SELECT id, member_no, name FROM members WHERE id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)


def _names(
    s: Session, operator_ids: set[str], member_ids: set[str]
) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    operators: dict[str, str] = {}
    if operator_ids:
        rows = s.execute(_OPERATOR_NAMES, {"ids": sorted(operator_ids)})
        operators = {r[0]: r[1] for r in rows}
    members: dict[str, tuple[str, str]] = {}
    if member_ids:
        rows = s.execute(_MEMBER_NAMES, {"ids": sorted(member_ids)})
        members = {r[0]: (r[1] or "", privacy.mask_name(r[2] or "")) for r in rows}
    return operators, members


def _rows(s: Session, raw: list[Any]) -> list[AuditRow]:
    operators, members = _names(s, {r[2] for r in raw}, {r[4] for r in raw if r[4]})
    out = []
    for rid, at, operator_id, action, member_id, details in raw:
        try:
            parsed = json.loads(details) if details else {}
        except ValueError:
            parsed = {"text": details}
        member_no, member_name = members.get(member_id or "", ("", ""))
        out.append(
            AuditRow(
                id=rid,
                at=dt.datetime.fromisoformat(at),
                operator_id=operator_id,
                operator_name=operators.get(operator_id, ""),
                action=action,
                member_id=member_id,
                member_no=member_no,
                member_name=member_name,
                details=parsed if isinstance(parsed, dict) else {"value": parsed},
                sensitive=is_sensitive(action),
            )
        )
    return out


def audit_page(
    ctx: ServiceContext,
    actor: Actor,
    flt: AuditFilter,
    before: Cursor | None = None,
    limit: int = PAGE_SIZE,
) -> AuditPage:
    """One page of the trail, newest first; ``before`` is the previous page's ``older``."""
    _require_manager(actor)
    sql, params = page_sql(flt, before, limit + 1)
    with ctx.db.read() as s:
        raw = list(s.execute(text(sql), params))
        rows = _rows(s, raw[:limit])
    older = Cursor(raw[limit - 1][1], raw[limit - 1][0]) if len(raw) > limit else None
    return AuditPage(tuple(rows), older)


def audit_actions(ctx: ServiceContext, actor: Actor) -> list[str]:
    """The actions the trail holds, for the filter's list: one index seek per action
    (a loose index scan), not a read of every row."""
    _require_manager(actor)
    sql = text(
        "WITH RECURSIVE a(action) AS ("
        " SELECT min(action) FROM audit_log"
        " UNION ALL"
        " SELECT (SELECT min(action) FROM audit_log WHERE action > a.action) FROM a"
        " WHERE a.action IS NOT NULL"
        ") SELECT action FROM a WHERE action IS NOT NULL"
    )
    with ctx.db.read() as s:
        return [r[0] for r in s.execute(sql)]


def find_member(ctx: ServiceContext, actor: Actor, query: str) -> tuple[str, str]:
    """The member to filter on, from a member number, card, phone or scan: (id, label)."""
    _require_manager(actor)
    query = query.strip()
    if not query:
        raise ValidationError(
            "请输入会员号、卡号或手机号。", "Type a member number, card or phone.", field="member"
        )
    with ctx.db.read() as s:
        row = s.execute(
            text("SELECT id, member_no, name FROM members WHERE member_no = :q OR id = :q"),
            {"q": query},
        ).first()
    if row is not None:
        return row[0], f"{row[1] or ''} {privacy.mask_name(row[2] or '')}".strip()
    found = lookup(ctx, actor, query)
    if found.member is not None:
        view = found.member
        return view.id, f"{view.member_no or ''} {privacy.mask_name(view.name)}".strip()
    if found.choices:
        raise ValidationError(
            "有多位会员符合：请输入会员号、完整手机号或刷卡。",
            "Several members match: type the member number or the whole phone, or scan the card.",
            field="member",
        )
    raise NotFoundError("本机没有这位会员。", "No such member at this counter.")


CSV_HEADERS = {
    "zh": ("时间", "操作员", "操作", "会员号", "会员", "敏感", "详情"),
    "en": ("Time", "Operator", "Action", "Member no.", "Member", "Sensitive", "Details"),
}


def _all_rows(s: Session, flt: AuditFilter) -> Iterator[AuditRow]:
    before: Cursor | None = None
    while True:
        sql, params = page_sql(flt, before, EXPORT_CHUNK)
        raw = list(s.execute(text(sql), params))
        yield from _rows(s, raw)
        if len(raw) < EXPORT_CHUNK:
            return
        before = Cursor(raw[-1][1], raw[-1][0])


def export_audit(
    ctx: ServiceContext, actor: Actor, flt: AuditFilter, path: Path, *, language: str = "zh_CN"
) -> int:
    """Every row the filter selects, newest first, to a CSV file; the rows written.

    Cells are made safe for a spreadsheet (no formula runs), the file is UTF-8 with a BOM
    (Excel reads the Chinese), and the export is audited (``audit.export`` with the
    filter and the count); a file whose audit row cannot be written is removed again.
    """
    _require_manager(actor)
    headers = CSV_HEADERS["zh" if language.startswith("zh") else "en"]
    count = 0
    try:
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\r\n")
            writer.writerow(headers)
            with ctx.db.read() as s:
                for row in _all_rows(s, flt):
                    writer.writerow(
                        [
                            safe_cell(row.at.astimezone(STORE_TZ).strftime("%Y-%m-%d %H:%M:%S")),
                            safe_cell(row.operator_name or row.operator_id),
                            safe_cell(row.action),
                            safe_cell(row.member_no),
                            safe_cell(row.member_name),
                            "1" if row.sensitive else "",
                            safe_cell(json.dumps(row.details, ensure_ascii=False, sort_keys=True)),
                        ]
                    )
                    count += 1
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        _remove(path)
        raise _file_error(exc, path) from exc
    try:
        with ctx.db.write() as s:
            audit.record(
                s, actor, "audit.export", ctx.now(), filter=flt.described(), rows=count,
                file=path.name,
            )  # fmt: skip
    except BaseException:
        _remove(path)
        raise
    return count
