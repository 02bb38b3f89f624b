"""The GUI on the demo workspace, offscreen, with pytest-qt: real widgets, real database."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt  # noqa: E402

from orm_desktop.types import MentionFilter  # noqa: E402
from tests.feedserver import FeedServer  # noqa: E402


def test_every_view_builds_on_the_demo(window, qtbot):
    labels = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert labels[0] == "Inbox"
    for expected in ("Maya Lindqvist", "Daniel Okafor", "Priya Raman", "Competitors", "Dashboard", "Responses",
                     "Feeds", "Entities", "Settings"):
        assert expected in labels
    for i in range(window.nav.count()):
        window.nav.setCurrentRow(i)
        qtbot.waitUntil(lambda i=i: window.stack.currentIndex() == i)
        assert not window.stack.currentWidget().grab().isNull()
    assert window.inbox.model.total > 100
    assert window.feeds.table.rowCount() == 10


def test_filters_and_search_change_the_rows(window, qtbot):
    inbox = window.inbox
    everything = window.svc.count_mentions(MentionFilter(statuses=("new", "flagged", "needs_response")))
    assert inbox.model.total == everything
    inbox.filters.sentiment.setCurrentText("negative")
    negatives = window.svc.count_mentions(MentionFilter(statuses=("new", "flagged", "needs_response"),
                                                        sentiment="negative"))
    qtbot.waitUntil(lambda: inbox.model.total == negatives)
    assert 0 < negatives < everything
    for row in range(inbox.model.total):
        assert inbox.model.mention(row).label == "negative"
    inbox.filters.search.setText('"battery"')  # debounced: the model follows after the timer
    qtbot.waitUntil(lambda: inbox.model.total < negatives, timeout=3000)
    assert all("battery" in (inbox.model.mention(r).title + window.svc.mention(inbox.model.mention(r).id).text).lower()
               for r in range(inbox.model.total))
    assert inbox.count_label.text() == f"{inbox.model.total:,} mentions"


def test_keyboard_triage_changes_status_in_the_database(window, qtbot):
    inbox = window.inbox
    inbox.table.setFocus()
    inbox.table.selectRow(0)
    first = inbox.model.mention(0)
    qtbot.keyClick(inbox.table, Qt.Key.Key_F)
    assert window.svc.mention(first.id).mention.status == "flagged"
    qtbot.keyClick(inbox.table, Qt.Key.Key_R)
    assert window.svc.mention(first.id).mention.status == "needs_response"
    qtbot.keyClick(inbox.table, Qt.Key.Key_Minus)
    d = window.svc.mention(first.id)
    assert d.mention.overridden and d.mention.sentiment == -0.6
    qtbot.keyClick(inbox.table, Qt.Key.Key_Backspace)
    assert not window.svc.mention(first.id).mention.overridden
    qtbot.keyClick(inbox.table, Qt.Key.Key_J)
    assert inbox.table.currentIndex().row() == 1
    second = inbox.model.mention(1)
    qtbot.keyClick(inbox.table, Qt.Key.Key_E)
    assert window.svc.mention(second.id).mention.status == "archived"


def test_bulk_selection_applies_to_every_selected_row(window, qtbot):
    inbox = window.inbox
    inbox.table.setFocus()
    inbox.table.selectRow(0)
    for row in (1, 2):
        inbox.table.selectionModel().select(inbox.model.index(row, 0),
                                            inbox.table.selectionModel().SelectionFlag.Select
                                            | inbox.table.selectionModel().SelectionFlag.Rows)
    ids = inbox.selected_ids()
    assert len(ids) == 3
    qtbot.keyClick(inbox.table, Qt.Key.Key_M)
    assert {window.svc.mention(i).mention.status for i in ids} == {"read"}


def test_read_only_executive_mode_hides_operator_controls(window, qtbot):
    window.exec_mode.setChecked(True)
    window.toggle_read_only()
    assert window.inbox.read_only
    assert not window.inbox.detail.buttons["flag"].isVisible()
    hidden = {window.nav.item(i).text() for i in range(window.nav.count()) if window.nav.item(i).isHidden()}
    assert hidden == {"Responses", "Rules", "Feeds", "Entities", "Settings"}
    first = window.inbox.model.mention(0)
    window.inbox.table.selectRow(0)
    window.inbox.set_status("archived")
    assert window.svc.mention(first.id).mention.status == first.status


def test_refresh_worker_reports_progress_and_can_be_cancelled(window, qtbot, tmp_path):
    # 30 slow feeds on a local server: enough time to see progress and cancel
    with FeedServer(tmp_path) as server:
        for i in range(30):
            window.svc.add_feed(server.url(f"/slow/1?i={i}"), title=f"Slow {i}")
        progress = []
        window.refresh(quiet=True)  # the timer's refresh: due feeds only
        task = window.refresh_task
        task.signals.progress.connect(lambda d, t, m: progress.append((d, t)))
        qtbot.waitUntil(lambda: any(d >= 1 for d, _t in progress), timeout=20_000)
        with qtbot.waitSignal(task.signals.finished, timeout=20_000):
            window.cancel_refresh()
        assert {t for _d, t in progress} == {30}  # the 30 due feeds; the demo's are not due yet
        assert max(d for d, _ in progress) < progress[-1][1]  # stopped before the end
        qtbot.waitUntil(lambda: window.refresh_task is None)
        assert not window.progress.isVisible()


def test_detail_pane_loads_no_remote_resources(window, qtbot, tmp_path):
    from orm_desktop.store import db

    with FeedServer(tmp_path) as server:
        pixel = server.url("/pixel.gif")
        style = server.url("/style.css")
        conn = window.svc.conn
        mid = window.inbox.model.mention(0).id
        item_id = window.svc.mention(mid).mention.item_id
        with db.transaction(conn):  # as if a hostile item had slipped through sanitizing
            conn.execute("UPDATE items SET html = ? WHERE id = ?",
                         (f'<p>Hello <img src="{pixel}"><link rel="stylesheet" href="{style}">'
                          f'<img src="file:///etc/passwd"></p>', item_id))
        browser = window.inbox.detail.browser
        browser.blocked.clear()
        window.inbox.detail.show_mention(mid)
        browser.grab()  # layout and paint: when an image would be fetched
        assert pixel in browser.blocked  # the viewer asked for it, and was given nothing
        assert server.hits == {}
        assert "Hello" in window.inbox.detail.browser.toPlainText()


def test_virtual_model_reads_pages_from_the_nearer_end(qtbot, demo_service):
    from orm_desktop.ui.inbox import MentionModel

    model = MentionModel(demo_service)
    model.set_filter(MentionFilter())
    every = demo_service.mentions(limit=100_000)
    assert model.rowCount() == len(every)
    for row in (0, 1, len(every) // 2, len(every) - 1):
        assert model.mention(row).id == every[row].id
    assert model.data(model.index(len(every) - 1, 3)) == every[-1].title


def test_rule_editor_dry_run_save_and_saved_search(window, qtbot):
    from orm_desktop.analysis import rules

    window.show_page("Rules")
    view = window.rules
    assert view.name.text() == "Battery safety"  # opens on the demo's rule
    view.new()
    view.name.setText("Recall triage")
    view.entity.setCurrentIndex(view.entity.findData("Velora"))
    view.terms.setText('recall OR "battery fire"')
    assert view.terms_error.text() == ""
    view.terms.setText('"unclosed')
    assert "unclosed quote" in view.terms_error.text()
    view.terms.setText('recall OR "battery fire"')
    view.tag.setText("recall")
    view.dry_run()
    qtbot.waitUntil(lambda: view.dry_task is None)  # counted in the task runner
    n, _ = rules.dry_run(window.svc.conn, view.rule())
    assert n > 0 and f"would change {n:,}" in view.result_label.text() and view.result.count() > 0
    view.save()
    names = [r.name for r in rules.list_(window.svc.conn)]
    assert names == ["Battery safety", "Recall triage"]  # the demo's rule, then ours
    qtbot.waitUntil(lambda: window.saved.count() == 2 and "Recall triage" in window.saved.item(1).text(),
                    timeout=10_000)
    with qtbot.waitSignal(view.changed, timeout=20_000):
        view.apply()
    assert rules.dry_run(window.svc.conn, rules.list_(window.svc.conn)[1])[0] == 0


def test_approval_file_and_bundle_from_the_gui(window, qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from orm_desktop import identity
    from orm_desktop.responses import workflow as wf
    from orm_desktop.responses.approval_file import decide
    from orm_desktop.store import identity as id_store
    from tests.conftest import act_as

    window.show_page("Responses")
    view = window.responses
    pending = window.svc.responses(states=("in_review",))[0]  # the demo's statement for Maya
    view.current = pending
    req = tmp_path / "req.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(req), ""))
    act_as(window.svc, view.me(), "maya")  # as if their passphrases had been typed
    view.export_approval()
    decide(req, actor="maya", approve=True, comment="Fine",
           key=identity.SESSION.get(id_store.user_key(window.svc.conn, "maya").key_id))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(req), ""))
    view.merge_approval()
    assert wf.get(window.svc.conn, pending.id).state == "approved"
    bundle = tmp_path / "b.ormbundle"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(bundle), ""))
    window.export_bundle()
    assert bundle.exists() and '"format": "orm-desktop-bundle"' in bundle.read_text()


def test_working_as_someone_asks_their_passphrase_once(window, qtbot):
    """Issue 13 finding 1 in the GUI: the demo opens without a prompt; the first action in a
    user's name asks for the passphrase; a wrong one unlocks nothing."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from orm_desktop.ui.identity import PassphraseDialog

    assert QApplication.activeModalWidget() is None  # no prompt at start
    view = window.responses
    me = view.me()
    assert window.svc.needs_unlock(me)
    view.current = window.svc.responses(states=("draft",))[0]
    asked = []
    QTimer.singleShot(0, lambda: (asked.append(QApplication.activeModalWidget().windowTitle()),
                                  QApplication.activeModalWidget().reject()))
    view.act("submit")  # cancelled at the passphrase: nothing done in that name
    assert asked == [f"Working as {me}"] and window.svc.responses(states=("draft",))[0].state == "draft"
    dlg = PassphraseDialog(window.svc, me, window)
    qtbot.addWidget(dlg)
    dlg.passphrase.setText("not-the-passphrase")
    dlg.try_unlock()
    assert "wrong passphrase" in dlg.error.text() and dlg.result() == 0 and window.svc.needs_unlock(me)
    dlg.passphrase.setText(f"demo-{me}")
    dlg.try_unlock()
    assert dlg.result() == 1 and not window.svc.needs_unlock(me)
