"""``POST /v1/ops``: applying a batch of operations, idempotently, op by op.

Order of work for a batch:

1. Every op is checked with ``counter.contract.validate_op`` (the counter ran the same code
   before it queued the op) and its body hashed: SHA-256 of the canonical JSON of its type
   and payload.
2. Outcomes already stored for its op_ids are read without any lock: a retry of a batch
   HQ already decided is answered from the ``ops`` table and writes nothing.
3. The rest is applied in ONE write transaction that first takes the change sequence's
   row lock (:func:`hq.db.write_transaction`), then looks the op_ids up again (another HQ
   process may have decided one meanwhile), and applies each op in its own savepoint: a
   rejected op rolls back only its own savepoint, and its rejection is stored like an
   applied op's outcome. The op's row in ``ops`` (primary key ``op_id``) is written in the
   same savepoint as its effects, so an op can never be applied twice: a concurrent
   duplicate fails on the key, rolls back, and is answered from the stored outcome.
4. The transaction commits, and only then is the batch answered.

No op's data can fail the batch: an unexpected error inside an op's savepoint (a value the
database refuses, a bug in a handler) rolls back that savepoint and rejects the op as
``op_failed``, logged with its op_id; the batch goes on. Only errors of the database
connection itself (it went away, it is locked, the disk is full) fail the batch with a 500,
which means "nothing was decided, try again".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from counter.contract import ContractError, parse_time, validate_op
from counter.names import full_pinyin, initials
from counter.rules import STORE_TZ, Rules, complaint_due
from hq.complaints import (
    TransitionRefused,
    check_transition,
    load_complaint_fast,
    record_of_fast,
)
from hq.db import Writer, write_transaction
from hq.fastsql import FastSQL
from hq.models import (
    MEMBER_NO_BASE,
    Card,
    Member,
    PointsEntry,
    Receipt,
    Store,
    StoredOp,
)
from hq.records import dumps, load_member, refresh_member
from hq.review import OfflineDay, offline_day
from hq.rulebook import EarnRefused, RuleBook

log = logging.getLogger(__name__)

M = cast(Table, Member.__table__)
C = cast(Table, Card.__table__)
L = cast(Table, PointsEntry.__table__)
R = cast(Table, Receipt.__table__)
O = cast(Table, StoredOp.__table__)  # noqa: E741 - the ops table
CARD_YEARS = 10  # a new card is valid until 31 December, ten years on
MAX_MERGE_HOPS = 16


class Rejection(Exception):
    """A business refusal of one op: a 200 answer with ``status: rejected``."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}

    def error(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}


@dataclass(frozen=True)
class Prepared:
    """One op of the batch, checked: ``op`` when valid, else ``error``."""

    index: int
    op_id: str | None
    type: str
    body_hash: str
    op: dict[str, Any] | None
    error: Rejection | None
    operator_id: str | None
    created_at: dt.datetime | None
    pc_time: dt.datetime | None = None


@dataclass
class Stored:
    """An op's first outcome as kept: ``rest`` is ``{"seq", "entity"}`` or ``{"error"}``."""

    store_code: str
    body_hash: str
    status: str
    rest: str


@dataclass(frozen=True)
class Applied:
    seq: int
    entity: str  # the member or complaint record, JSON text
    review: str | None = None  # applied but flagged for review (hq.review), JSON text
    note: str = ""  # more fields of the result, as JSON text starting with a comma


@dataclass
class Batch:
    """What the handlers need besides the op: the writer, the rules, the store."""

    w: Writer
    rules: Rules
    store_code: str
    book: RuleBook
    fx: FastSQL = field(init=False)
    _release_pending: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        self.fx = FastSQL(self.w.conn)

    # Each op runs in the savepoint ``hq_op``. Releasing one op's savepoint is put off until
    # the next op begins, so that on PostgreSQL release and begin share one round trip.

    def op_begin(self) -> None:
        if self._release_pending:
            self.fx.script("RELEASE SAVEPOINT hq_op", "SAVEPOINT hq_op")
        else:
            self.fx.script("SAVEPOINT hq_op")
        self._release_pending = False

    def op_done(self) -> None:
        self._release_pending = True

    def op_undo(self) -> None:
        self.fx.script("ROLLBACK TO SAVEPOINT hq_op", "RELEASE SAVEPOINT hq_op")
        self._release_pending = False

    def finish(self) -> None:
        if self._release_pending:
            self.fx.script("RELEASE SAVEPOINT hq_op")
            self._release_pending = False


