"""Scan to member through the service layer, on a real cache loaded as sync loads it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counter import codes, services
from counter.codes import make_card_no
from counter.contract import parse_member_record
from counter.privacy import mask_name
from counter.store.models import KeyValue
from counter.sync.apply import apply_member_records

NOW = dt.datetime(2026, 11, 8, 2, 0, tzinfo=dt.UTC)  # 10:00 in China, the 8th: member day
SIGNING_KEY = codes.new_signing_key()


def _record(i: int, name: str, phone: str, **extra: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "id": f"01890a5d-ac96-774b-bcce-{i:012d}",
        "seq": i,
        "status": "active",
        "member_no": f"{1000000000 + i}",
        "name": name,
        "gender": "M",
        "birthday": "1985-11-20",
        "phone": phone,
        "tier": "gold",
        "points": 100 * i,
        "updated_at": "2026-11-01T00:00:00Z",
        "cards": [{"card_no": make_card_no(f"{880000000000000 + i}"), "status": "active"}],
    }
    rec.update(extra)
    return rec


MEMBERS = [
    _record(
        1,
        "曾小明",
        "13812341234",
        health={"allergies": ["青霉素"], "chronic": [], "medicines": []},
        points_expiring=[{"points": 300, "expires_on": "2026-12-31"}],
        recent_visits=[{"at": "2026-11-01T03:00:00Z", "store_code": "S001", "amount_fen": 4250}],
    ),
    _record(2, "张伟", "13912349999"),
    _record(
        3,
        "张伟强",
        "15012341234",
        gender="F",
        birthday="1962-03-04",
        address="江苏省苏州市姑苏区人民路12号锦绣花园3栋",
        recent_visits=[
            {"at": "2026-10-30T03:00:00Z", "store_code": "S002", "amount_fen": 100},
            {"at": "2026-10-02T17:00:00Z", "store_code": "S001", "amount_fen": 200},
        ],
    ),
    _record(4, "欧阳娜娜", "18600005678"),
]


@pytest.fixture
def loaded(ctx: services.ServiceContext) -> services.ServiceContext:
    ctx.clock = lambda: NOW
    with ctx.db.bulk() as s:
        apply_member_records(s, [parse_member_record(r) for r in MEMBERS], ctx.cipher, NOW)
        s.add(
            KeyValue(
                key="hq_config",
                value=json.dumps({"qr_keys": {"7": codes.public_key_b64(SIGNING_KEY)}}),
            )
        )
    return ctx


def test_card_scan_finds_the_member_masked_for_the_cashier(
    loaded: services.ServiceContext, cashier: services.Actor
) -> None:
    result = services.lookup(loaded, cashier, make_card_no("880000000000001") + "\r\n")
    assert result.outcome == "found" and result.member is not None
    m = result.member
    assert (m.name, m.phone, m.birthday) == ("曾*明", "138****1234", None)
    assert m.allergies == ("青霉素",)
    assert [(e.points, e.expires_on) for e in m.points_expiring] == [(300, dt.date(2026, 12, 31))]
    assert m.recent_visits[0].amount_fen == 4250
    assert m.badges == {"birthday_month", "member_day"}


def test_misread_card_is_refused_before_any_lookup(
    loaded: services.ServiceContext, cashier: services.Actor
) -> None:
    good = make_card_no("880000000000001")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    result = services.lookup(loaded, cashier, bad)
    assert (result.outcome, result.reason) == ("refused", "card_misread")
    assert result.message("zh_CN") and result.message("en")


def test_dynamic_qr_verified_offline(
    loaded: services.ServiceContext, cashier: services.Actor
) -> None:
    token = codes.mint_member_token(SIGNING_KEY, 7, "1000000004", NOW - dt.timedelta(seconds=10))
    result = services.lookup(loaded, cashier, token)
    assert result.outcome == "found" and result.member is not None
    assert result.member.member_no == "1000000004"

    expired = codes.mint_member_token(SIGNING_KEY, 7, "1000000004", NOW - dt.timedelta(minutes=9))
    assert services.lookup(loaded, cashier, expired).reason == "expired"
    forged = codes.mint_member_token(codes.new_signing_key(), 7, "1000000004", NOW)
    assert services.lookup(loaded, cashier, forged).reason == "bad_signature"
    unknown = codes.mint_member_token(SIGNING_KEY, 8, "1000000004", NOW)
    assert services.lookup(loaded, cashier, unknown).reason == "unknown_key"


@pytest.mark.parametrize(
    ("text", "outcome", "names"),
    [
        ("13912349999", "found", ["张伟"]),
        ("139 1234 9999", "found", ["张伟"]),
        ("1234", "choices", ["曾小明", "张伟强"]),  # two phones end in 1234
        ("5678", "found", ["欧阳娜娜"]),
        ("张伟", "choices", ["张伟", "张伟强"]),
        ("欧阳", "found", ["欧阳娜娜"]),
        ("zxm", "found", ["曾小明"]),  # 曾 read zeng
        ("cxm", "found", ["曾小明"]),  # 曾 read ceng: heteronyms included
        ("ZW", "choices", ["张伟", "张伟强"]),
        ("oynn", "found", ["欧阳娜娜"]),
        ("13700000000", "not_found", []),
        ("王", "not_found", []),
    ],
)
def test_phone_name_and_initials(
    loaded: services.ServiceContext,
    service_actor: services.Actor,
    text: str,
    outcome: str,
    names: list[str],
) -> None:
    result = services.lookup(loaded, service_actor, text)
    assert result.outcome == outcome
    names = [mask_name(n) for n in names]  # masked for every role (DESIGN §7)
    if outcome == "found":
        assert result.member is not None and [result.member.name] == names
    elif outcome == "choices":
        assert sorted(c.name for c in result.choices) == sorted(names)
        assert all("****" in c.phone for c in result.choices)
        picked = services.choose(loaded, service_actor, result.choices[0].member_id)
        assert picked.outcome == "found"
    else:
        assert result.message("zh_CN")


def test_the_pick_list_tells_people_apart_without_unmasking(
    loaded: services.ServiceContext,
) -> None:
    """Birth year, gender, district and the last visit to this store; never the street,
    never the full name or phone, whoever asks."""
    manager = services.create_operator(loaded, "陈刚", "manager", "3333")
    result = services.lookup(loaded, manager, "1234")
    by_name = {c.name: c for c in result.choices}
    assert set(by_name) == {"曾*明", "张*强"}
    zhang = by_name["张*强"]
    assert (zhang.phone, zhang.birth_year, zhang.gender) == ("150****1234", 1962, "F")
    assert zhang.district == "姑苏区"
    assert zhang.last_visit_here == dt.date(2026, 10, 3)  # 17:00 UTC is the 3rd in China
    zeng = by_name["曾*明"]
    assert (zeng.birth_year, zeng.district, zeng.last_visit_here) == (
        1985,
        "",
        dt.date(2026, 11, 1),
    )


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=200) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_lookup_never_raises_and_always_explains(
    loaded: services.ServiceContext, cashier: services.Actor, text: str
) -> None:
    result = services.lookup(loaded, cashier, text)
    assert result.outcome in ("found", "choices", "not_found", "refused")
    if result.outcome in ("not_found", "refused"):
        assert result.reason and result.zh and result.en
