"""The GUI opens a team workspace by URL, off its event loop."""

from __future__ import annotations

from tests.conftest import _pg_clone


def test_gui_opens_a_team_workspace_by_url(window, qtbot, request, pg_schema_template, monkeypatch, tmp_path):
    url = _pg_clone(request, pg_schema_template, monkeypatch, tmp_path)
    with qtbot.waitSignal(window.switch_workspace, timeout=20_000) as blocker:
        window.open_team_url(url)
    svc = blocker.args[0]
    try:
        assert svc.ws.url == url and svc.backend == "postgresql"
        assert svc.count_mentions() == 0
    finally:
        svc.close()


def test_switching_away_from_a_team_workspace_closes_its_connections(request, pg_schema_template, monkeypatch,
                                                                     tmp_path, demo_root, qtbot):
    """File > Open workspace from a team workspace's window: its PostgreSQL connections (one per
    thread that worked, and the live listener's) all end; they stayed open before."""
    import psycopg
    import shiboken6
    from PySide6.QtWidgets import QApplication, QFileDialog

    from orm_desktop.service import Service
    from orm_desktop.ui.app import Windows, close_windows
    from tests.conftest import PG_ADMIN_URL, copy_workspace

    url = _pg_clone(request, pg_schema_template, monkeypatch, tmp_path)
    name = url.rsplit("/", 1)[1]

    def backends() -> int:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as c:
            return c.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (name,)).fetchone()[0]

    solo = copy_workspace(demo_root, tmp_path / "solo")
    wins = Windows(smoke_test=True)
    try:
        win = wins.show(Service.open(url))
        qtbot.waitUntil(lambda: win.live.listener._ready.is_set(), timeout=10_000)
        assert backends() >= 2  # the window's own and the listener's at least
        monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(solo))
        win.open_workspace()
        qtbot.waitUntil(lambda: not shiboken6.isValid(win), timeout=20_000)
        qtbot.waitUntil(lambda: backends() == 0, timeout=10_000)
        assert [w.svc.ws.root for w in wins.windows] == [solo]
    finally:
        close_windows(QApplication.instance(), wins.windows)
        for w in wins.windows:
            w.svc.close()
