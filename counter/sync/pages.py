"""HQ's member records turned into cache rows: checked, and built in one pass.

This is the CPU-heavy half of a sync (a first sync handles a million records): each
record is checked against the contract and turned into the row tuples the bulk apply
writes (member, search keys, cards) in one pass. Records of the usual shape take a fast
path that accepts exactly what ``counter.contract.parse_member_record`` accepts and
builds exactly the rows the reference path builds (tests hold the two together);
anything unusual, and every refusal, goes the reference way, so a malformed record is
refused with the reference parser's words.

Nothing here touches the database or SQLAlchemy, so the work can run in a separate
process (``counter.sync.pipeline``) as well as in the engine's own thread.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, cast, get_args

import msgspec
import orjson

from counter.contract import (
    EMAIL_RE,
    PHONE_RE,
    TIERS,
    ContractError,
    _health,
    parse_member_record,
    record_consents,
)
from counter.names import search_keys
from counter.store.crypto import HealthCipher

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

# Columns of a member row, in the order ``counter.sync.apply`` inserts them.
MEMBER_UPDATE_COLUMNS = (
    "member_no", "name", "name_pinyin", "name_initials", "gender", "birthday", "phone",
    "phone_rev", "email", "address", "education", "income", "marital_status", "tier",
    "points", "health_enc", "allergy_alert", "points_expiring", "recent_visits", "status",
    "merged_into", "origin", "hq_seq", "updated_at", "tier_spend_fen",
)  # fmt: skip
MEMBER_COLUMNS = ("id", "created_at", *MEMBER_UPDATE_COLUMNS)
ROW_ID, ROW_NAME, ROW_MEMBER_NO, ROW_SEQ = 0, 3, 2, 24


@dataclass
class PreparedRecords:
    """Rows ready for ``executemany``: members, search keys, cards, tombstones."""

    members: list[tuple[Any, ...]] = field(default_factory=list)
    keys: list[tuple[str, str]] = field(default_factory=list)
    cards: list[tuple[Any, ...]] = field(default_factory=list)
    # (status, merged_into, seq, id, seq) for UPDATE … WHERE id = ? AND hq_seq <= ?
    gone: list[tuple[Any, ...]] = field(default_factory=list)
    # HQ's latest consent per purpose (1.1), as ``counter.sync.apply`` inserts them
    consents: list[tuple[Any, ...]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.members) + len(self.gone)

    def ids(self) -> set[str]:
        return {m[ROW_ID] for m in self.members} | {g[3] for g in self.gone}


@dataclass
class PreparedPage:
    records: PreparedRecords
    next_cursor: str
    has_more: bool


class _Slow(Exception):
    """Not the common shape: the reference parser decides (and words any refusal)."""


# --- shared by both paths: the stored form of lists and times -------------------------


def hq_time_text(value: str) -> str:
    """A canonical contract time (``…Z``) as the cache's column text (``…+00:00``)."""
    return value[:-1] + "+00:00"


def expiring_text(items: Sequence[dict[str, Any]]) -> str:
    if not items:
        return "[]"
    return (
        "["
        + ",".join(f'{{"points":{e["points"]},"expires_on":"{e["expires_on"]}"}}' for e in items)
        + "]"
    )


def visits_text(items: Sequence[dict[str, Any]]) -> str:
    if not items:
        return "[]"
    return (
        "["
        + ",".join(
            f'{{"at":"{v["at"]}","store_code":{_encode(v["store_code"])},'
            f'"amount_fen":{v["amount_fen"]}}}'
            for v in items
        )
        + "]"
    )


def _health_cells(member_id: str, health: Any, cipher: HealthCipher) -> tuple[Any, int]:
    if health is None:
        return None, 0
    return cipher.encrypt(member_id, health), 1 if health.get("allergies") else 0


def consent_rows(
    member_id: str, consents: dict[str, dict[str, Any]] | None
) -> list[tuple[Any, ...]]:
    """Cache ``consents`` rows for HQ's latest consents (``record_consents``): the id is
    derived from what it records, so the same consent sent again is the same row."""
    rows = []
    for purpose, c in (consents or {}).items():
        at = hq_time_text(c["at"])
        key = f"{member_id}|{purpose}|{c['at']}|{c['granted']}"
        rows.append((str(uuid.uuid5(_CONSENT_NS, key)), member_id, purpose, c["granted"], at))
    return rows


