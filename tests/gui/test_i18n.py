"""Chinese by default, English on request, and no string left untranslated."""

import xml.etree.ElementTree as ET

from PySide6.QtWidgets import QDialogButtonBox, QMenu, QPushButton

from ui.shell import i18n


def menu_titles(window) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.title() for m in window.menuBar().findChildren(QMenu)]


def test_chinese_is_the_default(make_window, staff, settings, zh):
    assert settings.language == "zh_CN"
    window = make_window(staff.manager)
    assert window.windowTitle() == "门店会员柜台"
    assert "文件(&F)" in menu_titles(window)
    assert window.lockAction.text() == "锁定(&L)"
    assert window.lockAction.shortcut().toString() == "Ctrl+L"
    assert window.syncAction.text() == "立即同步(&S)"
    assert window.syncAction.shortcut().toString() == "F5"


def test_english_gives_the_source_strings(make_window, staff, qapp):
    translators = i18n.install_translators(qapp, "en")
    assert translators == []
    try:
        window = make_window(staff.manager, language="en")
    finally:
        i18n.remove_translators(qapp, translators)
    assert window.windowTitle() == "Member Counter"
    assert "&File" in menu_titles(window)
    assert window.statusBarWidget.storeLabel.text() == "Store S001"
    assert window.statusBarWidget.lastSyncLabel.text() == "Never synced"


def test_qt_standard_buttons_are_chinese(qtbot, zh):
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    qtbot.addWidget(box)
    button = box.findChild(QPushButton)
    assert button.text().replace("&", "").startswith("关闭")


def test_catalogue_is_complete_and_compiled():
    directory = i18n.translations_dir()
    ts = ET.parse(directory / "counter_zh_CN.ts")
    messages = list(ts.getroot().iter("message"))
    assert len(messages) > 50
    for message in messages:
        translation = message.find("translation")
        assert translation is not None
        assert translation.get("type") is None, message.findtext("source")
        assert translation.text, message.findtext("source")
    qm = directory / "counter_zh_CN.qm"
    assert qm.stat().st_mtime >= (directory / "counter_zh_CN.ts").stat().st_mtime - 1


def test_resources_are_found_in_a_frozen_bundle(monkeypatch, tmp_path):
    assert (i18n.resources_dir() / "style.qss").is_file()
    monkeypatch.setattr("sys._MEIPASS", str(tmp_path), raising=False)
    assert i18n.resources_dir() == tmp_path / "resources"
