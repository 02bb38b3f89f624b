"""The main window: navigation, views, status bar, menus, background refresh, tray."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QSystemTrayIcon,
)

from orm_desktop.ui.tasks import TaskRunner


class NewWorkspaceWizard(QDialog):
    """Create a workspace from a brand, its executives and competitors (queries generated)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New workspace")
        form = QFormLayout(self)
        self.folder = QLineEdit()
        pick = QPushButton("Choose…")
        pick.clicked.connect(lambda: self.folder.setText(QFileDialog.getExistingDirectory(self, "Workspace folder")))
        self.brand = QLineEdit(placeholderText="Acme")
        self.execs = QPlainTextEdit(placeholderText="Jane Doe, CEO\nRaj Patel, CFO")
        self.competitors = QPlainTextEdit(placeholderText="Globex\nInitech")
        form.addRow("Folder", self.folder)
        form.addRow("", pick)
        form.addRow("Brand", self.brand)
        form.addRow("Executives (name, title)", self.execs)
        form.addRow("Competitors", self.competitors)
        form.addRow(QLabel("Search feeds from feeds.opml are added for each of them; edit later in Feeds."))
        b = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        b.accepted.connect(self.accept)
        b.rejected.connect(self.reject)
        form.addRow(b)

    def create(self):
        from pathlib import Path

        from orm_desktop.service import Service

        root = Path(self.folder.text().strip() or ".").expanduser() / "orm-workspace"
        brand = self.brand.text().strip()
        svc = Service.create(root)
        svc.set_setting("brand_name", brand)
        if brand:
            svc.add_entity("brand", brand, f'"{brand}"', match_existing=False)
        for line in self.execs.toPlainText().splitlines():
            name, _, title = (p.strip() for p in line.partition(","))
            if name:
                q = f'"{name}"' + (f' OR ({name.split()[-1]} AND "{brand}")' if brand and " " in name else "")
                svc.add_entity("executive", name, q, title=title, importance=0.8, match_existing=False)
        for line in self.competitors.toPlainText().splitlines():
            if line.strip():
                svc.add_entity("competitor", line.strip(), f'"{line.strip()}"', importance=0.5, match_existing=False)
        default = Path(__file__).resolve().parents[2] / "feeds.opml"
        if default.exists():
            svc.import_opml(default)
        return svc


