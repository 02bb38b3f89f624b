"""A change the login MAY make, made over a raw connection without its audit entry, is refused at commit.

The app reads who acknowledged an alert, and who overrode a mention's score, from the audit log.
Before, a login allowed to make the change (an author) could run ``UPDATE alerts SET status =
'acknowledged' WHERE id = 3`` (or ``UPDATE mentions SET override = ...``) with psql: the change
committed, the log stayed silent, and the app showed "acknowledged, but the audit log has no
record of who did it". Now a deferred constraint trigger (store/postgres/roles.py, section 6b)
checks at commit that the transaction wrote the matching entry; the app's own paths (which write
it in the same transaction), the owner, and a refresh's own work (alert detection, a rule on the
mentions the refresh inserted) still commit.

Real team database on 127.0.0.1:5432 (tests/team_scenario.py), raw psycopg connections as the logins.
"""

from __future__ import annotations

import time

import pytest

from tests import team_scenario as ts
from tests.security.test_refused_leaves_no_entry import _alert, _app, _forged, _last_entry

ts.skip_module_without_server()

psycopg = pytest.importorskip("psycopg")


def _status(lab, aid: int) -> str:
    return lab.conns["owner"].execute("SELECT status FROM alerts WHERE id = %s", (aid,)).fetchone()[0]


def _override(lab, mid: int = 1):
    return lab.conns["owner"].execute("SELECT override FROM mentions WHERE id = %s", (mid,)).fetchone()[0]


def _sign(lab, who: str, action: str, subject_type: str, subject_id: int, data: dict) -> None:
    """The entry alone, inside the caller's transaction on ``who``'s connection."""
    from orm_desktop.store import team

    key = lab.keys[who]
    team.audit_append(lab.conns[who], action, subject_type, subject_id, data, priv=key.private, key_id=key.key_id)


def test_a_raw_acknowledgement_without_its_entry_is_refused_at_commit(lab):
    aid, last = _alert(lab), _last_entry(lab)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="without its alert.acknowledge entry"):
        lab.conns["alice"].execute("UPDATE alerts SET status = 'acknowledged' WHERE id = %s", (aid,))
    assert _status(lab, aid) == "open" and _last_entry(lab) == last
    # the same in an explicit transaction: the UPDATE goes through, the COMMIT does not
    alice = lab.conns["alice"]
    with pytest.raises(psycopg.errors.InsufficientPrivilege), alice.transaction():
        alice.execute("UPDATE alerts SET status = 'acknowledged' WHERE id = %s", (aid,))
        _sign(lab, "alice", "report.export", "report", 0, {})  # an entry, but not this change's
    assert _status(lab, aid) == "open"


def test_a_raw_reopen_or_withdrawal_of_an_acknowledged_alert_is_refused(lab):
    for to in ("open", "withdrawn"):
        aid = _alert(lab, "acknowledged")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="without its alert.reopen entry"):
            lab.conns["pat"].execute("UPDATE alerts SET status = %s WHERE id = %s", (to, aid))
        assert _status(lab, aid) == "acknowledged"


def test_a_member_cannot_insert_an_alert_already_acknowledged(lab):
    owner = lab.conns["owner"]
    start = owner.execute("SELECT coalesce(max(window_start), 0) + 86400 FROM alerts").fetchone()[0]
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        lab.conns["alice"].execute(
            "INSERT INTO alerts (entity_id, kind, window_start, window_end, observed, baseline, score, detail, "
            "created, status) VALUES (1, 'volume_spike', %s, %s, 9, 1.5, 7, '{}', 1, 'acknowledged')",
            (start, start + 86400))


def test_an_entry_written_then_the_alert_changed_back_is_refused(lab):
    """The entry must describe the alert as the transaction leaves it: acknowledged with its
    entry, then reopened raw in the same transaction, is refused."""
    aid, alice = _alert(lab), lab.conns["alice"]
    with pytest.raises(psycopg.errors.InsufficientPrivilege), alice.transaction():
        alice.execute("UPDATE alerts SET status = 'acknowledged' WHERE id = %s", (aid,))
        _sign(lab, "alice", "alert.acknowledge", "alert", aid, {})
        alice.execute("UPDATE alerts SET status = 'open' WHERE id = %s", (aid,))
    assert _status(lab, aid) == "open"


