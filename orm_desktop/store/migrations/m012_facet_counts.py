"""Counts by feed kind, topic and feed, and topics and feeds by index (issue 15, budgets at 1M
mentions): the inbox's "topic pricing" filter was a ``LIKE`` over the comma list
``mentions.topics`` (a scan of every mention on both stores), the one-feed filter probed every
item of the feed, and counts by kind, topic or feed counted rows.

``mention_facets`` holds one row per (facet, mention) for the facets ``topic:<id>`` and
``feed:<id>``, keyed (facet, published, mention_id): the newest 200 with a topic or of a feed
walk that key backwards. ``mention_facet_counts`` holds the mentions per (facet, entity,
status), facet ``kind:<feed_kind>``, ``topic:<id>`` or ``feed:<id>``: a count by kind, topic or
feed (with entities and statuses) reads a few rows. Both are kept by triggers on ``mentions``
(a mention's feed is its item's, read at insert) and on ``items`` (an item moved to another feed
or to none, as deleting a feed does), on PostgreSQL by the plpgsql of store/postgres/schema.py
with the same names. Topic ids are taxonomy keys (no commas); the SQLite triggers split
``topics`` with ``json_each``. Items are never deleted by the application (the mention triggers
read the item's feed).

Reserved slot: m012 (the integrator renumbers at merge); PostgreSQL's triggers and backfill are
store/postgres/p012_facet_counts.py, numbered with this one.
"""

from __future__ import annotations

import sqlite3

from orm_desktop.store.migrations.m001_foundation import _split

# the facets of a mention row (``r``) with a topic or feed index row, as a JSON array; json_each
# splits it. Topic ids are JSON-escaped; the feed is the item's.
_TOPICS = """(CASE WHEN {r}.topics = '' THEN '[]'
    ELSE '["topic:' || replace(replace(replace({r}.topics, '\\', '\\\\'), '"', '\\"'), ',', '","topic:') || '"]' END)"""
_FEED = "(SELECT 'feed:' || feed_id FROM items WHERE id = {r}.item_id AND feed_id IS NOT NULL)"


def _keyed(r: str) -> str:
    """SELECT of the distinct index facets (``value``) of mention row ``r``."""
    return (f"SELECT DISTINCT value FROM json_each({_TOPICS.format(r=r)}) WHERE value <> 'topic:' "
            f"UNION SELECT {_FEED.format(r=r)} WHERE {_FEED.format(r=r)} IS NOT NULL")


_PLUS = f"""    INSERT INTO mention_facet_counts (facet, entity_id, status, n)
    SELECT value, new.entity_id, new.status, 1 FROM ({_keyed("new")} UNION SELECT 'kind:' || new.feed_kind) WHERE true
    ON CONFLICT (facet, entity_id, status) DO UPDATE SET n = n + 1;
    INSERT OR IGNORE INTO mention_facets (facet, published, mention_id)
    SELECT value, new.published, new.id FROM ({_keyed("new")});"""

_MINUS = f"""    UPDATE mention_facet_counts SET n = n - 1
    WHERE facet IN ({_keyed("old")} UNION SELECT 'kind:' || old.feed_kind)
      AND entity_id = old.entity_id AND status = old.status;
    DELETE FROM mention_facets WHERE mention_id = old.id AND published = old.published
      AND facet IN ({_keyed("old")});"""

SQL = f"""
CREATE TABLE mention_facets (
    facet TEXT NOT NULL,                      -- topic:<id> | feed:<id>
    published INTEGER NOT NULL,               -- the mention's: "newest with topic X / of feed F"
    mention_id INTEGER NOT NULL,
    PRIMARY KEY (facet, published, mention_id)
) WITHOUT ROWID;
CREATE TABLE mention_facet_counts (
    facet TEXT NOT NULL,                      -- kind:<feed_kind> | topic:<id> | feed:<id>
    entity_id INTEGER NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (facet, entity_id, status)
) WITHOUT ROWID;
CREATE TRIGGER mention_facets_ai AFTER INSERT ON mentions BEGIN
{_PLUS}
END;
CREATE TRIGGER mention_facets_ad AFTER DELETE ON mentions BEGIN
{_MINUS}
END;
CREATE TRIGGER mention_facets_au AFTER UPDATE OF feed_kind, topics, status, entity_id, published, item_id ON mentions
WHEN old.feed_kind IS NOT new.feed_kind OR old.topics IS NOT new.topics OR old.status IS NOT new.status
    OR old.entity_id IS NOT new.entity_id OR old.published IS NOT new.published OR old.item_id IS NOT new.item_id
BEGIN
{_MINUS}
{_PLUS}
END;
CREATE TRIGGER mention_facets_item_feed_au AFTER UPDATE OF feed_id ON items
WHEN old.feed_id IS NOT new.feed_id BEGIN
    UPDATE mention_facet_counts SET n = n - (SELECT count(*) FROM mentions m WHERE m.item_id = new.id
        AND m.entity_id = mention_facet_counts.entity_id AND m.status = mention_facet_counts.status)
    WHERE facet = 'feed:' || old.feed_id;
    DELETE FROM mention_facets WHERE facet = 'feed:' || old.feed_id
      AND (published, mention_id) IN (SELECT published, id FROM mentions WHERE item_id = new.id);
    INSERT INTO mention_facet_counts (facet, entity_id, status, n)
    SELECT 'feed:' || new.feed_id, entity_id, status, count(*) FROM mentions
    WHERE item_id = new.id AND new.feed_id IS NOT NULL GROUP BY entity_id, status
    ON CONFLICT (facet, entity_id, status) DO UPDATE SET n = n + excluded.n;
    INSERT OR IGNORE INTO mention_facets (facet, published, mention_id)
    SELECT 'feed:' || new.feed_id, published, id FROM mentions WHERE item_id = new.id AND new.feed_id IS NOT NULL;
END;
CREATE TEMP TABLE m012_facets AS
SELECT DISTINCT t.value AS facet, m.id, m.entity_id, m.status, m.published
FROM mentions m, json_each({_TOPICS.format(r="m")}) t WHERE t.value <> 'topic:'
UNION ALL
SELECT 'feed:' || i.feed_id, m.id, m.entity_id, m.status, m.published
FROM mentions m JOIN items i ON i.id = m.item_id WHERE i.feed_id IS NOT NULL;
INSERT INTO mention_facet_counts (facet, entity_id, status, n)
SELECT 'kind:' || feed_kind, entity_id, status, count(*) FROM mentions GROUP BY feed_kind, entity_id, status;
INSERT INTO mention_facet_counts (facet, entity_id, status, n)
SELECT facet, entity_id, status, count(*) FROM m012_facets GROUP BY facet, entity_id, status;
INSERT INTO mention_facets (facet, published, mention_id) SELECT facet, published, id FROM m012_facets;
DROP TABLE m012_facets;
"""


def apply(conn: sqlite3.Connection) -> None:
    for statement in _split(SQL):
        conn.execute(statement)
