"""File > Open workspace closes the workspace it leaves: its window's timers and background work
end, then its database connections (no handle left on its file, its WAL folded in), and nothing
done by the old window afterwards reaches the user as an error or the new workspace as a write."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import shiboken6

from tests.conftest import copy_workspace


def handles(db: Path) -> list[str]:
    """This process's open files on the workspace database (the file, its -wal and -shm)."""
    out = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # closed meanwhile (listdir's own descriptor)
            continue
        if target.startswith(str(db)):
            out.append(target)
    return out


def wal_left(db: Path) -> list[str]:
    return [p.name for p in (Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists() and p.stat().st_size]


def fingerprint(db: Path) -> tuple:
    """What a stray write would change, read over a connection of its own."""
    import contextlib
    import sqlite3

    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as c:
        return tuple(c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                     for t in ("mentions", "entities", "audit_log", "feeds", "settings", "responses")) + (
            c.execute("SELECT group_concat(engine) FROM (SELECT DISTINCT engine FROM mentions ORDER BY 1)").fetchone()[0],)


@pytest.fixture
def errors(monkeypatch):
    """What would reach the user as an error: anything the app's own exception hook gets (a
    traceback, or a dialog for a known error) and every warning box."""
    from PySide6.QtWidgets import QMessageBox

    from orm_desktop.ui.app import install_error_hook

    seen: list[str] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, exc, tb: seen.append(f"hook: {kind.__name__}: {exc}"))
    install_error_hook()  # the app's, over the recorder (a known error would be a warning box)
    for name in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, lambda _p, title, text, *a, _n=name, **k: seen.append(f"{_n}: {title}: {text}"))
    return seen


@pytest.fixture
def two(demo_root, tmp_path):
    return copy_workspace(demo_root, tmp_path / "a"), copy_workspace(demo_root, tmp_path / "b")


@pytest.fixture
def windows(qtbot):
    """The app's windows (ui/app.Windows), as app.run keeps them; all closed at the end."""
    from PySide6.QtWidgets import QApplication

    from orm_desktop.ui.app import Windows, close_windows

    wins = Windows(smoke_test=True)
    yield wins
    close_windows(QApplication.instance(), wins.windows)
    for w in list(wins.windows):
        if shiboken6.isValid(w):
            w.svc.close()


