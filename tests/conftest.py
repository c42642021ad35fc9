"""Shared fixtures: a real cache file per test, built through the services."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# No test may touch the real user's settings or data.
os.environ.setdefault("COUNTER_CONFIG_DIR", "/nonexistent-counter-config")

from counter import services
from counter.settings import Settings


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/gui/" in item.nodeid.replace(os.sep, "/"):
            item.add_marker(pytest.mark.gui)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(store_code="S001", data_dir=str(tmp_path / "data"), secret_store="file")


@pytest.fixture
def ctx(settings: Settings) -> Iterator[services.ServiceContext]:
    context = services.open_context(settings)
    yield context
    context.close()


@pytest.fixture
def service_actor(ctx: services.ServiceContext) -> services.Actor:
    return services.create_operator(ctx, "王芳", "service", "2222")


@pytest.fixture
def cashier(ctx: services.ServiceContext) -> services.Actor:
    return services.create_operator(ctx, "李娜", "cashier", "1111")


# ---------------------------------------------------------------- the reference HQ, for real


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[Any]:
    from sync_helpers import HQ

    server = HQ(tmp_path / "hq")
    server.start()
    yield server
    for c in server.counters:
        c.close()
    server.stop()
