"""The personal-brand tab (one per executive), the dashboard and the competitors view. Each
page's queries run in the task runner's pool (``load``), its widgets are built from their
result on the GUI thread (``build``): showing a page never waits for the database."""

from __future__ import annotations

import html
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from orm_desktop import dates
from orm_desktop.numbers import pct, shows_sign, signed_int, signed_pct
from orm_desktop.numbers import signed as signed_score
from orm_desktop.textsafe import display_text, one_line
from orm_desktop.types import Entity, last_days
from orm_desktop.ui.tasks import TaskRunner
from orm_desktop.ui.widgets import (
    FlowLayout,
    StretchShare,
    mark_safe_in_executive_mode,
    named,
    shown_name,
)

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


def signed(x: float | None, pct: bool = False) -> str:
    """+12% / -3% / 0% (``pct``), else +0.38 / -0.10 / 0.00: no sign on a value that rounds to zero
    (orm_desktop.numbers, shared with the reports)."""
    return signed_pct(x) if pct else signed_score(x)


def tone(x: float | None, pct: bool = True) -> str:
    """Green for a value that shows as positive, red for negative, no colour for zero."""
    return {1: "#1E8449", -1: "#C0392B"}.get(shows_sign(signed(x, pct)), "")


def heading(text: str, full_name: str = "") -> QLabel:
    """A page's heading that never widens its page: it wraps, and the name in it is cut (the
    caller's ``shown_name``) with the whole name in the tooltip. A 200-character name made the
    personal brand page 1,821 px wider than a 1,300 px window (cards, charts, period box off it)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setMinimumWidth(1)
    if full_name:
        label.setToolTip(full_name)
    return label


def sources_table(rows) -> QTableWidget:
    """Top sources: (title, kind, mentions, average sentiment)."""
    t = named(QTableWidget(len(rows), 4), "Top sources", tab_leaves=True)
    t.setHorizontalHeaderLabels(["Top sources", "Kind", "Mentions", "Avg sentiment"])
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    for r, (title, kind, n, avg) in enumerate(rows):
        for c, v in enumerate((title, kind, str(n), signed_score(avg))):
            t.setItem(r, c, QTableWidgetItem(display_text(v)))  # a feed names itself: no bidi tricks
    t.resizeColumnsToContents()
    t.setWordWrap(False)
    # the source's name keeps a share of a narrow table; the numbers give way to their header's width
    # (on an executive's page at 960 px the average was off the table's right edge)
    t.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    t.column_share = StretchShare(t, {c: t.columnWidth(c) for c in (1, 2, 3)}, share=0.4)
    t.setMinimumHeight(60 + 26 * min(len(rows), 8))
    return t


def widen_hint(days: int) -> str:
    """What to do when the page's period has no mentions but the workspace has older ones."""
    if days < 90:
        return "choose Last 90 days in the period box above."
    return "the Inbox lists them all with its period set to Any time."


def no_mentions_note(text: str) -> QLabel:
    """A page's explanation in place of its blank charts and tables: what is missing, what to do."""
    label = QLabel(text)
    label.setObjectName("no_mentions")
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setStyleSheet("font-size: 14px; padding: 12px 0;")
    return label


def missing_note(text: str) -> QLabel:
    """On an offline snapshot: the figures the page's periods reach back to and it does not hold."""
    label = QLabel(text)
    label.setObjectName("snapshot_missing")
    label.setWordWrap(True)
    label.setStyleSheet("color: #B9770E;")
    return label


def previous_note(now, previous, days: int | None = None) -> str:
    """A count card's comparison: "+3 vs previous 30 days", or why there is none."""
    if not previous.complete:
        return "previous period not in this snapshot"
    return f"{signed_int(now.total - previous.total)} vs previous {f'{days} days' if days else 'period'}"


def previous_net(previous) -> str:
    return f"previous {signed(net_of(previous) if previous.complete else None, True)}"


def net_of(s) -> float | None:
    """A summary's net sentiment, None ("–") when none of its mentions has a score."""
    return s.net_sentiment if s.scored else None


def with_unscored(note: str, s) -> str:
    """A count card's note, with "not scored: N, other languages" when some of the mentions are in
    a language no engine scores (counted in the volume, in none of positive / neutral / negative,
    left out of the net and average sentiment)."""
    return f"{note}\nnot scored: {s.unscored}, other languages" if s.unscored else note  # a line of its own: narrow cards


