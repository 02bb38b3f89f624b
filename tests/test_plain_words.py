"""Rough edges a person meets: the Feeds page's folded columns, the wizard's aliases, Assign… by mouse."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from orm_desktop.service import Service  # noqa: E402


def test_a_disabled_feed_reads_disabled_and_next_due_is_in_the_last_fetched_tooltip(tmp_path, qtbot):
    """The Feeds page had "Enabled" and "Next due" columns of their own (11 columns: the URL got
    31 px at a 960 px window). Status now says "disabled"; the next fetch is in a tooltip."""
    from orm_desktop.ui.manage import FeedsView

    svc = Service.create(tmp_path / "ws")
    try:
        on = svc.add_feed("https://on.example/feed.xml", title="On")[0]
        off = svc.add_feed("https://off.example/feed.xml", title="Off")[0]
        svc.update_feed(off.id, enabled=0)
        view = FeedsView(svc)
        qtbot.addWidget(view)
        cols = [view.table.horizontalHeaderItem(c).text() for c in range(view.table.columnCount())]
        assert "Enabled" not in cols and "Next due" not in cols
        rows = {view.table.item(r, 0).text(): r for r in range(view.table.rowCount())}
        status, last = cols.index("Status"), cols.index("Last fetched")
        assert view.table.item(rows["On"], status).text() == "never fetched"
        assert view.table.item(rows["Off"], status).text() == "disabled"
        assert view.table.item(rows["On"], last).toolTip().startswith("next due: ")
        assert view.table.item(rows["Off"], last).toolTip() == "disabled: not fetched"
        assert on.id != off.id
    finally:
        svc.close()


def test_the_set_up_wizard_takes_aliases_checked_as_the_entities_page_does(warned, tmp_path, qtbot, monkeypatch):
    """The wizard had no alias field: "Also known as" names for an executive or a competitor had
    to be added afterwards on the Entities page. A bad alias is refused with the service's own
    message (control character, length), live on the row and again before anything is written."""

    from orm_desktop.ui.onboarding import OnboardingWizard

    svc = Service.create(tmp_path / "ws")
    try:
        wizard = OnboardingWizard(svc)
        qtbot.addWidget(wizard)
        wizard.brand.name.setText("Acme")
        assert "Also known as" in wizard.executives.columns and "Also known as" in wizard.competitors.columns
        wizard.executives.set_row(0, "Jane Doe", "CEO", aliases="J. Doe, Janie\x1b[2J")
        assert "control character" in wizard.executives.errors.text()
        assert not wizard.executives.isComplete()
        wizard.accept()
        assert warned and "alias cannot contain a control character" in warned[-1], warned
        assert svc.entities() == []  # nothing half written
        wizard.executives.set_row(0, "Jane Doe", "CEO", aliases="J. Doe, Janie")
        wizard.competitors.set_row(0, "Globex", aliases="Globex Corp")
        assert wizard.executives.isComplete() and wizard.competitors.isComplete()
        wizard.accept()
        got = {e.name: e.aliases for e in svc.entities()}
        assert got == {"Acme": (), "Jane Doe": ("J. Doe", "Janie"), "Globex": ("Globex Corp",)}, got
    finally:
        svc.close()


def _entries(menu) -> list[str]:
    return [a.text().split("\t")[0] for a in menu.actions() if not a.isSeparator()]


def test_the_inbox_list_has_a_right_click_menu_with_triage_and_assign(demo_service, qtbot):
    """Assigning a mention was only the A key: nothing a mouse could reach. A right-click on the
    list now offers the triage actions and Assign…; executive mode offers only what reads."""
    from PySide6.QtCore import QPoint

    from orm_desktop.ui.inbox import InboxView
    from tests.test_keyboard import _modal_answer

    svc = demo_service
    view = InboxView(svc)
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    qtbot.waitExposed(view)
    view.table.selectRow(0)
    first = view.selected_mentions()[0]
    rect = view.table.visualRect(view.model.index(0, 3))
    view.table.customContextMenuRequested.emit(rect.center())  # what a right-click on the row emits
    menu = view.menu
    qtbot.waitUntil(menu.isVisible)
    assert _entries(menu) == ["Mark read", "Mark unread", "Flag", "Needs response", "Archive", "Assign…",
                              "Open in browser"]
    menu.close()
    flag = next(a for a in view.triage_menu().actions() if a.text().startswith("Flag"))
    flag.trigger()
    assert svc.mention(first.id).mention.status == "flagged"
    who = svc.users()[0].name

    def pick(dlg):
        dlg.setTextValue(who)
        dlg.accept()

    seen = _modal_answer(qtbot, pick, "Assign")
    next(a for a in view.triage_menu().actions() if a.text().startswith("Assign")).trigger()
    assert seen and svc.mention(first.id).mention.assignee == who
    view.set_read_only(True)  # executive mode: nothing that changes a mention
    assert _entries(view.triage_menu()) == ["Open in browser"]
    view.table.customContextMenuRequested.emit(QPoint(-5, -5))  # outside any row: no menu
    assert view.menu is None


def test_feeds_list_says_statuses_in_words_and_keeps_the_tokens_in_json(tmp_path, run_cli):
    # the text table printed `not_a_feed` and `invalid_url` while the Feeds page said them in words
    import json

    from orm_desktop.service import Service

    svc = Service.create(tmp_path / "ws")
    page = tmp_path / "page.html"
    page.write_text("<!doctype html><html><body>a homepage</body></html>")
    svc.add_feed(page.as_uri(), title="Homepage")
    svc.add_feed((tmp_path / "quiet.xml").as_uri(), title="Quiet")
    svc.fetch(jobs=1, force=True)
    quiet = next(f for f in svc.feeds() if f.title == "Quiet")
    svc.update_feed(quiet.id, enabled=False)
    svc.close()
    table = run_cli("feeds", "list", workspace=tmp_path / "ws").stdout
    assert "not a feed" in table and "not_a_feed" not in table and "disabled" in table
    rows = json.loads(run_cli("feeds", "list", "--format", "json", workspace=tmp_path / "ws").stdout)
    assert {r["title"]: r["status"] for r in rows}["Homepage"] == "not_a_feed"
