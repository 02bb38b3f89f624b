"""An adversarial pass over what docs/security.md and docs/team.md claim (issue 13 and 15).

Team workspace: a dishonest colleague logged in as their own PostgreSQL role, with the
signing key the app gave them, talks to the database directly (psycopg, as `psql` would).
Everything is real: a throw-away database on 127.0.0.1:5432 (tests/team_scenario.py).
"""

from __future__ import annotations

import time

import pytest

from tests import team_scenario as ts

ts.skip_module_without_server()

psycopg = pytest.importorskip("psycopg")


@pytest.fixture(scope="module")
def lab(team_lab_shared):
    return team_lab_shared  # tests/conftest.py


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
    from orm_desktop.store import team

    owner = lab.conns["owner"]
    alice, key = lab.conns["alice"], lab.keys["alice"]

    def logged(score):  # an override commits with its entry (roles.py, section 6b)
        team.audit_append(alice, "mention.override", "mention", 1, {"score": score}, priv=key.private,
                          key_id=key.key_id)

    with alice.transaction():
        alice.execute("UPDATE mentions SET status = 'archived', status_by = '', override = 0.9, override_by = NULL, "
                      "sentiment = 0.9 WHERE id = 1")
        logged(0.9)
        lab.triage("alice", "status = 'archived'")  # and the triage with its mention.triage entry
    assert owner.execute("SELECT status, status_by, override, override_by FROM mentions WHERE id = 1").fetchone() == (
        "archived", lab.login("alice"), 0.9, lab.login("alice"))
    new_items = [alice.execute("INSERT INTO items (guid, url, canonical_url, title, text, published, first_seen) "
                               "VALUES (%s, %s, %s, 'Acme', 'Acme', 1, 1) RETURNING id",
                               (f"attack-{n}", f"http://x/a{n}", f"http://x/a{n}")).fetchone()[0] for n in (1, 2)]
    new = alice.execute("INSERT INTO mentions (item_id, entity_id, published, created, status, status_by, override, "
                        "sentiment) VALUES (%s, 1, 1, 1, 'flagged', '', -0.8, -0.8) RETURNING id", (new_items[0],)).fetchone()[0]
    assert owner.execute("SELECT status_by, override_by FROM mentions WHERE id = %s", (new,)).fetchone() == (
        lab.login("alice"), lab.login("alice"))
    # a fetched mention that nobody triaged yet stays nobody's; clearing an override clears its name
    fetched = alice.execute("INSERT INTO mentions (item_id, entity_id, published, created) VALUES (%s, 1, 2, 2) "
                            "RETURNING id", (new_items[1],)).fetchone()[0]
    assert owner.execute("SELECT status, status_by, override_by FROM mentions WHERE id = %s", (fetched,)).fetchone() \
        == ("new", "", None)
    with alice.transaction():
        alice.execute("UPDATE mentions SET override = NULL, override_by = NULL, sentiment = machine_sentiment "
                      "WHERE id = 1")
        logged(None)
    assert owner.execute("SELECT override, override_by FROM mentions WHERE id = 1").fetchone() == (None, None)


# -- a hostile file's text in a mail header ------------------------------------------------------
@pytest.fixture(scope="module")
def demo_bundle(tmp_path_factory, demo_root) -> dict:
    """A real bundle exported from the demo workspace."""
    import json

    from orm_desktop.bundle import export_bundle
    from orm_desktop.service import Service
    from tests.conftest import act_as, copy_workspace

    ws = copy_workspace(demo_root, tmp_path_factory.mktemp("src") / "ws")
    svc = Service.open(ws)
    svc.conn.execute("UPDATE feeds SET url = 'https://feeds.example/' || id || '.xml'")
    act_as(svc, "sam")
    out = ws.parent / "demo.ormbundle"
    export_bundle(svc, out, by="sam")
    svc.close()
    return json.loads(out.read_text())


def _smtp_to_sam(svc, port: int) -> dict:
    cfg = svc.deliveries_config()
    cfg["smtp"].update(host="127.0.0.1", port=port, security="none", sender="orm@velora.example", timeout=5)
    cfg["recipients"] = [{"name": "sam", "email": "sam@example.org", "alerts": True}]
    cfg.update(digest_hour=7, report_hour=23)
    return svc.save_deliveries_config(cfg)


