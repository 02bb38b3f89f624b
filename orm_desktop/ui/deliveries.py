"""Deliveries settings (issue 16): SMTP server, recipients, chat webhooks, schedule, tray mode,
the outbox with its retry state, and "Send test message". Plus ``attach(window)``: the menu
entry and the opt-in tray mode (closing the window keeps the app running in the tray).

Every network call runs off the GUI thread through the window's TaskRunner."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSystemTrayIcon,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from orm_desktop.errors import KnownError
from orm_desktop.ui.tasks import TaskRunner
from orm_desktop.ui.widgets import (
    FlowLayout,
    button_row,
    buttons_of,
    fit_to_screen,
    named,
    stay_for_unsaved,
)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
OUTBOX_COLS = ("#", "Kind", "To", "State", "Attempts", "Next attempt", "Sent", "Last error")


def _when(ts: int | None) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%d %b %H:%M") if ts else ""


def _table(cols, name: str) -> QTableWidget:
    """A table of ``cols``; Tab leaves it (arrows move between cells; Tab while editing a cell goes
    to the next cell), else a table with rows wrapped Tab round its cells for ever."""
    t = named(QTableWidget(0, len(cols)), name, tab_leaves=True)
    t.setHorizontalHeaderLabels(list(cols))
    t.verticalHeader().setVisible(False)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    return t


class DeliveriesDialog(QDialog):
    """Settings and outbox. ``status`` shows the outcome of the last action."""

    def __init__(self, svc, parent: QWidget | None = None, runner: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self.svc = svc
        self.runner = runner or TaskRunner(self)
        self.setWindowTitle("Deliveries — mail, chat and background runs")
        cfg = svc.deliveries_config()
        s = cfg["smtp"]
        # the settings scroll, the status and the buttons stay: its 853 px of content were taller
        # than a 1280 x 720 screen, and Save and Close were below its edge
        outer = QVBoxLayout(self)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # not a Tab stop of its own: its fields are
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        content = QWidget()
        lay = QVBoxLayout(content)
        lay.setContentsMargins(0, 0, 0, 0)
        scroll.setWidget(content)
        outer.addWidget(scroll, 1)

        smtp = QGroupBox("Mail server (SMTP)")
        form = QFormLayout(smtp)
        self.host = QLineEdit(s["host"], placeholderText="smtp.example.org")
        self.port = QSpinBox(minimum=1, maximum=65535, value=int(s["port"]))
        self.security = QComboBox()
        self.security.addItems(["starttls", "tls", "none"])
        self.security.setCurrentText(s["security"])
        self.username = QLineEdit(s["username"], placeholderText="empty for a relay without login")
        self.password = QLineEdit(placeholderText="unchanged (kept in the OS keyring, never in the workspace)")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.sender = QLineEdit(s["sender"], placeholderText="comms@example.org")
        hp = QHBoxLayout()
        hp.addWidget(self.host, 1)
        hp.addWidget(QLabel("port"))
        hp.addWidget(self.port)
        hp.addWidget(self.security)
        form.addRow("Server", hp)
        form.addRow("User", self.username)
        form.addRow("Password", self.password)
        form.addRow("From", self.sender)
        lay.addWidget(smtp)

        people = QGroupBox("People (digest every morning, alert mails, weekly report)")
        pl = QVBoxLayout(people)
        self.people = _table(("Name (workspace user)", "E-mail", "Digest", "Alerts", "Weekly report"), "People")
        for r in cfg["recipients"]:
            self._add_person(r)
        self.people.setMaximumHeight(140)
        pl.addWidget(self.people)
        pl.addLayout(button_row([("Add person", lambda: self._add_person({})),
                                 ("Remove selected", lambda: self._remove_selected(self.people))]))
        lay.addWidget(people)

        hooks = QGroupBox("Chat webhooks (alerts and crisis events)")
        hl = QVBoxLayout(hooks)
        self.hooks = _table(("Name", "Format", "URL (stored in the OS keyring)"), "Chat webhooks")
        for w in cfg["webhooks"]:
            self._add_hook(w)
        self.hooks.setMaximumHeight(110)
        hl.addWidget(self.hooks)
        hl.addLayout(button_row([("Add webhook", lambda: self._add_hook({})),
                                 ("Remove selected", lambda: self._remove_selected(self.hooks))]))
        lay.addWidget(hooks)

        when = QGroupBox("When")
        wl = FlowLayout(when)  # wraps on a narrow screen
        self.digest_hour = QSpinBox(minimum=0, maximum=23, value=int(cfg["digest_hour"]), suffix=":00")
        self.report_day = QComboBox()
        self.report_day.addItems(WEEKDAYS)
        self.report_day.setCurrentIndex(int(cfg["report_weekday"]))
        self.report_hour = QSpinBox(minimum=0, maximum=23, value=int(cfg["report_hour"]), suffix=":00")
        self.tray_mode = QCheckBox("Closing the window keeps ORM Desktop running in the tray")
        self.tray_mode.setChecked(bool(cfg["tray_mode"]))
        for w in (QLabel("Digest after"), self.digest_hour, QLabel("  Weekly report on"), self.report_day,
                  QLabel("after"), self.report_hour):
            wl.addWidget(w)
        wl.addWidget(self.tray_mode)
        lay.addWidget(when)

        box = QGroupBox("Outbox")
        ol = QVBoxLayout(box)
        self.counts = QLabel()
        ol.addWidget(self.counts)
        self.outbox = _table(OUTBOX_COLS, "Outbox")
        self.outbox.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.outbox.setMinimumHeight(180)
        ol.addWidget(self.outbox, 1)
        ol.addLayout(button_row([("Send due now", self.send_now), ("Resend selected", self.resend_selected),
                                 ("Reload", self.reload_outbox)]))
        lay.addWidget(box, 1)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.status)
        bottom = button_row([("Save", self.save), ("Send test message", self.send_test), ("Close", self.accept)])
        outer.addLayout(bottom)
        # Enter saves (it added an empty person: "Add person" was the first button, so the default)
        for b in self.findChildren(QPushButton):
            b.setAutoDefault(False)
        buttons_of(bottom)["Save"].setDefault(True)
        fit_to_screen(self, 920, 760)
        self.read = cfg  # the settings as read (or last saved): a recovered edit is checked against them
        self.reload_outbox()

    def fill(self, cfg: dict) -> None:
        """The form set to ``cfg`` (a recovered edit; secrets are never part of it)."""
        s = cfg.get("smtp") or {}
        self.host.setText(str(s.get("host") or ""))
        self.port.setValue(int(s.get("port") or 587))
        self.security.setCurrentText(str(s.get("security") or "starttls"))
        self.username.setText(str(s.get("username") or ""))
        self.sender.setText(str(s.get("sender") or ""))
        self.people.setRowCount(0)
        for r in cfg.get("recipients") or []:
            if isinstance(r, dict):
                self._add_person({k: v for k, v in r.items() if isinstance(v, str | bool)})
        self.hooks.setRowCount(0)
        for w in cfg.get("webhooks") or []:
            if isinstance(w, dict):
                self._add_hook({k: v for k, v in w.items() if isinstance(v, str)})
        self.digest_hour.setValue(int(cfg.get("digest_hour") or 0))
        self.report_day.setCurrentIndex(int(cfg.get("report_weekday") or 0))
        self.report_hour.setValue(int(cfg.get("report_hour") or 0))
        self.tray_mode.setChecked(bool(cfg.get("tray_mode")))

    # -- tables ----------------------------------------------------------------------------------
    def _add_person(self, r: dict) -> None:
        row = self.people.rowCount()
        self.people.insertRow(row)
        self.people.setItem(row, 0, QTableWidgetItem(r.get("name", "")))
        self.people.setItem(row, 1, QTableWidgetItem(r.get("email", "")))
        for col, key in ((2, "digest"), (3, "alerts"), (4, "reports")):
            it = QTableWidgetItem()
            it.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            it.setCheckState(Qt.CheckState.Checked if r.get(key, True) else Qt.CheckState.Unchecked)
            self.people.setItem(row, col, it)

    def _add_hook(self, w: dict) -> None:
        row = self.hooks.rowCount()
        self.hooks.insertRow(row)
        self.hooks.setItem(row, 0, QTableWidgetItem(w.get("name", "")))
        fmt = QComboBox()
        fmt.addItems(["slack", "teams", "mattermost"])
        fmt.setCurrentText(w.get("format", "slack"))
        self.hooks.setCellWidget(row, 1, fmt)
        url = QLineEdit(placeholderText="unchanged" if w else "https://hooks.slack.com/services/…")
        url.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        self.hooks.setCellWidget(row, 2, url)

    @staticmethod
    def _remove_selected(table: QTableWidget) -> None:
        for row in sorted({i.row() for i in table.selectedIndexes()}, reverse=True):
            table.removeRow(row)

    def _text(self, table: QTableWidget, row: int, col: int) -> str:
        it = table.item(row, col)
        return it.text().strip() if it else ""

    # -- actions ---------------------------------------------------------------------------------
    def config(self) -> dict:
        cfg = self.svc.deliveries_config()
        cfg["smtp"].update(host=self.host.text().strip(), port=self.port.value(),
                           security=self.security.currentText(), username=self.username.text().strip(),
                           sender=self.sender.text().strip())
        cfg["recipients"] = [
            {"name": self._text(self.people, r, 0), "email": self._text(self.people, r, 1),
             **{k: self.people.item(r, c).checkState() == Qt.CheckState.Checked
                for c, k in ((2, "digest"), (3, "alerts"), (4, "reports"))}}
            for r in range(self.people.rowCount()) if self._text(self.people, r, 1)]
        cfg["webhooks"] = [{"name": self._text(self.hooks, r, 0), "format": self.hooks.cellWidget(r, 1).currentText()}
                           for r in range(self.hooks.rowCount()) if self._text(self.hooks, r, 0)]
        cfg.update(digest_hour=self.digest_hour.value(), report_weekday=self.report_day.currentIndex(),
                   report_hour=self.report_hour.value(), tray_mode=self.tray_mode.isChecked())
        return cfg

    def save(self) -> bool:
        try:
            self.svc.save_deliveries_config(self.config())
            if self.password.text():
                self.svc.set_delivery_secret(smtp_password=self.password.text())
                self.password.clear()
            for r in range(self.hooks.rowCount()):
                url = self.hooks.cellWidget(r, 2).text().strip()
                if url and self._text(self.hooks, r, 0):
                    self.svc.set_delivery_secret(webhook=self._text(self.hooks, r, 0), url=url)
                    self.hooks.cellWidget(r, 2).clear()
        except KnownError as exc:
            self.show_status(f"Not saved: {exc}", error=True)
            return False
        self.show_status("Saved. Secrets are in the OS keyring.")
        self.read = self.svc.deliveries_config()
        return True

    def unsaved(self) -> bool:
        """Settings changed and not saved, or a password or webhook address typed and not saved."""
        hooks = [self.hooks.cellWidget(r, 2) for r in range(self.hooks.rowCount())]
        return (self.config() != self.svc.deliveries_config() or bool(self.password.text())
                or any(w is not None and w.text().strip() for w in hooks))

    def done(self, result: int) -> None:
        """Close, Esc or the window's close button: typed settings are not dropped unasked (the
        dialog keeps them on disk while open, for a crash; closing it threw them away silently)."""
        if self.isVisible() and self.unsaved() and stay_for_unsaved(
                self, "Unsaved delivery settings", "Save your changes to the delivery settings first?",
                self.save, self.unsaved):
            return
        super().done(result)

    def send_test(self) -> None:
        if not self.save():
            return
        svc = self.svc
        self.show_status("Sending a test message…")
        self.runner.start(lambda progress, cancel: svc.send_test_message(),
                          on_success=self._test_sent, on_failure=self._failed)

    def _test_sent(self, to: str) -> None:
        self.show_status(f"Test message sent to {to}.")

    def _failed(self, message: str, known: bool) -> None:
        self.show_status(message if known else message.strip().splitlines()[-1], error=True)

    def send_now(self) -> None:
        svc = self.svc
        self.show_status("Sending the outbox…")
        self.runner.start(lambda progress, cancel: svc.send_outbox(), on_success=self._sent, on_failure=self._failed)

    def _sent(self, report) -> None:
        self.show_status(f"{report.sent} sent, {report.retrying} to retry, {report.uncertain} uncertain, "
                         f"{report.failed} failed" + (f": {report.errors[0]}" if report.errors else ""),
                         error=bool(report.errors))
        self.reload_outbox()

    def resend_selected(self) -> None:
        ids = [int(self.outbox.item(r, 0).text()) for r in sorted({i.row() for i in self.outbox.selectedIndexes()})]
        n = self.svc.resend(ids)
        self.show_status(f"{n} message(s) queued again; they go out with the next run or “Send due now”.")
        self.reload_outbox()

    def reload_outbox(self) -> None:
        rows = self.svc.outbox(limit=300)
        counts = self.svc.outbox_counts()
        self.counts.setText("  ·  ".join(f"{k}: {counts.get(k, 0)}" for k in
                                         ("pending", "retrying", "sent", "uncertain", "failed")) or "empty")
        self.outbox.setRowCount(len(rows))
        colors = {"failed": Qt.GlobalColor.darkRed, "uncertain": Qt.GlobalColor.darkYellow,
                  "pending": Qt.GlobalColor.darkBlue}
        for i, r in enumerate(rows):
            values = (str(r.id), r.kind, r.target, r.state, str(r.attempts),
                      _when(r.next_attempt) if r.state == "pending" else "", _when(r.sent_at), r.last_error)
            for c, v in enumerate(values):
                it = QTableWidgetItem(v)
                if r.state in colors:
                    it.setForeground(colors[r.state])
                if c == 7:
                    it.setToolTip(v)
                self.outbox.setItem(i, c, it)

    def show_status(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet("color: #B03A2E;" if error else "")
        self.status.setText(text)


class DeliveriesDrafts:
    """The open Deliveries dialog's unsaved settings, for crash recovery (ui/recovery.py). The
    password and webhook URLs typed are never kept on disk: they go to the OS keyring or nowhere."""

    def __init__(self, window) -> None:
        self.window = window

    def _open(self) -> DeliveriesDialog | None:
        return next((d for d in self.window.findChildren(DeliveriesDialog) if d.isVisible()), None)

    def recovery_state(self) -> tuple[str, str, dict, dict] | None:
        d = self._open()
        if d is None:
            return None
        cfg = d.config()
        if cfg == self.window.svc.deliveries_config():
            return None
        return "deliveries", "settings", {"config": cfg}, {"config": d.read}

    def recovered_outcome(self, rec) -> tuple[str, str]:
        stored = self.window.svc.deliveries_config()
        if stored == rec.value["config"]:
            return "same", ""
        if stored != rec.base["config"]:
            return "changed", rec.changed("The delivery settings")
        return "ok", ""

    def restore_recovered(self, rec) -> tuple[str, str]:
        d = DeliveriesDialog(self.window.svc, self.window, runner=self.window.runner)
        d.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        d.fill(rec.value["config"])
        d.open()
        return "restored", f"Restored {rec.describe()} (from {rec.when()}); they are not saved yet"


class DeliveriesStatus(QLabel):
    """A status-bar note when mail or chat messages wait for a retry, are uncertain or failed;
    hidden when all is well. Clicking it opens the Deliveries dialog. Re-read every minute (a
    count on the outbox's state index: well under a millisecond)."""

    def __init__(self, svc, open_dialog, parent: QWidget | None = None) -> None:
        from PySide6.QtCore import QTimer

        super().__init__(parent)
        self.svc = svc
        self.linkActivated.connect(lambda _link: open_dialog())
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.update_state)
        self.timer.start(60_000)
        self.update_state()

    def update_state(self) -> None:
        try:
            counts = self.svc.outbox_counts()
        except KnownError:
            return
        parts = [f"{counts['retrying']} waiting to retry" if counts.get("retrying") else "",
                 f"{counts.get('uncertain', 0)} uncertain" if counts.get("uncertain") else "",
                 f"{counts.get('failed', 0)} failed" if counts.get("failed") else ""]
        text = ", ".join(p for p in parts if p)
        self.setVisible(bool(text))
        self.setText(f'<a href="deliveries">Deliveries: {text}</a>' if text else "")


