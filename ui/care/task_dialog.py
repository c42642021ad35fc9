"""One row of the work list, opened: the phone to call, the script, the outcome and a note.

Opening it asks the core for the member's name and phone in clear (``open_task`` for a care
task, ``reveal_member`` for a refill reminder or a birthday): each is audited, so nothing is
shown that the log does not record. The outcome is a key each — Ctrl+1 reached, Ctrl+2 no
answer (due again tomorrow), Ctrl+3 came to the store, Ctrl+4 declined (a care plan ends) —
with the note typed first in the note field (a birthday: Ctrl+1 greeted). Each outcome is one
service call, one local transaction (with its outbox row for a care task): it works offline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter import services
from counter.errors import KnownError
from counter.services.care_tasks import TaskDetail, do_task, open_task
from counter.services.refills import do_refill
from counter.services.worklist import WorkItem, greet_birthday
from ui.care.labels import kind_label, outcome_label
from ui.shell.style import set_state
from ui.shell.tasks import BaseRunner

OUTCOMES = ("reached", "no_answer", "visited", "declined")


def english(language: str) -> bool:
    return language.lower().startswith("en")


def item_text(work: WorkItem, language: str) -> str:
    return work.what_en if english(language) else work.what_zh


def item_script(work: WorkItem, language: str) -> str:
    return work.script_en if english(language) else work.script_zh


class TaskDialog(QDialog):
    """``completed`` carries a one-line summary once the outcome is saved."""

    completed = Signal(str)

    def __init__(
        self,
        ctx: services.ServiceContext,
        actor: services.Actor,
        runner: BaseRunner,
        work: WorkItem,
        *,
        language: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("careTaskDialog")
        self.setWindowTitle(kind_label(work.kind))
        self.ctx, self.actor, self.runner = ctx, actor, runner
        self.work, self.language = work, language
        self.contact: services.Contact | None = None
        self.saving = False

        self.headLabel = QLabel(item_text(work, language))
        self.headLabel.setObjectName("taskHead")
        self.headLabel.setWordWrap(True)
        self.headLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.contactLabel = QLabel(work.member)
        self.contactLabel.setObjectName("taskContact")
        self.contactLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.contactLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.revealNote = QLabel(self.tr("Showing the phone to call (audited)…"))
        self.revealNote.setObjectName("taskRevealNote")
        self.revealNote.setWordWrap(True)
        script_title = QLabel(self.tr("What to say"))
        script_title.setObjectName("taskScriptTitle")
        self.scriptLabel = QLabel(item_script(work, language) or self.tr("(no script)"))
        self.scriptLabel.setObjectName("taskScript")
        self.scriptLabel.setWordWrap(True)
        self.scriptLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.scriptLabel.setFrameShape(QFrame.Shape.StyledPanel)
        self.noteEdit = QLineEdit()
        self.noteEdit.setObjectName("taskNote")
        self.noteEdit.setPlaceholderText(self.tr("Note: what was said, what to do next"))
        note = QLabel(self.tr("&Note:"))
        note.setBuddy(self.noteEdit)
        note_row = QHBoxLayout()
        note_row.addWidget(note)
        note_row.addWidget(self.noteEdit, 1)

        self.outcomeButtons: dict[str, QPushButton] = {}
        outcome_row = QHBoxLayout()
        for n, outcome in enumerate(self.outcomes(), start=1):
            button = QPushButton(f"{outcome_label(outcome, work.kind)} (Ctrl+{n})")
            button.setObjectName(f"outcome_{outcome}")
            button.setAutoDefault(False)
            button.setEnabled(False)  # until the contact is shown
            button.clicked.connect(lambda _=False, o=outcome: self.record(o))
            shortcut = QShortcut(QKeySequence(f"Ctrl+{n}"), self)
            shortcut.activated.connect(lambda o=outcome: self.record(o))
            outcome_row.addWidget(button)
            self.outcomeButtons[outcome] = button
        self.status = QLabel()
        self.status.setObjectName("taskStatus")
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.headLabel)
        layout.addWidget(self.contactLabel)
        layout.addWidget(self.revealNote)
        layout.addWidget(script_title)
        layout.addWidget(self.scriptLabel)
        layout.addLayout(note_row)
        layout.addLayout(outcome_row)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.resize(720, 380)
        self.noteEdit.setFocus()
        self.reveal()

    def outcomes(self) -> tuple[str, ...]:
        return OUTCOMES

    # -- the contact ------------------------------------------------------------------------

    def reveal(self) -> None:
        """The member's name and phone in clear, through the core (which audits it)."""
        ctx, actor, work = self.ctx, self.actor, self.work
        if work.kind == "care_task":
            self._call(lambda: open_task(ctx, actor, work.ref), self._opened)
        elif work.member_id:
            why = {"refill": "refill_reminder", "birthday": "birthday_greeting"}.get(work.kind, "")
            member_id = work.member_id
            self._call(
                lambda: services.reveal_member(ctx, actor, member_id, why), self._show_contact
            )

    def _opened(self, detail: TaskDetail) -> None:
        step = detail.task.step
        script = step.script_en if english(self.language) else step.script_zh
        self.scriptLabel.setText(script or self.tr("(no script)"))
        self._show_contact(detail.contact)

    def _show_contact(self, contact: services.Contact) -> None:
        self.contact = contact
        self.contactLabel.setText(f"{contact.name}  {contact.phone}")
        self.revealNote.setText(self.tr("Shown to call the member; this view is in the audit log."))
        for button in self.outcomeButtons.values():
            button.setEnabled(True)
        self.noteEdit.setFocus()

    # -- the outcome ------------------------------------------------------------------------

    def record(self, outcome: str) -> None:
        """Ctrl+1…4: save the outcome with the note (one transaction, synced later)."""
        button = self.outcomeButtons.get(outcome)
        if button is None or not button.isEnabled() or self.saving:
            return
        ctx, actor, work = self.ctx, self.actor, self.work
        note = self.noteEdit.text().strip()
        call: Callable[[], Any]
        if work.kind == "care_task":
            call = lambda: do_task(ctx, actor, work.ref, outcome, note)  # noqa: E731
        elif work.kind == "refill" and work.member_id and work.due_on is not None:
            member_id, due_on = work.member_id, work.due_on
            call = lambda: do_refill(ctx, actor, member_id, due_on, outcome, note)  # noqa: E731
        elif work.kind == "birthday" and work.member_id:
            member_id = work.member_id
            call = lambda: greet_birthday(ctx, actor, member_id, outcome, note)  # noqa: E731
        else:
            return
        self.saving = True
        self._call(call, lambda _result: self._recorded(outcome))

    def _recorded(self, outcome: str) -> None:
        self.saving = False
        work = self.work
        what, said = item_text(work, self.language), outcome_label(outcome, work.kind)
        self.completed.emit(self.tr("Done: {0} · {1} · {2}").format(work.member, what, said))
        self.accept()

    # -- plumbing ---------------------------------------------------------------------------

    def _call(self, fn: Callable[[], Any], done: Callable[[Any], None]) -> None:
        self.runner.submit(fn, done, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.saving = False
        if not isinstance(exc, KnownError):
            self.runner.handle_error(exc, None)
            return
        self.status.setText(exc.message(self.language))
        set_state(self.status, "tone", "refusal")
        if getattr(exc, "field", "") == "note":
            self.noteEdit.setFocus()
