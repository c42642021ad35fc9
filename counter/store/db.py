"""The cache database: one SQLite file in WAL mode, opened with the pragmas we rely on.

A user's operation is committed with ``synchronous=FULL`` before the screen says
"saved" (stores lose power); bulk downloads from HQ may use ``NORMAL`` since HQ can
send them again. Write transactions take the lock up front (``BEGIN IMMEDIATE``) so two
writers never deadlock on a lock upgrade.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from counter.errors import (
    DatabaseCorruptError,
    DatabaseLockedError,
    DiskFullError,
    StorageError,
    ValidationError,
)

BUSY_TIMEOUT_MS = 5000


def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is too lazy).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # Deleted and overwritten content is zeroed, not left in free space: erased health
    # records and personal data must really be gone from the file (docs/privacy.md).
    cur.execute("PRAGMA secure_delete=ON")
    cur.close()


def _on_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def open_engine(path: Path) -> Engine:
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{path}", pool_size=4, max_overflow=4)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def translate(exc: BaseException) -> StorageError | None:
    """Map SQLite's error codes (not its message text) to errors a person can act on."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    code = getattr(orig, "sqlite_errorcode", None)
    if code is None:
        return None
    primary = code & 0xFF
    if primary == sqlite3.SQLITE_FULL:
        return DiskFullError(
            "磁盘已满，操作未保存。请清理磁盘空间后重试。",
            "The disk is full; nothing was saved. Free some disk space and try again.",
            detail=str(orig),
        )
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return DatabaseLockedError(
            "数据库正忙，请稍后重试。",
            "The database is busy; try again in a moment.",
            detail=str(orig),
        )
    if primary in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return DatabaseCorruptError(
            "本地数据库已损坏。请联系门店 IT；总部数据不受影响。",
            "The local database is damaged. Call store IT; HQ's data is not affected.",
            detail=str(orig),
        )
    if primary in (sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY):
        return StorageError(
            "无法读写本地数据库文件。",
            "The local database file cannot be read or written.",
            detail=str(orig),
        )
    return None


class Database:
    """Sessions over the cache file: ``write()`` for user operations, ``read()``, ``bulk()``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.engine = open_engine(path)
        self._writer = sessionmaker(
            bind=self.engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False
        )
        self._reader = sessionmaker(bind=self.engine, expire_on_commit=False)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One durable transaction: committed with synchronous=FULL when the block ends."""
        with self._guard(), self._writer() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._guard(), self._reader() as session:
            yield session

    @contextmanager
    def raw(self) -> Iterator[sqlite3.Connection]:
        """A pooled SQLite connection outside any transaction (VACUUM, WAL checkpoints)."""
        with self._guard():
            pooled = self.engine.raw_connection()
            try:
                conn = pooled.driver_connection
                assert isinstance(conn, sqlite3.Connection)
                yield conn
            finally:
                pooled.close()

    @contextmanager
    def raw_read(self) -> Iterator[sqlite3.Connection]:
        """A pooled SQLite connection in a read transaction, for the scan's hot path."""
        with self.raw() as conn:
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                conn.execute("COMMIT")

    @contextmanager
    def bulk(self, *, foreign_keys: bool = True) -> Iterator[Session]:
        """A write transaction for data HQ can send again: synchronous=NORMAL while it runs.

        ``foreign_keys=False`` is for rows whose references hold by construction (SQLite
        ignores the pragma inside a transaction, so it is set on the connection first).
        """
        with self._guard(), self.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            if not foreign_keys:
                raw.execute("PRAGMA foreign_keys=OFF")
            raw.execute("PRAGMA synchronous=NORMAL")
            try:
                conn.execution_options(sqlite_begin="IMMEDIATE")
                with Session(bind=conn, expire_on_commit=False) as session, session.begin():
                    yield session
            finally:
                raw.execute("PRAGMA synchronous=FULL")
                if not foreign_keys:
                    raw.execute("PRAGMA foreign_keys=ON")

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except (DBAPIError, sqlite3.Error) as exc:
            known = translate(exc)
            if known is not None:
                raise known from exc
            raise
        except UnicodeEncodeError as exc:
            # A lone surrogate reached a statement: input no service should have let in
            # (they refuse it by field, counter.contract.text_problem); no traceback anyway.
            raise ValidationError(
                "输入含有无法保存的字符，请删除后重新输入。",
                "The input holds a character that cannot be stored; remove it and try again.",
                detail="unpaired_surrogate",
            ) from exc

    def dispose(self) -> None:
        self.engine.dispose()
