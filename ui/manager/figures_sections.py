"""The figures page's sections: each a table (the exact numbers) and the chart drawn from it.

Built from ``services.figures.StoreFigures`` with the UI's words; the same ``FigureTable``s
are what Copy and Export hand to the core, so what is exported is what is shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from counter.services.figures import StoreFigures
from counter.services.figures_export import FigureTable
from ui.complaints import labels as complaint_labels

TOP_DISTRICTS = 10  # charted; the table lists them all


def _tr(text: str) -> str:
    return QCoreApplication.translate("FiguresTab", text)


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
        "basic": lambda: _tr("Basic"),
        "silver": lambda: _tr("Silver"),
        "gold": lambda: _tr("Gold"),
        "F": lambda: _tr("Female"),
        "M": lambda: _tr("Male"),
        "unknown": lambda: _tr("Not known"),
        "0-17": lambda: _tr("Under 18"),
        "70+": lambda: _tr("70 and over"),
        "earn": lambda: _tr("Earned on sales"),
        "redeem": lambda: _tr("Redeemed"),
        "reverse": lambda: _tr("Reversed (refunds)"),
        "award": lambda: _tr("Awarded"),
    }


def label(key: str) -> str:
    known = _labels().get(key)
    return known() if known is not None else key


def _day(day: dt.date, bucket: str) -> str:
    if bucket == "week":
        return _tr("Week of {0}").format(day.strftime("%m-%d"))
    return day.strftime("%m-%d")


def _counts(rows: tuple[tuple[str, int], ...], total: int) -> tuple[tuple[str | int, ...], ...]:
    return tuple((label(k), n, share(n / total if total else None)) for k, n in rows)


def sections(f: StoreFigures) -> list[Section]:
    """Every section of the page, in the order the list shows them."""
    members, share_head = _tr("Members"), _tr("Share")
    complaints = f.complaints
    out = [
        Section("summary", FigureTable(_tr("Summary"), (_tr("Figure"), _tr("Value")), _summary(f))),
        Section(
            "new_members",
            FigureTable(
                _tr("New members registered here"),
                (_tr("Week from") if f.bucket == "week" else _tr("Day"), _tr("New members")),
                tuple((_day(d, f.bucket), n) for d, n in f.new_members),
            ),
            chart="bars",
        ),
    ]
    for key, title, rows in (
        ("tier", _tr("Members served by tier"), f.by_tier),
        ("gender", _tr("Members served by gender"), f.by_gender),
        ("age", _tr("Members served by age"), f.by_age_band),
    ):
        head = (_tr("Tier") if key == "tier" else _tr("Gender") if key == "gender" else _tr("Age"),)
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
                _tr("Members served by district"),
                (_tr("District"), members, share_head),
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
                _tr("Points booked here"),
                (_tr("Kind"), _tr("Entries"), _tr("Points")),
                tuple((label(kind), n, abs(points)) for kind, (n, points) in f.points.items()),
            ),
            chart="bars",
            value_column=2,
        )
    )
    if complaints is not None:
        out.append(
            Section(
                "complaints",
                FigureTable(
                    _tr("Complaints by category"),
                    (_tr("Category"), _tr("Complaints")),
                    tuple(
                        (complaint_labels.category_label(k), n)
                        for k, n in sorted(complaints.by_category.items(), key=lambda kv: -kv[1])
                    ),
                ),
                chart="bars",
            )
        )
        out.append(
            Section(
                "complaint_states",
                FigureTable(
                    _tr("Complaints by state"),
                    (_tr("State"), _tr("Complaints")),
                    tuple(
                        (complaint_labels.state_label(k), n)
                        for k, n in sorted(complaints.by_state.items(), key=lambda kv: -kv[1])
                    ),
                ),
                chart="bars",
            )
        )
    return out


def _summary(f: StoreFigures) -> tuple[tuple[str | int, ...], ...]:
    c = f.complaints
    rows: list[tuple[str | int, ...]] = [
        (_tr("Members registered here"), f.registered),
        (_tr("Members served (one purchase or more)"), f.active),
        (_tr("Of them, back two times or more"), f.repeat),
        (_tr("Repeat rate"), share(f.repeat_rate)),
        (_tr("Receipts"), f.receipts),
        (_tr("Sales"), yuan(f.sales_fen)),
        (_tr("Average basket (per receipt)"), yuan(f.average_basket_fen)),
        (_tr("Self-paid share"), share(f.self_paid_share)),
        (_tr("Refunded (self-paid)"), yuan(f.refunded_fen)),
        (_tr("Points earned"), f.points_earned),
        (_tr("Points redeemed"), f.points_redeemed),
        (_tr("Points reversed"), f.points_reversed),
        (_tr("Points awarded"), f.points_awarded),
        (_tr("Rewards redeemed"), f.rewards_redeemed),
    ]
    if c is not None:
        rows += [
            (_tr("Complaints"), c.total),
            (_tr("Complaints overdue"), c.overdue),
            (
                _tr("Average satisfaction (1–5)"),
                "—" if c.average_satisfaction is None else f"{c.average_satisfaction:.1f}",
            ),
            (
                _tr("Median time to resolve (hours)"),
                "—" if c.median_hours_to_resolve is None else f"{c.median_hours_to_resolve:.1f}",
            ),
        ]
    return tuple(rows)
