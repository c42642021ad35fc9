"""A first full sync into an empty cache, without maintaining B-trees row by row.

Inserting a million members into tables with seven secondary indexes (name, pinyin,
initials, phone, reversed phone, card holder, search-key holder) costs more than the
rows themselves: each index is a B-tree updated at a random place per row, and every
transaction rewrites each page it touched. Building an index once over the finished
table is a sort, far cheaper. The same goes for the two tables whose keys arrive in no
useful order, search keys and cards: during the download their rows are appended to
plain staging tables and moved into place, sorted, at the end.

So the first sync into an empty cache drops the secondary indexes and creates the
staging tables (with the flag ``fastload`` in ``kv``, all in one transaction), and the
end of the download fills the real tables and builds the indexes again from the
models' own definitions (one transaction). A sync killed in between finds the flag and
finishes the job at the end of its own download; until then searches by card or by
initials find nothing and the rest is slower, which is what an unfinished first sync
means anyway. Primary keys and unique constraints stay: they decide what an upsert does.
"""

from __future__ import annotations

import logging
import sqlite3
import time

from sqlalchemy import Index, text
from sqlalchemy.orm import Session

from counter.services.config import kv_get, kv_set
from counter.services.context import ServiceContext
from counter.store.erasure import wipe_free_pages
from counter.store.models import Base, Card, Member, MemberKey

log = logging.getLogger(__name__)

FLAG_KEY = "fastload"
KEYS_STAGE = "member_keys_load"
CARDS_STAGE = "cards_load"
# A bigger page cache while the download runs (KiB, as PRAGMA cache_size takes it).
CACHE_KIB = 65536
DEFAULT_CACHE_KIB = 2000
CHECKPOINT_PAGES = 16384  # 64 MiB of WAL (SQLite's default: 1000 pages)


def _indexes() -> list[Index]:
    found: list[Index] = []
    for name in (Member.__tablename__, Card.__tablename__, MemberKey.__tablename__):
        found.extend(i for i in Base.metadata.tables[name].indexes if not i.unique)
    return sorted(found, key=lambda i: str(i.name))


def cache_is_empty(ctx: ServiceContext) -> bool:
    with ctx.db.read() as s:
        return s.execute(text("SELECT 1 FROM members LIMIT 1")).first() is None


def active(ctx: ServiceContext) -> bool:
    with ctx.db.read() as s:
        return kv_get(s, FLAG_KEY) == "1"


def begin(ctx: ServiceContext) -> bool:
    """Drop the secondary indexes, create the staging tables; True: the fast path is on."""
    with ctx.db.write() as s:
        for index in _indexes():
            s.execute(text(f'DROP INDEX IF EXISTS "{index.name}"'))
        s.execute(text(f"CREATE TABLE IF NOT EXISTS {KEYS_STAGE} (key TEXT, member_id TEXT)"))
        s.execute(
            text(
                f"CREATE TABLE IF NOT EXISTS {CARDS_STAGE} (card_no TEXT, member_id TEXT, "
                "status TEXT, valid_until TEXT, bound_at TEXT)"
            )
        )
        kv_set(s, FLAG_KEY, "1")
    log.info("first full sync into an empty cache: indexes dropped and rows staged until the end")
    return True


def tune(session: Session, on: bool = True) -> None:
    """While the download runs: a bigger page cache, and the WAL checkpointed less often
    (fewer, larger copies into the database file; each one ends with an fsync)."""
    session.execute(text(f"PRAGMA cache_size=-{CACHE_KIB if on else DEFAULT_CACHE_KIB}"))
    session.execute(text(f"PRAGMA wal_autocheckpoint={CHECKPOINT_PAGES if on else 1000}"))


def finish(ctx: ServiceContext) -> None:
    """Move the staged rows into place, sorted; build the indexes; clear the flag.

    One transaction, idempotent: a sync killed in the middle of it simply does it again.
    """
    started = time.perf_counter()
    # Each staged key and card was built from the record of a member written in the same
    # transaction, and a first sync deletes no member: every reference holds by
    # construction. Checking them anyway is a look-up per row in no useful order (about
    # 5 s of the finish with 1.5 million keys and a million cards).
    with ctx.db.bulk(foreign_keys=False) as s:
        conn = s.connection()
        s.execute(
            text(
                f"INSERT OR IGNORE INTO member_keys (key, member_id) "
                f"SELECT key, member_id FROM {KEYS_STAGE} ORDER BY key, member_id"
            )
        )
        # A card seen twice (moved during the download): the later row wins.
        s.execute(
            text(
                f"INSERT OR REPLACE INTO cards (card_no, member_id, status, valid_until, bound_at) "
                f"SELECT card_no, member_id, status, valid_until, bound_at FROM {CARDS_STAGE} "
                "ORDER BY card_no, rowid"
            )
        )
        moved = time.perf_counter()
        # Not zeroed as they are freed (secure_delete would write ~150 MB more for a
        # million members): the indexes built next take most of these pages back from the
        # free list, and whatever they leave is wiped after them.
        s.execute(text("PRAGMA secure_delete=OFF"))
        s.execute(text(f"DROP TABLE IF EXISTS {KEYS_STAGE}"))
        s.execute(text(f"DROP TABLE IF EXISTS {CARDS_STAGE}"))
        s.execute(text("PRAGMA secure_delete=ON"))
        dropped = time.perf_counter()
        for index in _indexes():
            index.create(conn, checkfirst=True)
        raw = conn.connection.dbapi_connection
        assert isinstance(raw, sqlite3.Connection)
        wiped = wipe_free_pages(raw)
        indexed = time.perf_counter()
        kv_set(s, FLAG_KEY, "")
        tune(s, on=False)
    done = time.perf_counter()
    log.info(
        "first sync finished: rows moved in %.1f s, staging dropped in %.1f s, indexes built "
        "(and %d free pages wiped) in %.1f s, committed in %.1f s",
        moved - started,
        dropped - moved,
        wiped,
        indexed - dropped,
        done - indexed,
    )
