"""Triage, a new draft and a rule's reach are audited on a team workspace, and a raw change without
its entry is refused at commit (the gaps docs/team.md section 9 listed as "still not covered").

A dishonest colleague (a team member with their own PostgreSQL login, using psql instead of the
app) could before: archive, flag, assign, tag or mute a mention with a raw ``UPDATE mentions``
and no audit entry (the app wrote none for triage either); INSERT a draft with no
``response.create`` entry (its history had no "create" line); and a ``rule.apply`` entry said
how many mentions a rule changed, not which, so it vouched for the rule's score on any mention in
its transaction. The checks here are the deferred constraint triggers of store/postgres/roles.py
(section 6b), which now read "the subject's newest entry of these actions, if this transaction
wrote it" through one helper, ``team_xact_entry``.

Real team database on 127.0.0.1:5432 (tests/team_scenario.py), raw psycopg connections as the logins.
"""

from __future__ import annotations

import json
import time

import pytest

from tests import team_scenario as ts
from tests.security.test_raw_change_needs_entry import _entries, _sign
from tests.security.test_refused_leaves_no_entry import _app, _forged, _last_entry

ts.skip_module_without_server()

psycopg = pytest.importorskip("psycopg")

TRIAGE = "SELECT status, assignee, tags, priority, muted FROM mentions WHERE id = %s"
FIELDS = ("status", "status_at", "assignee", "tags", "priority", "muted")  # a mention.triage entry's
STATE = f"SELECT {', '.join(FIELDS)} FROM mentions WHERE id = %s"


def _mention(lab) -> int:
    """A mention of its own, stored as the owner (as a refresh would)."""
    owner, tag = lab.conns["owner"], time.monotonic_ns()
    item = owner.execute("INSERT INTO items (guid, url, canonical_url, title, text, published, first_seen) "
                         "VALUES (%s, %s, %s, 'Acme late', 'Acme late', 1, 1) RETURNING id",
                         (f"t{tag}", f"http://t/{tag}", f"http://t/{tag}")).fetchone()[0]
    return owner.execute("INSERT INTO mentions (item_id, entity_id, published, created) VALUES (%s, 1, 1, 1) "
                         "RETURNING id", (item,)).fetchone()[0]


def _triage(lab, mid: int) -> tuple:
    return lab.conns["owner"].execute(TRIAGE, (mid,)).fetchone()


def _state_entry(lab, mid: int, who: str = "owner") -> dict:
    """A mention.triage entry's data: the mention's triage as ``who``'s transaction sees it."""
    return dict(zip(FIELDS, lab.conns[who].execute(STATE, (mid,)).fetchone(), strict=True))


# -- 1. triage -------------------------------------------------------------------------------------
def test_a_raw_triage_change_without_its_entry_is_refused_at_commit(lab):
    """Status, assignee, tags, priority, muting: each raw change by an author is refused at COMMIT
    and leaves the mention as it was; with its mention.triage entry (the row's triage as the
    transaction leaves it) it commits."""
    mid = _mention(lab)
    before, last = _triage(lab, mid), _last_entry(lab)
    alice = lab.conns["alice"]
    for sql in ("UPDATE mentions SET status = 'archived' WHERE id = %s",
                "UPDATE mentions SET status_at = 5 WHERE id = %s",
                "UPDATE mentions SET assignee = 'mallory' WHERE id = %s",
                "UPDATE mentions SET tags = 'ignore' WHERE id = %s",
                "UPDATE mentions SET priority = -9 WHERE id = %s",
                "UPDATE mentions SET muted = 1 WHERE id = %s"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege,
                           match=f"mention {mid}'s (triage changed without|status_at .5. is not the time)"):
            alice.execute(sql, (mid,))
    assert _triage(lab, mid) == before and _last_entry(lab) == last
    with pytest.raises(psycopg.errors.InsufficientPrivilege), alice.transaction():  # an entry of another state
        alice.execute("UPDATE mentions SET status = 'archived' WHERE id = %s", (mid,))
        _sign(lab, "alice", "mention.triage", "mention", mid, _state_entry(lab, mid) | {"status": "archived"})
        alice.execute("UPDATE mentions SET status = 'flagged' WHERE id = %s", (mid,))
    assert _triage(lab, mid) == before
    with alice.transaction():  # the change, then its entry: committed
        alice.execute("UPDATE mentions SET status = 'flagged', assignee = 'alice' WHERE id = %s", (mid,))
        _sign(lab, "alice", "mention.triage", "mention", mid, _state_entry(lab, mid, "alice"))
    assert _triage(lab, mid)[:2] == ("flagged", "alice")


