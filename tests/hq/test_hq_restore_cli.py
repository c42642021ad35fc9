"""``hq restore FILE`` and ``hq epoch renew``: clear lines, never a traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from hq.cli import main
from hq.db import get_epoch, make_engine
from hq.seed import seed_members


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def epoch_of(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return get_epoch(conn)
    finally:
        engine.dispose()


def members(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        (n,) = conn.execute("SELECT count(*) FROM members").fetchone()
    conn.close()
    return int(n)


def test_epoch_renew_gives_a_new_epoch(capsys: pytest.CaptureFixture[str], db_url: str) -> None:
    assert run(capsys, "init", "--db", db_url)[0] == 0
    before = epoch_of(db_url)
    code, out, _ = run(capsys, "epoch", "renew", "--db", db_url)
    after = epoch_of(db_url)
    assert code == 0 and after is not None and after != before and after in out


def test_restore_puts_the_backup_back_and_renews_the_epoch(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    live, backup = tmp_path / "hq.db", tmp_path / "hq-backup.db"
    url = f"sqlite:///{live}"
    seed_members(url, 5)
    src, dst = sqlite3.connect(live), sqlite3.connect(backup)
    src.backup(dst)  # sqlite3 hq.db ".backup hq-backup.db"
    src.close()
    dst.close()
    backed_up = epoch_of(url)
    seed_members(url, 7, reset=True)
    assert members(live) == 7
    code, out, err = run(capsys, "restore", str(backup), "--db", url)
    assert code == 0, err
    assert members(live) == 5
    epoch = epoch_of(url)
    assert epoch not in (None, backed_up) and str(epoch) in out


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no backup at"), (b"not a database at all, just text" * 40, "is not a backup")],
)
def test_restore_refuses_what_is_not_a_backup(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes | None, message: str
) -> None:
    live = tmp_path / "hq.db"
    url = f"sqlite:///{live}"
    seed_members(url, 3)
    before = epoch_of(url)
    backup = tmp_path / "backup.db"
    if content is not None:
        backup.write_bytes(content)
    code, out, err = run(capsys, "restore", str(backup), "--db", url)
    assert code == 1 and out == "" and message in err and "Traceback" not in err
    assert members(live) == 3 and epoch_of(url) == before  # nothing touched
