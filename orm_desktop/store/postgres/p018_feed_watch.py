"""Migration m018 on a team database made before: ``feeds.watched_since`` (the column and the
index ``items_feed_seen`` come from ``schema.upgrade``) filled from each feed's first item, as on
SQLite; and ``items_feed`` (feed_id), which PostgreSQL alone had, dropped: the new index's first
column serves its queries. Runs once, as the owner's upgrade to version 18."""

from __future__ import annotations


def apply(conn) -> None:
    from orm_desktop.store.migrations.m018_feed_watch import BACKFILL

    conn.execute(BACKFILL)
    conn.execute("DROP INDEX IF EXISTS items_feed")
