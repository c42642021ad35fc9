"""Points and complaint rules (DESIGN §5, §6): pure functions over HQ's config.

HQ recomputes every ``points.earn`` with these same functions, under the rules version
and tier the counter used (docs/points.md), and refuses a figure they do not give, so a
counter and HQ can never disagree about what a sale earned. Money is integer fen;
multipliers are Decimals parsed from the config's strings.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from counter.contract import SELF_PAID_TENDERS

# China Standard Time: member days and birthday months are days at the store.
STORE_TZ = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True)
class Reward:
    """One entry of the reward catalogue (积分兑换): ``daily_limit`` per member, None = none."""

    code: str
    name: str
    points: int
    daily_limit: int | None = None


DEFAULT_REWARDS: tuple[dict[str, Any], ...] = (
    {"code": "MASK10", "name": "医用口罩（10只装）", "points": 100, "daily_limit": 2},
    {"code": "SWAB", "name": "医用棉签（100支）", "points": 50},
    {"code": "VITC", "name": "维生素C片（60片）", "points": 300, "daily_limit": 1},
    {"code": "THERMO", "name": "电子体温计", "points": 500, "daily_limit": 1},
    {"code": "BAG", "name": "环保购物袋", "points": 30},
)


@dataclass(frozen=True)
class AwardReason:
    """What activity points (活动积分) may be awarded for: config ``points.award_reasons``.

    ``points`` is the usual amount; one award gives 1..``max_points`` (``points`` itself
    when the amount is fixed). ``daily_limit``: awards of this reason per member per day.
    """

    code: str
    name_zh: str
    name_en: str
    points: int
    max_points: int
    daily_limit: int | None = None


DEFAULT_AWARD_REASONS: tuple[dict[str, Any], ...] = (
    {
        "code": "health_talk",
        "name_zh": "参加健康讲座",
        "name_en": "Attended a health talk",
        "points": 50,
        "max_points": 50,
        "daily_limit": 1,
    },
    {
        "code": "survey",
        "name_zh": "填写满意度问卷",
        "name_en": "Answered a survey",
        "points": 20,
        "max_points": 20,
        "daily_limit": 1,
    },
    {
        "code": "birthday_greeting",
        "name_zh": "生日关怀",
        "name_en": "Birthday greeting",
        "points": 100,
        "max_points": 100,
        "daily_limit": 1,
    },
    {
        "code": "service_recovery",
        "name_zh": "服务补偿",
        "name_en": "Service recovery",
        "points": 50,
        "max_points": 500,
    },
)


@dataclass(frozen=True)
class PointsRules:
    yuan_per_point: int = 1
    tier_multipliers: Mapping[str, Decimal] = field(
        default_factory=lambda: {
            "basic": Decimal("1.0"),
            "silver": Decimal("1.2"),
            "gold": Decimal("1.5"),
        }
    )
    member_days: tuple[int, ...] = (8,)
    member_day_multiplier: Decimal = Decimal(2)
    birthday_month_multiplier: Decimal = Decimal(2)
    max_promo_multiplier: Decimal = Decimal(2)
    excluded_categories: frozenset[str] = frozenset({"prescription"})
    offline_redeem_cap_per_day: int = 500
    rewards: tuple[Reward, ...] = tuple(
        Reward(r["code"], r["name"], r["points"], r.get("daily_limit")) for r in DEFAULT_REWARDS
    )

    def reward(self, code: str) -> Reward | None:
        return next((r for r in self.rewards if r.code == code), None)

    # Activity points (活动积分) by reason code; points to the referrer of a new member;
    # the 12-month self-paid spend (fen) each tier starts at (DESIGN §5).
    award_reasons: Mapping[str, AwardReason] = field(
        default_factory=lambda: award_reasons_of(DEFAULT_AWARD_REASONS)
    )
    referral_points: int = 100
    tier_thresholds_fen: Mapping[str, int] = field(
        default_factory=lambda: {"silver": 100_000, "gold": 500_000}
    )


@dataclass(frozen=True)
class Rules:
    points: PointsRules = field(default_factory=PointsRules)
    complaint_due_hours: Mapping[str, int] = field(
        default_factory=lambda: {"low": 72, "medium": 48, "high": 24, "urgent": 4}
    )


DEFAULT_CONFIG: dict[str, Any] = {
    "points": {
        "yuan_per_point": 1,
        "tier_multipliers": {"basic": "1.0", "silver": "1.2", "gold": "1.5"},
        "member_days": [8],
        "member_day_multiplier": "2",
        "birthday_month_multiplier": "2",
        "max_promo_multiplier": "2",
        "excluded_categories": ["prescription"],
        "offline_redeem_cap_per_day": 500,
        "expiry": "end_of_next_year",
        "rewards": [dict(r) for r in DEFAULT_REWARDS],
        "award_reasons": [dict(r) for r in DEFAULT_AWARD_REASONS],
        "referral_points": 100,
        "tier_thresholds_fen": {"silver": 100_000, "gold": 500_000},
    },
    "complaints": {"due_hours": {"low": 72, "medium": 48, "high": 24, "urgent": 4}},
}


def from_config(config: Mapping[str, Any]) -> Rules:
    """Rules from HQ's ``/v1/config`` body; a missing part keeps its default."""
    p = config.get("points", {}) or {}
    d = PointsRules()
    points = PointsRules(
        yuan_per_point=int(p.get("yuan_per_point", d.yuan_per_point)),
        tier_multipliers={
            str(k): Decimal(str(v))
            for k, v in (p.get("tier_multipliers") or d.tier_multipliers).items()
        },
        member_days=tuple(int(x) for x in p.get("member_days", d.member_days)),
        member_day_multiplier=Decimal(str(p.get("member_day_multiplier", "2"))),
        birthday_month_multiplier=Decimal(str(p.get("birthday_month_multiplier", "2"))),
        max_promo_multiplier=Decimal(str(p.get("max_promo_multiplier", "2"))),
        excluded_categories=frozenset(
            str(c) for c in p.get("excluded_categories", d.excluded_categories)
        ),
        offline_redeem_cap_per_day=int(
            p.get("offline_redeem_cap_per_day", d.offline_redeem_cap_per_day)
        ),
        rewards=rewards_of(p["rewards"]) if "rewards" in p else d.rewards,
        award_reasons=(
            award_reasons_of(p["award_reasons"]) if "award_reasons" in p else d.award_reasons
        ),
        referral_points=int(p.get("referral_points", d.referral_points)),
        tier_thresholds_fen={  # {}: HQ leaves tiers to ``hq member tier``
            str(k): int(v) for k, v in p.get("tier_thresholds_fen", d.tier_thresholds_fen).items()
        },
    )
    due = (config.get("complaints", {}) or {}).get("due_hours") or Rules().complaint_due_hours
    return Rules(points=points, complaint_due_hours={str(k): int(v) for k, v in due.items()})


