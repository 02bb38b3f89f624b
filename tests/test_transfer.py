"""Offline snapshots (any workspace -> a read-only SQLite workspace) and `team push` (a solo
SQLite workspace -> an empty team database), on real databases: the demo workspace as a SQLite
file and as a PostgreSQL database on the test server."""

from __future__ import annotations

import secrets
import time

import pytest

from orm_desktop.errors import KnownError, ReadOnlyWorkspace, UsageError
from orm_desktop.types import MentionFilter

pytestmark = pytest.mark.both_backends
DAY = 86400


def _since_count(svc, days: int) -> int:
    return svc.count_mentions(MentionFilter(since=int(time.time()) - days * DAY))


def test_snapshot_holds_the_period_reads_prints_and_refuses_changes(demo_service, backend, tmp_path, qapp):
    from orm_desktop.reports.render import to_pdf
    from orm_desktop.service import Service

    src = demo_service
    stamp = src.take_snapshot(tmp_path / "offline", days=10)
    assert stamp["backend"] == backend and stamp["rows"]["mentions"] == _since_count(src, 10) > 0

    snap = Service.open(tmp_path / "offline")
    try:
        label = snap.snapshot_label
        assert label.startswith("offline snapshot of ") and label.endswith(", read-only")
        assert src.ws.label in label and " taken 20" in label
        # the period's mentions, their articles and the rollups the triggers rebuilt
        assert snap.count_mentions() == stamp["rows"]["mentions"]
        assert snap.count_mentions(MentionFilter(sentiment="negative")) == src.count_mentions(
            MentionFilter(sentiment="negative", since=stamp["since"]))
        first = snap.mentions(MentionFilter(), limit=1)[0]
        assert snap.mention(first.id).text == src.mention(first.id).text
        word = first.title.split()[0]
        assert snap.mentions(MentionFilter(search=word), limit=5)  # full-text search works offline
        # reports print from it
        d = snap.report_data("weekly")
        assert not d.empty
        assert to_pdf(d, tmp_path / "week.pdf") >= 1 and (tmp_path / "week.pdf").read_bytes()[:4] == b"%PDF"
        # and every change is refused, with the snapshot's own words
        for change in (lambda: snap.set_status([first.id], "archived"),
                       lambda: snap.override_sentiment([first.id], 0.9),
                       lambda: snap.add_entity("competitor", "Nobody Inc"),
                       lambda: snap.fetch(),
                       lambda: snap.export_bundle(tmp_path / "b.ormbundle")):
            with pytest.raises(ReadOnlyWorkspace, match="offline snapshot of .* read-only"):
                change()
        assert snap.mention(first.id).mention.status == first.status
        snap.record_report_export(d, tmp_path / "week.pdf", 1)  # prints without writing
    finally:
        snap.close()


def test_snapshot_needs_a_new_folder_and_leaves_nothing_on_failure(demo_service, tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match="already exists"):
        demo_service.take_snapshot(tmp_path / "taken", days=5)
    with pytest.raises(UsageError, match="at least 1"):
        demo_service.take_snapshot(tmp_path / "new", days=0)
    assert not (tmp_path / "new").exists() and not list(tmp_path.glob(".new.part-*"))
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["notes.txt"]


def test_cli_snapshot_then_read_and_refuse(demo_service, run_cli, tmp_path):
    out = tmp_path / "plane"
    r = run_cli("team", "snapshot", "--days", "30", str(out), workspace=demo_service.ws.location)
    assert r.returncode == 0, r.stderr
    assert "offline snapshot of " in r.stdout and "read-only" in r.stdout
    info = run_cli("info", workspace=out)
    assert info.returncode == 0 and "snapshot:  offline snapshot of " in info.stdout
    assert f"mentions:  {_since_count(demo_service, 30)}\n" in info.stdout
    listed = run_cli("mentions", "--format", "jsonl", "--limit", "5", workspace=out)
    assert listed.returncode == 0 and listed.stdout.count("\n") == 5
    refused = run_cli("entities", "add", "competitor", "Nobody", workspace=out)
    assert refused.returncode == 1
    assert refused.stderr.strip().startswith("orm-desktop: error: offline snapshot of ")
    assert refused.stderr.strip().endswith("read-only") and "Traceback" not in refused.stderr
    report = run_cli("report", "--kind", "weekly", "--out", str(tmp_path / "w.pdf"), workspace=out)
    assert report.returncode == 0, report.stderr


def test_gui_opens_a_snapshot_read_only_and_says_so(demo_service, qtbot, tmp_path):
    from orm_desktop.service import Service
    from tests.gui_support import open_window

    demo_service.take_snapshot(tmp_path / "offline", days=30)
    snap = Service.open(tmp_path / "offline")
    win = open_window(qtbot, snap)
    try:
        assert "offline snapshot of " in win.windowTitle() and "read-only" in win.windowTitle()
        assert win.read_only and not win.exec_mode.isEnabled()
        assert "Offline snapshot of " in win.health.text()
        first = win.inbox.model.mention(0)
        win.inbox.table.selectRow(0)
        win.inbox.set_status("archived")
        assert snap.mention(first.id).mention.status == first.status
    finally:
        win.runner.cancel_all()
        win.runner.wait(10_000)
        snap.close()


