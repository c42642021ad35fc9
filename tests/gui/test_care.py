"""Care plans and the day's work (issue 17) driven by key events only, on a real cache and
the real services: enrol from F8 (and the refusals), F9's work list in its groups, a care
task done with each outcome, a refill reminder, a complaint follow-up handed to F11, a
birthday greeting, the counts on the status bar (counted off the UI thread), and the
cashier refused."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from uidata import CARD_NO, MEMBER_PHONE, ScanClock, type_with_ime

from counter import services
from counter.rules import STORE_TZ
from counter.services import care, care_tasks
from counter.sync.engine import SyncReport
from ui.member.profile_dialog import HEALTH_PAGE
from ui.shell.sync_controller import SyncOutcome
from ui.shell.tasks import TaskRunner

TODAY = dt.date(2026, 12, 7)  # a Monday
NOW = dt.datetime(2026, 12, 7, 12, tzinfo=STORE_TZ).astimezone(dt.UTC)
Ctrl = Qt.KeyboardModifier.ControlModifier
Alt = Qt.KeyboardModifier.AltModifier


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


class Keys:
    """Key events at a person's pace: the scanner filter's clock moves 150 ms per key."""

    def __init__(self, qtbot: Any, clock: ScanClock, window: Any) -> None:
        self.qtbot, self.clock, self.window = qtbot, clock, window

    def settle(self) -> None:
        self.clock.advance(150)
        self.window.scanner.flush()

    def press(
        self, key: Qt.Key, modifier: Any = Qt.KeyboardModifier.NoModifier, times: int = 1
    ) -> None:
        for _ in range(times):
            self.clock.advance(150)
            self.qtbot.keyClick(focused(), key, modifier)
            self.settle()

    def type(self, text: str) -> None:
        if text.isascii():
            for char in text:
                self.clock.advance(150)
                self.qtbot.keyClicks(focused(), char)
        else:
            type_with_ime(focused(), text)  # Chinese arrives as an input-method commit
        self.settle()


def expect_focus(name: str) -> None:
    assert focused().objectName() == name, (focused().objectName(), name)


def scan(qtbot: Any, window: Any, text: str) -> None:
    field = window.findChild(QLineEdit, "lookupInput")
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def rows(window: Any, sql: str) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(window.settings.db_path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def audits(window: Any, action: str) -> list[dict[str, Any]]:
    found = rows(window, f"SELECT details FROM audit_log WHERE action = '{action}' ORDER BY id")
    return [json.loads(d or "{}") for (d,) in found]


def active(qtbot: Any, widget: Any) -> Any:
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    return widget


@pytest.fixture
def today(ctx: services.ServiceContext) -> dt.date:
    ctx.clock = lambda: NOW
    return TODAY


def with_health(
    ctx: services.ServiceContext,
    actor: services.Actor,
    member_id: str,
    chronic: list[str],
    *,
    medicine: bool = False,
) -> None:
    services.record_consent(ctx, actor, member_id, "health", granted=True)
    medicines = (
        [services.Medicine("碳酸钙D3片", "1片/日", 30, TODAY - dt.timedelta(days=28))]
        if medicine
        else []
    )
    services.record_health(ctx, actor, member_id, [], chronic, medicines)


@pytest.fixture
def work(ctx, staff, member, today) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A day's work: an osteoporosis plan started a week ago (one task overdue, one due
    today), a medicine running out (a refill reminder), a resolved complaint waiting for
    its follow-up visit, and a member whose birthday is on Thursday."""
    with_health(ctx, staff.service, member.id, ["骨质疏松"], medicine=True)
    plan = care.enroll(ctx, staff.service, member.id, "osteoporosis", TODAY - dt.timedelta(days=7))
    complaint = services.create_complaint(
        ctx, staff.service, category="price", severity="medium", channel="counter",
        description="标价与收银价不符", member_id=member.id,
    )  # fmt: skip
    services.update_complaint(ctx, staff.service, complaint.id, status="handling")
    services.update_complaint(ctx, staff.service, complaint.id, status="resolved", note="已退差价")
    birthday = services.register_member(
        ctx,
        staff.service,
        services.MemberForm("王秀兰", "13911112222", birthday=dt.date(1958, 12, 10)),
    )
    services.record_consent(ctx, staff.service, birthday.id, "marketing", granted=True)
    return {"plan": plan, "complaint": complaint, "birthday": birthday}


