"""HQ restored from a backup (issue 9): every store re-sends exactly what HQ lost, once.

The real thing on both backends: HQ on 127.0.0.1, its database backed up (SQLite's
backup API, as ``sqlite3 hq.db ".backup FILE"``; ``pg_dump -Fc``), stores working and
syncing, HQ stopped and the backup put back — either silently (the file copied in place,
``pg_restore`` by hand: nobody renews the epoch) or with ``hq restore FILE``. Then:

- a store that lost nothing pushes 100 operations first, so HQ's change sequence passes
  every other store's cursor and checkpoint again (the detection must not depend on
  HQ's head still being behind them);
- HQ's staff delete and merge members and note call-backs on complaints;
- the stores come back one by one, one of them after being offline since before the
  restore with operations of its own queued.

Each store re-sends its operations: HQ answers the ones it kept as replayed and applies
the ones it lost, once; nothing is pending; every op is at HQ with the counter's outcome,
the ledger books each points op once, and every cache equals HQ, staff changes included.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sync_helpers import Counter, as_cached, cache_members, hq_members, sql

from counter import services
from counter.simulate import simulate
from counter.sync.engine import SyncEngine, SyncReport
from hq.cli import main as hq_main
from hq.complaints import hq_update_complaint
from hq.db import init_db
from hq.members import delete_member, merge_members
from hq.restore import libpq_args, pg_tool
from hq.seed import seed_members
from hq.server import RunningHQ, start_in_thread
from hq.stores import add_store

POSTGRES_ENV = "HQ_TEST_POSTGRES_URL"
APPLIED = "SELECT op_id FROM outbox WHERE state = 'applied'"


class RestorableHQ:
    """The reference HQ over one database that can be backed up and put back."""

    def __init__(self, url: str, root: Path) -> None:
        self.url_db = url
        self.root = root
        self.backend = make_url(url).get_backend_name()
        init_db(url).dispose()
        self.server: RunningHQ | None = None
        self.port = 0

    def start(self) -> None:
        self.server = start_in_thread(self.url_db, port=self.port)
        self.port = self.server.port  # the counters keep their address across restarts

    def stop(self) -> None:
        assert self.server is not None
        self.server.stop()
        self.server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def rows(self, query: str, **params: Any) -> list[tuple[Any, ...]]:
        engine = create_engine(self.url_db)
        try:
            with engine.connect() as conn:
                return [tuple(r) for r in conn.execute(text(query), params)]
        finally:
            engine.dispose()

    def backup(self) -> Path:
        if self.backend == "sqlite":
            path = self.root / "hq-backup.db"
            src = sqlite3.connect(str(make_url(self.url_db).database))
            dst = sqlite3.connect(path)
            try:
                src.backup(dst)  # what `sqlite3 hq.db ".backup hq-backup.db"` does
            finally:
                dst.close()
                src.close()
            return path
        path = self.root / "hq-backup.dump"
        args, env = libpq_args(make_url(self.url_db))
        schema = _schema(self.url_db)
        command = [pg_tool("pg_dump"), "-Fc", "-n", schema, "-f", str(path), *args]
        subprocess.run(command, env=env, check=True, capture_output=True)
        return path

    def put_back_silently(self, backup: Path) -> None:
        """What an administrator does without telling HQ: no new epoch."""
        if self.backend == "sqlite":
            target = Path(str(make_url(self.url_db).database))
            for suffix in ("-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(backup, target)
            return
        args, env = libpq_args(make_url(self.url_db))
        command = [pg_tool("pg_restore"), "--clean", "--if-exists", "--single-transaction"]
        subprocess.run([*command, *args, str(backup)], env=env, check=True, capture_output=True)


def _schema(url: str) -> str:
    options = str(make_url(url).query["options"])
    return options.removeprefix("-csearch_path=")


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Path]:
    """In memory if the machine has it (hundreds of durable commits); real files all the same."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path
        return
    root = Path(tempfile.mkdtemp(prefix="counter-restore-", dir=shm))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def hq(request: pytest.FixtureRequest, scratch: Path) -> Iterator[RestorableHQ]:
    if request.param == "sqlite":
        url = f"sqlite:///{scratch / 'hq.db'}"
        schema = None
    else:
        pg = os.environ.get(POSTGRES_ENV)
        if not pg:
            pytest.skip(
                f"PostgreSQL variant: set {POSTGRES_ENV} (eval $(bash scripts/ci-postgres.sh))"
            )
        schema = f"hqr_{os.urandom(6).hex()}"
        admin = create_engine(pg)
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        admin.dispose()
        separator = "&" if "?" in pg else "?"
        url = f"{pg}{separator}options=-csearch_path%3D{schema}"
    hq = RestorableHQ(url, scratch)
    try:
        yield hq
    finally:
        if hq.server is not None:
            hq.stop()
        if schema is not None:
            admin = create_engine(str(os.environ.get(POSTGRES_ENV)))
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            admin.dispose()


