"""Feeds manager, entity editor and settings."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from orm_desktop import dates
from orm_desktop.errors import Conflict, KnownError
from orm_desktop.feedstatus import problem_text, status_text
from orm_desktop.recovery import SETTINGS_FIELDS
from orm_desktop.textsafe import display_text
from orm_desktop.types import ENTITY_KINDS, FEED_KINDS
from orm_desktop.ui.widgets import (
    ElideMiddle,
    GuardedDialog,
    StretchShare,
    button_row,
    buttons_of,
    confirm_removal,
    hold_row,
    keep_mine_after_conflict,
    named,
    refuses_when_read_only,
    save_key,
    split_aliases,
    stay_for_unsaved,
    team_gate,
)


def save_versioned(view: QWidget, title: str, write, version: int) -> bool:
    """Run ``write(expected_version)`` on the row version ``view`` read. A row someone else saved
    since asks "changed by <who> meanwhile: reload / keep mine" (errors.Conflict), never a silent
    overwrite: Reload writes nothing, Keep mine writes again on their version. A refusal is one
    line in a message box. True when written."""
    try:
        try:
            write(version)
        except Conflict as exc:
            if not keep_mine_after_conflict(view, exc):
                view.status_message.emit(f"reloaded: {exc.what} {exc.row_id} was changed by {exc.who}")
                return False
            write(exc.current)  # mine, on top of their version
    except KnownError as exc:
        QMessageBox.warning(view, title, str(exc))
        return False
    return True


def when(ts: int | None) -> str:
    """A feed's fetch time in UTC, as every moment the window shows (local time, unlabelled, was
    9 hours off the inbox's "Published (UTC)" in Tokyo)."""
    return dates.stamp(ts) if ts else "—"


class FeedDialog(GuardedDialog):
    def __init__(self, parent=None, feed=None) -> None:
        super().__init__(parent)
        self.adding = feed is None
        self.feed = feed  # the feed being edited, as read (None: adding)
        self.answering = False  # OK pressed: the feed is being added (a refusal opens the dialog again)
        self.setWindowTitle("Edit feed" if feed else "Add feed")
        form = QFormLayout(self)
        self.url = QLineEdit(feed.url if feed else "")
        self.url.setPlaceholderText("https://… (a URL with {query} is expanded once per entity)")
        self.title = QLineEdit()
        # a feed's title may carry bidi overrides or control characters (its own, or an OPML's):
        # shown as the Feeds list shows it (display_text), with a note; saved as stored unless edited
        self.title_note = QLabel(wordWrap=True)
        self.title_note.setStyleSheet("color:#8E44AD")
        self._set_title(feed.title if feed else "")
        self.kind = QComboBox()
        self.kind.addItems(FEED_KINDS)
        self.kind.setCurrentText(feed.kind if feed else "news")
        self.category = QLineEdit(feed.category if feed else "")
        self.weight = QDoubleSpinBox(minimum=0.1, maximum=10.0, singleStep=0.1, value=feed.weight if feed else 1.0)
        for label, w in (("URL", self.url), ("Title", self.title), ("", self.title_note), ("Kind", self.kind),
                         ("Category", self.category), ("Reach weight", self.weight)):
            form.addRow(label, w)
        b = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        b.accepted.connect(self.accept)
        b.rejected.connect(self.reject)
        form.addRow(b)
        self.resize(560, 0)
        self.initial = self.values()  # an Add feed dialog still as it opened has nothing to keep
        self.keep_as_opened()  # Esc asks once a field differs from this (a recovered copy filled in: at once)

    def _set_title(self, stored: str) -> None:
        """Show ``stored`` (a title as saved) without its bidi controls and control characters, and
        say which were hidden; ``title_value`` gives ``stored`` back while the field is not edited."""
        self.stored_title, self.shown_title = stored, display_text(stored)
        self.title.setText(self.shown_title)
        hidden = [c for c in stored if display_text(c) != c]
        if hidden:
            codes = ", ".join(dict.fromkeys(f"U+{ord(c):04X}" for c in hidden))
            self.title_note.setText(
                f"The title holds {len(hidden)} hidden character{'s' if len(hidden) != 1 else ''} ({codes}: text "
                "direction changes or control characters), shown here as the Feeds list shows them. They stay "
                "in the saved title unless you edit it; an edited title is saved as shown.")
        self.title_note.setVisible(bool(hidden))

    def title_value(self) -> str:
        """The title to save: as stored while the field still shows it, else as typed."""
        text = self.title.text()
        return self.stored_title if text == self.shown_title else text

    def values(self) -> dict:
        """The fields as typed (crash recovery keeps them while an Add or Edit feed dialog is open)."""
        return {"url": self.url.text(), "title": self.title_value(), "kind": self.kind.currentText(),
                "category": self.category.text(), "weight": self.weight.value()}

    @staticmethod
    def values_of(feed) -> dict:
        """A stored feed's fields as the dialog shows them."""
        return {"url": feed.url, "title": feed.title, "kind": feed.kind, "category": feed.category,
                "weight": float(feed.weight)}

    def fill(self, values: dict) -> None:
        """Put kept fields back (a value the form cannot take is left as it is)."""
        self.url.setText(str(values.get("url", "")))
        self._set_title(str(values.get("title", "")))
        if values.get("kind") in FEED_KINDS:
            self.kind.setCurrentText(values["kind"])
        self.category.setText(str(values.get("category", "")))
        weight = values.get("weight")
        if isinstance(weight, int | float) and not isinstance(weight, bool) and weight == weight:
            self.weight.setValue(float(weight))  # clamped to the spin box's range


class FeedDrafts:
    """An open Add feed or Edit feed dialog's fields, for crash recovery (ui/recovery.py
    DraftKeeper): kept while they differ from how it opened, offered back into a new Add feed
    dialog, or into an Edit feed dialog of the same feed when nobody changed it since."""

    def __init__(self, window) -> None:
        self.window = window

    def _open(self) -> FeedDialog | None:
        # answering: OK was pressed and the add runs or was refused (the dialog opens again)
        return next((d for d in self.window.findChildren(FeedDialog) if d.isVisible() or d.answering), None)

    def recovery_state(self) -> tuple[str, str, dict, dict] | None:
        d = self._open()
        if d is None or d.values() == d.initial:
            return None
        if d.adding:
            return "feed", "new", d.values(), {}
        return "feed", str(d.feed.id), d.values(), {"version": d.feed.version}

    def keep_edits(self) -> bool:
        return self._open() is not None  # a restore never replaces a dialog being typed into

    def recovered_outcome(self, rec) -> tuple[str, str]:
        what = f"{rec.describe()[:1].upper()}{rec.describe()[1:]} (kept at {rec.when()}) was not put back"
        url = str(rec.value["url"]).strip()
        feeds = self.window.svc.feeds()
        if rec.row_id is None:
            if url and any(f.url == url for f in feeds):
                return "same", ""  # added just before the kill
        else:
            feed = next((f for f in feeds if f.id == rec.row_id), None)
            if feed is None:
                return "changed", f"{what}: the feed was removed since."
            if FeedDialog.values_of(feed) == rec.value:
                return "same", ""  # saved just before the kill
            if rec.base.get("version") != feed.version:
                return "changed", f"{what}: the feed was changed since (it is as now saved)."
        view = self.window.feeds
        if view.refusal:
            return "changed", f"{what}: {view.refusal}."
        return "ok", ""

    def restore_recovered(self, rec) -> tuple[str, str]:
        if rec.row_id is None:
            self.window.feeds.add_later(rec.value)
            return "restored", f"Restored {rec.describe()} (from {rec.when()}); it is not added yet"
        feed = next(f for f in self.window.svc.feeds() if f.id == rec.row_id)
        self.window.feeds.edit_later(feed, rec.value)
        return "restored", f"Restored {rec.describe()} (from {rec.when()}); it is not saved yet"


