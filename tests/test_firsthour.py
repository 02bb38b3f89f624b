"""A comms manager's first hour with their own brand (not the demo), and what an upgrade changed."""

from __future__ import annotations

import pytest

from orm_desktop.service import Service
from tests.gui_support import open_window
from tests.test_bundle import legacy_workspace


def test_migration_notes_are_listed_by_info_and_shown_once_by_the_gui(tmp_path, run_cli, qtbot):
    root = legacy_workspace(tmp_path / "ws")
    r = run_cli("info", workspace=root)  # this run migrates: the notes were written by it
    assert r.returncode == 0, r.stderr
    assert "upgrades:  5 changes made by schema migrations:" in r.stdout
    assert "migration 15: entity 3: name 'Ac\\tme' renamed 'Ac me (2)'" in r.stdout
    assert "\x1b" not in r.stdout and "\u202e" not in r.stdout
    svc = Service.open(root)
    try:
        win = open_window(qtbot, svc)
        qtbot.waitUntil(lambda: getattr(win, "migration_notice", None) is not None)
        box = win.migration_notice
        assert box.isVisible() and not box.isModal()  # the window stays usable
        assert "changed 5 things" in box.text() and "renamed 'Ac me (2)'" in box.text()
        qtbot.waitUntil(lambda: not svc.migration_notes(unseen=True))
        assert len(svc.migration_notes()) == 5  # still listed by info
        box.close()
        again = open_window(qtbot, svc)  # the next start: not shown again
        qtbot.waitUntil(lambda: not again.runner.running)
        assert getattr(again, "migration_notice", None) is None
    finally:
        svc.close()


def test_feeds_page_shows_what_the_refresh_found_per_feed(tmp_path, qtbot):
    """The Feeds page open during a refresh kept saying "never fetched" for every feed (and
    "0 healthy · 0 failing") after the status bar had said 1 ok, 2 failed."""
    from tests.conftest import DATA
    from tests.feedserver import FeedServer

    svc = Service.create(tmp_path / "ws")
    try:
        svc.add_entity("brand", "Acme", "Acme", match_existing=False)
        with FeedServer(DATA / "feeds") as srv:
            for path, title in (("/static/rss20.xml", "Acme Watch"), ("/status/404", "Gone"), ("/html", "Shop")):
                svc.add_feed(f"http://127.0.0.1:{srv.port}{path}", title=title)
            win = open_window(qtbot, svc)
            win.show_page("Feeds")
            said: list[str] = []
            win.statusBar().messageChanged.connect(said.append)
            win.refresh()
            qtbot.waitUntil(lambda: win.refresh_task is None, timeout=20_000)
        table = win.feeds.table
        rows = {table.item(r, 0).text(): (table.item(r, 5).text(), table.item(r, 6).text(), table.item(r, 8).text())
                for r in range(table.rowCount())}
        assert rows["Acme Watch"] == ("ok", "", "3"), rows
        # plain words, not the machine's status tokens (http_error, not_a_feed)
        assert rows["Gone"][:2] == ("page not found (404)", "no feed at this address (HTTP 404)"), rows
        assert rows["Shop"][0] == "not a feed (an HTML page?)", rows
        progress = [m for m in said if m.startswith("Refreshing ")]
        assert any(m.startswith("Refreshing ") and "Gone: page not found (404)" in m for m in progress), progress
        assert any("Shop: not a feed (an HTML page?)" in m for m in progress), progress
        assert not any("_" in m for m in progress), progress
        assert win.feeds.health.text().startswith("1 healthy · 2 failing · 0 never fetched"), win.feeds.health.text()
    finally:
        svc.close()


_POLLERS: list = []


@pytest.fixture(autouse=True)
def _no_poller_left():
    yield
    for timer in _POLLERS:
        timer.stop()
    _POLLERS.clear()


