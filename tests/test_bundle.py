"""A bundle round-trips to an equal workspace; the audit chain survives bundles and backups."""

from __future__ import annotations

import json

import pytest

from orm_desktop.analysis import rules
from orm_desktop.analysis.rules import Rule
from orm_desktop.backup import backup, restore
from orm_desktop.bundle import export_bundle, import_bundle
from orm_desktop.errors import UsageError
from orm_desktop.responses import templates as tpl
from orm_desktop.responses import workflow as wf
from orm_desktop.service import Service
from orm_desktop.store import audit
from orm_desktop.textsafe import hidden_char
from tests.conftest import act_as
from tests.feedserver import FeedServer

pytestmark = pytest.mark.both_backends  # the service fixtures run on SQLite and PostgreSQL


def snapshot(svc) -> dict:
    conn = svc.conn
    return {
        "entities": [(e.kind, e.name, e.query, e.aliases, e.importance, e.title) for e in svc.entities()],
        "feeds": sorted((f.url, f.title, f.kind, f.category, f.weight) for f in svc.feeds()),
        "templates": svc.feed_templates(),
        "rules": [(r.name, r.conditions, r.actions, r.enabled) for r in rules.list_(conn)],
        "users": conn.execute("SELECT name, display_name, roles FROM users ORDER BY name").fetchall(),
        "workspace_templates": sorted(wf.templates(conn)),
        "key_messages": conn.execute("SELECT topic, text FROM key_messages ORDER BY id").fetchall(),
    }


def test_bundle_round_trips_and_overrides_follow_the_articles(demo_service, tmp_path):
    a = demo_service
    # bundles never carry file:// feeds, so the demo's local feeds are served over 127.0.0.1 here
    server = FeedServer(a.ws.demo_feeds).__enter__()
    for f in a.feeds():
        a.conn.execute("UPDATE feeds SET url = ? WHERE id = ?", (server.url(f"/static/{f.url.rsplit('/', 1)[1]}"), f.id))
    rules.save(a.conn, Rule(None, "Recall", {"terms": "recall"}, {"tag": "recall"}), by="ana")
    shipped = tpl.shipped_templates()["review-reply-positive"]
    from dataclasses import replace

    wf.save_template(a.conn, tpl.to_toml(replace(shipped, id="our-thanks", title="Our thanks")), by="ana")
    target = a.mentions(limit=1)[0]
    act_as(a, "sam")
    a.override_sentiment([target.id], -0.7, by="sam")  # overrides by users the bundle does not hold are skipped
    path = tmp_path / "team.ormbundle"
    export_bundle(a, path, by="ana")
    b = Service.create(tmp_path / "b")
    counts = import_bundle(b, path, by="bob")
    assert counts["rules"] == 2 and counts["overrides"] == 1  # the demo's rule and ours
    sa, sb = snapshot(a), snapshot(b)
    for key in sa:
        assert sa[key] == sb[key], key
    exported = json.loads(path.read_text())["audit"]
    assert [e.hash for e in audit.all_entries(b.conn)[:len(exported)]] == [e["hash"] for e in exported]
    assert audit.verify(b.conn)[1] is None  # the chain, copied verbatim, then extended by the import
    # the override waits for its article, and lands when the feeds are fetched again
    assert b.count_mentions() == 0
    b.fetch(force=True)  # the demo feeds, still where the bundle's OPML says
    server.__exit__(None, None, None)
    again = [m for m in b.mentions(limit=10_000) if m.url == target.url and m.entity == target.entity]
    assert again and again[0].sentiment == -0.7 and again[0].overridden
    with pytest.raises(UsageError, match="new, empty workspace"):
        import_bundle(b, path, by="bob")
    b.close()