class FeedsView(QWidget):
    refresh_requested = Signal()
    status_message = Signal(str)
    # "Enabled" is folded into Status (a disabled feed reads "disabled") and "Next due" is in the tooltip
    # of "Last fetched": with 11 columns the URL got 31 px and the problem 61 px at a 960 px window
    COLS = ("Title", "URL", "Kind", "Category", "Weight", "Status", "Problem", "Last fetched", "Items")
    STATUS, PROBLEM, LAST = 5, 6, 7
    read_only = False  # executive mode (MainWindow.set_read_only)

    def __init__(self, svc, parent=None) -> None:
        super().__init__(parent)
        self.svc = svc
        self.table = named(QTableWidget(0, len(self.COLS)), "Feeds", tab_leaves=True)
        self.table.setHorizontalHeaderLabels(self.COLS)
        self.table.horizontalHeaderItem(self.COLS.index("Last fetched")).setToolTip(
            "in UTC, as every time the window shows")
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        # the title keeps a readable share on a narrow window; the URL elides in the middle and the
        # other columns give way down to their header's width (at 960 px the URL took most of the
        # width and the Problem column was off the page)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.table.setItemDelegateForColumn(1, ElideMiddle(self.table))
        self.column_share = StretchShare(self.table, {}, share=0.2)
        self.health = QLabel()
        bar = button_row((("Add…", self.add), ("Edit…", self.edit), ("Remove", self.remove),
                          ("Enable/disable", self.toggle), ("Import OPML…", self.import_opml),
                          ("Export OPML…", self.export_opml), ("Refresh now", self.refresh_requested.emit)))
        bar.addWidget(self.health)
        b = buttons_of(bar)
        # a team login: what its role may not do is off, with the role that may in the tooltip
        self.refusal = team_gate(svc, "configure", *(b[k] for k in ("Add…", "Edit…", "Remove", "Enable/disable",
                                                                     "Import OPML…")))
        team_gate(svc, "triage", b["Refresh now"])
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(self.table)
        self.table.activated.connect(self.edit)  # a double-click, or Enter on the row
        self.reload()

    def reload(self) -> None:
        feeds = self.svc.feeds()
        self.feeds = feeds
        self.table.setRowCount(len(feeds))
        for r, f in enumerate(feeds):
            ok = f.last_status in ("ok", "not_modified", "empty", "")
            url = f.url if len(f.url) <= 400 else f.url[:200] + "…" + f.url[-199:]  # elided in the middle when shown
            fetched = status_text(f.last_status, f.last_error) if f.last_status else "never fetched"
            vals = (f.title or f.url, url, f.kind, f.category, f"{f.weight:g}",
                    fetched if f.enabled else "disabled", problem_text(f.last_status, f.last_error),
                    when(f.last_fetched), str(f.items_total))
            for c, v in enumerate(vals):
                item = QTableWidgetItem(display_text(v))  # a feed names itself (title, errors): no bidi tricks
                if c == self.STATUS and not ok and f.enabled:
                    item.setForeground(Qt.GlobalColor.red)
                if c in (0, 1):
                    item.setToolTip(f.url)
                if c == self.STATUS and not f.enabled:
                    item.setToolTip(f"disabled; last fetch: {fetched}")
                if c == self.PROBLEM and f.last_error:
                    item.setToolTip(f.last_error)  # the technical detail, for whoever fixes the feed
                if c == self.LAST:
                    item.setToolTip(f"next due: {when(f.next_due)}" if f.enabled else "disabled: not fetched")
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        widths = {c: self.table.columnWidth(c) for c in range(1, len(self.COLS))}
        widths[1] = min(widths[1], 320)
        widths[self.PROBLEM] = min(widths[self.PROBLEM], 260)  # the problem in full is in its tooltip
        # short values and dates stay whole; the URL, category and problem give way (tooltips hold them)
        self.column_share.set_widths(widths, {c: w for c, w in widths.items() if c not in (1, 3, self.PROBLEM)})
        h = self.svc.feed_health()
        self.health.setText(f"{h['ok']} healthy · {h['failing']} failing · {h['never']} never fetched · "
                            f"{h['disabled']} disabled")

    def selected(self):
        r = self.table.currentRow()
        return self.feeds[r] if 0 <= r < len(self.feeds) else None

    def _chosen(self):
        """The selected feed, or None after saying to select one (a button must not do nothing silently)."""
        f = self.selected()
        if f is None:
            self.status_message.emit("Select a feed in the list first")
        return f

    @refuses_when_read_only
    def add(self) -> None:
        d = FeedDialog(self)
        while d.exec():  # refused (a typo in the address): the dialog opens again with what was typed
            if self._add_from(d):
                break
        self.reload()

    def add_later(self, values: dict) -> FeedDialog:
        """An Add feed dialog filled with ``values`` (a copy kept before a crash), window-modal
        and not blocking the caller; OK adds as ``add`` does."""
        d = FeedDialog(self)
        d.fill(values)

        def answered(result: int) -> None:
            if result and not self._add_from(d):
                d.open()  # refused: again, with what was typed
                return
            self.reload()
            d.deleteLater()

        d.finished.connect(answered)
        d.open()
        return d

    def _add_from(self, d: FeedDialog) -> bool:
        """Add the feed the dialog holds; False when refused (said in a message box)."""
        d.answering = True
        try:
            return self._add_feed(d)
        finally:
            d.answering = False

    def _add_feed(self, d: FeedDialog) -> bool:
        url = d.url.text().strip()
        known = {f.url: f for f in self.feeds}
        try:
            added = self.svc.add_feed(url, title=d.title_value(), kind=d.kind.currentText(),
                                      category=d.category.text(), weight=d.weight.value())
        except KnownError as exc:
            QMessageBox.warning(self, "Cannot add feed", str(exc))
            return False
        if added:
            self.status_message.emit(f"Added {len(added)} feed{'s' if len(added) != 1 else ''}: "
                                     + ", ".join(display_text(f.title or f.url) for f in added)[:200])
        elif url in known:
            f = known[url]
            self.status_message.emit(f"Not added: {display_text(f.title or f.url)[:120]} is already in your "
                                     "feeds (same address)")
        else:
            self.status_message.emit("No feed added: that address is already in your feeds")
        d.initial = d.values()  # added: nothing left to keep while it closes
        return True

    @refuses_when_read_only
    def edit(self, *_a) -> None:
        f = self._chosen()
        if f is None or self._refused():
            return
        d = FeedDialog(self, f)
        if d.exec():
            self._save_edit(f, d)

    def edit_later(self, feed, values: dict) -> FeedDialog:
        """An Edit feed dialog of ``feed`` filled with ``values`` (a copy kept before a crash),
        window-modal and not blocking the caller; OK saves as ``edit`` does."""
        d = FeedDialog(self, feed)
        d.fill(values)

        def answered(result: int) -> None:
            if result:
                self._save_edit(feed, d)
            d.deleteLater()

        d.finished.connect(answered)
        d.open()
        return d

    def _save_edit(self, f, d: FeedDialog) -> None:
        fields = {"url": d.url.text().strip(), "title": d.title_value(), "kind": d.kind.currentText(),
                  "category": d.category.text(), "weight": d.weight.value()}
        d.answering = True  # kept on a crash until the save ends
        try:
            if save_versioned(self, "Cannot save feed",
                              lambda v: self.svc.update_feed(f.id, expected_version=v, **fields), f.version):
                self.status_message.emit(f"feed {fields['title'] or fields['url']} saved")
                d.initial = d.values()  # saved: nothing left to keep
        finally:
            d.answering = False
        self.reload()

    def _refused(self) -> bool:
        """A team role that may not change feeds (double-click reaches edit with the buttons off)."""
        if self.refusal:
            self.status_message.emit(self.refusal[:1].upper() + self.refusal[1:])
        return bool(self.refusal)

    @refuses_when_read_only
    def remove(self) -> None:
        f = self._chosen()
        if f and not self._refused() and confirm_removal(self, "Remove feed", f"Remove {f.title or f.url}? Stored items stay."):
            save_versioned(self, "Cannot remove feed", lambda v: self.svc.remove_feed(f.id, expected_version=v),
                           f.version)
            self.reload()

    @refuses_when_read_only
    def toggle(self) -> None:
        f = self._chosen()
        if f and not self._refused():
            save_versioned(self, "Cannot change feed",
                           lambda v: self.svc.update_feed(f.id, enabled=int(not f.enabled), expected_version=v),
                           f.version)
            self.reload()

    @refuses_when_read_only
    def import_opml(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import OPML", "", "OPML (*.opml *.xml);;All files (*)")
        if not path:
            return
        try:
            added, updated, problems = self.svc.import_opml(path)
        except KnownError as exc:
            QMessageBox.warning(self, "Cannot import", str(exc))
            return
        msg = f"Imported {added} new feed{'s' if added != 1 else ''}, updated {updated}."
        if problems:
            msg += "\n\nProblems:\n" + "\n".join(f"• {p}" for p in problems[:20])
        (QMessageBox.warning if problems else QMessageBox.information)(self, "OPML import", msg)
        self.reload()

    def export_opml(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export OPML", "feeds.opml", "OPML (*.opml)")
        if path:
            try:
                self.svc.export_opml(path)
                self.status_message.emit(f"wrote {path}")
            except KnownError as exc:
                QMessageBox.warning(self, "Cannot export", str(exc))


class EntitiesView(QWidget):
    """The entity editor. Its writes (add, save, remove, crisis on/off) run in the task runner:
    adding an entity matches every stored item (10.7 s at 200,000 mentions), a query change
    re-matches them (67 s), a removal deletes its mentions (3.7 s). While one runs the form and
    its buttons are off, the status bar says what is being written and for how long, and the
    window's other pages stay usable; ``finished`` is emitted once it is done, refused or failed."""

    changed = Signal()
    status_message = Signal(str)
    finished = Signal()  # a write of this page ended (written, refused, failed, or "reload" after a conflict)
    read_only = False  # executive mode (MainWindow.set_read_only)

    def __init__(self, svc, runner, parent=None) -> None:
        super().__init__(parent)
        self.svc = svc
        self.runner = runner
        self.list = named(QListWidget(), "Entities")
        self.list.setMinimumWidth(160)  # names stay readable on a narrow window
        self.kind = QComboBox()
        self.kind.addItems(ENTITY_KINDS)
        self.name = QLineEdit()
        self.query = QLineEdit()
        self.query.setPlaceholderText('"Acme Corp" OR Acme -"Acme anvil"')
        self.query_error = QLabel()
        self.query_error.setStyleSheet("color: #C0392B")
        self.count = QLabel()
        self.aliases = QLineEdit(placeholderText="other names, comma separated")
        self.importance = QDoubleSpinBox(minimum=0.0, maximum=10.0, singleStep=0.1, value=1.0)
        self.title = QLineEdit(placeholderText="job title (executives)")
        form = QFormLayout()
        form.addRow("Kind", self.kind)
        form.addRow("Name", self.name)
        form.addRow("Query", self.query)
        form.addRow("", self.query_error)
        form.addRow("Matches", self.count)
        form.addRow("Aliases", self.aliases)
        form.addRow("Importance", self.importance)
        form.addRow("Title", self.title)
        buttons = button_row((("New", self.new), ("Save", self.save), ("Remove", self.remove)))
        save_key(self, buttons_of(buttons)["Save"])
        self.edit_buttons = list(buttons_of(buttons).values())
        # a team login whose role may not change entities: the form reads, its controls are off
        self.refusal = team_gate(svc, "configure", *buttons_of(buttons).values(), self.kind, self.name, self.query,
                                 self.aliases, self.importance, self.title)
        self.crisis_btn = QPushButton("Crisis mode")
        self.crisis_btn.setCheckable(True)
        self.crisis_btn.setToolTip("Refresh this entity's sources every 5 minutes, put its mentions first, draft "
                                   "the holding statement; switching off writes the crisis report")
        self.crisis_btn.clicked.connect(self.toggle_crisis)
        buttons.addWidget(self.crisis_btn)
        right = QVBoxLayout()
        syntax = QLabel("<b>Query syntax</b>: words, \"exact phrases\", OR, AND (or a space), "
                        "-exclude or NOT, parentheses. Case-insensitive, whole words.")
        syntax.setWordWrap(True)  # one line, it held the list at 70 px in a 960 px wide window
        right.addWidget(syntax)
        right.addLayout(form)
        right.addLayout(buttons)
        self.busy = QLabel()  # "Saving Acme… 12 s" while a write runs
        self.busy.setWordWrap(True)
        right.addWidget(self.busy)
        right.addStretch(1)
        self.writing = ""  # what the write running now does ("" = none)
        self.write_progress = ""  # how far it is, as its progress said
        self.write_task = None
        self._on_done = self._on_failed = None
        self._after_write = None  # what the user asked for while saving on the way (pick, New)
        self.write_started = 0.0
        self._held: dict = {}  # the controls a write turned off, with whether they were on before
        self.ticker = QTimer(self, interval=1000)
        self.ticker.timeout.connect(self._tick)
        lay = QHBoxLayout(self)
        lay.addWidget(self.list, 1)
        lay.addLayout(right, 2)
        self.debounce = QTimer(self, singleShot=True, interval=300)
        self.debounce.timeout.connect(self.count_matches)
        self.query.textChanged.connect(self.validate)
        self.name.textChanged.connect(lambda _t: self.query.text().strip() or self.validate())  # the name is the query
        self.aliases.textChanged.connect(self.validate)
        self.list.currentRowChanged.connect(self.pick)
        self.current_id: int | None = None
        self.current_version = 0  # the row version the form was filled from (a save is checked against it)
        self.shown_values: tuple = ()  # form_values() as the form was filled from current_id (dirty() compares)
        self.reload()
        if self.entities:
            self.list.setCurrentRow(0)

    def reload(self) -> None:
        self.entities = self.svc.entities()
        self.list.blockSignals(True)
        self.list.clear()
        for e in self.entities:
            it = QListWidgetItem(f"{e.name}  ·  {e.kind}")
            it.setData(Qt.ItemDataRole.UserRole, e.id)
            self.list.addItem(it)
        self.list.blockSignals(False)

    def form_values(self) -> tuple:
        return (self.kind.currentText(), self.name.text().strip(), self.query.text().strip(), self.alias_list(),
                round(self.importance.value(), 2), self.title.text().strip())

    def dirty(self) -> bool:
        """Does the form hold edits that are not saved? Compared with what the form was filled
        with, not with the database: someone else's save does not make an untouched form
        "unsaved" (a save of these edits then asks "reload / keep mine")."""
        if self.current_id is None:
            return bool(self.name.text().strip() or self.query.text().strip())
        return self.form_values() != self.shown_values

    def unsaved(self) -> str:
        """The form's unsaved edit, named ('' when there is none)."""
        return "" if self.read_only or not self.dirty() else self.name.text().strip() or "the new entity"

    # -- crash recovery (ui/recovery.py DraftKeeper) -----------------------------------------------
    def recovery_state(self) -> tuple[str, str, dict, dict] | None:
        """The form's unsaved edit, to be kept on disk."""
        if self.read_only or self.refusal:
            return None
        if not self.dirty():
            return None
        value = {"kind": self.kind.currentText(), "name": self.name.text(), "query": self.query.text(),
                 "aliases": self.alias_list(), "importance": round(self.importance.value(), 2),
                 "title": self.title.text()}
        key = "new" if self.current_id is None else str(self.current_id)
        return "entity", key, value, {"version": None if self.current_id is None else self.current_version}

    def recovered_outcome(self, rec) -> tuple[str, str]:
        """"ok", "same" (saved already) or "changed" (changed or removed since: not restored)."""
        if rec.row_id is None:
            return "ok", ""
        try:
            e = self.svc.entity(rec.row_id)
        except KnownError:
            return "changed", rec.gone(f"Entity #{rec.key}")
        v = rec.value
        if (e.kind, e.name, e.query, list(e.aliases), round(e.importance, 2), e.title or "") == (
                v["kind"], v["name"].strip(), v["query"].strip(), v["aliases"], round(float(v["importance"]), 2),
                v["title"].strip()):
            return "same", ""
        if e.version != rec.base["version"]:
            return "changed", rec.changed(f"The entity {e.name}", f" (by {e.changed_by or 'someone'})",
                                          into="put into the form")
        return "ok", ""

    def restore_recovered(self, rec) -> tuple[str, str]:
        """Put a recovered entity form back (not saved)."""
        self.reload()
        if rec.row_id is None:
            self.clear_form()
        else:
            self.show_entity(self.svc.entity(rec.row_id))
        v = rec.value
        if v["kind"] in ENTITY_KINDS:
            self.kind.setCurrentText(v["kind"])
        self.name.setText(v["name"])
        self.query.setText(v["query"])
        self.aliases.setText(", ".join(v["aliases"]))
        self.importance.setValue(float(v["importance"]))
        self.title.setText(v["title"])
        return "restored", f"Restored {rec.describe()} (from {rec.when()}); it is not saved yet"

    def keep_edits(self, then=None) -> bool:
        """Before the form changes to something else: ask about unsaved edits. True = stay. A
        save answered here runs in the background: ``then()`` (the change asked for) follows once
        it is written; a refused save stays on the edit."""
        if not (name := self.unsaved()):
            return False
        before = self.current_id, len(self.entities)
        stay = stay_for_unsaved(self, "Unsaved changes", f"Save your changes to {name} first?", self.save,
                                lambda: self.writing or (self.dirty() and (self.current_id, len(self.entities)) == before))
        if stay and self.writing and then is not None:
            self._after_write = then
        return bool(stay)

    def pick(self, row: int) -> None:
        if not 0 <= row < len(self.entities):
            return
        shown = next((i for i, x in enumerate(self.entities) if x.id == self.current_id), None)
        target = self.entities[row].id
        if row != shown and self.keep_edits(then=lambda: self._show_id(target)):
            hold_row(self.list, shown)
            return
        row = next((i for i, x in enumerate(self.entities) if x.id == target), row)  # a save may reorder
        self.show_entity(self.entities[row])

    def show_entity(self, e) -> None:
        """Fill the form with ``e`` as stored (its row version is what a save is checked against)."""
        row = next((i for i, x in enumerate(self.entities) if x.id == e.id), -1)
        self.list.blockSignals(True)
        self.list.setCurrentRow(row)
        self.list.blockSignals(False)
        self.current_id, self.current_version = e.id, e.version
        self.kind.setCurrentText(e.kind)
        self.name.setText(e.name)
        self.query.setText(e.query)
        self.aliases.setText(", ".join(e.aliases))
        self.importance.setValue(e.importance)
        self.title.setText(e.title)
        self.shown_values = self.form_values()
        crisis = self.svc.in_crisis(e.id)
        self.crisis_btn.setChecked(crisis)
        self.crisis_btn.setText("Crisis mode: ON" if crisis else "Crisis mode")
        refusal = self.svc.team_refusal("crisis")  # a team role without it: the button is off and says why
        self.crisis_btn.setEnabled(not refusal)
        if refusal:
            self.crisis_btn.setToolTip(refusal[:1].upper() + refusal[1:])

    def _show_id(self, entity_id: int) -> None:
        e = next((x for x in self.entities if x.id == entity_id), None)
        if e is not None:
            self.show_entity(e)

    def new(self) -> None:
        if not self.keep_edits(then=self.clear_form):
            self.clear_form()

    def clear_form(self) -> None:
        self.current_id = None
        self.list.clearSelection()
        for w in (self.name, self.query, self.aliases, self.title):
            w.clear()
        self.name.setFocus()

    def alias_list(self) -> list[str]:
        return split_aliases(self.aliases.text())

    def validate(self) -> None:
        from orm_desktop.errors import QueryError
        from orm_desktop.ingest.query import EntityQuery

        text = self.effective_query()
        if not text:  # no query and no name yet: nothing to check or count
            self.query_error.setText("")
            self.query.setStyleSheet("")
            self.count.setText("—")
            self.debounce.stop()
            return
        try:
            EntityQuery.parse(text, self.alias_list())
        except QueryError as exc:
            self.query_error.setText(str(exc))
            self.query.setStyleSheet("border: 1px solid #C0392B")
            self.count.setText("—")
            self.debounce.stop()
            return
        self.query_error.setText("")
        self.query.setStyleSheet("")
        self.count.setText("counting…")
        self.debounce.start()

    def effective_query(self) -> str:
        """The query a save stores: the one typed, else the quoted name ('' with neither)."""
        name = self.name.text().strip()
        return self.query.text().strip() or (f'"{name}"' if name else "")

    def count_matches(self) -> None:
        query, aliases = self.effective_query(), self.alias_list()
        self._counting = query
        # bound methods, not lambdas: Qt drops the connection if this view is gone by then
        self.runner.start(lambda progress, cancel: (query, self.svc.count_matching_items(query, aliases)),
                          on_success=self._count_done, on_failure=self._count_failed)

    def _count_done(self, result) -> None:
        query, n = result
        if query == self.effective_query():
            self.count.setText(f"{n:,} stored items match")

    def _count_failed(self, message: str, _known: bool) -> None:
        self.count.setText(message.strip().splitlines()[-1][:120])

    # -- writes, in the task runner -----------------------------------------------------------
    def _start_write(self, what: str, work, on_done, on_failed=None) -> bool:
        """Run ``work(progress)`` (a write through the service, on the worker's own connection: its
        transaction decides, all or nothing; ``progress`` a callback for the service's long
        loops, None without a worker pool) off the GUI thread; ``on_done(result)`` on the GUI
        thread afterwards. One write at a time: another while one runs is refused with a message
        (a second Save must not add the entity twice). False when refused."""
        if self._still_writing():
            return False
        if self.runner is None:  # no worker pool (a bare page): written here
            try:
                result = work(None)
            except KnownError as exc:
                self._on_failed = on_failed
                self._write_failed(str(exc), True, hold=False)
                return False
            on_done(result)
            self.finished.emit()
            return True
        self.writing = what
        self.write_started = time.monotonic()
        self._held = {w: w.isEnabled() for w in (self.list, self.kind, self.name, self.query, self.aliases,
                                                 self.importance, self.title, self.crisis_btn, *self.edit_buttons)}
        for w in self._held:
            w.setEnabled(False)
        self.busy.setText(f"{what}…")
        self.status_message.emit(f"{what}…")
        self.ticker.start()

        def run(progress, _cancel):  # not cancellable: a write half-way is never left behind
            try:
                return "ok", work(progress)
            except Conflict as exc:  # someone else saved it since: asked about on the GUI thread
                return "conflict", exc

        self._on_done, self._on_failed = on_done, on_failed
        self.write_progress = ""
        self.write_task = self.runner.start(run, on_success=self._write_done, on_failure=self._write_failed,
                                            on_finished=self._write_finished, on_progress=self._write_progressed)
        return True

    def _still_writing(self) -> bool:
        """Whether a write runs (then the status bar says so: one write at a time)."""
        if self.writing:
            self.status_message.emit(f"Still {self.writing[:1].lower()}{self.writing[1:]}; wait for it to finish")
        return bool(self.writing)

    def write_task_done(self) -> bool:
        return self.write_task is None or self.write_task.key not in self.runner.running

    def _write_progressed(self, _done: int, _total: int, message: str) -> None:
        """How far the write is ("80,000 of 200,000 stored items read"), said at once."""
        self.write_progress = message
        self._tick()

    def _tick(self) -> None:
        if self.writing:
            text = f"{self.writing}… {time.monotonic() - self.write_started:.0f} s"
            if self.write_progress:
                text += f" ({self.write_progress})"
            self.busy.setText(text)
            self.status_message.emit(text)

    def _release(self) -> None:
        """The write ended: the controls as they were (a team role's refusal stays off)."""
        self.ticker.stop()
        self.busy.setText("")
        self.writing = ""
        for w, was in self._held.items():
            w.setEnabled(was)
        self._held = {}

    # ``finished`` is emitted here, after the outcome was shown: a dialog on the way (reload / keep
    # mine, a refusal) runs a nested event loop in which the task's own ``finished`` arrives
    def _write_done(self, result) -> None:
        on_done = self._on_done
        if isinstance(result, tuple) and result[0] == "conflict":
            self._after_write = None  # reload / keep mine: the form stays on this entity
        self._release()
        on_done(result)
        if not self.writing:  # not when "Keep mine" started the write again
            self.finished.emit()

    def _write_failed(self, message: str, known: bool, hold: bool = True) -> None:
        """A refusal (a name taken, a query that does not parse, the database locked): one line
        in a message box, and the form keeps what was typed."""
        self._after_write = None  # the edit is still unsaved: the form stays on it
        if hold:
            self._release()
        QMessageBox.warning(self, "Cannot save", message if known else message[-3000:])
        if self._on_failed is not None:
            self._on_failed()
        self.finished.emit()

    def _write_finished(self) -> None:
        if self.writing and self.write_task_done():  # neither outcome was passed on: never stay locked
            self._release()
            self.finished.emit()

    @refuses_when_read_only
    def save(self) -> None:
        if self._still_writing():
            return
        svc = self.svc
        if self.current_id is None:
            kind, name, query = self.kind.currentText(), self.name.text(), self.query.text() or None
            args = {"aliases": self.alias_list(), "importance": self.importance.value(), "title": self.title.text()}
            self._start_write(f"Adding {kind} {' '.join(name.split())[:80]} and matching its stored items",
                              lambda progress: svc.add_entity(kind, name, query, progress=progress, **args),
                              self._added)
            return
        eid = self.current_id
        fields = {"kind": self.kind.currentText(), "name": self.name.text().strip(),
                  "query": self.query.text(), "aliases": self.alias_list(),
                  "importance": self.importance.value(), "title": self.title.text()}
        self._save_fields(eid, fields, self.current_version)

    def _save_fields(self, eid: int, fields: dict, version: int) -> None:
        svc = self.svc
        self._start_write(f"Saving entity {' '.join(fields['name'].split())[:80]}",
                          lambda progress: svc.update_entity(eid, expected_version=version, progress=progress, **fields),
                          lambda result: self._updated(eid, fields, result))

    def _added(self, result) -> None:
        _ok, e = result
        self.status_message.emit(f"added {e.kind} {e.name}; matched its stored items")
        self._show_saved(e)

    def _updated(self, eid: int, fields: dict, result) -> None:
        outcome, e = result
        if outcome == "conflict":
            exc = e
            if keep_mine_after_conflict(self, exc):
                self._save_fields(eid, fields, exc.current)  # mine, on their version
                return
            self.reload()
            if exc.current:
                self.show_entity(self.svc.entity(eid))  # theirs, in the form
            else:
                self.clear_form()  # removed meanwhile
            self.status_message.emit(f"reloaded: entity {eid} was changed by {exc.who}")
            self.changed.emit()
            return
        self.status_message.emit("entity saved")
        self._show_saved(e)

    def _show_saved(self, e) -> None:
        self.reload()
        self.show_entity(e)  # the form now edits the saved entity (a new one was left on "new": saving again added it twice)
        then, self._after_write = self._after_write, None
        if then is not None:  # saved on the way to another entity (or a new one): go there now
            then()
        self.changed.emit()

    @refuses_when_read_only
    def toggle_crisis(self) -> None:
        on = self.crisis_btn.isChecked()
        if self._still_writing():
            self.crisis_btn.setChecked(not on)
            return
        if self.current_id is None:
            self.crisis_btn.setChecked(False)
            self.status_message.emit("Select an entity in the list first")  # a button must not do nothing silently
            return
        e = self.svc.entity(self.current_id)
        user = self.svc.setting("current_user") or "alex"
        from orm_desktop.ui.identity import ensure_unlocked

        if not ensure_unlocked(self, self.svc, user):  # crisis mode is switched in a user's name
            self.crisis_btn.setChecked(not on)
            return
        svc, name = self.svc, e.name
        as_stored = lambda: self.pick(self.list.currentRow())  # noqa: E731 - a refusal: the button as stored
        if on:
            self._start_write(f"{name}: switching crisis mode on", lambda _progress: svc.crisis_on(name, by=user),
                              lambda r: self._crisis_switched(name, True, r[1]), as_stored)
        else:
            self._start_write(f"{name}: switching crisis mode off and writing the crisis report",
                              lambda _progress: svc.crisis_off(name, by=user), lambda r: self._crisis_switched(name, False, r[1]),
                              as_stored)

    def _crisis_switched(self, name: str, on: bool, result) -> None:
        if on:
            self.status_message.emit(f"{name}: crisis mode on" + (
                f"; holding statement drafted (response #{result})" if result else ""))
        else:
            self.status_message.emit(f"{name}: crisis mode off; crisis report written to {result}")
        self.pick(self.list.currentRow())
        self.changed.emit()

    @refuses_when_read_only
    def remove(self) -> None:
        if self._still_writing():
            return
        if self.current_id is None:
            self.status_message.emit("Select an entity in the list first")
            return
        e = self.svc.entity(self.current_id)
        if confirm_removal(self, "Remove entity", f"Remove {e.name} and its mentions?"):
            self._remove(e, self.current_version)

    def _remove(self, e, version: int) -> None:
        svc = self.svc
        self._start_write(f"Removing {' '.join(e.name.split())[:80]} and its mentions",
                          lambda _progress: svc.remove_entity(e.id, expected_version=version),
                          lambda result: self._removed(e, result))

    def _removed(self, e, result) -> None:
        outcome, exc = result
        if outcome == "conflict":
            if keep_mine_after_conflict(self, exc):
                self._remove(e, exc.current)  # mine, on their version
                return
            self.status_message.emit(f"reloaded: {exc.what} {exc.row_id} was changed by {exc.who}")
        else:
            self.status_message.emit(f"removed {e.name}")
        self.reload()
        now = next((x for x in self.entities if x.id == e.id), None)
        if outcome == "ok" or now is None:
            self.clear_form()
        else:
            self.show_entity(now)  # as it is now
        self.changed.emit()


class DisplayNamesEditor(QWidget):
    """A user's display name (what lists and the Responses page show), saved on the row version
    it was read at: someone else's change since asks "reload / keep mine"."""

    status_message = Signal(str)
    read_only = False  # the Settings page is hidden in executive mode

    def __init__(self, svc, parent=None) -> None:
        super().__init__(parent)
        self.svc = svc
        self.user = named(QComboBox(), "User")
        self.name = named(QLineEdit(placeholderText="the name shown for this user"), "Display name")
        self.save_btn = QPushButton("Save name")
        self.save_btn.clicked.connect(self.save)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.user)
        row.addWidget(self.name, 1)
        row.addWidget(self.save_btn)
        self.user.currentIndexChanged.connect(self.pick)
        self.reload()
        team_gate(svc, "users", self.name, self.save_btn)  # admins, on a team workspace
        if not self.users:  # a workspace without users (they come with the workflow: `users add`)
            for w in (self.user, self.name, self.save_btn):
                w.setEnabled(False)

    def reload(self, select: str | None = None) -> None:
        select = select or self.user.currentData()
        self.users = {u.name: u for u in self.svc.users()}
        self.user.blockSignals(True)
        self.user.clear()
        for name in self.users:
            self.user.addItem(name, name)
        self.user.setCurrentIndex(max(self.user.findData(select), 0))
        self.user.blockSignals(False)
        self.pick()

    def pick(self, *_a) -> None:
        u = self.users.get(self.user.currentData())
        self.name.setText(u.display_name if u else "")
        self.version = u.version if u else 0
        self.shown = self.name.text()  # what the field was filled with: a different text is unsaved

    def unsaved(self) -> dict | None:
        """The display name typed and not saved ({"user", "text"}), or None."""
        name = self.user.currentData()
        if not name or not self.save_btn.isEnabled() or self.name.text() == self.shown:
            return None
        return {"user": name, "text": self.name.text()}

    @refuses_when_read_only
    def save(self) -> None:
        name, text = self.user.currentData(), self.name.text()
        if not name:
            return
        if save_versioned(self, "Display name",
                          lambda v: self.svc.set_display_name(name, text, expected_version=v), self.version):
            self.status_message.emit(f"{name} is shown as {' '.join(text.split())}")
            self.reload(name)
            return
        stored = next((u for u in self.svc.users() if u.name == name), None)
        if stored is not None and stored.version != self.version:
            self.reload(name)  # Reload: their name in the field (a refusal keeps what was typed)


class SettingsView(QWidget):
    status_message = Signal(str)
    saved = Signal()
    read_only = False  # executive mode (MainWindow.set_read_only)

    def __init__(self, svc, parent=None, runner=None) -> None:
        super().__init__(parent)
        self.svc = svc
        self.runner = runner
        s = svc.settings()
        form = QFormLayout(self)
        self.engine = QComboBox()
        self.engine.addItems(svc.engines())
        self.engine.setCurrentText(s.get("sentiment_engine") or "orm")
        self.rescore_btn = QPushButton("Rescore all mentions with this engine")
        self.rescore_btn.clicked.connect(self.rescore)
        self.rescore_status = QLabel()
        self.brand = QLineEdit(s.get("brand_name", ""))
        self.color = QLineEdit(s.get("brand_color", ""))
        self.contact = QLineEdit(s.get("contact", ""))
        self.status_page = QLineEdit(s.get("status_page", ""), placeholderText="https://status.example.com")
        from orm_desktop.ui.key_messages import KeyMessagesEditor

        self.key_messages = KeyMessagesEditor(svc, user=s.get("current_user") or "")
        self.key_messages.status_message.connect(self.status_message)
        # as tall as its content: on a tall window the form gave it the spare height, blank bands
        # above and below its list and buttons
        self.key_messages.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.refresh = QSpinBox(minimum=0, maximum=1440, value=int(s.get("refresh_minutes", 30)))
        self.refresh.setSuffix(" minutes (0 = never)")
        # checked = the rule is on: a second person approves (the setting stores the opposite)
        self.four_eyes = QCheckBox("a draft needs a second person's approval (nobody approves their own)")
        self.four_eyes.setChecked(not s.get("allow_self_approval"))
        self.four_eyes_enforced = enforced = svc.team_enforced_setting("allow_self_approval")
        if enforced:  # a team workspace: the database enforces the rule, the box only says so
            self.four_eyes.setChecked(True)
            self.four_eyes.setEnabled(False)
            self.four_eyes.setToolTip(enforced)
            self.four_eyes.setText("a draft needs a second person's approval (enforced by the team database)")
        self.sla = {}
        for lvl, hours in s.get("sla_hours", {}).items():
            sb = QSpinBox(minimum=1, maximum=720, value=int(hours))
            sb.setSuffix(" hours")
            self.sla[lvl] = sb
        form.addRow("Brand name", self.brand)
        form.addRow("Brand colour", self.color)
        form.addRow("Contact for replies", self.contact)
        form.addRow("Status page ({status_page})", self.status_page)
        form.addRow("Key messages", self.key_messages)
        form.addRow("Refresh feeds every", self.refresh)
        for lvl, sb in self.sla.items():
            form.addRow(f"Respond to {lvl} within", sb)
        form.addRow("Four-eyes rule", self.four_eyes)
        form.addRow("Sentiment engine", self.engine)
        form.addRow("", self.rescore_btn)
        form.addRow("", self.rescore_status)
        form.addRow(QLabel(f"Workspace: {svc.ws.root}"))
        self.display_names = DisplayNamesEditor(svc)
        self.display_names.status_message.connect(self.status_message)
        form.addRow("Display names", self.display_names)
        save = QPushButton("Save settings")
        save.clicked.connect(self.save)
        form.addRow(save)
        self.save_btn = save
        save_key(self, save)
        # a team login whose role may not change settings: the form reads, its controls are off
        # (the four-eyes box stays as the team rule set it; key messages and names have their own gates)
        team_gate(svc, "configure", self.brand, self.color, self.contact, self.status_page, self.refresh,
                  *self.sla.values(), self.engine, self.rescore_btn, save)
        self.remember_loaded()
        self.rescore_status.setWordWrap(True)
        left, engine = self.rescore_left()
        if left:  # the engine it was rescoring with: one click on the button finishes it
            self.engine.setCurrentText(engine)
            self.rescore_status.setText(left)

    def rescore_left(self) -> tuple[str, str]:
        return rescore_left(self.svc)

    KEYS = ("brand_name", "brand_color", "contact", "status_page", "refresh_minutes", "allow_self_approval",
            "sla_hours")

    def form_values(self) -> dict:
        """The settings as the form shows them (validated like `orm-desktop settings set`)."""
        return {"brand_name": self.svc.parse_setting("brand_name", self.brand.text()),
                "brand_color": self.svc.parse_setting("brand_color", self.color.text()),
                "contact": self.svc.parse_setting("contact", self.contact.text()),
                "status_page": self.svc.parse_setting("status_page", self.status_page.text()),
                "refresh_minutes": self.refresh.value(),
                "allow_self_approval": not self.four_eyes.isChecked(),
                "sla_hours": {k: v.value() for k, v in self.sla.items()}}

    def remember_loaded(self) -> None:
        """What the form was loaded with and the settings' row versions then: a save writes only
        what this form changed, on those versions (someone else's change is never overwritten)."""
        s = self.svc.settings()
        self.loaded = {k: s.get(k) for k in self.KEYS}
        self.versions = {k: self.svc.setting_version(k) for k in self.KEYS}
        self.shown_raw = self.raw_values()  # as the form shows them now: a different form is unsaved

    def raw_values(self) -> dict:
        """The fields as typed, not parsed (a half-typed address is an edit too), for crash recovery."""
        return {"brand_name": self.brand.text(), "brand_color": self.color.text(), "contact": self.contact.text(),
                "status_page": self.status_page.text(), "refresh_minutes": self.refresh.value(),
                "allow_self_approval": not self.four_eyes.isChecked(),
                "sla_hours": {k: v.value() for k, v in self.sla.items()}}

    def _stored_raw(self) -> dict:
        """The stored settings as load() would show them."""
        s = self.svc.settings()
        return {"brand_name": s.get("brand_name", ""), "brand_color": s.get("brand_color", ""),
                "contact": s.get("contact", ""), "status_page": s.get("status_page", ""),
                "refresh_minutes": int(s.get("refresh_minutes", 30)),
                "allow_self_approval": not (bool(self.four_eyes_enforced) or not s.get("allow_self_approval")),
                "sla_hours": {k: int(s.get("sla_hours", {}).get(k, v.value())) for k, v in self.sla.items()}}

    # -- crash recovery (ui/recovery.py DraftKeeper) -----------------------------------------------
    def recovery_state(self) -> tuple[str, str, dict, dict] | None:
        """The fields typed and not saved (and a display name typed), to be kept on disk. Nothing
        here is a secret: the SMTP password and webhooks live in the Deliveries dialog."""
        fields = self.raw_values() if self.save_btn.isEnabled() and not self.read_only else self.shown_raw
        name = self.display_names.unsaved()
        if fields == self.shown_raw and name is None:
            return None
        dn = self.display_names
        base_name = None if name is None else {"user": name["user"], "text": dn.shown, "version": dn.version}
        return ("settings", "settings", {"fields": fields, "display_name": name},
                {"fields": self.shown_raw, "versions": dict(self.versions), "display_name": base_name})

    @staticmethod
    def _edited(rec) -> list[str]:
        fields, was = rec.value["fields"], rec.base["fields"]
        return [k for k in SettingsView.KEYS if k in fields and fields[k] != was.get(k)]

    def recovered_outcome(self, rec) -> tuple[str, str]:
        """"ok", "same" (stored says it already) or "changed" (a field it changes, or the display
        name, was saved by someone else since: nothing is put back)."""
        edited, name = self._edited(rec), rec.value["display_name"]
        stored = self._stored_raw()
        user = None
        if name is not None:
            user = next((u for u in self.svc.users() if u.name == name.get("user")), None)
            if user is None:
                return "changed", rec.gone(f"The user {' '.join(str(name.get('user'))[:60].split())}")
        if all(stored.get(k) == rec.value["fields"][k] for k in edited) and (
                user is None or user.display_name == name.get("text")):
            return "same", ""
        versions = rec.base["versions"]
        moved = [SETTINGS_FIELDS[k] for k in edited if self.svc.setting_version(k) != versions.get(k)]
        if user is not None and user.version != (rec.base["display_name"] or {}).get("version"):
            moved.append(f"{user.name}'s display name")
        if moved:
            return "changed", rec.changed(f"Settings › {', '.join(moved)}")
        return "ok", ""

    def restore_recovered(self, rec) -> tuple[str, str]:
        """Put the recovered fields back into the form (not saved): the stored settings, with the
        fields the copy changed as they were typed."""
        fields, name = rec.value["fields"], rec.value["display_name"]
        edited = self._edited(rec)
        texts = ("brand_name", "brand_color", "contact", "status_page")
        def count(v: object) -> bool:  # what a spin box takes (a larger int overflows Qt's)
            return isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 100_000

        ok = all(isinstance(fields[k], str) for k in edited if k in texts) and all(
            count(fields[k]) for k in edited if k == "refresh_minutes") and (
            "sla_hours" not in edited or (isinstance(fields["sla_hours"], dict) and all(
                count(v) for v in fields["sla_hours"].values()))) and (
            "allow_self_approval" not in edited or isinstance(fields["allow_self_approval"], bool)) and (
            name is None or (isinstance(name.get("user"), str) and isinstance(name.get("text"), str)))
        if not ok:
            raise ValueError("the kept settings do not fit the form")
        if (edited and not self.save_btn.isEnabled()) or (name is not None and not self.display_names.save_btn.isEnabled()):
            return "changed", (f"{rec.describe()[:1].upper()}{rec.describe()[1:]} (kept at {rec.when()}) was not put "
                               "back: this login may not change them.")
        self.load()
        widgets = {"brand_name": self.brand, "brand_color": self.color, "contact": self.contact,
                   "status_page": self.status_page}
        for k in edited:
            if k in widgets:
                widgets[k].setText(fields[k])
            elif k == "refresh_minutes":
                self.refresh.setValue(fields[k])
            elif k == "allow_self_approval" and not self.four_eyes_enforced:
                self.four_eyes.setChecked(not fields[k])
            elif k == "sla_hours":
                for lvl, hours in fields[k].items():
                    if lvl in self.sla:
                        self.sla[lvl].setValue(hours)
        if name is not None:
            dn = self.display_names
            dn.reload(name["user"])
            if dn.user.currentData() == name["user"]:
                dn.name.setText(name["text"])
        return "restored", f"Restored {rec.describe()} (from {rec.when()}); they are not saved yet"

    def load(self) -> None:
        """Show the stored settings (after someone else changed them)."""
        s = self.svc.settings()
        self.brand.setText(s.get("brand_name", ""))
        self.color.setText(s.get("brand_color", ""))
        self.contact.setText(s.get("contact", ""))
        self.status_page.setText(s.get("status_page", ""))
        self.refresh.setValue(int(s.get("refresh_minutes", 30)))
        self.four_eyes.setChecked(bool(self.four_eyes_enforced) or not s.get("allow_self_approval"))
        for lvl, hours in s.get("sla_hours", {}).items():
            if lvl in self.sla:
                self.sla[lvl].setValue(int(hours))
        self.remember_loaded()

    def live_update(self) -> None:
        """Someone saved settings: show them, unless this form has unsaved edits (then saving
        asks "reload / keep mine")."""
        try:
            unedited = self.form_values() == self.loaded
        except KnownError:
            unedited = False
        if unedited:
            self.load()

    @refuses_when_read_only
    def save(self) -> None:
        from orm_desktop.errors import Conflict
        from orm_desktop.ui.widgets import keep_mine_after_conflict

        try:
            values = self.form_values()
        except KnownError as exc:
            QMessageBox.warning(self, "Settings", str(exc))
            return
        if not hasattr(self, "loaded"):
            self.remember_loaded()
        changed = {k: v for k, v in values.items() if v != self.loaded.get(k)}
        if not changed:
            self.status_message.emit("settings saved (nothing changed)")
            return
        try:
            try:
                self.svc.set_settings(changed, expected={k: self.versions[k] for k in changed})
            except Conflict as exc:
                if not keep_mine_after_conflict(self, exc):
                    self.load()
                    self.status_message.emit(f"reloaded: {exc.what} {exc.row_id} was changed by {exc.who}")
                    return
                self.svc.set_settings(changed)  # mine, on top of theirs: only what this form changed
        except KnownError as exc:
            QMessageBox.warning(self, "Settings", str(exc))
            return
        self.remember_loaded()
        self.status_message.emit("settings saved")
        self.saved.emit()

    @refuses_when_read_only
    def rescore(self) -> None:
        """Rescoring runs in the background with progress; human overrides stay."""
        if self.runner is None:
            return
        engine, svc = self.engine.currentText(), self.svc
        self.rescore_btn.setEnabled(False)
        self.rescore_task = self.runner.start(lambda progress, cancel: svc.rescore(engine, progress=progress,
                                                                                cancel=cancel),
                                              on_success=self._rescored, on_progress=self._rescore_progress,
                                              on_failure=self._rescore_failed)

    def _rescore_progress(self, done: int, total: int, msg: str) -> None:
        self.rescore_status.setText(msg)

    def _rescored(self, n: int) -> None:
        self.rescore_btn.setEnabled(True)
        self.rescore_status.setText(f"rescored {n:,} mentions with {self.engine.currentText()}")
        self.status_message.emit(self.rescore_status.text())

    def _rescore_failed(self, message: str, _known: bool) -> None:
        self.rescore_btn.setEnabled(True)
        self.rescore_status.setText(message.strip().splitlines()[-1][:200])


def rescore_left(svc) -> tuple[str, str]:
    """('', '') or one line saying a rescore was cut short (a kill, a crash, a cancel), so the
    mentions are scored by two engines until it is run again, and that engine. (Also read by the
    main window at start, in its task runner: the Settings page is not built then.)"""
    at = svc.rescore_interrupted_at()
    if not at:
        return "", ""
    done, total, engine = at
    return (f"A rescore with {engine} was cut short: {total - done:,} of {total:,} mentions are still scored by "
            f"the previous engine. Settings › “Rescore all mentions with this engine” finishes it."), engine