def open_worklist(qtbot: Any, keys: Keys) -> Any:
    keys.press(Qt.Key.Key_F9)
    window = keys.window
    qtbot.waitUntil(lambda: window.workListDialog is not None)
    dialog = active(qtbot, window.workListDialog)
    qtbot.waitUntil(lambda: dialog.listing is not None)
    dialog.tree.setFocus()
    return dialog


def open_row(qtbot: Any, keys: Keys, dialog: Any) -> Any:
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.taskDialog is not None)
    task = active(qtbot, dialog.taskDialog)
    qtbot.waitUntil(lambda: task.contact is not None)
    task.noteEdit.setFocus()
    return task


# -- enrolling from F8 -------------------------------------------------------------------------


def open_enroll(qtbot: Any, keys: Keys, window: Any) -> Any:
    scan(qtbot, window, CARD_NO)
    keys.press(Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: window.profileDialog is not None)
    profile = active(qtbot, window.profileDialog)
    profile.fields["name"].setFocus()
    while profile.tabs.currentIndex() != HEALTH_PAGE:
        keys.press(Qt.Key.Key_Tab, Ctrl)
    keys.press(Qt.Key.Key_E, Alt)
    qtbot.waitUntil(lambda: profile.findChild(QWidget, "enrollDialog") is not None)
    dialog = active(qtbot, profile.findChild(QWidget, "enrollDialog"))
    dialog.templateList.setFocus()
    return profile, dialog


def visible_enrol_dialog(profile: Any) -> Any:
    shown = [d for d in profile.findChildren(QWidget, "enrollDialog") if d.isVisible()]
    return shown[0] if shown else None


def enrol_by_number(qtbot: Any, keys: Keys, profile: Any, code: str) -> Any:
    """Alt+E from the health page, the plan's number, Enter: the dialog (it stays if refused)."""
    profile.activateWindow()
    qtbot.waitUntil(profile.isActiveWindow)
    profile.enrollButton.setFocus()
    keys.press(Qt.Key.Key_E, Alt)
    qtbot.waitUntil(lambda: visible_enrol_dialog(profile) is not None)
    dialog = active(qtbot, visible_enrol_dialog(profile))
    dialog.templateList.setFocus()
    keys.press(Qt.Key.Key_1 + [t.code for t in dialog.templates].index(code))
    keys.press(Qt.Key.Key_Return)
    return dialog


def test_enrol_from_the_health_record_by_keys(
    qtbot, make_window, ctx, staff, member, today, scan_clock, zh
):  # type: ignore[no-untyped-def]
    with_health(ctx, staff.service, member.id, ["高血压", "骨质疏松"])
    window = make_window(staff.service)
    keys = Keys(qtbot, scan_clock, window)
    profile, dialog = open_enroll(qtbot, keys, window)
    codes = [t.code for t in dialog.templates]
    assert set(codes[:2]) == {"hypertension", "osteoporosis"}  # the member's own first
    assert "档案" in dialog.templateList.item(0).text()
    keys.press(Qt.Key.Key_1 + codes.index("osteoporosis"))  # its number picks it
    assert dialog.current().code == "osteoporosis"
    table = dialog.stepsTable
    assert table.rowCount() == 6
    assert [table.item(r, 1).text() for r in (0, 1, 5)] == [
        "2026-12-07",
        "2026-12-14",
        "2027-01-25",
    ]
    # Start yesterday: Tab into the date (year), Tab to the month, to the day, Down.
    keys.press(Qt.Key.Key_Tab)
    expect_focus("startDate")
    keys.press(Qt.Key.Key_Tab, times=2)
    keys.press(Qt.Key.Key_Down)
    assert dialog.start_on() == TODAY - dt.timedelta(days=1)
    assert table.item(0, 1).text() == "2026-12-06"
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    plans = care.member_plans(ctx, staff.service, member.id)
    assert [(p.template.code, p.start_on) for p in plans] == [
        ("osteoporosis", TODAY - dt.timedelta(days=1))
    ]
    assert "F9" in profile.status.text()
    assert [t for (t,) in rows(window, "SELECT type FROM outbox WHERE type LIKE 'care.%'")] == [
        "care.enroll"
    ]
    # Again: the core refuses, the dialog says why and stays.
    again = enrol_by_number(qtbot, keys, profile, "osteoporosis")
    assert "已在此慢病计划" in again.status.text()
    assert again.isVisible()


