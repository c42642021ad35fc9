"""The chain's rules and HQ's QR signing keys: what ``GET /v1/config`` serves.

The rules live in the database (``meta`` row ``config``), so a chain changes them in one
place and every HQ process serves the same; absent, they are ``counter.rules.DEFAULT_CONFIG``.
Every document that was ever in effect is kept in ``rules_versions`` with when it took
effect: HQ books an earn under the rules its counter had (docs/points.md).
The QR keys are Ed25519 key pairs in ``signing_keys``: the private halves never leave HQ,
the public halves of every key not yet retired are listed in the config by key id.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any, cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from sqlalchemy import Table, insert, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from counter.codes import MAX_KEY_ID, new_signing_key, public_key_b64
from counter.contract import AWARD_REASON_RE, TIERS
from counter.contract import DEFAULT_CONSENT_TEXTS as CONSENT_TEXTS
from counter.rules import DEFAULT_CONFIG, Rules, from_config, rules_version
from hq import seed_data
from hq.errors import HQError
from hq.models import META_CONFIG, Meta, RulesVersion, SigningKey, Store
from hq.times import utcnow

# How long a key stays listed after the next one starts signing: tokens live at most five
# minutes, but a counter that was offline keeps verifying with the keys of its last sync.
DEFAULT_RETIRE_AFTER = dt.timedelta(days=7)

K = cast(Table, SigningKey.__table__)
V = cast(Table, RulesVersion.__table__)


class ConfigError(HQError):
    """A config document HQ will not serve (counters could not compute with it)."""


@dataclass(frozen=True)
class ServedConfig:
    body: dict[str, Any]
    version: str

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def stored_rules(conn: Connection) -> dict[str, Any]:
    """The chain's rules document (points, complaints), without the keys."""
    text = conn.scalar(select(Meta.value).where(Meta.key == META_CONFIG))
    if text is None:
        return copy.deepcopy(DEFAULT_CONFIG)
    value: dict[str, Any] = json.loads(text)
    return value


def rules_of(conn: Connection) -> Rules:
    return from_config(stored_rules(conn))


def check_rules(document: Any) -> dict[str, Any]:
    """The document if counters can compute with it, else :class:`ConfigError`."""
    if not isinstance(document, dict) or set(document) - {"points", "complaints"}:
        raise ConfigError("the config holds only 'points' and 'complaints'")
    try:
        rules = from_config(document)
    except (TypeError, ValueError, ArithmeticError, AttributeError) as exc:
        raise ConfigError(f"the config is not usable: {exc}") from None
    points = rules.points
    if points.yuan_per_point < 1 or points.offline_redeem_cap_per_day < 0:
        raise ConfigError("yuan_per_point must be at least 1 and the offline cap not negative")
    if any(m < 0 for m in points.tier_multipliers.values()):
        raise ConfigError("multipliers cannot be negative")
    if any(h < 0 for h in rules.complaint_due_hours.values()):
        raise ConfigError("complaint due hours cannot be negative")
    codes = [r.code for r in points.rewards]
    if len(set(codes)) != len(codes) or not all(c and len(c) <= 32 for c in codes):
        raise ConfigError("reward codes must be unique, 1 to 32 characters")
    limits = [r.daily_limit for r in points.rewards if r.daily_limit is not None]
    if any(r.points < 1 for r in points.rewards) or any(n < 1 for n in limits):
        raise ConfigError("a reward costs at least 1 point; a daily limit is at least 1")
    if points.referral_points < 0 or any(
        t not in TIERS or f < 0 for t, f in points.tier_thresholds_fen.items()
    ):
        raise ConfigError("referral points and tier thresholds (by tier, in fen) not negative")
    if any(
        not AWARD_REASON_RE.match(r.code) or (r.daily_limit or 0) < 0
        for r in points.award_reasons.values()
    ):
        raise ConfigError("award reasons need a lower-case code and no negative daily limit")
    return document


def set_rules(conn: Connection, document: Any, now: dt.datetime | None = None) -> str:
    """Store a new rules document (counters get it on their next config check).

    Returns its rules version. The versions before it stay in ``rules_versions``: earns
    computed under them are still booked as the counter showed them.
    """
    text = canonical_json(check_rules(document))
    ensure_rules_version(conn, now)
    if conn.execute(update(Meta).where(Meta.key == META_CONFIG).values(value=text)).rowcount == 0:
        conn.execute(insert(Meta).values(key=META_CONFIG, value=text))
    return _record_version(conn, document, now)


def _record_version(conn: Connection, document: dict[str, Any], now: dt.datetime | None) -> str:
    """A ``rules_versions`` row for the document unless it is already the latest."""
    version = rules_version(document)
    latest = conn.scalar(select(V.c.version).order_by(V.c.id.desc()).limit(1))
    if latest != version:
        conn.execute(
            insert(V).values(
                version=version, document=canonical_json(document), took_effect_at=now or utcnow()
            )
        )
    return version


def ensure_rules_version(conn: Connection, now: dt.datetime | None = None) -> None:
    """Record the rules in effect as the first version (``hq init``, every app start)."""
    if conn.scalar(select(V.c.id).limit(1)) is None:
        _record_version(conn, stored_rules(conn), now)


# The lists the counter's health editor offers (free text covers the rest); not rules.
HEALTH_LISTS = {
    "chronic_conditions": [c for c, _, _ in seed_data.CHRONIC],
    "allergy_classes": [a for a, _ in seed_data.ALLERGIES],
}


