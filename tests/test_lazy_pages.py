"""The main window builds a page's widgets when the page is first needed (shown, reached by a key,
a menu action or a signal that targets it), not all of them up front: building the window (at
start and at every workspace switch) builds the Inbox only."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")


def built_pages(win) -> set[str]:
    """The labels of the stack's pages that are real pages (not placeholders)."""
    from orm_desktop.ui.inbox import InboxView
    from orm_desktop.ui.manage import EntitiesView, FeedsView, SettingsView
    from orm_desktop.ui.pages import Page
    from orm_desktop.ui.reports_view import ReportsView
    from orm_desktop.ui.responses_view import ResponsesView
    from orm_desktop.ui.rules_view import RulesView

    kinds = (InboxView, Page, ResponsesView, ReportsView, RulesView, FeedsView, EntitiesView, SettingsView)
    return {win.nav.item(i).text() for i in range(win.stack.count()) if isinstance(win.stack.widget(i), kinds)}


def test_the_window_builds_only_the_inbox_and_a_page_when_it_is_needed(window, qtbot) -> None:
    assert built_pages(window) == {"Inbox"}
    assert window.nav.count() == window.stack.count() == 12  # every page has its row and its place
    window.open_page("Dashboard")  # Ctrl+2
    assert built_pages(window) == {"Inbox", "Dashboard"}
    assert window.stack.currentWidget() is window.pages["Dashboard"]
    window.nav.setCurrentRow(1)  # the first executive's page, by the sidebar
    assert built_pages(window) == {"Inbox", "Dashboard", window.nav.item(1).text()}
    assert window.stack.currentWidget() is window.pages[window.nav.item(1).text()]


def test_a_menu_action_on_a_page_not_built_builds_it_first(window, qtbot) -> None:
    from PySide6.QtGui import QAction

    responses = next(a for a in window.findChildren(QAction) if a.text() == "Responses")  # View > Responses, Ctrl+3
    assert responses.shortcut().toString() == "Ctrl+3"
    responses.trigger()
    assert "Responses" in built_pages(window)
    assert window.stack.currentWidget() is window.responses
    assert window.responses.list.hasFocus() or window.focusWidget() is window.responses.list


def test_executive_mode_builds_nothing_and_a_page_built_later_reads_only(window, qtbot) -> None:
    window.set_read_only(True)
    assert built_pages(window) == {"Inbox"}  # the operator views are hidden, not built
    window.set_read_only(False)
    window.open_page("Rules")
    window.set_read_only(True)
    assert not window.rules.isEnabled()
    window.exec_mode.setChecked(True)
    entities = window.pages["Entities"]  # built while in executive mode: disabled as the others are
    assert not entities.isEnabled() and entities.read_only


def test_the_window_of_a_sqlite_workspace_imports_neither_psycopg_nor_the_fetcher(demo_root, tmp_path) -> None:
    """The live listener imported psycopg (0.4-0.9 s) to tell a URL from a folder, and the detail
    pane's evidence list imported the fetcher (requests, urllib3: 0.4-0.9 s), both while the
    window was built on the GUI thread."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from tests.conftest import copy_workspace

    ws = copy_workspace(demo_root, tmp_path / "ws")
    code = ("import sys\n"
            "from PySide6.QtWidgets import QApplication\n"
            "app = QApplication([])\n"
            "from orm_desktop.service import Service\n"
            "from orm_desktop.ui.main_window import MainWindow\n"
            f"win = MainWindow(Service.open({str(ws)!r}))\n"
            "print(sorted(m for m in ('psycopg', 'requests', 'urllib3') if m in sys.modules))\n"
            "win.runner.shutdown()\n")
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(root)}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "[]"
