"""Realistic, deterministic member data for demos, tests and benchmarks.

Same seed, same rows, byte for byte: every value comes from random generators seeded from
(seed, chunk number), and times from fixed base dates, never the clock. Per-chunk seeding
also lets other processes generate chunks while this one inserts, with the same result.

Speed (1,000,000 members in well under a minute on two cores) comes from: pinyin composed
from a per-character table built once, unique phones from a permutation (no "seen" set),
dates written as the text SQLite stores, generation in worker processes, ``executemany`` in
one transaction with ``synchronous=OFF``, and secondary indexes built after the data is in.
The whole seed is one transaction: it lands completely or not at all (Ctrl+C included).
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
import itertools
import json
import logging
import marshal
import math
import multiprocessing
import os
import random
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Index, delete, func, insert, select
from sqlalchemy.engine import Connection

from counter import names
from counter.codes import make_card_no
from hq import seed_data as data
from hq.db import EngineOrURL, engine_scope, init_db, lock_seq, renew_epoch, set_seq
from hq.errors import SeedRefusedError
from hq.health_seal import key_bytes, seal
from hq.models import (
    EDUCATION_LEVELS,
    INCOME_BANDS,
    MEMBER_NO_BASE,
    SEQ_CHANGES,
    SEQ_MEMBER_NO,
    Base,
    Card,
    Member,
    PointsEntry,
)
from hq.records import expiring_points
from hq.times import utcnow

CHUNK = 20_000  # part of the determinism: rows depend on (seed, chunk number, position)
MAX_MEMBERS = 100_000_000  # phones come from a permutation of 10^8 numbers
_HALF = 10_000  # a phone's 8-digit body is two halves of 4 digits
_PHONE_ROUNDS = 4
PARALLEL_FROM = 200_000  # below this, starting worker processes is not worth it
# Generating a member costs about twice what inserting it does, so workers (at most one
# per core, and 3 keep even a fast inserter fed) plus the inserter keep every core busy.
MAX_WORKERS = 3
CARD_PREFIX = "8860"
JOINED_FROM = dt.datetime(2016, 1, 1)  # naive UTC: the data never depends on "now"
JOINED_UNTIL = dt.datetime(2025, 12, 31, 23, 59, 59)
_UNIX = dt.datetime(1970, 1, 1)
_UNIX_UTC = _UNIX.replace(tzinfo=dt.UTC)
_EPOCH_DAY = _UNIX.date()
_SPAN_MS = int((JOINED_UNTIL - JOINED_FROM).total_seconds() * 1000)
_FROM_MS = int((JOINED_FROM - _UNIX).total_seconds() * 1000)
# Tables a --reset keeps: who the stores are, the signing keys, and the sequence, epoch and
# config rows (the sequences restart and the epoch is renewed instead).
KEPT_ON_RESET = frozenset({"stores", "meta", "sequences", "signing_keys"})

MEMBER_COLUMNS = (
    "id", "member_no", "name", "name_pinyin", "name_initials", "gender", "birthday", "phone",
    "email", "address", "education", "income", "marital_status", "tier", "points", "health",
    "health_consent", "status", "merged_into", "seq", "created_at", "updated_at", "record",
)  # fmt: skip
CARD_COLUMNS = ("card_no", "member_id", "status", "valid_until", "bound_at")
LEDGER_COLUMNS = ("member_id", "delta", "kind", "earned_on", "created_at")

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
# (member rows, card rows, points ledger rows) of one chunk, as tuples in column order
Chunk = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]


@dataclass(frozen=True)
class SeedReport:
    members: int
    cards: int
    seconds: float
    seed: int

    @property
    def rows(self) -> int:
        return self.members + self.cards

    @property
    def members_per_second(self) -> float:
        return self.members / self.seconds if self.seconds > 0 else math.inf

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else math.inf


# ---------------------------------------------------------------- generation


def _cum(weights: Sequence[float]) -> list[float]:
    return list(itertools.accumulate(weights))


class _Tables:
    """Everything derived from the pools once per process: cumulative weights, pinyin."""

    def __init__(self) -> None:
        # (text, pinyin, initials) of every surname and given-name character. The pinyin of
        # a whole name is its characters' pinyin joined (names.full_pinyin and
        # names.initials work per character), so joining these is exactly what the counter
        # computes, without calling pypinyin per member.
        def spelled(text: str) -> tuple[str, str, str]:
            return text, names.full_pinyin(text), names.initials(text)

        self.surnames = [spelled(s) for s, _ in data.SURNAMES]
        self.surname_cum = _cum([w for _, w in data.SURNAMES])
        self.given = {key: [spelled(c) for c in chars] for key, chars in data.GIVEN_CHARS.items()}
        self.birthdays: dict[int, tuple[dt.date, str]] = {}
        # (first day as an ordinal, number of days) of each birth-year band
        self.birth_bands = [
            (dt.date(a, 1, 1).toordinal(), (dt.date(b, 12, 31) - dt.date(a, 1, 1)).days + 1)
            for a, b, _ in data.BIRTH_BANDS
        ]
        self.birth_cum = _cum([w for _, _, w in data.BIRTH_BANDS])
        self.prefixes = [p for p, _ in data.MOBILE_PREFIXES]
        self.prefix_cum = _cum([w for _, w in data.MOBILE_PREFIXES])
        # per city, its districts with province and city in front ("上海市浦东新区")
        self.places = [
            [(c if p == c else p + c) + d for d in districts] for p, c, districts, _ in data.PLACES
        ]
        self.place_cum = _cum([w for *_, w in data.PLACES])
        self.domains = [d for d, _ in data.EMAIL_DOMAINS]
        self.domain_cum = _cum([w for _, w in data.EMAIL_DOMAINS])
        self.allergies = [a for a, _ in data.ALLERGIES]
        self.allergy_cum = _cum([w for _, w in data.ALLERGIES])
        self.chronic = [c for c, _, _ in data.CHRONIC]
        self.chronic_cum = _cum([w for _, w, _ in data.CHRONIC])
        self.medicines = {c: meds for c, _, meds in data.CHRONIC}
        health_words = [*self.allergies, *self.chronic, *itertools.chain(*self.medicines.values())]
        self.quoted = {w: json.dumps(w, ensure_ascii=False) for w in health_words}
        self.chronic_years = [y for y, _ in data.CHRONIC_CHANCE_BY_BIRTH]
        self.chronic_chance = [p for _, p in data.CHRONIC_CHANCE_BY_BIRTH]
        self.tiers = [t for t, _ in data.TIER_WEIGHTS]
        self.tier_cum = _cum([w for _, w in data.TIER_WEIGHTS])
        self.education_cum = _cum(data.EDUCATION_WEIGHTS)
        self.income_cum = _cum(data.INCOME_WEIGHTS)


_TABLES: _Tables | None = None


def _tables() -> _Tables:
    global _TABLES
    if _TABLES is None:
        _TABLES = _Tables()
    return _TABLES


@dataclass(frozen=True)
class SeedPlan:
    """What all chunks of one seed run share, derived from the seed alone (and n, bases)."""

    seed: int
    n: int
    seq_base: int
    member_no_base: int
    # round functions of a Feistel permutation of 0..10^8-1 (see phone_body)
    phone_rounds: tuple[tuple[int, ...], ...]
    card_base: int
    # True: dates and times as the text SQLAlchemy's SQLite types store (for raw inserts);
    # False: date and aware datetime objects (for SQLAlchemy Core on any database).
    sqlite_text: bool
    # Seeded balances count as earned on 31 December of this year (one opening entry in
    # the points ledger), so they expire at the end of the year after it: by default the
    # year before seeding, which makes them "expiring soon" in a demo.
    opening_year: int = 2025
    # HQ's health key (hq.health_seal): health is written sealed with it; empty: in clear.
    health_key: bytes = b""

    @classmethod
    def make(
        cls,
        seed: int,
        n: int,
        seq_base: int,
        member_no_base: int,
        sqlite_text: bool,
        opening_year: int | None = None,
    ) -> SeedPlan:
        rng = random.Random(f"hq-seed:{seed}")
        rounds = tuple(
            tuple(rng.randrange(_HALF) for _ in range(_HALF)) for _ in range(_PHONE_ROUNDS)
        )
        return cls(
            seed=seed,
            n=n,
            seq_base=seq_base,
            member_no_base=member_no_base,
            phone_rounds=rounds,
            card_base=rng.randrange(10**9, 10**10),
            sqlite_text=sqlite_text,
            opening_year=utcnow().year - 1 if opening_year is None else opening_year,
        )

    def phone_body(self, i: int) -> str:
        """Eight digits, a permutation of i on [0, 10^8): unique by construction.

        A Feistel network over two 4-digit halves is a bijection whatever its round
        functions are, so random tables make the numbers look random without a "seen" set.
        """
        left, right = divmod(i, _HALF)
        for table in self.phone_rounds:
            left, right = right, (left + table[right]) % _HALF
        return f"{left:04d}{right:04d}"


@functools.lru_cache(maxsize=8192)
def _day_text(day: int) -> str:
    return (_EPOCH_DAY + dt.timedelta(days=day)).isoformat()


def _stamp(ms: int) -> str:
    """Milliseconds since 1970 (UTC) as SQLAlchemy's SQLite DATETIME stores them.

    ``2016-01-01 00:00:01.634000``; a test checks the fast path against the ORM's own.
    """
    day, rest = divmod(ms, 86_400_000)
    hour, rest = divmod(rest, 3_600_000)
    minute, rest = divmod(rest, 60_000)
    second, milli = divmod(rest, 1000)
    return f"{_day_text(day)} {hour:02d}:{minute:02d}:{second:02d}.{milli:03d}000"


def _quoted(code: str | None) -> str:
    return "null" if code is None else f'"{code}"'


def _rfc3339_ms(ms: int) -> str:
    """Milliseconds since 1970 as the record's ``updated_at`` (``hq.times.rfc3339``)."""
    day, rest = divmod(ms, 86_400_000)
    hour, rest = divmod(rest, 3_600_000)
    minute, rest = divmod(rest, 60_000)
    second, milli = divmod(rest, 1000)
    return f"{_day_text(day)}T{hour:02d}:{minute:02d}:{second:02d}.{milli:03d}Z"


