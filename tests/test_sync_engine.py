"""The sync engine against the real reference HQ on 127.0.0.1, over real HTTP."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from sync_helpers import HQ, as_cached, cache_members, hq_member, hq_members, outbox_states, sql

from counter import services
from counter.services.connection import make_client
from counter.store.models import Base
from counter.sync import fastload
from counter.sync.engine import SyncEngine, Tally, sync_once
from counter.sync.push import PushStats, next_batch, push_all

SALE = [services.SaleLine("otc", 12_345)]
CASH = [services.Tender("cash", 12_345)]


def test_first_sync_makes_the_cache_equal_to_hq(hq: HQ) -> None:
    hq.seed(300)
    c = hq.counter()
    seen: list[str] = []
    report = sync_once(c.ctx, progress=lambda p: seen.append(p.stage))
    assert report.ok, report.errors
    assert report.pulled_members == 300 and report.config_changed
    assert "pull members" in seen
    assert cache_members(c.ctx) == as_cached(hq_members(c.ctx))
    # The first sync dropped and rebuilt the secondary indexes: the schema is whole again.
    engine = create_engine(f"sqlite:///{c.ctx.db.path}")
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    engine.dispose()
    status = services.counter_status(c.ctx)
    assert status.last_sync == report.finished_at
    assert {cur.stream for cur in status.cursors} == {"members", "complaints", "care"}
    again = sync_once(c.ctx)
    assert again.ok and (again.pulled_members, again.config_changed) == (0, False)


def test_a_first_sync_through_worker_processes_stops_and_resumes(hq: HQ) -> None:
    """The multi-process first sync: stopped after some pages, finished by the next sync."""
    hq.seed(230)
    c = hq.counter()
    engine = SyncEngine(c.ctx, page_limit=50, workers=1)
    tally = Tally()
    engine.check_epoch(engine.check_health(tally), tally)
    assert engine.pull_members(tally, max_pages=3) is False  # 1 page here, 2 by a worker
    engine.close()
    assert tally.members == 150 and len(cache_members(c.ctx)) == 150
    assert fastload.active(c.ctx)  # indexes still dropped, cards and keys still staged
    some = next(iter(hq_members(c.ctx).values()))
    assert services.lookup(c.ctx, c.actor, some["cards"][0]["card_no"]).outcome == "not_found"

    engine = SyncEngine(c.ctx, page_limit=50, workers=1)
    report = engine.run_once()
    engine.close()
    assert report.ok and report.pulled_members == 80
    assert not fastload.active(c.ctx)
    assert cache_members(c.ctx) == as_cached(hq_members(c.ctx))
    assert services.lookup(c.ctx, c.actor, some["cards"][0]["card_no"]).outcome == "found"
    engine_db = create_engine(f"sqlite:///{c.ctx.db.path}")
    with engine_db.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    engine_db.dispose()


def test_push_applies_with_seq_and_the_balance_never_jumps(hq: HQ) -> None:
    hq.seed(20)
    c = hq.counter()
    assert sync_once(c.ctx).ok
    member_id = sorted(cache_members(c.ctx))[3]
    before = services.get_member(c.ctx, c.actor, member_id)
    earned = services.earn_points(c.ctx, c.actor, member_id, "R-1", c.ctx.clock(), SALE, CASH)
    spent = services.redeem_points(c.ctx, c.actor, member_id, 10, "换购", online=True)
    shown = spent.member.points_shown
    assert shown == before.points_shown + earned.points - 10

    engine = SyncEngine(c.ctx)
    tally = Tally()
    engine.push(tally)
    assert (tally.push.applied, tally.push.rejected) == (2, 0)
    assert services.get_member(c.ctx, c.actor, member_id).points_shown == shown
    engine.pull_members(tally)
    engine.close()
    after = services.get_member(c.ctx, c.actor, member_id)
    assert (after.points_shown, after.pending_points) == (shown, 0)
    phone = services.reveal_member(c.ctx, c.actor, member_id).phone
    assert after.hq_points == hq_member(c.ctx, phone=phone)["points"] == shown
    seqs = sql(c.ctx, "SELECT state, hq_seq FROM outbox ORDER BY seq")
    assert [s for s, _ in seqs] == ["applied", "applied"]
    assert all(seq is not None and seq > 0 for _, seq in seqs)
    assert sql(c.ctx, "SELECT state FROM points_entries ORDER BY created_at") == [
        ("applied",),
        ("applied",),
    ]


def test_replay_after_a_crash_before_the_answer_was_stored(hq: HQ) -> None:
    """Send, lose the answer, send again: HQ replays, nothing is doubled, no jump."""
    hq.seed(10)
    c = hq.counter()
    assert sync_once(c.ctx).ok
    member_id = sorted(cache_members(c.ctx))[0]
    phone = services.reveal_member(c.ctx, c.actor, member_id).phone
    at_hq_before = hq_member(c.ctx, phone=phone)["points"]
    earned = services.earn_points(c.ctx, c.actor, member_id, "R-9", c.ctx.clock(), SALE, CASH)
    shown = services.get_member(c.ctx, c.actor, member_id).points_shown

    batch = next_batch(c.ctx)  # marked as attempted, durably, before sending
    client = make_client(c.ctx)
    assert client is not None
    client.push_ops(batch)  # HQ applies it ... and the counter "crashes" before storing
    assert sql(c.ctx, "SELECT state, attempts FROM outbox") == [("pending", 1)]
    assert services.counter_status(c.ctx).attempted == 1

    stats = PushStats()
    push_all(c.ctx, client, stats)
    client.close()
    assert (stats.applied, stats.replayed) == (1, 1)
    assert sql(c.ctx, "SELECT state, attempts FROM outbox") == [("applied", 2)]
    # Replayed: HQ's entity is the first outcome's, so the row waits for the pull and
    # the applied entry keeps counting until then (the write checkpoint).
    view = services.get_member(c.ctx, c.actor, member_id)
    assert (view.points_shown, view.pending_points) == (shown, earned.points)
    assert sync_once(c.ctx).ok
    view = services.get_member(c.ctx, c.actor, member_id)
    assert (view.points_shown, view.pending_points) == (shown, 0)
    assert hq_member(c.ctx, phone=phone)["points"] == at_hq_before + earned.points


def test_a_rejection_lands_in_the_problems_list_and_a_manager_retries_it(hq: HQ) -> None:
    hq.seed(10)
    c = hq.counter()
    manager = services.create_operator(c.ctx, "陈刚", "manager", "3333")
    assert sync_once(c.ctx).ok
    # A counter whose copy of the member names a tier HQ never gave them (a damaged cache,
    # or a forged op): HQ does not book the figure and says what its own rules give.
    member_id = sorted(cache_members(c.ctx))[1]
    tier = hq_member(c.ctx, phone=services.reveal_member(c.ctx, c.actor, member_id).phone)["tier"]
    forged = "gold" if tier != "gold" else "basic"
    con = sqlite3.connect(c.ctx.db.path)
    with con:
        con.execute("UPDATE members SET tier = ? WHERE id = ?", (forged, member_id))
    con.close()
    earned = services.earn_points(c.ctx, c.actor, member_id, "R-5", c.ctx.clock(), SALE, CASH)

    report = sync_once(c.ctx)
    assert report.ok and report.rejected == 1
    assert report.rejections == ((earned.op_id, "tier_not_held"),)
    (problem,) = services.list_problems(c.ctx, manager)
    assert (problem.code, problem.op_type, problem.member_id) == (
        "tier_not_held",
        "points.earn",
        member_id,
    )
    expected = problem.details["expected"]
    assert expected != earned.points and problem.details["tier"] == forged
    assert services.get_member(c.ctx, c.actor, member_id).pending_points == 0
    assert services.counter_status(c.ctx).open_problems == 1

    services.retry_problem(c.ctx, manager, problem.id)
    assert services.list_problems(c.ctx, manager) == ()
    assert services.get_member(c.ctx, c.actor, member_id).pending_points == expected
    assert services.get_receipt(c.ctx, c.actor, "R-5").points == expected  # as retried
    assert sync_once(c.ctx).ok
    assert outbox_states(c.ctx) == [("points.earn", "superseded"), ("points.earn", "applied")]
    view = services.get_member(c.ctx, c.actor, member_id)
    phone = services.reveal_member(c.ctx, c.actor, member_id).phone
    assert view.hq_points == hq_member(c.ctx, phone=phone)["points"]


def test_an_online_redemption_hq_refuses_is_dismissed_by_a_manager(hq: HQ) -> None:
    hq.seed(5)
    a, b = hq.counter("S001"), hq.counter("S002")
    manager = services.create_operator(b.ctx, "陈刚", "manager", "3333")
    assert sync_once(a.ctx).ok and sync_once(b.ctx).ok
    member_id = sorted(cache_members(a.ctx))[0]
    stale = services.get_member(a.ctx, a.actor, member_id).points_shown
    earned = services.earn_points(b.ctx, b.actor, member_id, "B-1", b.ctx.clock(), SALE, CASH)
    assert sync_once(b.ctx).ok
    # Store A (stale: never saw B's earn) spends first; then B, and HQ refuses B.
    services.redeem_points(a.ctx, a.actor, member_id, stale - 100, "换购", online=True)
    assert sync_once(a.ctx).ok
    services.redeem_points(b.ctx, b.actor, member_id, 500, "换购", online=True)
    report = sync_once(b.ctx)
    assert report.rejected == 1
    (problem,) = services.list_problems(b.ctx, manager)
    assert problem.code == "insufficient_points"
    view = services.get_member(b.ctx, b.actor, member_id)
    # The refused redemption no longer counts; A's did (pulled).
    assert view.points_shown == view.hq_points == 100 + earned.points
    services.dismiss_problem(b.ctx, manager, problem.id, note="顾客已补差价")
    assert services.counter_status(b.ctx).open_problems == 0
    resolved = services.list_problems(b.ctx, manager, include_resolved=True)
    assert resolved[0].resolution == "dismissed"
    assert resolved[0].details["dismiss_note"] == "顾客已补差价"


def test_pull_paging_resumes_where_it_stopped(hq: HQ) -> None:
    hq.seed(230)
    c = hq.counter()
    engine = SyncEngine(c.ctx, page_limit=50)
    tally = Tally()
    engine.check_epoch(engine.check_health(tally), tally)
    assert engine.pull_members(tally, max_pages=2) is False
    assert tally.members == 100 and len(cache_members(c.ctx)) == 100
    stopped_at = engine.cursor("members")
    engine.close()

    resumed = SyncEngine(c.ctx, page_limit=50)
    assert resumed.cursor("members") == stopped_at
    report = resumed.run_once()
    resumed.close()
    assert report.ok and report.pulled_members == 130
    assert cache_members(c.ctx) == as_cached(hq_members(c.ctx))


def test_a_counter_sees_other_stores_changes_and_its_own_complaints_only(hq: HQ) -> None:
    hq.seed(5)
    a, b = hq.counter("S001"), hq.counter("S002")
    assert sync_once(a.ctx).ok and sync_once(b.ctx).ok
    view = services.register_member(a.ctx, a.actor, services.MemberForm("钱多多", "13800000001"))
    complaint = services.create_complaint(
        a.ctx,
        a.actor,
        member_id=view.id,
        category="price",
        severity="urgent",
        channel="counter",
        description="标价不符",
    )
    services.update_complaint(a.ctx, a.actor, complaint.id, status="handling", note="核对价签")
    assert sync_once(a.ctx).ok
    report = sync_once(b.ctx)
    assert report.ok and report.pulled_members == 1 and report.pulled_complaints == 0
    found = services.lookup(b.ctx, b.actor, "13800000001")
    assert found.member is not None and found.member.member_no
    assert services.list_complaints(b.ctx, b.actor) == ()
    mine = services.get_complaint(a.ctx, a.actor, complaint.id)
    assert mine.synced and mine.status == "handling"
    assert [n.text for n in mine.notes] == ["核对价签"]
    assert cache_members(a.ctx) == cache_members(b.ctx) == as_cached(hq_members(a.ctx))


def test_epoch_change_downloads_afresh_and_resends_what_hq_lost(hq: HQ) -> None:
    hq.seed(20)
    a, b = hq.counter("S001"), hq.counter("S002")
    assert sync_once(a.ctx).ok
    backup = hq.root / "backup.db"
    src, dst = sqlite3.connect(hq.root / "hq.db"), sqlite3.connect(backup)
    src.backup(dst)
    src.close()
    dst.close()

    member_id = sorted(cache_members(a.ctx))[2]
    mine = services.register_member(a.ctx, a.actor, services.MemberForm("孙悦", "13900000002"))
    earned = services.earn_points(a.ctx, a.actor, mine.id, "A-1", a.ctx.clock(), SALE, CASH)
    services.earn_points(a.ctx, a.actor, member_id, "A-2", a.ctx.clock(), SALE, CASH)
    theirs = services.register_member(b.ctx, b.actor, services.MemberForm("周平", "13900000003"))
    assert sync_once(b.ctx).ok and sync_once(a.ctx).ok
    assert theirs.id in cache_members(a.ctx)
    shown = services.get_member(a.ctx, a.actor, member_id).points_shown

    # HQ is restored from the backup: A's register and earns and B's member are gone.
    port = hq.server.port
    hq.stop()
    for suffix in ("", "-wal", "-shm"):
        (hq.root / f"hq.db{suffix}").unlink(missing_ok=True)
    shutil.copy(backup, hq.root / "hq.db")
    from hq.db import make_engine, renew_epoch

    engine = make_engine(hq.url_db)
    with engine.begin() as conn:
        renew_epoch(conn)
    engine.dispose()
    from hq.server import start_in_thread

    hq.server = start_in_thread(hq.url_db, port=port)

    report = sync_once(a.ctx)
    assert report.ok, report.errors
    assert report.epoch_changed and report.applied == 3 and report.replayed == 0
    assert report.pulled_members == 21  # the 20 seeded ones and A's own, anew
    at_hq = hq_member(a.ctx, phone="13900000002")
    assert at_hq["id"] == mine.id and at_hq["points"] == earned.points
    assert services.get_member(a.ctx, a.actor, member_id).points_shown == shown
    assert theirs.id not in cache_members(a.ctx)  # HQ lost B's member: gone here too
    assert cache_members(a.ctx) == as_cached(hq_members(a.ctx))
    assert [s for _, s in outbox_states(a.ctx)] == ["applied"] * 3


def test_the_pc_clock_is_compared_with_hq(hq: HQ) -> None:
    c = hq.counter()
    c.ctx.clock = lambda: dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    report = sync_once(c.ctx)
    assert report.ok and report.clock_off
    assert report.clock_skew_s is not None and 290 < report.clock_skew_s < 310
    assert services.counter_status(c.ctx).clock_skew_s == round(report.clock_skew_s, 3)


def test_a_refused_profile_change_is_undone_in_the_cache(hq: HQ) -> None:
    hq.seed(5)
    a, b = hq.counter("S001"), hq.counter("S002")
    manager = services.create_operator(a.ctx, "陈刚", "manager", "3333")
    assert sync_once(a.ctx).ok
    member_id = sorted(cache_members(a.ctx))[0]
    old_phone = services.reveal_member(a.ctx, a.actor, member_id).phone
    services.register_member(b.ctx, b.actor, services.MemberForm("冯媛", "13700000077"))
    assert sync_once(b.ctx).ok
    # A has not pulled B's member: the phone looks free here, HQ says otherwise.
    services.update_member(a.ctx, a.actor, member_id, {"phone": "13700000077"})
    report = sync_once(a.ctx)
    assert report.ok and report.rejected == 1
    assert services.reveal_member(a.ctx, a.actor, member_id).phone == old_phone
    (problem,) = services.list_problems(a.ctx, manager)
    assert problem.code == "phone_registered" and problem.op_type == "member.update"
    assert cache_members(a.ctx) == as_cached(hq_members(a.ctx))
