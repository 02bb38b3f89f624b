"""Matching an entity against items already stored (new entity, edited query, live counts)."""

from __future__ import annotations

import sqlite3

from orm_desktop.ingest.query import EntityQuery
from orm_desktop.store import db
from orm_desktop.store import items as items_store
from orm_desktop.types import Entity


def _candidates(conn: sqlite3.Connection, q: EntityQuery):
    """Items the FTS index says may match (a superset), with what matching needs; every item when
    the index cannot narrow the query (a name in a script written without spaces)."""
    fts = q.to_fts()
    return items_store.fts_candidates(conn, fts) if fts is not None else items_store.all_candidates(conn)


def count_matching(conn: sqlite3.Connection, query: str, aliases: tuple[str, ...] = ()) -> int:
    q = EntityQuery.parse(query, aliases)
    return sum(1 for r in _candidates(conn, q) if q.matches(f"{r[1]}\n\n{r[2]}"))


def rematch_entity(conn: sqlite3.Connection, entity: Entity, now: int | None = None, progress=None) -> int:
    """Create the missing mentions of ``entity`` among stored items; returns how many.
    ``progress(done, total, message)`` is told how many of the candidate items were read."""
    import time

    from orm_desktop.ingest.pipeline import Enricher, Matcher
    from orm_desktop.types import ParsedItem

    now = int(now or time.time())
    enricher = Enricher.for_workspace(conn, now)
    q = EntityQuery.parse(entity.query, entity.aliases)
    enricher.matchers = [Matcher(entity, q)]
    rows: list[tuple] = []
    candidates = _candidates(conn, q).fetchall()
    total = len(candidates)
    step = max(200, total // 100)  # about a hundred steps on 200,000 items
    for i, r in enumerate(candidates):
        if progress is not None and i % step == 0:
            progress(i, total, f"{i:,} of {total:,} stored items read")
        # with its detected language: a language the engine cannot read is marked so, as at ingest
        item = ParsedItem(guid="", url="", title=r[1], text=r[2], rating=r[4], lang=r[7] or "")
        rows += enricher.mentions_for(r[0], item, r[3], r[5], r[6])
    if progress is not None:
        progress(total, total, f"{total:,} of {total:,} stored items read; saving {len(rows):,} mentions")
    with db.transaction(conn):
        added = items_store.insert_mentions(conn, rows)
    return added
