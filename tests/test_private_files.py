"""The data directory is private (0700, files 0600), and first start is race-free.

Run with the usual umask 022 (set here), so a file created without care would be 0644.
"""

from __future__ import annotations

import base64
import logging
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from counter import logs, services
from counter.keystore import open_store
from counter.settings import Settings
from counter.store import migrate

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")

REPO = Path(__file__).resolve().parent.parent


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _settings(root: Path) -> Settings:
    return Settings(store_code="S001", data_dir=str(root / "data"), secret_store="file")


def test_a_fresh_data_dir_and_everything_in_it_is_private(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    ctx = services.open_context(settings)
    ring = logs.setup(settings.log_dir)
    try:
        services.create_operator(ctx, "王芳", "service", "2222")
        logging.getLogger("test").warning("a line in the log")
        data = settings.data_path
        wal, shm = Path(f"{ctx.db.path}-wal"), Path(f"{ctx.db.path}-shm")
        assert wal.exists() and shm.exists()
        assert mode(data) == 0o700
        for path in (
            ctx.db.path,
            wal,
            shm,
            data / "secrets.json",
            settings.log_dir / "counter.log",
        ):
            assert mode(path) == 0o600, path
        assert mode(settings.log_dir) == 0o700
    finally:
        ctx.close()
        logging.getLogger().removeHandler(ring)
        logs.setup(tmp_path / "other-logs")  # let go of the file handler


def test_a_log_started_by_rotation_is_private(tmp_path: Path) -> None:
    logs.setup(tmp_path / "logs")
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "counter_owned", 0))
    assert isinstance(handler, logging.handlers.RotatingFileHandler)
    handler.doRollover()
    logging.getLogger("test").warning("after the rotation")
    assert mode(tmp_path / "logs" / "counter.log") == 0o600
    assert mode(tmp_path / "logs" / "counter.log.1") == 0o600


def test_the_backup_before_a_migration_is_private(tmp_path: Path) -> None:
    db = tmp_path / "data" / "counter.db"
    db.parent.mkdir()
    migrate.upgrade(db, "0004")
    result = migrate.upgrade(db)
    assert result.backup is not None and mode(result.backup) == 0o600


def test_a_crash_report_is_private(tmp_path: Path) -> None:
    pytest.importorskip("PySide6")
    import datetime as dt

    from ui.shell.crash_dialog import write_report

    path = write_report(tmp_path / "crash-reports", "boom", dt.datetime(2026, 1, 2, 3, 4, 5))
    assert mode(path) == 0o600 and mode(path.parent) == 0o700


def test_files_left_readable_are_closed_at_start_up(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    services.open_context(settings).close()
    data = settings.data_path
    (data / "logs").mkdir()
    (data / "logs" / "counter.log").write_text("old\n")
    (data / "crash-reports").mkdir()
    (data / "crash-reports" / "crash-20260101-000000.txt").write_text("old\n")
    backup = data / "counter.before-migration-from-0003.20260101T000000Z.db"
    backup.write_bytes(b"")
    theirs = data / "notes.txt"  # not this program's: left as the user made it
    theirs.write_text("mine\n")
    opened = [
        data,
        data / "counter.db",
        data / "secrets.json",
        data / "logs",
        data / "logs" / "counter.log",
        data / "crash-reports",
        data / "crash-reports" / "crash-20260101-000000.txt",
        backup,
    ]
    for path in opened:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)

    services.open_context(settings).close()

    for path in opened:
        assert mode(path) == (0o700 if path.is_dir() else 0o600), path
    assert mode(theirs) == 0o644


RACER = """
import base64, sys
sys.stdin.read(1)  # every process waits here, then all start at once
from counter import services
from counter.settings import Settings
ctx = services.open_context(Settings(data_dir=sys.argv[1], secret_store="file"))
print(base64.b64encode(ctx.cipher.key).decode(), base64.b64encode(ctx.pin_key).decode())
ctx.close()
"""


def test_processes_started_at_once_on_a_fresh_data_dir_agree_on_the_keys(tmp_path: Path) -> None:
    """The issue saw different health keys in 5 of 20 trials of four processes, and a crash."""
    for trial in range(5):
        data = tmp_path / f"trial{trial}" / "data"
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", RACER, str(data)],
                cwd=REPO,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(4)
        ]
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("x")
            proc.stdin.flush()
        outcomes = [(proc.communicate(), proc.returncode) for proc in procs]
        assert [rc for _, rc in outcomes] == [0] * 4, [err for (_, err), _ in outcomes]
        keys = {out for (out, _), _ in outcomes}
        assert len(keys) == 1, (trial, keys)
        stored = open_store("file", data)
        health, pin = keys.pop().split()
        assert (stored.get("health_key"), stored.get("pin_key")) == (health, pin)
        assert len(base64.b64decode(pin)) == 32
        assert not list(data.glob("*.tmp")) and not list(data.glob(".secrets-*"))