_CONSENT_NS = uuid.UUID("6f1d3c8e-2b1a-4d0e-9a57-0c7e5b3f1a22")


def _fast_consents(rid: str, value: Any) -> list[tuple[Any, ...]]:
    if not value:
        return []
    try:
        return consent_rows(rid, record_consents(value))
    except ContractError:
        raise _Slow from None


# --- the reference path ---------------------------------------------------------------


def row_of(rec: dict[str, Any], cipher: HealthCipher, now_text: str) -> tuple[Any, ...]:
    """A parsed active record (``parse_member_record``) as a member row."""
    name = rec["name"]
    phone = rec["phone"]
    pinyin, first_initials, _variants = search_keys(name)
    health_enc, allergy = _health_cells(rec["id"], rec.get("health"), cipher)
    return (
        rec["id"], now_text, rec["member_no"], name, pinyin, first_initials,
        rec.get("gender") or "", rec.get("birthday"), phone, phone[::-1],
        rec.get("email") or "", rec.get("address") or "", rec.get("education"),
        rec.get("income"), rec.get("marital_status"), rec["tier"], rec["points"],
        health_enc, allergy, expiring_text(rec.get("points_expiring") or ()),
        visits_text(rec.get("recent_visits") or ()), "active", None, "hq", rec["seq"],
        hq_time_text(rec["updated_at"]), rec.get("tier_spend_fen", 0),
    )  # fmt: skip


def add_record(out: PreparedRecords, rec: dict[str, Any], cipher: HealthCipher, now: str) -> None:
    """Add one parsed record (active or tombstone) to the prepared rows."""
    if rec["status"] != "active":
        out.gone.append((rec["status"], rec.get("merged_into"), rec["seq"], rec["id"], rec["seq"]))
        return
    out.members.append(row_of(rec, cipher, now))
    out.keys.extend(("i:" + v, rec["id"]) for v in search_keys(rec["name"])[2])
    out.cards.extend(
        (c["card_no"], rec["id"], c["status"], c.get("valid_until"), now) for c in rec["cards"]
    )
    out.consents.extend(consent_rows(rec["id"], rec.get("consents")))


# --- the fast path --------------------------------------------------------------------

_UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# RFC 3339 in UTC as HQ writes it (``Z``; none, 3 or 6 fractional digits), then parsed
# by the C code of ``datetime.fromisoformat``; any other spelling goes the reference way.
_TIME_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{3}|\.\d{6})?Z")
_TIERS = frozenset(TIERS)
_CARD_STATES = frozenset(("active", "lost", "replaced", "expired"))
_GENDERS = frozenset(("F", "M", ""))
_SEQ_MAX = 2**62
_POINTS_MAX = 10**9
_SPEND_MAX = 10**12
# Luhn by table: the digit sums of every 4-digit group, plain and doubled (~1.5 MB), so a
# card number is checked with four lookups.
_DOUBLED_DIGIT = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)
_PLAIN4 = {f"{n:04d}": sum(map(int, f"{n:04d}")) for n in range(10_000)}
_DOUBLED4 = {f"{n:04d}": sum(_DOUBLED_DIGIT[int(d)] for d in f"{n:04d}") for n in range(10_000)}
_fromisoformat = dt.datetime.fromisoformat
_date_fromisoformat = dt.date.fromisoformat


def _time(value: Any) -> str:
    """Canonical text of a time (``….ffffffZ``)."""
    if type(value) is not str or not _TIME_RE.fullmatch(value):
        raise _Slow
    try:
        moment = _fromisoformat(value[:-1])
    except ValueError:
        raise _Slow from None
    if len(value) == 24:  # milliseconds, as HQ writes them
        return value[:-1] + "000Z"
    return moment.isoformat(timespec="microseconds") + "Z"


_DAYS: dict[str, str] = {}  # dates seen valid (birthdays, expiry days: a small set)