def test_a_raw_override_without_its_entry_is_refused_at_commit(lab):
    bob = lab.conns["bob"]
    before, last = _override(lab), _last_entry(lab)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="without its mention.override entry"):
        bob.execute("UPDATE mentions SET override = -0.9, sentiment = -0.9 WHERE id = 1")
    with pytest.raises(psycopg.errors.InsufficientPrivilege), bob.transaction():  # entry of another score
        bob.execute("UPDATE mentions SET override = -0.9 WHERE id = 1")
        _sign(lab, "bob", "mention.override", "mention", 1, {"score": -0.9})
        bob.execute("UPDATE mentions SET override = 0.7 WHERE id = 1")
    assert _override(lab) == before and _last_entry(lab) == last
    with bob.transaction():  # the change and its entry: committed (the score shown is the override)
        bob.execute("UPDATE mentions SET override = -0.4, sentiment = -0.4 WHERE id = 1")
        _sign(lab, "bob", "mention.override", "mention", 1, {"score": -0.4})
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # clearing it raw: refused too
        bob.execute("UPDATE mentions SET override = NULL, override_by = NULL WHERE id = 1")
    assert _override(lab) == pytest.approx(-0.4)


def test_the_apps_own_changes_commit_with_their_entries(lab):
    app = _app(lab, "alice")
    aid = _alert(lab)
    app.acknowledge_alerts([aid])
    assert _status(lab, aid) == "acknowledged"
    app.reopen_alerts([aid])
    assert _status(lab, aid) == "open"
    app.override_sentiment([1], 0.25, redetect=False)
    assert _override(lab) == pytest.approx(0.25)
    app.override_sentiment([1], None, redetect=False)
    assert _override(lab) is None
    who = lab.conns["owner"].execute("SELECT DISTINCT actor FROM audit_log WHERE subject_type = 'alert' "
                                     "AND subject_id = %s", (aid,)).fetchall()
    assert who == [(lab.login("alice"),)]


def test_a_rule_applied_by_the_app_and_a_refresh_rule_on_new_mentions_commit(lab):
    """Apply to stored mentions writes its rule.apply entry in each transaction that changes
    scores; a refresh's rules change the scores of the mentions it inserted (no entry: they are
    new), but the same transaction cannot change another mention's score without one."""
    from orm_desktop.analysis.rules import Rule

    rule = _app(lab, "ada").save_rule(Rule(None, f"Late {time.monotonic_ns()}", {"terms": "late"},
                                           {"sentiment": -0.6}))
    assert _app(lab, "alice").apply_rule(rule.id) >= 1
    assert _override(lab) == pytest.approx(-0.6)
    alice = lab.conns["alice"]
    tag = time.monotonic_ns()
    with alice.transaction():  # what a refresh does: insert, then its rule scores the new mention
        item = alice.execute("INSERT INTO items (guid, url, canonical_url, title, text, published, first_seen) "
                             "VALUES (%s, %s, %s, 'Acme late', 'Acme late', 1, 1) RETURNING id",
                             (f"g{tag}", f"http://x/{tag}", f"http://x/{tag}")).fetchone()[0]
        mid = alice.execute("INSERT INTO mentions (item_id, entity_id, published, created) VALUES (%s, 1, 1, 1) "
                            "RETURNING id", (item,)).fetchone()[0]
        alice.execute("UPDATE mentions SET override = -0.6, sentiment = -0.6 WHERE id = %s", (mid,))
    assert _override(lab, mid) == pytest.approx(-0.6)
    with pytest.raises(psycopg.errors.InsufficientPrivilege), alice.transaction():
        item = alice.execute("INSERT INTO items (guid, url, canonical_url, title, text, published, first_seen) "
                             "VALUES (%s, %s, %s, 'Acme', 'Acme', 1, 1) RETURNING id",
                             (f"h{tag}", f"http://y/{tag}", f"http://y/{tag}")).fetchone()[0]
        alice.execute("INSERT INTO mentions (item_id, entity_id, published, created) VALUES (%s, 1, 1, 1)", (item,))
        alice.execute("UPDATE mentions SET override = 0.9 WHERE id = 1")  # an old one: needs its entry
    _app(lab, "ada").delete_rule(rule.id)


