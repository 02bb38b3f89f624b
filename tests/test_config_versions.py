"""Row versions on entities, feeds and users' display names (migration m013, issue 15 team gaps):
two people editing the same row at the same time get a Conflict that names who saved it, never a
silent overwrite, on both backends; in the CLI as one line; in the GUI's Feeds, Entities and
Settings > Display names as Reload / Keep mine. On a team workspace the database records the
login as the last writer, and an existing team database upgraded by its owner gets all of it.

Real parts only: real SQLite files and PostgreSQL databases, two Service instances on one
workspace (two windows, processes or laptops), the real CLI entry point, real widgets offscreen.
"""

from __future__ import annotations

import pytest

from orm_desktop.errors import Conflict, UsageError
from orm_desktop.service import Service
from tests import team_scenario as ts
from tests.conftest import act_as

pytestmark = pytest.mark.both_backends


@pytest.fixture
def two(demo_service):
    """(a, b): two app instances on the same workspace, acting as sam and alex."""
    other = Service(demo_service.ws)
    act_as(demo_service, "sam")
    act_as(other, "alex")
    demo_service.acting_user, other.acting_user = "sam", "alex"  # as `--as NAME` / "Working as"
    yield demo_service, other
    other.close()


def _where(svc):
    return svc.ws.url or svc.ws.root


# -- entities ------------------------------------------------------------------------------------------
def test_two_people_editing_the_same_entity_conflict_never_overwrite(two):
    a, b = two
    e = a.entities()[0]
    seen = b.entity(e.id)
    assert seen.version == e.version
    a.update_entity(e.id, aliases=["Acme Inc"], expected_version=e.version)
    with pytest.raises(Conflict, match=f"entity {e.id} was changed by sam meanwhile") as err:
        b.update_entity(e.id, name="Renamed by Alex", expected_version=seen.version)
    assert (err.value.expected, err.value.current, err.value.who) == (e.version, e.version + 1, "sam")
    now = a.entity(e.id)
    assert now.name == e.name and now.aliases == ("Acme Inc",)  # alex's save wrote nothing
    # keep mine: alex applies the change on sam's version
    after = b.update_entity(e.id, title="Chief", expected_version=err.value.current)
    assert after.version == e.version + 2 and after.changed_by == "alex" and after.aliases == ("Acme Inc",)
    # a writer that passes no version still makes a new one: a reader's version is stale after it
    a.update_entity(e.id, importance=2.5)
    assert b.entity(e.id).version == e.version + 3
    with pytest.raises(Conflict, match="changed by sam"):
        b.remove_entity(e.id, expected_version=e.version + 2)
    assert b.entity(e.id)  # still there
    b.remove_entity(e.id, expected_version=e.version + 3)
    with pytest.raises(UsageError):
        a.entity(e.id)


def test_crisis_mode_and_unchanged_values_do_not_make_a_new_entity_version(two):
    from orm_desktop.store import db

    a, _b = two
    e = a.entities()[0]
    with db.transaction(a.conn):
        a.conn.execute("UPDATE entities SET crisis = 1 WHERE id = ?", (e.id,))
        a.conn.execute("UPDATE entities SET name = name, query = query WHERE id = ?", (e.id,))  # same values
    assert a.entity(e.id).version == e.version
    with db.transaction(a.conn):  # an editor's field, changed by a writer that does not bump: the trigger does
        a.conn.execute("UPDATE entities SET title = 'CEO' WHERE id = ?", (e.id,))
    assert a.entity(e.id).version == e.version + 1


def test_an_entity_rename_to_a_taken_name_is_one_line(two):
    a, _b = two
    first, second = a.entities()[:2]
    with pytest.raises(UsageError, match=f"an entity named {second.name!r} already exists"):
        a.update_entity(first.id, name=second.name, expected_version=first.version)
    with pytest.raises(UsageError, match="unknown entity kind"):
        a.update_entity(first.id, kind="planet")


# -- feeds ---------------------------------------------------------------------------------------------
def test_two_people_editing_the_same_feed_conflict_never_overwrite(two):
    a, b = two
    f = a.feeds()[0]
    seen = b.feed(f.id)
    a.update_feed(f.id, title="Sam's title", weight=2.0, expected_version=f.version)
    with pytest.raises(Conflict, match=f"feed {f.id} was changed by sam meanwhile") as err:
        b.update_feed(f.id, title="Alex's title", expected_version=seen.version)
    assert a.feed(f.id).title == "Sam's title" and a.feed(f.id).weight == 2.0
    with pytest.raises(Conflict, match="changed by sam"):  # enable/disable on a stale version too
        b.update_feed(f.id, enabled=0, expected_version=seen.version)
    assert a.feed(f.id).enabled
    b.update_feed(f.id, enabled=0, expected_version=err.value.current)  # keep mine
    assert a.feed(f.id).enabled is False and a.feed(f.id).changed_by == "alex"
    with pytest.raises(Conflict, match="changed by alex"):
        a.remove_feed(f.id, expected_version=err.value.current)
    a.remove_feed(f.id, expected_version=err.value.current + 1)
    assert all(x.id != f.id for x in b.feeds())


