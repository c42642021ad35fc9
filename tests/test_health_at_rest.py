"""Health information never sits in clear text in the counter's files (issue 8, item 1).

Real cache files, the real reference HQ on 127.0.0.1, the app's own log file. At each
step the raw bytes of every file of the counter (the cache, its WAL, the log, whatever
else is there) are searched for the member's distinctive health words, as UTF-8 and as
JSON ``\\u`` escapes: ``strings counter.db`` must find nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sync_helpers import HQ, Counter, hq_member, sql

from counter import logs, services
from counter.sync.engine import sync_once
from counter.sync.push import take_batch

PHONE = "13712340000"
ALLERGY = "蜂毒QZXALLERGEN"
CHRONIC = "QZYCHRONIC罕见病"
MEDICINE = "QZWMEDICINE专药"
WORDS = (ALLERGY, CHRONIC, MEDICINE)
# A regular medicine as the health editor records it: name, dose, days' supply, last dispensed.
REGULAR = services.Medicine(MEDICINE, "每日两次", 30, dt.date(2026, 11, 20))


@pytest.fixture
def log_dir(tmp_path: Path) -> Iterator[Path]:
    """The app's rotating log file, as `counter` and the desktop app set it up."""
    path = tmp_path / "logs"
    logs.setup(path, logging.DEBUG)
    yield path
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "counter_owned", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(logging.WARNING)


def forms(word: str) -> tuple[bytes, ...]:
    return (word.encode(), json.dumps(word).strip('"').encode())


def leaks(roots: list[Path], needles: dict[str, tuple[bytes, ...]]) -> list[str]:
    """``file: needle`` for every needle found in the raw bytes of any file under roots."""
    found = []
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            data = path.read_bytes()
            for name, variants in needles.items():
                if any(v in data for v in variants):
                    found.append(f"{path.relative_to(root.parent)}: {name}")
    return found


def sealed_blob(text: str) -> bytes | None:
    from counter.store import (
        outbox_health,
    )  # imported late: the test must fail, not error, without it

    return outbox_health.sealed_blob(text)


def health_words() -> dict[str, tuple[bytes, ...]]:
    return {w: forms(w) for w in WORDS}


def ciphertexts(c: Counter, member_id: str) -> dict[str, tuple[bytes, ...]]:
    """The member's health as encrypted in the cache right now (row and queued ops)."""
    blobs = [r[0] for r in sql(c.ctx, "SELECT health_enc FROM members WHERE id = ?", member_id)]
    blobs += [sealed_blob(r[0]) for r in sql(c.ctx, "SELECT payload FROM outbox")]
    return {f"ciphertext {b[:6].hex()}": (b,) for b in blobs if b}


def files_of(c: Counter, log_dir: Path) -> list[Path]:
    return [c.settings.data_path, log_dir]


def register_with_health(c: Counter) -> str:
    view = services.register_member(c.ctx, c.actor, services.MemberForm("孙丽", PHONE))
    services.record_consent(c.ctx, c.actor, view.id, granted=True)
    services.record_health(c.ctx, c.actor, view.id, [ALLERGY], [CHRONIC], [REGULAR])
    return view.id


