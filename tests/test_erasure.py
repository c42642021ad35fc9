"""A member HQ forgets is forgotten at the counter too (PIPL Art. 47), down to the bytes.

The real reference HQ on 127.0.0.1, a real cache file: a member with words found nowhere
else is registered, given health data, a complaint and pending operations, then deleted
(or merged away) at HQ. After one sync, neither the database file, its WAL nor the log
holds any of those words, and what stays (the problems list, the complaint, the
outbox) stays without the person.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sync_helpers import HQ, Counter, sql

from counter import logs, services
from counter.codes import make_card_no
from counter.errors import ValidationError
from counter.services import audit
from counter.store import erasure
from counter.store.outbox_health import purge_wal
from counter.sync.engine import sync_once
from hq.db import make_engine
from hq.members import delete_member, merge_members

SALE = [services.SaleLine("otc", 20_000)]
CASH = [services.Tender("cash", 20_000)]

# Words of the person to forget; none of them occurs in anyone else's data.
NAME = "欧阳翠微"
PINYIN = "ouyangcuiwei"
PHONE = "13998765432"
EMAIL = "cuiwei.oy@example.com"
ADDRESS = "梧桐巷十七号"
NEW_ADDRESS = "银杏路九号"  # in a pending update when HQ forgets her
ALLERGY, CHRONIC, MEDICINE = "头孢呋辛", "痛风石", "秋水仙碱"
CARD = make_card_no("880000000000777")
WORDS = (NAME, PINYIN, PHONE, PHONE[::-1], EMAIL, ADDRESS, NEW_ADDRESS, ALLERGY, CHRONIC, MEDICINE)


@pytest.fixture
def logged(hq: HQ) -> Iterator[None]:
    """The counter's log file, as the app writes it, for the counters of this test."""
    yield
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "counter_owned", False):
            root.removeHandler(handler)
            handler.close()


def leftovers(c: Counter, words: tuple[str, ...] = WORDS) -> dict[str, list[str]]:
    """Which of the words each file of the cache and the log still holds, as raw bytes."""
    found: dict[str, list[str]] = {}
    files = [p for p in c.settings.data_path.iterdir() if p.name.startswith("counter.db")]
    files += list(c.settings.log_dir.iterdir())
    for path in files:
        if not path.is_file():
            continue
        data = path.read_bytes()
        hits = [w for w in words if w.encode() in data]
        if hits:
            found[path.name] = hits
    return found


def cached_person(hq: HQ, c: Counter, name: str = NAME, phone: str = PHONE) -> str:
    """A member registered at this counter, with health data, known to HQ."""
    logs.setup(c.settings.log_dir)
    member = services.register_member(
        c.ctx,
        c.actor,
        services.MemberForm(
            name, phone, gender="F", birthday=dt.date(1979, 5, 17), email=EMAIL,
            address=ADDRESS, card_no=CARD,
        ),
    )  # fmt: skip
    services.record_consent(c.ctx, c.actor, member.id, granted=True)
    services.record_health(c.ctx, c.actor, member.id, [ALLERGY], [CHRONIC], [MEDICINE])
    services.create_complaint(
        c.ctx,
        c.actor,
        member_id=member.id,
        category="waiting_time",
        severity="high",
        channel="counter",
        description="等候太久",
    )
    report = sync_once(c.ctx)
    assert report.ok and report.rejected == 0, (report.errors, report.rejections)
    return member.id


def pending_ops(c: Counter, member_id: str) -> None:
    """Operations made while HQ already forgot her: they reach HQ only afterwards."""
    services.update_member(c.ctx, c.actor, member_id, {"address": NEW_ADDRESS})
    services.earn_points(c.ctx, c.actor, member_id, "R-77", c.ctx.clock(), SALE, CASH)
    (complaint_id,) = sql(c.ctx, "SELECT id FROM complaints")[0]
    services.update_complaint(c.ctx, c.actor, complaint_id, status="handling", note="已致电")


