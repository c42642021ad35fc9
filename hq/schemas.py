"""Bodies of the v1 API as pydantic models: they document the OpenAPI (docs/hq-api-v1.json).

The hot routes (``/v1/members/changes``, ``/v1/ops``) build their JSON themselves and do not
pass through these models at run time; the models say what that JSON is, and the tests
check the real answers against the contract's parser (``counter.contract``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from counter.contract import MAX_BATCH
from hq.care_schemas import CareConfig


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    server_time: str = Field(description="RFC 3339 UTC, e.g. 2026-01-31T08:15:00.123Z")
    epoch: str = Field(description="changes when HQ's data is restored or re-seeded")
    head_seq: int = Field(
        description="the last change sequence number handed out: a counter that has seen a "
        "larger one in the same epoch knows HQ was restored from a backup"
    )
    api_version: str


class StoreInfo(BaseModel):
    code: str
    name: str


class ErrorDetail(BaseModel):
    code: str = Field(description="stable snake_case code: clients branch on it")
    message: str = Field(description="human text, for logs and people")
    details: dict[str, Any] = Field(default_factory=dict)


class ErrorBody(BaseModel):
    error: ErrorDetail


# ------------------------------------------------------------------ config


class RewardConfig(BaseModel):
    code: str = Field(max_length=32, description="what a points.redeem names (v1.1)")
    name: str
    points: int = Field(ge=1, description="points for one")
    daily_limit: int | None = Field(default=None, ge=1, description="per member a day")


class AwardReasonConfig(BaseModel):
    code: str = Field(description="what points.award names as `reason_code`")
    name_zh: str
    name_en: str
    points: int = Field(description="the usual amount")
    max_points: int = Field(description="the most one award may give (≥ points)")
    daily_limit: int | None = Field(
        default=None, description="awards of this reason per member per day, if limited"
    )


class PointsConfig(BaseModel):
    yuan_per_point: int
    tier_multipliers: dict[str, str] = Field(description="decimal strings, by tier")
    member_days: list[int] = Field(description="days of the month")
    member_day_multiplier: str
    birthday_month_multiplier: str
    max_promo_multiplier: str
    excluded_categories: list[str]
    offline_redeem_cap_per_day: int
    expiry: str = Field(description='"end_of_next_year": earned in Y, expires 31 Dec Y+1')
    rewards: list[RewardConfig] = Field(
        default_factory=list, description="v1.1: the reward catalogue (积分兑换), in order"
    )
    award_reasons: list[AwardReasonConfig] = Field(
        default=[],
        description="1.1: what activity points (points.award) may be given for",
    )
    referral_points: int = Field(
        default=0, description="1.1: HQ's points to the referrer of each new member"
    )
    tier_thresholds_fen: dict[str, int] = Field(
        default={},
        description="1.1: the 12-month self-paid spend (fen) each tier starts at; HQ decides "
        "the tier when it books earns and refunds",
    )


class ComplaintsConfig(BaseModel):
    due_hours: dict[str, int] = Field(description="hours to resolve, by severity")


class HealthLists(BaseModel):
    chronic_conditions: list[str] = Field(description="慢性病: the chain's list")
    allergy_classes: list[str] = Field(description="过敏史: drug classes")


class Config(BaseModel):
    version: str = Field(description="SHA-256 of the canonical JSON; also the ETag")
    rules_version: str = Field(
        description="the version of the rules alone (points, complaints): SHA-256 of their "
        "canonical JSON (counter.rules.rules_version). A points.earn names it; HQ keeps every "
        "version it had and books an earn under the one it names (docs/points.md)"
    )
    points: PointsConfig
    complaints: ComplaintsConfig
    qr_keys: dict[str, str] = Field(
        description="key id → base64 of the raw 32-byte Ed25519 public key, every key valid"
    )
    health: HealthLists = Field(
        description="what the counter's health editor offers; anything else is typed as free text"
    )
    consent_texts: dict[str, dict[str, str]] = Field(
        description="purpose (basic, health, marketing) → {version, zh, en}: the text a member "
        "is shown before each separate consent; member.consent names the version"
    )
    card_blocks: dict[str, str] = Field(
        description="store code → the first 9 digits of the card numbers its counters issue "
        "(then the PC's counter number, a 5-digit sequence and the Luhn digit)"
    )
    care: CareConfig = Field(
        description="1.1: care plan templates and the refill lead (hq/care.py)"
    )


# ------------------------------------------------------------------ members


class PointsExpiring(BaseModel):
    points: int
    expires_on: str = Field(description="YYYY-MM-DD")


class Visit(BaseModel):
    at: str = Field(description="RFC 3339 UTC: when the sale was made")
    store_code: str
    amount_fen: int


class MedicineInfo(BaseModel):
    name: str
    dose: str = Field(description="e.g. 5 mg once a day; may be empty")
    days_supply: int | None = Field(description="days one dispensing lasts (refill reminders)")
    last_dispensed: str | None = Field(description="YYYY-MM-DD")


class HealthInfo(BaseModel):
    allergies: list[str]
    chronic: list[str]
    medicines: list[str | MedicineInfo] = Field(
        description="a name (older records) or name, dose, days' supply, last dispensed"
    )


class CardInfo(BaseModel):
    card_no: str
    status: Literal["active", "lost", "replaced", "expired"]
    valid_until: str | None


class ConsentInfo(BaseModel):
    granted: bool
    text_version: str | None = Field(description="the consent text shown (config consent_texts)")
    at: str = Field(description="RFC 3339 UTC: when the member gave or withdrew it")
    store_code: str = Field(description="the store where it was recorded")


class MemberRecord(BaseModel):
    """An active member, exactly as ``counter.contract.parse_member_record`` reads it."""

    id: str
    seq: int
    status: Literal["active"]
    member_no: str
    name: str
    gender: Literal["F", "M", ""]
    birthday: str | None
    phone: str
    email: str
    address: str
    education: str | None
    income: str | None
    marital_status: str | None
    tier: Literal["basic", "silver", "gold"]
    tier_spend_fen: int = Field(
        default=0,
        description="1.1: the self-paid spend of the last 12 months (fen), less refunds: what "
        "HQ decides the tier by (points.tier_thresholds_fen)",
    )
    points: int = Field(description="the balance: the sum of the member's ledger entries")
    points_expiring: list[PointsExpiring] = Field(
        description="what is left of each credit by expiry date, oldest first"
    )
    recent_visits: list[Visit] = Field(description="the last 5 sales that earned, newest first")
    health: HealthInfo | None = Field(description="null without the member's consent")
    cards: list[CardInfo]
    consents: dict[Literal["basic", "health", "marketing"], ConsentInfo] = Field(
        default_factory=dict,
        description="1.1: the member's latest consent per purpose, at whichever store it was "
        "recorded (a purpose never recorded is absent); absent from older HQs: unknown",
    )
    updated_at: str


class Tombstone(BaseModel):
    """A member that was deleted, or merged into another (``merged_into``)."""

    id: str
    seq: int
    status: Literal["deleted", "merged"]
    merged_into: str | None = Field(default=None, description="only when merged")


class MemberChanges(BaseModel):
    items: list[MemberRecord | Tombstone]
    next_cursor: str = Field(description="opaque; covers exactly the items of this page")
    has_more: bool


class MemberLookup(BaseModel):
    member: MemberRecord


# ------------------------------------------------------------------ ops


class OpsRequest(BaseModel):
    ops: list[Any] = Field(
        max_length=MAX_BATCH,
        description=f"at most {MAX_BATCH} operations (see Operation), applied in order",
        json_schema_extra={"items": {"$ref": "#/components/schemas/Operation"}},
    )


class OpResult(BaseModel):
    op_id: str | None
    status: Literal["applied", "rejected"]
    replayed: bool = Field(description="true: the stored first outcome of an op sent before")
    seq: int | None = Field(
        default=None, description="applied: the change sequence the effect is visible at"
    )
    entity: dict[str, Any] | None = Field(
        default=None,
        description="applied: the member or complaint record after the op; null for "
        "care.enroll and care.task (the counter holds the plan as it made it)",
    )
    error: ErrorDetail | None = Field(default=None, description="rejected: why")
    review: ErrorDetail | None = Field(
        default=None,
        description="applied, but flagged for review: `offline_cap_exceeded` (details: "
        "`day`, `cap`, `redeemed_that_day`), `reverse_below_zero` (details: `receipt_no`, "
        "`points`, `balance`); the counter lists it with its problems",
    )
    reversed_points: int | None = Field(
        default=None,
        description="applied points.reverse (1.1): the points HQ took back (it books its own "
        "figure from the receipt: what the counter computed unless another refund came first)",
    )
    refunded_fen: int | None = Field(
        default=None, description="applied points.reverse (1.1): the self-paid money refunded"
    )
    below_zero: bool | None = Field(
        default=None,
        description="applied points.reverse (1.1), when true: the refund took the balance "
        "below zero; booked, flagged (`review`: `reverse_below_zero`)",
    )
    balance: int | None = Field(
        default=None, description="with `below_zero`: the balance after the refund"
    )
    superseded_rules: bool | None = Field(
        default=None,
        description="applied points.earn only, when true: booked under a rules version HQ had "
        "already replaced when the sale was made (counted in the store's problems list)",
    )
    status_superseded: dict[str, str] | None = Field(
        default=None,
        description="complaint.update: the status move that did not happen because HQ had "
        "moved the complaint on (from: HQ's status, to: the store's); its note and follow-up "
        "were kept (since 1.1)",
    )


class OpsResponse(BaseModel):
    results: list[OpResult]


# ------------------------------------------------------------------ complaints


class ComplaintNoteRecord(BaseModel):
    id: str
    at: str
    operator_id: str
    text: str
    new_status: str | None


class Followup(BaseModel):
    at: str
    note: str
    satisfaction: int = Field(ge=1, le=5)
    method: Literal["phone", "in_store", "wechat"] = Field(
        description="how the follow-up visit (回访) was made (since 1.1; older ones: phone)"
    )
    reached: bool = Field(description="whether the customer was reached (older ones: true)")


class ComplaintRecord(BaseModel):
    id: str
    seq: int
    store_code: str
    number: str = Field(
        description="the number the customer quotes, store-PC-date-sequence, e.g. "
        "S001-2-20261206-003 (since 1.1; empty for complaints logged before)"
    )
    member_id: str | None
    customer_name: str
    customer_phone: str
    category: str
    severity: Literal["low", "medium", "high", "urgent"]
    channel: Literal["counter", "phone", "online"]
    description: str
    wants: str
    status: Literal["received", "handling", "resolved", "closed", "escalated"]
    due_at: str
    created_at: str
    updated_at: str
    notes: list[ComplaintNoteRecord]
    followup: Followup | None


class ComplaintChanges(BaseModel):
    items: list[ComplaintRecord]
    next_cursor: str
    has_more: bool


# ------------------------------------------------------------------ member app


class MemberCodeRequest(BaseModel):
    card_no: str | None = Field(default=None, description="16 digits with a Luhn check digit")
    phone: str | None = Field(default=None, description="11-digit mainland mobile")


class MemberCode(BaseModel):
    token: str = Field(description="CM1:… (docs/member-codes.md)")
    member_no: str
    expires_at: str
