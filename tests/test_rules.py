"""Rules: validation, dry run equals what applying changes, ingest-time rules, import/export, audit."""

from __future__ import annotations

import json

import pytest

from orm_desktop.analysis import rules
from orm_desktop.analysis.rules import Rule
from orm_desktop.errors import QueryError, UsageError
from orm_desktop.store import audit
from orm_desktop.types import MentionFilter

pytestmark = pytest.mark.both_backends  # the service fixtures run on SQLite and PostgreSQL


def test_invalid_rules_are_refused_clearly(demo_service):
    c = demo_service.conn
    with pytest.raises(UsageError, match="needs actions"):
        rules.save(c, Rule(None, "x", {"sentiment": "negative"}, {}), by="t")
    with pytest.raises(QueryError):
        rules.save(c, Rule(None, "x", {"terms": '"unclosed'}, {"tag": "t"}), by="t")
    with pytest.raises(UsageError, match="status must be"):
        rules.save(c, Rule(None, "x", {}, {"status": "deleted"}), by="t")
    with pytest.raises(UsageError, match="no entity"):
        rules.dry_run(c, Rule(None, "x", {"entity": "Nobody"}, {"tag": "t"}))


def test_dry_run_count_equals_what_applying_changes(demo_service):
    c = demo_service.conn
    rule = Rule(None, "Recall triage", {"entity": "Velora", "terms": 'recall OR "battery fire"',
                                        "sentiment": "negative"}, {"status": "needs_response", "tag": "recall"})
    n, sample = rules.dry_run(c, rule)
    assert n > 10 and len(sample) == 10
    saved = rules.save(c, rule, by="ana")
    assert rules.apply_to_history(c, saved, by="ana") == n
    tagged = c.execute("SELECT count(*) FROM mentions WHERE (',' || tags || ',') LIKE '%,recall,%'").fetchone()[0]
    assert tagged == n
    assert demo_service.count_mentions(MentionFilter(statuses=("needs_response",))) >= n
    assert rules.dry_run(c, saved)[0] == 0  # nothing left to change
    actions = [e.action for e in audit.all_entries(c) if e.subject_type == "rule" and e.subject_id == saved.id]
    assert actions == ["rule.create", "rule.apply"]


def test_rules_run_on_new_mentions_and_notify(empty_service, tmp_path):
    svc = empty_service
    svc.add_entity("brand", "Acme", match_existing=False)
    rules.save(svc.conn, Rule(None, "Outages", {"terms": "outage"}, {"status": "flagged", "notify": True,
                                                                        "assign": "sam"}), by="ana")
    rules.save(svc.conn, Rule(None, "Mute jobs", {"terms": "hiring"}, {"mute": True}), by="ana")
    feed = tmp_path / "f.xml"
    feed.write_text('<rss version="2.0"><channel><title>T</title>'
                    "<item><title>Acme outage angers users</title><link>https://r.example/1</link></item>"
                    "<item><title>Acme is hiring engineers</title><link>https://r.example/2</link></item>"
                    "<item><title>Acme opens a shop</title><link>https://r.example/3</link></item></channel></rss>")
    svc.add_feed(feed.as_uri())
    s = svc.fetch()
    assert s.notified == (("Outages", 1),)
    rows = {r[0]: r[1:] for r in svc.conn.execute(
        "SELECT i.title, m.status, m.assignee, m.muted FROM mentions m JOIN items i ON i.id = m.item_id")}
    assert rows["Acme outage angers users"] == ("flagged", "sam", 0)
    assert rows["Acme is hiring engineers"][2] == 1
    assert rows["Acme opens a shop"] == ("new", "", 0)
    assert svc.count_mentions() == 2  # the muted one is hidden from the inbox


def test_rules_export_and_import_round_trip(demo_service, run_cli, tmp_path):
    from orm_desktop.service import Service

    other = Service.create(tmp_path / "other")
    rules.save(demo_service.conn, Rule(None, "Praise", {"sentiment": "positive", "kinds": ["review"]},
                                       {"tag": "amplify"}), by="ana")
    out = tmp_path / "rules.json"
    assert run_cli("rules", "export", str(out), workspace=demo_service.ws.location).returncode == 0
    exported = {r["name"]: r for r in json.loads(out.read_text())}
    assert exported["Praise"]["actions"] == {"tag": "amplify"}
    r = run_cli("rules", "import", str(out), workspace=other.ws.location)
    assert r.returncode == 0 and f"imported {len(exported)}" in r.stdout
    assert sorted(x.name for x in rules.list_(other.conn)) == sorted(exported)
    other.close()
    r = run_cli("rules", "add", "Reviews", "--kind", "review", "--sentiment", "negative", "--tag", "bad-review",
                "--dry-run", workspace=demo_service.ws.location)
    assert r.returncode == 0 and "would change" in r.stdout
