"""GUI test fixtures: a real temporary cache, real operators and a member, Qt offscreen."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from uidata import (
    CARD_NO,
    MEMBER_NAME,
    MEMBER_PHONE,
    PINS,
    ScanClock,
    load_counter_members,
    make_settings,
)

from counter import services
from counter.settings import Settings
from ui.shell.i18n import install_translators, remove_translators
from ui.shell.main_window import MainWindow
from ui.shell.scanner import ScannerConfig, ScannerFilter
from ui.shell.tasks import BaseRunner, ImmediateRunner


@dataclass(frozen=True)
class Staff:
    cashier: services.Actor
    service: services.Actor
    manager: services.Actor


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def ctx(settings: Settings) -> Iterator[services.ServiceContext]:
    context = services.open_context(settings)
    yield context
    context.close()


@pytest.fixture
def staff(ctx: services.ServiceContext) -> Staff:
    return Staff(
        cashier=services.create_operator(ctx, "王收银", "cashier", PINS["cashier"]),
        service=services.create_operator(ctx, "李客服", "service", PINS["service"]),
        manager=services.create_operator(ctx, "赵店长", "manager", PINS["manager"]),
    )


@pytest.fixture
def member(ctx: services.ServiceContext, staff: Staff) -> services.MemberView:
    form = services.MemberForm(name=MEMBER_NAME, phone=MEMBER_PHONE, card_no=CARD_NO)
    return services.register_member(ctx, staff.service, form)


@pytest.fixture
def members(ctx: services.ServiceContext, staff: Staff) -> services.ServiceContext:
    """Four members synced from HQ (uidata.COUNTER_MEMBERS); the service clock at NOW."""
    load_counter_members(ctx)
    return ctx


@pytest.fixture
def zh(qapp: QApplication) -> Iterator[None]:
    """Chinese, the counter's default language, for the length of one test."""
    translators = install_translators(qapp, "zh_CN")
    yield
    remove_translators(qapp, translators)


@pytest.fixture
def scan_clock() -> ScanClock:
    """The scanner filter's clock: key-to-key gaps are what the test says, not wall time."""
    return ScanClock()


@pytest.fixture
def make_window(qtbot, ctx, settings, scan_clock):  # type: ignore[no-untyped-def]
    """Build the main window for an operator; the HQ probe runs inline (no HQ configured).

    The scanner filter reads ``scan_clock``: keys a test sends without advancing it arrive
    all at once, as from a scanner.
    """

    def build(
        actor: services.Actor,
        *,
        language: str = "zh_CN",
        runner: BaseRunner | None = None,
        window_settings: Settings | None = None,
        **kwargs: object,
    ) -> MainWindow:
        runner = runner or ImmediateRunner()
        used = window_settings or settings
        scanner = ScannerFilter(ScannerConfig.from_settings(used), clock=scan_clock)
        window = MainWindow(ctx, used, actor, runner, language=language, scanner=scanner, **kwargs)
        # The runner goes with the window: results still queued for it are dropped with it.
        runner.setParent(window)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()  # shortcuts and focus need the active window, as on a real PC
        qtbot.waitUntil(window.isActiveWindow)
        return window

    return build