INJECTED = "\r\nBcc: attacker@evil.example\r\nX-Evil: 1"


def test_a_bundles_brand_name_cannot_add_mail_headers_or_stop_deliveries(empty_service, demo_bundle, tmp_path,
                                                                         keyring_file):
    """A bundle may carry the brand name (bundle.SETTINGS_SCHEMA: any text of 200 characters), and
    every digest, alert and report subject starts with it. With a line break in it, composing the
    mail raised ValueError: each scheduled run stopped with a traceback and nothing was delivered
    any more (the same for a rule's name from a rules file, below). Now such a bundle is refused at
    that field, and a header is one line even for a name stored behind the checks (a colleague's
    SQL, a workspace from before them)."""
    import datetime as dt
    import json

    from orm_desktop.bundle import import_bundle
    from orm_desktop.errors import UsageError
    from tests.smtpserver import SmtpServer

    payload = json.loads(json.dumps(demo_bundle))
    payload["settings"]["brand_name"] = "Velora" + INJECTED
    (tmp_path / "b.json").write_text(json.dumps(payload))
    with pytest.raises(UsageError, match="brand_name cannot contain a control character"):
        import_bundle(empty_service, tmp_path / "b.json", by="t")
    assert empty_service.entities() == []  # nothing was imported
    payload["settings"]["brand_name"] = "Velora"
    (tmp_path / "b.json").write_text(json.dumps(payload))
    import_bundle(empty_service, tmp_path / "b.json", by="t")
    assert empty_service.conn.execute("UPDATE settings SET value = ? WHERE key = 'brand_name'",
                                      (json.dumps("Velora" + INJECTED),)).rowcount == 1
    empty_service.conn.commit()
    with SmtpServer() as smtp:
        _smtp_to_sam(empty_service, smtp.port)
        nine = int(dt.datetime.now().replace(hour=9, minute=5, second=0, microsecond=0).timestamp())
        res = empty_service.run_scheduled(refresh=False, now=nine)
        assert res.errors == [] and res.sent >= 1
        [digest] = [m for m in smtp.messages if "Digest" in str(m["Subject"])]
    assert digest["Bcc"] is None and digest["X-Evil"] is None
    assert str(digest["Subject"]).startswith("[Velora") and "\n" not in str(digest["Subject"])


def test_a_rules_files_rule_name_cannot_add_mail_headers_or_stop_deliveries(empty_service, tmp_path, keyring_file):
    import json

    from orm_desktop.deliveries.outbox import deliver_due
    from orm_desktop.deliveries.scheduled import queue_due
    from tests.smtpserver import SmtpServer

    svc = empty_service
    svc.import_rules(json.dumps([{"name": "Recall" + INJECTED, "enabled": True,
                                  "conditions": {"terms": "recall"}, "actions": {"notify": True}}]), by="t")
    [rule] = svc.rules()
    with SmtpServer() as smtp:
        cfg = _smtp_to_sam(svc, smtp.port)
        # what a refresh reports when the rule matched new mentions (scheduled.run passes it on)
        queue_due(svc, cfg, now=int(__import__("time").time()), notified=((rule.name, 3),))
        assert deliver_due(svc.conn, cfg).errors == []
        [m] = [m for m in smtp.messages if "Rule" in str(m["Subject"])]
    assert m["Bcc"] is None and m["X-Evil"] is None and "Recall" in str(m["Subject"])


