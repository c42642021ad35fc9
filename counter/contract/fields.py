"""The contract's building blocks: its error, text rules and field checks (counter.contract).

Every op family's validator (``counter.contract.members``, ``.points``, ``.complaints``) is
made of these, so a field is checked the same way in every op.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from typing import Any

from counter.codes import is_card_no

TIERS = ("basic", "silver", "gold")

PHONE_RE = re.compile(r"^1[3-9][0-9]{9}\Z")  # ASCII digits only, no trailing newline
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Characters no text of an operation may hold: C0 and C1 controls (NUL first: PostgreSQL
# refuses it in text, so one such op would fail its whole batch), lone surrogates (not
# encodable as UTF-8 at all) and the bidi embeddings, overrides and isolates that make text
# read otherwise than it is. Fields a person writes paragraphs in may hold tab and newlines.
_BAD_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
_BAD_IN_TEXT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]"
)
MULTILINE_FIELDS = frozenset({"description", "wants", "note"})


class ContractError(ValueError):
    """An operation that does not meet the contract; ``code`` is the API's error code."""

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


def text_problem(value: str, *, multiline: bool = False) -> tuple[str, str] | None:
    """``(reason, what)`` for the first character a text field may not hold, else None."""
    bad = (_BAD_IN_TEXT if multiline else _BAD_IN_LINE).search(value)
    if bad is None:
        return None
    point = ord(bad.group())
    name = f"U+{point:04X}"
    if 0xD800 <= point <= 0xDFFF:
        return "unpaired_surrogate", f"an unpaired surrogate ({name})"
    if point >= 0x202A:
        return "bidi_control", f"a text-direction control character ({name})"
    return "control_character", f"a control character ({name})"


def _check_texts(value: Any, key: str, path: str) -> None:
    """Refuse any text in ``value`` (nested objects and lists too) that :func:`text_problem`
    finds fault with; ``field`` is the innermost key, ``path`` the way to it."""
    if isinstance(value, str):
        problem = text_problem(value, multiline=key in MULTILINE_FIELDS)
        if problem is not None:
            reason, what = problem
            raise ContractError(
                "invalid_field", f"{path} holds {what}", field=key, reason=reason, path=path
            )
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_texts(v, str(k), f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for v in value:
            _check_texts(v, key, path)


def _require(payload: Mapping[str, Any], key: str) -> Any:
    if key not in payload or payload[key] is None:
        raise ContractError("missing_field", f"{key} is required", field=key)
    return payload[key]


def _uuid(payload: Mapping[str, Any], key: str) -> str:
    value = _require(payload, key)
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise ContractError("invalid_field", f"{key} must be a UUID", field=key) from None


def _text(
    payload: Mapping[str, Any], key: str, *, max_len: int, required: bool = False
) -> str | None:
    value = payload.get(key)
    if value is None:
        if required:
            raise ContractError("missing_field", f"{key} is required", field=key)
        return None
    if not isinstance(value, str) or len(value) > max_len:
        raise ContractError(
            "invalid_field", f"{key} must be text of at most {max_len} chars", field=key
        )
    value = value.strip()
    if required and not value:
        raise ContractError("missing_field", f"{key} is required", field=key)
    return value


def _int(payload: Mapping[str, Any], key: str, *, lo: int, hi: int) -> int:
    value = _require(payload, key)
    if isinstance(value, float) and value.is_integer():
        # JSON has one number type: 5.0 is the integer 5 (so JSON Schema says, and so the
        # published document), whatever a client's encoder writes. Kept as the int.
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        raise ContractError("invalid_field", f"{key} must be a whole number {lo}..{hi}", field=key)
    return value


def _choice(payload: Mapping[str, Any], key: str, choices: tuple[str, ...]) -> str:
    value = _require(payload, key)
    if value not in choices:
        raise ContractError(
            "invalid_field", f"{key} must be one of {', '.join(choices)}", field=key
        )
    return str(value)


def _date(payload: Mapping[str, Any], key: str) -> str | None:
    value = payload.get(key)
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ContractError(
            "invalid_field", f"{key} must be a date YYYY-MM-DD", field=key
        ) from None


def parse_time(value: Any, key: str = "time") -> dt.datetime:
    """An RFC 3339 time with an offset; naive times are refused (whose clock was it?)."""
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ContractError("invalid_field", f"{key} must be an RFC 3339 time", field=key) from None
    if parsed.tzinfo is None:
        raise ContractError("invalid_field", f"{key} needs a UTC offset", field=key)
    try:
        return parsed.astimezone(dt.UTC)
    except OverflowError:  # 9999-12-31T23:00:00-05:00 is past the end of time in UTC
        raise ContractError("invalid_field", f"{key} is out of range", field=key) from None


def format_time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _phone(value: Any, key: str = "phone") -> str:
    if not isinstance(value, str) or not PHONE_RE.match(value):
        raise ContractError(
            "invalid_phone", f"{key} must be an 11-digit mainland mobile", field=key
        )
    return value


def _list(payload: Mapping[str, Any], key: str) -> list[Any]:
    value = payload.get(key, [])
    if not isinstance(value, list):
        raise ContractError("invalid_field", f"{key} must be a list", field=key)
    return value


def _missing(key: str) -> str:
    raise ContractError("missing_field", f"{key} is required", field=key)


def _objects(items: list[Any], key: str) -> list[Mapping[str, Any]]:
    if not all(isinstance(i, dict) for i in items):
        raise ContractError("invalid_field", f"every entry of {key} must be an object", field=key)
    return items


def _card(value: Any, key: str = "card_no") -> str:
    if not isinstance(value, str) or not is_card_no(value):
        raise ContractError("invalid_card_no", f"{key} must be 16 digits with a Luhn check digit")
    return value