def _day(value: Any) -> str | None:
    if value is None:
        return None
    known = _DAYS.get(value) if type(value) is str else None
    if known is not None:
        return known
    if type(value) is not str or len(value) != 10 or value[4] != "-" or value[7] != "-":
        raise _Slow
    try:
        canonical = _date_fromisoformat(value).isoformat()
    except ValueError:
        raise _Slow from None
    if len(_DAYS) < 100_000:
        _DAYS[value] = canonical
    return canonical


def card_ok(card: Any) -> bool:
    """``counter.codes.is_card_no``, by table (a test holds the two together)."""
    if type(card) is not str or len(card) != 16 or not card.isascii() or not card.isdigit():
        return False
    d, p = card[-2::-2], card[-1::-2]  # from the right, every second digit is doubled
    return (_DOUBLED4[d[:4]] + _DOUBLED4[d[4:]] + _PLAIN4[p[:4]] + _PLAIN4[p[4:]]) % 10 == 0


def _plain(value: Any, max_len: int) -> str:
    """Text that needs no stripping; anything else is for the reference parser."""
    if type(value) is not str or len(value) > max_len or value != value.strip():
        raise _Slow
    return value


def _optional(item: dict[str, Any], key: str) -> str | None:
    value = item.get(key)
    return None if value is None else _plain(value, 32)


def _fast(item: Any, out: PreparedRecords, cipher: HealthCipher, now: str) -> None:
    """Check one active record of the usual shape and add its rows, or raise ``_Slow``."""
    if type(item) is not dict:
        raise _Slow
    get = item.get
    rid, seq, member_no, name, phone = (
        get("id"), get("seq"), get("member_no"), get("name"), get("phone")
    )  # fmt: skip
    if (
        type(rid) is not str
        or not _UUID_RE.fullmatch(rid)
        or type(seq) is not int
        or not 1 <= seq <= _SEQ_MAX
        or get("status") != "active"
        or type(member_no) is not str
        or not member_no.isascii()
        or not member_no.isdigit()
        or not _plain(name, 32)
        or type(phone) is not str
        or not PHONE_RE.match(phone)
    ):
        raise _Slow
    gender = get("gender", "")
    if type(gender) is not str or gender not in _GENDERS:
        raise _Slow
    email = get("email")
    email = "" if email is None else _plain(email, 128)
    if email and not EMAIL_RE.match(email):
        raise _Slow
    address = get("address")
    address = "" if address is None else _plain(address, 256)
    tier, points = get("tier"), get("points")
    spend = get("tier_spend_fen", 0)
    if (
        type(tier) is not str
        or tier not in _TIERS
        or type(points) is not int
        or not -_POINTS_MAX <= points <= _POINTS_MAX
        or type(spend) is not int
        or not 0 <= spend <= _SPEND_MAX
    ):
        raise _Slow
    expiring, visits, cards = get("points_expiring", []), get("recent_visits", []), get("cards", [])
    if type(expiring) is not list or type(visits) is not list or type(cards) is not list:
        raise _Slow
    if len(visits) > 10:
        raise _Slow
    expiring_parts = []
    for e in expiring:
        if type(e) is not dict:
            raise _Slow
        p = e.get("points")
        if type(p) is not int or not 0 <= p <= _POINTS_MAX or e.get("expires_on") is None:
            raise _Slow
        expiring_parts.append(f'{{"points":{p},"expires_on":"{_day(e["expires_on"])}"}}')
    visit_parts = []
    for v in visits:
        if type(v) is not dict:
            raise _Slow
        fen = v.get("amount_fen")
        if type(fen) is not int or not 0 <= fen <= 100_000_000:
            raise _Slow
        store = v.get("store_code")
        store = "" if store is None else _plain(store, 32)
        visit_parts.append(
            f'{{"at":"{_time(v.get("at"))}","store_code":{_encode(store)},"amount_fen":{fen}}}'
        )
    card_rows = []
    for c in cards:
        if type(c) is not dict or not card_ok(c.get("card_no")):
            raise _Slow
        status = c.get("status")
        if type(status) is not str or status not in _CARD_STATES:
            raise _Slow
        card_rows.append((c["card_no"], rid, status, _day(c.get("valid_until")), now))
    birthday = _day(get("birthday"))
    education, income, marital = (
        _optional(item, "education"),
        _optional(item, "income"),
        _optional(item, "marital_status"),
    )
    health = get("health")
    if health is not None:
        health = _health(health)  # the reference check: rare enough not to matter
    updated_at = _time(get("updated_at"))
    pinyin, first_initials, variants = search_keys(cast(str, name))
    health_enc, allergy = _health_cells(rid, health, cipher)
    out.members.append(
        (
            rid, now, member_no, name, pinyin, first_initials, gender, birthday, phone,
            phone[::-1], email, address, education, income, marital, tier, points,
            health_enc, allergy,
            "[" + ",".join(expiring_parts) + "]" if expiring_parts else "[]",
            "[" + ",".join(visit_parts) + "]" if visit_parts else "[]",
            "active", None, "hq", seq, updated_at[:-1] + "+00:00", spend,
        )
    )  # fmt: skip
    out.keys.extend([("i:" + variant, rid) for variant in variants])
    out.cards.extend(card_rows)
    out.consents.extend(_fast_consents(rid, get("consents")))


