"""Health information never sits in clear text in HQ's database files either.

The real reference HQ on 127.0.0.1 with its SQLite file, real counters syncing to it. The
raw bytes of every file of HQ's folder (``hq.db``, its ``-wal`` and ``-shm``) are searched
for the members' distinctive health words, as UTF-8 and as JSON ``\\u`` escapes, while
the feed and the op answers still carry the health to the stores.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid
from pathlib import Path
from typing import Any

from sync_helpers import HQ, Counter, hq_member, sql
from test_health_at_rest import forms, leaks

from counter import services
from counter.sync.engine import sync_once

PHONE = "13712345678"
ALLERGY = "蜂毒HQZXALLERGEN"
CHRONIC = "HQZYCHRONIC罕见病"
MEDICINE = "HQZWMEDICINE专药"
LATER = "HQZVLATER花粉"
WORDS = (ALLERGY, CHRONIC, MEDICINE, LATER)


def words() -> dict[str, tuple[bytes, ...]]:
    return {w: forms(w) for w in WORDS}


def hq_files(hq: HQ) -> list[Path]:
    return [hq.root]


def register_with_health(c: Counter) -> str:
    view = services.register_member(c.ctx, c.actor, services.MemberForm("孙丽", PHONE))
    services.record_consent(c.ctx, c.actor, view.id, granted=True)
    medicine = services.Medicine(MEDICINE, "每日两次", 30, dt.date(2026, 11, 20))
    services.record_health(c.ctx, c.actor, view.id, [ALLERGY], [CHRONIC], [medicine])
    return view.id


def test_health_words_never_reach_hqs_files(hq: HQ) -> None:
    a, b = hq.counter("S001"), hq.counter("S002")
    assert sync_once(b.ctx).ok

    # 1. Registered with health at one store and synced: HQ serves it, keeps it sealed.
    member_id = register_with_health(a)
    report = sync_once(a.ctx)
    assert report.ok and report.applied == 3, report.errors
    assert hq_member(a.ctx, phone=PHONE)["health"]["allergies"] == [ALLERGY]
    assert leaks(hq_files(hq), words()) == []

    # 2. The feed carries it opened to another store.
    assert sync_once(b.ctx).ok
    assert services.read_health(b.ctx, b.actor, member_id).chronic == (CHRONIC,)

    # 3. Updated at the other store; a third registers the phone again offline and is
    #    refused with the member's full record (health included, opened for the answer).
    services.record_health(b.ctx, b.actor, member_id, [ALLERGY, LATER], [CHRONIC], [])
    assert sync_once(b.ctx).ok
    c = hq.counter("S003")
    services.register_member(c.ctx, c.actor, services.MemberForm("孙丽", PHONE))
    assert sync_once(c.ctx).ok
    assert [r[0] for r in sql(c.ctx, "SELECT code FROM sync_problems")] == ["phone_registered"]
    assert services.read_health(c.ctx, c.actor, member_id).allergies == (ALLERGY, LATER)
    assert sync_once(a.ctx).ok
    assert services.read_health(a.ctx, a.actor, member_id).allergies == (ALLERGY, LATER)
    assert leaks(hq_files(hq), words()) == []

    # 4. Withdrawal still erases it at HQ.
    services.record_consent(a.ctx, a.actor, member_id, granted=False)
    assert sync_once(a.ctx).ok
    assert hq_member(a.ctx, phone=PHONE)["health"] is None
    assert leaks(hq_files(hq), words()) == []


def test_a_replayed_op_is_answered_with_the_health_it_stored_sealed(hq: HQ) -> None:
    """The body hash covers the body as sent, so the same op sent again is a replay
    (not a conflict) and its answer carries the health, opened from the sealed outcome."""
    from hq.db import make_engine
    from hq.ops.batch import apply_batch

    a = hq.counter("S001")
    assert sync_once(a.ctx).ok
    register_with_health(a)
    assert sync_once(a.ctx).ok
    member_id = hq_member(a.ctx, phone=PHONE)["id"]
    op = {
        "op_id": str(uuid.uuid4()),
        "type": "member.update",
        "created_at": "2026-12-07T01:00:00.000Z",
        "operator_id": "op1",
        "store_code": "S001",
        "payload": {
            "member_id": member_id,
            "changes": {"health": {"allergies": [LATER], "chronic": [], "medicines": []}},
        },
    }
    engine = make_engine(hq.url_db)
    try:
        first, again = (json.loads(apply_batch(engine, "S001", [op])[0]) for _ in range(2))
    finally:
        engine.dispose()
    assert first["status"] == "applied" and not first["replayed"], first
    assert again["status"] == "applied" and again["replayed"], again
    assert again["entity"]["health"]["allergies"] == [LATER]
    assert again["entity"] == first["entity"]
    assert leaks(hq_files(hq), words()) == []


def _unseal_in_place(db: Path) -> None:
    """Make the database what an HQ before sealing left: health in clear everywhere."""
    from hq.health_seal import META_SEALED, cipher, open_text

    aes = cipher(f"sqlite:///{db}")
    con = sqlite3.connect(db)
    with con:
        for member_id, health, record in con.execute("SELECT id, health, record FROM members"):
            if health:
                clear = json.loads(open_text(aes, json.dumps({"h": {"$sealed": health}})))["h"]
                con.execute(
                    "UPDATE members SET health = ?, record = ? WHERE id = ?",
                    (json.dumps(clear, ensure_ascii=False), open_text(aes, record), member_id),
                )
        for op_id, result in con.execute("SELECT op_id, result FROM ops").fetchall():
            con.execute(
                "UPDATE ops SET result = ? WHERE op_id = ?", (open_text(aes, result), op_id)
            )
        con.execute("DELETE FROM meta WHERE key = ?", (META_SEALED,))
    con.close()


def test_an_hq_database_with_clear_health_is_sealed_at_start(tmp_path: Path) -> None:
    from hq.db import init_db

    hq = HQ(tmp_path / "hq")
    hq.start()
    try:
        a = hq.counter("S001")
        member_id = register_with_health(a)
        c = hq.counter("S003")
        services.register_member(c.ctx, c.actor, services.MemberForm("孙丽", PHONE))
        assert sync_once(a.ctx).ok and sync_once(c.ctx).ok
        hq.stop()
        _unseal_in_place(hq.root / "hq.db")
        assert leaks(hq_files(hq), words()) != []
        stored: list[Any] = sql(c.ctx, "SELECT code FROM sync_problems")
        assert stored == [("phone_registered",)]

        init_db(hq.url_db).dispose()  # what every start of HQ does
        assert leaks(hq_files(hq), words()) == []

        hq.start()
        b = Counter(tmp_path / "b", "S002", hq.url, hq.token("S002"))
        hq.counters.append(b)
        assert sync_once(b.ctx).ok
        assert services.read_health(b.ctx, b.actor, member_id).allergies == (ALLERGY,)
        assert leaks(hq_files(hq), words()) == []
    finally:
        for counter in hq.counters:
            counter.close()
        hq.stop()
