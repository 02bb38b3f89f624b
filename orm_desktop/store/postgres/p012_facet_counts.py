"""The facet-count triggers of migration m012 for a team database made before them, and the
rows of ``mention_facets`` / ``mention_facet_counts`` for its existing mentions (the tables come
from schema.upgrade). Numbered like the SQLite migration it goes with: renumber both together."""

from __future__ import annotations


def apply(conn) -> None:
    from orm_desktop.store.postgres import schema

    conn.execute(schema.facets_sql())
    conn.execute("DELETE FROM mention_facet_counts")
    conn.execute("DELETE FROM mention_facets")
    conn.execute(
        "CREATE TEMP TABLE p012_facets ON COMMIT DROP AS "
        "SELECT DISTINCT 'topic:' || t AS facet, m.id, m.entity_id, m.status, m.published "
        "FROM mentions m, unnest(string_to_array(m.topics, ',')) t WHERE t <> '' "
        "UNION ALL SELECT 'feed:' || i.feed_id, m.id, m.entity_id, m.status, m.published "
        "FROM mentions m JOIN items i ON i.id = m.item_id WHERE i.feed_id IS NOT NULL")
    conn.execute(
        "INSERT INTO mention_facet_counts (facet, entity_id, status, n) "
        "SELECT 'kind:' || feed_kind, entity_id, status, count(*) FROM mentions GROUP BY feed_kind, entity_id, status")
    conn.execute(
        "INSERT INTO mention_facet_counts (facet, entity_id, status, n) "
        "SELECT facet, entity_id, status, count(*) FROM p012_facets GROUP BY facet, entity_id, status")
    conn.execute("INSERT INTO mention_facets (facet, published, mention_id) SELECT facet, published, id FROM p012_facets")
