"""Run blocking work off the UI thread and hand the outcome back on it.

One small runner for the whole shell, in the spirit of Anki's ``CollectionOp``: the caller
says what to run and what to do with the result; errors are handled the same way
everywhere. A ``KnownError`` (the world went wrong) is announced through ``knownError``
for a plain message; anything else is a bug and goes to ``sys.excepthook``, which the crash
handler owns. ``ImmediateRunner`` has the same interface and runs inline, for tests.
"""

from __future__ import annotations

import logging
import sys
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QObject,
    QRunnable,
    Qt,
    QThreadPool,
    Signal,
    Slot,
)

from counter.errors import KnownError

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class _Relay(QObject):
    """Lives on the UI thread; the worker emits on it, so the slots run on the UI thread."""

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, runner: BaseRunner, on_done: Done, on_error: Failed | None) -> None:
        super().__init__(runner)
        self._runner = runner
        self._on_done = on_done
        self._on_error = on_error
        self.succeeded.connect(self._deliver_result)
        self.failed.connect(self._deliver_error)

    @Slot(object)
    def _deliver_result(self, result: object) -> None:
        try:
            self._on_done(result)
        finally:
            self._runner._finished(self)

    @Slot(object)
    def _deliver_error(self, exc: BaseException) -> None:
        try:
            self._runner.handle_error(exc, self._on_error)
        finally:
            self._runner._finished(self)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:
            self._emit(self._relay.failed, exc)
        else:
            self._emit(self._relay.succeeded, result)

    @staticmethod
    def _emit(signal: Any, value: object) -> None:
        try:
            signal.emit(value)
        except RuntimeError:  # the window closed and took the relay with it
            log.debug("task finished after its receiver was gone")


class BaseRunner(QObject):
    """What both runners share: error routing and the ``busy`` count."""

    knownError = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._relays: set[_Relay] = set()

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Done,
        on_error: Failed | None = None,
    ) -> None:
        raise NotImplementedError

    @property
    def busy(self) -> int:
        return len(self._relays)

    def handle_error(self, exc: BaseException, on_error: Failed | None) -> None:
        """``on_error`` if given, else a plain message for known errors, else the crash path."""
        if on_error is not None:
            on_error(exc)
        elif isinstance(exc, KnownError):
            log.warning("%s: %s (%s)", type(exc).__name__, exc.en, exc.detail)
            self.knownError.emit(exc)
        else:
            sys.excepthook(type(exc), exc, exc.__traceback__)

    def _finished(self, relay: _Relay) -> None:
        self._relays.discard(relay)
        relay.deleteLater()

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        return True


class TaskRunner(BaseRunner):
    """Runs callables on its own ``QThreadPool`` (so ``shutdown`` waits only for ours)."""

    def __init__(self, parent: QObject | None = None, *, max_threads: int = 2) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Done,
        on_error: Failed | None = None,
    ) -> None:
        relay = _Relay(self, on_done, on_error)
        self._relays.add(relay)
        self.pool.start(_Job(fn, relay))

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Wait for running jobs before the receivers go away; True if all finished."""
        return bool(self.pool.waitForDone(timeout_ms))


class ImmediateRunner(BaseRunner):
    """Same interface, runs on the calling thread: deterministic tests, no waiting."""

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Done,
        on_error: Failed | None = None,
    ) -> None:
        try:
            result = fn()
        except Exception as exc:
            self.handle_error(exc, on_error)
        else:
            on_done(result)


class AfterPaint(QObject):
    """Calls functions after the paints already requested (a low-priority posted event).

    For work that must happen soon but not before the screen shows what was just set, such
    as submitting the audit record of a member just painted: a worker started at once would
    compete with the paint for the interpreter. ``flush`` runs what is still pending (on
    close, so nothing promised is dropped).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: deque[Callable[[], None]] = deque()

    def call(self, fn: Callable[[], None]) -> None:
        self._pending.append(fn)
        QCoreApplication.postEvent(
            self, QEvent(QEvent.Type.User), Qt.EventPriority.LowEventPriority.value
        )

    def customEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.User and self._pending:
            self._pending.popleft()()

    def flush(self) -> None:
        while self._pending:
            self._pending.popleft()()
