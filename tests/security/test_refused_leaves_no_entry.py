"""A change the team database refuses leaves no audit entry, whoever asks and however.

The audit log is what the team, the reports and `audit verify` believe: a signed entry says that a
login *did* something. Before, team_audit_append accepted any action from any member (crisis and
a draft's history excepted), so an executive's login, refused the alert's status change by its
privileges, could still write a signed ``alert.acknowledge`` entry with psql and its own key: the
log then said the executive acknowledged a spike that is still open. The same went for overrides,
key messages, templates, rules, bundles and users.

Two paths, over roles x actions, on a real team database on 127.0.0.1:5432 (tests/team_scenario.py):
the app's own (a Service logged in as the login, its key unlocked) and a dishonest colleague's
(the entry alone, written with team_audit_append and the login's own approved key). Refused =>
no new audit entry and the workspace's state unchanged; what docs/team.md section 9 says a role
may do still works through the app and is audited in the login's name.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from orm_desktop.errors import KnownError
from tests import team_scenario as ts

ts.skip_module_without_server()

psycopg = pytest.importorskip("psycopg")

ROLES = {"author": "alice", "approver": "pat", "executive": "eve", "admin": "ada"}


def _app(lab, who: str):
    """The app of ``who``: a Service logged in as their login (one per login for the module)."""
    from orm_desktop import identity
    from orm_desktop.service import Service

    for k in lab.keys.values():  # unlocked as the passphrase prompt would (tests/conftest.py locks them after each test)
        identity.SESSION.add(k.private)
    if who not in lab.apps:
        lab.apps[who] = Service.open(ts.url(lab.login(who), lab.db))
    return lab.apps[who]


STATE = ("SELECT id, status FROM alerts ORDER BY id",
         "SELECT id, status, override FROM mentions ORDER BY id",
         "SELECT id, topic, text FROM key_messages ORDER BY id",
         "SELECT id, body FROM templates ORDER BY id",
         "SELECT id, name, enabled, conditions, actions FROM rules ORDER BY id",
         "SELECT id, crisis FROM entities ORDER BY id",
         "SELECT id, state, version FROM responses ORDER BY id")


def _state(lab) -> tuple:
    owner = lab.conns["owner"]
    return tuple(tuple(owner.execute(q).fetchall()) for q in STATE)


def _last_entry(lab) -> int:
    return lab.conns["owner"].execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0]


# -- what to try, each on objects of its own (made by the owner or the admin beforehand) ---------
def _alert(lab, status: str = "open") -> int:
    aid = lab.alert()
    lab.conns["owner"].execute("UPDATE alerts SET status = %s WHERE id = %s", (status, aid))
    return aid


def _key_message(lab) -> int:
    return _app(lab, "ada").add_key_message(f"We fix delays within a day {time.monotonic_ns()}.", topic="delays")


def _template_body(tid: str) -> str:
    from dataclasses import replace

    from orm_desktop.responses import templates as tpl

    shipped = tpl.shipped_templates()["review-reply-positive"]
    return tpl.to_toml(replace(shipped, id=tid, title="Our thanks"))


def _template(lab) -> str:
    tid = f"thanks-{time.monotonic_ns()}"
    _app(lab, "ada").save_template(_template_body(tid))
    return tid


def _rule(lab):
    from orm_desktop.analysis.rules import Rule

    return _app(lab, "ada").save_rule(Rule(None, f"Late {time.monotonic_ns()}", {"terms": "late"}, {"tag": "late"}))


def _actions() -> dict[str, tuple[tuple[str, ...], Callable, Callable]]:
    """action -> (the roles that may, set-up (lab) -> what it acts on, (app, it) -> None doing it
    through the app). The set-up runs before the state is read, so a refusal must leave even
    the object made for it as it was."""
    from dataclasses import replace

    from orm_desktop.analysis.rules import Rule

    triage = ("author", "approver", "admin")
    approvers = ("approver", "admin")

    def nothing(lab):
        return None

    def step(action: str, **extra):
        return lambda app, rid: app.transition(rid, action, by=app.team_login(), **extra)

    return {
        "alert.acknowledge": (triage, _alert, lambda app, aid: app.acknowledge_alerts([aid])),
        "alert.reopen": (triage, lambda lab: _alert(lab, "acknowledged"), lambda app, aid: app.reopen_alerts([aid])),
        "mention.override": (triage, nothing, lambda app, _: app.override_sentiment([1], -0.25, redetect=False)),
        "key_message.add": (approvers, nothing, lambda app, _: app.add_key_message(
            "We answer every complaint within a day.", topic="service")),
        "key_message.edit": (approvers, _key_message, lambda app, mid: app.edit_key_message(
            mid, text="We fix delays within two days.")),
        "key_message.remove": (approvers, _key_message, lambda app, mid: app.remove_key_message(mid)),
        "template.save": (("admin",), nothing, lambda app, _: app.save_template(_template_body("our-thanks"))),
        "template.delete": (("admin",), _template, lambda app, tid: app.delete_template(tid)),
        "rule.create": (("admin",), nothing, lambda app, _: app.save_rule(
            Rule(None, "Recall", {"terms": "recall"}, {"tag": "recall"}))),
        "rule.update": (("admin",), _rule, lambda app, rule: app.save_rule(replace(rule, enabled=False))),
        "rule.delete": (("admin",), _rule, lambda app, rule: app.delete_rule(rule.id)),
        "crisis.on": (("admin",), _crisis_off, lambda app, _: app.crisis_on("Acme")),
        "settings.change": (("admin",), nothing, lambda app, _: app.change_setting(
            "contact", f"press-{time.monotonic_ns()}@acme.example")),
        "sentiment.rescore": (("admin",), nothing, lambda app, _: app.rescore("orm")),
        # the response workflow's own functions (team_transition), on a draft of bob's
        "response.submit": ((), lambda lab: _bobs(lab, "draft"), step("submit")),  # only its author submits
        "response.approve": (approvers, lambda lab: _bobs(lab, "in_review"), step("approve")),
        "response.request_changes": (approvers, lambda lab: _bobs(lab, "in_review"),
                                     step("request_changes", comment="Say when it ships.")),
        "response.send": (approvers, lambda lab: _bobs(lab, "approved"), step("send", channel="twitter")),
        "response.discard": (approvers, lambda lab: _bobs(lab, "draft"), step("discard")),
    }


def _crisis_off(lab) -> None:
    if lab.conns["owner"].execute("SELECT crisis FROM entities WHERE id = 1").fetchone()[0]:
        _app(lab, "ada").crisis_off("Acme", report_dir=lab.tmp_reports)


def _bobs(lab, state: str) -> int:
    """A draft of bob's (an author) brought to ``state`` by bob and the admin."""
    rid = lab.draft("bob", f"We are sorry about the delay {time.monotonic_ns()}.")
    if state in ("in_review", "approved"):
        lab.step("bob", rid, "submit")
    if state == "approved":
        lab.step("ada", rid, "approve")
    return rid


