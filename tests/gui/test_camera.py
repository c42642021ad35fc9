"""Camera scanning is optional: the menu item exists only with QtMultimedia, zxing-cpp and a
camera. QtMultimedia comes with the counter's install now (PySide6-Addons, for Qt Charts),
but a PC without a camera (a test machine) must not show the item."""

import pytest
from PySide6.QtWidgets import QMenu
from uidata import hq_card

from ui.member import camera


@pytest.mark.skipif(camera.camera_available(), reason="this machine has a camera")
def test_no_camera_item_without_a_camera(make_window, staff, zh):
    assert not camera.camera_available()
    window = make_window(staff.cashier)
    assert not window.cameraAction.isVisible()
    member_menu = window.menuBar().findChild(QMenu, "memberMenu")
    visible = [a.text() for a in member_menu.actions() if a.isVisible() and not a.isSeparator()]
    assert "摄像头扫码" not in visible


def test_camera_item_when_a_camera_is_there(make_window, staff, zh, monkeypatch):
    monkeypatch.setattr(camera, "camera_available", lambda: True)
    window = make_window(staff.cashier)
    assert window.cameraAction.isVisible()
    assert window.cameraAction.text() == "摄像头扫码"


def test_decoded_text_takes_the_scan_path(make_window, staff, members, zh):
    """What the camera decodes goes where a scanner's burst goes (``ScannerFilter.deliver``)."""
    window = make_window(staff.cashier)
    window.scanner.deliver(hq_card(2))
    assert window.memberPanel.view is not None
    assert window.memberPanel.view.member_no == "1000000002"