def rewards_of(items: Sequence[Any]) -> tuple[Reward, ...]:
    """The reward catalogue from the config's ``points.rewards`` list (order kept: the
    counter numbers them 1, 2, 3… in this order)."""
    out: list[Reward] = []
    for item in items:
        if not isinstance(item, Mapping) or not {"code", "name", "points"} <= set(item):
            raise ValueError("a reward names its code, name and points")
        limit = item.get("daily_limit")
        out.append(
            Reward(
                code=str(item["code"]),
                name=str(item["name"]),
                points=int(item["points"]),
                daily_limit=None if limit is None else int(limit),
            )
        )
    return tuple(out)


def award_reasons_of(items: Any) -> dict[str, AwardReason]:
    """The catalogue by code, from the config's list (ValueError when malformed)."""
    reasons: dict[str, AwardReason] = {}
    for item in items or ():
        points = int(item["points"])
        limit = item.get("daily_limit")
        reason = AwardReason(
            code=str(item["code"]),
            name_zh=str(item.get("name_zh") or item["code"]),
            name_en=str(item.get("name_en") or item["code"]),
            points=points,
            max_points=int(item.get("max_points", points)),
            daily_limit=int(limit) if limit is not None else None,
        )
        if not 1 <= reason.points <= reason.max_points:
            raise ValueError(f"award reason {reason.code}: 1 <= points <= max_points")
        reasons[reason.code] = reason
    return reasons


