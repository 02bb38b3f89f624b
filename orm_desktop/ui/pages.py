"""The personal-brand tab (one per executive), the dashboard and the competitors view."""

from __future__ import annotations

import html
import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from orm_desktop.types import last_days
from orm_desktop.ui.widgets import mark_safe_in_executive_mode

DAY = 86400


UNSURE_TIP = ("Unsure: scored by the machine with low confidence and not yet confirmed by a person. "
              "The inbox's \"Needs a human look\" filter lists them.")


def polarity_card(negative: int, positive: int, negative_unsure: int, positive_unsure: int) -> QFrame:
    """The "Negative stories" card: negative and positive counts, saying how many of each are unsure
    machine scores (a count of unconfirmed guesses must not read as a count of facts)."""
    note = f"positive {positive}"
    if negative_unsure or positive_unsure:
        note = f"{negative_unsure} unsure · positive {positive} ({positive_unsure} unsure)"
    f = card("Negative stories", f"{negative}", note)
    f.setObjectName("negative_stories")
    if negative_unsure or positive_unsure:
        f.setToolTip(UNSURE_TIP)
    return f


def card(title: str, value: str, note: str = "", color: str = "") -> QFrame:
    f = QFrame()
    f.setFrameShape(QFrame.Shape.StyledPanel)
    lay = QVBoxLayout(f)
    t = QLabel(title)
    t.setStyleSheet("color: palette(mid); font-size: 11px;")
    v = QLabel(value)
    v.setStyleSheet(f"font-size: 22px; font-weight: 600; {'color:' + color if color else ''}")
    lay.addWidget(t)
    lay.addWidget(v)
    if note:
        n = QLabel(note)
        n.setStyleSheet("color: palette(mid); font-size: 11px;")
        lay.addWidget(n)
    return f


def signed(x: float, pct: bool = False) -> str:
    """+12% / −3% / 0% (no sign on a value that rounds to zero)."""
    text = f"{x:+.0%}" if pct else f"{x:+.2f}"
    return text[1:] if text.lstrip("+-").strip("0.%") == "" else text


def tone(x: float, pct: bool = True) -> str:
    """Green for a value that shows as positive, red for negative, no colour for zero."""
    shown = signed(x, pct)
    return "" if shown[0] not in "+-" else "#1E8449" if x > 0 else "#C0392B"


def sources_table(rows) -> QTableWidget:
    """Top sources: (title, kind, mentions, average sentiment)."""
    t = QTableWidget(len(rows), 4)
    t.setHorizontalHeaderLabels(["Top sources", "Kind", "Mentions", "Avg sentiment"])
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    for r, (title, kind, n, avg) in enumerate(rows):
        for c, v in enumerate((title, kind, str(n), f"{avg:+.2f}")):
            t.setItem(r, c, QTableWidgetItem(v))
    t.resizeColumnsToContents()
    t.horizontalHeader().setStretchLastSection(True)
    t.setMinimumHeight(60 + 26 * min(len(rows), 8))
    return t


def mention_list(mentions, on_pick) -> QListWidget:
    lw = QListWidget()
    lw.setWordWrap(True)
    for m in mentions:
        it = QListWidgetItem(f"{m.score_text()}  {m.title}  — {m.source}")
        it.setData(Qt.ItemDataRole.UserRole, m.id)
        it.setToolTip(m.unsure_why() + "\n\n" + m.snippet if m.unsure else m.snippet)
        lw.addItem(it)
    if not mentions:
        lw.addItem("No coverage in this period")
    lw.itemActivated.connect(lambda it: it.data(Qt.ItemDataRole.UserRole) and on_pick(it.data(Qt.ItemDataRole.UserRole)))
    return lw


class Page(QWidget):
    """A scrollable page rebuilt on demand (cheap aggregate queries; charts are recreated)."""

    open_mention = Signal(int)
    filter_inbox = Signal(dict)  # inbox criteria: entity, sentiment, days, topic, kind (see FilterBar.show)

    def __init__(self, svc, parent=None) -> None:
        super().__init__(parent)
        self.svc = svc
        self.days = 30
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        outer.addWidget(self.scroll)

    def period(self) -> tuple[int, int, int]:
        since, until = last_days(self.days, int(time.time()))
        return since, until, self.days * DAY

    def period_box(self) -> QComboBox:
        box = QComboBox()
        for d in (7, 30, 90):
            box.addItem(f"Last {d} days", d)
        box.setCurrentIndex(box.findData(self.days))
        box.currentIndexChanged.connect(lambda _i: self.set_days(box.currentData()))
        return mark_safe_in_executive_mode(box)

    def set_days(self, days: int) -> None:
        """Change the period. The combo box that calls this lives in the body that a rebuild
        replaces, so the rebuild waits until its signal has returned (rebuilding inside it
        deleted the running combo: a segfault)."""
        self.days = days
        QTimer.singleShot(0, self, self.rebuild)

    def rebuild(self) -> None:
        body = QWidget()
        self.lay = QVBoxLayout(body)
        self.build(self.lay)
        self.lay.addStretch(1)
        old = self.scroll.takeWidget()
        self.scroll.setWidget(body)
        if old is not None:  # never delete a widget synchronously: one of its signals may be running
            old.hide()
            old.setParent(self)  # Qt owns it again (takeWidget gave it to Python), then Qt deletes it
            old.deleteLater()

    def build(self, lay: QVBoxLayout) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.rebuild()
        super().showEvent(event)


