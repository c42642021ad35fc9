"""The v1 contract basics over real HTTP: health, request ids, error format, bearer auth."""

from __future__ import annotations

import datetime as dt
import logging
import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from fastapi import FastAPI

from hq.app import create_app
from hq.server import RunningHQ, start_in_thread
from hq.stores import add_store, hash_token

TIMEOUT = 10
RFC3339_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def get(hq: RunningHQ, path: str, **kwargs: Any) -> requests.Response:
    return requests.get(hq.url + path, timeout=TIMEOUT, **kwargs)


def assert_error(resp: requests.Response, status: int, code: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    assert resp.headers["Content-Type"].startswith("application/json")
    assert resp.headers["X-Request-Id"]
    body = resp.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], dict)
    return error


@pytest.fixture(scope="module")
def store_token(hq_server: RunningHQ, server_db: Path, url_of: Callable[[Path], str]) -> str:
    return add_store(url_of(server_db), "SH001", "上海徐汇店")


# ------------------------------------------------------------------ health


def test_health_reports_time_epoch_and_version(hq_server: RunningHQ, server_db: Path) -> None:
    before = dt.datetime.now(dt.UTC)
    resp = get(hq_server, "/v1/health")
    after = dt.datetime.now(dt.UTC)
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == {"status", "server_time", "epoch", "head_seq", "api_version"}
    assert body["status"] == "ok"
    assert body["api_version"] == "1"
    assert RFC3339_Z.match(body["server_time"]), body["server_time"]
    server_time = dt.datetime.fromisoformat(body["server_time"].replace("Z", "+00:00"))
    assert before - dt.timedelta(seconds=1) <= server_time <= after + dt.timedelta(seconds=1)
    conn = sqlite3.connect(server_db)
    try:
        (epoch,) = conn.execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone()
        (head,) = conn.execute("SELECT value FROM sequences WHERE name = 'changes'").fetchone()
    finally:
        conn.close()
    assert body["epoch"] == epoch and epoch
    assert body["head_seq"] == head
    assert UUID_RE.match(resp.headers["X-Request-Id"])


def test_health_epoch_is_stable_across_calls(hq_server: RunningHQ) -> None:
    epochs = {get(hq_server, "/v1/health").json()["epoch"] for _ in range(3)}
    assert len(epochs) == 1


def test_request_id_is_echoed_or_made_fresh(hq_server: RunningHQ) -> None:
    echoed = get(hq_server, "/v1/health", headers={"X-Request-Id": "counter-42-abc"})
    assert echoed.headers["X-Request-Id"] == "counter-42-abc"
    first = get(hq_server, "/v1/health").headers["X-Request-Id"]
    second = get(hq_server, "/v1/health").headers["X-Request-Id"]
    assert UUID_RE.match(first) and UUID_RE.match(second) and first != second
    # An id that would be unsafe to log or echo is replaced, not echoed.
    odd = get(hq_server, "/v1/health", headers={"X-Request-Id": "x" * 500})
    assert UUID_RE.match(odd.headers["X-Request-Id"])


# ------------------------------------------------------------------ error format


def test_unknown_route_is_a_404_in_the_error_format(hq_server: RunningHQ) -> None:
    resp = get(hq_server, "/v1/nothing-here", headers={"X-Request-Id": "r-404"})
    error = assert_error(resp, 404, "not_found")
    assert resp.headers["X-Request-Id"] == "r-404"
    assert error["details"] == {"method": "GET", "path": "/v1/nothing-here"}


def test_wrong_method_is_a_405_in_the_error_format(hq_server: RunningHQ) -> None:
    resp = requests.post(hq_server.url + "/v1/health", timeout=TIMEOUT)
    assert_error(resp, 405, "method_not_allowed")
    assert resp.headers["Allow"] == "GET"


