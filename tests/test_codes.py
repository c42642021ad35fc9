"""Member codes (DESIGN §4): Luhn card numbers, signed member QR tokens, scans, QR images."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import get_args

import pytest
import qrcode
import qrcode.constants
import qrcode.util
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from hypothesis import given, settings
from hypothesis import strategies as st

from counter import base45
from counter.codes import (
    TOKEN_LENGTH,
    TOKEN_PREFIX,
    CodeRefused,
    KeyConfigError,
    MemberToken,
    RefusalCode,
    Scan,
    ScanKind,
    classify_scan,
    is_card_no,
    load_public_keys,
    luhn_valid,
    make_card_no,
    mint_member_token,
    new_signing_key,
    public_key_b64,
    qr_version,
    render_qr,
    verify_member_token,
)
from counter.errors import KnownError

ROOT = Path(__file__).resolve().parents[1]


def _settings(max_examples: int) -> settings:
    """Small budgets keep the suite fast; HYPOTHESIS_PROFILE=ci makes runs reproducible."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=os.environ.get("HYPOTHESIS_PROFILE") == "ci",
    )


# RFC 8032 §7.1 TEST 1: a published key, so the example in docs/member-codes.md can be checked
# by anyone. Never use it for real tokens.
RFC8032_SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
KEY = Ed25519PrivateKey.from_private_bytes(RFC8032_SEED)
OTHER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
KEYS: dict[int, Ed25519PublicKey] = {1: KEY.public_key()}
NOW = datetime(2025, 3, 8, 1, 30, tzinfo=UTC)  # 09:30 in Beijing
MEMBER = "1000000001"

EXAMPLE_TOKEN = (
    "CM1:V50V503O78OPL5DO-JF10+VGB$JYTDN*MVIF4DSFZQ$YK-3RR*1IVOUWDL1KX MI11AXCPZ37PS-AW0AH*QM%709"
    "ITJM2FQVTS05ZSSAPI.FWNT78Q%8S"
)
REFUSAL_CODES = set(get_args(RefusalCode))
BEFORE_TIME_CHECKS = {"malformed", "unsupported_version", "unknown_key", "bad_signature"}

member_nos = st.from_regex(r"[0-9]{10}", fullmatch=True)
key_ids = st.integers(0, 0xFFFF)
moments = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(2106, 2, 6), timezones=st.just(UTC)
)
ttls = st.integers(1, 300).map(lambda s: timedelta(seconds=s))
any_text = st.one_of(
    st.text(),
    st.binary().map(lambda b: b.decode("latin-1")),
    st.text(alphabet=base45.ALPHABET).map(lambda s: TOKEN_PREFIX + s),
)


def _full_width(text: str) -> str:
    """What a Chinese IME in full-width mode types: ０-９, ＋, －, Ａ-Ｚ …"""
    return text.translate({cp: cp + 0xFEE0 for cp in range(0x21, 0x7F)})


def _raw(token: str) -> bytes:
    return base45.decode(token[len(TOKEN_PREFIX) :])


def _text(raw: bytes) -> str:
    return TOKEN_PREFIX + base45.encode(raw)


def _signed(payload: bytes, key: Ed25519PrivateKey = KEY) -> str:
    """A token HQ could have signed with an arbitrary payload, for claims mint refuses to make."""
    return _text(payload + key.sign(payload))


def _payload(
    version: int = 1, key_id: int = 1, member: int = 1000000001, issued: int = 0, lifetime: int = 60
) -> bytes:
    return (
        version.to_bytes(1, "big")
        + key_id.to_bytes(2, "big")
        + member.to_bytes(5, "big")
        + issued.to_bytes(4, "big")
        + lifetime.to_bytes(2, "big")
    )


def _refusal(text: str, keys: dict[int, Ed25519PublicKey] = KEYS, now: datetime = NOW) -> str:
    with pytest.raises(CodeRefused) as info:
        verify_member_token(text, keys, now)
    return info.value.code


# --------------------------------------------------------------------------- Luhn card numbers


@_settings(200)
@given(st.from_regex(r"[0-9]{15}", fullmatch=True))
def test_make_card_no_is_always_valid(body: str) -> None:
    card = make_card_no(body)
    assert card.startswith(body) and len(card) == 16
    assert is_card_no(card) and luhn_valid(card)