def _uuid7_text(ms: int, rand74: int) -> str:
    """A UUIDv7 from a given time and given random bits (counter.ids.uuid7 draws its own)."""
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= (rand74 >> 62) << 64
    value |= 0b10 << 62
    value |= rand74 & ((1 << 62) - 1)
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _pick(rnd: Callable[[], float], items: Sequence[Any], cum: Sequence[float]) -> Any:
    """A weighted choice: ``random.choices`` for one item, without its per-call overhead."""
    return items[bisect.bisect_right(cum, rnd() * cum[-1])]


def _health(rnd: Callable[[], float], t: _Tables, birth_year: int) -> str | None:
    allergies: list[str] = []
    chronic: list[str] = []
    medicines: list[str] = []
    if rnd() < data.ALLERGY_CHANCE:
        count = 1 if rnd() < 0.8 else 2
        while len(allergies) < count:
            allergy = _pick(rnd, t.allergies, t.allergy_cum)
            if allergy not in allergies:
                allergies.append(allergy)
    if rnd() < t.chronic_chance[bisect.bisect_right(t.chronic_years, birth_year)]:
        roll = rnd()
        count = 1 if roll < 0.65 else 2 if roll < 0.9 else 3
        while len(chronic) < count:
            condition = _pick(rnd, t.chronic, t.chronic_cum)
            if condition in chronic:
                continue
            chronic.append(condition)
            fitting = [
                m for m in t.medicines[condition] if data.MEDICINE_ALLERGENS.get(m) not in allergies
            ]
            for _ in range(1 if rnd() < 0.6 else 2):
                if fitting:
                    medicines.append(fitting.pop(int(rnd() * len(fitting))))
    if not allergies and not chronic:
        return None
    # What json.dumps(..., ensure_ascii=False, separators=(",", ":")) writes, a few times
    # faster: the items come from fixed pools and are quoted once, in _Tables.
    q = t.quoted
    return (
        f'{{"allergies":[{",".join([q[a] for a in allergies])}],'
        f'"chronic":[{",".join([q[c] for c in chronic])}],'
        f'"medicines":[{",".join([q[m] for m in medicines])}]}}'
    )


