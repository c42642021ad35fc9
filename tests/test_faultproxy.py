"""Each fault of tests/faultproxy.py against the real HQClient and the real HQ.

What the client does with it: a fault before HQ saw the request is retried and applied
once (``replayed`` false); a fault after HQ applied it is either retried or reported, and
the next send is answered from HQ's stored outcome (``replayed`` true). Either way HQ
holds the operation once: one row in its ``ops`` table, one ledger entry, one receipt.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from faultproxy import KINDS, Fault, FaultProxy, Schedule
from sync_helpers import HQ, Counter

from counter import services
from counter.sync.client import HQClient, HQProtocolError, HQUnavailable, RetryPolicy
from counter.sync.push import next_batch

# Generous enough for HQ's own work on a busy machine: the faults, not HQ, time out.
READ_TIMEOUT_S = 1.0


@dataclass
class Rig:
    hq: HQ
    proxy: FaultProxy
    client: HQClient
    counter: Counter
    delays: list[float]
    made: int = 0

    def batch(self) -> list[dict[str, Any]]:
        """A registration and a sale for the new member: two ops, one ledger entry."""
        ctx, actor = self.counter.ctx, self.counter.actor
        self.made += 1
        n = self.made
        view = services.register_member(
            ctx, actor, services.MemberForm(name="赵敏", phone=f"1391234{n:04d}")
        )
        services.earn_points(
            ctx, actor, view.id, f"FP-{n}", ctx.clock(),
            [services.SaleLine("otc", 5_000)], [services.Tender("cash", 5_000)],
        )  # fmt: skip
        return next_batch(ctx)

    def at_hq(self, query: str, *args: Any) -> list[tuple[Any, ...]]:
        con = sqlite3.connect(self.hq.root / "hq.db")
        try:
            return con.execute(query, args).fetchall()
        finally:
            con.close()

    def held_once(self, batch: list[dict[str, Any]]) -> None:
        """HQ decided every op of the batch exactly once, and booked the sale once."""
        ids = [op["op_id"] for op in batch]
        marks = ",".join("?" * len(ids))
        stored = self.at_hq(f"SELECT op_id, status FROM ops WHERE op_id IN ({marks})", *ids)
        assert sorted(stored) == sorted((i, "applied") for i in ids)
        earn = batch[1]
        ledger = self.at_hq("SELECT delta FROM points_ledger WHERE op_id = ?", earn["op_id"])
        assert ledger == [(earn["payload"]["points"],)]
        receipt = earn["payload"]["receipt_no"]
        assert self.at_hq("SELECT count(*) FROM receipts WHERE receipt_no = ?", receipt) == [(1,)]


@pytest.fixture
def rig(hq: HQ) -> Iterator[Rig]:
    with FaultProxy(hq.url) as proxy:
        delays: list[float] = []
        client = HQClient(
            proxy.url,
            hq.token("S001"),
            retry=RetryPolicy(attempts=3, base_s=0.0, cap_s=30.0),
            sleep=delays.append,
            timeouts=(0.5, READ_TIMEOUT_S),
        )
        yield Rig(hq, proxy, client, hq.counter("S001"), delays)
        client.close()


def test_a_healed_proxy_is_transparent_and_faults_hit_single_requests(rig: Rig) -> None:
    """Faults are per request, also on one kept-alive connection."""
    assert rig.client.health().epoch
    rig.proxy.script(Fault("status", status=502), path="/v1/config")
    assert rig.client.config().body is not None  # retried once
    assert rig.client.member_changes(None).has_more is False
    batch = rig.batch()
    results = rig.client.push_ops(batch)
    assert [r["status"] for r in results] == ["applied", "applied"]
    assert [(m, p, f) for m, p, f in rig.proxy.log] == [
        ("GET", "/v1/health", ""),
        ("GET", "/v1/config", "status 502"),
        ("GET", "/v1/config", ""),
        ("GET", "/v1/members/changes", ""),
        ("POST", "/v1/ops", ""),
    ]
    assert rig.proxy.connections == 1  # a 502 does not cost the connection
    assert rig.delays == [0.0]
    rig.held_once(batch)


@pytest.mark.parametrize(
    "fault",
    [
        Fault("latency", delay_s=0.05),
        Fault("reset_request", cut=0.1),  # HQ got part of the headers
        Fault("reset_request", cut=0.95),  # HQ got the headers and part of the body
        Fault("refuse", cut=0.0),  # this connection and the next one are reset
        Fault("status", status=500),
        Fault("status", status=502),
        Fault("status", status=503, retry_after="3"),
        Fault("status", status=429, retry_after="7"),
        Fault("drip", delay_s=READ_TIMEOUT_S / 10),  # slow, but within the read timeout
    ],
    ids=lambda f: f.label().replace(" ", "-"),
)
def test_a_fault_before_hq_decided_is_retried_and_applied_once(rig: Rig, fault: Fault) -> None:
    """HQ never saw the request (or the client rode the fault out: a short delay, a drip
    within its read timeout): the batch is applied once, as a first outcome."""
    batch = rig.batch()
    rig.proxy.script(fault, path="/v1/ops")
    results = rig.client.push_ops(batch)
    assert [r["status"] for r in results] == ["applied", "applied"]
    assert not any(r["replayed"] for r in results)  # HQ never saw (or never lost) an answer
    counts, lost = rig.proxy.take_counts()
    assert counts[fault.kind] >= 1 and lost == 0
    if fault.retry_after is not None:
        assert rig.delays == [float(fault.retry_after)]  # Retry-After honoured
    if fault.kind == "refuse":
        assert counts["refused connection"] == 1 and len(rig.delays) == 2
    rig.held_once(batch)


@pytest.mark.parametrize(
    "fault",
    [
        Fault("reset_response", cut=0.05),  # part of the status line
        Fault("reset_response", cut=0.9),  # the headers and part of the body
        Fault("truncate", cut=0.0),  # the headers, then no body at all
        Fault("truncate", cut=0.7),  # less body than Content-Length says
        Fault("drip", delay_s=READ_TIMEOUT_S * 1.2),  # trips the read timeout
        Fault("status", status=500, after=True),
        Fault("status", status=503, retry_after="1", after=True),
        Fault("status", status=429, retry_after="0", after=True),
    ],
    ids=lambda f: f"{f.label().replace(' ', '-')}-{f.cut}",
)
def test_an_answer_lost_after_hq_applied_is_retried_and_replayed(rig: Rig, fault: Fault) -> None:
    """The key idempotency case: HQ applied the batch, the client never saw it."""
    batch = rig.batch()
    rig.proxy.script(fault, path="/v1/ops")
    results = rig.client.push_ops(batch)
    assert [(r["status"], r["replayed"]) for r in results] == [("applied", True)] * 2
    assert rig.proxy.take_counts()[1] == 1
    assert len(rig.delays) == 1
    rig.held_once(batch)


@pytest.mark.parametrize(
    "fault",
    [
        Fault("malformed", cut=0.1, after=True),
        Fault("malformed", cut=0.5, after=True),
    ],
    ids=lambda f: f"{f.label().replace(' ', '-')}-{f.cut}",
)
def test_junk_after_hq_applied_fails_and_the_resend_is_replayed(rig: Rig, fault: Fault) -> None:
    """Not retried at once (a junk answer is not "try later"), reported, and safe to resend."""
    batch = rig.batch()
    rig.proxy.script(fault, path="/v1/ops")
    with pytest.raises(HQProtocolError):
        rig.client.push_ops(batch)
    assert rig.proxy.take_counts()[1] == 1 and rig.delays == []
    results = rig.client.push_ops(batch)
    assert [(r["status"], r["replayed"]) for r in results] == [("applied", True)] * 2
    rig.held_once(batch)


def test_junk_instead_of_an_answer_is_a_protocol_error_and_hq_saw_nothing(rig: Rig) -> None:
    batch = rig.batch()
    rig.proxy.script(Fault("malformed", cut=0.5), path="/v1/ops")
    with pytest.raises(HQProtocolError):
        rig.client.push_ops(batch)
    ids = [op["op_id"] for op in batch]
    assert rig.at_hq("SELECT count(*) FROM ops WHERE op_id IN (?, ?)", *ids) == [(0,)]
    assert [r["replayed"] for r in rig.client.push_ops(batch)] == [False, False]
    rig.held_once(batch)


def test_faults_that_outlast_the_retries_are_hq_unavailable(rig: Rig) -> None:
    rig.proxy.script(*[Fault("status", status=503, retry_after="2")] * 3, path="/v1/health")
    with pytest.raises(HQUnavailable):
        rig.client.health()
    assert rig.delays == [2.0, 2.0]
    rig.proxy.script(Fault("refuse", cut=1.0), path="/v1/health")  # 1 + 2 resets
    with pytest.raises(HQUnavailable):
        rig.client.health()
    assert rig.proxy.take_counts()[0]["refused connection"] == 2
    rig.proxy.heal()
    assert rig.client.health().epoch


def test_a_schedule_is_seeded_and_draws_every_kind() -> None:
    one, two, other = Schedule(7, rate=0.5), Schedule(7, rate=0.5), Schedule(8, rate=0.5)
    draws = [one("POST", "/v1/ops") for _ in range(400)]
    assert draws == [two("POST", "/v1/ops") for _ in range(400)]
    assert draws != [other("POST", "/v1/ops") for _ in range(400)]
    faults = [f for f in draws if f is not None]
    assert 120 < len(faults) < 280
    assert {f.kind for f in faults} == set(KINDS)
    assert {f.status for f in faults if f.kind == "status"} == {500, 502, 503, 429}
    assert any(f.after for f in faults if f.kind == "status")