@_settings(200)
@given(st.from_regex(r"[0-9]{15}", fullmatch=True), st.integers(0, 15), st.integers(1, 9))
def test_any_single_digit_change_is_detected(body: str, pos: int, delta: int) -> None:
    card = make_card_no(body)
    changed = card[:pos] + str((int(card[pos]) + delta) % 10) + card[pos + 1 :]
    assert not is_card_no(changed)


@_settings(200)
@given(st.from_regex(r"[0-9]{15}", fullmatch=True), st.integers(0, 14))
def test_adjacent_transposition_is_detected_except_09(body: str, pos: int) -> None:
    card = make_card_no(body)
    a, b = card[pos], card[pos + 1]
    swapped = card[:pos] + b + a + card[pos + 2 :]
    if a == b or {a, b} == {"0", "9"}:
        return
    assert not is_card_no(swapped)


def test_luhn_blind_spot_09_90_is_known() -> None:
    """Luhn cannot see 09 <-> 90: doubling maps 0 to 0 and 9 to 9. Documented, not fixable."""
    card = make_card_no("123456789012309")
    swapped = card[:13] + "90" + card[15:]
    assert card != swapped and is_card_no(card) and is_card_no(swapped)


@pytest.mark.parametrize(
    "text",
    ["", "1", "100000000000000", "10000000000000080", "１２３４５６７８９０１２３４５６", "abcd"],
)
def test_not_card_numbers(text: str) -> None:
    assert not is_card_no(text)


def test_make_card_no_refuses_bad_bodies() -> None:
    for body in ("", "12345678901234", "1234567890123456", "12345678901234a", "١" * 15):
        with pytest.raises(ValueError, match="15 digits"):
            make_card_no(body)


# --------------------------------------------------------------------------- token: contract


def test_known_answer_token_matches_the_docs() -> None:
    """Ed25519 is deterministic: this exact text is the test vector for other implementations."""
    assert mint_member_token(KEY, 1, MEMBER, NOW) == EXAMPLE_TOKEN
    assert public_key_b64(KEY) == "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
    assert _raw(EXAMPLE_TOKEN)[:14].hex(" ") == "01 00 01 00 3b 9a ca 01 67 cb 9d 98 00 3c"
    docs = (ROOT / "docs" / "member-codes.md").read_text(encoding="utf-8")
    assert EXAMPLE_TOKEN in docs
    assert public_key_b64(KEY) in docs


def test_verified_token_says_who_and_when() -> None:
    token = verify_member_token(EXAMPLE_TOKEN, KEYS, NOW)
    assert token == MemberToken(
        member_no=MEMBER, key_id=1, issued_at=NOW, expires_at=NOW + timedelta(seconds=60)
    )


@_settings(150)
@given(member_nos, key_ids, moments, ttls, st.sampled_from([KEY, OTHER_KEY]))
def test_round_trip(
    member_no: str, key_id: int, now: datetime, ttl: timedelta, key: Ed25519PrivateKey
) -> None:
    text = mint_member_token(key, key_id, member_no, now, ttl)
    assert len(text) == TOKEN_LENGTH == 121
    assert text.startswith(TOKEN_PREFIX) and set(text) <= set(base45.ALPHABET)
    issued = now.replace(microsecond=0)
    got = verify_member_token(text, {key_id: key.public_key()}, now)
    assert got == MemberToken(member_no, key_id, issued, issued + ttl)


def test_now_in_any_time_zone_is_the_same_moment() -> None:
    beijing = NOW.astimezone(timezone(timedelta(hours=8)))
    assert mint_member_token(KEY, 1, MEMBER, beijing) == EXAMPLE_TOKEN
    assert verify_member_token(EXAMPLE_TOKEN, KEYS, beijing).issued_at == NOW


def test_public_keys_may_be_raw_bytes() -> None:
    raw = KEY.public_key().public_bytes_raw()
    assert verify_member_token(EXAMPLE_TOKEN, {1: raw}, NOW).member_no == MEMBER


def test_scanner_noise_is_tolerated() -> None:
    """CR/LF from the scanner, Caps Lock inverting case: the signed bytes are the same."""
    for text in (EXAMPLE_TOKEN + "\r\n", "  " + EXAMPLE_TOKEN + "\t", EXAMPLE_TOKEN.lower()):
        assert verify_member_token(text, KEYS, NOW).member_no == MEMBER


