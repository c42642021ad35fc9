"""Offline redemptions beyond the daily cap: booked, and flagged for review (DESIGN §5).

Offline, a counter lets a member redeem at most ``points.offline_redeem_cap_per_day``
points a day at its store. Several PCs of one store, an older counter or a wrong clock can
still book more. The goods were handed over, so HQ books every such redemption, but each
one that takes the member's offline redemptions at that store on that day (China time, by
the op's ``created_at``: when the counter booked it) past the cap is flagged:

- its ledger entry has ``over_cap`` (next to ``overdraft``), so HQ staff can find it;
- its applied result carries ``review`` (code ``offline_cap_exceeded``), which the counter
  keeps in its problems list for the store's manager;
- ``hq stats`` counts it per store (:func:`flagged_by_store`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from counter.rules import STORE_TZ, Rules
from hq.fastsql import FastSQL
from hq.models import PointsEntry

OFFLINE_CAP_CODE = "offline_cap_exceeded"


@dataclass(frozen=True)
class OfflineDay:
    """One offline redemption against what the member redeemed offline here that day."""

    day: dt.date
    before: int  # points already redeemed offline by the member at this store that day
    points: int
    cap: int

    @property
    def over_cap(self) -> bool:
        return self.before + self.points > self.cap

    def review(self) -> dict[str, Any]:
        total = self.before + self.points
        return {
            "code": OFFLINE_CAP_CODE,
            "message": (
                f"booked, but offline redemptions on {self.day.isoformat()} reach {total} "
                f"points, over the daily cap of {self.cap}; HQ reviews it"
            ),
            "details": {"day": self.day.isoformat(), "cap": self.cap, "redeemed_that_day": total},
        }


def offline_day(
    fx: FastSQL,
    rules: Rules,
    store_code: str,
    member_id: str,
    points: int,
    booked_at: dt.datetime,
) -> OfflineDay:
    """Where this redemption stands against the cap; call before booking it."""
    day = booked_at.astimezone(STORE_TZ).date()
    row = fx.one(
        "SELECT COALESCE(SUM(-delta), 0) FROM points_ledger"
        " WHERE member_id = ? AND store_code = ? AND kind = 'redeem' AND offline_on = ?",
        (member_id, store_code, fx.date(day)),
    )
    before = int(row[0]) if row is not None else 0
    return OfflineDay(day, before, points, rules.points.offline_redeem_cap_per_day)


def flagged_by_store(conn: Connection) -> dict[str, dict[str, int]]:
    """Per store, ledger entries flagged for review: ``offline_cap_exceeded``, ``overdraft``."""
    flagged: dict[str, dict[str, int]] = {}
    for label, column in (
        (OFFLINE_CAP_CODE, PointsEntry.over_cap),
        ("overdraft", PointsEntry.overdraft),
        ("reward_daily_limit", PointsEntry.over_reward_limit),  # hq.ops.rewards
    ):
        rows = conn.execute(
            select(PointsEntry.store_code, func.count())
            .where(column.is_(True))
            .group_by(PointsEntry.store_code)
        )
        for store_code, count in rows:
            if store_code is not None:
                flagged.setdefault(store_code, {})[label] = int(count)
    return flagged
