"""Optional: scan a member card or code with the PC's camera, when it has one.

Needs two packages the counter does not install by default, so everything here is imported
lazily and the menu item exists only if both import and a camera is present:

    pip install PySide6-Addons zxing-cpp      (the ``camera`` extra)

``PySide6.QtMultimedia`` (in PySide6-Addons) runs the camera into a ``QVideoSink``; frames
become grey images that ``zxingcpp`` decodes in the task runner, a few times a second, never
on the UI thread. Decoded text goes to the same place as a keyboard-wedge scan.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent, QImage, QPixmap
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.shell.tasks import BaseRunner

log = logging.getLogger(__name__)

DECODE_EVERY_S = 0.2  # at most five decodes a second
REPEAT_AFTER_S = 3.0  # the same code held in front of the camera counts once per 3 s


def _modules() -> tuple[ModuleType, ModuleType] | None:
    """(QtMultimedia, zxingcpp), or None when either is not installed."""
    try:
        multimedia = importlib.import_module("PySide6.QtMultimedia")
        zxing = importlib.import_module("zxingcpp")
    except ImportError:
        return None
    return multimedia, zxing


def camera_available() -> bool:
    """True only if both packages import and the PC has at least one camera."""
    modules = _modules()
    if modules is None:
        return False
    try:
        return bool(modules[0].QMediaDevices.videoInputs())
    except Exception:  # a broken multimedia backend must not stop the counter
        log.exception("could not list the cameras")
        return False


def decode(pixels: bytes, width: int, height: int, stride: int) -> list[str]:
    """Barcode and QR texts in one grey frame; runs in the task runner."""
    from PIL import Image

    modules = _modules()
    if modules is None:
        return []
    image = Image.frombuffer("L", (width, height), pixels, "raw", "L", stride, 1)
    return [r.text for r in modules[1].read_barcodes(image) if r.text]


class CameraScanner(QWidget):
    """A small window with the camera's picture; ``decoded`` carries each new code read."""

    decoded = Signal(str)

    def __init__(
        self,
        runner: BaseRunner,
        on_code: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("cameraScanner")
        self.setWindowTitle(self.tr("Scan with the camera"))
        self.runner = runner
        self.decoded.connect(on_code)
        self.preview = QLabel(self.tr("Starting the camera…"))
        self.preview.setObjectName("cameraPreview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(480, 360)
        hint = QLabel(self.tr("Hold the card or the member's code in front of the camera."))
        hint.setObjectName("cameraHint")
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview, 1)
        layout.addWidget(hint)
        self._decoding = False
        self._last_decode = 0.0
        self._last_code = ("", 0.0)
        self._camera: Any = None
        self._session: Any = None
        self._sink: Any = None
        self._start()

    def _start(self) -> None:
        modules = _modules()
        if modules is None:
            self.preview.setText(self.tr("Camera support is not installed."))
            return
        multimedia = modules[0]
        device = multimedia.QMediaDevices.defaultVideoInput()
        self._camera = multimedia.QCamera(device, self)
        self._session = multimedia.QMediaCaptureSession(self)
        self._sink = multimedia.QVideoSink(self)
        self._session.setCamera(self._camera)
        self._session.setVideoSink(self._sink)
        self._sink.videoFrameChanged.connect(self._frame)
        self._camera.errorOccurred.connect(self._camera_error)
        self._camera.start()

    @Slot(object)
    def _frame(self, frame: Any) -> None:
        image: QImage = frame.toImage()
        if image.isNull():
            return
        self.preview.setPixmap(
            QPixmap.fromImage(image).scaled(
                self.preview.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.FastTransformation,
            )
        )
        now = time.monotonic()
        if self._decoding or now - self._last_decode < DECODE_EVERY_S:
            return
        self._decoding, self._last_decode = True, now
        grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
        width, height, stride = grey.width(), grey.height(), grey.bytesPerLine()
        pixels = bytes(grey.constBits())[: stride * height]
        self.runner.submit(
            lambda: decode(pixels, width, height, stride), self._decoded, self._decode_failed
        )

    def _decoded(self, texts: list[str]) -> None:
        self._decoding = False
        now = time.monotonic()
        for text in texts:
            last, when = self._last_code
            if text == last and now - when < REPEAT_AFTER_S:
                continue
            self._last_code = (text, now)
            self.decoded.emit(text)
            break

    def _decode_failed(self, exc: BaseException) -> None:
        self._decoding = False
        log.warning("could not decode a camera frame: %r", exc)

    @Slot(object, str)
    def _camera_error(self, _error: object, message: str) -> None:
        log.warning("camera error: %s", message)
        self.preview.setText(self.tr("The camera reported a problem: {0}").format(message))

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._camera is not None:
            self._camera.stop()
        super().closeEvent(event)
