"""Fixtures for the reference HQ: real SQLite files, a real server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# pytest puts tests/ on sys.path (its conftest has no package), where this folder, tests/hq,
# would pass for the ``hq`` package as an empty namespace package, ahead of the editable
# install. The repository root first makes ``import hq`` find the real one.
_REPO = str(Path(__file__).resolve().parents[2])
if sys.path[:1] != [_REPO]:
    sys.path.insert(0, _REPO)

from hqkit import Databases, HQEnv, start_env, stop_env  # noqa: E402

from hq.seed import seed_members  # noqa: E402
from hq.server import RunningHQ, start_in_thread  # noqa: E402

POSTGRES_ENV = "HQ_TEST_POSTGRES_URL"
BACKENDS = ("sqlite", "postgresql")

SEEDED_MEMBERS = 2000
SEEDED_ENV_MEMBERS = 50


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def content_digest(path: Path) -> str:
    """SHA-256 over every member and card row as stored (raw sqlite3, no ORM), the sealed
    health opened first: each database has its own health key and every seal its own nonce."""
    from hq.health_seal import cipher, is_sealed, open_sealed, open_text

    aes = cipher(f"sqlite:///{path}")
    digest = hashlib.sha256()
    with sqlite3.connect(path) as conn:
        for table, key in (("members", "id"), ("cards", "card_no")):
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY {key}"):
                opened = tuple(
                    (open_sealed(aes, row[0], v) if is_sealed(v) else open_text(aes, v))
                    if isinstance(v, str)
                    else v
                    for v in row
                )
                digest.update(repr(opened).encode("utf-8"))
    conn.close()
    return digest.hexdigest()


@pytest.fixture(scope="session")
def digest() -> Callable[[Path], str]:
    return content_digest


@pytest.fixture(scope="session")
def url_of() -> Callable[[Path], str]:
    return sqlite_url


@pytest.fixture(scope="session")
def seeded_count() -> int:
    return SEEDED_MEMBERS


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "hq.db"


@pytest.fixture
def db_url(db_path: Path) -> str:
    return sqlite_url(db_path)


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database seeded with the default seed, shared (read-only) by a module's tests."""
    path = tmp_path_factory.mktemp("seeded") / "hq.db"
    seed_members(sqlite_url(path), SEEDED_MEMBERS)
    return path


@pytest.fixture(scope="module")
def server_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("server") / "hq.db"


@pytest.fixture(scope="module")
def hq_server(server_db: Path) -> Iterator[RunningHQ]:
    running = start_in_thread(sqlite_url(server_db))
    try:
        yield running
    finally:
        running.stop()


# ------------------------------------------------------------------ SQLite and PostgreSQL


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    name = str(request.param)
    if name == "postgresql" and not os.environ.get(POSTGRES_ENV):
        pytest.skip(f"PostgreSQL variant: set {POSTGRES_ENV} (eval $(bash scripts/ci-postgres.sh))")
    return name


@pytest.fixture(scope="module")
def databases(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    dbs = Databases(backend, tmp_path_factory.mktemp(f"db-{backend}"), os.environ.get(POSTGRES_ENV))
    try:
        yield dbs
    finally:
        dbs.drop_all()


@pytest.fixture(scope="module")
def hq_env(databases: Databases) -> Iterator[HQEnv]:
    """One HQ per module and backend, seeded with a few members; tests keep to their own."""
    env = start_env(databases.new_url(), members=SEEDED_ENV_MEMBERS)
    try:
        yield env
    finally:
        stop_env(env)


@pytest.fixture
def fresh_env(databases: Databases) -> Iterator[HQEnv]:
    """An HQ of its own over an empty database, for tests that count everything."""
    env = start_env(databases.new_url())
    try:
        yield env
    finally:
        stop_env(env)
