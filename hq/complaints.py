"""Complaints (DESIGN §6): records as the contract sends them, and the state machine.

``received → handling → resolved → closed``, and ``escalated`` (to HQ) from ``received`` or
``handling``. A store moves its complaints along that path; HQ may also move an escalated
complaint back to ``handling`` or on to ``resolved`` (:func:`hq_update_complaint`). Every
change gets a new ``seq`` of the global change sequence, so the store that logged the
complaint sees it on its next ``/v1/complaints/changes``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.engine import Connection, Engine, Row

from counter import contract
from counter.ids import uuid7
from hq.db import write_transaction
from hq.errors import HQError
from hq.fastsql import FastSQL
from hq.models import Complaint, ComplaintNote
from hq.times import rfc3339

CP = cast(Table, Complaint.__table__)
CN = cast(Table, ComplaintNote.__table__)

# What a store may do (to status, from status); "same status" is never a transition.
STORE_TRANSITIONS: dict[str, frozenset[str]] = {
    "received": frozenset({"handling", "escalated"}),
    "handling": frozenset({"resolved", "escalated"}),
    "resolved": frozenset({"closed"}),
    "closed": frozenset(),
    "escalated": frozenset(),
}
# HQ may, in addition, take an escalated complaint back to handling or resolve it.
HQ_TRANSITIONS: dict[str, frozenset[str]] = {
    **STORE_TRANSITIONS,
    "escalated": frozenset({"handling", "resolved"}),
}
HQ_OPERATOR = contract.HQ_OPERATOR


class TransitionRefused(Exception):
    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(f"a complaint cannot go from {current} to {wanted}")
        self.current = current
        self.wanted = wanted


def check_transition(current: str, wanted: str, *, by_hq: bool = False) -> bool:
    """True if the status changes; :class:`TransitionRefused` if it may not."""
    if wanted == current:
        return False
    allowed = (HQ_TRANSITIONS if by_hq else STORE_TRANSITIONS).get(current, frozenset())
    if wanted not in allowed:
        raise TransitionRefused(current, wanted)
    return True


def complaint_record(row: Row[Any], notes: Sequence[Row[Any]]) -> dict[str, Any]:
    followup = None
    if row.followup_at is not None:
        followup = {
            "at": rfc3339(row.followup_at),
            "note": row.followup_note or "",
            "satisfaction": row.followup_satisfaction,
            "method": row.followup_method or "phone",
            "reached": True if row.followup_reached is None else bool(row.followup_reached),
        }
    return {
        "id": row.id,
        "seq": row.seq,
        "store_code": row.store_code,
        "number": row.number or "",
        "member_id": row.member_id,
        "customer_name": row.customer_name,
        "customer_phone": row.customer_phone,
        "category": row.category,
        "severity": row.severity,
        "channel": row.channel,
        "description": row.description,
        "wants": row.wants,
        "status": row.status,
        "due_at": rfc3339(row.due_at),
        "created_at": rfc3339(row.created_at),
        "updated_at": rfc3339(row.updated_at),
        "notes": [
            {
                "id": n.id,
                "at": rfc3339(n.at),
                "operator_id": n.operator_id,
                "text": n.text,
                "new_status": n.new_status,
            }
            for n in notes
        ],
        "followup": followup,
    }


def complaint_records(conn: Connection, rows: Iterable[Row[Any]]) -> list[dict[str, Any]]:
    """Records of ``rows`` (complaints), with their notes in one query."""
    rows = list(rows)
    if not rows:
        return []
    notes: dict[str, list[Row[Any]]] = {r.id: [] for r in rows}
    for note in conn.execute(
        select(CN)
        .where(CN.c.complaint_id.in_(list(notes)))
        .order_by(CN.c.complaint_id, CN.c.at, CN.c.id)
    ):
        notes[note.complaint_id].append(note)
    return [complaint_record(r, notes[r.id]) for r in rows]


def load_complaint(conn: Connection, complaint_id: str) -> Row[Any] | None:
    return conn.execute(select(CP).where(CP.c.id == complaint_id)).first()


def record_of(conn: Connection, complaint_id: str) -> dict[str, Any]:
    row = load_complaint(conn, complaint_id)
    assert row is not None
    return complaint_records(conn, [row])[0]


class ComplaintRow(NamedTuple):
    """A complaint's columns as :func:`load_complaint_fast` reads them (times aware UTC)."""

    id: str
    store_code: str
    number: str | None
    member_id: str | None
    customer_name: str
    customer_phone: str
    category: str
    severity: str
    channel: str
    description: str
    wants: str
    status: str
    due_at: dt.datetime
    created_at: dt.datetime
    updated_at: dt.datetime
    followup_at: dt.datetime | None
    followup_note: str | None
    followup_satisfaction: int | None
    followup_method: str | None
    followup_reached: bool | None
    seq: int


