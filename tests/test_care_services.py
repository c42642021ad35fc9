"""Care plans, refill reminders and the work list, through the services on a real cache:
task dates from the templates, rescheduling, plan endings, refill dates, ending on
withdrawal, and what the work list shows (and audits)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Any

import pytest

from counter import care_rules, services
from counter.errors import PermissionDenied, ValidationError
from counter.rules import STORE_TZ
from counter.services import care, care_tasks, refills, worklist
from counter.settings import Settings

TODAY = dt.date(2026, 12, 7)  # a Monday


def at_noon(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 12, tzinfo=STORE_TZ).astimezone(dt.UTC)


def set_day(ctx: services.ServiceContext, day: dt.date) -> None:
    ctx.clock = lambda: at_noon(day)


def rows(settings: Settings, sql: str) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(settings.db_path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def member(ctx: services.ServiceContext, service_actor: services.Actor) -> str:
    set_day(ctx, TODAY)
    form = services.MemberForm("张小明", "13812345678", birthday=dt.date(1950, 12, 10))
    member_id = services.register_member(ctx, service_actor, form).id
    services.record_consent(ctx, service_actor, member_id, "health", granted=True)
    services.record_health(
        ctx,
        service_actor,
        member_id,
        [],
        ["骨质疏松", "高血压"],
        [services.Medicine("碳酸钙D3片", "1片/日", 30, TODAY - dt.timedelta(days=20))],
    )
    return member_id


def test_task_dates_follow_the_template_offsets() -> None:
    template = care_rules.parse_care(None).templates["osteoporosis"]
    dates = care_rules.task_dates(template, TODAY)
    assert [d - TODAY for _, d in dates] == [dt.timedelta(days=n) for n in (0, 7, 14, 21, 35, 49)]
    assert [no for no, _ in dates] == [1, 2, 3, 4, 5, 6]
    config = care_rules.parse_care(None)
    assert {"osteoporosis", "hypertension", "type2_diabetes"} <= set(config.templates)
    assert config.refill_lead_days == 3


def test_bad_templates_are_refused() -> None:
    good = care_rules.DEFAULT_CARE["templates"][0]
    for bad in (
        {**good, "code": "Bad Code"},
        {**good, "steps": []},
        {**good, "steps": [good["steps"][1], good["steps"][0]]},  # days must rise
        {**good, "name": {"en": "no Chinese"}},
    ):
        with pytest.raises(ValueError):
            care_rules.parse_care({"templates": [bad]})


def test_enrol_makes_dated_tasks_and_one_op(
    ctx: services.ServiceContext, service_actor: services.Actor, member: str, settings: Settings
) -> None:
    plan = care.enroll(ctx, service_actor, member, "osteoporosis")
    assert plan.status == "active"
    assert [t.due_on for t in plan.tasks] == [
        TODAY + dt.timedelta(days=n) for n in (0, 7, 14, 21, 35, 49)
    ]
    assert plan.tasks[0].step.what_zh == "用药指导"
    ops = rows(settings, "SELECT type, payload FROM outbox WHERE type LIKE 'care.%'")
    assert [t for t, _ in ops] == ["care.enroll"]
    payload = json.loads(ops[0][1])
    assert payload["plan_id"] == plan.plan_id and len(payload["tasks"]) == 6
    assert [t["task_id"] for t in payload["tasks"]] == [t.task_id for t in plan.tasks]
    # Which plan is health information: not in clear in the cache's care tables.
    (blob,) = rows(settings, "SELECT detail_enc FROM care_plans")[0]
    assert b"osteoporosis" not in blob and "骨质疏松".encode() not in blob
    with pytest.raises(ValidationError) as again:
        care.enroll(ctx, service_actor, member, "osteoporosis")
    assert again.value.detail == "already_enrolled"
    assert [p.plan_id for p in care.member_plans(ctx, service_actor, member)] == [plan.plan_id]


def test_enrol_needs_consent_condition_and_role(
    ctx: services.ServiceContext,
    service_actor: services.Actor,
    cashier: services.Actor,
    member: str,
) -> None:
    with pytest.raises(ValidationError) as no_condition:
        care.enroll(ctx, service_actor, member, "type2_diabetes")
    assert no_condition.value.detail == "no_condition"
    with pytest.raises(ValidationError) as unknown:
        care.enroll(ctx, service_actor, member, "no_such_plan")
    assert unknown.value.detail == "unknown_template"
    with pytest.raises(PermissionDenied):
        care.enroll(ctx, cashier, member, "osteoporosis")
    other = services.register_member(
        ctx, service_actor, services.MemberForm("李四", "13900001111")
    ).id
    with pytest.raises(ValidationError) as no_consent:
        care.enroll(ctx, service_actor, other, "hypertension")
    assert no_consent.value.detail == "consent_required"
    assert [t.code for t in care.templates_for(ctx, service_actor, member)] == [
        "osteoporosis",
        "hypertension",
    ]


def test_outcomes_reschedule_complete_and_end(
    ctx: services.ServiceContext, service_actor: services.Actor, member: str
) -> None:
    plan = care.enroll(ctx, service_actor, member, "hypertension")
    first = plan.tasks[0]
    retried = care_tasks.do_task(ctx, service_actor, first.task_id, "no_answer", "没人接")
    assert (retried.status, retried.due_on, retried.attempts) == (
        "open",
        TODAY + dt.timedelta(days=1),
        1,
    )
    assert retried.note == "没人接"
    set_day(ctx, TODAY + dt.timedelta(days=1))
    done = care_tasks.do_task(ctx, service_actor, first.task_id, "reached")
    assert (done.status, done.outcome) == ("done", "reached")
    with pytest.raises(ValidationError) as closed:
        care_tasks.do_task(ctx, service_actor, first.task_id, "reached")
    assert closed.value.detail == "task_closed"
    care_tasks.do_task(ctx, service_actor, plan.tasks[1].task_id, "declined", "不需要了")
    (after,) = care.member_plans(ctx, service_actor, member)
    assert (after.status, after.ended_reason) == ("ended", "declined")
    assert [t.status for t in after.tasks] == ["done", "done"] + ["cancelled"] * 4


def test_a_plan_completes_with_its_last_task(
    ctx: services.ServiceContext, service_actor: services.Actor, member: str
) -> None:
    plan = care.enroll(ctx, service_actor, member, "osteoporosis")
    for task in plan.tasks:
        care_tasks.do_task(ctx, service_actor, task.task_id, "visited")
    (after,) = care.member_plans(ctx, service_actor, member)
    assert after.status == "completed"


def test_refill_falls_due_lead_days_before_running_out() -> None:
    last = dt.date(2026, 11, 1)
    assert care_rules.runs_out_on(last, 30) == dt.date(2026, 12, 1)
    assert care_rules.refill_due_on(last, 30, 3) == dt.date(2026, 11, 28)
    assert care_rules.refill_due_on(last, 2, 3) == last  # never before it was dispensed
    assert care_rules.refill_due_on(None, 30, 3) is None
    assert care_rules.refill_due_on(last, None, 3) is None


def test_refill_reminder_shows_when_due_and_dispensing_resets_it(
    ctx: services.ServiceContext, service_actor: services.Actor, member: str
) -> None:
    # Dispensed 20 days ago, 30 days' supply, lead 3: due in 7 days.
    due = TODAY + dt.timedelta(days=7)
    set_day(ctx, due - dt.timedelta(days=1))
    assert worklist.work_list(ctx, service_actor).refills == ()
    set_day(ctx, due)
    (item,) = worklist.work_list(ctx, service_actor).refills
    assert (item.since, item.due_on, item.member) == (due, due, "张*明 138****5678")
    assert "碳酸钙D3片" in item.what_zh
    # No answer: gone for today, back tomorrow and overdue.
    refills.do_refill(ctx, service_actor, member, due, "no_answer")
    assert worklist.work_counts(ctx, service_actor).refills == 0
    set_day(ctx, due + dt.timedelta(days=1))
    (again,) = worklist.work_list(ctx, service_actor).refills
    assert again.overdue
    # Dispensed today: the next round is 30 - 3 days on.
    record = refills.mark_dispensed(ctx, service_actor, member, ["碳酸钙D3片"])
    assert record.medicines[0].last_dispensed == due + dt.timedelta(days=1)
    assert worklist.work_list(ctx, service_actor).refills == ()
    set_day(ctx, due + dt.timedelta(days=28))
    assert len(worklist.work_list(ctx, service_actor).refills) == 1


def test_withdrawing_health_consent_ends_plans_and_reminders(
    ctx: services.ServiceContext, service_actor: services.Actor, member: str, settings: Settings
) -> None:
    plan = care.enroll(ctx, service_actor, member, "osteoporosis")
    care_tasks.do_task(ctx, service_actor, plan.tasks[0].task_id, "reached", "骨头疼")
    set_day(ctx, TODAY + dt.timedelta(days=7))
    assert worklist.work_counts(ctx, service_actor).care_tasks == 1
    assert worklist.work_counts(ctx, service_actor).refills == 1
    services.record_consent(ctx, service_actor, member, "health", granted=False)
    counts = worklist.work_counts(ctx, service_actor)
    assert (counts.care_tasks, counts.refills) == (0, 0)
    (after,) = care.member_plans(ctx, service_actor, member)
    assert (after.status, after.ended_reason) == ("ended", "consent_withdrawn")
    assert {t.status for t in after.tasks} == {"done", "cancelled"}
    # What the plan said about the member's health is gone from the cache.
    assert rows(settings, "SELECT detail_enc FROM care_plans") == [(None,)]
    assert rows(settings, "SELECT count(*) FROM care_tasks WHERE note_enc IS NOT NULL") == [(0,)]


def test_work_list_groups_followups_and_birthdays_and_audits_health_rows(
    ctx: services.ServiceContext, service_actor: services.Actor, member: str, settings: Settings
) -> None:
    care.enroll(ctx, service_actor, member, "osteoporosis")
    services.record_consent(ctx, service_actor, member, "marketing", granted=True)
    complaint = services.create_complaint(
        ctx,
        service_actor,
        category="service_attitude",
        severity="low",
        channel="counter",
        description="等了很久",
        member_id=member,
    )
    services.update_complaint(ctx, service_actor, complaint.id, status="handling", note="处理中")
    services.update_complaint(ctx, service_actor, complaint.id, status="resolved", note="已道歉")
    set_day(ctx, TODAY + dt.timedelta(days=1))
    work = worklist.work_list(ctx, service_actor)
    (task,) = work.care_tasks
    assert task.overdue and task.since == TODAY and task.script_zh
    assert task.member == "张*明 138****5678"
    (followup,) = work.followups
    assert followup.ref == complaint.id and followup.overdue
    (birthday,) = work.birthdays  # 10 December falls in the week of Monday 7 December
    assert birthday.since == dt.date(2026, 12, 10)
    counts = work.counts
    assert (counts.care_tasks, counts.followups, counts.birthdays, counts.overdue) == (1, 1, 1, 2)
    assert worklist.work_counts(ctx, service_actor) == counts
    actions = rows(settings, "SELECT action, details FROM audit_log ORDER BY id DESC LIMIT 1")
    assert actions[0][0] == "health.view" and json.loads(actions[0][1])["what"] == "work_list"
    # Opening the task reveals the phone, audited.
    detail = care_tasks.open_task(ctx, service_actor, task.ref)
    assert detail.contact.phone == "13812345678"
    last = rows(settings, "SELECT action FROM audit_log ORDER BY id DESC LIMIT 2")
    assert [a for (a,) in last] == ["member.reveal", "health.view"]


def test_queued_care_ops_hold_no_health_in_clear_and_a_withdrawal_supersedes_them(
    ctx: services.ServiceContext, service_actor: services.Actor, member: str, settings: Settings
) -> None:
    from counter.store.outbox_health import open_payload

    plan = care.enroll(ctx, service_actor, member, "osteoporosis")
    care_tasks.do_task(ctx, service_actor, plan.tasks[0].task_id, "reached", "说膝盖疼")
    ops = rows(settings, "SELECT op_id, type, payload FROM outbox WHERE type LIKE 'care.%'")
    for _, _, text in ops:
        assert "osteoporosis" not in text and "膝盖" not in text
    (enroll_id, _, enroll_text), (task_id, _, task_text) = ops
    assert open_payload(ctx.cipher, enroll_id, enroll_text)["template"] == "osteoporosis"
    assert open_payload(ctx.cipher, task_id, task_text)["note"] == "说膝盖疼"
    # Never sent, then consent withdrawn: HQ never hears of the plan (it ends here).
    services.record_consent(ctx, service_actor, member, "health", granted=False)
    states = rows(settings, "SELECT state, payload FROM outbox WHERE type LIKE 'care.%'")
    assert [s for s, _ in states] == ["superseded", "superseded"]
    assert all('"$erased": true' in p or '"$erased":true' in p for _, p in states)


def test_a_greeted_birthday_leaves_the_list_and_no_answer_brings_it_back_tomorrow(
    ctx: services.ServiceContext, service_actor: services.Actor, member: str
) -> None:
    services.record_consent(ctx, service_actor, member, "marketing", granted=True)
    assert len(worklist.work_list(ctx, service_actor).birthdays) == 1
    worklist.greet_birthday(ctx, service_actor, member, "no_answer")
    assert worklist.work_counts(ctx, service_actor).birthdays == 0
    set_day(ctx, TODAY + dt.timedelta(days=1))
    (row,) = worklist.work_list(ctx, service_actor).birthdays
    assert row.ref == member
    worklist.greet_birthday(ctx, service_actor, member, "reached", "祝福已送到")
    set_day(ctx, TODAY + dt.timedelta(days=2))
    assert worklist.work_list(ctx, service_actor).birthdays == ()
    set_day(ctx, TODAY + dt.timedelta(days=7))  # next week: no birthday to greet
    with pytest.raises(ValidationError) as none:
        worklist.greet_birthday(ctx, service_actor, member, "reached")
    assert none.value.detail == "no_birthday"
    # Next year's birthday is another greeting.
    set_day(ctx, TODAY + dt.timedelta(days=364))
    assert len(worklist.work_list(ctx, service_actor).birthdays) == 1


def test_the_work_list_bench_runs(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """A small run of ``counter bench worklist`` (what it measures is read, never asserted)."""
    from counter import cli

    args = ["bench", "worklist", "--patients", "6", "--samples", "1", "--dir", str(tmp_path)]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert "6 patients cared for here" in out and "counts (status bar)" in out
