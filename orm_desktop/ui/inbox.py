"""The inbox: a virtual mention table that stays instant with a million rows, filters,
debounced full-text search, keyboard triage and the detail pane."""

from __future__ import annotations

import time
from collections import OrderedDict

from PySide6.QtCore import QAbstractTableModel, QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from orm_desktop import dates
from orm_desktop.errors import KnownError
from orm_desktop.numbers import signed
from orm_desktop.textsafe import clip, display_text, is_web_url
from orm_desktop.types import FEED_KINDS, STATUSES, Mention, MentionFilter, label_for, last_days
from orm_desktop.ui.widgets import (
    FlowLayout,
    StretchShare,
    mark_safe_in_executive_mode,
    named,
    narrow,
    signals_blocked,
)

PAGE = 200
CACHE_PAGES = 64
COLUMNS = ("Priority", "Sentiment", "Entity", "Title", "Source", "Published (UTC)", "Status")
SENTIMENT_COLORS = {"negative": QColor("#C0392B"), "neutral": QColor("#7F8C8D"), "positive": QColor("#1E8449")}
OPEN_STATUSES = ("new", "flagged", "needs_response")


def fmt_time(ts: int) -> str:
    """In UTC, as every period is counted (orm_desktop.dates): "Today" is the Dashboard's today."""
    return dates.short(ts)


NEEDS_REVIEW = "needs a human look"  # sentiment filter: low confidence or engines disagree
NOT_SCORED = "not scored"  # sentiment filter: a language no engine scores, no person's score (label unsupported)
UNSURE_MARK = " ?"  # after an unsure score (Mention.unsure); its tooltip says why


class MentionModel(QAbstractTableModel):
    """Knows the row count and loads pages of rows lazily into an LRU cache.

    With a task runner, a filter change never counts on the GUI thread: the first page loads
    at once (a few ms) and is shown; the exact count arrives from a worker and extends the
    model. Counts of superseded filters are dropped.
    """

    counted = Signal(int)  # the exact row count is known
    searched = Signal()  # a search that reads the text (CJK) has its first page and count

    def __init__(self, svc, parent=None, runner=None) -> None:
        super().__init__(parent)
        self.svc = svc
        self.runner = runner
        self.filter = MentionFilter(statuses=OPEN_STATUSES)
        self.total = 0
        self.exact = True
        self.error = ""  # why the filter could not run (a search with nothing searchable): not "0 mentions"
        self.generation = 0
        self.pages: OrderedDict[int, list[Mention]] = OrderedDict()
        self.reload()

    def set_filter(self, f: MentionFilter) -> None:
        self.filter = f
        self.reload()

    def reload(self) -> None:
        self.generation += 1
        self.beginResetModel()
        self.pages.clear()
        self.error = ""
        self.capped = self.searching = False
        try:
            if self.runner is None:
                self.total, self.exact = self.svc.count_mentions(self.filter), True
                self.capped = self.svc.search_capped(self.filter)
            elif self.svc.search_reads_text(self.filter):
                # a CJK search reads the items' text (0.5 s at 200,000 mentions): its first page
                # too comes from the worker, with the count
                self.total, self.exact, self.searching = 0, False, True
            else:
                first = self.svc.mentions(self.filter, limit=PAGE)
                self.pages[0] = first
                self.total, self.exact = len(first), len(first) < PAGE
                self.capped = self.svc.search_capped(self.filter)  # (a CJK search's kept hits: 0.1 ms)
        except KnownError as exc:
            self.total, self.exact, self.error = 0, True, str(exc)
            self.searching = False
        self.endResetModel()
        if self.searching:
            f, gen, svc = self.filter, self.generation, self.svc
            self.runner.start(lambda progress, cancel: (gen, svc.mentions(f, limit=PAGE), svc.count_mentions(f),
                                                        svc.search_capped(f)),
                              on_success=self._searched, on_failure=self._search_failed)
        elif self.exact:
            self.counted.emit(self.total)
        else:
            f, gen = self.filter, self.generation
            self.runner.start(lambda progress, cancel: (gen, self.svc.count_mentions(f)),
                              on_success=self._count_done)

    def _searched(self, result) -> None:
        gen, first, n, capped = result
        if gen != self.generation:
            return  # a newer filter is showing
        self.beginResetModel()
        self.pages.clear()
        self.pages[0] = first
        self.total, self.exact, self.capped, self.searching = max(n, len(first)), True, capped, False
        self.endResetModel()
        self.counted.emit(self.total)
        self.searched.emit()

    def _search_failed(self, message: str, _known: bool = True) -> None:
        if self.searching:
            self.searching, self.exact, self.error = False, True, str(message)
            self.counted.emit(0)
            self.searched.emit()  # (with its error: the view says why, as for a search run at once)

    def _count_done(self, result) -> None:
        gen, n = result
        if gen != self.generation:
            return  # a newer filter is showing
        if n > self.total:
            self.beginInsertRows(QModelIndex(), self.total, n - 1)
            self.total = n
            self.endInsertRows()
        self.exact = True
        self.counted.emit(self.total)

    def refresh_rows(self) -> None:
        """Data changed in place (triage): drop cached pages and repaint."""
        self.pages.clear()
        if self.total:
            self.dataChanged.emit(self.index(0, 0), self.index(self.total - 1, len(COLUMNS) - 1))

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else self.total

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def mention(self, row: int) -> Mention | None:
        if not 0 <= row < self.total:
            return None
        page = row // PAGE
        rows = self.pages.get(page)
        if rows is None:
            rows = self.svc.mention_page(self.filter, page * PAGE, PAGE, self.total)
            self.pages[page] = rows
            if len(self.pages) > CACHE_PAGES:
                self.pages.popitem(last=False)
        else:
            self.pages.move_to_end(page)
        i = row - page * PAGE
        return rows[i] if i < len(rows) else None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        m = self.mention(index.row())
        if m is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            sentiment = (f"n/a ({m.lang})" if m.label == "unsupported"
                         else f"{m.label} {signed(m.sentiment)}" + (" ✎" if m.overridden else UNSURE_MARK if m.unsure
                                                                  else ""))
            return (f"{m.priority:.0f}", sentiment,
                    m.entity, display_text(m.title), display_text(m.source), fmt_time(m.published),
                    m.status.replace("_", " "))[col]
        if role == Qt.ItemDataRole.ForegroundRole and col == 1:
            return QBrush(SENTIMENT_COLORS.get(m.label, QColor("#8E44AD")))
        if role == Qt.ItemDataRole.ToolTipRole and col == 3:
            return display_text(m.snippet)
        if role == Qt.ItemDataRole.ToolTipRole and col == 1 and m.unsure and m.label != "unsupported":
            return m.unsure_why()
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return m
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None