@pytest.mark.parametrize("action", list(_actions()))
@pytest.mark.parametrize("role", list(ROLES))
def test_through_the_app_a_refused_change_writes_no_entry(lab, role, action):
    """The app of each role tries each audited action: allowed where docs/team.md section 9 says
    so (with its entry, in the login's name), else refused in one line, with no entry and nothing
    changed."""
    may, setup, do = _actions()[action]
    who = ROLES[role]
    app = _app(lab, who)
    target = setup(lab)
    before, last = _state(lab), _last_entry(lab)
    try:
        do(app, target)
        outcome, message = "allowed", ""
    except KnownError as exc:
        outcome, message = "refused", str(exc)
    if role in may:
        assert outcome == "allowed", message
        actors = lab.conns["owner"].execute("SELECT DISTINCT actor FROM audit_log WHERE id > %s AND action = %s",
                                            (last, action)).fetchall()
        assert actors == [(lab.login(who),)]
    else:
        assert outcome == "refused"
        assert message and "\n" not in message and "Traceback" not in message
        assert _last_entry(lab) == last
        assert _state(lab) == before


# -- the dishonest colleague: the entry alone, with the login's own approved key ------------------
def _forged(lab, who: str, action: str, subject_type: str, subject_id: int | None, data: dict) -> None:
    from orm_desktop.store import team

    conn, key = lab.conns[who], lab.keys[who]
    with conn.transaction():
        team.audit_append(conn, action, subject_type, subject_id, data, priv=key.private, key_id=key.key_id)


