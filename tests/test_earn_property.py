"""The preview the counter showed is the points HQ applied (issue 15), for random sales.

Hypothesis draws sales — total, 医保 personal account and pooled fund, excluded lines, the
day of the sale (member days, birthday months) and the member (basic, silver, gold) — and
each goes the cashier's way: ``preview_earn`` (what F3 shows), ``earn_sale`` (Enter), then a
real sync with the reference HQ on 127.0.0.1. HQ's receipt must carry the previewed figure.
One HQ and one counter serve every example (a fresh HQ each would take minutes).
"""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sync_helpers import HQ, Counter, cache_members, outbox_states

from counter import rules, services
from counter.services.earn_preview import EarnForm, earn_sale, preview_earn
from counter.sync.engine import sync_once
from hq.cli import main as hq_main

TIERS = ("basic", "silver", "gold")
_receipts = itertools.count(1)
_TODAY = dt.datetime.now(rules.STORE_TZ).date()
MEMBER_DAYS_AGO = [
    d for d in range(366) if (_TODAY - dt.timedelta(days=d)).day in rules.PointsRules().member_days
]


class World:
    def __init__(self, hq: HQ, counter: Counter, members: list[str]) -> None:
        self.hq, self.counter, self.members = hq, counter, members


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    hq = HQ(tmp_path_factory.mktemp("hq"))
    hq.start()
    try:
        hq.seed(9)
        c = hq.counter()
        assert sync_once(c.ctx).ok
        members = sorted(cache_members(c.ctx))[:9]
        for i, member_id in enumerate(members):  # three of each tier, decided at HQ
            assert hq_main(["member", "tier", member_id, TIERS[i % 3], "--db", hq.url_db]) == 0
        assert sync_once(c.ctx).ok
        yield World(hq, c, members)
    finally:
        for c in hq.counters:
            c.close()
        hq.stop()


@st.composite
def sales(draw: Any) -> tuple[int, int, int, int, int, int]:
    """(member index, days ago, total, personal, pooled, excluded) in fen."""
    total = draw(st.integers(1, 2_000_000))
    personal = draw(st.one_of(st.just(0), st.integers(0, total)))
    pooled = draw(st.one_of(st.just(0), st.integers(0, total - personal)))
    excluded = draw(st.one_of(st.just(0), st.integers(0, total)))
    # Up to a year back (every birthday month), a member day (the 8th) one time in three.
    days_ago = draw(st.one_of(st.integers(0, 365), st.sampled_from(MEMBER_DAYS_AGO)))
    return draw(st.integers(0, 8)), days_ago, total, personal, pooled, excluded


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def hq_receipt_points(hq: HQ, receipt_no: str) -> int | None:
    con = sqlite3.connect(Path(hq.url_db.removeprefix("sqlite:///")))
    try:
        row = con.execute(
            "SELECT points FROM receipts WHERE receipt_no = ?", (receipt_no,)
        ).fetchone()
    finally:
        con.close()
    return None if row is None else int(row[0])


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=st.lists(sales(), min_size=1, max_size=4))
def test_the_preview_is_what_hq_applies(
    world: World, batch: list[tuple[int, int, int, int, int, int]]
) -> None:
    c = world.counter
    real_clock = c.ctx.clock
    real_now = real_clock()
    shown: dict[str, int] = {}
    try:
        for member_i, days_ago, total, personal, pooled, excluded in batch:
            sold = real_now - dt.timedelta(days=days_ago)
            c.ctx.clock = lambda sold=sold: sold  # the counter's time of that sale
            receipt = f"P-{next(_receipts):06d}"
            form = EarnForm(
                world.members[member_i], receipt, yuan(total), yuan(personal), yuan(pooled),
                yuan(excluded),
            )  # fmt: skip
            preview = preview_earn(c.ctx, c.actor, form)
            assert preview.ready, preview.errors
            ex = preview.explanation
            assert ex is not None
            # The explanation adds up to its own figure.
            member = services.get_member(c.ctx, c.actor, form.member_id)
            assert ex.tier_multiplier == rules.PointsRules().tier_multipliers[member.tier]
            event(f"tier {member.tier}")
            event(f"member day {ex.member_day}, birthday month {ex.birthday_month}")
            event(f"insurance {'yes' if personal + pooled else 'no'}, excluded {bool(excluded)}")
            earn_sale(c.ctx, c.actor, form, preview.points)
            shown[receipt] = preview.points
    finally:
        c.ctx.clock = real_clock
    report = sync_once(c.ctx)
    assert report.ok, report
    assert not [s for _, s in outbox_states(c.ctx) if s not in ("applied", "superseded")]
    applied = {r: hq_receipt_points(world.hq, r) for r in shown}
    assert applied == shown