def _address(rnd: Callable[[], float], districts: list[str]) -> str:
    district = districts[int(rnd() * len(districts))]
    street = data.STREETS[int(rnd() * len(data.STREETS))]
    text = f"{district}{street}{1 + int(rnd() * 999)}号"
    if rnd() < 0.7:
        community = data.COMMUNITIES[int(rnd() * len(data.COMMUNITIES))]
        building, unit = 1 + int(rnd() * 30), 1 + int(rnd() * 4)
        floor, room = 1 + int(rnd() * 28), 1 + int(rnd() * 4)
        text += f"{community}{building}栋{unit}单元{floor}{room:02d}室"
    return text


def _email(rnd: Callable[[], float], t: _Tables, pinyin: str) -> str:
    domain = _pick(rnd, t.domains, t.domain_cum)
    if domain == "qq.com" and rnd() < 0.6:
        return f"{10_000_000 + int(rnd() * 3_000_000_000)}@qq.com"
    suffix = "" if rnd() < 0.3 else str(1 + int(rnd() * 9999))
    return f"{pinyin}{suffix}@{domain}"


def _points(rng: random.Random, tier: str) -> int:
    if tier == "basic" and rng.random() < 0.12:
        return 0  # joined, never bought anything
    mu, sigma = data.POINTS_LOGNORMAL[tier]
    return min(data.MAX_POINTS, int(math.exp(mu + sigma * rng.gauss())))  # lognormal


