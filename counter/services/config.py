"""HQ's rules as this counter last received them (``GET /v1/config``), cached in ``kv``.

The body is kept exactly as HQ sent it under ``hq_config`` (views and lookup read
``points.member_days`` and ``qr_keys`` from it), with its ETag beside it. Before the first
sync the counter computes with the demo defaults of ``counter.rules``, the same ones the
reference HQ serves, so points earned offline on day one agree with HQ.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlalchemy.orm import Session

from counter import rules
from counter.services.context import ServiceContext
from counter.services.views import HQ_CONFIG_KEY
from counter.store.models import KeyValue

log = logging.getLogger(__name__)

HQ_CONFIG_ETAG_KEY = "hq_config_etag"


def cached_config(session: Session) -> dict[str, Any]:
    """The config body HQ last sent, or ``{}`` before the first sync (or if unreadable)."""
    row = session.get(KeyValue, HQ_CONFIG_KEY)
    if row is None or not row.value:
        return {}
    try:
        body = json.loads(row.value)
    except ValueError:
        log.error("cached HQ config is not JSON; computing with the defaults")
        return {}
    return body if isinstance(body, dict) else {}


def current_rules(session: Session, ctx: ServiceContext) -> rules.Rules:
    """Rules parsed from the cached config, memoised against the raw text it came from."""
    row = session.get(KeyValue, HQ_CONFIG_KEY)
    raw = row.value if row is not None else ""
    memo = ctx.memo.get("rules")
    if memo is not None and memo[0] == raw:
        return memo[1]  # type: ignore[no-any-return]
    body = cached_config(session)
    try:
        parsed = rules.from_config(body or rules.DEFAULT_CONFIG)
    except (ValueError, TypeError, AttributeError, ArithmeticError):
        log.error("cached HQ config has unusable rules; computing with the defaults")
        parsed = rules.from_config(rules.DEFAULT_CONFIG)
    ctx.memo["rules"] = (raw, parsed)
    return parsed


def current_rules_version(session: Session, ctx: ServiceContext) -> str | None:
    """The rules version an earn names: the one ``current_rules`` computes with.

    HQ's ``rules_version`` from the cached config; the defaults' version when the counter
    computes with the defaults (before the first sync: HQ records its first rules as a
    version, and the reference HQ starts with these); None when HQ's config names no version
    (an HQ older than contract v1.1, which computes with its current rules anyway).
    """
    body = cached_config(session)
    try:
        rules.from_config(body or rules.DEFAULT_CONFIG)
    except (ValueError, TypeError, AttributeError, ArithmeticError):
        body = {}
    if not body:
        return rules.rules_version(rules.DEFAULT_CONFIG)
    version = body.get("rules_version")
    return version if isinstance(version, str) else None


def store_config(session: Session, body: dict[str, Any], etag: str | None) -> None:
    """Keep HQ's config body as sent (canonical JSON) and its ETag."""
    text = json.dumps(body, ensure_ascii=False, sort_keys=True)
    session.merge(KeyValue(key=HQ_CONFIG_KEY, value=text))
    session.merge(KeyValue(key=HQ_CONFIG_ETAG_KEY, value=etag or ""))


def kv_get(session: Session, key: str, default: str = "") -> str:
    row = session.get(KeyValue, key)
    return row.value if row is not None else default


def kv_set(session: Session, key: str, value: str) -> None:
    session.merge(KeyValue(key=key, value=value))
