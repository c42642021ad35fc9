"""``run_app`` end to end: sign in, see the counter, quit; and what it leaves behind."""

import logging
import sys
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QMessageLogContext, Qt, QTimer, QtMsgType
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMainWindow
from uidata import PINS

from counter import logs
from ui.shell.app import qt_message_handler, run_app
from ui.shell.login_dialog import LoginDialog


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """run_app sets up file logging when the CLI has not; take it down again."""
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def when(check: Callable[[], object], then: Callable[[object], None]) -> None:
    """Poll from the event loop until ``check`` returns something, then act on it."""

    def poll() -> None:
        found = check()
        if found:
            then(found)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)


def login_dialog() -> LoginDialog | None:
    widget = QApplication.activeModalWidget()
    return widget if isinstance(widget, LoginDialog) and widget.isVisible() else None


def main_window() -> QMainWindow | None:
    for widget in QApplication.topLevelWidgets():
        if widget.objectName() == "mainWindow" and widget.isVisible():
            return widget  # type: ignore[return-value]
    return None


def test_sign_in_use_and_quit(qtbot, settings, ctx, staff):
    seen: dict[str, object] = {}
    safety = QTimer()
    safety.setSingleShot(True)
    safety.timeout.connect(lambda: QApplication.exit(99))  # fail rather than hang
    safety.start(20_000)

    def sign_in(dialog: LoginDialog) -> None:
        seen["hint"] = dialog.findChild(QLabel, "loginHint").text()
        seen["dialog_title"] = dialog.windowTitle()
        form = dialog.form
        operators = form.operatorList
        row = next(r for r in range(operators.count()) if "王收银" in operators.item(r).text())
        qtbot.keyClick(operators, str(row + 1))
        qtbot.keyClicks(form.pinInput, PINS["cashier"])
        qtbot.keyClick(form.pinInput, Qt.Key.Key_Return)

    def use_and_quit(window: QMainWindow) -> None:
        seen["title"] = window.windowTitle()
        seen["operator"] = window.findChild(QLabel, "operatorLabel").text()
        seen["sheet"] = bool(QApplication.instance().styleSheet())
        seen["hook"] = sys.excepthook.__qualname__
        seen["field_ime"] = window.findChild(QLineEdit, "lookupInput").testAttribute(
            Qt.WidgetAttribute.WA_InputMethodEnabled
        )
        window.quitAction.trigger()

    when(login_dialog, sign_in)
    when(main_window, use_and_quit)
    hook_before = sys.excepthook
    code = run_app(settings, ctx, login_hint="演示 PIN：收银员 1234", no_dialogs=True)
    safety.stop()

    assert code == 0
    assert seen == {
        "hint": "演示 PIN：收银员 1234",
        "dialog_title": "门店会员柜台 — 登录",
        "title": "门店会员柜台",
        "operator": "王收银 · 收银员",
        "sheet": True,
        "hook": "CrashHandler.handle",
        "field_ime": False,
    }
    # everything global is undone for whoever uses the QApplication next
    assert sys.excepthook is hook_before
    assert QApplication.instance().styleSheet() == ""
    assert (settings.log_dir / "counter.log").is_file()


def test_cancelled_sign_in_exits_cleanly(qtbot, settings, ctx, staff):
    when(login_dialog, lambda dialog: dialog.reject())
    assert run_app(settings, ctx, language="en") == 0


def test_run_app_finds_the_ring_buffer_on_the_root_logger(qtbot, settings, ctx, staff):
    ring = logs.setup(settings.log_dir)
    when(login_dialog, lambda dialog: dialog.reject())
    run_app(settings, ctx, no_dialogs=True)
    assert "sign-in cancelled" in ring.text()


def test_run_app_reuses_the_cli_ring_buffer(qtbot, settings, ctx, staff):
    ring = logs.setup(settings.log_dir)
    when(login_dialog, lambda dialog: dialog.reject())
    run_app(settings, ctx, no_dialogs=True, log_ring=ring)
    assert "sign-in cancelled" in ring.text()
    assert sum(isinstance(h, logs.RingBuffer) for h in logging.getLogger().handlers) == 1


def test_qt_messages_go_to_the_log(caplog):
    with caplog.at_level(logging.WARNING, logger="qt"):
        qt_message_handler(QtMsgType.QtWarningMsg, QMessageLogContext(), "QPainter is not active")
    assert [r.getMessage() for r in caplog.records] == ["QPainter is not active"]
    assert caplog.records[0].name == "qt"