# --------------------------------------------------------------------------- token: refusals


def test_every_bit_flip_is_refused_before_time_is_even_considered() -> None:
    raw = _raw(EXAMPLE_TOKEN)
    for bit in range(len(raw) * 8):
        tampered = bytearray(raw)
        tampered[bit // 8] ^= 1 << (bit % 8)
        assert _refusal(_text(bytes(tampered))) in BEFORE_TIME_CHECKS, bit


@_settings(100)
@given(member_nos, moments, st.data())
def test_tampered_tokens_are_never_accepted(
    member_no: str, now: datetime, data: st.DataObject
) -> None:
    raw = bytearray(_raw(mint_member_token(KEY, 1, member_no, now)))
    bit = data.draw(st.integers(0, len(raw) * 8 - 1))
    raw[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(CodeRefused) as info:
        verify_member_token(_text(bytes(raw)), KEYS, now)
    assert info.value.code in BEFORE_TIME_CHECKS


def test_truncated_or_extended_tokens_are_refused() -> None:
    raw = _raw(EXAMPLE_TOKEN)
    for n in range(len(raw)):
        assert _refusal(_text(raw[:n])) in {"malformed", "unsupported_version"}
    for extra in (b"\x00", b"\x00\x00", raw[-5:], raw):
        assert _refusal(_text(raw + extra)) == "malformed"
    for n in range(len(EXAMPLE_TOKEN)):
        assert _refusal(EXAMPLE_TOKEN[:n]) in {"malformed", "unsupported_version"}
    for tail in ("0", "00", "000", "A" * 30):
        assert _refusal(EXAMPLE_TOKEN + tail) == "malformed"


@_settings(100)
@given(st.binary(min_size=77, max_size=77))
def test_random_bytes_are_never_a_valid_token(rest: bytes) -> None:
    """A forger without the key: any 78 bytes starting with version 1 and key id 1 fail."""
    raw = b"\x01\x00\x01" + rest[2:]
    assert _refusal(_text(raw)) in {"malformed", "bad_signature"}


def test_payload_resigned_by_another_key_is_a_bad_signature() -> None:
    payload = _raw(EXAMPLE_TOKEN)[:14]
    assert _refusal(_signed(payload, OTHER_KEY)) == "bad_signature"
    # The genuine signature with a different (valid) member number: also refused.
    other = payload[:3] + (1000000002).to_bytes(5, "big") + payload[8:]
    assert _refusal(_text(other + _raw(EXAMPLE_TOKEN)[14:])) == "bad_signature"


def test_wrong_key_is_a_bad_signature() -> None:
    assert _refusal(EXAMPLE_TOKEN, {1: OTHER_KEY.public_key()}) == "bad_signature"


def test_unknown_key_id() -> None:
    assert _refusal(EXAMPLE_TOKEN, {2: KEY.public_key()}) == "unknown_key"
    assert _refusal(EXAMPLE_TOKEN, {}) == "unknown_key"


def test_unusable_configured_key_is_refused_not_crashed() -> None:
    with pytest.raises(CodeRefused) as info:
        verify_member_token(EXAMPLE_TOKEN, {1: b"\x00" * 31}, NOW)
    assert info.value.code == "unknown_key"
    assert "unusable" in info.value.detail


def test_expiry_boundary_is_exact() -> None:
    expires = NOW + timedelta(seconds=60)
    skew = timedelta(minutes=2)
    second = timedelta(seconds=1)
    assert verify_member_token(EXAMPLE_TOKEN, KEYS, expires + skew - second)
    assert verify_member_token(EXAMPLE_TOKEN, KEYS, expires + skew)
    assert _refusal(EXAMPLE_TOKEN, now=expires + skew + timedelta(microseconds=1)) == "expired"
    assert _refusal(EXAMPLE_TOKEN, now=expires + skew + second) == "expired"


def test_not_yet_valid_boundary_is_exact() -> None:
    skew = timedelta(minutes=2)
    second = timedelta(seconds=1)
    assert verify_member_token(EXAMPLE_TOKEN, KEYS, NOW - skew + second)
    assert verify_member_token(EXAMPLE_TOKEN, KEYS, NOW - skew)
    assert _refusal(EXAMPLE_TOKEN, now=NOW - skew - second) == "not_yet_valid"


def test_skew_is_a_parameter() -> None:
    expires = NOW + timedelta(seconds=60)
    with pytest.raises(CodeRefused, match="expired"):
        verify_member_token(EXAMPLE_TOKEN, KEYS, expires + timedelta(seconds=1), timedelta(0))
    assert verify_member_token(EXAMPLE_TOKEN, KEYS, expires, timedelta(0))


def test_lifetime_longer_than_five_minutes_is_refused_even_if_signed() -> None:
    issued = int(NOW.timestamp())
    assert verify_member_token(_signed(_payload(issued=issued, lifetime=300)), KEYS, NOW)
    refused = _signed(_payload(issued=issued, lifetime=301))
    assert _refusal(refused) == "lifetime_too_long"
    assert _refusal(_signed(_payload(issued=issued, lifetime=0xFFFF))) == "lifetime_too_long"


def test_unsupported_versions() -> None:
    issued = int(NOW.timestamp())
    assert _refusal(_signed(_payload(version=2, issued=issued))) == "unsupported_version"
    assert _refusal(_signed(_payload(version=0, issued=issued))) == "unsupported_version"
    assert _refusal("CM2:" + EXAMPLE_TOKEN[4:]) == "unsupported_version"
    assert _refusal("cm10:ABC") == "unsupported_version"
    assert _refusal("CM123456:ABC") == "unsupported_version"  # not "not a code"


def test_member_number_wider_than_ten_digits_is_malformed() -> None:
    payload = _payload(member=10**10, issued=int(NOW.timestamp()))
    assert _refusal(_signed(payload)) == "malformed"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "CM1:",
        "CM1",
        "1000000001",
        "https://example.com/CM1:abc",
        "CM1:" + "0" * 1_000_000,
        "CM1:" + "0" * 117 + "é",
        EXAMPLE_TOKEN.replace("V", "Ｖ", 1),  # full-width lookalike
        EXAMPLE_TOKEN.replace("V", "\u0412", 1),  # Cyrillic lookalike
        EXAMPLE_TOKEN[:50] + "\n" + EXAMPLE_TOKEN[50:],
        EXAMPLE_TOKEN[:50] + "\ud800" + EXAMPLE_TOKEN[50:],
        EXAMPLE_TOKEN + EXAMPLE_TOKEN,
    ],
)
def test_garbage_is_malformed(text: str) -> None:
    assert _refusal(text) == "malformed"


