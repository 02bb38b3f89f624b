"""Crisis mode, one switch per entity.

On: the entity's sources (its search feeds, and news and social feeds) are refreshed every
five minutes instead of thirty; its mentions get a priority boost so they head the inbox's
priority order (new ones too, while the mode lasts); the crisis holding statement is drafted
for approval. Off: the boost ends and the crisis report for the period is written to the
workspace's reports/ folder. Both switches are audited.
"""

from __future__ import annotations

import time
from pathlib import Path

from orm_desktop.errors import UsageError
from orm_desktop.store import audit, db

CRISIS_INTERVAL = 5 * 60
CRISIS_BOOST = 100.0  # added to priority while the mode lasts (normal priorities are 0..100)


def active(conn) -> list[tuple[int, str, int]]:
    """(entity id, name, since) of entities in crisis mode."""
    return [tuple(r) for r in conn.execute(
        "SELECT e.id, e.name, COALESCE(CAST(s.value AS INTEGER), 0) FROM entities e "
        "LEFT JOIN settings s ON s.key = 'crisis_since_' || e.id WHERE e.crisis = 1 ORDER BY e.name")]


def crisis_feed_ids(conn) -> set[int]:
    """Feeds refreshed at the crisis interval: search feeds of entities in crisis, and all news
    and social feeds while any entity is in crisis."""
    if not conn.execute("SELECT 1 FROM entities WHERE crisis = 1 LIMIT 1").fetchone():
        return set()
    return {r[0] for r in conn.execute(
        "SELECT id FROM feeds WHERE kind IN ('news', 'social') OR entity_id IN (SELECT id FROM entities WHERE crisis = 1)")}


def switch_on(svc, entity_name: str, *, by: str) -> int | None:
    """Enter crisis mode; returns the id of the holding-statement draft (None if no mention fits)."""
    from orm_desktop.responses import workflow as wf
    from orm_desktop.types import MentionFilter

    e = svc.entity(entity_name)
    now = int(time.time())
    conn = svc.conn
    if conn.execute("SELECT crisis FROM entities WHERE id = ?", (e.id,)).fetchone()[0]:
        raise UsageError(f"{e.name} is already in crisis mode")
    with db.transaction(conn):
        conn.execute("UPDATE entities SET crisis = 1 WHERE id = ?", (e.id,))
        conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = "
                     "excluded.value", (f"crisis_since_{e.id}", str(now)))
        conn.execute("UPDATE mentions SET priority = priority + ? WHERE entity_id = ? AND published >= ? "
                     "AND priority < ?", (CRISIS_BOOST, e.id, now - 14 * 86400, CRISIS_BOOST))
        conn.execute("UPDATE feeds SET next_due = ? WHERE kind IN ('news', 'social') OR entity_id = ?", (now, e.id))
        audit.append(conn, actor=by, action="crisis.on", subject_type="entity", subject_id=e.id, data={}, now=now)
    latest = svc.mentions(MentionFilter(entity_ids=(e.id,), sentiment="negative"), limit=1)
    if not latest:
        return None
    try:
        r = wf.create_draft(conn, latest[0].id, author=by, template_id="crisis-holding-statement")
    except UsageError:
        return None  # e.g. the user has no author role: the mode is on, without a draft
    return r.id


def switch_off(svc, entity_name: str, *, by: str, report_dir: Path | None = None) -> Path | None:
    """Leave crisis mode; writes the crisis report and returns its path."""
    from orm_desktop.reports import data
    from orm_desktop.reports.render import to_pdf

    e = svc.entity(entity_name)
    conn = svc.conn
    row = conn.execute("SELECT crisis FROM entities WHERE id = ?", (e.id,)).fetchone()
    if not row[0]:
        raise UsageError(f"{e.name} is not in crisis mode")
    since_row = conn.execute("SELECT value FROM settings WHERE key = ?", (f"crisis_since_{e.id}",)).fetchone()
    now = int(time.time())
    since = int(since_row[0]) if since_row else now - 7 * 86400
    with db.transaction(conn):
        conn.execute("UPDATE entities SET crisis = 0 WHERE id = ?", (e.id,))
        conn.execute("UPDATE mentions SET priority = priority - ? WHERE entity_id = ? AND priority >= ?",
                     (CRISIS_BOOST, e.id, CRISIS_BOOST))
        audit.append(conn, actor=by, action="crisis.off", subject_type="entity", subject_id=e.id,
                     data={"since": since}, now=now)
    folder = report_dir or svc.ws.root / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"crisis-{e.name.lower().replace(' ', '-')}-{time.strftime('%Y%m%d-%H%M')}.pdf"
    d = data.build(svc, "crisis", entity=e.name, since=since - 3 * 86400, until=now + 1, now=now)
    s = svc.settings()
    to_pdf(d, out, color=s.get("brand_color") or "#0F6E8C", logo=s.get("brand_logo") or "")
    return out
