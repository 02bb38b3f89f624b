"""File > Take offline snapshot… and File > Push to a team server… (issue 15 gaps): the real main
window offscreen (pytest-qt), the work in its thread pool, real SQLite folders and real databases
on the local PostgreSQL server; errors are one line in the dialog."""

from __future__ import annotations

import secrets
import socket

import pytest

from orm_desktop.service import Service

pytestmark = pytest.mark.both_backends


def _open(win, action):
    action.trigger()
    dlg = win.transfer_dialog
    assert dlg.isVisible() and dlg.isModal()
    return dlg


def _wait_done(qtbot, dlg, timeout: int = 120_000) -> str:
    qtbot.waitUntil(lambda: not dlg.running and dlg.status.text() not in ("", "Starting…"), timeout=timeout)
    return dlg.status.text()


def test_snapshot_from_the_file_menu_writes_a_read_only_period(qtbot, window, tmp_path):
    win = window
    dlg = _open(win, win.snapshot_action)
    dlg.days.setValue(3650)
    dlg.folder.setText(str(tmp_path / "offline"))
    dlg.start_button.click()
    assert dlg.running and dlg.progress.isVisible() and not dlg.start_button.isEnabled()
    text = _wait_done(qtbot, dlg)
    assert text.startswith("Wrote <b>"), text
    assert dlg.outcome["rows"]["mentions"] > 0 and not dlg.progress.isVisible()
    snap = Service.open(tmp_path / "offline")
    try:
        assert snap.snapshot is not None and "read-only" in snap.snapshot_label
        assert len(snap.mentions(limit=5)) > 0
    finally:
        snap.close()
    # the same folder again: one line saying what to do, the dialog stays usable
    dlg.start_button.click()
    text = _wait_done(qtbot, dlg)
    assert "already exists: name a new folder" in text and "Traceback" not in text
    assert dlg.start_button.isEnabled()
    dlg.reject()
    assert not dlg.isVisible()


@pytest.fixture
def empty_database(backend, request):
    """A new, empty database on the test server (the team push's target), dropped after."""
    from tests.conftest import pg_admin, pg_url

    request.getfixturevalue("pg_server")
    name = f"orm_test_push_{secrets.token_hex(4)}"
    pg_admin(f"CREATE DATABASE {name}")
    yield pg_url(name)
    pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_push_from_the_file_menu_copies_and_verifies_then_refuses_a_non_empty_target(qtbot, window,
                                                                                      empty_database):
    win = window
    if win.svc.ws.backend != "sqlite":  # a team workspace is already on a server: nothing to push
        assert not win.push_action.isEnabled() and "solo" in win.push_action.toolTip()
        return
    dlg = _open(win, win.push_action)
    dlg.url.setText("not a url")
    dlg.start_button.click()
    assert not dlg.running and "starting with postgresql://" in dlg.status.text()
    dlg.url.setText(empty_database)
    dlg.start_button.click()
    assert dlg.running
    text = _wait_done(qtbot, dlg)
    assert text.startswith("Copied "), text
    assert "every table's count matches" in text and dlg.outcome["audit_entries"] > 0
    team = Service.open(empty_database)
    try:
        assert len(team.mentions(limit=5)) == len(win.svc.mentions(limit=5))
    finally:
        team.close()
    dlg.start_button.click()  # again: the target is not empty any more
    text = _wait_done(qtbot, dlg)
    assert "is not empty" in text and "\n" not in text.strip() and "Traceback" not in text


def test_push_to_an_unreachable_server_says_so_in_one_line(qtbot, window):
    win = window
    if win.svc.ws.backend != "sqlite":
        pytest.skip("push copies a solo workspace; checked on the SQLite run")
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there: the connection is refused
    dlg = _open(win, win.push_action)
    dlg.url.setText(f"postgresql://nobody@127.0.0.1:{port}/acme")
    dlg.start_button.click()
    text = _wait_done(qtbot, dlg, timeout=30_000)
    assert "cannot reach the PostgreSQL server" in text and f"127.0.0.1:{port}" in text and "Traceback" not in text, text
