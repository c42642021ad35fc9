"""Today's work list (F9): what is due today or overdue, grouped, and its counts.

Four groups, each row with the masked member, what to do, since when, and the script:
- care tasks of active plans due today or earlier (``services.care``);
- refill reminders due (``services.refills``);
- complaint follow-up visits (回访): complaints of this store resolved without one yet,
  due from the day they were resolved;
- birthdays this week (Monday to Sunday, store time) of members whose marketing consent
  was recorded at this counter (a greeting is marketing, DESIGN §7).

Rows that show health information (a plan's step, a refill) are a view of it: the list
writes one ``health.view`` audit entry per member shown, in the same transaction.
:func:`work_counts` gives the status bar its numbers without showing anything, so it is
not audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from counter import care_rules
from counter.care_rules import CareTemplate
from counter.contract import HQ_OPERATOR
from counter.contract.care import MAX_NOTE
from counter.errors import ValidationError
from counter.privacy import mask_name, mask_phone
from counter.rules import STORE_TZ
from counter.services import audit
from counter.services.care import local_today, plan_template, step_of
from counter.services.context import Actor, ServiceContext
from counter.services.ops import HEALTH_ROLES, active_member, check_text, require_role
from counter.services.refills import refills_due
from counter.store.models import (
    BirthdayMark,
    CarePlan,
    CareTask,
    Complaint,
    ComplaintNote,
    Consent,
    Member,
)

KINDS = ("care_task", "refill", "followup", "birthday")


@dataclass(frozen=True)
class WorkItem:
    kind: str  # care_task | refill | followup | birthday
    ref: str  # task id | member id (refill, birthday) | complaint id
    member_id: str | None
    member: str  # masked name and phone: 张*明 138****1234
    what_zh: str
    what_en: str
    since: dt.date  # due since
    overdue: bool  # due before today
    script_zh: str = ""
    script_en: str = ""
    due_on: dt.date | None = None  # refill: the round's due date (for do_refill)


@dataclass(frozen=True)
class WorkCounts:
    care_tasks: int
    refills: int
    followups: int
    birthdays: int
    overdue: int

    @property
    def total(self) -> int:
        return self.care_tasks + self.refills + self.followups + self.birthdays


@dataclass(frozen=True)
class WorkList:
    today: dt.date
    care_tasks: tuple[WorkItem, ...]
    refills: tuple[WorkItem, ...]
    followups: tuple[WorkItem, ...]
    birthdays: tuple[WorkItem, ...]

    @property
    def counts(self) -> WorkCounts:
        overdue = sum(
            i.overdue for group in (self.care_tasks, self.refills, self.followups) for i in group
        )
        return WorkCounts(
            len(self.care_tasks),
            len(self.refills),
            len(self.followups),
            len(self.birthdays),
            overdue,
        )


def _masked(name: str, phone: str) -> str:
    return f"{mask_name(name)} {mask_phone(phone)}".strip()


@dataclass(frozen=True)
class _Due:
    task_id: str
    step: int
    due_on: dt.date
    attempts: int
    plan_id: str
    member_id: str
    name: str
    phone: str


def _due_tasks(s: Session, today: dt.date) -> list[_Due]:
    """Open tasks of active plans due by ``today``, soonest first: one query, columns only."""
    rows = s.execute(
        select(
            CareTask.id,
            CareTask.step,
            CareTask.due_on,
            CareTask.attempts,
            CareTask.plan_id,
            Member.id,
            Member.name,
            Member.phone,
        )
        .join(CarePlan, CarePlan.id == CareTask.plan_id)
        .join(Member, Member.id == CareTask.member_id)
        .where(
            CareTask.status == "open",
            CareTask.due_on <= today,
            CarePlan.status == "active",
            Member.status == "active",
        )
        .order_by(CareTask.due_on, CareTask.id)
    ).all()
    return [_Due(*row) for row in rows]


def _care_items(s: Session, ctx: ServiceContext, today: dt.date) -> list[WorkItem]:
    due = _due_tasks(s, today)
    plans = {
        p.id: p
        for p in s.scalars(select(CarePlan).where(CarePlan.id.in_({d.plan_id for d in due})))
    }
    templates: dict[str, CareTemplate] = {}
    items = []
    for task in due:
        template = templates.get(task.plan_id)
        if template is None:
            template = templates[task.plan_id] = plan_template(ctx.cipher, plans[task.plan_id])
        step = step_of(template, task.step)
        retry_zh = f"（第 {task.attempts + 1} 次联系）" if task.attempts else ""
        retry_en = f" (attempt {task.attempts + 1})" if task.attempts else ""
        items.append(
            WorkItem(
                "care_task",
                task.task_id,
                task.member_id,
                _masked(task.name, task.phone),
                f"{template.name_zh}：{step.what_zh}{retry_zh}",
                f"{template.name_en}: {step.what_en}{retry_en}",
                task.due_on,
                task.due_on < today,
                step.script_zh,
                step.script_en,
            )
        )
    return items


REFILL_SCRIPT_ZH = "您好，我是药店的药师。您的{meds}快用完了（约 {date} 用完），欢迎来店续药。"
REFILL_SCRIPT_EN = (
    "Hello, this is the pharmacy. Your {meds} will run out around {date}; you are welcome "
    "to come in for a refill."
)


def _refill_items(s: Session, ctx: ServiceContext, today: dt.date) -> list[WorkItem]:
    dues = refills_due(s, ctx, today)
    people = _people(s, {d.member_id for d in dues})
    items = []
    for due in dues:
        member = people[due.member_id]  # refills_due reads active members only
        meds_zh = "、".join(due.medicines)
        meds_en = ", ".join(due.medicines)
        items.append(
            WorkItem(
                "refill",
                due.member_id,
                due.member_id,
                _masked(member.name, member.phone),
                f"续药提醒：{meds_zh}",
                f"Refill reminder: {meds_en}",
                due.due_on,
                due.due_on < today,
                REFILL_SCRIPT_ZH.format(meds=meds_zh, date=due.runs_out_on.isoformat()),
                REFILL_SCRIPT_EN.format(meds=meds_en, date=due.runs_out_on.isoformat()),
                due_on=due.due_on,
            )
        )
    return items


def _followups(s: Session, ctx: ServiceContext) -> list[tuple[Complaint, dt.datetime]]:
    """This store's resolved complaints without a follow-up visit, with when resolved."""
    resolved_at = (
        select(func.max(ComplaintNote.at))
        .where(ComplaintNote.complaint_id == Complaint.id, ComplaintNote.new_status == "resolved")
        .scalar_subquery()
    )
    rows = s.execute(
        select(Complaint, resolved_at).where(
            Complaint.status == "resolved",
            Complaint.followup_at.is_(None),
            Complaint.store_code == ctx.store_code,
        )
    ).all()
    return [(c, at or c.updated_at) for c, at in rows]


