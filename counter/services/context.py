"""What every service function needs, passed in explicitly (no globals)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from counter import private
from counter.keystore import SecretStore, open_store
from counter.settings import Settings
from counter.store import migrate, outbox_health
from counter.store.crypto import HealthCipher, load_cipher
from counter.store.db import Database

log = logging.getLogger(__name__)

ROLES = ("cashier", "service", "manager")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Actor:
    """The operator logged in at the counter."""

    operator_id: str
    name: str
    role: str

    @property
    def sees_health(self) -> bool:
        return self.role in ("service", "manager")


@dataclass
class ServiceContext:
    db: Database
    store_code: str
    cipher: HealthCipher
    secrets: SecretStore
    hq_url: str = ""
    # This PC's number within its store (1-9): what it numbers offline carries it.
    counter_no: int = 1
    store_phone: str = ""
    tls_verify: bool = True
    # The secret that keys the operators' PIN hashes (kept outside the cache, like the
    # health key) and how long five wrong PINs in a row lock an operator out.
    pin_key: bytes = b""
    pin_lockout_minutes: int = 5
    # The PC's own clock (injectable: tests shift it). Read it through now() unless the
    # PC's raw time is what is wanted (measuring the skew, durations, the op's pc_time).
    clock: Callable[[], dt.datetime] = field(default=utc_now)
    # PC minus HQ in seconds, as last measured (kv.clock_skew_s); None: never measured.
    clock_skew_s: float | None = None
    migration: migrate.MigrationResult | None = None
    # Parsed forms of cached facts (e.g. HQ config), each kept with the raw value it came from.
    memo: dict[str, Any] = field(default_factory=dict)
    # Called once after each transaction that queued an operation has committed, from the
    # thread that ran it (the desktop app schedules a sync with it; must not block or raise).
    on_write: Callable[[], None] | None = None

    def now(self) -> dt.datetime:
        """The counter's time: the PC's clock corrected by the skew last measured against HQ."""
        skew = self.clock_skew_s
        pc = self.clock()
        return pc if skew is None else pc - dt.timedelta(seconds=skew)

    def close(self) -> None:
        self.db.dispose()


def open_context(settings: Settings, *, db_path: Path | None = None) -> ServiceContext:
    """Migrate the cache (copying it first) and open it with this store's secrets.

    The data directory and every file in it are made private first (a cache created by
    an older version, or restored from a copy, may be readable by other accounts).
    """
    path = db_path or settings.db_path
    for directory in {settings.data_path, path.parent}:
        private.secure_data_dir(directory)
    if not path.exists():
        private.create_private(path)  # SQLite gives its WAL and SHM the same mode
    result = migrate.upgrade(path)
    secrets = open_store(settings.secret_store, settings.data_path)
    db = Database(path)
    cipher = load_cipher(secrets)
    outbox_health.seal_legacy(db, cipher)
    from counter.services.operators import load_pin_key

    return ServiceContext(
        db=db,
        store_code=settings.store_code,
        counter_no=settings.counter_no,
        store_phone=settings.store_phone,
        cipher=cipher,
        secrets=secrets,
        hq_url=settings.hq_url,
        tls_verify=settings.tls_verify,
        pin_key=load_pin_key(secrets),
        pin_lockout_minutes=settings.pin_lockout_minutes,
        migration=result,
        clock_skew_s=_remembered_skew(db),
    )


def _remembered_skew(db: Database) -> float | None:
    """The skew measured by an earlier sync (services.clock keeps it), so offline is right too."""
    with db.raw_read() as conn:
        row = conn.execute("SELECT value FROM kv WHERE key = 'clock_skew_s'").fetchone()
    try:
        return float(row[0]) if row and row[0] else None
    except ValueError:
        log.warning("ignoring an unreadable clock skew in the cache: %r", row[0])
        return None
