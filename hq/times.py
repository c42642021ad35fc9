"""UTC time in the one text form the contract uses (RFC 3339 with ``Z``)."""

from __future__ import annotations

import datetime as dt


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def rfc3339(value: dt.datetime) -> str:
    """``2026-01-31T08:15:00.123Z``; refuses naive datetimes, which would be ambiguous."""
    if value.tzinfo is None:
        raise ValueError("naive datetime has no defined UTC instant")
    text = value.astimezone(dt.UTC).isoformat(timespec="milliseconds")
    return text.removesuffix("+00:00") + "Z"
