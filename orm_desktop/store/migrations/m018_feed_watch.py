"""Look-ups by feed, and when each feed has been watched since.

* ``items_feed_seen``, an index of items by (feed_id, first_seen). SQLite had none by feed (only
  PostgreSQL had ``items_feed``): asking whether a feed had any item before a given refresh (spike
  detection leaving out the undated backlog of a feed's first fetch) scanned every item, 0.2 s at
  154,000 items; changing a feed's kind (its mentions follow it) and removing a feed (``ON DELETE
  SET NULL`` on ``items.feed_id``) scanned them too, 0.4-0.5 s each (docs/performance.md).
* ``feeds.watched_since``: the time of the feed's first successful fetch (NULL: never fetched).
  What came in that fetch is the feed's backlog; spike detection counts a feed only on days it
  was watched over the whole compared window (docs/analysis.md "Spike alerts", docs/decisions.md).
  An existing feed's is the first time any of its items was seen (the index answers it per feed
  at once); a feed without items gets it at its next successful fetch.

PostgreSQL: the index and the column come from ``schema.upgrade``; ``postgres/p018_feed_watch``
fills the column and drops ``items_feed`` (this index's first column serves its queries)."""

from __future__ import annotations

import sqlite3

BACKFILL = ("UPDATE feeds SET watched_since = (SELECT min(first_seen) FROM items WHERE items.feed_id = feeds.id) "
            "WHERE watched_since IS NULL")


def apply(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE INDEX IF NOT EXISTS items_feed_seen ON items (feed_id, first_seen)")
    conn.execute("ALTER TABLE feeds ADD COLUMN watched_since INTEGER")
    conn.execute(BACKFILL)
