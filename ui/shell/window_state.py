"""The main window's size and place: maximized the first time, as the person left it after.

A counter PC runs this one app, so it opens filling the screen. ``showMaximized`` alone is
not enough: without a window manager (a kiosk X session, Xvfb) nobody maximizes the window
and it would open at its small size hint, cutting off the lookup field's prompt and the
status messages. So the window is first given the screen's available area, then maximized.
If the person resizes it, that is kept (``window.ini`` in the data directory, apart from
the settings) and used next time. The window also asks for the keyboard: without a window
manager nobody gives it, and until then no shortcut (F5, Ctrl+L …) would work.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLayout, QMainWindow

FILE_NAME = "window.ini"


def state_path(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


def _store(path: Path) -> QSettings:
    return QSettings(str(path), QSettings.Format.IniFormat)


def show(window: QMainWindow, path: Path) -> None:
    """Show ``window`` as it was left, or filling the screen the first time."""
    store = _store(path)
    geometry = store.value("main/geometry")
    maximized = str(store.value("main/maximized", "true")).lower() == "true"
    if isinstance(geometry, QByteArray) and window.restoreGeometry(geometry) and not maximized:
        window.showNormal()
    else:
        screen = window.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            window.setGeometry(screen.availableGeometry())
        window.showMaximized()
    keep_on_screen(window)
    handle = window.windowHandle()
    if handle is not None:  # moved to another screen: that screen's size is the limit
        handle.screenChanged.connect(lambda _screen: keep_on_screen(window))
    window.raise_()
    window.activateWindow()


def keep_on_screen(window: QMainWindow) -> None:
    """Never wider or taller than the screen's available area.

    Without a window manager nothing stops Qt from growing a top-level window to its
    layout's minimum size: one wide status bar (a service assistant's "待办 20" with the
    demo's labels) made it 1039 px at 1024×768, its right edge (the lookup's 中 button,
    the 同步 button) off the screen for every later operator. A squeezed label is
    better than a control out of reach.
    """
    screen = window.screen() or QGuiApplication.primaryScreen()
    layout = window.layout()
    if screen is None or layout is None:
        return
    # The layout no longer raises the window's minimum (which would also lift the maximum).
    layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
    room = screen.availableGeometry().size()
    window.setMinimumSize(window.minimumSize().boundedTo(room))
    window.setMaximumSize(room)


def save(window: QMainWindow, path: Path) -> None:
    """Remember size, place and whether it was maximized (at close)."""
    store = _store(path)
    store.setValue("main/geometry", window.saveGeometry())
    store.setValue("main/maximized", "true" if window.isMaximized() else "false")
    store.sync()
