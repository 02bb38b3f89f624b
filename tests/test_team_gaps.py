"""The gaps a team hit (issue 15 follow-up): a stale response transition on a team workspace is a
Conflict that says who (not a generic refusal), templates and key messages carry row versions on
both backends, and ``allow_self_approval`` is refused on a team workspace, whose database enforces
the four-eyes rule.

Real parts only: real SQLite files and databases on the local PostgreSQL server (a team database
with roles and logins from tests/team_scenario.py), real widgets offscreen.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest

from orm_desktop.errors import Conflict, UsageError
from orm_desktop.service import Service
from orm_desktop.store.postgres import schema as pg_schema
from tests import team_scenario as ts
from tests.conftest import act_as

pytestmark = pytest.mark.both_backends


# -- team workspace: transitions and the enforced four-eyes rule ---------------------------------------
@pytest.fixture
def lab(team_lab):
    return team_lab  # tests/conftest.py


def _as(lab, who: str) -> Service:
    """The app of ``who``: a Service logged in as their login, their signing key unlocked."""
    from orm_desktop import identity

    svc = Service.open(ts.url(lab.login(who), lab.db))
    identity.SESSION.add(lab.keys[who].private)
    return svc


def _in_review(lab) -> int:
    rid = lab.draft("alice", "We are sorry about the delay.")
    lab.step("alice", rid, "submit")
    return rid


def test_a_stale_transition_in_the_team_database_is_a_conflict_naming_who(lab):
    from orm_desktop.store import team

    rid = _in_review(lab)
    state, version, text = lab.conns["ada"].execute("SELECT state, version, text FROM responses WHERE id = %s",
                                                    (rid,)).fetchone()
    lab.step("pat", rid, "approve")  # the other approver was first
    k = lab.keys["ada"]
    data = {"from": state, "to": "approved", "comment": "", "version": version,
            "text_sha256": __import__("hashlib").sha256(text.encode()).hexdigest()}
    with pytest.raises(Conflict) as err:
        team.transition(lab.conns["ada"], rid, "approve", version=version, data=data, priv=k.private,
                        key_id=k.key_id)
    assert err.value.who == lab.login("pat") and (err.value.expected, err.value.current) == (version, version + 1)
    assert f"was changed by {lab.login('pat')} meanwhile" in str(err.value)


def _waiting_on_a_lock(login: str) -> bool:
    """Whether a session of ``login`` waits on a lock (the audit log's head or the response's row)."""
    with ts.connect(ts.SUPERUSER, "postgres", None) as su:
        return su.execute("SELECT count(*) FROM pg_stat_activity WHERE usename = %s AND wait_event_type = 'Lock'",
                          (login,)).fetchone()[0] > 0


def test_two_approvers_at_once_the_second_gets_a_conflict_naming_the_first(lab):
    """The race the app's own check cannot see: pat's app reads the draft (in review, version v)
    while ada's request for changes is not committed yet; pat's approval then waits on the row in
    the database, and when ada commits it is refused on the version, as a Conflict naming ada."""
    rid = _in_review(lab)
    pat = _as(lab, "pat")
    outcome: dict = {}

    def approve() -> None:
        try:
            outcome["result"] = pat.transition(rid, "approve", by=lab.login("pat"))
        except Exception as exc:  # noqa: BLE001 - the test looks at what it was
            outcome["result"] = exc

    try:
        ada = lab.conns["ada"]
        with ada.transaction():
            lab.step("ada", rid, "request_changes", comment="say when it ships")  # holds the row to commit
            worker = threading.Thread(target=approve)
            worker.start()
            deadline = time.monotonic() + 8  # within the sessions' 10 s lock_timeout
            while not _waiting_on_a_lock(lab.login("pat")) and worker.is_alive():
                assert time.monotonic() < deadline, "pat's approval never waited for ada's transaction"
                time.sleep(0.02)
        worker.join(30)
        assert not worker.is_alive()
        exc = outcome["result"]
        assert isinstance(exc, Conflict), exc
        assert exc.who == lab.login("ada") and exc.what == "response" and exc.row_id == rid
        assert pat.response(rid).state == "changes_requested"  # ada's step stands, nothing of pat's was written
    finally:
        pat.close()


@pytest.mark.parametrize("answer", ["Reload", "Keep mine"])
def test_the_responses_view_on_a_team_asks_reload_or_keep_mine(qtbot, lab, answer):
    from PySide6.QtWidgets import QApplication

    from tests.gui_support import open_window
    from tests.test_team_concurrency import _answer_conflict

    rid = _in_review(lab)
    pat = _as(lab, "pat")
    win = open_window(qtbot, pat)
    try:
        view = win.responses
        win.show_page("Responses")
        view.show_response(rid)
        assert view.current.state == "in_review"
        ada = _as(lab, "ada")
        try:  # ada asks for changes, alice edits and submits again: pat's view is two versions behind
            ada.transition(rid, "request_changes", comment="shorter", by=lab.login("ada"))
        finally:
            ada.close()
        lab.edit("alice", rid, "Sorry, shipping Friday.")
        lab.step("alice", rid, "submit")
        seen = _answer_conflict(qtbot, answer)
        view.act("approve")
        assert seen == [f"Response {rid} was changed by {lab.login('alice')} meanwhile."]
        after = pat.response(rid)
        assert after.state == ("approved" if answer == "Keep mine" else "in_review")
        assert view.current.version == after.version  # the view shows the response as it is now
    finally:
        win.runner.cancel_all()
        win.runner.wait(10_000)
        win.close()  # stops the live listener
        QApplication.processEvents()  # its last queued changes reach the view while the database is there
        pat.close()


def test_allow_self_approval_is_refused_on_a_team_and_the_database_enforces_it_anyway(lab, run_cli):
    ada = _as(lab, "ada")
    try:
        with pytest.raises(UsageError, match="cannot be turned on in a team workspace.*four-eyes"):
            ada.set_setting("allow_self_approval", True)
        with pytest.raises(UsageError, match="cannot be turned on in a team workspace"):
            ada.set_settings({"brand_name": "Acme", "allow_self_approval": True})
        assert ada.setting("brand_name") in (None, "")  # all or nothing
        ada.set_setting("allow_self_approval", False)  # saying it is off is fine
        r = run_cli("settings", "set", "allow_self_approval", "true", workspace=ts.url(lab.login("ada"), lab.db))
        assert r.returncode == 2 and len(r.stderr.splitlines()) == 1 and "Traceback" not in r.stderr
        assert "database enforces the four-eyes rule" in r.stderr
        # pushed from a laptop where it was on: still no self-approval, and the app says the rule
        lab.conns["owner"].execute("UPDATE settings SET value = 'true' WHERE key = 'allow_self_approval'")
        assert ada.setting("allow_self_approval") is True
        own = lab.draft("pat", "Thanks, we fixed it.")
        lab.step("pat", own, "submit")
    finally:
        ada.close()
    pat = _as(lab, "pat")
    try:
        with pytest.raises(UsageError, match="cannot approve it .four-eyes rule, enforced by the team database"):
            pat.transition(own, "approve", by=lab.login("pat"))
        assert pat.response(own).state == "in_review"
    finally:
        pat.close()


def test_the_settings_page_on_a_team_shows_the_rule_enforced(qtbot, lab):
    from orm_desktop.ui.manage import SettingsView

    lab.conns["owner"].execute("INSERT INTO settings (key, value) VALUES ('allow_self_approval', 'true') "
                               "ON CONFLICT (key) DO UPDATE SET value = 'true'")
    ada = _as(lab, "ada")
    try:
        page = SettingsView(ada)
        qtbot.addWidget(page)
        assert page.four_eyes.isChecked() and not page.four_eyes.isEnabled()
        assert "database enforces the four-eyes rule" in page.four_eyes.toolTip()
        assert page.form_values()["allow_self_approval"] is False
    finally:
        ada.close()


def test_a_solo_workspace_may_still_allow_self_approval(demo_service):
    demo_service.set_setting("allow_self_approval", True)
    assert demo_service.setting("allow_self_approval") is True
    assert demo_service.team_enforced_setting("allow_self_approval") == ""


# -- templates and key messages: row versions on both backends -------------------------------------------
@pytest.fixture
def two(demo_service):
    """(a, b): two app instances on the same workspace (two windows, processes or laptops)."""
    other = Service(demo_service.ws)
    act_as(demo_service, "sam")
    act_as(other, "alex")
    yield demo_service, other
    other.close()


def _template_body(tid: str, text: str) -> str:
    from orm_desktop.responses.templates import shipped_templates, to_toml

    t = shipped_templates()["review-reply-negative"]
    return to_toml(replace(t, id=tid, title=f"{tid} title", text=text))


def test_two_people_saving_the_same_template_conflict_never_overwrite(two):
    a, b = two
    a.save_template(_template_body("warm-reply", "Dear {author}, sorry."), by="sam")
    seen_a, seen_b = a.template_versions(), b.template_versions()
    assert seen_a == seen_b and seen_a["warm-reply"] == 1
    a.save_template(_template_body("warm-reply", "Dear {author}, we are sorry."), by="sam", expected_versions=seen_a)
    with pytest.raises(Conflict, match="template warm-reply was changed by sam meanwhile") as err:
        b.save_template(_template_body("warm-reply", "Hi {author}!"), by="alex", expected_versions=seen_b)
    assert (err.value.expected, err.value.current) == (1, 2)
    assert b.templates()["warm-reply"].text == "Dear {author}, we are sorry."  # not overwritten
    # keep mine: on their version
    b.save_template(_template_body("warm-reply", "Hi {author}!"), by="alex", expected_versions={"warm-reply": 2})
    assert a.templates()["warm-reply"].text == "Hi {author}!" and a.template_versions()["warm-reply"] == 3
    # two people creating the same new id: the second is told, not overwritten
    with pytest.raises(Conflict, match="changed by alex"):
        a.save_template(_template_body("warm-reply", "created here too"), by="sam", expected_versions={})
    with pytest.raises(Conflict):
        a.delete_template("warm-reply", by="sam", expected_version=2)
    a.delete_template("warm-reply", by="sam", expected_version=3)
    assert "warm-reply" not in b.templates()


def test_two_people_editing_the_same_key_message_conflict_never_overwrite(two):
    a, b = two
    mid = a.add_key_message("We never sell customer data.", by="sam")
    seen = b.key_message_versions()[mid]
    a.edit_key_message(mid, text="We never sell or share customer data.", by="sam",
                       expected_version=a.key_message_versions()[mid])
    with pytest.raises(Conflict, match=f"key message {mid} was changed by sam meanwhile"):
        b.edit_key_message(mid, text="Customer data is never sold.", by="alex", expected_version=seen)
    assert dict((i, x) for i, _t, x in b.key_messages())[mid] == "We never sell or share customer data."
    with pytest.raises(Conflict):
        b.remove_key_message(mid, by="alex", expected_version=seen)
    b.remove_key_message(mid, by="alex", expected_version=seen + 1)
    with pytest.raises(Conflict, match="changed by alex"):  # retired meanwhile: said, not "no such message"
        a.edit_key_message(mid, text="again", by="sam", expected_version=seen + 1)
    # writers that pass no version still bump it (a reader's version is stale after any change)
    mid2 = a.add_key_message("Safety first.", by="sam")
    v = b.key_message_versions()[mid2]
    a.edit_key_message(mid2, text="Safety comes first.", by="sam")
    assert b.key_message_versions()[mid2] == v + 1


@pytest.mark.parametrize("answer", ["Reload", "Keep mine"])
def test_the_templates_dialog_asks_reload_or_keep_mine(qtbot, two, answer):
    from orm_desktop.ui.responses_view import TemplatesDialog
    from tests.test_team_concurrency import _answer_conflict

    a, b = two
    a.save_template(_template_body("warm-reply", "Dear {author}, sorry."), by="sam")
    dlg = TemplatesDialog(a, "sam")
    qtbot.addWidget(dlg)
    dlg.reload("warm-reply")
    assert dlg.current().id == "warm-reply"
    b.save_template(_template_body("warm-reply", "Theirs, {author}."), by="alex")
    dlg.editor.setPlainText(_template_body("warm-reply", "Mine, {author}."))
    seen = _answer_conflict(qtbot, answer)
    dlg.save()
    assert seen == ["Template warm-reply was changed by alex meanwhile."]
    expected = "Mine, {author}." if answer == "Keep mine" else "Theirs, {author}."
    assert b.templates()["warm-reply"].text == expected
    assert "Theirs" in dlg.editor.toPlainText() if answer == "Reload" else "Mine" in dlg.editor.toPlainText()


@pytest.mark.parametrize("answer", ["Reload", "Keep mine"])
def test_the_key_messages_editor_asks_reload_or_keep_mine(qtbot, two, answer):
    from orm_desktop.ui.key_messages import KeyMessagesEditor
    from tests.test_team_concurrency import _answer_conflict

    a, b = two
    mid = a.add_key_message("We never sell customer data.", by="sam")
    ed = KeyMessagesEditor(a, user="sam")
    qtbot.addWidget(ed)
    row = next(i for i in range(ed.list.count()) if ed.list.item(i).text().endswith("We never sell customer data."))
    ed.list.setCurrentRow(row)
    b.edit_key_message(mid, text="Theirs: customer data is never sold.", by="alex")
    ed.text.setText("Mine: we never sell or share customer data.")
    seen = _answer_conflict(qtbot, answer)
    ed.save_change()
    assert seen == [f"Key message {mid} was changed by alex meanwhile."]
    stored = dict((i, x) for i, _t, x in b.key_messages())[mid]
    assert stored.startswith("Mine" if answer == "Keep mine" else "Theirs")


def test_an_upgraded_team_database_lets_its_authors_write_the_new_rollups_at_once(lab):
    """A team database made before a migration that adds tables (m012's facet tables, written by
    triggers as the user whose change fires them): the owner's upgrade grants the groups what they
    need, so an author's triage works without an admin re-running ``team init``."""
    from orm_desktop.store import db
    from orm_desktop.store.postgres import schema

    owner = lab.conns["owner"]
    author_group = owner.execute(
        "SELECT value FROM team_meta WHERE key = 'role_prefix'").fetchone()[0] + "_author"
    owner.execute(f'REVOKE INSERT, UPDATE, DELETE ON mention_facets, mention_facet_counts FROM "{author_group}"')
    owner.execute("UPDATE schema_meta SET value = %s WHERE key = 'version'", (str(db.schema_version() - 1),))
    assert not owner.execute("SELECT has_table_privilege(%s, 'mention_facet_counts', 'UPDATE')",
                             (author_group,)).fetchone()[0]
    from orm_desktop.errors import WorkspaceError

    with pytest.raises(WorkspaceError, match=f"its owner \\({lab.owner}\\) must open it once"):
        Service.open(ts.url(lab.login("alice"), lab.db))  # not PostgreSQL's refusal of an ALTER TABLE
    svc = Service.open(ts.url(lab.owner, lab.db))  # the owner opens it: the upgrade runs
    svc.close()
    assert owner.execute("SELECT value FROM schema_meta WHERE key = 'version'").fetchone()[0] == str(db.schema_version())
    assert owner.execute("SELECT has_table_privilege(%s, 'mention_facet_counts', 'UPDATE')",
                         (author_group,)).fetchone()[0]
    assert schema.version() == db.schema_version()
    alice = _as(lab, "alice")
    try:
        mid = alice.conn.execute("SELECT id FROM mentions ORDER BY id LIMIT 1").fetchone()[0]
        alice.set_status([mid], "flagged")  # fires the facet triggers as alice
    finally:
        alice.close()


