"""Signed cursors, and HQ noticing that its data is older than a counter's (hq.rewind).

The restores themselves (a backup put back, pg_dump/pg_restore) are in
tests/test_sync_restore.py; here the evidence is made by hand: a member row set back to
an older seq, an op row deleted, which is what a restore leaves behind.
"""

from __future__ import annotations

import base64

from hqkit import HQEnv
from sqlalchemy import delete, update

from hq.models import Complaint, Member, StoredOp


def _text(cursor: str) -> str:
    return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode("ascii")).decode("ascii").rstrip("=")


def _refused(resp: object, code: str, status: int) -> dict[str, object]:
    assert getattr(resp, "status_code", None) == status, getattr(resp, "text", resp)
    error: dict[str, object] = resp.json()["error"]  # type: ignore[attr-defined]
    assert error["code"] == code, error
    return error


def test_a_forged_or_extended_cursor_is_refused(fresh_env: HQEnv) -> None:
    s1 = fresh_env.store("S1")
    for _ in range(3):
        s1.new_member()
    page = s1.get("/v1/members/changes", limit=1).json()
    real = page["next_cursor"]
    feed, epoch, seq, last_id, mac = _text(real).split(":")
    assert (feed, int(seq)) == ("m2", page["items"][0]["seq"])
    assert last_id == page["items"][0]["id"]
    forged = [
        _cursor(f"{feed}:{epoch}:{int(seq) + 1}:{last_id}:{mac}"),  # extended: skips a change
        _cursor(f"{feed}:{epoch}:{seq}:{last_id}:{'A' * 16}"),  # made up
        _cursor(f"{feed}:{epoch}:0:{last_id}:{mac}"),
        _cursor(f"c2:{epoch}:{seq}:{last_id}:{mac}"),  # the other feed
    ]
    for cursor in forged:
        _refused(s1.get("/v1/members/changes", cursor=cursor), "invalid_cursor", 400)
    assert s1.get("/v1/members/changes", cursor=real).status_code == 200
    # a cursor of an HQ before signed cursors: the counter starts afresh, once
    old = _refused(
        s1.get("/v1/members/changes", cursor=_cursor(f"m1:{epoch}:{seq}")), "epoch_changed", 409
    )
    assert old["details"] == {"epoch": epoch, "reason": "cursor_outdated"}
    # nothing of it renewed the epoch
    assert s1.get("/v1/health").json()["epoch"] == epoch


def test_health_reports_the_head_of_the_change_sequence(fresh_env: HQEnv) -> None:
    s1 = fresh_env.store("S1")
    before = s1.get("/v1/health").json()["head_seq"]
    member = s1.new_member()
    assert s1.get("/v1/health").json()["head_seq"] == member["seq"] > before


def test_a_cursor_ahead_of_hq_renews_the_epoch_once(fresh_env: HQEnv) -> None:
    s1, s2 = fresh_env.store("S1"), fresh_env.store("S2")
    s1.new_member()
    late = s1.new_member()
    _, cursor = s1.pull()
    epoch = s1.get("/v1/health").json()["epoch"]
    # HQ's data goes back to before the last registration (what a restore leaves behind)
    with fresh_env.engine.begin() as conn:
        conn.execute(update(Member).where(Member.id == late["id"]).values(seq=1))
    error = _refused(s1.get("/v1/members/changes", cursor=cursor), "epoch_changed", 409)
    new = error["details"]
    assert isinstance(new, dict) and new["reason"] == "hq_restored"
    assert new["epoch"] != epoch == _text(str(cursor)).split(":")[1]
    # every counter learns it, also one that shows no evidence
    assert s2.get("/v1/health").json()["epoch"] == new["epoch"]
    # the same evidence again is just an old epoch now: no second renewal
    again = _refused(s1.get("/v1/members/changes", cursor=cursor), "epoch_changed", 409)
    assert again["details"] == {"epoch": new["epoch"]}


def test_a_complaint_cursor_ahead_of_hq_renews_the_epoch(fresh_env: HQEnv) -> None:
    s1 = fresh_env.store("S1")
    entity = s1.applied(s1.complaint())["entity"]
    _, cursor = s1.pull("/v1/complaints/changes")
    with fresh_env.engine.begin() as conn:
        conn.execute(delete(Complaint).where(Complaint.id == entity["id"]))
    error = _refused(s1.get("/v1/complaints/changes", cursor=cursor), "epoch_changed", 409)
    assert error["details"]["reason"] == "hq_restored"  # type: ignore[index]


def test_an_applied_op_hq_no_longer_has_renews_the_epoch(fresh_env: HQEnv) -> None:
    s1 = fresh_env.store("S1")
    op = s1.register()
    s1.applied(op)
    ok = s1.get("/v1/members/changes", checkpoint=op["op_id"])
    assert ok.status_code == 200, ok.text
    epoch = s1.get("/v1/health").json()["epoch"]
    _refused(s1.get("/v1/members/changes", checkpoint="not an op id"), "invalid_checkpoint", 400)
    # another store's op is not this store's checkpoint
    s2 = fresh_env.store("S2")
    assert s2.get("/v1/health").json()["epoch"] == epoch
    with fresh_env.engine.begin() as conn:
        conn.execute(delete(StoredOp).where(StoredOp.op_id == op["op_id"]))
    error = _refused(s1.get("/v1/members/changes", checkpoint=op["op_id"]), "epoch_changed", 409)
    assert error["details"]["reason"] == "hq_restored"  # type: ignore[index]
    assert s2.get("/v1/health").json()["epoch"] == error["details"]["epoch"] != epoch  # type: ignore[index]
