"""Names of the core's codes (roles, tiers) as a person at the counter reads them."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from counter.services import Actor


def role_label(role: str) -> str:
    labels = {
        "cashier": QCoreApplication.translate("Labels", "Cashier"),
        "service": QCoreApplication.translate("Labels", "Customer service"),
        "manager": QCoreApplication.translate("Labels", "Store manager"),
    }
    return labels.get(role, role)


def tier_label(tier: str) -> str:
    labels = {
        "basic": QCoreApplication.translate("Labels", "Basic member"),
        "silver": QCoreApplication.translate("Labels", "Silver member"),
        "gold": QCoreApplication.translate("Labels", "Gold member"),
    }
    return labels.get(tier, tier)


def gender_label(gender: str) -> str:
    labels = {
        "M": QCoreApplication.translate("Labels", "Male"),
        "F": QCoreApplication.translate("Labels", "Female"),
    }
    return labels.get(gender, "—")


def actor_label(actor: Actor) -> str:
    return QCoreApplication.translate("Labels", "{0} · {1}").format(
        actor.name, role_label(actor.role)
    )


def app_title() -> str:
    return QCoreApplication.translate("Labels", "Member Counter")
