"""Small keyboard-first forms for the operator acts: add, role, reset PIN, own PIN.

Each form runs its service call in the task runner; a refusal (``KnownError``) is shown
under the form in plain words and the cursor goes to the field at fault (the service's
``field``), so nothing is lost and nothing needs the mouse. Enter confirms, Esc cancels.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from counter import services
from counter.errors import AuthenticationError, KnownError, ValidationError
from counter.services import operator_admin
from counter.services.context import ROLES
from ui.shell.labels import role_label
from ui.shell.style import set_state
from ui.shell.tasks import BaseRunner


class FormDialog(QDialog):
    """A form of lines and choices whose OK runs one service call off the UI thread."""

    succeeded = Signal(object)

    def __init__(
        self, title: str, runner: BaseRunner, *, language: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.runner = runner
        self.language = language
        self.fields: dict[str, QWidget] = {}
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.setProperty("tone", "refusal")
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.busy = False

    def add_line(self, key: str, label: str, *, pin: bool = False) -> QLineEdit:
        line = QLineEdit()
        line.setObjectName(f"{key}Input")
        if pin:
            line.setEchoMode(QLineEdit.EchoMode.Password)
            line.setMaxLength(8)
            line.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
            line.setPlaceholderText(self.tr("4–8 digits"))
        self.form.addRow(label, line)
        self.fields[key] = line
        return line

    def add_roles(self, key: str, label: str, current: str = "cashier") -> QComboBox:
        box = QComboBox()
        box.setObjectName(f"{key}Choice")
        for role in ROLES:
            box.addItem(role_label(role), role)
        box.setCurrentIndex(ROLES.index(current) if current in ROLES else 0)
        self.form.addRow(label, box)
        self.fields[key] = box
        return box

    def text(self, key: str) -> str:
        widget = self.fields[key]
        if isinstance(widget, QComboBox):
            return str(widget.currentData())
        assert isinstance(widget, QLineEdit)
        return widget.text()

    def work(self) -> Any:
        """The service call (runs on a worker thread)."""
        raise NotImplementedError

    def submit(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.buttons.setEnabled(False)
        call: Callable[[], Any] = self.work
        self.runner.submit(call, self._done, self._failed)

    def _done(self, result: object) -> None:
        self.busy = False
        self.buttons.setEnabled(True)
        self.succeeded.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.buttons.setEnabled(True)
        if not isinstance(exc, KnownError):
            self.runner.handle_error(exc, None)
            return
        self.show_error(exc.message(self.language), self._field_of(exc))

    def _field_of(self, exc: KnownError) -> str:
        if isinstance(exc, ValidationError) and exc.field in self.fields:
            return exc.field
        if isinstance(exc, AuthenticationError) and "old_pin" in self.fields:
            return "old_pin"
        return next(iter(self.fields))

    def show_error(self, message: str, field: str) -> None:
        self.error.setText(message)
        self.error.show()
        for key, widget in self.fields.items():
            set_state(widget, "invalid", key == field)
        widget = self.fields[field]
        if isinstance(widget, QLineEdit) and widget.echoMode() == QLineEdit.EchoMode.Password:
            # A PIN is typed again, never corrected; both of a pair, from the first.
            first = field.removesuffix("_again")
            for key in (first, f"{first}_again"):
                line = self.fields.get(key)
                if isinstance(line, QLineEdit):
                    line.clear()
            widget = self.fields[first]
        elif isinstance(widget, QLineEdit):
            widget.selectAll()
        widget.setFocus()


class AddOperatorDialog(FormDialog):
    def __init__(
        self,
        ctx: services.ServiceContext,
        actor: services.Actor,
        runner: BaseRunner,
        *,
        language: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(self.tr("Add an operator"), runner, language=language, parent=parent)
        self.setObjectName("addOperatorDialog")
        self.ctx, self.actor = ctx, actor
        self.add_line("name", self.tr("&Name"))
        self.add_roles("role", self.tr("&Role"))
        self.add_line("pin", self.tr("&PIN"), pin=True)
        self.add_line("pin_again", self.tr("PIN &again"), pin=True)

    def work(self) -> services.Actor:
        return operator_admin.new_operator(
            self.ctx, self.actor, self.text("name"), self.text("role"),
            self.text("pin"), self.text("pin_again"),
        )  # fmt: skip


class OperatorRowDialog(FormDialog):
    """A form about one operator's row (role, PIN reset); its title names the operator."""

    def __init__(
        self,
        ctx: services.ServiceContext,
        actor: services.Actor,
        runner: BaseRunner,
        row: operator_admin.OperatorRow,
        *,
        language: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(self.title(row.name), runner, language=language, parent=parent)
        self.ctx, self.actor, self.row = ctx, actor, row
        self.add_fields()

    def title(self, name: str) -> str:
        raise NotImplementedError

    def add_fields(self) -> None:
        raise NotImplementedError


class RoleDialog(OperatorRowDialog):
    def title(self, name: str) -> str:
        return self.tr("Role of {0}").format(name)

    def add_fields(self) -> None:
        self.setObjectName("roleDialog")
        self.add_roles("role", self.tr("&Role"), self.row.role)

    def work(self) -> None:
        operator_admin.change_role(self.ctx, self.actor, self.row.id, self.text("role"))


class ResetPinDialog(OperatorRowDialog):
    def title(self, name: str) -> str:
        return self.tr("New PIN for {0}").format(name)

    def add_fields(self) -> None:
        self.setObjectName("resetPinDialog")
        self.add_line("pin", self.tr("New &PIN"), pin=True)
        self.add_line("pin_again", self.tr("PIN &again"), pin=True)

    def work(self) -> None:
        operator_admin.reset_pin(
            self.ctx, self.actor, self.row.id, self.text("pin"), self.text("pin_again")
        )


class OwnPinDialog(FormDialog):
    """Any operator's own PIN change (File menu), with the old PIN."""

    def __init__(
        self,
        ctx: services.ServiceContext,
        actor: services.Actor,
        runner: BaseRunner,
        *,
        language: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(self.tr("Change my PIN"), runner, language=language, parent=parent)
        self.setObjectName("ownPinDialog")
        self.ctx, self.actor = ctx, actor
        self.add_line("old_pin", self.tr("&Current PIN"), pin=True)
        self.add_line("new_pin", self.tr("&New PIN"), pin=True)
        self.add_line("new_pin_again", self.tr("New PIN &again"), pin=True)

    def work(self) -> None:
        operator_admin.change_own_pin(
            self.ctx, self.actor, self.text("old_pin"), self.text("new_pin"),
            self.text("new_pin_again"),
        )  # fmt: skip
