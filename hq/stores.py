"""Registering stores and checking their bearer tokens.

A token is shown once, when the store is added; HQ keeps only its SHA-256, so a stolen
database does not hand out store identities. Tokens are 256 random bits, so an unsalted
fast hash is enough (there is nothing to brute-force).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from hq.db import EngineOrURL, engine_scope, init_db
from hq.errors import InvalidStoreError, StoreExistsError
from hq.models import Store
from hq.times import utcnow

STORE_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
MAX_NAME_LENGTH = 64


@dataclass(frozen=True)
class StoreIdentity:
    """The store a request is made for, as the auth dependency hands it to routes."""

    code: str
    name: str


@dataclass(frozen=True)
class StoreContact:
    store: StoreIdentity
    last_contact_at: dt.datetime | None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def add_store(engine_or_url: EngineOrURL, code: str, name: str) -> str:
    """Register a store; returns its token, which HQ cannot show again."""
    if not STORE_CODE_RE.match(code):
        raise InvalidStoreError(
            f"store code {code!r} must be 1-32 letters, digits, '-' or '_' (e.g. SH001)"
        )
    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise InvalidStoreError(f"store name must be 1-{MAX_NAME_LENGTH} characters")
    token = new_token()
    with engine_scope(engine_or_url) as engine:
        init_db(engine)
        try:
            with engine.begin() as conn:
                if conn.scalar(select(Store.code).where(Store.code == code)) is not None:
                    raise StoreExistsError(f"store {code} already exists")
                conn.execute(
                    insert(Store).values(
                        code=code, name=name, token_hash=hash_token(token), created_at=utcnow()
                    )
                )
        except IntegrityError as exc:  # added concurrently between our check and insert
            raise StoreExistsError(f"store {code} already exists") from exc
    return token


def rotate_token(engine_or_url: EngineOrURL, code: str) -> str:
    """Give a store a new token; the old one stops working at once (docs/privacy.md)."""
    token = new_token()
    with engine_scope(engine_or_url) as engine:
        init_db(engine)
        with engine.begin() as conn:
            if conn.scalar(select(Store.code).where(Store.code == code)) is None:
                raise InvalidStoreError(f"no store {code!r} is registered")
            conn.execute(
                update(Store).where(Store.code == code).values(token_hash=hash_token(token))
            )
    return token


def store_for_token(conn: Connection, token: str) -> StoreContact | None:
    """The store holding ``token`` and when it last called, or None."""
    row = conn.execute(
        select(Store.code, Store.name, Store.last_contact_at).where(
            Store.token_hash == hash_token(token)
        )
    ).first()
    if row is None:
        return None
    return StoreContact(StoreIdentity(row.code, row.name), row.last_contact_at)


def touch_store(conn: Connection, code: str, now: dt.datetime) -> None:
    conn.execute(update(Store).where(Store.code == code).values(last_contact_at=now))
