"""Migration m019 on a team database made before: ``feeds.watched_until`` (the column and the
table ``feed_gaps`` come from ``schema.upgrade``) filled from each feed's last successful fetch,
as on SQLite. Runs once, as the owner's upgrade to version 19."""

from __future__ import annotations


def apply(conn) -> None:
    from orm_desktop.store.migrations.m019_feed_coverage import BACKFILL

    conn.execute(BACKFILL)
