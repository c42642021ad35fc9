"""Points shown at the counter are points booked: an earn checked under the counter's rules.

A ``points.earn`` (contract v1.1) names the rules version and the tier the counter computed
with. HQ books the counter's figure when

- HQ ever had that rules version (``rules_versions``, kept for ever), however old: a
  counter offline for weeks still sold under the latest rules it had;
- the member held that tier at HQ at some point since ``tier_seq``, the change sequence of
  the member record the counter computed from (its last pull of that member), up to now:
  the exact window "between the counter's last pull and the op", with no clock involved;
- and ``counter.rules.earn_points`` under that version and tier gives that figure.

Anything else is refused with the reason (``unknown_rules_version``, ``tier_not_held``,
``points_mismatch``) and, for a manager's retry, the figure HQ's current rules give. An op
without these fields (a v1.0 counter) is computed under HQ's current rules and the member's
current tier, as before. docs/points.md says why.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection, Engine

from counter.contract import TIERS, parse_time
from counter.rules import Rules, earn_points, from_config, rules_version
from hq.config import stored_rules
from hq.db import write_transaction
from hq.errors import HQError
from hq.fastsql import FastSQL
from hq.records import load_member, refresh_member

MAX_MERGE_HOPS = 16

# Parsed rules by version. Versions are content hashes, so an entry is right for ever.
_PARSED: dict[str, Rules] = {}


class EarnRefused(Exception):
    """An earn no real rules version and tier give; ``details`` helps a manager retry."""

    def __init__(self, code: str, message: str, details: dict[str, Any]) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


@dataclass(frozen=True)
class EarnBasis:
    """What HQ books an earn under: the points, the version named, and whether superseded."""

    points: int
    rules_version: str | None
    superseded: bool


@dataclass
class RuleBook:
    """The rules history for one batch, read on the first earn that names a version."""

    fx: FastSQL
    current: Rules
    current_version: str
    _history: list[tuple[str, dt.datetime]] | None = field(default=None, init=False)

    @classmethod
    def of(cls, conn: Connection) -> RuleBook:
        """HQ's current rules and their version, as a batch's write transaction sees them."""
        document = stored_rules(conn)
        return cls(FastSQL(conn), from_config(document), rules_version(document))

    def history(self) -> list[tuple[str, dt.datetime]]:
        """(version, took effect at), oldest first: a handful of rows, read once a batch."""
        if self._history is None:
            rows = self.fx.all(
                "SELECT version, took_effect_at FROM rules_versions ORDER BY took_effect_at, id"
            )
            self._history = []
            for version, took_effect_at in rows:
                moment = self.fx.read_time(took_effect_at)
                assert moment is not None
                self._history.append((str(version), moment))
        return self._history

    def rules(self, version: str) -> Rules | None:
        """The rules of a version HQ had, or None."""
        if version == self.current_version:
            return self.current
        if version in _PARSED:
            return _PARSED[version] if self._known(version) else None
        if not self._known(version):
            return None
        row = self.fx.one(
            "SELECT document FROM rules_versions WHERE version = ? LIMIT 1", (version,)
        )
        assert row is not None
        _PARSED[version] = from_config(json.loads(row[0]))
        return _PARSED[version]

    def _known(self, version: str) -> bool:
        return any(v == version for v, _ in self.history())

    def superseded(self, version: str, sold_at: dt.datetime) -> bool:
        """HQ had other rules in effect when the sale was made (after having this version).

        A version HQ published only after ``sold_at`` (a counter clock running behind) is
        not counted: it cannot have been replaced yet.
        """
        in_effect: str | None = None
        had_it = False
        for v, took_effect_at in self.history():
            if took_effect_at > sold_at:
                break
            in_effect = v
            had_it = had_it or v == version
        return had_it and in_effect != version

    def check_earn(self, payload: dict[str, Any], member: dict[str, Any]) -> EarnBasis:
        """The earn's booked basis, or :class:`EarnRefused` saying why not."""
        sold_at = parse_time(payload["sold_at"])
        named_version = payload.get("rules_version")
        rules = self.current if named_version is None else self.rules(named_version)
        tier = payload.get("tier") or member["tier"]

        def refused(code: str, message: str, **extra: Any) -> EarnRefused:
            now_figure = self._figure(self.current, member["tier"], payload, member, sold_at)
            details: dict[str, Any] = {"expected": now_figure}
            details.update({k: payload[k] for k in ("rules_version", "tier") if k in payload})
            details.update({k: v for k, v in extra.items() if v != now_figure})
            return EarnRefused(
                code, f"{message}; under HQ's current rules and tier it earns {now_figure}", details
            )

        if rules is None:
            raise refused(
                "unknown_rules_version", f"HQ never had rules version {str(named_version)[:12]}…"
            )
        if tier != member["tier"] and not self._tier_held(payload, member, tier):
            raise refused(
                "tier_not_held",
                f"the member has not held tier {tier} since the counter's copy "
                f"(seq {payload.get('tier_seq', 0)})",
            )
        figure = self._figure(rules, tier, payload, member, sold_at)
        if figure != payload["points"]:
            raise refused(
                "points_mismatch",
                f"under the rules and tier the op names the sale earns {figure} points, "
                f"the op says {payload['points']}",
                computed=figure,
            )
        superseded = named_version is not None and self.superseded(named_version, sold_at)
        return EarnBasis(figure, named_version, superseded)

    @staticmethod
    def _figure(
        rules: Rules, tier: str, p: dict[str, Any], member: dict[str, Any], sold_at: dt.datetime
    ) -> int:
        return earn_points(
            rules.points,
            lines=p["lines"],
            tenders=p["tenders"],
            tier=tier,
            birthday=member["birthday"],
            sold_at=sold_at,
        )

    def _tier_held(self, payload: dict[str, Any], member: dict[str, Any], tier: str) -> bool:
        """Held at HQ at some point after ``tier_seq``, by the named member or one it merged into.

        Without ``tier_seq`` the whole history counts (the counter had no copy to date).
        """
        since = int(payload.get("tier_seq") or 0)
        path = self._merge_path(payload["member_id"], member["id"])
        marks = ",".join("?" for _ in path)
        tiers = {t for (t,) in self.fx.all(f"SELECT tier FROM members WHERE id IN ({marks})", path)}
        for tier_from, tier_to in self.fx.all(
            f"SELECT tier_from, tier_to FROM tier_changes WHERE member_id IN ({marks}) AND seq > ?",
            (*path, since),
        ):
            tiers.update((tier_from, tier_to))
        return tier in tiers

    def _merge_path(self, named: str, landed: str) -> tuple[str, ...]:
        path = [named]
        current = named
        for _ in range(MAX_MERGE_HOPS):
            if current == landed:
                break
            row = self.fx.one("SELECT merged_into FROM members WHERE id = ?", (current,))
            if row is None or row[0] is None:
                break
            current = str(row[0])
            path.append(current)
        if landed not in path:
            path.append(landed)
        return tuple(path)


# ------------------------------------------------------------------ HQ's own tier changes


class TierError(HQError):
    pass


def set_tier(engine: Engine, member_id: str, tier: str) -> int:
    """Give an active member a new tier (an upgrade booked at HQ); returns the record's seq.

    The old tier goes into ``tier_changes``, so earns computed under it by counters that
    had not pulled the change yet are still booked.
    """
    if tier not in TIERS:
        raise TierError(f"tier must be one of {', '.join(TIERS)}")
    with write_transaction(engine) as w:
        fx = FastSQL(w.conn)
        row = load_member(fx, member_id)
        if row is None or row["status"] != "active":
            raise TierError(f"no active member {member_id}")
        seq = w.changes.take()
        if row["tier"] != tier:
            fx.execute(
                "INSERT INTO tier_changes (member_id, tier_from, tier_to, seq, changed_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (member_id, row["tier"], tier, seq, fx.time(w.now)),
            )
            fx.execute("UPDATE members SET tier = ? WHERE id = ?", (tier, member_id))
            row["tier"] = tier
        refresh_member(fx, member_id, seq, w.now, row)
        return seq
