"""Notice when nobody has touched the counter for a while, so it can lock itself (PIPL)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class IdleWatcher(QObject):
    """Emits ``idle`` after ``timeout_ms`` without keyboard, mouse or touch input anywhere.

    It filters the application's events, so input to any window (dialogs too) counts.
    A timeout of 0 turns it off.
    """

    idle = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(max(timeout_ms, 1))
        self.timer.timeout.connect(self.idle)
        self.enabled = timeout_ms > 0
        self._filtering = False

    def start(self) -> None:
        if not self.enabled:
            return
        app = QCoreApplication.instance()
        if app is not None and not self._filtering:
            app.installEventFilter(self)
            self._filtering = True
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        app = QCoreApplication.instance()
        if app is not None and self._filtering:
            app.removeEventFilter(self)
            self._filtering = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT_EVENTS and self.timer.isActive():
            self.timer.start()
        return False
