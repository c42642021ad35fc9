"""The audit trail's action codes and details as a store manager reads them."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

from ui.shell.labels import role_label


def action_labels() -> dict[str, str]:
    return {
        "operator.login": QCoreApplication.translate("AuditLabels", "Signed in"),
        "operator.login_failed": QCoreApplication.translate("AuditLabels", "Sign-in refused"),
        "operator.locked": QCoreApplication.translate("AuditLabels", "Locked after wrong PINs"),
        "operator.unlock": QCoreApplication.translate("AuditLabels", "Unlocked by a manager"),
        "operator.create": QCoreApplication.translate("AuditLabels", "Operator added"),
        "operator.role": QCoreApplication.translate("AuditLabels", "Role changed"),
        "operator.disable": QCoreApplication.translate("AuditLabels", "Operator disabled"),
        "operator.enable": QCoreApplication.translate("AuditLabels", "Operator enabled"),
        "operator.pin_reset": QCoreApplication.translate("AuditLabels", "PIN reset by a manager"),
        "operator.pin_change": QCoreApplication.translate("AuditLabels", "Own PIN changed"),
        "operator.pin_change_failed": QCoreApplication.translate(
            "AuditLabels", "Own PIN change refused"
        ),
        "member.register": QCoreApplication.translate("AuditLabels", "Member registered"),
        "member.update": QCoreApplication.translate("AuditLabels", "Profile changed"),
        "member.reveal": QCoreApplication.translate("AuditLabels", "Name and phone shown"),
        "profile.view": QCoreApplication.translate("AuditLabels", "Profile opened"),
        "health.view": QCoreApplication.translate("AuditLabels", "Health information seen"),
        "health.record": QCoreApplication.translate("AuditLabels", "Health record saved"),
        "consent.grant": QCoreApplication.translate("AuditLabels", "Consent given"),
        "consent.withdraw": QCoreApplication.translate("AuditLabels", "Consent withdrawn"),
        "card.bind": QCoreApplication.translate("AuditLabels", "Card bound"),
        "points.earn": QCoreApplication.translate("AuditLabels", "Points earned"),
        "points.redeem": QCoreApplication.translate("AuditLabels", "Points redeemed"),
        "points.reverse": QCoreApplication.translate("AuditLabels", "Points reversed (refund)"),
        "points.award": QCoreApplication.translate("AuditLabels", "Activity points awarded"),
        "outreach.export": QCoreApplication.translate("AuditLabels", "Outreach list exported"),
        "complaint.create": QCoreApplication.translate("AuditLabels", "Complaint logged"),
        "complaint.update": QCoreApplication.translate("AuditLabels", "Complaint updated"),
        "complaint.reveal": QCoreApplication.translate("AuditLabels", "Complainant's phone shown"),
        "problems.view": QCoreApplication.translate("AuditLabels", "Problems list opened"),
        "problem.retry": QCoreApplication.translate("AuditLabels", "Problem retried"),
        "problem.dismiss": QCoreApplication.translate("AuditLabels", "Problem dismissed"),
        "sync.repoint": QCoreApplication.translate("AuditLabels", "Operation re-pointed"),
        "audit.export": QCoreApplication.translate("AuditLabels", "Audit trail exported"),
        "figures.export": QCoreApplication.translate("AuditLabels", "Figures exported"),
        "figures.copy": QCoreApplication.translate("AuditLabels", "Figures copied"),
    }


def action_label(action: str) -> str:
    """The action in words; a code this version does not know stays as it is."""
    known = action_labels().get(action)
    return f"{known} ({action})" if known else action


def _key_labels() -> dict[str, str]:
    return {
        "operator": QCoreApplication.translate("AuditLabels", "operator"),
        "role": QCoreApplication.translate("AuditLabels", "role"),
        "before": QCoreApplication.translate("AuditLabels", "before"),
        "after": QCoreApplication.translate("AuditLabels", "after"),
        "reason": QCoreApplication.translate("AuditLabels", "reason"),
        "in_row": QCoreApplication.translate("AuditLabels", "wrong in a row"),
        "until": QCoreApplication.translate("AuditLabels", "locked until"),
        "seconds_left": QCoreApplication.translate("AuditLabels", "seconds of lock left"),
        "unlocked": QCoreApplication.translate("AuditLabels", "lock lifted"),
        "lock_expired": QCoreApplication.translate("AuditLabels", "after a lock ran out"),
        "pin_rehashed": QCoreApplication.translate("AuditLabels", "PIN hash renewed"),
        "rows": QCoreApplication.translate("AuditLabels", "rows"),
        "file": QCoreApplication.translate("AuditLabels", "file"),
        "filter": QCoreApplication.translate("AuditLabels", "filter"),
    }


def _value_labels() -> dict[str, str]:
    return {
        "wrong_pin": QCoreApplication.translate("AuditLabels", "wrong PIN"),
        "locked": QCoreApplication.translate("AuditLabels", "locked"),
        "unknown": QCoreApplication.translate("AuditLabels", "unknown operator"),
    }


def details_text(details: dict[str, Any], operator_names: dict[str, str]) -> str:
    """``key: value`` pairs in words where known; an operator's id becomes their name, a
    role its name; other keys and values as the trail stores them."""
    keys, values = _key_labels(), _value_labels()
    parts = []
    for key, value in sorted(details.items()):
        if key == "operator" and isinstance(value, str):
            value = operator_names.get(value, value)
        elif key in ("role", "before", "after") and isinstance(value, str):
            value = role_label(value)
        elif isinstance(value, bool):
            value = QCoreApplication.translate("AuditLabels", "yes") if value else "—"
        elif isinstance(value, str):
            value = values.get(value, value)
        elif isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items())
        elif isinstance(value, list):
            value = ", ".join(map(str, value))
        parts.append(f"{keys.get(key, key)}: {value}")
    return "; ".join(parts)