def _followup_items(s: Session, ctx: ServiceContext, today: dt.date) -> list[WorkItem]:
    items = []
    for c, at in sorted(_followups(s, ctx), key=lambda r: (r[1], r[0].id)):
        member = s.get(Member, c.member_id) if c.member_id else None
        name, phone = (
            (member.name, member.phone)
            if member is not None
            else (c.customer_name, c.customer_phone)
        )
        since = at.astimezone(STORE_TZ).date()
        items.append(
            WorkItem(
                "followup",
                c.id,
                c.member_id,
                _masked(name, phone),
                f"投诉回访：{c.number or c.id[:8]}",
                f"Complaint follow-up: {c.number or c.id[:8]}",
                since,
                since < today,
                "您好，我是药店的工作人员。关于您之前反映的问题，我们已经处理，想了解一下您是否满意。",
                "Hello, this is the pharmacy. We have dealt with the matter you raised and "
                "would like to know whether you are satisfied.",
            )
        )
    return items


def _week(today: dt.date) -> tuple[dt.date, dt.date]:
    monday = today - dt.timedelta(days=today.weekday())
    return monday, monday + dt.timedelta(days=6)


def birthday_in(birthday: dt.date, year: int) -> dt.date:
    """The member's birthday in ``year`` (29 February → 28 February in other years)."""
    try:
        return birthday.replace(year=year)
    except ValueError:
        return dt.date(year, 2, 28)


def _marketing_members(s: Session) -> list[str]:
    """Members who gave their marketing consent here and whose latest one anywhere (HQ's
    rows, 1.1: a withdrawal at another store counts) is a grant."""
    latest: dict[str, bool] = {}
    here: set[str] = set()
    rows = s.execute(
        select(Consent.member_id, Consent.granted, Consent.operator_id)
        .where(Consent.purpose == "marketing")
        .order_by(Consent.recorded_at, Consent.id)
    )
    for member_id, granted, operator in rows:
        latest[member_id] = bool(granted)
        if operator != HQ_OPERATOR:
            here.add(member_id)
    return [m for m, granted in latest.items() if granted and m in here]


def birthday_this_week(birthday: dt.date, today: dt.date) -> dt.date | None:
    """The member's birthday in ``today``'s week (Monday to Sunday), if it falls in it."""
    monday, sunday = _week(today)
    # The week may span a new year: try both years.
    for year in sorted({monday.year, sunday.year}):
        day = birthday_in(birthday, year)
        if monday <= day <= sunday:
            return day
    return None


def _greeted(mark: BirthdayMark | None, today: dt.date) -> bool:
    if mark is None:
        return False
    if mark.state == "snoozed":
        return mark.until is not None and mark.until > today
    return True


