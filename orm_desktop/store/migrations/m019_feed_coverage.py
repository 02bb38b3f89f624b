"""What each feed's refreshes did not see: ``feeds.watched_until`` and ``feed_gaps``.

A feed is a window of its latest entries. A refresh that comes long after the one before (the
app not run for two weeks, or the feed failing for weeks) brings only what the feed still holds:
the entries that fell out of it meanwhile were never seen, and spike detection read those days
as quiet days, so the returning volume raised a false volume spike.

* ``feeds.watched_until``: the time of the feed's latest successful fetch (NULL: never fetched).
  An existing feed's is its last fetch when that succeeded, else the last time one of its items
  was first seen (the latest fetch that brought something).
* ``feed_gaps (feed_id, gap_from, gap_until)``: a span the feed's refreshes did not see: from the
  fetch before to the oldest dated entry a fetch brought (or that fetch, when it brought no dated
  entry), recorded when it is longer than a day (``store/feeds.record_success``). Spike
  detection counts a feed on no test whose day or baseline overlaps one of its gaps
  (docs/decisions.md "Gaps without disabling").

PostgreSQL: the table and the column come from ``schema.upgrade``; ``postgres/p019_feed_coverage``
fills the column as here."""

from __future__ import annotations

import sqlite3

BACKFILL = ("UPDATE feeds SET watched_until = CASE WHEN last_status IN ('ok', 'not_modified', 'empty') "
            "THEN last_fetched ELSE (SELECT max(first_seen) FROM items WHERE items.feed_id = feeds.id) END "
            "WHERE watched_until IS NULL AND watched_since IS NOT NULL")


def apply(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE feeds ADD COLUMN watched_until INTEGER")
    conn.execute("CREATE TABLE feed_gaps (\n"
                 "    feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,\n"
                 "    gap_from INTEGER NOT NULL,\n"
                 "    gap_until INTEGER NOT NULL,\n"
                 "    PRIMARY KEY (feed_id, gap_from)\n"
                 ")")
    conn.execute("CREATE INDEX feed_gaps_until ON feed_gaps (gap_until)")
    conn.execute(BACKFILL)
