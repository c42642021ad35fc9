"""Care plans at HQ (DESIGN §12): the templates it serves, and ``care.enroll`` / ``care.task``.

The templates and the refill lead are the ``care`` part of ``/v1/config``: stored in the
``meta`` row ``care`` when a chain sets its own (:func:`set_care`), else
``counter.care_rules.DEFAULT_CARE``. They are not rules (no ``rules_version``): a plan
carries its own task dates, computed at the counter.

The handlers are in ``hq.ops.care``. A withdrawn health consent ends the member's plans
and erases what they said (:func:`end_for_withdrawal`, called by ``member.consent`` in its
savepoint); a member HQ forgets keeps no plan (:func:`forget_member`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any, cast

from sqlalchemy import Row, Table, insert, select, update
from sqlalchemy.engine import Connection

from counter import care_rules
from counter.care_rules import CareConfig
from hq.config import ConfigError, canonical_json
from hq.fastsql import FastSQL
from hq.models import CarePlan, CareTask, Meta

CPL = cast(Table, CarePlan.__table__)
T = cast(Table, CareTask.__table__)

META_CARE = "care"


def stored_care(conn: Connection) -> dict[str, Any]:
    """The ``care`` part HQ serves."""
    text = conn.scalar(select(Meta.value).where(Meta.key == META_CARE))
    if text is None:
        return json.loads(json.dumps(care_rules.DEFAULT_CARE))  # type: ignore[no-any-return]
    value: dict[str, Any] = json.loads(text)
    return value


def set_care(conn: Connection, document: Any) -> None:
    """Store the chain's own templates and refill lead (counters get them on their next
    config check); :class:`ConfigError` if counters could not use them."""
    try:
        care_rules.parse_care(document)
    except ValueError as exc:
        raise ConfigError(f"the care config is not usable: {exc}") from None
    text = canonical_json(document)
    if conn.execute(update(Meta).where(Meta.key == META_CARE).values(value=text)).rowcount == 0:
        conn.execute(insert(Meta).values(key=META_CARE, value=text))


def care_of(fx: FastSQL) -> CareConfig:
    row = fx.one("SELECT value FROM meta WHERE key = ?", (META_CARE,))
    return care_rules.parse_care(json.loads(row[0]) if row is not None else None)


def end_plan(fx: FastSQL, plan_id: str, reason: str, at: dt.datetime) -> None:
    """An active plan ends: its open tasks are cancelled."""
    fx.update(
        "care_plans", "id", plan_id, {"status": "ended", "ended_reason": reason, "ended_at": at}
    )
    fx.execute(
        "UPDATE care_tasks SET status = 'cancelled' WHERE plan_id = ? AND status = 'open'",
        (plan_id,),
    )


def _renumber(fx: FastSQL, member_id: str, take: Callable[[], int]) -> None:
    """Each of the member's plans gets a new seq: the store's counters pull the change."""
    for (plan_id,) in fx.all("SELECT id FROM care_plans WHERE member_id = ?", (member_id,)):
        fx.update("care_plans", "id", plan_id, {"seq": take()})


def end_for_withdrawal(
    fx: FastSQL, member_id: str, at: dt.datetime, take: Callable[[], int]
) -> None:
    """The member withdrew the health consent: plans end, and what they said is erased."""
    for (plan_id,) in fx.all(
        "SELECT id FROM care_plans WHERE member_id = ? AND status = 'active'", (member_id,)
    ):
        end_plan(fx, plan_id, "consent_withdrawn", at)
    fx.execute("UPDATE care_plans SET template = '' WHERE member_id = ?", (member_id,))
    fx.execute("UPDATE care_task_log SET note = '' WHERE member_id = ?", (member_id,))
    _renumber(fx, member_id, take)


def forget_member(fx: FastSQL, member_id: str, at: dt.datetime, take: Callable[[], int]) -> None:
    """A member HQ forgets (deletion request) keeps no care plan: the plans end and keep
    only ids, dates and states (the feed's cursor may name one, so the rows stay); the
    counters erase theirs with the member's tombstone."""
    for (plan_id,) in fx.all(
        "SELECT id FROM care_plans WHERE member_id = ? AND status = 'active'", (member_id,)
    ):
        end_plan(fx, plan_id, "member_deleted", at)
    fx.execute("UPDATE care_plans SET template = '' WHERE member_id = ?", (member_id,))
    fx.execute("DELETE FROM care_task_log WHERE member_id = ?", (member_id,))
    _renumber(fx, member_id, take)


# ------------------------------------------------------------------ the store's feed


def care_records(conn: Connection, rows: Sequence[Row[Any]]) -> list[dict[str, Any]]:
    """``/v1/care/changes`` records of these plans, with their tasks (one query)."""
    ids = [r.id for r in rows]
    tasks: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    if ids:
        for t in conn.execute(
            select(T).where(T.c.plan_id.in_(ids)).order_by(T.c.plan_id, T.c.step)
        ):
            tasks[t.plan_id].append(
                {
                    "task_id": t.id,
                    "step": t.step,
                    "due_on": _day(t.due_on),
                    "status": t.status,
                    "outcome": t.outcome,
                    "attempts": t.attempts,
                }
            )
    return [
        {
            "id": r.id,
            "seq": r.seq,
            "member_id": r.member_id,
            "template": r.template,
            "start_on": _day(r.start_on),
            "status": r.status,
            "ended_reason": r.ended_reason,
            "tasks": tasks[r.id],
        }
        for r in rows
    ]


def _day(value: Any) -> str:
    return value if isinstance(value, str) else str(value.isoformat())
