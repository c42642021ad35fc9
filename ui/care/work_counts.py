"""The work waiting, on the status bar: "待办 7" for a service assistant or store manager.

The counts are read off the UI thread (the shell's runner) so the status bar never waits on
the cache; the window asks for a refresh after a sync, after a task is done and when someone
signs in. A click (or Space on it) opens the work list (F9). A cashier has no work list, so
the button is hidden for one.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QToolButton, QWidget

from counter import services
from counter.errors import KnownError
from counter.services.worklist import WorkCounts, work_counts
from ui.care.labels import kind_label
from ui.shell.style import set_state
from ui.shell.tasks import BaseRunner

WORK_ROLES = ("service", "manager")  # DESIGN §11: F9 is theirs; the service checks it again


def count_of(counts: WorkCounts, kind: str) -> int:
    return {
        "care_task": counts.care_tasks,
        "refill": counts.refills,
        "followup": counts.followups,
        "birthday": counts.birthdays,
    }.get(kind, 0)


class WorkCountsButton(QToolButton):
    """Shows the total due today and overdue; the tooltip gives it per group."""

    requested = Signal()

    def __init__(
        self,
        ctx: services.ServiceContext,
        runner: BaseRunner,
        *,
        language: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("workCountsButton")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAutoRaise(True)
        self.clicked.connect(self.requested)
        self.ctx, self.runner, self.language = ctx, runner, language
        self.actor: services.Actor | None = None
        self.counts: WorkCounts | None = None
        self._asked = 0  # answers to older requests are dropped
        self.hide()

    def set_actor(self, actor: services.Actor | None) -> None:
        self.actor = actor
        self._asked += 1
        if actor is None or actor.role not in WORK_ROLES:
            self.counts = None
            self.hide()
            return
        self.refresh()

    def refresh(self) -> None:
        """Count again in the background; the button keeps its text until the answer."""
        actor = self.actor
        if actor is None or actor.role not in WORK_ROLES:
            return
        self._asked += 1
        asked, ctx = self._asked, self.ctx
        self.runner.submit(
            lambda: work_counts(ctx, actor),
            lambda counts: self._show(asked, counts),
            lambda exc: self._failed(asked, exc),
        )

    def _show(self, asked: int, counts: WorkCounts) -> None:
        if asked == self._asked:
            self.show_counts(counts)

    def show_counts(self, counts: WorkCounts) -> None:
        """Counts read elsewhere (the work list brings its own) or by :meth:`refresh`."""
        if self.actor is None or self.actor.role not in WORK_ROLES:
            return
        self.counts = counts
        self.setText(self.tr("To do {0}").format(counts.total))
        lines = [self.tr("Due today and overdue ({0} overdue); F9 opens the work list.")]
        lines[0] = lines[0].format(counts.overdue)
        lines += [
            f"{kind_label(kind)}: {count_of(counts, kind)}"
            for kind in ("care_task", "refill", "followup", "birthday")
        ]
        self.setToolTip("\n".join(lines))
        set_state(self, "state", "overdue" if counts.overdue else ("work" if counts.total else ""))
        self.show()

    def _failed(self, asked: int, exc: BaseException) -> None:
        if not isinstance(exc, KnownError):
            self.runner.handle_error(exc, None)
            return
        if asked == self._asked:
            self.setText(self.tr("To do ?"))
            self.setToolTip(exc.message(self.language))
            set_state(self, "state", "")
            self.show()
