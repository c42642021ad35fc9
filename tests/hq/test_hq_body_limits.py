"""HQ cannot be exhausted without a token (issue 8 item 4): raw HTTP on a real socket.

The store is authenticated before a byte of the body is read, and a body over the limit is
413 in the contract's error shape: at once when ``Content-Length`` says so, as soon as it
grows past the limit when it is chunked. The requests below send only the start of what
they announce: an answer at all proves HQ did not wait for (or read) the rest.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from hqkit import HQEnv, Store

from hq.app import create_app
from hq.body import DEFAULT_MAX_BODY_BYTES, MAX_BODY_ENV, max_body_bytes
from hq.db import init_db
from hq.server import RunningHQ, start_in_thread
from hq.stores import add_store

LIMIT = 64 * 1024
GUARD_S = 30  # only against a hang: every answer here comes as soon as the head is read


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningHQ, str]]:
    """HQ with a 64 KiB body limit, and a store's token."""
    engine = init_db(f"sqlite:///{tmp_path_factory.mktemp('limits') / 'hq.db'}")
    token = add_store(engine, "S1", "门店S1")
    running = start_in_thread(engine, app=create_app(engine, max_body_bytes=LIMIT))
    try:
        yield running, token
    finally:
        running.stop()
        engine.dispose()


def exchange(port: int, head: str, body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    """Send ``head`` and ``body`` (a part of what the head announces), read one answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=GUARD_S) as sock:
        sock.sendall(head.encode("latin-1") + b"\r\n" + body)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            assert chunk, f"HQ closed without an answer: {data!r}"
            data += chunk
        raw_head, rest = data.split(b"\r\n\r\n", 1)
        lines = raw_head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.lower(): v.strip() for k, v in (x.split(":", 1) for x in lines[1:])}
        length = int(headers.get("content-length", "0"))
        while len(rest) < length:
            chunk = sock.recv(65536)
            assert chunk, "HQ closed in the middle of its answer"
            rest += chunk
        return status, headers, rest[:length]


def request_head(path: str, *, token: str | None, length: int | None) -> str:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json"]
    if token is not None:
        lines.append(f"Authorization: Bearer {token}")
    lines.append(
        f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked"
    )
    return "\r\n".join(lines) + "\r\n"


def error_of(body: bytes) -> dict[str, object]:
    error: dict[str, object] = json.loads(body)["error"]
    assert set(error) == {"code", "message", "details"}
    return error


@pytest.mark.parametrize("path", ["/v1/ops", "/v1/member-app/code"])
@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_without_a_valid_token_a_huge_body_is_401_before_it_is_read(
    small: tuple[RunningHQ, str], path: str, token: str | None
) -> None:
    server, _ = small
    head = request_head(path, token=token, length=50 * 1024 * 1024)
    status, headers, body = exchange(server.port, head, b'{"ops": [' + b" " * 1024)
    assert status == 401
    assert error_of(body)["code"] in ("unauthorized", "invalid_token")
    assert headers["connection"] == "close"  # the 50 MB are not drained either


def test_with_a_token_a_body_declared_too_large_is_413_at_once(
    small: tuple[RunningHQ, str],
) -> None:
    server, token = small
    status, headers, body = exchange(
        server.port, request_head("/v1/ops", token=token, length=LIMIT + 1), b"{"
    )
    assert status == 413
    error = error_of(body)
    assert (error["code"], error["details"]) == ("body_too_large", {"limit_bytes": LIMIT})
    assert headers["connection"] == "close"


def test_a_chunked_body_is_413_as_soon_as_it_passes_the_limit(
    small: tuple[RunningHQ, str],
) -> None:
    """No Content-Length: HQ counts as it reads; the terminating chunk is never sent."""
    server, token = small
    pieces = [b'{"ops":['] + [b" " * 8192] * (LIMIT // 8192 + 1)
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces)
    status, _headers, body = exchange(
        server.port, request_head("/v1/ops", token=token, length=None), chunks
    )
    assert status == 413
    assert error_of(body)["code"] == "body_too_large"


def test_a_body_under_the_limit_is_taken_chunked_or_not(small: tuple[RunningHQ, str]) -> None:
    server, token = small
    store = Store(server.url, token, "S1")
    ops = [store.register() for _ in range(100)]
    body = json.dumps({"ops": ops}).encode()
    assert len(body) < LIMIT
    resp = store.session.post(
        server.url + "/v1/ops", data=iter([body[:1000], body[1000:]]),  # chunked
        headers={"Content-Type": "application/json"}, timeout=GUARD_S,
    )  # fmt: skip
    assert resp.status_code == 200, resp.text
    assert [r["status"] for r in resp.json()["results"]] == ["applied"] * 100
    again = store.session.post(server.url + "/v1/ops", data=body, timeout=GUARD_S)
    assert [r["replayed"] for r in again.json()["results"]] == [True] * 100


def test_malformed_bodies_are_still_422(small: tuple[RunningHQ, str]) -> None:
    server, token = small
    store = Store(server.url, token, "S1")
    for data in (b"{not json", b"\xff\xfe\x00", b"[" * 100_000 + b"]" * 100_000, b""):
        resp = store.session.post(server.url + "/v1/ops", data=data, timeout=GUARD_S)
        assert resp.status_code in (413, 422), resp.text
        assert resp.json()["error"]["code"] in ("validation_failed", "body_too_large")
    deep = b"[" * 30_000 + b"]" * 30_000  # under the limit, nested beyond reason
    resp = store.session.post(server.url + "/v1/ops", data=deep, timeout=GUARD_S)
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "validation_failed"


def test_the_default_limit_takes_a_full_batch_of_large_ops(hq_env: HQEnv) -> None:
    """8 MiB by default: 500 complaints with 1,000-character descriptions go in one batch."""
    s1 = hq_env.store("S1")
    ops = [s1.complaint(description="排队" * 500) for _ in range(500)]
    assert len(json.dumps({"ops": ops}, ensure_ascii=False).encode()) > 1_000_000
    results = s1.push(*ops)
    assert {r["status"] for r in results} == {"applied"}


def test_the_limit_comes_from_the_app_the_environment_or_the_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(MAX_BODY_ENV, raising=False)
    assert max_body_bytes() == DEFAULT_MAX_BODY_BYTES == 8 * 1024 * 1024
    monkeypatch.setenv(MAX_BODY_ENV, "1048576")
    assert max_body_bytes() == 1048576
    assert max_body_bytes(4096) == 4096
    monkeypatch.setenv(MAX_BODY_ENV, "lots")
    with pytest.raises(ValueError, match=MAX_BODY_ENV):
        max_body_bytes()
    from hq.cli import main

    assert main(["serve", "--db", f"sqlite:///{tmp_path / 'hq.db'}", "--port", "0"]) == 1