# Card numbers a counter issues offline: this prefix, the store's block (5 digits, by the
# order stores were added), the PC's counter number (1 digit), a sequence (5 digits) and
# the Luhn digit. Pre-printed cards use other prefixes (the seed's 8860), so never collide.
ISSUED_CARD_PREFIX = "8870"


def card_blocks(conn: Connection) -> dict[str, str]:
    """Each store's block of card numbers: the first 9 of the 16 digits."""
    codes = conn.scalars(select(Store.code).order_by(Store.created_at, Store.code)).all()
    return {code: f"{ISSUED_CARD_PREFIX}{i:05d}" for i, code in enumerate(codes, start=1)}


def served_config(conn: Connection, now: dt.datetime | None = None) -> ServedConfig:
    """The ``/v1/config`` body and its version (the SHA-256 of its canonical JSON).

    ``rules_version`` names the rules alone (``counter.rules.rules_version``): a counter
    puts it in every earn, and HQ recomputes under it. ``care`` holds the care-plan
    templates and the refill lead (hq/care.py).
    """
    from hq.care import stored_care  # hq.care builds on this module

    body = stored_rules(conn)
    body["rules_version"] = rules_version(body)
    body["qr_keys"] = valid_public_keys(conn, now or utcnow())
    body["health"] = HEALTH_LISTS
    body["consent_texts"] = CONSENT_TEXTS
    body["card_blocks"] = card_blocks(conn)
    body["care"] = stored_care(conn)
    version = hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()
    return ServedConfig(body={"version": version, **body}, version=version)


# ------------------------------------------------------------------ signing keys


@dataclass(frozen=True)
class KeyInfo:
    key_id: int
    public_key: str
    created_at: dt.datetime
    signs_from: dt.datetime
    retire_at: dt.datetime | None


def _private_text(key: Ed25519PrivateKey) -> str:
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return base64.b64encode(raw).decode("ascii")


def _private_key(text: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(text))


def valid_public_keys(conn: Connection, now: dt.datetime) -> dict[str, str]:
    rows = conn.execute(
        select(K.c.key_id, K.c.public_key)
        .where(or_(K.c.retire_at.is_(None), K.c.retire_at > now))
        .order_by(K.c.key_id)
    )
    return {str(key_id): public for key_id, public in rows}


def list_keys(conn: Connection) -> list[KeyInfo]:
    return [
        KeyInfo(r.key_id, r.public_key, r.created_at, r.signs_from, r.retire_at)
        for r in conn.execute(select(K).order_by(K.c.key_id))
    ]


def signing_key(conn: Connection, now: dt.datetime) -> tuple[int, Ed25519PrivateKey] | None:
    """The key to sign with now: the newest that has started signing and is not retired."""
    row = conn.execute(
        select(K.c.key_id, K.c.private_key)
        .where(K.c.signs_from <= now, or_(K.c.retire_at.is_(None), K.c.retire_at > now))
        .order_by(K.c.signs_from.desc(), K.c.key_id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return row.key_id, _private_key(row.private_key)


def ensure_signing_key(conn: Connection) -> None:
    """Create the first key if there is none (``hq init``, and every app start)."""
    if conn.scalar(select(K.c.key_id).limit(1)) is not None:
        return
    now = utcnow()
    key = new_signing_key()
    try:
        with conn.begin_nested():
            conn.execute(
                insert(K).values(
                    key_id=1,
                    private_key=_private_text(key),
                    public_key=public_key_b64(key),
                    created_at=now,
                    signs_from=now,
                    retire_at=None,
                )
            )
    except IntegrityError:
        pass  # another HQ process made it first; theirs stands


def rotate_key(
    conn: Connection,
    *,
    now: dt.datetime | None = None,
    publish_for: dt.timedelta = dt.timedelta(0),
    retire_after: dt.timedelta = DEFAULT_RETIRE_AFTER,
) -> KeyInfo:
    """Add a new key that signs from ``now + publish_for``; older keys retire later.

    ``publish_for`` lets counters fetch the new public key before any token uses it (the
    safe order of docs/member-codes.md); the keys it replaces stay listed until
    ``retire_after`` past that, so tokens they signed and counters that synced late keep
    verifying. A key id is never reused.
    """
    now = now or utcnow()
    if publish_for < dt.timedelta(0) or retire_after < dt.timedelta(0):
        raise ValueError("durations cannot be negative")
    top = conn.scalar(select(K.c.key_id).order_by(K.c.key_id.desc()).limit(1).with_for_update())
    key_id = (top or 0) + 1
    if key_id > MAX_KEY_ID:
        raise HQError(f"no key ids left (at most {MAX_KEY_ID})")
    signs_from = now + publish_for
    retire_at = signs_from + retire_after
    conn.execute(
        update(K)
        .where(or_(K.c.retire_at.is_(None), K.c.retire_at > retire_at))
        .values(retire_at=retire_at)
    )
    key = new_signing_key()
    conn.execute(
        insert(K).values(
            key_id=key_id,
            private_key=_private_text(key),
            public_key=public_key_b64(key),
            created_at=now,
            signs_from=signs_from,
            retire_at=None,
        )
    )
    return KeyInfo(key_id, public_key_b64(key), now, signs_from, None)