def test_a_member_deleted_at_hq_leaves_no_trace_in_the_cache_or_the_log(
    hq: HQ, logged: None
) -> None:
    c = hq.counter()
    member_id = cached_person(hq, c)
    pending_ops(c, member_id)
    with c.ctx.db.write() as s:  # a typed note about her, as a dismissal records one
        audit.record(s, c.actor, "problem.dismiss", c.ctx.clock(), member_id=member_id,
                     note=f"{NAME}说不用了", problem=1)  # fmt: skip
    assert leftovers(c)  # the test can see the words where they are

    engine = make_engine(hq.url_db)
    delete_member(engine, member_id)
    engine.dispose()
    report = sync_once(c.ctx)
    assert report.ok, report.errors
    assert sorted(code for _, code in report.rejections) == ["member_not_found"] * 2

    assert leftovers(c) == {}
    assert free_pages_with_data(c.ctx.db.path) == 0
    row = sql(
        c.ctx,
        "SELECT status, name, phone, member_no, email, address, birthday, health_enc, origin "
        "FROM members WHERE id = ?",
        member_id,
    )
    assert row == [("deleted", "", "", None, "", "", None, None, "erased")]
    for table in ("member_keys", "cards", "consents"):
        assert sql(c.ctx, f"SELECT count(*) FROM {table} WHERE member_id = ?", member_id) == [(0,)]
    # The complaint stays as a record, without the person; the audit log has ids only.
    assert sql(c.ctx, "SELECT customer_name, customer_phone, status FROM complaints") == [
        ("", "", "handling")
    ]
    assert sql(c.ctx, "SELECT details FROM audit_log WHERE action = 'problem.dismiss'") == [
        ('{"problem": 1}',)
    ]
    # Every answered operation keeps ids and figures only.
    for op_type, state, payload in sql(
        c.ctx, "SELECT type, state, payload FROM outbox WHERE member_id = ?", member_id
    ):
        assert state != "pending"
        assert json.loads(payload)["erased"] is True, op_type
    earn = json.loads(sql(c.ctx, "SELECT payload FROM outbox WHERE type = 'points.earn'")[0][0])
    assert earn["receipt_no"] == "R-77" and earn["member_id"] == member_id
    # The problems list shows the refusals, without the person, and won't retry them.
    manager = services.create_operator(c.ctx, "陈刚", "manager", "3333")
    problems = services.list_problems(c.ctx, manager)
    assert sorted(p.op_type for p in problems) == ["member.update", "points.earn"]
    assert all(p.details.get("erased") and not p.retryable for p in problems)
    with pytest.raises(ValidationError) as info:
        services.retry_problem(c.ctx, manager, problems[0].id)
    assert info.value.detail == "member_erased"
    services.dismiss_problem(c.ctx, manager, problems[0].id)
    # Nothing of her is sent again, and the next sync changes nothing.
    again = sync_once(c.ctx)
    assert again.ok and again.pushed == 0
    assert leftovers(c) == {}


def test_a_merged_member_keeps_only_the_survivors_data(hq: HQ, logged: None) -> None:
    c = hq.counter()
    survivor = services.register_member(
        c.ctx, c.actor, services.MemberForm("陈静", "13700001234", address="光明路1号")
    )
    merged = cached_person(hq, c)
    pending_ops(c, merged)

    engine = make_engine(hq.url_db)
    merge_members(engine, merged, survivor.id)
    engine.dispose()
    report = sync_once(c.ctx)
    assert report.ok, report.errors

    # HQ applied her pending operations to the survivor (the same person): the new
    # address is the survivor's now; nothing else of hers is left.
    assert leftovers(c, tuple(w for w in WORDS if w != NEW_ADDRESS)) == {}
    assert sql(
        c.ctx, "SELECT status, merged_into, name, phone FROM members WHERE id = ?", merged
    ) == [("merged", survivor.id, "", "")]
    # The survivor keeps its own data, the merged card, and the complaint.
    assert sql(c.ctx, "SELECT name, phone, address FROM members WHERE id = ?", survivor.id) == [
        ("陈静", "13700001234", NEW_ADDRESS)
    ]
    found = services.lookup(c.ctx, c.actor, CARD).member
    assert found is not None and found.id == survivor.id
    assert sql(c.ctx, "SELECT member_id, customer_name, customer_phone FROM complaints") == [
        (survivor.id, "", "")
    ]
    # Their copies in the outbox are scrubbed.
    assert report.rejections == ()
    for (payload,) in sql(c.ctx, "SELECT payload FROM outbox WHERE member_id = ?", merged):
        assert json.loads(payload)["erased"] is True


def test_a_cache_from_before_erasure_is_swept_once(hq: HQ, logged: None, tmp_path: Path) -> None:
    """A cache that kept tombstoned members' data (the bug) is cleaned by the next sync."""
    c = hq.counter()
    member_id = cached_person(hq, c)
    engine = make_engine(hq.url_db)
    delete_member(engine, member_id)
    engine.dispose()
    assert sync_once(c.ctx).ok
    # Put her back as an older version left her: a tombstoned row with her data.
    con_sql = "UPDATE members SET name = ?, phone = ?, address = ?, origin = 'hq' WHERE id = ?"
    with c.ctx.db.write() as s:
        raw = s.connection().connection.dbapi_connection
        raw.execute(con_sql, (NAME, PHONE, ADDRESS, member_id))  # type: ignore[union-attr]
        raw.execute("DELETE FROM kv WHERE key = ?", (erasure.SWEEP_KEY,))  # type: ignore[union-attr]
    assert leftovers(c)
    assert sync_once(c.ctx).ok
    assert leftovers(c) == {}
    assert erasure.sweep_once(c.ctx.db) == 0  # once


