"""The member as the counter shows them, read with one SQL statement.

This is the scan's hot path (budget: p99 ≤ 1 ms at a million members), so it reads
through the pooled SQLite connection directly: one SELECT that brings the member, their
active cards and this store's pending points together, turned straight into a frozen
view. Everything else in the services goes through the ORM.

Pending points are this store's entries HQ has not booked yet, plus those HQ booked
(at change ``hq_seq``) that the cached member row does not reflect yet (the row's own
``hq_seq`` is older): the write checkpoint of DESIGN §3. Without it the balance would
drop back by an earn between the push and the pull that brings HQ's new balance.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.orm import Session

from counter.errors import KnownError
from counter.privacy import mask_name, mask_phone
from counter.services.context import Actor, ServiceContext

# Stores are in mainland China: "today" for badges is China Standard Time.
LOCAL_TZ = dt.timezone(dt.timedelta(hours=8))
EXPIRY_HORIZON = dt.timedelta(days=90)
HQ_CONFIG_KEY = "hq_config"


@dataclass(frozen=True)
class ExpiringPoints:
    points: int
    expires_on: dt.date


@dataclass(frozen=True)
class Visit:
    at: dt.datetime
    store_code: str
    amount_fen: int


@dataclass(frozen=True)
class MemberView:
    """A member as one operator may see them. Name and phone are masked for every role
    (DESIGN §7); ``services.reveal_member`` shows them to a service assistant or manager,
    audited. The cashier does not get the birthday either."""

    id: str
    member_no: str | None
    name: str
    phone: str
    masked: bool
    gender: str
    birthday: dt.date | None
    tier: str
    card_nos: tuple[str, ...]
    hq_points: int
    # This store's entries not yet in hq_points (pending, or booked but not pulled yet).
    pending_points: int
    allergy_alert: bool
    origin: str
    # The allergy banner is shown to every role (the cashier hands over medicine); the UI
    # audits each showing through services.audit_health_view.
    allergies: tuple[str, ...] = ()
    points_expiring: tuple[ExpiringPoints, ...] = ()
    recent_visits: tuple[Visit, ...] = ()
    badges: frozenset[str] = frozenset()
    # This counter registered the same phone offline and the sync moved that registration's
    # records to this member (HQ had them first): the panel says so in words.
    merged_here: bool = False

    @property
    def points_shown(self) -> int:
        return self.hq_points + self.pending_points


By = Literal["id", "card", "member_no", "phone"]

_SELECT = """
SELECT m.id, m.member_no, m.name, m.phone, m.gender, m.birthday, m.tier, m.points,
       m.allergy_alert, m.health_enc, m.origin, m.points_expiring, m.recent_visits,
       (SELECT group_concat(c.card_no) FROM cards c
         WHERE c.member_id = m.id AND c.status = 'active'),
       (SELECT coalesce(sum(p.delta), 0) FROM points_entries p
         WHERE p.member_id = m.id
           AND (p.state = 'pending' OR (p.state = 'applied' AND p.hq_seq > m.hq_seq)))
FROM members m
"""
_WHERE: dict[str, str] = {
    "id": _SELECT + "WHERE m.id = ? AND m.status = 'active'",
    "card": _SELECT
    + "JOIN cards k ON k.member_id = m.id "
    + "WHERE k.card_no = ? AND k.status = 'active' AND m.status = 'active'",
    "member_no": _SELECT + "WHERE m.member_no = ? AND m.status = 'active'",
    "phone": _SELECT + "WHERE m.phone = ? AND m.status = 'active' LIMIT 1",
}


def raw_connection(session: Session) -> sqlite3.Connection:
    """The SQLite connection under an ORM session, inside the session's transaction."""
    conn = session.connection().connection.dbapi_connection
    assert isinstance(conn, sqlite3.Connection)
    return conn


def fetch_view(
    conn: sqlite3.Connection, ctx: ServiceContext, actor: Actor, by: By, value: str
) -> MemberView | None:
    row = conn.execute(_WHERE[by], (value,)).fetchone()
    if row is None:
        return None
    return _view(conn, ctx, actor, row)


