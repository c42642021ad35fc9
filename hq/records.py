"""Member records exactly as the contract sends them (docs/hq-api.md), kept ready as text.

A member's record is rendered here whenever the member changes, in the same transaction
and with the same ``seq``, and stored in ``members.record``. ``/v1/members/changes`` then
only concatenates stored text (no ORM, no per-row JSON encoding), which is what lets one
HQ process serve a first sync of a million members in seconds. ``/v1/members/lookup`` and
the ``entity`` of an op's result are the same text, so the three can never disagree.

Everything in a record derives from the member's columns, cards, points ledger (balance
and expiring points) and receipts (recent visits): :func:`refresh_member` recomputes it
from those, and the seeder calls :func:`render_member` with the same values.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from sqlalchemy.engine import Connection

from counter.rules import expiry_of
from hq.fastsql import FastSQL
from hq.health_seal import is_sealed, marker
from hq.times import rfc3339

RECENT_VISITS = 5  # receipts shown as recent_visits, newest first
SPEND_WINDOW = dt.timedelta(days=365)  # the tier follows the last 12 months' spend

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


_CARD_ORDER = {"active": 0, "lost": 1, "replaced": 2, "expired": 3}


def dumps(value: Any) -> str:
    """Compact JSON, UTF-8 text kept as is (the form records are stored and served in)."""
    return _encode(value)


def _date_text(value: dt.date | str | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value.isoformat()


def render_member(
    *,
    id: str,
    seq: int,
    member_no: str,
    name: str,
    gender: str,
    birthday: dt.date | str | None,
    phone: str | None,
    email: str,
    address: str,
    education: str | None,
    income: str | None,
    marital_status: str | None,
    tier: str,
    points: int,
    points_expiring: Sequence[Mapping[str, Any]],
    recent_visits: Sequence[Mapping[str, Any]],
    health: Mapping[str, Any] | None,
    cards: Sequence[Mapping[str, Any]],
    updated_at: str,
    tier_spend_fen: int = 0,
    consents: Mapping[str, Mapping[str, Any]] | None = None,
) -> str:
    """An active member's record as JSON text; ``updated_at`` already in RFC 3339.

    ``consents`` (1.1): the latest consent per purpose (:func:`latest_consents`); left out
    when there is none, as the seeder renders its members (a counter adds nothing either way).
    """
    return _encode(
        {
            "id": id,
            "seq": seq,
            "status": "active",
            "member_no": member_no,
            "name": name,
            "gender": gender,
            "birthday": _date_text(birthday),
            "phone": phone,
            "email": email,
            "address": address,
            "education": education,
            "income": income,
            "marital_status": marital_status,
            "tier": tier,
            "tier_spend_fen": tier_spend_fen,
            "points": points,
            "points_expiring": list(points_expiring),
            "recent_visits": list(recent_visits),
            "health": health,
            "cards": list(cards),
            **({"consents": dict(consents)} if consents else {}),
            "updated_at": updated_at,
        }
    )


def render_tombstone(member_id: str, seq: int, status: str, merged_into: str | None) -> str:
    record: dict[str, Any] = {"id": member_id, "seq": seq, "status": status}
    if status == "merged":
        record["merged_into"] = merged_into
    return _encode(record)


def expiring_points(entries: Iterable[tuple[int, dt.date | None]]) -> list[dict[str, Any]]:
    """What is left of each credit, by expiry date, oldest first.

    ``entries`` are (delta, earned_on) ledger entries. Credits expire by
    ``counter.rules.expiry_of``; debits (redemptions, merges away) use up the points that
    expire first. A credit without ``earned_on`` never expires.
    """
    buckets: dict[dt.date, int] = {}
    debit = 0
    for delta, earned_on in entries:
        if delta > 0 and earned_on is not None:
            expires = expiry_of(earned_on)
            buckets[expires] = buckets.get(expires, 0) + delta
        elif delta < 0:
            debit -= delta
    left: list[dict[str, Any]] = []
    for expires in sorted(buckets):
        points = buckets[expires]
        used = min(points, debit)
        debit -= used
        if points - used > 0:
            left.append({"points": points - used, "expires_on": expires.isoformat()})
    return left


def card_entries(rows: Iterable[Any]) -> list[dict[str, Any]]:
    """Cards as the record lists them: active first, then by when they were bound."""
    ordered = sorted(rows, key=lambda c: (_CARD_ORDER.get(c.status, 9), c.bound_at, c.card_no))
    return [
        {"card_no": c.card_no, "status": c.status, "valid_until": _date_text(c.valid_until)}
        for c in ordered
    ]


MEMBER_COLUMNS = (
    "id", "member_no", "name", "gender", "birthday", "phone", "email", "address", "education",
    "income", "marital_status", "tier", "health", "health_consent", "status", "merged_into",
)  # fmt: skip
SELECT_MEMBER = f"SELECT {', '.join(MEMBER_COLUMNS)} FROM members WHERE id = ?"


def load_member(fx: FastSQL, member_id: str) -> dict[str, Any] | None:
    row = fx.one(SELECT_MEMBER, (member_id,))
    if row is None:
        return None
    member = dict(zip(MEMBER_COLUMNS, row, strict=True))
    member["birthday"] = fx.read_date(member["birthday"])
    member["health_consent"] = bool(member["health_consent"])
    return member


def refresh_member(
    conn: Connection | FastSQL,
    member_id: str,
    seq: int,
    now: dt.datetime,
    row: dict[str, Any] | None = None,
) -> str:
    """Give the member ``seq`` and re-render its record from the tables; returns the record.

    Called by every writer that changed anything the record shows, inside its transaction
    (``row``: the member's columns as :func:`load_member` read them, if unchanged since).
    The balance is the ledger's sum, so ``members.points`` can never drift from it.
    """
    fx = conn if isinstance(conn, FastSQL) else FastSQL(conn)
    row = row or load_member(fx, member_id)
    assert row is not None, member_id
    ledger_rows, visit_rows, card_rows, spend = _history(fx, member_id, now - SPEND_WINDOW)
    ledger = [(int(delta), fx.read_date(earned_on)) for delta, earned_on in ledger_rows]
    balance = sum(delta for delta, _ in ledger)
    if row["status"] != "active":
        record = render_tombstone(member_id, seq, row["status"], row["merged_into"])
    else:
        visits = [
            {"at": rfc3339(_time(fx, at)), "store_code": store, "amount_fen": int(amount)}
            for at, store, amount in visit_rows
        ]
        cards = card_entries(
            _CardRow(no, status, fx.read_date(until), _time(fx, bound))
            for no, status, until, bound in card_rows
        )
        record = render_member(
            id=member_id,
            seq=seq,
            member_no=row["member_no"],
            name=row["name"],
            gender=row["gender"],
            birthday=row["birthday"],
            phone=row["phone"],
            email=row["email"],
            address=row["address"],
            education=row["education"],
            income=row["income"],
            marital_status=row["marital_status"],
            tier=row["tier"],
            points=balance,
            points_expiring=expiring_points(ledger),
            recent_visits=visits,
            health=_record_health(member_id, row) if row["health_consent"] else None,
            cards=cards,
            updated_at=rfc3339(now),
            tier_spend_fen=spend,
            consents=latest_consents(fx, member_id),
        )
    fx.execute(
        "UPDATE members SET seq = ?, points = ?, updated_at = ?, record = ? WHERE id = ?",
        (seq, balance, fx.time(now), record, member_id),
    )
    return record


def _record_health(member_id: str, row: dict[str, Any]) -> Any:
    """The health as the stored record holds it: the sealed column value as a marker
    (opened when served), or, for a column not sealed yet, the clear value."""
    stored = row["health"]
    if not stored:
        return None
    return marker(stored) if is_sealed(stored) else json.loads(stored)


_CONSENTS_SQL = (
    "SELECT purpose, granted, text_version, recorded_at, store_code FROM consents"
    " WHERE member_id = ? ORDER BY recorded_at, id"
)


def latest_consents(fx: FastSQL, member_id: str) -> dict[str, dict[str, Any]]:
    """Each purpose's latest consent, wherever it was given: a counter knows only its own."""
    out: dict[str, dict[str, Any]] = {}
    for purpose, granted, version, at, store in fx.all(_CONSENTS_SQL, (member_id,)):
        out[purpose] = {
            "granted": bool(granted),
            "text_version": version,
            "at": rfc3339(_time(fx, at)),
            "store_code": store,
        }
    return out


def _time(fx: FastSQL, value: Any) -> dt.datetime:
    moment = fx.read_time(value)
    assert moment is not None
    return moment


_LEDGER_SQL = "SELECT delta, earned_on FROM points_ledger WHERE member_id = ? ORDER BY id"
_VISITS_SQL = (
    "SELECT sold_at, store_code, amount_fen FROM receipts WHERE member_id = ?"
    " ORDER BY sold_at DESC, receipt_no DESC LIMIT ?"
)
_CARDS_SQL = "SELECT card_no, status, valid_until, bound_at FROM cards WHERE member_id = ?"
# The tier's basis (DESIGN §5): self-paid money of the last 12 months, less what refunds gave back.
_SPEND_SQL = (
    "SELECT COALESCE(SUM(self_paid_fen - reversed_fen), 0) FROM receipts"
    " WHERE member_id = ? AND sold_at >= ?"
)
# PostgreSQL: the three in one round trip (a round trip costs more there than the query).
_HISTORY_PG = (
    "SELECT"
    " (SELECT coalesce(json_agg(json_build_array(delta, earned_on) ORDER BY id), '[]')"
    "   FROM points_ledger WHERE member_id = ?),"
    " (SELECT coalesce(json_agg(json_build_array(sold_at, store_code, amount_fen)"
    "   ORDER BY sold_at DESC, receipt_no DESC), '[]')"
    "   FROM (SELECT sold_at, store_code, amount_fen, receipt_no FROM receipts"
    "     WHERE member_id = ? ORDER BY sold_at DESC, receipt_no DESC LIMIT ?) AS v),"
    " (SELECT coalesce(json_agg(json_build_array(card_no, status, valid_until, bound_at)), '[]')"
    "   FROM cards WHERE member_id = ?),"
    " (SELECT COALESCE(SUM(self_paid_fen - reversed_fen), 0) FROM receipts"
    "   WHERE member_id = ? AND sold_at >= ?)"
)


def _history(
    fx: FastSQL, member_id: str, since: dt.datetime
) -> tuple[list[Any], list[Any], list[Any], int]:
    """The member's ledger entries, last receipts and cards, as rows of plain values, and
    their self-paid spend since ``since``."""
    if fx.sqlite:
        spend = fx.one(_SPEND_SQL, (member_id, fx.time(since)))
        return (
            fx.all(_LEDGER_SQL, (member_id,)),
            fx.all(_VISITS_SQL, (member_id, RECENT_VISITS)),
            fx.all(_CARDS_SQL, (member_id,)),
            int(spend[0]) if spend is not None else 0,
        )
    row = fx.one(
        _HISTORY_PG,
        (member_id, member_id, RECENT_VISITS, member_id, member_id, fx.time(since)),
    )
    assert row is not None
    ledger, visits, cards = (json.loads(p) if isinstance(p, str) else list(p) for p in row[:3])
    return ledger, visits, cards, int(row[3])


class _CardRow(NamedTuple):
    card_no: str
    status: str
    valid_until: dt.date | None
    bound_at: dt.datetime | None