# -- the team's outbox ---------------------------------------------------------------------------
def test_a_member_cannot_make_anothers_scheduled_run_mail_an_outsider(lab, keyring_file):
    """Authors and approvers may write the outbox (their refreshes queue alerts), and whoever runs
    the scheduled job sends it with the SMTP login in their own keyring. Alice queued a message
    of her own to an address nobody configured, with a From of her choosing: the admin's next
    run sent it through the team's mail server. Now a row goes out only to a recipient or webhook
    of the deliveries settings (which only an admin changes); anything else is failed, unsent."""
    from email.message import EmailMessage
    from email.policy import SMTP

    from orm_desktop import identity
    from orm_desktop.deliveries import config as cfgmod
    from orm_desktop.deliveries.outbox import deliver_due
    from orm_desktop.store import audit, db
    from orm_desktop.store import outbox as outbox_store
    from orm_desktop.store import settings as settings_store
    from tests.smtpserver import SmtpServer

    with SmtpServer() as smtp:
        cfg = cfgmod.merged({"smtp": {"host": "127.0.0.1", "port": smtp.port, "security": "none",
                                      "sender": "comms@acme.example", "timeout": 5},
                             "recipients": [{"name": "sam", "email": "sam@acme.example"}]})
        ada = _app_conn(lab, "ada")
        identity.SESSION.add(lab.keys["ada"].private)  # as the passphrase prompt would
        with db.transaction(ada):
            settings_store.set_(ada, cfgmod.SETTING, cfg)
            audit.append(ada, actor="", action="settings.change", subject_type="workspace", subject_id=None,
                         data={"values": {cfgmod.SETTING: cfg}}, now=int(time.time()))  # a setting needs its entry
        forged = EmailMessage()
        forged["From"], forged["To"], forged["Subject"] = "ceo@acme.example", "desk@press.example", "Statement"
        forged.set_content("Acme recalls every product it ever made.")
        lab.conns["alice"].execute(
            "INSERT INTO outbox (key, channel, kind, target, subject, message_id, body, next_attempt, created) "
            "VALUES ('alert:999:desk@press.example', 'email', 'alert', 'desk@press.example', 'Statement', "
            "'<x@acme.example>', %s, 0, 0)", (forged.as_bytes(policy=SMTP),))
        report = deliver_due(ada, cfgmod.merged(settings_store.get(ada, cfgmod.SETTING)))
        assert smtp.messages == []
        assert report.sent == 0 and report.failed == 1 and "not a recipient" in report.errors[0]
        [row] = [r for r in outbox_store.list_(ada) if r.target == "desk@press.example"]
        assert row.state == "failed"
        ada.close()


# -- approving in an executive's name ----------------------------------------------------------
def test_linking_a_login_to_an_executive_entity_does_not_make_it_that_executive(lab):
    """team_approve let whoever's users.entity_id pointed at the executive approve a draft in that
    executive's name. An admin may write users (display names, the executive link) directly, so
    ada linked herself, and pat (an approver, who may not approve drafts in an executive's name),
    to Jane Doe's entity and each approved a draft in Jane's name, with no trace of the link in
    the audit log. Now the login must also be in the executive group."""
    from orm_desktop.store import team

    ada = lab.conns["ada"]
    drafts = []
    for who in ("ada", "pat"):
        ada.execute("UPDATE users SET entity_id = 2 WHERE name = %s", (lab.login(who),))
        rid = lab.draft("alice", "Jane regrets the delay.", in_name_of=2)
        lab.step("alice", rid, "submit")
        with pytest.raises(team.TeamRefused, match="executive"):
            lab.step(who, rid, "approve")
        drafts.append(rid)
        ada.execute("UPDATE users SET entity_id = NULL WHERE name = %s", (lab.login(who),))
    owner = lab.conns["owner"]
    assert {r[0] for r in owner.execute("SELECT state FROM responses WHERE id = ANY(%s)", (drafts,))} == {"in_review"}
    lab.step("eve", drafts[0], "approve")  # the executive herself still approves
    assert owner.execute("SELECT state, approver FROM responses WHERE id = %s", (drafts[0],)).fetchone() == (
        "approved", lab.login("eve"))


# -- a hostile feed's markup in the viewer -----------------------------------------------------
def _show_each(svc, qtbot, bodies: dict[str, str]) -> dict[str, tuple[float, str, str]]:
    """Serve ``bodies`` as one feed's entries, refresh, show each mention in the real detail pane:
    {title: (CPU seconds this thread spent laying it out, its plain text, its HTML as Qt holds it)}.
    CPU time, not wall time: the layout runs on this (the GUI) thread, and a freeze is CPU spent
    here, while the wall time also counts whatever else the machine runs (pytest-xdist workers:
    4.1 s wall for the 5,000 nested tables beside them, under 3 s alone)."""
    import html
    import time

    from orm_desktop.ui.detail import DetailPane
    from tests.feedserver import FeedServer

    items = "".join(f"<item><title>{t}</title><link>https://news.example/{n}</link>"
                    f"<description>{html.escape(b)}</description></item>" for n, (t, b) in enumerate(bodies.items()))
    with FeedServer() as server:
        server.routes["/feed"] = (200, {}, f'<rss version="2.0"><channel><title>T</title>{items}'
                                           "</channel></rss>".encode())
        svc.add_entity("brand", "Acme", match_existing=False)
        svc.add_feed(server.url("/feed"))
        svc.fetch(force=True)
    pane = DetailPane(svc)
    qtbot.addWidget(pane)
    pane.resize(700, 500)
    pane.show()
    qtbot.waitExposed(pane)
    mentions = {m.title: m.id for m in svc.mentions(limit=20)}
    assert set(mentions) == set(bodies)
    shown = {}
    for title in bodies:
        t0 = time.thread_time()
        pane.show_mention(mentions[title])
        pane.browser.document().size()  # the layout Qt does before painting
        pane.browser.repaint()
        shown[title] = (time.thread_time() - t0, pane.browser.toPlainText(), pane.browser.toHtml())
    return shown


