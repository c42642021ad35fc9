"""``care.enroll`` and ``care.task`` at the reference HQ (SQLite and PostgreSQL): what it
keeps, what it refuses, replays, the plan ending on a withdrawn consent, the templates in
``/v1/config`` and the figures in ``hq stats``."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from hqkit import SOLD_AT, HQEnv, Store
from sqlalchemy import select

from counter import care_rules
from hq.models import CarePlan, CareTask, CareTaskEntry
from hq.stats import store_stats

START = dt.date(2026, 12, 7)


def consented_member(store: Store, chronic: list[str]) -> str:
    mid = str(store.new_member(name="钱多多")["id"])
    store.applied(
        store.op(
            "member.consent",
            {"member_id": mid, "purpose": "health", "granted": True, "recorded_at": SOLD_AT},
        )
    )
    health = {"allergies": [], "chronic": chronic, "medicines": []}
    store.applied(store.op("member.update", {"member_id": mid, "changes": {"health": health}}))
    return mid


def enroll_op(
    store: Store, mid: str, template: str = "osteoporosis", plan_id: str | None = None
) -> dict[str, Any]:
    t = care_rules.parse_care(None).templates[template]
    return store.op(
        "care.enroll",
        {
            "plan_id": plan_id or str(uuid.uuid4()),
            "member_id": mid,
            "template": template,
            "start_on": START.isoformat(),
            "tasks": [
                {"task_id": str(uuid.uuid4()), "step": no, "due_on": due.isoformat()}
                for no, due in care_rules.task_dates(t, START)
            ],
        },
    )


def task_op(store: Store, enroll: dict[str, Any], index: int, outcome: str) -> dict[str, Any]:
    p = enroll["payload"]
    return store.op(
        "care.task",
        {
            "task_id": p["tasks"][index]["task_id"],
            "plan_id": p["plan_id"],
            "member_id": p["member_id"],
            "outcome": outcome,
            "note": "已电话联系",
            "done_on": "2026-12-08",
        },
    )


def plan_of(env: HQEnv, plan_id: str) -> tuple[Any, list[Any], int]:
    with env.engine.connect() as conn:
        plan = conn.execute(select(CarePlan).where(CarePlan.id == plan_id)).one()
        tasks = conn.execute(
            select(CareTask).where(CareTask.plan_id == plan_id).order_by(CareTask.step)
        ).all()
        log = conn.execute(
            select(CareTaskEntry.id).join(CareTask, CareTask.id == CareTaskEntry.task_id)
            .where(CareTask.plan_id == plan_id)
        ).all()  # fmt: skip
    return plan, tasks, len(log)


def test_enroll_and_outcomes_are_kept_once(hq_env: HQEnv) -> None:
    s1 = hq_env.store("S1")
    mid = consented_member(s1, ["骨质疏松"])
    enroll = enroll_op(s1, mid)
    applied = s1.applied(enroll)
    assert applied["entity"] is None and applied["seq"] > 0
    replay = s1.one(enroll)
    assert replay["replayed"] is True and replay["status"] == "applied"
    retry = task_op(s1, enroll, 0, "no_answer")
    s1.applied(retry)
    assert s1.one(retry)["replayed"] is True
    s1.applied(task_op(s1, enroll, 0, "reached"))
    plan, tasks, entries = plan_of(hq_env, enroll["payload"]["plan_id"])
    assert (plan.status, plan.template, plan.store_code) == ("active", "osteoporosis", "S1")
    first = tasks[0]
    assert (first.status, first.outcome, first.attempts) == ("done", "reached", 1)
    assert first.due_on == dt.date(2026, 12, 9)  # no answer on the 8th: due the 9th
    assert entries == 2  # the replayed op was not kept twice
    s1.rejected(task_op(s1, enroll, 0, "reached"), "task_closed")
    s1.applied(task_op(s1, enroll, 1, "declined"))
    plan, tasks, _ = plan_of(hq_env, enroll["payload"]["plan_id"])
    assert (plan.status, plan.ended_reason) == ("ended", "declined")
    assert [t.status for t in tasks] == ["done", "done"] + ["cancelled"] * 4
    s1.rejected(task_op(s1, enroll, 2, "reached"), "plan_ended")
    figures = {s.code: s for s in store_stats_of(hq_env)}["S1"]
    assert figures.applied["care.enroll"] >= 1 and figures.care["plans_enrolled"] >= 1


def store_stats_of(env: HQEnv) -> list[Any]:
    with env.engine.connect() as conn:
        return store_stats(conn)


def test_enroll_refusals(hq_env: HQEnv) -> None:
    s1, s2 = hq_env.store("S1"), hq_env.store("S2")
    bare = str(s1.new_member()["id"])
    s1.rejected(enroll_op(s1, bare), "consent_required")
    mid = consented_member(s1, ["高血压"])
    s1.rejected(enroll_op(s1, mid, "osteoporosis"), "no_condition")
    unknown = enroll_op(s1, mid, "hypertension")
    unknown["payload"]["template"] = "no_such_plan"
    s1.rejected(unknown, "unknown_template")
    twice = enroll_op(s1, mid, "hypertension")
    twice["payload"]["tasks"][1]["step"] = 1
    s1.rejected(twice, "duplicate_task")
    beyond = enroll_op(s1, mid, "hypertension")
    beyond["payload"]["tasks"][0]["step"] = 24
    s1.rejected(beyond, "unknown_step")
    enroll = enroll_op(s1, mid, "hypertension")
    s1.applied(enroll)
    again = enroll_op(s1, mid, "hypertension")
    again["payload"]["tasks"] = enroll["payload"]["tasks"]
    s1.rejected(again, "duplicate_task")
    s1.rejected(enroll_op(s1, mid, "hypertension", enroll["payload"]["plan_id"]), "plan_exists")
    # Another store never does this store's tasks.
    s2.rejected(task_op(s2, enroll, 0, "reached"), "care_task_not_found")


def test_withdrawn_consent_ends_plans_and_erases_them(hq_env: HQEnv) -> None:
    s1 = hq_env.store("S1")
    mid = consented_member(s1, ["2型糖尿病"])
    enroll = enroll_op(s1, mid, "type2_diabetes")
    s1.applied(enroll)
    s1.applied(task_op(s1, enroll, 0, "reached"))
    s1.applied(
        s1.op(
            "member.consent",
            {"member_id": mid, "purpose": "health", "granted": False, "recorded_at": SOLD_AT},
        )
    )
    plan, tasks, _ = plan_of(hq_env, enroll["payload"]["plan_id"])
    assert (plan.status, plan.ended_reason, plan.template) == ("ended", "consent_withdrawn", "")
    assert {t.status for t in tasks} == {"done", "cancelled"}
    with hq_env.engine.connect() as conn:
        notes = conn.scalars(select(CareTaskEntry.note).where(CareTaskEntry.member_id == mid))
        assert set(notes) == {""}


def test_config_serves_the_templates(hq_env: HQEnv) -> None:
    body = hq_env.store("S1").get("/v1/config").json()
    care = care_rules.parse_care(body["care"])
    assert {"osteoporosis", "hypertension", "type2_diabetes"} <= set(care.templates)
    assert [s.day for s in care.templates["osteoporosis"].steps] == [0, 7, 14, 21, 35, 49]
    assert care.refill_lead_days == care_rules.DEFAULT_REFILL_LEAD_DAYS


def test_the_care_feed_gives_a_store_its_plans_in_pages(hq_env: HQEnv) -> None:
    s1, s2 = hq_env.store("S1"), hq_env.store("S2")
    mid = consented_member(s1, ["骨质疏松", "高血压"])
    _, after = s1.pull("/v1/care/changes")
    first, second = enroll_op(s1, mid), enroll_op(s1, mid, "hypertension")
    s1.applied(first)
    s1.applied(second)
    s1.applied(task_op(s1, first, 0, "no_answer"))
    pages = list(s1.pages("/v1/care/changes", after, limit=1))
    items = [item for page in pages for item in page["items"]]
    assert [i["id"] for i in items] == [second["payload"]["plan_id"], first["payload"]["plan_id"]]
    assert len(pages) == 2  # the plan a task changed comes again, after the other
    plan = items[-1]
    assert (plan["template"], plan["status"], plan["member_id"]) == ("osteoporosis", "active", mid)
    assert plan["tasks"][0] == {
        "task_id": first["payload"]["tasks"][0]["task_id"], "step": 1, "due_on": "2026-12-09",
        "status": "open", "outcome": "no_answer", "attempts": 1,
    }  # fmt: skip
    ids = {i["id"] for i in s2.pull("/v1/care/changes")[0]}
    assert not ids & {first["payload"]["plan_id"], second["payload"]["plan_id"]}


def test_a_deleted_member_s_plans_end_without_their_condition(hq_env: HQEnv) -> None:
    from hq.members import delete_member

    s1 = hq_env.store("S1")
    mid = consented_member(s1, ["高血压"])
    enroll = enroll_op(s1, mid, "hypertension")
    s1.applied(enroll)
    _, cursor = s1.pull("/v1/care/changes")
    delete_member(hq_env.engine, mid)
    (item,) = s1.pull("/v1/care/changes", cursor)[0]
    assert (item["status"], item["ended_reason"], item["template"]) == (
        "ended", "member_deleted", "",
    )  # fmt: skip
    assert {t["status"] for t in item["tasks"]} == {"cancelled"}
