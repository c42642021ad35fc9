"""The database layer: URLs, SQLite pragmas, epoch, sequences, UTC times, stores."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import StatementError

from hq.db import (
    current_seq,
    default_url,
    engine_scope,
    get_epoch,
    init_db,
    make_engine,
    next_seq,
    renew_epoch,
)
from hq.errors import DatabaseURLError, InvalidStoreError, StoreExistsError
from hq.models import SEQ_CHANGES, SEQ_MEMBER_NO, Store
from hq.server import start_in_thread
from hq.stores import add_store


@contextmanager
def initialised(url: str) -> Iterator[Engine]:
    engine = init_db(url)
    try:
        yield engine
    finally:
        engine.dispose()


def test_sqlite_connections_get_the_server_pragmas(db_url: str) -> None:
    with initialised(db_url) as engine, engine.connect() as conn:
        pragma = conn.exec_driver_sql
        assert pragma("PRAGMA journal_mode").scalar() == "wal"
        assert pragma("PRAGMA foreign_keys").scalar() == 1
        assert pragma("PRAGMA synchronous").scalar() == 2  # FULL
        assert int(pragma("PRAGMA busy_timeout").scalar() or 0) >= 5000


def test_init_db_is_idempotent_and_the_epoch_stays(db_url: str) -> None:
    with initialised(db_url) as engine, engine.connect() as conn:
        epoch = get_epoch(conn)
    assert epoch
    with initialised(db_url) as engine, engine.connect() as conn:
        assert get_epoch(conn) == epoch
        assert current_seq(conn, SEQ_CHANGES) == 0
        assert current_seq(conn, SEQ_MEMBER_NO) == 0


def test_a_new_database_gets_a_new_epoch(tmp_path: Path) -> None:
    epochs = set()
    for name in ("a.db", "b.db"):
        with initialised(f"sqlite:///{tmp_path / name}") as engine, engine.connect() as conn:
            epochs.add(get_epoch(conn))
    assert len(epochs) == 2


def test_renew_epoch_changes_it(db_url: str) -> None:
    with initialised(db_url) as engine:
        with engine.begin() as conn:
            old = get_epoch(conn)
            new = renew_epoch(conn)
        with engine.connect() as conn:
            assert get_epoch(conn) == new != old


def test_next_seq_hands_out_numbers_in_order_without_gaps(db_url: str) -> None:
    with initialised(db_url) as engine:
        taken: list[int] = []
        lock = threading.Lock()

        def take() -> None:
            for _ in range(20):
                with engine.begin() as conn:
                    value = next_seq(conn.execution_options(sqlite_begin="IMMEDIATE"))
                with lock:
                    taken.append(value)

        threads = [threading.Thread(target=take) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(taken) == list(range(1, 81))
        with engine.begin() as conn:
            assert next_seq(conn, SEQ_MEMBER_NO, count=5) == 5
        with engine.begin() as conn:
            assert current_seq(conn, SEQ_CHANGES) == 80
            with pytest.raises(LookupError):
                next_seq(conn, "no-such-sequence")


def test_a_rolled_back_transaction_gives_its_number_back(db_url: str) -> None:
    with initialised(db_url) as engine:
        with pytest.raises(RuntimeError), engine.begin() as conn:
            assert next_seq(conn) == 1
            raise RuntimeError("the writer failed")
        with engine.begin() as conn:
            assert next_seq(conn) == 1


def test_times_must_be_aware_and_come_back_in_utc(db_url: str) -> None:
    shanghai = dt.timezone(dt.timedelta(hours=8))
    with initialised(db_url) as engine:
        with engine.begin() as conn:
            conn.execute(
                insert(Store).values(
                    code="S1",
                    name="n",
                    token_hash="h",
                    created_at=dt.datetime(2026, 1, 1, 8, 0, tzinfo=shanghai),
                )
            )
        with engine.connect() as conn:
            created = conn.scalar(select(Store.created_at))
        assert created == dt.datetime(2026, 1, 1, 0, 0, tzinfo=dt.UTC)
        assert created is not None and created.tzinfo == dt.UTC
        with pytest.raises(StatementError, match="naive"), engine.begin() as conn:
            conn.execute(
                insert(Store).values(
                    code="S2", name="n", token_hash="h2", created_at=dt.datetime(2026, 1, 1)
                )
            )


def test_an_in_memory_database_serves_across_threads() -> None:
    with start_in_thread("sqlite://") as running:
        resp = requests.get(running.url + "/v1/health", timeout=10)
        assert resp.status_code == 200 and resp.json()["epoch"]


def test_stop_returns_and_frees_the_port(db_url: str) -> None:
    running = start_in_thread(db_url)
    port = running.port
    assert running.url == f"http://127.0.0.1:{port}"
    running.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(running.url + "/v1/health", timeout=2)
    again = start_in_thread(db_url, port=port)  # the port is free again
    again.stop()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("::not a url::", "not a database URL"),
        ("nosuchdb://host/db", "unsupported database"),
        ("sqlite:////nonexistent-dir/hq.db", "does not exist"),
    ],
)
def test_make_engine_explains_a_bad_url(url: str, message: str) -> None:
    with pytest.raises(DatabaseURLError, match=message):
        make_engine(url)


def test_a_directory_is_not_a_database(tmp_path: Path) -> None:
    with pytest.raises(DatabaseURLError, match="is a directory"):
        make_engine(f"sqlite:///{tmp_path}")


def test_default_url_prefers_the_environment(tmp_path: Path) -> None:
    assert default_url({}, tmp_path) == f"sqlite:///{tmp_path / 'hq.db'}"
    env = {"HQ_DATABASE_URL": "postgresql://hq@db/hq"}
    assert default_url(env, tmp_path) == "postgresql://hq@db/hq"


def test_add_store_checks_code_and_name(db_url: str) -> None:
    token = add_store(db_url, "BJ-02", "  朝阳店 ")
    assert token and add_store(db_url, "BJ_03", "x") != token
    with pytest.raises(StoreExistsError):
        add_store(db_url, "BJ-02", "again")
    with pytest.raises(InvalidStoreError):
        add_store(db_url, "BJ 04", "space in code")
    with pytest.raises(InvalidStoreError):
        add_store(db_url, "BJ05", "   ")
    with engine_scope(db_url) as engine, engine.connect() as conn:
        assert conn.scalar(select(Store.name).where(Store.code == "BJ-02")) == "朝阳店"


def test_the_schema_and_sequence_sql_compile_for_postgresql() -> None:
    # No PostgreSQL server here; compiling proves the DDL and the sequence bump use no
    # SQLite-only constructs (a real-PostgreSQL run is a deployment check).
    from sqlalchemy import update
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateIndex, CreateTable

    from hq.models import Base, Sequence

    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    ddl = []
    for table in Base.metadata.sorted_tables:
        ddl.append(str(CreateTable(table).compile(dialect=dialect)))
        ddl.extend(str(CreateIndex(ix).compile(dialect=dialect)) for ix in table.indexes)
    text = "\n".join(ddl)
    assert "TIMESTAMP WITH TIME ZONE" in text
    assert "CREATE UNIQUE INDEX ux_members_phone ON members (phone)" in text
    assert "gender = 'F' OR gender = 'M' OR gender = ''" in text
    bump = update(Sequence).where(Sequence.name == "changes").values(value=Sequence.value + 1)
    assert "sequences.value + " in str(bump.compile(dialect=dialect))