@_settings(400)
@given(any_text)
def test_fuzz_verify_raises_nothing_but_code_refused(text: str) -> None:
    try:
        verify_member_token(text, KEYS, NOW)
    except CodeRefused as exc:
        assert exc.code in REFUSAL_CODES - {"card_misread"}
        assert exc.zh and exc.en and exc.detail
    else:
        pytest.fail(f"accepted {text!r}")


def test_refusals_explain_themselves_without_personal_data() -> None:
    messages = set()
    for code in REFUSAL_CODES:
        exc = CodeRefused(code)
        assert isinstance(exc, KnownError)
        assert exc.code == code and exc.zh and exc.en
        assert exc.message("zh_CN") == exc.zh and exc.message("en") == exc.en
        messages.add((exc.zh, exc.en))
    assert len(messages) == len(REFUSAL_CODES)
    assert (
        CodeRefused("expired").en == "This member code has expired; ask the customer to refresh it."
    )

    late = NOW + timedelta(hours=1)
    with pytest.raises(CodeRefused) as info:
        verify_member_token(EXAMPLE_TOKEN, KEYS, late)
    assert MEMBER not in info.value.detail and EXAMPLE_TOKEN[4:20] not in info.value.detail


def test_code_refused_survives_pickling() -> None:
    """Errors may cross a process boundary (crash reports, workers)."""
    exc = pickle.loads(pickle.dumps(CodeRefused("expired", detail="d")))
    assert (exc.code, exc.detail, exc.en) == ("expired", "d", CodeRefused("expired").en)


# --------------------------------------------------------------------------- minting and keys


