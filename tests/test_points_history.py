"""F7's history service on a real cache, synced with the real reference HQ over HTTP.

Two stores earn for the same member; the history of one of them shows its own entries with
HQ's running balance, the other store's points as one row "elsewhere", what HQ rejected, and
what is still pending, and its rows always add up to the balances the counter shows.
"""

from __future__ import annotations

import datetime as dt

from sync_helpers import HQ, cache_members

from counter import services
from counter.services.points_history import points_history
from counter.sync.engine import sync_once

SALE = [services.SaleLine("otc", 12_345)]
CASH = [services.Tender("cash", 12_345)]


def _sums(history: services.PointsHistory) -> tuple[int, int]:
    applied = sum(r.points for r in history.rows if r.state == "applied")
    pending = sum(r.points for r in history.rows if r.state == "pending")
    return applied, pending


def test_history_with_running_balance_elsewhere_rejected_and_pending(hq: HQ) -> None:
    hq.seed(10)
    a = hq.counter("S001")
    a2 = hq.counter("S001", "pc2")  # another PC of the same store: one receipt earns once
    b = hq.counter("S002")
    for c in (a, a2, b):
        assert sync_once(c.ctx).ok
    member_id = sorted(cache_members(a.ctx))[2]
    opening = services.get_member(a.ctx, a.actor, member_id).hq_points

    first = services.earn_points(a.ctx, a.actor, member_id, "R-1", None, SALE, CASH)
    services.redeem_points(a.ctx, a.actor, member_id, 20, "换购", online=True)
    assert sync_once(a.ctx).ok
    other = services.earn_points(b.ctx, b.actor, member_id, "B-9", None, SALE, CASH)
    services.earn_points(a2.ctx, a2.actor, member_id, "R-2", None, SALE, CASH)
    assert sync_once(b.ctx).ok and sync_once(a2.ctx).ok
    services.earn_points(a.ctx, a.actor, member_id, "R-2", None, SALE, CASH)  # HQ refuses
    services.earn_points(a.ctx, a.actor, member_id, "R-3", None, SALE, CASH)
    assert sync_once(a.ctx).ok
    pending = services.earn_points(a.ctx, a.actor, member_id, "R-4", None, SALE, CASH)

    history = points_history(a.ctx, a.actor, member_id)
    kinds = [(r.kind, r.ref, r.state) for r in history.rows]
    assert kinds == [
        ("earn", "R-4", "pending"),
        ("earn", "R-3", "applied"),
        # S002's sale and S001-pc2's R-2, booked before R-3 (when exactly, HQ did not say)
        ("elsewhere", "", "applied"),
        ("earn", "R-2", "rejected"),
        ("redeem", "换购", "applied"),
        ("earn", "R-1", "applied"),
        ("carried", "", "applied"),
    ], kinds
    by_kind = {(r.kind, r.ref): r for r in history.rows}
    assert by_kind[("carried", "")].points == opening == by_kind[("carried", "")].balance
    assert by_kind[("earn", "R-1")].balance == opening + first.points
    assert by_kind[("redeem", "换购")].balance == opening + first.points - 20
    assert by_kind[("elsewhere", "")].points == other.points * 2
    r3 = by_kind[("earn", "R-3")]
    assert r3.balance == history.hq_points == opening + first.points - 20 + 3 * other.points
    rejected = by_kind[("earn", "R-2")]
    assert rejected.balance is None and rejected.note  # HQ's reason, in words
    assert by_kind[("earn", "R-4")].balance is None
    # The receipts table says what each sale was paid and what a refund may still take back.
    assert by_kind[("earn", "R-1")].self_paid_fen == 12_345 and by_kind[("earn", "R-1")].refundable
    assert not rejected.refundable and not by_kind[("redeem", "换购")].refundable
    assert _sums(history) == (history.hq_points, pending.points)
    assert history.points_shown == pending.member.points_shown
    assert all(r.store_code == "S001" for r in history.rows if r.entry_id)
    assert history.member.name.count("*") >= 1  # masked, as everywhere