def body_hash(op_type: Any, payload: Any) -> str:
    text = json.dumps(
        {"type": op_type, "payload": payload},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    # surrogatepass: a refused op may hold a lone surrogate, and is still hashed (and kept).
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def prepare(index: int, raw: Any, store_code: str) -> Prepared:
    raw_id = _op_id_of(raw)
    op_id: str | None = None
    if isinstance(raw_id, str):
        try:
            op_id = str(uuid.UUID(raw_id))  # as counter.contract canonicalises it
        except ValueError:
            op_id = None
    try:
        op = validate_op(raw)
    except Exception as exc:
        if isinstance(exc, ContractError):
            refusal = Rejection(exc.code, exc.message, exc.details)
        else:  # a bug in the validator must not fail the batch
            log.exception("validating op %s (#%d) failed", op_id, index)
            refusal = Rejection("invalid_op", "HQ could not check this operation", {})
        op_type = raw.get("type") if isinstance(raw, dict) else None
        payload = raw.get("payload") if isinstance(raw, dict) else None
        return Prepared(
            index,
            op_id,
            str(op_type) if op_type is not None else "",
            body_hash(op_type, payload),
            None,
            refusal,
            None,
            None,
        )
    error = None
    if op["store_code"] != store_code:
        error = Rejection(
            "store_mismatch",
            f"this token belongs to store {store_code}, the op names {op['store_code']}",
            {"store_code": store_code},
        )
    return Prepared(
        index,
        op["op_id"],
        op["type"],
        body_hash(op["type"], op["payload"]),
        op if error is None else None,
        error,
        op["operator_id"],
        parse_time(op["created_at"]),
        parse_time(op["pc_time"]) if "pc_time" in op else None,
    )


def _op_id_of(raw: Any) -> Any:
    return raw.get("op_id") if isinstance(raw, dict) else None


# ------------------------------------------------------------------ stored outcomes


def read_stored(conn: Connection, op_ids: Sequence[str]) -> dict[str, Stored]:
    found: dict[str, Stored] = {}
    ids = sorted(set(op_ids))
    for start in range(0, len(ids), 500):
        for row in conn.execute(
            select(O.c.op_id, O.c.store_code, O.c.body_hash, O.c.status, O.c.result).where(
                O.c.op_id.in_(ids[start : start + 500])
            )
        ):
            found[row.op_id] = Stored(row.store_code, row.body_hash, row.status, row.result)
    return found


def answer_text(op_id: str | None, status: str, replayed: bool, rest: str) -> str:
    """One result of the batch as JSON text: the envelope, then the stored ``rest``.

    Records go into answers as the stored text they are, never decoded and re-encoded.
    """
    assert rest.startswith("{") and rest != "{}"
    return (
        f'{{"op_id":{json.dumps(op_id)},"status":"{status}",'
        f'"replayed":{"true" if replayed else "false"},{rest[1:]}'
    )


def _error_rest(error: Rejection) -> str:
    return dumps({"error": error.error()})


def answer_stored(
    p: Prepared, stored: Stored, store_code: str, sent: str | None
) -> tuple[str, bool]:
    """The stored first outcome as a replay, or an idempotency conflict; (answer, replayed)."""
    if stored.store_code != store_code or stored.body_hash != p.body_hash:
        conflict = Rejection(
            "idempotency_conflict",
            "this op_id was already used for a different operation; nothing was changed",
            {"op_id": p.op_id},
        )
        return answer_text(sent, "rejected", False, _error_rest(conflict)), False
    return answer_text(sent, stored.status, True, stored.rest), True


def _store_outcome(
    batch: Batch, p: Prepared, status: str, rest: str, seq: int | None, error_code: str | None
) -> None:
    fx = batch.fx
    fx.execute(
        "INSERT INTO ops (op_id, store_code, type, body_hash, status, error_code, seq, result,"
        " operator_id, created_at, pc_time, received_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            p.op_id,
            batch.store_code,
            _stored_type(p.type),
            p.body_hash,
            status,
            error_code[:64] if error_code else None,
            seq,
            rest,
            (p.operator_id or "")[:64] or None,
            fx.time(p.created_at),
            fx.time(p.pc_time),
            fx.time(batch.w.now),
        ),
    )