def open_from_menu(win, folder: Path, monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    win.open_workspace()


def test_switching_workspace_closes_the_old_database(windows, two, qtbot, monkeypatch, errors):
    from orm_desktop.service import Service

    a, b = two
    win = windows.show(Service.open(a))
    old_svc = win.svc
    assert win.svc.count_mentions() > 0
    assert handles(a / "orm.db")  # the test can see a handle when one is open
    open_from_menu(win, b, monkeypatch)
    qtbot.waitUntil(lambda: not shiboken6.isValid(win), timeout=15_000)  # the old window is gone
    assert [w.svc.ws.root for w in windows.windows] == [b]
    qtbot.waitUntil(lambda: not handles(a / "orm.db"), timeout=15_000)
    assert not wal_left(a / "orm.db")  # the last connection folded the WAL into the file
    new = windows.windows[0]
    assert new.svc.count_mentions() > 0 and handles(b / "orm.db")
    # the old service is closed for good: a late caller gets one known error, never a new connection
    from orm_desktop.errors import KnownError

    with pytest.raises(KnownError, match="closed"):
        old_svc.count_mentions()
    assert not handles(a / "orm.db")
    assert not errors, errors


def test_switching_while_work_runs_in_the_background(windows, two, qtbot, monkeypatch, errors, tmp_path):
    """A refresh waiting on a slow feed, a rescore, a report render and an entity write all in
    flight when the workspace changes: no exception, no error box, nothing written to the new
    workspace; the entity write (never cancelled) ends in the old one, then that one is closed."""
    from orm_desktop.service import Service
    from tests.feedserver import FeedServer

    a, b = two
    svc = Service.open(a)
    for f in svc.feeds():
        svc.update_feed(f.id, enabled=False)
    with FeedServer() as server:
        svc.add_feed(server.url("/slow/5"), title="Slow")
        win = windows.show(svc)
        before_b = fingerprint(b / "orm.db")
        win.refresh()
        qtbot.waitUntil(lambda: server.hits.get("/slow/5"), timeout=10_000)  # the request is in flight
        win.show_page("Entities")
        win.entities.new()
        win.entities.name.setText("Switchover Ltd")
        win.entities.save()  # the write runs in the worker
        settings = win.pages["Settings"]
        settings.engine.setCurrentText("vader")
        settings.rescore()
        win.reports.render(lambda *a: None)
        assert win.refresh_task is not None and win.entities.writing
        open_from_menu(win, b, monkeypatch)
        qtbot.waitUntil(lambda: not shiboken6.isValid(win), timeout=20_000)
        qtbot.waitUntil(lambda: not handles(a / "orm.db"), timeout=15_000)
    assert not errors, errors
    assert fingerprint(b / "orm.db") == before_b  # nothing of A's work went to B
    assert not wal_left(a / "orm.db")
    again = Service.open(a)
    try:
        assert "Switchover Ltd" in [e.name for e in again.entities()]  # the write was let finish
    finally:
        again.close()


def test_switching_a_to_b_and_back_to_a(windows, two, qtbot, monkeypatch, errors):
    from orm_desktop.service import Service

    a, b = two
    first = windows.show(Service.open(a))
    n = first.svc.count_mentions()
    qtbot.waitUntil(lambda: first.inbox.model.exact, timeout=10_000)
    shown = first.inbox.model.total
    open_from_menu(first, b, monkeypatch)
    qtbot.waitUntil(lambda: not shiboken6.isValid(first), timeout=15_000)
    second = windows.windows[0]
    open_from_menu(second, a, monkeypatch)
    qtbot.waitUntil(lambda: not shiboken6.isValid(second), timeout=15_000)
    third = windows.windows[0]
    assert third.svc.ws.root == a and third.svc.count_mentions() == n
    qtbot.waitUntil(lambda: not handles(b / "orm.db"), timeout=15_000)
    qtbot.waitUntil(lambda: third.inbox.model.exact, timeout=10_000)
    assert third.inbox.model.total == shown  # the window on A works again
    assert not errors, errors


def test_the_onboarding_rebuild_keeps_the_same_workspace_open(windows, tmp_path, qtbot, errors):
    """The set-up wizard's end opens a new window on the same service: that one is not closed."""
    from orm_desktop.service import Service

    svc = Service.create(tmp_path / "new")
    first = windows.show(svc)
    first.switch_workspace.emit(svc)
    qtbot.waitUntil(lambda: not shiboken6.isValid(first), timeout=15_000)
    assert windows.windows[0].svc is svc and svc.count_mentions() == 0
    assert not errors, errors


def test_in_tray_mode_the_window_left_closes_instead_of_hiding(windows, two, qtbot, monkeypatch, errors):
    """With "closing keeps running in the tray" on, the window of the workspace left hid to the tray
    and went on refreshing it, its database open."""
    from PySide6.QtWidgets import QSystemTrayIcon

    from orm_desktop.service import Service

    a, b = two
    svc = Service.open(a)
    svc.save_deliveries_config({**svc.deliveries_config(), "tray_mode": True})
    win = windows.show(svc)
    if win.tray is None:  # offscreen has no system tray: give the window an icon as a desktop would
        win.tray = QSystemTrayIcon(win.windowIcon(), win)
    open_from_menu(win, b, monkeypatch)
    qtbot.waitUntil(lambda: not shiboken6.isValid(win), timeout=15_000)
    qtbot.waitUntil(lambda: not handles(a / "orm.db"), timeout=15_000)
    assert not errors, errors


def test_a_task_working_when_its_workspace_shuts_down_closes_the_connection_itself(two, qtbot):
    """A pool thread inside the old workspace's connection at the switch: its connection is not
    closed under it (sqlite3 is not safe against that) but by the thread when its task ends; an
    idle pool thread's is closed at once; a later call is one known error."""
    import threading

    from orm_desktop.errors import WorkspaceClosed
    from orm_desktop.service import Service
    from orm_desktop.ui.tasks import TaskRunner, idle_thread

    a, _b = two
    svc = Service.open(a)
    runner = TaskRunner()
    inside, go_on = threading.Event(), threading.Event()
    after: list = []

    def work(progress, cancel):
        svc.count_mentions()  # this thread's connection, open
        inside.set()
        go_on.wait(10)
        try:
            svc.count_mentions()
        except WorkspaceClosed as exc:
            after.append(str(exc))
        return None

    with qtbot.waitSignal(runner.idle, timeout=10_000):
        runner.start(work)
        qtbot.waitUntil(inside.is_set, timeout=5000)
        svc.shut_down(idle=idle_thread)
        assert handles(a / "orm.db")  # the busy thread's connection: left to it
        go_on.set()
    assert after and "was closed" in after[0]
    qtbot.waitUntil(lambda: not handles(a / "orm.db"), timeout=5000)
    assert not wal_left(a / "orm.db")
    svc.close()  # closing again is nothing
    runner.deleteLater()