def _marital(rnd: Callable[[], float], birth_year: int) -> str:
    roll = rnd()
    if birth_year >= 1998:
        return "single" if roll < 0.85 else "married"
    if birth_year < 1955:
        return "widowed" if roll < 0.3 else "married"
    return "married" if roll < 0.78 else "single" if roll < 0.9 else "divorced"


def generate_chunk(plan: SeedPlan, chunk: int) -> Chunk:
    """Member and card rows of chunk number ``chunk``, as tuples in column order."""
    t = _tables()
    rng = random.Random(f"hq-seed:{plan.seed}:chunk:{chunk}")
    rnd = rng.random
    start = chunk * CHUNK
    count = min(CHUNK, plan.n - start)
    members: list[tuple[Any, ...]] = []
    cards: list[tuple[Any, ...]] = []
    ledger: list[tuple[Any, ...]] = []
    if count <= 0:
        return members, cards, ledger
    aes = AESGCM(plan.health_key) if plan.health_key else None
    # Whole columns at once where the draw needs no other column.
    genders = rng.choices("FM", k=count)
    surnames = rng.choices(t.surnames, cum_weights=t.surname_cum, k=count)
    bands = rng.choices(t.birth_bands, cum_weights=t.birth_cum, k=count)
    prefixes = rng.choices(t.prefixes, cum_weights=t.prefix_cum, k=count)
    places = rng.choices(t.places, cum_weights=t.place_cum, k=count)
    tiers = rng.choices(t.tiers, cum_weights=t.tier_cum, k=count)
    # Hot loop: everything it touches is a local.
    step = _SPAN_MS / plan.n
    end_ms = _FROM_MS + _SPAN_MS
    given_pools, birthdays = t.given, t.birthdays
    text = plan.sqlite_text
    phone_body, card_base = plan.phone_body, plan.card_base
    member_no_base, seq_base = plan.member_no_base + 1, plan.seq_base + 1
    classic_before, two_char = data.CLASSIC_BEFORE_YEAR, data.TWO_CHAR_GIVEN_SHARE
    profile_share, email_share = data.PROFILE_SHARE, data.EMAIL_SHARE
    opening_day = dt.date(plan.opening_year, 12, 31)
    opening_expiry = expiring_points([(1, opening_day)])[0]["expires_on"]
    if text:
        opening_on: Any = opening_day.isoformat()
        opening_at: Any = f"{opening_on} 00:00:00.000000"
    else:
        opening_on = opening_day
        opening_at = dt.datetime(plan.opening_year, 12, 31, tzinfo=dt.UTC)
    for j in range(count):
        i = start + j
        gender = genders[j]
        first_day, days = bands[j]
        ordinal = first_day + int(rnd() * days)
        known = birthdays.get(ordinal)
        if known is None:
            day = dt.date.fromordinal(ordinal)
            known = birthdays[ordinal] = (day, day.isoformat())
        birthday, birthday_text = known
        year = birthday.year
        pool = given_pools[(gender, "classic" if year < classic_before else "modern")]
        size = len(pool)
        surname, name_pinyin, name_initials = surnames[j]
        g_name, g_pinyin, g_initials = pool[int(rnd() * size)]
        name = surname + g_name
        name_pinyin += g_pinyin
        name_initials += g_initials
        if rnd() < two_char:
            g_name, g_pinyin, g_initials = pool[int(rnd() * size)]
            name += g_name
            name_pinyin += g_pinyin
            name_initials += g_initials

        created_ms = _FROM_MS + int((i + rnd()) * step)
        updated_ms = created_ms
        if rnd() >= 0.6:  # edited since joining
            updated_ms += int(rnd() * (end_ms - created_ms))
        if text:
            created_v: Any = _stamp(created_ms)
            updated_v: Any = created_v if updated_ms == created_ms else _stamp(updated_ms)
            birthday_v: Any = birthday_text
            valid_until_v: Any = f"{int(created_v[:4]) + 10}-12-31"
        else:
            created_v = _UNIX_UTC + dt.timedelta(milliseconds=created_ms)
            updated_v = _UNIX_UTC + dt.timedelta(milliseconds=updated_ms)
            birthday_v = birthday
            valid_until_v = dt.date(created_v.year + 10, 12, 31)
        member_id = _uuid7_text(created_ms, rng.getrandbits(74))

        education = income = marital = None
        if rnd() < profile_share:
            education = _pick(rnd, EDUCATION_LEVELS, t.education_cum)
            income = _pick(rnd, INCOME_BANDS, t.income_cum)
            marital = _marital(rnd, year)
        tier = tiers[j]
        member_no = str(member_no_base + i)
        phone = prefixes[j] + phone_body(i)
        email = _email(rnd, t, name_pinyin) if rnd() < email_share else ""
        address = _address(rnd, places[j])
        points = _points(rng, tier)
        health = _health(rnd, t, year)
        if health is not None and aes is not None:
            health = seal(aes, member_id, health)
            record_health = f'{{"$sealed":"{health}"}}'
        else:
            record_health = health or "null"
        card_no = make_card_no(f"{CARD_PREFIX}{card_base + i:011d}")
        seq = seq_base + i
        valid_until_text = valid_until_v if text else valid_until_v.isoformat()
        expiring = f'[{{"points":{points},"expires_on":"{opening_expiry}"}}]' if points else "[]"
        # What hq.records.render_member writes (a test holds the two equal), as one
        # f-string: every text here comes from the seeder's own pools, none needs escaping.
        record = (
            f'{{"id":"{member_id}","seq":{seq},"status":"active","member_no":"{member_no}",'
            f'"name":"{name}","gender":"{gender}","birthday":"{birthday_text}",'
            f'"phone":"{phone}","email":"{email}","address":"{address}",'
            f'"education":{_quoted(education)},"income":{_quoted(income)},'
            f'"marital_status":{_quoted(marital)},"tier":"{tier}","tier_spend_fen":0,'
            f'"points":{points},'
            f'"points_expiring":{expiring},'
            f'"recent_visits":[],"health":{record_health},'
            f'"cards":[{{"card_no":"{card_no}","status":"active",'
            f'"valid_until":"{valid_until_text}"}}],"updated_at":"{_rfc3339_ms(updated_ms)}"}}'
        )
        members.append(
            (
                member_id,
                member_no,
                name,
                name_pinyin,
                name_initials,
                gender,
                birthday_v,
                phone,
                email,
                address,
                education,
                income,
                marital,
                tier,
                points,
                health,
                (1 if text else True) if health is not None else (0 if text else False),
                "active",
                None,
                seq,
                created_v,
                updated_v,
                record,
            )
        )
        cards.append((card_no, member_id, "active", valid_until_v, created_v))
        if points:
            ledger.append((member_id, points, "opening", opening_on, opening_at))
    return members, cards, ledger