EMPTY_WIDEN = ("choose Any time, Any status (instead of Open items), Any sentiment, Any source and "
               "Any language, All entities, or clear the search.")


class FilterBar(QWidget):
    changed = Signal()

    PERIODS = (("Any time", None), ("Last 24 hours", 1), ("Last 7 days", 7), ("Last 30 days", 30),
               ("Last 90 days", 90))

    def __init__(self, svc, parent=None) -> None:
        super().__init__(parent)
        self.svc = svc
        rows = QVBoxLayout(self)
        rows.setContentsMargins(0, 0, 0, 0)
        lay = FlowLayout()  # one row on a wide window, two on a narrow one (at 1024 px it scrolled sideways)
        rows.addLayout(lay)
        self.search = named(QLineEdit(placeholderText="Search titles and text…  (Ctrl+F)"), "Search mentions")
        self.search.setClearButtonEnabled(True)
        self.entity = QComboBox()
        self.sentiment = QComboBox()
        # the filter's value as data (MentionFilter.sentiment); "not scored" last, so that the
        # positions kept for the next start (state) mean what they meant before it was added
        for text, value in (("Any sentiment", None), ("negative", "negative"), ("neutral", "neutral"),
                            ("positive", "positive"), (NEEDS_REVIEW, None), (NOT_SCORED, "unsupported")):
            self.sentiment.addItem(text, value)
        self.sentiment.setItemData(4, "machine scores with low confidence, or where the engines disagree",
                                   Qt.ItemDataRole.ToolTipRole)
        self.sentiment.setItemData(5, "in a language no engine scores, and no person has scored them yet",
                                   Qt.ItemDataRole.ToolTipRole)
        self.status = QComboBox()
        self.status.addItem("Open items", OPEN_STATUSES)
        self.status.setItemData(0, "new, flagged or needs response", Qt.ItemDataRole.ToolTipRole)
        self.status.addItem("Any status", ())
        for s in STATUSES:
            self.status.addItem(s.replace("_", " "), (s,))
        self.kind = QComboBox()
        self.kind.addItem("Any source", ())
        for k in FEED_KINDS:
            self.kind.addItem(k, (k,))
        self.period = QComboBox()
        for label, days in self.PERIODS:
            self.period.addItem(label, days)
        self.lang = QComboBox()
        self.lang.addItem("Any language", None)
        for code, name in (("en", "English"), ("de", "German"), ("fr", "French"), ("es", "Spanish"),
                           ("it", "Italian"), ("nl", "Dutch"), ("pt", "Portuguese"), ("sv", "Swedish")):
            self.lang.addItem(name, code)
        self.order = QComboBox()
        self.order.addItem("Newest first", "published")
        self.order.addItem("Priority first", "priority")
        self.topic: str | None = None
        self.topic_btn = QPushButton()
        self.topic_btn.setToolTip("Clear the topic filter")
        self.topic_btn.setVisible(False)
        self.topic_btn.clicked.connect(lambda: self.set_topic(None))
        # a saved search's selection (rule id, name, the ids its rule selects), shown as a button
        # that clears it; the other filters narrow it further
        self.saved_search: tuple[int, str, tuple[int, ...]] | None = None
        self.saved_btn = QPushButton()
        self.saved_btn.setVisible(False)
        self.saved_btn.clicked.connect(lambda: self.set_saved_search(None))
        # on a row of its own (hidden with it): the filter row alone is about as wide as a laptop screen allows
        saved_row = QHBoxLayout()
        saved_row.addWidget(self.saved_btn)
        saved_row.addStretch(1)
        rows.addLayout(saved_row)
        for combo, name in ((self.entity, "Entity"), (self.sentiment, "Sentiment"), (self.status, "Status"),
                            (self.kind, "Source kind"), (self.period, "Period"), (self.lang, "Language"),
                            (self.order, "Order")):  # a screen reader says "Sentiment: Any sentiment", not only the value
            combo.setAccessibleName(name)
        for w in (self.search, self.entity, self.sentiment, self.status, self.kind, self.period, self.lang,
                  self.order, self.topic_btn):
            if isinstance(w, QComboBox):  # keep the bar within a laptop screen
                narrow(w, 9)
            lay.addWidget(w)
        self.search.setMinimumWidth(140)
        self.search.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)  # the row's spare width
        self.reload_entities()
        self.debounce = QTimer(self, singleShot=True, interval=250)
        self.debounce.timeout.connect(self.changed)
        self.search.textChanged.connect(self.debounce.start)
        for combo in (self.entity, self.sentiment, self.status, self.kind, self.period, self.lang, self.order):
            combo.currentIndexChanged.connect(self.changed)

    def reload_entities(self) -> None:
        current = self.entity.currentData()
        self.entity.blockSignals(True)
        self.entity.clear()
        self.entity.addItem("All entities", None)
        for e in self.svc.entities():
            self.entity.addItem(f"{e.name} ({e.kind})", e.id)
        i = self.entity.findData(current)
        self.entity.setCurrentIndex(max(0, i))
        self.entity.blockSignals(False)

    def build(self) -> MentionFilter:
        days = self.period.currentData()
        since = until = None
        if days == 1:  # "Last 24 hours": the last 86,400 seconds
            since = int(time.time()) - 86400
        elif days:  # "Last N days": today and the N - 1 days before (UTC), ending with today as the
            # pages' (Page.period): without the end, an entry a feed dated tomorrow (up to a day ahead is
            # kept) was listed here and not counted there
            since, until = last_days(days, int(time.time()))
        review = self.sentiment.currentText() == NEEDS_REVIEW
        return MentionFilter(
            entity_ids=(self.entity.currentData(),) if self.entity.currentData() else (),
            sentiment=self.sentiment.currentData(),
            needs_review=review,
            statuses=tuple(self.status.currentData() or ()), feed_kinds=tuple(self.kind.currentData() or ()),
            topic=self.topic, since=since, until=until,
            search=self.search.text().strip(), order=self.order.currentData(), lang=self.lang.currentData(),
            mention_ids=self.saved_search[2] if self.saved_search else None,
        )

    COMBOS = ("sentiment", "status", "kind", "period", "lang", "order")  # fixed lists: kept by position

    def state(self) -> dict:
        """What to restore at the next start (restore): the filters as set, not a saved search."""
        return {"search": self.search.text(), "entity": self.entity.currentData(), "topic": self.topic,
                **{name: getattr(self, name).currentIndex() for name in self.COMBOS}}

    def restore(self, state: dict) -> None:
        """Set the filters as ``state`` (from state(), read back from a file) says; what does not
        fit (an entity removed since, a value of the wrong type) stays at "any". One ``changed``."""
        combos = [getattr(self, name) for name in self.COMBOS] + [self.entity]
        with signals_blocked(*combos, self.search):
            for name in self.COMBOS:
                i, combo = state.get(name), getattr(self, name)
                if isinstance(i, int) and not isinstance(i, bool) and 0 <= i < combo.count():
                    combo.setCurrentIndex(i)
            entity = state.get("entity")
            if isinstance(entity, int) and not isinstance(entity, bool):
                self.entity.setCurrentIndex(max(0, self.entity.findData(entity)))
            if isinstance(state.get("search"), str):
                self.search.setText(state["search"][:500])
        topic = state.get("topic")
        self.set_topic(topic if isinstance(topic, str) and topic else None, notify=False)
        self.changed.emit()

    def show_entity(self, entity_id: int | None, *, sentiment: str | None = None, status_any: bool = True,
                    days: int | None = None, topic: str | None = None, kind: str | None = None,
                    notify: bool = True) -> None:
        """Filter on what a chart points at; the other filters (a saved search too) go back to "any"."""
        with signals_blocked(self.entity, self.sentiment, self.status, self.period, self.kind):
            self.entity.setCurrentIndex(max(0, self.entity.findData(entity_id)))
            # a chart's key: a label, or "unsupported" (its "not scored" bars)
            self.sentiment.setCurrentIndex(max(0, self.sentiment.findData(sentiment)) if sentiment else 0)
            if status_any:
                self.status.setCurrentIndex(1)
            self.period.setCurrentIndex(max(0, self.period.findData(days)))
            self.kind.setCurrentIndex(max(0, self.kind.findText(kind)) if kind else 0)
        self.set_topic(topic, notify=False)
        self.set_saved_search(None, notify=False)
        if notify:
            self.changed.emit()

    def clear(self) -> bool:
        """The search and every filter back to the inbox's start (open items of any entity,
        sentiment, source, period and language; no topic, no saved search; the order stays): one
        reload. False when nothing was set."""
        combos = (self.entity, self.sentiment, self.status, self.kind, self.period, self.lang)
        if not (self.search.text() or self.topic or self.saved_search or any(c.currentIndex() for c in combos)):
            return False
        with signals_blocked(*combos, self.search):
            for c in combos:
                c.setCurrentIndex(0)
            self.search.clear()
        self.debounce.stop()
        self.set_topic(None, notify=False)
        self.set_saved_search(None)
        return True

    def open_saved_search(self, rule_id: int, name: str, ids: tuple[int, ...]) -> None:
        """Show exactly a saved search's mentions (``ids``: what its rule selects, as the sidebar
        counts them), every other filter back to "any" and the search box empty."""
        self.show_entity(None, notify=False)
        with signals_blocked(self.search):
            self.search.clear()
        self.debounce.stop()
        self.set_saved_search((rule_id, name, tuple(ids)))

    def set_saved_search(self, saved: tuple[int, str, tuple[int, ...]] | None, *, notify: bool = True) -> None:
        """The saved-search filter (rule id, name, the ids it selects) or None; a button clears it."""
        self.saved_search = saved
        if saved:
            name = clip(saved[1], 60)  # the bar stays on a laptop screen
            self.saved_btn.setText(f"Saved search: {name} ✕")
            self.saved_btn.setToolTip(f"{saved[1]}\n{len(saved[2]):,} mentions selected by the rule; "
                                      "click to clear this filter")
        self.saved_btn.setVisible(bool(saved))
        if notify:
            self.changed.emit()

    def set_topic(self, topic: str | None, *, notify: bool = True) -> None:
        """The topic filter (set by a click on a topic bar) shows as a button that clears it."""
        self.topic = topic
        if topic:  # the workspace's name for it, as the Dashboard's bar said (the shipped one's was used)
            self.topic_btn.setText(f"topic: {self.svc.topic_labels().get(topic, topic)} ✕")
        self.topic_btn.setVisible(bool(topic))
        if notify:
            self.changed.emit()


