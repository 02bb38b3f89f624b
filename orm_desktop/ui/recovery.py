"""The GUI side of crash recovery (orm_desktop/recovery.py keeps the files).

``DraftKeeper`` looks at the window's editors about once a second; an editor holding an unsaved
edit has it handed to a ``DraftWriter`` (written on its own thread); an editor whose edit was
saved or discarded has its copy removed. On the next start ``offer`` asks, for each edit found,
"Restore / Discard". An editor takes part with two methods:

- ``recovery_state() -> (kind, key, value, base) | None``: its unsaved edit (None: none);
- ``recovered_outcome(rec) -> (outcome, message)``: "ok" (it can be put back), "same" (what
  is stored says it already: forgotten without asking) or "changed" (the row changed since, or
  is gone: nothing is put into it and the message says so);
- ``restore_recovered(rec) -> (outcome, message)``: put it back ("restored"); asked only when
  ``recovered_outcome`` said "ok".
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from orm_desktop.recovery import DraftStore, DraftWriter, Recovered, log

TICK_MS = 1000


class DraftKeeper(QObject):
    def __init__(self, window, store: DraftStore, editors: dict[str, tuple[str, object]],
                 interval_ms: int = TICK_MS) -> None:
        super().__init__(window)
        self.window = window
        self.store = store
        self.writer = DraftWriter(store)
        self.pages = {kind: page for kind, (page, _e) in editors.items()}  # kind -> the page that shows it
        self.editors = {kind: e for kind, (_p, e) in editors.items()}  # kind -> editor
        self.kept: dict[str, tuple] = {}  # kind -> (key, value, base) last handed to the writer
        self.told_problem = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        self._box: QMessageBox | None = None
        self.queue: list[Recovered] = []

    def tick(self) -> None:
        """Hand each editor's unsaved edit to the writer when it changed; remove the copy of an
        edit that was saved or discarded. Nothing while the window reads only (executive mode):
        the edits stay as they are, on screen and on disk."""
        if getattr(self.window, "read_only", False) or self._box is not None:
            return
        for kind, editor in self.editors.items():
            try:
                state = editor.recovery_state()
            except Exception:  # noqa: BLE001 - e.g. the row was removed meanwhile: nothing to keep now
                continue
            before = self.kept.get(kind)
            if state is None:
                if before is not None:
                    self.writer.forget(kind, before[0])
                    del self.kept[kind]
                continue
            _kind, key, value, base = state
            if before is not None and before[0] != key:
                self.writer.forget(kind, before[0])
            if before != (key, value, base):
                self.writer.save(kind, key, value, base)
                self.kept[kind] = (key, value, base)
        problem = self.writer.problem
        if problem and not self.told_problem:
            self.told_problem = True
            self.window.flash(f"Could not keep a copy of your unsaved edits ({problem}); save them soon")
        elif not problem:
            self.told_problem = False

    def close(self, *, discard: bool) -> None:
        """The window closes: keep the last edits (or, when the user chose to close without
        saving, remove every copy this session made), and wait for the disk (2 s at most)."""
        self.timer.stop()
        if discard:
            for kind, (key, _v, _b) in self.kept.items():
                self.writer.forget(kind, key)
            self.kept.clear()
        elif self._box is None:
            self.tick()
        self.writer.close(2.0)
        self.store.release()

    # -- the next start: offer them back ---------------------------------------------------------
    def offer(self) -> int:
        """Ask about each edit a previous session left unsaved (one window-modal question at a
        time, never blocking the caller); how many were found."""
        self.queue = [r for r in self.store.pending() if r.kind in self.editors]
        self._next()
        return len(self.queue) + (self._box is not None)

    def _next(self) -> None:
        self._box = None
        while self.queue:
            rec = self.queue.pop(0)
            if not self._restorable_now(rec):
                continue
            box = QMessageBox(QMessageBox.Icon.Question, "Unsaved edit recovered",
                              f"Recovered {rec.describe()} from {rec.when()}.", parent=self.window)
            box.setObjectName("recovered_draft")
            box.setTextFormat(Qt.TextFormat.PlainText)  # names typed by someone: never markup
            box.setInformativeText("ORM Desktop was closed before it was saved. Put it back into the editor "
                                   "(it is not saved until you save it), or discard it?")
            restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
            box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
            box.setDefaultButton(restore)
            box.setEscapeButton(restore)  # Esc loses nothing
            box.finished.connect(lambda _r, b=box, r=rec, keep=restore: self._answered(r, b.clickedButton() is keep))
            self._box = box
            box.open()
            return

    def _restorable_now(self, rec: Recovered) -> bool:
        """An edit is offered unless what is stored says the same already (then it is forgotten)."""
        try:
            outcome = self.editors[rec.kind].recovered_outcome(rec)[0]
        except Exception:  # noqa: BLE001 - asked about anyway: the restore step says what it finds
            return True
        if outcome == "same":
            self.writer.forget(rec.kind, rec.key)
            return False
        return True

    def _answered(self, rec: Recovered, restore: bool) -> None:
        self._box = None
        if restore:
            editor = self.editors[rec.kind]
            if self.pages[rec.kind]:
                self.window.show_page(self.pages[rec.kind])
            if self._editor_busy(editor):
                self.window.flash(f"Not put back now: {rec.describe()} from {rec.when()} is kept, and offered "
                                  "again at the next start")
                self._next()  # its copy stays on disk
                return
            try:
                outcome, message = editor.recovered_outcome(rec)
                if outcome == "ok":
                    outcome, message = editor.restore_recovered(rec)
            except Exception as exc:  # noqa: BLE001 - a recovered edit never takes the window down
                what = rec.describe()
                outcome, message = "changed", (f"{what[:1].upper()}{what[1:]} from {rec.when()} could not be put back: "
                                               "the kept copy holds a value the form cannot show.")
                log.warning("could not restore the kept draft %s-%s: %s: %s", rec.kind, rec.key,
                            type(exc).__name__, str(exc)[:200])
            if outcome == "restored":
                self.window.flash(message)
                self.kept.pop(rec.kind, None)  # the next tick keeps it again, as now in the editor
            elif outcome == "changed":
                self._tell_changed(rec, message)
                return  # the next question comes when this notice is closed
        self.writer.forget(rec.kind, rec.key)
        if restore and outcome == "restored":
            self.tick()  # its copy again at once: restored but not saved is still unsaved
        self._next()

    @staticmethod
    def _editor_busy(editor) -> bool:
        """Whether the editor holds an unsaved edit that a restore would replace (another edit
        restored just before, of the same kind) and the user keeps it: it is asked Save / Discard
        / Cancel as when switching rows; an editor that cannot ask keeps its edit."""
        try:
            if editor.recovery_state() is None:
                return False
        except Exception:  # noqa: BLE001 - nothing readable to keep
            return False
        keep_edits = getattr(editor, "keep_edits", None)
        return True if keep_edits is None else bool(keep_edits())

    def _tell_changed(self, rec: Recovered, message: str) -> None:
        """The row changed since the edit was typed: nothing is restored into it; the recovered
        text is shown and copied to the clipboard so the user can compare and reuse it."""
        text = {"reply": "text", "key_message": "text", "template": "toml"}.get(rec.kind)
        text = rec.value.get(text) if text else None
        if text is None:
            import json

            text = json.dumps(rec.value, ensure_ascii=False, indent=2)
        QApplication.clipboard().setText(text)
        box = QMessageBox(QMessageBox.Icon.Warning, "Not restored", message, parent=self.window)
        box.setObjectName("recovered_draft_changed")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText("The recovered text is on the clipboard and under Show Details.")
        box.setDetailedText(text)
        box.finished.connect(lambda _r: (self.writer.forget(rec.kind, rec.key), self._next()))
        self._box = box
        box.open()