FORGED = {  # action -> (roles that may make the change, subject type, subject id)
    "alert.acknowledge": (("author", "approver", "admin"), "alert", None),
    "alert.reopen": (("author", "approver", "admin"), "alert", None),
    "mention.override": (("author", "approver", "admin"), "mention", 1),
    "mention.triage": (("author", "approver", "admin"), "mention", 1),
    "rule.apply": (("author", "approver", "admin"), "rule", None),
    "evidence.capture": (("author", "approver", "admin"), "mention", 1),
    "key_message.add": (("approver", "admin"), "key_message", None),
    "key_message.edit": (("approver", "admin"), "key_message", None),
    "key_message.remove": (("approver", "admin"), "key_message", None),
    "template.save": (("admin",), "template", None),
    "template.delete": (("admin",), "template", None),
    "rule.create": (("admin",), "rule", None),
    "rule.update": (("admin",), "rule", None),
    "rule.delete": (("admin",), "rule", None),
    "crisis.on": (("admin",), "entity", 1),
    "crisis.off": (("admin",), "entity", 1),
    "user.add": (("admin",), "user", None),
    "settings.change": (("admin",), "workspace", None),
    "sentiment.rescore": (("admin",), "workspace", None),
    "workspace.import_bundle": (("admin",), "workspace", None),
    "workspace.policy_weakened": (("admin",), "workspace", None),
    "workspace.schema_repaired": (("admin",), "workspace", None),
    "response.merge_approval": (("approver", "executive", "admin"), "response", None),
    "made.up": ((), "workspace", None),  # an action no rule speaks of: nobody writes it
}


@pytest.mark.parametrize(("role", "action"), [(r, a) for r in ROLES for a, (may, _, _) in FORGED.items()
                                               if r not in may])  # 56 pairs: each role, what it may not do
def test_an_entry_for_a_change_the_login_may_not_make_is_refused(lab, role, action):
    from orm_desktop.store import team

    _, subject_type, subject_id = FORGED[action]
    if action.startswith("alert."):  # the alert in the state the entry claims, so only the role counts
        subject_id = _alert(lab, "acknowledged" if action == "alert.acknowledge" else "open")
    before, last = _state(lab), _last_entry(lab)
    with pytest.raises(team.TeamRefused) as err:
        _forged(lab, ROLES[role], action, subject_type, subject_id, {"note": "forged"})
    assert "\n" not in str(err.value)
    assert _last_entry(lab) == last and _state(lab) == before


def test_an_executive_cannot_sign_an_acknowledgement_of_a_spike_still_open(lab):
    """The known hole, as the executive's login tries it: the status change is refused by the
    privileges, the signed entry alone (which the log would show as "eve acknowledged") too;
    the app says so in one line; the alert stays open and the log unchanged."""
    from orm_desktop.store import team

    aid, last = _alert(lab), _last_entry(lab)
    eve = lab.conns["eve"]
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        eve.execute("UPDATE alerts SET status = 'acknowledged' WHERE id = %s", (aid,))
    with pytest.raises(team.TeamRefused, match="may not acknowledge"):
        _forged(lab, "eve", "alert.acknowledge", "alert", aid, {"entity": "Acme"})
    with pytest.raises(KnownError) as err:
        _app(lab, "eve").acknowledge_alerts([aid])
    assert "\n" not in str(err.value)
    assert _last_entry(lab) == last
    assert lab.conns["owner"].execute("SELECT status FROM alerts WHERE id = %s", (aid,)).fetchone()[0] == "open"


def test_a_team_database_set_up_by_an_older_release_gets_the_rule_at_the_owners_next_open(lab):
    """The audit rule lives in roles.py, which an upgrade applied only with a schema step: a team
    database set up before this release kept the old team_audit_rule (here: one that allows
    everything) and eve's forged acknowledgement was written. Roles whose digest differs from
    this release's are applied again when the owner's app opens the workspace."""
    from orm_desktop.service import Service
    from orm_desktop.store import team

    owner = lab.conns["owner"]
    with owner.transaction():
        owner.execute("CREATE OR REPLACE FUNCTION team_audit_rule(p_action text, p_subject_type text, "
                      "p_subject_id bigint, p_data text) RETURNS void LANGUAGE plpgsql AS $$ BEGIN RETURN; END $$")
        owner.execute("UPDATE schema_meta SET value = 'older-release' WHERE key = 'roles_digest'")
    try:
        Service.open(ts.url(lab.owner, lab.db)).close()  # the owner's app, as after installing this release
        aid, last = _alert(lab), _last_entry(lab)
        with pytest.raises(team.TeamRefused, match="may not acknowledge"):
            _forged(lab, "eve", "alert.acknowledge", "alert", aid, {"entity": "Acme"})
        assert _last_entry(lab) == last
    finally:
        team.apply_roles(owner)


