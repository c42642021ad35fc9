"""The seeder: deterministic, realistic, fast paths equal to portable ones, safe to re-run."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import statistics
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from counter import names
from counter.codes import is_card_no, luhn_valid
from counter.contract import parse_member_record
from hq import seed_data
from hq.db import engine_scope, get_epoch, make_engine
from hq.errors import SeedRefusedError
from hq.models import (
    EDUCATION_LEVELS,
    INCOME_BANDS,
    MARITAL_STATUSES,
    Card,
    Member,
)
from hq.seed import CHUNK, SeedPlan, chunks, seed_members
from hq.stores import add_store

SEEDED_MEMBERS = 2000  # what the seeded_db fixture seeds (a test checks)
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
PREFIXES = {p for p, _ in seed_data.MOBILE_PREFIXES}
KNOWN_ALLERGIES = {a for a, _ in seed_data.ALLERGIES}
MEDICINES_FOR = {c: set(meds) for c, _, meds in seed_data.CHRONIC}


def rows(path: Path, sql: str) -> list[sqlite3.Row]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def members(seeded_db: Path) -> list[dict[str, Any]]:
    """The member rows, their sealed health opened (hq.health_seal) as HQ reads it."""
    from hq.health_seal import cipher, open_sealed

    aes = cipher(f"sqlite:///{seeded_db}")
    out = []
    for r in rows(seeded_db, "SELECT * FROM members ORDER BY seq"):
        m = dict(r)
        if m["health"] is not None:
            m["health"] = open_sealed(aes, m["id"], m["health"])
        out.append(m)
    return out


def share(items: list[Any], predicate: Any) -> float:
    return sum(1 for item in items if predicate(item)) / len(items)


# ------------------------------------------------------------------ determinism


def test_same_seed_gives_identical_rows(
    seeded_db: Path, tmp_path: Path, digest: Callable[[Path], str], url_of: Callable[[Path], str]
) -> None:
    again = tmp_path / "again.db"
    seed_members(url_of(again), SEEDED_MEMBERS)
    assert digest(again) == digest(seeded_db)


def test_different_seed_gives_different_rows(
    seeded_db: Path, tmp_path: Path, digest: Callable[[Path], str], url_of: Callable[[Path], str]
) -> None:
    other = tmp_path / "other.db"
    seed_members(url_of(other), SEEDED_MEMBERS, seed=7)
    assert digest(other) != digest(seeded_db)
    phones = {r["phone"] for r in rows(other, "SELECT phone FROM members")}
    assert phones != {r["phone"] for r in rows(seeded_db, "SELECT phone FROM members")}


def test_portable_path_writes_the_same_bytes_as_the_sqlite_fast_path(
    seeded_db: Path, tmp_path: Path, digest: Callable[[Path], str], url_of: Callable[[Path], str]
) -> None:
    # The portable path goes through SQLAlchemy's types; equal bytes prove the fast path
    # writes dates and times exactly as the ORM would (and reads them back).
    portable = tmp_path / "portable.db"
    seed_members(url_of(portable), SEEDED_MEMBERS, fast=False)
    assert digest(portable) == digest(seeded_db)


def test_chunks_made_by_worker_processes_equal_chunks_made_here() -> None:
    plan = SeedPlan.make(11, CHUNK + 300, 0, 1_000_000_000, sqlite_text=True)
    here = list(chunks(plan, workers=0))
    there = list(chunks(plan, workers=2))
    assert [len(m) for m, _, _ in here] == [CHUNK, 300]
    assert here == there


# ------------------------------------------------------------------ realism


def test_every_member_has_one_active_card_with_a_valid_check_digit(
    seeded_db: Path, members: list[sqlite3.Row]
) -> None:
    cards = rows(seeded_db, "SELECT * FROM cards")
    assert len(cards) == len(members) == SEEDED_MEMBERS
    assert all(is_card_no(c["card_no"]) and luhn_valid(c["card_no"]) for c in cards)
    assert len({c["card_no"] for c in cards}) == len(cards)
    assert Counter(c["member_id"] for c in cards) == Counter({m["id"]: 1 for m in members})
    assert {c["status"] for c in cards} == {"active"}
    assert rows(seeded_db, "PRAGMA foreign_key_check") == []


def test_phones_are_valid_unique_mainland_mobiles(members: list[sqlite3.Row]) -> None:
    phones = [m["phone"] for m in members]
    assert all(PHONE_RE.match(p) and p[:3] in PREFIXES for p in phones)
    assert len(set(phones)) == len(phones)
    assert len({p[:3] for p in phones}) > 20  # many carriers' prefixes, not one


def test_member_numbers_ids_and_seq_follow_the_join_order(
    seeded_db: Path, members: list[sqlite3.Row]
) -> None:
    assert [m["member_no"] for m in members[:2]] == ["1000000001", "1000000002"]
    assert [m["seq"] for m in members] == list(range(1, SEEDED_MEMBERS + 1))
    assert all(len(m["member_no"]) == 10 for m in members)
    ids = [m["id"] for m in members]
    assert ids == sorted(ids)  # UUIDv7 sort by creation time
    assert all(
        re.match(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-", i) for i in ids
    )
    created = [m["created_at"] for m in members]
    assert created == sorted(created)
    assert created[0] >= "2016-01-01" and created[-1] <= "2026-01-01"
    counters = dict(
        (r["name"], r["value"]) for r in rows(seeded_db, "SELECT name, value FROM sequences")
    )
    assert counters == {"changes": SEEDED_MEMBERS, "member_no": SEEDED_MEMBERS}


def test_names_carry_the_pinyin_the_counter_computes(members: list[sqlite3.Row]) -> None:
    for m in members:
        assert 2 <= len(m["name"]) <= 4
        assert m["name_pinyin"] == names.full_pinyin(m["name"])
        assert m["name_initials"] == names.initials(m["name"])
        assert m["name_pinyin"].isascii() and m["name_pinyin"].isalpha()
    surnames = Counter(m["name"][0] for m in members)
    assert {"王", "李", "张"} <= {s for s, _ in surnames.most_common(6)}
    assert len(surnames) > 60


def test_distributions_are_in_sane_ranges(members: list[sqlite3.Row]) -> None:
    tiers = Counter(m["tier"] for m in members)
    assert 0.64 <= tiers["basic"] / SEEDED_MEMBERS <= 0.76
    assert 0.17 <= tiers["silver"] / SEEDED_MEMBERS <= 0.27
    assert 0.05 <= tiers["gold"] / SEEDED_MEMBERS <= 0.11
    assert {m["gender"] for m in members} == {"F", "M"}
    assert 0.44 <= share(members, lambda m: m["gender"] == "F") <= 0.56
    assert 0.24 <= share(members, lambda m: m["email"] != "") <= 0.36
    points = [m["points"] for m in members]
    assert min(points) >= 0
    assert statistics.median(points) < 500 < max(points)
    assert statistics.median(points) < statistics.mean(points)  # skewed: a long tail
    assert any(p > 10_000 for p in points)
    gold = [m["points"] for m in members if m["tier"] == "gold"]
    basic = [m["points"] for m in members if m["tier"] == "basic"]
    assert statistics.median(gold) > statistics.median(basic)
    birthdays = [dt.date.fromisoformat(m["birthday"]) for m in members]
    assert dt.date(1940, 1, 1) <= min(birthdays) and max(birthdays) <= dt.date(2008, 12, 31)


def test_optional_profile_fields_use_the_known_codes(members: list[sqlite3.Row]) -> None:
    filled = [m for m in members if m["education"] is not None]
    assert 0.28 <= len(filled) / SEEDED_MEMBERS <= 0.42
    assert {m["education"] for m in filled} <= set(EDUCATION_LEVELS)
    assert {m["income"] for m in filled} <= set(INCOME_BANDS)
    assert {m["marital_status"] for m in filled} <= set(MARITAL_STATUSES)
    assert all(
        m["email"] == "" or re.match(r"^[a-z0-9]+@[a-z0-9.]+\.com$", m["email"]) for m in members
    )
    assert all(m["address"].endswith(("号", "室")) and "区" in m["address"] for m in members)


def test_health_records_are_plausible(members: list[sqlite3.Row]) -> None:
    records = [(m, json.loads(m["health"])) for m in members if m["health"] is not None]
    for m, h in records:  # canonical compact JSON, as json.dumps writes it
        assert json.dumps(h, ensure_ascii=False, separators=(",", ":")) == m["health"]
    allergic = [h for _, h in records if h["allergies"]]
    chronic = [(m, h) for m, h in records if h["chronic"]]
    assert 0.05 <= len(allergic) / SEEDED_MEMBERS <= 0.11
    assert 0.11 <= len(chronic) / SEEDED_MEMBERS <= 0.20
    for _, h in records:
        assert set(h) == {"allergies", "chronic", "medicines"}
        assert h["allergies"] or h["chronic"]  # otherwise the field is NULL
        assert set(h["allergies"]) <= KNOWN_ALLERGIES
        fitting = set().union(*(MEDICINES_FOR[c] for c in h["chronic"]))
        assert set(h["medicines"]) <= fitting
        for medicine in h["medicines"]:  # nobody takes a drug they are allergic to
            assert seed_data.MEDICINE_ALLERGENS.get(medicine) not in h["allergies"]
    # older members have chronic conditions more often
    older = [m for m in members if m["birthday"] < "1960"]
    younger = [m for m in members if m["birthday"] >= "1980"]
    older_share = share(older, lambda m: m["health"] and json.loads(m["health"])["chronic"])
    younger_share = share(younger, lambda m: m["health"] and json.loads(m["health"])["chronic"])
    assert older_share > 2 * younger_share


def test_rows_read_back_through_the_orm_with_aware_times(
    seeded_db: Path, url_of: Callable[[Path], str]
) -> None:
    with engine_scope(url_of(seeded_db)) as engine, Session(engine) as session:
        member = session.scalars(select(Member).order_by(Member.seq).limit(1)).one()
        assert isinstance(member.birthday, dt.date)
        assert member.created_at.tzinfo == dt.UTC
        assert member.updated_at >= member.created_at
        (card,) = member.cards
        assert isinstance(card, Card)
        assert card.bound_at == member.created_at
        assert card.valid_until is not None and card.valid_until.year >= 2026


# ------------------------------------------------------------------ re-running


def test_seeding_again_is_refused_and_changes_nothing(
    tmp_path: Path, digest: Callable[[Path], str], url_of: Callable[[Path], str]
) -> None:
    path = tmp_path / "hq.db"
    seed_members(url_of(path), 300)
    before = digest(path)
    with pytest.raises(SeedRefusedError) as refused:
        seed_members(url_of(path), 500)
    assert refused.value.existing == 300
    assert "300" in str(refused.value)
    assert digest(path) == before


def test_reset_replaces_members_keeps_stores_and_renews_the_epoch(
    tmp_path: Path, url_of: Callable[[Path], str]
) -> None:
    url = url_of(tmp_path / "hq.db")
    seed_members(url, 300)
    add_store(url, "SH001", "徐汇店")
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            epoch_before = get_epoch(conn)
        report = seed_members(engine, 200, seed=5, reset=True)
        assert (report.members, report.cards) == (200, 200)
        with engine.connect() as conn:
            assert get_epoch(conn) not in (None, epoch_before)
            counts = conn.exec_driver_sql(
                "SELECT (SELECT count(*) FROM members), (SELECT count(*) FROM cards),"
                " (SELECT count(*) FROM stores), (SELECT max(seq) FROM members)"
            ).one()
        assert tuple(counts) == (200, 200, 1, 200)
    finally:
        engine.dispose()


@pytest.mark.parametrize("n", [0, -5, True, 1.5])
def test_member_count_must_be_a_positive_int(db_url: str, n: Any) -> None:
    with pytest.raises(ValueError, match="number of members"):
        seed_members(db_url, n)


def test_seeded_records_are_what_hq_renders_from_the_tables(
    seeded_db: Path, url_of: Callable[[Path], str]
) -> None:
    """The seeder writes each record with a fast template; HQ re-renders it identically."""
    from hq.health_seal import cipher, open_text
    from hq.records import refresh_member

    engine = make_engine(url_of(seeded_db))
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(Member.id, Member.seq, Member.updated_at, Member.record).order_by(Member.seq)
            ).all()
            for row in rows:  # in the read's transaction, rolled back: nothing is kept
                assert refresh_member(conn, row.id, row.seq, row.updated_at) == row.record
                parse_member_record(json.loads(open_text(cipher(conn), row.record)))
            conn.rollback()
    finally:
        engine.dispose()


def test_seeded_balances_are_opening_ledger_entries(seeded_db: Path) -> None:
    members = {m["id"]: m["points"] for m in rows(seeded_db, "SELECT id, points FROM members")}
    ledger = rows(seeded_db, "SELECT member_id, delta, kind, earned_on, op_id FROM points_ledger")
    assert {e["member_id"]: e["delta"] for e in ledger} == {k: v for k, v in members.items() if v}
    year = dt.datetime.now(dt.UTC).year - 1
    assert {(e["kind"], e["earned_on"], e["op_id"]) for e in ledger} == {
        ("opening", f"{year}-12-31", None)
    }
