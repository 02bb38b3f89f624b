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