class NoteRow(NamedTuple):
    id: str
    at: dt.datetime
    operator_id: str
    text: str
    new_status: str | None


_SELECT_COMPLAINT = f"SELECT {', '.join(ComplaintRow._fields)} FROM complaints WHERE id = ?"
_SELECT_NOTES = (
    f"SELECT {', '.join(NoteRow._fields)} FROM complaint_notes WHERE complaint_id = ?"
    " ORDER BY at, id"
)
_TIME_INDEXES = tuple(
    ComplaintRow._fields.index(t) for t in ("due_at", "created_at", "updated_at", "followup_at")
)


def load_complaint_fast(fx: FastSQL, complaint_id: str) -> ComplaintRow | None:
    """:func:`load_complaint` on the raw cursor, for the op-applying hot path."""
    row = fx.one(_SELECT_COMPLAINT, (complaint_id,))
    if row is None:
        return None
    values = list(row)
    for index in _TIME_INDEXES:
        values[index] = fx.read_time(values[index])
    return ComplaintRow(*values)


def record_of_fast(fx: FastSQL, complaint_id: str) -> dict[str, Any]:
    """:func:`record_of` on the raw cursor: the same record."""
    row = load_complaint_fast(fx, complaint_id)
    assert row is not None
    notes = [
        NoteRow(n[0], _aware(fx, n[1]), n[2], n[3], n[4])
        for n in fx.all(_SELECT_NOTES, (complaint_id,))
    ]
    return complaint_record(cast(Any, row), cast(Any, notes))


def _aware(fx: FastSQL, value: Any) -> dt.datetime:
    moment = fx.read_time(value)
    assert moment is not None
    return moment


def add_note(
    conn: Connection,
    note_id: str,
    complaint_id: str,
    at: dt.datetime,
    operator_id: str,
    text: str,
    new_status: str | None,
) -> None:
    conn.execute(
        insert(CN).values(
            id=note_id,
            complaint_id=complaint_id,
            at=at,
            operator_id=operator_id,
            text=text,
            new_status=new_status,
        )
    )


def hq_update_complaint(
    engine: Engine,
    complaint_id: str,
    *,
    status: str | None = None,
    note: str = "",
    operator_id: str = HQ_OPERATOR,
) -> dict[str, Any]:
    """HQ staff update a complaint (status and/or a note); returns its new record."""
    with write_transaction(engine) as w:
        row = load_complaint(w.conn, complaint_id)
        if row is None:
            raise HQError(f"no complaint {complaint_id}")
        try:
            changed = status is not None and check_transition(row.status, status, by_hq=True)
        except TransitionRefused as exc:
            raise HQError(str(exc)) from None
        if not changed and not note:
            raise HQError("nothing to change")
        add_note(
            w.conn, uuid7(), complaint_id, w.now, operator_id, note, status if changed else None
        )
        values: dict[str, Any] = {"seq": w.changes.take(), "updated_at": w.now}
        if changed:
            values["status"] = status
        w.conn.execute(update(CP).where(CP.c.id == complaint_id).values(**values))
        return record_of(w.conn, complaint_id)
