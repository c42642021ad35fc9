"""Keyboard-wedge scanners, told apart from a person typing, anywhere in the application.

A USB or Bluetooth barcode scanner "types" what it read, a key every few milliseconds,
usually followed by Enter. ``ScannerFilter`` watches every key the application receives and
decides, key by key, whether it belongs to such a burst:

* With a configured **prefix** (``scanner_prefix``, e.g. a control character the scanner is
  set up to send first), keys after the prefix are a scan until the suffix.
* Otherwise, and as a fallback, by **timing**: at least ``scanner_min_length`` printable keys,
  each at most ``scanner_max_key_interval_ms`` after the one before, ended by the **suffix**
  (``scanner_suffix``, Enter by default; with no suffix, by silence).

The first keys of a burst arrive before anyone can know it is one. So every printable key is
*held* (kept from its widget) while it could still start or continue a burst: at most one
key interval (30 ms by default) for a person typing, after which the held keys are *replayed*
to the widget they were meant for, in order, and the person sees their text as usual. A
non-printable key (Backspace, arrows, Tab, a shortcut), a mouse press or a gap in the burst
replays what is held first, so nothing is ever reordered. A burst that turns out to be a scan
is swallowed whole, Enter included, and ``scanned`` is emitted: the code never lands as text
in whatever field had the focus.

Times come from the key events themselves when the platform stamps them (true key-to-key
gaps, even if the UI thread was busy), else from the moment each key is seen. Tests inject
``clock`` to make the decision deterministic.

What it cannot do: a field with an active input method (a Chinese IME composing) receives the
keys inside the IME before Qt sees them; that is why the lookup field keeps its IME off.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from shiboken6 import isValid

from counter.settings import Settings

log = logging.getLogger(__name__)

# Keys that change no text: they neither join nor break a burst (a scanner presses Shift for
# capitals).
_MODIFIER_KEYS = frozenset(
    {
        Qt.Key.Key_Shift,
        Qt.Key.Key_Control,
        Qt.Key.Key_Alt,
        Qt.Key.Key_AltGr,
        Qt.Key.Key_Meta,
        Qt.Key.Key_CapsLock,
        Qt.Key.Key_NumLock,
    }
)
_COMMAND_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)
# With a prefix, the scanner has announced itself: allow it slower keys than a bare burst.
PREFIXED_MIN_GAP_MS = 200
# No scanner sends more (the lookup refuses longer text anyway): beyond it, it's not a scan.
MAX_HELD_CHARS = 1024


@dataclass(frozen=True)
class ScannerConfig:
    prefix: str = ""
    suffix: str = "\r"
    max_interval_ms: int = 30
    min_length: int = 8

    @classmethod
    def from_settings(cls, settings: Settings) -> ScannerConfig:
        return cls(
            prefix=settings.scanner_prefix,
            suffix=settings.scanner_suffix,
            max_interval_ms=max(settings.scanner_max_key_interval_ms, 1),
            min_length=max(settings.scanner_min_length, 1),
        )

    @property
    def prefixed_gap_ms(self) -> int:
        return max(5 * self.max_interval_ms, PREFIXED_MIN_GAP_MS)


@dataclass(frozen=True)
class _Held:
    """A key event kept from its widget, enough to send an identical one later."""

    receiver: QObject
    type: QEvent.Type
    key: int
    modifiers: Qt.KeyboardModifier
    scan_code: int
    virtual_key: int
    native_modifiers: int
    text: str
    auto_repeat: bool
    count: int

    @classmethod
    def of(cls, receiver: QObject, event: QKeyEvent) -> _Held:
        return cls(
            receiver,
            event.type(),
            event.key(),
            event.modifiers(),
            event.nativeScanCode(),
            event.nativeVirtualKey(),
            event.nativeModifiers(),
            event.text(),
            event.isAutoRepeat(),
            event.count(),
        )

    def event(self) -> QKeyEvent:
        return QKeyEvent(
            self.type,
            self.key,
            self.modifiers,
            self.scan_code,
            self.virtual_key,
            self.native_modifiers,
            self.text,
            self.auto_repeat,
            self.count,
        )


def key_text(event: QKeyEvent) -> str:
    """The characters a key stands for; Enter is "\\r" and Tab "\\t" whatever the platform says."""
    key = event.key()
    if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        return "\r"
    if key == Qt.Key.Key_Tab:
        return "\t"
    return event.text()


def _printable(text: str, modifiers: Qt.KeyboardModifier) -> bool:
    return bool(text) and text.isprintable() and not (modifiers & _COMMAND_MODIFIERS)


def _key_for(char: str) -> Qt.Key:
    if char == "\r":
        return Qt.Key.Key_Return
    if char == "\t":
        return Qt.Key.Key_Tab
    code = ord(char.upper())
    if 0x20 <= code <= 0x7E:
        return Qt.Key(code)
    return Qt.Key.Key_unknown


class ScannerFilter(QObject):
    """An application-wide event filter; ``scanned`` carries the code without prefix/suffix."""

    scanned = Signal(str)

    def __init__(
        self,
        config: ScannerConfig,
        parent: QObject | None = None,
        *,
        clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(parent)
        self.config = config
        self._clock = clock
        self._held: list[_Held] = []
        self._raw = ""  # text of the held key presses
        self._last_stamp = 0  # event timestamp of the last held press (0: none)
        self._last_seen = 0.0  # when it was seen, ms
        self._seq = 0
        self._replaying = False
        self._eat_releases: Counter[int] = Counter()  # releases still to come of swallowed keys
        self._installed = False
        self._silence = QTimer(self)
        self._silence.setSingleShot(True)
        self._silence.setTimerType(Qt.TimerType.PreciseTimer)
        self._silence.timeout.connect(self._silence_elapsed)

    # -- installing -----------------------------------------------------------------------

    def install(self) -> None:
        app = QCoreApplication.instance()
        if app is not None and not self._installed:
            app.installEventFilter(self)
            self._installed = True

    def remove(self) -> None:
        self.flush()
        app = QCoreApplication.instance()
        if app is not None and self._installed:
            app.removeEventFilter(self)
            self._installed = False

    @property
    def holding(self) -> bool:
        """Keys are being kept back while it is not yet clear whether they are a scan."""
        return bool(self._held)

    # -- other sources of scans -------------------------------------------------------------

    def feed(self, code: str) -> None:
        """Type ``code`` into the focused widget as a keyboard-wedge scanner would.

        The keys go through this filter like a real scanner's, so the whole path is the real
        one. With no focused widget at all, the code is delivered directly.
        """
        target = QApplication.focusWidget() or QApplication.activeWindow()
        if target is None or not self._installed:
            self.deliver(code)
            return
        for char in self.config.prefix + code + self.config.suffix:
            key = _key_for(char)
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QCoreApplication.sendEvent(
                    target, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, char)
                )
        if not self.config.suffix:
            self._decide_on_silence(self._seq)

    def deliver(self, code: str) -> None:
        """A code read some other way (the camera): same destination as a scan."""
        self.flush()
        self.scanned.emit(code)

    # -- the filter ---------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._replaying:
            return False
        kind = event.type()
        if kind == QEvent.Type.KeyPress:
            if isinstance(event, QKeyEvent) and self._first_receiver(watched, event):
                return self._press(watched, event)
        elif kind == QEvent.Type.KeyRelease:
            if isinstance(event, QKeyEvent) and self._first_receiver(watched, event):
                return self._release(watched, event)
        elif kind == QEvent.Type.MouseButtonPress and self._held:
            self.flush()  # the typed text lands before the click moves the cursor
        return False

    @staticmethod
    def _first_receiver(watched: QObject, event: QKeyEvent) -> bool:
        """The widget a key is for, not a parent it propagates to or the window it came via."""
        if not isinstance(watched, QWidget):
            return False
        if event.spontaneous():
            return True
        focus = QApplication.focusWidget()
        return watched is focus if focus is not None else watched.isWindow()

    def _now(self, event: QKeyEvent) -> tuple[int, float]:
        if self._clock is not None:
            return 0, self._clock()
        return int(event.timestamp()), time.perf_counter() * 1000.0

    def _gap(self, stamp: int, seen: float) -> float:
        if stamp and self._last_stamp:
            return float(stamp - self._last_stamp)
        return seen - self._last_seen

    def _gap_limit(self) -> int:
        if self.config.prefix and self._raw.startswith(self.config.prefix):
            return self.config.prefixed_gap_ms
        return self.config.max_interval_ms

    def _press(self, watched: QObject, event: QKeyEvent) -> bool:
        if event.key() in _MODIFIER_KEYS:
            return False
        # A key pressed again was released in between: nothing of it is left to swallow.
        self._eat_releases.pop(event.key(), None)
        stamp, seen = self._now(event)
        if self._held and self._gap(stamp, seen) > self._gap_limit():
            self.flush()  # too slow for a scanner: a person typed what is held
        char = key_text(event)
        modifiers = event.modifiers()
        prefix, suffix = self.config.prefix, self.config.suffix
        if self._held:
            joins = _printable(char, modifiers) or (bool(char) and char in prefix + suffix)
        else:
            joins = _printable(char, modifiers) or (bool(prefix) and prefix.startswith(char))
        if event.isAutoRepeat() or not char or not joins or len(self._raw) >= MAX_HELD_CHARS:
            self.flush()
            return False
        raw = self._raw + char
        if self._held and suffix and raw.endswith(suffix):
            code = self._code(raw[: -len(suffix)])
            if code is None:
                self.flush()  # Enter after a few quick keys: a person, let it through
                return False
            self._eat_releases[event.key()] += 1
            self._finish(code)
            return True
        self._hold(watched, event, raw, stamp, seen)
        return True

    def _release(self, watched: QObject, event: QKeyEvent) -> bool:
        key = event.key()
        if self._eat_releases[key] > 0 and not event.isAutoRepeat():
            self._eat_releases[key] -= 1
            return True
        if self._held and any(h.key == key and h.receiver is watched for h in self._held):
            self._held.append(_Held.of(watched, event))  # replayed after its press
            return True
        return False

    def _hold(self, watched: QObject, event: QKeyEvent, raw: str, stamp: int, seen: float) -> None:
        self._held.append(_Held.of(watched, event))
        self._raw = raw
        self._last_stamp, self._last_seen = stamp, seen
        self._seq += 1
        self._silence.start(self._gap_limit())

    def _code(self, body: str) -> str | None:
        """The scanned code, or None if ``body`` is not a scan (too short without a prefix)."""
        prefix = self.config.prefix
        if prefix and body.startswith(prefix):
            return body[len(prefix) :] or None
        return body if len(body) >= self.config.min_length else None

    def _finish(self, code: str) -> None:
        for item in self._held:  # their releases are swallowed too
            pressed = item.type == QEvent.Type.KeyPress
            self._eat_releases[item.key] += 1 if pressed else -1
        self._eat_releases = +self._eat_releases  # drop counts at or below zero
        self._reset()
        log.debug("scan of %d characters", len(code))
        self.scanned.emit(code)

    def _reset(self) -> None:
        self._held.clear()
        self._raw = ""
        self._last_stamp, self._last_seen = 0, 0.0
        self._silence.stop()

    def flush(self) -> None:
        """Give the held keys to the widgets they were meant for, in the order they came."""
        if not self._held:
            return
        held = list(self._held)
        self._reset()
        self._replaying = True
        try:
            for item in held:
                if isValid(item.receiver):
                    QCoreApplication.sendEvent(item.receiver, item.event())
        finally:
            self._replaying = False

    # -- silence ------------------------------------------------------------------------------

    def _silence_elapsed(self) -> None:
        # Keys that queued up while the UI thread was busy are delivered after timers in the
        # same round of the event loop: decide only once they have had their turn.
        QTimer.singleShot(0, partial(self._decide_on_silence, self._seq))

    def _decide_on_silence(self, seq: int) -> None:
        if seq != self._seq or not self._held:
            return  # another key came since
        if not self.config.suffix:
            code = self._code(self._raw)
            if code is not None:
                self._finish(code)
                return
        self.flush()
