"""An entry that vouches for a mention's triage without being a mention.triage entry vouches for
the change it describes, not for any triage of the mentions it names.

store/postgres/roles.py's team_triage_logged lets a mention's triage commit with a ``rule.apply``
entry listing it, a ``response.send`` of a response to it, or a ``crisis.on``/``crisis.off`` of
its entity. Before, any of them let the login write any status, assignee, tags, priority and
muting: ``team_audit_rule`` checks nothing of a rule.apply entry but the login's UPDATE right, so
an author wrote ``{"mentions": [5]}`` for any rule and archived, reassigned and muted mention 5;
marking a draft sent let its sender reassign and mute the mention in the same transaction; an
admin's bare crisis.on entry let them archive every mention of the entity. Now a rule.apply
vouches for the rule's own actions (the other fields as they were), a send for 'responded', a
crisis switch for the priority.

Real team database on 127.0.0.1:5432 (tests/team_scenario.py), raw psycopg connections as the logins.
"""

from __future__ import annotations

import json
import time

import pytest

from tests import team_scenario as ts
from tests.security.test_raw_change_needs_entry import _sign
from tests.security.test_refused_leaves_no_entry import _app
from tests.security.test_triage_and_drafts_need_entries import _mention, _triage

ts.skip_module_without_server()

psycopg = pytest.importorskip("psycopg")

REFUSED = "triage changed without|not the time of the change"


def _rule(lab, actions: dict, *mids: int):
    from orm_desktop.analysis.rules import Rule

    word = f"zv{time.monotonic_ns()}"
    for mid in mids:
        lab.conns["owner"].execute("UPDATE items SET title = %s WHERE id = (SELECT item_id FROM mentions "
                                   "WHERE id = %s)", (f"Acme {word}", mid))
    return _app(lab, "ada").save_rule(Rule(None, f"Word {word}", {"terms": word}, actions))


@pytest.mark.parametrize("actions, change", [
    ({"sentiment": -0.7}, "status = 'archived'"),
    ({"sentiment": -0.7}, "assignee = 'mallory', muted = 1"),
    ({"status": "flagged"}, "status = 'archived'"),
    ({"status": "flagged"}, "status = 'flagged', assignee = 'mallory'"),
    ({"status": "flagged"}, "status = 'flagged', status_at = 5"),
    ({"tag": "late"}, "tags = 'ignore'"),
    ({"priority": 5}, "priority = 99"),
])
def test_a_rule_apply_entry_vouches_for_the_rules_own_actions_only(lab, actions, change):
    mid = _mention(lab)
    rule, before, alice = _rule(lab, actions), _triage(lab, mid), lab.conns["alice"]
    try:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match=REFUSED), alice.transaction():
            alice.execute(f"UPDATE mentions SET {change} WHERE id = %s", (mid,))
            _sign(lab, "alice", "rule.apply", "rule", rule.id, {"changed": 1, "mentions": [mid]})
        assert _triage(lab, mid) == before
    finally:
        _app(lab, "ada").delete_rule(rule.id)


def test_the_apps_rule_with_every_triage_action_still_commits(lab):
    a, b = _mention(lab), _mention(lab)
    lab.conns["owner"].execute("UPDATE mentions SET tags = 'press' WHERE id = %s", (b,))
    rule = _rule(lab, {"status": "flagged", "assign": lab.login("pat"), "priority": 7, "mute": True, "tag": "late"},
                 a, b)
    try:
        assert _app(lab, "alice").apply_rule(rule.id) == 2
        assert _triage(lab, a) == ("flagged", lab.login("pat"), "late", 7, 1)
        assert _triage(lab, b) == ("flagged", lab.login("pat"), "press,late", 7, 1)
    finally:
        _app(lab, "ada").delete_rule(rule.id)


def test_marking_a_draft_sent_vouches_for_responded_only(lab):
    lab.conns["owner"].execute("UPDATE mentions SET status = 'new', assignee = '', muted = 0 WHERE id = 1")
    rid = lab.draft("alice", "We are sorry about the delay.")
    lab.step("alice", rid, "submit")
    lab.step("pat", rid, "approve")
    alice = lab.conns["alice"]
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match=REFUSED), alice.transaction():
        lab.step("alice", rid, "send")
        alice.execute("UPDATE mentions SET assignee = 'mallory', muted = 1 WHERE id = 1")
    assert _triage(lab, 1)[0] == "new"
    lab.step("alice", rid, "send")
    assert _triage(lab, 1)[:2] == ("responded", "")


