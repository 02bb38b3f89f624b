"""What each role of a team workspace may and may not do, enforced by PostgreSQL itself.

Every attempt runs over a raw psycopg connection logged in as a real LOGIN role (tests/
team_scenario.py), so nothing of our client stands between the role and the database: a refusal
here is the database's. Run with -s to see the table of (role, attempt, outcome).
"""

from __future__ import annotations

import json

import pytest

from tests import team_scenario as ts

ts.skip_module_without_server()

psycopg = pytest.importorskip("psycopg")


@pytest.fixture(scope="module")
def lab(team_lab_shared):  # tests/conftest.py
    yield team_lab_shared
    print("\n" + ts.table(team_lab_shared.results))


@pytest.mark.parametrize("role", ts.ROLES)
def test_each_role_is_refused_what_it_must_not_do_and_allowed_the_rest(lab, role):
    results = ts.run_role(lab, role)
    print("\n" + ts.table(results))
    assert results
    wrong = [(a.attempt, a.expected, a.outcome, a.detail) for a in results if not a.ok]
    assert not wrong
    # a refusal is the database's error, not a silent success
    assert all(a.detail for a in results if a.outcome == "refused")


def test_the_database_records_who_did_it_whatever_the_client_sends(lab):
    from orm_desktop.store import team

    alice, key = lab.conns["alice"], lab.keys["alice"]
    with alice.transaction():  # an override and triage commit with their entries (roles.py, section 6b)
        alice.execute("UPDATE mentions SET status = 'flagged', status_by = %s, override = 0.5, override_by = %s, "
                      "sentiment = 0.5 WHERE id = 1", (lab.login("bob"), lab.login("bob")))
        team.audit_append(alice, "mention.override", "mention", 1, {"score": 0.5}, priv=key.private, key_id=key.key_id)
        lab.triage("alice", "status = 'flagged'")
    assert lab.conns["owner"].execute("SELECT status_by, override_by FROM mentions WHERE id = 1").fetchone() == (
        lab.login("alice"), lab.login("alice"))
    rid = lab.draft("alice")
    assert lab.conns["owner"].execute("SELECT author FROM responses WHERE id = %s", (rid,)).fetchone()[0] == \
        lab.login("alice")


def test_approval_records_the_login_as_approver_and_the_audit_chain_verifies(lab):
    from orm_desktop import chain

    rid = lab.draft("bob", "Thanks for telling us.")
    lab.step("bob", rid, "submit")
    lab.step("pat", rid, "approve")
    owner = lab.conns["owner"]
    assert owner.execute("SELECT state, approver FROM responses WHERE id = %s", (rid,)).fetchone() == (
        "approved", lab.login("pat"))
    actors = [r[0] for r in owner.execute(
        "SELECT actor FROM audit_log WHERE subject_type = 'response' AND subject_id = %s ORDER BY id", (rid,))]
    assert actors == [lab.login("bob"), lab.login("bob"), lab.login("pat")]  # create, submit, approve
    rows = [chain.Row(*r) for r in owner.execute(
        "SELECT id, at, actor, action, subject_type, subject_id, data, prev_hash, hash, key_id, sig "
        "FROM audit_log ORDER BY id")]
    rep = chain.verify_chain(rows)
    assert rep.ok, rep.why
    assert rep.checked == len(rows) > 5


