"""File menu dialogs for moving a workspace between the laptop and the team server (docs/team.md):
an offline snapshot of a period (``orm-desktop team snapshot``) and pushing a solo workspace to an
empty team database (``orm-desktop team push``). Both run in the window's thread pool with their
progress shown, and say in one line why they failed (the server unreachable, the target not empty,
the folder already there)."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from orm_desktop.ui.widgets import GuardedDialog


class _TransferDialog(GuardedDialog):
    """A form, a Start button, a busy bar with the last progress line, and a one-line outcome.
    Esc or Close on a form changed since it opened or last started asks before dropping it."""

    start_label = "Start"

    def __init__(self, svc, runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.svc, self.runner = svc, runner
        self.task = None
        self.outcome: dict | None = None
        self.form = QFormLayout()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: the copy reports tables, not a fraction
        self.progress.setVisible(False)
        self.status = QLabel()
        self.status.setObjectName("transfer_status")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.start_button = self.buttons.addButton(self.start_label, QDialogButtonBox.ButtonRole.ActionRole)
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(self.form)
        lay.addWidget(self.progress)
        lay.addWidget(self.status)
        lay.addWidget(self.buttons)

    def order_tabs(self) -> None:
        """At the end of a subclass's form: the Tab order is the form's fields, then Start, then
        Close, the dialog opens on the first field and Enter starts (the buttons, made first, came
        first: the dialog opened on Close, and Enter closed it)."""
        fields = [w for w in self.findChildren(QWidget)
                  if w.focusPolicy() & Qt.FocusPolicy.TabFocus == Qt.FocusPolicy.TabFocus
                  and not self.buttons.isAncestorOf(w) and not isinstance(w.parentWidget(), QAbstractSpinBox)]
        chain = [*fields, self.start_button, self.buttons.button(QDialogButtonBox.StandardButton.Close)]
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)
        if fields:
            fields[0].setFocus()
        for b in self.findChildren(QPushButton):  # Enter starts (not Browse…, not Close)
            b.setAutoDefault(b is self.start_button)
        self.start_button.setDefault(True)

    @property
    def running(self) -> bool:
        return self.task is not None

    def work(self, progress: Callable[[str], None]) -> dict:  # in the pool thread
        raise NotImplementedError

    def check(self) -> str:
        """What is wrong with the form ('' when it can start)."""
        return ""

    def start(self) -> None:
        if self.running:
            return
        problem = self.check()
        if problem:
            self.show_error(problem)
            return
        self.outcome = None
        self.keep_as_opened()  # used as it is now: closing afterwards drops nothing typed
        self.start_button.setEnabled(False)
        self.progress.setVisible(True)
        self.status.setText("Starting…")
        self.task = self.runner.start(lambda progress, cancel: self.work(lambda msg: progress(0, 0, msg)),
                                      on_success=self.succeeded, on_failure=self.task_failed,
                                      on_progress=self.progressed, on_finished=self.task_done)

    def progressed(self, _done: int, _total: int, message: str) -> None:
        self.status.setText(html.escape(message))

    def succeeded(self, result: dict) -> None:
        self.outcome = result
        self.status.setText(self.summary(result))

    def summary(self, result: dict) -> str:
        raise NotImplementedError

    def task_failed(self, message: str, known: bool) -> None:
        self.show_error(message if known else "unexpected error (please report it):\n" + message[-2000:])

    def show_error(self, message: str) -> None:
        self.status.setText(f"<span style='color:#B03A2E'>{html.escape(message)}</span>")

    def task_done(self) -> None:
        self.task = None
        self.progress.setVisible(False)
        self.start_button.setEnabled(True)

    def reject(self) -> None:
        if self.running:  # the copy cannot be interrupted halfway: it finishes or rolls back by itself
            self.status.setText(self.status.text() + " (still working: it closes when done)")
            return
        super().reject()


class SnapshotDialog(_TransferDialog):
    """File > Take offline snapshot…: the last N days as a read-only SQLite workspace folder."""

    start_label = "Take snapshot"

    def __init__(self, svc, runner, parent: QWidget | None = None) -> None:
        super().__init__(svc, runner, parent)
        self.setWindowTitle("Offline snapshot")
        self.setObjectName("snapshot_dialog")
        self.days = QSpinBox(minimum=1, maximum=3650, value=30)
        self.days.setSuffix(" days")
        name = f"{(svc.brand_name() or 'orm').lower().replace(' ', '-')}-offline-{dt.date.today():%Y-%m-%d}"
        self.folder = QLineEdit(str(Path.home() / name))
        self.folder.setAccessibleName("New folder")  # its form label names the row (with Browse…), not the field
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        intro = QLabel("A read-only copy of the mentions of a period, with their articles, entities, alerts and "
                       "responses, to read and print reports offline (on a plane). It opens as any workspace "
                       "and says it is a snapshot.")
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.form.addRow("Period: the last", self.days)
        self.form.addRow("New folder", row)
        self.order_tabs()

    def browse(self) -> None:
        where = QFileDialog.getExistingDirectory(self, "Where to put the snapshot folder",
                                                 str(Path(self.folder.text()).parent))
        if where:
            self.folder.setText(str(Path(where) / Path(self.folder.text()).name))

    def check(self) -> str:
        if not self.folder.text().strip():
            return "name a new folder for the snapshot"
        return ""

    def work(self, progress: Callable[[str], None]) -> dict:
        out = Path(self.folder.text().strip()).expanduser()
        stamp = self.svc.take_snapshot(out, days=self.days.value(), progress=progress)
        return {**stamp, "out": str(out)}

    def summary(self, result: dict) -> str:
        rows = result.get("rows", {})
        return (f"Wrote <b>{html.escape(result['out'])}</b>: {rows.get('mentions', 0):,} mentions of the last "
                f"{self.days.value()} days, {rows.get('items', 0):,} articles. Open it with File &gt; Open "
                f"workspace…; it opens as the {html.escape(result.get('label', 'offline snapshot'))}.")


class PushDialog(_TransferDialog):
    """File > Push to a team server…: copy this solo workspace into an empty team database."""

    start_label = "Push"

    def __init__(self, svc, runner, parent: QWidget | None = None) -> None:
        super().__init__(svc, runner, parent)
        self.setWindowTitle("Push to a team server")
        self.setObjectName("push_dialog")
        self.url = QLineEdit(placeholderText="postgresql://acme_owner@db.example.org:5432/acme")
        intro = QLabel("Copies this workspace into an <b>empty</b> team database, as its owner, before "
                       "<code>orm-desktop team init</code>. Every table's count and the audit chain are checked "
                       "before anything is committed; this workspace is not changed. See docs/team.md.")
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.form.addRow("Team database URL", self.url)
        self.order_tabs()

    def check(self) -> str:
        url = self.url.text().strip()
        if not url.startswith(("postgresql://", "postgres://")):
            return "the team database is named by a URL starting with postgresql://"
        return ""

    def work(self, progress: Callable[[str], None]) -> dict:
        return self.svc.push_to_team(self.url.text().strip(), progress=progress)

    def summary(self, result: dict) -> str:
        total = sum(result["rows"].values())
        return (f"Copied {total:,} rows in {len(result['rows'])} tables to {html.escape(result['target'])}; every "
                f"table's count matches. Audit chain verified there: {result['audit_entries']} entries, "
                f"{result['audit_signed']} signatures. Next: <code>orm-desktop team init URL</code> as the owner.")
