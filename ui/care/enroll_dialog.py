"""Enrol the member in a care plan (慢病随访计划), from the health record (F8).

The templates come from HQ's config (``care_templates``); those matching a chronic
condition in the member's health record are marked (``templates_for`` reads the record, so
it is audited). Choosing one (Up/Down, or its number) and a start date (today unless
changed) shows its steps with their due dates, computed by the same rules the core and HQ
use. Enter enrols: one service call, one transaction with its ``care.enroll`` op. The core
refuses a cashier, a member without health consent, and a plan whose condition the record
does not list; its message is shown as it is, in the dialog.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter import care_rules, services
from counter.care_rules import CareTemplate
from counter.errors import KnownError
from counter.services.care import (
    CarePlanView,
    care_templates,
    enroll,
    local_today,
    member_plans,
    templates_for,
)
from ui.care.task_dialog import english
from ui.shell.style import set_state
from ui.shell.tasks import BaseRunner

CODE_ROLE = Qt.ItemDataRole.UserRole


class EnrollDialog(QDialog):
    """``enrolled`` carries the new plan (a ``CarePlanView``)."""

    enrolled = Signal(object)

    def __init__(
        self,
        ctx: services.ServiceContext,
        actor: services.Actor,
        runner: BaseRunner,
        member_id: str,
        *,
        language: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("enrollDialog")
        self.setWindowTitle(self.tr("Enrol in a care plan"))
        self.ctx, self.actor, self.runner = ctx, actor, runner
        self.member_id, self.language = member_id, language
        self.templates: tuple[CareTemplate, ...] = ()
        self.matching: set[str] = set()

        self.memberLabel = QLabel()
        self.memberLabel.setObjectName("enrollMember")
        self.memberLabel.setWordWrap(True)
        self.templateList = QListWidget()
        self.templateList.setObjectName("templateList")
        self.templateList.currentRowChanged.connect(self.show_steps)
        self.templateList.installEventFilter(self)
        rows = self.templateList.fontMetrics().lineSpacing() * 5
        self.templateList.setMaximumHeight(rows + 2 * self.templateList.frameWidth() + 8)
        today = local_today(ctx)
        self.startEdit = QDateEdit(QDate(today.year, today.month, today.day))
        self.startEdit.setObjectName("startDate")
        self.startEdit.setDisplayFormat("yyyy-MM-dd")
        self.startEdit.setCalendarPopup(True)
        self.startEdit.dateChanged.connect(self.show_steps)
        self.stepsTable = QTableWidget(0, 3)
        self.stepsTable.setObjectName("stepsTable")
        self.stepsTable.setHorizontalHeaderLabels(
            [self.tr("Day"), self.tr("Due"), self.tr("What to do")]
        )
        self.stepsTable.verticalHeader().hide()
        self.stepsTable.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.stepsTable.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.stepsTable.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.status = QLabel()
        self.status.setObjectName("enrollStatus")
        self.status.setWordWrap(True)
        self.enrollButton = QPushButton(self.tr("&Enrol (Enter)"))
        self.enrollButton.setObjectName("enrollConfirmButton")
        self.enrollButton.clicked.connect(self.confirm)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton(self.enrollButton, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)  # Enter enrols, wherever it is pressed

        form = QFormLayout()
        plan = QLabel(self.tr("&Plan (↑↓ or its number):"))
        plan.setBuddy(self.templateList)
        start = QLabel(self.tr("&Start date:"))
        start.setBuddy(self.startEdit)
        form.addRow(plan, self.templateList)
        form.addRow(start, self.startEdit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.memberLabel)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("The steps become tasks on the work list (F9):")))
        layout.addWidget(self.stepsTable, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(760, 560)
        self.templateList.setFocus()
        self.load()

    # -- loading ----------------------------------------------------------------------------

    def load(self) -> None:
        ctx, actor, mid = self.ctx, self.actor, self.member_id
        self._call(lambda: services.get_member(ctx, actor, mid), self._show_member)
        self._call(lambda: (care_templates(ctx), templates_for(ctx, actor, mid)), self._loaded)

    def _show_member(self, view: services.MemberView) -> None:
        """Who is enrolled (masked), and the plans they already follow (an audited read)."""
        self.memberLabel.setText(self.tr("Member: {0} {1}").format(view.name, view.phone))
        ctx, actor, mid = self.ctx, self.actor, self.member_id
        self._call(lambda: member_plans(ctx, actor, mid), self._show_plans)

    def _show_plans(self, plans: tuple[CarePlanView, ...]) -> None:
        following = [
            self.tr("{0} (since {1})").format(self.name(p.template), p.start_on.isoformat())
            for p in plans
            if p.status == "active"
        ]
        if following:
            more = self.tr("Already following: {0}").format("; ".join(following))
            self.memberLabel.setText(f"{self.memberLabel.text()}\n{more}")

    def _loaded(self, loaded: tuple[tuple[CareTemplate, ...], tuple[CareTemplate, ...]]) -> None:
        every, matching = loaded
        self.matching = {t.code for t in matching}
        # The member's own conditions first: that is what the assistant came to enrol.
        self.templates = tuple(sorted(every, key=lambda t: t.code not in self.matching))
        self.templateList.clear()
        for n, template in enumerate(self.templates, start=1):
            mark = self.tr(" · in the health record") if template.code in self.matching else ""
            item = QListWidgetItem(f"{n}  {self.name(template)}（{template.condition}）{mark}")
            item.setData(CODE_ROLE, template.code)
            self.templateList.addItem(item)
        if self.templates:
            self.templateList.setCurrentRow(0)
        if not self.matching:
            self.say(
                self.tr(
                    "No chronic condition in this member's health record has a care plan. "
                    "Record the condition on the Health record page first (this needs the "
                    "member's health consent)."
                ),
                refusal=True,
            )

    def name(self, template: CareTemplate) -> str:
        return template.name_en if english(self.language) else template.name_zh

    def current(self) -> CareTemplate | None:
        row = self.templateList.currentRow()
        return self.templates[row] if 0 <= row < len(self.templates) else None

    def start_on(self) -> dt.date:
        d = self.startEdit.date()
        return dt.date(d.year(), d.month(), d.day())

    def show_steps(self, *_changed: object) -> None:
        """The chosen plan's steps with their due dates from the start date."""
        template = self.current()
        self.stepsTable.setRowCount(0)
        if template is None:
            return
        dates = dict(care_rules.task_dates(template, self.start_on()))
        self.stepsTable.setRowCount(len(template.steps))
        for r, step in enumerate(template.steps):
            what = step.what_en if english(self.language) else step.what_zh
            cells = (self.tr("Day {0}").format(step.day), dates[step.no].isoformat(), what)
            for c, text in enumerate(cells):
                self.stepsTable.setItem(r, c, QTableWidgetItem(text))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A digit in the plan list picks that plan (1 is the first)."""
        if (
            watched is self.templateList
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and Qt.Key.Key_1 <= event.key() <= Qt.Key.Key_9
        ):
            row = event.key() - Qt.Key.Key_1
            if row < self.templateList.count():
                self.templateList.setCurrentRow(row)
            return True
        return False

    # -- enrolling --------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter in the plan list or the date enrols (the date's own Enter falls through)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            self.confirm()
            return
        super().keyPressEvent(event)

    def confirm(self) -> None:
        template = self.current()
        if template is None:
            return
        ctx, actor, mid, start = self.ctx, self.actor, self.member_id, self.start_on()
        code = template.code
        self.enrollButton.setEnabled(False)
        self._call(lambda: enroll(ctx, actor, mid, code, start), self._enrolled)

    def _enrolled(self, plan: CarePlanView) -> None:
        self.enrollButton.setEnabled(True)
        self.enrolled.emit(plan)
        self.accept()

    def say(self, text: str, *, refusal: bool = False) -> None:
        self.status.setText(text)
        set_state(self.status, "tone", "refusal" if refusal else "")

    def _call(self, fn: Callable[[], Any], done: Callable[[Any], None]) -> None:
        self.runner.submit(fn, done, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.enrollButton.setEnabled(True)
        if not isinstance(exc, KnownError):
            self.runner.handle_error(exc, None)
            return
        self.say(exc.message(self.language), refusal=True)


def open_enroll(profile: Any) -> EnrollDialog:
    """From F8's health page (``ProfileDialog``): the dialog for its member; the profile's
    status line says what was enrolled."""
    dialog = EnrollDialog(
        profile.ctx,
        profile.actor,
        profile.runner,
        profile.member_id,
        language=profile.language,
        parent=profile,
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.enrolled.connect(
        lambda plan: profile.show_status(
            QCoreApplication.translate(
                "EnrollDialog", "Enrolled; {0} tasks are on the work list (F9)."
            ).format(len(plan.tasks))
        )
    )
    dialog.show()  # not modal: Ctrl+L must lock from here too
    dialog.raise_()
    dialog.activateWindow()
    return dialog
