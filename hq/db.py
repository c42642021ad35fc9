"""HQ's database: engines for any SQLAlchemy URL, SQLite tuned for a server.

SQLite gets WAL (readers never block the writer), ``synchronous=FULL`` (HQ commits before it
answers, so a commit must survive a power cut), a busy timeout, and foreign keys. SQLAlchemy
emits BEGIN itself so that writers can ask for ``BEGIN IMMEDIATE`` (execution option
``sqlite_begin``) and never deadlock upgrading a read lock. Everything else is plain,
portable SQL: PostgreSQL works with the same code.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, insert, inspect, select, update
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import (
    ArgumentError,
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.pool import StaticPool

from counter.ids import uuid7
from hq.config import ensure_rules_version, ensure_signing_key
from hq.errors import DatabaseURLError, SchemaOutdatedError
from hq.health_seal import seal_existing
from hq.models import META_EPOCH, SEQ_CHANGES, SEQ_MEMBER_NO, Base, Meta, Sequence
from hq.rewind import ensure_cursor_key
from hq.times import utcnow

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
    try:
        Base.metadata.create_all(engine)
    except (OperationalError, ProgrammingError, IntegrityError):
        # Several HQ processes starting on a new database: another one created some of
        # the tables between our check and our CREATE. Check again; a real problem repeats.
        Base.metadata.create_all(engine)
    _check_columns(engine)
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
        ensure_signing_key(conn)
        ensure_rules_version(conn)
        ensure_cursor_key(conn)
    seal_existing(engine)  # a database of an earlier HQ: its clear health sealed, once
    return engine


def _check_columns(engine: Engine) -> None:
    """Refuse a database made by an older HQ whose tables lack columns this one needs.

    ``create_all`` adds missing tables but never alters existing ones; without this check
    such a database fails later, on some request, with a bare SQL error.
    """
    inspector = inspect(engine)
    for table in Base.metadata.sorted_tables:
        have = {c["name"] for c in inspector.get_columns(table.name)}
        missing = sorted(set(table.columns.keys()) - have)
        if missing:
            shown = engine.url.render_as_string(hide_password=True)
            raise SchemaOutdatedError(
                f"{shown} was made by an older HQ (table {table.name} lacks "
                f"{', '.join(missing)}): make a new database (hq init, hq seed) for this one"
            )


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


def lock_seq(conn: Connection, name: str = SEQ_CHANGES) -> int:
    """The sequence's value, its row locked until the caller's transaction ends.

    ``SELECT … FOR UPDATE`` on PostgreSQL; SQLite has one writer at a time anyway (writers
    begin with ``BEGIN IMMEDIATE``), so there the statement is a plain read.
    """
    value = conn.scalar(select(Sequence.value).where(Sequence.name == name).with_for_update())
    if value is None:
        raise LookupError(f"no sequence named {name!r}; run init_db first")
    return value


def current_seq(conn: Connection, name: str = SEQ_CHANGES) -> int:
    value = conn.scalar(select(Sequence.value).where(Sequence.name == name))
    if value is None:
        raise LookupError(f"no sequence named {name!r}; run init_db first")
    return value


def set_seq(conn: Connection, name: str, value: int) -> None:
    conn.execute(update(Sequence).where(Sequence.name == name).values(value=value))


@dataclass
class SeqBlock:
    """Numbers of one sequence taken inside a write transaction, written back at its end.

    The sequence row is locked on first use (or at once, for the change sequence) and
    stays locked until the transaction ends, so no other writer can take a number in
    between: numbers become visible in the order they were taken, and a reader of the
    change feed never sees seq N+1 before N. A number taken by a savepoint that is rolled
    back leaves a gap, which readers don't mind.
    """

    conn: Connection
    name: str
    start: int | None = None
    value: int = 0

    def lock(self) -> int:
        if self.start is None:
            self.start = self.value = lock_seq(self.conn, self.name)
        return self.value

    def take(self) -> int:
        self.lock()
        self.value += 1
        return self.value

    def flush(self) -> None:
        if self.start is not None and self.value != self.start:
            set_seq(self.conn, self.name, self.value)


@dataclass
class Writer:
    """A write transaction in progress: its connection, sequences and clock."""

    conn: Connection
    changes: SeqBlock
    member_nos: SeqBlock
    now: dt.datetime = field(default_factory=utcnow)


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Writer]:
    """One transaction for everything that changes members, ledger, ops or complaints.

    It takes the change sequence's row lock first, before reading anything it decides on:
    writers queue on that one lock (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL:
    ``SELECT … FOR UPDATE``), so they never deadlock on each other's rows, each sees what
    every earlier writer committed, and seq order is commit order.
    """
    with engine.connect() as conn:
        conn.execution_options(sqlite_begin="IMMEDIATE")
        with conn.begin():
            writer = Writer(conn, SeqBlock(conn, SEQ_CHANGES), SeqBlock(conn, SEQ_MEMBER_NO))
            writer.changes.lock()
            writer.now = utcnow()
            yield writer
            writer.changes.flush()
            writer.member_nos.flush()
