"""Translations and bundled resources, found the same way from a checkout and a frozen build."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "zh_CN"


def resources_dir() -> Path:
    """``resources/``: next to the ``ui`` package in a checkout, under ``_MEIPASS`` when frozen.

    The PyInstaller spec must add the folder as ``("resources", "resources")``.
    """
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent.parent / "resources"


def translations_dir() -> Path:
    return resources_dir() / "translations"


def is_english(language: str) -> bool:
    return language.lower().startswith("en")


def install_translators(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Install ours and Qt's own catalogue (standard buttons) for ``language``.

    English is the source language, so it needs none. The caller keeps the returned
    translators alive (Qt does not own them) and passes them to ``remove_translators``.
    """
    if is_english(language):
        QLocale.setDefault(QLocale("en_US"))
        return []
    QLocale.setDefault(QLocale(language))
    installed: list[QTranslator] = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name, directory in (
        (f"qtbase_{language}", qt_dir),
        (f"counter_{language}", str(translations_dir())),
    ):
        translator = QTranslator(app)
        if translator.load(name, directory):
            app.installTranslator(translator)
            installed.append(translator)
        else:
            log.warning("translation %s not found in %s", name, directory)
    return installed


def remove_translators(app: QCoreApplication, translators: list[QTranslator]) -> None:
    for translator in translators:
        app.removeTranslator(translator)
    QLocale.setDefault(QLocale.system())


def load_stylesheet() -> str:
    """The application stylesheet, or none if the file is missing (the app still works)."""
    path = resources_dir() / "style.qss"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        log.warning("stylesheet %s not found; using Qt's default look", path)
        return ""