def _stored_type(op_type: str) -> str:
    """The type as kept: a refused op's may be any text (NUL, a lone surrogate)."""
    if op_type in HANDLERS:
        return op_type
    return ascii(op_type)[1:-1][:32]  # NUL, controls and non-ASCII as escapes


def _is_connection_error(exc: BaseException) -> bool:
    """The database itself failed (gone, locked, disk full), not this op's data."""
    names = {k.__name__ for k in type(exc).__mro__}
    return bool(names & {"OperationalError", "InterfaceError", "DisconnectionError"})


def _op_failed(p: Prepared, exc: Exception) -> Rejection:
    log.error(
        "op %s (%s) failed inside its savepoint; rejected as op_failed",
        p.op_id,
        _stored_type(p.type),
        exc_info=exc,
    )
    return Rejection(
        "op_failed",
        "HQ could not apply this operation; nothing of it was applied",
        {"error": type(exc).__name__},
    )


# ------------------------------------------------------------------ the batch


def apply_batch(engine: Engine, store_code: str, raw_ops: Sequence[Any]) -> list[str]:
    """Answer every op of the batch, in order, as JSON texts; commits before returning.

    Each answer carries the op_id as the counter sent it (HQ keys by its canonical form).
    """
    answers: list[str | None] = [None] * len(raw_ops)
    sent_ids: list[str | None] = []
    prepared: list[Prepared] = []
    for index, raw in enumerate(raw_ops):
        sent = _op_id_of(raw)
        sent_ids.append(sent if isinstance(sent, str) else None)
        p = prepare(index, raw, store_code)
        if p.op_id is None:
            # Without a usable op_id there is nothing to key an outcome by: answered, not kept.
            error = p.error or Rejection("invalid_field", "op_id must be a UUID", {})
            answers[index] = answer_text(sent_ids[index], "rejected", False, _error_rest(error))
        else:
            prepared.append(p)
    replays = 0
    with engine.connect() as conn:
        stored = read_stored(conn, [p.op_id for p in prepared if p.op_id])
    pending: list[Prepared] = []
    for p in prepared:
        assert p.op_id is not None
        if p.op_id in stored:
            answers[p.index], replayed = answer_stored(
                p, stored[p.op_id], store_code, sent_ids[p.index]
            )
            replays += replayed
        else:
            pending.append(p)
    if pending:
        with write_transaction(engine) as w:
            book = RuleBook.of(w.conn)
            batch = Batch(w, book.current, store_code, book)
            known = read_stored(w.conn, [p.op_id for p in pending if p.op_id])
            for p in pending:
                assert p.op_id is not None
                sent = sent_ids[p.index]
                if p.op_id in known:
                    answers[p.index], replayed = answer_stored(p, known[p.op_id], store_code, sent)
                    replays += replayed
                    continue
                decided = _decide(batch, p)
                if isinstance(decided, Stored):
                    known[p.op_id] = decided
                    answers[p.index] = answer_text(sent, decided.status, False, decided.rest)
                else:  # decided concurrently elsewhere: answered from the stored outcome
                    answers[p.index], replayed = answer_stored(p, decided[0], store_code, sent)
                    replays += replayed
            batch.finish()
    if replays:
        _count_replays(engine, store_code, replays)
    assert all(a is not None for a in answers)
    return [a for a in answers if a is not None]