def test_a_temporary_table_cannot_pass_for_the_refresh_record(lab):
    """The mentions a transaction inserted are noted (while an enabled rule has a sentiment
    action) in a temporary table the database owner's trigger makes; a login's own table of that
    name is not believed, even for the rule's very score."""
    from orm_desktop.analysis.rules import Rule

    rule = _app(lab, "ada").save_rule(Rule(None, f"Slow {time.monotonic_ns()}", {"terms": "slow"}, {"sentiment": 0.9}))
    with ts.connect(lab.login("alice"), lab.db) as alice:  # a new session: no such table yet
        alice.execute("CREATE TEMP TABLE team_fresh_mentions (id bigint PRIMARY KEY)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege), alice.transaction():
            alice.execute("INSERT INTO team_fresh_mentions VALUES (1)")
            alice.execute("UPDATE mentions SET override = 0.9 WHERE id = 1")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="of its own"):  # nor a refresh meanwhile
            alice.execute("INSERT INTO mentions (item_id, entity_id, published, created) VALUES (1, 2, 1, 1)")
    _app(lab, "ada").delete_rule(rule.id)


def test_detection_and_the_owner_are_not_held_to_an_entry(lab):
    """A refresh's detection withdraws an open alert and opens a withdrawn one again (as the
    login that ran the refresh, no entry: the system's own finding, redone from the mentions at
    every refresh); the owner (migrations, team push, repairs) is the database's root."""
    aid = _alert(lab)
    alice = lab.conns["alice"]
    alice.execute("UPDATE alerts SET status = 'withdrawn' WHERE id = %s", (aid,))
    alice.execute("UPDATE alerts SET status = 'open' WHERE id = %s", (aid,))
    lab.conns["owner"].execute("UPDATE alerts SET status = 'acknowledged' WHERE id = %s", (aid,))
    assert _status(lab, aid) == "acknowledged"


def test_a_forged_entry_is_still_refused(lab):
    """The earlier rule stands: an entry for a change the login did not make is refused."""
    from orm_desktop.store import team

    aid = _alert(lab)
    with pytest.raises(team.TeamRefused, match="is open"):
        _forged(lab, "alice", "alert.acknowledge", "alert", aid, {})


def test_raw_changes_of_key_messages_templates_and_rules_need_their_entries(lab):
    """Who may change a key message (an approver), a template or a rule (an admin) cannot change
    one over a raw connection without its entry: refused at COMMIT, nothing changed; through the
    app (entry in the same transaction) it commits."""
    from orm_desktop.analysis.rules import Rule
    from tests.security.test_refused_leaves_no_entry import _template, _template_body

    ada, pat = _app(lab, "ada"), _app(lab, "pat")
    mid = pat.add_key_message(f"We fix delays within a day {time.monotonic_ns()}.", topic="delays")
    tid = _template(lab)
    rule = ada.save_rule(Rule(None, f"Recall {time.monotonic_ns()}", {"terms": "recall"}, {"tag": "recall"}))
    owner = lab.conns["owner"]
    before = (owner.execute("SELECT text, active FROM key_messages WHERE id = %s", (mid,)).fetchone(),
              owner.execute("SELECT body FROM templates WHERE id = %s", (tid,)).fetchone(),
              owner.execute("SELECT actions, enabled FROM rules WHERE id = %s", (rule.id,)).fetchone())
    raw = [("pat", "UPDATE key_messages SET text = 'We never fail.' WHERE id = %s", mid, "key message"),
           ("pat", "UPDATE key_messages SET active = 0 WHERE id = %s", mid, "key message"),
           ("pat", "INSERT INTO key_messages (topic, text, approved_by) VALUES ('x', 'Unlogged.', %s)", "pat",
            "key message"),
           ("ada", "UPDATE templates SET body = body || ' ' WHERE id = %s", tid, "template"),
           ("ada", "DELETE FROM templates WHERE id = %s", tid, "template"),
           ("ada", "UPDATE rules SET actions = '{\"sentiment\": -1}' WHERE id = %s", rule.id, "rule"),
           ("ada", "DELETE FROM rules WHERE id = %s", rule.id, "rule")]
    for who, sql, arg, kind in raw:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match=f"{kind} .* without its audit entry"):
            lab.conns[who].execute(sql, (arg,))
    assert before == (owner.execute("SELECT text, active FROM key_messages WHERE id = %s", (mid,)).fetchone(),
                      owner.execute("SELECT body FROM templates WHERE id = %s", (tid,)).fetchone(),
                      owner.execute("SELECT actions, enabled FROM rules WHERE id = %s", (rule.id,)).fetchone())
    pat.edit_key_message(mid, text="We fix delays within two days.")
    pat.remove_key_message(mid)
    ada.save_template(_template_body(tid))
    ada.delete_template(tid)
    ada.set_rule_enabled(rule.id, False)
    ada.delete_rule(rule.id)
    assert owner.execute("SELECT count(*) FROM rules WHERE id = %s", (rule.id,)).fetchone()[0] == 0