def test_deeply_nested_feed_markup_neither_crashes_nor_freezes_the_viewer(empty_service, qtbot):
    """The sanitizer keeps tables (and any nesting) from a feed, and Qt lays out nested tables in
    time that doubles with each level: a 1.3 KB entry of 20 nested tables froze the window for
    16 s when its mention was shown, 40 for minutes, and 5,000 (165 KB) crashed the app
    (SIGSEGV) as soon as it was selected. Now the viewer unwraps tables below 8 levels and any
    element below 100 (the text stays)."""
    bodies = {"Acme tables": "<table><tr><td>" * 5000 + "deep text" + "</td></tr></table>" * 5000,
              "Acme few tables": "<table><tr><td>" * 40 + "deep text" + "</td></tr></table>" * 40,
              "Acme lists": "<ul><li>" * 5000 + "deep text" + "</li></ul>" * 5000}
    for title, (seconds, text, _html) in _show_each(empty_service, qtbot, bodies).items():
        assert seconds < 3, title
        assert "deep text" in text


def test_an_evidence_capture_carries_the_login_that_made_it(lab):
    """Authors may add evidence captures (a page as it was, with its hashes), and the viewer shows
    who captured each ("· by pat"). captured_by was whatever the client sent, so alice could file
    a capture in pat's name. Now the database records the login, as for triage and drafts."""
    alice = lab.conns["alice"]
    eid = alice.execute(
        "INSERT INTO evidence (mention_id, item_id, url, kind, fetched_at, http_status, body_path, body_sha256, "
        "text, text_sha256, headers_sha256, captured_by) VALUES (1, 1, 'http://x/1', 'page', 1, 200, 'p', "
        "'0', 'Acme admits everything', '0', '0', %s) RETURNING id", (lab.login("pat"),)).fetchone()[0]
    assert lab.conns["owner"].execute("SELECT captured_by FROM evidence WHERE id = %s", (eid,)).fetchone()[0] == \
        lab.login("alice")


def test_a_huge_sparse_table_in_a_feed_entry_does_not_freeze_the_viewer(empty_service, qtbot):
    """Qt lays a table out over its whole grid (rows x widest row), at about 0.1 ms a cell: a
    6 KB entry of one 200-cell row and 200 one-cell rows froze the window for 5 s when shown, 1,000
    of each (29 KB) for minutes; a colspan of 20,000 on 100 rows (3.5 KB) took 21 s and 290 MB.
    Now tables are kept up to 5,000 grid cells in all, bigger ones unwrapped (text kept); a
    small table stays a table."""
    wide = "<tr>" + "<td>w</td>" * 1000 + "</tr>"
    bodies = {"Acme spans": "<table>" + '<tr><td colspan="20000">deep text</td></tr>' * 100 + "</table>",
              "Acme sparse": "<table>" + wide + "<tr><td>deep text</td></tr>" * 1000 + "</table>",
              "Acme small": "<table><tr><th>deep text</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>"}
    for title, (seconds, text, qt_html) in _show_each(empty_service, qtbot, bodies).items():
        assert seconds < 3, title
        assert "deep text" in text
        assert ("<table" in qt_html) == (title == "Acme small")


