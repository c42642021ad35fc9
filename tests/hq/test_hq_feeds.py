"""The read side over real HTTP, on SQLite and PostgreSQL: the member change feed, the
complaint feed, lookups, the config with its ETag, and member-app codes."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from hqkit import HQEnv, new_card, new_phone, seqs
from sqlalchemy import select

from counter.care_rules import DEFAULT_CARE
from counter.codes import CodeRefused, load_public_keys, verify_member_token
from counter.contract import parse_member_record
from counter.rules import DEFAULT_CONFIG, from_config, rules_version
from hq.config import rotate_key, set_rules
from hq.db import renew_epoch
from hq.members import delete_member, merge_members
from hq.models import Member, PointsEntry
from hq.seed import seed_members

RECORD_KEYS = [
    "id", "seq", "status", "member_no", "name", "gender", "birthday", "phone", "email",
    "address", "education", "income", "marital_status", "tier", "tier_spend_fen", "points",
    "points_expiring",
    "recent_visits", "health", "cards", "updated_at",
]  # fmt: skip

# ------------------------------------------------------------------ member changes


def test_changes_page_through_everything_in_seq_order(fresh_env: HQEnv) -> None:
    seed_members(fresh_env.engine, 120)
    s1 = fresh_env.store("S1")
    pages = list(s1.pages(limit=50))
    assert [len(p["items"]) for p in pages] == [50, 50, 20]
    assert [p["has_more"] for p in pages] == [True, True, False]
    items = [i for p in pages for i in p["items"]]
    assert seqs(items) == list(range(1, 121))
    for item in items:
        parse_member_record(item)
        assert list(item) == RECORD_KEYS  # exactly the documented shape, in its order
    # nothing new: the last cursor gives an empty page and stays where it is
    last = pages[-1]["next_cursor"]
    empty = s1.get("/v1/members/changes", cursor=last).json()
    assert empty == {"items": [], "next_cursor": last, "has_more": False}


def test_the_same_cursor_gives_the_same_page(fresh_env: HQEnv) -> None:
    seed_members(fresh_env.engine, 30)
    s1 = fresh_env.store("S1")
    first = s1.get("/v1/members/changes", limit=10).json()
    cursor = first["next_cursor"]
    a = s1.get("/v1/members/changes", cursor=cursor, limit=10)
    b = s1.get("/v1/members/changes", cursor=cursor, limit=10)
    assert a.status_code == b.status_code == 200
    assert a.content == b.content
    # a change after the cursor: the same cursor now gives a superset of what is new
    member = a.json()["items"][0]
    s1.applied(s1.redeem(member["id"], 1, offline=True))
    items, _ = s1.pull(cursor=cursor)
    assert member["id"] in {i["id"] for i in items}
    assert seqs(items) == sorted(set(seqs(items)))


def test_changed_members_move_to_the_end_of_the_feed(fresh_env: HQEnv) -> None:
    seed_members(fresh_env.engine, 20)
    s1 = fresh_env.store("S1")
    items, cursor = s1.pull()
    target = items[4]
    result = s1.applied(s1.earn(target["id"], "R-1", 9_900, tier=target["tier"],
                                birthday=dt.date.fromisoformat(target["birthday"])))  # fmt: skip
    new, cursor2 = s1.pull(cursor=cursor)
    assert [i["id"] for i in new] == [target["id"]]
    assert new[0]["seq"] == result["seq"] > 20
    assert new[0] == result["entity"]
    full, _ = s1.pull()
    assert len(full) == 20  # each member once, at its latest seq
    assert seqs(full) == sorted(seqs(full))
    assert s1.pull(cursor=cursor2)[0] == []


def test_deleted_and_merged_members_come_as_tombstones(fresh_env: HQEnv) -> None:
    s1 = fresh_env.store("S1")
    a = s1.new_member(card_no=(card_a := new_card()))
    b = s1.new_member()
    c = s1.new_member(phone=(phone_c := new_phone()))
    s1.applied(s1.earn(a["id"], "R-a", 10_000))
    _, cursor = s1.pull()
    merged_seq, target_seq = merge_members(fresh_env.engine, a["id"], b["id"])
    deleted_seq = delete_member(fresh_env.engine, c["id"])
    items, _ = s1.pull(cursor=cursor)
    by_id = {i["id"]: i for i in items}
    assert by_id[a["id"]] == {"id": a["id"], "seq": merged_seq, "status": "merged",
                              "merged_into": b["id"]}  # fmt: skip
    assert by_id[c["id"]] == {"id": c["id"], "seq": deleted_seq, "status": "deleted"}
    assert parse_member_record(by_id[a["id"]])["merged_into"] == b["id"]
    target = parse_member_record(by_id[b["id"]])
    assert target["seq"] == target_seq
    assert target["points"] == 100  # the merged member's points moved over
    assert [x["card_no"] for x in target["cards"]] == [card_a]
    assert target["recent_visits"][0]["amount_fen"] == 10_000
    # a deleted member's phone may register again; ops for a merged member follow the merge
    s1.new_member(phone=phone_c)
    redeemed = s1.applied(s1.redeem(a["id"], 40))
    assert redeemed["entity"]["id"] == b["id"] and redeemed["entity"]["points"] == 60
    s1.rejected(s1.redeem(c["id"], 1, offline=True), "member_not_found")
    with fresh_env.engine.connect() as conn:
        sums = dict(
            conn.execute(
                select(PointsEntry.member_id, PointsEntry.delta).where(
                    PointsEntry.member_id.in_([a["id"], b["id"]]),
                    PointsEntry.kind.in_(["merge_in", "merge_out"]),
                )
            ).all()
        )
    assert sums == {a["id"]: -100, b["id"]: 100}


def test_forgotten_members_complaints_come_again_without_the_person(fresh_env: HQEnv) -> None:
    """PIPL Art. 47: HQ blanks a deleted (or merged) member's data, and the name and phone
    in their complaints, which the store that logged them pulls again."""
    s1 = fresh_env.store("S1")
    a, b, c = s1.new_member(), s1.new_member(), s1.new_member()
    by_a = s1.applied(s1.complaint(member_id=a["id"], customer_phone=new_phone()))["entity"]
    by_c = s1.applied(s1.complaint(member_id=c["id"], customer_name="周红"))["entity"]
    _, cursor = s1.pull("/v1/complaints/changes")
    merge_members(fresh_env.engine, a["id"], b["id"])
    delete_member(fresh_env.engine, c["id"])
    items, _ = s1.pull("/v1/complaints/changes", cursor=cursor)
    again = {i["id"]: i for i in items}
    assert set(again) == {by_a["id"], by_c["id"]}
    for complaint in again.values():
        assert (complaint["customer_name"], complaint["customer_phone"]) == ("", "")
        assert complaint["seq"] > max(by_a["seq"], by_c["seq"])
    with fresh_env.engine.connect() as conn:
        rows = conn.execute(
            select(Member.name, Member.phone, Member.address, Member.health).where(
                Member.id.in_([a["id"], c["id"]])
            )
        ).all()
    assert [tuple(r) for r in rows] == [("", None, "", None)] * 2


@pytest.mark.parametrize("limit", [0, 5001, -1])
def test_limit_must_be_1_to_5000(hq_env: HQEnv, limit: int) -> None:
    resp = hq_env.store().get("/v1/members/changes", limit=limit)
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "validation_failed"


def test_the_largest_page_is_5000(hq_env: HQEnv) -> None:
    resp = hq_env.store().get("/v1/members/changes", limit=5000)
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize("cursor", ["garbage", "bTE6", "", "YzE6eDox", "bTE6eDp4"])
def test_a_cursor_hq_did_not_make_is_refused(hq_env: HQEnv, cursor: str) -> None:
    resp = hq_env.store().get("/v1/members/changes", cursor=cursor)
    if cursor == "":
        assert resp.status_code == 200  # empty: from the beginning
        return
    assert resp.status_code == 400, resp.text
    assert resp.json()["error"]["code"] == "invalid_cursor"


def test_a_complaint_cursor_is_not_a_member_cursor(hq_env: HQEnv) -> None:
    s1 = hq_env.store()
    cursor = s1.get("/v1/complaints/changes").json()["next_cursor"]
    resp = s1.get("/v1/members/changes", cursor=cursor)
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "invalid_cursor"


def test_a_cursor_from_another_epoch_is_409(fresh_env: HQEnv) -> None:
    seed_members(fresh_env.engine, 10)
    s1 = fresh_env.store("S1")
    cursor = s1.get("/v1/members/changes", limit=3).json()["next_cursor"]
    complaints = s1.get("/v1/complaints/changes").json()["next_cursor"]
    with fresh_env.engine.begin() as conn:
        epoch = renew_epoch(conn)
    for path, c in (("/v1/members/changes", cursor), ("/v1/complaints/changes", complaints)):
        resp = s1.get(path, cursor=c)
        assert resp.status_code == 409, resp.text
        error = resp.json()["error"]
        assert error["code"] == "epoch_changed" and error["details"] == {"epoch": epoch}
    assert s1.get("/v1/health").json()["epoch"] == epoch
    # starting afresh works, and the new cursors carry the new epoch
    assert len(s1.pull()[0]) == 10


def test_the_feed_needs_a_token(hq_env: HQEnv) -> None:
    s1 = hq_env.store()
    resp = s1.session.get(s1.url + "/v1/members/changes", headers={"Authorization": ""})
    assert resp.status_code == 401


# ------------------------------------------------------------------ lookup


def test_lookup_by_card_or_phone(hq_env: HQEnv) -> None:
    s1 = hq_env.store()
    member = s1.new_member(card_no=(card := new_card()))
    by_card = s1.get("/v1/members/lookup", card_no=card)
    by_phone = s1.get("/v1/members/lookup", phone=member["phone"])
    assert by_card.status_code == by_phone.status_code == 200
    assert by_card.json() == by_phone.json()
    assert parse_member_record(by_card.json()["member"]) == member
    missing = s1.get("/v1/members/lookup", phone=new_phone())
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "member_not_found"
    bad_card = s1.get("/v1/members/lookup", card_no="8800000000000014")
    assert bad_card.status_code == 422 and bad_card.json()["error"]["code"] == "invalid_card_no"
    assert s1.get("/v1/members/lookup").status_code == 422
    assert s1.get("/v1/members/lookup", card_no=card, phone=member["phone"]).status_code == 422


# ------------------------------------------------------------------ complaints feed


def test_a_store_reads_only_its_own_complaints(hq_env: HQEnv) -> None:
    s1, s2 = hq_env.store("S1"), hq_env.store("S2")
    mine = s1.applied(s1.complaint())["entity"]
    theirs = s2.applied(s2.complaint())["entity"]
    items1, _ = s1.pull("/v1/complaints/changes")
    items2, _ = s2.pull("/v1/complaints/changes")
    assert mine["id"] in {i["id"] for i in items1}
    assert theirs["id"] not in {i["id"] for i in items1}
    assert {i["store_code"] for i in items1} == {"S1"}
    assert {i["store_code"] for i in items2} == {"S2"}
    # nor can it change them: another store's complaint is not found
    s1.rejected(s1.complaint_update(theirs["id"], status="handling"), "complaint_not_found")
    s1.rejected(s1.complaint(complaint_id=theirs["id"]), "complaint_exists")


def test_complaint_feed_pages_and_resumes(fresh_env: HQEnv) -> None:
    s1 = fresh_env.store("S1")
    ids = [s1.applied(s1.complaint())["entity"]["id"] for _ in range(5)]
    pages = list(s1.pages("/v1/complaints/changes", limit=2))
    assert [len(p["items"]) for p in pages] == [2, 2, 1]
    cursor = pages[-1]["next_cursor"]
    updated = s1.applied(s1.complaint_update(ids[0], status="handling", note="处理中"))
    items, _ = s1.pull("/v1/complaints/changes", cursor=cursor)
    assert items == [updated["entity"]]
    assert items[0]["notes"][0]["operator_id"] == "op-1"


# ------------------------------------------------------------------ config


def test_config_is_the_default_rules_and_the_valid_keys(fresh_env: HQEnv) -> None:
    s1 = fresh_env.store()
    resp = s1.get("/v1/config")
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == {
        "version", "rules_version", "points", "complaints", "qr_keys", "health",
        "consent_texts", "card_blocks", "care",
    }  # fmt: skip
    assert body["care"] == DEFAULT_CARE
    assert "高血压" in body["health"]["chronic_conditions"]
    assert "青霉素" in body["health"]["allergy_classes"]
    assert body["consent_texts"]["health"]["version"] == "health-2026.1"
    assert body["card_blocks"] == {"S1": "887000001", "S2": "887000002"}
    assert body["rules_version"] == rules_version(DEFAULT_CONFIG)
    assert body["points"] == DEFAULT_CONFIG["points"]
    assert body["complaints"] == DEFAULT_CONFIG["complaints"]
    assert resp.headers["ETag"] == f'"{body["version"]}"'
    assert list(body["qr_keys"]) == ["1"]
    assert load_public_keys(body["qr_keys"])
    from_config(body)  # the counter can compute with it


def test_config_etag_and_304(fresh_env: HQEnv) -> None:
    s1 = fresh_env.store()
    first = s1.get("/v1/config")
    etag = first.headers["ETag"]
    same = s1.session.get(s1.url + "/v1/config", headers={"If-None-Match": etag}, timeout=10)
    assert same.status_code == 304 and same.content == b""
    assert same.headers["ETag"] == etag
    assert (
        s1.session.get(
            s1.url + "/v1/config", headers={"If-None-Match": f'W/{etag}, "other"'}, timeout=10
        ).status_code
        == 304
    )
    other = s1.session.get(s1.url + "/v1/config", headers={"If-None-Match": '"x"'}, timeout=10)
    assert other.status_code == 200 and other.json() == first.json()
    # the chain changes a rule: a new version, and the old ETag no longer matches
    rules: dict[str, Any] = json.loads(json.dumps(DEFAULT_CONFIG))
    rules["points"]["offline_redeem_cap_per_day"] = 300
    with fresh_env.engine.begin() as conn:
        set_rules(conn, rules)
    changed = s1.session.get(s1.url + "/v1/config", headers={"If-None-Match": etag}, timeout=10)
    assert changed.status_code == 200
    assert changed.json()["points"]["offline_redeem_cap_per_day"] == 300
    assert changed.headers["ETag"] != etag
    # and HQ computes with the new rules too
    rules["points"]["yuan_per_point"] = 2
    with fresh_env.engine.begin() as conn:
        set_rules(conn, rules)
    member = s1.new_member()
    s1.rejected(s1.earn(member["id"], "R-2", 10_000), "points_mismatch")
    s1.applied(s1.earn(member["id"], "R-2", 10_000, points=50))


def test_rotating_keys_lists_old_and_new_and_signs_with_the_new(fresh_env: HQEnv) -> None:
    s1 = fresh_env.store()
    member = s1.new_member(card_no=(card := new_card()))
    before = s1.get("/v1/config").json()
    with fresh_env.engine.begin() as conn:
        rotate_key(conn)
    after = s1.get("/v1/config").json()
    assert list(after["qr_keys"]) == ["1", "2"]
    assert after["qr_keys"]["1"] == before["qr_keys"]["1"]
    assert after["version"] != before["version"]
    code = s1.post("/v1/member-app/code", {"card_no": card}).json()
    keys = load_public_keys(after["qr_keys"])
    token = verify_member_token(code["token"], keys, dt.datetime.now(dt.UTC))
    assert token.key_id == 2 and token.member_no == member["member_no"]
    # a counter that has only the old keys cannot check it yet (it must sync first)
    with pytest.raises(CodeRefused) as refused:
        verify_member_token(
            code["token"], load_public_keys(before["qr_keys"]), dt.datetime.now(dt.UTC)
        )
    assert refused.value.code == "unknown_key"


# ------------------------------------------------------------------ member-app code


def test_member_app_code_verifies_with_the_configs_keys(hq_env: HQEnv) -> None:
    s1 = hq_env.store()
    member = s1.new_member(card_no=(card := new_card()))
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for body in ({"card_no": card}, {"phone": member["phone"]}):
        resp = s1.post("/v1/member-app/code", body)
        assert resp.status_code == 200, resp.text
        code = resp.json()
        assert set(code) == {"token", "member_no", "expires_at"}
        assert code["member_no"] == member["member_no"]
        keys = load_public_keys(s1.get("/v1/config").json()["qr_keys"])
        token = verify_member_token(code["token"], keys, dt.datetime.now(dt.UTC))
        assert token.member_no == member["member_no"]
        expires = dt.datetime.fromisoformat(code["expires_at"].replace("Z", "+00:00"))
        assert token.expires_at == expires
        assert dt.timedelta(seconds=59) <= expires - before <= dt.timedelta(seconds=62)


def test_member_app_code_refusals(hq_env: HQEnv) -> None:
    s1 = hq_env.store()
    missing = s1.post("/v1/member-app/code", {"phone": new_phone()})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "member_not_found"
    for body in ({}, {"card_no": new_card(), "phone": new_phone()}):
        resp = s1.post("/v1/member-app/code", body)
        assert resp.status_code == 422
    resp = s1.post("/v1/member-app/code", {"card_no": "1234"})
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "invalid_card_no"
    no_token = s1.session.post(
        s1.url + "/v1/member-app/code",
        json={"card_no": new_card()},
        headers={"Authorization": ""},
        timeout=10,
    )
    assert no_token.status_code == 401


def test_ids_of_new_members_are_kept_as_sent(hq_env: HQEnv) -> None:
    s1 = hq_env.store()
    member_id = str(uuid.uuid4())
    assert s1.new_member(member_id=member_id)["id"] == member_id