# -- settings, a mention's score, a draft's text (docs/team.md section 9) -------------------------
def _setting(lab, key: str):
    row = lab.conns["owner"].execute("SELECT value FROM settings WHERE key = %s", (key,)).fetchone()
    return row[0] if row else None


def _entries(lab, after: int, action: str) -> list[tuple]:
    return lab.conns["owner"].execute("SELECT actor, data FROM audit_log WHERE id > %s AND action = %s ORDER BY id",
                                      (after, action)).fetchall()


def test_raw_settings_changes_need_their_entry(lab):
    """Who may change the settings (an admin) cannot change, add or remove one over a raw
    connection without a settings.change entry of that key and value in the same transaction;
    the app's CLI and Settings page paths write it; a refresh's bookkeeping and the owner are not held."""
    import json

    ada, app = lab.conns["ada"], _app(lab, "ada")
    last = _last_entry(lab)
    app.change_setting("contact", "press@acme.example")  # `orm-desktop settings set contact ...`
    app.set_settings({"brand_name": "Acme", "status_page": "https://status.acme.example"},
                     expected={"brand_name": 0, "status_page": 0})  # the Settings page's save
    logged = [(a, json.loads(d)) for a, d in _entries(lab, last, "settings.change")]
    assert logged == [(lab.login("ada"), {"values": {"contact": "press@acme.example"}}),
                      (lab.login("ada"), {"values": {"brand_name": "Acme",
                                                     "status_page": "https://status.acme.example"}})]
    before, last = (_setting(lab, "contact"), _setting(lab, "status_page")), _last_entry(lab)
    for sql in ("UPDATE settings SET value = '\"evil@example.net\"' WHERE key = 'contact'",
                "INSERT INTO settings (key, value) VALUES ('banned_phrases', '[]')",
                "DELETE FROM settings WHERE key = 'status_page'"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="setting .* without its settings.change entry"):
            ada.execute(sql)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="setting contact changed"), ada.transaction():
        ada.execute("UPDATE settings SET value = '\"evil@example.net\"' WHERE key = 'contact'")
        _sign(lab, "ada", "settings.change", "workspace", None, {"values": {"brand_name": "Acme"}})  # another key's
    assert (_setting(lab, "contact"), _setting(lab, "status_page")) == before and _last_entry(lab) == last
    with ada.transaction():  # the change and its entry: committed
        ada.execute("UPDATE settings SET value = '\"desk@acme.example\"' WHERE key = 'contact'")
        _sign(lab, "ada", "settings.change", "workspace", None, {"values": {"contact": "desk@acme.example"}})
    assert json.loads(_setting(lab, "contact")) == "desk@acme.example"
    # an entry must carry the value the row has (the change first, then its entry)
    from orm_desktop.store import team

    with pytest.raises(team.TeamRefused, match="setting contact is not"):
        _forged(lab, "ada", "settings.change", "workspace", None, {"values": {"contact": "x@example.net"}})
    # a value written again as it was is no change: an admin's refresh rewrites a bundle's pending
    # overrides that found no article yet (bundle.apply_pending_overrides)
    ada.execute("UPDATE settings SET value = value WHERE key = 'contact'")
    from orm_desktop.bundle import apply_pending_overrides

    pending = [{"url": "http://nowhere.example/1", "entity": "Acme", "score": 0.5, "by": "sam", "at": 1}]
    lab.conns["owner"].execute("INSERT INTO settings (key, value) VALUES ('pending_overrides', %s)",
                               (json.dumps(pending),))
    assert apply_pending_overrides(app.conn) == 0
    lab.conns["owner"].execute("DELETE FROM settings WHERE key = 'pending_overrides'")
    # a refresh's bookkeeping (any author may run one) and the owner are not held to it
    lab.conns["alice"].execute("INSERT INTO settings (key, value) VALUES ('last_full_refresh', '1') "
                               "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value")
    lab.conns["owner"].execute("UPDATE settings SET value = '\"Acme Corp\"' WHERE key = 'brand_name'")
    assert json.loads(_setting(lab, "brand_name")) == "Acme Corp"