def test_enrol_refused_without_health_consent_or_the_condition(
    qtbot, make_window, ctx, staff, member, today, scan_clock, zh
):  # type: ignore[no-untyped-def]
    window = make_window(staff.service)
    keys = Keys(qtbot, scan_clock, window)
    profile, dialog = open_enroll(qtbot, keys, window)
    assert "健康档案" in dialog.status.text()  # said before anything is tried
    keys.press(Qt.Key.Key_Return)
    assert "同意" in dialog.status.text() and dialog.isVisible()
    keys.press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    # With consent but another condition: the plan for osteoporosis is refused.
    with_health(ctx, staff.service, member.id, ["高血压"])
    dialog = enrol_by_number(qtbot, keys, profile, "osteoporosis")
    assert "骨质疏松" in dialog.status.text() and dialog.isVisible()
    assert care.member_plans(ctx, staff.service, member.id) == ()
    assert not rows(window, "SELECT 1 FROM outbox WHERE type LIKE 'care.%'")
    keys.press(Qt.Key.Key_L, Ctrl)  # walking away: Ctrl+L from the dialog locks
    qtbot.waitUntil(lambda: window.locked)
    assert window.profileDialog is None and not dialog.isVisible()


# -- the work list ------------------------------------------------------------------------------


def test_the_work_list_groups_and_counts(qtbot, make_window, ctx, staff, work, scan_clock, zh):  # type: ignore[no-untyped-def]
    window = make_window(staff.service, runner=TaskRunner())
    button = window.workCounts
    qtbot.waitUntil(lambda: button.counts is not None)  # counted on a worker thread
    assert button.isVisible() and button.text() == "待办 5"
    assert button.property("state") == "overdue"
    keys = Keys(qtbot, scan_clock, window)
    dialog = open_worklist(qtbot, keys)
    kinds = [w.kind for w in dialog.rows()]
    assert kinds == ["care_task", "care_task", "refill", "followup", "birthday"]
    tree = dialog.tree
    headings = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    assert headings == [
        "随访计划任务（2）", "续药提醒（1）", "投诉回访（1）", "本周生日（1）",
    ]  # fmt: skip
    first = tree.currentItem()
    assert first.text(0) == "张*明 138****5678"  # masked on the list
    assert "用药指导" in first.text(1) and "7 天" in first.text(2)
    assert first.foreground(0).color().name() == "#9b1c1c"  # overdue stands out
    keys.press(Qt.Key.Key_Down, times=4)  # the headings are skipped
    assert dialog.current_item().kind == "birthday"
    keys.press(Qt.Key.Key_Down)
    assert dialog.current_item().kind == "birthday"  # the last row


OUTCOME_KEYS = {
    "reached": Qt.Key.Key_1,
    "no_answer": Qt.Key.Key_2,
    "visited": Qt.Key.Key_3,
    "declined": Qt.Key.Key_4,
}