def test_a_refresh_changes_no_feed_version_except_filling_in_an_empty_title(two):
    from orm_desktop.store import db
    from orm_desktop.store import feeds as feeds_store

    a, _b = two
    f = next(x for x in a.feeds() if x.title)
    with db.transaction(a.conn):  # what a refresh records after each fetch (it names title every time)
        feeds_store.record_success(a.conn, f.id, now=1, status="ok", etag='"e2"', last_modified="", title="Other",
                                   new_items=3, next_due=2)
        feeds_store.record_failure(a.conn, f.id, now=3, status="timeout", message="slow", next_due=4)
    assert a.feed(f.id).version == f.version and a.feed(f.id).title == f.title
    a.update_feed(f.id, title="")
    v = a.feed(f.id).version
    with db.transaction(a.conn):
        feeds_store.record_success(a.conn, f.id, now=5, status="ok", etag="", last_modified="", title="From the feed",
                                   new_items=0, next_due=6)
    assert a.feed(f.id).title == "From the feed" and a.feed(f.id).version == v + 1  # an editor must see it


def test_an_opml_import_that_changes_a_feed_makes_a_new_version(two, tmp_path):
    a, b = two
    f = a.add_feed("https://news.example.org/acme.xml", title="Acme news")[0]
    seen = b.feed(f.id)
    opml = tmp_path / "f.opml"
    opml.write_text('<?xml version="1.0"?><opml version="2.0"><head/><body>'
                    f'<outline type="rss" text="Imported" xmlUrl="{f.url}" category="cat9"/></body></opml>')
    assert a.import_opml(opml) == (0, 1, [])
    with pytest.raises(Conflict):
        b.update_feed(f.id, title="Stale", expected_version=seen.version)


def test_feed_edits_are_checked_before_the_database(two):
    a, _b = two
    f, g = a.feeds()[:2]
    with pytest.raises(UsageError, match="another feed already has that URL"):
        a.update_feed(f.id, url=g.url, expected_version=f.version)
    with pytest.raises(UsageError, match="must start with http"):
        a.update_feed(f.id, url="ftp://x", expected_version=f.version)
    with pytest.raises(UsageError, match="no feed with id 999999"):
        a.update_feed(999999, title="x")


# -- display names ---------------------------------------------------------------------------------------
def test_two_people_editing_a_display_name_conflict_never_overwrite(two):
    a, b = two
    u = a.user("sam")
    a.set_display_name("sam", "Sam Reyes", expected_version=u.version)
    with pytest.raises(Conflict, match="user sam was changed by sam meanwhile"):
        b.set_display_name("sam", "Samantha", expected_version=u.version)
    assert b.user("sam").display_name == "Sam Reyes"
    assert b.set_display_name("sam", "  Samantha   R. ", expected_version=u.version + 1).display_name == "Samantha R."
    with pytest.raises(UsageError, match="cannot be empty"):
        a.set_display_name("sam", "  ")
    with pytest.raises(UsageError, match="no user 'nobody'"):
        a.set_display_name("nobody", "X")