def _fresh_mention(lab, score: float = 0.2) -> int:
    """A mention of its own, stored as the owner (as a refresh would), scored ``score`` by 'orm'."""
    owner, tag = lab.conns["owner"], time.monotonic_ns()
    item = owner.execute("INSERT INTO items (guid, url, canonical_url, title, text, published, first_seen) "
                         "VALUES (%s, %s, %s, 'Acme is fine', 'Acme is fine', 1, 1) RETURNING id",
                         (f"s{tag}", f"http://s/{tag}", f"http://s/{tag}")).fetchone()[0]
    return owner.execute("INSERT INTO mentions (item_id, entity_id, published, created, sentiment, "
                         "machine_sentiment, engine) VALUES (%s, 1, 1, 1, %s, %s, 'orm') RETURNING id",
                         (item, score, score)).fetchone()[0]


def _score(lab, mid: int) -> tuple:
    return lab.conns["owner"].execute("SELECT sentiment, machine_sentiment, override, engine FROM mentions "
                                      "WHERE id = %s", (mid,)).fetchone()


def test_a_raw_change_of_a_mentions_score_is_refused_for_every_role_that_may_change_mentions(lab):
    """(b) An author's `UPDATE mentions SET sentiment = 0.9 WHERE id = 5` committed: the app showed
    a score nobody was accountable for. The effective score must be the override, else the machine
    score; a machine score changes only in a rescore (its entry in the transaction, of that engine
    and covering the mention) or as a refresh inserts the mention."""
    from orm_desktop.store import team

    mid = _fresh_mention(lab)
    before, last = _score(lab, mid), _last_entry(lab)
    raw = [("UPDATE mentions SET sentiment = 0.9 WHERE id = %s", "is neither its override nor its machine score"),
           ("UPDATE mentions SET sentiment = 0.9, machine_sentiment = 0.9 WHERE id = %s",
            "machine score changed without a sentiment.rescore entry"),
           ("UPDATE mentions SET engine = 'vader' WHERE id = %s", "machine score changed without"),
           ("UPDATE mentions SET evidence = '[[\"Acme is superb\", 0.9]]' WHERE id = %s", "machine score changed"),
           ("UPDATE mentions SET override = 0.9 WHERE id = %s", "sentiment")]  # the override alone: not shown
    for who in ("alice", "pat", "ada"):  # author, approver, admin: all may UPDATE mentions
        for sql, match in raw:
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match=match):
                lab.conns[who].execute(sql, (mid,))
    ada = lab.conns["ada"]
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="machine score changed"), ada.transaction():
        ada.execute("UPDATE mentions SET machine_sentiment = 0.9, sentiment = 0.9, engine = 'vader' WHERE id = %s",
                    (mid,))  # a rescore entry of another engine, or of other mentions, does not cover it
        _sign(lab, "ada", "sentiment.rescore", "workspace", None, {"engine": "textblob", "first_id": mid,
                                                                   "last_id": mid})
        _sign(lab, "ada", "sentiment.rescore", "workspace", None, {"engine": "vader", "first_id": mid + 1,
                                                                   "last_id": mid + 9})
    with pytest.raises(team.TeamRefused, match="may not rescore"):  # nor may an author write one
        _forged(lab, "alice", "sentiment.rescore", "workspace", None, {"engine": "vader", "first_id": mid,
                                                                       "last_id": mid})
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="is neither"):  # a mention made up already off
        lab.conns["alice"].execute("INSERT INTO mentions (item_id, entity_id, published, created, sentiment) "
                                   "VALUES ((SELECT item_id FROM mentions WHERE id = %s), 2, 1, 1, 0.9)", (mid,))
    assert _score(lab, mid) == before and _last_entry(lab) == last
    with ada.transaction():  # what a rescore does: the scores and the entry that covers them
        ada.execute("UPDATE mentions SET machine_sentiment = 0.9, sentiment = 0.9, engine = 'vader' WHERE id = %s",
                    (mid,))
        _sign(lab, "ada", "sentiment.rescore", "workspace", None, {"engine": "vader", "first_id": mid,
                                                                   "last_id": mid})
    assert _score(lab, mid) == (pytest.approx(0.9), pytest.approx(0.9), None, "vader")
    lab.conns["owner"].execute("UPDATE mentions SET sentiment = -1 WHERE id = %s", (mid,))  # the owner: not held
    assert _score(lab, mid)[0] == -1