def _decide(batch: Batch, p: Prepared) -> Stored | tuple[Stored]:
    """Apply or reject one op in its own savepoint and store its outcome.

    Returns what was stored, or ``(stored,)`` when the op_id turned out to be decided
    already (a unique key refused our row): then that outcome answers.
    """
    assert p.op_id is not None
    if p.error is None:
        assert p.op is not None
        batch.op_begin()
        try:
            applied = HANDLERS[p.type](batch, p.op)
            review = f',"review":{applied.review}' if applied.review else ""
            rest = f'{{"seq":{applied.seq}{applied.note},"entity":{applied.entity}{review}}}'
            _store_outcome(batch, p, "applied", rest, applied.seq, None)
            batch.op_done()
            return Stored(batch.store_code, p.body_hash, "applied", rest)
        except Rejection as rejection:
            batch.op_undo()
            error = rejection
        except Exception as exc:
            batch.op_undo()
            if _is_integrity_error(exc):
                elsewhere = _decided_elsewhere(batch, p)
                if elsewhere is not None:
                    return elsewhere
            elif _is_connection_error(exc):
                raise
            error = _op_failed(p, exc)
    else:
        error = p.error
    rest = _error_rest(error)
    batch.op_begin()
    try:
        _store_outcome(batch, p, "rejected", rest, None, error.code)
        batch.op_done()
    except Exception as exc:
        batch.op_undo()
        if _is_integrity_error(exc):
            elsewhere = _decided_elsewhere(batch, p)
            if elsewhere is not None:
                return elsewhere
        if _is_connection_error(exc):
            raise
        # Even its rejection cannot be kept: answered, not kept (a retry is decided anew).
        log.error("could not keep the rejection of op %s", p.op_id, exc_info=exc)
    return Stored(batch.store_code, p.body_hash, "rejected", rest)


def _is_integrity_error(exc: BaseException) -> bool:
    """A unique key refused a row: the DBAPI's IntegrityError (raw cursor) or SQLAlchemy's."""
    if isinstance(exc, IntegrityError):
        return True
    name = type(exc).__name__
    mro = {k.__name__ for k in type(exc).__mro__}
    return "IntegrityError" in mro or name == "UniqueViolation"


def _decided_elsewhere(batch: Batch, p: Prepared) -> tuple[Stored] | None:
    """A unique key refused the op: if its op_id is stored now, that outcome stands.

    None when it is not: another key refused the op's data (rejected as ``op_failed``).
    """
    assert p.op_id is not None
    stored = read_stored(batch.w.conn, [p.op_id]).get(p.op_id)
    return None if stored is None else (stored,)


def _count_replays(engine: Engine, store_code: str, count: int) -> None:
    try:
        with engine.connect() as conn:
            conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                conn.execute(
                    update(Store)
                    .where(Store.code == store_code)
                    .values(replays=Store.replays + count)
                )
    except SQLAlchemyError:  # only a statistic; the answer stands
        log.warning("could not count %d replays of store %s", count, store_code, exc_info=True)


# ------------------------------------------------------------------ members


def _member(batch: Batch, member_id: str) -> dict[str, Any]:
    """The active member (following merges), or ``member_not_found``."""
    current = member_id
    for _ in range(MAX_MERGE_HOPS):
        row = load_member(batch.fx, current)
        if row is None or row["status"] == "deleted":
            break
        if row["status"] == "active":
            return row
        current = row["merged_into"]
    raise Rejection("member_not_found", "HQ has no such member", {"member_id": member_id})


def _record(fx: FastSQL, member_id: str) -> dict[str, Any]:
    row = fx.one("SELECT record FROM members WHERE id = ?", (member_id,))
    record: dict[str, Any] = json.loads(row[0] if row is not None and row[0] else "{}")
    return record


def _phone_holder(fx: FastSQL, phone: str) -> str | None:
    """The id of the active member with this phone, if any."""
    row = fx.one("SELECT id FROM members WHERE phone = ? AND status = 'active'", (phone,))
    return row[0] if row is not None else None


def _phone_registered(fx: FastSQL, holder_id: str) -> Rejection:
    return Rejection(
        "phone_registered",
        "this phone is already registered to a member",
        {"member": _record(fx, holder_id)},
    )


def _card_free(fx: FastSQL, card_no: str, member_id: str | None = None) -> None:
    """``card_in_use`` unless the card is new (or already this member's active card)."""
    row = fx.one("SELECT member_id, status FROM cards WHERE card_no = ?", (card_no,))
    if row is None:
        return
    if member_id is not None and row[0] == member_id and row[1] == "active":
        return
    raise Rejection("card_in_use", "this card number is already in use", {"card_no": card_no})


