"""What each team role sees in the real window (found by the team crawl, tests/test_gui_crawl_team.py),
and the File menu's snapshot and push dialogs under hostile input. Real MainWindow offscreen
(pytest-qt), a real team database (tests/team_scenario.py), real folders."""

from __future__ import annotations

import socket

import pytest

from tests import team_scenario as ts

pytest.importorskip("PySide6")


@pytest.fixture
def lab(team_lab):
    return team_lab  # tests/conftest.py


def _window(qtbot, lab, who: str):
    from orm_desktop.service import Service
    from tests.gui_support import open_window

    svc = Service.open(ts.url(lab.login(who), lab.db))
    win = open_window(qtbot, svc)
    return svc, win


def test_an_executive_login_opens_read_only_and_cannot_leave_it(qtbot, lab):
    from orm_desktop.errors import ReadOnlyWorkspace

    svc, win = _window(qtbot, lab, "eve")
    try:
        assert win.read_only and win.exec_mode.isChecked() and not win.exec_mode.isEnabled()
        assert all(win.nav.item(i).isHidden() for i in range(win.nav.count())
                   if win.nav.item(i).text() in win.OPERATOR_VIEWS)
        assert "executive" in win.statusBar().currentMessage() and "read-only" in win.statusBar().currentMessage()
        assert ts.PASSWORD.replace(" ", "%20") not in win.windowTitle() and ts.PASSWORD not in win.windowTitle()
        with pytest.raises(ReadOnlyWorkspace):
            svc.set_setting("brand_name", "Evil")  # the facade refuses too, before the database would
        win.close()
    finally:
        svc.close()


@pytest.mark.parametrize("who, may", [("alice", False), ("pat", False), ("ada", True)])
def test_crisis_mode_is_off_for_roles_without_it_and_says_who_may(qtbot, lab, who, may):
    svc, win = _window(qtbot, lab, who)
    try:
        assert not win.read_only
        win.show_page("Entities")
        view = win.pages["Entities"]
        view.pick(0)
        assert view.crisis_btn.isEnabled() is may
        if not may:
            assert "may not switch crisis mode" in view.crisis_btn.toolTip() and "admin only" in view.crisis_btn.toolTip()
        win.close()
    finally:
        svc.close()


@pytest.mark.parametrize("who", ["alice", "pat", "ada"])
def test_what_a_team_role_may_not_change_is_off_and_says_who_may(qtbot, lab, who):
    """Feeds, Entities, Rules, Settings and the templates dialog offer an author or approver only
    what the database lets them do (on main their Save buttons were live and answered with the
    one-line refusal)."""
    from PySide6.QtWidgets import QLineEdit, QPushButton

    svc, win = _window(qtbot, lab, who)
    admin, approver = who == "ada", who == "pat"
    try:
        def buttons(page: str) -> dict:
            return {b.text(): b for b in win.pages[page].findChildren(QPushButton)}

        def off(w) -> bool:
            return w.isReadOnly() if isinstance(w, QLineEdit) else not w.isEnabled()

        feeds, entities, rules, settings = (buttons(p) for p in ("Feeds", "Entities", "Rules", "Settings"))
        configuring = [feeds[k] for k in ("Add…", "Edit…", "Remove", "Enable/disable", "Import OPML…")]
        configuring += [entities[k] for k in ("New", "Save", "Remove")] + [rules[k] for k in ("New", "Save", "Delete")]
        configuring += [settings["Save settings"], settings["Rescore all mentions with this engine"]]
        view = win.pages["Entities"]
        configuring += [view.name, view.query, view.aliases, view.kind, view.importance]
        page = win.pages["Settings"]
        configuring += [page.brand, page.refresh]
        for w in configuring:
            assert off(w) is not admin, (who, getattr(w, "text", lambda: "")())
            if not admin:
                assert "may not change feeds, entities, rules, templates or settings" in w.toolTip()
                assert "admin only" in w.toolTip()
        for w in (feeds["Refresh now"], feeds["Export OPML…"], rules["Dry run"], rules["Apply to stored mentions"]):
            assert w.isEnabled(), w.text()  # a refresh, reading, a dry run and triage are theirs
        key_messages = [page.key_messages.text, *(b for b in page.key_messages.findChildren(QPushButton))]
        assert all(off(w) is not (admin or approver) for w in key_messages)
        names = page.display_names
        assert off(names.save_btn) is not admin and off(names.name) is not admin
        if not admin:
            assert "admin only" in names.save_btn.toolTip()
        from orm_desktop.ui.responses_view import TemplatesDialog

        dlg = TemplatesDialog(svc, lab.login(who), win)
        tbuttons = {b.text(): b for b in dlg.findChildren(QPushButton)}
        assert all(off(tbuttons[k]) is not admin for k in ("Duplicate as new…", "Save", "Delete"))
        assert tbuttons["Close"].isEnabled() and dlg.editor.isReadOnly()  # a shipped template first: reading
        dlg.reject()
        win.close()
    finally:
        svc.close()


