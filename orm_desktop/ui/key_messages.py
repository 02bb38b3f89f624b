"""The workspace's approved key messages, edited in place (Settings page)."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from orm_desktop.errors import Conflict, KnownError
from orm_desktop.ui.widgets import (
    button_row,
    buttons_of,
    confirm_removal,
    keep_mine_after_conflict,
    named,
    team_gate,
)


def topic_ids() -> list[str]:
    """Topic ids of the shipped taxonomy, for the topic picker."""
    from orm_desktop.responses.templates import RESOURCES

    return sorted(json.loads((RESOURCES / "topics.json").read_text(encoding="utf-8"))["topics"])


class KeyMessagesEditor(QWidget):
    """List, add, change and retire key messages (each change is in the audit log)."""

    changed = Signal()
    status_message = Signal(str)

    def __init__(self, svc, user: str = "", parent=None) -> None:
        super().__init__(parent)
        self.svc, self.user = svc, user
        self.list = named(QListWidget(), "Key messages")
        self.list.setMaximumHeight(130)
        self.list.setWordWrap(True)  # a long message whole on a narrow window, not cut at the edge
        self.topic = named(QComboBox(), "Topic")
        self.topic.addItem("any topic", "")
        for t in topic_ids():
            self.topic.addItem(t.replace("_", " "), t)
        self.text = named(QLineEdit(placeholderText="An approved line drafts should reuse, e.g. We never sell customer data."), "Key message")
        edit_row = QHBoxLayout()
        edit_row.addWidget(self.topic)
        edit_row.addWidget(self.text, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.list)
        lay.addLayout(edit_row)
        buttons = button_row((("Add", self.add), ("Save change", self.save_change), ("Remove", self.remove)))
        lay.addLayout(buttons)
        team_gate(svc, "key_messages", self.topic, self.text, *buttons_of(buttons).values())  # approvers and admins
        self.list.currentRowChanged.connect(self.pick)
        self.shown = ("", "")  # (topic, text) as last filled or saved: what differs is an unsaved edit
        self.read_only = bool(svc.team_refusal("key_messages"))
        self.reload()

    def reload(self) -> None:
        self.list.clear()
        self.versions = self.svc.key_message_versions()  # what this editor read: saves are checked against it
        for mid, topic, text in self.svc.key_messages():
            it = QListWidgetItem(f"{topic.replace('_', ' ') or 'any topic'}: {text}")
            it.setData(Qt.ItemDataRole.UserRole, (mid, topic, text))
            self.list.addItem(it)

    def current(self):
        it = self.list.currentItem()
        return it.data(Qt.ItemDataRole.UserRole) if it is not None else None

    def pick(self, _row: int) -> None:
        cur = self.current()
        if cur is not None:
            self.topic.setCurrentIndex(max(self.topic.findData(cur[1]), 0))
            self.text.setText(cur[2])
        self.shown = (self.topic.currentData() or "", self.text.text())

    def _do(self, fn, message_id: int | None = None) -> bool:
        """Run ``fn(expected_version)``; a key message someone else changed since this editor read
        it asks "reload / keep mine" (never a silent overwrite). True when it was written."""
        expected = self.versions.get(message_id) if message_id is not None else None
        try:
            try:
                fn(expected)
            except Conflict as exc:
                if not keep_mine_after_conflict(self, exc):
                    self.reload()
                    self.changed.emit()
                    return False
                fn(exc.current)  # mine, on top of their version
        except KnownError as exc:
            QMessageBox.warning(self, "Key messages", str(exc))
            return False
        self.shown = (self.topic.currentData() or "", self.text.text())  # written: nothing unsaved
        self.reload()
        self.changed.emit()
        return True

    def add(self) -> None:
        if self._do(lambda _v: self.svc.add_key_message(self.text.text(), topic=self.topic.currentData(),
                                                        by=self.user)):
            self.text.clear()  # a refused line stays, to be corrected
            self.shown = (self.topic.currentData() or "", "")

    def _picked(self):
        """The key message picked in the list, or None after saying to pick one: with a line typed
        and none picked, Save change did nothing and the line looked saved."""
        cur = self.current()
        if cur is None:
            self.status_message.emit("Select a key message in the list first (Add adds the line as a new one)")
        return cur

    def save_change(self) -> None:
        cur = self._picked()
        if cur is not None:
            text, topic = self.text.text(), self.topic.currentData()
            self._do(lambda v: self.svc.edit_key_message(cur[0], text=text, topic=topic, by=self.user,
                                                         expected_version=v), cur[0])

    def remove(self) -> None:
        cur = self._picked()
        if cur is not None and confirm_removal(self, "Remove key message", f"Remove the key message “{cur[2]}”?"):
            self._do(lambda v: self.svc.remove_key_message(cur[0], by=self.user, expected_version=v), cur[0])

    # -- crash recovery (ui/recovery.py DraftKeeper) -----------------------------------------------
    def recovery_state(self) -> tuple[str, str, dict, dict] | None:
        """A key message typed and not added or saved, to be kept on disk."""
        value = {"topic": self.topic.currentData() or "", "text": self.text.text()}
        if self.read_only or not value["text"].strip() or (value["topic"], value["text"]) == self.shown:
            return None
        cur = self.current()
        if cur is None:
            return "key_message", "new", value, {"version": None}
        return "key_message", str(cur[0]), value, {"version": self.versions.get(cur[0])}

    def recovered_outcome(self, rec) -> tuple[str, str]:
        """"ok", "same" (saved already) or "changed" (changed or removed since: not restored)."""
        v = rec.value
        stored = {mid: (topic, text) for mid, topic, text in self.svc.key_messages()}
        if rec.row_id is None:
            return ("same", "") if (v["topic"], v["text"]) in stored.values() else ("ok", "")
        if rec.row_id not in stored:
            return "changed", rec.gone(f"Key message #{rec.key}")
        if stored[rec.row_id] == (v["topic"], v["text"]):
            return "same", ""
        if self.svc.key_message_versions().get(rec.row_id) != rec.base["version"]:
            return "changed", rec.changed(f"Key message #{rec.key}")
        return "ok", ""

    def restore_recovered(self, rec) -> tuple[str, str]:
        """Put a recovered key message back into the editor (not saved)."""
        self.reload()
        row = next((i for i in range(self.list.count())
                    if self.list.item(i).data(Qt.ItemDataRole.UserRole)[0] == rec.row_id), -1)
        self.list.setCurrentRow(row)
        if row < 0:
            self.shown = ("", "")
        self.topic.setCurrentIndex(max(self.topic.findData(rec.value["topic"]), 0))
        self.text.setText(rec.value["text"])
        self.text.setFocus()
        return "restored", f"Restored {rec.describe()} (from {rec.when()}); it is not saved yet"
