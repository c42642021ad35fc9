"""Pushing the outbox to HQ: mark, send, record, re-point.

The order of events for each batch (≤ 500 operations, oldest first):

1. one durable transaction marks every op of the batch as attempted (``attempts``,
   ``last_attempt_at``) *before* anything is sent, so after a crash we know an op may
   already be at HQ (harmless: HQ answers a re-send by op_id with the first outcome);
2. the batch is sent (the client retries; every op carries its op_id);
3. one durable transaction records the whole answer: applied ops with HQ's ``seq``,
   rejected ops into the problems list, their points entries, the ``entity`` records
   HQ sent back, and any re-pointing (``counter.sync.repoint``). A malformed answer records nothing.

Re-pointing (``phone_registered``) is in ``counter.sync.repoint``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from counter import contract
from counter.contract import ContractError, format_time, parse_member_record
from counter.errors import KnownError
from counter.services.context import ServiceContext
from counter.store import outbox_health
from counter.store.crypto import HealthCipher, HealthDataUnreadable
from counter.store.erasure import scrub_answered
from counter.store.models import (
    Card,
    OutboxOp,
    SyncProblem,
)
from counter.sync.apply import (
    apply_complaint_records,
    apply_member_records,
    overlay_pending,
    raw_of,
)
from counter.sync.client import HQClient
from counter.sync.records import parse_complaint_record
from counter.sync.repoint import POINTS_TYPES, repoint
from counter.sync.repoint import SYNC_ACTOR as SYNC_ACTOR  # its old home

log = logging.getLogger(__name__)

MAX_BATCH = contract.MAX_BATCH
# Bytes of payload per batch: half of the body limit of the reference HQ (8 MiB, hq.body),
# so even 500 operations of the largest kind never make a batch HQ refuses with 413.
MAX_BATCH_BYTES = 4 * 1024 * 1024
_ENVELOPE_BYTES = 256  # op_id, type, times, store and operator around each payload
# Refused ops whose local effect sits in the cached member row until HQ's row replaces it.
REVERTED_TYPES = ("member.update", "member.consent", "card.bind")
COMPLAINT_TYPES = ("complaint.create", "complaint.update")


@dataclass
class PushStats:
    batches: int = 0
    sent: int = 0
    applied: int = 0
    rejected: int = 0
    replayed: int = 0
    repointed: int = 0
    rejections: list[tuple[str, str]] = field(default_factory=list)
    # Members whose cached row carries a local change HQ refused: fetched again after.
    stale_members: set[str] = field(default_factory=set)


def wire_op(cipher: HealthCipher, op: OutboxOp) -> dict[str, Any]:
    """The op as sent: the same bytes of meaning on every attempt (health unsealed here,
    in memory, for the request only)."""
    wire = {
        "op_id": op.op_id,
        "type": op.type,
        "created_at": format_time(op.created_at),
        "store_code": op.store_code,
        "operator_id": op.operator_id,
        "payload": outbox_health.open_payload(cipher, op.op_id, op.payload),
    }
    if op.pc_created_at is not None:
        wire["pc_time"] = format_time(op.pc_created_at)
    return wire


def next_batch(ctx: ServiceContext, limit: int = MAX_BATCH) -> list[dict[str, Any]]:
    """The oldest pending ops, marked as attempted (durably) before they go out."""
    return take_batch(ctx, limit)[0]


def take_batch(
    ctx: ServiceContext,
    limit: int = MAX_BATCH,
    after_seq: int = 0,
    max_bytes: int = MAX_BATCH_BYTES,
) -> tuple[list[dict[str, Any]], int]:
    """Pending ops after outbox seq ``after_seq``, oldest first, marked as attempted in
    one durable transaction before anything is sent; and the last seq taken.

    At most ``limit`` ops and about ``max_bytes`` of them (always at least one op)."""
    limit = max(1, min(limit, MAX_BATCH))
    now = ctx.now()
    with ctx.db.write() as s:
        ops = list(
            s.scalars(
                select(OutboxOp)
                .where(OutboxOp.state == "pending", OutboxOp.seq > after_seq)
                .order_by(OutboxOp.seq)
                .limit(limit)
            )
        )
        if not ops:
            return [], after_seq
        ops = _within_bytes(ops, max_bytes)
        wired = []
        for o in ops:
            try:
                wired.append(wire_op(ctx.cipher, o))
            except HealthDataUnreadable as exc:
                _refuse_unreadable(s, o, exc, now)
        s.execute(
            update(OutboxOp)
            .where(OutboxOp.seq.in_([o.seq for o in ops if o.state == "pending"]))
            .values(attempts=OutboxOp.attempts + 1, last_attempt_at=now)
            .execution_options(synchronize_session=False)
        )
        return wired, ops[-1].seq


def _refuse_unreadable(
    s: Session, op: OutboxOp, exc: HealthDataUnreadable, now: dt.datetime
) -> None:
    """An op whose sealed health cannot be opened (the health key was replaced) can never
    be sent as made: it is refused here, into the problems list, instead of blocking the
    outbox for good."""
    log.error("op %s cannot be sent: its sealed health record cannot be decrypted", op.op_id)
    op.state = "rejected"
    op.last_error = exc.code
    s.add(
        SyncProblem(
            op_id=op.op_id,
            code=exc.code,
            message=exc.en,
            details="{}",
            created_at=now,
        )
    )


def _within_bytes(ops: list[OutboxOp], max_bytes: int) -> list[OutboxOp]:
    total = 0
    for index, op in enumerate(ops):
        total += len(op.payload.encode("utf-8")) + _ENVELOPE_BYTES
        if total > max_bytes and index > 0:
            return ops[:index]
    return ops


def note_failure(ctx: ServiceContext, batch: Sequence[dict[str, Any]], error: str) -> None:
    """Remember why the last attempt got no answer (shown by ``counter status``)."""
    with ctx.db.write() as s:
        s.execute(
            update(OutboxOp)
            .where(OutboxOp.op_id.in_([o["op_id"] for o in batch]), OutboxOp.state == "pending")
            .values(last_error=error[:500])
        )


def _compact(result: dict[str, Any], *, balance: bool = False) -> str:
    """The answer as kept: no entity (the cache has it), no health (a rejection's details
    may hold another member's record). ``balance``: keep the member's balance right after
    a points op (the entity's ``points``), the running balance of the F7 history."""
    kept = {k: v for k, v in result.items() if k != "entity"}
    entity = result.get("entity")
    if balance and isinstance(entity, dict) and type(entity.get("points")) is int:
        kept["balance"] = entity["points"]
    return json.dumps(outbox_health.redact(kept), ensure_ascii=False, sort_keys=True)


def record_answer(
    ctx: ServiceContext,
    batch: Sequence[dict[str, Any]],
    results: Sequence[dict[str, Any]],
    stats: PushStats,
) -> None:
    """Store HQ's answer to one batch in one durable transaction.

    Outbox rows and points entries are updated with plain ``executemany`` (a batch holds
    up to 500 answers; the ORM would re-check its identity map for every one).
    """
    now = ctx.now()
    now_text = now.astimezone(dt.UTC).isoformat(timespec="microseconds")
    with ctx.db.write() as s:
        raw = raw_of(s)
        ids = [op["op_id"] for op in batch]
        marks = ",".join("?" * len(ids))
        rows = {
            op_id: (op_type, state)
            for op_id, op_type, state in raw.execute(
                f"SELECT op_id, type, state FROM outbox WHERE op_id IN ({marks})", ids
            )
        }
        applied: list[tuple[Any, ...]] = []
        rejected: list[tuple[Any, ...]] = []
        points_applied: list[tuple[Any, ...]] = []
        points_rejected: list[tuple[Any, ...]] = []
        problems: list[tuple[Any, ...]] = []
        members: dict[str, dict[str, Any]] = {}
        complaints: dict[str, dict[str, Any]] = {}
        refused_registrations: list[tuple[str, Any]] = []
        for result in results:
            op_id = result["op_id"]
            op_type, state = rows.get(op_id, ("", ""))
            if state != "pending":
                continue  # answered before (a concurrent sync) or superseded meanwhile
            stats.replayed += bool(result.get("replayed"))
            if result["status"] == "applied":
                stats.applied += 1
                seq = int(result["seq"])
                applied.append((seq, _compact(result, balance=op_type in POINTS_TYPES), op_id))
                if op_type in POINTS_TYPES:
                    points_applied.append((seq, op_id))
                if not result.get("replayed"):
                    # A replay's entity is a snapshot from the first answer: the pull
                    # brings the current row; until then the write checkpoint counts it.
                    _collect_entity(op_id, op_type, result.get("entity"), members, complaints)
                review = result.get("review")
                if isinstance(review, dict) and isinstance(review.get("code"), str):
                    # Applied, but HQ flags it for review (an offline redemption beyond
                    # the daily cap): the manager sees it with the problems.
                    problems.append(_problem_row(op_id, review, now_text))
                    log.warning("HQ flags %s %s for review: %s", op_type, op_id, review["code"])
                continue
            stats.rejected += 1
            error = result["error"]
            code = str(error["code"])[:48]
            stats.rejections.append((op_id, code))
            rejected.append((code, _compact(result), op_id))
            if op_type in POINTS_TYPES:
                points_rejected.append((op_id,))
            elif op_type in REVERTED_TYPES:
                stats.stale_members.add(op_id)
            details = error.get("details")
            problems.append(_problem_row(op_id, error, now_text))
            log.warning("HQ rejected %s %s: %s", op_type, op_id, code)
            if code == "phone_registered" and op_type == "member.register":
                refused_registrations.append((op_id, details if isinstance(details, dict) else {}))
        raw.executemany(_APPLIED_SQL, applied)
        raw.executemany(_REJECTED_SQL, rejected)
        raw.executemany(_POINTS_APPLIED_SQL, points_applied)
        raw.executemany(_POINTS_REJECTED_SQL, points_rejected)
        raw.executemany(_PROBLEM_SQL, problems)
        if any(rows.get(r["op_id"], ("",))[0] in outbox_health.ERASABLE_OPS for r in results):
            outbox_health.erase_answered(s, [r["op_id"] for r in results])
        if members:
            apply_member_records(s, list(members.values()), ctx.cipher, now)
            overlay_pending(s, ctx.cipher, set(members), now)
        if complaints:
            apply_complaint_records(s, list(complaints.values()), now)
        for op_id, details in refused_registrations:
            register = s.scalar(select(OutboxOp).where(OutboxOp.op_id == op_id))
            problem = s.scalar(
                select(SyncProblem).where(
                    SyncProblem.op_id == op_id, SyncProblem.resolved_at.is_(None)
                )
            )
            assert register is not None, op_id
            assert problem is not None, op_id
            stats.repointed += repoint(s, ctx, register, problem, details.get("member"), now)
        # Operations of a member HQ has forgotten keep no personal data once answered.
        scrub_answered(raw, ids)


def _problem_row(op_id: str, error: dict[str, Any], now_text: str) -> tuple[Any, ...]:
    """A ``sync_problems`` row from HQ's ``error`` (or ``review``) of one result; the
    details keep no health data."""
    code = str(error["code"])[:48]
    details = error.get("details")
    return (
        op_id,
        code,
        str(error.get("message") or code),
        json.dumps(
            outbox_health.redact(details) if isinstance(details, dict) else {},
            ensure_ascii=False,
        ),
        now_text,
        op_id,
    )


_APPLIED_SQL = (
    "UPDATE outbox SET state = 'applied', hq_seq = ?, result = ?, last_error = NULL "
    "WHERE op_id = ? AND state = 'pending'"
)
_REJECTED_SQL = (
    "UPDATE outbox SET state = 'rejected', last_error = ?, result = ? "
    "WHERE op_id = ? AND state = 'pending'"
)
_POINTS_APPLIED_SQL = "UPDATE points_entries SET state = 'applied', hq_seq = ? WHERE id = ?"
_POINTS_REJECTED_SQL = "UPDATE points_entries SET state = 'rejected' WHERE id = ?"
# One open problem per operation, even if an answer is recorded twice.
_PROBLEM_SQL = (
    "INSERT INTO sync_problems (op_id, code, message, details, created_at) "
    "SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS "
    "(SELECT 1 FROM sync_problems WHERE op_id = ? AND resolved_at IS NULL)"
)


def _collect_entity(
    op_id: str,
    op_type: str,
    entity: Any,
    members: dict[str, dict[str, Any]],
    complaints: dict[str, dict[str, Any]],
) -> None:
    """Keep HQ's record of what the op changed, newest per id; a bad one is only logged."""
    if entity is None:
        return
    try:
        if op_type in COMPLAINT_TYPES:
            rec = parse_complaint_record(entity)
            target = complaints
        else:
            rec = parse_member_record(entity)
            target = members
    except ContractError as exc:
        log.warning("HQ's entity for op %s is malformed (%s); the pull will bring it", op_id, exc)
        return
    if rec["id"] not in target or target[rec["id"]]["seq"] <= rec["seq"]:
        target[rec["id"]] = rec


def refresh_refused(ctx: ServiceContext, client: HQClient, op_ids: set[str]) -> None:
    """Put HQ's row back under a local change HQ refused (a phone HQ gave another member…).

    The feed will not send those members again until they change at HQ, so they are
    fetched by one of their cards; one without a card keeps the local change until then.
    """
    with ctx.db.read() as s:
        rows = s.execute(
            select(OutboxOp.member_id, Card.card_no)
            .join(Card, Card.member_id == OutboxOp.member_id)
            .where(OutboxOp.op_id.in_(list(op_ids)), Card.status == "active")
        ).all()
    cards = {member_id: card_no for member_id, card_no in rows if member_id}
    for member_id, card_no in cards.items():
        try:
            item = client.lookup_member(card_no=card_no)
            record = parse_member_record(item) if item is not None else None
        except (KnownError, ContractError) as exc:
            log.warning("could not fetch member %s again after a refusal: %s", member_id, exc)
            continue
        if record is None or record["id"] != member_id:
            continue
        now = ctx.now()
        with ctx.db.bulk() as s:
            apply_member_records(s, [record], ctx.cipher, now)
            overlay_pending(s, ctx.cipher, {member_id}, now)


def push_all(
    ctx: ServiceContext,
    client: HQClient,
    stats: PushStats,
    *,
    batch_size: int = MAX_BATCH,
    progress: Callable[[str, int, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    checkpoint: str | None = None,
) -> None:
    """Send batches until nothing is pending (re-pointed ops go out in the same run).

    The first batch shows HQ ``checkpoint``, this store's newest applied op: HQ refuses
    it with ``409 epoch_changed`` before applying anything if it no longer has that op
    (restored from a backup), so nothing new is mixed into what it lost.

    Batch k+1 goes out as soon as HQ has answered batch k, and batch k's answer is
    recorded while HQ works on k+1: HQ still sees the batches in order, one at a time.
    Should recording k supersede ops that are in flight in k+1 (re-pointing), their
    answers are ignored when they come: only pending ops take an answer.
    """
    with ThreadPoolExecutor(1, thread_name_prefix="sync-push") as pool:
        batch, last_seq = take_batch(ctx, batch_size)
        in_flight = pool.submit(client.push_ops, batch, checkpoint) if batch else None
        while in_flight is not None:
            try:
                results = in_flight.result()
            except Exception as exc:
                note_failure(ctx, batch, f"{type(exc).__name__}: {exc}")
                raise
            stats.batches += 1
            stats.sent += len(batch)
            answered = batch
            in_flight = None
            if should_stop is None or not should_stop():
                batch, last_seq = take_batch(ctx, batch_size, last_seq)
                in_flight = pool.submit(client.push_ops, batch) if batch else None
            record_answer(ctx, answered, results, stats)
            if progress is not None:
                progress("push", stats.sent, 0)
            if stats.stale_members:
                refresh_refused(ctx, client, stats.stale_members)
                stats.stale_members.clear()
            if in_flight is None and (should_stop is None or not should_stop()):
                # Recording may have queued new ops (re-pointing): they go out now.
                batch, last_seq = take_batch(ctx, batch_size, last_seq)
                in_flight = pool.submit(client.push_ops, batch) if batch else None