def generator_workers(n: int) -> int:
    """How many processes should generate rows for ``n`` members (0: this one alone).

    Only a single-threaded process forks: a fork copies locks other threads hold (a
    server thread, a test's), and "spawn" would re-run a caller's unguarded script.
    """
    if (
        n < PARALLEL_FROM
        or threading.active_count() > 1
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return 0
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


def _generate_for_transport(plan: SeedPlan, chunk: int) -> bytes | Chunk:
    # marshal moves plain str/int tuples between processes at about a third of pickle's
    # cost; the portable path's date objects need pickle.
    rows = generate_chunk(plan, chunk)
    return marshal.dumps(rows) if plan.sqlite_text else rows


def _received(result: bytes | Chunk) -> Chunk:
    if isinstance(result, bytes):
        rows: Chunk = marshal.loads(result)
        return rows
    return result


def _ignore_ctrl_c() -> None:
    # Ctrl+C is for the inserting process: it rolls the seed back and stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def chunks(plan: SeedPlan, workers: int = 0) -> Iterator[Chunk]:
    """Every chunk of ``plan`` in order, generated here or by ``workers`` processes.

    Each chunk depends only on (seed, chunk number), so both give the same rows. A few
    chunks in flight at most, so a slow insert never piles a million rows up in memory.
    """
    total = math.ceil(plan.n / CHUNK)
    if workers <= 0:
        for c in range(total):
            yield generate_chunk(plan, c)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_ignore_ctrl_c
    ) as pool:
        pending: deque[Future[bytes | Chunk]] = deque()
        for c in range(total):
            pending.append(pool.submit(_generate_for_transport, plan, c))
            if len(pending) >= workers + 2:
                yield _received(pending.popleft().result())
        while pending:
            yield _received(pending.popleft().result())


