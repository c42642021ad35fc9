"""Health information (sensitive personal information, PIPL): every view is audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from counter.services import audit
from counter.services.config import cached_config
from counter.services.context import Actor, ServiceContext


def audit_health_view(ctx: ServiceContext, actor: Actor, member_id: str, what: str) -> None:
    """Record that ``actor`` was shown ``what`` (e.g. the allergy banner) of a member's health.

    Kept off the scan's hot path: the UI calls it from its database worker right after
    painting the panel.
    """
    with ctx.db.write() as s:
        audit.record(s, actor, "health.view", ctx.now(), member_id=member_id, what=what)


# Offered when HQ's config has no ``health`` lists yet (before the first sync): the same
# words the reference HQ's seeds use, so picked entries match what HQ reports on.
DEFAULT_CHRONIC = (
    "高血压", "2型糖尿病", "高脂血症", "冠心病", "慢性胃炎", "痛风", "骨质疏松", "哮喘",
    "甲状腺功能减退", "慢性阻塞性肺疾病",
)  # fmt: skip
DEFAULT_ALLERGY_CLASSES = (
    "青霉素", "头孢类", "磺胺类", "阿司匹林", "布洛芬", "链霉素", "庆大霉素", "对乙酰氨基酚",
)  # fmt: skip


@dataclass(frozen=True)
class HealthChoices:
    """The lists the health editor offers; anything else is typed as free text."""

    chronic: tuple[str, ...]
    allergy_classes: tuple[str, ...]


def health_choices(ctx: ServiceContext) -> HealthChoices:
    """Chronic conditions and drug-allergy classes from HQ's config (``health`` part)."""
    with ctx.db.read() as s:
        part = cached_config(s).get("health") or {}
    chronic = part.get("chronic_conditions") if isinstance(part, dict) else None
    classes = part.get("allergy_classes") if isinstance(part, dict) else None

    def texts(value: Any, default: tuple[str, ...]) -> tuple[str, ...]:
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return tuple(v.strip() for v in value if v.strip())
        return default

    return HealthChoices(texts(chronic, DEFAULT_CHRONIC), texts(classes, DEFAULT_ALLERGY_CLASSES))
