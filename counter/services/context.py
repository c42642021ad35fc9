"""What every service function needs, passed in explicitly (no globals)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from counter.keystore import SecretStore, open_store
from counter.settings import Settings
from counter.store import migrate
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
    tls_verify: bool = True
    clock: Callable[[], dt.datetime] = field(default=utc_now)
    migration: migrate.MigrationResult | None = None
    # Parsed forms of cached facts (e.g. HQ config), each kept with the raw value it came from.
    memo: dict[str, Any] = field(default_factory=dict)
    # Called once after each transaction that queued an operation has committed, from the
    # thread that ran it (the desktop app schedules a sync with it; must not block or raise).
    on_write: Callable[[], None] | None = None

    def close(self) -> None:
        self.db.dispose()


def open_context(settings: Settings, *, db_path: Path | None = None) -> ServiceContext:
    """Migrate the cache (copying it first) and open it with this store's secrets."""
    path = db_path or settings.db_path
    path.parent.mkdir(parents=True, exist_ok=True)
    result = migrate.upgrade(path)
    secrets = open_store(settings.secret_store, settings.data_path)
    return ServiceContext(
        db=Database(path),
        store_code=settings.store_code,
        cipher=load_cipher(secrets),
        secrets=secrets,
        hq_url=settings.hq_url,
        tls_verify=settings.tls_verify,
        migration=result,
    )
