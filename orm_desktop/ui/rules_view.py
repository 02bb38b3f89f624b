"""No-code rule editor: conditions and actions in a form, a dry run before saving, apply to
history in the background."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from orm_desktop.errors import KnownError
from orm_desktop.types import FEED_KINDS, LABELS, STATUSES
from orm_desktop.ui.widgets import (
    button_row,
    buttons_of,
    confirm_removal,
    hold_row,
    named,
    names_combo,
    refuses_when_read_only,
    save_key,
    stay_for_unsaved,
    team_gate,
)


class RulesView(QWidget):
    status_message = Signal(str)
    changed = Signal()
    read_only = False  # executive mode (MainWindow.set_read_only)

    def __init__(self, svc, runner, parent=None) -> None:
        super().__init__(parent)
        self.svc = svc
        self.runner = runner
        self.dry_task = None  # the dry run counting in the task runner
        self.current_id: int | None = None
        self.current_version = 0  # the row version of the rule being edited, as read
        self.list = named(QListWidget(), "Rules")
        self.name = QLineEdit()
        self.entity = names_combo()
        self.terms = QLineEdit(placeholderText='recall OR "battery fire"')
        self.terms_error = QLabel()
        self.terms_error.setStyleSheet("color: #C0392B")
        self.kind = QComboBox()
        self.kind.addItem("any source", None)
        for k in FEED_KINDS:
            self.kind.addItem(k, k)
        self.sentiment = QComboBox()
        self.sentiment.addItem("any sentiment", None)
        for lab in LABELS:
            self.sentiment.addItem(lab, lab)
        self.sentiment.addItem("not scored", "unsupported")  # a language no engine scores, no person's score
        self.topic = QComboBox()  # topics by their names; the rule stores the id
        self.topic.addItem("any topic", None)
        for tid, name in sorted(svc.topic_labels().items(), key=lambda kv: kv[1].lower()):
            self.topic.addItem(name, tid)
        self.tag = QLineEdit()
        self.status = QComboBox()
        self.status.addItem("(leave status)", None)
        for st in STATUSES:
            self.status.addItem(st.replace("_", " "), st)
        self.assign = QLineEdit(placeholderText="user name")
        self.set_sentiment = QComboBox()
        for label, v in (("(leave sentiment)", None), ("set negative (−0.6)", -0.6), ("set neutral (0)", 0.0),
                         ("set positive (+0.6)", 0.6)):
            self.set_sentiment.addItem(label, v)
        self.priority = QDoubleSpinBox(minimum=-1, maximum=200, value=-1, specialValueText="(leave priority)")
        self.mute = QCheckBox("mute (hide from the inbox)")
        self.notify = QCheckBox("notify me of new matches")
        self.enabled = QCheckBox("enabled (runs on every new mention)")
        self.enabled.setChecked(True)
        self.result = named(QListWidget(), "Dry run: matching stored mentions")
        self.result_label = QLabel()
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow(QLabel("<b>When a mention…</b>"))
        form.addRow("is about", self.entity)
        form.addRow("contains", self.terms)
        form.addRow("", self.terms_error)
        form.addRow("comes from", self.kind)
        form.addRow("is", self.sentiment)
        form.addRow("has topic", self.topic)
        form.addRow(QLabel("<b>…then</b>"))
        form.addRow("tag it", self.tag)
        form.addRow("set status", self.status)
        form.addRow("assign to", self.assign)
        form.addRow("sentiment", self.set_sentiment)
        form.addRow("priority", self.priority)
        form.addRow("", self.mute)
        form.addRow("", self.notify)
        form.addRow("", self.enabled)
        buttons = button_row((("New", self.new), ("Dry run", self.dry_run), ("Save", self.save),
                              ("Apply to stored mentions", self.apply), ("Delete", self.delete)))
        # a team login: rules are the admin's (the form stays live for dry runs, which write nothing);
        # applying a rule to stored mentions is triage
        b = buttons_of(buttons)
        save_key(self, b["Save"])
        team_gate(svc, "configure", b["New"], b["Save"], b["Delete"])
        team_gate(svc, "triage", b["Apply to stored mentions"])
        right = QVBoxLayout()
        right.addLayout(form)
        right.addLayout(buttons)
        right.addWidget(self.result_label)
        right.addWidget(self.result, 1)
        lay = QHBoxLayout(self)
        lay.addWidget(self.list, 1)
        lay.addLayout(right, 2)
        self.terms.textChanged.connect(self.validate)
        self.list.currentRowChanged.connect(self.pick)
        self.shown_state = self.form_state()  # the form as last filled or saved (dirty() compares)
        self.reload()
        if self.rules:
            self.list.setCurrentRow(0)

    def form_state(self) -> tuple:
        r = self.rule()
        return r.name, r.conditions, r.actions, r.enabled

    def dirty(self) -> bool:
        """Does the form hold edits that are not saved?"""
        return self.form_state() != self.shown_state

    def unsaved(self) -> str:
        """The form's unsaved edit, named ('' when there is none, and always for a login that may
        not save rules: its form is for dry runs)."""
        if self.read_only or self.svc.team_refusal("configure") or not self.dirty():
            return ""
        return f"rule {self.name.text().strip()}" if self.name.text().strip() else "the new rule"

    def keep_edits(self) -> bool:
        """Before the form shows another rule or a new one: ask about unsaved edits. True = stay."""
        if not (name := self.unsaved()):
            return False
        return stay_for_unsaved(self, "Unsaved rule", f"Save your changes to {name} first?", self.save, self.dirty)

    def reload(self) -> None:
        chosen = self.entity.currentData()  # a reload must not reset the form under the user
        self.entity.blockSignals(True)
        self.entity.clear()
        self.entity.addItem("any entity", None)
        for e in self.svc.entities():
            self.entity.addItem(e.name, e.name)
        self.entity.setCurrentIndex(max(0, self.entity.findData(chosen)))
        self.entity.blockSignals(False)
        self.rules = self.svc.rules()
        self.list.blockSignals(True)
        self.list.clear()
        for i, r in enumerate(self.rules):
            it = QListWidgetItem(f"{r.name}{'' if r.enabled else '  (off)'}")
            it.setData(Qt.ItemDataRole.UserRole, r.id)
            self.list.addItem(it)
            if r.id == self.current_id:
                self.list.setCurrentRow(i)
        self.list.blockSignals(False)

    def validate(self) -> None:
        from orm_desktop.ingest.query import validate_query

        err = validate_query(self.terms.text()) if self.terms.text().strip() else None
        self.terms_error.setText(str(err) if err else "")

    def rule(self):
        from orm_desktop.analysis.rules import Rule

        cond = {k: v for k, v in {"entity": self.entity.currentData(), "terms": self.terms.text().strip() or None,
                                  "kinds": [self.kind.currentData()] if self.kind.currentData() else None,
                                  "sentiment": self.sentiment.currentData(),
                                  "topic": self.topic.currentData()}.items() if v is not None}
        act = {k: v for k, v in {"tag": self.tag.text().strip() or None, "status": self.status.currentData(),
                                 "assign": self.assign.text().strip() or None,
                                 "sentiment": self.set_sentiment.currentData(),
                                 "priority": self.priority.value() if self.priority.value() >= 0 else None,
                                 "mute": True if self.mute.isChecked() else None,
                                 "notify": True if self.notify.isChecked() else None}.items() if v is not None}
        return Rule(self.current_id, self.name.text().strip(), cond, act, self.enabled.isChecked(),
                    self.current_version if self.current_id is not None else 0)

    def pick(self, row: int) -> None:
        if not 0 <= row < len(self.rules):
            return
        shown = next((i for i, x in enumerate(self.rules) if x.id == self.current_id), None)
        target = self.rules[row].id
        if row != shown and self.keep_edits():
            hold_row(self.list, shown)
            return
        row = next((i for i, x in enumerate(self.rules) if x.id == target), None)  # a save may reorder
        if row is None:
            return
        r = self.rules[row]
        self.list.blockSignals(True)
        self.list.setCurrentRow(row)
        self.list.blockSignals(False)
        self.current_id = r.id
        self.current_version = r.version
        self.fill(r.name, r.conditions, r.actions, r.enabled)
        self.shown_state = self.form_state()

    def fill(self, name: str, c: dict, a: dict, enabled: bool) -> None:
        """The form's controls set to a rule's name, conditions, actions and switch (a value of
        the wrong type, from a recovered file, leaves its control empty)."""
        def text(d: dict, k: str) -> str:
            return d[k] if isinstance(d.get(k), str) else ""

        kinds = c.get("kinds") if isinstance(c.get("kinds"), list) else []
        self.name.setText(name)
        self.entity.setCurrentIndex(max(0, self.entity.findData(c.get("entity"))))
        self.terms.setText(text(c, "terms"))
        self.kind.setCurrentIndex(max(0, self.kind.findData((kinds or [None])[0])))
        self.sentiment.setCurrentIndex(max(0, self.sentiment.findData(c.get("sentiment"))))
        topic = text(c, "topic")
        if topic and self.topic.findData(topic) < 0:  # a topic no longer in the taxonomy
            self.topic.addItem(topic, topic)
        self.topic.setCurrentIndex(max(0, self.topic.findData(topic or None)))
        self.tag.setText(text(a, "tag"))
        self.status.setCurrentIndex(max(0, self.status.findData(a.get("status"))))
        self.assign.setText(text(a, "assign"))
        self.set_sentiment.setCurrentIndex(max(0, self.set_sentiment.findData(a.get("sentiment"))))
        priority = a.get("priority", -1)
        self.priority.setValue(float(priority) if isinstance(priority, int | float) else -1)
        self.mute.setChecked(bool(a.get("mute")))
        self.notify.setChecked(bool(a.get("notify")))
        self.enabled.setChecked(bool(enabled))

    # -- crash recovery (ui/recovery.py DraftKeeper) -----------------------------------------------
    def recovery_state(self) -> tuple[str, str, dict, dict] | None:
        """The form's unsaved rule, to be kept on disk."""
        if not self.unsaved():
            return None
        r = self.rule()
        key = "new" if self.current_id is None else str(self.current_id)
        return ("rule", key, {"name": self.name.text(), "conditions": r.conditions, "actions": r.actions,
                              "enabled": r.enabled}, {"version": None if self.current_id is None else self.current_version})

    def recovered_outcome(self, rec) -> tuple[str, str]:
        """"ok", "same" (saved already) or "changed" (changed or deleted since: not restored)."""
        if rec.row_id is None:
            return "ok", ""
        try:
            r = self.svc.rule(rec.row_id)
        except KnownError:
            return "changed", rec.gone(f"Rule #{rec.key}")
        v = rec.value
        if (r.name, r.conditions, r.actions, r.enabled) == (v["name"].strip(), v["conditions"], v["actions"], v["enabled"]):
            return "same", ""
        if r.version != rec.base["version"]:
            return "changed", rec.changed(f"The rule {r.name}", into="put into the form")
        return "ok", ""

    def restore_recovered(self, rec) -> tuple[str, str]:
        """Put a recovered rule back into the form (not saved)."""
        self.reload()
        self.shown_state = self.form_state()  # its edits were saved or discarded (DraftKeeper asked)
        if rec.row_id is None:
            self.new()
        else:
            self.pick(next(i for i, x in enumerate(self.rules) if x.id == rec.row_id))
        v = rec.value
        self.fill(v["name"], v["conditions"], v["actions"], v["enabled"])
        return "restored", f"Restored {rec.describe()} (from {rec.when()}); it is not saved yet"

    def new(self) -> None:
        if self.keep_edits():
            return
        self.current_id = None
        self.list.clearSelection()
        for w in (self.name, self.terms, self.tag, self.assign):
            w.clear()
        for w in (self.entity, self.kind, self.sentiment, self.topic, self.status, self.set_sentiment):
            w.setCurrentIndex(0)
        self.priority.setValue(-1)
        self.mute.setChecked(False)
        self.notify.setChecked(False)
        self.enabled.setChecked(True)
        self.shown_state = self.form_state()

    def dry_run(self) -> None:
        """Count what the rule in the form would change, in the task runner: on the GUI thread a
        dry run over 200,000 stored mentions froze the window 0.4-5 s (terms with OR)."""
        if self.dry_task is not None:
            self.status_message.emit("a dry run is counting already")
            return
        rule, svc = self.rule(), self.svc
        self.result_label.setText("<b>Dry run:</b> counting the stored mentions the rule selects…")
        self.result.clear()
        self.dry_task = self.runner.start(lambda _progress, _cancel: svc.dry_run_rule(rule),
                                          on_success=self._dry_ran, on_failure=self._dry_run_failed,
                                          on_finished=self._dry_run_finished)

    def _dry_ran(self, result) -> None:
        n, sample = result
        self.result_label.setText(f"<b>Dry run:</b> would change {n:,} stored mention(s); a sample:")
        for mid, title in sample:
            self.result.addItem(f"#{mid} {title}")

    def _dry_run_failed(self, message: str, known: bool) -> None:
        self.result_label.setText("")
        QMessageBox.warning(self, "Cannot run the rule", message if known else message.strip().splitlines()[-1][:300])

    def _dry_run_finished(self) -> None:
        self.dry_task = None

    @refuses_when_read_only
    def save(self) -> None:
        import dataclasses

        from orm_desktop.errors import Conflict
        from orm_desktop.ui.widgets import keep_mine_after_conflict

        by = self.svc.setting("current_user") or "gui"
        try:
            try:
                saved = self.svc.save_rule(self.rule(), by=by)
            except Conflict as exc:
                if not keep_mine_after_conflict(self, exc):
                    self.reload()
                    self.pick(self.list.currentRow())
                    self.status_message.emit(f"reloaded: rule {exc.row_id} was changed by {exc.who}")
                    return
                saved = self.svc.save_rule(dataclasses.replace(self.rule(), version=exc.current), by=by)
        except KnownError as exc:
            QMessageBox.warning(self, "Cannot save the rule", str(exc))
            return
        self.current_id, self.current_version = saved.id, saved.version
        self.shown_state = self.form_state()
        self.reload()
        self.status_message.emit(f"rule {saved.name} saved")
        self.changed.emit()

    @refuses_when_read_only
    def apply(self) -> None:
        if self.current_id is None:
            self.status_message.emit("save the rule first")
            return
        rule, svc = self.svc.rule(self.current_id), self.svc
        self.runner.start(lambda progress, cancel: svc.apply_rule(rule, by="gui", progress=progress, cancel=cancel),
                          on_success=self._applied, on_failure=self._failed)

    def _applied(self, n: int) -> None:
        self.status_message.emit(f"rule applied: {n:,} stored mention(s) changed")
        self.changed.emit()

    def _failed(self, message: str, _known: bool) -> None:
        QMessageBox.warning(self, "Rule", message.strip().splitlines()[-1][:300])

    @refuses_when_read_only
    def delete(self) -> None:
        if self.current_id is None:
            self.status_message.emit("Select a rule in the list first")
            return
        if confirm_removal(self, "Delete rule", f"Delete the rule {self.name.text()}?"):
            self.svc.delete_rule(self.current_id, by="gui")
            self.shown_state = self.form_state()  # its edits went with it: nothing to ask about
            self.new()
            self.reload()
            self.changed.emit()