def test_a_postgresql_only_step_waits_for_the_owner_while_authors_work(lab):
    """p020 (PostgreSQL only: the insert triggers of mentions once per statement) on a team
    database made before it: an author's open neither fails nor changes the triggers (only the
    owner may replace them), the author's mentions keep the rollups right under the old triggers
    and the new ones, and the owner's open applies the step."""
    from orm_desktop.store import db
    from orm_desktop.store import items as items_store
    from tests.test_pg import ROW_LEVEL_INSERT_TRIGGERS, insert_trigger_levels

    owner = lab.conns["owner"]
    owner.execute(ROW_LEVEL_INSERT_TRIGGERS)
    owner.execute("DELETE FROM schema_meta WHERE key = 'pg_step'")

    def add(svc, item: int, entity: int) -> None:
        with db.transaction(svc.conn) as conn:
            if item > 1:
                conn.execute("INSERT INTO items (id, guid, url, canonical_url, title, text, published, first_seen) "
                             "VALUES (?, ?, ?, ?, 'Acme', 'Acme', 1, 1)", (item, f"g{item}", f"u{item}", f"u{item}"))
            assert items_store.insert_mentions(conn, [(item, entity, 86400 * 3, "news", "s", 0.5, 0.5, "t", "text",
                                                       "[]", "pricing", "", 1.0, None, 1)]) == 1

    def counted(entity: int) -> tuple:
        return (owner.execute("SELECT sum(total), sum(positive) FROM mention_daily WHERE entity_id = %s",
                              (entity,)).fetchone(),
                owner.execute("SELECT n FROM mention_facet_counts WHERE facet = 'topic:pricing' AND entity_id = %s",
                              (entity,)).fetchone())

    alice = _as(lab, "alice")  # the upgrade runs as alice: it leaves the step to the owner
    try:
        assert insert_trigger_levels(alice.conn) == {"row"}
        add(alice, 1, 2)
        assert counted(2) == ((1, 1), (1,))
    finally:
        alice.close()
    Service.open(ts.url(lab.owner, lab.db)).close()
    assert insert_trigger_levels(owner) == {"statement"}
    assert owner.execute("SELECT value FROM schema_meta WHERE key = 'pg_step'").fetchone()[0] == str(pg_schema.pg_step())
    alice = _as(lab, "alice")
    try:
        add(alice, 2, 2)
        assert counted(2) == ((2, 2), (2,))
    finally:
        alice.close()


