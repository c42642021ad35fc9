"""Bring the cache file to the current schema at start-up, copying it first.

Checking the revision costs one tiny query; Alembic itself is imported only when a
migration is really due, which keeps cold start fast.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from counter import private
from counter.errors import StorageError

log = logging.getLogger(__name__)

# The newest revision in migrations/versions; a test keeps the two in step.
SCHEMA_HEAD = "0014_audit_trail"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# A migration of a million-member cache takes a while; a second process waits for it.
MIGRATE_WAIT_S = 900.0


@dataclass(frozen=True)
class MigrationResult:
    from_revision: str | None
    to_revision: str
    backup: Path | None


def current_revision(path: Path) -> str | None:
    if not path.exists():
        return None
    con = sqlite3.connect(path)
    try:
        row = con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        if row is None:
            return None
        version = con.execute("SELECT version_num FROM alembic_version").fetchone()
        return str(version[0]) if version else None
    finally:
        con.close()


def backup(path: Path, label: str) -> Path:
    """A consistent copy through SQLite's backup API (it includes what sits in the WAL)."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = private.create_private(path.with_name(f"{path.stem}.before-{label}.{stamp}.db"))
    src = sqlite3.connect(path)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def _has_tables(path: Path) -> bool:
    con = sqlite3.connect(path)
    try:
        (count,) = con.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()
        return int(count) > 0
    finally:
        con.close()


def upgrade(path: Path, target: str = "head") -> MigrationResult:
    """Migrate ``path`` to ``target``; an existing database is copied beside it first.

    Processes started at once on a fresh cache (the app, ``counter sync``) would each
    create the tables: one migrates under a file lock, the others then find it done.
    """
    before = current_revision(path)
    if target == "head" and before == SCHEMA_HEAD:
        return MigrationResult(before, SCHEMA_HEAD, None)
    from counter.sync.lock import SyncLock

    private.private_dir(path.parent)
    with SyncLock(path.with_name(path.name + ".migrate-lock")) as lock:
        if not lock.acquire(wait_s=MIGRATE_WAIT_S):
            raise StorageError(
                "另一个程序正在升级本地数据库，请稍后重试。",
                "Another program is upgrading the local database; try again in a moment.",
                detail=str(path),
            )
        return _upgrade(path, target)


def _upgrade(path: Path, target: str) -> MigrationResult:
    before = current_revision(path)
    if target == "head" and before == SCHEMA_HEAD:
        return MigrationResult(before, SCHEMA_HEAD, None)

    saved = None
    if path.exists() and _has_tables(path):
        saved = backup(path, f"migration-from-{before or 'none'}")
        log.info("database copied to %s before migrating from %s", saved, before)

    from alembic import command
    from alembic.config import Config

    from counter.store.db import open_engine

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = open_engine(path)
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, target)
    finally:
        engine.dispose()
    after = current_revision(path) or ""
    log.info("database migrated from %s to %s", before, after)
    return MigrationResult(before, after, saved)
