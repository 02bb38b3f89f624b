"""The GUI on a team workspace: the login is the user, so there is no "Working as" list to pick
someone else from (real MainWindow, offscreen, on a real team database)."""

from __future__ import annotations

import pytest

from tests import team_scenario as ts

ts.skip_module_without_server()


@pytest.fixture
def lab(team_lab):
    return team_lab  # tests/conftest.py


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


def _answer_dialog(qtbot, text: str | None):
    """Fill and accept (or cancel, for None) the password dialog when it opens."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QInputDialog

    seen = []

    def poll():
        w = QApplication.activeModalWidget()
        if isinstance(w, QInputDialog):
            seen.append(w.labelText())
            if text is None:
                w.reject()
            else:
                w.setTextValue(text)
                w.accept()
            timer.stop()

    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(20)
    return seen, timer


def test_a_worker_asking_for_a_password_gets_the_dialogs_answer(qtbot):
    """A team workspace is opened off the event loop; the password question of that worker is
    asked in a dialog on the GUI thread and the worker gets the answer (or a one-line refusal)."""
    import threading

    from orm_desktop.credentials import LoginError
    from orm_desktop.ui.identity import PasswordAsker

    asker = PasswordAsker()
    for typed in ("s3cret-password", None):
        seen, timer = _answer_dialog(qtbot, typed)
        out = {}

        def work(out=out):
            try:
                out["answer"] = asker("password of maya on db.example.org:5432/acme: ")
            except LoginError as exc:
                out["error"] = str(exc)

        t = threading.Thread(target=work)
        t.start()
        qtbot.waitUntil(lambda t=t: not t.is_alive(), timeout=10_000)
        timer.stop()
        assert seen and "maya on db.example.org" in seen[0]
        if typed is None:
            assert "no password given" in out["error"]
        else:
            assert out == {"answer": "s3cret-password"}


def test_inbox_triage_on_a_team_is_signed_and_asks_for_the_key_first(qtbot, lab):
    """The inbox's status keys on a team workspace write a mention.triage entry in the login's name
    (the database refuses the change without it); with the key still locked the passphrase dialog
    comes first, and cancelling it changes nothing."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from orm_desktop import identity
    from orm_desktop.service import Service
    from orm_desktop.ui.identity import PassphraseDialog
    from tests.gui_support import open_window

    owner = lab.conns["owner"]
    last = owner.execute("SELECT max(id) FROM audit_log").fetchone()[0]
    svc = Service.open(ts.url(lab.login("alice"), lab.db))
    try:
        win = open_window(qtbot, svc)
        inbox = win.inbox
        qtbot.waitUntil(lambda: inbox.model.total >= 1, timeout=5000)
        inbox.table.selectRow(0)
        asked = []

        def cancel():
            w = QApplication.activeModalWidget()
            if isinstance(w, PassphraseDialog):
                asked.append(w)
                w.reject()
                timer.stop()

        timer = QTimer()
        timer.timeout.connect(cancel)
        timer.start(20)
        inbox.set_status("flagged")  # locked: asked, cancelled
        timer.stop()
        assert asked
        assert owner.execute("SELECT status FROM mentions WHERE id = 1").fetchone()[0] != "flagged"
        identity.SESSION.add(lab.keys["alice"].private)  # unlocked, as the dialog would
        inbox.set_status("flagged")
        assert owner.execute("SELECT status FROM mentions WHERE id = 1").fetchone()[0] == "flagged"
        assert owner.execute("SELECT actor, action, subject_id FROM audit_log WHERE id > %s AND action = "
                             "'mention.triage'", (last,)).fetchall() == [(lab.login("alice"), "mention.triage", 1)]
        win.close()
    finally:
        svc.close()