@pytest.mark.parametrize(
    "kwargs",
    [
        {"ttl": timedelta(minutes=5, seconds=1)},
        {"ttl": timedelta(0)},
        {"ttl": timedelta(seconds=-1)},
        {"ttl": timedelta(seconds=1.5)},
        {"member_no": "100000001"},
        {"member_no": "10000000011"},
        {"member_no": "１000000001"},
        {"member_no": "100000000x"},
        {"key_id": -1},
        {"key_id": 0x10000},
        {"key_id": True},
        {"now": datetime(2025, 3, 8, 9, 30)},  # naive
        {"now": datetime(1969, 12, 31, 23, 59, tzinfo=UTC)},
        {"now": datetime(2200, 1, 1, tzinfo=UTC)},
    ],
)
def test_mint_refuses_what_the_contract_forbids(kwargs: dict[str, object]) -> None:
    args: dict[str, object] = {
        "private_key": KEY,
        "key_id": 1,
        "member_no": MEMBER,
        "now": NOW,
        "ttl": timedelta(seconds=60),
    }
    with pytest.raises(ValueError):
        mint_member_token(**(args | kwargs))  # type: ignore[arg-type]


def test_mint_accepts_the_five_minute_limit_and_leading_zeros() -> None:
    text = mint_member_token(KEY, 0, "0000000007", NOW, timedelta(minutes=5))
    got = verify_member_token(text, {0: KEY.public_key()}, NOW)
    assert got.member_no == "0000000007" and got.expires_at - got.issued_at == timedelta(minutes=5)


def test_verify_refuses_a_naive_clock_as_a_bug() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        verify_member_token(EXAMPLE_TOKEN, KEYS, datetime(2025, 3, 8, 9, 30))


def test_keys_round_trip_through_config() -> None:
    a, b = new_signing_key(), new_signing_key()
    config = {"1": public_key_b64(a), "65535": public_key_b64(b.public_key())}
    keys = load_public_keys(config)
    assert set(keys) == {1, 65535}
    assert keys[1].public_bytes_raw() == a.public_key().public_bytes_raw()
    assert keys[65535].public_bytes_raw() != keys[1].public_bytes_raw()
    text = mint_member_token(b, 65535, MEMBER, NOW)
    assert verify_member_token(text, keys, NOW).key_id == 65535
    assert load_public_keys({}) == {}


@pytest.mark.parametrize(
    ("config", "detail"),
    [
        ({"01": "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="}, "key id '01'"),
        ({"-1": "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="}, "key id '-1'"),
        ({"65536": "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="}, "larger than 65535"),
        ({"k1": "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="}, "key id 'k1'"),
        ({1: "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="}, "key id 1"),
        ({"3": 42}, "key 3: expected a base64 string"),
        ({"3": "not base64!"}, "key 3: not valid base64"),
        ({"3": "AAAA"}, "key 3: 3 bytes"),
        ({"3": "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo"}, "key 3: not valid base64"),
        (["11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="], "expected an object"),
    ],
)
def test_bad_key_config_is_refused_clearly(config: object, detail: str) -> None:
    with pytest.raises(KeyConfigError) as info:
        load_public_keys(config)  # type: ignore[arg-type]
    assert detail in info.value.detail
    assert isinstance(info.value, KnownError) and info.value.zh and info.value.en


# --------------------------------------------------------------------------- size and QR


@_settings(20)
@given(member_nos, key_ids, moments)
def test_token_fits_a_version_6_qr_at_level_m_in_alphanumeric_mode(
    member_no: str, key_id: int, now: datetime
) -> None:
    text = mint_member_token(KEY, key_id, member_no, now)
    assert len(text) == 121
    assert qr_version(text) <= 6

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(text, optimize=0)
    assert [d.mode for d in qr.data_list] == [qrcode.util.MODE_ALPHA_NUM]
    assert qr.version <= 6


def test_render_qr_gives_a_pil_image_of_the_right_size() -> None:
    from PIL import Image

    version = qr_version(EXAMPLE_TOKEN)
    assert version == 5  # measured: 121 alphanumeric characters; version 5-M holds 122
    image = render_qr(EXAMPLE_TOKEN, box_size=4)
    assert isinstance(image, Image.Image)
    assert image.size == ((version * 4 + 17 + 2 * 4) * 4,) * 2
    assert qr_version(make_card_no("100000000000000")) == 1


