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
from orm_desktop.store import crisis as crisis_store

CRISIS_INTERVAL = 5 * 60
CRISIS_BOOST = 100.0  # added to priority while the mode lasts (normal priorities are 0..100)


def active(conn) -> list[tuple[int, str, int]]:
    """(entity id, name, since) of entities in crisis mode."""
    return crisis_store.active(conn)


def crisis_feed_ids(conn) -> set[int]:
    """Feeds refreshed at the crisis interval: search feeds of entities in crisis, and all news
    and social feeds while any entity is in crisis."""
    return crisis_store.feed_ids(conn)


def switch_on(svc, entity_name: str, *, by: str) -> int | None:
    """Enter crisis mode; returns the id of the holding-statement draft (None if no mention fits)."""
    from orm_desktop.responses import workflow as wf
    from orm_desktop.types import MentionFilter

    e = svc.entity(entity_name)
    now = int(time.time())
    conn = svc.conn
    if crisis_store.is_on(conn, e.id):
        raise UsageError(f"{e.name} is already in crisis mode")
    with db.transaction(conn):
        crisis_store.switch_on(conn, e.id, now, CRISIS_BOOST, 14)
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
    if not crisis_store.is_on(conn, e.id):
        raise UsageError(f"{e.name} is not in crisis mode")
    now = int(time.time())
    since = crisis_store.since(conn, e.id)
    since = now - 7 * 86400 if since is None else since
    with db.transaction(conn):
        crisis_store.switch_off(conn, e.id, CRISIS_BOOST)
        audit.append(conn, actor=by, action="crisis.off", subject_type="entity", subject_id=e.id,
                     data={"since": since}, now=now)
    folder = report_dir or svc.ws.root / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"crisis-{e.name.lower().replace(' ', '-')}-{time.strftime('%Y%m%d-%H%M')}.pdf"
    d = data.build(svc, "crisis", entity=e.name, since=since - 3 * 86400, until=now + 1, now=now)
    s = svc.settings()
    to_pdf(d, out, color=s.get("brand_color") or "#0F6E8C", logo=s.get("brand_logo") or "")
    return out
