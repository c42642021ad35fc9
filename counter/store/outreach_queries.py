"""The SQL behind the outreach lists (DESIGN §12), over ``outreach_members``.

That table holds one narrow row per member whose *latest* ``marketing`` consent recorded
at this counter is a grant and who is active (a withdrawal, an erasure or a merge takes
the row away); triggers keep it in step in the transaction of every write (migration
0010_outreach). Health information is in no column: it selects nobody for marketing
(PIPL Art. 29).

Two facts are derived per member, both from this cache and nothing else:

- ``joined``: when this counter registered the member (its ``member.register`` operation).
  HQ's member records carry no registration date, and ``members.created_at`` is when this
  cache first held the member (a first full sync makes that "today" for the whole chain),
  so members registered at other stores have no ``joined`` here.
- ``last_seen``: the latest of this counter's ledger entries for the member (every earn,
  redemption and refund; ``earn_points`` writes its ``receipts`` row in the same
  transaction as the earn's entry, so the receipts table would add no date the ledger
  lacks), HQ's newest recent visit (purchases at any store of the chain, as HQ last sent
  them) and the marketing consent itself (recorded with the member at the counter).

Times are UTC text of 26 characters (``YYYY-MM-DDTHH:MM:SS.ffffff``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass

BY_MEMBER_NO, BY_BIRTHDAY, BY_JOINED, BY_LAST_SEEN = "member_no", "birthday", "joined", "seen"
_ORDER = {
    BY_MEMBER_NO: "o.member_no, o.member_id",
    # The window's days from today to 31 December first, then those from 1 January.
    BY_BIRTHDAY: "o.birth_md < ?, o.birth_md, o.member_no, o.member_id",
    BY_JOINED: "o.joined DESC, o.member_no, o.member_id",
    BY_LAST_SEEN: "o.last_seen DESC, o.member_no, o.member_id",
}


@dataclass(frozen=True)
class Criteria:
    """What the SQL narrows and orders by (the service turns a list's filter into this)."""

    tier: str = ""
    district: str = ""
    # Birthdays whose "MM-DD" is one of these, ordered from ``from_month_day`` on.
    month_days: tuple[str, ...] = ()
    from_month_day: str = ""
    joined_since: str = ""  # 26-character UTC text
    seen_before: str = ""
    order: str = BY_MEMBER_NO


# (id, member_no, name, phone, tier, birthday, address, joined, last_seen)
Detail = tuple[str, str | None, str, str, str, str | None, str, str | None, str]


def _where(c: Criteria) -> tuple[str, list[object]]:
    where: list[str] = []
    params: list[object] = []
    if c.tier:
        where.append("o.tier = ?")
        params.append(c.tier)
    if c.district:
        where.append("o.district = ?")
        params.append(c.district)
    if c.month_days:
        where.append(f"o.birth_md IN ({', '.join('?' for _ in c.month_days)})")
        params.extend(c.month_days)
    if c.joined_since:
        where.append("o.joined >= ?")
        params.append(c.joined_since)
    if c.seen_before:
        where.append("o.last_seen < ?")
        params.append(c.seen_before)
    return (" WHERE " + " AND ".join(where) if where else ""), params


def count(conn: sqlite3.Connection, c: Criteria) -> int:
    where, params = _where(c)
    row = conn.execute(f"SELECT count(*) FROM outreach_members o{where}", params).fetchone()
    return int(row[0])


def listed_ids(conn: sqlite3.Connection, c: Criteria, limit: int = -1) -> list[str]:
    """The ids of the first ``limit`` listed members in the list's order (-1: all)."""
    where, params = _where(c)
    if c.order == BY_BIRTHDAY:
        params.append(c.from_month_day)
    params.append(limit)
    sql = f"SELECT o.member_id FROM outreach_members o{where} ORDER BY {_ORDER[c.order]} LIMIT ?"
    return [r[0] for r in conn.execute(sql, params)]


def details(conn: sqlite3.Connection, ids: Sequence[str]) -> list[Detail]:
    """The listed members' rows, in the order of ``ids`` (a few hundred at a time)."""
    if not ids:
        return []
    sql = (
        "SELECT m.id, m.member_no, m.name, m.phone, m.tier, m.birthday, m.address, o.joined, "
        "o.last_seen FROM outreach_members o JOIN members m ON m.id = o.member_id "
        f"WHERE o.member_id IN ({', '.join('?' for _ in ids)})"
    )
    found = {row[0]: row for row in conn.execute(sql, list(ids))}
    return [found[i] for i in ids if i in found]


def districts(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """Each district of the members who may be contacted, with how many, most first."""
    return conn.execute(
        "SELECT district, count(*) AS n FROM outreach_members WHERE district != '' "
        "GROUP BY district ORDER BY n DESC, district"
    ).fetchall()


def stale_districts(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT 1 FROM outreach_members WHERE district IS NULL LIMIT 1")
    return row.fetchone() is not None


def read_districts(conn: sqlite3.Connection, reading: Callable[[str], str]) -> int:
    """Fill in the districts not read yet from the addresses (in the caller's write
    transaction); how many were read."""
    rows = conn.execute(
        "SELECT o.member_id, m.address FROM outreach_members o "
        "JOIN members m ON m.id = o.member_id WHERE o.district IS NULL"
    ).fetchall()
    conn.executemany(
        "UPDATE outreach_members SET district = ? WHERE member_id = ?",
        [(reading(address or ""), mid) for mid, address in rows],
    )
    return len(rows)