def test_health_words_never_reach_the_counters_files(hq: HQ, log_dir: Path) -> None:
    hq.seed(3)
    a, b = hq.counter("S001"), hq.counter("S002")
    assert sync_once(a.ctx).ok and sync_once(b.ctx).ok

    # 1. Recorded at the counter, not sent yet: the queued op holds it sealed.
    member_id = register_with_health(a)
    assert leaks(files_of(a, log_dir), health_words()) == []
    sealed = ciphertexts(a, member_id)
    assert services.read_health(a.ctx, a.actor, member_id).allergies == (ALLERGY,)

    # 2. Synced: HQ has it as recorded (decrypted only to send); the answer keeps none.
    report = sync_once(a.ctx)
    assert report.ok and report.applied == 3, report.errors
    at_hq = hq_member(a.ctx, phone=PHONE)
    assert at_hq["health"] == {
        "allergies": [ALLERGY],
        "chronic": [CHRONIC],
        "medicines": [REGULAR.as_payload()],
    }
    assert leaks(files_of(a, log_dir), health_words()) == []
    sealed.update(ciphertexts(a, member_id))

    # 3. Another store registers the same phone offline: HQ refuses it with its full
    #    record of the member (health included); neither the answer nor the problem
    #    keeps the health, the re-pointed member's record is cached encrypted.
    local = services.register_member(b.ctx, b.actor, services.MemberForm("孙丽", PHONE))
    report = sync_once(b.ctx)
    assert report.ok and report.repointed == 0, report.errors
    problems = sql(b.ctx, "SELECT code, details FROM sync_problems")
    assert [p[0] for p in problems] == ["phone_registered"]
    details = json.loads(problems[0][1])
    assert details["member"]["id"] == member_id and "health" not in details["member"]
    assert services.read_health(b.ctx, b.actor, member_id).allergies == (ALLERGY,)
    assert local.id != member_id
    assert leaks(files_of(b, log_dir), health_words()) == []
    sealed_b = ciphertexts(b, member_id)

    # Every encrypted form of it so far (the sealed op, each health_enc written since):
    # erasing must remove these bytes too, from free pages and old WAL frames.
    sealed.update(ciphertexts(a, member_id))
    assert len(sealed) >= 3

    # 4. Consent withdrawn: erased from every table at once, ciphertext included.
    services.record_consent(a.ctx, a.actor, member_id, granted=False)
    assert leaks(files_of(a, log_dir), health_words() | sealed) == []
    assert services.read_health(a.ctx, a.actor, member_id).empty

    # 5. The withdrawal reaches HQ, and from there the other store.
    assert sync_once(a.ctx).ok
    assert hq_member(a.ctx, phone=PHONE)["health"] is None
    assert sync_once(b.ctx).ok
    assert services.read_health(b.ctx, b.actor, member_id).empty
    assert leaks(files_of(a, log_dir), health_words() | sealed) == []
    assert leaks([b.settings.data_path], health_words() | sealed_b) == []


def health_op(c: Counter) -> tuple[str, str]:
    (row,) = sql(
        c.ctx,
        "SELECT op_id, state FROM outbox WHERE type = 'member.update' ORDER BY seq DESC LIMIT 1",
    )
    return str(row[0]), str(row[1])


def test_withdrawal_before_sending_means_hq_never_gets_the_health(hq: HQ, log_dir: Path) -> None:
    a = hq.counter("S001")
    member_id = register_with_health(a)
    op_id, _ = health_op(a)
    services.record_consent(a.ctx, a.actor, member_id, granted=False)
    # Never sent: the op is replaced by the withdrawal and loses its health.
    (consent_op,) = sql(
        a.ctx, "SELECT op_id FROM outbox WHERE type = 'member.consent' ORDER BY seq DESC LIMIT 1"
    )[0]
    assert sql(a.ctx, "SELECT state, superseded_by FROM outbox WHERE op_id = ?", op_id) == [
        ("superseded", consent_op)
    ]
    assert leaks(files_of(a, log_dir), health_words()) == []
    assert sync_once(a.ctx).ok
    assert hq_member(a.ctx, phone=PHONE)["health"] is None
    assert [r[0] for r in sql(a.ctx, "SELECT state FROM outbox ORDER BY seq")] == [
        "applied",
        "applied",
        "superseded",
        "applied",
    ]


