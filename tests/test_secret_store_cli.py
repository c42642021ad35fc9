"""Where there is no OS keyring: one plain line if one was asked for, else the fallback to
the protected file said once where a person looks (token, status, the log), not on every
command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from counter import settings as settings_mod

REPO = Path(__file__).resolve().parent.parent


def _counter(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        COUNTER_CONFIG_DIR=str(tmp_path / "cfg"),
        COUNTER_DATA_DIR=str(tmp_path / "data"),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",  # a box with no keyring
    )
    return subprocess.run(
        [sys.executable, "-m", "counter", *args],
        cwd=REPO,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )


def test_keyring_asked_for_but_missing_is_one_plain_line(tmp_path: Path) -> None:
    settings_mod.save(settings_mod.Settings(secret_store="keyring"), tmp_path / "cfg")
    run = _counter(tmp_path, "status", "--offline")
    assert run.returncode == 1
    assert "Traceback" not in run.stderr and "NoKeyringError" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert "secret_store=keyring" in lines[0] and "secret_store file" in lines[0]


def test_the_fallback_to_the_file_is_said_once_not_on_every_command(tmp_path: Path) -> None:
    settings_mod.save(settings_mod.Settings(store_code="S001"), tmp_path / "cfg")  # auto
    for args in (("config", "show"), ("operator", "list"), ("status", "--offline", "--json")):
        run = _counter(tmp_path, *args)
        assert run.returncode == 0, run.stderr
        assert "keyring" not in run.stderr, (args, run.stderr)
    assert json.loads(run.stdout)["secrets"]["notice"].startswith("no OS keyring available")
    status = _counter(tmp_path, "status", "--offline")
    assert status.stdout.count("no OS keyring available") == 1
    token = _counter(tmp_path, "token", "--from-stdin", stdin="tok\n")
    assert token.returncode == 0 and "keyring" not in token.stderr
    assert "token saved in the file secret store" in token.stdout
    assert "no OS keyring available" in token.stdout


def test_the_fallback_is_in_the_log_of_a_logging_command(tmp_path: Path) -> None:
    settings_mod.save(settings_mod.Settings(store_code="S001"), tmp_path / "cfg")  # auto
    run = _counter(tmp_path, "sync", "--once", "--quiet")  # no HQ set: fails, but logs
    assert "keyring" not in run.stderr, run.stderr
    log = (tmp_path / "data" / "logs" / "counter.log").read_text(encoding="utf-8")
    assert log.count("no OS keyring available") == 1