def test_an_entry_must_describe_the_alert_as_it_is(lab):
    """Who may acknowledge still cannot log an acknowledgement of an alert that is open (the
    entry without the change, or written before it): the entry is refused, nothing written."""
    from orm_desktop.store import team

    aid, last = _alert(lab), _last_entry(lab)
    with pytest.raises(team.TeamRefused, match="is open"):
        _forged(lab, "alice", "alert.acknowledge", "alert", aid, {"entity": "Acme"})
    with pytest.raises(team.TeamRefused, match="is acknowledged"):
        _forged(lab, "alice", "alert.reopen", "alert", _alert(lab, "acknowledged"), {"entity": "Acme"})
    assert _last_entry(lab) == last
    alice, key = lab.conns["alice"], lab.keys["alice"]
    with alice.transaction():  # the change and its entry together: accepted
        alice.execute("UPDATE alerts SET status = 'acknowledged' WHERE id = %s", (aid,))
        team.audit_append(alice, "alert.acknowledge", "alert", aid, {"entity": "Acme"}, priv=key.private,
                          key_id=key.key_id)
    assert _last_entry(lab) == last + 1


def test_an_override_entry_must_be_the_mentions_override(lab):
    """An author may override, but not log an override that is not there: bob's entry saying he
    set mention 1 to -0.9 is refused while the mention carries another score, or alice's; with
    the change in the same transaction it goes in, and a cleared override logs a cleared one."""
    from orm_desktop.store import team

    alice, bob, key = lab.conns["alice"], lab.conns["bob"], lab.keys["bob"]
    with alice.transaction():  # alice's override, with its entry (a raw one alone is refused at commit)
        alice.execute("UPDATE mentions SET override = 0.5, sentiment = 0.5 WHERE id = 1")
        team.audit_append(alice, "mention.override", "mention", 1, {"score": 0.5}, priv=lab.keys["alice"].private,
                          key_id=lab.keys["alice"].key_id)
    last = _last_entry(lab)
    for score in (-0.9, 0.5):  # another score; alice's very score, but hers
        with pytest.raises(team.TeamRefused, match="does not carry"):
            _forged(lab, "bob", "mention.override", "mention", 1, {"score": score})
    with pytest.raises(team.TeamRefused, match="does not carry"):
        _forged(lab, "bob", "mention.override", "mention", 1, {"score": None})
    assert _last_entry(lab) == last
    with bob.transaction():
        bob.execute("UPDATE mentions SET override = -0.9, sentiment = -0.9 WHERE id = 1")
        team.audit_append(bob, "mention.override", "mention", 1, {"score": -0.9}, priv=key.private, key_id=key.key_id)
    with bob.transaction():
        bob.execute("UPDATE mentions SET override = NULL, override_by = NULL, sentiment = machine_sentiment "
                    "WHERE id = 1")
        team.audit_append(bob, "mention.override", "mention", 1, {"score": None}, priv=key.private, key_id=key.key_id)
    assert _last_entry(lab) == last + 2


def test_every_audited_action_of_the_app_has_a_rule_in_the_team_database():
    """team_audit_append refuses an action it has no rule for (default deny): every action the app
    writes must be listed there, or the app's own action would be refused on a team workspace."""
    import re
    from pathlib import Path

    from orm_desktop.store.postgres import roles

    root = Path(__file__).resolve().parents[2] / "orm_desktop"
    used = set()
    for path in root.rglob("*.py"):
        used |= set(re.findall(r"""action=["']([a-z_]+\.[a-z_]+)["']""", path.read_text(encoding="utf-8")))
    used |= {"rule.create", "rule.update"}  # rules.save picks one of the two
    used -= {"workspace.key"}  # the workspace's own key: no team workspace has one
    transitions = {f"response.{a}" for a in ("submit", "approve", "request_changes", "send", "discard")}
    listed = set(re.findall(r"'([a-z_]+\.[a-z_]+)'", roles.SQL[roles.SQL.index("team_audit_rule"):]))
    assert used - transitions <= listed, sorted(used - transitions - listed)
