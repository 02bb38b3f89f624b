"""Small QtCharts builders shared by the dashboard, the personal-brand tab and competitors."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QPieSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter

from orm_desktop.textsafe import clip

POS, NEU, NEG = QColor("#27AE60"), QColor("#AAB7B8"), QColor("#E74C3C")


class ChartView(QChartView):
    """A chart view whose clickable elements report a key (e.g. an entity id or a label)."""

    picked = Signal(object)

    def __init__(self, chart: QChart, parent=None) -> None:
        super().__init__(chart, parent)
        self.setAccessibleName(f"{chart.title()} chart" if chart.title() else "chart")
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(220)


def _count_axis(top: float) -> QValueAxis:
    """An axis for counts: whole-number ticks, a little headroom."""
    axis = QValueAxis()
    axis.setLabelFormat("%d")
    top = max(1, int(top))
    step = max(1, -(-top // 5))
    ticks = -(-top // step) + 1
    axis.setRange(0, step * (ticks - 1) if step * (ticks - 1) >= top else step * ticks)
    axis.setTickCount(ticks if step * (ticks - 1) >= top else ticks + 1)
    return axis


def _small() -> QFont:
    f = QFont()
    f.setPointSize(7)
    return f




def categories(labels: list[str]) -> list[str]:
    """Category names for a QBarCategoryAxis: it silently drops repeated names, and then draws
    fewer categories than there are bars (the newest days fell off the chart). Blank labels
    become distinct runs of zero-width spaces; repeated labels get one appended."""
    out: list[str] = []
    seen: set[str] = set()
    for label in labels:
        name = label or "\u200b"
        while name in seen:
            name += "\u200b"
        seen.add(name)
        out.append(name)
    return out


def _chart(title: str) -> QChart:
    c = QChart()
    c.setTitle(title)
    c.setMargins(QMargins(4, 4, 4, 4))
    c.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    c.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    return c


def weekly(points) -> list[tuple[int, int, int, int]]:
    """Fold daily points into weeks: (week start, positive, neutral, negative)."""
    weeks: list[list[int]] = []
    for i, p in enumerate(points):
        if i % 7 == 0:
            weeks.append([p.day, 0, 0, 0])
        weeks[-1][1] += p.positive
        weeks[-1][2] += p.neutral
        weeks[-1][3] += p.negative
    return [tuple(w) for w in weeks]


def sentiment_volume_chart(points, title: str, *, by_week: bool | None = None) -> ChartView:
    """Stacked bars of positive / neutral / negative mentions per day (or week)."""
    if by_week is None:
        by_week = len(points) > 45
    rows = weekly(points) if by_week else [(p.day, p.positive, p.neutral, p.negative) for p in points]
    series = QStackedBarSeries()
    sets = []
    for name, color, idx in (("positive", POS, 1), ("neutral", NEU, 2), ("negative", NEG, 3)):
        s = QBarSet(name)
        s.setColor(color)
        s.setBorderColor(color)
        s.append([float(r[idx]) for r in rows])
        series.append(s)
        sets.append(s)
    series.setBarWidth(0.9)
    chart = _chart(title)
    chart.addSeries(series)
    labels = [dt.datetime.fromtimestamp(r[0], dt.UTC).strftime("%d/%m") for r in rows]
    step = max(1, -(-len(labels) // 6))  # at most 6 dates, whatever the chart's width
    axis_x = QBarCategoryAxis()
    axis_x.append(categories([lbl if i % step == step // 2 else "" for i, lbl in enumerate(labels)]))
    axis_x.setLabelsFont(_small())
    axis_x.setTruncateLabels(False)  # a date spans the blank categories after it: never "31…"
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_x)
    axis_y = _count_axis(max([r[1] + r[2] + r[3] for r in rows] + [1]))
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_y)
    view = ChartView(chart)
    for s, label in zip(sets, ("positive", "neutral", "negative"), strict=True):
        s.clicked.connect(lambda _i, lbl=label: view.picked.emit(lbl))
    return view


def share_pie(rows, title: str) -> ChartView:
    """rows: (key, name, count, share)."""
    series = QPieSeries()
    palette = ["#0F6E8C", "#E67E22", "#8E44AD", "#16A085", "#C0392B", "#2C3E50", "#D4AC0D"]
    chart = _chart(title)
    view = ChartView(chart)
    for i, (key, name, count, share) in enumerate(rows):
        # the share first: a legend too narrow for its labels cuts their ends ("Apple 8..." was 88 %)
        sl = series.append(f"{share:.0%} {name}", max(count, 0))
        sl.setColor(QColor(palette[i % len(palette)]))
        sl.clicked.connect(lambda k=key: view.picked.emit(k))
    chart.addSeries(series)
    chart.legend().setVisible(True)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)  # beside the pie, names were cut ("Maya Lindqvist …")
    chart.legend().setShowToolTips(True)
    return view


def hbar(rows, title: str, color: str = "#0F6E8C", *, keys=None) -> ChartView:
    """rows: (label, value) as horizontal bars, largest on top; a click on a bar reports its key
    (``keys``, one per row; the label when not given)."""
    rows = list(rows)
    keys = list(keys) if keys is not None else [label for label, _ in rows]
    rows, keys = rows[::-1], keys[::-1]
    s = QBarSet(title)
    s.setColor(QColor(color))
    s.append([float(v) for _, v in rows])
    series = QHorizontalBarSeries()
    series.append(s)
    chart = _chart(title)
    chart.addSeries(series)
    chart.legend().setVisible(False)
    ax = QBarCategoryAxis()
    ax.append(categories([clip(str(lbl), 24) for lbl, _ in rows]) or [" "])
    ax.setLabelsFont(_small())
    ax.setTruncateLabels(False)
    chart.addAxis(ax, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(ax)
    vx = _count_axis(max([v for _, v in rows] + [1]))
    chart.addAxis(vx, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(vx)
    view = ChartView(chart)
    s.clicked.connect(lambda i: view.picked.emit(keys[i]))
    view.setToolTip("Click a bar to list its mentions in the inbox")
    return view
