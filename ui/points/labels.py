"""How points read at the counter: yuan, multipliers, the balance and its pending part, the
working of an earn. Shared by the earn and redeem dialogs, the slips and the customer display."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QCoreApplication

from counter import rules, services
from ui.shell.labels import tier_label


def yuan(fen: int) -> str:
    """¥1,234.50"""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}¥{fen // 100:,}.{fen % 100:02d}"


def factor(value: Decimal) -> str:
    """1.5, 2, 1.2: a multiplier as a person writes it."""
    return format(value.normalize(), "f")


def balance_line(view: services.MemberView) -> str:
    """The balance as the member panel words it: HQ's, and this store's pending part."""
    if view.pending_points == 0:
        return QCoreApplication.translate(
            "PointsLabels", "{0:,} points (HQ balance; nothing pending)"
        ).format(view.points_shown)
    return QCoreApplication.translate(
        "PointsLabels", "{0:,} points (HQ balance {1:,} {2} {3:,} pending at this store)"
    ).format(
        view.points_shown,
        view.hq_points,
        "+" if view.pending_points > 0 else "−",
        abs(view.pending_points),
    )


def explanation_text(ex: rules.EarnExplanation, tier: str, yuan_per_point: int) -> str:
    """eligible ¥ × rate × tier × member day / birthday month (capped) = points"""
    parts = [
        QCoreApplication.translate("PointsLabels", "Eligible {0}").format(yuan(ex.eligible_fen))
    ]
    if yuan_per_point == 1:
        parts.append(
            QCoreApplication.translate("PointsLabels", "→ {0} (1 point per whole yuan)").format(
                ex.base_points
            )
        )
    else:
        parts.append(
            QCoreApplication.translate("PointsLabels", "→ {0} (1 point per {1} whole yuan)").format(
                ex.base_points, yuan_per_point
            )
        )
    parts.append(
        QCoreApplication.translate("PointsLabels", "× {0} {1}").format(
            tier_label(tier), factor(ex.tier_multiplier)
        )
    )
    promos = []
    if ex.member_day:
        promos.append(QCoreApplication.translate("PointsLabels", "member day"))
    if ex.birthday_month:
        promos.append(QCoreApplication.translate("PointsLabels", "birthday month"))
    if promos:
        which = QCoreApplication.translate("PointsLabels", " and ").join(promos)
        if ex.capped:
            parts.append(
                QCoreApplication.translate("PointsLabels", "× {0} {1} (capped from {2})").format(
                    which, factor(ex.promo_multiplier), factor(ex.promo_uncapped)
                )
            )
        else:
            parts.append(
                QCoreApplication.translate("PointsLabels", "× {0} {1}").format(
                    which, factor(ex.promo_multiplier)
                )
            )
    parts.append(QCoreApplication.translate("PointsLabels", "= {0:,} points").format(ex.points))
    return " ".join(parts)