def test_status_at_is_the_entrys_and_the_time_of_the_change(lab):
    """status_at (when a mention was triaged: time to triage, time to respond) is in the entry and
    is the time of the change. Before, the entry did not carry it: alice's `UPDATE mentions SET
    status_at = 5` with an honest entry of the row's (other) triage committed, and so did a
    rule.apply's status with any status_at. Now the entry must say the row's status_at, and a
    status_at that changes must lie within 5 minutes of the database's clock (as an entry's time)."""
    from orm_desktop.store import team

    mid, alice = _mention(lab), lab.conns["alice"]
    app, last = _app(lab, "alice"), _last_entry(lab)
    app.set_status([mid], "read")
    (_who, data), = _entries(lab, last, "mention.triage")
    at = _state_entry(lab, mid)["status_at"]
    assert json.loads(data)["status_at"] == at and abs(at - time.time()) < 300
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="not the time of the change"), \
            alice.transaction():  # an honest entry of a backdated row
        alice.execute("UPDATE mentions SET status_at = 5 WHERE id = %s", (mid,))
        _sign(lab, "alice", "mention.triage", "mention", mid, _state_entry(lab, mid, "alice"))
    with pytest.raises(team.TeamRefused, match="does not carry"), alice.transaction():  # an entry without it
        alice.execute("UPDATE mentions SET status_at = 5 WHERE id = %s", (mid,))
        _sign(lab, "alice", "mention.triage", "mention", mid,
              {k: v for k, v in _state_entry(lab, mid, "alice").items() if k != "status_at"})
    with pytest.raises(team.TeamRefused, match="does not carry"), alice.transaction():  # another time
        alice.execute("UPDATE mentions SET status = 'flagged', status_at = extract(epoch FROM now())::bigint "
                      "WHERE id = %s", (mid,))
        _sign(lab, "alice", "mention.triage", "mention", mid, _state_entry(lab, mid, "alice") | {"status_at": at - 60})
    assert _state_entry(lab, mid)["status_at"] == at
    with alice.transaction():  # now, with its entry: committed
        alice.execute("UPDATE mentions SET status = 'flagged', status_at = extract(epoch FROM now())::bigint "
                      "WHERE id = %s", (mid,))
        _sign(lab, "alice", "mention.triage", "mention", mid, _state_entry(lab, mid, "alice"))
    assert _triage(lab, mid)[0] == "flagged"
    fresh = _mention(lab)  # an entry of the shape written before (no status_at), of a mention never
    with alice.transaction():  # triaged: still true, and the log with it still verifies
        alice.execute("UPDATE mentions SET assignee = 'alice' WHERE id = %s", (fresh,))
        _sign(lab, "alice", "mention.triage", "mention", fresh,
              {k: v for k, v in _state_entry(lab, fresh, "alice").items() if k != "status_at"})
    rep, problems, _ = app.verify_audit()
    assert rep.ok and rep.checked and not problems, (rep, problems)


def test_a_triage_entry_must_describe_the_mention_and_comes_from_who_may_triage(lab):
    """team_audit_rule: the entry says what the mention carries now (the change first), and an
    executive (no UPDATE on mentions) writes none."""
    from orm_desktop.store import team

    mid = _mention(lab)
    state = _state_entry(lab, mid)
    with pytest.raises(team.TeamRefused, match="does not carry"):
        _forged(lab, "alice", "mention.triage", "mention", mid, state | {"status": "archived"})
    with pytest.raises(team.TeamRefused, match="may not triage"):
        _forged(lab, "eve", "mention.triage", "mention", mid, state)


def test_the_apps_triage_writes_one_entry_per_changed_mention(lab):
    """The inbox's status keys (Service.set_status), undo (set_statuses), assign and tag
    (Service.triage) commit, each mention with its mention.triage entry in the login's name."""
    a, b = _mention(lab), _mention(lab)
    app = _app(lab, "alice")
    last = _last_entry(lab)
    assert app.set_status([a, b], "archived") == 2
    app.set_statuses({"read": [a], "flagged": [b]})
    app.triage(a, assignee=lab.login("pat"), tags=["recall", "press"])
    logged = [(who, json.loads(d)) for who, d in _entries(lab, last, "mention.triage")]
    assert [w for w, _ in logged] == [lab.login("alice")] * 5
    assert [(d["status"], d["assignee"], d["tags"]) for _, d in logged] == [
        ("archived", "", ""), ("archived", "", ""), ("read", "", ""), ("flagged", "", ""),
        ("read", lab.login("pat"), "recall,press")]
    assert _triage(lab, a)[:3] == ("read", lab.login("pat"), "recall,press")