def _answer_modals(qtbot, *steps):
    """Answer the modal dialogs that open next, in order: each step gets the dialog (a QTimer polls
    for it, as a person would wait for it to appear); the list of dialogs seen."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    todo, seen = list(steps), []
    timer = QTimer()
    _POLLERS.append(timer)  # stopped when the test ends: a poller left waiting never answers the next test's dialogs

    def poll() -> None:
        w = QApplication.activeModalWidget()
        if w is not None and (not seen or w is not seen[-1]) and todo:
            seen.append(w)
            try:
                todo.pop(0)(w)
            except BaseException:  # not the dialog expected: closed, so that the test fails instead of hanging
                todo.clear()
                w.reject()
                raise
        if not todo:
            timer.stop()

    timer.timeout.connect(poll)
    timer.start(20)
    return seen, timer


def test_a_refused_feed_address_keeps_what_was_typed_and_a_duplicate_is_named(tmp_path, qtbot):
    """A typo in Add feed… closed the dialog with a warning: the address, title and kind typed
    were gone and had to be typed again; adding an address already there said "added 0 feed(s)"."""
    from PySide6.QtWidgets import QMessageBox

    svc = Service.create(tmp_path / "ws")
    try:
        svc.add_feed("https://acmewatch.example/feed.xml", title="Acme Watch")
        win = open_window(qtbot, svc)
        win.show_page("Feeds")
        texts = []

        def typo(d):
            d.url.setText("htps://news.example/acme.xml")
            d.title.setText("Acme News")
            d.kind.setCurrentText("blog")
            d.accept()

        def warned(box):
            texts.append(box.text())
            box.button(QMessageBox.StandardButton.Ok).click()

        def reopened(d):
            texts.append((d.url.text(), d.title.text(), d.kind.currentText()))
            d.url.setText("https://news.example/acme.xml ")  # a trailing space, as pasted
            d.accept()

        seen, _t = _answer_modals(qtbot, typo, warned, reopened)
        win.feeds.add()
        assert texts[0].startswith("cannot add feed 'htps://news.example/acme.xml'"), texts
        assert texts[1] == ("htps://news.example/acme.xml", "Acme News", "blog")
        assert [(f.url, f.title, f.kind) for f in svc.feeds() if f.title == "Acme News"] == [
            ("https://news.example/acme.xml", "Acme News", "blog")]

        def again(d):
            d.url.setText("https://acmewatch.example/feed.xml")
            d.accept()

        with qtbot.waitSignal(win.feeds.status_message) as said:
            seen, _t = _answer_modals(qtbot, again)
            win.feeds.add()
        assert said.args[0] == "Not added: Acme Watch is already in your feeds (same address)"
        assert len(svc.feeds()) == 2
    finally:
        svc.close()


def test_a_cancelled_refresh_says_what_it_kept(tmp_path, qtbot):
    """Cancelled after one of two feeds, the status bar said "fetched all 2 enabled feeds: …;
    cancelled, 1 feeds not fetched": all fetched, and not. While it waited it said only
    "Refreshing 1/2: Acme Watch: ok", not which feed it was waiting for. It now says what was kept and what
    was not fetched, and that is what the database holds."""
    from tests.conftest import DATA
    from tests.feedserver import FeedServer

    svc = Service.create(tmp_path / "ws")
    try:
        svc.add_entity("brand", "Acme", "Acme", match_existing=False)
        with FeedServer(DATA / "feeds") as srv:
            svc.add_feed(f"http://127.0.0.1:{srv.port}/static/rss20.xml", title="Acme Watch")
            svc.add_feed(f"http://127.0.0.1:{srv.port}/drip", title="Dripping")  # never finishes by itself
            win = open_window(qtbot, svc)
            win.refresh()
            # the feed that keeps the refresh waiting is named
            qtbot.waitUntil(lambda: win.statusBar().currentMessage()
                            == "Refreshing 1/2: Acme Watch: ok · still to come: Dripping")
            assert win.progress.isVisible() and win.progress.value() == 1 and win.progress.maximum() == 2
            win.cancel_refresh()
            qtbot.waitUntil(lambda: win.refresh_task is None, timeout=10_000)
        said = win.statusBar().currentMessage()
        assert said.startswith("Refresh: cancelled after 1 of all 2 enabled feeds in "), said
        stored = svc.conn.execute("SELECT COUNT(*) FROM mentions").fetchone()[0]
        assert stored > 0 and said.endswith(f": 1 ok, 0 not modified, 0 failed; 3 entries, 3 new items, "
                                            f"{stored} new mentions kept; 1 feed was not fetched"), said
        assert {f.title: f.last_status for f in svc.feeds()} == {"Acme Watch": "ok", "Dripping": ""}
    finally:
        svc.close()


def test_a_new_workspace_drafts_its_first_reply_after_adding_its_user_in_the_gui(tmp_path, qtbot):
    """A new workspace has no users. D on a mention offered templates, and Create draft then said
    "no user 'root' (users: none yet: add one with `orm-desktop users add`)": no reply could be
    written from the GUI. Now the draft starts by adding the user (name, roles, passphrase)."""
    from tests.conftest import DATA

    svc = Service.create(tmp_path / "ws")
    try:
        svc.add_entity("brand", "Acme", "Acme", match_existing=False)
        svc.add_feed((DATA / "feeds" / "rss20.xml").as_uri(), title="Acme Watch")
        svc.change_setting("contact", "press@acme.example")  # as the set-up wizard asks
        svc.change_setting("status_page", "https://status.acme.example")
        svc.fetch(jobs=1)
        mention = next(m for m in svc.mentions() if "outage" in m.title)
        win = open_window(qtbot, svc)
        asked = []

        def add_me(d):
            asked.append(d.windowTitle())
            d.name.setText("dana")
            d.passphrase.setText("first-hour-1")
            d.again.setText("first-hour-2")
            d.buttons.accepted.emit()
            assert d.error.text() == "The two passphrases differ" and svc.users() == []
            d.again.setText("first-hour-1")
            d.buttons.accepted.emit()

        def pick_template(d):
            asked.append(d.windowTitle())
            d.accept()

        _answer_modals(qtbot, add_me, pick_template)
        win.inbox.draft_requested.emit(mention.id)  # D on the mention
        assert asked == ["Add a user", "Draft a response"]
        (u,) = svc.users()
        assert (u.name, set(u.roles)) == ("dana", {"author", "approver"})
        r = win.responses.current
        assert r is not None and (r.mention_id, r.author, r.state) == (mention.id, "dana", "draft")
        assert win.responses.me() == "dana"
        refused = []
        _answer_modals(qtbot, lambda box: (refused.append(box.text()), box.accept()))
        win.responses.act("submit")  # signed with the key made above: no passphrase asked again
        assert refused == []
        assert svc.response(r.id).state == "in_review"
    finally:
        svc.close()


def test_quit_and_restart_keeps_the_page_the_window_size_and_the_inbox_filters(tmp_path, qtbot):
    """Nothing of the window was kept: every start opened the Inbox at 1400 x 880 with every
    filter at "any", whatever the last session had open."""
    from orm_desktop.ui.main_window import MainWindow

    svc = Service.create(tmp_path / "ws")
    try:
        svc.add_entity("brand", "Acme", "Acme", match_existing=False)
        globex = svc.add_entity("competitor", "Globex", "Globex", match_existing=False)
        win = open_window(qtbot, svc)
        f = win.inbox.filters
        f.entity.setCurrentIndex(f.entity.findData(globex.id))
        f.sentiment.setCurrentIndex(f.sentiment.findText("negative"))
        f.period.setCurrentIndex(f.period.findData(7))
        f.search.setText("outage")
        win.show_page("Dashboard")
        win.resize(760, 590)  # within the offscreen screen (800 x 800): restoreGeometry keeps a window on its screen
        qtbot.waitUntil(lambda: win.size().width() == 760)
        assert win.close()
        again = MainWindow(svc)  # as app.run starts it
        qtbot.addWidget(again)
        again.resize(1400, 880)
        again.restore_ui_state()
        again.show()
        qtbot.waitExposed(again)
        g = again.inbox.filters
        assert (g.entity.currentData(), g.sentiment.currentText(), g.period.currentData(), g.search.text()) == (
            globex.id, "negative", 7, "outage")
        assert again.inbox.filters.build().search == "outage"
        assert again.nav.currentItem().text() == "Dashboard"
        assert (again.width(), again.height()) == (760, 590)
        (tmp_path / "ws" / MainWindow.UI_STATE).write_text('{"page": 3, "filters": {"sentiment": "x", "entity": true}}')
        third = MainWindow(svc)  # a damaged file: the defaults, no error
        qtbot.addWidget(third)
        third.restore_ui_state()
        assert third.nav.currentItem().text() == "Inbox" and third.inbox.filters.sentiment.currentIndex() == 0
        # a file someone else left in the folder: a window 30,000 px wide, off every screen, a huge
        # search and a page that is no page; the window opens on the screen, the rest is bounded
        third.setGeometry(-30000, -30000, 30000, 20000)
        hostile = {"geometry": bytes(third.saveGeometry().toBase64()).decode("ascii"), "page": "Inbox\u202e",
                   "filters": {"search": "x" * 1_000_000}}
        (tmp_path / "ws" / MainWindow.UI_STATE).write_text(__import__("json").dumps(hostile))
        fourth = MainWindow(svc)
        qtbot.addWidget(fourth)
        fourth.restore_ui_state()
        fourth.show()
        qtbot.waitExposed(fourth)
        assert fourth.screen().availableGeometry().contains(fourth.geometry().topLeft())
        assert fourth.width() <= fourth.screen().availableGeometry().width()
        assert fourth.nav.currentItem().text() == "Inbox" and len(fourth.inbox.filters.search.text()) == 500
    finally:
        svc.close()


def test_the_set_up_wizard_finishes_after_a_refused_finish(tmp_path, qtbot):
    """A key message over the limit was refused at Finish after the brand, the executives, the
    competitors and the feeds had been written; Finish again, the message fixed, then said
    "Jane Doe is named twice": the wizard could not be finished."""
    from orm_desktop.errors import UsageError
    from orm_desktop.ui.onboarding import OnboardingWizard

    svc = Service.create(tmp_path / "ws")
    try:
        wz = OnboardingWizard(svc)
        qtbot.addWidget(wz)
        wz.brand.name.setText("Acme")
        wz.executives.set_row(0, "Jane Doe", "CEO")
        wz.executives.set_row(1, "Omar Haddad", "CFO")
        wz.competitors.set_row(0, "Globex")
        wz.feeds.check_all(False)
        wz.feeds.list.item(0).setCheckState(wz.feeds.list.item(0).checkState().Checked)
        wz.replies.text.setPlainText("We answer fast.\n" + "x " * 20_001)  # pasted by mistake
        try:
            wz.apply()
            raise AssertionError("accepted")
        except UsageError as exc:
            assert "at most 20,000 characters" in str(exc)
        assert svc.entities() == [] and svc.feeds() == [] and svc.feed_templates() == []
        wz.replies.text.setPlainText("We answer fast.")
        wz.apply()
        assert sorted(e.name for e in svc.entities()) == ["Acme", "Globex", "Jane Doe", "Omar Haddad"]
        assert [t for _i, _topic, t in svc.key_messages()] == ["We answer fast."]
    finally:
        svc.close()


def _card_value(page, title: str) -> str:
    """The value shown on a page's KPI card (pages.card) with that title."""
    from PySide6.QtWidgets import QLabel

    labels = [w for w in page.scroll.widget().findChildren(QLabel)]
    i = next(i for i, w in enumerate(labels) if w.text() == title)
    return labels[i + 1].text()