def test_the_apps_score_changes_still_commit(lab):
    """Override, clear, Apply to stored mentions (test above) and a rescore by an admin commit with
    their entries; an author's rescore is refused in one line, nothing written."""
    from orm_desktop.errors import KnownError

    mid = _fresh_mention(lab, 0.3)
    alice = _app(lab, "alice")
    alice.override_sentiment([mid], -0.5, redetect=False)
    assert _score(lab, mid)[:3] == (pytest.approx(-0.5), pytest.approx(0.3), pytest.approx(-0.5))
    alice.override_sentiment([mid], None, redetect=False)
    assert _score(lab, mid)[:3] == (pytest.approx(0.3), pytest.approx(0.3), None)
    last = _last_entry(lab)
    with pytest.raises(KnownError) as err:
        alice.rescore("vader")
    assert "\n" not in str(err.value) and _last_entry(lab) == last and _score(lab, mid)[3] == "orm"
    n = _app(lab, "ada").rescore("vader")
    assert n >= 2 and _score(lab, mid)[3] == "vader"
    s = _score(lab, mid)
    assert s[0] == s[1]
    actors = {a for a, _ in _entries(lab, last, "sentiment.rescore")}
    assert actors == {lab.login("ada")}
    assert _app(lab, "ada").rescore("orm") >= 2 and _score(lab, mid)[3] == "orm"


def test_a_raw_edit_of_ones_own_draft_needs_its_entry(lab):
    """(d) A draft's text is rebuilt from its history (response.create, response.edit): its author's
    raw `UPDATE responses SET text = ...` committed with no entry. Now it needs the response.edit
    entry of that version in the same transaction; the app's edit commits."""
    rid = lab.draft("bob", f"We are sorry about the delay {time.monotonic_ns()}.")
    bob = lab.conns["bob"]
    text, version = bob.execute("SELECT text, version FROM responses WHERE id = %s", (rid,)).fetchone()
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match=f"response {rid}'s text changed without"):
        bob.execute("UPDATE responses SET text = 'We were never late.' WHERE id = %s", (rid,))
    with pytest.raises(psycopg.errors.InsufficientPrivilege), bob.transaction():  # an entry of another version
        bob.execute("UPDATE responses SET text = 'We were never late.', version = version + 1 WHERE id = %s", (rid,))
        _sign(lab, "bob", "response.edit", "response", rid, {"from": "draft", "to": "draft", "diff": [],
                                                             "comment": "", "version": version + 5})
    assert bob.execute("SELECT text FROM responses WHERE id = %s", (rid,)).fetchone()[0] == text
    r = _app(lab, "bob").edit_response(rid, "We are sorry: it ships on Monday.", by=lab.login("bob"),
                                       expected_version=version)
    assert r.text == "We are sorry: it ships on Monday."