def _people(s: Session, ids: set[str]) -> dict[str, Member]:
    """These active members, in as few queries as 500 at a time take."""
    wanted = sorted(ids)
    out: dict[str, Member] = {}
    for start in range(0, len(wanted), 500):
        out.update(
            (m.id, m)
            for m in s.scalars(
                select(Member).where(
                    Member.id.in_(wanted[start : start + 500]), Member.status == "active"
                )
            )
        )
    return out


def _birthday_items(s: Session, today: dt.date) -> list[WorkItem]:
    monday, sunday = _week(today)
    marks = {
        (m.member_id, m.year): m
        for m in s.scalars(
            select(BirthdayMark).where(BirthdayMark.year.in_({monday.year, sunday.year}))
        )
    }
    items = []
    for member in _people(s, set(_marketing_members(s))).values():
        if member.birthday is None:
            continue
        day = birthday_this_week(member.birthday, today)
        if day is None or _greeted(marks.get((member.id, day.year)), today):
            continue
        items.append(
            WorkItem(
                "birthday",
                member.id,
                member.id,
                _masked(member.name, member.phone),
                f"生日问候（{day.month}月{day.day}日）",
                f"Birthday greeting ({day.isoformat()})",
                day,
                False,
                "您好，我是药店的工作人员，祝您生日快乐！生日当月到店积分加倍。",
                "Hello, this is the pharmacy: happy birthday! Points count double "
                "in your birthday month.",
            )
        )
    items.sort(key=lambda i: (i.since, i.ref))
    return items


def work_list(ctx: ServiceContext, actor: Actor, today: dt.date | None = None) -> WorkList:
    """The work list for service assistants and managers (see the module docstring)."""
    require_role(actor, HEALTH_ROLES, "查看今日工作", "see the work list")
    day = today or local_today(ctx)
    with ctx.db.write() as s:
        care = _care_items(s, ctx, day)
        refills = _refill_items(s, ctx, day)
        result = WorkList(
            day,
            tuple(care),
            tuple(refills),
            tuple(_followup_items(s, ctx, day)),
            tuple(_birthday_items(s, day)),
        )
        now = ctx.now()
        for member_id in sorted({i.member_id for i in care + refills if i.member_id}):
            audit.record(s, actor, "health.view", now, member_id=member_id, what="work_list")
    return result


def work_counts(ctx: ServiceContext, actor: Actor, today: dt.date | None = None) -> WorkCounts:
    """How much work is waiting, for the status bar (nothing shown, so not audited)."""
    require_role(actor, HEALTH_ROLES, "查看今日工作", "see the work list")
    day = today or local_today(ctx)
    with ctx.db.read() as s:
        tasks = _due_tasks(s, day)
        refills = refills_due(s, ctx, day)
        followups = _followups(s, ctx)
        late_followups = sum(at.astimezone(STORE_TZ).date() < day for _, at in followups)
        return WorkCounts(
            len(tasks),
            len(refills),
            len(followups),
            len(_birthday_items(s, day)),
            sum(t.due_on < day for t in tasks)
            + sum(r.due_on < day for r in refills)
            + late_followups,
        )


def greet_birthday(
    ctx: ServiceContext, actor: Actor, member_id: str, outcome: str, note: str = ""
) -> None:
    """Record the birthday call of this week's row: reached, visited or declined take it off
    the list for this year's birthday; no answer brings it back tomorrow. Kept at this
    counter (a greeting is the store's own work, not an operation for HQ), audited."""
    require_role(actor, HEALTH_ROLES, "处理今日工作", "do the work list")
    if outcome not in care_rules.OUTCOMES:
        raise ValidationError(
            "请选择随访结果。", "Choose the outcome.", field="outcome", detail="bad_outcome"
        )
    note = (note or "").strip()
    check_text("note", note, multiline=True)
    if len(note) > MAX_NOTE:
        raise ValidationError(
            f"备注最多 {MAX_NOTE} 字。",
            f"The note is at most {MAX_NOTE} characters.",
            field="note",
        )
    now = ctx.now()
    today = local_today(ctx)
    with ctx.db.write() as s:
        member = active_member(s, member_id)
        day = birthday_this_week(member.birthday, today) if member.birthday else None
        if day is None:
            raise ValidationError(
                "该会员的生日不在本周。",
                "The member's birthday is not this week.",
                field="member_id",
                detail="no_birthday",
            )
        snooze = outcome == care_rules.RETRY_OUTCOME
        mark = s.get(BirthdayMark, (member_id, day.year)) or BirthdayMark(
            member_id=member_id, year=day.year
        )
        mark.state = "snoozed" if snooze else "done"
        mark.until = care_rules.retry_on(today) if snooze else None
        mark.outcome = outcome
        mark.note = note
        mark.at = now
        mark.operator_id = actor.operator_id
        s.merge(mark)
        audit.record(s, actor, "care.birthday", now, member_id=member_id, outcome=outcome)