def _refresh(batch: Batch, member_id: str, row: dict[str, Any] | None = None) -> Applied:
    """A new seq for the member and its record re-rendered; ``row`` if its columns are as read."""
    seq = batch.w.changes.take()
    return Applied(seq, refresh_member(batch.fx, member_id, seq, batch.w.now, row))


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _profile_values(fields: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "name":
            values.update(name=value, name_pinyin=full_pinyin(value), name_initials=initials(value))
        elif key == "birthday":
            values["birthday"] = _date(value)
        elif key in ("email", "address", "gender"):
            values[key] = value or ""
        elif key == "health":
            values["health"] = (
                json.dumps(value, ensure_ascii=False, separators=(",", ":"))
                if value is not None
                else None
            )
        else:
            values[key] = value
    return values


def _register(batch: Batch, op: dict[str, Any]) -> Applied:
    fx, now, p = batch.fx, batch.w.now, op["payload"]
    member_id = p["member_id"]
    if fx.one("SELECT id FROM members WHERE id = ?", (member_id,)) is not None:
        raise Rejection("member_exists", "a member with this id exists", {"member_id": member_id})
    holder = _phone_holder(fx, p["phone"])
    if holder is not None:
        raise _phone_registered(fx, holder)
    card_no = p.get("card_no")
    if card_no is not None:
        _card_free(fx, card_no)
    number = batch.w.member_nos.take()
    values = {
        "gender": "",
        "email": "",
        "address": "",
        **_profile_values(
            {k: v for k, v in p.items() if k not in ("member_id", "card_no", "referrer_id")}
        ),
    }
    referrer = p.get("referrer_id")
    if referrer is not None:
        # Followed to the member it was merged into; one HQ does not know is dropped (a
        # registration is never refused for its referrer).
        row = fx.one("SELECT status, merged_into FROM members WHERE id = ?", (referrer,))
        if row is not None and row[0] == "merged" and row[1]:
            referrer = row[1]
        elif row is None:
            referrer = None
    values["referrer_id"] = referrer
    fx.insert(
        "members",
        {
            "id": member_id,
            "member_no": str(MEMBER_NO_BASE + number),
            "tier": "basic",
            "points": 0,
            "health": None,
            "health_consent": False,
            "status": "active",
            "merged_into": None,
            "seq": 0,
            "created_at": now,
            "updated_at": now,
            "record": "",
            "education": None,
            "income": None,
            "marital_status": None,
            **values,
        },
    )
    if card_no is not None:
        _new_card(batch, card_no, member_id)
    return _refresh(batch, member_id)


def _new_card(batch: Batch, card_no: str, member_id: str) -> None:
    now = batch.w.now
    batch.fx.insert(
        "cards",
        {
            "card_no": card_no,
            "member_id": member_id,
            "status": "active",
            "valid_until": dt.date(now.year + CARD_YEARS, 12, 31),
            "bound_at": now,
        },
    )


def _update(batch: Batch, op: dict[str, Any]) -> Applied:
    fx, p = batch.fx, op["payload"]
    member = _member(batch, p["member_id"])
    changes: dict[str, Any] = p["changes"]
    phone = changes.get("phone")
    if phone is not None and phone != member["phone"]:
        holder = _phone_holder(fx, phone)
        if holder is not None:
            raise _phone_registered(fx, holder)
    if changes.get("health") is not None and not member["health_consent"]:
        raise Rejection(
            "consent_required",
            "health information needs the member's consent first (member.consent)",
            {"member_id": member["id"]},
        )
    fx.update("members", "id", member["id"], _profile_values(changes))
    return _refresh(batch, member["id"])


def _consent(batch: Batch, op: dict[str, Any]) -> Applied:
    fx, p = batch.fx, op["payload"]
    member = _member(batch, p["member_id"])
    fx.insert(
        "consents",
        {
            "id": op["op_id"],
            "member_id": member["id"],
            "purpose": p["purpose"],
            "granted": p["granted"],
            "recorded_at": parse_time(p["recorded_at"]),
            "store_code": batch.store_code,
            "operator_id": op["operator_id"],
            "text_version": p.get("text_version"),
        },
    )
    if p["purpose"] == "health":
        values: dict[str, Any] = {"health_consent": p["granted"]}
        if not p["granted"]:
            values["health"] = None  # withdrawing consent erases the health record
        fx.update("members", "id", member["id"], values)
    return _refresh(batch, member["id"])


def _bind(batch: Batch, op: dict[str, Any]) -> Applied:
    fx, p = batch.fx, op["payload"]
    member = _member(batch, p["member_id"])
    replaces = p.get("replaces")
    if replaces is not None:
        old = fx.one(
            "SELECT member_id FROM cards WHERE card_no = ? AND member_id = ?",
            (replaces, member["id"]),
        )
        if old is None:
            raise Rejection(
                "card_not_found",
                "the card to replace is not this member's",
                {"card_no": replaces},
            )
    card_no = p["card_no"]
    exists = fx.one("SELECT card_no FROM cards WHERE card_no = ?", (card_no,))
    _card_free(fx, card_no, member["id"])
    if replaces is not None and replaces != card_no:
        fx.update("cards", "card_no", replaces, {"status": "replaced"})
    if exists is None:
        _new_card(batch, card_no, member["id"])
    return _refresh(batch, member["id"])


def _earn(batch: Batch, op: dict[str, Any]) -> Applied:
    fx, p = batch.fx, op["payload"]
    member = _member(batch, p["member_id"])
    first = fx.one(
        "SELECT op_id FROM receipts WHERE store_code = ? AND receipt_no = ?",
        (batch.store_code, p["receipt_no"]),
    )
    if first is not None:
        raise Rejection(
            "receipt_already_earned",
            "this receipt has already earned points",
            {"op_id": first[0], "receipt_no": p["receipt_no"]},
        )
    sold_at = parse_time(p["sold_at"])
    try:  # under the rules version and tier the counter used (hq/rulebook.py)
        basis = batch.book.check_earn(p, member)
    except EarnRefused as refused:
        raise Rejection(refused.code, refused.message, refused.details) from None
    expected = basis.points
    fx.execute(
        "INSERT INTO receipts (store_code, receipt_no, op_id, member_id, sold_at, amount_fen,"
        " points, rules_version, superseded_rules) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            batch.store_code,
            p["receipt_no"],
            op["op_id"],
            member["id"],
            fx.time(sold_at),
            sum(line["amount_fen"] for line in p["lines"]),
            expected,
            basis.rules_version,
            fx.bool(basis.superseded),
        ),
    )
    _book(
        batch,
        op["op_id"],
        member["id"],
        expected,
        "earn",
        earned_on=sold_at.astimezone(STORE_TZ).date(),
        receipt_no=p["receipt_no"],
    )
    applied = _refresh(batch, member["id"], member)
    if basis.superseded:  # the counter's problems list counts these (docs/points.md)
        return Applied(applied.seq, applied.entity, note=',"superseded_rules":true')
    return applied


