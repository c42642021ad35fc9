"""F9: today's work list (service assistants and store managers).

What is due today and overdue, in four groups: care plan tasks, refill reminders, complaint
follow-up visits (回访) and birthdays this week. Each row: the member masked, what to do,
since when; overdue rows stand out. The list comes from ``services.work_list`` off the UI
thread (it audits the health information it shows); the dialog never touches the database.

Keys: Up/Down through the rows (the group headings are skipped), Enter opens the row: a
care task, a refill reminder or a birthday opens the task window (the phone to call is
revealed there, audited, with the script; the outcome is a key each); a complaint
follow-up opens the complaints desk (F11) at that complaint. F5 in the list reads it again.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter import services
from counter.errors import KnownError
from counter.services.worklist import WorkItem, WorkList, work_list
from ui.care.labels import kind_label, since_label
from ui.care.task_dialog import TaskDialog, item_text
from ui.shell.tasks import BaseRunner

OVERDUE_FG = QColor("#9b1c1c")
HEADING_FG = QColor("#1f2933")
ITEM_ROLE = Qt.ItemDataRole.UserRole
PAGE = 10
MOVES = {
    Qt.Key.Key_Down: 1,
    Qt.Key.Key_Up: -1,
    Qt.Key.Key_PageDown: PAGE,
    Qt.Key.Key_PageUp: -PAGE,
    Qt.Key.Key_Home: -1_000_000,
    Qt.Key.Key_End: 1_000_000,
}


def groups(listing: WorkList) -> tuple[tuple[str, tuple[WorkItem, ...]], ...]:
    """The list's groups in the order the assistant works them."""
    return (
        ("care_task", listing.care_tasks),
        ("refill", listing.refills),
        ("followup", listing.followups),
        ("birthday", listing.birthdays),
    )