# -- a solo workspace: what the holder of the folder can do through the app itself ---------------
def test_on_a_solo_workspace_a_second_identity_approves_and_only_the_log_tells(demo_root, tmp_path, run_cli):
    """docs/security.md, "What does not hold": `users add` needs nobody's passphrase on a solo
    workspace, so alex (an author) adds "maya2", linked to Maya's executive entity, and approves
    the draft in Maya's name, and adds "alex2" (an approver) to approve his own draft. Nothing
    refuses it and `audit verify` is green; what tells is the log: each identity appears in a
    `user.add` entry signed by the workspace key (no person), just before its approval."""
    import json

    from tests.conftest import copy_workspace

    ws = copy_workspace(demo_root, tmp_path / "ws")
    mine = {"ORM_DESKTOP_PASSPHRASE": "mallory-pass-1"}
    assert run_cli("users", "add", "maya2", "--role", "executive", "--executive", "Maya Lindqvist",
                   workspace=ws, env=mine).returncode == 0
    assert run_cli("users", "add", "alex2", "--role", "approver", workspace=ws, env=mine).returncode == 0
    assert run_cli("responses", "submit", "3", "--as", "alex", workspace=ws,
                   env={"ORM_DESKTOP_PASSPHRASE": "demo-alex"}).returncode == 0
    for rid, who in ((2, "maya2"), (3, "alex2")):
        r = run_cli("responses", "approve", str(rid), "--as", who, workspace=ws, env=mine)
        assert r.returncode == 0, r.stderr
    assert run_cli("audit", "verify", workspace=ws).returncode == 0
    log = [json.loads(line) for line in run_cli("audit", "export", workspace=ws).stdout.splitlines()]
    workspace_key = next(e["key_id"] for e in log if e["action"] == "workspace.key")
    for who in ("maya2", "alex2"):
        [added] = [e for e in log if e["action"] == "user.add" and e["data"]["name"] == who]
        assert added["key_id"] == workspace_key
        [approval] = [e for e in log if e["action"] == "response.approve" and e["actor"] == who]
        assert approval["id"] > added["id"]


@pytest.mark.parametrize("email", ["sam@example.org\nBcc:attacker@evil.example", "sam@example.org\r\n",
                                   "sam@example.org\tx"])
def test_a_recipient_address_with_a_line_break_is_refused_in_one_line(empty_service, run_cli, keyring_file, email):
    """`deliveries recipient add` took any address with an @ and no space: one with a line break
    (pasted, or a header appended to it) was stored, and every later run that mailed it failed
    to compose the message with a traceback. Now it is refused when it is entered."""
    ws = empty_service.ws.root
    r = run_cli("deliveries", "recipient", "add", "sam", email, workspace=ws)
    assert r.returncode == 2 and "not an e-mail address" in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert empty_service.deliveries_config()["recipients"] == []


@pytest.mark.parametrize("sender", ["comms@acme.example\r\n", "comms@acme.example\nBcc:attacker@evil.example"])
def test_a_sender_address_with_a_line_break_is_refused_in_one_line(empty_service, run_cli, keyring_file, sender):
    """The same for the SMTP sender: it goes into every mail's From and Message-ID headers, so one
    with a line break made every message fail to compose (a traceback per run, nothing sent)."""
    r = run_cli("deliveries", "smtp", "--host", "127.0.0.1", "--port", "2525", "--security", "none",
                "--sender", sender, workspace=empty_service.ws.root)
    assert r.returncode == 2 and "not an e-mail address" in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert empty_service.deliveries_config()["smtp"]["sender"] == ""


