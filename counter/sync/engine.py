"""The sync engine: health and epoch, config, push the outbox, pull the change feeds.

One ``run_once`` is one sync; it runs off the UI thread (the UI's network worker, or
``counter sync``). Every step leaves the cache consistent if the process dies at any
instant: each pushed batch is recorded in one transaction (``counter.sync.push``), and
each pulled page is applied together with its cursor in one transaction, so a restart
resumes at the first page not applied. See docs/sync.md for the whole story.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import logging
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from counter.contract import ContractError
from counter.contract.care import parse_care_record
from counter.errors import AuthenticationError, KnownError
from counter.services.care import care_config
from counter.services.clock import measured_skew, record_skew
from counter.services.config import HQ_CONFIG_ETAG_KEY, kv_get, kv_set, store_config
from counter.services.connection import MAX_CLOCK_SKEW, make_client
from counter.services.context import ServiceContext
from counter.services.status import EPOCH_KEY, LAST_SYNC_KEY
from counter.store import erasure
from counter.store.erasure import ERASED
from counter.store.models import Complaint, Member, OutboxOp, PointsEntry, SyncCursor
from counter.store.outbox_health import purge_wal
from counter.sync import fastload
from counter.sync.apply import (
    OVERLAID_TYPES,
    apply_complaint_records,
    apply_prepared,
    overlay_pending,
)
from counter.sync.care_apply import apply_care_records
from counter.sync.client import (
    ChangesPage,
    EpochChanged,
    HQClient,
    HQProtocolError,
    HQRefused,
    HQUnavailable,
)
from counter.sync.lock import lock_for
from counter.sync.pages import PreparedPage, prepare_records
from counter.sync.pipeline import PagePipeline
from counter.sync.push import PushStats, push_all
from counter.sync.records import parse_complaint_record

log = logging.getLogger(__name__)

MEMBERS, COMPLAINTS, CARE = "members", "complaints", "care"
PAGE_LIMIT = 5000
# Set in the transaction that resets the cursors after an epoch change; cleared by the
# transaction that applies the last page of the fresh download.
REFRESH_KEY = "members_refresh"
MAX_EPOCH_RESTARTS = 2
SYNC_BUSY = "sync_busy: another sync of this cache is running; this one was skipped"


@dataclass(frozen=True)
class SyncProgress:
    """What the engine is doing, for a progress line or bar (``done`` counts records/ops)."""

    stage: str
    done: int
    total: int = 0


Progress = Callable[[SyncProgress], None]


@dataclass(frozen=True)
class SyncReport:
    started_at: dt.datetime
    finished_at: dt.datetime
    pushed: int = 0
    applied: int = 0
    rejected: int = 0
    replayed: int = 0
    repointed: int = 0
    pulled_members: int = 0
    pulled_complaints: int = 0
    pulled_care: int = 0
    config_changed: bool = False
    epoch_changed: bool = False
    clock_skew_s: float | None = None
    errors: tuple[str, ...] = ()
    rejections: tuple[tuple[str, str], ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def clock_off(self) -> bool:
        return self.clock_skew_s is not None and abs(self.clock_skew_s) > MAX_CLOCK_SKEW.seconds

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()


@dataclass
class Tally:
    push: PushStats = field(default_factory=PushStats)
    members: int = 0
    complaints: int = 0
    care: int = 0
    config_changed: bool = False
    epoch_changed: bool = False
    skew: float | None = None
    errors: list[str] = field(default_factory=list)


class StopRequested(Exception):
    """The caller asked the engine to stop between two steps."""


class SyncEngine:
    """Drives one counter's sync with HQ; each public step is usable on its own (tests)."""

    def __init__(
        self,
        ctx: ServiceContext,
        client: HQClient | None = None,
        *,
        progress: Progress | None = None,
        page_limit: int = PAGE_LIMIT,
        push_batch: int = 500,
        should_stop: Callable[[], bool] | None = None,
        prefetch: bool = True,
        fast_first_sync: bool = True,
        workers: int | None = None,
        local_every: int | None = None,
        lock_wait_s: float = 5.0,
    ) -> None:
        self.ctx = ctx
        made = client or make_client(ctx)
        if made is None:
            raise KnownError(
                "未配置总部地址（hq_url），无法同步。",
                "No HQ address is configured (setting hq_url); nothing to sync with.",
            )
        self.client = made
        self._owns_client = client is None
        self.progress = progress
        self.page_limit = page_limit
        self.push_batch = push_batch
        self.should_stop = should_stop
        self.prefetch = prefetch
        self.fast_first_sync = fast_first_sync
        # Worker processes for a first full sync (0: all in this process).
        self.workers = default_workers() if workers is None else workers
        # Every n-th page of a first sync prepared by the writer itself (0: none).
        self.local_every = (
            (LOCAL_EVERY if self.workers == 1 else 0) if local_every is None else local_every
        )
        self.lock_wait_s = lock_wait_s
        # HQ's head_seq from the last health check (None: not known).
        self.head_seq: int | None = None

    def close(self) -> None:
        if self._owns_client:
            self.client.close()

    def _report(self, stage: str, done: int, total: int = 0) -> None:
        if self.progress is not None:
            self.progress(SyncProgress(stage, done, total))

    def _check_stop(self) -> None:
        if self.should_stop is not None and self.should_stop():
            raise StopRequested

    # ------------------------------------------------------------------ health, epoch

    def check_health(self, tally: Tally) -> str:
        """HQ's epoch; records the clock skew and warns when the PC's clock is off."""
        sent = self.ctx.clock()
        health = self.client.health()
        received = self.ctx.clock()
        tally.skew = measured_skew(sent, received, health.server_time)
        record_skew(self.ctx, tally.skew)
        self.head_seq = health.head_seq
        return health.epoch

    def check_epoch(self, epoch: str, tally: Tally) -> None:
        if not epoch:
            return
        with self.ctx.db.read() as s:
            known = kv_get(s, EPOCH_KEY)
        if known == epoch:
            self._check_head(epoch, tally)
            return
        if not known:
            with self.ctx.db.write() as s:
                kv_set(s, EPOCH_KEY, epoch)
            return
        self.reset_for_epoch(epoch)
        tally.epoch_changed = True

    def write_checkpoint(self) -> tuple[str, int] | None:
        """This store's newest applied op (op_id, hq_seq): HQ must still have it.

        Newest by outbox order, which is the order ops are pushed and applied in (one
        index, no scan). After a restore HQ no longer has it if it lost anything of ours.
        """
        with self.ctx.db.read() as s:
            row = s.execute(
                select(OutboxOp.op_id, OutboxOp.hq_seq)
                .where(OutboxOp.state == "applied")
                .order_by(OutboxOp.seq.desc())
                .limit(1)
            ).first()
        return None if row is None else (row[0], int(row[1] or 0))

    def _check_head(self, epoch: str, tally: Tally) -> None:
        """HQ's head behind our write checkpoint in the same epoch: HQ went back in time.

        Show HQ the evidence (it then renews its epoch for every counter: 409), and if it
        does not agree, start afresh all the same.
        """
        checkpoint = self.write_checkpoint()
        if self.head_seq is None or checkpoint is None or checkpoint[1] <= self.head_seq:
            return
        log.warning(
            "HQ's head %s is behind op %s applied at %s: HQ was restored from a backup",
            self.head_seq,
            checkpoint[0],
            checkpoint[1],
        )
        self.client.member_changes(self.cursor(MEMBERS) or None, 1, checkpoint=checkpoint[0])
        self.reset_for_epoch(epoch)
        tally.epoch_changed = True

    def reset_for_epoch(self, epoch: str) -> None:
        """HQ was restored or re-created: download afresh, re-send what HQ may have lost.

        One transaction: cursors forgotten, every cached row marked as not yet seen in
        the new epoch (hq_seq 0: seqs restart with it), and every applied op back to
        pending (HQ answers the ones it still has as replayed; the rest it applies).
        The outbox is never thrown away.
        """
        log.warning("HQ's epoch changed to %s: downloading afresh and re-sending", epoch)
        # Operations of members HQ had forgotten were scrubbed: they are not sent again.
        erased = select(Member.id).where(Member.origin == ERASED)
        with self.ctx.db.write() as s:
            s.execute(delete(SyncCursor))
            s.execute(update(Member).where(Member.hq_seq != 0).values(hq_seq=0))
            s.execute(update(Complaint).where(Complaint.hq_seq != 0).values(hq_seq=0))
            s.execute(
                update(OutboxOp)
                .where(
                    OutboxOp.state == "applied",
                    or_(OutboxOp.member_id.is_(None), OutboxOp.member_id.not_in(erased)),
                )
                .values(state="pending", hq_seq=None, last_error="epoch_changed")
            )
            s.execute(
                update(PointsEntry)
                .where(PointsEntry.state == "applied", PointsEntry.member_id.not_in(erased))
                .values(state="pending", hq_seq=None)
            )
            kv_set(s, EPOCH_KEY, epoch)
            kv_set(s, REFRESH_KEY, "1")

    # ------------------------------------------------------------------ config

    def refresh_config(self, tally: Tally) -> None:
        with self.ctx.db.read() as s:
            etag = kv_get(s, HQ_CONFIG_ETAG_KEY)
        answer = self.client.config(etag or None)
        if answer.body is None:
            return
        with self.ctx.db.write() as s:
            store_config(s, answer.body, answer.etag)
        tally.config_changed = True
        log.info("HQ config updated (version %s)", answer.body.get("version", "?"))

    # ------------------------------------------------------------------ push

    def push(self, tally: Tally) -> None:
        checkpoint = self.write_checkpoint()
        push_all(
            self.ctx,
            self.client,
            tally.push,
            checkpoint=None if checkpoint is None else checkpoint[0],
            batch_size=self.push_batch,
            progress=lambda _stage, done, _t: self._report("push", done),
            should_stop=self.should_stop,
        )

    # ------------------------------------------------------------------ pull

    def cursor(self, stream: str) -> str:
        with self.ctx.db.read() as s:
            row = s.get(SyncCursor, stream)
            return row.cursor if row is not None else ""

    def _set_cursor(self, s: Session, stream: str, cursor: str, epoch: str) -> None:
        s.merge(SyncCursor(stream=stream, cursor=cursor, epoch=epoch, updated_at=self.ctx.now()))

    def _pages(
        self, fetch: Callable[[str | None], ChangesPage], cursor: str, max_pages: int | None
    ) -> Iterator[tuple[ChangesPage, bool]]:
        """Pages in order; with ``prefetch`` the next page downloads while this one is applied."""
        pool = ThreadPoolExecutor(1, thread_name_prefix="sync-fetch") if self.prefetch else None
        try:
            pending: Future[ChangesPage] | None = None
            count = 0
            while True:
                page = pending.result() if pending is not None else fetch(cursor or None)
                pending = None
                count += 1
                last = not page.has_more or (max_pages is not None and count >= max_pages)
                if pool is not None and not last:
                    pending = pool.submit(fetch, page.next_cursor)
                yield page, last
                if last:
                    return
                cursor = page.next_cursor
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)

    def _fetch_members(self) -> Callable[[str | None], ChangesPage]:
        """Member pages; the first request shows HQ our write checkpoint (docs/sync.md)."""
        checkpoint = self.write_checkpoint()
        first = [None if checkpoint is None else checkpoint[0]]

        def fetch(cursor: str | None) -> ChangesPage:
            shown, first[0] = first[0], None
            return self.client.member_changes(cursor, self.page_limit, checkpoint=shown)

        return fetch

    def _member_pages(
        self, cursor: str, max_pages: int | None, fresh: bool
    ) -> Iterator[tuple[PreparedPage, bool]]:
        """Prepared pages in order, and whether each is the last this run applies.

        A first full sync with more than one page goes through the multi-process
        pipeline after its first page; everything else is prepared in this thread while
        a helper thread downloads the next page.
        """
        now_text = self.ctx.now().astimezone(dt.UTC).isoformat(timespec="microseconds")
        fetch = self._fetch_members()
        if fresh and self.workers > 0 and max_pages != 1:
            page = fetch(cursor or None)
            prepared = self._prepare(page, now_text)
            yield prepared, not page.has_more
            if not page.has_more:
                return
            left = None if max_pages is None else max_pages - 1
            cursor = page.next_cursor
            try:
                pipeline = PagePipeline(
                    self.client,
                    limit=self.page_limit,
                    key=self.ctx.cipher.key,
                    now_text=now_text,
                    workers=self.workers,
                    local_every=self.local_every,
                    cipher=self.ctx.cipher,
                )
                for prepared, last in _peek_last(pipeline.pages(cursor, left)):
                    yield prepared, last
                    cursor = prepared.next_cursor
                    left = None if left is None else left - 1
                return
            except (BrokenProcessPool, OSError) as exc:
                # No worker processes here (a frozen build without freeze_support, a
                # sandbox): carry on in this process from the last page applied.
                log.warning("sync worker processes failed (%s); continuing without them", exc)
                if left == 0:
                    return
                max_pages = left
        for page, last in self._pages(fetch, cursor, max_pages):
            yield self._prepare(page, now_text), last

    def _prepare(self, page: ChangesPage, now_text: str) -> PreparedPage:
        try:
            records = prepare_records(page.items, self.ctx.cipher, now_text)
        except ContractError as exc:
            raise HQProtocolError(
                "总部发来的会员记录格式不对，本页未采用。",
                "HQ sent a malformed member record; the page was not applied.",
                detail=str(exc),
            ) from exc
        return PreparedPage(records, page.next_cursor, page.has_more)

    def pull_members(self, tally: Tally, max_pages: int | None = None) -> bool:
        """Pull member changes page by page; True when the feed was read to its end."""
        cursor = self.cursor(MEMBERS)
        with self.ctx.db.read() as s:
            epoch = kv_get(s, EPOCH_KEY)
            refreshing = kv_get(s, REFRESH_KEY) == "1"
        fresh = not cursor and fastload.cache_is_empty(self.ctx)
        # A first sync killed half-way left the fast path on: keep it and finish it.
        fast = fastload.active(self.ctx) or (
            fresh and self.fast_first_sync and fastload.begin(self.ctx)
        )
        finished = False
        for page, last in self._member_pages(cursor, max_pages, fresh):
            end = not page.has_more
            with _gc_paused(), self.ctx.db.bulk() as s:
                if fast:
                    fastload.tune(s, on=not end)
                apply_prepared(s, page.records, fresh=fresh, staged=fast)
                if not fresh and _has_pending_overlays(s):
                    overlay_pending(s, self.ctx.cipher, page.records.ids(), self.ctx.now())
                self._set_cursor(s, MEMBERS, page.next_cursor, epoch)
                if end and refreshing:
                    _retire_unseen(s)
                    kv_set(s, REFRESH_KEY, "")
            tally.members += page.records.count
            self._report("pull members", tally.members)
            if end:
                finished = True
            if last:
                break
            self._check_stop()
        if fast and finished:
            self._report("indexes", tally.members)
            fastload.finish(self.ctx)
        return finished

    def pull_complaints(self, tally: Tally, max_pages: int | None = None) -> bool:
        cursor = self.cursor(COMPLAINTS)
        with self.ctx.db.read() as s:
            epoch = kv_get(s, EPOCH_KEY)
        for page, last in self._pages(
            lambda c: self.client.complaint_changes(c, min(self.page_limit, 1000)),
            cursor,
            max_pages,
        ):
            try:
                records = [parse_complaint_record(item) for item in page.items]
            except ContractError as exc:
                raise HQProtocolError(
                    "总部发来的投诉记录格式不对，本页未采用。",
                    "HQ sent a malformed complaint record; the page was not applied.",
                    detail=str(exc),
                ) from exc
            with self.ctx.db.bulk() as s:
                apply_complaint_records(s, records, self.ctx.now())
                self._set_cursor(s, COMPLAINTS, page.next_cursor, epoch)
            tally.complaints += len(records)
            self._report("pull complaints", tally.complaints)
            if last:
                return not page.has_more
        return True

    def pull_care(self, tally: Tally, max_pages: int | None = None) -> bool:
        """This store's care plans (counter/sync/care_apply.py); an HQ without the feed
        (before contract 1.1) is skipped quietly: each PC then keeps its own plans."""
        cursor = self.cursor(CARE)
        with self.ctx.db.read() as s:
            epoch = kv_get(s, EPOCH_KEY)
            config = care_config(s, self.ctx)
        try:
            for page, last in self._pages(
                lambda c: self.client.care_changes(c, min(self.page_limit, 1000)),
                cursor,
                max_pages,
            ):
                try:
                    records = [parse_care_record(item) for item in page.items]
                except ContractError as exc:
                    raise HQProtocolError(
                        "总部发来的慢病计划记录格式不对，本页未采用。",
                        "HQ sent a malformed care plan record; the page was not applied.",
                        detail=str(exc),
                    ) from exc
                with self.ctx.db.write() as s:
                    apply_care_records(s, self.ctx.cipher, config, records, self.ctx.now())
                    self._set_cursor(s, CARE, page.next_cursor, epoch)
                tally.care += len(records)
                self._report("pull care plans", tally.care)
                if last:
                    return not page.has_more
        except HQRefused as exc:
            if exc.status != 404:
                raise
            log.info("HQ has no care plan feed (contract 1.0); plans stay per PC")
        return True

    # ------------------------------------------------------------------ one sync

    def run_once(self, *, max_pages: int | None = None) -> SyncReport:
        """Health and epoch, config, push, pull; errors are reported, not raised.

        Only bugs escape. ``max_pages`` bounds each pull (tests of resumable paging).
        Another sync of the same cache (the app's, or ``counter sync``) is waited for
        ``lock_wait_s``, then this one reports ``sync_busy`` and does nothing.
        """
        lock = lock_for(self.ctx.db.path)
        if not lock.acquire(self.lock_wait_s):
            now = self.ctx.now()
            return SyncReport(started_at=now, finished_at=now, errors=(SYNC_BUSY,))
        try:
            return self._run_locked(max_pages)
        finally:
            lock.release()

    def _run_locked(self, max_pages: int | None) -> SyncReport:
        started = self.ctx.now()
        tally = Tally()
        restarts = 0
        while True:
            try:
                self._run_steps(tally, max_pages)
                break
            except EpochChanged as exc:
                restarts += 1
                if restarts > MAX_EPOCH_RESTARTS:
                    tally.errors.append(f"{exc.code}: HQ's epoch keeps changing")
                    break
                self.reset_for_epoch(exc.epoch or self.check_health(tally))
                tally.epoch_changed = True
            except StopRequested:
                tally.errors.append("stopped: the sync was interrupted before it finished")
                break
            except (AuthenticationError, HQUnavailable, HQProtocolError) as exc:
                tally.errors.append(_describe(exc))
                log.warning("sync failed: %s", _describe(exc))
                break
            except KnownError as exc:  # storage errors: disk full, database locked …
                tally.errors.append(_describe(exc))
                log.error("sync failed: %s", _describe(exc))
                break
        finished = self.ctx.now()
        if not tally.errors:
            with self.ctx.db.write() as s:
                kv_set(s, LAST_SYNC_KEY, finished.isoformat())
        # What the sync erased (withdrawn health, a deleted member) leaves the old WAL frames.
        purge_wal(self.ctx.db)
        p = tally.push
        return SyncReport(
            started_at=started,
            finished_at=finished,
            pushed=p.sent,
            applied=p.applied,
            rejected=p.rejected,
            replayed=p.replayed,
            repointed=p.repointed,
            pulled_members=tally.members,
            pulled_complaints=tally.complaints,
            pulled_care=tally.care,
            config_changed=tally.config_changed,
            epoch_changed=tally.epoch_changed,
            clock_skew_s=tally.skew,
            errors=tuple(tally.errors),
            rejections=tuple(p.rejections),
        )

    def _run_steps(self, tally: Tally, max_pages: int | None) -> None:
        erasure.sweep_once(self.ctx.db)
        erasure.prune_backups(self.ctx.db.path, self.ctx.clock())
        self._report("health", 0)
        self.check_epoch(self.check_health(tally), tally)
        self._check_stop()
        self._report("config", 0)
        self.refresh_config(tally)
        self._check_stop()
        try:
            self.push(tally)
        except (HQUnavailable, HQProtocolError) as exc:
            # A batch HQ could not take (a 5xx, a 413, an answer we cannot read) must not
            # also keep HQ's changes from this counter: the pull runs anyway.
            tally.errors.append(_describe(exc))
            log.warning("push failed, pulling anyway: %s", _describe(exc))
        self._check_stop()
        self.pull_members(tally, max_pages)
        self._check_stop()
        self.pull_complaints(tally, max_pages)
        self._check_stop()
        self.pull_care(tally, max_pages)


