"""The GUI crawl (issue 12's guard), run as a script so a crash of the process is visible:

    python -m tests.gui_crawl WORKSPACE

Opens the main window on WORKSPACE, visits every page, sets every combo box to each of its
values, every tab, toggles every checkable control (and back), opens every dialog reachable from
the menus and from the views' "…" buttons and cancels it; then switches to executive mode and
checks that every editing control is off or refuses, and that nothing reached the database.
Exits 0 and prints one JSON line of counts; exits 1 listing every uncaught exception or
read-only violation. A segfault is the process dying (the caller sees the signal).
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
import traceback
from pathlib import Path

from PySide6.QtCore import QEventLoop, QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QWidget,
)

errors: list[str] = []
dialogs: list[str] = []
shown: list[str] = []  # every text put in front of the user: message boxes, dialog labels, status bar

# what a database error looks like when it reaches the user unexplained (a role lacking a privilege
# must see one clear line, or the control must be off)
RAW = ("permission denied", "insufficientprivilege", "psycopg", "sqlstate", "row-level security policy",
       "traceback", "violates row-level", "must be owner of")


def remember(text: str) -> None:
    if text and text.strip():
        shown.append(text.strip().removesuffix("[in ]").strip())


def excepthook(kind, value, tb) -> None:
    errors.append("".join(traceback.format_exception(kind, value, tb)))


def settle(app: QApplication, rounds: int = 3) -> None:
    """Run the events a change queued; then wait for the pages whose data loads in the background
    (ui/pages.py) to show it, a page that could not load being an error like an exception."""
    from orm_desktop.ui.pages import Page

    for _ in range(rounds):
        app.processEvents()
    # the pages once per call, from the top-level windows: a list of every widget (allWidgets) for
    # each wait made the crawl spend most of its time wrapping widgets (19 min suites)
    pages = [p for top in app.topLevelWidgets() for p in top.findChildren(Page)]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(p.loading for p in pages):
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
    for p in pages:
        if p.loading or p.error:
            error = f"{type(p).__name__}: {p.error or 'still loading after 30 s'}"
            if error not in errors:
                errors.append(error)


def close_modal() -> None:
    """Cancel whatever modal dialog is open (called from a timer: exec() blocks the crawl)."""
    w = QApplication.activeModalWidget()
    if w is None:
        return
    dialogs.append(f"{type(w).__name__}: {w.windowTitle()}")
    for label in w.findChildren(QLabel):
        remember(f"{label.text()} [in {w.windowTitle()}]")
    if isinstance(w, QMessageBox):
        remember(f"{w.text()} {w.informativeText()} {w.detailedText()} [in {w.windowTitle()}]")
    if type(w).__name__ == "PassphraseDialog":  # acting as a demo user: type the README's passphrase
        w.passphrase.setText(f"demo-{w.name}")
        w.try_unlock()
        if w.isVisible():
            w.reject()
    elif isinstance(w, QMessageBox) and w.escapeButton() is not None:
        w.escapeButton().click()
    elif isinstance(w, QDialog):
        w.reject()
    else:
        w.close()


def visible_in(page: QWidget, kind) -> list:
    return [w for w in page.findChildren(kind) if w.isVisible() and w.isEnabled() and w.window() is page.window()]


def crawl_page(app: QApplication, page: QWidget, counts: dict) -> None:
    """Every combo value and tab of the visible page, every checkable control toggled and back."""
    k = 0
    while True:
        combos = visible_in(page, QComboBox)
        if k >= len(combos):
            break
        n, start = combos[k].count(), combos[k].currentIndex()
        for i in list(range(n)) + [start]:
            combos = visible_in(page, QComboBox)  # a page may rebuild itself: look the combo up again
            if k >= len(combos) or i >= combos[k].count():
                break
            combos[k].setCurrentIndex(i)
            settle(app)
            counts["combo values"] += 1
        k += 1
    for tabs in visible_in(page, QTabWidget):
        for i in range(tabs.count()):
            tabs.setCurrentIndex(i)
            settle(app)
            counts["tabs"] += 1
    for tabs in visible_in(page, QTabBar):
        for i in range(tabs.count()):
            tabs.setCurrentIndex(i)
            settle(app)
            counts["tabs"] += 1
    checkables = [w for w in visible_in(page, QAbstractButton) if w.isCheckable()]
    for w in checkables:
        for _ in range(2):
            if w.isVisible() and w.isEnabled():
                w.click()
                settle(app)
                counts["toggles"] += 1


def dialog_buttons(page: QWidget) -> list[QPushButton]:
    return [b for b in visible_in(page, QPushButton) if b.text().endswith("…")]


def safe(w: QWidget) -> bool:
    while w is not None:
        if w.property("exec_safe"):
            return True
        w = w.parentWidget()
    return False


def editing(w: QWidget) -> bool:
    """A live control that could change something."""
    if not (w.isVisible() and w.isEnabled()):
        return False
    if isinstance(w, (QLineEdit, QPlainTextEdit, QTextEdit)):
        return not w.isReadOnly()
    if isinstance(w, QHeaderView):
        return False
    if isinstance(w, QAbstractItemView):
        model = w.model()
        root = QModelIndex()
        cols = 1 if isinstance(w, QListView) else model.columnCount(root)
        cells = [model.index(r, c) for r in range(min(model.rowCount(root), 3)) for c in range(cols)]
        return w.editTriggers() != QAbstractItemView.EditTrigger.NoEditTriggers and any(
            model.flags(i) & Qt.ItemFlag.ItemIsEditable for i in cells)
    if isinstance(w, QAbstractButton):
        return w.parentWidget() is not None and not isinstance(w.parentWidget(), QTabBar)
    return isinstance(w, (QComboBox, QAbstractSpinBox, QCheckBox))


class Writes:
    """Did any connection of the app commit to the database? (``PRAGMA data_version`` on a
    connection of our own changes when another connection commits.)"""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path)
        self.start = self.version()

    def version(self) -> int:
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def changed(self) -> bool:
        return self.version() != self.start


class PgWrites:
    """The same question on a team database: every table's row count and newest row version
    (``xmin``), read as the server's superuser (trust on the test server)."""

    def __init__(self, url: str) -> None:
        import os
        from urllib.parse import urlsplit

        import psycopg

        db = urlsplit(url).path.lstrip("/")
        self.conn = psycopg.connect(host=urlsplit(url).hostname, port=urlsplit(url).port or 5432, dbname=db,
                                    user=os.environ.get("ORM_TEST_PGUSER", "postgres"), autocommit=True)
        self.start = self.version()

    def version(self) -> list:
        tables = [r[0] for r in self.conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        return [(t, *self.conn.execute(f'SELECT count(*), coalesce(max(xmin::text::bigint), 0) FROM "{t}"').fetchone())
                for t in tables]

    def changed(self) -> bool:
        return self.version() != self.start


def writes_of(location: str):
    return PgWrites(location) if location.startswith("postgresql") else Writes(Path(location) / "orm.db")


def main(argv: list[str]) -> int:
    started = time.perf_counter()
    location = argv[0]
    root = location if location.startswith("postgresql") else Path(location)
    read_only_login = "--read-only-login" in argv  # a team login whose database role only reads
    sys.excepthook = excepthook
    from PySide6.QtCore import qInstallMessageHandler

    qt_log: list[str] = []  # Qt's warnings: "Ambiguous shortcut overload" (a QAction's key bound twice) fires nothing
    qInstallMessageHandler(lambda _mode, _context, message: qt_log.append(message))
    QApplication.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs)
    app = QApplication.instance() or QApplication([])
    from orm_desktop.service import Service
    from orm_desktop.ui.app import close_windows
    from orm_desktop.ui.main_window import MainWindow

    svc = Service.open(root)
    win = MainWindow(svc)
    win.resize(1300, 850)
    win.statusBar().messageChanged.connect(remember)
    from PySide6.QtGui import QShortcut

    for shortcut in win.findChildren(QShortcut):  # a key bound twice: Qt fires neither (QShortcut logs nothing)
        shortcut.activatedAmbiguously.connect(lambda sc=shortcut: qt_log.append(f"Ambiguous shortcut {sc.key().toString()}"))
    win.show()
    settle(app)
    violations: list[str] = []
    writes = writes_of(location) if read_only_login else None
    if read_only_login and not (win.read_only and not win.exec_mode.isEnabled()):
        violations.append("a read-only login opened the window in operator mode")
    closer = QTimer()
    closer.setInterval(25)
    closer.timeout.connect(close_modal)
    closer.start()
    if hasattr(win, "maybe_onboard"):  # as the app starts: an empty workspace opens the set-up wizard
        win.maybe_onboard()
        settle(app)
    counts = {"pages": 0, "combo values": 0, "tabs": 0, "toggles": 0, "dialogs": 0}

    # the inbox's count is the store's (a view must not lie)
    win.show_page("Inbox")
    win.runner.wait(30_000)
    settle(app)
    stored = svc.count_mentions(win.inbox.model.filter)
    if win.inbox.model.total != stored or (stored and not win.inbox.count_label.text().startswith(f"{stored:,} mention")):
        violations.append(f"inbox shows {win.inbox.model.total} ({win.inbox.count_label.text()!r}), the store has {stored}")

    # 1. operator mode: every page, every control
    for row in range(win.nav.count()):
        if win.nav.item(row).isHidden():
            continue
        win.nav.setCurrentRow(row)
        settle(app)
        page = win.stack.currentWidget()
        counts["pages"] += 1
        crawl_page(app, page, counts)
        for b in dialog_buttons(page):
            if b.isVisible() and b.isEnabled():
                b.click()
                win.runner.wait(30_000)  # e.g. the report renders first, then its preview opens
                settle(app)
    if "--press-buttons" in argv:  # a throw-away copy: press every plain button of the editing views too
        counts["off for the team role"] = 0
        for label in ("Entities", "Feeds", "Rules", "Settings", "Responses"):
            if label not in win.pages or win.nav.item(list(win.pages).index(label)).isHidden():
                continue
            win.show_page(label)
            settle(app)
            page = win.stack.currentWidget()
            # what the login's team role may not use is off (ui/widgets.team_gate), saying who may
            for w in page.findChildren(QWidget):
                if w.property("team_refusal"):
                    counts["off for the team role"] += 1
                    if editing(w) or "only" not in w.toolTip():
                        violations.append(f"{label}: {type(w).__name__} {getattr(w, 'text', lambda: '')()!r} is "
                                          f"refused to this role but live, or says not who may ({w.toolTip()!r})")
            for b in [b for b in visible_in(page, QPushButton) if not b.isCheckable() and not b.text().endswith("…")]:
                if b.isVisible() and b.isEnabled():
                    before = len(shown)
                    b.click()
                    win.runner.wait(30_000)
                    settle(app)
                    counts["buttons"] = counts.get("buttons", 0) + 1
                    refused = [t for t in shown[before:] if "team role does not allow this" in t]
                    if refused and label != "Responses":  # the GUI offered what the database refuses
                        violations.append(f"{label}: the enabled button {b.text()!r} was refused by the "
                                          f"database: {refused[0][:200]!r}")
    # every menu action that opens a dialog (Quit, refresh and the mode switch are not dialogs)
    for action in win.findChildren(QAction):
        text = action.text().replace("&", "")
        if text.endswith("…") or text in ("About", "Keyboard shortcuts"):
            action.trigger()
            settle(app)
    counts["dialogs"] = len(dialogs)
    for page in win.pages.values():
        for label in page.findChildren(QLabel):
            remember(label.text())

    # 2. executive mode: read-only everywhere
    writes = writes or writes_of(location)
    win.show_page("Entities")
    settle(app)
    win.exec_mode.trigger()
    settle(app)
    if not win.read_only:
        violations.append("Ctrl+E did not switch executive mode on")
    for row in range(win.nav.count()):
        item = win.nav.item(row)
        win.show_page(item.text())
        settle(app)
        page = win.stack.currentWidget()
        if item.isHidden():
            if page is win.pages[item.text()]:
                violations.append(f"{item.text()}: reachable in executive mode")
            if win.pages[item.text()].isEnabled():
                violations.append(f"{item.text()}: enabled in executive mode")
            continue
        crawl_page(app, page, counts)
        for w in page.findChildren(QWidget):
            if editing(w) and not safe(w):
                violations.append(f"{item.text()}: live {type(w).__name__} {getattr(w, 'text', lambda: '')()!r}")
        for b in dialog_buttons(page):
            if b.isVisible() and b.isEnabled():
                b.click()
                settle(app)
    win.show_page("Inbox")
    settle(app)
    table = win.inbox.table
    if win.inbox.model.total:
        win.activateWindow()  # shortcuts fire in the active window only
        settle(app)
        table.setFocus()
        table.selectRow(0)
        for key in (Qt.Key.Key_F, Qt.Key.Key_E, Qt.Key.Key_R, Qt.Key.Key_M, Qt.Key.Key_U, Qt.Key.Key_Plus,
                    Qt.Key.Key_Minus, Qt.Key.Key_0, Qt.Key.Key_Backspace, Qt.Key.Key_D, Qt.Key.Key_C, Qt.Key.Key_J,
                    Qt.Key.Key_K, Qt.Key.Key_Escape):
            QTest.keyClick(table, key)
            settle(app)
    for action in win.findChildren(QAction):
        if action.isEnabled() and action.shortcut().toString().startswith("Ctrl+") and action is not win.exec_mode \
                and action.shortcut().toString() not in ("Ctrl+R", "Ctrl+Q"):
            action.trigger()
            settle(app)
            current = win.nav.currentItem()
            if current is not None and current.isHidden():
                violations.append(f"{action.text()}: opened a hidden view")
    win.exec_mode.trigger()  # leaving asks; the dialog is cancelled
    settle(app)
    if not win.read_only:
        violations.append("left executive mode without confirmation")
    win.runner.wait(20_000)
    settle(app)
    if writes.changed():
        violations.append("the database changed in executive mode")
    violations += [f"Qt: {m}" for m in qt_log if "Ambiguous shortcut" in m]
    counts["refusals shown"] = sorted({t for t in shown if "team role" in t or "may not" in t})
    for text in shown:
        if any(marker in text.lower() for marker in RAW):
            violations.append(f"a raw database error shown to the user: {text[:300]!r}")
    closer.stop()
    win.close()
    close_windows(app, [win])  # what the app does when its event loop ends
    svc.close()
    counts["seconds"] = round(time.perf_counter() - started, 1)
    counts["platform"] = app.platformName()
    counts["dialogs seen"] = sorted(set(dialogs))
    for e in errors:
        print("UNCAUGHT EXCEPTION:\n" + e, file=sys.stderr)
    for v in violations:
        print("VIOLATION: " + v, file=sys.stderr)
    print(json.dumps(counts))
    sys.stdout.flush()
    return 1 if errors or violations else 0


if __name__ == "__main__":
    try:
        code = main(sys.argv[1:])
    except BaseException:  # a bug of the crawl itself: say so (sys.excepthook is ours by then)
        traceback.print_exc()
        code = 3
    sys.exit(code)
