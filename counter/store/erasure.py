"""Erasing a member HQ has forgotten (PIPL Art. 47), everywhere in the cache.

HQ's tombstone (``deleted``, or ``merged`` into a survivor) is the order. What the
counter holds about that person goes, in the transaction that applies the tombstone:

1. the member row keeps its id, status, ``merged_into`` and ``hq_seq`` (what the outbox,
   the points ledger and the write checkpoint refer to); every personal field is
   blanked and ``origin`` becomes ``erased``, the mark the rest of this module reads;
2. search keys, card bindings, consent records and care plans are deleted (a merge's
   cards arrive with the survivor's record, as HQ moved them; its plans are enrolled
   again for the survivor, docs/care.md);
3. complaints stay as records without the person: no customer name or phone (a merged
   member's complaints now belong to the survivor); audit rows keep ids, field names and
   figures, and lose any typed note;
4. operations HQ has answered (applied, rejected, superseded) keep ids and business
   figures only: the payload, HQ's answer and the problem's details lose every personal
   field, and the person's known values are starred out of free text. Pending ones are
   still sent as they are (HQ answers ``member_not_found``, or applies them to a merge's
   survivor) and are scrubbed when their answer is recorded (:func:`scrub_answered`).
   Scrubbed payloads carry ``"erased": true`` and are never sent again.

Members this counter merged into the erased one itself (a refused duplicate
registration, ``counter.sync.push``) are the same person and go the same way.

Deleted rows must not linger in free pages or the WAL: the cache runs with
``secure_delete`` (``counter.store.db``) so freed cells are zeroed, and every sync ends
by truncating the WAL (``outbox_health.purge_wal``). A cache written by a
version without this module is swept once, then vacuumed (:func:`sweep_once`). Copies
made before a migration are deleted after ``BACKUP_MAX_AGE`` (:func:`prune_backups`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

from counter.errors import KnownError
from counter.store.db import Database
from counter.store.outbox_health import purge_wal

log = logging.getLogger(__name__)

ERASED = "erased"  # members.origin of an erased row
# Set once tombstoned rows cached before erasure existed have been erased and vacuumed.
SWEEP_KEY = "erasure_sweep"
# A copy of the cache made before a schema migration (``counter.store.migrate.backup``)
# is for going back should the new version fail; after this long it only keeps people.
BACKUP_MAX_AGE = dt.timedelta(days=30)

# Keys whose values describe a person, wherever they sit in a payload, an answer or a
# problem's details. Free text (complaint descriptions, notes) goes too: the complaint
# record keeps its description; the operation's copy is not needed once answered.
PERSONAL_KEYS = frozenset(
    {
        "name", "phone", "email", "address", "birthday", "gender", "education", "income",
        "marital_status", "health", "customer_name", "customer_phone", "card_no",
        "replaces", "member_no", "member", "description", "wants", "note", "followup",
        "dismiss_note", "template",
    }
)  # fmt: skip

_BLANK_SQL = (
    "UPDATE members SET member_no = NULL, name = '', name_pinyin = '', name_initials = '', "
    "gender = '', birthday = NULL, phone = '', phone_rev = '', email = '', address = '', "
    "education = NULL, income = NULL, marital_status = NULL, tier = 'basic', points = 0, "
    "health_enc = NULL, allergy_alert = 0, points_expiring = '[]', recent_visits = '[]', "
    f"origin = '{ERASED}' WHERE id = ?"
)
_KV_SQL = "INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)"


def scrub(value: Any) -> Any:
    """``value`` without any personal key, at any depth."""
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items() if k not in PERSONAL_KEYS}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def personal_values(value: Any) -> set[str]:
    """The texts under personal keys (a name, a phone …), to star them out of free text."""
    found: set[str] = set()

    def walk(item: Any, personal: bool) -> None:
        if isinstance(item, dict):
            for k, v in item.items():
                walk(v, personal or k in PERSONAL_KEYS)
        elif isinstance(item, list):
            for v in item:
                walk(v, personal)
        elif personal and isinstance(item, str) and len(item.strip()) >= 2:
            found.add(item.strip())

    walk(value, False)
    return found


def star_out(text: str | None, values: Iterable[str]) -> str | None:
    if not text:
        return text
    for value in sorted(values, key=len, reverse=True):
        text = text.replace(value, "***")
    return text


def _chunks(ids: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _in(ids: list[str]) -> str:
    return ",".join("?" * len(ids))


def _loads(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def erase_members(raw: sqlite3.Connection, gone: Mapping[str, str | None]) -> int:
    """Erase these members (id → survivor of a merge, or None) in the caller's transaction.

    Returns how many cached member rows were erased. Rows need not be cached: operations
    and complaints naming the id are scrubbed all the same.
    """
    if not gone:
        return 0
    survivors = dict(gone)
    _add_merged_into(raw, survivors)
    ids = list(survivors)
    values: set[str] = set()
    for chunk in _chunks(ids):
        for row in raw.execute(
            f"SELECT name, phone, email, address FROM members WHERE id IN ({_in(chunk)})", chunk
        ):
            values.update(v for v in row if v and len(v) >= 2)
        values.update(
            r[0]
            for r in raw.execute(
                f"SELECT card_no FROM cards WHERE member_id IN ({_in(chunk)})", chunk
            )
        )
    erased = 0
    for member_id in ids:
        erased += raw.execute(_BLANK_SQL, (member_id,)).rowcount
    for chunk in _chunks(ids):
        marks = _in(chunk)
        raw.execute(f"DELETE FROM member_keys WHERE member_id IN ({marks})", chunk)
        raw.execute(f"DELETE FROM cards WHERE member_id IN ({marks})", chunk)
        raw.execute(f"DELETE FROM consents WHERE member_id IN ({marks})", chunk)
        # Care plans are health information about the person: they go, not to a survivor.
        raw.execute(f"DELETE FROM care_refill_marks WHERE member_id IN ({marks})", chunk)
        raw.execute(f"DELETE FROM care_tasks WHERE member_id IN ({marks})", chunk)
        raw.execute(f"DELETE FROM care_plans WHERE member_id IN ({marks})", chunk)
        raw.execute(f"DELETE FROM care_birthday_marks WHERE member_id IN ({marks})", chunk)
        raw.execute(
            "UPDATE complaints SET customer_name = '', customer_phone = '' "
            f"WHERE member_id IN ({marks})",
            chunk,
        )
    raw.executemany(
        "UPDATE complaints SET member_id = ? WHERE member_id = ?",
        [(to, member_id) for member_id, to in survivors.items() if to is not None],
    )
    raw.executemany(
        "UPDATE receipts SET member_id = ? WHERE member_id = ?",
        [(to, member_id) for member_id, to in survivors.items() if to is not None],
    )
    _scrub_audit(raw, ids)
    ops: list[str] = []
    for chunk in _chunks(ids):
        ops.extend(
            r[0]
            for r in raw.execute(
                f"SELECT op_id FROM outbox WHERE member_id IN ({_in(chunk)}) "
                "AND state <> 'pending'",
                chunk,
            )
        )
    _scrub_ops(raw, ops, values)
    if erased:
        log.info("erased %d member(s) as HQ asked; %d operation(s) scrubbed", erased, len(ops))
    return erased


def _scrub_audit(raw: sqlite3.Connection, ids: list[str]) -> None:
    """Audit rows keep who did what to which id; free text about the person goes (the
    services write ids, field names and figures, but a dismissal note is typed)."""
    for chunk in _chunks(ids):
        rows = raw.execute(
            f"SELECT id, details FROM audit_log WHERE member_id IN ({_in(chunk)})", chunk
        ).fetchall()
        fixed = []
        for audit_id, details_text in rows:
            details = _loads(details_text)
            if isinstance(details, dict) and set(details) & PERSONAL_KEYS:
                fixed.append((_dumps(scrub(details)), audit_id))
        raw.executemany("UPDATE audit_log SET details = ? WHERE id = ?", fixed)


def _add_merged_into(raw: sqlite3.Connection, survivors: dict[str, str | None]) -> None:
    """Add the rows this counter merged into an erased member: the same person.

    Those are local members whose registration HQ refused as ``phone_registered``
    (``counter.sync.repoint.repoint``); found through their rejected registrations (few, and
    indexed), since ``merged_into`` has no index and a million rows are no scan per page.
    HQ's own merges are tombstones of their own.
    """
    merged = dict(
        raw.execute(
            "SELECT m.id, m.merged_into FROM outbox o JOIN members m ON m.id = o.member_id "
            "WHERE o.state = 'rejected' AND o.type = 'member.register' "
            f"AND m.status = 'merged' AND m.origin <> '{ERASED}'"
        ).fetchall()
    )
    for _ in range(8):
        found = [m for m, into in merged.items() if into in survivors and m not in survivors]
        if not found:
            return
        for member_id in found:
            survivors[member_id] = survivors[merged[member_id]]


def erased_ids(raw: sqlite3.Connection, member_ids: Collection[str]) -> set[str]:
    """Which of these members are erased."""
    out: set[str] = set()
    ids = list(member_ids)
    for chunk in _chunks(ids):
        out.update(
            r[0]
            for r in raw.execute(
                f"SELECT id FROM members WHERE id IN ({_in(chunk)}) AND origin = '{ERASED}'",
                chunk,
            )
        )
    return out


def scrub_answered(raw: sqlite3.Connection, op_ids: Collection[str]) -> int:
    """Scrub the answered ones of these operations whose member is erased; returns how many."""
    ids = list(op_ids)
    found: list[str] = []
    for chunk in _chunks(ids):
        found.extend(
            r[0]
            for r in raw.execute(
                f"SELECT o.op_id FROM outbox o JOIN members m ON m.id = o.member_id "
                f"WHERE o.op_id IN ({_in(chunk)}) AND o.state <> 'pending' "
                f"AND m.origin = '{ERASED}'",
                chunk,
            )
        )
    if found:
        _scrub_ops(raw, found, set())
    return len(found)


def _scrub_ops(raw: sqlite3.Connection, op_ids: list[str], values: set[str]) -> None:
    """Outbox rows and their problems keep ids and figures only."""
    for chunk in _chunks(op_ids):
        rows = raw.execute(
            f"SELECT op_id, payload, result, last_error FROM outbox WHERE op_id IN ({_in(chunk)})",
            chunk,
        ).fetchall()
        problems = raw.execute(
            f"SELECT id, op_id, message, details FROM sync_problems WHERE op_id IN ({_in(chunk)})",
            chunk,
        ).fetchall()
        known: dict[str, set[str]] = {}
        updates = []
        for op_id, payload_text, result_text, last_error in rows:
            payload = _loads(payload_text)
            result = _loads(result_text)
            mine = values | personal_values(payload) | personal_values(result)
            known[op_id] = mine
            clean = scrub(payload) if isinstance(payload, dict) else {}
            clean["erased"] = True
            updates.append(
                (
                    _dumps(clean),
                    star_out(_dumps(scrub(result)), mine) if result is not None else None,
                    star_out(last_error, mine),
                    op_id,
                )
            )
        raw.executemany(
            "UPDATE outbox SET payload = ?, result = ?, last_error = ? WHERE op_id = ?", updates
        )
        fixed = []
        for problem_id, op_id, message, details_text in problems:
            details = _loads(details_text)
            mine = known.get(op_id, set()) | personal_values(details)
            clean = scrub(details) if isinstance(details, dict) else {}
            clean["erased"] = True
            fixed.append((star_out(message, mine) or "", star_out(_dumps(clean), mine), problem_id))
        raw.executemany("UPDATE sync_problems SET message = ?, details = ? WHERE id = ?", fixed)


# ---------------------------------------------------------------- the file itself


def sweep_once(db: Database) -> int:
    """Erase members tombstoned before this module existed, once, then VACUUM the file
    (free space written before ``secure_delete`` may still hold them).

    Returns how many rows were erased (0 once done).
    """
    with db.raw() as raw:
        row = raw.execute("SELECT value FROM kv WHERE key = ?", (SWEEP_KEY,)).fetchone()
    state = str(row[0]) if row is not None else ""
    if state == "done":
        return 0
    erased = 0
    if state != "vacuum":
        with db.bulk() as s:
            conn = s.connection().connection.dbapi_connection
            assert isinstance(conn, sqlite3.Connection)
            # Rows this counter merged itself (a refused duplicate registration) are not
            # HQ's erasures: they go when HQ forgets the member they were merged into.
            rows = conn.execute(
                "SELECT id, merged_into, status FROM members "
                "WHERE status <> 'active' AND origin = 'hq'"
            ).fetchall()
            erased = erase_members(conn, {r[0]: r[1] if r[2] == "merged" else None for r in rows})
            conn.execute(_KV_SQL, (SWEEP_KEY, "vacuum" if erased else "done"))
        if erased:
            log.info("cache swept: %d member(s) HQ had forgotten before were erased", erased)
        state = "vacuum" if erased else "done"
    if state == "vacuum":
        try:
            with db.raw() as raw:
                raw.execute("VACUUM")  # every page rewritten: nothing freed before remains
                raw.execute(_KV_SQL, (SWEEP_KEY, "done"))
        except (KnownError, sqlite3.Error) as exc:
            log.warning("VACUUM after the erasure sweep failed (%s); the next sync retries", exc)
        purge_wal(db)
    return erased


def prune_backups(db_path: Path, now: dt.datetime, max_age: dt.timedelta = BACKUP_MAX_AGE) -> int:
    """Delete the cache's pre-migration copies older than ``max_age``; returns how many."""
    removed = 0
    for path in db_path.parent.glob(f"{db_path.stem}.before-*.db"):
        stamp = path.name.rsplit(".", 2)[-2]
        try:
            made = dt.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
        except ValueError:
            continue  # not one of ours
        if now - made > max_age:
            try:
                path.unlink()
                removed += 1
            except OSError as exc:
                log.warning("could not delete the old cache copy %s: %s", path.name, exc)
    if removed:
        log.info(
            "%d cache copies made before a migration were older than %s: deleted", removed, max_age
        )
    return removed


def wipe_free_pages(raw: sqlite3.Connection) -> int:
    """Overwrite every page on the free list with zeros, in the caller's transaction.

    For frees made with ``secure_delete`` off to save time (the first sync's staging
    tables): a scratch table takes every free page (SQLite allocates from the free list
    first, and zeroes a page it hands out while ``secure_delete`` is on), then is dropped.
    Returns how many pages were free.
    """
    free = int(raw.execute("PRAGMA freelist_count").fetchone()[0])
    if not free:
        return 0
    size = int(raw.execute("PRAGMA page_size").fetchone()[0])
    raw.execute("PRAGMA secure_delete=ON")
    raw.execute("CREATE TABLE erasure_wipe (x BLOB)")
    raw.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
        "INSERT INTO erasure_wipe SELECT zeroblob(?) FROM n",
        (free * 2, size // 2 - 64),
    )
    raw.execute("DROP TABLE erasure_wipe")
    return free
