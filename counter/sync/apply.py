"""Applying what HQ sends to the cache: member records in bulk, complaint records.

Records arrive already checked (``counter.sync.records``). A page is applied inside the
caller's transaction, the one that also moves the stream's cursor. Members go through
plain ``executemany`` upserts on the session's own SQLite connection: the one hot bulk
path of the cache (a first sync of a million members has a 30 s budget).

Two rules keep the cache truthful while this store's own operations are in flight:

- never older over newer: a record whose ``seq`` is below the cached row's ``hq_seq``
  (the row already came from a newer source, e.g. the ``entity`` of a pushed op) is
  skipped; an epoch change resets ``hq_seq`` to 0 first, since seqs restart then;
- pending operations stay on top: after a page, this store's not-yet-answered profile,
  consent, card and complaint operations are laid over HQ's rows again
  (:func:`overlay_pending`), so a pull never undoes what the operator just did.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from counter.contract import HQ_OPERATOR
from counter.store import effects
from counter.store.crypto import HealthCipher
from counter.store.erasure import erase_members, erased_ids
from counter.store.models import Complaint, OutboxOp
from counter.store.outbox_health import open_payload
from counter.sync.pages import (
    MEMBER_COLUMNS,
    MEMBER_UPDATE_COLUMNS,
    ROW_ID,
    ROW_MEMBER_NO,
    ROW_NAME,
    ROW_SEQ,
    PreparedRecords,
    add_record,
)

_MEMBER_SQL = (
    f"INSERT INTO members ({', '.join(MEMBER_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in MEMBER_COLUMNS)}) "
    "ON CONFLICT(id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in MEMBER_UPDATE_COLUMNS)
    + " WHERE excluded.hq_seq >= members.hq_seq"
)
_CARD_SQL = (
    "INSERT INTO cards (card_no, member_id, status, valid_until, bound_at) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT(card_no) DO UPDATE SET member_id = excluded.member_id, "
    "status = excluded.status, valid_until = excluded.valid_until"
)
_KEY_STAGE_SQL = "INSERT INTO member_keys_load (key, member_id) VALUES (?, ?)"
_CARD_STAGE_SQL = (
    "INSERT INTO cards_load (card_no, member_id, status, valid_until, bound_at) "
    "VALUES (?, ?, ?, ?, ?)"
)
_RELEASE_NO_SQL = "UPDATE members SET member_no = NULL WHERE member_no = ? AND id <> ?"
_KEY_SQL = "INSERT OR IGNORE INTO member_keys (key, member_id) VALUES (?, ?)"
_TOMBSTONE_SQL = (
    "UPDATE members SET status = ?, merged_into = ?, hq_seq = ?, health_enc = NULL, "
    "allergy_alert = 0 WHERE id = ? AND hq_seq <= ?"
)
# HQ's latest consent for a purpose (1.1), unless the cache already holds one as new or
# newer: this store's own, pushed or still pending in the outbox, stays on top.
_CONSENT_SQL = (
    "INSERT OR IGNORE INTO consents (id, member_id, purpose, granted, recorded_at, operator_id) "
    f"SELECT ?1, ?2, ?3, ?4, ?5, '{HQ_OPERATOR}' WHERE NOT EXISTS (SELECT 1 FROM consents "
    "WHERE purpose = ?3 AND member_id = ?2 AND recorded_at >= ?5)"
)
# Operations whose local effect is laid back over HQ's row until HQ has answered them.
OVERLAID_TYPES = ("member.update", "member.consent", "card.bind")


def _text_time(value: dt.datetime) -> str:
    # The same text UTCDateTime writes, so ORM reads of these rows compare and sort alike.
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def raw_of(session: Session) -> sqlite3.Connection:
    raw = session.connection().connection.dbapi_connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def apply_member_records(
    session: Session,
    records: Sequence[dict[str, Any]],
    cipher: HealthCipher,
    now: dt.datetime,
    *,
    fresh: bool = False,
) -> int:
    """Upsert parsed records (``parse_member_record``): members, cards, tombstones."""
    prepared = PreparedRecords()
    now_text = _text_time(now)
    for rec in records:
        add_record(prepared, rec, cipher, now_text)
    return apply_prepared(session, prepared, fresh=fresh)


def apply_prepared(
    session: Session, prepared: PreparedRecords, *, fresh: bool = False, staged: bool = False
) -> int:
    """Write prepared rows (``counter.sync.pages``); returns the records applied.

    This is the one hot bulk path of the cache, so it talks to SQLite directly (one
    ``executemany`` per table) on the session's own connection and transaction.
    ``fresh``: the caller knows none of these members is cached yet (a first full sync
    into an empty cache), so the look at the cached rows is skipped. ``staged``: search
    keys and cards go to the staging tables of ``counter.sync.fastload``.
    """
    raw = raw_of(session)
    members, keys, cards, gone = prepared.members, prepared.keys, prepared.cards, prepared.gone
    consents = prepared.consents
    if not fresh:
        skip = _older_than_cached(raw, members, gone)
        if skip:
            members = [m for m in members if m[ROW_ID] not in skip]
            keys = [k for k in keys if k[1] not in skip]
            cards = [c for c in cards if c[1] not in skip]
            consents = [c for c in consents if c[1] not in skip]
            gone = [g for g in gone if g[3] not in skip]
        if members:
            # A member number belongs to whoever HQ says now: after HQ was restored it
            # may hand a lost member's number to another one.
            raw.executemany(_RELEASE_NO_SQL, [(m[ROW_MEMBER_NO], m[ROW_ID]) for m in members])
    if members:
        raw.executemany(_MEMBER_SQL, members)
    if keys:
        raw.executemany(_KEY_STAGE_SQL if staged else _KEY_SQL, keys)
    if cards:
        raw.executemany(_CARD_STAGE_SQL if staged else _CARD_SQL, cards)
    if consents:
        raw.executemany(_CONSENT_SQL, consents)
    if gone:
        raw.executemany(_TOMBSTONE_SQL, gone)
        if not fresh:
            # What HQ forgot goes here too (a fresh cache holds nobody to forget).
            erase_members(raw, {g[3]: g[1] if g[0] == "merged" else None for g in gone})
    return len(members) + len(gone)


def _older_than_cached(
    raw: sqlite3.Connection, members: list[tuple[Any, ...]], gone: list[tuple[Any, ...]]
) -> set[str]:
    """Ids whose record is older than the cached row; clears keys of renamed members."""
    incoming = {m[ROW_ID]: (m[ROW_SEQ], m[ROW_NAME]) for m in members}
    incoming.update({g[3]: (g[2], None) for g in gone})
    ids = list(incoming)
    stale_keys: list[tuple[str]] = []
    skip: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for member_id, old_name, hq_seq in raw.execute(
            f"SELECT id, name, hq_seq FROM members WHERE id IN ({marks})", chunk
        ):
            seq, name = incoming[member_id]
            if seq < hq_seq:
                skip.add(member_id)
            elif name is not None and old_name != name:
                stale_keys.append((member_id,))
    if stale_keys:
        raw.executemany("DELETE FROM member_keys WHERE member_id = ?", stale_keys)
    return skip


def pending_overlays(
    session: Session,
    types: Iterable[str],
    member_ids: Collection[str] | None = None,
    complaint_ids: Collection[str] | None = None,
) -> list[OutboxOp]:
    """This store's unanswered operations of ``types``, oldest first; only those of
    ``member_ids`` or ``complaint_ids`` when given (a push of 10,000 ops would otherwise
    load every pending one again for each batch answered)."""
    query = select(OutboxOp).where(OutboxOp.state == "pending", OutboxOp.type.in_(tuple(types)))
    if member_ids is None and complaint_ids is None:
        return list(session.scalars(query.order_by(OutboxOp.seq)))
    column: Any = OutboxOp.member_id
    ids = list(member_ids or ())
    if complaint_ids is not None:
        column, ids = func.json_extract(OutboxOp.payload, "$.complaint_id"), list(complaint_ids)
    found: list[OutboxOp] = []
    for start in range(0, len(ids), 500):
        found.extend(session.scalars(query.where(column.in_(ids[start : start + 500]))))
    return sorted(found, key=lambda op: op.seq)


def overlay_pending(
    session: Session,
    cipher: HealthCipher,
    member_ids: Collection[str] | None,
    now: dt.datetime,
) -> int:
    """Lay this store's pending profile/consent/card operations over HQ's rows again.

    ``member_ids`` limits it to the members just written (None: all). Returns how many
    operations were laid over.
    """
    done = 0
    ops = pending_overlays(session, OVERLAID_TYPES, member_ids)
    # An erased member's pending operations still go to HQ, but never back into its row.
    erased = erased_ids(raw_of(session), {op.member_id for op in ops if op.member_id})
    for op in ops:
        if op.member_id is None or (member_ids is not None and op.member_id not in member_ids):
            continue
        if op.member_id in erased:
            continue
        payload = open_payload(cipher, op.op_id, op.payload)
        if op.type == "member.update":
            effects.set_member_fields(
                session, cipher, op.member_id, payload["changes"], op.created_at
            )
        elif op.type == "member.consent":
            if not payload["granted"]:
                effects.set_health(session, cipher, op.member_id, None)
        else:
            effects.bind_card(
                session, op.member_id, payload["card_no"], payload.get("replaces"), op.created_at
            )
        done += 1
    return done


_COMPLAINT_COLUMNS = (
    "id", "store_code", "number", "member_id", "customer_name", "customer_phone", "category",
    "severity", "channel", "description", "wants", "status", "due_at", "created_at", "updated_at",
    "created_by", "followup_at", "followup_note", "satisfaction", "followup_method",
    "followup_reached", "changed_at_hq", "hq_seq",
)  # fmt: skip
_COMPLAINT_SQL = (
    f"INSERT INTO complaints ({', '.join(_COMPLAINT_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in _COMPLAINT_COLUMNS)}) ON CONFLICT(id) DO UPDATE SET "
    + ", ".join(
        f"{c} = excluded.{c}"
        for c in _COMPLAINT_COLUMNS
        if c not in ("id", "created_by", "number", "changed_at_hq")
    )
    # A number HQ never had (an older HQ) stays; HQ's change is marked unless it only
    # echoes this store's own ops (the seq moved but nothing the store did not know).
    + ", number = CASE WHEN excluded.number != '' THEN excluded.number ELSE complaints.number END"
    + ", changed_at_hq = complaints.changed_at_hq OR excluded.changed_at_hq"
    + " WHERE excluded.hq_seq >= complaints.hq_seq"
)
_NOTE_SQL = (
    "INSERT OR REPLACE INTO complaint_notes (id, complaint_id, at, operator_id, text, new_status) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)


def _hq_text(value: str) -> str:
    """A canonical contract time as the cache's column text."""
    return value[:-1] + "+00:00"


