"""The randomized fault test of the HQ sync (DESIGN §9), through tests/faultproxy.py.

Two stores' counters make realistic operations (``counter.simulate``, and now and then
the same person registered at both stores) and sync with the real reference HQ through
the fault-injecting proxy, each schedule of faults drawn from a seed; sometimes both
stores sync at once. Then the network heals, every counter syncs until nothing moves,
and we check, after every schedule:

1. HQ holds each operation exactly once: every op_id of every outbox is in HQ's ``ops``
   table with the counter's outcome; every applied points op (earn, redeem, refund,
   activity points) has one ledger entry with the figure the counter showed, every applied
   earn one receipt, nothing else is booked; HQ's new members are exactly the
   registrations it applied;
2. nothing is lost: no op pending; every rejected op is in the problems list; every
   superseded op has its replacement (and was never applied at HQ);
3. the cache equals HQ: members (name, phone, tier, points, seq, cards), this store's
   complaints, and the shown balances (no entry still counted on top of HQ's);
4. points shown are points booked (issue 10): HQ's rules change and members' tiers change
   at random points of the schedules (``RuleChanges``), and still every earn a counter
   showed is booked with the figure shown; none is refused for its rules or tier.

``COUNTER_CHAOS_SCHEDULES`` (default 200) and ``COUNTER_CHAOS_SEED`` choose the run; a
failure names the seed and the schedule to replay.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import os
import random
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from faultproxy import KINDS, STATUSES, FaultProxy, Schedule
from sync_helpers import HQ, Counter, as_cached, cache_members, hq_members, sql

from counter import services
from counter.simulate import simulate
from counter.sync.client import HQClient, RetryPolicy
from counter.sync.engine import SyncEngine, SyncReport

SCHEDULES = int(os.environ.get("COUNTER_CHAOS_SCHEDULES", "200"))
SEED = int(os.environ.get("COUNTER_CHAOS_SEED", "20261123"))
STORES = ("S101", "S102")
# Tight, so that slow drips and long latencies trip it; HQ's own work rarely does.
READ_TIMEOUT_S = 0.25
# Retry-After is honoured up to 10 ms: the schedules test what happens, not how long.
FAULTY_RETRY = RetryPolicy(attempts=3, base_s=0.0, cap_s=0.01)
HEALED_RETRY = RetryPolicy(attempts=5, base_s=0.01, cap_s=0.05)
MAX_QUIET_PASSES = 6
PENDING = "SELECT count(*) FROM outbox WHERE state = 'pending'"


class Store:
    """One store's counter with a client for bad times and one for after the healing."""

    def __init__(self, counter: Counter, proxy: FaultProxy, token: str) -> None:
        self.counter = counter
        self.ctx = counter.ctx
        self.code = counter.settings.store_code
        self.faulty = HQClient(proxy.url, token, retry=FAULTY_RETRY, timeouts=(0.5, READ_TIMEOUT_S))
        self.healed = HQClient(proxy.url, token, retry=HEALED_RETRY, timeouts=(2.0, 10.0))
        self.tally: collections.Counter[str] = collections.Counter()

    def sync(
        self, client: HQClient, *, push_batch: int = 500, prefetch: bool = False
    ) -> SyncReport:
        engine = SyncEngine(self.ctx, client, workers=0, push_batch=push_batch, prefetch=prefetch)
        report = engine.run_once()
        self.tally.update(
            syncs=1,
            failed=not report.ok,
            applied=report.applied,
            rejected=report.rejected,
            replayed=report.replayed,
            repointed=report.repointed,
        )
        return report

    def close(self) -> None:
        self.faulty.close()
        self.healed.close()


