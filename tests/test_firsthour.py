"""A comms manager's first hour with their own brand (not the demo), and what an upgrade changed."""

from __future__ import annotations

import sqlite3

from orm_desktop import workspace as wsmod
from orm_desktop.service import Service
from tests.gui_support import open_window


def _legacy_workspace(root):
    """A workspace of schema 14 whose entity names an older version stored unchecked: opening it
    runs m015, which repairs five texts and writes a note for each into migration_log."""
    from tests.test_bundle import _legacy_rows

    ws = wsmod.create(root)
    raw = sqlite3.connect(ws.db_path, isolation_level=None)
    raw.execute("DROP TABLE migration_log")
    raw.execute("DROP INDEX IF EXISTS mentions_overdue")
    _legacy_rows(raw)
    raw.execute("PRAGMA user_version = 14")
    raw.close()
    return ws.root


def test_migration_notes_are_listed_by_info_and_shown_once_by_the_gui(tmp_path, run_cli, qtbot):
    root = _legacy_workspace(tmp_path / "ws")
    r = run_cli("info", workspace=root)  # this run migrates: the notes were written by it
    assert r.returncode == 0, r.stderr
    assert "upgrades:  5 changes made by schema migrations:" in r.stdout
    assert "migration 15: entity 3: name 'Ac\\tme' renamed 'Ac me (2)'" in r.stdout
    assert "\x1b" not in r.stdout and "\u202e" not in r.stdout
    svc = Service.open(root)
    try:
        win = open_window(qtbot, svc)
        qtbot.waitUntil(lambda: getattr(win, "migration_notice", None) is not None)
        box = win.migration_notice
        assert box.isVisible() and not box.isModal()  # the window stays usable
        assert "changed 5 things" in box.text() and "renamed 'Ac me (2)'" in box.text()
        qtbot.waitUntil(lambda: not svc.migration_notes(unseen=True))
        assert len(svc.migration_notes()) == 5  # still listed by info
        box.close()
        again = open_window(qtbot, svc)  # the next start: not shown again
        qtbot.waitUntil(lambda: not again.runner.running)
        assert getattr(again, "migration_notice", None) is None
    finally:
        svc.close()