def prepare_records(items: Sequence[Any], cipher: HealthCipher, now_text: str) -> PreparedRecords:
    """Rows for every record, or ContractError for the first malformed one."""
    out = PreparedRecords()
    for item in items:
        try:
            _fast(item, out, cipher, now_text)
        except _Slow:
            add_record(out, parse_member_record(item), cipher, now_text)
    return out


def prepare_page_body(body: Any, cipher: HealthCipher, now_text: str) -> PreparedPage:
    """A decoded ``/v1/members/changes`` page, checked whole (envelope and records)."""
    if not isinstance(body, dict):
        raise ContractError("invalid_page", "a page must be an object")
    items, next_cursor, has_more = body.get("items"), body.get("next_cursor"), body.get("has_more")
    if (
        not isinstance(items, list)
        or not isinstance(has_more, bool)
        or not isinstance(next_cursor, str)
        or not (next_cursor or not items)
    ):
        raise ContractError("invalid_page", "a page has items, next_cursor and has_more")
    return PreparedPage(prepare_records(items, cipher, now_text), next_cursor, has_more)


# --- whole pages decoded and checked in C -----------------------------------------------
#
# The usual page, decoded by msgspec straight into the typed records below: the decoder
# checks types, ranges, lengths and allowed values as it parses (in C, about a third of
# orjson plus ``_fast``), and Python checks what is left (patterns, stripping, Luhn,
# dates and times) with ``_fast``'s own helpers and builds the same rows. The types
# accept a subset of what ``_fast`` accepts. A page any record of which does not fit (a
# tombstone, a null where a field may be left out, a malformed record) goes the orjson
# way above, record by record, so refusals keep the reference parser's words.


_Text32 = Annotated[str, msgspec.Meta(max_length=32)]
_Name = Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
_Email = Annotated[str, msgspec.Meta(max_length=128)]
_Address = Annotated[str, msgspec.Meta(max_length=256)]
_Tier = Literal["basic", "silver", "gold"]
assert set(get_args(_Tier)) == set(TIERS)


class _Expiring(msgspec.Struct):
    points: Annotated[int, msgspec.Meta(ge=0, le=_POINTS_MAX)]
    expires_on: str


class _Visit(msgspec.Struct):
    at: str
    amount_fen: Annotated[int, msgspec.Meta(ge=0, le=100_000_000)]
    store_code: _Text32 | None = None


class _Card(msgspec.Struct):
    card_no: str
    status: Literal["active", "lost", "replaced", "expired"]
    valid_until: str | None = None


