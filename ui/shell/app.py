"""Start the desktop shell: application, translations, logging, crash handling, sign-in, window.

The CLI (``counter`` and ``counter demo``) builds the settings and the service context and
calls ``run_app``; everything Qt-specific happens here, and is undone before it returns.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import (
    QMessageLogContext,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDialog

from counter import __version__, logs, services
from counter.settings import APP_AUTHOR, APP_NAME, Settings
from ui.shell import window_state
from ui.shell.crash_dialog import CrashHandler
from ui.shell.i18n import DEFAULT_LANGUAGE, install_translators, load_stylesheet, remove_translators
from ui.shell.labels import app_title
from ui.shell.login_dialog import LoginDialog
from ui.shell.main_window import MainWindow
from ui.shell.tasks import TaskRunner

log = logging.getLogger(__name__)
qt_log = logging.getLogger("qt")

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}

# Fonts that draw Chinese well on the counter PCs (Windows first), tried in this order.
UI_FONTS = ["Microsoft YaHei UI", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC"]


def qt_message_handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Qt's own warnings go to our log file instead of a console nobody reads."""
    where = f" ({context.file}:{context.line})" if context.file else ""
    qt_log.log(_QT_LEVELS.get(mode, logging.WARNING), "%s%s", message, where)


def no_dialogs_requested(no_dialogs: bool = False) -> bool:
    return no_dialogs or os.environ.get("COUNTER_NO_DIALOGS", "") not in ("", "0")


def _ring_buffer(settings: Settings, given: logs.RingBuffer | None) -> logs.RingBuffer:
    """The ring buffer of ``counter.logs.setup`` if the CLI set logging up, else set it up."""
    if given is not None:
        return given
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logs.RingBuffer):
            return handler
    return logs.setup(settings.log_dir)


def get_application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    return app


@contextmanager
def desktop_session(
    settings: Settings,
    *,
    language: str,
    no_dialogs: bool,
    log_ring: logs.RingBuffer | None = None,
) -> Iterator[QApplication]:
    """Everything global the shell installs, removed again on the way out (tests reuse the app)."""
    app = get_application()
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_AUTHOR)
    app.setApplicationVersion(__version__)
    ring = _ring_buffer(settings, log_ring)
    previous_handler = qInstallMessageHandler(qt_message_handler)
    crash = CrashHandler(
        settings.data_path / "crash-reports", ring, language=language, no_dialogs=no_dialogs
    )
    crash.install()
    translators = install_translators(app, language)
    app.setApplicationDisplayName(app_title())
    previous_sheet, previous_font = app.styleSheet(), app.font()
    font = QFont(previous_font)
    font.setFamilies([*UI_FONTS, *previous_font.families()])
    font.setPointSize(max(previous_font.pointSize(), 11))
    app.setFont(font)
    app.setStyleSheet(load_stylesheet())
    try:
        yield app
    finally:
        app.setStyleSheet(previous_sheet)
        app.setFont(previous_font)
        remove_translators(app, translators)
        crash.uninstall()
        qInstallMessageHandler(previous_handler)


def run_app(
    settings: Settings,
    ctx: services.ServiceContext,
    *,
    language: str | None = None,
    login_hint: str | None = None,
    no_dialogs: bool = False,
    log_ring: logs.RingBuffer | None = None,
    demo: bool = False,
) -> int:
    """Sign in, show the counter, run until it is closed; returns the exit code.

    ``language``: "zh_CN" (default, from the settings) or "en" (the source strings).
    ``login_hint``: a line on the sign-in screen, e.g. the demo PINs.
    ``demo``: the demo (``counter demo``) offers the member's-phone window in the menu.
    ``no_dialogs`` (or env ``COUNTER_NO_DIALOGS=1``): crashes are logged and saved, not shown.
    ``log_ring``: the buffer ``counter.logs.setup`` returned, for crash reports; without it
    the one already on the root logger is used, or logging is set up here.
    """
    language = language or settings.language or DEFAULT_LANGUAGE
    no_dialogs = no_dialogs_requested(no_dialogs)
    with desktop_session(
        settings, language=language, no_dialogs=no_dialogs, log_ring=log_ring
    ) as app:
        log.info(
            "starting Member Counter %s, store %s, language %s",
            __version__,
            ctx.store_code,
            language,
        )
        login = LoginDialog(ctx, language=language, hint=login_hint)
        if login.exec() != QDialog.DialogCode.Accepted or login.actor is None:
            log.info("sign-in cancelled; exiting")
            return 0
        runner = TaskRunner()
        window = MainWindow(
            ctx,
            settings,
            login.actor,
            runner,
            language=language,
            login_hint=login_hint,
            demo=demo,
        )
        window.state_path = window_state.state_path(settings.data_path)
        window_state.show(window, window.state_path)
        code = app.exec()
        window.sync.stop()  # done already if the window was closed; not if the app was quit
        runner.shutdown()
        window.deleteLater()
        log.info("Member Counter closed (exit code %s)", code)
        return int(code)