def test_the_dashboard_open_during_the_first_refresh_shows_what_it_brought(tmp_path, qtbot):
    """The Dashboard open while the first refresh ran still said "Mentions 0" (and empty charts)
    after the status bar had said "9 new mentions": a page rebuilt only when shown again; nor did
    it count what a fetch in another process (the scheduled run) stored meanwhile."""
    from tests.conftest import DATA
    from tests.gui_support import show_page, wait_loaded

    svc = Service.create(tmp_path / "ws")
    try:
        svc.add_entity("brand", "Acme", "Acme", match_existing=False)
        svc.add_feed((DATA / "feeds" / "rss20.xml").as_uri(), title="Acme Watch")
        win = open_window(qtbot, svc)
        page = show_page(qtbot, win, "Dashboard")
        from PySide6.QtWidgets import QLabel

        note = page.scroll.widget().findChild(QLabel, "no_mentions")  # no mentions yet: says so
        assert note is not None and "Refresh" in note.text()
        shown = page.generation
        win.refresh()
        qtbot.waitUntil(lambda: win.refresh_task is None, timeout=10_000)
        qtbot.waitUntil(lambda: page.generation > shown, timeout=2000)  # the page shown rebuilds
        wait_loaded(qtbot, page)
        stored = svc.conn.execute("SELECT COUNT(*) FROM mentions m JOIN entities e ON e.id = m.entity_id "
                                  "WHERE e.kind = 'brand'").fetchone()[0]
        assert stored > 0 and _card_value(page, "Mentions") == str(stored)
        other = Service.open(tmp_path / "ws")  # a scheduled fetch (`run-scheduled`) in another process
        try:
            other.add_feed((DATA / "feeds" / "atom.xml").as_uri(), title="Acme Blog")
            shown = page.generation
            assert other.fetch(jobs=1).new_mentions > 0
        finally:
            other.close()
        qtbot.waitUntil(lambda: page.generation > shown, timeout=5000)
        wait_loaded(qtbot, page)
        more = svc.conn.execute("SELECT COUNT(*) FROM mentions m JOIN entities e ON e.id = m.entity_id "
                                "WHERE e.kind = 'brand'").fetchone()[0]
        assert more > stored and _card_value(page, "Mentions") == str(more)
    finally:
        svc.close()


