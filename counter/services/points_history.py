"""F7: a member's points history as this counter can tell it, newest first.

The cache holds this counter's own ledger entries (earn, redeem, reverse, award), each
with its state (pending: only this store knows it; applied: HQ booked it; rejected), and
HQ's balance of the member as of the last pull. HQ's answer to each applied entry carries
the member's balance right after it (``outbox.result["balance"]``, kept by the push), so
the history shows HQ-confirmed running balances without a ledger download.

Where two confirmed balances do not follow from each other, points changed elsewhere in
between (another store's sale, a referral or activity award at HQ, expiry): one row of kind
``elsewhere`` says by how much. The balance before the oldest entry shown is a ``carried``
row. So the applied rows always add up to HQ's balance, and the pending ones to what the
counter shows on top of it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from counter import rules
from counter.errors import NotFoundError
from counter.services.config import current_rules
from counter.services.context import Actor, ServiceContext
from counter.services.tiers import member_tier_progress
from counter.services.views import ExpiringPoints, MemberView, fetch_view, raw_connection

# Kinds of rows: the counter's own entries, HQ's (as the ledger names them), and the two
# rows the history infers from HQ's balances.
ENTRY_KINDS = ("earn", "redeem", "reverse", "award", "referral", "expire")
INFERRED_KINDS = ("elsewhere", "carried")
STATES = ("pending", "applied", "rejected")
HISTORY_LIMIT = 200


@dataclass(frozen=True)
class HistoryRow:
    """One line of the history. ``points`` is signed; ``balance`` is HQ's balance right
    after it (None while HQ has not booked it, or for a rejected entry)."""

    entry_id: str | None
    at: dt.datetime | None
    store_code: str
    kind: str
    ref: str  # the receipt number, the reward's code or the award's reason code
    note: str  # the reward's name, the award's note, why HQ rejected it
    points: int
    state: str
    balance: int | None
    # For an earn of this store: the self-paid amount it earned on and what a refund took
    # back so far (fen and points), from the ``receipts`` table.
    self_paid_fen: int | None = None
    reversed_fen: int = 0
    reversed_points: int = 0
    reject_code: str = ""  # HQ's refusal code of a rejected entry
    refunded_fen: int | None = None  # a refund: the self-paid amount given back

    @property
    def refundable(self) -> bool:
        """An earn of this store not yet taken back in full (HQ decides at sync)."""
        return (
            self.kind == "earn"
            and self.state != "rejected"
            and bool(self.ref)
            and self.reversed_points < self.points
            and (self.self_paid_fen is None or self.reversed_fen < self.self_paid_fen)
        )


@dataclass(frozen=True)
class PointsHistory:
    member: MemberView
    rows: tuple[HistoryRow, ...]
    expiring: tuple[ExpiringPoints, ...]
    # HQ's balance as last pulled, and this counter's entries not in it yet.
    hq_points: int
    pending_points: int
    # The tier and the self-paid spend still needed for the next one (counter/services/tiers.py).
    progress: rules.TierProgress | None = None
    # Names for the codes in ``ref``: HQ's award reasons and rewards as cached.
    award_reasons: Mapping[str, rules.AwardReason] = field(default_factory=dict)
    reward_names: Mapping[str, str] = field(default_factory=dict)

    @property
    def points_shown(self) -> int:
        return self.hq_points + self.pending_points


@dataclass
class _Entry:
    id: str
    at: dt.datetime
    store_code: str
    kind: str
    receipt_no: str
    points: int
    state: str
    hq_seq: int | None
    payload: dict[str, Any]
    result: dict[str, Any]
    # The order this counter made its entries in (the outbox's sequence; the PC's clock
    # may step between two of them, when a sync measures the skew against HQ again).
    seq: int


def _json(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _refusal(e: _Entry) -> tuple[str, str]:
    """HQ's code and words for a rejected entry."""
    error = e.result.get("error")
    if e.state != "rejected" or not isinstance(error, dict):
        return "", ""
    return str(error.get("code") or ""), str(error.get("message") or "")


def _ref_and_note(e: _Entry) -> tuple[str, str]:
    p = e.payload
    note = _refusal(e)[1] if e.state == "rejected" else str(p.get("note") or "")
    if e.kind == "redeem":
        return str(p.get("reward") or p.get("reason") or e.receipt_no or ""), note
    if e.kind == "award":
        return str(p.get("reason_code") or p.get("reason") or ""), note
    return e.receipt_no or str(p.get("receipt_no") or ""), note


def _row(e: _Entry, balance: int | None, receipt: tuple[int, int, int] | None) -> HistoryRow:
    ref, note = _ref_and_note(e)
    # Only a sale carries its receipt's amounts (a refund names the same receipt).
    self_paid, reversed_fen, reversed_points = (
        receipt if receipt and e.kind == "earn" else (None, 0, 0)
    )
    return HistoryRow(
        entry_id=e.id,
        at=e.at,
        store_code=e.store_code,
        kind=e.kind,
        ref=ref,
        note=note,
        points=e.points,
        state=e.state,
        balance=balance if e.state == "applied" else None,
        self_paid_fen=self_paid,
        reversed_fen=reversed_fen,
        reversed_points=reversed_points,
        reject_code=_refusal(e)[0],
        refunded_fen=_refunded(e),
    )


