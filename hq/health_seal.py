"""Health information sealed at rest at HQ (AES-256-GCM), opened only in memory.

The standard asks health data encrypted at rest at the counter and at HQ. HQ keeps a
member's health in ``members.health`` and, inside the member's stored record
(``members.record``) and the stored answers of ops (``ops.result``), as a marker
``{"$sealed":"member:<id>:<base64 nonce+ciphertext>"}``; the associated data is
``member:<id>``, so a sealed value moved to another row does not open. The feed, the op
answers and the readers of the column open it when they serve it.

The key is 32 random bytes in a file, never in the database: ``$HQ_HEALTH_KEY_FILE``
(the CLI's ``--health-key``) if set, else beside a SQLite database (``<db>.health-key``),
else ``~/.config/member-counter-hq/health-<host>-<db>.key`` for a server database. It is
created (mode 0600) the first time HQ needs it. Lose it and the sealed health is gone.
"""

from __future__ import annotations

import base64
import json
import os
import re
import threading
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import IntegrityError

KEY_ENV = "HQ_HEALTH_KEY_FILE"
PREFIX = "member:"
_MARK = "$sealed"
# A sealed marker as it appears in stored JSON text (records, op answers).
_MARKER = re.compile(r'\{"\$sealed":\s*"member:([0-9A-Za-z-]{1,64}):([A-Za-z0-9+/=]+)"\}')
_MARKER_B = re.compile(_MARKER.pattern.encode())

_lock = threading.Lock()
_keys: dict[str, AESGCM] = {}


class HealthUnreadable(Exception):
    """A sealed health value that this HQ's key does not open (key replaced or data moved)."""


def key_path(url: str | URL) -> Path:
    """Where the health key of the database at ``url`` lives."""
    env = os.environ.get(KEY_ENV)
    if env:
        return Path(env)
    parsed = make_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() == "sqlite" and database and database != ":memory:":
        return Path(database.removeprefix("file:").split("?")[0] + ".health-key")
    home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return home / "member-counter-hq" / f"health-{parsed.host or 'local'}-{database or 'mem'}.key"


def _load_or_create(path: Path) -> bytes:
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = os.urandom(32)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another HQ process created it first: theirs stands
            return path.read_bytes()
        with os.fdopen(fd, "wb") as f:
            f.write(key)
            f.flush()
            os.fsync(f.fileno())
    if len(key) != 32:
        raise HealthUnreadable(f"the health key {path} is not 32 bytes")
    return key


def cipher(where: Engine | Connection | str | URL) -> AESGCM:
    """The AES-GCM cipher of this HQ database's health key (loaded once per process)."""
    if isinstance(where, Connection):
        where = where.engine
    url = where.url if isinstance(where, Engine) else make_url(where)
    path = key_path(url)
    name = str(path.resolve()) if path.exists() else str(path)
    with _lock:
        found = _keys.get(name)
        if found is None:
            found = _keys[name] = AESGCM(_load_or_create(path))
            _keys[str(path.resolve())] = found
    return found


def key_bytes(where: Engine | Connection | str | URL) -> bytes:
    """The raw key (for the seeder's generating processes, which seal on their own)."""
    if isinstance(where, Connection):
        where = where.engine
    url = where.url if isinstance(where, Engine) else make_url(where)
    cipher(url)
    return _load_or_create(key_path(url))


def seal(aes: AESGCM, member_id: str, plain: str) -> str:
    """``member:<id>:<base64>`` for the member's health JSON text."""
    nonce = os.urandom(12)
    box = aes.encrypt(nonce, plain.encode("utf-8"), (PREFIX + member_id).encode())
    return f"{PREFIX}{member_id}:{base64.b64encode(nonce + box).decode('ascii')}"


def is_sealed(text: str | None) -> bool:
    return bool(text) and str(text).startswith(PREFIX)


def open_sealed(aes: AESGCM, member_id: str, sealed: str) -> str:
    """The health JSON text; the sealed value must name ``member_id``."""
    head = f"{PREFIX}{member_id}:"
    if not sealed.startswith(head):
        raise HealthUnreadable(f"sealed health does not belong to member {member_id}")
    raw = base64.b64decode(sealed[len(head) :])
    try:
        return aes.decrypt(raw[:12], raw[12:], (PREFIX + member_id).encode()).decode("utf-8")
    except InvalidTag:
        raise HealthUnreadable(f"this HQ's health key does not open member {member_id}") from None