def test_a_member_without_entries_here_shows_what_hq_holds(hq: HQ) -> None:
    hq.seed(5)
    c = hq.counter()
    assert sync_once(c.ctx).ok
    member_id = sorted(cache_members(c.ctx))[0]
    history = points_history(c.ctx, c.actor, member_id)
    hq_points = history.hq_points
    if hq_points:
        assert [(r.kind, r.points, r.balance) for r in history.rows] == [
            ("carried", hq_points, hq_points)
        ]
    else:
        assert history.rows == ()


def test_before_the_pull_the_booked_entry_is_not_taken_twice(hq: HQ) -> None:
    """Pushed but not pulled yet: the entry is applied with HQ's balance, and no gap row is
    made up from the cached balance, which is older than the entry."""
    hq.seed(5)
    c = hq.counter()
    assert sync_once(c.ctx).ok
    member_id = sorted(cache_members(c.ctx))[1]
    opening = services.get_member(c.ctx, c.actor, member_id).hq_points
    earned = services.earn_points(c.ctx, c.actor, member_id, "R-1", None, SALE, CASH)
    from counter.sync.engine import SyncEngine, Tally

    engine = SyncEngine(c.ctx)
    engine.push(Tally())
    engine.close()
    history = points_history(c.ctx, c.actor, member_id)
    assert next((r.kind, r.state, r.balance) for r in history.rows) == (
        "earn",
        "applied",
        opening + earned.points,
    )
    assert not any(r.kind == "elsewhere" for r in history.rows)
    assert history.points_shown == opening + earned.points


def test_expiry_of_an_earn() -> None:
    from counter.services.points_history import HistoryRow, expiry_date

    row = HistoryRow("x", dt.datetime(2026, 3, 1, tzinfo=dt.UTC), "S001", "earn", "R", "",
                     10, "applied", 10)  # fmt: skip
    assert expiry_date(row) == dt.date(2027, 12, 31)


def test_refunds_and_awards_in_the_history_with_hq_balances(hq: HQ) -> None:
    """A partial refund, the rest of it, and an activity award, synced: each row applied with
    HQ's balance after it, the sale's receipt fully taken back, the rows adding up."""
    hq.seed(5)
    c = hq.counter()
    assert sync_once(c.ctx).ok
    member_id = sorted(cache_members(c.ctx))[3]
    opening = services.get_member(c.ctx, c.actor, member_id).hq_points
    earned = services.earn_points(c.ctx, c.actor, member_id, "R-9", None, SALE, CASH).points
    part = services.reverse_points(c.ctx, c.actor, member_id, "R-9", 5_000)
    rest = services.reverse_points(c.ctx, c.actor, member_id, "R-9", None)
    award = services.award_points(c.ctx, c.actor, member_id, "survey", None, "满意度问卷")
    assert -part.points - rest.points == earned and rest.full
    assert sync_once(c.ctx).ok

    history = points_history(c.ctx, c.actor, member_id)
    rows = [(r.kind, r.ref, r.points, r.state, r.balance) for r in history.rows if r.entry_id]
    assert rows == [
        ("award", "survey", award.points, "applied", opening + award.points),
        ("reverse", "R-9", rest.points, "applied", opening),
        ("reverse", "R-9", part.points, "applied", opening + earned + part.points),
        ("earn", "R-9", earned, "applied", opening + earned),
    ]
    refunds = [r for r in history.rows if r.kind == "reverse"]
    assert [r.refunded_fen for r in refunds] == [12_345 - 5_000, 5_000]
    assert all(r.self_paid_fen is None and r.reversed_points == 0 for r in refunds)
    sale = next(r for r in history.rows if r.kind == "earn")
    assert (sale.reversed_fen, sale.reversed_points, sale.refundable) == (12_345, earned, False)
    assert history.award_reasons["survey"].name_zh and history.rows[0].note == "满意度问卷"
    assert sum(r.points for r in history.rows if r.state == "applied") == history.hq_points
