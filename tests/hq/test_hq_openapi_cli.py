"""The committed OpenAPI snapshot, the served /openapi.json, and the sync-era CLI commands."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import requests
from hqkit import HQEnv, new_card

from counter.codes import load_public_keys, verify_member_token
from hq.app import openapi_document
from hq.cli import main

SNAPSHOT = Path(__file__).resolve().parents[2] / "docs" / "hq-api-v1.json"
REFRESH = "python -m hq openapi > docs/hq-api-v1.json"


def test_the_openapi_snapshot_matches_the_code() -> None:
    current = openapi_document()
    committed = SNAPSHOT.read_text(encoding="utf-8") if SNAPSHOT.exists() else ""
    assert current == committed, (
        "the API changed but docs/hq-api-v1.json did not: check the change is meant "
        f"(docs/hq-api.md too), then refresh the snapshot with `{REFRESH}`"
    )


def test_the_snapshot_documents_every_v1_route() -> None:
    doc = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert set(doc["paths"]) == {
        "/v1/health", "/v1/store", "/v1/config", "/v1/members/changes",
        "/v1/members/lookup", "/v1/ops", "/v1/complaints/changes", "/v1/member-app/code",
        "/v1/care/changes",
    }  # fmt: skip
    schemas = doc["components"]["schemas"]
    assert {"MemberRecord", "Tombstone", "Operation", "OpResult", "ComplaintRecord"} <= set(schemas)
    ops_body = doc["paths"]["/v1/ops"]["post"]["requestBody"]["content"]["application/json"]
    assert ops_body["schema"] == {"$ref": "#/components/schemas/OpsRequest"}
    assert schemas["OpsRequest"]["properties"]["ops"]["maxItems"] == 500
    changes = doc["paths"]["/v1/members/changes"]["get"]
    limit = next(p for p in changes["parameters"] if p["name"] == "limit")
    assert (limit["schema"]["minimum"], limit["schema"]["maximum"]) == (1, 5000)


def test_openapi_is_served(hq_env: HQEnv) -> None:
    resp = requests.get(hq_env.url + "/openapi.json", timeout=10)
    assert resp.status_code == 200
    assert resp.json() == json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def test_hq_openapi_prints_the_snapshot(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["openapi"]) == 0
    assert capsys.readouterr().out == SNAPSHOT.read_text(encoding="utf-8")


# ------------------------------------------------------------------ CLI


def test_stats_per_store(hq_env: HQEnv, capsys: pytest.CaptureFixture[str]) -> None:
    s2 = hq_env.store("S2")
    member = s2.new_member()
    s2.applied(s2.redeem(member["id"], 3, offline=True))
    op = s2.redeem(member["id"], 10_000)
    s2.rejected(op, "insufficient_points")
    s2.one(op)  # a replay
    capsys.readouterr()
    assert main(["stats", "--json", "--db", hq_env.db_url]) == 0
    stats = {s["code"]: s for s in json.loads(capsys.readouterr().out)}
    s = stats["S2"]
    assert s["applied"]["member.register"] >= 1 and s["applied"]["points.redeem"] >= 1
    assert s["members_registered"] == s["applied"]["member.register"]
    assert s["rejected"]["insufficient_points"] >= 1
    assert s["replays"] >= 1
    assert s["last_contact_at"] is not None
    assert s["applied_total"] == sum(s["applied"].values())
    assert main(["stats", "--db", hq_env.db_url]) == 0
    text = capsys.readouterr().out
    assert "S2" in text and "replays answered" in text and "insufficient_points" in text


def test_member_code_and_key_rotation(fresh_env: HQEnv, capsys: pytest.CaptureFixture[str]) -> None:
    s1 = fresh_env.store()
    member = s1.new_member(card_no=(card := new_card()))
    capsys.readouterr()
    assert main(["member-code", card, "--db", fresh_env.db_url]) == 0
    out, err = capsys.readouterr()
    token = out.strip()
    assert token.startswith("CM1:") and member["member_no"] in err
    assert main(["keys", "rotate", "--db", fresh_env.db_url]) == 0
    assert "key 2 added" in capsys.readouterr().out
    assert main(["member-code", member["phone"], "--db", fresh_env.db_url]) == 0
    rotated = capsys.readouterr().out.strip()
    keys = load_public_keys(s1.get("/v1/config").json()["qr_keys"])
    now = dt.datetime.now(dt.UTC)
    assert verify_member_token(token, keys, now).key_id == 1  # the old key still verifies
    assert verify_member_token(rotated, keys, now).key_id == 2
    assert main(["keys", "list", "--db", fresh_env.db_url]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in listed] == ["1", "2"]
    assert "retires -" in listed[1] and "retires -" not in listed[0]
    assert main(["member-code", "12345", "--db", fresh_env.db_url]) == 1
    assert "neither a card number" in capsys.readouterr().err


def test_config_show_and_set(
    fresh_env: HQEnv, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    capsys.readouterr()
    assert main(["config", "show", "--db", fresh_env.db_url]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown == fresh_env.store().get("/v1/config").json()
    rules = {
        "points": {**shown["points"], "member_days": [8, 18]},
        "complaints": shown["complaints"],
    }
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(rules), encoding="utf-8")
    assert main(["config", "set", str(path), "--db", fresh_env.db_url]) == 0
    assert json.loads(capsys.readouterr().out)["points"]["member_days"] == [8, 18]
    path.write_text(json.dumps({"points": {"yuan_per_point": 0}}), encoding="utf-8")
    assert main(["config", "set", str(path), "--db", fresh_env.db_url]) == 1
    assert "yuan_per_point" in capsys.readouterr().err


def test_member_delete_and_merge(fresh_env: HQEnv, capsys: pytest.CaptureFixture[str]) -> None:
    s1 = fresh_env.store()
    a, b, c = (s1.new_member() for _ in range(3))
    assert main(["member", "merge", a["id"], b["id"], "--db", fresh_env.db_url]) == 0
    assert main(["member", "delete", c["id"], "--db", fresh_env.db_url]) == 0
    assert main(["member", "delete", c["id"], "--db", fresh_env.db_url]) == 1
    assert "no active member" in capsys.readouterr().err
    statuses = {i["id"]: i["status"] for i in s1.pull()[0]}
    assert (statuses[a["id"]], statuses[b["id"]], statuses[c["id"]]) == (
        "merged", "active", "deleted",
    )  # fmt: skip


def test_a_database_of_an_older_hq_is_refused_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE members (id VARCHAR(36) PRIMARY KEY, member_no VARCHAR(10))")
    conn.commit()
    conn.close()
    assert main(["init", "--db", f"sqlite:///{path}"]) == 1
    err = capsys.readouterr().err
    assert "older HQ" in err and "record" in err and "Traceback" not in err
