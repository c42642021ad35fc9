"""The SQL behind the manager's figures (``counter.services.figures``): one aggregate each.

Every query reads the cache through one raw SQLite connection inside one read transaction,
so the page is a consistent snapshot. Times are compared as the cache stores them (RFC 3339
text in UTC, microseconds: ``counter.store.models.UTCDateTime``), which sort as times do;
store days are China time (``counter.rules.STORE_TZ``, UTC+8 all year), so a day bucket is
the UTC text shifted by eight hours. Each query reads a covering index
(migration ``0009_figures``): a month of 200,000 receipts is one range scan of an index.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter
from dataclasses import dataclass

from counter.privacy import district

# Age bands of the members served (age on the period's last day).
AGE_BANDS = ("0-17", "18-29", "30-39", "40-49", "50-59", "60-69", "70+", "unknown")
_STORE_OFFSET = "+8 hours"  # counter.rules.STORE_TZ; China keeps no summer time


def utc_text(moment: dt.datetime) -> str:
    """A bound the way ``UTCDateTime`` stores times, so text comparison orders by time."""
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


# Covering indexes of receipts (migration 0009_figures): by time, and by member.
BY_TIME, BY_MEMBER = "ix_receipts_figures_time", "ix_receipts_figures_member"


@dataclass(frozen=True)
class Sales:
    """Receipts that earned here in the period: gross sums; ``refunded_fen`` refunded since."""

    receipts: int
    total_fen: int
    self_paid_fen: int
    insurance_fen: int
    refunded_fen: int


def sales(conn: sqlite3.Connection, store: str, since: str, until: str) -> Sales:
    row = conn.execute(
        "SELECT count(*), coalesce(sum(total_fen), 0), coalesce(sum(self_paid_fen), 0),"
        " coalesce(sum(insurance_fen), 0), coalesce(sum(reversed_fen), 0)"
        f" FROM receipts INDEXED BY {BY_TIME}"
        " WHERE store_code = ? AND sold_at >= ? AND sold_at < ?",
        (store, since, until),
    ).fetchone()
    return Sales(*(int(v) for v in row))


@dataclass(frozen=True)
class Served:
    """The members who bought here in the period (a receipt is a visit), broken down."""

    active: int
    repeat: int
    by_tier: Counter[str]
    by_gender: Counter[str]
    by_age_band: Counter[str]
    by_district: Counter[str]

    def __add__(self, other: Served) -> Served:
        return Served(
            self.active + other.active, self.repeat + other.repeat,
            self.by_tier + other.by_tier, self.by_gender + other.by_gender,
            self.by_age_band + other.by_age_band, self.by_district + other.by_district,
        )  # fmt: skip


SPLIT_FROM = 1000  # receipts in a period before its members are counted in two halves


@dataclass(frozen=True)
class Part:
    """Which members' receipts one ``served`` call reads: an index, member ids low..high."""

    index: str
    low: str | None = None
    high: str | None = None


