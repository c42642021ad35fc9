"""Signing in, and the very first start on a cache with no operators."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QMessageBox
from uidata import PINS, type_with_ime

from counter import services
from ui.shell.login_dialog import LoginDialog


@pytest.fixture
def make_dialog(qtbot, ctx):  # type: ignore[no-untyped-def]
    def build(**kwargs: object) -> LoginDialog:
        dialog = LoginDialog(ctx, language="zh_CN", **kwargs)
        qtbot.addWidget(dialog)
        dialog.open()  # modal, but not a nested event loop: the test keeps driving
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        return dialog

    return build


def choose(qtbot, dialog: LoginDialog, name: str) -> None:
    """The operator's number key in the list, which hands over to the PIN field."""
    operators = dialog.form.operatorList
    assert operators.hasFocus()
    row = next(r for r in range(operators.count()) if name in operators.item(r).text())
    qtbot.keyClick(operators, str(row + 1))
    assert dialog.form.pinInput.hasFocus()


def type_pin(qtbot, dialog: LoginDialog, pin: str) -> None:
    field = dialog.findChild(QLineEdit, "pinInput")
    qtbot.keyClicks(field, pin)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_wrong_pin_shows_inline_message_and_clears(qtbot, make_dialog, staff, zh):
    dialog = make_dialog()
    assert dialog.windowTitle() == "门店会员柜台 — 登录"
    choose(qtbot, dialog, "王收银")
    type_pin(qtbot, dialog, "9999")
    message = dialog.findChild(QLabel, "loginMessage")
    assert message.text() == "PIN 不正确。"
    assert message.property("tone") == "refusal"
    assert dialog.findChild(QLineEdit, "pinInput").text() == ""
    assert dialog.isVisible()
    assert dialog.actor is None
    assert dialog.findChildren(QMessageBox) == []


def test_right_pin_signs_in(qtbot, make_dialog, staff, zh):
    dialog = make_dialog()
    choose(qtbot, dialog, "李客服")
    type_pin(qtbot, dialog, "0000")  # a mistake first
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        type_pin(qtbot, dialog, PINS["service"])
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.actor == staff.service


def test_sign_in_button_works_too(qtbot, make_dialog, staff, zh):
    dialog = make_dialog()
    choose(qtbot, dialog, "赵店长")
    qtbot.keyClicks(dialog.findChild(QLineEdit, "pinInput"), PINS["manager"])
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.mouseClick(dialog.form.loginButton, Qt.MouseButton.LeftButton)
    assert dialog.actor == staff.manager


def test_pin_field_takes_digits_only_and_hides_them(qtbot, make_dialog, staff, zh):
    dialog = make_dialog()
    field = dialog.findChild(QLineEdit, "pinInput")
    qtbot.keyClicks(field, "12ab34")
    assert field.text() == "1234"
    assert field.echoMode() == QLineEdit.EchoMode.Password


def test_hint_is_shown(make_dialog, staff, zh):
    dialog = make_dialog(hint="演示 PIN：收银员 1234")
    hint = dialog.findChild(QLabel, "loginHint")
    assert hint.isVisible()
    assert hint.text() == "演示 PIN：收银员 1234"


def test_first_run_creates_the_manager(qtbot, make_dialog, ctx, zh):
    dialog = make_dialog()
    assert dialog.form.pages.currentWidget().objectName() == "createManagerPage"
    type_with_ime(dialog.findChild(QLineEdit, "managerNameInput"), "赵店长")
    qtbot.keyClicks(dialog.findChild(QLineEdit, "managerPinInput"), "2468")
    confirm = dialog.findChild(QLineEdit, "managerPinConfirmInput")
    qtbot.keyClicks(confirm, "2468")
    with qtbot.waitSignal(dialog.accepted, timeout=3000):
        qtbot.keyClick(confirm, Qt.Key.Key_Return)
    assert dialog.actor is not None
    assert dialog.actor.role == "manager"
    assert [(a.name, a.role) for a in services.list_operators(ctx)] == [("赵店长", "manager")]
    assert services.login(ctx, dialog.actor.operator_id, "2468") == dialog.actor


def test_first_run_shows_the_core_validation_message(qtbot, make_dialog, ctx, zh):
    dialog = make_dialog()
    create = dialog.findChild(type(dialog.form.createButton), "createManagerButton")
    qtbot.mouseClick(create, Qt.MouseButton.LeftButton)
    message = dialog.findChild(QLabel, "createMessage")
    name = dialog.findChild(QLineEdit, "managerNameInput")
    assert message.text() == "请填写操作员姓名。"
    assert name.property("invalid") is True
    assert name.hasFocus()

    type_with_ime(name, "赵店长")
    pin = dialog.findChild(QLineEdit, "managerPinInput")
    qtbot.keyClicks(pin, "12")
    qtbot.keyClicks(dialog.findChild(QLineEdit, "managerPinConfirmInput"), "12")
    qtbot.mouseClick(create, Qt.MouseButton.LeftButton)
    assert message.text() == "PIN 须为 4–8 位数字。"
    assert pin.property("invalid") is True
    assert not services.has_operators(ctx)
    assert dialog.isVisible()


def test_first_run_pins_must_match(qtbot, make_dialog, ctx, zh):
    dialog = make_dialog()
    type_with_ime(dialog.findChild(QLineEdit, "managerNameInput"), "赵店长")
    qtbot.keyClicks(dialog.findChild(QLineEdit, "managerPinInput"), "2468")
    confirm = dialog.findChild(QLineEdit, "managerPinConfirmInput")
    qtbot.keyClicks(confirm, "2469")
    qtbot.keyClick(confirm, Qt.Key.Key_Return)
    assert (
        dialog.findChild(QLabel, "createMessage").text() == "两次输入的 PIN 码不一致，请重新输入。"
    )
    assert not services.has_operators(ctx)


def test_english_messages_come_from_the_core_too(qtbot, ctx, staff):
    dialog = LoginDialog(ctx, language="en")
    qtbot.addWidget(dialog)
    dialog.open()
    type_pin(qtbot, dialog, "9999")
    assert dialog.findChild(QLabel, "loginMessage").text() == "Wrong PIN."


def test_five_wrong_pins_lock_that_operator_with_the_time_left(qtbot, make_dialog, staff, zh):
    dialog = make_dialog()
    choose(qtbot, dialog, "王收银")
    message = dialog.findChild(QLabel, "loginMessage")
    for _ in range(4):
        type_pin(qtbot, dialog, "9999")
    assert message.text() == "PIN 不正确。再错 1 次将锁定 5 分钟。"
    type_pin(qtbot, dialog, "9999")
    assert message.text() == "王收银 连续 5 次 PIN 错误，已锁定。请 5 分 0 秒后再试。"
    type_pin(qtbot, dialog, PINS["cashier"])  # the right PIN now: still locked
    assert message.text().startswith("王收银 连续 5 次 PIN 错误，已锁定。请 ")
    assert message.property("tone") == "refusal"
    assert dialog.actor is None
    # Someone else at the counter is not locked out: Esc back to the list, their number key.
    qtbot.keyClick(dialog.findChild(QLineEdit, "pinInput"), Qt.Key.Key_Escape)
    choose(qtbot, dialog, "李客服")
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        type_pin(qtbot, dialog, PINS["service"])
    assert dialog.actor == staff.service