def _hq_touched(record: dict[str, Any]) -> bool:
    """Whether HQ staff changed the complaint: a note of HQ's own in its timeline."""
    return any(n["operator_id"] == HQ_OPERATOR for n in record["notes"])


def _current_members(raw: sqlite3.Connection, ids: set[str]) -> dict[str, str]:
    """Where merged members went: HQ keeps a complaint's member id as it was logged."""
    moved: dict[str, str] = {}
    for member_id in ids:
        current = member_id
        for _ in range(8):
            row = raw.execute(
                "SELECT status, merged_into FROM members WHERE id = ?", (current,)
            ).fetchone()
            if row is None or row[0] != "merged" or not row[1]:
                break
            current = row[1]
        if current != member_id:
            moved[member_id] = current
    return moved


def apply_complaint_records(
    session: Session, records: Sequence[dict[str, Any]], now: dt.datetime
) -> int:
    """Upsert complaints as HQ sees them (its notes replace ours), then re-lay pending updates."""
    if not records:
        return 0
    raw = raw_of(session)
    by_id = {r["id"]: r for r in records}  # the newest of each, as the feed is oldest first
    ids = list(by_id)
    cached: dict[str, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        cached.update(
            raw.execute(f"SELECT id, hq_seq FROM complaints WHERE id IN ({marks})", chunk)
        )
    fresh = [r for r in by_id.values() if cached.get(r["id"], -1) <= r["seq"]]
    linked = {r["member_id"] for r in fresh if r["member_id"]}
    moved = _current_members(raw, linked)
    # A complaint of a member HQ has forgotten stays a record without the person.
    erased = erased_ids(raw, linked)
    rows = []
    for r in fresh:
        f = r["followup"]
        anonymous = r["member_id"] in erased
        rows.append(
            (
                r["id"], r["store_code"], r.get("number") or "",
                moved.get(r["member_id"], r["member_id"]),
                "" if anonymous else r["customer_name"],
                "" if anonymous else r["customer_phone"], r["category"], r["severity"],
                r["channel"], r["description"], r["wants"], r["status"], _hq_text(r["due_at"]),
                _hq_text(r["created_at"]), _hq_text(r["updated_at"]), "hq",
                _hq_text(f["at"]) if f else None, f["note"] if f else "",
                f["satisfaction"] if f else None, f["method"] if f else "",
                f["reached"] if f else None, _hq_touched(r), r["seq"],
            )
        )  # fmt: skip
    raw.executemany(_COMPLAINT_SQL, rows)
    raw.executemany(
        "DELETE FROM complaint_notes WHERE complaint_id = ?", [(r["id"],) for r in fresh]
    )
    raw.executemany(
        _NOTE_SQL,
        [
            (n["id"], r["id"], _hq_text(n["at"]), n["operator_id"], n["text"], n["new_status"])
            for r in fresh
            for n in r["notes"]
        ],
    )
    touched = {r["id"] for r in fresh}
    session.expire_all()  # the ORM must not hold older copies of these rows
    for op in pending_overlays(session, ("complaint.update",), complaint_ids=touched):
        payload = json.loads(op.payload)
        if payload["complaint_id"] in touched:
            complaint = session.get(Complaint, payload["complaint_id"])
            if complaint is not None:
                effects.apply_complaint_update(
                    session, complaint, payload, op.op_id, op.operator_id, op.created_at
                )
    return len(records)
