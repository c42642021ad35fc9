"""Outreach lists (分众行销, DESIGN §12): who to thank, greet or call back, by segment.

The seeds' campaigns as filters over the cache: new members (a thank-you), birthdays in
the next N days (a card), lapsed members not seen for N days (a call back), each
narrowed by tier and district if wanted, or a whole tier or district. Only members whose
latest marketing consent (recorded here, or at another store as
HQ's member record says, 1.1) is a grant are listed (DESIGN §7); health data
never selects anyone; erased and merged members never appear. How "joined" and "last
seen" are derived: ``counter.store.outreach_queries``.

Lists are for service assistants and managers. What they return is masked (张*明,
138****1234) for every role; only an export by a manager carries names and phones in
clear (``counter.services.outreach_export``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from counter import contract
from counter.errors import ValidationError
from counter.privacy import district, mask_name, mask_phone
from counter.services.context import Actor, ServiceContext
from counter.services.ops import require_role
from counter.services.views import raw_connection
from counter.store import outreach_queries as q

OUTREACH_ROLES = ("service", "manager")

NEW_MEMBERS, BIRTHDAYS, LAPSED, SEGMENT = "new_members", "birthdays", "lapsed", "segment"
KINDS = (NEW_MEMBERS, BIRTHDAYS, LAPSED, SEGMENT)
# Each list's day parameter: (lowest, highest, default); a segment has none.
DAYS = {NEW_MEMBERS: (1, 31, 7), BIRTHDAYS: (1, 60, 7), LAPSED: (7, 1095, 90)}
BIRTHDAY_CHOICES = (7, 30)
SHOWN = 1000  # rows a list shows on the screen
CHUNK = 500  # rows read at a time


@dataclass(frozen=True)
class OutreachFilter:
    """Which list, its day count, and an optional tier and district ("" for any)."""

    kind: str = SEGMENT
    days: int = 0
    tier: str = ""
    district: str = ""

    def described(self) -> dict[str, Any]:
        """The filter as the audit log records it."""
        out: dict[str, Any] = {"list": self.kind}
        if self.kind in DAYS:
            out["days"] = self.days
        if self.tier:
            out["tier"] = self.tier
        if self.district:
            out["district"] = self.district
        return out


@dataclass(frozen=True)
class OutreachRow:
    """One listed member, masked; the dates say why they are on the list."""

    member_id: str
    member_no: str
    name: str
    phone: str
    tier: str
    district: str
    birthday: str  # "MM-DD" (never the year), "" if unknown
    next_birthday: dt.date | None
    joined: dt.datetime | None
    last_seen: dt.datetime | None


@dataclass(frozen=True)
class OutreachList:
    """How many are listed, and the first of them (an export writes them all)."""

    filter: OutreachFilter
    count: int
    rows: tuple[OutreachRow, ...]
    built_at: dt.datetime


def check_filter(flt: OutreachFilter) -> OutreachFilter:
    """The filter if it is one the counter can build; a ValidationError says what is wrong."""
    if flt.kind not in KINDS:
        raise ValidationError("没有这种名单。", f"No such list: {flt.kind}.", field="kind")
    if flt.kind in DAYS:
        low, high, _default = DAYS[flt.kind]
        if not low <= flt.days <= high:
            raise ValidationError(
                f"天数须在 {low} 到 {high} 之间。",
                f"The number of days must be from {low} to {high}.",
                field="days",
            )
    if flt.tier and flt.tier not in contract.TIERS:
        raise ValidationError("没有这个会员等级。", f"No such tier: {flt.tier}.", field="tier")
    if len(flt.district) > 32:
        raise ValidationError("区域名称太长。", "The district name is too long.", field="district")
    return flt


def birthday_window(today: dt.date, days: int) -> dict[str, dt.date]:
    """ "MM-DD" → the day it is celebrated, for the ``days`` days from today on.

    Crosses the new year as the calendar does. A 29 February birthday is celebrated on
    28 February in a year without one (so nobody born on a leap day is skipped).
    """
    out: dict[str, dt.date] = {}
    for n in range(days):
        day = today + dt.timedelta(days=n)
        out[f"{day:%m-%d}"] = day
        if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
            out["02-29"] = day
    return out


def _utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")[:26]


def _utc(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    return dt.datetime.fromisoformat(text[:26]).replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class _Plan:
    criteria: q.Criteria
    window: dict[str, dt.date]


def _plan(ctx: ServiceContext, flt: OutreachFilter) -> _Plan:
    now = ctx.now()
    today = now.astimezone().date()  # the store's own calendar day
    window: dict[str, dt.date] = {}
    joined_since = seen_before = ""
    order = q.BY_MEMBER_NO
    if flt.kind == BIRTHDAYS:
        window, order = birthday_window(today, flt.days), q.BY_BIRTHDAY
    elif flt.kind == NEW_MEMBERS:
        joined_since, order = _utc_text(now - dt.timedelta(days=flt.days)), q.BY_JOINED
    elif flt.kind == LAPSED:
        seen_before, order = _utc_text(now - dt.timedelta(days=flt.days)), q.BY_LAST_SEEN
    criteria = q.Criteria(
        tier=flt.tier,
        district=flt.district,
        month_days=tuple(sorted(window)),
        from_month_day=f"{today:%m-%d}",
        joined_since=joined_since,
        seen_before=seen_before,
        order=order,
    )
    return _Plan(criteria, window)


@dataclass(frozen=True)
class ListedMember:
    """A listed member in clear: only for the export, never handed to a screen."""

    row: OutreachRow
    name: str
    phone: str


def _listed(plan: _Plan, d: q.Detail) -> ListedMember:
    mid, member_no, name, phone, tier, birthday, address, joined, seen = d
    month_day = birthday[5:10] if birthday else ""
    row = OutreachRow(
        member_id=mid,
        member_no=member_no or "",
        name=mask_name(name),
        phone=mask_phone(phone),
        tier=tier,
        district=district(address) if address else "",
        birthday=month_day,
        next_birthday=plan.window.get(month_day) if plan.window else None,
        joined=_utc(joined),
        last_seen=_utc(seen),
    )
    return ListedMember(row, name, phone)


def _fresh_districts(ctx: ServiceContext) -> None:
    """Read the districts of addresses that changed since the last list (SQL cannot)."""
    with ctx.db.raw_read() as conn:
        if not q.stale_districts(conn):
            return
    with ctx.db.write() as s:
        q.read_districts(raw_connection(s), district)


def listing(
    ctx: ServiceContext, flt: OutreachFilter, limit: int = -1
) -> Iterator[tuple[int, list[ListedMember]]]:
    """(how many are listed, the next chunk of them in the list's order), chunk by chunk,
    all read in one snapshot of the cache; ``limit``: only the first so many (-1: all).

    Birthdays come soonest first; new members newest first; lapsed members the most
    recently lost first (the likeliest to come back); a tier or district by member number.
    """
    plan = _plan(ctx, check_filter(flt))
    _fresh_districts(ctx)
    with ctx.db.raw_read() as conn:
        total = q.count(conn, plan.criteria)
        ids = q.listed_ids(conn, plan.criteria, limit) if total else []
        if not ids:
            yield total, []
        for start in range(0, len(ids), CHUNK):
            chunk = q.details(conn, ids[start : start + CHUNK])
            yield total, [_listed(plan, d) for d in chunk]


def build_list(ctx: ServiceContext, actor: Actor, flt: OutreachFilter) -> OutreachList:
    """The list for the screen: its count and its first ``SHOWN`` rows, masked for every
    role (seeing them is not audited: they show no more than any screen; an export is)."""
    require_role(actor, OUTREACH_ROLES, "查看行销名单", "see outreach lists")
    count, rows = 0, list[OutreachRow]()
    for listed, chunk in listing(ctx, flt, SHOWN):
        count = listed
        rows.extend(m.row for m in chunk)
    return OutreachList(filter=flt, count=count, rows=tuple(rows), built_at=ctx.now())


def districts(ctx: ServiceContext, actor: Actor) -> list[tuple[str, int]]:
    """The districts of the members who may be contacted, with how many, most first."""
    require_role(actor, OUTREACH_ROLES, "查看行销名单", "see outreach lists")
    _fresh_districts(ctx)
    with ctx.db.raw_read() as conn:
        return [(str(name), int(n)) for name, n in q.districts(conn)]