def test_a_version_16_team_database_counts_not_scored_after_the_owners_upgrade(lab):
    """m017 / p017 on a team database of version 16 (which ran the PostgreSQL-only step under its
    old number 17): an author's open is told the owner must open it first; the owner's open adds
    mention_daily.unscored, recounts (the Urdu mention leaves neutral) and renumbers pg_step to 20;
    then an author's Urdu mention counts as not scored and her override (to 0.0: the score stays)
    moves it to neutral, the rollup triggers running as her."""
    import pytest

    from orm_desktop.errors import WorkspaceError
    from orm_desktop.store import db
    from orm_desktop.store import items as items_store
    from tests.test_unscored import PG_V16

    owner = lab.conns["owner"]

    def add(svc, item: int) -> int:
        with db.transaction(svc.conn) as conn:
            conn.execute("INSERT INTO items (id, guid, url, canonical_url, title, text, published, first_seen) "
                         "VALUES (?, ?, ?, ?, 'Acme', 'Acme', 1, 1)", (item, f"g{item}", f"u{item}", f"u{item}"))
            items_store.insert_mentions(conn, [(item, 2, 86400 * 5, "news", "s", 0.0, 0.0, "t", "unsupported_language",
                                                "[]", "", "", 1.0, None, 1, 0.0)])
            return conn.execute("SELECT id FROM mentions WHERE item_id = ?", (item,)).fetchone()[0]

    def day5() -> tuple:
        return tuple(owner.execute("SELECT total, neutral, unscored FROM mention_daily WHERE entity_id = 2 AND day = 5")
                     .fetchone())

    alice = _as(lab, "alice")
    try:
        first = add(alice, 501)
    finally:
        alice.close()
    owner.execute(PG_V16)
    assert owner.execute("SELECT total, neutral FROM mention_daily WHERE entity_id = 2 AND day = 5").fetchone() == (1, 1)
    with pytest.raises(WorkspaceError, match="its owner .* must open it once"):
        _as(lab, "alice")
    Service.open(ts.url(lab.owner, lab.db)).close()
    assert day5() == (1, 0, 1)
    assert owner.execute("SELECT value FROM schema_meta WHERE key = 'pg_step'").fetchone()[0] == str(pg_schema.pg_step())
    alice = _as(lab, "alice")
    try:
        add(alice, 502)
        assert day5() == (2, 0, 2)
        alice.override_sentiment([first], 0.0)
        assert day5() == (2, 1, 1)
    finally:
        alice.close()