def link_unscored(frame: QFrame, open_them: Callable[[], None]) -> QFrame:
    """A count card's "not scored: N, other languages" line (``with_unscored``) as a link that lists
    those mentions in the inbox, by a click or by keyboard (Tab to it, Enter), as the volume bars'
    "not scored" set does; the card as it was when it has no such line."""
    for label in frame.findChildren(QLabel):
        head, sep, tail = label.text().rpartition("\nnot scored: ")
        if sep:
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setText(html.escape(head).replace("\n", "<br>") + "<br>"
                          + f"<a href='inbox'>not scored: {html.escape(tail)}</a>")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                          | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
            label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            label.setToolTip("List these mentions in the inbox (its sentiment filter: not scored)")
            label.linkActivated.connect(lambda _href: open_them())
    return frame


def why_empty(svc, ids, days: int) -> str:
    """``Service.why_no_mentions`` for a page's "Last N days" (in its worker thread)."""
    return svc.why_no_mentions(ids, f"in the last {days} days", widen_hint(days))


def mention_list(mentions, on_pick, name: str) -> QListWidget:
    lw = named(QListWidget(), name)
    lw.setWordWrap(True)
    for m in mentions:
        it = QListWidgetItem(f"{m.score_text()}  {display_text(m.title)}  — {display_text(m.source)}")  # feed text: no bidi tricks
        it.setData(Qt.ItemDataRole.UserRole, m.id)
        it.setToolTip(m.unsure_why() + "\n\n" + display_text(m.snippet) if m.unsure else display_text(m.snippet))
        lw.addItem(it)
    if not mentions:
        lw.addItem("No coverage in this period")
    lw.itemActivated.connect(lambda it: it.data(Qt.ItemDataRole.UserRole) and on_pick(it.data(Qt.ItemDataRole.UserRole)))
    return lw


def _load(gen: int, fn: Callable[..., object], svc, params: dict) -> tuple[int, object, str]:
    """A page's data step, in a worker thread: (generation, data, "") or (generation, None, the
    one-line reason it failed). A bug's traceback goes to stderr as well."""
    from orm_desktop.errors import KnownError

    try:
        return gen, fn(svc, **params), ""
    except KnownError as exc:
        return gen, None, " ".join(str(exc).split())
    except Exception as exc:  # noqa: BLE001 - a bug in a query must reach the page, not vanish
        traceback.print_exc()
        return gen, None, one_line(exc, None)


@dataclass
class AckNote:
    """What a page says after acknowledging alerts: ``text``; Undo reopens ``ids`` as ``who``
    (no ids: a failure, said without Undo)."""

    ids: list[int]
    who: str
    text: str