def column_health(aes: AESGCM, member_id: str, stored: str | None) -> Any:
    """The parsed health of a ``members.health`` value (sealed, or clear from before)."""
    if not stored:
        return None
    text = open_sealed(aes, member_id, stored) if is_sealed(stored) else stored
    return json.loads(text)


def marker(sealed: str) -> dict[str, str]:
    """What a record holds in place of the health: the sealed column value."""
    return {_MARK: sealed}


def _encode(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def open_text(aes: AESGCM, text: str) -> str:
    """Stored JSON text with every sealed marker replaced by the health it seals."""
    if _MARK not in text:
        return text

    def opened(m: re.Match[str]) -> str:
        member_id = m.group(1)
        return open_sealed(aes, member_id, f"{PREFIX}{member_id}:{m.group(2)}")

    return _MARKER.sub(opened, text)


def open_bytes(aes: AESGCM, data: bytes) -> bytes:
    """:func:`open_text` on UTF-8 bytes (the member feed joins stored bytes)."""
    if b"$sealed" not in data:
        return data

    def opened(m: re.Match[bytes]) -> bytes:
        member_id = m.group(1).decode()
        sealed = f"{PREFIX}{member_id}:{m.group(2).decode()}"
        return open_sealed(aes, member_id, sealed).encode("utf-8")

    return _MARKER_B.sub(opened, data)


def open_value(aes: AESGCM, value: Any) -> Any:
    """Parsed JSON with every sealed marker replaced by the parsed health."""
    if isinstance(value, dict):
        sealed = value.get(_MARK)
        if len(value) == 1 and isinstance(sealed, str) and is_sealed(sealed):
            member_id = sealed[len(PREFIX) :].split(":", 1)[0]
            return json.loads(open_sealed(aes, member_id, sealed))
        return {k: open_value(aes, v) for k, v in value.items()}
    if isinstance(value, list):
        return [open_value(aes, v) for v in value]
    return value


def seal_value(aes: AESGCM, value: Any) -> Any:
    """Parsed JSON with every clear member health (a dict with ``id`` and ``health``)
    replaced by its sealed marker: for stored answers written before sealing."""
    if isinstance(value, list):
        return [seal_value(aes, v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: seal_value(aes, v) for k, v in value.items()}
    health, member_id = value.get("health"), value.get("id")
    if isinstance(health, dict) and _MARK not in health and isinstance(member_id, str):
        out["health"] = marker(seal(aes, member_id, _encode(health)))
    return out


META_SEALED = "health_sealed"


def seal_existing(engine: Engine) -> int:
    """Seal the clear health a database of an earlier HQ holds (members' column and
    record, stored op answers), once; returns how many rows changed. A SQLite file is
    then vacuumed and its WAL truncated, so no old page keeps the clear text."""
    aes = cipher(engine)
    changed = 0
    with engine.begin() as conn:
        if conn.execute(text("SELECT 1 FROM meta WHERE key = :k"), {"k": META_SEALED}).first():
            return 0
        rows = conn.execute(
            text(
                "SELECT id, health, record FROM members"
                " WHERE health IS NOT NULL AND health NOT LIKE 'member:%'"
            )
        ).all()
        for member_id, health, record in rows:
            sealed = seal(aes, member_id, health)
            parsed = json.loads(record) if record else None
            if isinstance(parsed, dict) and isinstance(parsed.get("health"), dict):
                parsed["health"] = marker(sealed)
                record = _encode(parsed)
            conn.execute(
                text("UPDATE members SET health = :h, record = :r WHERE id = :id"),
                {"h": sealed, "r": record, "id": member_id},
            )
            changed += 1
        ops = conn.execute(
            text("SELECT op_id, result FROM ops WHERE result LIKE '%\"health\":{%'")
        ).all()
        for op_id, result in ops:
            parsed = json.loads(result)
            resealed = seal_value(aes, parsed)
            if resealed != parsed:
                conn.execute(
                    text("UPDATE ops SET result = :r WHERE op_id = :id"),
                    {"r": _encode(resealed), "id": op_id},
                )
                changed += 1
        try:
            with conn.begin_nested():
                conn.execute(
                    text("INSERT INTO meta (key, value) VALUES (:k, '1')"), {"k": META_SEALED}
                )
        except IntegrityError:
            pass  # another HQ process starting on the same database marked it first
    if changed and engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            raw.execute("VACUUM")
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return changed