class PersonalBrandPage(Page):
    """What an executive needs, readable with no training."""

    status_message = Signal(str)

    def __init__(self, svc, entity_id: int, parent=None) -> None:
        super().__init__(svc, parent)
        self.entity_id = entity_id
        self.read_only = False

    def build(self, lay: QVBoxLayout) -> None:
        from orm_desktop.ui.charts import sentiment_volume_chart, share_pie

        e = self.svc.entity(self.entity_id)
        since, until, span = self.period()
        head = QHBoxLayout()
        photo = QLabel()
        if e.photo:
            photo.setPixmap(QIcon(e.photo).pixmap(96, 96))
        head.addWidget(photo)
        who = QLabel(f"<div style='font-size:24px;font-weight:600'>{html.escape(e.name)}</div>"
                     f"<div style='font-size:14px;color:gray'>{html.escape(e.title or e.kind.title())}</div>")
        head.addWidget(who, 1)
        head.addWidget(self.period_box())
        lay.addLayout(head)

        now_s = self.svc.kpi_summary([e.id], since, until)
        prev_s = self.svc.kpi_summary([e.id], since - span, since)
        brand = next((x for x in self.svc.entities() if x.kind == "brand"), None)
        sov = self.svc.share_of_voice([e.id] + ([brand.id] if brand and brand.id != e.id else []), since, until)
        mine = next((r for r in sov if r[0] == e.id), (e.id, e.name, 0, 0.0))
        cards = QGridLayout()
        delta = now_s.total - prev_s.total
        cards.addWidget(card("Coverage", f"{now_s.total}", f"{delta:+d} vs previous {self.days} days"), 0, 0)
        cards.addWidget(card("Net sentiment", signed(now_s.net_sentiment, True),
                             f"previous {signed(prev_s.net_sentiment, True)}", tone(now_s.net_sentiment)), 0, 1)
        cards.addWidget(polarity_card(now_s.negative, now_s.positive, now_s.negative_unsure, now_s.positive_unsure),
                        0, 2)
        cards.addWidget(card(f"Share of voice vs {brand.name if brand else 'brand'}", f"{mine[3]:.0%}",
                             f"{mine[2]} of {sum(r[2] for r in sov)} mentions"), 0, 3)
        lay.addLayout(cards)
        charts = QHBoxLayout()
        trend = sentiment_volume_chart(self.svc.daily_series(e.id, until - 90 * DAY, until),
                                       "Coverage over the last 90 days")
        trend.picked.connect(lambda label: self.filter_inbox.emit({"entity": e.id, "sentiment": label, "days": 90}))
        charts.addWidget(trend, 2)
        if len(sov) > 1:
            charts.addWidget(share_pie([(r[0], r[1], r[2], r[3]) for r in sov], "Share of voice"), 1)
        lay.addLayout(charts)
        row = QHBoxLayout()
        col1, col2 = QVBoxLayout(), QVBoxLayout()
        col1.addWidget(QLabel("<b>Most positive coverage</b>"))
        best = mention_list(self.svc.extremes([e.id], since, until, positive=True), self.open_mention.emit)
        best.setObjectName("most_positive")
        col1.addWidget(best)
        col2.addWidget(QLabel("<b>Most negative coverage — may need a statement</b>"))
        worst = mention_list(self.svc.extremes([e.id], since, until, positive=False), self.open_mention.emit)
        worst.setObjectName("most_negative")
        col2.addWidget(worst)
        row.addLayout(col1)
        row.addLayout(col2)
        lay.addLayout(row)
        bottom = QHBoxLayout()
        bottom.addWidget(sources_table(self.svc.top_sources([e.id], since, until, limit=6)), 1)
        right = QVBoxLayout()
        right.addWidget(QLabel("<b>Open alerts</b>"))
        right.addWidget(self._alerts(e.id))
        right.addWidget(QLabel("<b>Drafts awaiting your approval</b>"))
        right.addWidget(self._drafts(e.id))
        bottom.addLayout(right, 1)
        lay.addLayout(bottom)

    def _alerts(self, entity_id: int) -> QListWidget:
        lw = QListWidget()
        for a in self.svc.alerts(entity_id=entity_id):
            lw.addItem(a.describe())
        if lw.count() == 0:
            lw.addItem("No open alerts")
        lw.setMaximumHeight(110)
        return lw

    def _drafts(self, entity_id: int) -> QWidget:
        """The drafts in review in this executive's name; one opens (double-click, Enter or
        "Open draft…") to be approved or sent back: executive mode's one allowed change."""
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        lw = QListWidget()
        lw.setObjectName("executive_drafts")
        for r in self.svc.responses(in_name_of=entity_id, states=("in_review",)):
            it = QListWidgetItem(f"#{r.id} {' '.join(r.text.split())[:90]}…")
            it.setData(Qt.ItemDataRole.UserRole, r.id)
            it.setToolTip("Double-click or Enter: read it, then approve it or send it back")
            lw.addItem(it)
        if lw.count() == 0:
            lw.addItem("Nothing waiting for you")
        lw.setMaximumHeight(110)
        lw.itemActivated.connect(lambda it: it.data(Qt.ItemDataRole.UserRole)
                                 and self.open_draft(it.data(Qt.ItemDataRole.UserRole)))
        self.drafts_list = lw
        v.addWidget(lw)
        open_button = QPushButton("Open draft…")
        open_button.setObjectName("open_executive_draft")
        open_button.setToolTip("The selected draft (else the first): its text, the mention it answers, "
                               "Approve or Send back")
        open_button.setEnabled(bool(lw.item(0).data(Qt.ItemDataRole.UserRole)))
        open_button.clicked.connect(lambda: self.open_draft((lw.currentItem() or lw.item(0)).data(Qt.ItemDataRole.UserRole)))
        v.addWidget(open_button, 0, Qt.AlignmentFlag.AlignLeft)
        return mark_safe_in_executive_mode(box)  # opening reads; the dialog's decision is the one allowed write

    def open_draft(self, response_id: int):
        """Open a draft awaiting this executive's decision (non-blocking; the page refreshes
        after a decision). Returns the dialog."""
        from orm_desktop.ui.executive_drafts import ExecutiveDraftDialog

        dlg = ExecutiveDraftDialog(self.svc, response_id, self.window())
        dlg.decided.connect(self.status_message.emit)
        dlg.decided.connect(lambda _m: QTimer.singleShot(0, self, self.rebuild))
        dlg.open()
        return dlg


