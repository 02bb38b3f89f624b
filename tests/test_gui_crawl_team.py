"""The GUI crawl (tests/gui_crawl.py) on TEAM workspaces on PostgreSQL, as each role would use it:
the demo workspace pushed to a fresh database with `team push` (as a solo user moving to a team
does), `team init`, one login per role (admin, author, approver, executive); and an empty team
workspace. Each role crawls its own clone of the pushed database (CREATE DATABASE ... TEMPLATE),
in a subprocess so that a crash is a failed test. The crawl fails on an uncaught exception, a
raw database error shown to the user, an inbox count that is not the store's, and, for the
executive, any live editing control or any write reaching the database."""

from __future__ import annotations

import secrets

import pytest

pytest.importorskip("PySide6")

from tests import team_scenario as ts  # noqa: E402
from tests.conftest import copy_workspace, later  # noqa: E402
from tests.test_gui_crawl import crawl, xvfb  # noqa: E402

ts.skip_module_without_server()

ROLES = ("admin", "author", "approver", "executive")


def _su(sql: str, db: str = "postgres") -> None:
    with ts.connect(ts.SUPERUSER, db, None) as su:
        su.execute(sql)


def _cleanup(tag: str) -> None:
    with ts.connect(ts.SUPERUSER, "postgres", None) as su:
        for (db,) in su.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", (f"orm\\_test\\_{tag}%",)):
            su.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        for (name,) in su.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE %s OR rolname LIKE %s "
                                  "ORDER BY rolname LIKE '%%\\_owner'", (f"orm\\_test\\_{tag}%", f"u{tag}\\_%")):
            su.execute(f'DROP ROLE IF EXISTS "{name}"')


@pytest.fixture(scope="module")
def team(pg_server, demo_root, tmp_path_factory):
    """{'tag', 'demo': pushed database, 'empty': empty team database}, logins u<tag>_<role>."""
    from orm_desktop.service import Service
    from orm_desktop.team import TeamAdmin

    tag = secrets.token_hex(3)
    owner = f"orm_test_{tag}_owner"
    dbs = {"demo": f"orm_test_{tag}", "empty": f"orm_test_{tag}e"}
    _su(f"CREATE ROLE {owner} LOGIN CREATEROLE PASSWORD '{ts.PASSWORD}'")
    try:
        for db in dbs.values():
            _su(f"CREATE DATABASE {db} OWNER {owner}")
        solo = Service.open(copy_workspace(demo_root, tmp_path_factory.mktemp("solo") / "ws"))
        try:
            solo.push_to_team(_url(owner, dbs["demo"]))
        finally:
            solo.close()
        for db in dbs.values():
            with TeamAdmin(_url(owner, db)) as admin:
                admin.init()
                for role in ROLES:
                    admin.add_user(f"u{tag}_{role}", role, ts.PASSWORD)
        yield {"tag": tag, **dbs}
    finally:
        later(_cleanup, tag)  # in the background: the session waits for it at its end


def _url(user: str, db: str) -> str:
    return f"postgresql://{user}@{ts.HOST}:{ts.PORT}/{db}"


@pytest.fixture
def env(tmp_path, monkeypatch):
    """The crawl's process: its team folder under tmp_path, the test keyring (never the OS one)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("ORM_TEST_KEYRING_FILE", str(tmp_path / "keyring.json"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.memkeyring.TestKeyring")


def _clone(team, which: str, role: str) -> str:
    """A private copy of the team database for one role's crawl (it may change things)."""
    name = f"{team[which]}_{role[:4]}{secrets.token_hex(2)}"
    _su(f"CREATE DATABASE {name} TEMPLATE {team[which]}")
    return _url(f"u{team['tag']}_{role}", name)


@pytest.mark.parametrize("role", ROLES)
def test_crawl_team_demo_offscreen(team, env, role):
    args = ["--read-only-login"] if role == "executive" else ["--press-buttons"]
    counts = crawl(_clone(team, "demo", role), "offscreen", args=args)
    assert counts["pages"] >= (6 if role == "executive" else 12) and counts["combo values"] > 50
    if role != "executive":  # Save, Add, Delete... of the editing views pressed too (confirmations cancelled)
        # (an author's or approver's are off but Refresh now, Dry run, Apply, key messages...)
        assert counts["buttons"] >= (10 if role == "admin" else 3), counts
    if role in ("author", "approver"):  # Settings > Save, Feeds > Add…, Entities' form...: off, saying who may
        assert counts["off for the team role"] >= 20, counts
        # and no enabled control of Entities, Feeds, Rules or Settings was refused by the database
        # (the crawl fails on one); on main the author's Settings > Save was, with the one-line refusal
        assert not any("team role does not allow this" in t for t in counts["refusals shown"]), counts
    if role == "admin":
        assert counts["off for the team role"] == 0, counts


def test_crawl_team_empty_offscreen(team, env):
    counts = crawl(_clone(team, "empty", "author"), "offscreen")
    assert counts["pages"] >= 9
    counts = crawl(_clone(team, "empty", "executive"), "offscreen", args=["--read-only-login"])
    assert counts["pages"] >= 4


def test_crawl_team_xcb_on_xvfb(team, env):
    wrapper = xvfb()
    counts = crawl(_clone(team, "demo", "approver"), "xcb", wrapper)
    assert counts["pages"] >= 12
