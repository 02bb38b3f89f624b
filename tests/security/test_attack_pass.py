"""An adversarial pass over what docs/security.md and docs/team.md claim (issue 13 and 15).

Team workspace: a dishonest colleague logged in as their own PostgreSQL role, with the
signing key the app gave them, talks to the database directly (psycopg, as `psql` would).
Everything is real: a throw-away database on 127.0.0.1:5432 (tests/team_scenario.py).
"""

from __future__ import annotations

import os

import pytest

from tests import team_scenario as ts

_reason = ts.server_reachable()
if _reason and os.environ.get("CI") != "true":
    pytest.skip(_reason, allow_module_level=True)

psycopg = pytest.importorskip("psycopg")


@pytest.fixture(scope="module")
def lab():
    lab = ts.TeamLab().setup()
    yield lab
    lab.teardown()


def _app_conn(lab, who: str):
    """The app's own connection wrapper (what the scheduled run and the GUI read through)."""
    from orm_desktop.store import pg

    return pg.connect(ts.url(lab.owner if who == "owner" else lab.login(who), lab.db))


def _append(lab, who: str, action: str, subject_type: str, subject_id: int | None, data: dict) -> int:
    from orm_desktop.store import team

    conn, key = lab.conns[who], lab.keys[who]
    with conn.transaction():
        return team.audit_append(conn, action, subject_type, subject_id, data, priv=key.private, key_id=key.key_id)


@pytest.mark.parametrize("who", ["alice", "eve"])
def test_a_member_cannot_announce_a_crisis_switch_that_never_happened(lab, who):
    """The scheduled run posts every `crisis.on` / `crisis.off` audit entry to the crisis webhooks
    ("<actor> switched crisis mode on for Acme"). Crisis mode is the admin's: an author (or a
    read-only executive) must not be able to write that entry with team_audit_append, which
    accepted it before, so the team chat was told of a crisis nobody declared."""
    from orm_desktop.store import outbox, team

    owner = _app_conn(lab, "owner")
    before = len(outbox.crisis_events_since(owner, 0))
    for action in ("crisis.on", "crisis.off"):
        with pytest.raises(team.TeamRefused, match="admin"):
            _append(lab, who, action, "entity", 1, {})
    assert len(outbox.crisis_events_since(owner, 0)) == before
    assert owner.execute("SELECT crisis FROM entities WHERE id = 1").fetchone()[0] in (0, False)
    owner.close()


def test_an_admin_still_switches_crisis_mode_with_its_entry(lab):
    from orm_desktop.store import outbox, team

    ada, key = lab.conns["ada"], lab.keys["ada"]
    with ada.transaction():
        ada.execute("UPDATE entities SET crisis = 1 WHERE id = 1")
        team.audit_append(ada, "crisis.on", "entity", 1, {}, priv=key.private, key_id=key.key_id)
    owner = _app_conn(lab, "owner")
    events = outbox.crisis_events_since(owner, 0)
    assert [(e[2], e[3]) for e in events][-1:] == [("crisis.on", lab.login("ada"))]
    with ada.transaction():
        ada.execute("UPDATE entities SET crisis = 0 WHERE id = 1")
        team.audit_append(ada, "crisis.off", "entity", 1, {}, priv=key.private, key_id=key.key_id)
    owner.close()


def test_a_member_cannot_write_history_into_someone_elses_draft(lab):
    """`response.create` / `response.edit` entries are a draft's history: its text is rebuilt from
    them (workflow.replay) and the Responses page shows each edit's diff. Another member could
    append an edit entry to bob's draft (a fake diff shown as part of its history, or a malformed
    one that made replaying and showing the history fail). Now only the draft's author writes
    them; bob's own edit still goes in."""
    from orm_desktop.responses import workflow
    from orm_desktop.responses.diff import diff_ops
    from orm_desktop.store import audit, team

    bobs = lab.draft("bob", "We are sorry.")
    _append(lab, "bob", "response.create", "response", bobs, {"to": "draft", "text": "We are sorry."})
    for who in ("alice", "pat", "ada"):
        with pytest.raises(team.TeamRefused, match="author"):
            _append(lab, who, "response.edit", "response", bobs, {"diff": [["+", "x"]]})
        with pytest.raises(team.TeamRefused, match="author"):
            _append(lab, who, "response.create", "response", bobs, {"to": "draft", "text": "Our fault."})
    _append(lab, "bob", "response.edit", "response", bobs,
            {"from": "draft", "to": "draft", "diff": diff_ops("We are sorry.", "We are very sorry.")})
    owner = _app_conn(lab, "owner")
    assert workflow.replay(audit.for_subject(owner, "response", bobs)) == "We are very sorry."
    owner.close()


def test_triage_and_overrides_always_carry_the_login(lab):
    """docs/team.md: who triaged or overrode a mention is overwritten with the login "whatever the
    client sends". An empty status_by or a NULL override_by was kept as sent, so a member could
    archive a mention or change its sentiment with no name on it."""
    owner = lab.conns["owner"]
    alice = lab.conns["alice"]
    alice.execute("UPDATE mentions SET status = 'archived', status_by = '', override = 0.9, override_by = NULL "
                  "WHERE id = 1")
    assert owner.execute("SELECT status, status_by, override, override_by FROM mentions WHERE id = 1").fetchone() == (
        "archived", lab.login("alice"), 0.9, lab.login("alice"))
    new_items = [alice.execute("INSERT INTO items (guid, url, canonical_url, title, text, published, first_seen) "
                               "VALUES (%s, %s, %s, 'Acme', 'Acme', 1, 1) RETURNING id",
                               (f"attack-{n}", f"http://x/a{n}", f"http://x/a{n}")).fetchone()[0] for n in (1, 2)]
    new = alice.execute("INSERT INTO mentions (item_id, entity_id, published, created, status, status_by, override) "
                        "VALUES (%s, 1, 1, 1, 'flagged', '', -0.8) RETURNING id", (new_items[0],)).fetchone()[0]
    assert owner.execute("SELECT status_by, override_by FROM mentions WHERE id = %s", (new,)).fetchone() == (
        lab.login("alice"), lab.login("alice"))
    # a fetched mention that nobody triaged yet stays nobody's; clearing an override clears its name
    fetched = alice.execute("INSERT INTO mentions (item_id, entity_id, published, created) VALUES (%s, 1, 2, 2) "
                            "RETURNING id", (new_items[1],)).fetchone()[0]
    assert owner.execute("SELECT status, status_by, override_by FROM mentions WHERE id = %s", (fetched,)).fetchone() \
        == ("new", "", None)
    alice.execute("UPDATE mentions SET override = NULL, override_by = NULL WHERE id = 1")
    assert owner.execute("SELECT override, override_by FROM mentions WHERE id = 1").fetchone() == (None, None)