def _view(conn: sqlite3.Connection, ctx: ServiceContext, actor: Actor, row: Any) -> MemberView:
    (mid, member_no, name, phone, gender, birthday_text, tier, points, allergy_alert,
     health_enc, origin, expiring_json, visits_json, cards, pending) = row  # fmt: skip
    birthday = dt.date.fromisoformat(birthday_text) if birthday_text else None
    allergies: tuple[str, ...] = ()
    if allergy_alert and health_enc is not None:
        try:
            allergies = tuple(ctx.cipher.decrypt(mid, health_enc).get("allergies", []))
        except KnownError:
            allergies = ("?",)  # the banner still warns; the record itself can't be read
    today = ctx.now().astimezone(LOCAL_TZ).date()
    return MemberView(
        id=mid,
        member_no=member_no,
        name=mask_name(name),
        phone=mask_phone(phone),
        masked=True,
        gender=gender,
        birthday=None if actor.role == "cashier" else birthday,
        tier=tier,
        card_nos=tuple(cards.split(",")) if cards else (),
        hq_points=points,
        pending_points=int(pending),
        allergy_alert=bool(allergy_alert),
        origin=origin,
        allergies=allergies,
        points_expiring=_expiring(expiring_json, today),
        recent_visits=visits(visits_json),
        badges=badges(birthday, today, member_days(conn, ctx)),
        merged_here=bool(phone) and _merged_here(conn, mid, phone),
    )


def _merged_here(conn: sqlite3.Connection, member_id: str, phone: str) -> bool:
    """A local registration of this phone re-pointed to this member (by the phone index)."""
    return (
        conn.execute(
            "SELECT 1 FROM members WHERE phone = ? AND status = 'merged' AND merged_into = ? "
            "AND origin = 'local' LIMIT 1",
            (phone, member_id),
        ).fetchone()
        is not None
    )


def _expiring(raw: str, today: dt.date) -> tuple[ExpiringPoints, ...]:
    """Points HQ says expire within the next 90 days, soonest first."""
    if not raw or raw == "[]":
        return ()
    try:
        items = [
            ExpiringPoints(int(e["points"]), dt.date.fromisoformat(e["expires_on"]))
            for e in json.loads(raw)
        ]
    except (ValueError, KeyError, TypeError):
        return ()
    horizon = today + EXPIRY_HORIZON
    return tuple(
        sorted((e for e in items if today <= e.expires_on <= horizon), key=lambda e: e.expires_on)
    )


def visits(raw: str) -> tuple[Visit, ...]:
    """The member's last visits (HQ keeps five), newest first; [] when unreadable."""
    if not raw or raw == "[]":
        return ()
    try:
        return tuple(
            Visit(
                dt.datetime.fromisoformat(v["at"].replace("Z", "+00:00")),
                str(v.get("store_code", "")),
                int(v["amount_fen"]),
            )
            for v in json.loads(raw)
        )[:5]
    except (ValueError, KeyError, TypeError, AttributeError):
        return ()


def member_days(conn: sqlite3.Connection, ctx: ServiceContext) -> tuple[int, ...]:
    """Days of the month that are member days, from HQ's cached config (default: the 8th)."""
    row = conn.execute("SELECT value FROM kv WHERE key = ?", (HQ_CONFIG_KEY,)).fetchone()
    raw = row[0] if row else ""
    memo = ctx.memo.get("member_days")
    if memo is not None and memo[0] == raw:
        return memo[1]  # type: ignore[no-any-return]
    days: tuple[int, ...] = (8,)
    if raw:
        with contextlib.suppress(ValueError, KeyError, TypeError):
            days = tuple(int(d) for d in json.loads(raw)["points"]["member_days"])
    ctx.memo["member_days"] = (raw, days)
    return days


def badges(birthday: dt.date | None, today: dt.date, days: tuple[int, ...]) -> frozenset[str]:
    """Which badges the member panel shows today."""
    out = set()
    if birthday is not None and birthday.month == today.month:
        out.add("birthday_month")
    if today.day in days:
        out.add("member_day")
    return frozenset(out)