RULES_PARTS = ("points", "complaints")


def rules_version(config: Mapping[str, Any]) -> str:
    """The version of a rules document: SHA-256 of the canonical JSON of its rules parts.

    Named by content, so HQ and a counter compute the same name for the same rules, a
    restored HQ still knows what it had, and parsed rules can be cached by it for ever.
    Parts of ``/v1/config`` that are not rules (the QR keys, the version fields) are left
    out: rotating a key is not a rule change.
    """
    document = {k: config[k] for k in RULES_PARTS if k in config}
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def eligible_fen(
    lines: Sequence[Mapping[str, Any]],
    tenders: Sequence[Mapping[str, Any]],
    excluded: frozenset[str],
) -> int:
    """The self-paid part of the sale's non-excluded lines.

    Medical insurance (医保 personal account and pooled fund) never earns. When a sale mixes
    tenders, insurance is taken to pay for the excluded lines first (they are typically the
    prescription drugs it covers), and only self-paid money above that earns.
    """
    total = sum(int(line["amount_fen"]) for line in lines)
    excluded_total = sum(int(line["amount_fen"]) for line in lines if line["category"] in excluded)
    self_paid = sum(int(t["amount_fen"]) for t in tenders if t["kind"] in SELF_PAID_TENDERS)
    insured = total - self_paid
    self_paid_on_excluded = max(0, excluded_total - insured)
    return max(0, min(self_paid - self_paid_on_excluded, total - excluded_total))


@dataclass(frozen=True)
class SaleAmounts:
    """A sale's amounts in fen, as the ``receipts`` cache keeps them."""

    total_fen: int
    insurance_fen: int  # 医保 personal account + pooled fund
    excluded_fen: int
    self_paid_fen: int
    eligible_fen: int


def sale_amounts(
    lines: Sequence[Mapping[str, Any]],
    tenders: Sequence[Mapping[str, Any]],
    excluded: frozenset[str],
) -> SaleAmounts:
    """The amounts a sale's points come from (``eligible_fen`` as :func:`eligible_fen`)."""
    total = sum(int(line["amount_fen"]) for line in lines)
    self_paid = sum(int(t["amount_fen"]) for t in tenders if t["kind"] in SELF_PAID_TENDERS)
    return SaleAmounts(
        total_fen=total,
        insurance_fen=total - self_paid,
        excluded_fen=sum(int(line["amount_fen"]) for line in lines if line["category"] in excluded),
        self_paid_fen=self_paid,
        eligible_fen=eligible_fen(lines, tenders, excluded),
    )


def promo_multiplier(rules: PointsRules, sold_on: dt.date, birthday: dt.date | None) -> Decimal:
    """Member day and birthday month multiply, but never beyond the configured maximum."""
    m = Decimal(1)
    if sold_on.day in rules.member_days:
        m *= rules.member_day_multiplier
    if birthday is not None and birthday.month == sold_on.month:
        m *= rules.birthday_month_multiplier
    return min(m, rules.max_promo_multiplier)


@dataclass(frozen=True)
class EarnExplanation:
    """Why a sale earns what it earns, part by part (the counter's live preview shows it)."""

    eligible_fen: int
    base_points: int  # whole eligible yuan / yuan_per_point
    tier_multiplier: Decimal
    member_day: bool
    birthday_month: bool
    promo_uncapped: Decimal  # member day × birthday month, before the cap
    promo_multiplier: Decimal  # after the cap
    points: int

    @property
    def capped(self) -> bool:
        return self.promo_multiplier < self.promo_uncapped


