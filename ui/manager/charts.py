"""Bar charts of the figures page, drawn by Qt Charts (docs/charts.md says why that library).

One function per kind of chart, each taking labels and values and giving back a widget the
tab puts beside its table. The charts are for seeing a shape at a glance; the table beside
each one holds the exact numbers (and is what Copy and Export take). Nothing moves under
the mouse: the counter is keyboard-first.

Qt Charts comes with PySide6-Addons. It is imported when the first chart is drawn, and a
build without it shows a line saying so where the chart would be; the tables still work.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QMargins, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QLabel, QWidget

BAR = QColor("#2f6db5")


def _missing() -> QWidget:
    label = QLabel(
        QCoreApplication.translate(
            "FiguresTab", "Charts need Qt Charts (PySide6-Addons); the table has the figures."
        )
    )
    label.setObjectName("figuresChart")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    return label


def bars(labels: Sequence[str], values: Sequence[float], *, ranked: bool = False) -> QWidget:
    """Bars, one per label: upright for a few labels in their own order (tiers, days),
    sideways with the largest on top when ``ranked`` (districts: longer labels, a list)."""
    try:
        from PySide6.QtCharts import (
            QBarCategoryAxis,
            QBarSeries,
            QBarSet,
            QChart,
            QChartView,
            QHorizontalBarSeries,
            QValueAxis,
        )
    except ImportError:
        return _missing()
    chart = QChart()
    chart.legend().hide()
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(0)
    bar_set = QBarSet("")
    bar_set.setColor(BAR)
    bar_set.setBorderColor(BAR)
    shown_labels, shown_values = list(labels), list(values)
    if ranked:  # Qt draws the first category at the bottom
        shown_labels.reverse()
        shown_values.reverse()
    bar_set.append(shown_values)
    series = QHorizontalBarSeries() if ranked else QBarSeries()
    series.append(bar_set)
    series.setBarWidth(0.6)
    series.setLabelsVisible(len(values) <= 16)
    series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsInsideEnd)
    bar_set.setLabelColor(QColor("white"))
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    categories.append(shown_labels or [""])
    if len(shown_labels) > 16:  # a month of days: the labels would run into each other
        categories.setLabelsAngle(-90)
        categories.setTruncateLabels(False)
    numbers = QValueAxis()
    numbers.setRange(0, max([*values, 1]) * 1.1)
    numbers.setLabelFormat("%d")
    numbers.applyNiceNumbers()
    category_side, value_side = (
        (Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignBottom)
        if ranked
        else (Qt.AlignmentFlag.AlignBottom, Qt.AlignmentFlag.AlignLeft)
    )
    chart.addAxis(categories, category_side)
    chart.addAxis(numbers, value_side)
    series.attachAxis(categories)
    series.attachAxis(numbers)
    view = QChartView(chart)
    view.setObjectName("figuresChart")
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumSize(320, 220)
    view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return view


def placeholder() -> QWidget:
    """Where a chart goes when a section has only a table."""
    widget = QWidget()
    widget.setObjectName("noChart")
    return widget