# -- the CLI: one line, exit 1 as other conflicts -------------------------------------------------------------
def test_the_cli_says_a_conflict_in_one_line(two, run_cli):
    import json

    a, _b = two
    where = _where(a)
    e = a.entities()[0]
    f = a.feeds()[0]
    listed = json.loads(run_cli("entities", "list", "--format", "json", workspace=where).stdout)
    assert next(r for r in listed if r["id"] == e.id)["version"] == e.version
    assert next(r for r in json.loads(run_cli("feeds", "list", "--format", "json", workspace=where).stdout)
                if r["id"] == f.id)["version"] == f.version
    a.update_entity(e.id, title="Boss")
    a.update_feed(f.id, title="Renamed")
    a.set_display_name("alex", "Alex K.")
    v_user = a.user("alex").version
    for args, what in ((("entities", "edit", str(e.id), "--alias", "AC", "--if-version", str(e.version)),
                        f"entity {e.id}"),
                       (("feeds", "edit", str(f.id), "--title", "Mine", "--if-version", str(f.version)), f"feed {f.id}"),
                       (("feeds", "disable", str(f.id), "--if-version", str(f.version)), f"feed {f.id}"),
                       (("users", "display-name", "alex", "Al", "--if-version", str(v_user - 1)), "user alex")):
        out = run_cli(*args, workspace=where)
        assert out.returncode == 1, (args, out.stderr)
        assert out.stderr.strip().startswith(f"orm-desktop: error: {what} was changed by sam meanwhile"), out.stderr
        assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
    assert a.entity(e.id).aliases == e.aliases and a.feed(f.id).title == "Renamed" and a.feed(f.id).enabled
    ok = run_cli("entities", "edit", e.name, "--alias", "AC", "--if-version", str(e.version + 1), workspace=where)
    assert ok.returncode == 0 and f"version {e.version + 2}" in ok.stdout, ok.stderr
    ok = run_cli("feeds", "edit", str(f.id), "--title", "Mine", "--if-version", str(f.version + 1), workspace=where)
    assert ok.returncode == 0, ok.stderr
    ok = run_cli("users", "display-name", "alex", "Al", "--if-version", str(v_user), workspace=where)
    assert ok.returncode == 0 and "'Al'" in ok.stdout, ok.stderr
    assert a.feed(f.id).title == "Mine" and a.user("alex").display_name == "Al"
    bad = run_cli("feeds", "edit", str(f.id), workspace=where)
    assert bad.returncode == 2 and "nothing to change" in bad.stderr


# -- the GUI: Reload / Keep mine ---------------------------------------------------------------------------
@pytest.mark.parametrize("answer", ["Reload", "Keep mine"])
def test_the_feeds_page_asks_reload_or_keep_mine(qtbot, two, monkeypatch, answer):
    from orm_desktop.ui import manage
    from tests.test_team_concurrency import _answer_conflict

    a, b = two
    view = manage.FeedsView(a)
    qtbot.addWidget(view)
    view.table.selectRow(0)
    f = view.selected()
    b.update_feed(f.id, title="Theirs")  # after this page read the feed

    def typed(dialog) -> int:  # the person types a new title in the Edit feed dialog and presses OK
        dialog.title.setText("Mine")
        return 1

    monkeypatch.setattr(manage.FeedDialog, "exec", typed)
    seen = _answer_conflict(qtbot, answer)
    view.edit()
    assert seen == [f"Feed {f.id} was changed by alex meanwhile."]
    assert b.feed(f.id).title == ("Mine" if answer == "Keep mine" else "Theirs")
    shown = next(view.table.item(r, 0).text() for r in range(view.table.rowCount()) if view.feeds[r].id == f.id)
    assert shown == b.feed(f.id).title  # the page shows the feed as stored now
    # enable/disable on a stale row asks too
    view.table.selectRow(next(r for r in range(len(view.feeds)) if view.feeds[r].id == f.id))
    b.update_feed(f.id, category="theirs")
    seen = _answer_conflict(qtbot, answer)
    view.toggle()
    assert len(seen) == 1 and b.feed(f.id).enabled is (answer == "Reload")


@pytest.mark.parametrize("answer", ["Reload", "Keep mine"])
def test_the_entities_page_asks_reload_or_keep_mine(qtbot, two, answer):
    from orm_desktop.ui.manage import EntitiesView
    from orm_desktop.ui.tasks import TaskRunner
    from tests.test_team_concurrency import _answer_conflict

    a, b = two
    view = EntitiesView(a, TaskRunner())
    qtbot.addWidget(view)
    view.list.setCurrentRow(0)
    eid = view.current_id
    b.update_entity(eid, title="Their title")
    view.title.setText("My title")
    seen = _answer_conflict(qtbot, answer)
    with qtbot.waitSignal(view.finished, timeout=20_000):  # written in the task runner
        view.save()
    assert seen == [f"Entity {eid} was changed by alex meanwhile."]
    stored = b.entity(eid)
    assert stored.title == ("My title" if answer == "Keep mine" else "Their title")
    assert view.title.text() == stored.title and view.current_version == stored.version
    assert not view.dirty()
    view.runner.cancel_all()
    view.runner.wait(10_000)