def test_an_op_that_may_be_at_hq_keeps_its_body_until_answered(hq: HQ, log_dir: Path) -> None:
    """Sent once with no answer: HQ may hold it, so it is sent again exactly as it was
    (sealed meanwhile), and its health is erased the moment HQ's answer is recorded."""
    a = hq.counter("S001")
    member_id = register_with_health(a)
    op_id, _ = health_op(a)
    batch, _ = take_batch(a.ctx)  # sent, answer lost
    sent = next(o["payload"] for o in batch if o["op_id"] == op_id)
    assert sent["changes"]["health"]["allergies"] == [ALLERGY]
    services.record_consent(a.ctx, a.actor, member_id, granted=False)
    assert health_op(a) == (op_id, "pending")
    assert leaks(files_of(a, log_dir), health_words()) == []
    assert sync_once(a.ctx).ok
    assert health_op(a) == (op_id, "applied")
    assert hq_member(a.ctx, phone=PHONE)["health"] is None
    (text,) = sql(a.ctx, "SELECT payload FROM outbox WHERE op_id = ?", op_id)[0]
    assert sealed_blob(text) is None
    assert json.loads(text)["changes"]["health"] == {"$erased": True}


def test_a_cache_written_before_sealing_is_sealed_when_opened(
    tmp_path: Path, log_dir: Path
) -> None:
    """Caches of earlier versions hold health in clear in queued ops, answers and
    problems: the first open seals or erases it and rewrites the file without it."""
    from sync_helpers import Counter as _Counter

    c = _Counter(tmp_path / "store", "S001", "http://127.0.0.1:9", "token")
    member_id = register_with_health(c)
    op_id, _ = health_op(c)
    plain = {"allergies": [ALLERGY], "chronic": [CHRONIC], "medicines": [MEDICINE]}
    old_body = {"member_id": member_id, "changes": {"health": plain}}
    other: dict[str, Any] = {"member": {"id": "x", "health": plain}}
    c.close()
    con = sqlite3.connect(c.settings.db_path)
    with con:
        con.execute(
            "UPDATE outbox SET payload = ? WHERE op_id = ?",
            (json.dumps(old_body, ensure_ascii=False), op_id),
        )
        con.execute(
            "UPDATE outbox SET result = ? WHERE type = 'member.register'",
            (json.dumps({"error": {"details": other}}, ensure_ascii=False),),
        )
        con.execute(
            "INSERT INTO sync_problems (op_id, code, message, details, created_at) "
            "SELECT op_id, 'phone_registered', 'x', ?, '2026-11-20 02:00:00.000000+00:00' "
            "FROM outbox WHERE type = 'member.register'",
            (json.dumps(other, ensure_ascii=False),),
        )
        con.execute("DELETE FROM kv WHERE key = 'health_sealed'")
    con.close()
    assert leaks([c.settings.data_path], health_words()) != []

    c.ctx = services.open_context(c.settings)
    assert leaks([c.settings.data_path, log_dir], health_words()) == []
    (batch, _) = take_batch(c.ctx)
    sent = [o["payload"] for o in batch if o["op_id"] == op_id]
    assert sent == [old_body]
    c.close()


def test_an_op_whose_health_key_was_replaced_is_refused_not_stuck(hq: HQ) -> None:
    """The health key lost (secrets file replaced): the sealed op can never be sent as
    made. It goes to the problems list; the ops after it still go."""
    from counter.store.crypto import HealthCipher

    a = hq.counter("S001")
    member_id = register_with_health(a)
    op_id, _ = health_op(a)
    a.ctx.cipher = HealthCipher(bytes(32))
    services.update_member(a.ctx, a.actor, member_id, {"address": "上海市静安区1号"})
    report = sync_once(a.ctx)
    assert report.errors == ()
    assert sql(a.ctx, "SELECT code FROM sync_problems WHERE op_id = ?", op_id) == [
        ("health_data_unreadable",)
    ]
    assert [r[0] for r in sql(a.ctx, "SELECT state FROM outbox ORDER BY seq")] == [
        "applied",
        "applied",
        "rejected",
        "applied",
    ]
    assert hq_member(a.ctx, phone=PHONE)["address"] == "上海市静安区1号"
