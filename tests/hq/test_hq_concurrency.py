"""Two real HQ processes on one database, several stores pushing at once (DESIGN §3).

Stores push batches to either process; some batches go to both at the same moment (a
counter retrying against another HQ behind a load balancer). Meanwhile a reader pages
through the change feed in small pages. Afterwards: every op applied exactly once, seqs
unique, the reader's incremental copy equal to a fresh full download (no change skipped),
and every balance equal to its ledger's sum. Runs on SQLite and, when
$HQ_TEST_POSTGRES_URL is set, on PostgreSQL; bounded to a few seconds.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import selectors
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hqkit import Databases, Store, seqs
from sqlalchemy import func, select

from counter.contract import parse_member_record
from hq.db import init_db
from hq.models import Member, PointsEntry, StoredOp
from hq.seed import seed_members
from hq.stores import add_store

STORES = ("C1", "C2", "C3", "C4")
BATCHES_PER_STORE = 6
OPS_PER_BATCH = 25
MEMBERS = 40
DEADLINE_S = 60.0
REPO = Path(__file__).resolve().parents[2]


def start_process(db_url: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "hq", "serve", "--db", db_url, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert proc.stdout is not None
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        if not sel.select(30):
            proc.kill()
            raise AssertionError("hq serve did not start")
    line = proc.stdout.readline()
    assert "HQ serving" in line, line + (proc.stderr.read() if proc.stderr else "")
    return proc, line.split(" on ")[1].split()[0]


@pytest.fixture
def two_processes(databases: Databases) -> Iterator[tuple[str, list[str], dict[str, str]]]:
    db_url = databases.new_url()
    engine = init_db(db_url)
    seed_members(engine, MEMBERS)
    tokens = {code: add_store(engine, code, f"门店{code}") for code in STORES}
    engine.dispose()
    procs = [start_process(db_url) for _ in range(2)]
    try:
        yield db_url, [url for _, url in procs], tokens
    finally:
        for proc, _ in procs:
            proc.terminate()
        for proc, _ in procs:
            try:
                proc.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()


def _ops_for(
    store: Store, members: list[dict[str, Any]], batch: int, rng: random.Random
) -> list[dict[str, Any]]:
    ops: list[dict[str, Any]] = []
    for n in range(OPS_PER_BATCH):
        member = rng.choice(members)
        roll = rng.random()
        if roll < 0.55:
            earn = store.earn(
                member["id"],
                f"{store.code}-{batch}-{n}",
                rng.randint(100, 30_000),
                tier=member["tier"],
                birthday=member["birthday_date"],
            )
            # as a 1.1 counter names it: HQ may raise the tier meanwhile (spend thresholds)
            earn["payload"].update(tier=member["tier"], tier_seq=member["seq"])
            ops.append(earn)
        elif roll < 0.85:
            ops.append(store.redeem(member["id"], rng.randint(1, 50), offline=True))
        elif roll < 0.95:
            ops.append(store.register())
        else:
            ops.append(store.complaint())
    return ops


def test_two_hq_processes_many_stores_every_op_once(
    two_processes: tuple[str, list[str], dict[str, str]],
) -> None:
    db_url, urls, tokens = two_processes
    rng = random.Random(20261123)
    reader = Store(urls[0], tokens["C1"], "C1")
    members, _ = reader.pull()
    for m in members:
        birthday = parse_member_record(m)["birthday"]
        m["birthday_date"] = dt.date.fromisoformat(birthday) if birthday else None
    plans: list[tuple[str, int, list[dict[str, Any]], bool]] = []
    for code in STORES:
        store = Store(urls[0], tokens[code], code)
        for b in range(BATCHES_PER_STORE):
            plans.append((code, b, _ops_for(store, members, b, rng), rng.random() < 0.4))
    answers: dict[str, list[dict[str, Any]]] = defaultdict(list)
    answers_lock = threading.Lock()
    stop = threading.Event()
    deadline = time.monotonic() + DEADLINE_S

    def push(code: str, url: str, ops: list[dict[str, Any]]) -> None:
        client = Store(url, tokens[code], code)
        results = client.push(*ops)
        with answers_lock:
            for result in results:
                answers[result["op_id"]].append(result)

    def run_store(code: str) -> None:
        mine = [p for p in plans if p[0] == code]
        with ThreadPoolExecutor(2) as both:
            for _, b, ops, twice in mine:
                assert time.monotonic() < deadline
                first = urls[b % 2]
                if twice:  # the same batch to both processes at once
                    futures = [both.submit(push, code, url, ops) for url in urls]
                    for f in futures:
                        f.result()
                else:
                    push(code, first, ops)

    cache: dict[str, dict[str, Any]] = {}
    cursor_box: list[str | None] = [None]
    seen_seqs: list[int] = []

    def read_feed() -> None:
        client = Store(urls[1], tokens["C2"], "C2")
        while not stop.is_set() and time.monotonic() < deadline:
            items, cursor_box[0] = client.pull(cursor=cursor_box[0], limit=7)
            for item in items:
                cache[item["id"]] = item
            seen_seqs.extend(seqs(items))
            time.sleep(0.01)

    reader_thread = threading.Thread(target=read_feed)
    reader_thread.start()
    try:
        with ThreadPoolExecutor(len(STORES)) as pool:
            for f in [pool.submit(run_store, code) for code in STORES]:
                f.result()
    finally:
        stop.set()
        reader_thread.join(30)
    # the reader catches up; its copy must equal a fresh full download
    items, _ = Store(urls[1], tokens["C2"], "C2").pull(cursor=cursor_box[0], limit=7)
    for item in items:
        cache[item["id"]] = item
    seen_seqs.extend(seqs(items))
    assert seen_seqs == sorted(seen_seqs) and len(seen_seqs) == len(set(seen_seqs))
    full, _ = Store(urls[0], tokens["C3"], "C3").pull()
    assert seqs(full) == sorted(seqs(full))
    assert {i["id"]: i for i in full} == cache

    sent = {op["op_id"]: op for _, _, ops, _ in plans for op in ops}
    twice = {op["op_id"] for _, _, ops, both in plans if both for op in ops}
    assert set(answers) == set(sent)
    applied_seqs: list[int] = []
    for op_id, got in answers.items():
        assert all(a["status"] == "applied" for a in got), got
        first = [a for a in got if not a["replayed"]]
        assert len(first) == 1, got  # exactly one process applied it, the other replayed
        assert len(got) == (2 if op_id in twice else 1)
        assert len({a["seq"] for a in got}) == 1
        applied_seqs.append(first[0]["seq"])
    assert len(applied_seqs) == len(set(applied_seqs))

    engine = init_db(db_url)
    try:
        with engine.connect() as conn:
            stored = conn.scalar(select(func.count()).select_from(StoredOp))
            booked = dict(
                conn.execute(
                    select(PointsEntry.op_id, func.count())
                    .where(PointsEntry.op_id.is_not(None))
                    .group_by(PointsEntry.op_id)
                ).all()
            )
            sums = dict(
                conn.execute(
                    select(PointsEntry.member_id, func.sum(PointsEntry.delta)).group_by(
                        PointsEntry.member_id
                    )
                ).all()
            )
            balances = dict(conn.execute(select(Member.id, Member.points)).all())
    finally:
        engine.dispose()
    assert stored == len(sent)
    points_ops = {i for i, op in sent.items() if op["type"].startswith("points.")}
    assert set(booked) == points_ops and set(booked.values()) == {1}
    for member_id, balance in balances.items():
        assert balance == sums.get(member_id, 0)
        assert cache[member_id]["points"] == balance
    for op_id, op in sent.items():
        if op["type"].startswith("points."):
            record = cache[op["payload"]["member_id"]]
            assert record["seq"] >= answers[op_id][0]["seq"]  # the record includes the op


def test_a_duplicate_that_slips_past_the_check_is_caught_by_the_key(
    databases: Databases, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If two writers ever both missed each other's op, the primary key still decides."""
    import hq.ops.batch as ops_module
    from hq.ops import apply_batch

    engine = init_db(databases.new_url())
    try:
        add_store(engine, "C1", "门店")
        store = Store("http://unused", "unused", "C1")
        op = store.register()
        (first,) = apply_batch(engine, "C1", [op])
        # HQ blind to stored outcomes in both its checks, as two racing writers would be
        # without the sequence lock: only the unique key on op_id stops the second
        real = ops_module.read_stored
        calls: list[int] = []

        def blind_twice(conn: Any, ids: Any) -> Any:
            calls.append(1)
            return {} if len(calls) <= 2 else real(conn, ids)

        monkeypatch.setattr(ops_module, "read_stored", blind_twice)
        (second,) = apply_batch(engine, "C1", [op])
        monkeypatch.undo()
        assert len(calls) == 3
        a, b = json.loads(first), json.loads(second)
        assert (a["replayed"], b["replayed"]) == (False, True)
        assert b["entity"] == a["entity"] and b["seq"] == a["seq"]
        with engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(StoredOp)) == 1
            assert conn.scalar(select(func.count()).select_from(Member)) == 1
    finally:
        engine.dispose()
