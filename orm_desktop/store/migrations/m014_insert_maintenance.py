"""The full-text index and the rollups of new rows are written by the store's insert functions,
once per batch, instead of by an AFTER INSERT trigger per row (issue 18, refresh speed): a
refresh writes a feed's items in one ``executemany`` and its mentions in another, and the four
insert triggers (``items_fts_ai``; ``mention_daily_ai``, ``mention_counts_ai``,
``mention_facets_ai``) were most of the main process's write cost. ``store/items.py``
(``insert``, ``insert_many``, ``insert_mentions``, ``index_new_rows``) now runs the same writes
as set-based statements over the batch's new rows, giving exactly the rows the triggers gave
(``tests/test_store.py`` inserts the same rows both ways and compares every derived table);
every INSERT INTO items or mentions goes through those functions (the offline snapshot and the
benchmark's generator call ``index_new_rows`` after their bulk copies). The UPDATE and DELETE
triggers stay: a triage or an edit changes one row. PostgreSQL has no step for this number: its
insert triggers already fire once per statement (``postgres/p015_statement_triggers.py``)."""

from __future__ import annotations

import sqlite3

INSERT_TRIGGERS = ("items_fts_ai", "mention_daily_ai", "mention_counts_ai", "mention_facets_ai")


def apply(conn: sqlite3.Connection) -> None:
    for name in INSERT_TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