def test_a_refused_privilege_is_one_clear_line(lab):
    """What a control the GUI did not turn off gets from the database: one line naming what and
    who to ask, not PostgreSQL's 'permission denied for table ...'."""
    from orm_desktop.errors import KnownError
    from orm_desktop.service import Service

    svc = Service.open(ts.url(lab.login("alice"), lab.db))
    try:
        with pytest.raises(KnownError) as err:
            svc.set_setting("brand_name", "Not mine to change")
        text = str(err.value)
        assert "team role does not allow this" in text and "ask a team admin" in text
        assert "permission denied" not in text and "\n" not in text
    finally:
        svc.close()


# -- File > Push to a team server… / Take offline snapshot…, hostile input --------------------------
SECRET = "Sekr1t-pw"


def _wait(qtbot, dlg) -> str:
    qtbot.waitUntil(lambda: not dlg.running and dlg.status.text() not in ("", "Starting…"), timeout=60_000)
    return dlg.status.text()


def test_push_never_shows_a_password_in_the_url(qtbot, window, capfd):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    seen = []
    window.push_action.trigger()
    dlg = window.transfer_dialog
    for url in (f"postgresql://ana:{SECRET}@[::1/acme",  # malformed: psycopg quotes it back
                f"postgres1://ana:{SECRET}@db.example.org/acme",  # not a postgresql:// URL
                f"postgresql://ana:{SECRET}@127.0.0.1:{port}/acme"):  # nothing listens there
        dlg.url.setText(url)
        dlg.start_button.click()
        seen.append(_wait(qtbot, dlg) if dlg.running else dlg.status.text())
    out = capfd.readouterr()
    for text in seen + [out.out, out.err, window.statusBar().currentMessage()]:
        assert SECRET not in text, text
    for text in seen:
        assert "Traceback" not in text and "unexpected error" not in text and "\n" not in text.strip(), text
    assert "cannot read the workspace URL" in seen[0] and "ana:***@" in seen[0]
    assert "cannot reach the PostgreSQL server" in seen[2]
    dlg.reject()


def test_snapshot_into_a_file_or_under_one_says_so_in_one_line(qtbot, window, tmp_path):
    afile = tmp_path / "notes.txt"
    afile.write_text("mine")
    window.snapshot_action.trigger()
    dlg = window.transfer_dialog
    for folder, expected in ((afile, "already exists: name a new folder for the snapshot (that is a file)"),
                             (afile / "offline", f"cannot write the snapshot folder {afile / 'offline'}: Not a directory")):
        dlg.folder.setText(str(folder))
        dlg.start_button.click()
        text = _wait(qtbot, dlg) if dlg.running else dlg.status.text()
        assert expected in text and ".part-" not in text and "Traceback" not in text, text
    assert afile.read_text() == "mine"
    dlg.reject()


def test_the_settings_page_saves_a_change_with_its_entry(qtbot, lab, monkeypatch):
    """An admin's Save settings writes a settings.change entry of what it saved, in the same
    transaction: the team database refuses a setting changed without one (roles.py, section 6b;
    before, the page wrote no entry at all)."""
    import json

    from PySide6.QtWidgets import QMessageBox

    from orm_desktop import identity

    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    identity.SESSION.add(lab.keys["ada"].private)  # as the passphrase prompt would
    svc, win = _window(qtbot, lab, "ada")
    try:
        page = win.pages["Settings"]
        page.brand.setText("Acme Bikes")
        page.save()
        assert warnings == []
        owner = lab.conns["owner"]
        rows = owner.execute("SELECT actor, data FROM audit_log WHERE action = 'settings.change'").fetchall()
        assert [(a, json.loads(d)["values"]) for a, d in rows] == [(lab.login("ada"), {"brand_name": "Acme Bikes"})]
        assert json.loads(owner.execute("SELECT value FROM settings WHERE key = 'brand_name'").fetchone()[0]) == \
            "Acme Bikes"
        win.close()
    finally:
        svc.close()