@pytest.mark.parametrize("answer", ["Reload", "Keep mine"])
def test_display_names_in_settings_ask_reload_or_keep_mine(qtbot, two, answer):
    from orm_desktop.ui.manage import SettingsView
    from tests.test_team_concurrency import _answer_conflict

    a, b = two
    page = SettingsView(a)
    qtbot.addWidget(page)
    ed = page.display_names
    ed.user.setCurrentIndex(ed.user.findData("sam"))
    b.set_display_name("sam", "Theirs Sam")
    ed.name.setText("My Sam")
    seen = _answer_conflict(qtbot, answer)
    ed.save()
    assert seen == ["User sam was changed by alex meanwhile."]
    assert b.user("sam").display_name == ("My Sam" if answer == "Keep mine" else "Theirs Sam")
    assert ed.name.text() == b.user("sam").display_name


# -- team workspace: the login is who saved it; an upgraded team database gets it all ----------------------
@pytest.fixture
def lab(backend, request):
    if backend != "postgresql":
        pytest.skip("a team workspace is a PostgreSQL database")
    lab = request.getfixturevalue("team_lab")  # tests/conftest.py: skipped without a server, failed under CI
    from orm_desktop.store import team

    team.add_user(lab.conns["owner"], lab.login("pat"), "admin", ts.PASSWORD)  # a second admin
    lab.conns["owner"].execute("INSERT INTO feeds (url, title, created) VALUES ('https://acme.example/feed', 'Acme', 0)")
    return lab


def _as(lab, who: str) -> Service:
    return Service.open(ts.url(lab.login(who), lab.db))


def _edit_at_once(lab) -> None:
    """ada and pat (admins) edit the same entity, feed and display name from what they both read."""
    ada, pat = _as(lab, "ada"), _as(lab, "pat")
    try:
        e, f, u = ada.entity("Acme"), ada.feeds()[0], ada.user(lab.login("alice"))
        pat.update_entity(e.id, aliases=["ACME"], expected_version=e.version, by="somebody-else")
        pat.update_feed(f.id, weight=3.0, expected_version=f.version)
        pat.set_display_name(u.name, "Alice A.", expected_version=u.version)
        for write, what in ((lambda: ada.update_entity(e.id, name="Acme Corp", expected_version=e.version),
                             f"entity {e.id}"),
                            (lambda: ada.update_feed(f.id, enabled=0, expected_version=f.version), f"feed {f.id}"),
                            (lambda: ada.set_display_name(u.name, "Al", expected_version=u.version), f"user {u.name}")):
            with pytest.raises(Conflict) as err:
                write()
            assert str(err.value).startswith(f"{what} was changed by {lab.login('pat')} meanwhile"), str(err.value)
        assert ada.entity(e.id).name == "Acme" and ada.feed(f.id).enabled and ada.user(u.name).display_name == "Alice A."
        assert ada.entity(e.id).changed_by == lab.login("pat")  # the database's record, not what the client sent
        # a refresh by an author changes neither the version nor who saved the feed last
        alice = lab.conns["alice"]
        alice.execute("UPDATE feeds SET last_status = 'ok', title = CASE WHEN title = '' THEN 'x' ELSE title END, "
                      "etag = 'e' WHERE id = %s", (f.id,))
        assert (ada.feed(f.id).version, ada.feed(f.id).changed_by) == (f.version + 1, lab.login("pat"))
        # an author may not edit an entity: the database says so, in one line
        with pytest.raises(Exception, match="team role does not allow this"):
            _as(lab, "alice").update_entity(e.id, title="x")
    finally:
        ada.close()
        pat.close()


def test_on_a_team_the_conflict_names_the_login_that_saved(lab):
    _edit_at_once(lab)


def test_a_team_database_from_before_m013_upgraded_by_its_owner_gets_row_versions(lab):
    from orm_desktop.errors import WorkspaceError
    from orm_desktop.store import db
    from orm_desktop.store.migrations.m013_config_versions import VERSIONED

    owner = lab.conns["owner"]
    for table in VERSIONED:  # the database as a version 12 program left it
        for trig in (f"{table}_version_bu", f"{table}_version_changed_by"):
            owner.execute(f"DROP TRIGGER IF EXISTS {trig} ON {table}")
        owner.execute(f"ALTER TABLE {table} DROP COLUMN version, DROP COLUMN changed_by")
    owner.execute("UPDATE schema_meta SET value = '12' WHERE key = 'version'")
    with pytest.raises(WorkspaceError, match="its owner .* must open it once"):
        _as(lab, "ada")
    Service.open(ts.url(lab.owner, lab.db)).close()  # the owner opens it with this version: the upgrade runs
    assert owner.execute("SELECT value FROM schema_meta WHERE key = 'version'").fetchone()[0] == str(db.schema_version())
    triggers = {r[0] for r in owner.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}
    for table in VERSIONED:
        assert {f"{table}_version_bu", f"{table}_version_changed_by"} <= triggers
    _edit_at_once(lab)