def _book(
    batch: Batch,
    op_id: str,
    member_id: str,
    delta: int,
    kind: str,
    *,
    earned_on: dt.date | None = None,
    receipt_no: str | None = None,
    overdraft: bool = False,
    offline: OfflineDay | None = None,
) -> None:
    """One entry in the points ledger, keyed by the op that made it."""
    fx = batch.fx
    fx.execute(
        "INSERT INTO points_ledger (op_id, member_id, delta, kind, earned_on, store_code,"
        " receipt_no, overdraft, offline_on, over_cap, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            op_id,
            member_id,
            delta,
            kind,
            fx.date(earned_on),
            batch.store_code,
            receipt_no,
            fx.bool(overdraft),
            fx.date(offline.day if offline is not None else None),
            fx.bool(offline is not None and offline.over_cap),
            fx.time(batch.w.now),
        ),
    )


def _redeem(batch: Batch, op: dict[str, Any]) -> Applied:
    fx, p = batch.fx, op["payload"]
    member = _member(batch, p["member_id"])
    total = fx.one(
        "SELECT COALESCE(SUM(delta), 0) FROM points_ledger WHERE member_id = ?", (member["id"],)
    )
    balance = int(total[0]) if total is not None else 0
    points = p["points"]
    if points > balance and not p["offline"]:
        raise Rejection(
            "insufficient_points",
            f"the member has {balance} points, not {points}",
            {"balance": balance},
        )
    offline = (
        offline_day(
            fx, batch.rules, batch.store_code, member["id"], points, parse_time(op["created_at"])
        )
        if p["offline"]
        else None
    )
    _book(
        batch,
        op["op_id"],
        member["id"],
        -points,
        "redeem",
        receipt_no=p.get("receipt_no"),
        overdraft=points > balance,
        offline=offline,
    )
    applied = _refresh(batch, member["id"], member)
    if offline is not None and offline.over_cap:
        return replace(applied, review=dumps(offline.review()))
    return applied


# ------------------------------------------------------------------ complaints


