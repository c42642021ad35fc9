"""``hq stats``: what each store has sent HQ, from the ops table HQ keeps for ever."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from hq.models import CarePlan, CareTask, Receipt, Store, StoredOp
from hq.review import flagged_by_store
from hq.times import rfc3339


@dataclass
class StoreStats:
    code: str
    name: str
    last_contact_at: dt.datetime | None
    applied: dict[str, int] = field(default_factory=dict)  # by op type
    rejected: dict[str, int] = field(default_factory=dict)  # by error code
    replays: int = 0
    members_registered: int = 0
    # Applied, but flagged for HQ's review: offline_cap_exceeded, overdraft (hq.review).
    flagged: dict[str, int] = field(default_factory=dict)
    # Earns booked under rules HQ had replaced when the sale was made: a late rule change's
    # cost (docs/points.md).
    superseded_earns: int = 0
    # Care plans this store enrolled, by state, and care tasks done (DESIGN §12).
    care: dict[str, int] = field(default_factory=dict)

    @property
    def applied_total(self) -> int:
        return sum(self.applied.values())

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["last_contact_at"] = rfc3339(self.last_contact_at) if self.last_contact_at else None
        data["applied_total"] = self.applied_total
        data["rejected_total"] = self.rejected_total
        return data


def store_stats(conn: Connection) -> list[StoreStats]:
    """Per store: ops applied by type, rejections by code, replays, registrations, contact."""
    stats = {
        row.code: StoreStats(row.code, row.name, row.last_contact_at, replays=row.replays or 0)
        for row in conn.execute(
            select(Store.code, Store.name, Store.last_contact_at, Store.replays).order_by(
                Store.code
            )
        )
    }
    applied = conn.execute(
        select(StoredOp.store_code, StoredOp.type, func.count())
        .where(StoredOp.status == "applied")
        .group_by(StoredOp.store_code, StoredOp.type)
    )
    for code, op_type, count in applied:
        if code in stats:
            stats[code].applied[op_type] = int(count)
            if op_type == "member.register":
                stats[code].members_registered = int(count)
    rejected = conn.execute(
        select(StoredOp.store_code, StoredOp.error_code, func.count())
        .where(StoredOp.status == "rejected")
        .group_by(StoredOp.store_code, StoredOp.error_code)
    )
    for code, error_code, count in rejected:
        if code in stats:
            stats[code].rejected[error_code or "unknown"] = int(count)
    for code, flags in flagged_by_store(conn).items():
        if code in stats:
            stats[code].flagged = dict(sorted(flags.items()))
    superseded = conn.execute(
        select(Receipt.store_code, func.count())
        .where(Receipt.superseded_rules.is_(True))
        .group_by(Receipt.store_code)
    )
    for code, count in superseded:
        if code in stats:
            stats[code].superseded_earns = int(count)
    for code, care in care_by_store(conn).items():
        if code in stats:
            stats[code].care = care
    for s in stats.values():
        s.applied = dict(sorted(s.applied.items()))
        s.rejected = dict(sorted(s.rejected.items()))
    return list(stats.values())


def care_by_store(conn: Connection) -> dict[str, dict[str, int]]:
    """Per store: plans enrolled, active, completed and ended, and care tasks done."""
    out: dict[str, dict[str, int]] = {}
    plans = conn.execute(
        select(CarePlan.store_code, CarePlan.status, func.count()).group_by(
            CarePlan.store_code, CarePlan.status
        )
    )
    for code, status, count in plans:
        care = out.setdefault(code, {"plans_enrolled": 0, "tasks_done": 0})
        care["plans_enrolled"] += int(count)
        care[f"plans_{status}"] = int(count)
    done = conn.execute(
        select(CarePlan.store_code, func.count())
        .join(CareTask, CareTask.plan_id == CarePlan.id)
        .where(CareTask.status == "done")
        .group_by(CarePlan.store_code)
    )
    for code, count in done:
        out.setdefault(code, {"plans_enrolled": 0, "tasks_done": 0})["tasks_done"] = int(count)
    return {code: dict(sorted(care.items())) for code, care in out.items()}


def format_table(stats: list[StoreStats]) -> str:
    """The stats as text for a person: one block per store."""
    if not stats:
        return "no stores yet (add one with `hq store add CODE NAME`)"
    lines: list[str] = []
    for s in stats:
        contact = rfc3339(s.last_contact_at) if s.last_contact_at else "never"
        lines.append(f"{s.code}  {s.name}  (last contact {contact})")
        lines.append(
            f"  applied {s.applied_total}, rejected {s.rejected_total}, "
            f"replays answered {s.replays}, members registered {s.members_registered}, "
            f"earns under superseded rules {s.superseded_earns}"
        )
        if s.applied:
            lines.append("  applied:  " + ", ".join(f"{k} {v}" for k, v in s.applied.items()))
        if s.rejected:
            lines.append("  rejected: " + ", ".join(f"{k} {v}" for k, v in s.rejected.items()))
        if s.care:
            lines.append("  care: " + ", ".join(f"{k} {v}" for k, v in s.care.items()))
        if s.flagged:
            lines.append(
                "  flagged for review: " + ", ".join(f"{k} {v}" for k, v in s.flagged.items())
            )
    return "\n".join(lines)
