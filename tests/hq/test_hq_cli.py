"""The ``hq`` command: clear messages and exit codes, never a traceback."""

from __future__ import annotations

import os
import selectors
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from hq.cli import main

TIMEOUT_S = 20


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def count(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def test_store_add_prints_the_token_once_on_stdout(
    capsys: pytest.CaptureFixture[str], db_url: str, db_path: Path
) -> None:
    code, out, err = run(capsys, "store", "add", "SH001", "徐汇店", "--db", db_url)
    assert code == 0
    token = out.strip()
    assert len(token) >= 40 and "\n" not in token
    assert "SH001" in err and "once" in err
    conn = sqlite3.connect(db_path)
    try:
        stored = conn.execute("SELECT code, name, token_hash FROM stores").fetchall()
    finally:
        conn.close()
    assert len(stored) == 1 and stored[0][:2] == ("SH001", "徐汇店")
    assert token not in stored[0][2]


def test_store_add_with_an_existing_code_fails_clearly(
    capsys: pytest.CaptureFixture[str], db_url: str, db_path: Path
) -> None:
    assert run(capsys, "store", "add", "SH001", "徐汇店", "--db", db_url)[0] == 0
    code, out, err = run(capsys, "store", "add", "SH001", "另一家", "--db", db_url)
    assert code != 0
    assert out == ""  # no token for a store that was not added
    assert "SH001 already exists" in err
    assert count(db_path, "stores") == 1


@pytest.mark.parametrize("bad_code", ["", "SH 001", "店01", "x" * 40])
def test_store_add_refuses_a_malformed_code(
    capsys: pytest.CaptureFixture[str], db_url: str, bad_code: str
) -> None:
    code, out, err = run(capsys, "store", "add", bad_code, "徐汇店", "--db", db_url)
    assert code != 0 and out == ""
    assert "store code" in err


def test_seed_twice_does_not_duplicate(
    capsys: pytest.CaptureFixture[str], db_url: str, db_path: Path
) -> None:
    code, out, _ = run(capsys, "seed", "--members", "500", "--db", db_url)
    assert code == 0
    assert "seeded 500 members" in out and "rows/s" in out and " s (" in out
    code, out, _ = run(capsys, "seed", "--members", "800", "--db", db_url)
    assert code == 0
    assert "already has 500 members" in out and "nothing was changed" in out
    assert count(db_path, "members") == 500 and count(db_path, "cards") == 500


def test_seed_reset_replaces_the_members(
    capsys: pytest.CaptureFixture[str], db_url: str, db_path: Path
) -> None:
    assert run(capsys, "seed", "--members", "300", "--db", db_url)[0] == 0
    code, out, _ = run(capsys, "seed", "--members", "200", "--seed", "9", "--reset", "--db", db_url)
    assert code == 0 and "seeded 200 members" in out
    assert count(db_path, "members") == 200


@pytest.mark.parametrize("n", ["0", "-3", "abc", "1.5", ""])
def test_seed_refuses_a_member_count_that_is_not_positive(
    capsys: pytest.CaptureFixture[str], db_url: str, db_path: Path, n: str
) -> None:
    code, _, err = run(capsys, "seed", "--members", n, "--db", db_url)
    assert code == 2
    assert "--members" in err and ("positive whole number" in err or "expected 1 to" in err)
    assert not db_path.exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "not a database URL"),
        ("nosuchdb://x/y", "unsupported database"),
        ("sqlite:////nonexistent-dir/sub/hq.db", "does not exist"),
    ],
)
def test_a_bad_database_url_gets_one_clear_line(
    capsys: pytest.CaptureFixture[str], url: str, message: str
) -> None:
    code, out, err = run(capsys, "init", "--db", url)
    assert code == 1 and out == ""
    assert message in err
    assert err.count("\n") == 1


def test_an_unwritable_folder_is_reported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    if os.geteuid() == 0:
        # root writes anywhere; a path under a regular file is unusable for anyone
        blocker = tmp_path / "file"
        blocker.write_text("")
        url, message = f"sqlite:///{blocker}/hq.db", "does not exist"
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        url, message = f"sqlite:///{locked}/hq.db", "not writable"
    code, _, err = run(capsys, "seed", "--members", "10", "--db", url)
    assert code == 1
    assert message in err


def test_init_is_idempotent_and_keeps_the_epoch(
    capsys: pytest.CaptureFixture[str], db_url: str
) -> None:
    code, first, _ = run(capsys, "init", "--db", db_url)
    assert code == 0 and "epoch" in first
    code, second, _ = run(capsys, "init", "--db", db_url)
    assert code == 0 and second == first


def test_database_defaults_to_env_then_hq_db_in_the_current_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HQ_DATABASE_URL", raising=False)
    assert run(capsys, "init")[0] == 0
    assert (tmp_path / "hq.db").exists()
    elsewhere = tmp_path / "env.db"
    monkeypatch.setenv("HQ_DATABASE_URL", f"sqlite:///{elsewhere}")
    assert run(capsys, "init")[0] == 0
    assert elsewhere.exists()


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "frobnicate")[0] == 2
    assert run(capsys, "store")[0] == 2
    assert run(capsys, "serve", "--port", "99999")[0] == 2
    assert run(capsys, "--help")[0] == 0


def _read_line(proc: subprocess.Popen[str], timeout: float) -> str:
    assert proc.stdout is not None
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        if not sel.select(timeout):
            raise AssertionError("hq serve printed nothing in time")
    return proc.stdout.readline()


def test_serve_runs_until_interrupted(db_url: str) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "hq.cli", "serve", "--db", db_url, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        line = _read_line(proc, TIMEOUT_S)
        assert "HQ serving" in line, line
        url = line.split(" on ")[1].split()[0]
        health = requests.get(url + "/v1/health", timeout=TIMEOUT_S)
        assert health.status_code == 200 and health.json()["status"] == "ok"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=TIMEOUT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "HQ stopped" in out
    assert "Traceback" not in err


def test_serve_on_a_busy_port_fails_clearly(
    capsys: pytest.CaptureFixture[str], db_url: str
) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, err = run(capsys, "serve", "--db", db_url, "--port", str(port))
    assert code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in err


def test_store_rotate_gives_a_new_token_and_the_old_one_stops_working(
    capsys: pytest.CaptureFixture[str], db_url: str
) -> None:
    """A leaked store token is retired by `hq store rotate` (docs/privacy.md)."""
    from hq.server import start_in_thread

    old = run(capsys, "store", "add", "SH001", "徐汇店", "--db", db_url)[1].strip()
    server = start_in_thread(db_url)
    try:

        def status(token: str) -> int:
            answer = requests.get(
                f"{server.url}/v1/config",
                headers={"Authorization": f"Bearer {token}"},
                timeout=TIMEOUT_S,
            )
            return answer.status_code

        assert status(old) == 200
        code, out, err = run(capsys, "store", "rotate", "SH001", "--db", db_url)
        new = out.strip()
        assert code == 0 and "once" in err and len(new) >= 40 and new != old
        assert (status(old), status(new)) == (401, 200)
        code, out, err = run(capsys, "store", "rotate", "SH404", "--db", db_url)
        assert code != 0 and out == "" and "SH404" in err
    finally:
        server.stop()