def explain_earn(
    rules: PointsRules,
    *,
    lines: Sequence[Mapping[str, Any]],
    tenders: Sequence[Mapping[str, Any]],
    tier: str,
    birthday: dt.date | None,
    sold_at: dt.datetime,
) -> EarnExplanation:
    """``earn_points`` with its working shown: the same computation, part by part."""
    fen = eligible_fen(lines, tenders, rules.excluded_categories)
    base = (fen // 100) // rules.yuan_per_point
    tier_m = rules.tier_multipliers.get(tier, Decimal(1))
    sold_on = sold_at.astimezone(STORE_TZ).date()
    member_day = sold_on.day in rules.member_days
    birthday_month = birthday is not None and birthday.month == sold_on.month
    uncapped = Decimal(1)
    if member_day:
        uncapped *= rules.member_day_multiplier
    if birthday_month:
        uncapped *= rules.birthday_month_multiplier
    promo = promo_multiplier(rules, sold_on, birthday)
    points = Decimal(base) * tier_m * promo
    return EarnExplanation(
        eligible_fen=fen,
        base_points=base,
        tier_multiplier=tier_m,
        member_day=member_day,
        birthday_month=birthday_month,
        promo_uncapped=uncapped,
        promo_multiplier=promo,
        points=int(points.to_integral_value(rounding=ROUND_FLOOR)),
    )


def earn_points(
    rules: PointsRules,
    *,
    lines: Sequence[Mapping[str, Any]],
    tenders: Sequence[Mapping[str, Any]],
    tier: str,
    birthday: dt.date | None,
    sold_at: dt.datetime,
) -> int:
    """Whole points a sale earns: whole eligible yuan × tier × promotions, rounded down."""
    return explain_earn(
        rules, lines=lines, tenders=tenders, tier=tier, birthday=birthday, sold_at=sold_at
    ).points


def complaint_due(rules: Rules, severity: str, created_at: dt.datetime) -> dt.datetime:
    return created_at + dt.timedelta(hours=rules.complaint_due_hours.get(severity, 48))


def expiry_of(earned_on: dt.date) -> dt.date:
    """Points earned in year Y expire on 31 December of Y + 1."""
    return dt.date(earned_on.year + 1, 12, 31)


# ------------------------------------------------------------------ refunds, awards, tiers


def reverse_points(
    *, points: int, self_paid_fen: int, reversed_fen: int, reversed_points: int, refund_fen: int
) -> int:
    """Points a refund (退货) of ``refund_fen`` self-paid money takes back from a receipt.

    In proportion to the self-paid amount, so the receipt's own multipliers (tier, member
    day, birthday month) hold; counted cumulatively over all its refunds, so refunding
    everything that is left takes back everything that is left, whatever the rounding.
    """
    if self_paid_fen <= 0 or points <= 0:
        return 0
    refunded = min(self_paid_fen, max(0, reversed_fen) + max(0, refund_fen))
    if refunded >= self_paid_fen:
        return max(0, points - reversed_points)
    return max(0, points * refunded // self_paid_fen - reversed_points)


def tier_for_spend(thresholds: Mapping[str, int], spend_fen: int) -> str:
    """The tier a 12-month self-paid spend reaches (``basic`` below every threshold)."""
    reached = "basic"
    for tier, threshold in sorted(thresholds.items(), key=lambda kv: kv[1]):
        if spend_fen >= threshold:
            reached = tier
    return reached


@dataclass(frozen=True)
class TierProgress:
    """Where a member stands: ``remaining_fen`` more self-paid spend reaches ``next_tier``."""

    tier: str
    next_tier: str | None
    spend_fen: int
    remaining_fen: int


def tier_progress(thresholds: Mapping[str, int], tier: str, spend_fen: int) -> TierProgress:
    """The next tier above ``tier`` and the spend still needed ("再消费 ¥320 升金卡").

    ``thresholds`` are the config's ``points.tier_thresholds_fen``; a tier without one
    (``basic``) counts as 0. Above the top tier there is no next one.
    """
    own = thresholds.get(tier, 0)
    above = sorted((threshold, name) for name, threshold in thresholds.items() if threshold > own)
    if not above:
        return TierProgress(tier, None, spend_fen, 0)
    threshold, name = above[0]
    return TierProgress(tier, name, spend_fen, max(0, threshold - spend_fen))
