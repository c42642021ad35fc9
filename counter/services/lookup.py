"""Scan to member: what the cashier's lookup bar does with what it receives (DESIGN §4).

Every kind of input goes to its own index: card (primary key), QR token (verified
offline with HQ's public keys, at the counter's time ``ctx.now()``, then the member
number), full phone, phone tail (a prefix range over the reversed phone), Chinese name
prefix, pinyin initials (a range over the search keys, every reading of a heteronym
included). Refusals come back as answers with a reason, never as exceptions.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from dataclasses import dataclass
from typing import Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from counter import codes
from counter.errors import KnownError
from counter.privacy import district, mask_name, mask_phone
from counter.services.clock import verify_member_code
from counter.services.context import Actor, ServiceContext
from counter.services.views import HQ_CONFIG_KEY, LOCAL_TZ, MemberView, fetch_view, visits

log = logging.getLogger(__name__)

MAX_CHOICES = 20

Outcome = Literal["found", "choices", "not_found", "refused"]


@dataclass(frozen=True)
class MemberChoice:
    """One line of the pick list: enough to tell people apart, nothing more.

    Name and phone are masked for every role (the list is read out at the counter); what
    tells twenty 刘* apart is the birth year, gender, district (never the street) and the
    last visit to this store.
    """

    member_id: str
    name: str
    phone: str
    tier: str
    birth_year: int | None = None
    gender: str = ""
    district: str = ""
    last_visit_here: dt.date | None = None


@dataclass(frozen=True)
class LookupResult:
    outcome: Outcome
    kind: str
    member: MemberView | None = None
    choices: tuple[MemberChoice, ...] = ()
    reason: str = ""
    zh: str = ""
    en: str = ""

    def message(self, language: str) -> str:
        return self.zh if language.startswith("zh") else self.en


def _refused(kind: str, error: KnownError) -> LookupResult:
    return LookupResult("refused", kind, reason=error.code, zh=error.zh, en=error.en)


def _not_found(kind: str) -> LookupResult:
    zh, en = {
        "card": ("未找到此卡号的会员。", "No member holds this card."),
        "member_token": ("未找到此会员码对应的会员。", "No member matches this member code."),
        "phone": ("未找到此手机号的会员。", "No member has this phone number."),
        "phone_tail": ("没有手机尾号相符的会员。", "No member's phone ends in these digits."),
        "name": ("没有姓名相符的会员。", "No member has a name starting like this."),
        "initials": ("没有拼音首字母相符的会员。", "No member's name has these initials."),
    }.get(kind, ("无法识别的输入，请重新扫描。", "This input is not a card, code, phone or name."))
    return LookupResult("not_found", kind, reason="not_found", zh=zh, en=en)


def public_keys(conn: sqlite3.Connection, ctx: ServiceContext) -> dict[int, Ed25519PublicKey]:
    """HQ's QR verification keys from the cached config (empty before the first sync)."""
    row = conn.execute("SELECT value FROM kv WHERE key = ?", (HQ_CONFIG_KEY,)).fetchone()
    raw = row[0] if row else ""
    memo = ctx.memo.get("qr_keys")
    if memo is not None and memo[0] == raw:
        return memo[1]  # type: ignore[no-any-return]
    keys: dict[int, Ed25519PublicKey] = {}
    if raw:
        try:
            listed = json.loads(raw).get("qr_keys", {})
            keys = codes.load_public_keys(listed) if isinstance(listed, dict) else {}
        except (ValueError, AttributeError):
            log.error("HQ config in the cache is not JSON; QR codes can't be checked")
        except KnownError as exc:
            log.error("HQ config holds unusable QR keys, QR codes can't be checked: %s", exc.detail)
    ctx.memo["qr_keys"] = (raw, keys)
    return keys


def _choices(conn: sqlite3.Connection, ids: list[str], store_code: str) -> tuple[MemberChoice, ...]:
    marks = ", ".join("?" for _ in ids)
    rows = conn.execute(
        "SELECT id, name, phone, tier, birthday, gender, address, recent_visits FROM members "
        f"WHERE id IN ({marks}) AND status = 'active' ORDER BY name, phone",
        ids,
    ).fetchall()
    return tuple(
        MemberChoice(
            member_id=mid,
            name=mask_name(name),
            phone=mask_phone(phone),
            tier=tier,
            birth_year=int(birthday[:4]) if birthday and birthday[:4].isdigit() else None,
            gender=gender or "",
            district=district(address or ""),
            last_visit_here=_last_visit_here(visits_json, store_code),
        )
        for mid, name, phone, tier, birthday, gender, address, visits_json in rows
    )


def _last_visit_here(visits_json: str, store_code: str) -> dt.date | None:
    here = [v.at for v in visits(visits_json) if store_code and v.store_code == store_code]
    return max(here).astimezone(LOCAL_TZ).date() if here else None


# Prefix searches as ranges over an index: [prefix, prefix + U+10FFFF).
_RANGE_SQL = {
    "phone_tail": "SELECT id FROM members WHERE phone_rev >= ? AND phone_rev < ? "
    "AND status = 'active' LIMIT ?",
    "name": "SELECT id FROM members WHERE name >= ? AND name < ? AND status = 'active' LIMIT ?",
    "initials": "SELECT DISTINCT member_id FROM member_keys WHERE key >= ? AND key < ? LIMIT ?",
}


def _candidates(conn: sqlite3.Connection, kind: str, value: str) -> list[str]:
    prefix = {"phone_tail": value[::-1], "name": value, "initials": "i:" + value}[kind]
    rows = conn.execute(_RANGE_SQL[kind], (prefix, prefix + "\U0010ffff", MAX_CHOICES + 1))
    return [r[0] for r in rows]


def lookup(ctx: ServiceContext, actor: Actor, text: str) -> LookupResult:
    """Find the member behind a scan or typed text; never raises for any input."""
    scan = codes.classify_scan(text)
    if scan.kind == "card_misread":
        return _refused(scan.kind, codes.CodeRefused("card_misread"))
    if scan.kind == "unknown":
        return _not_found(scan.kind)
    with ctx.db.raw_read() as conn:
        if scan.kind in ("card", "phone"):
            view = fetch_view(conn, ctx, actor, scan.kind, scan.value)
        elif scan.kind == "member_token":
            try:
                token = verify_member_code(ctx, scan.value, public_keys(conn, ctx))
            except codes.CodeRefused as refusal:
                return _refused(scan.kind, refusal)
            view = fetch_view(conn, ctx, actor, "member_no", token.member_no)
        else:
            ids = _candidates(conn, scan.kind, scan.value)
            if len(ids) > 1:
                return LookupResult(
                    "choices", scan.kind, choices=_choices(conn, ids, ctx.store_code)
                )
            view = fetch_view(conn, ctx, actor, "id", ids[0]) if ids else None
    if view is None:
        return _not_found(scan.kind)
    return LookupResult("found", scan.kind, member=view)


def choose(ctx: ServiceContext, actor: Actor, member_id: str) -> LookupResult:
    """The member picked from a pick list."""
    with ctx.db.raw_read() as conn:
        view = fetch_view(conn, ctx, actor, "id", member_id)
    if view is None:
        return _not_found("member")
    return LookupResult("found", "member", member=view)
