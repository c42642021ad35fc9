"""Putting a backup of HQ's database back (``hq restore FILE``) and renewing the epoch.

A backup brings back the epoch it was taken in, so after any restore the epoch must be
renewed: that is what tells the counters to download afresh and re-send what HQ lost
(docs/sync.md, "Epochs"; the runbook is docs/hq-restore.md). ``hq restore`` does both;
``hq epoch renew`` is the second half, for restores made with the database's own tools
(point-in-time recovery, ``psql -f``). Counters notice a restore nobody renewed the epoch
for as well (hq.rewind), but only when they show HQ something it lost.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL

from hq.db import init_db, parse_url, renew_epoch
from hq.errors import HQError


class RestoreError(HQError):
    """The backup cannot be put back; the message says why."""


def renew(url: str | URL) -> str:
    """A new epoch for the database at ``url``; returns it."""
    engine = init_db(url)
    try:
        with engine.begin() as conn:
            return renew_epoch(conn)
    finally:
        engine.dispose()


def restore(url: str, backup: Path) -> str:
    """Replace HQ's database with ``backup`` and renew the epoch; returns the new epoch.

    SQLite: ``backup`` is a database file (``sqlite3 hq.db ".backup FILE"``), copied in
    with SQLite's backup API. PostgreSQL: an archive of ``pg_dump -Fc`` (or ``-Fd``/``-Ft``),
    put back with ``pg_restore --clean --single-transaction``. Stop HQ first.
    """
    parsed = parse_url(url)
    if not backup.exists():
        raise RestoreError(f"no backup at {backup}")
    if parsed.get_backend_name() == "sqlite":
        _restore_sqlite(parsed, backup)
    elif parsed.get_backend_name() == "postgresql":
        _restore_postgres(parsed, backup)
    else:
        raise RestoreError(f"hq restore knows SQLite and PostgreSQL, not {parsed.drivername}")
    return renew(parsed)


def _restore_sqlite(url: URL, backup: Path) -> None:
    target = url.database
    if not target or target == ":memory:":
        raise RestoreError("hq restore needs a database file")
    try:
        src = sqlite3.connect(f"file:{backup.resolve()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise RestoreError(f"cannot open {backup}: {exc}") from None
    try:
        try:
            epoch = src.execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone()
        except sqlite3.Error as exc:
            raise RestoreError(f"{backup} is not a backup of an HQ database ({exc})") from None
        if epoch is None:
            raise RestoreError(f"{backup} is not a backup of an HQ database (no epoch)")
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def pg_tool(name: str) -> str:
    """``pg_restore``/``pg_dump`` from PATH, else the newest in /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_major, reverse=True)
    if not candidates:
        raise RestoreError(f"{name} not found: install the PostgreSQL client tools")
    return candidates[0]


def _major(path: str) -> int:
    try:
        return int(Path(path).parent.parent.name)
    except ValueError:
        return 0


def libpq_args(url: URL) -> tuple[list[str], dict[str, str]]:
    """``--dbname <URI>`` for the PostgreSQL tools (its query, e.g. ``options``, kept); the
    password goes in the environment, not on the command line."""
    bare = URL.create("postgresql", url.username, None, url.host, url.port, url.database, url.query)
    uri = bare.render_as_string(hide_password=False)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return ["--dbname", uri], env


def _restore_postgres(url: URL, backup: Path) -> None:
    args, env = libpq_args(url)
    command = [
        pg_tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
        *args,
        str(backup),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise RestoreError(f"pg_restore failed: {last}")