# -- the main window's hook ---------------------------------------------------------------------
def tray_available() -> bool:
    return QSystemTrayIcon.isSystemTrayAvailable()


class _TrayMode(QObject):
    """Closing the window hides it to the tray when the setting is on and a tray exists."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.quitting = False
        self.hinted = False

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        if (obj is self.window and event.type() == QEvent.Type.Close and not self.quitting
                and not getattr(self.window, "switching", False)):  # another workspace replaces it: it closes
            tray = getattr(self.window, "tray", None)
            if tray is not None and self.window.svc.deliveries_config().get("tray_mode"):
                event.ignore()
                self.window.hide()
                if not self.hinted:
                    tray.showMessage("ORM Desktop", "Still running in the tray: refreshes and alerts go on. "
                                     "Quit from the tray menu.", QSystemTrayIcon.MessageIcon.Information, 5000)
                    self.hinted = True
                return True
        return False

    def quit(self) -> None:
        from PySide6.QtWidgets import QApplication

        self.quitting = True
        if self.window.close():  # else it asks about unsaved edits first, and quits if told to
            QApplication.instance().quit()


def attach(window) -> None:
    """Add "Deliveries…" to the File menu and the opt-in tray mode (one call from MainWindow)."""
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QApplication, QMenu

    def open_dialog() -> None:
        DeliveriesDialog(window.svc, window, runner=window.runner).exec()

    action = QAction("&Deliveries (mail, chat, background runs)…", window)
    action.triggered.connect(open_dialog)
    window.deliveries_action = action
    menus = [a.menu() for a in window.menuBar().actions() if a.menu() and a.text().replace("&", "") == "File"]
    if menus:
        menus[0].insertAction(menus[0].actions()[-1] if menus[0].actions() else None, action)
    else:
        window.menuBar().addAction(action)
    window.deliveries_status = DeliveriesStatus(window.svc, open_dialog, window)
    window.statusBar().addPermanentWidget(window.deliveries_status)
    mode = _TrayMode(window)
    window.tray_mode = mode
    window.installEventFilter(mode)
    if window.tray is None and tray_available():
        window.tray = QSystemTrayIcon(window.windowIcon(), window)
        window.tray.show()
    if window.tray is not None:
        menu = QMenu(window)
        menu.addAction("Open ORM Desktop", lambda: (window.showNormal(), window.raise_(), window.activateWindow()))
        menu.addAction("Deliveries…", open_dialog)
        menu.addSeparator()
        menu.addAction("Quit ORM Desktop", mode.quit)
        window.tray.setContextMenu(menu)
        window.tray.activated.connect(lambda reason: window.showNormal()
                                      if reason == QSystemTrayIcon.ActivationReason.Trigger else None)
        if window.svc.deliveries_config().get("tray_mode"):
            QApplication.instance().setQuitOnLastWindowClosed(False)