def test_a_broken_opml_file_says_whether_anything_in_it_could_be_read(tmp_path, qtbot, monkeypatch):
    """A truncated OPML file from which nothing could be read said "the outlines that could be
    read were imported" next to "Imported 0 new feeds"."""
    from PySide6.QtWidgets import QFileDialog

    svc = Service.create(tmp_path / "ws")
    try:
        win = open_window(qtbot, svc)
        win.show_page("Feeds")
        broken = tmp_path / "broken.opml"
        said = []
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(broken), ""))
        for text in ('<opml version="2.0"><body><outline text="Acme" xmlUrl="https://acme.example/feed.xml"',
                     '<opml version="2.0"><body><outline text="Acme" xmlUrl="https://acme.example/feed.xml"/>'
                     '<outline text="Half" xmlUrl="https://half.exa'):
            broken.write_text(text, encoding="utf-8")
            _answer_modals(qtbot, lambda box: (said.append(box.text()), box.accept()))
            win.feeds.import_opml()
        assert "Imported 0 new feeds" in said[0] and "no feed outline in it could be read" in said[0], said[0]
        assert "Imported 1 new feed," in said[1] and "the outlines that could be read were imported" in said[1], said[1]
        assert [f.url for f in svc.feeds()] == ["https://acme.example/feed.xml"]
    finally:
        svc.close()