class MainWindow(QMainWindow):
    switch_workspace = Signal(object)

    def __init__(self, svc) -> None:
        super().__init__()
        from orm_desktop.ui.inbox import InboxView

        self.svc = svc
        self.runner = TaskRunner(self)
        self.refresh_task = None
        self.read_only = False
        brand = svc.setting("brand_name") or "ORM Desktop"
        self.setWindowTitle(f"ORM Desktop — {brand}  ({svc.ws.root})")
        self.setWindowIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation))
        self.nav = QListWidget()
        self.nav.setIconSize(QSize(18, 18))
        self.nav.setMaximumWidth(260)
        self.stack = QStackedWidget()
        self.inbox = InboxView(svc, runner=self.runner)
        self.pages: dict[str, object] = {}
        self._add("Inbox", self.inbox, QStyle.StandardPixmap.SP_FileDialogDetailedView)
        self.build_nav()
        from PySide6.QtWidgets import QVBoxLayout, QWidget

        left = QWidget()
        left.setMinimumWidth(210)
        left_lay = QVBoxLayout(left)
        left_lay.setContentsMargins(0, 0, 0, 0)
        left_lay.addWidget(self.nav, 1)
        self._left_lay = left_lay
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.stack)
        split.setStretchFactor(1, 1)
        split.setSizes([210, 1190])
        self.setCentralWidget(split)
        self.nav.currentRowChanged.connect(self.go)
        self.inbox.status_message.connect(self.flash)
        self.inbox.draft_requested.connect(self.draft)
        self._status_bar()
        self._menus()
        self.timer = QTimer(self)
        self.timer.timeout.connect(lambda: self.refresh(quiet=True))
        minutes = int(svc.setting("refresh_minutes") or 0)
        if minutes:
            self.timer.start(minutes * 60_000)
        self.tray = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(self.windowIcon(), self)
            self.tray.setToolTip("ORM Desktop")
            self.tray.show()
        from orm_desktop.ui.deliveries import attach

        attach(self)  # Deliveries menu entry, opt-in tray mode (issue 16)
        self.nav.setCurrentRow(0)
        self.saved = QListWidget()
        self.saved.setMaximumHeight(160)
        self.saved.itemActivated.connect(self.open_saved_search)
        self._left_lay.addWidget(QLabel(" Saved searches"))
        self._left_lay.addWidget(self.saved)
        self.update_saved_searches()

    # -- saved searches (rules) with unread counts ---------------------------------------------
    def update_saved_searches(self) -> None:
        """Counts of new (unread) mentions per rule, computed off the GUI thread."""
        from orm_desktop.analysis import rules

        svc = self.svc

        def work(progress, cancel):
            out = []
            for r in rules.list_(svc.conn):
                ids = rules.matching_ids(svc.conn, r)
                unread = svc.conn.execute(
                    f"SELECT count(*) FROM mentions WHERE status = 'new' AND id IN ({','.join('?' * len(ids))})",
                    ids).fetchone()[0] if ids else 0
                out.append((r.id, r.name, unread))
            return out

        self.runner.start(work, on_success=self._saved_counts)

    def _saved_counts(self, rows) -> None:
        self.saved.clear()
        for rid, name, unread in rows:
            it = QListWidgetItem(f"{name} ({unread} new)")
            it.setData(Qt.ItemDataRole.UserRole, rid)
            self.saved.addItem(it)

    def open_saved_search(self, item) -> None:
        from orm_desktop.analysis import rules

        r = rules.get(self.svc.conn, item.data(Qt.ItemDataRole.UserRole))
        self.show_page("Inbox")
        f = self.inbox.filters
        c = r.conditions
        f.search.setText(c.get("terms", "").replace("(", " ").replace(")", " "))
        entity = self.svc.entity(c["entity"]).id if c.get("entity") else None
        f.show_entity(entity, sentiment=c.get("sentiment"))

    # -- navigation ------------------------------------------------------------------------------
    def _add(self, label: str, widget, icon) -> None:
        item = QListWidgetItem(self.style().standardIcon(icon), label)
        self.nav.addItem(item)
        self.stack.addWidget(widget)
        self.pages[label] = widget

    def build_nav(self) -> None:
        from orm_desktop.ui.manage import EntitiesView, FeedsView, SettingsView
        from orm_desktop.ui.pages import CompetitorsPage, DashboardPage, PersonalBrandPage
        from orm_desktop.ui.responses_view import ResponsesView

        sp = QStyle.StandardPixmap
        for e in self.svc.entities():
            if e.kind == "executive":
                page = PersonalBrandPage(self.svc, e.id)
                self._wire(page)
                self._add(f"{e.name}", page, sp.SP_DirHomeIcon)
        for label, page, icon in (("Competitors", CompetitorsPage(self.svc), sp.SP_ArrowRight),
                                  ("Dashboard", DashboardPage(self.svc), sp.SP_ComputerIcon)):
            self._wire(page)
            self._add(label, page, icon)
        self.responses = ResponsesView(self.svc)
        self.responses.status_message.connect(self.flash)
        self.responses.open_mention.connect(self.open_mention)
        self._add("Responses", self.responses, sp.SP_DialogSaveButton)
        from orm_desktop.ui.reports_view import ReportsView

        self.reports = ReportsView(self.svc)
        self.reports.status_message.connect(self.flash)
        self._add("Reports", self.reports, sp.SP_FileIcon)
        from orm_desktop.ui.rules_view import RulesView

        self.rules = RulesView(self.svc, self.runner)
        self.rules.status_message.connect(self.flash)
        self.rules.changed.connect(self.inbox.reload)
        self.rules.changed.connect(self.update_saved_searches)
        self._add("Rules", self.rules, sp.SP_FileDialogListView)
        self.feeds = FeedsView(self.svc)
        self.feeds.refresh_requested.connect(self.refresh)
        self.feeds.status_message.connect(self.flash)
        self._add("Feeds", self.feeds, sp.SP_DriveNetIcon)
        self.entities = EntitiesView(self.svc, self.runner)
        self.entities.status_message.connect(self.flash)
        self.entities.changed.connect(self.inbox.reload)
        self.entities.changed.connect(self.update_health)
        self._add("Entities", self.entities, sp.SP_FileDialogContentsView)
        settings = SettingsView(self.svc, runner=self.runner)
        settings.status_message.connect(self.flash)
        self._add("Settings", settings, sp.SP_FileDialogInfoView)
        for i in range(self.nav.count()):
            if self.nav.item(i).text() not in ("Inbox", "Competitors", "Dashboard", "Responses", "Reports",
                                                "Rules", "Feeds", "Entities", "Settings"):
                self.nav.item(i).setToolTip("Personal brand")

    def _wire(self, page) -> None:
        page.open_mention.connect(self.open_mention)
        page.filter_inbox.connect(self.filter_inbox)

    def go(self, row: int) -> None:
        self.stack.setCurrentIndex(row)
        w = self.stack.currentWidget()
        if w is self.feeds:
            self.feeds.reload()
        elif w is self.responses:
            self.responses.reload()

    def show_page(self, label: str) -> None:
        for i in range(self.nav.count()):
            if self.nav.item(i).text() == label:
                self.nav.setCurrentRow(i)
                return

    def open_mention(self, mention_id: int) -> None:
        """Show one mention in the inbox detail pane (whatever the filter)."""
        self.show_page("Inbox")
        self.inbox.detail.show_mention(mention_id)

    def filter_inbox(self, entity_id, sentiment) -> None:
        self.show_page("Inbox")
        self.inbox.filters.show_entity(entity_id, sentiment=sentiment)

    def draft(self, mention_id: int) -> None:
        self.show_page("Responses")
        self.responses.draft_for(mention_id)

    # -- status bar and refresh ----------------------------------------------------------------------
    def _status_bar(self) -> None:
        sb = self.statusBar()
        self.health = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setVisible(False)
        self.cancel_btn = QPushButton("Cancel")
        self.cancel_btn.setVisible(False)
        self.cancel_btn.clicked.connect(self.cancel_refresh)
        sb.addPermanentWidget(self.progress)
        sb.addPermanentWidget(self.cancel_btn)
        sb.addPermanentWidget(self.health)
        self.update_health()

    def update_health(self) -> None:
        h = self.svc.feed_health()
        last = self.svc.last_refresh()
        when = dt.datetime.fromtimestamp(last).strftime("%d %b %H:%M") if last else "never"
        alerts = len(self.svc.alerts())
        from orm_desktop.analysis.crisis import active

        crisis = ", ".join(name for _id, name, _s in active(self.svc.conn))
        if crisis and self.inbox.filters.order.currentData() != "priority":
            self.inbox.filters.order.setCurrentIndex(self.inbox.filters.order.findData("priority"))
        self.health.setText((f"CRISIS MODE: {crisis} · " if crisis else "")
                            + f"Last refresh {when} · feeds: {h['ok']} ok, {h['failing']} failing"
                            + (f" · ⚠ {alerts} open alert{'s' if alerts != 1 else ''}" if alerts else ""))

    def flash(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)

    def refresh(self, quiet: bool = False) -> None:
        if self.refresh_task is not None:
            return
        svc = self.svc

        def work(progress, cancel):
            summary = svc.fetch(jobs=4, progress=progress, cancel=cancel)
            return summary, svc.new_alerts

        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.cancel_btn.setVisible(True)
        self.refresh_task = self.runner.start(work, on_success=self.refresh_done, on_failure=self.refresh_failed,
                                              on_progress=self.refresh_progress)
        self.refresh_task.signals.finished.connect(self.refresh_finished)

    def refresh_progress(self, done: int, total: int, message: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.statusBar().showMessage(f"Refreshing {done}/{total}: {message}")

    def refresh_done(self, result) -> None:
        summary, new_alerts = result
        self.flash(f"Refresh: {summary.new_items} new items, {summary.new_mentions} new mentions, "
                   f"{summary.failed} feeds failed")
        self.inbox.model.reload()
        self.inbox.update_count()
        self.update_health()
        self.update_saved_searches()
        if summary.notified and self.tray is not None:  # rules marked "notify"
            text = ", ".join(f"{name}: {n}" for name, n in summary.notified)
            self.tray.showMessage("ORM Desktop — rules", f"New matches: {text}",
                                  QSystemTrayIcon.MessageIcon.Information, 10_000)
        if new_alerts and self.tray is not None:
            self.tray.showMessage("ORM Desktop", f"{new_alerts} new alert(s): {self.svc.alerts()[0].describe()}",
                                  QSystemTrayIcon.MessageIcon.Warning, 10_000)

    def refresh_failed(self, message: str, known: bool) -> None:
        if known:
            self.flash(message)
        else:
            QMessageBox.critical(self, "Refresh failed", message[-3000:])

    def refresh_finished(self) -> None:
        self.refresh_task = None
        self.progress.setVisible(False)
        self.cancel_btn.setVisible(False)

    def cancel_refresh(self) -> None:
        if self.refresh_task is not None:
            self.refresh_task.cancel.set()
            self.flash("Cancelling the refresh…")

    # -- menus ---------------------------------------------------------------------------------
    def _menus(self) -> None:
        mb = self.menuBar()
        f = mb.addMenu("&File")
        self._action(f, "&New workspace…", self.new_workspace, "Ctrl+N")
        self._action(f, "&Open workspace…", self.open_workspace, "Ctrl+O")
        f.addSeparator()
        self._action(f, "E&xport bundle…", self.export_bundle)
        self._action(f, "&Import bundle into a new workspace…", self.import_bundle)
        f.addSeparator()
        self._action(f, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        v = mb.addMenu("&View")
        self.exec_mode = self._action(v, "&Executive mode (read-only)", self.toggle_read_only, "Ctrl+E")
        self.exec_mode.setCheckable(True)
        for i, label in enumerate(("Inbox", "Dashboard", "Responses", "Feeds", "Entities")):
            self._action(v, label, lambda _=False, lbl=label: self.show_page(lbl), f"Ctrl+{i + 1}")
        fe = mb.addMenu("F&eeds")
        self._action(fe, "&Refresh now", self.refresh, "Ctrl+R")
        self._action(fe, "&Cancel refresh", self.cancel_refresh, "Esc")
        h = mb.addMenu("&Help")
        self._action(h, "&Keyboard shortcuts", self.inbox.show_help, "F1")
        self._action(h, "&About", lambda: QMessageBox.about(
            self, "ORM Desktop", "ORM Desktop — local-first online reputation management.\n"
            f"Workspace: {self.svc.ws.root}"))

    def _action(self, menu, label, fn, shortcut=None) -> QAction:
        a = QAction(label, self)
        if shortcut:
            a.setShortcut(QKeySequence(shortcut))
        a.triggered.connect(fn)
        menu.addAction(a)
        return a

    def toggle_read_only(self) -> None:
        self.read_only = self.exec_mode.isChecked()
        self.inbox.set_read_only(self.read_only)
        for label in ("Responses", "Feeds", "Entities", "Settings"):
            for i in range(self.nav.count()):
                if self.nav.item(i).text() == label:
                    self.nav.item(i).setHidden(self.read_only)
        self.flash("Executive mode: operator controls hidden" if self.read_only else "Operator mode")

    def new_workspace(self) -> None:
        wiz = NewWorkspaceWizard(self)
        if wiz.exec():
            try:
                self.switch_workspace.emit(wiz.create())
            except Exception as exc:  # noqa: BLE001 - show any creation problem to the user
                QMessageBox.warning(self, "Cannot create workspace", str(exc))

    def export_bundle(self) -> None:
        from orm_desktop.bundle import export_bundle
        from orm_desktop.errors import KnownError

        path, _ = QFileDialog.getSaveFileName(self, "Export bundle", "workspace.ormbundle",
                                              "ORM Desktop bundle (*.ormbundle)")
        if path:
            try:
                p = export_bundle(self.svc, path, by=self.svc.setting("current_user") or "gui")
            except (KnownError, OSError) as exc:
                QMessageBox.warning(self, "Cannot export", str(exc))
                return
            self.flash(f"wrote {path}: {len(p['entities'])} entities, {len(p['rules'])} rules, "
                       f"{len(p['audit'])} audit entries")

    def import_bundle(self) -> None:
        from pathlib import Path

        from orm_desktop.bundle import import_bundle
        from orm_desktop.errors import KnownError
        from orm_desktop.service import Service

        path, _ = QFileDialog.getOpenFileName(self, "Import bundle", "", "ORM Desktop bundle (*.ormbundle *.json)")
        if not path:
            return
        folder = QFileDialog.getExistingDirectory(self, "Folder for the new workspace")
        if not folder:
            return
        try:
            svc = Service.create(Path(folder) / "orm-workspace")
            import_bundle(svc, path, by="gui")
        except KnownError as exc:
            QMessageBox.warning(self, "Cannot import", str(exc))
            return
        self.switch_workspace.emit(svc)

    def open_workspace(self) -> None:
        from pathlib import Path

        from orm_desktop.errors import KnownError
        from orm_desktop.service import Service

        folder = QFileDialog.getExistingDirectory(self, "Open workspace")
        if folder:
            try:
                self.switch_workspace.emit(Service.open(Path(folder)))
            except KnownError as exc:
                QMessageBox.warning(self, "Cannot open workspace", str(exc))

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.runner.cancel_all()
        self.runner.wait(10_000)
        if self.tray is not None:
            self.tray.hide()
        super().closeEvent(event)


def icon_for(path: str) -> QIcon:
    return QIcon(path) if path else QIcon()


__all__ = ["MainWindow", "Qt"]