# -- team push ---------------------------------------------------------------------------------
@pytest.fixture
def empty_team_db(request, pg_server, tmp_path, monkeypatch):
    """A new, empty PostgreSQL database (no schema yet), dropped after the test."""
    from tests.conftest import _drop_later, pg_admin, pg_url

    name = f"orm_test_push_{secrets.token_hex(4)}"
    pg_admin(f"CREATE DATABASE {name}")
    request.addfinalizer(lambda: _drop_later(name))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "team-state"))
    return pg_url(name)


def _counts(svc) -> dict[str, int]:
    from orm_desktop.store import copy as copy_store

    return {t: copy_store.count(svc.conn, t) for t in copy_store.table_order()
            if t not in ("schema_meta", "workspace_identity")}


def test_push_copies_every_row_and_the_audit_chain(demo_service, backend, empty_team_db, run_cli):
    from orm_desktop.service import Service

    if backend == "postgresql":
        with pytest.raises(UsageError, match="already a team workspace"):
            demo_service.push_to_team(empty_team_db)
        return
    r = demo_service.push_to_team(empty_team_db)
    assert r["audit_entries"] > 0 and r["audit_signed"] == r["audit_entries"]
    team = Service.open(empty_team_db)
    try:
        assert _counts(team) == _counts(demo_service)
        rep, problems, checkpoints = team.verify_audit()
        assert rep.ok and rep.checked == r["audit_entries"] and problems == [] and checkpoints == 1
        m = demo_service.mentions(MentionFilter(sentiment="negative"), limit=1)[0]
        assert team.mention(m.id).text == demo_service.mention(m.id).text  # ids kept
        assert team.mentions(MentionFilter(search=m.title.split()[0]), limit=5)  # PostgreSQL full text
        e = team.add_entity("competitor", "Pushed Later Inc")  # ids continue above the copied ones
        assert e.id > max(x.id for x in demo_service.entities())
    finally:
        team.close()
    # the CLI's audit verification agrees, and a second push is refused: the target is not empty
    verify = run_cli("audit", "verify", workspace=empty_team_db)
    assert verify.returncode == 0 and "audit log intact" in verify.stdout
    again = run_cli("team", "push", empty_team_db, workspace=demo_service.ws.root)
    assert again.returncode == 2 and "is not empty" in again.stderr and "Traceback" not in again.stderr


def test_push_refuses_a_broken_audit_chain_and_copies_nothing(demo_service, backend, empty_team_db):
    import sqlite3

    if backend != "sqlite":
        pytest.skip("push copies a SQLite workspace")
    demo_service.close()
    raw = sqlite3.connect(demo_service.ws.db_path)  # someone edits the log behind the app's back
    triggers = [r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                          "AND tbl_name = 'audit_log'")]
    for t in triggers:
        raw.execute(f"DROP TRIGGER {t}")
    raw.execute("UPDATE audit_log SET actor = 'mallory' WHERE id = 2")
    raw.commit()
    raw.close()
    with pytest.raises(KnownError, match="nothing was copied: the copied audit log breaks at entry 2"):
        demo_service.push_to_team(empty_team_db)
    from orm_desktop.store import copy as copy_store
    from orm_desktop.workspace import Workspace

    conn = Workspace.at(empty_team_db).connect()
    try:
        assert copy_store.content_tables_with_rows(conn) == []
    finally:
        conn.close()


def test_a_pushed_user_gets_a_login_of_the_same_name(demo_service, backend, empty_team_db):
    """docs/team.md: after `team push`, "give each a login of the same name (`team add-user maya
    --role approver`)". It was refused: "'maya' would pass for the user 'maya': choose another
    name", the user row that came along being taken for someone else. A look-alike of a pushed
    user ("rnaya" for "maya") is still refused."""
    from urllib.parse import urlsplit

    from orm_desktop.service import TeamAdmin
    from tests.conftest import pg_admin

    if backend != "sqlite":
        pytest.skip("push copies a SQLite workspace")
    name = f"u{secrets.token_hex(4)}"  # logins are the server's: a name no other test made
    demo_service.add_user(name, ["approver"], display_name="Pushed Approver")
    demo_service.push_to_team(empty_team_db)
    t = TeamAdmin(empty_team_db)
    prefix = ""
    try:
        prefix = t.init()
        assert t.add_user(name, "approver", "a long password") == "created"
        assert name in {u.name for u in t.users()}
        with pytest.raises(UsageError, match="'rnaya' would pass for the user 'maya'"):
            t.add_user("rnaya", "author", "a long password")
    finally:
        t.close()
        pg_admin(f'DROP DATABASE IF EXISTS "{urlsplit(empty_team_db).path[1:]}" WITH (FORCE)')
        for role in (name, "rnaya", *(f"{prefix}_{g}" for g in ("author", "approver", "executive", "admin"))):
            if prefix or role == name:
                pg_admin(f'DROP ROLE IF EXISTS "{role}"')