class DashboardPage(Page):
    def build(self, lay: QVBoxLayout) -> None:
        from orm_desktop.ui.charts import hbar, sentiment_volume_chart, share_pie

        since, until, span = self.period()
        ents = self.svc.entities()
        brand = next((x for x in ents if x.kind == "brand"), None)
        head = QHBoxLayout()
        head.addWidget(QLabel(f"<span style='font-size:20px;font-weight:600'>Dashboard"
                              f"{' — ' + html.escape(brand.name) if brand else ''}</span>"), 1)
        head.addWidget(self.period_box())
        lay.addLayout(head)
        ids = [brand.id] if brand else None
        s, p = self.svc.kpi_summary(ids, since, until), self.svc.kpi_summary(ids, since - span, since)
        grid = QGridLayout()
        grid.addWidget(card("Mentions", f"{s.total}", f"{s.total - p.total:+d} vs previous period"), 0, 0)
        grid.addWidget(card("Net sentiment", signed(s.net_sentiment, True), f"previous {signed(p.net_sentiment, True)}",
                            tone(s.net_sentiment)), 0, 1)
        grid.addWidget(card("Reach-weighted sentiment", signed(s.reach_weighted_sentiment),
                            f"average {signed(s.avg_sentiment)}"), 0, 2)
        rk = self.svc.response_kpis(since, until)
        grid.addWidget(card("Responses", f"{rk['sent']} sent", f"{rk['open']} open · {rk['overdue']} overdue"
                            + (f" · median {rk['median_hours_to_send']:.1f} h to send" if rk["median_hours_to_send"] is not None else "")), 0, 3)
        lay.addLayout(grid)
        row = QHBoxLayout()
        chart = sentiment_volume_chart(self.svc.daily_series(brand.id if brand else None, since, until),
                                       "Volume by sentiment")
        chart.picked.connect(lambda label: self.filter_inbox.emit({"entity": brand.id if brand else None,
                                                                   "sentiment": label, "days": self.days}))
        row.addWidget(chart, 2)
        comp = [brand] + [x for x in ents if x.kind == "competitor"] if brand else [x for x in ents if x.kind == "competitor"]
        sov = self.svc.share_of_voice([x.id for x in comp], since, until)
        pie = share_pie(sov, "Share of voice vs competitors")
        pie.picked.connect(lambda eid: self.filter_inbox.emit({"entity": eid, "days": self.days}))
        row.addWidget(pie, 1)
        lay.addLayout(row)
        row = QHBoxLayout()
        brand_id = brand.id if brand else None
        kinds = self.svc.volume_by_kind(ids, since, until)
        by_kind = hbar(kinds, "Volume by source kind", keys=[k for k, _ in kinds])
        by_kind.picked.connect(lambda kind: self.filter_inbox.emit({"entity": brand_id, "kind": kind, "days": self.days}))
        row.addWidget(by_kind, 1)
        topics = self.svc.top_topics(ids, since, until, limit=8)
        if topics:
            from orm_desktop.analysis.topics import labels

            names = labels(self.svc.setting("topics") or None)
            by_topic = hbar([(names.get(t, t.replace("_", " ")), n) for t, n in topics], "Top topics", "#8E44AD",
                            keys=[t for t, _ in topics])
            by_topic.picked.connect(lambda topic: self.filter_inbox.emit({"entity": brand_id, "topic": topic,
                                                                          "days": self.days}))
            row.addWidget(by_topic, 1)
        row.addWidget(sources_table(self.svc.top_sources(ids, since, until, limit=8)), 1)
        lay.addLayout(row)
        from orm_desktop.types import MentionFilter

        for eid, name, started in self.svc.crises():  # a pinned timeline for each crisis
            lay.addWidget(QLabel(f"<b style='color:#C0392B'>Crisis mode: {html.escape(name)}</b> — the first "
                                 "coverage since it began"))
            timeline = QListWidget()
            first = self.svc.mentions(MentionFilter(entity_ids=(eid,), since=started - 3 * DAY), limit=2000)
            for m in sorted(first, key=lambda m: m.published)[:40]:
                import datetime as dt

                it = QListWidgetItem(f"{dt.datetime.fromtimestamp(m.published):%d %b %H:%M}  {m.score_text()}  "
                                     f"{m.title} — {m.source}")
                it.setData(Qt.ItemDataRole.UserRole, m.id)
                if m.unsure:
                    it.setToolTip(m.unsure_why())
                timeline.addItem(it)
            timeline.itemActivated.connect(lambda it: self.open_mention.emit(it.data(Qt.ItemDataRole.UserRole)))
            timeline.setMaximumHeight(180)
            lay.addWidget(timeline)
        lay.addWidget(QLabel("<b>Alerts</b>"))
        alerts = QListWidget()
        for a in self.svc.alerts():
            alerts.addItem(a.describe())
        if alerts.count() == 0:
            alerts.addItem("No open alerts")
        alerts.setMaximumHeight(140)
        lay.addWidget(alerts)