# ---------------------------------------------------------------- writing


def _insert_sql(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def _as_dicts(columns: Sequence[str], rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [dict(zip(columns, row, strict=True)) for row in rows]


def _write(
    conn: Connection, plan: SeedPlan, fast: bool, workers: int, progress: Progress | None
) -> int:
    """Insert every chunk on ``conn``'s open transaction; returns the number of members."""
    raw_cursor = conn.connection.dbapi_connection.cursor() if fast else None  # type: ignore[union-attr]
    member_sql = _insert_sql("members", MEMBER_COLUMNS)
    card_sql = _insert_sql("cards", CARD_COLUMNS)
    ledger_sql = _insert_sql("points_ledger", LEDGER_COLUMNS)
    done = 0
    for members, cards, ledger in chunks(plan, workers):
        if raw_cursor is not None:
            raw_cursor.executemany(member_sql, members)
            raw_cursor.executemany(card_sql, cards)
            raw_cursor.executemany(ledger_sql, ledger)
        else:
            conn.execute(insert(Member), _as_dicts(MEMBER_COLUMNS, members))
            conn.execute(insert(Card), _as_dicts(CARD_COLUMNS, cards))
            if ledger:
                conn.execute(insert(PointsEntry), _as_dicts(LEDGER_COLUMNS, ledger))
        done += len(members)
        if progress is not None:
            progress(done, plan.n)
    if raw_cursor is not None:
        raw_cursor.close()
    return done


def _secondary_indexes() -> list[Index]:
    tables = Base.metadata.tables
    return [
        ix
        for name in ("members", "cards", "points_ledger")
        for ix in sorted(tables[name].indexes, key=str)
    ]


def seed_members(
    engine_or_url: EngineOrURL,
    n: int,
    seed: int = 2026,
    progress: Progress | None = None,
    *,
    reset: bool = False,
    fast: bool | None = None,
) -> SeedReport:
    """Add ``n`` generated members, each with one active card, in one transaction.

    Refuses (:class:`SeedRefusedError`) when members exist, unless ``reset``: then members,
    cards and everything hanging off them go, the sequences restart and the epoch is
    renewed, so counters notice that HQ's data is a different one. Stores are kept.
    ``fast`` picks raw ``executemany`` on SQLite (default: on for SQLite); the portable
    path goes through SQLAlchemy Core and gives the same rows.
    """
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_MEMBERS:
        raise ValueError(f"the number of members must be 1 to {MAX_MEMBERS:,}")
    with engine_scope(engine_or_url) as engine:
        init_db(engine)
        is_sqlite = engine.dialect.name == "sqlite"
        use_fast = is_sqlite if fast is None else fast and is_sqlite
        began = time.perf_counter()
        with engine.connect() as conn:
            raw = conn.connection.dbapi_connection if is_sqlite else None
            if raw is not None:
                # Safe to skip fsyncs: the seed is one transaction, and we checkpoint
                # with FULL sync at the end. (This pragma cannot change inside a transaction.)
                raw.execute("PRAGMA synchronous=OFF")
                raw.execute("PRAGMA cache_size=-262144")
                raw.execute("PRAGMA temp_store=MEMORY")
            try:
                written = _seed_in_transaction(
                    conn.execution_options(sqlite_begin="IMMEDIATE"),
                    n,
                    seed,
                    progress,
                    reset=reset,
                    fast=use_fast,
                )
            finally:
                committed = time.perf_counter()
                if raw is not None:
                    raw.execute("PRAGMA synchronous=FULL")
                    raw.execute("PRAGMA cache_size=-2000")
                    raw.execute("PRAGMA temp_store=DEFAULT")
                    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    log.debug("seed: checkpoint in %.1f s", time.perf_counter() - committed)
        seconds = time.perf_counter() - began
    return SeedReport(members=written, cards=written, seconds=seconds, seed=seed)


def _seed_in_transaction(
    conn: Connection,
    n: int,
    seed: int,
    progress: Progress | None,
    *,
    reset: bool,
    fast: bool,
) -> int:
    with conn.begin():
        existing = conn.scalar(select(func.count()).select_from(Member)) or 0
        if existing and not reset:
            raise SeedRefusedError(
                f"the database already has {existing:,} members; nothing was changed "
                "(use --reset to replace them)",
                existing,
            )
        if reset:
            _clear_member_data(conn)
        # Locked until the seed commits: HQ processes serving meanwhile wait, then see it all.
        seq_base = lock_seq(conn, SEQ_CHANGES)
        member_no_base = MEMBER_NO_BASE + lock_seq(conn, SEQ_MEMBER_NO)
        plan = SeedPlan.make(seed, n, seq_base, member_no_base, sqlite_text=fast)
        plan = dataclasses.replace(plan, health_key=key_bytes(conn))
        indexes = _secondary_indexes()
        for ix in indexes:
            ix.drop(bind=conn)
        workers = generator_workers(n)
        began = time.perf_counter()
        written = _write(conn, plan, fast, workers, progress)
        inserted = time.perf_counter()
        for ix in indexes:
            ix.create(bind=conn)
        log.debug(
            "seed: %d rows inserted in %.1f s (%d generating processes), indexes in %.1f s",
            written,
            inserted - began,
            workers,
            time.perf_counter() - inserted,
        )
        set_seq(conn, SEQ_CHANGES, seq_base + written)
        set_seq(conn, SEQ_MEMBER_NO, member_no_base - MEMBER_NO_BASE + written)
        committing = time.perf_counter()
    log.debug("seed: commit in %.1f s", time.perf_counter() - committing)
    return written


def _clear_member_data(conn: Connection) -> None:
    for table in reversed(Base.metadata.sorted_tables):
        if table.name not in KEPT_ON_RESET:
            conn.execute(delete(table))
    set_seq(conn, SEQ_CHANGES, 0)
    set_seq(conn, SEQ_MEMBER_NO, 0)
    renew_epoch(conn)