def test_bad_bundles(empty_service, tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text(json.dumps({"format": "something else"}))
    with pytest.raises(UsageError, match="not an ORM Desktop bundle"):
        import_bundle(empty_service, bad, by="t")
    with pytest.raises(UsageError, match="no such file"):
        import_bundle(empty_service, tmp_path / "missing", by="t")


def test_audit_chain_survives_backup_and_restore(demo_service):
    if demo_service.backend == "postgresql":
        pytest.skip("a team workspace's backups are its server's (pg_dump)")
    demo_service.override_sentiment([demo_service.mentions(limit=1)[0].id], 0.3, by="ana")
    path = backup(demo_service.ws)
    demo_service.close()
    restore(demo_service.ws, path)
    svc = Service.open(demo_service.ws.root)
    assert audit.verify(svc.conn)[1] is None and len(audit.all_entries(svc.conn)) > 0
    svc.close()


# -- entity names, aliases and titles stored before textsafe.hidden_char was checked showed cleaned,
# but `export` wrote them as stored and `import` of that bundle refused them ----------------------
LEGACY = [  # (kind, name, aliases, title) as an older version stored them
    ("brand", "Acme Corp\u202e", ["Acme\x1b[31m Inc", "ACME Inc", "\u200e"], ""),
    ("competitor", "Ac me", [], ""),
    ("executive", "Ac\tme", [], "CEO\n"),  # cleaned it is the competitor's name: suffixed
    ("product", "\x01", [], ""),  # nothing left: "Entity N"
    ("product", "Rocket  Skates", ["Skates"], "keep  as is"),  # nothing hidden: untouched
]
REPAIRED = [("brand", "Acme Corp", ("Acme [31m Inc", "ACME Inc"), ""), ("competitor", "Ac me", (), ""),
            ("executive", "Ac me (2)", (), "CEO"), ("product", "Entity 4", (), ""),
            ("product", "Rocket  Skates", ("Skates",), "keep  as is")]


def legacy_workspace(root):
    """A workspace of schema 14 whose entity names an older version stored unchecked (_legacy_rows):
    opening it runs m015, which repairs five texts and writes a note for each into migration_log."""
    import sqlite3

    from orm_desktop import workspace as wsmod
    from tests.test_store import undo_m017

    ws = wsmod.create(root)
    raw = sqlite3.connect(ws.db_path, isolation_level=None)
    raw.execute("DROP TABLE migration_log")
    raw.execute("DROP INDEX IF EXISTS mentions_overdue")
    undo_m017(raw)
    _legacy_rows(raw)
    raw.execute("PRAGMA user_version = 14")
    raw.close()
    return ws.root


def _legacy_rows(conn) -> None:
    for kind, name, aliases, title in LEGACY:
        conn.execute("INSERT INTO entities (kind, name, query, aliases, title, created) VALUES (?, ?, ?, ?, ?, 1)",
                     (kind, name, '"Acme"', json.dumps(aliases), title))


def test_legacy_entity_texts_are_repaired_once_and_their_export_imports(tmp_path, backend, request, monkeypatch):

    from orm_desktop.store import db

    if backend == "sqlite":  # a workspace of schema 14, its rows written as that version could
        target = legacy_workspace(tmp_path / "old")
    else:  # a team database at version 14 (tables, as schema.upgrade adds them, dropped)
        from tests.conftest import _pg_clone

        target = _pg_clone(request, request.getfixturevalue("pg_schema_template"), monkeypatch, tmp_path)
        conn = db.connect(target)
        with db.transaction(conn):
            conn.execute("DROP TABLE migration_log")
            _legacy_rows(conn)
            conn.execute("UPDATE schema_meta SET value = '14' WHERE key = 'version'")
        conn.close()
    a = Service.open(target)
    try:
        got = sorted((e.kind, e.name, e.aliases, e.title) for e in a.entities())
        assert got == REPAIRED
        notes = [r[0] for r in a.conn.execute("SELECT note FROM migration_log WHERE version = 15 ORDER BY id")]
        assert len(notes) == 5 and any("'Ac me' is another entity's name" in n for n in notes), notes
        assert all(not hidden_char(n) for n in notes), notes
        path = tmp_path / "legacy.ormbundle"
        export_bundle(a, path, by="ana")
    finally:
        a.close()
    b = Service.create(tmp_path / "fresh")
    try:
        import_bundle(b, path, by="bob")
        assert sorted((e.kind, e.name, e.aliases, e.title) for e in b.entities()) == REPAIRED
        if backend == "sqlite":  # written behind the checks (a colleague's SQL): refused, not exported
            b.conn.execute("UPDATE entities SET aliases = '[\"Acme\\u202e\"]' WHERE name = 'Acme Corp'")
            with pytest.raises(UsageError, match=r"aliases\[0\] cannot contain a control character.*nothing was written"):
                export_bundle(b, tmp_path / "again.ormbundle", by="bob")
            assert not (tmp_path / "again.ormbundle").exists()
    finally:
        b.close()