def sync(counter: Counter) -> SyncReport:
    engine = SyncEngine(counter.ctx, workers=0)
    try:
        return engine.run_once()
    finally:
        engine.close()


def applied(counter: Counter) -> set[str]:
    return {row[0] for row in sql(counter.ctx, APPLIED)}


@pytest.mark.parametrize("how", ["silently", "hq restore"])
def test_every_store_re_sends_exactly_what_hq_lost(hq: RestorableHQ, how: str) -> None:
    seed_members(hq.url_db, 100)
    tokens = {code: add_store(hq.url_db, code, f"门店 {code}") for code in ("S1", "S2", "S3", "S4")}
    hq.start()
    counters = {
        code: Counter(hq.root / f"counter-{code}", code, hq.url, token)
        for code, token in tokens.items()
    }
    a, b, c, d = counters.values()
    try:
        for i, counter in enumerate(counters.values()):
            assert sync(counter).ok
            simulate(counter.ctx, 5, i)
            services.create_complaint(
                counter.ctx,
                counter.actor,
                category="waiting_time",
                severity="high",
                channel="counter",
                description="排队太久",
                customer_name="李女士",
                customer_phone="13900000000",
            )
            assert sync(counter).ok
        kept = {code: applied(counter) for code, counter in counters.items()}
        backup = hq.backup()
        for counter, n in ((a, 30), (b, 20), (c, 10)):
            simulate(counter.ctx, n, n)
            report = sync(counter)
            assert report.ok and report.applied == report.pushed, report
        lost = {code: applied(counter) - kept[code] for code, counter in counters.items()}
        assert [bool(lost[x]) for x in ("S1", "S2", "S3", "S4")] == [True, True, True, False]
        assert len(hq.rows("SELECT op_id FROM ops")) == sum(
            map(len, (*kept.values(), *lost.values()))
        )
        simulate(c.ctx, 5, 99)  # S3 goes offline with work queued
        queued = sql(c.ctx, "SELECT count(*) FROM outbox WHERE state = 'pending'")[0][0]

        hq.stop()
        if how == "silently":
            hq.put_back_silently(backup)
        else:
            assert hq_main(["restore", "--db", hq.url_db, str(backup)]) == 0
        hq.start()
        assert len(hq.rows("SELECT op_id FROM ops")) == sum(map(len, kept.values()))

        # A store that lost nothing works on: HQ's sequence passes everyone's cursor again.
        simulate(d.ctx, 100, 4)
        first = sync(d)
        # hq restore renewed the epoch: S4 re-sent all; silently, S4 had no evidence to show
        assert first.ok and first.epoch_changed == (how == "hq restore"), first
        head = hq.rows("SELECT value FROM sequences WHERE name = 'changes'")[0][0]
        assert head > max(
            seq for x in (a, b, c) for (seq,) in sql(x.ctx, "SELECT max(hq_seq) FROM outbox")
        )
        # HQ's staff change members after the restore.
        engine = init_db(hq.url_db)
        try:
            # members no store touched: an op for a deleted member is refused, rightly
            touched = {
                row[0]
                for x in counters.values()
                for row in sql(x.ctx, "SELECT member_id FROM outbox")
            }
            ids = [r[0] for r in hq.rows("SELECT id FROM members ORDER BY id")]
            seeded = [i for i in ids if i not in touched][:3]
            delete_member(engine, seeded[0])
            merge_members(engine, seeded[1], seeded[2])
            # and note a call-back on every complaint (a status change could conflict with
            # the stores' re-sent updates, rightly)
            complaints = [r[0] for r in hq.rows("SELECT id FROM complaints")]
            assert len(complaints) >= len(counters)
            for complaint_id in complaints:
                hq_update_complaint(engine, complaint_id, note="总部已回访")
        finally:
            engine.dispose()

        recovery = {}
        for code, counter in (("S1", a), ("S2", b), ("S3", c)):
            report = sync(counter)
            assert report.ok and report.epoch_changed, (code, report)
            recovery[code] = report
            # HQ kept its ops from before the backup (replayed) and lost the rest (applied)
            assert report.replayed == len(kept[code]), (code, report)
        for code in ("S1", "S2"):
            assert recovery[code].applied == len(kept[code]) + len(lost[code]), code
        assert recovery["S3"].applied == len(kept["S3"]) + len(lost["S3"]) + queued
        # every store hears of the new epoch, also the one that lost nothing
        report = sync(d)
        if how == "silently":
            assert report.ok and report.epoch_changed and report.replayed == report.pushed

        for _ in range(2):  # a quiet pass: every pull after the last change
            for counter in counters.values():
                assert sync(counter).ok
        check_hq_equals_the_counters(hq, counters, seeded, complaints)
    finally:
        for counter in counters.values():
            counter.close()