# --------------------------------------------------------------------------- scan classification


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("1000000000000008\r\n", "card", "1000000000000008"),
        ("1000 0000 0000 0008", "card", "1000000000000008"),
        (_full_width("1000000000000008"), "card", "1000000000000008"),
        ("1000000000000009", "card_misread", "1000000000000009"),
        (EXAMPLE_TOKEN + "\r", "member_token", EXAMPLE_TOKEN),
        (EXAMPLE_TOKEN.lower(), "member_token", EXAMPLE_TOKEN),
        ("CM2:ABC", "member_token", "CM2:ABC"),
        ("CM123456:ABC", "member_token", "CM123456:ABC"),
        ("13812345678", "phone", "13812345678"),
        ("138-1234-5678", "phone", "13812345678"),
        ("+86 138 1234 5678", "phone", "13812345678"),
        ("+8613812345678", "phone", "13812345678"),
        ("008613812345678", "phone", "13812345678"),
        ("１３８１２３４５６７８", "phone", "13812345678"),
        ("12812345678", "unknown", "12812345678"),
        ("+8612812345678", "unknown", "+8612812345678"),
        ("+1 415 555 0100", "unknown", "+1 415 555 0100"),
        ("5678", "phone_tail", "5678"),
        ("345678\n", "phone_tail", "345678"),
        ("１２３４", "phone_tail", "1234"),
        ("123", "unknown", "123"),
        ("1234567", "unknown", "1234567"),
        ("张", "name", "张"),
        (" 张小明 ", "name", "张小明"),
        ("欧阳娜娜", "name", "欧阳娜娜"),
        ("阿沛・阿旺晋美", "name", "阿沛·阿旺晋美"),
        ("一二三四五六七八", "name", "一二三四五六七八"),
        ("一二三四五六七八九", "unknown", "一二三四五六七八九"),
        ("张3", "unknown", "张3"),
        ("ZXM", "initials", "zxm"),
        ("zm", "initials", "zm"),
        ("ｚｘｍ", "initials", "zxm"),
        ("z", "unknown", "z"),
        ("abcdefg", "unknown", "abcdefg"),
        ("", "unknown", ""),
        ("   \r\n", "unknown", ""),
        ("\u3000张三\u3000", "name", "张三"),
    ],
)
def test_classify_examples(text: str, kind: str, value: str) -> None:
    assert classify_scan(text) == Scan(kind, value)  # type: ignore[arg-type]


@_settings(100)
@given(st.from_regex(r"[0-9]{15}", fullmatch=True), st.integers(0, 15), st.integers(1, 9))
def test_classify_cards_and_misreads(body: str, pos: int, delta: int) -> None:
    card = make_card_no(body)
    assert classify_scan(card + "\r\n").kind == "card"
    misread = card[:pos] + str((int(card[pos]) + delta) % 10) + card[pos + 1 :]
    assert classify_scan(misread).kind == "card_misread"


@_settings(100)
@given(
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    st.sampled_from(["", "+86", "+86 ", "0086"]),
    st.sampled_from(["", " ", "-"]),
    st.booleans(),
)
def test_classify_phones(phone: str, prefix: str, sep: str, full_width: bool) -> None:
    text = prefix + phone[:3] + sep + phone[3:7] + sep + phone[7:]
    if full_width:
        text = _full_width(text)
    assert classify_scan(text) == classify_scan(phone)
    assert classify_scan(text).kind == "phone" and classify_scan(text).value == phone


@_settings(50)
@given(member_nos, moments)
def test_classified_token_verifies(member_no: str, now: datetime) -> None:
    text = mint_member_token(KEY, 1, member_no, now)
    scan = classify_scan(text + "\r\n")
    assert scan.kind == "member_token"
    assert verify_member_token(scan.value, KEYS, now).member_no == member_no


@_settings(400)
@given(any_text)
def test_fuzz_classify_never_raises(text: str) -> None:
    scan = classify_scan(text)
    assert scan.kind in get_args(ScanKind)
    assert isinstance(scan.value, str)
    if scan.kind in ("card", "card_misread", "phone", "phone_tail"):
        assert scan.value.isascii() and scan.value.isdigit()
    if scan.kind == "initials":
        assert scan.value.isascii() and scan.value.isalpha() and scan.value.islower()


def test_classify_very_long_input_is_unknown() -> None:
    assert classify_scan("1" * 1_000_000).kind == "unknown"


# --------------------------------------------------------------------------- layering


def test_codes_import_no_qt_and_no_imaging() -> None:
    """HQ imports codes; the counter's start-up should not pay for Pillow until a QR is drawn."""
    probe = (
        "import sys, counter.codes; print(sorted({'PySide6','PIL','qrcode'} & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