def test_a_version_17_team_database_upgrades_and_an_authors_refresh_records_watched_since(lab, run_cli):
    """m018 / p018 on a team database of version 17 (which ran the PostgreSQL-only step under the
    number 18): an author's open is told the owner must open it first; the owner's open adds
    ``feeds.watched_since`` (an existing feed's from its first item), the index
    ``items_feed_seen`` in place of PostgreSQL's own ``items_feed``, and runs the PostgreSQL-only
    step again as p020; ``check`` passes. Then an author's refresh of a new feed records when it
    is watched since: a refresh's bookkeeping, which her role may write."""
    from orm_desktop.errors import WorkspaceError
    from tests.feedserver import FeedServer
    from tests.test_feed_watch import PG_V17

    owner = lab.conns["owner"]
    owner.execute("INSERT INTO feeds (id, url, created) VALUES (100, 'https://old.example/feed', 1)")
    owner.execute("UPDATE items SET feed_id = 100, first_seen = 777 WHERE id = 1")
    owner.execute(PG_V17)
    with pytest.raises(WorkspaceError, match="its owner .* must open it once"):
        _as(lab, "alice")
    Service.open(ts.url(lab.owner, lab.db)).close()
    assert owner.execute("SELECT watched_since FROM feeds WHERE id = 100").fetchone() == (777,)
    assert {r[0] for r in owner.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'items'")} & {
        "items_feed", "items_feed_seen"} == {"items_feed_seen"}
    assert owner.execute("SELECT value FROM schema_meta WHERE key = 'pg_step'").fetchone() == (str(pg_schema.pg_step()),)
    r = run_cli("check", workspace=ts.url(lab.owner, lab.db))
    assert r.returncode == 0 and "integrity check: ok" in r.stdout, r.stdout + r.stderr
    with FeedServer() as server:
        server.routes["/news.xml"] = (200, {"Content-Type": "application/rss+xml"},
                                      b'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>'
                                      b"<item><title>Acme opens a store</title><link>https://news.example/1</link>"
                                      b"</item></channel></rss>")
        ada = _as(lab, "ada")  # an admin adds the feed
        try:
            feed = ada.add_feed(server.url("/news.xml"))[0].id
        finally:
            ada.close()
        alice = _as(lab, "alice")
        try:
            assert alice.fetch(jobs=1, feed_ids=[feed]).new_items == 1
        finally:
            alice.close()
    assert owner.execute("SELECT watched_since IS NOT NULL FROM feeds WHERE id = %s", (feed,)).fetchone() == (True,)


