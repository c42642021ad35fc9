"""The first full sync's pipeline: pages shared between a worker process and the writer."""

from __future__ import annotations

import sqlite3

from sync_helpers import HQ, as_cached, cache_members, hq_members

from counter.sync import fastload
from counter.sync.engine import SyncEngine


def test_pages_prepared_by_the_writer_and_the_worker_make_the_same_cache(hq: HQ) -> None:
    hq.seed(330)
    c = hq.counter()
    # 7 pages: the first in the engine's thread, then every second one by the writer.
    engine = SyncEngine(c.ctx, page_limit=50, workers=1, local_every=2)
    report = engine.run_once()
    engine.close()
    assert report.ok, report.errors
    assert report.pulled_members == 330
    assert not fastload.active(c.ctx)
    assert cache_members(c.ctx) == as_cached(hq_members(c.ctx))


def test_the_finish_moves_rows_unchecked_but_every_reference_holds(hq: HQ) -> None:
    """Foreign keys are off while the staged keys and cards move, and on again after."""
    hq.seed(120)
    c = hq.counter()
    engine = SyncEngine(c.ctx, page_limit=50, workers=1)
    assert engine.run_once().ok
    engine.close()
    db = sqlite3.connect(c.ctx.db.path)
    try:
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        keys, cards = db.execute(
            "SELECT (SELECT count(*) FROM member_keys), (SELECT count(*) FROM cards)"
        ).fetchone()
        assert keys >= 120 and cards >= 120
    finally:
        db.close()
    # Every pooled connection checks foreign keys again (the finish used one of them).
    conns = [c.ctx.db.engine.raw_connection() for _ in range(6)]
    try:
        for conn in conns:
            assert conn.driver_connection.execute("PRAGMA foreign_keys").fetchone() == (1,)
    finally:
        for conn in conns:
            conn.close()
