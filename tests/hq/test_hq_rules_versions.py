"""Points shown are points booked: HQ recomputes an earn under the rules version and tier
its counter names (contract v1.1, docs/points.md), over real HTTP to a real HQ."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from hqkit import HQEnv, Store
from sqlalchemy import select

from counter.contract import format_time
from counter.rules import DEFAULT_CONFIG, earn_points, from_config, rules_version
from hq.cli import main as hq_main
from hq.config import set_rules
from hq.members import merge_members
from hq.models import Receipt
from hq.rulebook import set_tier
from hq.stats import store_stats

SALE_FEN = 10_000  # 100 yuan, cash


def rules_with(yuan_per_point: int) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(json.dumps(DEFAULT_CONFIG))
    document["points"]["yuan_per_point"] = yuan_per_point
    return document


def earn_under(
    store: Store,
    member_id: str,
    document: dict[str, Any] | None,
    *,
    tier: str = "basic",
    tier_seq: int | None = None,
    sold_at: str | None = None,
    points: int | None = None,
    version: str | None = None,
) -> dict[str, Any]:
    """An earn computed as a v1.1 counter does: under ``document``'s rules, naming them."""
    kwargs: dict[str, Any] = {"sold_at": sold_at} if sold_at else {}
    op = store.earn(member_id, f"R-{uuid.uuid4()}", SALE_FEN, tier=tier, **kwargs)
    p = op["payload"]
    if document is not None:
        p["rules_version"] = version or rules_version(document)
        if points is None:
            points = earn_points(
                from_config(document).points,
                lines=p["lines"],
                tenders=p["tenders"],
                tier=tier,
                birthday=None,
                sold_at=dt.datetime.fromisoformat(p["sold_at"].replace("Z", "+00:00")),
            )
    elif version is not None:
        p["rules_version"] = version
    if points is not None:
        p["points"] = points
    p["tier"] = tier
    if tier_seq is not None:
        p["tier_seq"] = tier_seq
    return op


def balance(store: Store, member_id: str) -> int:
    items, _ = store.pull("/v1/members/changes")
    (record,) = [i for i in items if i["id"] == member_id]
    return int(record["points"])


def test_config_names_the_rules_version_and_every_version_stays_honoured(
    fresh_env: HQEnv,
) -> None:
    s1 = fresh_env.store()
    first = s1.get("/v1/config").json()
    assert first["rules_version"] == rules_version(DEFAULT_CONFIG)
    member = s1.new_member()
    documents = [DEFAULT_CONFIG, rules_with(2), rules_with(5)]
    for document in documents[1:]:
        with fresh_env.engine.begin() as conn:
            assert set_rules(conn, document) == rules_version(document)
    assert s1.get("/v1/config").json()["rules_version"] == rules_version(documents[-1])
    booked = 0
    for document in documents:  # the oldest first: a counter offline since HQ started
        result = s1.applied(earn_under(s1, member["id"], document))
        booked += SALE_FEN // 100 // int(document["points"]["yuan_per_point"])
        assert "superseded_rules" not in result  # sold (2 Nov) before any change took effect
    assert balance(s1, member["id"]) == booked == 100 + 50 + 20
    # an earn naming no version (a v1.0 counter) is computed with today's rules, as before
    s1.rejected(s1.earn(member["id"], "R-old", SALE_FEN), "points_mismatch")
    s1.applied(s1.earn(member["id"], "R-old", SALE_FEN, points=20))
    with fresh_env.engine.connect() as conn:
        versions = set(conn.scalars(select(Receipt.rules_version)))
    assert versions == {None, *(rules_version(d) for d in documents)}


def test_an_earn_under_rules_hq_had_replaced_is_booked_and_counted(fresh_env: HQEnv) -> None:
    s1 = fresh_env.store()
    member = s1.new_member()
    with fresh_env.engine.begin() as conn:
        set_rules(conn, rules_with(2))
    now = format_time(dt.datetime.now(dt.UTC))
    # sold after the change, by a counter that had not fetched it yet
    late_op = earn_under(s1, member["id"], DEFAULT_CONFIG, sold_at=now)
    assert s1.applied(late_op)["superseded_rules"] is True
    current = s1.applied(earn_under(s1, member["id"], rules_with(2), sold_at=now))
    assert "superseded_rules" not in current
    replay = s1.one(late_op)  # a replay answers the same, flag included
    assert replay["replayed"] is True and replay["superseded_rules"] is True
    assert balance(s1, member["id"]) == 100 + 50
    with fresh_env.engine.connect() as conn:
        stats = {s.code: s for s in store_stats(conn)}
    assert stats["S1"].superseded_earns == 1
    assert stats["S2"].superseded_earns == 0