@pytest.mark.parametrize("fmt", ["slack", "mattermost", "teams"])
def test_a_rule_name_cannot_ping_the_whole_channel_or_disguise_a_link(empty_service, tmp_path, keyring_file, fmt):
    """Slack reads `<!channel>` as @channel and `<https://x|text>` as a link showing "text" in a
    message's mrkdwn, and asks senders to escape &, < and > (api.slack.com, "Formatting text").
    A rule named so in a rules file someone sent posted both, unescaped, to the team's channel
    when it matched. Now Slack's text fields are escaped; the plain-text header shows it as is.
    Mattermost renders Markdown, translates Slack's forms too and notifies the whole channel for
    a plain @channel/@all/@here in the post: its fields were sent as written. Now they are
    escaped and an @ that starts a word is a full-width ＠. Teams' TextBlocks render a Markdown
    link and have no working escape: the texts now go in plain-text runs."""
    import json
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from orm_desktop.deliveries.outbox import deliver_due
    from orm_desktop.deliveries.scheduled import queue_due

    posts: list[dict] = []

    class Hook(BaseHTTPRequestHandler):
        def log_message(self, *a) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802 - http.server API
            posts.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        svc = empty_service
        name = "<!channel> @here recall <https://evil.example/login|Velora dashboard> & co [x](https://evil.example)"
        svc.import_rules(json.dumps([{"name": name, "enabled": True, "conditions": {"terms": "recall"},
                                      "actions": {"notify": True}}]), by="t")
        cfg = svc.deliveries_config()
        cfg["webhooks"] = [{"name": "comms", "format": fmt}]
        cfg = svc.save_deliveries_config(cfg)
        svc.set_delivery_secret(webhook="comms", url=f"http://127.0.0.1:{httpd.server_address[1]}/hook")
        queue_due(svc, cfg, now=int(time.time()), notified=((svc.rules()[0].name, 3),))
        assert deliver_due(svc.conn, cfg).sent == 1
    finally:
        httpd.shutdown()
        httpd.server_close()
    [post] = posts
    if fmt == "teams":
        card = post["attachments"][0]["content"]
        runs = [i for b in card["body"] for i in b.get("inlines", [])]
        assert all(b["type"] == "RichTextBlock" for b in card["body"]) and "actions" not in card
        assert all(r["type"] == "TextRun" for r in runs) and any(name in r["text"] for r in runs)
        return
    if fmt == "slack":
        mrkdwn = [post["text"], post["blocks"][1]["text"]["text"]]
        assert name in post["blocks"][0]["text"]["text"]  # plain_text: shown as written
    else:
        mrkdwn = [post["text"]] + [a.get(k, "") for a in post["attachments"] for k in ("text", "title", "pretext")]
        assert all("@" not in t for t in mrkdwn + [a["fallback"] for a in post["attachments"]])
        assert "\\[x\\](https://evil.example)" in post["text"] and "＠here" in post["text"]
    for text in mrkdwn:
        assert "<!channel>" not in text and "<https://" not in text
    assert any("&lt;!channel&gt;" in text and "&amp; co" in text for text in mrkdwn)


def test_a_test_mail_to_an_address_with_a_line_break_is_one_line(empty_service, run_cli, keyring_file):
    """`deliveries test --to` took the address as typed: with a line break, composing the mail
    raised ValueError and the command printed a traceback. Now: one line, exit 2."""
    ws = empty_service.ws.root
    assert run_cli("deliveries", "smtp", "--host", "127.0.0.1", "--port", "2525", "--security", "none",
                   "--sender", "comms@acme.example", workspace=ws).returncode == 0
    r = run_cli("deliveries", "test", "--to", "x@acme.example\nBcc:attacker@evil.example", workspace=ws)
    assert r.returncode == 2 and "not an e-mail address" in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_a_huge_list_or_word_in_a_feed_entry_does_not_freeze_the_viewer(empty_service, qtbot):
    """Qt's layout is quadratic in the items of one list and in the length of a word it cannot
    break: one list of 20,000 items (200 KB) froze the window 9.5 s, a 900,000-letter word 98 s
    (both under the sanitizer's 1 MB). Now a list is split every 1,000 items (numbering goes
    on) and a word gets a zero-width space every 2,000 letters. Since 1 Dec the pane lays out
    only the first 100,000 characters of HTML and says the rest is in the browser."""
    bodies = {"Acme list": "<ol>" + "<li>item</li>" * 20000 + "<li>deep text</li></ol>",
              "Acme word": "<p>" + "x" * 400000 + " deep text</p>"}
    for title, (seconds, text, _html) in _show_each(empty_service, qtbot, bodies).items():
        assert seconds < 3, title
        assert "The article goes on for " in text and "deep text" not in text, title
    assert text.count("x") > 90_000  # the part shown is the article's own


