"""Health information in queued operations, HQ's answers and the problems list.

The cache keeps a member's health record encrypted (``members.health_enc``). The same
record travels to HQ in a ``member.update``, which sits in the outbox until HQ answers
and stays there after (an HQ restored from a backup is sent it again), and HQ's answers
can carry other members' records. So (PIPL, DESIGN §7; docs/privacy.md):

1. :func:`seal_payload` — before an op is written, ``changes.health`` becomes
   ``{"$sealed": base64}``: AES-GCM with the cache's health key, bound to the op_id.
   :func:`open_payload` gives the body back as HQ must receive it, in memory only (the
   push, re-pointing, a manager's retry, the overlay of pending ops).
2. :func:`redact` — HQ's answers (``outbox.result``) and rejection details
   (``sync_problems.details``; a ``phone_registered`` carries HQ's whole record of
   another member) are stored without any ``health``.
3. :func:`erase_member_health` — a withdrawn consent (or an erased member) takes the
   health out of every op of that member: a never-sent op loses it (one left with no
   change is superseded by the withdrawal), an answered op keeps ``{"$erased": true}``.
   An op that went out without an answer may be at HQ, and a re-send must be the same
   body: it stays sealed until answered, then :func:`erase_answered` clears it. An op
   superseded (a manager's retry, re-pointing) is never sent again and loses its health
   at once (:func:`erase_op_health`): its successor carries its own sealed copy.
4. :func:`purge_wal` — erased bytes must really be gone: every connection runs with
   ``secure_delete`` (counter/store/db.py: freed cells and pages are zeroed), and after an
   erasure the WAL, which still holds the old page images, is checkpointed and truncated.
5. :func:`seal_legacy` — once per cache: a cache written before this module is sealed,
   redacted and vacuumed when it is opened.

Care-plan operations say as much (DESIGN §12): which plan a member follows names their
condition, and a task's note may say anything. ``care.enroll``'s ``template`` and
``care.task``'s ``note`` are sealed the same way (:data:`SEALED_FIELDS`), and a withdrawal
treats those ops like a ``member.update`` of health, with one difference: a never-sent
care op is superseded by the withdrawal whatever it holds (the plan ends, at HQ too).
"""

from __future__ import annotations

import base64
import json
import logging
import sqlite3
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from counter.errors import KnownError
from counter.store.crypto import HealthCipher
from counter.store.db import BUSY_TIMEOUT_MS, Database
from counter.store.models import KeyValue, OutboxOp, SyncProblem

log = logging.getLogger(__name__)

SEALED = "$sealed"
ERASED = "$erased"
# kv: set once this cache holds no health in clear text from before sealing existed.
SEALED_FLAG = "health_sealed"
HEALTH_OP = "member.update"
# Care ops: the top-level field that is health information, sealed like ``changes.health``.
SEALED_FIELDS = {"care.enroll": "template", "care.task": "note"}
ERASABLE_OPS = (HEALTH_OP, *SEALED_FIELDS)
_dumps = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


def _aad(op_id: str) -> str:
    return "outbox:" + op_id


def _clear_health(payload: Any) -> dict[str, Any] | None:
    """The op's health record if it is held in clear (not sealed, erased or null)."""
    changes = payload.get("changes") if isinstance(payload, dict) else None
    health = changes.get("health") if isinstance(changes, dict) else None
    if isinstance(health, dict) and SEALED not in health and ERASED not in health:
        return health
    return None


def seal_payload(
    cipher: HealthCipher, op_id: str, op_type: str, payload: dict[str, Any]
) -> dict[str, Any]:
    """The payload as stored: a ``member.update``'s health (a care op's
    :data:`SEALED_FIELDS`) sealed, everything else as is."""
    field = SEALED_FIELDS.get(op_type)
    if field is not None:
        value = payload.get(field)
        if not isinstance(value, str) or not value:
            return payload
        blob = cipher.encrypt(_aad(op_id), {"v": value})
        return {**payload, field: {SEALED: base64.b64encode(blob).decode("ascii")}}
    health = _clear_health(payload) if op_type == HEALTH_OP else None
    if health is None:
        return payload
    blob = cipher.encrypt(_aad(op_id), health)
    sealed = {SEALED: base64.b64encode(blob).decode("ascii")}
    return {**payload, "changes": {**payload["changes"], "health": sealed}}


