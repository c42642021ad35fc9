"""Base45 (RFC 9285): the RFC's examples, round trips, and strict refusal of anything else."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from counter.base45 import ALPHABET, Base45Error, decode, encode


def _settings(max_examples: int) -> settings:
    """Small budgets keep the suite fast; HYPOTHESIS_PROFILE=ci makes runs reproducible."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=os.environ.get("HYPOTHESIS_PROFILE") == "ci",
    )


RFC_EXAMPLES = [
    (b"AB", "BB8"),
    (b"Hello!!", "%69 VD92EX0"),
    (b"base-45", "UJCLQE7W581"),
    (b"ietf!", "QED8WEX0"),
]


@pytest.mark.parametrize(("data", "text"), RFC_EXAMPLES)
def test_rfc_9285_examples(data: bytes, text: str) -> None:
    assert encode(data) == text
    assert decode(text) == data


def test_empty() -> None:
    assert encode(b"") == ""
    assert decode("") == b""


def test_extremes_of_each_group() -> None:
    assert encode(b"\x00\x00") == "000"
    assert encode(b"\xff\xff") == "FGW"  # 65535 = 15 + 45*16 + 2025*32
    assert encode(b"\xff") == "U5"  # 255 = 30 + 45*5
    assert decode("FGW") == b"\xff\xff"


@_settings(300)
@given(st.binary(max_size=200))
def test_round_trip(data: bytes) -> None:
    text = encode(data)
    assert set(text) <= set(ALPHABET)
    assert len(text) == len(data) // 2 * 3 + len(data) % 2 * 2
    assert decode(text) == data


@_settings(300)
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_valid_text_has_exactly_one_spelling(text: str) -> None:
    """Whatever decodes re-encodes to the same text: no second spelling of the same bytes."""
    try:
        data = decode(text)
    except Base45Error:
        return
    assert encode(data) == text


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("A", "bad length"),
        ("BB8B", "bad length"),
        ("bb8", "bad character 'b' at position 0"),
        ("BB!", "bad character '!' at position 2"),
        ("BBé", "bad character 'é'"),
        ("GGW", "more than 65535"),  # 16 + 16*45 + 32*2025 = 65536, RFC 9285 §6
        (":::", "more than 65535"),
        ("BB8::", "more than 255"),
        ("BB8U6", "more than 255"),  # 30 + 6*45 = 300
    ],
)
def test_invalid_input_is_refused_with_its_reason(text: str, reason: str) -> None:
    with pytest.raises(Base45Error, match=reason):
        decode(text)


def test_error_is_a_value_error() -> None:
    assert issubclass(Base45Error, ValueError)


@_settings(300)
@given(st.one_of(st.text(), st.binary().map(lambda b: b.decode("latin-1"))))
def test_decode_raises_nothing_but_base45_error(text: str) -> None:
    try:
        decode(text)
    except Base45Error as exc:
        assert str(exc)
