"""Who is at the counter: pick yourself, type your PIN. On a fresh cache, create the manager.

``LoginForm`` is used twice: in the start-up ``LoginDialog`` and on the lock screen, so
unlocking is the same gesture as logging in (and another operator may take over).
Mistakes show inline under the field; no pop-ups at a busy counter.

Switching people is two gestures from the keyboard: the operators are listed first, each
with a number key (1–9; or ↑↓ and Enter), then the PIN; Esc in the PIN field goes back to
the list. The last operator is highlighted, never silently assumed: the next person sees
whose PIN the field asks for. PINs stay per operator, not unique (a unique PIN would tell a
person someone else's).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidgetItem,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from counter import services
from counter.errors import KnownError, ValidationError
from ui.shell.labels import actor_label, app_title
from ui.shell.login_widgets import (
    ACTOR_ROLE,
    DIGITS,
    LIST_ROWS,
    OperatorList,
    caption,
    pin_input,
    plain_button,
)
from ui.shell.style import set_state

log = logging.getLogger(__name__)


class LoginForm(QWidget):
    """Operator + PIN, or the first manager's account when the cache has no operators."""

    loggedIn = Signal(object)  # services.Actor

    def __init__(
        self,
        ctx: services.ServiceContext,
        *,
        language: str,
        hint: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("loginForm")
        self.ctx = ctx
        self.language = language
        self.pages = QStackedWidget()
        self.pages.setObjectName("loginPages")
        self.loginPage = self._build_login_page()
        self.createPage = self._build_create_page()
        self.pages.addWidget(self.loginPage)
        self.pages.addWidget(self.createPage)

        self.hintLabel = QLabel(hint or "")
        self.hintLabel.setObjectName("loginHint")
        self.hintLabel.setWordWrap(True)
        self.hintLabel.setVisible(bool(hint))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        layout.addWidget(self.hintLabel)
        self.reload()

    # -- building -------------------------------------------------------------------------

    def _build_login_page(self) -> QWidget:
        page = QWidget()
        page.setObjectName("loginPage")
        self.loginTitle = title = QLabel(self.tr("Sign in to the counter"))
        title.setObjectName("loginTitle")
        self.operatorHint = QLabel(self.tr("Press your number, then type your PIN."))
        self.operatorHint.setObjectName("operatorHint")
        self.operatorHint.setWordWrap(True)
        self.operatorList = OperatorList()
        self.operatorList.setObjectName("operatorList")
        self.operatorList.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.operatorList.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.operatorList.currentRowChanged.connect(self._operator_changed)
        self.operatorList.chosen.connect(self._operator_chosen)
        self.operatorList.itemClicked.connect(lambda _item: self._operator_chosen())
        self.pinCaption = caption(self.tr("PIN"), self.operatorList)
        self.pinInput = pin_input("pinInput")
        self.pinInput.setPlaceholderText(self.tr("4–8 digits"))
        self.pinInput.returnPressed.connect(self.submit_login)
        self.pinInput.back.connect(self.focus_operators)
        self.pinInput.textEdited.connect(self._clear_login_message)
        self.loginButton = plain_button(self.tr("Sign in"), "loginButton")
        self.loginButton.clicked.connect(self.submit_login)
        self.loginMessage = QLabel()
        self.loginMessage.setObjectName("loginMessage")
        self.loginMessage.setWordWrap(True)

        self.pinCaption.setBuddy(self.pinInput)
        form = QFormLayout()
        form.addRow(self.pinCaption, self.pinInput)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.operatorHint)
        layout.addWidget(self.operatorList)
        layout.addLayout(form)
        layout.addWidget(self.loginMessage)
        layout.addWidget(self.loginButton)
        layout.addStretch(1)
        return page

    def _build_create_page(self) -> QWidget:
        page = QWidget()
        page.setObjectName("createManagerPage")
        title = QLabel(self.tr("Welcome: create the store manager"))
        title.setObjectName("loginTitle")
        intro = QLabel(
            self.tr(
                "This counter has no operators yet. Create the store manager's account first; "
                "the manager signs in with this PIN."
            )
        )
        intro.setObjectName("firstRunIntro")
        intro.setWordWrap(True)
        self.managerNameInput = QLineEdit()
        self.managerNameInput.setObjectName("managerNameInput")
        self.managerNameInput.setMaxLength(32)
        self.managerPinInput = pin_input("managerPinInput")
        self.managerPinInput.setPlaceholderText(self.tr("4–8 digits"))
        self.managerPinConfirmInput = pin_input("managerPinConfirmInput")
        self.managerPinConfirmInput.returnPressed.connect(self.submit_create)
        for field in (self.managerNameInput, self.managerPinInput, self.managerPinConfirmInput):
            field.textEdited.connect(self._clear_create_message)
        self.createButton = plain_button(self.tr("Create and sign in"), "createManagerButton")
        self.createButton.clicked.connect(self.submit_create)
        self.createMessage = QLabel()
        self.createMessage.setObjectName("createMessage")
        self.createMessage.setWordWrap(True)

        form = QFormLayout()
        form.addRow(
            caption(self.tr("Manager's name"), self.managerNameInput), self.managerNameInput
        )
        form.addRow(caption(self.tr("PIN"), self.managerPinInput), self.managerPinInput)
        form.addRow(
            caption(self.tr("PIN again"), self.managerPinConfirmInput),
            self.managerPinConfirmInput,
        )
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.createMessage)
        layout.addWidget(self.createButton)
        layout.addStretch(1)
        return page

    # -- state ----------------------------------------------------------------------------

    @property
    def first_run(self) -> bool:
        return self.pages.currentIndex() == 1

    def reload(self, preselect_id: str | None = None) -> None:
        """Fill the operator list afresh (someone may have been added) and reset the fields.

        ``preselect_id``: highlight this operator (the last one), for Enter then the PIN.
        """
        operators = services.list_operators(self.ctx)
        self.operatorList.blockSignals(True)
        self.operatorList.clear()
        current = 0
        for row, actor in enumerate(operators):
            number = f"{row + 1}" if row < len(DIGITS) else " "
            item = QListWidgetItem(f"{number}   {actor_label(actor)}")
            item.setData(ACTOR_ROLE, actor)
            self.operatorList.addItem(item)
            if actor.operator_id == preselect_id:
                current = row
        if operators:
            self.operatorList.setCurrentRow(current)
        self.operatorList.blockSignals(False)
        self._fit_list(len(operators))
        self.pinInput.clear()
        self._clear_login_message()
        self._show_pin_caption()
        self._show_page(0 if operators else 1)
        self.focus_first()

    def _fit_list(self, rows: int) -> None:
        """As tall as its operators, up to LIST_ROWS; one operator needs no list at all."""
        self.operatorList.setVisible(rows > 1)
        self.operatorHint.setVisible(rows > 1)
        self.pinInput.goes_back = rows > 1
        row_height = self.operatorList.sizeHintForRow(0) if rows else 0
        frame = 2 * self.operatorList.frameWidth()
        self.operatorList.setFixedHeight(min(max(rows, 1), LIST_ROWS) * row_height + frame + 4)

    def current_operator(self) -> services.Actor | None:
        item = self.operatorList.currentItem()
        actor = item.data(ACTOR_ROLE) if item is not None else None
        return actor if isinstance(actor, services.Actor) else None

    def _show_page(self, index: int) -> None:
        """Size the stack to the page shown, not to the tallest page."""
        for i, page in enumerate((self.loginPage, self.createPage)):
            policy = QSizePolicy.Policy.Preferred if i == index else QSizePolicy.Policy.Ignored
            page.setSizePolicy(policy, policy)
        self.pages.setCurrentIndex(index)
        self.pages.adjustSize()

    def focus_first(self) -> None:
        """The list first (who is it?), then the PIN; straight to the PIN if only one."""
        if self.first_run:
            self.managerNameInput.setFocus(Qt.FocusReason.OtherFocusReason)
        elif self.operatorList.count() > 1:
            self.focus_operators()
        else:
            self.pinInput.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def focus_operators(self) -> None:
        if self.operatorList.count() <= 1:
            return
        self.pinInput.clear()
        self._clear_login_message()
        self.operatorList.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- signing in -----------------------------------------------------------------------

    @Slot()
    def submit_login(self) -> None:
        actor = self.current_operator()
        pin = self.pinInput.text()
        if actor is None:
            return
        if not pin:
            self._login_message(self.tr("Type your PIN, then press Enter."))
            return
        try:
            signed_in = services.login(self.ctx, actor.operator_id, pin)
        except KnownError as exc:
            log.info("sign-in refused for operator %s", actor.operator_id)
            self.pinInput.clear()
            self.pinInput.setFocus(Qt.FocusReason.OtherFocusReason)
            self._login_message(exc.message(self.language))
            return
        log.info("operator %s signed in as %s", signed_in.operator_id, signed_in.role)
        self.pinInput.clear()
        self.loggedIn.emit(signed_in)

    @Slot()
    def submit_create(self) -> None:
        for field in (self.managerNameInput, self.managerPinInput, self.managerPinConfirmInput):
            set_state(field, "invalid", False)
        pin = self.managerPinInput.text()
        if pin != self.managerPinConfirmInput.text():
            self._create_message(self.tr("The two PINs differ. Type the same PIN twice."))
            self._mark(self.managerPinConfirmInput)
            return
        try:
            created = services.create_operator(
                self.ctx, self.managerNameInput.text(), "manager", pin
            )
            signed_in = services.login(self.ctx, created.operator_id, pin)
        except ValidationError as exc:
            self._create_message(exc.message(self.language))
            fields = {"name": self.managerNameInput, "pin": self.managerPinInput}
            self._mark(fields.get(exc.field, self.managerNameInput))
            return
        except KnownError as exc:
            self._create_message(exc.message(self.language))
            return
        log.info("first manager %s created", created.operator_id)
        self.managerPinInput.clear()
        self.managerPinConfirmInput.clear()
        self.loggedIn.emit(signed_in)

    # -- messages -------------------------------------------------------------------------

    def _mark(self, field: QLineEdit) -> None:
        set_state(field, "invalid", True)
        field.setFocus(Qt.FocusReason.OtherFocusReason)
        field.selectAll()

    def _login_message(self, text: str) -> None:
        self.loginMessage.setText(text)
        set_state(self.loginMessage, "tone", "refusal")

    @Slot()
    def _clear_login_message(self) -> None:
        self.loginMessage.clear()

    def _create_message(self, text: str) -> None:
        self.createMessage.setText(text)
        set_state(self.createMessage, "tone", "refusal")

    @Slot()
    def _clear_create_message(self) -> None:
        self.createMessage.clear()

    @Slot(int)
    def _operator_changed(self, _row: int) -> None:
        self.pinInput.clear()
        self._clear_login_message()
        self._show_pin_caption()

    @Slot()
    def _operator_chosen(self) -> None:
        self._show_pin_caption()
        self.pinInput.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_pin_caption(self) -> None:
        """Whose PIN the field asks for, so nobody types theirs under another name."""
        actor = self.current_operator()
        if actor is None or self.operatorList.count() <= 1:
            text = self.tr("PIN")
        else:
            text = self.tr("PIN of {0}").format(actor.name)
        self.pinCaption.setText(text)


class LoginDialog(QDialog):
    """The start-up sign-in; ``actor`` is set when it is accepted."""

    def __init__(
        self,
        ctx: services.ServiceContext,
        *,
        language: str,
        hint: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self.setWindowTitle(self.tr("{0} — sign in").format(app_title()))
        self.actor: services.Actor | None = None
        self.form = LoginForm(ctx, language=language, hint=hint)
        self.form.loggedIn.connect(self._signed_in)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        self.setMinimumWidth(420)

    @Slot(object)
    def _signed_in(self, actor: services.Actor) -> None:
        self.actor = actor
        self.accept()
