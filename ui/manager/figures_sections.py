"""The figures page's sections: each a table (the exact numbers) and the chart drawn from it.

Built from ``services.figures.StoreFigures`` with the UI's words; the same ``FigureTable``s
are what Copy and Export hand to the core, so what is exported is what is shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from counter.services.figures import StoreFigures
from counter.services.figures_export import FigureTable
from ui.complaints import labels as complaint_labels
from ui.shell.labels import gender_label, tier_label

TOP_DISTRICTS = 10  # charted; the table lists them all


@dataclass(frozen=True)
class Section:
    key: str
    table: FigureTable
    # "bars", "ranked" (sideways, largest first) or "" (a table only).
    chart: str = ""
    # Which column the chart draws, and how many rows at most.
    value_column: int = 1
    chart_rows: int = 0


def yuan(fen: int | None) -> str:
    return "—" if fen is None else f"¥{fen / 100:,.2f}"


def share(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _labels() -> dict[str, Callable[[], str]]:
    return {
        **{tier: lambda tier=tier: tier_label(tier) for tier in ("basic", "silver", "gold")},
        **{code: lambda code=code: gender_label(code) for code in ("F", "M")},
        "unknown": lambda: QCoreApplication.translate("FiguresTab", "Not known"),
        "0-17": lambda: QCoreApplication.translate("FiguresTab", "Under 18"),
        "70+": lambda: QCoreApplication.translate("FiguresTab", "70 and over"),
        "earn": lambda: QCoreApplication.translate("FiguresTab", "Earned on sales"),
        "redeem": lambda: QCoreApplication.translate("FiguresTab", "Redeemed"),
        "reverse": lambda: QCoreApplication.translate("FiguresTab", "Reversed (refunds)"),
        "award": lambda: QCoreApplication.translate("FiguresTab", "Awarded"),
        "reached": lambda: QCoreApplication.translate("FiguresTab", "Reached by phone"),
        "visited": lambda: QCoreApplication.translate("FiguresTab", "Came to the store"),
        "declined": lambda: QCoreApplication.translate("FiguresTab", "Declined"),
        "no_answer": lambda: QCoreApplication.translate("FiguresTab", "No answer"),
    }


def label(key: str) -> str:
    known = _labels().get(key)
    return known() if known is not None else key


def _day(day: dt.date, bucket: str) -> str:
    if bucket == "week":
        return QCoreApplication.translate("FiguresTab", "Week of {0}").format(day.strftime("%m-%d"))
    return day.strftime("%m-%d")


def _counts(rows: tuple[tuple[str, int], ...], total: int) -> tuple[tuple[str | int, ...], ...]:
    return tuple((label(k), n, share(n / total if total else None)) for k, n in rows)


def sections(f: StoreFigures) -> list[Section]:
    """Every section of the page, in the order the list shows them."""
    members, share_head = (
        QCoreApplication.translate("FiguresTab", "Members"),
        QCoreApplication.translate("FiguresTab", "Share"),
    )
    complaints = f.complaints
    out = [
        Section(
            "summary",
            FigureTable(
                QCoreApplication.translate("FiguresTab", "Summary"),
                (
                    QCoreApplication.translate("FiguresTab", "Figure"),
                    QCoreApplication.translate("FiguresTab", "Value"),
                ),
                _summary(f),
            ),
        ),
        Section(
            "new_members",
            FigureTable(
                QCoreApplication.translate("FiguresTab", "New members registered here"),
                (
                    QCoreApplication.translate("FiguresTab", "Week from")
                    if f.bucket == "week"
                    else QCoreApplication.translate("FiguresTab", "Day"),
                    QCoreApplication.translate("FiguresTab", "New members"),
                ),
                tuple((_day(d, f.bucket), n) for d, n in f.new_members),
            ),
            chart="bars",
        ),
    ]
    for key, title, rows in (
        ("tier", QCoreApplication.translate("FiguresTab", "Members served by tier"), f.by_tier),
        (
            "gender",
            QCoreApplication.translate("FiguresTab", "Members served by gender"),
            f.by_gender,
        ),
        ("age", QCoreApplication.translate("FiguresTab", "Members served by age"), f.by_age_band),
    ):
        head = (
            QCoreApplication.translate("FiguresTab", "Tier")
            if key == "tier"
            else QCoreApplication.translate("FiguresTab", "Gender")
            if key == "gender"
            else QCoreApplication.translate("FiguresTab", "Age"),
        )
        out.append(
            Section(
                key,
                FigureTable(title, (*head, members, share_head), _counts(rows, f.active)),
                chart="bars",
            )
        )
    out.append(
        Section(
            "district",
            FigureTable(
                QCoreApplication.translate("FiguresTab", "Members served by district"),
                (QCoreApplication.translate("FiguresTab", "District"), members, share_head),
                _counts(f.by_district, f.active),
            ),
            chart="ranked",
            chart_rows=TOP_DISTRICTS,
        )
    )
    out.append(
        Section(
            "points",
            FigureTable(
                QCoreApplication.translate("FiguresTab", "Points booked here"),
                (
                    QCoreApplication.translate("FiguresTab", "Kind"),
                    QCoreApplication.translate("FiguresTab", "Entries"),
                    QCoreApplication.translate("FiguresTab", "Points"),
                ),
                tuple((label(kind), n, abs(points)) for kind, (n, points) in f.points.items()),
            ),
            chart="bars",
            value_column=2,
        )
    )
    no_reward = QCoreApplication.translate("FiguresTab", "(no reward named)")
    out.append(
        Section(
            "rewards",
            FigureTable(
                QCoreApplication.translate("FiguresTab", "Rewards redeemed"),
                (
                    QCoreApplication.translate("FiguresTab", "Reward"),
                    QCoreApplication.translate("FiguresTab", "Redemptions"),
                    QCoreApplication.translate("FiguresTab", "Items"),
                    QCoreApplication.translate("FiguresTab", "Points"),
                ),
                tuple(
                    (name or no_reward, n, quantity, points)
                    for _code, name, n, quantity, points in f.rewards
                ),
            ),
            chart="ranked",
            value_column=2,
        )
    )
    out.append(
        _by_count(
            "care",
            QCoreApplication.translate("FiguresTab", "Care tasks done"),
            (
                QCoreApplication.translate("FiguresTab", "Outcome"),
                QCoreApplication.translate("FiguresTab", "Tasks"),
            ),
            f.care_done,
            label,
        )
    )
    if complaints is not None:
        out.append(
            _by_count(
                "complaints",
                QCoreApplication.translate("FiguresTab", "Complaints by category"),
                (
                    QCoreApplication.translate("FiguresTab", "Category"),
                    QCoreApplication.translate("FiguresTab", "Complaints"),
                ),
                complaints.by_category,
                complaint_labels.category_label,
            )
        )
        out.append(
            _by_count(
                "complaint_states",
                QCoreApplication.translate("FiguresTab", "Complaints by state"),
                (
                    QCoreApplication.translate("FiguresTab", "State"),
                    QCoreApplication.translate("FiguresTab", "Complaints"),
                ),
                complaints.by_state,
                complaint_labels.state_label,
            )
        )
    return out


def _by_count(
    key: str,
    title: str,
    head: tuple[str, str],
    counts: Mapping[str, int],
    name: Callable[[str], str],
) -> Section:
    """A two-column section of counts by name, largest first, drawn as bars."""
    rows = tuple((name(k), n) for k, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    return Section(key, FigureTable(title, head, rows), chart="bars")


def _summary(f: StoreFigures) -> tuple[tuple[str | int, ...], ...]:
    c = f.complaints
    rows: list[tuple[str | int, ...]] = [
        (QCoreApplication.translate("FiguresTab", "Members registered here"), f.registered),
        (
            QCoreApplication.translate("FiguresTab", "Members served (one purchase or more)"),
            f.active,
        ),
        (QCoreApplication.translate("FiguresTab", "Of them, back two times or more"), f.repeat),
        (QCoreApplication.translate("FiguresTab", "Repeat rate"), share(f.repeat_rate)),
        (QCoreApplication.translate("FiguresTab", "Receipts"), f.receipts),
        (QCoreApplication.translate("FiguresTab", "Sales"), yuan(f.sales_fen)),
        (
            QCoreApplication.translate("FiguresTab", "Average basket (per receipt)"),
            yuan(f.average_basket_fen),
        ),
        (QCoreApplication.translate("FiguresTab", "Self-paid share"), share(f.self_paid_share)),
        (QCoreApplication.translate("FiguresTab", "Refunded (self-paid)"), yuan(f.refunded_fen)),
        (QCoreApplication.translate("FiguresTab", "Points earned"), f.points_earned),
        (QCoreApplication.translate("FiguresTab", "Points redeemed"), f.points_redeemed),
        (QCoreApplication.translate("FiguresTab", "Points reversed"), f.points_reversed),
        (QCoreApplication.translate("FiguresTab", "Points awarded"), f.points_awarded),
        (QCoreApplication.translate("FiguresTab", "Rewards redeemed"), f.rewards_redeemed),
    ]
    rows += [
        (QCoreApplication.translate("FiguresTab", "Care tasks done"), sum(f.care_done.values())),
        (QCoreApplication.translate("FiguresTab", "Care tasks overdue (now)"), f.care_overdue),
    ]
    if c is not None:
        rows += [
            (QCoreApplication.translate("FiguresTab", "Complaints"), c.total),
            (QCoreApplication.translate("FiguresTab", "Complaints overdue"), c.overdue),
            (
                QCoreApplication.translate("FiguresTab", "Average satisfaction (1–5)"),
                "—" if c.average_satisfaction is None else f"{c.average_satisfaction:.1f}",
            ),
            (
                QCoreApplication.translate("FiguresTab", "Median time to resolve (hours)"),
                "—" if c.median_hours_to_resolve is None else f"{c.median_hours_to_resolve:.1f}",
            ),
        ]
    return tuple(rows)
