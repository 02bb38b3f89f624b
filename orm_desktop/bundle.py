"""Portable workspace: everything a team configured and decided, in one JSON file.

``export_bundle`` writes feeds (as OPML, templates included), entities, rules, workspace
templates, key messages, settings, users, sentiment overrides (by article URL and entity) and
the audit log verbatim. ``import_bundle`` rebuilds a *new* workspace from it: the audit log is
copied with its hashes, so ``audit verify`` still passes; overrides apply to the articles already
stored and to those fetched later with the same canonical URL.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

from orm_desktop.atomic import atomic_write
from orm_desktop.errors import UsageError
from orm_desktop.store import audit, db

FORMAT = "orm-desktop-bundle"
VERSION = 1


def export_bundle(svc, out: Path, *, by: str) -> dict:
    conn = svc.conn
    payload = {
        "format": FORMAT, "version": VERSION, "exported_at": int(time.time()),
        "opml": svc.export_opml(),
        "entities": [{"kind": e.kind, "name": e.name, "query": e.query, "aliases": list(e.aliases),
                      "importance": e.importance, "active": e.active, "title": e.title, "photo": e.photo}
                     for e in svc.entities()],
        "rules": json.loads(__import__("orm_desktop.analysis.rules", fromlist=["export_rules"]).export_rules(conn)),
        "templates": [{"id": r[0], "body": r[1]} for r in conn.execute("SELECT id, body FROM templates ORDER BY id")],
        "key_messages": [{"topic": r[0], "text": r[1], "approved_by": r[2]} for r in conn.execute(
            "SELECT topic, text, approved_by FROM key_messages WHERE active = 1 ORDER BY id")],
        "settings": {k: v for k, v in svc.settings().items() if k not in ("demo", "brand_logo")},
        "users": [{"name": r[0], "display_name": r[1], "roles": r[2], "executive": r[3]} for r in conn.execute(
            "SELECT u.name, u.display_name, u.roles, e.name FROM users u LEFT JOIN entities e ON e.id = u.entity_id "
            "ORDER BY u.name")],
        "overrides": [{"url": r[0], "entity": r[1], "score": r[2], "by": r[3], "at": r[4]} for r in conn.execute(
            "SELECT i.canonical_url, e.name, m.override, m.override_by, m.override_at FROM mentions m "
            "JOIN items i ON i.id = m.item_id JOIN entities e ON e.id = m.entity_id WHERE m.override IS NOT NULL "
            "ORDER BY m.id")],
        "audit": [{"id": e.id, "at": e.at, "actor": e.actor, "action": e.action, "subject_type": e.subject_type,
                   "subject_id": e.subject_id, "data": e.data, "prev_hash": e.prev_hash, "hash": e.hash}
                  for e in audit.all_entries(conn)],
    }
    text = json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True)
    atomic_write(out, text)
    with db.transaction(conn):
        audit.append(conn, actor=by, action="workspace.export_bundle", subject_type="workspace", subject_id=None,
                     data={"file": str(out), "sha256": hashlib.sha256(text.encode()).hexdigest()}, now=int(time.time()))
    return payload


def import_bundle(svc, path: Path, *, by: str) -> dict[str, int]:
    from orm_desktop.analysis import rules
    from orm_desktop.responses import workflow as wf

    payload = read_json_file(path, "bundle")
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise UsageError(f"{path} is not an ORM Desktop bundle")
    if payload.get("version", 0) > VERSION:
        raise UsageError("the bundle was written by a newer ORM Desktop")
    conn = svc.conn
    if svc.entities() or svc.feeds() or conn.execute("SELECT 1 FROM audit_log LIMIT 1").fetchone():
        raise UsageError("import a bundle into a new, empty workspace (`orm-desktop --workspace DIR init`)")
    # the audit log first, verbatim, so its chain continues unbroken
    with db.transaction(conn):
        conn.executemany(
            "INSERT INTO audit_log (id, at, actor, action, subject_type, subject_id, data, prev_hash, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(e["id"], e["at"], e["actor"], e["action"], e["subject_type"], e["subject_id"],
              json.dumps(e["data"], ensure_ascii=False, sort_keys=True, separators=(",", ":")),
              e["prev_hash"], e["hash"]) for e in payload.get("audit", [])])
        for key, value in payload.get("settings", {}).items():
            conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET "
                         "value = excluded.value", (key, json.dumps(value)))
    for e in payload.get("entities", []):
        svc.add_entity(e["kind"], e["name"], e["query"], aliases=e.get("aliases", ()), importance=e["importance"],
                       title=e.get("title", ""), photo=e.get("photo", ""), match_existing=False)
    opml = Path(path).with_suffix(".opml.tmp")
    opml.write_text(payload.get("opml", "<opml><body/></opml>"), encoding="utf-8")
    try:
        svc.import_opml(opml)
    finally:
        opml.unlink(missing_ok=True)
    for u in payload.get("users", []):
        wf.add_user(conn, u["name"], tuple(u["roles"].split(",")), display_name=u.get("display_name", ""),
                    executive=u.get("executive"), by=by)
    for t in payload.get("templates", []):
        wf.save_template(conn, t["body"], by=by)
    with db.transaction(conn):
        for k in payload.get("key_messages", []):
            conn.execute("INSERT INTO key_messages (topic, text, approved_by) VALUES (?, ?, ?)",
                         (k["topic"], k["text"], k.get("approved_by", "")))
        conn.execute("INSERT INTO settings (key, value) VALUES ('pending_overrides', ?) ON CONFLICT (key) DO "
                     "UPDATE SET value = excluded.value", (json.dumps(payload.get("overrides", [])),))
        audit.append(conn, actor=by, action="workspace.import_bundle", subject_type="workspace", subject_id=None,
                     data={"file": str(path)}, now=int(time.time()))
    rules.import_rules(conn, json.dumps(payload.get("rules", [])), by=by)
    apply_pending_overrides(conn)
    return {k: len(payload.get(k, [])) for k in ("entities", "rules", "templates", "users", "overrides", "audit")}


def read_json_file(path: Path, what: str):
    """A JSON document from a file the user named; UsageError for a missing or unreadable one."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"no such file: {path}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path} is not {'an' if what[0] in 'aeiou' else 'a'} {what} file: {exc}") from None


def apply_pending_overrides(conn) -> int:
    """Apply imported overrides to the stored articles they name (called after refreshes too)."""
    row = conn.execute("SELECT value FROM settings WHERE key = 'pending_overrides'").fetchone()
    pending = json.loads(row[0]) if row else []
    if not pending:
        return 0
    left, applied = [], 0
    with db.transaction(conn):
        for o in pending:
            cur = conn.execute(
                "UPDATE mentions SET override = ?, sentiment = ?, override_by = ?, override_at = ? "
                "WHERE item_id = (SELECT id FROM items WHERE canonical_url = ?) "
                "AND entity_id = (SELECT id FROM entities WHERE name = ? COLLATE NOCASE)",
                (o["score"], o["score"], o["by"], o["at"], o["url"], o["entity"]))
            if cur.rowcount:
                applied += 1
            else:
                left.append(o)
        conn.execute("UPDATE settings SET value = ? WHERE key = 'pending_overrides'", (json.dumps(left),))
    return applied