def test_a_responses_send_and_a_crisis_switch_still_change_triage(lab):
    """What else the app writes into a mention's triage, each with its own entry: marking a
    draft sent sets its mention 'responded' (team_send's response.send entry) and crisis mode
    moves the entity's priorities (crisis.on / crisis.off)."""
    rid = lab.draft("alice", "We are sorry about the delay.")
    lab.step("alice", rid, "submit")
    lab.step("pat", rid, "approve")
    lab.step("alice", rid, "send")
    assert _triage(lab, 1)[0] == "responded"
    ada = _app(lab, "ada")
    lab.conns["owner"].execute("UPDATE mentions SET published = extract(epoch FROM now())::bigint WHERE id = 1")
    ada.crisis_on("Acme")
    assert _triage(lab, 1)[3] > 0
    ada.crisis_off("Acme", report_dir=lab.tmp_reports)


# -- 2. a draft inserted raw -----------------------------------------------------------------------
def test_a_raw_draft_without_its_create_entry_is_refused_at_commit(lab):
    """An author's raw INSERT of a draft (in an executive's name, say) commits only with the
    response.create entry of this transaction that describes it (text, mention, in whose name)."""
    alice, last = lab.conns["alice"], _last_entry(lab)
    count = lab.conns["owner"].execute("SELECT count(*) FROM responses").fetchone()[0]
    insert = ("INSERT INTO responses (mention_id, text, in_name_of, created, updated) "
              "VALUES (1, 'I apologise, Jane.', 2, 1, 1) RETURNING id")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="without its response.create entry"):
        alice.execute(insert)
    with pytest.raises(psycopg.errors.InsufficientPrivilege), alice.transaction():  # an entry of another text
        rid = alice.execute(insert).fetchone()[0]
        _sign(lab, "alice", "response.create", "response", rid,
              {"to": "draft", "text": "We are sorry.", "template": "", "mention": 1, "in_name_of": 2})
    with pytest.raises(psycopg.errors.InsufficientPrivilege), alice.transaction():  # not in Jane's name, it says
        rid = alice.execute(insert).fetchone()[0]
        _sign(lab, "alice", "response.create", "response", rid,
              {"to": "draft", "text": "I apologise, Jane.", "template": "", "mention": 1, "in_name_of": None})
    assert lab.conns["owner"].execute("SELECT count(*) FROM responses").fetchone()[0] == count
    assert _last_entry(lab) == last
    rid = lab.draft("alice", "I apologise, Jane.", in_name_of=2)  # the insert and its entry: committed
    assert _entries(lab, last, "response.create")[-1][0] == lab.login("alice")
    from orm_desktop.responses import workflow

    r = workflow.create_draft(_app(lab, "bob").conn, 1, author=lab.login("bob"), text="We are on it.")  # the app's
    assert r.id > rid