def _refunded(e: _Entry) -> int | None:
    value = e.payload.get("refunded_fen") if e.kind == "reverse" else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _inferred(kind: str, points: int, balance: int) -> HistoryRow:
    """A row HQ's balances reveal; undated (HQ did not say when), sorted by the entries."""
    return HistoryRow(None, None, "", kind, "", "", points, "applied", balance)


def _chain(
    entries: list[_Entry], receipts: dict[str, tuple[int, int, int]], hq_points: int,
    hq_seq: int,
) -> list[tuple[int, HistoryRow]]:  # fmt: skip
    """The applied entries in HQ's order with their balances, and the rows inferred from
    the gaps between them; oldest first."""
    applied = sorted(
        (e for e in entries if e.state == "applied"), key=lambda e: (e.hq_seq or 0, e.seq)
    )
    out: list[tuple[int, HistoryRow]] = []
    before: int | None = None  # HQ's balance just before the next entry, when known
    for i, e in enumerate(applied):
        raw = e.result.get("balance")
        balance = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
        if balance is not None:
            opening = balance - e.points
            if before is None and i == 0 and opening != 0:
                out.append((e.seq, _inferred("carried", opening, opening)))
            elif before is not None and opening != before:
                out.append((e.seq, _inferred("elsewhere", opening - before, opening)))
        out.append((e.seq, _row(e, balance, receipts.get(e.receipt_no))))
        before = balance
    newest_seq = max((e.hq_seq or 0 for e in applied), default=0)
    if hq_seq >= newest_seq:  # the cached balance has caught up with every booked entry
        if not applied and hq_points != 0:
            out.append((-1, _inferred("carried", hq_points, hq_points)))
        elif before is not None and hq_points != before:
            # HQ booked more after this counter's newest entry: just above that entry.
            top = max(e.seq for e in applied)
            out.append((top, _inferred("elsewhere", hq_points - before, hq_points)))
    return out


def points_history(
    ctx: ServiceContext, actor: Actor, member_id: str, *, limit: int = HISTORY_LIMIT
) -> PointsHistory:
    """The member's history, newest first, with HQ's running balance where HQ gave it.

    Read-only and unaudited: points are not sensitive information, and the member is
    masked as everywhere else.
    """
    with ctx.db.read() as s:
        conn = raw_connection(s)
        view = fetch_view(conn, ctx, actor, "id", member_id)
        if view is None:
            raise NotFoundError("未找到该会员。", "No such member.", detail=member_id)
        hq_points, hq_seq = conn.execute(
            "SELECT points, hq_seq FROM members WHERE id = ?", (member_id,)
        ).fetchone()
        rows = conn.execute(
            "SELECT p.id, p.created_at, p.store_code, p.kind, p.receipt_no, p.delta, p.state,"
            " p.hq_seq, o.payload, o.result, coalesce(o.seq, 0) AS n FROM points_entries p"
            " LEFT JOIN outbox o ON o.op_id = p.id"
            " WHERE p.member_id = ? ORDER BY n DESC, p.created_at DESC LIMIT ?",
            (member_id, limit),
        ).fetchall()
        receipts = _receipts(conn, [r[4] for r in rows if r[3] == "earn" and r[4]])
        points_rules = current_rules(s, ctx).points
    entries = [
        _Entry(
            id=r[0],
            at=dt.datetime.fromisoformat(r[1]),
            store_code=r[2],
            kind=r[3],
            receipt_no=r[4] or "",
            points=int(r[5]),
            state=r[6],
            hq_seq=r[7],
            payload=_json(r[8]),
            result=_json(r[9]),
            seq=int(r[10]),
        )
        for r in rows
    ]
    keyed = _chain(entries, receipts, int(hq_points), int(hq_seq or 0))
    keyed += [
        (e.seq, _row(e, None, receipts.get(e.receipt_no))) for e in entries if e.state != "applied"
    ]
    # Newest first, in the order this counter made them; a row inferred from a gap sorts
    # just below the entry that revealed it.
    order = {id(row): n for n, (_key, row) in enumerate(keyed)}
    keyed.sort(key=lambda item: (item[0], order[id(item[1])]), reverse=True)
    return PointsHistory(
        member=view,
        rows=tuple(row for _key, row in keyed),
        expiring=view.points_expiring,
        hq_points=view.hq_points,
        pending_points=view.pending_points,
        progress=member_tier_progress(ctx, actor, member_id),
        award_reasons=dict(points_rules.award_reasons),
        reward_names={r.code: r.name for r in points_rules.rewards},
    )


def _receipts(conn: Any, receipt_nos: list[str]) -> dict[str, tuple[int, int, int]]:
    """Self-paid, refunded (fen) and taken-back points of the receipts that earned here."""
    out: dict[str, tuple[int, int, int]] = {}
    for start in range(0, len(receipt_nos), 500):
        chunk = receipt_nos[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for no, self_paid, reversed_fen, reversed_points in conn.execute(
            "SELECT receipt_no, self_paid_fen, reversed_fen, reversed_points FROM receipts"
            f" WHERE receipt_no IN ({marks})",
            chunk,
        ):
            out[no] = (int(self_paid), int(reversed_fen), int(reversed_points))
    return out


def expiry_date(row: HistoryRow) -> dt.date | None:
    """When an earn's points expire (DESIGN §5), for the history's tooltip."""
    if row.kind != "earn" or row.at is None:
        return None
    return rules.expiry_of(row.at.astimezone(rules.STORE_TZ).date())
