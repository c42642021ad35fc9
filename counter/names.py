"""Names for search: full pinyin and pinyin initials (heteronyms included: 曾 → z and c)."""

from __future__ import annotations

import itertools
from functools import lru_cache

MAX_INITIAL_VARIANTS = 8


@lru_cache(maxsize=8192)
def _char_readings(ch: str) -> tuple[tuple[str, ...], str]:
    """(distinct initials, first reading) of one character; others stand for themselves."""
    from pypinyin import Style, pinyin

    if not ("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"):
        low = ch.lower()
        return ((low,) if low.isalnum() else ()), (low if low.isalnum() else "")
    full = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
    readings = [r for r in (full[0] if full else []) if r]
    if not readings:
        return (), ""
    initials = tuple(dict.fromkeys(r[0] for r in readings))
    return initials, readings[0]


def full_pinyin(name: str) -> str:
    """First reading of every character, joined: 张小明 → zhangxiaoming."""
    return "".join(_char_readings(ch)[1] for ch in name)


def initials_variants(name: str) -> list[str]:
    """Every initials string a person might type for ``name``: 曾明 → [zm, cm]."""
    per_char = [_char_readings(ch)[0] for ch in name]
    per_char = [c for c in per_char if c]
    variants = ["".join(combo) for combo in itertools.islice(itertools.product(*per_char), 64)]
    return list(dict.fromkeys(variants))[:MAX_INITIAL_VARIANTS]


def initials(name: str) -> str:
    """The first initials variant (most common readings)."""
    variants = initials_variants(name)
    return variants[0] if variants else ""