def _complaint_create(batch: Batch, op: dict[str, Any]) -> Applied:
    fx, now, p = batch.fx, batch.w.now, op["payload"]
    if fx.one("SELECT id FROM complaints WHERE id = ?", (p["complaint_id"],)) is not None:
        raise Rejection(
            "complaint_exists",
            "a complaint with this id exists",
            {"complaint_id": p["complaint_id"]},
        )
    member_id = _complaint_member(batch, p["member_id"])
    # Logged for a member HQ has since forgotten (deleted, or merged into another): the
    # complaint is kept without the person's name and phone, as at deletion.
    forgotten = p["member_id"] is not None and member_id != p["member_id"]
    created_at = parse_time(p["created_at"])
    seq = batch.w.changes.take()
    fx.insert(
        "complaints",
        {
            "id": p["complaint_id"],
            "store_code": batch.store_code,
            "number": p.get("number") or "",
            "member_id": member_id,
            "customer_name": "" if forgotten else p["customer_name"],
            "customer_phone": "" if forgotten else p["customer_phone"],
            "category": p["category"],
            "severity": p["severity"],
            "channel": p["channel"],
            "description": p["description"],
            "wants": p["wants"],
            "status": "received",
            "due_at": complaint_due(batch.rules, p["severity"], created_at),
            "created_at": created_at,
            "updated_at": now,
            "followup_at": None,
            "followup_note": None,
            "followup_satisfaction": None,
            "followup_method": None,
            "followup_reached": None,
            "seq": seq,
        },
    )
    return Applied(seq, dumps(record_of_fast(fx, p["complaint_id"])))


def _complaint_member(batch: Batch, member_id: str | None) -> str | None:
    """The member a complaint is about, followed through merges.

    A member HQ never had is ``member_not_found``: the counter logged it for a member whose
    registration HQ refused, and re-points it to HQ's member. A deleted member's complaint
    is kept without the link (and without the person's name and phone: the caller's job).
    """
    if member_id is None:
        return None
    try:
        return str(_member(batch, member_id)["id"])
    except Rejection:
        if load_member(batch.fx, member_id) is None:
            raise
        return None


def _complaint_update(batch: Batch, op: dict[str, Any]) -> Applied:
    fx, now, p = batch.fx, batch.w.now, op["payload"]
    row = load_complaint_fast(fx, p["complaint_id"])
    if row is None or row.store_code != batch.store_code:
        # Another store's complaint is not found either: stores never see each other's.
        raise Rejection(
            "complaint_not_found",
            "this store has no such complaint",
            {"complaint_id": p["complaint_id"]},
        )
    status = p.get("status")
    superseded = ""
    try:
        changed = status is not None and check_transition(row.status, status)
    except TransitionRefused as exc:
        if p.get("note") is None and p.get("followup") is None:
            raise Rejection(
                "invalid_transition", str(exc), {"from": exc.current, "to": exc.wanted}
            ) from None
        # The merge rule (docs/hq-api.md): HQ's state wins, the store's note and follow-up
        # are kept; the result says which move did not happen.
        changed, status = False, None
        superseded = f',"status_superseded":{{"from":"{exc.current}","to":"{exc.wanted}"}}'
    values: dict[str, Any] = {"updated_at": now}
    if changed:
        values["status"] = status
    if p.get("note") is not None or changed:
        fx.insert(
            "complaint_notes",
            {
                "id": op["op_id"],
                "complaint_id": row.id,
                "at": parse_time(op["created_at"]),
                "operator_id": op["operator_id"],
                "text": p.get("note") or "",
                "new_status": status if changed else None,
            },
        )
    followup = p.get("followup")
    if followup is not None:
        values.update(
            followup_at=parse_time(followup["at"]),
            followup_note=followup["note"],
            followup_satisfaction=followup["satisfaction"],
            followup_method=followup["method"],
            followup_reached=followup["reached"],
        )
    values["seq"] = seq = batch.w.changes.take()
    fx.update("complaints", "id", row.id, values)
    return Applied(seq, dumps(record_of_fast(fx, row.id)), note=superseded)


HANDLERS: dict[str, Callable[[Batch, dict[str, Any]], Applied]] = {
    "member.register": _register,
    "member.update": _update,
    "member.consent": _consent,
    "card.bind": _bind,
    "points.earn": _earn,
    "points.redeem": _redeem,
    "complaint.create": _complaint_create,
    "complaint.update": _complaint_update,
}