def test_the_database_hash_is_the_clients_for_any_text(lab):
    """team_entry_hash (SQL) and chain.entry_hash (Python) agree on quotes, backslashes, control
    characters and non-ASCII text, so entries written through the functions verify everywhere."""
    from orm_desktop import chain

    data = json.dumps({"t": "é \"quoted\" \\ back\nnew\ttab \u0001 \u2713 \U0001F600 </script>"},
                      ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    args = ("f" * 64, 1764400000, "ünïcode", "mention.override", "mention", None, data, "abc")
    sql = lab.conns["alice"].execute("SELECT team_entry_hash(%s, %s, %s, %s, %s, %s, %s, %s)", args).fetchone()[0]
    assert sql == chain.entry_hash(*args)
    legacy = lab.conns["alice"].execute("SELECT team_entry_hash(%s, %s, %s, %s, %s, %s, %s, NULL)",
                                        args[:-1]).fetchone()[0]
    assert legacy == chain.entry_hash(*args[:-1])


def test_an_entry_prepared_on_an_old_head_is_a_retryable_conflict(lab):
    from orm_desktop.store import team

    k = lab.keys["alice"]
    alice = lab.conns["alice"]
    with pytest.raises(psycopg.errors.SerializationFailure), alice.transaction():
        prev = alice.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0]
        team.audit_append(lab.conns["bob"], "report.export", "report", None, {"n": 1},
                          priv=lab.keys["bob"].private, key_id=lab.keys["bob"].key_id)
        from orm_desktop import chain
        now = int(__import__("time").time())
        h = chain.entry_hash(prev, now, lab.login("alice"), "report.export", "report", None, "{}", k.key_id)
        alice.execute("SELECT team_audit_append(%s, 'report.export', 'report', NULL, '{}', %s, %s, %s, %s)",
                      (now, prev, h, k.key_id, chain.sign_entry(k.private, h)))
    # prepared again on the new head, it goes in
    assert team.audit_append(alice, "report.export", "report", None, {"n": 2}, priv=k.private, key_id=k.key_id) > 0


def test_users_lists_logins_with_their_groups_and_keys(lab):
    from orm_desktop.store import team

    found = {u.name: u for u in team.users(lab.conns["ada"])}
    assert found[lab.login("pat")].roles == ("approver",)
    assert found[lab.login("eve")].roles == ("executive",)
    assert found[lab.login("alice")].key_approved
    assert lab.login("nobody") not in found
    # an existing login joins another group without a new password
    assert team.add_user(lab.conns["ada"], lab.login("pat"), "author", None) == "granted"
    assert {u.name: u for u in team.users(lab.conns["ada"])}[lab.login("pat")].roles == ("approver", "author")
    assert team.whoami(lab.conns["eve"]) == (lab.login("eve"), ("executive",))


def test_a_key_stays_unusable_until_an_admin_approves_it(lab):
    from orm_desktop import identity
    from orm_desktop.store import team

    team.add_user(lab.conns["ada"], lab.login("newbie"), "author", ts.PASSWORD)
    newbie = ts.connect(lab.login("newbie"), lab.db)
    lab.conns["newbie"] = newbie
    key = identity.create_key("newbie-pass-1", kdf_n=2 ** 10)
    team.register_key(newbie, key)
    with pytest.raises(team.TeamRefused, match="not an admin-approved key"), newbie.transaction():
        team.audit_append(newbie, "report.export", "report", None, {}, priv=key.private, key_id=key.key_id)
    with pytest.raises(psycopg.Error, match="private_key|row-level security"):
        newbie.execute("INSERT INTO user_keys (name, key_id, public_key, private_key, created) "
                       "VALUES (session_user, 'x', 'y', 'secret blob', 1)")
    team.approve_key(lab.conns["ada"], lab.login("newbie"), key.key_id)
    with newbie.transaction():
        assert team.audit_append(newbie, "report.export", "report", None, {}, priv=key.private, key_id=key.key_id)


def test_with_row_versions_the_last_writer_is_the_login(lab):
    """When the schema carries row versions (``changed_by``, pg-live's migration), re-applying the
    roles makes the database record the login as the last writer, whatever the client sends."""
    from orm_desktop.store import team

    owner = lab.conns["owner"]
    for t in ("mentions", "responses"):
        owner.execute(f"ALTER TABLE {t} ADD COLUMN IF NOT EXISTS changed_by TEXT NOT NULL DEFAULT ''")
    team.apply_roles(owner)
    rid = lab.draft("alice")
    lab.edit("alice", rid, "v2", changed_by=lab.login("bob"))  # with its entry (roles.py, section 6b)
    lab.triage("alice", "status = 'read', changed_by = %s", (lab.login("bob"),))  # with its entry
    assert owner.execute("SELECT changed_by FROM responses WHERE id = %s", (rid,)).fetchone()[0] == lab.login("alice")
    assert owner.execute("SELECT changed_by FROM mentions WHERE id = 1").fetchone()[0] == lab.login("alice")
    lab.step("alice", rid, "submit")
    assert owner.execute("SELECT changed_by FROM responses WHERE id = %s", (rid,)).fetchone()[0] == lab.login("alice")
