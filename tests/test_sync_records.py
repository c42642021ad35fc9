"""The fast page path accepts exactly what the reference parser accepts, with equal rows."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from counter.bench.members import member_record
from counter.contract import ContractError, parse_member_record
from counter.store.crypto import HealthCipher
from counter.sync.pages import (
    MEMBER_COLUMNS,
    PreparedRecords,
    _decode_page,
    _fast,
    _typed,
    add_record,
    prepare_page_body,
    prepare_page_bytes,
    prepare_records,
)
from counter.sync.records import parse_complaint_record

HEALTH_COLUMN = MEMBER_COLUMNS.index("health_enc")

BASE: dict[str, Any] = {
    **member_record(3),
    "email": "a@b.cn",
    "address": "上海市黄浦区人民路 1 号",
    "education": "bachelor",
    "income": None,
    "marital_status": "married",
    "birthday": "1990-05-01",
    "health": {"allergies": ["青霉素"], "chronic": [], "medicines": []},
    "points_expiring": [{"points": 300, "expires_on": "2026-12-31"}],
    "recent_visits": [{"at": "2026-11-01T03:00:00.123Z", "store_code": "S001", "amount_fen": 1}],
    "updated_at": "2026-11-01T08:00:00.000Z",
}
BASE["cards"] = [*BASE["cards"], {"card_no": "8800000000000013", "status": "lost"}]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63)
    | st.sampled_from(
        [
            "", " ", "F", "X", "basic", "gold", "active", "deleted", "1990-05-01", "1990-5-1",
            "19900501", "2026-11-01T08:00:00Z", "2026-11-01T08:00:00.5Z", "2026-11-01 08:00:00Z",
            "2026-11-01T08:00:00+08:00", "2026-13-01T08:00:00Z", "13812345678", "13812345678\n",
            " 13812345678", "张三 ", "a@b", "8800000000000013", "8800000000000012",
            "01890A5D-AC96-774B-BCCE-B302099A8057", "{01890a5d-ac96-774b-bcce-b302099a8057}",
            "1000000001", "１２３", "x" * 33, "x" * 300,
        ]
    )
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)  # fmt: skip

PATHS = [
    ("id",), ("seq",), ("status",), ("member_no",), ("name",), ("phone",), ("gender",),
    ("birthday",), ("email",), ("address",), ("education",), ("income",), ("marital_status",),
    ("health",), ("tier",), ("points",), ("updated_at",), ("cards",), ("points_expiring",),
    ("tier_spend_fen",),
    ("recent_visits",), ("cards", 0, "card_no"), ("cards", 0, "status"),
    ("cards", 1, "valid_until"), ("points_expiring", 0, "points"),
    ("points_expiring", 0, "expires_on"), ("recent_visits", 0, "at"),
    ("recent_visits", 0, "store_code"), ("recent_visits", 0, "amount_fen"),
]  # fmt: skip


CIPHER = HealthCipher(bytes(32))
NOW = "2026-11-23T00:00:00.000000+00:00"


def _readable(prepared: PreparedRecords) -> Any:
    """The rows with health ciphertext (random nonce) replaced by what it decrypts to."""
    members = [
        tuple(
            CIPHER.decrypt(m[0], v) if i == HEALTH_COLUMN and v is not None else v
            for i, v in enumerate(m)
        )
        for m in prepared.members
    ]
    return members, prepared.keys, prepared.cards, prepared.gone


def reference(item: Any) -> Any:
    try:
        out = PreparedRecords()
        add_record(out, parse_member_record(item), CIPHER, NOW)
        return _readable(out)
    except ContractError as exc:
        return ("refused", exc.code)


def fast(item: Any) -> Any:
    try:
        return _readable(prepare_records([item], CIPHER, NOW))
    except ContractError as exc:
        return ("refused", exc.code)


def test_the_usual_record_takes_the_fast_path_and_agrees() -> None:
    out = PreparedRecords()
    _fast(copy.deepcopy(BASE), out, CIPHER, NOW)  # no fallback for the usual shape
    assert _readable(out) == reference(BASE) == fast(BASE)
    member = out.members[0]
    assert member[MEMBER_COLUMNS.index("updated_at")] == "2026-11-01T08:00:00.000000+00:00"
    assert member[MEMBER_COLUMNS.index("tier_spend_fen")] == 0  # absent (an HQ before 1.1)
    assert json.loads(member[MEMBER_COLUMNS.index("recent_visits")])[0]["at"] == (
        "2026-11-01T03:00:00.123000Z"
    )


def changed(path: tuple[Any, ...], value: Any, delete: bool) -> Any:
    """BASE with the field at ``path`` set to ``value`` (or removed)."""
    item = copy.deepcopy(BASE)
    target = item
    for key in path[:-1]:
        target = target[key]
    if delete:
        target.pop(path[-1], None)
    else:
        target[path[-1]] = value
    return item


@settings(max_examples=400, deadline=None)
@given(
    path=st.sampled_from(PATHS),
    value=json_values,
    delete=st.booleans(),
)
def test_any_one_field_changed_both_parsers_agree(
    path: tuple[Any, ...], value: Any, delete: bool
) -> None:
    item = changed(path, value, delete)
    assert fast(item) == reference(item)


def _page(*items: Any) -> bytes:
    body = {"items": list(items), "next_cursor": "c9", "has_more": True}
    return json.dumps(body, ensure_ascii=False).encode()


def from_bytes(*items: Any) -> Any:
    try:
        return _readable(prepare_page_bytes(_page(*items), CIPHER, NOW).records)
    except ContractError as exc:
        return ("refused", exc.code)


def test_the_usual_page_takes_the_typed_path_and_agrees() -> None:
    items = [copy.deepcopy(BASE), *(member_record(i) for i in range(1, 40))]
    typed = _typed(_decode_page(_page(*items)), CIPHER, NOW)  # no fallback for these
    assert _readable(typed) == _readable(prepare_records(items, CIPHER, NOW))
    assert typed.members and typed.keys and typed.cards
    page = prepare_page_bytes(_page(*items), CIPHER, NOW)
    assert (page.next_cursor, page.has_more) == ("c9", True)


@settings(max_examples=400, deadline=None)
@given(
    path=st.sampled_from(PATHS),
    value=json_values,
    delete=st.booleans(),
)
def test_any_one_field_changed_the_typed_path_agrees(
    path: tuple[Any, ...], value: Any, delete: bool
) -> None:
    item = changed(path, value, delete)
    # After a usual record, so a refusal or a fallback has rows before it to keep or drop.
    assert from_bytes(member_record(5), item) == fast_page(member_record(5), item)


def fast_page(*items: Any) -> Any:
    try:
        return _readable(prepare_page_body(json.loads(_page(*items)), CIPHER, NOW).records)
    except ContractError as exc:
        return ("refused", exc.code)


@pytest.mark.parametrize(
    "body",
    [b"[]", b"{}", b'{"items": [], "next_cursor": "", "has_more": false}', b"{", b"nul"],
)
def test_odd_pages_from_bytes_as_from_the_decoded_body(body: bytes) -> None:
    def outcome(decode: Any) -> Any:
        try:
            page = decode()
        except ContractError as exc:
            return ("refused", exc.code)
        except ValueError:
            return "not json"
        return page.next_cursor, page.has_more, _readable(page.records)

    assert outcome(lambda: prepare_page_bytes(body, CIPHER, NOW)) == outcome(
        lambda: prepare_page_body(json.loads(body), CIPHER, NOW)
    )


@pytest.mark.parametrize(
    "item",
    [
        {"id": BASE["id"], "seq": 3, "status": "deleted"},
        {"id": BASE["id"], "seq": 3, "status": "merged", "merged_into": BASE["id"]},
        [],
        None,
    ],
)
def test_tombstones_and_junk_go_the_reference_way(item: Any) -> None:
    assert fast(item) == reference(item)
    assert from_bytes(member_record(2), item) == fast_page(member_record(2), item)


def test_complaint_records_are_checked() -> None:
    record = {
        "id": "01890a5d-ac96-774b-bcce-b302099a8057",
        "seq": 4,
        "store_code": "S001",
        "member_id": None,
        "customer_name": "王女士",
        "customer_phone": "",
        "category": "price",
        "severity": "low",
        "channel": "phone",
        "description": "贵",
        "wants": "",
        "status": "handling",
        "due_at": "2026-11-04T00:00:00Z",
        "created_at": "2026-11-01T00:00:00Z",
        "updated_at": "2026-11-01T00:00:00Z",
        "notes": [
            {"id": "n1", "at": "2026-11-01T01:00:00Z", "operator_id": "o", "text": "已联系",
             "new_status": "handling"}
        ],
        "followup": None,
    }  # fmt: skip
    parsed = parse_complaint_record(record)
    assert parsed["notes"][0]["new_status"] == "handling"
    with pytest.raises(ContractError):
        parse_complaint_record({**record, "status": "lost"})
    with pytest.raises(ContractError):
        parse_complaint_record({**record, "notes": [{"id": "n1"}]})


@settings(max_examples=300)
@given(st.text(alphabet="曾单张小明区仇欧阳娜乐华解朴 ·aB1行长重查", max_size=12))
def test_search_keys_agree_with_the_separate_functions(name: str) -> None:
    from counter.names import full_pinyin, initials, initials_variants, search_keys

    assert search_keys(name) == (full_pinyin(name), initials(name), tuple(initials_variants(name)))


@given(st.text(alphabet="0123456789", min_size=15, max_size=15))
def test_the_table_luhn_is_the_luhn(body: str) -> None:
    from counter.codes import is_card_no, make_card_no
    from counter.sync.pages import card_ok as _card_ok

    good = make_card_no(body)
    assert _card_ok(good) and is_card_no(good)
    for wrong in range(10):
        candidate = body + str(wrong)
        assert _card_ok(candidate) == is_card_no(candidate)
