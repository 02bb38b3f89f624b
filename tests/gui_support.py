"""Helpers for the GUI tests: a new (non-demo) workspace with real data, and running GUI code in
a subprocess so that a crash of the process is a test failure, not a dead test run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_new_workspace(root: Path):
    """A workspace made as a new user would (no demo flag, no demo settings): a brand, an
    executive, a competitor and the demo's feed files as its feeds, fetched once."""
    from orm_desktop import demo
    from orm_desktop.ingest.opml import OutlineFeed
    from orm_desktop.service import Service

    svc = Service.create(root)
    svc.set_setting("brand_name", "Velora")
    svc.add_entity("brand", "Velora", 'Velora OR "Velora Arc"', match_existing=False)
    svc.add_entity("executive", "Maya Lindqvist", '"Maya Lindqvist"', title="CEO", importance=0.8,
                   match_existing=False)
    svc.add_entity("competitor", "Stromer", "Stromer", importance=0.5, match_existing=False)
    feeds = demo.materialize(root / "feed-files")
    svc._import_outlines([OutlineFeed(f["url"], f["title"], f["kind"], "", 1.0) for f in feeds])
    svc.fetch(jobs=2, force=True)
    return svc


def open_window(qtbot, svc):
    """The main window on ``svc``, shown at a laptop size, exposed and active (as the window a
    person works in is: keyboard shortcuts and focus go to the active window; offscreen every
    window is, on a real X server without a window manager only after activateWindow)."""
    from orm_desktop.ui.main_window import MainWindow

    win = MainWindow(svc)
    qtbot.addWidget(win)
    win.resize(1300, 850)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitActive(win)
    return win


def wait_loaded(qtbot, page, timeout: int = 10_000):
    """Wait until a page that loads in the background (ui/pages.py Page) shows the content of
    its newest rebuild; a failure to load fails the test with the page's message."""
    qtbot.waitUntil(lambda: not page.loading and page.scroll.widget() is not None, timeout=timeout)
    assert not page.error, page.error
    return page


def show_page(qtbot, win, label: str):
    """``win.show_page(label)``, then wait for the page's content (wait_loaded); the page."""
    win.show_page(label)
    return wait_loaded(qtbot, win.pages[label])


def run_python(code: str, *args: str, platform: str = "offscreen", timeout: float = 120,
               wrapper: list[str] | None = None) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter that imports this worktree's package."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": platform}
    env.pop("ORM_DESKTOP_WORKSPACE", None)
    cmd = (wrapper or []) + [sys.executable, "-X", "faulthandler", "-c", code, *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT)


def open_demo_draft(window):
    """The Responses page on its "All open" queue (the demo's draft and its statement in review),
    the demo's draft open: (the view, the draft)."""
    window.show_page("Responses")
    view = window.responses
    view.queue.setCurrentIndex(view.queue.findData("open"))
    draft = next(r for r in window.svc.responses(states=("draft",)))
    view.show_response(draft.id)
    return view, draft


def entity_write(qtbot, view, action=None, timeout: int = 20_000) -> None:
    """An Entities page write (``view.save`` unless ``action`` is given) and its end: the page
    writes in its task runner and emits ``finished`` once it is written, refused or failed."""
    with qtbot.waitSignal(view.finished, timeout=timeout):
        (action or view.save)()
