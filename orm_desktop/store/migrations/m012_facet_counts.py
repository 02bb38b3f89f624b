"""Counts by feed kind and topic, and topics by index (issue 15, budgets at 1M mentions): the
inbox's "topic pricing" filter was a ``LIKE`` over the comma list ``mentions.topics`` (a scan of
every mention on both stores), and counts by kind or topic counted rows.

``mention_topics`` holds one row per (topic, mention), keyed (topic, published, mention_id): the
newest 200 with a topic walk that key backwards. ``mention_facet_counts`` holds the mentions per
(facet, entity, status), facet ``kind:<feed_kind>`` or ``topic:<id>``: a count by kind or topic
(with entities and statuses) reads a few rows. Both are kept by triggers on ``mentions`` (on
PostgreSQL: the plpgsql of store/postgres/schema.py, same names). Topic ids are taxonomy keys
(no quotes or commas); the SQLite triggers split ``topics`` with ``json_each``.

Reserved slot: m012 (the integrator renumbers at merge); PostgreSQL's triggers and backfill are
store/postgres/p012_facet_counts.py, numbered with this one.
"""

from __future__ import annotations

import sqlite3

from orm_desktop.store.migrations.m001_foundation import _split

# the topics of a mention row as a JSON array (json_each splits it); '' gives no rows
_TOPICS = """json_each(CASE WHEN {r}.topics = '' THEN '[]'
    ELSE '["' || replace(replace(replace({r}.topics, '\\', '\\\\'), '"', '\\"'), ',', '","') || '"]' END)"""

_PLUS = """    INSERT INTO mention_facet_counts (facet, entity_id, status, n)
    VALUES ('kind:' || new.feed_kind, new.entity_id, new.status, 1)
    ON CONFLICT (facet, entity_id, status) DO UPDATE SET n = n + 1;
    INSERT INTO mention_facet_counts (facet, entity_id, status, n)
    SELECT DISTINCT 'topic:' || value, new.entity_id, new.status, 1 FROM {topics_new} WHERE value <> ''
    ON CONFLICT (facet, entity_id, status) DO UPDATE SET n = n + 1;
    INSERT OR IGNORE INTO mention_topics (topic, published, mention_id)
    SELECT value, new.published, new.id FROM {topics_new} WHERE value <> '';""".format(
    topics_new=_TOPICS.format(r="new"))

_MINUS = """    UPDATE mention_facet_counts SET n = n - 1
    WHERE facet = 'kind:' || old.feed_kind AND entity_id = old.entity_id AND status = old.status;
    UPDATE mention_facet_counts SET n = n - 1
    WHERE facet IN (SELECT 'topic:' || value FROM {topics_old}) AND entity_id = old.entity_id
      AND status = old.status;
    DELETE FROM mention_topics WHERE mention_id = old.id AND published = old.published
      AND topic IN (SELECT value FROM {topics_old});""".format(topics_old=_TOPICS.format(r="old"))

SQL = f"""
CREATE TABLE mention_topics (
    topic TEXT NOT NULL,
    published INTEGER NOT NULL,               -- the mention's, for "newest with topic X"
    mention_id INTEGER NOT NULL,
    PRIMARY KEY (topic, published, mention_id)
) WITHOUT ROWID;
CREATE TABLE mention_facet_counts (
    facet TEXT NOT NULL,                      -- kind:<feed_kind> | topic:<id>
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
CREATE TRIGGER mention_facets_au AFTER UPDATE OF feed_kind, topics, status, entity_id, published ON mentions
WHEN old.feed_kind IS NOT new.feed_kind OR old.topics IS NOT new.topics OR old.status IS NOT new.status
    OR old.entity_id IS NOT new.entity_id OR old.published IS NOT new.published BEGIN
{_MINUS}
{_PLUS}
END;
INSERT INTO mention_facet_counts (facet, entity_id, status, n)
SELECT 'kind:' || feed_kind, entity_id, status, count(*) FROM mentions GROUP BY feed_kind, entity_id, status;
INSERT INTO mention_facet_counts (facet, entity_id, status, n)
SELECT 'topic:' || t.value, m.entity_id, m.status, count(DISTINCT m.id) FROM mentions m, {_TOPICS.format(r="m")} t
WHERE t.value <> '' GROUP BY t.value, m.entity_id, m.status;
INSERT OR IGNORE INTO mention_topics (topic, published, mention_id)
SELECT t.value, m.published, m.id FROM mentions m, {_TOPICS.format(r="m")} t WHERE t.value <> '';
"""


def apply(conn: sqlite3.Connection) -> None:
    for statement in _split(SQL):
        conn.execute(statement)
