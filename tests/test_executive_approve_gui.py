"""Executives approve drafts in their own name from their personal-brand page, the one change
executive mode allows (Service.approve_as_executive). Real MainWindow offscreen (pytest-qt): the
demo workspace on SQLite in executive mode (Ctrl+E), and an executive's login on a real team
database (tests/team_scenario.py), whose window opens read-only."""

from __future__ import annotations

import pytest

from tests import team_scenario as ts
from tests.conftest import act_as, copy_workspace

pytest.importorskip("PySide6")


def _page(qtbot, win, name: str):
    win.show_page(name)
    page = win.pages[name]
    qtbot.waitUntil(lambda: getattr(page, "drafts_list", None) is not None)
    return page


def _draft_ids(page) -> list:
    lw = page.drafts_list
    return [lw.item(i).data(256) for i in range(lw.count())]  # 256: Qt.ItemDataRole.UserRole


def _open(qtbot, page, rid: int, *, key: bool = False):
    """Double-click the draft's row (or select it and press Enter), as the executive would; the
    dialog it opens."""
    from PySide6.QtCore import Qt

    from orm_desktop.ui.executive_drafts import ExecutiveDraftDialog

    lw = page.drafts_list
    row = _draft_ids(page).index(rid)
    page.scroll.ensureWidgetVisible(lw)
    qtbot.waitUntil(lambda: lw.isVisible() and not lw.visibleRegion().isEmpty())
    pos = lw.visualItemRect(lw.item(row)).center()
    qtbot.mouseClick(lw.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    if key:
        page.window().activateWindow()
        lw.setFocus()
        qtbot.waitUntil(lw.hasFocus)
        qtbot.keyClick(lw, Qt.Key.Key_Return)
    else:
        qtbot.mouseDClick(lw.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    dlg = page.window().findChild(ExecutiveDraftDialog)
    assert dlg is not None and dlg.isVisible() and dlg.r.id == rid
    return dlg


# -- SQLite: the demo in executive mode -------------------------------------------------------------
@pytest.fixture
def demo(qtbot, demo_root, tmp_path):
    from orm_desktop.service import Service
    from tests.gui_support import open_window

    svc = Service.open(copy_workspace(demo_root, tmp_path / "ws"))
    win = open_window(qtbot, svc)
    win.exec_mode.trigger()  # Ctrl+E
    assert win.read_only and svc.executive_mode
    yield svc, win
    win.close()
    svc.close()


def _maya_draft(svc) -> int:
    maya = svc.entity("Maya Lindqvist")
    waiting = svc.responses(in_name_of=maya.id, states=("in_review",))
    assert waiting, "the demo has a statement in Maya's name waiting for her"
    return waiting[0].id


def test_executive_mode_approves_a_draft_in_the_executives_own_name(qtbot, demo):
    svc, win = demo
    rid = _maya_draft(svc)
    page = _page(qtbot, win, "Maya Lindqvist")
    assert rid in _draft_ids(page)
    dlg = _open(qtbot, page, rid)
    assert "Maya" in dlg.windowTitle() and "maya" in dlg.acting.text()
    assert dlg.text.toPlainText() == svc.response(rid).text and dlg.text.isReadOnly()
    assert dlg.original.toPlainText() and not dlg.original.blocked  # the mention, nothing loaded
    act_as(svc, "maya")  # her passphrase, as the dialog would ask it
    dlg.approve.click()
    r = svc.response(rid)
    assert r.state == "approved" and r.approver == "maya"
    assert svc.response_history(rid)[-1].action == "response.approve"
    qtbot.waitUntil(lambda: rid not in _draft_ids(page))  # the list refreshed
    assert "approved" in win.statusBar().currentMessage()
    assert win.read_only  # still executive mode


def test_executive_mode_sends_a_draft_back_with_a_note_only(qtbot, demo):
    svc, win = demo
    rid = _maya_draft(svc)
    from PySide6.QtWidgets import QPushButton

    from orm_desktop.ui.executive_drafts import ExecutiveDraftDialog

    page = _page(qtbot, win, "Maya Lindqvist")
    page.findChild(QPushButton, "open_executive_draft").click()  # "Open draft…": the first one
    dlg = win.findChild(ExecutiveDraftDialog)
    assert dlg is not None and dlg.isVisible() and dlg.r.id == rid
    act_as(svc, "maya")
    dlg.send_back.click()  # no note: refused in the dialog, nothing changes
    assert "note is required" in dlg.error.text() and svc.response(rid).state == "in_review"
    dlg.note.setPlainText("Say when riders get their refund.")
    dlg.send_back.click()
    r = svc.response(rid)
    assert r.state == "changes_requested"
    assert svc.response_history(rid)[-1].data["comment"] == "Say when riders get their refund."


def test_executive_mode_refuses_other_drafts_and_every_other_write(qtbot, demo):
    from orm_desktop.errors import KnownError, ReadOnlyWorkspace
    from orm_desktop.types import MentionFilter

    svc, win = demo
    rid = _maya_draft(svc)
    act_as(svc, "maya", "daniel", "sam")
    for by in ("daniel", "sam"):  # another executive; an approver who is not Maya
        with pytest.raises(KnownError, match="only that executive can approve it"):
            svc.approve_as_executive(rid, by=by)
        # the workflow lets an approver send any draft back: not from executive mode
        with pytest.raises(KnownError, match="only that executive can send back"):
            svc.approve_as_executive(rid, approve=False, note="shorter", by=by)
    others = [r for r in svc.responses() if r.id != rid]
    assert {r.state for r in others} >= {"sent", "draft"}
    for r in others:  # not in review, or not in an executive's name
        with pytest.raises(KnownError, match="not waiting for approval|does not speak in an executive's name"):
            svc.approve_as_executive(r.id, by="maya")
    mention = svc.mentions(MentionFilter(), limit=1)[0]
    for write in (lambda: svc.transition(rid, "approve", by="maya"),  # the ordinary path stays shut
                  lambda: svc.transition(rid, "request_changes", by="maya", comment="no"),
                  lambda: svc.create_draft(mention.id, author="alex"),
                  lambda: svc.set_status([mention.id], "archived", by="maya"),
                  lambda: svc.set_setting("brand_name", "Evil")):
        with pytest.raises(ReadOnlyWorkspace):
            write()
    assert svc.response(rid).state == "in_review"
    # the dialog of a draft decided meanwhile says so in one line
    page = _page(qtbot, win, "Maya Lindqvist")
    dlg = _open(qtbot, page, rid)
    svc.set_executive_mode(False)
    svc.transition(rid, "request_changes", by="maya", comment="meanwhile")
    svc.set_executive_mode(True)
    dlg.approve.click()
    assert "not waiting for approval" in dlg.error.text() and svc.response(rid).state == "changes_requested"


# -- PostgreSQL: an executive's team login --------------------------------------------------------
@pytest.fixture
def lab(team_lab):
    return team_lab  # tests/conftest.py


def test_an_executive_login_approves_its_own_draft_and_nothing_else(qtbot, lab):
    from orm_desktop import identity
    from orm_desktop.errors import KnownError, ReadOnlyWorkspace
    from orm_desktop.service import Service
    from tests.gui_support import open_window

    mine = lab.draft("alice", "I am sorry for the delay.", in_name_of=2)  # entity 2: Jane Doe, eve's
    lab.step("alice", mine, "submit")
    plain = lab.draft("alice", "We are sorry.")  # not in an executive's name
    lab.step("alice", plain, "submit")
    drafted = lab.draft("bob", "Not yet submitted.", in_name_of=2)
    svc = Service.open(ts.url(lab.login("eve"), lab.db))
    identity.SESSION.add(lab.keys["eve"].private)
    try:
        win = open_window(qtbot, svc)
        assert win.read_only and not win.exec_mode.isEnabled()
        page = _page(qtbot, win, "Jane Doe")
        assert _draft_ids(page) == [mine]
        for rid, why in ((plain, "does not speak in an executive's name"), (drafted, "not waiting for approval")):
            with pytest.raises(KnownError, match=why):
                svc.approve_as_executive(rid)
        with pytest.raises(ReadOnlyWorkspace):
            svc.transition(mine, "approve", by=lab.login("eve"))
        dlg = _open(qtbot, page, mine, key=True)
        assert lab.login("eve") in dlg.acting.text()
        dlg.approve.click()
        state, approver = lab.conns["owner"].execute("SELECT state, approver FROM responses WHERE id = %s",
                                                     (mine,)).fetchone()
        assert (state, approver) == ("approved", lab.login("eve"))  # recorded by the database
        qtbot.waitUntil(lambda: mine not in _draft_ids(page))
        assert lab.conns["owner"].execute("SELECT state FROM responses WHERE id = %s", (plain,)).fetchone()[0] \
            == "in_review"
        win.close()
    finally:
        svc.close()


def test_the_team_database_decides_for_a_login_not_linked_to_the_executive(lab):
    """pat (an approver) may not decide on Jane Doe's draft: the facade says so in one line, and
    so would the database (team_approve checks the executive link itself)."""
    from orm_desktop import identity
    from orm_desktop.errors import KnownError
    from orm_desktop.service import Service

    rid = lab.draft("alice", "I am sorry.", in_name_of=2)
    lab.step("alice", rid, "submit")
    svc = Service.open(ts.url(lab.login("pat"), lab.db))
    identity.SESSION.add(lab.keys["pat"].private)
    try:
        with pytest.raises(KnownError) as exc:
            svc.approve_as_executive(rid)
        assert "only that executive can approve it" in str(exc.value) and "\n" not in str(exc.value)
        with pytest.raises(KnownError) as exc:  # the ordinary path: the database's own refusal, one line
            svc.transition(rid, "approve", by=lab.login("pat"))
        assert "permission denied" not in str(exc.value).lower()
    finally:
        svc.close()


def test_the_drafts_list_shows_each_draft_on_one_line(qtbot, demo):
    """A statement's opening lines ("A personal note from …:" then a blank line) used to make its
    row three lines tall in the list; the row folds them into one."""
    svc, win = demo
    page = _page(qtbot, win, "Maya Lindqvist")
    rid = _maya_draft(svc)
    assert "\n" in svc.response(rid).text  # the demo's draft has line breaks
    row = page.drafts_list.item(_draft_ids(page).index(rid)).text()
    assert "\n" not in row and row.startswith(f"#{rid} A personal note")
