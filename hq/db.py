"""HQ's database: engines for any SQLAlchemy URL, SQLite tuned for a server.

SQLite gets WAL (readers never block the writer), ``synchronous=FULL`` (HQ commits before it
answers, so a commit must survive a power cut), a busy timeout, and foreign keys. SQLAlchemy
emits BEGIN itself so that writers can ask for ``BEGIN IMMEDIATE`` (execution option
``sqlite_begin``) and never deadlock upgrading a read lock. Everything else is plain,
portable SQL: PostgreSQL works with the same code.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, insert, select, update
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, NoSuchModuleError
from sqlalchemy.pool import StaticPool

from counter.ids import uuid7
from hq.errors import DatabaseURLError
from hq.models import META_EPOCH, SEQ_CHANGES, SEQ_MEMBER_NO, Base, Meta, Sequence

BUSY_TIMEOUT_MS = 10_000
DEFAULT_DB_FILE = "hq.db"
DB_URL_ENV = "HQ_DATABASE_URL"
SEQUENCE_NAMES = (SEQ_CHANGES, SEQ_MEMBER_NO)

EngineOrURL = Engine | str | URL


def _sqlite_on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # SQLAlchemy's "begin" event issues BEGIN; pysqlite's own is lazy and skips SELECTs.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.close()


_BEGIN_MODES = frozenset({"DEFERRED", "IMMEDIATE", "EXCLUSIVE"})


def _sqlite_on_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    if mode not in _BEGIN_MODES:
        raise ValueError(f"sqlite_begin must be one of {sorted(_BEGIN_MODES)}, not {mode!r}")
    conn.exec_driver_sql(f"BEGIN {mode}")


def parse_url(url: str | URL) -> URL:
    """The URL, or a :class:`DatabaseURLError` that says what is wrong with it."""
    if isinstance(url, URL):
        return url
    try:
        return make_url(url)
    except ArgumentError as exc:
        raise DatabaseURLError(f"not a database URL: {url!r} (try sqlite:///hq.db)") from exc


def make_engine(url: str | URL) -> Engine:
    """An engine for ``url``; for a SQLite file, checks first that its folder is writable."""
    parsed = parse_url(url)
    shown = parsed.render_as_string(hide_password=True)
    kwargs: dict[str, Any] = {}
    is_sqlite = parsed.get_backend_name() == "sqlite"
    if is_sqlite:
        database = parsed.database or ""
        if database in ("", ":memory:"):
            # One shared connection, or every pooled connection would see its own empty DB.
            kwargs["poolclass"] = StaticPool
            kwargs["connect_args"] = {"check_same_thread": False}
        elif not database.startswith("file:"):
            _check_sqlite_path(Path(database), shown)
    try:
        engine = create_engine(parsed, **kwargs)
    except NoSuchModuleError as exc:
        raise DatabaseURLError(f"unsupported database type in {shown}") from exc
    except ImportError as exc:
        raise DatabaseURLError(
            f"the database driver for {shown} is not installed ({exc.name or exc})"
        ) from exc
    if is_sqlite:
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _check_sqlite_path(path: Path, shown: str) -> None:
    folder = path.parent
    if path.is_dir():
        raise DatabaseURLError(f"{shown}: {path} is a directory, not a database file")
    if not folder.is_dir():
        raise DatabaseURLError(f"{shown}: the folder {folder} does not exist")
    target = path if path.exists() else folder
    if not os.access(target, os.W_OK):
        raise DatabaseURLError(f"{shown}: {target} is not writable")


def default_url(env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    """``$HQ_DATABASE_URL``, else ``hq.db`` in the current directory (as an absolute path)."""
    environ = os.environ if env is None else env
    from_env = environ.get(DB_URL_ENV, "").strip()
    if from_env:
        return from_env
    return "sqlite:///" + str((cwd or Path.cwd()) / DEFAULT_DB_FILE)


@contextmanager
def engine_scope(engine_or_url: EngineOrURL) -> Iterator[Engine]:
    """Use a caller's engine as is, or make one from a URL and dispose of it afterwards."""
    if isinstance(engine_or_url, Engine):
        yield engine_or_url
        return
    engine = make_engine(engine_or_url)
    try:
        yield engine
    finally:
        engine.dispose()


def init_db(engine_or_url: EngineOrURL) -> Engine:
    """Create missing tables, the epoch and the sequence rows; safe to run again.

    Returns the engine; when given a URL, the caller owns the new engine.
    """
    engine = engine_or_url if isinstance(engine_or_url, Engine) else make_engine(engine_or_url)
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        if get_epoch(conn) is None:
            try:
                with conn.begin_nested():
                    conn.execute(insert(Meta).values(key=META_EPOCH, value=uuid7()))
            except IntegrityError:
                pass  # another process created it first; theirs stands
        existing = set(conn.scalars(select(Sequence.name)))
        for name in SEQUENCE_NAMES:
            if name not in existing:
                try:
                    with conn.begin_nested():
                        conn.execute(insert(Sequence).values(name=name, value=0))
                except IntegrityError:
                    pass
    return engine


def get_epoch(conn: Connection) -> str | None:
    return conn.scalar(select(Meta.value).where(Meta.key == META_EPOCH))


def renew_epoch(conn: Connection) -> str:
    """A new epoch: tells every counter its cursors no longer describe this data."""
    epoch = uuid7()
    if conn.execute(update(Meta).where(Meta.key == META_EPOCH).values(value=epoch)).rowcount == 0:
        conn.execute(insert(Meta).values(key=META_EPOCH, value=epoch))
    return epoch


def next_seq(conn: Connection, name: str = SEQ_CHANGES, count: int = 1) -> int:
    """Take ``count`` numbers of sequence ``name``; returns the last one taken.

    The UPDATE locks the counter row until the caller's transaction ends, so numbers are
    handed out in commit order (the change feed relies on that).
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    result = conn.execute(
        update(Sequence).where(Sequence.name == name).values(value=Sequence.value + count)
    )
    if result.rowcount != 1:
        raise LookupError(f"no sequence named {name!r}; run init_db first")
    value = conn.scalar(select(Sequence.value).where(Sequence.name == name))
    assert value is not None
    return value


def current_seq(conn: Connection, name: str = SEQ_CHANGES) -> int:
    value = conn.scalar(select(Sequence.value).where(Sequence.name == name))
    if value is None:
        raise LookupError(f"no sequence named {name!r}; run init_db first")
    return value


def set_seq(conn: Connection, name: str, value: int) -> None:
    conn.execute(update(Sequence).where(Sequence.name == name).values(value=value))