class HQTruth:
    """HQ's own database, read directly: the ops it decided, its ledger, its receipts."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def rows(self, query: str, *args: Any) -> list[tuple[Any, ...]]:
        con = sqlite3.connect(self.path)
        try:
            return con.execute(query, args).fetchall()
        finally:
            con.close()


# ------------------------------------------------------------------ issue 10: rule changes
# HQ changes its points rules and members' tiers while counters have operations queued.
# Kept apart from the rest of the test: one call in run_schedule, one check per schedule.

EARN_REFUSALS = ("points_mismatch", "unknown_rules_version", "tier_not_held")


class RuleChanges:
    """Rule changes (``hq config set``) and tier changes (``hq member tier``) at random points.

    The documents it switches between are all published once before the first schedule,
    so every version a counter may name is one HQ had (also in any backup of HQ's).
    Draws come from their own generator, so the schedules' faults stay as they were.
    """

    def __init__(self, hq: HQ) -> None:
        from counter.rules import DEFAULT_CONFIG
        from hq.config import set_rules
        from hq.db import make_engine

        self.engine = make_engine(hq.url_db)
        self.documents: list[dict[str, Any]] = []
        for ypp, days, gold in (
            (1, [8], "1.5"),
            (2, [8], "1.5"),
            (1, [1, 15], "2.0"),
            (3, [], "1.8"),
        ):
            document = json.loads(json.dumps(DEFAULT_CONFIG))
            document["points"].update(yuan_per_point=ypp, member_days=days)
            document["points"]["tier_multipliers"]["gold"] = gold
            self.documents.append(document)
        with self.engine.begin() as conn:
            for document in [*self.documents[1:], self.documents[0]]:
                set_rules(conn, document)
        self.members = [row[0] for row in HQTruth(hq.root / "hq.db").rows("SELECT id FROM members")]
        self.fired: collections.Counter[str] = collections.Counter()

    def maybe(self, index: int, step: int) -> None:
        from hq.config import set_rules
        from hq.rulebook import set_tier

        rng = random.Random(f"{SEED}/{index}/rules/{step}")
        if rng.random() < 0.3:
            with self.engine.begin() as conn:
                set_rules(conn, rng.choice(self.documents))
            self.fired["rule change"] += 1
        if rng.random() < 0.3:
            set_tier(self.engine, rng.choice(self.members), rng.choice(("basic", "silver", "gold")))
            self.fired["tier change"] += 1

    def close(self) -> None:
        self.engine.dispose()


def check_earns_booked_as_shown(truth: HQTruth, stores: list[Store], where: str) -> None:
    """Every earn a counter showed is booked at HQ with that figure, none refused for its
    rules or tier."""
    for store in stores:
        refused = sql(
            store.ctx,
            "SELECT o.op_id, p.code FROM outbox o JOIN sync_problems p ON p.op_id = o.op_id "
            f"WHERE o.type = 'points.earn' AND p.code IN {EARN_REFUSALS}",
        )
        assert refused == [], f"{where}: {store.code}: earns refused for rules or tier {refused}"
        shown = dict(
            sql(
                store.ctx,
                "SELECT id, delta FROM points_entries WHERE kind = 'earn' AND state = 'applied'",
            )
        )
        earns = sql(
            store.ctx,
            "SELECT op_id, payload FROM outbox WHERE type = 'points.earn' AND state = 'applied'",
        )
        booked = dict(
            truth.rows("SELECT op_id, points FROM receipts WHERE store_code = ?", store.code)
        )
        for op_id, payload in earns:
            body = json.loads(payload)
            figure = shown.get(op_id, body["points"])
            assert booked.get(op_id) == figure == body["points"], (
                f"{where}: {store.code}: earn {op_id} shown {figure}, booked {booked.get(op_id)}"
            )


def rule_change_tally(truth: HQTruth, stores: list[Store]) -> collections.Counter[str]:
    """How the booked earns were computed: under how many rules versions, how many under
    a tier the member no longer has, how many after HQ had replaced their rules."""
    tally: collections.Counter[str] = collections.Counter()
    tiers = dict(truth.rows("SELECT id, tier FROM members"))
    versions: set[str] = set()
    for store in stores:
        query = "SELECT payload FROM outbox WHERE type = 'points.earn' AND state = 'applied'"
        for (payload,) in sql(store.ctx, query):
            body = json.loads(payload)
            versions.add(body.get("rules_version", ""))
            held = tiers.get(body["member_id"], body.get("tier"))
            tally["earns under a tier since changed"] += body.get("tier") != held
    tally["rules versions named"] = len(versions)
    query = "SELECT count(*) FROM receipts WHERE superseded_rules"
    tally["earns under superseded rules"] = truth.rows(query)[0][0]
    return tally


# ------------------------------------------------------------------ issue 17: care plans
# ``counter simulate`` enrols members in care plans and records task outcomes; HQ keeps
# each enrolment and each outcome once, and ends up with the counter's tasks.


def check_care_once(truth: HQTruth, stores: list[Store], where: str) -> None:
    """One plan per applied ``care.enroll``, one log entry per applied ``care.task``; the
    tasks of a plan none of whose ops was refused are at HQ as at the counter."""
    for store in stores:
        ops = sql(
            store.ctx,
            "SELECT op_id, type, state, payload FROM outbox WHERE type LIKE 'care.%'",
        )
        applied = {t: {o for o, ty, st, _ in ops if ty == t and st == "applied"} for t in
                   ("care.enroll", "care.task")}  # fmt: skip
        plans = truth.rows("SELECT op_id FROM care_plans WHERE store_code = ?", store.code)
        assert sorted(r[0] for r in plans) == sorted(applied["care.enroll"]), (
            f"{where}: {store.code}: HQ's care plans ≠ the applied enrolments"
        )
        log = truth.rows("SELECT id FROM care_task_log WHERE store_code = ?", store.code)
        assert sorted(r[0] for r in log) == sorted(applied["care.task"]), (
            f"{where}: {store.code}: HQ's care task log ≠ the applied outcomes"
        )
        spoiled = {json.loads(p)["plan_id"] for _, _, st, p in ops if st != "applied"}
        here = sql(
            store.ctx,
            "SELECT id, plan_id, status, due_on, attempts FROM care_tasks ORDER BY id",
        )
        there = {
            r[0]: (r[1], r[2], str(r[3]), r[4])
            for r in truth.rows("SELECT id, plan_id, status, due_on, attempts FROM care_tasks")
        }
        for task_id, plan_id, status, due_on, attempts in here:
            if plan_id not in spoiled:
                assert there.get(task_id) == (plan_id, status, str(due_on), attempts), (
                    f"{where}: {store.code}: care task {task_id} differs at HQ"
                )


# ------------------------------------------------------------------ the fault schedules


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Path]:
    """A directory in memory if the machine has one: thousands of durable commits (fsync)
    would otherwise take most of the time. The files are real SQLite files all the same."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path
        return
    root = Path(tempfile.mkdtemp(prefix="counter-chaos-", dir=shm))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def world(scratch: Path) -> Iterator[tuple[HQ, FaultProxy, list[Store]]]:
    hq = HQ(scratch / "hq")
    hq.seed(40)
    hq.start()
    proxy = FaultProxy(hq.url)
    stores: list[Store] = []
    try:
        for code in STORES:
            token = hq.token(code)
            counter = Counter(scratch / f"counter-{code}", code, proxy.url, token)
            hq.counters.append(counter)
            stores.append(Store(counter, proxy, token))
        yield hq, proxy, stores
    finally:
        for store in stores:
            store.close()
        for counter in hq.counters:
            counter.close()
        proxy.close()
        hq.stop()


def test_hq_holds_each_operation_once_whatever_the_network_does(
    world: tuple[HQ, FaultProxy, list[Store]],
) -> None:
    hq, proxy, stores = world
    truth = HQTruth(hq.root / "hq.db")
    seeded = {r[0] for r in truth.rows("SELECT id FROM members")}
    changes = RuleChanges(hq)  # issue 10
    restores = Restores(hq, changes.engine.dispose)  # issue 9
    for store in stores:
        report = store.sync(store.healed)
        assert report.ok and report.pulled_members == len(seeded), report.errors
    fired: collections.Counter[str] = collections.Counter()
    lost_schedules = 0
    started = time.monotonic()
    print(f"\nchaos: seed {SEED}, {SCHEDULES} schedules")
    for index in range(SCHEDULES):
        where = (
            f"seed {SEED}, schedule {index} (replay: COUNTER_CHAOS_SEED={SEED} "
            f"COUNTER_CHAOS_SCHEDULES={index + 1})"
        )
        run_schedule(index, proxy, stores, changes, restores)
        proxy.heal()
        assert proxy.wait_idle(), where
        counts, lost = proxy.take_counts()
        fired += counts
        lost_schedules += lost > 0
        settle(stores, where)
        check(truth, seeded, stores, proxy, where, restored=restores.count > 0)
        check_earns_booked_as_shown(truth, stores, where)
        check_care_once(truth, stores, where)
        assert proxy.hq_failures == [], f"{where}: HQ itself failed: {proxy.hq_failures}"
    elapsed = time.monotonic() - started
    changed = rule_change_tally(truth, stores)
    ops = sum(sql(s.ctx, "SELECT count(*) FROM outbox")[0][0] for s in stores)
    tally = sum((s.tally for s in stores), collections.Counter[str]())
    applied = collections.Counter[str]()
    for s in stores:
        applied.update(
            dict(
                sql(
                    s.ctx, "SELECT type, count(*) FROM outbox WHERE state = 'applied' GROUP BY type"
                )
            )
        )
    print(
        f"chaos: {SCHEDULES} schedules, {ops} operations, {proxy.requests} requests, "
        f"{elapsed:.1f} s; ops answers lost after HQ applied them in {lost_schedules} "
        f"schedules\nchaos: syncs {dict(sorted(tally.items()))}"
        f"\nchaos: applied {dict(sorted(applied.items()))}"
        f"\nchaos: faults {dict(sorted(fired.items()))}"
        f"\nchaos: rules {dict(changes.fired)}, {dict(changed)}"
        f"\nchaos: HQ restored from a snapshot {restores.count} times "
        f"({restores.renewed} with hq epoch renew)"
    )
    care = collections.Counter(
        f"{t} {st}"
        for st_ in stores
        for t, st in sql(st_.ctx, "SELECT type, state FROM outbox WHERE type LIKE 'care.%'")
    )
    print(f"chaos: care ops {dict(sorted(care.items()))}")  # issue 17
    changes.close()
    # The test must not pass by injecting nothing.
    assert sum(fired[k] for k in KINDS) > 0
    if SCHEDULES >= 100:
        wanted = [*KINDS, *(f"status {s}" for s in STATUSES), "malformed after"]
        wanted += ["refused connection", "after HQ answered"]
        assert [k for k in wanted if not fired[k]] == [], fired
        assert any(fired[f"status {s} after"] for s in STATUSES), fired
        assert lost_schedules >= SCHEDULES // 5, (lost_schedules, fired)
        # Refunds and activity points went through the faults too (issue 15).
        assert applied["points.reverse"] > 0 and applied["points.award"] > 0, applied
        # Redemptions named the catalogue's rewards through the faults too.
        assert applied["points.redeem"] > 0, applied
        # HQ's stored outcomes answered re-sends, and re-pointing ran under faults.
        assert tally["replayed"] > 0 and tally["repointed"] > 0, tally
        # Rules and tiers changed under queued earns, and those earns were booked as shown.
        assert changes.fired["rule change"] > 0 and changes.fired["tier change"] > 0
        assert changed["rules versions named"] >= 3, changed
        assert changed["earns under a tier since changed"] > 0, changed
        assert care["care.enroll applied"] > 0 and care["care.task applied"] > 0, care
        if RESTORE_RATE >= 0.03:
            assert restores.count > restores.renewed > 0, "no silent and renewed restores"


# ------------------------------------------------------------------ HQ restored (issue 9)
# Now and then HQ is stopped and restarted from a snapshot of its database taken earlier in
# the same schedule (between two rounds, no sync in flight), silently or followed by
# `hq epoch renew`. Drawn from its own random stream: the schedules' faults stay the same.
RESTORE_RATE = float(os.environ.get("COUNTER_CHAOS_RESTORES", "0.05"))


@dataclass(frozen=True)
class RestorePlan:
    snapshot_before: int  # the round before which the snapshot is taken
    put_back_after: int  # the round after which HQ is restarted from it
    renew: bool


class Restores:
    def __init__(self, hq: HQ, release: Callable[[], None] = lambda: None) -> None:
        self.hq = hq
        self.release = release  # closes other connections to HQ's database (issue 10's)
        self.db = hq.root / "hq.db"
        self.snapshot_path = hq.root / "hq-snapshot.db"
        self.count = 0
        self.renewed = 0

    def plan(self, index: int, rounds: int) -> RestorePlan | None:
        rng = random.Random(f"{SEED}/{index}/restore")
        if rng.random() >= RESTORE_RATE:
            return None
        before = rng.randrange(rounds)
        return RestorePlan(before, rng.randint(before, rounds - 1), rng.random() < 0.5)

    def snapshot(self) -> None:
        src, dst = sqlite3.connect(self.db), sqlite3.connect(self.snapshot_path)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()

    def put_back(self, renew: bool) -> None:
        from hq.restore import renew as renew_epoch

        port = self.hq.server.port
        self.hq.stop()
        self.release()
        for suffix in ("-wal", "-shm"):
            Path(f"{self.db}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.snapshot_path, self.db)
        if renew:
            renew_epoch(self.hq.url_db)
        self.hq.start(port)
        self.count += 1
        self.renewed += renew


# ------------------------------------------------------------------ (end of issue 9's piece)


def run_schedule(
    index: int,
    proxy: FaultProxy,
    stores: list[Store],
    changes: RuleChanges | None = None,
    restores: Restores | None = None,
) -> None:
    """Operations and faulty syncs, all drawn from (SEED, index); ``changes``: issue 10's,
    ``restores``: issue 9's."""
    rng = random.Random(f"{SEED}/{index}")
    active = list(stores) if rng.random() < 0.6 else [rng.choice(stores)]
    proxy.schedule = Schedule(
        rng.randrange(2**32), rate=rng.choice((0.15, 0.3, 0.5)), read_timeout_s=READ_TIMEOUT_S
    )
    push_batch = rng.choice((2, 5, 500))
    prefetch = rng.random() < 0.3
    rounds = rng.randint(1, 2)
    twice = len(active) == 2 and rng.random() < 0.2
    spend = len(active) == 2 and rng.random() < 0.3
    restore = restores.plan(index, rounds) if restores is not None else None  # issue 9
    for r in range(rounds):
        if restore is not None and r == restore.snapshot_before:
            restores.snapshot()  # type: ignore[union-attr]
        for step, store in enumerate(active):
            simulate(store.ctx, rng.randint(1, 6), rng.randrange(10**9))
            if changes is not None:
                changes.maybe(index, 2 * r + step)
        if spend and r == 0:
            spend_twice(rng, active)
        if twice and r == rounds - 1:
            register_twice(index, rng, active)
        if len(active) == 2 and rng.random() < 0.5:
            with ThreadPoolExecutor(2) as pool:
                list(
                    pool.map(
                        lambda s: s.sync(s.faulty, push_batch=push_batch, prefetch=prefetch),
                        active,
                    )
                )
        else:
            for store in active:
                store.sync(store.faulty, push_batch=push_batch, prefetch=prefetch)
        if restore is not None and r == restore.put_back_after:
            restores.put_back(restore.renew)  # type: ignore[union-attr]


def spend_twice(rng: random.Random, active: list[Store]) -> None:
    """Both stores redeem, online, most of one member's balance: HQ refuses the second."""
    query = "SELECT id FROM members WHERE points > 0 AND status = 'active' ORDER BY id"
    members = [row[0] for row in sql(active[0].ctx, query)]
    if not members:
        return
    member_id = rng.choice(members)
    for store in active:
        shown = services.get_member(store.ctx, store.counter.actor, member_id).points_shown
        if shown > 0:
            services.redeem_points(
                store.ctx, store.counter.actor, member_id, max(1, shown * 3 // 4), "换购", True
            )


def register_twice(index: int, rng: random.Random, active: list[Store]) -> None:
    """The same person registered at both stores while offline, with a sale at each.

    HQ keeps whichever registration comes first; the other store's sale is re-pointed.
    Done after the schedule's simulated operations, so that no complaint is logged for
    the local member HQ will refuse (HQ does not check a complaint's member: docs/sync.md).
    """
    phone = f"17{rng.randrange(10**9):09d}"
    for store in active:
        ctx, actor = store.ctx, store.counter.actor
        view = services.register_member(
            ctx, actor, services.MemberForm(name="重复登记", phone=phone)
        )
        services.earn_points(
            ctx, actor, view.id, f"TWICE-{SEED}-{index}", ctx.clock() - dt.timedelta(minutes=5),
            [services.SaleLine("otc", 8_800)], [services.Tender("cash", 8_800)],
        )  # fmt: skip


def settle(stores: list[Store], where: str) -> None:
    """Sync every counter until a pass in which only the first one pushed anything.

    Then every pull of that pass came after the last change to HQ: each cache saw all of
    it. The counter with the most ops left goes first, so one pass is often enough.
    """
    reports: list[SyncReport] = []
    for _ in range(MAX_QUIET_PASSES):
        pending = {s.code: sql(s.ctx, PENDING)[0][0] for s in stores}
        order = sorted(stores, key=lambda s: -pending[s.code])
        reports = [s.sync(s.healed) for s in order]
        if all(r.ok for r in reports) and all(r.pushed == 0 for r in reports[1:]):
            return
    moving = [(r.pushed, r.errors) for r in reports]
    pytest.fail(f"{where}: no quiet pass after healing (pushed, errors): {moving}")


def check(
    truth: HQTruth,
    seeded: set[str],
    stores: list[Store],
    proxy: FaultProxy,
    where: str,
    *,
    restored: bool = False,
) -> None:
    def fail(text: str) -> str:
        tail = [entry for entry in list(proxy.log)[-40:] if entry[2]]
        return f"{where}: {text}; last faults: {tail}"

    registered: set[str] = set()
    for store in stores:
        code = store.code
        outbox = sql(
            store.ctx,
            "SELECT op_id, type, state, payload, superseded_by, member_id FROM outbox",
        )
        states = collections.Counter(row[2] for row in outbox)
        # 2. nothing lost
        assert states["pending"] == 0, fail(f"{code}: pending ops after healing {states}")
        problems = {r[0] for r in sql(store.ctx, "SELECT op_id FROM sync_problems")}
        op_ids = {row[0] for row in outbox}
        for op_id, op_type, state, _payload, superseded_by, _member in outbox:
            if state == "rejected":
                assert op_id in problems, fail(f"{code}: rejected {op_type} {op_id} not listed")
            if state == "superseded":
                assert superseded_by in op_ids, fail(f"{code}: {op_id} lost its replacement")
        # 1. HQ holds each op exactly once, with the counter's outcome
        at_hq = {
            op_id: (status, store_code)
            for op_id, status, store_code in truth.rows(
                "SELECT op_id, status, store_code FROM ops WHERE store_code = ?", code
            )
        }
        assert set(at_hq) <= op_ids, fail(f"{code}: HQ has ops this counter never made")
        for op_id, op_type, state, _payload, _by, _member in outbox:
            if state == "superseded":  # never sent, or refused: its replacement carries it
                got = at_hq.get(op_id, ("not sent",))[0]
                assert got != "applied", fail(f"{code}: superseded {op_id} applied at HQ")
            elif restored and state == "rejected" and op_id not in at_hq:
                continue  # its refusal was lost with HQ's data; it had no effect (issue 9)
            else:
                assert at_hq.get(op_id) == (state, code), fail(
                    f"{code}: {op_type} {op_id} is {state} here, {at_hq.get(op_id)} at HQ"
                )
        booked = {
            op_id: (delta, receipt)
            for op_id, delta, receipt in truth.rows(
                "SELECT op_id, delta, receipt_no FROM points_ledger WHERE store_code = ?", code
            )
        }
        want: dict[str, tuple[int, Any]] = {}
        earned: list[tuple[str, int]] = []
        for op_id, op_type, state, payload, _by, member_id in outbox:
            if state != "applied":
                continue
            body = json.loads(payload)
            if op_type == "points.earn":
                want[op_id] = (body["points"], body["receipt_no"])
                earned.append((body["receipt_no"], 1))
            elif op_type == "points.redeem":
                want[op_id] = (-body["points"], body.get("receipt_no"))
            elif op_type == "points.reverse":  # HQ took back what the counter showed
                want[op_id] = (-body["points"], body["receipt_no"])
            elif op_type == "points.award":
                want[op_id] = (body["points"], None)
            elif op_type == "member.register":
                registered.add(member_id)
        assert booked == want, fail(f"{code}: HQ's ledger differs from the applied points ops")
        # Each applied redemption booked the reward and quantity the counter named.
        rewards_at_hq = {
            op_id: (reward, quantity)
            for op_id, reward, quantity in truth.rows(
                "SELECT op_id, reward_code, reward_quantity FROM points_ledger "
                "WHERE store_code = ? AND kind = 'redeem'",
                code,
            )
        }
        rewards_named = {
            op_id: (body.get("reward"), body.get("quantity", 1) if body.get("reward") else None)
            for op_id, op_type, state, payload, _by, _member in outbox
            if op_type == "points.redeem" and state == "applied"
            for body in (json.loads(payload),)
        }
        assert rewards_at_hq == rewards_named, fail(f"{code}: HQ's rewards differ from the ops")
        receipts = truth.rows(
            "SELECT receipt_no, count(*) FROM receipts WHERE store_code = ? GROUP BY receipt_no",
            code,
        )
        assert sorted(receipts) == sorted(earned), fail(
            f"{code}: receipts differ from applied earns"
        )
    members_at_hq = {r[0] for r in truth.rows("SELECT id FROM members")}
    assert members_at_hq - seeded == registered, fail("HQ's members ≠ registrations applied")
    # 3. the cache equals HQ
    records = hq_members(stores[0].ctx)
    expected = as_cached(records)
    for store in stores:
        assert cache_members(store.ctx) == expected, fail(f"{store.code}: cache ≠ HQ")
        hq_complaints = truth.rows(
            "SELECT id, status, seq FROM complaints WHERE store_code = ? ORDER BY id", store.code
        )
        cached = sql(
            store.ctx,
            "SELECT id, status, hq_seq FROM complaints WHERE store_code = ? ORDER BY id",
            store.code,
        )
        assert cached == hq_complaints, fail(f"{store.code}: complaints ≠ HQ")
        on_top = sql(
            store.ctx,
            "SELECT count(*) FROM points_entries e JOIN members m ON m.id = e.member_id "
            "WHERE e.state = 'pending' OR (e.state = 'applied' AND e.hq_seq > m.hq_seq)",
        )
        assert on_top == [(0,)], fail(f"{store.code}: shown balances ≠ HQ's")