class Page(QWidget):
    """A scrollable page rebuilt on demand, in two steps: ``load`` (a static method: every query
    of the page, run in the task runner's pool, returning plain data) and ``build`` (the widgets
    from that data, on the GUI thread). While the data loads the page keeps what it showed
    ("Loading…" the first time); a newer rebuild supersedes an older one; data equal to what is
    shown leaves the page as it is (a visit that finds nothing new costs the GUI thread nothing);
    a failure shows one line on the page. ``loaded`` is emitted once the newest rebuild's data
    (or its failure) is shown."""

    open_mention = Signal(int)
    filter_inbox = Signal(dict)  # inbox criteria: entity, sentiment, days, topic, kind (see FilterBar.show)
    loaded = Signal()
    status_message = Signal(str)

    def __init__(self, svc, parent=None, *, runner: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self.svc = svc
        self.days = 30
        self.runner = runner if runner is not None else TaskRunner(self)
        self.generation = 0  # of the newest rebuild; an older one's data is dropped
        self.loading = False
        self.data: object | None = None  # what the page shows (None: a message)
        self.error = ""  # the newest rebuild's failure, as shown
        self._later: list[Callable[[], object]] = []  # build's steps left for later turns (later())
        self._later_gen = 0  # the newest rebuild whose data the body shows
        self.read_only = False  # executive mode (set_read_only): Acknowledge is off
        self.who: Callable[[], str] = lambda: ""  # "Working as" (the main window's); '' = the login
        self.acknowledging: set[int] = set()  # alerts acknowledged here, the write under way: not listed
        self.ack_note: AckNote | None = None  # the last acknowledgement here: what happened, Undo
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        outer.addWidget(self.scroll)

    def set_read_only(self, read_only: bool) -> None:
        """Executive mode: the page reads; its alert lists' Acknowledge and Undo are off."""
        from orm_desktop.ui.alert_list import set_read_only

        self.read_only = read_only
        set_read_only(self, read_only)

    # -- acknowledging alerts (ui/alert_list.py builds the controls) -------------------------
    def acknowledge(self, ids: list[int]) -> None:
        """Acknowledge alerts as the "Working as" user: they leave the list at once, the write runs
        in the task runner; then the page says what happened, with Undo (or why it failed, and
        the alerts are back)."""
        if not ids:
            self.status_message.emit("Select an alert to acknowledge first")
            return
        if self.read_only:
            from orm_desktop.ui.widgets import why_read_only

            self.status_message.emit(why_read_only(self.svc, "acknowledge alerts"))
            return
        from orm_desktop.ui.identity import ensure_unlocked

        who = self.who()
        if who and not ensure_unlocked(self, self.svc, who):  # acting in a user's name needs their passphrase
            return
        self.acknowledging |= set(ids)
        self._drop_from_lists(set(ids))
        svc = self.svc
        self.runner.start(lambda _progress, _cancel: (ids, who, svc.acknowledge_alerts(ids, by=who)),
                          on_success=self._acknowledged, on_failure=self._ack_failed)

    def _drop_from_lists(self, ids: set[int]) -> None:
        from orm_desktop.ui.alert_list import set_read_only

        for lw in self.findChildren(QListWidget, "alert_list"):
            for r in reversed(range(lw.count())):
                if lw.item(r).data(Qt.ItemDataRole.UserRole) in ids:
                    lw.takeItem(r)
            if lw.count() == 0:
                lw.addItem("No open alerts")
                for b in lw.parentWidget().findChildren(QPushButton, "acknowledge_alert"):
                    b.setProperty("usable", False)
        set_read_only(self, self.read_only)

    def _acknowledged(self, result) -> None:
        ids, who, alerts = result  # Undo acts as who acknowledged, whoever "Working as" is by then
        self.acknowledging -= set(ids)
        by = alerts[0].acknowledged_by if alerts else ""
        what = alerts[0].describe() if len(alerts) == 1 else f"{len(alerts)} alerts"
        it, they = ("It", "it") if len(alerts) == 1 else ("They", "them")
        text = (f"Acknowledged{' by ' + by if by else ''}: {what}. {it} left the open alerts; reports and the "
                f"audit log say who acknowledged {they} and when.")
        self.ack_note = AckNote(list(ids), who, text)
        self.status_message.emit(f"Acknowledged{' by ' + by if by else ''}: {what}")
        self.data = None  # show the note and Undo even when the rest is as it was
        self.rebuild_soon()

    def _ack_failed(self, message: str, _known: bool) -> None:
        self.acknowledging.clear()
        self.ack_note = AckNote([], "", f"Not acknowledged: {message}")
        self.status_message.emit(f"Not acknowledged: {message}")
        self.data = None  # the alerts taken off the list come back
        self.rebuild_soon()

    def undo_acknowledge(self) -> None:
        """Open the alerts of the last acknowledgement again (as the user who acknowledged them)."""
        note = self.ack_note
        if note is None or not note.ids or self.read_only:
            return
        from orm_desktop.ui.identity import ensure_unlocked

        if note.who and not ensure_unlocked(self, self.svc, note.who):
            return
        for b in self.findChildren(QPushButton, "undo_acknowledge"):
            b.setEnabled(False)  # once
        svc, ids, who = self.svc, note.ids, note.who
        self.runner.start(lambda _progress, _cancel: svc.reopen_alerts(ids, by=who),
                          on_success=self._reopened, on_failure=self._reopen_failed)

    def _reopened(self, alerts) -> None:
        what = alerts[0].describe() if len(alerts) == 1 else f"{len(alerts)} alerts"
        self.ack_note = None
        self.status_message.emit(f"Undone: {what} is open again")
        self.data = None
        self.rebuild_soon()

    def _reopen_failed(self, message: str, _known: bool) -> None:
        self.ack_note = AckNote([], "", f"Not undone: {message}")
        self.status_message.emit(f"Not undone: {message}")
        self.data = None
        self.rebuild_soon()

    def period(self) -> tuple[int, int, int]:
        since, until = last_days(self.days, int(time.time()))
        return since, until, self.days * DAY

    def period_box(self) -> QComboBox:
        box = named(QComboBox(), "Period")
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
        self.rebuild_soon()

    def rebuild_soon(self) -> None:
        """Rebuild once the running signal has returned. The page is loading from now on: a
        rebuild still under way is superseded at once, its (older) data never shown."""
        self.generation += 1
        self.loading = True
        QTimer.singleShot(0, self, self.rebuild)

    def params(self) -> dict:
        """The arguments of ``load`` besides the service, read on the GUI thread."""
        since, until, span = self.period()
        return {"days": self.days, "since": since, "until": until, "span": span}

    @staticmethod
    def load(svc, **params) -> object:  # pragma: no cover - overridden
        raise NotImplementedError

    def build(self, lay: QVBoxLayout, data) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def rebuild(self) -> None:
        """Load the page's data in the background, then show it (see the class)."""
        self.generation += 1
        self.loading = True
        if self.scroll.widget() is None:
            self._set_body(self._message("Loading…", "page_loading"))
        gen, load, svc, params = self.generation, type(self).load, self.svc, self.params()
        self.runner.start(lambda _progress, _cancel: _load(gen, load, svc, params), on_success=self._loaded)

    def _loaded(self, result: tuple[int, object, str]) -> None:
        gen, data, error = result
        if gen != self.generation:
            return  # a newer rebuild is on its way
        self._later_gen = gen
        if error:
            self.data, self.error, self._later = None, error, []
            self._set_body(self._message(f"This page could not be loaded: {error}", "page_error", retry=True))
        elif data != self.data or self.error:
            self.data, self.error = data, ""
            body = QWidget()
            self.lay = QVBoxLayout(body)
            self._later = []
            self.build(self.lay, data)
            self.lay.addStretch(1)
            self._set_body(body)
            if self._later:
                QTimer.singleShot(0, self, lambda: self._build_later(body, self._later))
                return
        elif self._later:
            return  # the same data, its body still being completed: done when its last step ran
        self.loading = False
        self.loaded.emit()

    def later(self, step: Callable[[], object]) -> None:
        """In ``build``: run ``step`` after the body is shown, one step per turn of the event
        loop (a chart each: seven of them built, laid out and painted at once blocked the window
        ~150 ms). The page is loading until the last one ran."""
        self._later.append(step)

    def _build_later(self, body: QWidget, steps: list[Callable[[], object]]) -> None:
        if self.scroll.widget() is not body:
            return  # replaced meanwhile (a newer rebuild's data, or its failure)
        steps.pop(0)()
        if steps:
            QTimer.singleShot(0, self, lambda: self._build_later(body, steps))
        elif self._later_gen == self.generation:  # else a newer rebuild is loading: it says when it is done
            self.loading = False
            self.loaded.emit()

    def _message(self, text: str, name: str, *, retry: bool = False) -> QWidget:
        body = QWidget()
        lay = QVBoxLayout(body)
        label = QLabel(text)
        label.setObjectName(name)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setStyleSheet("color: palette(mid); font-size: 14px;")
        lay.addWidget(label)
        if retry:
            again = QPushButton("Try again")
            again.clicked.connect(self.rebuild_soon)
            lay.addWidget(mark_safe_in_executive_mode(again), 0, Qt.AlignmentFlag.AlignLeft)
        lay.addStretch(1)
        return body

    def _set_body(self, body: QWidget) -> None:
        old = self.scroll.takeWidget()
        self.scroll.setWidget(body)
        if old is not None:  # never delete a widget synchronously: one of its signals may be running
            old.hide()
            old.setParent(self)  # Qt owns it again (takeWidget gave it to Python), then Qt deletes it
            old.deleteLater()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.rebuild()
        super().showEvent(event)


@dataclass
class ExecutiveData:
    """What an executive's page shows (PersonalBrandPage.load)."""

    days: int
    entity: Entity
    brand: Entity | None
    now: Any  # Service.kpi_summary's result (store.kpis.Summary, which the GUI does not import)
    previous: Any
    sov: list
    trend: list
    best: list
    worst: list
    sources: list
    alerts: list
    drafts: list
    empty: str = ""  # why the period has no mentions of the executive (no coverage: said instead of blanks)
    missing: str = ""  # an offline snapshot's missing days (Service.missing_before)


class PersonalBrandPage(Page):
    """What an executive needs, readable with no training."""

    def __init__(self, svc, entity_id: int, parent=None, *, runner: TaskRunner | None = None) -> None:
        super().__init__(svc, parent, runner=runner)
        self.entity_id = entity_id

    def params(self) -> dict:
        return {**super().params(), "entity_id": self.entity_id}

    @staticmethod
    def load(svc, *, entity_id: int, days: int, since: int, until: int, span: int) -> ExecutiveData:
        e = svc.entity(entity_id)
        brand = next((x for x in svc.entities() if x.kind == "brand"), None)
        now = svc.kpi_summary([e.id], since, until)
        return ExecutiveData(
            days=days, entity=e, brand=brand,
            now=now, previous=svc.kpi_summary([e.id], since - span, since),
            sov=svc.share_of_voice([e.id] + ([brand.id] if brand and brand.id != e.id else []), since, until),
            trend=svc.daily_series(e.id, until - 90 * DAY, until),
            best=svc.extremes([e.id], since, until, positive=True),
            worst=svc.extremes([e.id], since, until, positive=False),
            sources=svc.top_sources([e.id], since, until, limit=6),
            alerts=svc.alerts(entity_id=e.id),
            drafts=svc.responses(in_name_of=e.id, states=("in_review",)),
            empty="" if now.total else why_empty(svc, [e.id], days), missing=svc.missing_before(since - span))

    def build(self, lay: QVBoxLayout, data: ExecutiveData) -> None:
        from orm_desktop.ui.charts import sentiment_volume_chart, share_pie

        e, brand, sov = data.entity, data.brand, data.sov
        head = QHBoxLayout()
        photo = QLabel()
        if e.photo:
            photo.setPixmap(QIcon(e.photo).pixmap(96, 96))
        head.addWidget(photo)
        who = heading(f"<div style='font-size:24px;font-weight:600'>{html.escape(shown_name(e.name, 60))}</div>"
                      f"<div style='font-size:14px;color:gray'>{html.escape(e.title or e.kind.title())}</div>", e.name)
        head.addWidget(who, 1)
        head.addWidget(self.period_box())
        lay.addLayout(head)
        if data.missing:
            lay.addWidget(missing_note(data.missing))
        if data.empty:  # no coverage in the period: say why, keep the alerts and the drafts to approve
            lay.addWidget(no_mentions_note(data.empty))
            if any(p.total for p in data.trend):
                trend = sentiment_volume_chart(data.trend, "Coverage over the last 90 days")
                trend.picked.connect(lambda label: self.filter_inbox.emit({"entity": e.id, "sentiment": label,
                                                                           "days": 90}))
                lay.addWidget(trend)
            lay.addLayout(self._decisions(data))
            return

        now_s, prev_s = data.now, data.previous
        mine = next((r for r in sov if r[0] == e.id), (e.id, e.name, 0, 0.0))
        cards = QGridLayout()
        cards.addWidget(link_unscored(card("Coverage", f"{now_s.total}",
                                           with_unscored(previous_note(now_s, prev_s, data.days), now_s)),
                                      lambda: self.filter_inbox.emit({"entity": e.id, "sentiment": "unsupported",
                                                                      "days": data.days})), 0, 0)
        cards.addWidget(card("Net sentiment", signed(net_of(now_s), True), previous_net(prev_s),
                             tone(now_s.net_sentiment)), 0, 1)
        cards.addWidget(polarity_card(now_s.negative, now_s.positive, now_s.negative_unsure, now_s.positive_unsure),
                        0, 2)
        cards.addWidget(card(f"Share of voice vs {brand.name if brand else 'brand'}", pct(mine[3]),
                             f"{mine[2]} of {sum(r[2] for r in sov)} mentions"), 0, 3)
        lay.addLayout(cards)
        charts = QHBoxLayout()
        trend = sentiment_volume_chart(data.trend, "Coverage over the last 90 days")
        trend.picked.connect(lambda label: self.filter_inbox.emit({"entity": e.id, "sentiment": label, "days": 90}))
        charts.addWidget(trend, 2)
        if len(sov) > 1:  # a slice lists that entity's mentions of the page's period, as on the Dashboard
            pie = share_pie([(r[0], r[1], r[2], r[3]) for r in sov], "Share of voice")
            pie.picked.connect(lambda eid: self.filter_inbox.emit({"entity": eid, "days": data.days}))
            charts.addWidget(pie, 1)
        lay.addLayout(charts)
        row = QHBoxLayout()
        col1, col2 = QVBoxLayout(), QVBoxLayout()
        col1.addWidget(QLabel("<b>Most positive coverage</b>"))
        best = mention_list(data.best, self.open_mention.emit, "Most positive coverage")
        best.setObjectName("most_positive")
        col1.addWidget(best)
        col2.addWidget(QLabel("<b>Most negative coverage — may need a statement</b>"))
        worst = mention_list(data.worst, self.open_mention.emit, "Most negative coverage")
        worst.setObjectName("most_negative")
        col2.addWidget(worst)
        row.addLayout(col1)
        row.addLayout(col2)
        lay.addLayout(row)
        bottom = QHBoxLayout()
        bottom.addWidget(sources_table(data.sources), 1)
        bottom.addLayout(self._decisions(data), 1)
        lay.addLayout(bottom)

    def _decisions(self, data: ExecutiveData) -> QVBoxLayout:
        """The open alerts and the drafts awaiting the executive's approval."""
        right = QVBoxLayout()
        right.addWidget(QLabel("<b>Open alerts</b>"))
        right.addWidget(self._alerts(data.alerts))
        right.addWidget(QLabel("<b>Drafts awaiting your approval</b>"))
        right.addWidget(self._drafts(data.drafts))
        return right

    def _alerts(self, alerts) -> QWidget:
        from orm_desktop.ui.alert_list import alert_box

        return alert_box(self, alerts, "Open alerts", 110)

    def _drafts(self, drafts) -> QWidget:
        """The drafts in review in this executive's name; one opens (double-click, Enter or
        "Open draft…") to be approved or sent back: executive mode's one allowed change."""
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        lw = named(QListWidget(), "Drafts awaiting your approval")
        lw.setWordWrap(True)
        lw.setObjectName("executive_drafts")
        for r in drafts:
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
        dlg.decided.connect(lambda _m: self.rebuild_soon())
        dlg.open()
        return dlg


@dataclass
class DashboardData:
    """What the dashboard shows (DashboardPage.load)."""

    days: int
    brand: Entity | None
    now: Any  # Service.kpi_summary's result (store.kpis.Summary, which the GUI does not import)
    previous: Any
    responses: dict
    series: list
    sov: list
    kinds: list
    topics: list  # (topic key, label, count)
    sources: list
    crises: list  # (entity name, the first coverage since the crisis began: up to 40 mentions, oldest first)
    alerts: list
    empty: str = ""  # why the period has no mentions (said instead of blank cards, charts and tables)
    missing: str = ""  # an offline snapshot's missing days (Service.missing_before)


class DashboardPage(Page):
    @staticmethod
    def load(svc, *, days: int, since: int, until: int, span: int) -> DashboardData:
        from orm_desktop.types import MentionFilter

        ents = svc.entities()
        brand = next((x for x in ents if x.kind == "brand"), None)
        ids = [brand.id] if brand else None
        comp = ([brand] if brand else []) + [x for x in ents if x.kind == "competitor"]
        now = svc.kpi_summary(ids, since, until)
        topics = svc.top_topics(ids, since, until, limit=8)
        names = svc.topic_labels() if topics else {}
        return DashboardData(
            days=days, brand=brand,
            now=now, previous=svc.kpi_summary(ids, since - span, since),
            responses=svc.response_kpis(since, until),
            series=svc.daily_series(brand.id if brand else None, since, until),
            sov=svc.share_of_voice([x.id for x in comp], since, until),
            kinds=svc.volume_by_kind(ids, since, until),
            topics=[(t, names.get(t, t.replace("_", " ")), n) for t, n in topics],
            sources=svc.top_sources(ids, since, until, limit=8),
            # the oldest 40 from the database (it read the newest 2,000 and sorted them in Python:
            # ~20 ms at 300k mentions, and past 2,000 not the first coverage at all)
            crises=[(eid, name, svc.mentions(MentionFilter(entity_ids=(eid,), since=started - 3 * DAY), limit=40,
                                             reverse=True))
                    for eid, name, started in svc.crises()],
            alerts=svc.alerts(),
            empty="" if now.total else why_empty(svc, ids, days), missing=svc.missing_before(since - span))

    def build(self, lay: QVBoxLayout, data: DashboardData) -> None:
        from orm_desktop.ui.charts import hbar, sentiment_volume_chart, share_pie

        brand = data.brand
        head = QHBoxLayout()
        head.addWidget(heading(f"<span style='font-size:20px;font-weight:600'>Dashboard"
                               f"{' — ' + html.escape(shown_name(brand.name, 60)) if brand else ''}</span>",
                               brand.name if brand else ""), 1)
        head.addWidget(self.period_box())
        lay.addLayout(head)
        if data.missing:
            lay.addWidget(missing_note(data.missing))
        if data.empty:
            lay.addWidget(no_mentions_note(data.empty))
            self._crises_and_alerts(lay, data)
            return
        s, p, rk = data.now, data.previous, data.responses
        grid = QGridLayout()
        grid.addWidget(link_unscored(card("Mentions", f"{s.total}", with_unscored(previous_note(s, p), s)),
                                     lambda: self.filter_inbox.emit({"entity": brand.id if brand else None,
                                                                     "sentiment": "unsupported", "days": data.days})),
                       0, 0)
        grid.addWidget(card("Net sentiment", signed(net_of(s), True), previous_net(p), tone(s.net_sentiment)), 0, 1)
        grid.addWidget(card("Reach-weighted sentiment", signed(s.reach_weighted_sentiment if s.scored else None),
                            f"average {signed(s.avg_sentiment if s.scored else None)}"), 0, 2)
        grid.addWidget(card("Responses", f"{rk['sent']} sent", f"{rk['open']} open · {rk['overdue']} overdue"
                            + (f" · median {rk['median_hours_to_send']:.1f} h to send" if rk["median_hours_to_send"] is not None else "")), 0, 3)
        lay.addLayout(grid)
        row = QHBoxLayout()
        brand_id = brand.id if brand else None
        days = data.days
        chart = sentiment_volume_chart(data.series, "Volume by sentiment")
        chart.picked.connect(lambda label: self.filter_inbox.emit({"entity": brand_id, "sentiment": label, "days": days}))
        row.addWidget(chart, 2)
        pie = share_pie(data.sov, "Share of voice vs competitors")
        pie.picked.connect(lambda eid: self.filter_inbox.emit({"entity": eid, "days": days}))
        row.addWidget(pie, 1)
        lay.addLayout(row)
        # the two charts and the sources table share a row on a wide window; on a narrow one (960 px)
        # the table goes to a row of its own instead of its source names shrinking to a letter
        row = FlowLayout()
        kinds = data.kinds
        by_kind = hbar(kinds, "Volume by source kind", keys=[k for k, _ in kinds])
        by_kind.picked.connect(lambda kind: self.filter_inbox.emit({"entity": brand_id, "kind": kind, "days": days}))
        shared = [(by_kind, 280)]
        if data.topics:
            by_topic = hbar([(name, n) for _t, name, n in data.topics], "Top topics", "#8E44AD",
                            keys=[t for t, _name, _n in data.topics])
            by_topic.picked.connect(lambda topic: self.filter_inbox.emit({"entity": brand_id, "topic": topic,
                                                                          "days": days}))
            shared.append((by_topic, 280))
        shared.append((sources_table(data.sources), 340))
        for w, least in shared:
            w.setMinimumWidth(least)
            w.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            row.addWidget(w)
        lay.addLayout(row)
        self._crises_and_alerts(lay, data)

    def _crises_and_alerts(self, lay: QVBoxLayout, data: DashboardData) -> None:
        for _eid, name, first in data.crises:  # a pinned timeline for each crisis
            lay.addWidget(QLabel(f"<b style='color:#C0392B'>Crisis mode: {html.escape(name)}</b> — the first "
                                 "coverage since it began (times in UTC, as in the crisis report)"))
            timeline = named(QListWidget(), f"Crisis timeline: {name}")
            timeline.setWordWrap(True)
            for m in first:
                it = QListWidgetItem(f"{dates.stamp(m.published)}  {m.score_text()}  "
                                     f"{m.title} — {m.source}")
                it.setData(Qt.ItemDataRole.UserRole, m.id)
                if m.unsure:
                    it.setToolTip(m.unsure_why())
                timeline.addItem(it)
            timeline.itemActivated.connect(lambda it: self.open_mention.emit(it.data(Qt.ItemDataRole.UserRole)))
            timeline.setMaximumHeight(180)
            lay.addWidget(timeline)
        lay.addWidget(QLabel("<b>Alerts</b>"))
        from orm_desktop.ui.alert_list import alert_box

        lay.addWidget(alert_box(self, data.alerts, "Alerts", 140))


@dataclass
class CompetitorsData:
    """What the competitors page shows (CompetitorsPage.load)."""

    days: int
    entities: list  # the brand and the competitors
    sov: dict  # entity id: (id, name, count, share)
    now: list  # one Summary per entity, this period
    previous: list  # and the period before
    series: list  # one daily series per entity
    empty: str = ""  # why none of them has mentions in the period (said instead of a table of zeros)
    missing: str = ""  # an offline snapshot's missing days (Service.missing_before)


class CompetitorsPage(Page):
    @staticmethod
    def load(svc, *, days: int, since: int, until: int, span: int) -> CompetitorsData:
        ents = [x for x in svc.entities() if x.kind in ("brand", "competitor")]
        now = [svc.kpi_summary([e.id], since, until) for e in ents]
        empty = ""
        if not ents:
            empty = ("No brand or competitor to compare yet: add your brand and its competitors on the Entities "
                     "page (Ctrl+5).")
        elif not any(s.total for s in now):
            empty = why_empty(svc, [e.id for e in ents], days)
        return CompetitorsData(
            days=days, entities=ents, sov={r[0]: r for r in svc.share_of_voice([x.id for x in ents], since, until)},
            now=now, previous=[svc.kpi_summary([e.id], since - span, since) for e in ents],
            series=[svc.daily_series(e.id, since, until) for e in ents] if not empty else [], empty=empty,
            missing=svc.missing_before(since - span))

    def build(self, lay: QVBoxLayout, data: CompetitorsData) -> None:
        from orm_desktop.ui.charts import sentiment_volume_chart

        ents, sov, days = data.entities, data.sov, data.days
        head = QHBoxLayout()
        head.addWidget(QLabel("<span style='font-size:20px;font-weight:600'>Brand vs competitors</span>"), 1)
        head.addWidget(self.period_box())
        lay.addLayout(head)
        if data.missing:
            lay.addWidget(missing_note(data.missing))
        if data.empty:
            lay.addWidget(no_mentions_note(data.empty))
            return
        table = named(QTableWidget(len(ents), 6), "Brand vs competitors", tab_leaves=True)
        table.setHorizontalHeaderLabels(["Entity", "Mentions", "Share of voice", "Net sentiment",
                                         "Negative", "Change in volume"])
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, (e, s, p) in enumerate(zip(ents, data.now, data.previous, strict=True)):
            vals = [e.name, f"{s.total} ({s.unscored} not scored)" if s.unscored else str(s.total),
                    pct(sov.get(e.id, (0, '', 0, 0.0))[3]), signed(net_of(s), True),
                    f"{s.negative} ({s.negative_unsure} unsure)" if s.negative_unsure else str(s.negative),
                    signed_int(s.total - p.total if p.complete else None)]
            for c, v in enumerate(vals):
                item = QTableWidgetItem(v)
                item.setData(Qt.ItemDataRole.UserRole, e.id)
                if c == 0:
                    item.setToolTip(e.name)
                table.setItem(r, c, item)
        table.resizeColumnsToContents()
        table.setWordWrap(False)
        # the name keeps a share and is cut with "…" (a 200-character name was 1,572 px wide and
        # pushed every number past the table's right edge)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.column_share = StretchShare(table, {c: table.columnWidth(c) for c in range(1, 6)}, share=0.3)
        table.setFixedHeight(34 + 30 * len(ents))
        table.cellActivated.connect(lambda r, _c: self.filter_inbox.emit({"entity": ents[r].id, "days": days}))  # or Enter
        lay.addWidget(table)
        grid = QGridLayout()

        def chart(i: int, e: Entity, series: list) -> None:
            view = sentiment_volume_chart(series, e.name)
            view.picked.connect(lambda label: self.filter_inbox.emit({"entity": e.id, "sentiment": label,
                                                                      "days": days}))
            grid.addWidget(view, i // 2, i % 2)

        for i, (e, series) in enumerate(zip(ents, data.series, strict=True)):
            self.later(lambda i=i, e=e, series=series: chart(i, e, series))
        grid.setColumnStretch(0, 1)  # two equal columns (the second chart was squeezed to 100 px)
        grid.setColumnStretch(1, 1)
        lay.addLayout(grid)