def test_a_forged_earn_is_refused_with_the_reason(fresh_env: HQEnv) -> None:
    s1 = fresh_env.store()
    member = s1.new_member()
    with fresh_env.engine.begin() as conn:
        set_rules(conn, rules_with(2))
    # a version HQ never had
    never = rules_with(1)
    never["points"]["member_days"] = [2]  # 2 November doubles: 200 points
    error = s1.rejected(earn_under(s1, member["id"], never), "unknown_rules_version")
    assert error["details"]["expected"] == 50  # HQ's current rules, for a manager's retry
    assert error["details"]["rules_version"] == rules_version(never)
    # a figure no version gives: the named rules say 100
    error = s1.rejected(earn_under(s1, member["id"], DEFAULT_CONFIG, points=150), "points_mismatch")
    assert (error["details"]["computed"], error["details"]["expected"]) == (100, 50)
    # a tier the member never held
    error = s1.rejected(earn_under(s1, member["id"], DEFAULT_CONFIG, tier="gold"), "tier_not_held")
    assert error["details"] == {
        "expected": 50,
        "rules_version": rules_version(DEFAULT_CONFIG),
        "tier": "gold",
    }
    # not a version at all: refused by the contract
    s1.rejected(earn_under(s1, member["id"], None, version="v1", points=50), "invalid_field")
    assert balance(s1, member["id"]) == 0


def test_a_tier_the_member_held_since_the_counters_copy_is_honoured(fresh_env: HQEnv) -> None:
    s1 = fresh_env.store()
    member = s1.new_member()
    seen = member["seq"]  # the counter pulled the member as basic
    upgraded = set_tier(fresh_env.engine, member["id"], "gold")
    rules = DEFAULT_CONFIG
    # sold as basic before the counter heard of the upgrade: booked as basic (100)
    s1.applied(earn_under(s1, member["id"], rules, tier="basic", tier_seq=seen))
    # the counter's copy already said gold: basic is a tier the member has not held since
    s1.rejected(
        earn_under(s1, member["id"], rules, tier="basic", tier_seq=upgraded), "tier_not_held"
    )
    s1.applied(earn_under(s1, member["id"], rules, tier="gold", tier_seq=upgraded))  # 150
    # a downgrade after the counter's copy: the gold the counter saw still counts
    set_tier(fresh_env.engine, member["id"], "silver")
    s1.applied(earn_under(s1, member["id"], rules, tier="gold", tier_seq=upgraded))  # 150
    assert balance(s1, member["id"]) == 400
    # merged away at HQ meanwhile: the tier the named member held counts, booked on the target
    source, target = s1.new_member(), s1.new_member()
    gold = set_tier(fresh_env.engine, source["id"], "gold")
    merge_members(fresh_env.engine, source["id"], target["id"])
    s1.applied(earn_under(s1, source["id"], rules, tier="gold", tier_seq=gold))
    assert balance(s1, target["id"]) == 150


def test_hq_cli_sets_a_tier_and_stats_show_superseded_earns(fresh_env: HQEnv, capsys) -> None:
    s1 = fresh_env.store()
    member = s1.new_member()
    assert hq_main(["member", "tier", member["id"], "silver", "--db", fresh_env.db_url]) == 0
    assert f"member {member['id']} is silver" in capsys.readouterr().out
    assert hq_main(["member", "tier", member["id"], "platinum", "--db", fresh_env.db_url]) == 1
    assert "tier must be one of basic, silver, gold" in capsys.readouterr().err
    items, _ = s1.pull("/v1/members/changes")
    assert [i["tier"] for i in items if i["id"] == member["id"]] == ["silver"]
    with fresh_env.engine.begin() as conn:
        set_rules(conn, rules_with(2))
    now = format_time(dt.datetime.now(dt.UTC))
    s1.applied(earn_under(s1, member["id"], DEFAULT_CONFIG, tier="silver", sold_at=now))
    assert hq_main(["stats", "--json", "--db", fresh_env.db_url]) == 0
    stats = {s["code"]: s for s in json.loads(capsys.readouterr().out)}
    assert stats["S1"]["superseded_earns"] == 1
    assert hq_main(["stats", "--db", fresh_env.db_url]) == 0
    assert "earns under superseded rules 1" in capsys.readouterr().out
