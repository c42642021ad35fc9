"""What the counter does with answers it can't use: junk, half pages, 5xx, 429.

A tiny local HTTP server stands in for a broken HQ (or whatever sits in between): the
counter must refuse clearly, apply nothing, keep its cursor, and retry only what may be
retried, honouring Retry-After.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sync_helpers import HQ, cache_members, sql

from counter import services
from counter.privacy import mask_name
from counter.services.status import EPOCH_KEY
from counter.sync.client import HQClient, HQProtocolError, HQUnavailable, RetryPolicy
from counter.sync.engine import SyncEngine, sync_once

Answer = tuple[int, dict[str, str], bytes]


class Junk:
    """Answers by path with whatever a test says; records what it was asked."""

    def __init__(self) -> None:
        self.routes: dict[str, Callable[[], Answer]] = {}
        self.hits: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                path = self.path.split("?")[0]
                outer.hits.append(path)
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                status, headers, body = outer.routes.get(path, lambda: (404, {}, b"nope"))()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def json(self, path: str, body: Any, status: int = 200) -> None:
        data = json.dumps(body).encode()
        self.routes[path] = lambda: (status, {"Content-Type": "application/json"}, data)

    def raw(self, path: str, body: bytes, status: int = 200) -> None:
        self.routes[path] = lambda: (status, {"Content-Type": "application/json"}, body)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def junk() -> Iterator[Junk]:
    server = Junk()
    yield server
    server.close()


def no_wait(delays: list[float]) -> Callable[[float], None]:
    return delays.append


def synced_counter_pointed_at(hq: HQ, junk: Junk) -> Any:
    """A counter that synced with the real HQ, then finds junk where HQ was."""
    hq.seed(40)
    c = hq.counter()
    assert sync_once(c.ctx).ok
    with c.ctx.db.read() as s:
        from counter.services.config import kv_get

        epoch = kv_get(s, EPOCH_KEY)
    junk.json("/v1/health", {"status": "ok", "server_time": "2026-11-23T09:30:00Z", "epoch": epoch})
    junk.routes["/v1/config"] = lambda: (304, {}, b"")
    c.ctx.hq_url = junk.url
    return c


@pytest.mark.parametrize(
    "page",
    [
        b'{"items": [{"id": "x"',  # cut off mid-page
        b"<html>502 Bad Gateway</html>",  # not JSON at all (a proxy's page)
        b'{"items": [], "has_more": "yes"}',  # JSON, not the contract's shape
    ],
)
def test_a_page_that_is_not_the_contract_applies_nothing(hq: HQ, junk: Junk, page: bytes) -> None:
    c = synced_counter_pointed_at(hq, junk)
    before_cursor = services.counter_status(c.ctx).cursors
    before = cache_members(c.ctx)
    junk.raw("/v1/members/changes", page)
    junk.json("/v1/complaints/changes", {"items": [], "next_cursor": "c", "has_more": False})
    report = sync_once(c.ctx)
    assert not report.ok and report.pulled_members == 0
    assert report.errors[0].startswith("hq_protocol_error")
    assert services.counter_status(c.ctx).cursors == before_cursor
    assert cache_members(c.ctx) == before


def test_one_malformed_record_refuses_the_whole_page(hq: HQ, junk: Junk) -> None:
    c = synced_counter_pointed_at(hq, junk)
    before_cursor = services.counter_status(c.ctx).cursors
    good = {
        "id": "01890a5d-ac96-774b-bcce-000000000099",
        "seq": 10_000,
        "status": "active",
        "member_no": "1999999999",
        "name": "好记录",
        "phone": "13800009999",
        "tier": "basic",
        "points": 1,
        "updated_at": "2026-11-01T00:00:00Z",
        "cards": [],
    }
    bad = dict(good, id="01890a5d-ac96-774b-bcce-000000000098", phone="12", seq=10_001)
    junk.json("/v1/members/changes", {"items": [good, bad], "next_cursor": "zz", "has_more": False})
    report = sync_once(c.ctx)
    assert not report.ok and "malformed member record" in report.errors[0]
    assert services.counter_status(c.ctx).cursors == before_cursor
    assert good["id"] not in cache_members(c.ctx)


def test_a_junk_answer_to_a_push_records_nothing(hq: HQ, junk: Junk) -> None:
    c = synced_counter_pointed_at(hq, junk)
    member_id = sorted(cache_members(c.ctx))[0]
    services.earn_points(
        c.ctx, c.actor, member_id, "R-1", c.ctx.clock(),
        [services.SaleLine("otc", 1000)], [services.Tender("cash", 1000)],
    )  # fmt: skip
    junk.json("/v1/ops", {"results": [{"op_id": "someone-else", "status": "applied", "seq": 1}]})
    report = sync_once(c.ctx)
    assert not report.ok and report.applied == 0
    (state, attempts, error) = sql(c.ctx, "SELECT state, attempts, last_error FROM outbox")[0]
    assert (state, attempts) == ("pending", 1) and "HQProtocolError" in error
    assert services.counter_status(c.ctx).last_error == error
    # Once HQ is back, the same op goes again, under the same op_id, and is applied.
    c.ctx.hq_url = hq.url
    assert sync_once(c.ctx).applied == 1


def test_retries_back_off_and_honour_retry_after(junk: Junk) -> None:
    answers = iter(
        [
            (503, {"Retry-After": "7"}, b"{}"),
            (429, {"Retry-After": "120"}, b"{}"),  # capped
            (500, {}, b"{}"),
            (200, {}, b'{"status":"ok","server_time":"2026-11-23T09:30:00Z","epoch":"e"}'),
        ]
    )
    junk.routes["/v1/health"] = lambda: next(answers)
    delays: list[float] = []
    client = HQClient(
        junk.url, "t", retry=RetryPolicy(attempts=5, base_s=1.0, cap_s=30), sleep=delays.append
    )
    assert client.health().epoch == "e"
    assert delays[:2] == [7.0, 30.0] and 0 <= delays[2] <= 4.0
    assert junk.hits.count("/v1/health") == 4
    client.close()


def test_attempts_are_bounded_and_4xx_is_not_retried(junk: Junk) -> None:
    junk.routes["/v1/health"] = lambda: (502, {}, b"bad gateway")
    junk.json(
        "/v1/members/changes",
        {"error": {"code": "invalid_cursor", "message": "bad cursor", "details": {}}},
        status=400,
    )
    delays: list[float] = []
    client = HQClient(junk.url, "t", retry=RetryPolicy(attempts=3, base_s=0.5), sleep=delays.append)
    with pytest.raises(HQUnavailable):
        client.health()
    assert junk.hits.count("/v1/health") == 3 and len(delays) == 2
    assert all(0 <= d <= 1.0 for d in delays)
    with pytest.raises(HQProtocolError) as info:
        client.member_changes("c1")
    assert getattr(info.value, "error_code", "") == "invalid_cursor"
    assert junk.hits.count("/v1/members/changes") == 1
    client.close()


def test_no_hq_at_all_is_a_clear_failure(tmp_path: Any, ctx: services.ServiceContext) -> None:
    ctx.hq_url = "http://127.0.0.1:9"  # discard port: connection refused
    engine = SyncEngine(
        ctx, HQClient(ctx.hq_url, None, retry=RetryPolicy(attempts=2), sleep=lambda _s: None)
    )
    report = engine.run_once()
    engine.close()
    assert not report.ok and report.errors[0].startswith("hq_unavailable")
    assert services.counter_status(ctx).last_sync is None


def test_lookup_online_caches_a_member_the_cache_lacks(hq: HQ) -> None:
    hq.seed(5)
    c = hq.counter()
    from sync_helpers import hq_members

    record = next(iter(hq_members(c.ctx).values()))
    card = record["cards"][0]["card_no"]
    assert services.lookup(c.ctx, c.actor, card).outcome == "not_found"
    online = services.lookup_online(c.ctx, c.actor, card)
    assert online.outcome == "found" and online.member is not None
    assert online.member.name == mask_name(record["name"])  # masked for every role
    offline = services.lookup(c.ctx, c.actor, record["phone"])
    assert offline.outcome == "found"
    miss = services.lookup_online(c.ctx, c.actor, "13000000000")
    assert (miss.outcome, miss.reason) == ("not_found", "not_found")
    assert services.lookup_online(c.ctx, c.actor, "张").reason == "not_online_kind"
    c.ctx.hq_url = "http://127.0.0.1:9"
    assert services.lookup_online(c.ctx, c.actor, card).reason == "hq_unavailable"