def open_payload(cipher: HealthCipher, op_id: str, text: str) -> dict[str, Any]:
    """The stored payload as HQ receives it: sealed health decrypted, erased health null."""
    payload = json.loads(text)
    for field in set(SEALED_FIELDS.values()) & set(payload if isinstance(payload, dict) else ()):
        value = payload[field]
        if isinstance(value, dict) and SEALED in value:
            opened = cipher.decrypt(_aad(op_id), base64.b64decode(value[SEALED]))
            payload[field] = opened["v"]
        elif isinstance(value, dict) and ERASED in value:
            payload[field] = ""
    changes = payload.get("changes") if isinstance(payload, dict) else None
    if not isinstance(changes, dict):
        return payload  # type: ignore[no-any-return]
    health = changes.get("health")
    if isinstance(health, dict):
        if SEALED in health:
            changes["health"] = cipher.decrypt(_aad(op_id), base64.b64decode(health[SEALED]))
        elif ERASED in health:
            changes["health"] = None
    return payload  # type: ignore[no-any-return]


def sealed_blob(text: str) -> bytes | None:
    """The ciphertext a stored payload holds, if any (for tests and audits of the file)."""
    payload = json.loads(text)
    changes = payload.get("changes") if isinstance(payload, dict) else None
    health = changes.get("health") if isinstance(changes, dict) else None
    for field in SEALED_FIELDS.values():
        value = payload.get(field) if isinstance(payload, dict) else None
        if isinstance(value, dict) and isinstance(value.get(SEALED), str):
            health = value
    if isinstance(health, dict) and isinstance(health.get(SEALED), str):
        return base64.b64decode(health[SEALED])
    return None


def redact(value: Any) -> Any:
    """``value`` (an HQ answer or rejection details) with every ``health`` left out."""
    if isinstance(value, dict):
        return {k: redact(v) for k, v in value.items() if k != "health"}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def _erase_care(op: OutboxOp, by_op: str | None) -> bool:
    """:func:`_erase_in` for a care op: a never-sent one is superseded by the withdrawal."""
    payload = json.loads(op.payload)
    field = SEALED_FIELDS[op.type]
    value = payload.get(field)
    sealed = isinstance(value, dict) and SEALED in value
    if op.state == "pending":
        if op.attempts > 0:
            return False  # may be at HQ: re-sent as it was, erased once answered
        if by_op is not None:
            op.state = "superseded"
            op.superseded_by = by_op
        elif not sealed:
            return False
    elif not sealed:
        return False
    if sealed:
        payload[field] = {ERASED: True}
        op.payload = _dumps(payload)
    return True


def _erase_in(op: OutboxOp, by_op: str | None) -> bool:
    """Take the health out of one op's stored payload; False when it must stay."""
    if op.type in SEALED_FIELDS:
        return _erase_care(op, by_op)
    payload = json.loads(op.payload)
    changes = payload.get("changes") if isinstance(payload, dict) else None
    if not isinstance(changes, dict) or "health" not in changes:
        return False
    health = changes["health"]
    if health is None or (isinstance(health, dict) and ERASED in health):
        return False
    if op.state == "pending":
        if op.attempts > 0:
            return False  # may be at HQ: re-sent as it was, erased once answered
        # Never sent: HQ never sees this health. The other changes still go.
        del changes["health"]
        if not changes and by_op is not None:
            changes["health"] = {ERASED: True}
            op.state = "superseded"
            op.superseded_by = by_op
        elif not changes:
            changes["health"] = None  # an erase HQ applies without consent
    else:
        changes["health"] = {ERASED: True}
    op.payload = _dumps(payload)
    return True


def erase_op_health(op: OutboxOp) -> bool:
    """Erase the health of one op that is never sent again (superseded by a retry or a
    re-pointed copy, which carries its own sealed copy)."""
    return _erase_in(op, None)


def erase_member_health(
    session: Session,
    member_id: str,
    *,
    before_seq: int | None = None,
    by_op: str | None = None,
) -> int:
    """Erase the member's health from their ops (those before outbox seq ``before_seq``).

    ``by_op`` (the withdrawal) supersedes a never-sent op that changed nothing else.
    Returns how many ops were changed; the caller runs :func:`purge_wal` after commit.
    """
    query = select(OutboxOp).where(OutboxOp.member_id == member_id, OutboxOp.type.in_(ERASABLE_OPS))
    if before_seq is not None:
        query = query.where(OutboxOp.seq < before_seq)
    return sum(_erase_in(op, by_op) for op in session.scalars(query.order_by(OutboxOp.seq)))


