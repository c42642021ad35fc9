"""Logging: a rotating file in the data directory plus a ring buffer for crash reports."""

from __future__ import annotations

import collections
import logging
import logging.handlers
from io import TextIOWrapper
from pathlib import Path

from counter import private

LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class _PrivateFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose every file (the first, and each one a rotation starts) is 0600."""

    def _open(self) -> TextIOWrapper:
        private.create_private(Path(self.baseFilename))
        return super()._open()


class RingBuffer(logging.Handler):
    """Keeps the last lines in memory so a crash report can include them."""

    def __init__(self, capacity: int = 300) -> None:
        super().__init__()
        self.lines: collections.deque[str] = collections.deque(maxlen=capacity)
        self.setFormatter(logging.Formatter(LOG_FORMAT))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # a log line must never take the app down
            self.handleError(record)

    def text(self) -> str:
        return "\n".join(self.lines)


def setup(log_dir: Path, level: int = logging.INFO) -> RingBuffer:
    """Route the root logger to ``log_dir/counter.log`` (5 × 2 MB) and a ring buffer."""
    private.private_dir(log_dir)
    root = logging.getLogger()
    root.setLevel(level)
    for handler in list(root.handlers):
        if getattr(handler, "counter_owned", False):
            root.removeHandler(handler)
            handler.close()
    file_handler = _PrivateFileHandler(
        log_dir / "counter.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    file_handler.setFormatter(logging.Formatter(LOG_FORMAT))
    ring = RingBuffer()
    handlers: list[logging.Handler] = [file_handler, ring]
    for handler in handlers:
        setattr(handler, "counter_owned", True)  # noqa: B010 - marks handlers we may replace
        root.addHandler(handler)
    return ring
