"""Points ops: ``points.earn``, ``points.redeem``; since 1.1 ``points.reverse`` (a refund)
and ``points.award`` (activity points). docs/points.md."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from counter.contract.fields import (
    TIERS,
    ContractError,
    _choice,
    _int,
    _objects,
    _require,
    _text,
    _uuid,
    format_time,
    parse_time,
)

TENDER_KINDS = ("cash", "bank_card", "mobile_pay", "insurance_personal", "insurance_pooled")
SELF_PAID_TENDERS = ("cash", "bank_card", "mobile_pay")

VERSION_RE = re.compile(r"^[0-9a-f]{64}$")


def _rules_version(p: Mapping[str, Any], out: dict[str, Any]) -> None:
    """The rules version the counter computed with (optional; absent stays absent)."""
    if p.get("rules_version") is not None:
        if not isinstance(p["rules_version"], str) or not VERSION_RE.match(p["rules_version"]):
            raise ContractError(
                "invalid_field", "rules_version must be 64 hex digits", field="rules_version"
            )
        out["rules_version"] = p["rules_version"]


def _earn_basis(p: Mapping[str, Any], out: dict[str, Any]) -> None:
    """What the counter computed with (v1.1, optional): ``rules_version``, ``tier``, ``tier_seq``.

    An older counter sends none of them and HQ computes as in v1.0 (its current rules and
    the member's current tier); absent fields stay absent so old ops keep their body hash.
    """
    _rules_version(p, out)
    if p.get("tier") is not None:
        out["tier"] = _choice(p, "tier", TIERS)
    if p.get("tier_seq") is not None:
        out["tier_seq"] = _int(p, "tier_seq", lo=0, hi=2**62)


def _earn(p: Mapping[str, Any]) -> dict[str, Any]:
    lines = _require(p, "lines")
    tenders = _require(p, "tenders")
    if not isinstance(lines, list) or not 0 < len(lines) <= 200:
        raise ContractError("invalid_field", "lines must list 1..200 sale lines", field="lines")
    if not isinstance(tenders, list) or not 0 < len(tenders) <= 10:
        raise ContractError("invalid_field", "tenders must list 1..10 tenders", field="tenders")
    clean_lines: list[dict[str, Any]] = [
        {
            "category": _text(line, "category", max_len=32, required=True),
            "amount_fen": _int(line, "amount_fen", lo=0, hi=100_000_000),
        }
        for line in _objects(lines, "lines")
    ]
    clean_tenders: list[dict[str, Any]] = [
        {
            "kind": _choice(t, "kind", TENDER_KINDS),
            "amount_fen": _int(t, "amount_fen", lo=0, hi=100_000_000),
        }
        for t in _objects(tenders, "tenders")
    ]
    if sum(t["amount_fen"] for t in clean_tenders) != sum(
        line["amount_fen"] for line in clean_lines
    ):
        raise ContractError("tenders_mismatch", "tenders must add up to the sale lines")
    out = {
        "member_id": _uuid(p, "member_id"),
        "receipt_no": _text(p, "receipt_no", max_len=64, required=True),
        "sold_at": format_time(parse_time(_require(p, "sold_at"), "sold_at")),
        "lines": clean_lines,
        "tenders": clean_tenders,
        "points": _int(p, "points", lo=0, hi=10_000_000),
    }
    _earn_basis(p, out)
    return out


def _redeem(p: Mapping[str, Any]) -> dict[str, Any]:
    offline = p.get("offline", False)
    if not isinstance(offline, bool):
        raise ContractError("invalid_field", "offline must be true or false", field="offline")
    out = {
        "member_id": _uuid(p, "member_id"),
        "points": _int(p, "points", lo=1, hi=10_000_000),
        "reason": _text(p, "reason", max_len=128) or "",
        "receipt_no": _text(p, "receipt_no", max_len=64),
        "offline": offline,
    }
    # v1.1: the reward of the catalogue (points.rewards) and how many; absent on older ops,
    # which keep their body hash. HQ checks the code, the figure and the daily limit.
    if p.get("reward") is not None:
        out["reward"] = _text(p, "reward", max_len=32, required=True)
        out["quantity"] = _int(p, "quantity", lo=1, hi=999) if "quantity" in p else 1
    return out


AWARD_REASON_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}\Z")
AWARD_POINTS_MAX = 100_000


def _reverse(p: Mapping[str, Any]) -> dict[str, Any]:
    """A refund (退货, v1.1) takes back what a receipt of this store earned.

    ``full``: the rest of the receipt (``refunded_fen`` is then what the counter knew was
    left); else in proportion to ``refunded_fen`` of self-paid money
    (``counter.rules.reverse_points``). ``points``: what the counter took back.
    """
    full = p.get("full", False)
    if not isinstance(full, bool):
        raise ContractError("invalid_field", "full must be true or false", field="full")
    return {
        "member_id": _uuid(p, "member_id"),
        "receipt_no": _text(p, "receipt_no", max_len=64, required=True),
        "refunded_fen": _int(p, "refunded_fen", lo=1, hi=100_000_000),
        "full": full,
        "points": _int(p, "points", lo=0, hi=10_000_000),
    }


def _award(p: Mapping[str, Any]) -> dict[str, Any]:
    """Activity points (活动积分, v1.1) for a reason of the config's ``award_reasons``.

    Names the rules version whose catalogue the amount came from, like an earn.
    """
    code = _require(p, "reason_code")
    if not isinstance(code, str) or not AWARD_REASON_RE.match(code):
        raise ContractError(
            "invalid_field", "reason_code must be a short lower-case code", field="reason_code"
        )
    out = {
        "member_id": _uuid(p, "member_id"),
        "reason_code": code,
        "points": _int(p, "points", lo=1, hi=AWARD_POINTS_MAX),
        "note": _text(p, "note", max_len=200) or "",
    }
    _rules_version(p, out)
    return out
