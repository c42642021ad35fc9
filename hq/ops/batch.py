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
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from counter.contract import ContractError, parse_time, validate_op
from hq.db import write_transaction
from hq.health_seal import cipher, open_text
from hq.models import Store, StoredOp
from hq.ops import care, complaints, members, points
from hq.ops.base import Applied, Batch, Rejection
from hq.records import dumps
from hq.rulebook import RuleBook

log = logging.getLogger(__name__)

O = cast(Table, StoredOp.__table__)  # noqa: E741 - the ops table

# Every op type's handler, by family.
HANDLERS: dict[str, Callable[[Batch, dict[str, Any]], Applied]] = {
    **members.HANDLERS,
    **points.HANDLERS,
    **complaints.HANDLERS,
    **care.HANDLERS,
}


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
    # Stored outcomes keep members' health sealed; the answer carries it opened.
    aes = cipher(engine)
    return [open_text(aes, a) for a in answers if a is not None]


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
