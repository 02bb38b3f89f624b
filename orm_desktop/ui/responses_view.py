"""Responses: queues, the draft editor with template picker, placeholder and banned-phrase
highlighting, key-message sidebar, checks, the audit trail with diffs, and workflow buttons."""

from __future__ import annotations

import dataclasses
import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from orm_desktop import dates
from orm_desktop.errors import Conflict, KnownError
from orm_desktop.numbers import signed
from orm_desktop.textsafe import author_text, display_text
from orm_desktop.types import last_days
from orm_desktop.ui.identity import ensure_unlocked
from orm_desktop.ui.widgets import (
    FlowLayout,
    GuardedDialog,
    SplitShares,
    ask_text,
    button_row,
    buttons_of,
    confirm_removal,
    fit_to_screen,
    keep_mine_after_conflict,
    named,
    names_combo,
    refuses_when_read_only,
    save_key,
    stay_for_unsaved,
    team_gate,
)

QUEUES = (("Mine to write", "mine"), ("Awaiting my approval", "review"), ("Approved, to send", "approved"),
          ("Overdue mentions", "overdue"), ("Sent", "sent"), ("All open", "open"))


class DraftHighlighter(QSyntaxHighlighter):
    """Unfilled placeholders (⟦name⟧, {name}) in amber, banned phrases in red."""

    def __init__(self, doc, banned: list[str]) -> None:
        super().__init__(doc)
        import re

        self.placeholder = re.compile(r"⟦[a-z_]+⟧|\{[a-z_]+\}")
        self.banned = [re.compile(r"(?<!\w)" + re.escape(b) + r"(?!\w)", re.IGNORECASE) for b in banned]
        self.fmt_missing = QTextCharFormat()
        self.fmt_missing.setBackground(QColor("#FFE58F"))
        self.fmt_missing.setForeground(QColor("#000000"))
        self.fmt_banned = QTextCharFormat()
        self.fmt_banned.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        self.fmt_banned.setUnderlineColor(QColor("#C0392B"))
        self.fmt_banned.setForeground(QColor("#C0392B"))

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt API
        for m in self.placeholder.finditer(text):
            self.setFormat(m.start(), m.end() - m.start(), self.fmt_missing)
        for pat in self.banned:
            for m in pat.finditer(text):
                self.setFormat(m.start(), m.end() - m.start(), self.fmt_banned)