@pytest.fixture(scope="module")
def probe_hq(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningHQ]:
    """HQ with two extra routes: one that validates input, one that hits a bug."""
    app: FastAPI = create_app(f"sqlite:///{tmp_path_factory.mktemp('probe') / 'hq.db'}")

    @app.get("/probe/count")
    def count(n: int) -> dict[str, int]:
        return {"n": n}

    @app.get("/probe/bug")
    def bug() -> dict[str, str]:
        raise RuntimeError("secret internal detail")

    running = start_in_thread("unused", app=app)
    try:
        yield running
    finally:
        running.stop()


def test_invalid_input_is_a_422_listing_the_fields(probe_hq: RunningHQ) -> None:
    assert get(probe_hq, "/probe/count?n=3").json() == {"n": 3}
    resp = get(probe_hq, "/probe/count?n=three")
    error = assert_error(resp, 422, "validation_failed")
    (problem,) = error["details"]["errors"]
    assert problem["loc"] == ["query", "n"]
    assert problem["type"] and problem["message"]
    assert "three" not in resp.text  # the input itself is not echoed back


def test_a_bug_is_a_500_without_internals_and_is_logged(
    probe_hq: RunningHQ, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="hq.middleware"):
        resp = get(probe_hq, "/probe/bug", headers={"X-Request-Id": "bug-1"})
    error = assert_error(resp, 500, "internal_error")
    assert resp.headers["X-Request-Id"] == "bug-1"
    assert error["details"] == {"request_id": "bug-1"}
    assert "secret internal detail" not in resp.text
    assert "Traceback" not in resp.text
    logged = [r for r in caplog.records if r.name == "hq.middleware"]
    assert len(logged) == 1
    assert "bug-1" in logged[0].getMessage()
    assert logged[0].exc_info is not None and "secret internal detail" in str(logged[0].exc_info[1])
    # the server is still fine afterwards
    assert get(probe_hq, "/v1/health").status_code == 200


# ------------------------------------------------------------------ auth


def test_missing_token_is_401_in_the_error_format(hq_server: RunningHQ) -> None:
    resp = get(hq_server, "/v1/store")
    assert_error(resp, 401, "unauthorized")
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("authorization", "code"),
    [
        ("Bearer not-a-real-token", "invalid_token"),
        ("Basic dXNlcjpwYXNz", "unauthorized"),
        ("Bearer", "unauthorized"),
        ("not-a-real-token", "unauthorized"),
    ],
)
def test_bad_token_is_401_in_the_error_format(
    hq_server: RunningHQ, authorization: str, code: str
) -> None:
    resp = get(hq_server, "/v1/store", headers={"Authorization": authorization})
    assert_error(resp, 401, code)
    assert "not-a-real-token" not in resp.text
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")


def test_good_token_identifies_the_store(hq_server: RunningHQ, store_token: str) -> None:
    resp = get(hq_server, "/v1/store", headers={"Authorization": f"Bearer {store_token}"})
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"code": "SH001", "name": "上海徐汇店"}
    assert resp.headers["X-Request-Id"]


def test_tokens_are_stored_only_as_hashes_and_contact_is_recorded(
    hq_server: RunningHQ, store_token: str, server_db: Path
) -> None:
    get(hq_server, "/v1/store", headers={"Authorization": f"Bearer {store_token}"})
    conn = sqlite3.connect(server_db)
    try:
        token_hash, last_contact = conn.execute(
            "SELECT token_hash, last_contact_at FROM stores WHERE code = 'SH001'"
        ).fetchone()
        dump = "\n".join(conn.iterdump())
    finally:
        conn.close()
    assert token_hash == hash_token(store_token)
    assert store_token not in dump
    assert last_contact is not None


def test_a_token_of_another_database_is_refused(
    hq_server: RunningHQ, tmp_path: Path, url_of: Callable[[Path], str]
) -> None:
    foreign = add_store(url_of(tmp_path / "other.db"), "SH001", "同码他店")
    resp = get(hq_server, "/v1/store", headers={"Authorization": f"Bearer {foreign}"})
    assert_error(resp, 401, "invalid_token")
