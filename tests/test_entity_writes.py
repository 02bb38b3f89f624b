"""The Entities page writes off the GUI thread. On a 200,000-mention workspace adding an entity
froze the window 10.7 s (it matches every stored item), a query change 67 s, a removal 3.7 s and
Crisis mode off 0.5 s. Here the slow write is a real one: another connection holds the
database's write lock, so the save waits in SQLite's busy handler; on the GUI thread (before)
that wait was a frozen window."""

from __future__ import annotations

import contextlib
import sqlite3
import threading

import pytest

pytest.importorskip("PySide6")

from tests.test_gui_pass9 import Heartbeat  # noqa: E402


@contextlib.contextmanager
def write_lock_held(db_path, seconds: float):
    """Another connection holds the write lock (BEGIN IMMEDIATE) and lets go after ``seconds``,
    from its own thread (the GUI thread may be the one waiting)."""
    other = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    timer = threading.Timer(seconds, lambda: other.execute("COMMIT"))
    timer.start()
    try:
        yield
    finally:
        timer.join()
        other.close()


@pytest.fixture
def page(qtbot, demo_service):
    from orm_desktop.ui.manage import EntitiesView
    from orm_desktop.ui.tasks import TaskRunner

    view = EntitiesView(demo_service, TaskRunner())
    qtbot.addWidget(view)
    view.show()
    said: list[str] = []
    view.status_message.connect(said.append)
    view.said = said
    yield view
    view.runner.wait(10_000)


def test_adding_an_entity_waits_off_the_gui_thread_and_a_second_save_adds_nothing(page, qtbot, demo_service):
    page.new()
    page.name.setText("Nimbus Labs")
    beat = Heartbeat().start()
    with write_lock_held(demo_service.ws.db_path, 0.6), qtbot.waitSignal(page.finished, timeout=10_000):
        page.save()
        # while it waits: the form is off, the page and the status bar say what runs
        assert not page.name.isEnabled() and not page.list.isEnabled()
        assert page.busy.text().startswith("Adding brand Nimbus Labs")
        page.save()  # Ctrl+S again, before the first has written
        assert page.said[-1].startswith("Still adding brand Nimbus Labs")
    longest = beat.stop()
    assert longest < 0.3, f"the GUI thread froze {longest:.2f} s"  # 0.6 s and more before
    assert [e.name for e in demo_service.entities()].count("Nimbus Labs") == 1
    assert page.name.isEnabled() and page.list.isEnabled() and page.busy.text() == ""
    assert page.current_id == next(e.id for e in demo_service.entities() if e.name == "Nimbus Labs")
    assert not page.dirty() and page.said[-1] == "added brand Nimbus Labs; matched its stored items"


def test_a_refused_save_is_shown_and_keeps_what_was_typed(page, qtbot, warned, demo_service):
    page.new()
    page.name.setText("Broken")
    page.query.setText('"Broken OR')
    with qtbot.waitSignal(page.finished, timeout=10_000):
        page.save()
    assert len(warned) == 1 and warned[0].startswith("Cannot save: ")
    assert page.query.text() == '"Broken OR' and page.query.isEnabled() and page.dirty()
    assert "Broken" not in [e.name for e in demo_service.entities()]


def test_a_conflict_found_by_the_worker_asks_reload_or_keep_mine(page, qtbot, demo_service):
    from orm_desktop.service import Service
    from tests.test_team_concurrency import _answer_conflict

    page.list.setCurrentRow(0)
    eid = page.current_id
    page.title.setText("mine")
    other = Service.open(demo_service.ws.root)
    other.update_entity(eid, title="theirs")
    other.close()
    seen = _answer_conflict(qtbot, "Keep mine")
    with qtbot.waitSignal(page.finished, timeout=10_000):
        page.save()
    assert len(seen) == 1
    assert demo_service.entity(eid).title == "mine" and not page.dirty()

    page.title.setText("mine again")
    other = Service.open(demo_service.ws.root)
    other.update_entity(eid, title="theirs again")
    other.close()
    seen = _answer_conflict(qtbot, "Reload")
    with qtbot.waitSignal(page.finished, timeout=10_000):
        page.save()
    assert len(seen) == 1 and demo_service.entity(eid).title == "theirs again"
    assert page.title.text() == "theirs again" and page.said[-1].startswith(f"reloaded: entity {eid}")


def test_removing_and_crisis_mode_run_off_the_gui_thread(page, qtbot, monkeypatch, demo_service, warned):
    from PySide6.QtWidgets import QMessageBox

    from orm_desktop.demo_setup import demo_passphrase

    user = demo_service.setting("current_user") or "alex"
    demo_service.unlock(user, demo_passphrase(user))  # crisis mode is switched in a user's name
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.list.setCurrentRow(len(page.entities) - 1)
    e = page.entities[-1]
    page.crisis_btn.setChecked(True)
    with qtbot.waitSignal(page.finished, timeout=10_000):
        page.toggle_crisis()
    assert demo_service.in_crisis(e.id) and page.crisis_btn.text() == "Crisis mode: ON"
    page.crisis_btn.setChecked(False)
    beat = Heartbeat().start()
    with qtbot.waitSignal(page.finished, timeout=10_000):
        page.toggle_crisis()
        assert not page.crisis_btn.isEnabled() and "writing the crisis report" in page.busy.text()
    assert beat.stop() < 0.3
    assert not demo_service.in_crisis(e.id) and "crisis report written to" in page.said[-1] and not warned

    with write_lock_held(demo_service.ws.db_path, 0.5), qtbot.waitSignal(page.finished, timeout=10_000):
        beat.start()
        page.remove()
        assert page.busy.text().startswith(f"Removing {e.name}")
    assert beat.stop() < 0.3
    assert e.id not in [x.id for x in demo_service.entities()] and page.current_id is None


def test_closing_the_window_while_an_entity_is_written_waits_for_the_write(window, qtbot):
    window.show_page("Entities")
    view = window.entities
    view.new()
    view.name.setText("Closing Co")
    with write_lock_held(window.svc.ws.db_path, 0.5):
        view.save()
        window.close()
        assert window.isVisible()  # not closed half-way through the write
        assert "the window closes when it is done" in window.statusBar().currentMessage()
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)
    assert "Closing Co" in [e.name for e in window.svc.entities()]


def test_matching_the_stored_items_says_how_far_it_is(page, qtbot, demo_service):
    """A new entity is matched against every stored item its query may match (11-17 s on
    200,000 mentions): the page and the status bar count the items read, not only the seconds."""
    total = demo_service.count_matching_items("the OR a OR and")
    assert total > 200  # more than one step (of 200 items)
    page.new()
    page.name.setText("Common Words")
    page.query.setText("the OR a OR and")
    with qtbot.waitSignal(page.finished, timeout=60_000):
        page.save()
    counts = [s for s in page.said if "stored items read" in s]
    assert counts, page.said
    assert counts[0].startswith("Adding brand Common Words and matching its stored items… ")
    assert any("(0 of " in s for s in counts) and any("(200 of " in s for s in counts), counts
    assert "saving" in counts[-1], counts
    assert page.busy.text() == "" and page.said[-1] == "added brand Common Words; matched its stored items"