@pytest.mark.parametrize("outcome", list(OUTCOME_KEYS))
def test_a_care_task_done_by_keys_with_each_outcome(
    qtbot, make_window, ctx, staff, work, scan_clock, zh, outcome
):  # type: ignore[no-untyped-def]
    window = make_window(staff.service)
    keys = Keys(qtbot, scan_clock, window)
    dialog = open_worklist(qtbot, keys)
    task_id = dialog.current_item().ref
    task = open_row(qtbot, keys, dialog)
    assert MEMBER_PHONE in task.contactLabel.text()  # the phone to call, in clear…
    assert [a["why"] for a in audits(window, "member.reveal")] == ["care_task"]  # …audited
    assert "钙剂" in task.scriptLabel.text()  # the step's script
    expect_focus("taskNote")
    keys.type("已电话联系")
    keys.press(OUTCOME_KEYS[outcome], Ctrl)
    qtbot.waitUntil(lambda: dialog.taskDialog is None)
    done = next(
        t
        for t in care.member_plans(ctx, staff.service, work["plan"].member_id)[0].tasks
        if t.task_id == task_id
    )
    assert done.outcome == outcome and done.note == "已电话联系"
    if outcome == "no_answer":
        assert (done.status, done.due_on, done.attempts) == (
            "open",
            TODAY + dt.timedelta(days=1),
            1,
        )
    else:
        assert done.status == "done"
    ended = care.member_plans(ctx, staff.service, work["plan"].member_id)[0]
    assert ended.status == ("ended" if outcome == "declined" else "active")
    left = [w.ref for w in dialog.rows() if w.kind == "care_task"]
    assert task_id not in left
    assert len(left) == (0 if outcome == "declined" else 1)
    assert "已完成" in dialog.status.text() or "完成" in dialog.status.text()
    assert window.workCounts.text() == f"待办 {3 + len(left)}"  # the status bar follows
    ops = rows(window, "SELECT payload FROM outbox WHERE type = 'care.task'")
    assert [json.loads(p)["outcome"] for (p,) in ops] == [outcome]  # queued, synced later


def test_a_refill_reminder_and_a_birthday_by_keys(
    qtbot, make_window, ctx, staff, work, scan_clock, zh
):  # type: ignore[no-untyped-def]
    window = make_window(staff.manager)
    keys = Keys(qtbot, scan_clock, window)
    dialog = open_worklist(qtbot, keys)
    keys.press(Qt.Key.Key_Down, times=2)
    assert dialog.current_item().kind == "refill"
    task = open_row(qtbot, keys, dialog)
    assert MEMBER_PHONE in task.contactLabel.text()
    assert "碳酸钙" in task.scriptLabel.text()
    keys.press(Qt.Key.Key_2, Ctrl)  # no answer: again tomorrow
    qtbot.waitUntil(lambda: dialog.taskDialog is None)
    assert [w.kind for w in dialog.rows()].count("refill") == 0
    assert [a["why"] for a in audits(window, "member.reveal")] == ["refill_reminder"]
    assert [a["outcome"] for a in audits(window, "care.refill")] == ["no_answer"]
    # A birthday this week: the phone to call and the greeting to say.
    qtbot.waitUntil(dialog.isActiveWindow)  # the list has the keyboard back
    expect_focus("workTree")
    keys.press(Qt.Key.Key_End)
    assert dialog.current_item().kind == "birthday"
    task = open_row(qtbot, keys, dialog)
    assert "13911112222" in task.contactLabel.text()
    assert "生日快乐" in task.scriptLabel.text()
    assert audits(window, "member.reveal")[-1]["why"] == "birthday_greeting"
    assert task.outcomeButtons["reached"].text().startswith("已问候")
    keys.type("祝福已送达")
    keys.press(Qt.Key.Key_1, Ctrl)  # greeted: off the list for this year's birthday
    qtbot.waitUntil(lambda: dialog.taskDialog is None)
    assert "birthday" not in [w.kind for w in dialog.rows()]
    assert window.workCounts.text() == "待办 3"  # two care tasks and the follow-up


