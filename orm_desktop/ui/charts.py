"""Small QtCharts builders shared by the dashboard, the personal-brand tab and competitors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

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
from PySide6.QtGui import QColor, QFont, QPainter, QPen

from orm_desktop.textsafe import clip

POS, NEU, NEG = QColor("#27AE60"), QColor("#AAB7B8"), QColor("#E74C3C")
UNSCORED = QColor("#5D6D7E")  # not scored (a language no engine reads): not neutral's grey


class ChartView(QChartView):
    """A chart view whose clickable elements report a key (e.g. an entity id or a label).

    The same elements are chosen by keyboard: Tab stops at a chart that has any, the arrow keys
    move between them (the chosen one is marked on the chart and named to a screen reader),
    Enter or Space reports it as a click does."""

    picked = Signal(object)

    def __init__(self, chart: QChart, parent=None) -> None:
        super().__init__(chart, parent)
        self.setAccessibleName(f"{chart.title()} chart" if chart.title() else "chart")
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(220)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # until it has something to choose
        self._choices: list[tuple[object, str, Callable[[bool], None]]] = []
        self.chosen = -1

    def add_choice(self, key, label: str, mark: Callable[[bool], None]) -> None:
        """An element the keyboard can choose: its key (what ``picked`` reports), its name, and
        how to mark it on the chart (``mark(True)``) and unmark it."""
        self._choices.append((key, label, mark))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setToolTip("Click a bar or slice, or choose one with the arrow keys and press Enter, "
                        "to list its mentions in the inbox")

    def choose(self, index: int) -> None:
        """Mark choice ``index`` (wrapping round), unmarking the one before."""
        if not self._choices:
            return
        if 0 <= self.chosen < len(self._choices):
            self._choices[self.chosen][2](False)
        self.chosen = index % len(self._choices)
        _key, label, mark = self._choices[self.chosen]
        mark(True)
        self.setAccessibleDescription(f"{label}: Enter lists its mentions in the inbox")

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        k = event.key()
        if self._choices and k in (Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_Left, Qt.Key.Key_Up):
            step = 1 if k in (Qt.Key.Key_Right, Qt.Key.Key_Down) else -1
            self.choose(self.chosen + step if self.chosen >= 0 else (0 if step > 0 else -1))
        elif self._choices and k in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.choose(max(self.chosen, 0))
            self.picked.emit(self._choices[self.chosen][0])
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event) -> None:  # noqa: N802
        super().focusInEvent(event)
        if self._choices:
            self.choose(max(self.chosen, 0))

    def focusOutEvent(self, event) -> None:  # noqa: N802
        super().focusOutEvent(event)
        if 0 <= self.chosen < len(self._choices):
            self._choices[self.chosen][2](False)


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


def weekly(points) -> list[tuple[int, int, int, int, int]]:
    """Fold daily points into weeks: (week start, positive, neutral, negative, not scored). The weeks end with
    the newest day, so the newest bar is the last 7 days (what "Last 7 days" counts) and a short
    week, if any, is the oldest bar: counted from the oldest day, 90 days made the newest bar 6
    days long, read as "this week" and lower than the week it was."""
    weeks: list[list[int]] = []
    first = len(points) % 7  # the days of the oldest, short week
    for i, p in enumerate(points):
        if i == 0 or (i - first) % 7 == 0:
            weeks.append([p.day, 0, 0, 0, 0])
        weeks[-1][1] += p.positive
        weeks[-1][2] += p.neutral
        weeks[-1][3] += p.negative
        weeks[-1][4] += p.unscored
    return [tuple(w) for w in weeks]


def sentiment_volume_chart(points, title: str, *, by_week: bool | None = None) -> ChartView:
    """Stacked bars of positive / neutral / negative mentions per day (or week), and "not scored"
    ones (a language no engine reads: neither neutral nor left out of the volume) when there are."""
    if by_week is None:
        by_week = len(points) > 45
    rows = weekly(points) if by_week else [(p.day, p.positive, p.neutral, p.negative, p.unscored) for p in points]
    series = QStackedBarSeries()
    sets = []
    for name, color, idx in (("positive", POS, 1), ("neutral", NEU, 2), ("negative", NEG, 3)):
        s = QBarSet(name)
        s.setColor(color)
        s.setBorderColor(color)
        s.append([float(r[idx]) for r in rows])
        series.append(s)
        sets.append(s)
    unscored = None
    if any(r[4] for r in rows):
        unscored = s = QBarSet("not scored")
        s.setColor(UNSCORED)
        s.setBorderColor(UNSCORED)
        s.append([float(r[4]) for r in rows])
        series.append(s)
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
    axis_y = _count_axis(max([r[1] + r[2] + r[3] + r[4] for r in rows] + [1]))
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_y)
    view = ChartView(chart)
    for s, label, color in zip(sets, ("positive", "neutral", "negative"), (POS, NEU, NEG), strict=True):
        s.clicked.connect(lambda _i, lbl=label: view.picked.emit(lbl))
        view.add_choice(label, f"{label} mentions", lambda on, s=s, c=color: s.setPen(
            QPen(QColor("#1B2631"), 2) if on else QPen(c)))
    if unscored is not None:  # its key is the label of such a mention (the inbox's "not scored" filter)
        unscored.clicked.connect(lambda _i: view.picked.emit("unsupported"))
        view.add_choice("unsupported", "not scored mentions (other languages)", lambda on, s=unscored: s.setPen(
            QPen(QColor("#1B2631"), 2) if on else QPen(UNSCORED)))
    return view


PIE_SLICES = 6  # the first row (the brand) and the five largest others; the rest is one "others" slice


def share_pie(rows, title: str) -> ChartView:
    """rows: (key, name, count, share). With more than seven rows, the first one and the five
    largest of the others get a slice each and the rest one grey "N others" slice (76 slices in
    seven colours, and a legend of 76 names squeezed to unnamed squares, said nothing)."""
    series = QPieSeries()
    palette = ["#0F6E8C", "#E67E22", "#8E44AD", "#16A085", "#C0392B", "#2C3E50", "#D4AC0D"]
    chart = _chart(title)
    view = ChartView(chart)
    rows, rest = list(rows), []
    if len(rows) > PIE_SLICES + 1:
        largest = set(sorted(range(1, len(rows)), key=lambda i: (-rows[i][2], i))[:PIE_SLICES - 1])
        rest = [r for i, r in enumerate(rows) if i and i not in largest]
        rows = [r for i, r in enumerate(rows) if not i or i in largest]
    for i, (key, name, count, share) in enumerate(rows):
        # the share first: a legend too narrow for its labels cuts their ends ("Apple 8..." was 88 %)
        sl = series.append(f"{share:.0%} {name}", max(count, 0))
        sl.setColor(QColor(palette[i % len(palette)]))
        sl.clicked.connect(lambda k=key: view.picked.emit(k))
        view.add_choice(key, f"{name}: {count:,} mentions, {share:.0%}", lambda on, sl=sl: sl.setExploded(on))
    if rest:  # no single entity to list: not clickable, not a keyboard choice
        others = series.append(f"{sum(r[3] for r in rest):.0%} {len(rest)} others",
                               sum(max(r[2], 0) for r in rest))
        others.setColor(QColor("#AAB7B8"))
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
    s.setSelectedColor(QColor("#1B2631"))
    for i in range(len(rows) - 1, -1, -1):  # top bar first, as the chart reads
        view.add_choice(keys[i], f"{rows[i][0]}: {rows[i][1]:,}",
                        lambda on, i=i: s.selectBar(i) if on else s.deselectBar(i))
    return view