# -- 3. rule.apply lists its mentions --------------------------------------------------------------
def test_a_rule_apply_entry_lists_the_mentions_it_changed_and_vouches_for_those_only(lab):
    from orm_desktop.analysis.rules import Rule

    a, b, other = _mention(lab), _mention(lab), _mention(lab)
    ada = _app(lab, "ada")
    word = f"zq{time.monotonic_ns()}"
    for mid in (a, b):
        lab.conns["owner"].execute("UPDATE items SET title = %s WHERE id = (SELECT item_id FROM mentions "
                                   "WHERE id = %s)", (f"Acme {word}", mid))
    rule = ada.save_rule(Rule(None, f"Word {word}", {"terms": word}, {"sentiment": -0.7, "status": "flagged"}))
    last = _last_entry(lab)
    assert _app(lab, "alice").apply_rule(rule.id) == 2
    (who, data), = _entries(lab, last, "rule.apply")
    assert who == lab.login("alice") and json.loads(data) == {"changed": 2, "mentions": [a, b]}
    assert _triage(lab, a)[0] == "flagged"
    alice = lab.conns["alice"]  # the entry does not vouch for another mention given the rule's score
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match=f"mention {other}"), alice.transaction():
        alice.execute("UPDATE mentions SET override = -0.7, sentiment = -0.7 WHERE id = %s", (other,))
        _sign(lab, "alice", "rule.apply", "rule", rule.id, {"changed": 1, "mentions": [a]})
    with ts.connect(lab.login("alice"), lab.db) as own:  # nor a list of the login's own making
        own.execute("CREATE TEMP TABLE team_rule_listed (entry bigint, id bigint)")
        own.execute("INSERT INTO team_rule_listed SELECT id, %s FROM audit_log", (other,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="of its own"), own.transaction():
            own.execute("UPDATE mentions SET override = -0.7, sentiment = -0.7 WHERE id = %s", (other,))
            key = lab.keys["alice"]
            from orm_desktop.store import team

            team.audit_append(own, "rule.apply", "rule", rule.id, {"changed": 1, "mentions": [a]},
                              priv=key.private, key_id=key.key_id)
    ada.delete_rule(rule.id)


# -- 4. one helper for "this transaction's newest entry of the subject" ----------------------------
def test_the_entry_checks_read_the_subjects_entry_through_one_helper(lab):
    """The checks used to repeat the same query (newest entry of the subject and action, if this
    transaction wrote it); now they call team_xact_entry, which the database has."""
    owner = lab.conns["owner"]
    src = dict(owner.execute("SELECT proname, prosrc FROM pg_proc WHERE proname IN ('team_alert_logged', "
                             "'team_override_logged', 'team_draft_text_logged', 'team_triage_logged', "
                             "'team_draft_created_logged', 'team_xact_entry')").fetchall())
    assert set(src) == {"team_alert_logged", "team_override_logged", "team_draft_text_logged",
                        "team_triage_logged", "team_draft_created_logged", "team_xact_entry"}
    for name, body in src.items():
        if name != "team_xact_entry":
            assert "team_xact_entry(" in body and "team_this_xact(" not in body, name


def test_a_team_database_set_up_before_gets_the_helper_and_the_new_checks_at_the_owners_next_open(lab):
    """roles.py's digest differs from the one a database was set up with: the owner's next open
    applies it again (no schema step needed), so the helper and the triage and new-draft checks
    reach a team database made by an older release."""
    from orm_desktop.service import Service
    from orm_desktop.store import team

    owner, alice = lab.conns["owner"], lab.conns["alice"]
    with owner.transaction():  # as an older release left it
        owner.execute("DROP TRIGGER mentions_team_triage_logged ON mentions")
        owner.execute("DROP TRIGGER responses_team_created_logged ON responses")
        owner.execute("DROP FUNCTION team_triage_logged(), team_draft_created_logged(), "
                      "team_xact_entry(text, bigint, text[])")
        owner.execute("UPDATE schema_meta SET value = 'older-release' WHERE key = 'roles_digest'")
    try:
        mid = _mention(lab)
        alice.execute("UPDATE mentions SET status = 'archived' WHERE id = %s", (mid,))  # the gap, as it was
        Service.open(ts.url(lab.owner, lab.db)).close()  # the owner's app, as after installing this release
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="triage changed without"):
            alice.execute("UPDATE mentions SET status = 'read' WHERE id = %s", (mid,))
        assert owner.execute("SELECT to_regprocedure('team_xact_entry(text, bigint, text[])') IS NOT NULL"
                             ).fetchone()[0]
    finally:
        team.apply_roles(owner)


def test_a_refreshs_triage_rule_on_the_mentions_it_inserted_commits(lab):
    """A refresh's rules triage the mentions it has just inserted (no entry: they are new); the
    same transaction cannot triage an older mention without its entry."""
    from orm_desktop.analysis.rules import Rule

    ada, alice, tag = _app(lab, "ada"), lab.conns["alice"], time.monotonic_ns()
    rule = ada.save_rule(Rule(None, f"Flag {tag}", {"terms": "late"}, {"status": "flagged", "tag": "late"}))
    old = _mention(lab)
    try:
        with alice.transaction():  # what a refresh does: insert, then its rule triages the new mention
            item = alice.execute("INSERT INTO items (guid, url, canonical_url, title, text, published, first_seen) "
                                 "VALUES (%s, %s, %s, 'Acme late', 'Acme late', 1, 1) RETURNING id",
                                 (f"f{tag}", f"http://f/{tag}", f"http://f/{tag}")).fetchone()[0]
            mid = alice.execute("INSERT INTO mentions (item_id, entity_id, published, created) VALUES (%s, 1, 1, 1) "
                                "RETURNING id", (item,)).fetchone()[0]
            alice.execute("UPDATE mentions SET status = 'flagged', tags = 'late' WHERE id = %s", (mid,))
        assert _triage(lab, mid)[:3] == ("flagged", "", "late")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match=f"mention {old}'s triage"), \
                alice.transaction():
            item = alice.execute("INSERT INTO items (guid, url, canonical_url, title, text, published, first_seen) "
                                 "VALUES (%s, %s, %s, 'Acme', 'Acme', 1, 1) RETURNING id",
                                 (f"g{tag}", f"http://g/{tag}", f"http://g/{tag}")).fetchone()[0]
            alice.execute("INSERT INTO mentions (item_id, entity_id, published, created) VALUES (%s, 1, 1, 1)", (item,))
            alice.execute("UPDATE mentions SET status = 'archived' WHERE id = %s", (old,))
    finally:
        ada.delete_rule(rule.id)