def test_a_follow_up_row_opens_the_complaints_desk_there(
    qtbot, make_window, ctx, staff, work, scan_clock, zh
):  # type: ignore[no-untyped-def]
    window = make_window(staff.service)
    keys = Keys(qtbot, scan_clock, window)
    keys.press(Qt.Key.Key_F11)  # the desk open with "mine" on: the complaint is not the user's
    qtbot.waitUntil(lambda: window.complaintsDialog is not None)
    window.complaintsDialog.mineFilter.setChecked(True)
    window.complaintsDialog.overdueFilter.setChecked(True)
    assert window.complaintsDialog.rows == ()
    dialog = open_worklist(qtbot, keys)
    keys.press(Qt.Key.Key_Down, times=3)
    assert dialog.current_item().kind == "followup"
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.complaintsDialog is not None)
    desk = active(qtbot, window.complaintsDialog)
    complaint = work["complaint"]
    assert [v.id for v in desk.rows] == [complaint.id]
    assert desk.current is not None and desk.current.id == complaint.id
    expect_focus("methodBox")
    keys.press(Qt.Key.Key_Tab, times=3)
    expect_focus("followupNote")
    keys.type("顾客满意")
    keys.press(Qt.Key.Key_Return)
    assert services.get_complaint(ctx, staff.service, complaint.id).followup is not None
    window.workListDialog.reload()
    assert [w.kind for w in window.workListDialog.rows()].count("followup") == 0


def test_a_cashier_gets_no_work_list(qtbot, make_window, staff, work, scan_clock, zh):  # type: ignore[no-untyped-def]
    window = make_window(staff.cashier)
    keys = Keys(qtbot, scan_clock, window)
    keys.press(Qt.Key.Key_F9)
    assert window.workListDialog is None
    assert "客服" in window.statusBarWidget.currentMessage()
    assert not window.workCounts.isVisible()
    window.lock()
    window.unlock(staff.service)
    assert window.workCounts.isVisible() and window.workCounts.text() == "待办 5"
    dialog = open_worklist(qtbot, keys)
    window.lock()  # the list shows members' health work: it goes with the operator
    assert window.workListDialog is None and not dialog.isVisible()
    assert not window.workCounts.isVisible()


def test_ctrl_l_from_an_open_task_then_again_then_the_counter_closes(
    qtbot, make_window, staff, work, scan_clock, zh
):  # type: ignore[no-untyped-def]
    """The list and its task window go with the lock, and nothing is freed twice after."""
    window = make_window(staff.manager)
    keys = Keys(qtbot, scan_clock, window)
    for _ in range(2):
        dialog = open_worklist(qtbot, keys)
        open_row(qtbot, keys, dialog)
        keys.press(Qt.Key.Key_L, Ctrl)
        qtbot.waitUntil(lambda: window.locked)
        assert window.workListDialog is None
        QApplication.processEvents()  # the closed windows are deleted here
        window.unlock(staff.manager)
    open_worklist(qtbot, keys)
    window.close()
    QApplication.processEvents()


def test_the_count_follows_a_sync(qtbot, make_window, ctx, staff, work, scan_clock, zh):  # type: ignore[no-untyped-def]
    """Work done elsewhere (another path into the cache) shows once a sync has finished."""
    window = make_window(staff.service)
    assert window.workCounts.text() == "待办 5"
    first = care.member_plans(ctx, staff.service, work["plan"].member_id)[0].tasks[0]
    care_tasks.do_task(ctx, staff.service, first.task_id, "reached")
    assert window.workCounts.text() == "待办 5"  # nothing asked for a count yet
    report = SyncReport(NOW, NOW, pushed=2)
    window.sync.finished.emit(SyncOutcome(services.HQProbe(online=True, configured=True), report))
    assert window.workCounts.text() == "待办 4"