class DraftDialog(QDialog):
    """Pick one of the ranked templates for a mention; preview the filled text."""

    def __init__(self, suggestions, parent=None, banned: list[str] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Draft a response")
        self.resize(760, 480)
        self.suggestions = suggestions
        lay = QHBoxLayout(self)
        self.list = named(QListWidget(), "Templates, the best fit first")
        for s in suggestions:
            it = QListWidgetItem(f"{s.template.title}  ({s.score:.1f})")
            it.setToolTip(f"{s.template.id} · {s.template.channel} · {s.template.tone}")
            self.list.addItem(it)
        self.preview = named(QPlainTextEdit(readOnly=True), "Preview")
        self.highlighter = DraftHighlighter(self.preview.document(), banned or [])
        right = QVBoxLayout()
        right.addWidget(QLabel("Preview: <span style='background:#FFE58F;color:#000'>unfilled placeholders</span> "
                               "are highlighted, <span style='color:#C0392B'>banned phrases</span> underlined"))
        right.addWidget(self.preview, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create draft")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        right.addWidget(buttons)
        lay.addWidget(self.list, 1)
        lay.addLayout(right, 2)
        self.list.currentRowChanged.connect(lambda r: self.preview.setPlainText(suggestions[r].text if r >= 0 else ""))
        if suggestions:
            self.list.setCurrentRow(0)

    def chosen(self):
        r = self.list.currentRow()
        return self.suggestions[r] if r >= 0 else None


class TemplatesDialog(QDialog):
    """Browse templates; shipped ones are read-only, workspace ones are edited as TOML."""

    def __init__(self, svc, user: str, parent=None) -> None:
        super().__init__(parent)
        self.svc = svc
        self.user = user or "local"
        self.setWindowTitle("Response templates")
        fit_to_screen(self, 980, 620)
        self.list = named(QListWidget(), "Templates")
        self.editor = named(QPlainTextEdit(), "Template (TOML)", tab_leaves=True)  # TOML needs no tab character
        self.info = QLabel()
        self.info.setWordWrap(True)
        buttons = button_row((("Duplicate as new…", self.duplicate), ("Save", self.save), ("Delete", self.delete)))
        # a team login whose role may not change templates: reading them only, saying who may
        self.refusal = team_gate(svc, "configure", *buttons_of(buttons).values())
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        for b in buttons_of(buttons).values():  # Enter closes (it made a copy of the template: the first button)
            b.setAutoDefault(False)
        close.setDefault(True)
        right = QVBoxLayout()
        right.addWidget(self.info)
        right.addWidget(self.editor, 1)
        right.addLayout(buttons)
        lay = QHBoxLayout(self)
        lay.addWidget(self.list, 1)
        lay.addLayout(right, 3)
        self.shown: tuple[int, str] | None = None  # (row, TOML) the editor was filled with
        self.list.currentRowChanged.connect(self.pick)
        self.reload()

    def dirty(self) -> bool:
        """Does the editor hold an edit of a workspace template that is not saved?"""
        return (self.shown is not None and not self.editor.isReadOnly()
                and self.editor.toPlainText() != self.shown[1])

    def keep_edits(self) -> bool:
        """Before the editor shows something else or the dialog closes: ask about an unsaved
        edit. True = stay."""
        if not self.dirty():
            return False
        t = self.templates[self.shown[0]]
        return stay_for_unsaved(self, "Unsaved template", f"Save your changes to {t.title} first?", self.save,
                                self.dirty)

    def pick(self, row: int) -> None:
        if self.shown is not None and row != self.shown[0] and self.keep_edits():
            self.list.blockSignals(True)
            self.list.setCurrentRow(self.shown[0])
            self.list.blockSignals(False)
            return
        self.show_template(row)

    def done(self, result: int) -> None:  # Close, Esc and the window's close button
        if self.keep_edits():
            return
        super().done(result)

    def reload(self, select: str | None = None) -> None:
        self.templates = sorted(self.svc.templates().values(), key=lambda t: (t.shipped, t.title))
        self.versions = self.svc.template_versions()  # what this dialog read: saves are checked against it
        self.shown = None  # the editor is refilled with what is stored (after a save, or "reload")
        self.list.blockSignals(True)
        self.list.clear()
        for t in self.templates:
            self.list.addItem(f"{t.title}{'' if not t.shipped else '  (shipped)'}")
        self.list.blockSignals(False)
        ids = [t.id for t in self.templates]
        self.list.setCurrentRow(ids.index(select) if select in ids else 0)

    def current(self):
        r = self.list.currentRow()
        return self.templates[r] if 0 <= r < len(self.templates) else None

    def show_template(self, _row: int) -> None:
        from orm_desktop.responses.templates import to_toml

        t = self.current()
        if t is None:
            return
        self.editor.setPlainText(to_toml(t))
        self.editor.setReadOnly(t.shipped or bool(self.refusal))
        self.shown = (self.list.currentRow(), self.editor.toPlainText())
        self.info.setText(f"<b>{html.escape(t.title)}</b> — " + ("shipped default, read-only: duplicate it to "
                          "make your own version" if t.shipped else "workspace template: edit the TOML and save"))

    def duplicate(self) -> None:
        from orm_desktop.responses.templates import to_toml

        t = self.current()
        if t is None:
            return
        if not ensure_unlocked(self, self.svc, self.user):
            return
        new_id, ok = ask_text(self, "New template", "Id (lowercase letters, digits, dashes):", text=f"{t.id}-custom")
        if not ok:
            return
        from dataclasses import replace

        body = to_toml(replace(t, id=new_id.strip(), title=f"{t.title} (custom)"))
        try:
            copy = self._versioned(lambda v: self.svc.save_template(body, by=self.user, expected_versions=v))
        except KnownError as exc:
            QMessageBox.warning(self, "Cannot create template", str(exc))
            return
        self.reload(copy.id if copy else t.id)

    def _versioned(self, write):
        """Run ``write(versions)`` against the versions this dialog read; a template someone else
        saved since asks "reload / keep mine" (never a silent overwrite). None when reloaded."""
        try:
            return write(self.versions)
        except Conflict as exc:
            if not keep_mine_after_conflict(self, exc):
                self.reload(str(exc.row_id))
                return None
            return write({**self.versions, str(exc.row_id): exc.current})  # mine, on top of theirs

    def save(self) -> None:
        t = self.current()
        if t is None or t.shipped or not ensure_unlocked(self, self.svc, self.user):
            return
        body = self.editor.toPlainText()
        try:
            saved = self._versioned(lambda v: self.svc.save_template(body, by=self.user, expected_versions=v))
        except KnownError as exc:
            QMessageBox.warning(self, "Cannot save template", str(exc))
            return
        if saved is not None:
            self.reload(saved.id)

    def delete(self) -> None:
        t = self.current()
        if t is None or t.shipped or not ensure_unlocked(self, self.svc, self.user):
            return
        try:
            self._versioned(lambda v: self.svc.delete_template(t.id, by=self.user, expected_version=v.get(t.id)))
        except KnownError as exc:
            QMessageBox.warning(self, "Cannot delete template", str(exc))
            return
        self.reload()


class TemplatesDrafts:
    """The open Templates dialog's unsaved TOML, for crash recovery (ui/recovery.py DraftKeeper):
    kept on the template's version and the TOML the dialog showed; put back into a dialog opened
    on that template, never over a template saved or removed since."""

    def __init__(self, window) -> None:
        self.window = window

    def _open(self) -> TemplatesDialog | None:
        return next((d for d in self.window.findChildren(TemplatesDialog) if d.isVisible()), None)

    def recovery_state(self) -> tuple[str, str, dict, dict] | None:
        d = self._open()
        if d is None or not d.dirty():
            return None
        t = d.templates[d.shown[0]]
        return "template", t.id, {"toml": d.editor.toPlainText()}, {"version": d.versions.get(t.id), "toml": d.shown[1]}

    def keep_edits(self) -> bool:
        """A restore would replace the open dialog's own unsaved edit: ask Save / Discard / Cancel."""
        d = self._open()
        return d is not None and d.keep_edits()

    def recovered_outcome(self, rec) -> tuple[str, str]:
        from orm_desktop.responses.templates import to_toml

        stored = self.window.svc.templates().get(rec.key)
        if stored is None or stored.shipped:
            return "changed", rec.gone(f"The response template {rec.key}")
        if to_toml(stored) == rec.value["toml"]:
            return "same", ""
        if self.window.svc.template_versions().get(rec.key) != rec.base["version"]:
            return "changed", rec.changed(f"The response template {rec.key}")
        return "ok", ""

    def restore_recovered(self, rec) -> tuple[str, str]:
        d = self._open()
        if d is None:
            view = self.window.responses
            d = TemplatesDialog(self.window.svc, view.me(), view)
            d.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        d.reload(rec.key)
        if d.current() is None or d.current().id != rec.key or d.editor.isReadOnly():
            d.close()
            return "changed", (f"{rec.describe()[:1].upper()}{rec.describe()[1:]} (kept at {rec.when()}) was not put "
                               "back: this login may not change templates.")
        d.editor.setPlainText(rec.value["toml"])
        d.open()
        d.editor.setFocus()
        return "restored", f"Restored {rec.describe()} (from {rec.when()}); it is not saved yet"


def reply_context_html(svc, r) -> str:
    """The mention a response answers, as escaped HTML for a SafeBrowser (feed text loads nothing)."""
    if r is None:
        return ""
    if not r.mention_id:
        return "<p style='color:gray'>Not a reply to a stored mention (e.g. a holding statement).</p>"
    try:
        d = svc.mention(r.mention_id)
    except KnownError as exc:
        return f"<p style='color:gray'>{html.escape(str(exc))}</p>"
    m = d.mention
    when = dates.dated(m.published)
    color = {"negative": "#C0392B", "positive": "#1E8449"}.get(m.label, "#7F8C8D")
    text = d.text if len(d.text) <= 600 else d.text[:600] + "…"
    who = author_text(d.author)  # "<b>Ann</b>" from a feed is "Ann"
    return (f"<p><b>{html.escape(display_text(m.title))}</b><br><span style='color:gray'>"
            f"{html.escape(display_text(m.source))} · {when}"
            f"{' · by ' + html.escape(who) if who else ''} · </span>"
            f"<span style='color:{color}'>{m.label} {signed(m.sentiment)}</span></p>"
            f"<p>{html.escape(display_text(text))}</p>")


class ResponsesView(QWidget):
    status_message = Signal(str)
    open_mention = Signal(int)
    read_only = False  # executive mode (MainWindow.set_read_only)

    def __init__(self, svc, parent=None) -> None:
        super().__init__(parent)
        self.svc = svc
        self.current = None
        self.shown_id: int | None = None  # the response whose text the editor was filled with
        top = FlowLayout()  # wraps on a narrow window (its buttons ran off a 960 px wide one)
        self.user = names_combo()
        login = svc.team_login()
        if login is not None:  # a team workspace: the login is the user, there is no one else to be
            self.user.addItem(login, login)
            self.user.setVisible(False)
            self.working_as = QLabel(f"Signed in as <b>{login}</b> (team workspace)")
        else:
            for u in svc.users():
                self.user.addItem(f"{u.display_name or u.name}", u.name)
            self.working_as = QLabel("Working as")
            self.working_as.setBuddy(self.user)
        # a new workspace has no users: drafting needs one, made here (as `users add`), not only in the CLI
        self.add_user_btn = QPushButton("Add a user…")
        if login is not None:  # (setVisible(True) on a button without a parent yet showed it as a window of
            self.add_user_btn.hide()  # its own for a moment: built after the main window showed, it took its focus)
        self.add_user_btn.clicked.connect(lambda: self.add_user())
        self.queue = QComboBox()
        for label, key in QUEUES:
            self.queue.addItem(label, key)
        self.kpi = QLabel()
        queue_label = QLabel("Queue")
        queue_label.setBuddy(self.queue)
        for label, box in ((self.working_as, self.user), (queue_label, self.queue)):
            pair = QWidget()  # a label stays with its box when the row wraps
            pl = QHBoxLayout(pair)
            pl.setContentsMargins(0, 0, 0, 0)
            pl.addWidget(label)
            pl.addWidget(box)
            top.addWidget(pair)
            if box is self.user:
                top.addWidget(self.add_user_btn)
        templates = QPushButton("Templates…")
        templates.clicked.connect(lambda: TemplatesDialog(self.svc, self.me(), self).exec())
        top.addWidget(templates)
        export_file = QPushButton("Approval by file…")
        export_file.setToolTip("Export the selected response for an approver away from this laptop")
        export_file.clicked.connect(self.export_approval)
        merge_file = QPushButton("Merge approval file…")
        merge_file.clicked.connect(self.merge_approval)
        top.addWidget(export_file)
        top.addWidget(merge_file)
        self.kpi.setWordWrap(True)  # on its own line: the window must fit a laptop screen
        self.list = named(QListWidget(), "Responses in the queue")
        self.list.setWordWrap(True)
        self.editor = named(QPlainTextEdit(), "Reply", tab_leaves=True)
        self.editor.setPlaceholderText("Select a response, or draft one from a mention in the Inbox (D).")
        self.highlighter = DraftHighlighter(self.editor.document(), self._banned())
        self.meta = QLabel()
        self.meta.setWordWrap(True)
        from orm_desktop.ui.detail import SafeBrowser

        self.original = named(SafeBrowser(), "In reply to")  # the mention this replies to (feed text: never loads anything)
        self.original.refused.connect(self.status_message)
        self.original.setMaximumHeight(150)
        self.show_original = QPushButton("Show the mention in the inbox")
        self.show_original.clicked.connect(lambda: self.current and self.current.mention_id
                                           and self.open_mention.emit(self.current.mention_id))
        self.checks = QLabel()
        self.checks.setWordWrap(True)
        self.side = named(QTextBrowser(), "Response history and key messages")
        self.side.setOpenLinks(False)
        buttons = FlowLayout()
        self.btn = {}
        # Alt+letter on each step (not on Discard, nor a letter of the menu bar's F, V, E, H); Ctrl+S saves
        for key, label in (("save", "&Save"), ("submit", "S&ubmit for review"), ("approve", "&Approve"),
                           ("request_changes", "Re&quest changes…"), ("send", "&Mark as sent…"),
                           ("discard", "Discard")):
            b = QPushButton(label)
            b.clicked.connect(lambda _=False, k=key: self.act(k))
            buttons.addWidget(b)
            self.btn[key] = b
        save_key(self, self.btn["save"])
        # a team login whose role may not approve (an author): off, saying who may
        team_gate(svc, "approve", self.btn["approve"], self.btn["request_changes"])
        mid = QWidget()
        ml = QVBoxLayout(mid)
        ml.setContentsMargins(0, 0, 0, 0)
        ml.addWidget(self.meta)
        ml.addWidget(QLabel("<b>In reply to</b>"))
        ml.addWidget(self.original)
        ml.addWidget(self.show_original)
        ml.addWidget(QLabel("<b>Reply</b>"))
        ml.addWidget(self.editor, 1)
        ml.addWidget(self.checks)
        ml.addLayout(buttons)
        split = QSplitter()
        split.addWidget(self.list)
        split.addWidget(mid)
        split.addWidget(self.side)
        # shares of the width, not pixels: at 960 px the queue got 100 px (a word a line) and the
        # key messages 70
        self.split_shares = SplitShares(split, (0.26, 0.48, 0.26), (180, 300, 180))
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.kpi)
        lay.addWidget(split, 1)
        self.user.currentIndexChanged.connect(self.reload)
        self.queue.currentIndexChanged.connect(self.reload)
        self.list.currentRowChanged.connect(self.on_pick)
        self.editor.textChanged.connect(self.update_checks)
        self.reload()

    def _banned(self) -> list[str]:
        return self.svc.banned_phrases()

    def me(self) -> str:
        return self.user.currentData() or ""

    def unsaved_text(self) -> str | None:
        """The reply typed in the editor and not saved (None when there is none)."""
        r = self.current
        if r is None or r.id != self.shown_id or self.editor.isReadOnly():
            return None
        text = self.editor.toPlainText()
        return None if text == r.text else text

    def unsaved(self) -> str:
        """The open reply's unsaved edit, named ('' when there is none)."""
        return "" if self.read_only or self.unsaved_text() is None else f"response #{self.current.id}"

    # -- crash recovery (ui/recovery.py DraftKeeper) -----------------------------------------------
    def recovery_state(self) -> tuple[str, str, dict, dict] | None:
        """The unsaved reply, to be kept on disk: ("reply", response id, the text, the response as read)."""
        text = None if self.read_only else self.unsaved_text()
        if text is None:
            return None
        r = self.current
        return "reply", str(r.id), {"text": text}, {"version": r.version, "text": r.text, "mention_id": r.mention_id}

    def recovered_outcome(self, rec) -> tuple[str, str]:
        """Whether a recovered reply can go back into its response: "ok", "same" (saved already) or
        "changed" (edited, moved on in the workflow, or removed since: never restored into it)."""
        try:
            r = self.svc.response(rec.row_id)
        except KnownError:
            return "changed", rec.gone(f"Response #{rec.key}")
        if r.text == rec.value["text"]:
            return "same", ""
        if r.version != rec.base["version"] or r.text != rec.base["text"]:
            return "changed", rec.changed(f"Response #{r.id}", f" (it is now version {r.version}, "
                                          f"{r.state.replace('_', ' ')})", into="put into it")
        if not self.svc.response_actions(r)["save"]:
            return "changed", (f"Response #{r.id} is {r.state.replace('_', ' ')} and can no longer be edited, "
                               f"so {rec.describe()} was not put into it.")
        return "ok", ""

    def restore_recovered(self, rec) -> tuple[str, str]:
        """Put a recovered reply back into the editor, on its response (not saved)."""
        self.show_response(rec.row_id)
        self.editor.setPlainText(rec.value["text"])
        return "restored", f"Restored your unsaved reply to response #{rec.key} (from {rec.when()}); it is not saved yet"

    def keep_edits(self) -> bool:
        """Before another response replaces the open one: ask about its unsaved reply. True = stay."""
        if not (what := self.unsaved()):
            return False
        return stay_for_unsaved(self, "Unsaved reply", f"Save your changes to {what} first?",
                                lambda: self.act("save"), lambda: self.unsaved_text() is not None)

    def reload(self, *_args, keep_edit: bool = True) -> None:
        """The queue and the KPIs again, and the open response as stored; a reply typed and not
        saved stays in the editor (``keep_edit``), on the version it was typed on (a save asks
        "reload / keep mine" if someone changed it meanwhile)."""
        import time

        self.list.blockSignals(True)
        self.list.clear()
        key = self.queue.currentData()
        if key == "overdue":
            for mid, due, title in self.svc.overdue():
                it = QListWidgetItem(f"⚠ due {dates.stamp(due)} UTC — {title}")
                it.setData(Qt.ItemDataRole.UserRole, ("mention", mid))
                self.list.addItem(it)
        else:
            states = {"mine": ("draft", "changes_requested"), "review": ("in_review",), "approved": ("approved",),
                      "sent": ("sent",), "open": ("draft", "in_review", "changes_requested", "approved")}[key]
            rows = self.svc.responses(states=states, author=self.me() if key == "mine" else None)
            if key == "review":
                me = self.svc.user(self.me()) if self.me() else None
                rows = [r for r in rows if me and (r.in_name_of == me.entity_id if r.in_name_of else
                                                   ("approver" in me.roles and r.author != me.name))]
            for r in rows:
                it = QListWidgetItem(f"#{r.id} {r.state.replace('_', ' ')} · {r.template_id}\n{r.text[:70]}…")
                it.setData(Qt.ItemDataRole.UserRole, ("response", r.id))
                self.list.addItem(it)
        if self.list.count() == 0:
            self.list.addItem("Nothing here")
        self.list.blockSignals(False)
        if self.current is None:  # open the first response of the queue
            first = self.list.item(0).data(Qt.ItemDataRole.UserRole) if self.list.count() else None
            if first and first[0] == "response":
                self.current = self.svc.response(first[1])
                self.list.setCurrentRow(0)
        # the Dashboard's "Last 30 days" (today and the 29 days before, UTC): a rolling 30 x 24 hours
        # here counted a response the Dashboard's Responses card, for the same 30 days, did not
        k = self.svc.response_kpis(*last_days(30, int(time.time())))
        to_send = f" · median {k['median_hours_to_send']:.1f} h first seen → sent" if k["median_hours_to_send"] is not None else ""
        self.kpi.setText(f"Last 30 days: {k['sent']} sent · {k['open']} open · {k['overdue']} overdue{to_send}")
        if keep_edit and self.unsaved_text() is not None:
            return
        self.show_response(self.current.id if self.current else None)

    def on_pick(self, row: int) -> None:
        it = self.list.item(row)
        data = it.data(Qt.ItemDataRole.UserRole) if it else None
        if not data:
            return
        if data[0] == "mention":
            self.open_mention.emit(data[1])
        elif data[1] != self.shown_id and self.keep_edits():
            shown = next((i for i in range(self.list.count())
                          if self.list.item(i).data(Qt.ItemDataRole.UserRole) == ("response", self.shown_id)), -1)
            self.list.blockSignals(True)
            self.list.setCurrentRow(shown)
            self.list.blockSignals(False)
        else:
            self.show_response(data[1])

    def show_response(self, response_id: int | None) -> None:
        from orm_desktop.responses.diff import apply_ops, unified

        self.current = self.svc.response(response_id) if response_id else None
        r = self.current
        self.shown_id = r.id if r else None
        allowed = self.svc.response_actions(r)
        refused = self.svc.team_step_refusals(r)  # a team's database refuses these for this draft
        for key, b in self.btn.items():  # only what the workflow allows from this state, and the team role
            why = b.property("team_refusal") or refused.get(key, "")
            b.setEnabled(allowed[key] and not why)
            b.setToolTip(why[:1].upper() + why[1:])
        self.original.setHtml(self._original_html(r))
        self.show_original.setEnabled(bool(r and r.mention_id))
        if r is None:
            self.editor.setPlainText("")
            self.meta.setText("")
            self.side.setHtml(self._key_messages())
            return
        self.editor.blockSignals(True)
        self.editor.setPlainText(r.text)
        self.editor.blockSignals(False)
        self.editor.setReadOnly(not allowed["save"])
        who = f" · in the name of entity {r.in_name_of}" if r.in_name_of else ""
        self.meta.setText(f"<b>Response #{r.id}</b> · {r.state.replace('_', ' ')} · template {r.template_id} · "
                          f"channel {r.channel or '—'} · by {r.author}{who} · version {r.version}")
        self.update_checks()
        events = self.svc.response_history(r.id)
        parts = ["<h3>History</h3>"]
        text = None
        for e in events:
            when = f"{dates.stamp(e.at)} UTC"
            line = f"<b>{when}</b> {html.escape(e.actor)}: {e.action.split('.')[-1].replace('_', ' ')}"
            if e.data.get("from") or e.data.get("to"):
                line += f" ({e.data.get('from', '')} → {e.data.get('to', '')})"
            if e.data.get("comment"):
                line += f"<br><i>“{html.escape(e.data['comment'])}”</i>"
            if e.action == "response.create":
                text = e.data.get("text", "")
            elif e.action == "response.edit" and text is not None:
                new = apply_ops(text, e.data["diff"])
                line += f"<pre style='font-size:11px'>{html.escape(unified(text, new))[:1500]}</pre>"
                text = new
            parts.append(f"<p>{line}</p>")
        self.side.setHtml(self._key_messages() + "".join(parts))

    def _original_html(self, r) -> str:
        return reply_context_html(self.svc, r)

    def _key_messages(self) -> str:
        items = "".join(f"<li><b>{html.escape(t.replace('_', ' ') or 'general')}</b>: {html.escape(m)}</li>"
                        for t, m in self.svc.draft_key_messages())
        return f"<h3>Key messages</h3><ul>{items}</ul>"

    def update_checks(self) -> None:
        r = self.current
        if r is None:
            self.checks.setText("")
            return
        flags = self.svc.check_draft_text(self.editor.toPlainText(), template_id=r.template_id, channel=r.channel)
        n = len(self.editor.toPlainText())
        if flags:
            self.checks.setText("<span style='color:#C0392B'>" + " · ".join(html.escape(f.message) for f in flags)
                                + f"</span> · {n} characters")
        else:
            self.checks.setText(f"<span style='color:#1E8449'>All checks pass</span> · {n} characters")

    def live_update(self, changes) -> None:
        """Someone saved responses or key messages: refresh the queues and the open draft, unless
        it has unsaved edits here (then saving asks "reload / keep mine")."""
        r = self.current
        if r is not None and self.editor.toPlainText() != r.text:
            ids = {i for c in changes if c.table == "responses" for i in c.ids}
            if not ids or r.id in ids:
                self.status_message.emit(f"response #{r.id} was changed meanwhile; your unsaved edit is kept "
                                         "(saving asks: reload or keep mine)")
            return
        self.reload()

    def _act(self, action: str, r):
        """One workflow step on ``r`` as this view read it (its version guards the step)."""
        if action == "save" or (action == "submit" and self.editor.toPlainText() != r.text):
            r = self.svc.edit_response(r.id, self.editor.toPlainText(), by=self.me(), expected_version=r.version)
            if action == "save":
                self.status_message.emit(f"response #{r.id} saved")
        if action == "request_changes":
            dlg = ChangesDialog(self)
            if not dlg.exec():
                return r
            comment = dlg.note.toPlainText()
            r = self.svc.transition(r.id, action, by=self.me(), comment=comment, expected_version=r.version)
        elif action == "send":
            dlg = SentDialog(self)
            if not dlg.exec():
                return r
            r = self.svc.transition(r.id, "send", by=self.me(), channel=dlg.channel.text(),
                                    url=dlg.url.text(), expected_version=r.version)
        elif action in ("submit", "approve", "discard"):
            r = self.svc.transition(r.id, action, by=self.me(), expected_version=r.version)
        self.status_message.emit(f"response #{r.id} is {r.state.replace('_', ' ')}")
        return r

    @refuses_when_read_only
    def act(self, action: str) -> None:
        r = self.current
        if r is None or not self.me() or not ensure_unlocked(self, self.svc, self.me()):
            return
        if action == "discard" and not confirm_removal(self, "Discard reply",
                                                       f"Discard response #{r.id}? A discarded reply cannot be restored."):
            return
        try:
            try:
                r = self._act(action, r)
            except Conflict as exc:
                if not keep_mine_after_conflict(self, exc):
                    self.status_message.emit(f"reloaded: response #{r.id} was changed by {exc.who}")
                    self.current = self.svc.response(r.id)
                    self.reload(keep_edit=False)
                    return
                r = self._act(action, dataclasses.replace(r, version=exc.current))  # mine, on their version
        except KnownError as exc:
            QMessageBox.warning(self, "Not possible", str(exc))
        self.current = self.svc.response(r.id)
        self.reload()

    @refuses_when_read_only
    def export_approval(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        if self.current is None:
            self.status_message.emit("Select a response first: the approval file carries one response")
            return
        if not ensure_unlocked(self, self.svc, self.me()):
            return
        path, _ = QFileDialog.getSaveFileName(self, "Approval request", f"approval-{self.current.id}.json",
                                              "Approval file (*.json)")
        if not path:
            return
        try:
            self.svc.export_approval_request(self.current.id, path, by=self.me())
        except KnownError as exc:
            QMessageBox.warning(self, "Cannot export", str(exc))
            return
        self.status_message.emit(f"wrote {path}: the approver decides with `orm-desktop approval decide`")

    @refuses_when_read_only
    def merge_approval(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        if not ensure_unlocked(self, self.svc, self.me()):
            return
        path, _ = QFileDialog.getOpenFileName(self, "Returned approval file", "", "Approval file (*.json)")
        if not path:
            return
        try:
            r = self.svc.merge_approval(path, by=self.me())
        except KnownError as exc:
            QMessageBox.warning(self, "Cannot merge", str(exc))
            return
        self.current = r
        self.reload()
        self.status_message.emit(f"response #{r.id} is now {r.state.replace('_', ' ')}")

    @refuses_when_read_only
    def add_user(self, why: str = "") -> str:
        """The Add a user dialog; the new user's name (now "Working as"), '' when cancelled."""
        from orm_desktop.ui.identity import AddUserDialog
        from orm_desktop.ui.tasks import TaskRunner

        if not hasattr(self, "_runner"):
            self._runner = TaskRunner(self)
        dlg = AddUserDialog(self.svc, self._runner, self, why=why)
        if not dlg.exec() or not dlg.added:
            return ""
        return self._user_added(dlg.added)

    def add_user_later(self, values: dict):
        """An Add a user dialog filled with ``values`` (a copy kept before a crash: no
        passphrase), window-modal and not blocking the caller; OK adds as ``add_user`` does."""
        from orm_desktop.ui.identity import AddUserDialog
        from orm_desktop.ui.tasks import TaskRunner

        if not hasattr(self, "_runner"):
            self._runner = TaskRunner(self)
        dlg = AddUserDialog(self.svc, self._runner, self)
        dlg.fill(values)

        def answered(_result: int) -> None:
            if dlg.added:
                self._user_added(dlg.added)
            dlg.deleteLater()

        dlg.finished.connect(answered)
        dlg.open()
        dlg.passphrase.setFocus()
        return dlg

    def _user_added(self, name: str) -> str:
        u = self.svc.user(name)
        self.user.blockSignals(True)
        self.user.addItem(u.display_name or u.name, u.name)
        self.user.setCurrentIndex(self.user.count() - 1)
        self.user.blockSignals(False)
        self.status_message.emit(f"Added user {u.name} ({', '.join(u.roles)}); working as {u.name}")
        self.reload()
        return u.name

    @refuses_when_read_only
    def draft_for(self, mention_id: int) -> None:
        """Suggest templates for a mention, create the chosen draft and open it."""
        if not self.me() and self.svc.team_login() is None and not self.add_user(
                "A reply is drafted in a person's name, and this workspace has no users yet: add yourself."):
            return
        if self.keep_edits() or not ensure_unlocked(self, self.svc, self.me()):
            return
        try:
            suggestions = self.svc.suggest_templates(mention_id, limit=8)
            if not suggestions:
                QMessageBox.information(self, "No template fits", "No template fits this mention.")
                return
            dlg = DraftDialog(suggestions, self, banned=self._banned())
            if not dlg.exec() or dlg.chosen() is None:
                return
            r = self.svc.create_draft(mention_id, author=self.me(), template_id=dlg.chosen().template.id)
        except KnownError as exc:
            QMessageBox.warning(self, "Cannot draft", str(exc))
            return
        self.queue.setCurrentIndex(0)
        self.current = r
        self.reload()
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)  # the new draft, ready to be edited


class ChangesDialog(GuardedDialog):
    """The approver's note on what should change (Request changes…). Esc, Cancel or the window's
    close button ask before a typed note is lost (a QInputDialog dropped it without a word)."""

    discard_question = "Close without requesting changes? Your note will be lost."

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Request changes")
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("What should change?"))
        self.note = named(QPlainTextEdit(), "What should change?", tab_leaves=True)
        lay.addWidget(self.note)
        b = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        b.accepted.connect(self.accept)
        b.rejected.connect(self.reject)
        lay.addWidget(b)
        self.note.setFocus()


class SentDialog(GuardedDialog):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Mark as sent")
        form = QFormLayout(self)
        self.channel = QLineEdit(placeholderText="e.g. twitter, email, review site")
        self.url = QLineEdit(placeholderText="link to the published reply (optional)")
        form.addRow("Where", self.channel)
        form.addRow("Link", self.url)
        b = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        b.accepted.connect(self.accept)
        b.rejected.connect(self.reject)
        form.addRow(b)
