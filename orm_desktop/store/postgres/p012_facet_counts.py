"""The facet-count triggers of migration m012 for a team database made before them, and the
rows of ``mention_topics`` / ``mention_facet_counts`` for its existing mentions (the tables come
from schema.upgrade). Numbered like the SQLite migration it goes with: renumber both together."""

from __future__ import annotations


def apply(conn) -> None:
    from orm_desktop.store.postgres import schema

    conn.execute(schema.facets_sql())
    conn.execute("DELETE FROM mention_facet_counts")
    conn.execute("DELETE FROM mention_topics")
    conn.execute(
        "INSERT INTO mention_facet_counts (facet, entity_id, status, n) "
        "SELECT 'kind:' || feed_kind, entity_id, status, count(*) FROM mentions GROUP BY feed_kind, entity_id, status")
    conn.execute(
        "INSERT INTO mention_facet_counts (facet, entity_id, status, n) "
        "SELECT 'topic:' || t, m.entity_id, m.status, count(DISTINCT m.id) "
        "FROM mentions m, unnest(string_to_array(m.topics, ',')) t WHERE t <> '' GROUP BY t, m.entity_id, m.status")
    conn.execute(
        "INSERT INTO mention_topics (topic, published, mention_id) "
        "SELECT DISTINCT t, m.published, m.id FROM mentions m, unnest(string_to_array(m.topics, ',')) t "
        "WHERE t <> '' ON CONFLICT DO NOTHING")
