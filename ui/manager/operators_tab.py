"""The desk's Operators tab: who may sign in at this store, their role and PIN state.

Keyboard-first: arrows pick an operator, Ins adds one, and each act has its Alt key
(Alt+R role, Alt+D disable or enable, Alt+P new PIN, Alt+U unlock). Every act is a
service call in the task runner (``counter.services.operator_admin``), audited there; the
last manager rule and every other refusal come back as a plain message under the list.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter import services
from counter.errors import KnownError
from counter.services import operator_admin
from counter.services.operator_admin import OperatorRow
from counter.services.views import LOCAL_TZ
from ui.manager.operator_dialogs import AddOperatorDialog, FormDialog, ResetPinDialog, RoleDialog
from ui.shell.closing import let_go
from ui.shell.labels import role_label
from ui.shell.style import set_state
from ui.shell.tasks import BaseRunner

NAME, ROLE, STATE, SINCE = range(4)


def state_label(row: OperatorRow) -> str:
    if not row.active:
        return QCoreApplication.translate("OperatorsTab", "Disabled")
    if row.locked_seconds:
        minutes, seconds = divmod(row.locked_seconds, 60)
        return QCoreApplication.translate("OperatorsTab", "Locked: {0} min {1} s left").format(
            minutes, seconds
        )
    if row.failed_pins:
        return QCoreApplication.translate(
            "OperatorsTab", "Active; {0} wrong PIN(s) in a row"
        ).format(row.failed_pins)
    return QCoreApplication.translate("OperatorsTab", "Active")


class OperatorsTab(QWidget):
    changed = Signal()  # an operator was added or changed

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
        self.setObjectName("operatorsTab")
        self.ctx, self.actor, self.runner, self.language = ctx, actor, runner, language
        self.rows: list[OperatorRow] = []
        self.dialog: FormDialog | None = None

        self.table = QTableWidget(0, 4)
        self.table.setObjectName("operatorsTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Role"), self.tr("State"), self.tr("Added")]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)  # Tab leaves the list, as in every form
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)

        self.addButton = self._button(self.tr("&Add…"), "addOperatorButton", self.add)
        self.roleButton = self._button(self.tr("&Role…"), "roleButton", self.change_role)
        self.activeButton = self._button(self.tr("&Disable"), "activeButton", self.toggle_active)
        self.pinButton = self._button(self.tr("New &PIN…"), "resetPinButton", self.reset_pin)
        self.unlockButton = self._button(self.tr("&Unlock"), "unlockButton", self.unlock)
        insert = QShortcut(QKeySequence(Qt.Key.Key_Insert), self)
        insert.activated.connect(self.add)

        self.message = QLabel()
        self.message.setObjectName("operatorsMessage")
        self.message.setWordWrap(True)
        hint = QLabel(
            self.tr(
                "Ins adds an operator. A disabled operator can no longer sign in; their "
                "history stays. The store always keeps one active manager. Every change is "
                "in the audit trail."
            )
        )
        hint.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (
            self.addButton, self.roleButton, self.activeButton, self.pinButton, self.unlockButton
        ):  # fmt: skip
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self._selection_changed()

    def _button(self, text: str, name: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    # -- the list ---------------------------------------------------------------------------

    def reload(self, keep: str | None = None) -> None:
        keep = keep or (self.current.id if self.current else None)
        ctx, actor = self.ctx, self.actor
        self.runner.submit(
            lambda: operator_admin.list_all_operators(ctx, actor),
            lambda rows: self._show(rows, keep),
            self._refused,
        )

    def _show(self, rows: list[OperatorRow], keep: str | None) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        chosen = 0
        for i, row in enumerate(rows):
            since = row.created_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d")
            cells = (row.name, role_label(row.role), state_label(row), since)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if not row.active:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(i, column, item)
            if row.id == keep:
                chosen = i
        if rows:
            self.table.selectRow(chosen)
        self._selection_changed()

    @property
    def current(self) -> OperatorRow | None:
        index = self.table.currentRow()
        selected = self.table.selectionModel().hasSelection()
        return self.rows[index] if selected and 0 <= index < len(self.rows) else None

    @Slot()
    def _selection_changed(self) -> None:
        row = self.current
        for button in (self.roleButton, self.activeButton, self.pinButton):
            button.setEnabled(row is not None)
        self.unlockButton.setEnabled(
            row is not None and row.active and bool(row.locked_seconds or row.failed_pins)
        )
        enable = row is not None and not row.active
        self.activeButton.setText(self.tr("&Enable") if enable else self.tr("&Disable"))

    def focus_list(self) -> None:
        self.window().activateWindow()  # back from a form or a question (no window manager)
        self.table.setFocus()

    # -- the acts ---------------------------------------------------------------------------

    def say(self, text: str, *, refusal: bool = False) -> None:
        self.message.setText(text)
        set_state(self.message, "tone", "refusal" if refusal else "")

    def _refused(self, exc: BaseException) -> None:
        if isinstance(exc, KnownError):
            self.say(exc.message(self.language), refusal=True)
        else:
            self.runner.handle_error(exc, None)

    def _open(self, dialog: FormDialog, done: str) -> None:
        self.dialog = dialog
        dialog.succeeded.connect(lambda result: self._acted(result, done))
        dialog.finished.connect(lambda _code: self._dialog_closed(dialog))
        dialog.open()
        dialog.activateWindow()  # no window manager does it at a kiosk or under Xvfb
        next(iter(dialog.fields.values())).setFocus()

    def _dialog_closed(self, dialog: FormDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        let_go(dialog)
        self.focus_list()

    def _acted(self, result: object, done: str) -> None:
        keep = result.operator_id if isinstance(result, services.Actor) else None
        self.say(done)
        self.reload(keep)
        self.changed.emit()

    @Slot()
    def add(self) -> None:
        dialog = AddOperatorDialog(
            self.ctx, self.actor, self.runner, language=self.language, parent=self
        )
        self._open(dialog, self.tr("Operator added. They sign in with their PIN."))

    @Slot()
    def change_role(self) -> None:
        if (row := self.current) is not None:
            dialog = RoleDialog(
                self.ctx, self.actor, self.runner, row, language=self.language, parent=self
            )
            self._open(dialog, self.tr("Role of {0} changed.").format(row.name))

    @Slot()
    def reset_pin(self) -> None:
        if (row := self.current) is not None:
            dialog = ResetPinDialog(
                self.ctx, self.actor, self.runner, row, language=self.language, parent=self
            )
            self._open(dialog, self.tr("New PIN set for {0}; any lock is lifted.").format(row.name))

    @Slot()
    def unlock(self) -> None:
        row = self.current
        if row is None:
            return
        ctx, actor = self.ctx, self.actor
        self.runner.submit(
            lambda: operator_admin.unlock(ctx, actor, row.id),
            lambda _done: self._acted(None, self.tr("{0} may sign in again.").format(row.name)),
            self._refused,
        )

    @Slot()
    def toggle_active(self) -> None:
        row = self.current
        if row is None:
            return
        if row.active and row.id != self.actor.operator_id:  # oneself: the service says no
            box = QMessageBox(
                QMessageBox.Icon.Question,
                self.tr("Disable operator"),
                self.tr("Disable {0}? They can no longer sign in (Enable undoes it).").format(
                    row.name
                ),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                self,
            )
            box.setObjectName("disableConfirm")
            box.setDefaultButton(QMessageBox.StandardButton.Yes)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.finished.connect(
                lambda code: (
                    self._set_active(row, False)
                    if code == QMessageBox.StandardButton.Yes.value
                    else self.focus_list()
                )
            )
            box.open()
            box.activateWindow()
        else:
            self._set_active(row, not row.active)

    def _set_active(self, row: OperatorRow, active: bool) -> None:
        ctx, actor = self.ctx, self.actor
        done = (
            self.tr("{0} may sign in again.") if active else self.tr("{0} is disabled.")
        ).format(row.name)
        self.runner.submit(
            lambda: operator_admin.set_active(ctx, actor, row.id, active),
            lambda _r: self._acted(None, done),
            self._refused,
        )
        self.focus_list()