def plan(
    conn: sqlite3.Connection, store: str, since: str, until: str, period_receipts: int
) -> list[Part]:
    """How to read the period's receipts per member the cheapest, in one or two parts.

    Grouping by member needs the rows in member order: read by time, the period's rows
    are sorted (about three times the work per row of a plain scan); read by member, every
    receipt of the store is scanned but nothing sorted. When the period holds a third of
    the cache's receipts or more (a month in a cache that keeps a few), the scan wins, and
    the members are cut in two parts for two threads: the first (for the worker thread) up
    to the receipt two thirds of the way, the rest for the thread that also counts the other
    figures, so both finish at about the same time.
    """
    everything = conn.execute("SELECT coalesce(max(rowid), 0) FROM receipts").fetchone()[0]
    if period_receipts * 3 < everything or period_receipts < SPLIT_FROM:
        return [Part(BY_TIME if period_receipts * 3 < everything else BY_MEMBER)]
    middle = conn.execute(
        f"SELECT member_id FROM receipts INDEXED BY {BY_MEMBER} WHERE store_code = ?"
        " ORDER BY store_code, member_id LIMIT 1 OFFSET ?",
        (store, everything * 2 // 3),
    ).fetchone()
    if middle is None:
        return [Part(BY_MEMBER)]
    return [Part(BY_MEMBER, None, middle[0]), Part(BY_MEMBER, middle[0], None)]


TIERS = ("basic", "silver", "gold", "unknown")  # counter.contract.TIERS, then the rest
GENDERS = ("F", "M", "unknown")
_DISTRICT_SLOTS = 1_000_000  # district numbers below this; the rest of a key above it


def _code_sql(column: str, codes: tuple[str, ...]) -> str:
    """A text column as its index in ``codes`` (the last one for anything else, NULL too)."""
    whens = " ".join(f"WHEN '{code}' THEN {i}" for i, code in enumerate(codes[:-1]))
    return f"CASE {column} {whens} ELSE {len(codes) - 1} END"


def _band_sql(last_day: dt.date) -> tuple[str, dict[str, str]]:
    """The age band's index in AGE_BANDS by text comparisons of the birthday alone.

    Age on ``last_day`` is under N exactly when the birthday (YYYY-MM-DD) sorts after
    ``last_day`` N years earlier, written as text even when that day does not exist
    (29 February): (year, month, day) order is text order.
    """
    limits = (18, 30, 40, 50, 60, 70)
    cutoffs = {
        f"c{n}": f"{last_day.year - n:04d}-{last_day.month:02d}-{last_day.day:02d}" for n in limits
    }
    whens = " ".join(f"WHEN m.birthday > :c{n} THEN {i}" for i, n in enumerate(limits))
    unknown = AGE_BANDS.index("unknown")
    sql = f"CASE WHEN m.birthday IS NULL OR m.birthday = '' THEN {unknown} {whens} ELSE 6 END"
    return sql, cutoffs


def served(
    conn: sqlite3.Connection, store: str, since: str, until: str, last_day: dt.date,
    part: Part | None = None,
) -> Served:  # fmt: skip
    """Visits per member, joined once to the member rows, counted by tier, gender, age band
    and district together; only the grouped counts come back to Python.

    Each member's group is one integer (tier, gender and age band as small numbers, the
    district as its number from ``member_district``): grouping 100,000 members by one
    number costs half what four text columns do. The district is
    ``counter.privacy.district`` of the address (never the street). A receipt whose member
    is no longer cached (erased) still counts, under "unknown".
    """
    conn.create_function("member_district", 1, member_district, deterministic=True)
    band, cutoffs = _band_sql(last_day)
    tier, gender = _code_sql("m.tier", TIERS), _code_sql("m.gender", GENDERS)
    group = (
        f"((({tier}) * {len(GENDERS)} + ({gender})) * {len(AGE_BANDS)} + ({band}))"
        f" * {_DISTRICT_SLOTS} + member_district(m.address)"
    )
    part = part or Part(BY_TIME)
    members = "".join(
        (
            " AND member_id >= :low" if part.low is not None else "",
            " AND member_id < :high" if part.high is not None else "",
        )
    )
    rows = conn.execute(
        f"SELECT {group}, count(*), sum(v.n >= 2)"
        f" FROM (SELECT member_id, count(*) AS n FROM receipts INDEXED BY {part.index}"
        f"       WHERE store_code = :store{members} AND sold_at >= :since AND sold_at < :until"
        "       GROUP BY member_id) v"
        " LEFT JOIN members m ON m.id = v.member_id"
        " GROUP BY 1",
        {
            "store": store, "since": since, "until": until, "low": part.low,
            "high": part.high, **cutoffs,
        },
    ).fetchall()  # fmt: skip
    tiers: Counter[str] = Counter()
    genders: Counter[str] = Counter()
    bands: Counter[str] = Counter()
    districts: Counter[str] = Counter()
    active = repeat = 0
    for key, count, again in rows:
        rest, place = divmod(key, _DISTRICT_SLOTS)
        rest, age_band = divmod(rest, len(AGE_BANDS))
        tier_code, gender_code = divmod(rest, len(GENDERS))
        active += count
        repeat += again or 0
        tiers[TIERS[tier_code]] += count
        genders[GENDERS[gender_code]] += count
        bands[AGE_BANDS[age_band]] += count
        districts[_DISTRICT_NAMES[place] or "unknown"] += count
    return Served(active, repeat, tiers, genders, bands, districts)


# Each address seen, with its district's number, for the life of the process: a pure
# function of the text, so never stale; a busy month asks for 100,000 of them, and the
# regular expressions are most of the page's cost the first time (docs/benchmarks.md).
_ADDRESSES: dict[str, int] = {}
_ADDRESSES_MAX = 300_000
_DISTRICT_NUMBERS: dict[str, int] = {"": 0}
_DISTRICT_NAMES: list[str] = [""]


def member_district(address: str | None) -> int:
    """The number of ``counter.privacy.district(address)`` (0: none), remembered."""
    if not address:
        return 0
    number = _ADDRESSES.get(address)
    if number is None:
        if len(_ADDRESSES) >= _ADDRESSES_MAX:
            _ADDRESSES.clear()
        name = district(address)
        number = _DISTRICT_NUMBERS.get(name)
        if number is None:
            if len(_DISTRICT_NAMES) >= _DISTRICT_SLOTS:  # never, in a real country
                return 0
            number = _DISTRICT_NUMBERS[name] = len(_DISTRICT_NAMES)
            _DISTRICT_NAMES.append(name)
        _ADDRESSES[address] = number
    return number


def registrations_by_day(
    conn: sqlite3.Connection, store: str, since: str, until: str
) -> dict[dt.date, int]:
    """Members this counter registered, by store day (its own ``member.register`` ops).

    The cache keeps no home store for a member HQ sent, so "registered here" is what this
    counter's outbox holds: every registration made here, less those HQ refused and those
    replaced by a retry (counted once, as the retry).
    """
    rows = conn.execute(
        f"SELECT date(created_at, '{_STORE_OFFSET}'), count(*) FROM outbox"
        " WHERE type = 'member.register' AND store_code = ? AND created_at >= ?"
        " AND created_at < ? AND state NOT IN ('rejected', 'superseded') GROUP BY 1",
        (store, since, until),
    ).fetchall()
    return {dt.date.fromisoformat(day): int(n) for day, n in rows}


@dataclass(frozen=True)
class PointsKind:
    """Entries of one ledger kind booked here in the period; ``points`` is signed."""

    kind: str
    entries: int
    points: int


def points_by_kind(
    conn: sqlite3.Connection, store: str, since: str, until: str
) -> list[PointsKind]:
    """Every kind the ledger holds (earn, redeem, reverse, award…), so new kinds show up."""
    rows = conn.execute(
        "SELECT kind, count(*), coalesce(sum(delta), 0) FROM points_entries"
        " WHERE store_code = ? AND created_at >= ? AND created_at < ? AND state <> 'rejected'"
        " GROUP BY kind ORDER BY kind",
        (store, since, until),
    ).fetchall()
    return [PointsKind(kind, int(n), int(points)) for kind, n, points in rows]


@dataclass(frozen=True)
class RewardsTaken:
    """Redemptions booked here in the period for one reward code (None: none named)."""

    code: str | None
    redemptions: int
    quantity: int
    points: int


def rewards_by_code(
    conn: sqlite3.Connection, store: str, since: str, until: str
) -> list[RewardsTaken]:
    """What the ``points.redeem`` ops of this counter took, by reward (their payloads name
    it since contract 1.1; older ones and those without a reward count as one item each).
    Refused ops and ops replaced by their retry do not count."""
    rows = conn.execute(
        "SELECT CASE WHEN json_valid(payload) THEN json_extract(payload, '$.reward') END,"
        " count(*),"
        " sum(coalesce(CASE WHEN json_valid(payload) THEN json_extract(payload, '$.quantity')"
        "     END, 1)),"
        " sum(coalesce(CASE WHEN json_valid(payload) THEN json_extract(payload, '$.points')"
        "     END, 0))"
        " FROM outbox WHERE type = 'points.redeem' AND store_code = ? AND created_at >= ?"
        " AND created_at < ? AND state NOT IN ('rejected', 'superseded') GROUP BY 1",
        (store, since, until),
    ).fetchall()
    taken = [RewardsTaken(code, int(n), int(q or 0), int(p or 0)) for code, n, q, p in rows]
    return sorted(taken, key=lambda r: (r.code is None, -r.quantity, r.code or ""))


@dataclass(frozen=True)
class Care:
    """Care-plan tasks (DESIGN §12): done in the period by outcome, and open past their day."""

    done: dict[str, int]
    overdue: int


def care_tasks(conn: sqlite3.Connection, since: str, until: str, today: dt.date) -> Care:
    """Tasks of the care plans enrolled at this counter. "Overdue" is now, not the period's:
    open tasks due before today, as the work list (F9) counts them."""
    done = conn.execute(
        "SELECT coalesce(outcome, ''), count(*) FROM care_tasks"
        " WHERE status = 'done' AND done_at >= ? AND done_at < ? GROUP BY 1",
        (since, until),
    ).fetchall()
    overdue = conn.execute(
        "SELECT count(*) FROM care_tasks WHERE status = 'open' AND due_on < ?",
        (today.isoformat(),),
    ).fetchone()[0]
    return Care({outcome: int(n) for outcome, n in done}, int(overdue))