def test_operations_answered_after_the_tombstone_are_scrubbed_then(hq: HQ, logged: None) -> None:
    """The pull can come first (a push that failed): pending operations still go out as
    they are, are never laid back over the erased row, and are scrubbed once answered."""
    from counter.sync.engine import SyncEngine, Tally

    c = hq.counter()
    member_id = cached_person(hq, c)
    pending_ops(c, member_id)
    engine = make_engine(hq.url_db)
    delete_member(engine, member_id)
    engine.dispose()

    sync = SyncEngine(c.ctx)
    tally = Tally()
    sync.pull_members(tally)
    row = sql(c.ctx, "SELECT name, address, origin FROM members WHERE id = ?", member_id)
    assert row == [("", "", "erased")]  # the pending address change is not laid over it
    update = sql(c.ctx, "SELECT payload, state FROM outbox WHERE type = 'member.update'")
    assert update[-1][1] == "pending" and NEW_ADDRESS in update[-1][0]
    sync.push(tally)
    sync.pull_complaints(tally)
    sync.close()
    assert sorted(code for _, code in tally.push.rejections) == ["member_not_found"] * 2
    assert purge_wal(c.ctx.db)
    assert leftovers(c) == {}


def test_copies_made_before_a_migration_are_deleted_after_30_days(
    ctx: services.ServiceContext,
) -> None:
    from counter.store.migrate import backup

    copy = backup(ctx.db.path, "migration-from-0003")
    other = ctx.db.path.with_name("counter.before-hand-made.db")
    other.write_bytes(b"")
    now = dt.datetime.now(dt.UTC)
    assert erasure.prune_backups(ctx.db.path, now + dt.timedelta(days=29)) == 0
    assert copy.exists()
    assert erasure.prune_backups(ctx.db.path, now + dt.timedelta(days=31)) == 1
    assert not copy.exists() and other.exists() and ctx.db.path.exists()


def free_pages_with_data(db_path: Path) -> int:
    """How many pages on the file's free list hold anything but zeros (after a checkpoint)."""
    data = db_path.read_bytes()
    size = int.from_bytes(data[16:18], "big")
    size = 65536 if size == 1 else size
    page = lambda n: data[(n - 1) * size : n * size]  # noqa: E731
    dirty = 0
    trunk = int.from_bytes(data[32:36], "big")
    while trunk:
        raw = page(trunk)
        count = int.from_bytes(raw[4:8], "big")
        leaves = [int.from_bytes(raw[8 + 4 * i : 12 + 4 * i], "big") for i in range(count)]
        dirty += any(raw[8 + 4 * count :])
        dirty += sum(any(page(n)) for n in leaves)
        trunk = int.from_bytes(raw[:4], "big")
    return dirty


def test_a_first_sync_leaves_no_data_in_free_pages(hq: HQ) -> None:
    """The first sync frees its staging tables without zeroing them (to save ~150 MB of
    writes for a million members) and wipes whatever the index build left free."""
    hq.seed(2000)
    c = hq.counter()
    assert sync_once(c.ctx).ok
    with c.ctx.db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (free,) = raw.execute("PRAGMA freelist_count").fetchone()
    assert free > 0  # the scratch table's pages, zeroed
    assert free_pages_with_data(c.ctx.db.path) == 0


def test_a_registration_this_counter_merged_into_her_goes_with_her(hq: HQ, logged: None) -> None:
    """Store B registered her offline after store A did: B's registration was refused and
    re-pointed to HQ's member. When HQ forgets that member, B's own duplicate goes too."""
    a, b = hq.counter("S001"), hq.counter("S002")
    logs.setup(b.settings.log_dir)
    assert sync_once(a.ctx).ok and sync_once(b.ctx).ok
    first = services.register_member(a.ctx, a.actor, services.MemberForm(NAME, PHONE))
    local = services.register_member(
        b.ctx, b.actor, services.MemberForm(NAME, PHONE, email=EMAIL, address=ADDRESS)
    )
    services.earn_points(b.ctx, b.actor, local.id, "B-1", b.ctx.clock(), SALE, CASH)
    assert sync_once(a.ctx).ok
    report = sync_once(b.ctx)
    assert report.ok and report.repointed == 1, (report.errors, report.rejections)
    assert leftovers(b)  # the refused registration, the problem holding HQ's record …

    engine = make_engine(hq.url_db)
    delete_member(engine, first.id)
    engine.dispose()
    assert sync_once(b.ctx).ok
    assert leftovers(b) == {}
    assert sql(b.ctx, "SELECT origin FROM members WHERE id IN (?, ?)", first.id, local.id) == [
        ("erased",),
        ("erased",),
    ]
