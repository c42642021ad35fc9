"""Crash test: a real ``counter sync`` process killed with SIGKILL at random points.

The issue's proof: killed ≥ 50 times (``COUNTER_CRASH_KILLS``), restarted each time, and
after the last, uninterrupted sync HQ holds each operation exactly once, nothing is lost
and the cache equals HQ. Kills land in every stage: the first full sync (worker processes,
staged keys, dropped indexes), the index build at its end, the push of the outbox in small
batches (a kill between HQ's commit and the counter recording the answer is the case that
matters), the pull of later changes, complaints. Meanwhile the store keeps working through
the services, another store and HQ's staff change members. Each process is started while
its predecessor holds the sync lock, so it takes over the moment the predecessor dies.
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time
from collections import Counter as Tally
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from crash_helpers import EXIT, SyncProcess, Trigger
from sqlalchemy import create_engine
from sync_helpers import HQ, as_cached, cache_members, hq_members

from counter import cli, services
from counter import settings as settings_mod
from counter.keystore import open_store
from counter.services.connection import TOKEN_KEY
from counter.simulate import simulate
from counter.store.models import Base
from counter.sync.engine import SyncEngine
from counter.sync.engine import Tally as SyncTally
from counter.sync.fastload import FLAG_KEY

KILLS = int(os.environ.get("COUNTER_CRASH_KILLS", "50"))
SEED = int(os.environ.get("COUNTER_CRASH_SEED", "2026"))
MEMBERS = 3000
PAGE = 50
SYNC_ARGS = ("--page-limit", str(PAGE), "--push-batch", "5")

PENDING_MEMBERS = "SELECT member_id FROM outbox WHERE state = 'pending'"
DUPLICATE_CODES = frozenset(
    (
        "receipt_already_earned",
        "already_reversed",
        "member_exists",
        "complaint_exists",
        "idempotency_conflict",
    )
)


def _configure(root: Path, hq: HQ) -> tuple[settings_mod.Settings, dict[str, str]]:
    """Settings file and token in the file secret store, as ``counter config``/``token`` do."""
    config_dir, data = root / "config", root / "data"
    settings = settings_mod.Settings(
        store_code="S001", hq_url=hq.url, data_dir=str(data), secret_store="file"
    )
    settings_mod.save(settings, config_dir)
    open_store("file", data).set(TOKEN_KEY, hq.token("S001"))
    env = dict(
        os.environ,
        COUNTER_CONFIG_DIR=str(config_dir),
        COUNTER_DATA_DIR=str(data),
        PYTHONUNBUFFERED="1",
    )
    return settings, env


def _rows(path: Path, query: str, *args: Any) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(path)
    try:
        return con.execute(query, args).fetchall()
    finally:
        con.close()


def _first_sync_unfinished(db: Path) -> bool:
    flag = _rows(db, "SELECT value FROM kv WHERE key = ?", FLAG_KEY)
    cursor = _rows(db, "SELECT cursor FROM sync_cursors WHERE stream = 'members'")
    return bool(flag and flag[0][0] == "1") or not (cursor and cursor[0][0])


class StoreDay(threading.Thread):
    """What goes on while the syncs are killed: this store's counter keeps queueing
    operations through the services, another store pushes its own (so the pulls have
    several pages), HQ's staff delete and merge members, and once the same person is
    registered at both stores (the re-pointing, under fire)."""

    OPS_PER_TICK, TICK_S = 4, 0.25

    def __init__(self, hq: HQ, ctx: services.ServiceContext, actor: services.Actor) -> None:
        from hq.db import make_engine

        super().__init__(name="store-day", daemon=True)
        self.hq, self.ctx, self.actor = hq, ctx, actor
        self.rng = random.Random(SEED + 1)
        self.hq_engine = make_engine(hq.url_db)
        # HQ's staff touch only seeded members, never the one registered at two stores.
        self.seeded = {r[0] for r in _rows(hq.root / "hq.db", "SELECT id FROM members")}
        self.other = hq.counter("S002")
        self.other_sync = SyncEngine(self.other.ctx, page_limit=PAGE, workers=0)
        tally = SyncTally()
        self.other_sync.check_epoch(self.other_sync.check_health(tally), tally)
        self.other_sync.pull_members(tally, max_pages=4)  # enough members to work on
        self.queued = 0
        self.repoint = threading.Event()
        self.repointed = False
        self._halt = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            tick = 0
            while not self._halt.wait(self.TICK_S):
                tick += 1
                self.queue(self.OPS_PER_TICK)
                if tick % 30 == 0:
                    simulate(self.other.ctx, 100, self.rng.randrange(10**6))
                    self.push_other()
                if tick % 20 == 10:
                    self.staff()
                if self.repoint.is_set() and not self.repointed:
                    self.same_person_at_two_stores()
        except BaseException as exc:  # handed to the test's thread
            self.error = exc

    def finish(self) -> None:
        """Stop working; the re-pointing happens now if the kills ran out before it."""
        self.halt()
        if self.error is not None:
            raise self.error
        if not self.repointed:
            self.same_person_at_two_stores()

    def halt(self) -> None:
        self._halt.set()
        if self.is_alive():
            self.join(60)

    def close(self) -> None:
        self.halt()
        self.other_sync.close()
        self.hq_engine.dispose()

    def queue(self, ops: int) -> None:
        report = simulate(self.ctx, ops, self.rng.randrange(10**6))
        assert report.total == ops, report
        self.queued += ops

    def push_other(self) -> None:
        tally = SyncTally()
        self.other_sync.push(tally)
        assert tally.push.sent > 0 and not tally.errors

    def staff(self) -> None:
        """HQ deletes or merges away a member this store has been serving: its operations
        still queued here are refused (problems list, profile changes undone)."""
        from hq.members import delete_member, merge_members

        active = "SELECT id FROM members WHERE status = 'active' ORDER BY id"
        ids = [r[0] for r in _rows(self.hq.root / "hq.db", active) if r[0] in self.seeded]
        served = {r[0] for r in _rows(self.ctx.db.path, PENDING_MEMBERS)}
        first = self.rng.choice(sorted(served.intersection(ids)) or ids)
        second = self.rng.choice([i for i in ids if i != first])
        if self.rng.random() < 0.5:
            delete_member(self.hq_engine, first)
        else:
            merge_members(self.hq_engine, first, second)

    def same_person_at_two_stores(self) -> None:
        """Offline, this store registers a phone another store has just registered at HQ."""
        for attempt in range(5):
            form = services.MemberForm("赵敏", f"1370000123{attempt}")
            services.register_member(self.other.ctx, self.other.actor, form)
            self.push_other()
            try:
                local = services.register_member(self.ctx, self.actor, form)
            except services.ValidationError:
                continue  # this store's sync pulled HQ's member first: not offline after all
            break
        else:
            raise AssertionError("no offline registration of a phone known at HQ")
        sale, cash = [services.SaleLine("otc", 8_800)], [services.Tender("cash", 8_800)]
        services.earn_points(
            self.ctx, self.actor, local.id, "CRASH-1", self.ctx.clock(), sale, cash
        )
        self.queued += 2
        self.repointed = True


def _triggers(rng: random.Random, first_sync: bool, kills: list[tuple[str, bool]]) -> list[Trigger]:
    """Where to kill the next run.

    During the first sync: a moment after a page of its download, and right at the index
    build (twice). Afterwards: in the push, in the pulls, or anywhere after the start; all
    but those aimed at the complaints come at the latest just after the first page of
    member changes, since a run that is not killed costs a start-up and proves nothing.
    """
    if first_sync:
        # The first kill surely before the download ends; then anywhere in it.
        triggers = [Trigger("pull members", rng.uniform(0.05, 1.2 if kills else 0.5))]
    else:
        aim = rng.choices(("push", "health", "pull members", "pull complaints"), (5, 3, 2, 1))[0]
        last = Trigger("pull members", rng.uniform(0.0, 0.015))
        if aim == "pull complaints":
            triggers = [Trigger(aim, rng.uniform(0.0, 0.005))]
        elif aim == "pull members":
            triggers = [last]
        else:
            triggers = [Trigger(aim, rng.uniform(0.0, 0.2 if aim == "push" else 1.0)), last]
    if sum(stage == "indexes" for stage, _ in kills) < 2:
        triggers.append(Trigger("indexes", rng.uniform(0.0, 0.005)))
    return triggers


@pytest.mark.slow
def test_sync_killed_at_random_points_ends_with_hq_and_cache_agreeing(
    hq: HQ, tmp_path: Path
) -> None:
    started = time.monotonic()
    rng = random.Random(SEED)
    hq.seed(MEMBERS)
    settings, env = _configure(tmp_path / "s001", hq)
    ctx = services.open_context(settings)
    db = ctx.db.path
    day = StoreDay(hq, ctx, services.create_operator(ctx, "王芳", "service", "2222"))
    kills: list[tuple[str, bool]] = []  # (stage, first sync still unfinished after it)
    runs = exit_kills = 0
    note = f"COUNTER_CRASH_SEED={SEED} COUNTER_CRASH_KILLS={KILLS}"
    successor: list[SyncProcess] = []

    def start_successor() -> None:
        successor.append(SyncProcess(SYNC_ARGS, env))

    current = SyncProcess(SYNC_ARGS, env)
    try:
        while len(kills) < KILLS:
            assert day.error is None, (note, day.error)
            first_sync = _first_sync_unfinished(db)
            outcome = current.follow(_triggers(rng, first_sync, kills), on_lock=start_successor)
            runs += 1
            assert outcome.killed or outcome.returncode == 0 or outcome.busy, (note, outcome)
            if outcome.killed:
                assert current.survivors() == [], (note, outcome.stage)
                check = _rows(db, "PRAGMA integrity_check")
                assert check == [("ok",)], (note, len(kills), outcome, check)
                if outcome.stage == EXIT:
                    exit_kills += 1  # the sync was over: harmless, and not counted
                else:
                    kills.append((outcome.stage, _first_sync_unfinished(db)))
            if kills and day.ident is None:
                day.start()  # once the first sync is under way (an empty cache takes the fast path)
            if len(kills) >= KILLS // 2:
                day.repoint.set()
            current = successor.pop() if successor else SyncProcess(SYNC_ARGS, env)
        day.finish()
        # The successor may have started before the last operations were queued: let it
        # finish, then one more sync that nothing interrupts.
        last = current.follow()
        assert last.returncode == 0 or last.busy, (note, last)
        current = SyncProcess(SYNC_ARGS, env)
        final = current.follow()
        assert final.returncode == 0, (note, final)
    finally:
        current.stop()
        for waiting in successor:
            waiting.stop()
        day.close()
        ctx.close()

    stages = Tally(stage for stage, _ in kills)
    during_first = sum(unfinished for _, unfinished in kills)
    summary = (
        f"{note}: {len(kills)} kills in {runs} runs (and {exit_kills} after the report), "
        f"{time.monotonic() - started:.1f} s; by stage {dict(stages)}; "
        f"{during_first} left the first sync unfinished; {day.queued} ops queued"
    )
    print(summary)
    # The kills hit the stages that matter, not only the start-up.
    assert during_first >= 1 and stages["indexes"] >= 1, summary
    assert stages["push"] >= 1 and stages["pull members"] >= 1, summary
    _check_invariants(settings, hq, day.queued, summary)


def _check_invariants(settings: settings_mod.Settings, hq: HQ, queued: int, summary: str) -> None:
    ctx = services.open_context(settings)
    try:
        _check(ctx, hq, queued, summary)
    finally:
        ctx.close()


def _check(ctx: services.ServiceContext, hq: HQ, queued: int, summary: str) -> None:
    db, hq_db = ctx.db.path, hq.root / "hq.db"
    outbox = {
        op_id: (op_type, state)
        for op_id, op_type, state in _rows(db, "SELECT op_id, type, state FROM outbox")
    }
    at_hq = {
        op_id: (op_type, status, store)
        for op_id, op_type, status, store in _rows(
            hq_db, "SELECT op_id, type, status, store_code FROM ops"
        )
    }
    # Nothing lost, nothing pending: every op answered, every rejection in the problems list.
    states = Tally(state for _, state in outbox.values())
    assert set(states) <= {"applied", "rejected", "superseded"}, (summary, states)
    assert len(outbox) >= queued, (summary, len(outbox), queued)
    unlisted = _rows(
        db,
        "SELECT op_id FROM outbox WHERE state = 'rejected' "
        "AND op_id NOT IN (SELECT op_id FROM sync_problems)",
    )
    assert unlisted == [], summary
    # A refusal that says "you sent this already" means an op went out twice as two ops.
    refused = {code for (code,) in _rows(db, "SELECT code FROM sync_problems")}
    assert not refused & DUPLICATE_CODES, (summary, refused)
    # HQ decided each op exactly as the counter recorded it; a superseded op never took
    # effect (its replacement did), and HQ has no op of this store the counter lacks.
    for op_id, (op_type, state) in outbox.items():
        if state == "superseded":
            assert at_hq.get(op_id, ("", "", ""))[1] != "applied", (summary, op_id)
        else:
            assert at_hq.get(op_id) == (op_type, state, "S001"), (summary, op_id, state)
    mine = {op_id for op_id, (_, _, store) in at_hq.items() if store == "S001"}
    assert mine <= set(outbox), summary
    assert states["superseded"] >= 1, (summary, "the re-pointing did not happen")
    # The ledger: each applied points op booked once at HQ and here, one earn per receipt.
    applied_points = {
        op_id
        for op_id, (op_type, state) in outbox.items()
        if state == "applied"
        and op_type in ("points.earn", "points.redeem", "points.reverse", "points.award")
    }
    booked = _rows(hq_db, "SELECT op_id FROM points_ledger WHERE store_code = 'S001'")
    assert sorted(r[0] for r in booked) == sorted(applied_points), summary
    # Each applied redemption names its reward, and HQ booked that reward once (issue 15).
    named = _rows(
        db,
        "SELECT op_id, json_extract(payload, '$.reward'), json_extract(payload, '$.quantity') "
        "FROM outbox WHERE type = 'points.redeem' AND state = 'applied'",
    )
    rewarded = _rows(
        hq_db,
        "SELECT op_id, reward_code, reward_quantity FROM points_ledger "
        "WHERE store_code = 'S001' AND kind = 'redeem'",
    )
    assert sorted(rewarded) == sorted(named), summary
    assert named and all(code for _, code, _ in named), (summary, named)
    doubled = _rows(
        hq_db,
        "SELECT store_code, receipt_no FROM points_ledger WHERE kind = 'earn' "
        "GROUP BY store_code, receipt_no HAVING count(*) > 1",
    )
    assert doubled == [], summary
    here = _rows(db, "SELECT id, state FROM points_entries WHERE state != 'rejected'")
    assert sorted(here) == sorted((op_id, "applied") for op_id in applied_points), summary
    phones = _rows(
        hq_db,
        "SELECT phone FROM members WHERE status = 'active' AND phone IS NOT NULL "
        "GROUP BY phone HAVING count(*) > 1",
    )
    assert phones == [], summary
    replays = _rows(hq_db, "SELECT replays FROM stores WHERE code = 'S001'")[0][0]
    assert replays > 0, (summary, "no kill came between HQ's commit and the recorded answer")
    # The first sync finished its fast path: indexes rebuilt, nothing left staged.
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == [], summary
    engine.dispose()
    # And the cache is HQ's truth.
    assert cache_members(ctx) == as_cached(hq_members(ctx)), summary
    print(f"{summary}; outbox {dict(states)}; HQ answered {replays} re-sent ops as replays")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_first_sync_killed_takes_its_worker_processes_with_it(hq: HQ, tmp_path: Path) -> None:
    """SIGKILL of the sync's process alone (not its group): its workers die too, and its
    output ends (a worker holding it would make a supervisor reading it wait forever)."""
    hq.seed(MEMBERS)
    _, env = _configure(tmp_path / "s001", hq)
    sync = SyncProcess(SYNC_ARGS, env)
    try:
        outcome = sync.follow([Trigger("pull members", 0.3)], limit_s=60)
        assert outcome.killed and outcome.stage == "pull members", outcome
        assert sync.survivors() == []
    finally:
        sync.stop()


@pytest.mark.parametrize(
    "args", [("--page-limit", "0"), ("--page-limit", "5001"), ("--push-batch", "501")]
)
def test_sync_refuses_page_and_batch_sizes_out_of_range(
    args: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["sync", "--once", *args]) == cli.EXIT_USAGE
    assert args[0] in capsys.readouterr().err