def _last_withdrawal(session: Session, member_id: str) -> tuple[int, str] | None:
    """This store's latest withdrawal of the member's consent: (outbox seq, op_id)."""
    row = session.execute(
        select(OutboxOp.seq, OutboxOp.op_id)
        .where(
            OutboxOp.member_id == member_id,
            OutboxOp.type == "member.consent",
            func.json_extract(OutboxOp.payload, "$.granted") == 0,
        )
        .order_by(OutboxOp.seq.desc())
        .limit(1)
    ).first()
    return None if row is None else (int(row[0]), str(row[1]))


def erase_answered(session: Session, op_ids: Iterable[str]) -> int:
    """After HQ answered: erase health kept only for a re-send, if consent was withdrawn."""
    ids = list(op_ids)
    changed = 0
    for start in range(0, len(ids), 500):
        ops = session.scalars(
            select(OutboxOp).where(
                OutboxOp.op_id.in_(ids[start : start + 500]),
                OutboxOp.type.in_(ERASABLE_OPS),
                OutboxOp.state != "pending",
                OutboxOp.payload.contains(SEALED),
            )
        )
        for op in list(ops):
            withdrawn = _last_withdrawal(session, op.member_id) if op.member_id else None
            if withdrawn is not None and withdrawn[0] > op.seq:
                changed += _erase_in(op, None)
    return changed


def purge_wal(db: Database, *, wait_ms: int = 1000) -> bool:
    """Copy the WAL into the file and truncate it: old page images leave the disk.

    Best effort: a reader on an older snapshot past ``wait_ms`` leaves the WAL as it is
    (its frames are overwritten as the WAL is reused). True when it was truncated.
    """
    try:
        with db.raw() as conn:
            conn.execute(f"PRAGMA busy_timeout={int(wait_ms)}")
            try:
                busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            finally:
                conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    except (KnownError, sqlite3.Error) as exc:
        log.info("the cache's WAL was not truncated: %s", exc)
        return False
    if busy:
        log.info("the cache's WAL is in use; erased pages leave it as it is reused")
    return not busy


def _redact_text(text: str | None) -> str | None:
    if not text or '"health"' not in text:
        return text
    try:
        return _dumps(redact(json.loads(text)))
    except ValueError:
        return text


def seal_legacy(db: Database, cipher: HealthCipher) -> int:
    """Seal and redact what a cache written before this module holds in clear (once).

    Returns how many rows were rewritten; when any, the file is vacuumed (freed pages
    and old cell contents gone) and the WAL truncated.
    """
    with db.read() as s:
        if s.get(KeyValue, SEALED_FLAG) is not None:
            return 0
    changed = 0
    with db.write() as s:
        if s.get(KeyValue, SEALED_FLAG) is not None:
            return 0
        touched: set[str] = set()
        for op in list(
            s.scalars(
                select(OutboxOp).where(
                    OutboxOp.type == HEALTH_OP, OutboxOp.payload.contains('"health"')
                )
            )
        ):
            payload = json.loads(op.payload)
            if _clear_health(payload) is not None:
                op.payload = _dumps(seal_payload(cipher, op.op_id, op.type, payload))
                changed += 1
                if op.member_id:
                    touched.add(op.member_id)
        for op in list(s.scalars(select(OutboxOp).where(OutboxOp.result.contains('"health"')))):
            op.result = _redact_text(op.result)
            changed += 1
        for problem in list(
            s.scalars(select(SyncProblem).where(SyncProblem.details.contains('"health"')))
        ):
            problem.details = _redact_text(problem.details) or "{}"
            changed += 1
        for member_id in touched:
            withdrawn = _last_withdrawal(s, member_id)
            if withdrawn is not None:
                changed += erase_member_health(
                    s, member_id, before_seq=withdrawn[0], by_op=withdrawn[1]
                )
        s.add(KeyValue(key=SEALED_FLAG, value="1"))
    if changed:
        log.warning(
            "sealed %d row(s) of health information kept in clear by an older version", changed
        )
        _vacuum(db)
        purge_wal(db)
    return changed


def _vacuum(db: Database) -> None:
    with db.raw() as conn:
        conn.execute("VACUUM")
