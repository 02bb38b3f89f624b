"""The GUI on a team workspace: the login is the user, so there is no "Working as" list to pick
someone else from (real MainWindow, offscreen, on a real team database)."""

from __future__ import annotations

import os

import pytest

from tests import team_scenario as ts

_reason = ts.server_reachable()
if _reason and os.environ.get("CI") != "true":
    pytest.skip(_reason, allow_module_level=True)


@pytest.fixture
def lab(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # the team workspace's local folder
    lab = ts.TeamLab().setup()
    yield lab
    lab.teardown()


def test_the_responses_view_shows_the_login_and_no_working_as_list(qtbot, lab):
    from orm_desktop.service import Service
    from tests.gui_support import open_window

    svc = Service.open(ts.url(lab.login("pat"), lab.db))
    try:
        win = open_window(qtbot, svc)
        view = win.responses
        assert view.user.isHidden()
        assert view.user.count() == 1 and view.me() == lab.login("pat")
        assert f"Signed in as <b>{lab.login('pat')}</b>" in view.working_as.text()
        win.close()
    finally:
        svc.close()


def test_a_solo_workspace_keeps_its_working_as_list(qtbot, demo_service):
    from tests.gui_support import open_window

    win = open_window(qtbot, demo_service)
    assert not win.responses.user.isHidden() and win.responses.user.count() > 1
    assert win.responses.working_as.text() == "Working as"
    win.close()