class CompetitorsPage(Page):
    def build(self, lay: QVBoxLayout) -> None:
        from orm_desktop.ui.charts import sentiment_volume_chart

        since, until, span = self.period()
        ents = [x for x in self.svc.entities() if x.kind in ("brand", "competitor")]
        head = QHBoxLayout()
        head.addWidget(QLabel("<span style='font-size:20px;font-weight:600'>Brand vs competitors</span>"), 1)
        head.addWidget(self.period_box())
        lay.addLayout(head)
        sov = {r[0]: r for r in self.svc.share_of_voice([x.id for x in ents], since, until)}
        table = QTableWidget(len(ents), 6)
        table.setHorizontalHeaderLabels(["Entity", "Mentions", "Share of voice", "Net sentiment",
                                         "Negative", "Change in volume"])
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, e in enumerate(ents):
            s, p = self.svc.kpi_summary([e.id], since, until), self.svc.kpi_summary([e.id], since - span, since)
            vals = [e.name, str(s.total), f"{sov.get(e.id, (0, '', 0, 0.0))[3]:.0%}", signed(s.net_sentiment, True),
                    f"{s.negative} ({s.negative_unsure} unsure)" if s.negative_unsure else str(s.negative),
                    f"{s.total - p.total:+d}"]
            for c, v in enumerate(vals):
                item = QTableWidgetItem(v)
                item.setData(Qt.ItemDataRole.UserRole, e.id)
                table.setItem(r, c, item)
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        table.setFixedHeight(34 + 30 * len(ents))
        table.cellDoubleClicked.connect(lambda r, _c: self.filter_inbox.emit({"entity": ents[r].id, "days": self.days}))
        lay.addWidget(table)
        grid = QGridLayout()
        for i, e in enumerate(ents):
            view = sentiment_volume_chart(self.svc.daily_series(e.id, since, until), e.name)
            view.picked.connect(lambda label, eid=e.id: self.filter_inbox.emit({"entity": eid, "sentiment": label,
                                                                                "days": self.days}))
            grid.addWidget(view, i // 2, i % 2)
        lay.addLayout(grid)