def test_a_crisis_entry_vouches_for_the_entitys_priorities_only(lab):
    mid, ada = _mention(lab), lab.conns["ada"]
    before = _triage(lab, mid)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match=REFUSED), ada.transaction():
        ada.execute("UPDATE mentions SET status = 'archived', priority = priority + 100 WHERE id = %s", (mid,))
        _sign(lab, "ada", "crisis.on", "entity", 1, {"entity": "Acme"})
    assert _triage(lab, mid) == before
    with ada.transaction():
        ada.execute("UPDATE mentions SET priority = priority + 100 WHERE id = %s", (mid,))
        _sign(lab, "ada", "crisis.on", "entity", 1, {"entity": "Acme"})
    assert _triage(lab, mid)[3] == before[3] + 100


def _raw_entry(lab, who: str, action: str, subject_type: str, subject_id: int, text: str) -> None:
    """An entry whose data are the given text, signed as the login would (psql and its own key)."""
    from orm_desktop import chain

    c, k, now = lab.conns[who], lab.keys[who], int(time.time())
    with c.transaction():
        me = c.execute("SELECT session_user").fetchone()[0]
        prev = c.execute("SELECT team_audit_head()").fetchone()[0]
        h = chain.entry_hash(prev, now, me, action, subject_type, subject_id, text, k.key_id)
        c.execute("SELECT team_audit_append(%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                  (now, action, subject_type, subject_id, text, prev, h, k.key_id, chain.sign_entry(k.private, h)))


def test_a_rule_apply_entry_is_a_list_of_at_most_2000_mentions_of_a_rule(lab):
    """Malformed data, a list longer than a transaction of Apply to stored mentions writes (a
    colleague's 10-million-id entry stays in everyone's log), or a subject that is no rule: refused
    when the entry is written (before, committed as given)."""
    rule = _rule(lab, {"sentiment": -0.7})
    last = lab.conns["owner"].execute("SELECT max(id) FROM audit_log").fetchone()[0]
    try:
        for st, sid, text in (("rule", rule.id, '{"mentions": [1,'),
                              ("rule", rule.id, json.dumps({"changed": 2001, "mentions": list(range(1, 2002))})),
                              ("rule", rule.id, '{"changed": 1, "mentions": "1"}'),
                              ("rule", rule.id, '[1, 2]'),
                              ("mention", 1, '{"changed": 1, "mentions": [1]}'),
                              ("rule", 10**9, '{"changed": 1, "mentions": [1]}')):
            with pytest.raises(psycopg.Error, match="rule.apply"):
                _raw_entry(lab, "alice", "rule.apply", st, sid, text)
        assert lab.conns["owner"].execute("SELECT max(id) FROM audit_log").fetchone()[0] == last
        _raw_entry(lab, "alice", "rule.apply", "rule", rule.id, '{"changed": 0, "mentions": []}')
    finally:
        _app(lab, "ada").delete_rule(rule.id)


def test_an_entrys_data_is_a_json_object_whoever_writes_it(lab):
    """Entries whose data nothing else reads in the database (report.export, evidence.export,
    user.key...) took any text: an executive's ``report.export`` entry of data ``{`` committed, and
    from then on every member's audit view raised on it (store.audit reads each entry's JSON) and
    ``audit verify`` called the team's log broken ("its data is not JSON"), for good: the log is
    append-only. Now the database refuses data that is not a JSON object."""
    last = lab.conns["owner"].execute("SELECT max(id) FROM audit_log").fetchone()[0]
    for text in ("{", "[1, 2]", '"x"', "null", ""):
        with pytest.raises(psycopg.Error, match="JSON object"):
            _raw_entry(lab, "eve", "report.export", "report", 0, text)
    assert lab.conns["owner"].execute("SELECT max(id) FROM audit_log").fetchone()[0] == last
    _raw_entry(lab, "eve", "report.export", "report", 0, '{"kind": "weekly"}')


def test_a_rule_apply_entry_does_not_list_mention_minus_one(lab):
    """The list of a rule.apply entry is read once into a table whose row (entry, -1) marks it
    read; a mention a member inserted with id -1 counted as listed in every rule.apply entry."""
    owner, alice = lab.conns["owner"], lab.conns["alice"]
    item = owner.execute("SELECT item_id FROM mentions WHERE id = %s", (_mention(lab),)).fetchone()[0]
    alice.execute("INSERT INTO mentions (id, item_id, entity_id, published, created) VALUES (-1, %s, 2, 1, 1)", (item,))
    rule = _rule(lab, {"status": "flagged"})
    try:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match=REFUSED), alice.transaction():
            alice.execute("UPDATE mentions SET status = 'flagged' WHERE id = -1")
            _sign(lab, "alice", "rule.apply", "rule", rule.id, {"changed": 0, "mentions": []})
    finally:
        _app(lab, "ada").delete_rule(rule.id)
        owner.execute("DELETE FROM mentions WHERE id = -1")