class _Record(msgspec.Struct):
    id: str
    seq: Annotated[int, msgspec.Meta(ge=1, le=_SEQ_MAX)]
    status: Literal["active"]
    member_no: str
    name: _Name
    phone: str
    tier: _Tier
    points: Annotated[int, msgspec.Meta(ge=-_POINTS_MAX, le=_POINTS_MAX)]
    updated_at: str
    tier_spend_fen: Annotated[int, msgspec.Meta(ge=0, le=_SPEND_MAX)] = 0
    gender: Literal["F", "M", ""] = ""
    email: _Email | None = None
    address: _Address | None = None
    points_expiring: list[_Expiring] = []
    recent_visits: Annotated[list[_Visit], msgspec.Meta(max_length=10)] = []
    cards: list[_Card] = []
    birthday: str | None = None
    education: _Text32 | None = None
    income: _Text32 | None = None
    marital_status: _Text32 | None = None
    health: dict[str, list[str]] | None = None
    consents: dict[str, Any] | None = None


class _Page(msgspec.Struct):
    items: list[_Record]
    next_cursor: str
    has_more: bool


_decode_page = msgspec.json.Decoder(_Page).decode


def _typed(page: _Page, cipher: HealthCipher, now: str) -> PreparedRecords:
    """Rows of a page decoded into ``_Record``s (what ``_fast`` builds), or ``_Slow``."""
    out = PreparedRecords()
    members, keys, all_cards = out.members, out.keys, out.cards
    uuid, phone_ok = _UUID_RE.fullmatch, PHONE_RE.match
    for r in page.items:
        rid, member_no, name, phone, email = r.id, r.member_no, r.name, r.phone, r.email
        address, education, income, marital = r.address, r.education, r.income, r.marital_status
        if (
            not uuid(rid)
            or not member_no.isascii()
            or not member_no.isdigit()
            or name != name.strip()
            or not phone_ok(phone)
            or (address is not None and address != address.strip())
            or (education is not None and education != education.strip())
            or (income is not None and income != income.strip())
            or (marital is not None and marital != marital.strip())
        ):
            raise _Slow
        if email is None:
            email = ""
        elif email != email.strip() or (email and not EMAIL_RE.match(email)):
            raise _Slow
        expiring = (
            "["
            + ",".join(
                f'{{"points":{e.points},"expires_on":"{_day(e.expires_on)}"}}'
                for e in r.points_expiring
            )
            + "]"
            if r.points_expiring
            else "[]"
        )
        visits = (
            "["
            + ",".join(
                f'{{"at":"{_time(v.at)}","store_code":{_encode(v.store_code or "")},'
                f'"amount_fen":{v.amount_fen}}}'
                for v in r.recent_visits
            )
            + "]"
            if r.recent_visits
            else "[]"
        )
        for v in r.recent_visits:
            if v.store_code is not None and v.store_code != v.store_code.strip():
                raise _Slow
        for c in r.cards:
            if not card_ok(c.card_no):
                raise _Slow
            all_cards.append((c.card_no, rid, c.status, _day(c.valid_until), now))
        birthday = _day(r.birthday)
        updated_at = _time(r.updated_at)
        health = r.health
        if health is None:
            health_enc, allergy = None, 0
        else:
            health_enc, allergy = _health_cells(rid, _health(health), cipher)
        pinyin, first_initials, variants = search_keys(name)
        members.append(
            (
                rid, now, member_no, name, pinyin, first_initials, r.gender, birthday, phone,
                phone[::-1], email, address or "", education, income, marital,
                r.tier, r.points, health_enc, allergy, expiring, visits, "active", None, "hq",
                r.seq, updated_at[:-1] + "+00:00", r.tier_spend_fen,
            )
        )  # fmt: skip
        keys.extend([("i:" + variant, rid) for variant in variants])
        if r.consents:
            out.consents.extend(_fast_consents(rid, r.consents))
    return out


def prepare_page_bytes(raw: bytes, cipher: HealthCipher, now_text: str) -> PreparedPage:
    """A ``/v1/members/changes`` page as HQ sent it (JSON bytes), checked whole.

    ContractError for a malformed page, ValueError if it is not JSON.
    """
    try:
        page = _decode_page(raw)
        if page.items and not page.next_cursor:
            raise _Slow
        records = _typed(page, cipher, now_text)
    except (msgspec.ValidationError, msgspec.DecodeError, _Slow):
        # orjson: the same values as json.loads, at about 60 % of its cost.
        return prepare_page_body(orjson.loads(raw), cipher, now_text)
    return PreparedPage(records, page.next_cursor, page.has_more)
