"""The locked counter: nothing of the last member stays on screen; any operator may sign in."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from counter import services
from ui.shell.login_dialog import LoginForm


class LockScreen(QWidget):
    unlocked = Signal(object)  # services.Actor

    def __init__(
        self,
        ctx: services.ServiceContext,
        *,
        language: str,
        hint: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        title = QLabel(self.tr("The counter is locked"))
        title.setObjectName("lockTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.form = LoginForm(ctx, language=language, hint=hint)
        self.form.loggedIn.connect(self.unlocked)
        self.form.loginTitle.hide()  # the card's own title says it all
        card = QFrame()
        card.setObjectName("lockCard")
        card.setFixedWidth(460)
        card_layout = QVBoxLayout(card)
        card_layout.addWidget(title)
        card_layout.addWidget(self.form)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

    def prepare(self, last: services.Actor | None) -> None:
        """Offer the operator who was signed in first; the list is read afresh."""
        self.form.reload(preselect_id=last.operator_id if last else None)