def test_a_version_18_team_database_upgrades_and_an_authors_refresh_records_a_gap(lab):
    """m019 / p019 on a team database of version 18 (which ran the PostgreSQL-only step under the
    number 19): the owner's open adds ``feeds.watched_until`` and ``feed_gaps`` and runs the
    PostgreSQL-only step again as p020. Then an author refreshes a feed, and 14 days later again,
    when it holds only today's entry: her refresh records the span it did not see (her role may
    write a refresh's bookkeeping: ``watched_until``, ``feed_gaps``)."""
    import time

    from tests.feedserver import FeedServer
    from tests.test_feed_watch import PG_V18, _rss, _serve

    owner = lab.conns["owner"]
    owner.execute(PG_V18)
    Service.open(ts.url(lab.owner, lab.db)).close()
    assert owner.execute("SELECT value FROM schema_meta WHERE key = 'pg_step'").fetchone() == (str(pg_schema.pg_step()),)
    now = int(time.time())
    then = now - 14 * 86400
    with FeedServer() as server:
        ada = _as(lab, "ada")  # an admin adds the feed
        try:
            feed = ada.add_feed(_serve(server, "/news.xml", _rss("news", [("Acme then", then - 60)])))[0].id
        finally:
            ada.close()
        alice = _as(lab, "alice")
        try:
            assert alice.fetch(jobs=1, feed_ids=[feed], now=then).new_items == 1
            _serve(server, "/news.xml", _rss("news", [("Acme now", now - 60)]))
            assert alice.fetch(jobs=1, feed_ids=[feed], now=now).new_items == 1
        finally:
            alice.close()
    assert owner.execute("SELECT watched_until FROM feeds WHERE id = %s", (feed,)).fetchone() == (now,)
    assert owner.execute("SELECT gap_from, gap_until FROM feed_gaps WHERE feed_id = %s", (feed,)).fetchall() == [
        (then, now - 60)]
