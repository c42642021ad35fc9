"""Care plans against the real reference HQ: an enrolment and its task outcomes, made at
the counter (some offline), arrive at HQ exactly once and HQ ends up where the counter
is; a withdrawn consent ends the plan at HQ too."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import text
from sync_helpers import HQ, outbox_states, sql

from counter import services
from counter.services import care, care_tasks, worklist
from counter.sync.engine import sync_once
from hq.db import make_engine


def hq_rows(hq: HQ, query: str, **params: Any) -> list[dict[str, Any]]:
    engine = make_engine(hq.url_db)
    try:
        with engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(text(query), params)]
    finally:
        engine.dispose()


def as_date(value: Any) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def test_enrolment_and_outcomes_arrive_once_and_agree(hq: HQ) -> None:
    a = hq.counter("S001")
    mid = services.register_member(a.ctx, a.actor, services.MemberForm("周慧", "13755551234")).id
    services.record_consent(a.ctx, a.actor, mid, "health", granted=True)
    services.record_health(a.ctx, a.actor, mid, [], ["高血压"], [])
    plan = care.enroll(a.ctx, a.actor, mid, "hypertension")
    first, second = plan.tasks[0].task_id, plan.tasks[1].task_id
    care_tasks.do_task(a.ctx, a.actor, first, "no_answer")
    assert sync_once(a.ctx).ok
    # More outcomes before the next sync (as offline): they wait in the outbox, in order.
    care_tasks.do_task(a.ctx, a.actor, first, "reached", "血压稳定")
    care_tasks.do_task(a.ctx, a.actor, second, "visited")
    report = sync_once(a.ctx)
    assert report.ok and not report.rejections, report.errors
    assert {state for _, state in outbox_states(a.ctx)} == {"applied"}

    plans = hq_rows(hq, "SELECT id, status, template FROM care_plans WHERE member_id = :m", m=mid)
    assert [(p["id"], p["status"], p["template"]) for p in plans] == [
        (plan.plan_id, "active", "hypertension")
    ]
    log = hq_rows(hq, "SELECT id, task_id, outcome FROM care_task_log ORDER BY at, id")
    ops = sql(a.ctx, "SELECT op_id FROM outbox WHERE type = 'care.task' ORDER BY seq")
    assert [(r["task_id"], r["outcome"]) for r in log] == [
        (first, "no_answer"),
        (first, "reached"),
        (second, "visited"),
    ]
    assert [r["id"] for r in log] == [op_id for (op_id,) in ops]
    here = {t.task_id: t for t in care.member_plans(a.ctx, a.actor, mid)[0].tasks}
    there = hq_rows(hq, "SELECT id, status, due_on, attempts FROM care_tasks")
    assert {r["id"]: (r["status"], as_date(r["due_on"]), r["attempts"]) for r in there} == {
        tid: (t.status, t.due_on, t.attempts) for tid, t in here.items()
    }

    services.record_consent(a.ctx, a.actor, mid, "health", granted=False)
    assert sync_once(a.ctx).ok
    (ended,) = hq_rows(hq, "SELECT status, ended_reason, template FROM care_plans")
    assert ended == {"status": "ended", "ended_reason": "consent_withdrawn", "template": ""}


def test_the_pcs_of_a_store_share_its_plans_and_tasks(hq: HQ) -> None:
    one, two = hq.counter("S001", "pc1"), hq.counter("S001", "pc2")
    other_store = hq.counter("S002")
    mid = services.register_member(
        one.ctx, one.actor, services.MemberForm("吴敏", "13755554321")
    ).id
    services.record_consent(one.ctx, one.actor, mid, "health", granted=True)
    services.record_health(one.ctx, one.actor, mid, [], ["骨质疏松"], [])
    plan = care.enroll(one.ctx, one.actor, mid, "osteoporosis")
    assert sync_once(one.ctx).ok
    for pc in (two, other_store):
        assert sync_once(pc.ctx).ok
    # The second PC lists the first PC's task (and another store does not).
    (item,) = worklist.work_list(two.ctx, two.actor).care_tasks
    assert item.ref == plan.tasks[0].task_id and item.script_zh
    assert worklist.work_counts(other_store.ctx, other_store.actor).care_tasks == 0
    care_tasks.do_task(two.ctx, two.actor, item.ref, "no_answer")
    assert sync_once(two.ctx).ok and sync_once(one.ctx).ok
    (back,) = care.member_plans(one.ctx, one.actor, mid)
    assert (back.tasks[0].status, back.tasks[0].attempts) == ("open", 1)
    assert back.tasks[0].due_on == plan.tasks[0].due_on + dt.timedelta(days=1)
    # Withdrawn at the second PC: the first PC's plan ends and its detail goes.
    services.record_consent(two.ctx, two.actor, mid, "health", granted=False)
    assert sync_once(two.ctx).ok and sync_once(one.ctx).ok
    (ended,) = care.member_plans(one.ctx, one.actor, mid)
    assert (ended.status, ended.ended_reason) == ("ended", "consent_withdrawn")
    assert ended.template == care.ERASED_TEMPLATE
    assert sql(one.ctx, "SELECT count(*) FROM care_plans WHERE detail_enc IS NOT NULL") == [(0,)]