# A first sync with one worker process: every n-th page prepared by the writer itself
# (0: none). Since pages are decoded by msgspec the writer helping no longer pays
# (1 M members: every 5th 36.8 s, every 8th 34.7 s, none 33.8 s; docs/benchmarks.md).
LOCAL_EVERY = 0


def default_workers() -> int:
    """One worker process per core beyond the one this process and HQ's answers need."""
    return max(1, min(2, (os.cpu_count() or 1) - 1))


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic-GC passes while a page is applied: its rows hold no cycles, and passes
    over a heap full of fresh tuples cost a third of the time."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _peek_last(pages: Iterator[PreparedPage]) -> Iterator[tuple[PreparedPage, bool]]:
    """Pair each page with whether it is the last one of the iterator."""
    previous: PreparedPage | None = None
    for page in pages:
        if previous is not None:
            yield previous, False
        previous = page
    if previous is not None:
        yield previous, True


def _describe(exc: KnownError) -> str:
    text = f"{exc.code}: {exc.en}"
    return f"{text} ({exc.detail})" if exc.detail else text


def _has_pending_overlays(s: Session) -> bool:
    return (
        s.scalar(
            select(OutboxOp.seq)
            .where(OutboxOp.state == "pending", OutboxOp.type.in_(OVERLAID_TYPES))
            .limit(1)
        )
        is not None
    )


def _retire_unseen(s: Session) -> None:
    """After a fresh download, HQ members it did not send again are gone from HQ."""
    gone = s.execute(
        update(Member)
        .where(Member.origin == "hq", Member.hq_seq == 0, Member.status == "active")
        .values(status="deleted", health_enc=None, allergy_alert=False)
    )
    log.info("fresh download complete; %s cached members no longer at HQ", gone.rowcount)  # type: ignore[attr-defined]


def sync_once(
    ctx: ServiceContext,
    *,
    client: HQClient | None = None,
    progress: Progress | None = None,
    max_pages: int | None = None,
) -> SyncReport:
    """One full sync with a client made from the context's settings (or the one given)."""
    engine = SyncEngine(ctx, client, progress=progress)
    try:
        return engine.run_once(max_pages=max_pages)
    finally:
        engine.close()
