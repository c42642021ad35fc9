"""How personal data is shown on every screen (DESIGN §7): 138****1234, 张*明."""

from __future__ import annotations

import re


def mask_phone(phone: str) -> str:
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name: str) -> str:
    """Keep the first and last character: 张小明 → 张*明, 李四 → 李*, 欧阳娜娜 → 欧**娜."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


_PROVINCE = re.compile(r"^.{2,8}?(?:省|自治区|特别行政区)")
_CITY = re.compile(r"^.{2,8}?市")
_DISTRICT = re.compile(r"^.{1,8}?(?:区|县|旗)")


def district(address: str) -> str:
    """The district of a Chinese address, to tell members apart without showing where they
    live: 上海市浦东新区张江路12号 → 浦东新区, 江苏省苏州市姑苏区… → 姑苏区. A county-level
    city (江苏省苏州市昆山市…) gives that city; anything else gives ""."""
    rest = _PROVINCE.sub("", address.strip(), count=1)
    city = _CITY.match(rest)
    if city is not None:
        rest = rest[city.end() :]
    found = _DISTRICT.match(rest)
    if found is not None:
        return found.group(0)
    county_city = _CITY.match(rest)
    if county_city is not None:
        return county_city.group(0)
    return city.group(0) if city is not None else ""