SHORTCUTS = [
    ("J / ↓", "next mention"), ("K / ↑", "previous mention"), ("F", "flag"), ("E", "archive"),
    ("R", "mark needs response"), ("M", "mark read"), ("U", "mark unread (new)"), ("A", "assign to someone"),
    ("O", "open in browser"),
    ("+ / 0 / -", "override sentiment: positive / neutral / negative"), ("Backspace", "clear the override"),
    ("D", "draft a response"), ("C", "capture evidence (page + entry, hashed)"), ("Ctrl+Z", "undo the last triage"),
    ("Ctrl+F", "search"), ("Ctrl+S", "save (the reply, the entity, the rule, the settings)"), ("Esc", "clear the search and filters (during a refresh: cancel it)"), ("?", "this help"),
]  # the main window adds its menu shortcuts (Ctrl+E, F1, Ctrl+1…8, Ctrl+R…) to the help


class InboxView(QWidget):
    draft_requested = Signal(int)      # mention id
    status_message = Signal(str)
    # a search ran after one that could not: the complaint said then, for the status bar to drop
    # if it still shows it (it said "nothing to search for in '('" beside "3 mentions")
    complaint_withdrawn = Signal(str)

    def __init__(self, svc, parent=None, runner=None) -> None:
        super().__init__(parent)
        from orm_desktop.ui.detail import DetailPane

        self.svc = svc
        self.runner = runner
        self.read_only = False
        # (what was done, previous status per mention, the row versions that triage made)
        self.undo_stack: list[tuple[str, dict[int, str], dict[int, int]]] = []
        self.written: dict[int, int] = {}
        self.extra_shortcuts: list[tuple[str, str]] = []  # the window's menu shortcuts, for the help
        self.complaint = ""  # why the last filter could not run, as said in the status bar
        self.filters = mark_safe_in_executive_mode(FilterBar(svc))
        self.model = MentionModel(svc, self, runner=runner)
        self._muted: tuple = (None, 0)  # ((model generation, filter), muted mentions it leaves out)
        self.model.counted.connect(lambda _n: self.update_count())
        self.model.searched.connect(self._searched)
        self.table = named(QTableView(), "Mentions", tab_leaves=True)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setShowGrid(False)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        widths = {0: 64, 1: 130, 2: 130, 4: 170, 5: 110, 6: 120}
        # the score and the date give way no further than their longest value: at 1024 px the rows
        # read "negative -..." and "26 Jan 2..." (the score and the year were what was cut)
        fm = self.table.fontMetrics()
        floors = {1: fm.horizontalAdvance(f"negative -0.00{UNSURE_MARK}") + 12,
                  5: max(fm.horizontalAdvance(t) for t in ("00 May 0000", "00 May 00:00", "Today 00:00")) + 12}
        StretchShare(self.table, widths).set_widths(widths, floors)
        self.count_label = QLabel()
        self.detail = DetailPane(svc)
        self.detail.action.connect(self.on_detail_action)
        self.detail.message.connect(self.status_message)
        split = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.table)
        split.addWidget(top)
        split.addWidget(self.detail)
        split.setSizes([480, 360])
        self.split = split  # the list and the detail pane: where the triage keys work
        lay = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(self.filters, 1)
        head.addWidget(self.count_label)
        lay.addLayout(head)
        lay.addWidget(split, 1)
        self.filters.changed.connect(self.apply_filter)
        self.table.selectionModel().currentRowChanged.connect(self.on_current)
        # a right-click on the list: the triage keys' actions, Assign… among them, for a mouse
        self.menu: QMenu | None = None
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self.show_triage_menu)
        self._shortcuts()
        self.update_count()
        if self.model.total:
            self.table.selectRow(0)

    # -- filtering ---------------------------------------------------------------------------
    def apply_filter(self) -> None:
        try:
            f = self.filters.build()
            self.model.set_filter(f)
        except KnownError as exc:
            self.status_message.emit(str(exc))
            return
        self.update_count()
        if self.model.error:
            self.status_message.emit(self.model.error)
        elif self.complaint:
            self.complaint_withdrawn.emit(self.complaint)
        self.complaint = self.model.error
        if self.model.total:
            self.table.selectRow(0)
        else:
            self.detail.show_mention(None)

    def _searched(self) -> None:
        """A search that read the text (CJK) has its rows: the first is current, as after any
        filter; or it could not run: the status bar says why, as ``apply_filter`` does."""
        if self.model.error:
            self.status_message.emit(self.model.error)
            self.complaint = self.model.error
        if self.model.total:
            self.table.selectRow(0)
        else:
            self.detail.show_mention(None)

    def update_count(self) -> None:
        error = self.model.error
        self.count_label.setToolTip(error)
        if error:  # why, in the tooltip and the status bar: the window must stay within a laptop screen
            self.count_label.setText("search not run")
        elif self.model.searching:
            self.count_label.setText("searching the text…")
            self.count_label.setToolTip("Chinese, Japanese and Korean words are found by reading the text "
                                        "(no index splits them into words)")
        elif self.model.exact:
            n = self.model.total
            text = f"{n:,}{'+' if self.model.capped else ''} mention{'s' if n != 1 else ''}"
            if self.model.capped:
                self.count_label.setToolTip(
                    f"at least {n:,}: a search for Chinese, Japanese or Korean words reads the text itself "
                    f"and stopped at the {self.svc.search_cap:,} most recently collected items that contain "
                    "them; add words or filters to narrow it")
            muted = self._muted[1] if self._muted[0] == (self.model.generation, self.model.filter) else None
            if muted:  # the pages' figures count them: say why the list has fewer
                text += f" (+{muted:,} muted)"
                self.count_label.setToolTip(f"{muted:,} more mention{'s' if muted != 1 else ''} match these filters "
                                            "but {} muted by a rule (\"mute: hide from the inbox\"): the Dashboard, "
                                            "the other pages and the reports count them, this list does not show "
                                            "them".format("are" if muted != 1 else "is"))
            self.count_label.setText(text)
            if muted is None:
                self.count_muted()
            if not self.model.total:
                self.explain_empty()
        else:
            self.count_label.setText(f"{self.model.total:,}+ mentions (counting…)")

    def count_muted(self) -> None:
        """Count, in a worker, the muted mentions the filter leaves out; the count line then says so."""
        key, svc = (self.model.generation, self.model.filter), self.svc
        self._muted = (key, 0)  # asked; 0 until known
        if self.runner is None:
            self._muted_counted((key, svc.count_muted(key[1])))
        else:
            self.runner.start(lambda _progress, _cancel: (key, svc.count_muted(key[1])), on_success=self._muted_counted)

    def _muted_counted(self, result) -> None:
        key, n = result
        if key == (self.model.generation, self.model.filter) and n:
            self._muted = (key, n)
            self.update_count()

    def explain_empty(self) -> None:
        """Nothing to list: say why in the reading pane (no entities, no feeds, nothing fetched, or
        these filters), asked in a worker thread; shown if the list is still empty then."""
        if self.runner is None:
            return
        svc, gen = self.svc, self.model.generation

        def work(_progress, _cancel):
            return gen, svc.why_no_mentions(None, "here", EMPTY_WIDEN, elsewhere="that these filters hide")

        self.runner.start(work, on_success=self._explained)

    def _explained(self, result: tuple[int, str]) -> None:
        gen, text = result
        if gen == self.model.generation and not self.model.total and self.detail.mention_id is None:
            self.detail.show_note(text)

    # -- selection and triage ------------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        return [m.id for m in self.selected_mentions()]

    def selected_mentions(self) -> list[Mention]:
        """The selected rows as this window shows them (with the row versions it read)."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        if not rows and self.table.currentIndex().isValid():
            rows = [self.table.currentIndex().row()]
        return [m for m in (self.model.mention(r) for r in rows) if m is not None]

    # a triage key waits this long for another process writing to the database (SQLite's 10 s busy
    # timeout froze the window), then says so; the mention is left as it was
    BUSY_WAIT_MS = 250
    BUSY = ("not changed: the database is busy (another program is writing to it); "
            "try again in a moment")

    def _versioned(self, write, shown: list[Mention]):
        """Run ``write(expected)`` with the versions this window showed; when someone changed a
        row meanwhile ask "reload / keep mine" (never a silent overwrite). None when reloaded."""
        from orm_desktop.errors import Conflict, DatabaseLocked
        from orm_desktop.ui.widgets import keep_mine_after_conflict

        expected = {m.id: m.version for m in shown}
        try:
            with self.svc.waiting_at_most(self.BUSY_WAIT_MS):
                result = write(expected)
        except DatabaseLocked:
            self.status_message.emit(self.BUSY)
            return None
        except Conflict as exc:
            if not keep_mine_after_conflict(self, exc):
                self.model.refresh_rows()
                self.detail.refresh()
                self.status_message.emit(f"reloaded: {exc.what} {exc.row_id} was changed by {exc.who}")
                return None
            expected = self.svc.mention_versions(expected)
            try:
                with self.svc.waiting_at_most(self.BUSY_WAIT_MS):
                    result = write(expected)  # mine, on top of their version
            except DatabaseLocked:
                self.status_message.emit(self.BUSY)
                return None
        self.written = {i: v + 1 for i, v in expected.items()}  # the versions this save made
        self._mine(self.written)
        return result

    def _mine(self, versions: dict[int, int]) -> None:
        """This window wrote these mention versions: the undo steps still on the stack expect them
        (its own later step, override or undo is not someone else's change meanwhile)."""
        for _what, _before, written in self.undo_stack:
            for mid in written.keys() & versions.keys():
                written[mid] = versions[mid]

    def on_current(self, current: QModelIndex, _previous=None) -> None:
        m = self.model.mention(current.row()) if current.isValid() else None
        self.detail.show_mention(m.id if m else None)

    def move(self, delta: int) -> None:
        row = max(0, min(self.model.total - 1, self.table.currentIndex().row() + delta))
        if self.model.total:
            idx = self.model.index(row, 0)
            self.table.selectionModel().setCurrentIndex(
                idx, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self.table.scrollTo(idx)

    def refused(self) -> bool:
        """In executive mode triage keys and buttons say why nothing happens. On a team workspace
        triage and overrides are signed (a mention.triage or mention.override entry per mention):
        the login's key is unlocked first (its passphrase asked once per session); cancelled,
        nothing happens."""
        if self.read_only:
            from orm_desktop.ui.widgets import why_read_only

            self.status_message.emit(why_read_only(self.svc, "triage"))
            return True
        from orm_desktop.ui.identity import ensure_unlocked

        login = self.svc.team_login()
        if login and not ensure_unlocked(self, self.svc, login):
            self.status_message.emit("not changed: triage on a team workspace is signed with your key")
            return True
        return False

    def set_status(self, status: str) -> None:
        if self.refused():
            return
        shown = self.selected_mentions()
        if not shown:
            return
        ids = [m.id for m in shown]
        before = {i: self.svc.mention(i).mention.status for i in ids}
        n = self._versioned(lambda expected: self.svc.set_status(ids, status, expected=expected), shown)
        if n is None:
            return
        what = f"{n} mention(s) marked {status.replace('_', ' ')}"
        self.undo_stack = (self.undo_stack + [(what, before, self.written)])[-50:]
        statuses = self.model.filter.statuses
        self._after_triage(leaving=bool(statuses) and status not in statuses)
        shown = self.filters.status.currentData() or ()
        if shown and status not in shown:  # the row leaves this list: say so, and how to get it back
            what += f" — no longer in “{self.filters.status.currentText()}”"
        self.status_message.emit(what + " (Ctrl+Z to undo)")

    NOBODY = "(nobody)"

    def assign(self) -> None:
        """A: choose who handles the mention shown (a workspace user, or nobody), in a dialog that
        opens on the list (Enter assigns, Esc cancels)."""
        from PySide6.QtWidgets import QInputDialog

        from orm_desktop.errors import Conflict

        if self.refused():
            return
        shown = self.selected_mentions()
        if not shown:
            return
        m = shown[0]
        names = [u.name for u in self.svc.users()]
        choices = [self.NOBODY, *names]
        at = choices.index(m.assignee) if m.assignee in choices else 0
        who, ok = QInputDialog.getItem(self, "Assign", f"Who handles “{display_text(m.title)[:80]}”?", choices, at,
                                       False)
        if not ok:
            return
        assignee = "" if who == self.NOBODY else who
        try:
            self.svc.triage(m.id, assignee=assignee, expected_version=m.version)
        except Conflict as exc:
            self.model.refresh_rows()
            self.detail.refresh()
            self.status_message.emit(f"not assigned: {exc.what} {exc.row_id} was changed by {exc.who} meanwhile "
                                     "(shown again as it is now)")
            return
        except KnownError as exc:
            self.status_message.emit(str(exc))
            return
        self._mine(self.svc.mention_versions([m.id]))
        self.model.refresh_rows()
        self.detail.refresh()
        self.status_message.emit(f"mention assigned to {assignee}" if assignee else "mention unassigned")

    def undo(self) -> None:
        """Put the statuses of the last triage back (archive, flag, read, needs response)."""
        if self.refused():  # executive mode: said, not silently ignored (the stack stays for later)
            return
        if not self.undo_stack:
            self.status_message.emit("nothing to undo")
            return
        from orm_desktop.errors import Conflict, DatabaseLocked
        from orm_desktop.ui.widgets import keep_mine_after_conflict

        what, before, written = self.undo_stack.pop()
        by_status: dict[str, list[int]] = {}
        for mid, status in before.items():
            by_status.setdefault(status, []).append(mid)
        try:  # only if nobody changed them since (else ask: their change, or my undo on top)
            with self.svc.waiting_at_most(self.BUSY_WAIT_MS):
                self.svc.set_statuses({s: ids for s, ids in by_status.items()}, expected=written)
        except DatabaseLocked:
            self.undo_stack.append((what, before, written))  # still there for the next Ctrl+Z
            self.status_message.emit(self.BUSY.replace("not changed", "not undone"))
            return
        except Conflict as exc:
            if not keep_mine_after_conflict(self, exc):
                self.model.refresh_rows()
                self.status_message.emit(f"not undone: {exc.what} {exc.row_id} was changed by {exc.who} meanwhile")
                return
            self.svc.set_statuses({s: ids for s, ids in by_status.items()})
        self._mine(self.svc.mention_versions(before))
        row = self.table.currentIndex().row()
        self.model.reload()  # (a reset: the list has no current row after it)
        self.update_count()
        self._select(min(before), max(row, 0))
        self.detail.refresh()
        self.status_message.emit(f"undone: {what}")

    def _select(self, mention_id: int, fallback_row: int) -> None:
        """Put the cursor on ``mention_id`` when it is in the list's first page, else on
        ``fallback_row`` (within the list), and show that mention: after a reload the next key
        must triage the mention the pane shows (with no current row it did nothing)."""
        if not self.model.total:
            self.detail.show_mention(None)
            return
        row = next((r for r in range(min(self.model.total, PAGE))
                    if (m := self.model.mention(r)) is not None and m.id == mention_id),
                   min(fallback_row, self.model.total - 1))
        idx = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            idx, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(idx)

    def override(self, score: float | None) -> None:
        if self.refused():
            return
        shown = self.selected_mentions()
        if not shown:
            return
        ids = [m.id for m in shown]
        n = self._versioned(lambda expected: self.svc.override_sentiment(ids, score, expected=expected,
                                                                         redetect=False), shown)
        if n is None:
            return
        self._redetect_soon()
        f = self.model.filter
        # a cleared override can leave any label's list (a mention in a language no engine scores
        # goes back to "not scored"): reload then
        self._after_triage(leaving=f.needs_review or (f.sentiment is not None
                                                      and (score is None or label_for(score) != f.sentiment)))
        self.status_message.emit(f"sentiment of {n} mention(s) " + ("cleared" if score is None else f"set to {signed(score, 1)}"))

    def _redetect_soon(self) -> None:
        """Alerts follow the new scores: detection runs in the worker pool (70 ms on a
        200,000-mention workspace, too long for the GUI thread at every triage key), once for a
        burst of overrides; the window's live updates then show the alerts it changed."""
        if self.runner is None:
            self.svc.redetect_alerts()
            return
        timer = getattr(self, "_redetect_timer", None)
        if timer is None:
            timer = self._redetect_timer = QTimer(self)
            timer.setSingleShot(True)
            timer.setInterval(400)
            timer.timeout.connect(self._redetect_now)
        timer.start()

    def _redetect_now(self) -> None:
        svc = self.svc
        self.runner.start(lambda _progress, _cancel: svc.redetect_alerts())

    def _after_triage(self, *, leaving: bool) -> None:
        """Repaint after triage. Rows it took out of this list (archived under "Open items", an
        override under a sentiment filter) leave at once: the count drops and the cursor and the
        detail pane go to the mention now in their place (the table must never highlight one
        mention while the pane shows another, or the next key would triage the wrong one)."""
        if not leaving:
            self.model.refresh_rows()
            self.detail.refresh()
            return
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()}) or [self.table.currentIndex().row()]
        self.model.reload()
        self.update_count()
        if not self.model.total:
            self.detail.show_mention(None)
            return
        idx = self.model.index(max(0, min(rows[0], self.model.total - 1)), 0)
        self.table.selectionModel().setCurrentIndex(
            idx, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(idx)
        m = self.model.mention(idx.row())
        if m is not None and self.detail.mention_id != m.id:  # (the row change above usually showed it)
            self.on_current(idx)

    def open_current(self) -> None:
        ids = self.selected_ids()
        if ids:
            url = self.svc.mention(ids[0]).mention.url
            if is_web_url(url):
                from orm_desktop.ui.detail import open_in_browser

                if failed := open_in_browser(url):
                    self.status_message.emit(failed)
            else:  # a javascript:, data: or file: link stored before ingest dropped them, or none
                from orm_desktop.ui.detail import not_opened

                self.status_message.emit(not_opened(url) if url else "This mention has no link to open")

    def triage_menu(self) -> QMenu:
        """The list's right-click menu for the selected mentions, each entry with its key. Executive
        mode offers only what reads (open in browser): no triage, no Assign…"""
        menu = QMenu(self)
        entries = [] if self.read_only else [
            ("Mark read", "M", lambda: self.set_status("read")), ("Mark unread", "U", lambda: self.set_status("new")),
            ("Flag", "F", lambda: self.set_status("flagged")),
            ("Needs response", "R", lambda: self.set_status("needs_response")),
            ("Archive", "E", lambda: self.set_status("archived")), None, ("Assign…", "A", self.assign), None]
        for entry in [*entries, ("Open in browser", "O", self.open_current)]:
            if entry is None:
                menu.addSeparator()
                continue
            text, key, fn = entry
            menu.addAction(f"{text}\t{key}").triggered.connect(fn)  # the key as a hint, not a second binding
        return menu

    def show_triage_menu(self, pos) -> None:
        """A right-click on a row (it is selected first, as Qt does with a right press): its menu."""
        if self.menu is not None:
            self.menu.deleteLater()
            self.menu = None
        if not self.table.indexAt(pos).isValid():
            return
        self.menu = self.triage_menu()
        self.menu.popup(self.table.viewport().mapToGlobal(pos))

    def on_detail_action(self, action: str) -> None:
        handlers = {"flag": lambda: self.set_status("flagged"), "archive": lambda: self.set_status("archived"),
                    "needs_response": lambda: self.set_status("needs_response"), "open": self.open_current,
                    "positive": lambda: self.override(0.6), "neutral": lambda: self.override(0.0),
                    "negative": lambda: self.override(-0.6), "clear": lambda: self.override(None),
                    "draft": self.request_draft, "evidence": self.capture_evidence}
        handlers[action]()

    def capture_evidence(self) -> None:
        """Fetch and store the page as evidence, in the background (it is network I/O)."""
        ids = self.selected_ids()
        if not ids or self.read_only or self.runner is None:
            return
        svc, mid = self.svc, ids[0]
        self.status_message.emit("capturing evidence…")
        self.runner.start(lambda progress, cancel: svc.capture_evidence(mid), on_success=self._captured,
                          on_failure=self._capture_failed)

    def _captured(self, captures) -> None:
        self.detail.refresh()
        self.status_message.emit(f"captured {len(captures)} item(s) of evidence with SHA-256 hashes")

    def _capture_failed(self, message: str, _known: bool) -> None:
        self.detail.refresh()
        self.status_message.emit(message.strip().splitlines()[-1][:200])

    def request_draft(self) -> None:
        ids = self.selected_ids()
        if ids and not self.read_only:
            self.draft_requested.emit(ids[0])

    def show_help(self) -> None:
        rows = "".join(f"<tr><td><b>{k}</b></td><td>&nbsp;&nbsp;{v}</td></tr>"
                       for k, v in SHORTCUTS + self.extra_shortcuts)
        QMessageBox.information(self, "Keyboard shortcuts", f"<table>{rows}</table>")

    def _shortcuts(self) -> None:
        keys = {"J": lambda: self.move(1), "K": lambda: self.move(-1), "F": lambda: self.set_status("flagged"),
                "E": lambda: self.set_status("archived"), "R": lambda: self.set_status("needs_response"),
                "M": lambda: self.set_status("read"), "U": lambda: self.set_status("new"), "A": self.assign,
                "O": self.open_current, "+": lambda: self.override(0.6),
                "=": lambda: self.override(0.6), "0": lambda: self.override(0.0), "-": lambda: self.override(-0.6),
                "Backspace": lambda: self.override(None), "D": self.request_draft, "?": self.show_help,
                "C": self.capture_evidence, "Ctrl+Z": self.undo}
        self._keys = []
        for key, fn in keys.items():  # on the list and the detail pane (its buttons take the focus when clicked)
            sc = QShortcut(QKeySequence(key), self.split)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(fn)
            self._keys.append(sc)
        # once, for the whole inbox (bound on the list too, the key was ambiguous there: Qt fired neither)
        sc = QShortcut(QKeySequence("Ctrl+F"), self)
        sc.activated.connect(lambda: (self.filters.search.setFocus(), self.filters.search.selectAll()))
        self._keys.append(sc)

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        self.detail.set_read_only(read_only)

    def clear_filters(self) -> None:
        """Esc (the window's one Esc binding, MainWindow.escape): every filter back to what the
        inbox opens with, the focus back on the list."""
        if self.filters.clear():
            self.status_message.emit("search and filters cleared")
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def reload(self) -> None:
        self.filters.reload_entities()
        self.apply_filter()

    # -- live updates: someone else changed mentions -------------------------------------------
    def live_update(self, *, structural: bool, ids: set | frozenset = frozenset()) -> None:
        """Rows changed in place: repaint them (pages reload lazily). Rows may have come or gone
        (``structural``): count off the GUI thread, and reload the list only if it changed."""
        if not structural:
            self._live_repaint(ids)
            return
        f, svc = self.model.filter, self.svc
        if self.runner is None:
            self._live_counted((f, svc.count_mentions(f)))
        else:
            self.runner.start(lambda progress, cancel: (f, svc.count_mentions(f)), on_success=self._live_counted)

    def _live_counted(self, result) -> None:
        f, n = result
        if f != self.model.filter:
            return  # the user changed the filter meanwhile: that reload is newer
        if n == self.model.total and self.model.exact:
            self._live_repaint(frozenset())
            return
        keep = self.detail.mention_id
        self.model.reload()
        self.update_count()
        row = next((r for r in range(min(self.model.total, PAGE)) if (m := self.model.mention(r)) and m.id == keep), None)
        if row is not None:
            self.table.selectionModel().blockSignals(True)
            self.table.selectRow(row)
            self.table.selectionModel().blockSignals(False)

    def _live_repaint(self, ids) -> None:
        self.model.refresh_rows()
        shown = self.detail.mention_id
        if shown is not None and (not ids or shown in ids):
            self.detail.refresh()