class WorkListDialog(QDialog):
    """``changed`` after a task was done; ``followupRequested`` with a complaint's id;
    ``counted`` with the counts of each list read (the status bar shows them)."""

    changed = Signal()
    followupRequested = Signal(str)
    counted = Signal(object)

    def __init__(
        self,
        ctx: services.ServiceContext,
        actor: services.Actor,
        runner: BaseRunner,
        *,
        language: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("workListDialog")
        self.setWindowTitle(self.tr("Today's work list"))
        self.ctx, self.actor, self.runner, self.language = ctx, actor, runner, language
        self.listing: WorkList | None = None
        self.taskDialog: TaskDialog | None = None

        self.summary = QLabel()
        self.summary.setObjectName("workSummary")
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setObjectName("workTree")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels([self.tr("Member"), self.tr("What to do"), self.tr("Since")])
        self.tree.setRootIsDecorated(False)
        self.tree.setItemsExpandable(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.tree.itemActivated.connect(self._activated)  # a double click
        self.tree.installEventFilter(self)
        self.status = QLabel()
        self.status.setObjectName("workStatus")
        self.status.setWordWrap(True)
        hint = QLabel(
            self.tr("↑↓ choose · Enter opens: the phone, the script, the outcome · F5 reload")
        )
        hint.setObjectName("workHint")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addWidget(hint)
        layout.addLayout(bottom)
        self.resize(900, 600)
        self.reload()

    # -- the list ---------------------------------------------------------------------------

    def reload(self) -> None:
        ctx, actor = self.ctx, self.actor
        self.runner.submit(lambda: work_list(ctx, actor), self._show, self._failed)

    def _show(self, listing: WorkList) -> None:
        keep = self.current_item()
        self.listing = listing
        self.tree.clear()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        chosen: QTreeWidgetItem | None = None
        for kind, items in groups(listing):
            # Made with their parent, so the tree owns them (never freed twice from Python).
            title = self.tr("{0} ({1})").format(kind_label(kind), len(items))
            heading = QTreeWidgetItem(self.tree, [title])
            heading.setFlags(Qt.ItemFlag.ItemIsEnabled)  # not selectable: the arrows skip it
            heading.setFont(0, bold)
            heading.setForeground(0, QBrush(HEADING_FG))
            heading.setFirstColumnSpanned(True)
            for work in items:
                since = since_label(work.since, listing.today)
                row = QTreeWidgetItem(heading, [work.member, item_text(work, self.language), since])
                row.setData(0, ITEM_ROLE, work)
                if work.overdue:
                    for col in range(3):
                        row.setForeground(col, QBrush(OVERDUE_FG))
                    row.setData(2, ITEM_ROLE, "overdue")
                if keep is not None and (work.kind, work.ref) == (keep.kind, keep.ref):
                    chosen = row
            heading.setExpanded(True)
        counts = listing.counts
        if counts.total:
            self.summary.setText(
                self.tr("{0}: {1} to do, {2} of them overdue.").format(
                    listing.today.isoformat(), counts.total, counts.overdue
                )
            )
        else:
            self.summary.setText(
                self.tr("{0}: nothing due today. Well done.").format(listing.today.isoformat())
            )
        items = self.row_items()
        target = chosen or (items[0] if items else None)
        if target is not None:
            self.tree.setCurrentItem(target)
        self.tree.setFocus()
        self.counted.emit(counts)

    def current_item(self) -> WorkItem | None:
        row = self.tree.currentItem()
        work = row.data(0, ITEM_ROLE) if row is not None else None
        return work if isinstance(work, WorkItem) else None

    def row_items(self) -> list[QTreeWidgetItem]:
        """The rows under the headings, top to bottom (looked up, never kept: the tree owns
        its items, and a Python reference outliving them would free them twice)."""
        tree = self.tree
        return [
            tree.topLevelItem(g).child(r)
            for g in range(tree.topLevelItemCount())
            for r in range(tree.topLevelItem(g).childCount())
        ]

    def rows(self) -> list[WorkItem]:
        """Every row, top to bottom (for tests and the screenshots)."""
        if self.listing is None:
            return []
        return [work for _kind, items in groups(self.listing) for work in items]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter opens the row (here, so no button of the dialog takes it); F5 reloads."""
        if not (
            watched is self.tree
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
        ):
            return False
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_item()
            return True
        if event.key() == Qt.Key.Key_F5:
            self.reload()
            return True
        step = MOVES.get(event.key())
        if step is not None and not event.modifiers():
            self.move(step)
            return True
        return False

    def move(self, step: int) -> None:
        """Up/Down/PgUp/PgDn/Home/End over the rows only, never onto a group heading."""
        items = self.row_items()
        if not items:
            return
        current = self.tree.currentItem()
        at = items.index(current) if current in items else -1
        self.tree.setCurrentItem(items[max(0, min(len(items) - 1, at + step))])

    # -- a row ------------------------------------------------------------------------------

    def _activated(self, row: QTreeWidgetItem, _column: int) -> None:
        self.open_item(row)

    def open_item(self, row: QTreeWidgetItem | None = None) -> None:
        """Enter: the task window, or the complaints desk for a follow-up visit."""
        row = row or self.tree.currentItem()
        work = row.data(0, ITEM_ROLE) if row is not None else None
        if not isinstance(work, WorkItem):
            return
        if work.kind == "followup":
            self.followupRequested.emit(work.ref)
            return
        if self.taskDialog is not None:
            self.taskDialog.close()
        dialog = TaskDialog(
            self.ctx, self.actor, self.runner, work, language=self.language, parent=self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.completed.connect(self._task_done)
        dialog.finished.connect(self._task_closed)  # a bound slot: no lambda holding us
        self.taskDialog = dialog
        # Not modal: Ctrl+L (an application shortcut) must lock from here too.
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def _task_done(self, text: str) -> None:
        self.status.setText(text)
        self.changed.emit()
        self.reload()

    def _task_closed(self, _result: int) -> None:
        self.taskDialog = None  # it deletes itself (WA_DeleteOnClose)
        self.activateWindow()  # no window manager hands the keyboard back (kiosk, Xvfb)
        self.tree.setFocus()

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, KnownError):
            self.runner.handle_error(exc, None)
            return
        self.status.setText(exc.message(self.language))
