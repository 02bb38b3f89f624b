"""Fixtures of the security tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def lab(team_lab_shared, tmp_path_factory):
    """The shared team database (tests/conftest.py) and the apps of its logins, one per login
    for the module (test_refused_leaves_no_entry, test_raw_change_needs_entry; a module with a
    `lab` of its own uses that)."""
    import os

    old = os.environ.get("XDG_DATA_HOME")
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("xdg"))  # the team workspace's local folder
    team_lab_shared.apps = {}
    team_lab_shared.tmp_reports = tmp_path_factory.mktemp("reports")
    yield team_lab_shared
    for app in team_lab_shared.apps.values():
        app.close()
    if old is None:
        os.environ.pop("XDG_DATA_HOME", None)
    else:
        os.environ["XDG_DATA_HOME"] = old