# -- a report that leaves the laptop -------------------------------------------------------------
def test_a_right_to_left_override_in_a_headline_does_not_spoof_the_pdf_report(demo_service, tmp_path):
    """The inbox and the CLI drop bidi overrides from titles (finding 14), the PDF report did not:
    a feed's headline "Velora recall \\u202e<reversed words>" printed reversed in the report that
    goes to the executives, saying what the feed's text does not. Now the report's escaping
    drops them as the inbox does."""
    import shutil
    import subprocess

    from orm_desktop.reports import data
    from orm_desktop.reports.render import to_pdf

    if shutil.which("pdftotext") is None:  # poppler reads the page as it is drawn (pypdf: in stored order)
        pytest.skip("pdftotext (poppler-utils) is not installed")
    svc = demo_service
    d0 = data.build(svc, "weekly")
    target = d0.positive[0]
    spoof = "Velora bikes \u202edellacer ton\u202c safe"  # shows "Velora bikes not recalled safe"
    svc.conn.execute("UPDATE items SET title = ? WHERE id = (SELECT item_id FROM mentions WHERE id = ?)",
                     (spoof, target.id))
    d = data.build(svc, "weekly")
    assert any(m.title == spoof for m in d.positive)
    to_pdf(d, tmp_path / "weekly.pdf")
    text = subprocess.run(["pdftotext", str(tmp_path / "weekly.pdf"), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout
    assert "Velora bikes dellacer ton safe" in text and "not recalled" not in text


def test_a_right_to_left_override_in_a_headline_does_not_spoof_the_morning_digest(demo_service):
    """The same headline in the morning digest mail (text and HTML parts) kept its overrides, so
    the mail client showed "not recalled"; the digest now drops them as the inbox does."""
    import time

    from orm_desktop.deliveries import content
    from orm_desktop.types import MentionFilter

    svc = demo_service
    [target] = svc.mentions(MentionFilter(sentiment="negative", order="priority"), limit=1)
    spoof = "Velora bikes \u202edellacer ton\u202c safe"
    svc.conn.execute("UPDATE items SET title = ? WHERE id = (SELECT item_id FROM mentions WHERE id = ?)",
                     (spoof, target.id))
    letter = content.digest(svc, "sam", now=int(time.time()), since=0)
    for part in (letter.text, letter.html):
        assert "Velora bikes dellacer ton safe" in part
        assert not any(ch in part for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def test_a_right_to_left_override_does_not_spoof_what_an_executive_approves_against(demo_service, qtbot):
    """The draft dialog an executive approves from shows the mention the draft answers (title,
    source, text), and the detail pane shows the article's body: both kept bidi overrides (only
    titles, sources and snippets of the inbox lost them), so the executive read "not recalled"
    where the feed says "dellacer ton". Now both drop them."""
    from orm_desktop.ui.detail import DetailPane
    from orm_desktop.ui.executive_drafts import ExecutiveDraftDialog

    svc = demo_service
    r = svc.response(2)  # the demo's draft in Maya Lindqvist's name, answering a mention
    spoof = "Velora bikes \u202edellacer ton\u202c safe"
    svc.conn.execute("UPDATE items SET title = ?, text = ?, html = ? WHERE id = "
                     "(SELECT item_id FROM mentions WHERE id = ?)", (spoof, spoof, f"<p>{spoof}</p>", r.mention_id))
    dialog = ExecutiveDraftDialog(svc, r.id)
    qtbot.addWidget(dialog)
    pane = DetailPane(svc)
    qtbot.addWidget(pane)
    pane.show_mention(r.mention_id)
    for shown in (dialog.original.toPlainText(), pane.browser.toPlainText()):
        assert "Velora bikes dellacer ton safe" in shown
        assert "\u202e" not in shown and "\u202c" not in shown


def test_a_feed_cannot_spoof_its_own_title_on_the_feeds_page(empty_service, qtbot):
    """A feed added without a title takes the one the feed gives itself on its first fetch, and
    the Feeds page showed it with its bidi overrides ("Reuters" for "sretueR", say). Now its
    cells drop them, as the inbox does."""
    from orm_desktop.ui.manage import FeedsView
    from tests.feedserver import FeedServer

    svc = empty_service
    with FeedServer() as server:
        server.routes["/feed"] = (200, {}, ('<rss version="2.0"><channel><title>Official \u202esretueR\u202c news'
                                            "</title><item><title>Acme</title><link>https://n.example/1</link>"
                                            "</item></channel></rss>").encode())
        svc.add_entity("brand", "Acme", match_existing=False)
        svc.add_feed(server.url("/feed"))
        svc.fetch(force=True)
    assert "\u202e" in svc.feeds()[0].title  # stored as the feed sent it
    view = FeedsView(svc)
    qtbot.addWidget(view)
    shown = view.table.item(0, 0).text()
    assert shown == "Official sretueR news"