def check_hq_equals_the_counters(
    hq: RestorableHQ,
    counters: dict[str, Counter],
    staff_changed: list[str],
    called_back: list[str],
) -> None:
    for code, counter in counters.items():
        outbox = sql(counter.ctx, "SELECT op_id, state FROM outbox WHERE state != 'superseded'")
        assert all(state in ("applied", "rejected") for _, state in outbox), code
        at_hq = dict(hq.rows("SELECT op_id, status FROM ops WHERE store_code = :code", code=code))
        assert at_hq == dict(outbox), f"{code}: HQ's ops ≠ the counter's outcomes"
        booked = hq.rows(
            "SELECT op_id, count(*) FROM points_ledger WHERE store_code = :code GROUP BY op_id",
            code=code,
        )
        assert all(n == 1 for _, n in booked), f"{code}: a points op booked twice"
        points_ops = {
            op_id
            for (op_id,) in sql(
                counter.ctx,
                "SELECT op_id FROM outbox WHERE state = 'applied' AND type LIKE 'points.%'",
            )
        }
        assert {op_id for op_id, _ in booked} == points_ops, code
    records = hq_members(next(iter(counters.values())).ctx)
    assert records[staff_changed[0]]["status"] == "deleted"
    assert records[staff_changed[1]]["status"] == "merged"
    expected = as_cached(records)
    for code, counter in counters.items():
        assert cache_members(counter.ctx) == expected, f"{code}: cache ≠ HQ"
        gone = sql(
            counter.ctx,
            "SELECT status FROM members WHERE id IN (?, ?)",
            staff_changed[0],
            staff_changed[1],
        )
        assert sorted(gone) == [("deleted",), ("merged",)], code
        cached = sql(
            counter.ctx,
            "SELECT id, status, hq_seq FROM complaints WHERE store_code = ? ORDER BY id",
            code,
        )
        assert cached == hq.rows(
            "SELECT id, status, seq FROM complaints WHERE store_code = :code ORDER BY id",
            code=code,
        ), f"{code}: complaints ≠ HQ"
        noted = sql(
            counter.ctx,
            "SELECT n.complaint_id FROM complaint_notes n JOIN complaints c "
            "ON c.id = n.complaint_id WHERE c.store_code = ? AND n.text = '总部已回访'",
            code,
        )
        mine = {row[0] for row in cached} & set(called_back)
        assert {row[0] for row in noted} == mine and mine, f"{code}: HQ's notes missing"
