"""The demo's member phone: a dynamic member QR from HQ, refreshed, and scanned at the counter.

The real flow: the reference HQ runs on 127.0.0.1 (seeded members, a signing key, this store's
token), the counter syncs from it (members and HQ's public QR keys), the window fetches codes
through the real task runner, and "send to counter" types the token through the scanner
filter; the counter verifies it offline and shows the member.
"""

import datetime as dt
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from counter import services
from counter.services.connection import TOKEN_KEY
from ui.member.member_phone import MemberPhone
from ui.shell.tasks import TaskRunner

# tests/ is on sys.path, where tests/hq would pass for the ``hq`` package (see tests/hq).
_REPO = str(Path(__file__).resolve().parents[2])
if sys.path[:1] != [_REPO]:
    sys.path.insert(0, _REPO)


def has_member_app_route() -> bool:
    try:
        from hq.api import router
    except ImportError:
        return False
    return any(getattr(r, "path", "") == "/v1/member-app/code" for r in router.routes)


needs_member_app = pytest.mark.skipif(
    not has_member_app_route(), reason="the reference HQ has no /v1/member-app/code yet"
)


@dataclass
class SyncedHQ:
    url: str
    member: dict[str, Any]  # one member's record as HQ keeps it
    stop: Any


@pytest.fixture
def synced_hq(ctx: services.ServiceContext, staff, tmp_path) -> Iterator[SyncedHQ]:
    """The reference HQ with 12 seeded members; the counter has synced them and the keys."""
    from sqlalchemy import text

    from counter.sync.engine import sync_once
    from hq.config import rotate_key
    from hq.db import init_db
    from hq.seed import seed_members
    from hq.server import start_in_thread
    from hq.stores import add_store

    engine = init_db(f"sqlite:///{tmp_path / 'hq.db'}")
    # HQ's first key signs from the instant it was made, but member codes are dated in whole
    # seconds: asked within that same second, HQ has no key yet (503). A key that has signed
    # since a minute ago, made the way `hq keys rotate` makes it, avoids the gap.
    with engine.begin() as conn:
        rotate_key(conn, now=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    seed_members(engine, 12)
    token = add_store(engine, ctx.store_code, "测试门店")
    with engine.connect() as conn:
        member = json.loads(conn.execute(text("SELECT record FROM members LIMIT 1")).scalar_one())
    server = start_in_thread(engine)
    ctx.hq_url = server.url
    ctx.secrets.set(TOKEN_KEY, token)
    sync_once(ctx)
    yield SyncedHQ(server.url, member, server.stop)
    server.stop()
    engine.dispose()


def open_phone(qtbot, window) -> MemberPhone:
    window.phoneAction.trigger()
    phone = window.findChild(MemberPhone, "memberPhone")
    assert phone is not None and phone.isVisible()
    qtbot.waitExposed(phone)
    return phone


def ask_for_code(qtbot, phone: MemberPhone, card_or_phone: str) -> None:
    phone.memberInput.lineEdit().setFocus()
    qtbot.keyClicks(phone.memberInput.lineEdit(), card_or_phone)
    qtbot.mouseClick(phone.findChild(QPushButton, "phoneShowButton"), Qt.MouseButton.LeftButton)


def text(widget, name: str) -> str:
    return widget.findChild(QLabel, name).text()


def test_phone_is_offered_only_in_the_demo(make_window, staff, zh):
    assert not make_window(staff.cashier).phoneAction.isVisible()
    demo = make_window(staff.cashier, demo=True)
    assert demo.phoneAction.isVisible()
    assert demo.phoneAction.text() == "会员手机（演示）(&P)…"


@needs_member_app
def test_phone_shows_the_code_and_the_counter_scans_it(qtbot, make_window, staff, synced_hq, zh):
    window = make_window(staff.cashier, demo=True, runner=TaskRunner())
    phone = open_phone(qtbot, window)
    assert not phone.sendButton.isEnabled()
    card = synced_hq.member["cards"][0]["card_no"]
    ask_for_code(qtbot, phone, card)
    qr = phone.findChild(QLabel, "phoneQr")
    qtbot.waitUntil(lambda: not qr.pixmap().isNull(), timeout=5000)
    assert qr.pixmap().width() == qr.pixmap().height() > 200
    assert text(phone, "phoneMemberNo") == f"会员号 {synced_hq.member['member_no']}"
    assert text(phone, "phoneCountdown").endswith("秒内有效，到期前自动刷新")
    assert not phone.findChild(QLabel, "phoneError").isVisible()
    assert phone.shown is not None and phone.shown.token.startswith("CM1:")

    qtbot.mouseClick(phone.sendButton, Qt.MouseButton.LeftButton)
    view = window.memberPanel.view
    assert view is not None
    assert view.member_no == synced_hq.member["member_no"]
    assert view.masked and window.findChild(QLabel, "memberName").text() == view.name
    assert phone.memberInput.currentText() == card  # no token typed in here


@needs_member_app
def test_phone_fetches_the_next_code_before_this_one_expires(
    qtbot, make_window, staff, synced_hq, ctx, zh
):
    window = make_window(staff.cashier, demo=True, runner=TaskRunner())
    phone = open_phone(qtbot, window)
    ask_for_code(qtbot, phone, synced_hq.member["phone"])
    qtbot.waitUntil(lambda: phone.shown is not None, timeout=5000)
    first = phone.shown
    real_clock = ctx.clock
    ctx.clock = lambda: real_clock() + dt.timedelta(seconds=52)  # 8 s left on this code
    qtbot.waitUntil(lambda: phone.shown is not first, timeout=5000)
    assert phone.sendButton.isEnabled()


@needs_member_app
def test_phone_counts_down_in_hqs_time_on_a_pc_clock_7_minutes_fast(
    qtbot, make_window, staff, synced_hq, ctx, zh
):
    ctx.clock = lambda: dt.datetime.now(dt.UTC) + dt.timedelta(minutes=7)
    assert services.probe_hq(ctx).clock_off  # measures the skew; the counter keeps it
    window = make_window(staff.cashier, demo=True, runner=TaskRunner())
    phone = open_phone(qtbot, window)
    ask_for_code(qtbot, phone, synced_hq.member["phone"])
    qtbot.waitUntil(lambda: phone.shown is not None, timeout=5000)
    assert 45 <= phone.seconds_left() <= 60
    assert text(phone, "phoneCountdown").endswith("秒内有效，到期前自动刷新")
    qtbot.mouseClick(phone.sendButton, Qt.MouseButton.LeftButton)
    view = window.memberPanel.view
    assert view is not None and view.member_no == synced_hq.member["member_no"]


@needs_member_app
def test_phone_shows_hq_refusing_an_unknown_member(qtbot, make_window, staff, synced_hq, zh):
    window = make_window(staff.cashier, demo=True, runner=TaskRunner())
    phone = open_phone(qtbot, window)
    ask_for_code(qtbot, phone, "13800000000")  # nobody HQ knows
    error = phone.findChild(QLabel, "phoneError")
    qtbot.waitUntil(error.isVisible, timeout=5000)
    assert error.text().startswith("总部拒绝了请求")
    assert text(phone, "phoneQr") == "无会员码"
    assert not phone.sendButton.isEnabled()


def test_phone_says_plainly_when_hq_is_unreachable(qtbot, make_window, staff, ctx, zh):
    window = make_window(staff.cashier, demo=True, runner=TaskRunner())
    ctx.hq_url = "http://127.0.0.1:9"  # nothing listens on the discard port
    phone = open_phone(qtbot, window)
    ask_for_code(qtbot, phone, "13812345678")
    error = phone.findChild(QLabel, "phoneError")
    assert text(phone, "phoneQr") == "正在向总部获取会员码…"
    # the HQ client retries with backoff (at most about 7.5 s) before it gives up
    qtbot.waitUntil(error.isVisible, timeout=15_000)
    assert error.text() == "无法连接总部。"
    assert phone.findChild(QLabel, "phoneQr").pixmap().isNull()
    assert not phone.sendButton.isEnabled()


def test_phone_without_hq_configured(qtbot, make_window, staff, zh):
    window = make_window(staff.cashier, demo=True)
    phone = open_phone(qtbot, window)
    ask_for_code(qtbot, phone, "13812345678")
    assert phone.findChild(QLabel, "phoneError").text() == "未配置总部地址。"


def _activate(qtbot, phone: MemberPhone) -> None:
    phone.windowHandle().requestActivate()
    qtbot.waitUntil(phone.isActiveWindow, timeout=2000)


def test_esc_closes_the_phone_window(qtbot, make_window, staff, zh):
    """Issue 13: Esc closes it, wherever the focus is in it."""
    window = make_window(staff.cashier, demo=True)
    phone = open_phone(qtbot, window)
    _activate(qtbot, phone)
    phone.memberInput.lineEdit().setFocus()
    qtbot.keyClick(phone.memberInput.lineEdit(), Qt.Key.Key_Escape)
    assert not phone.isVisible()
    window.phoneAction.trigger()  # opens again
    assert phone.isVisible()
    _activate(qtbot, phone)
    qtbot.keyClick(phone.showButton, Qt.Key.Key_Escape)
    assert not phone.isVisible()
