"""Names for search: full pinyin and pinyin initials (heteronyms included: 曾 → z and c)."""

from __future__ import annotations

import itertools
from functools import lru_cache

MAX_INITIAL_VARIANTS = 8

# Surnames read differently from the character's most common reading (曾 is zeng as a
# surname, ceng in 曾经). Names are searched the way people say them.
SURNAME_READINGS = {
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "区": "ou", "查": "zha",
    "覃": "qin", "朴": "piao", "盖": "ge", "乐": "yue", "缪": "miao", "华": "hua",
    "种": "chong", "秘": "bi", "员": "yun", "繁": "po", "句": "gou", "翟": "zhai",
    "祭": "zhai", "阚": "kan", "长": "chang", "折": "she", "召": "shao", "隗": "wei",
    "尉": "wei", "万": "wan", "宓": "fu", "眭": "sui", "褚": "chu", "能": "nai",
}  # fmt: skip


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
    """The name as it is said, joined: 张小明 → zhangxiaoming, 曾明 → zengming."""
    if not name:
        return ""
    first = SURNAME_READINGS.get(name[0]) or _char_readings(name[0])[1]
    return first + "".join(_char_readings(ch)[1] for ch in name[1:])


def initials_variants(name: str) -> list[str]:
    """Every initials string a person might type for ``name``: 曾明 → [zm, cm]."""
    per_char = [_char_readings(ch)[0] for ch in name]
    surname = SURNAME_READINGS.get(name[:1])
    if surname and per_char:
        # The surname reading first, so the first variant is how people say the name.
        per_char[0] = (surname[0], *(i for i in per_char[0] if i != surname[0]))
    per_char = [c for c in per_char if c]
    variants = ["".join(combo) for combo in itertools.islice(itertools.product(*per_char), 64)]
    return list(dict.fromkeys(variants))[:MAX_INITIAL_VARIANTS]


@lru_cache(maxsize=4096)
def _first_keys(ch: str) -> tuple[str, tuple[str, ...]]:
    """(reading, initials) of a name's first character, the surname reading first."""
    own_initials, reading = _char_readings(ch)
    surname = SURNAME_READINGS.get(ch)
    if surname:
        return surname, (surname[0], *(i for i in own_initials if i != surname[0]))
    return reading, own_initials


@lru_cache(maxsize=65536)
def _rest_keys(rest: str) -> tuple[str, tuple[str, ...]]:
    """(joined pinyin, initials combinations, at most 64) of a name after its first char."""
    per_char = [_char_readings(ch) for ch in rest]
    pinyin = "".join(r[1] for r in per_char)
    options = [r[0] for r in per_char if r[0]]
    combos = tuple("".join(c) for c in itertools.islice(itertools.product(*options), 64))
    return pinyin, combos


def search_keys(name: str) -> tuple[str, str, tuple[str, ...]]:
    """(full pinyin, initials, every initials variant) of a name, in one pass.

    The same results as :func:`full_pinyin`, :func:`initials` and
    :func:`initials_variants` (a test holds them together), made cheap for the bulk load
    of a first sync: a name is its first character (the surname, read as a surname) and
    the rest, and the rest (given names repeat a lot) is cached.
    """
    if not name:
        return "", "", ("",)
    first_reading, first_initials = _first_keys(name[0])
    rest_pinyin, rest_combos = _rest_keys(name[1:])
    if len(first_initials) == 1 and len(rest_combos) == 1:  # no heteronym: most names
        only = first_initials[0] + rest_combos[0]
        return first_reading + rest_pinyin, only, (only,)
    if first_initials:
        combos = [a + r for a in first_initials for r in rest_combos][:64]
    else:
        combos = list(rest_combos)
    variants = tuple(dict.fromkeys(combos))[:MAX_INITIAL_VARIANTS]
    return first_reading + rest_pinyin, (variants[0] if variants else ""), variants


def initials(name: str) -> str:
    """The first initials variant (most common readings)."""
    variants = initials_variants(name)
    return variants[0] if variants else ""
