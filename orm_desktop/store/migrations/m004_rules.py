"""Rules: saved searches with actions, run on new mentions and on history."""

from __future__ import annotations

import sqlite3

SQL = """
CREATE TABLE rules (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    enabled INTEGER NOT NULL DEFAULT 1,
    conditions TEXT NOT NULL DEFAULT '{}',   -- JSON: entity, terms, kinds, sentiment, topic, rating, scope
    actions TEXT NOT NULL DEFAULT '{}',      -- JSON: tag, status, priority, assign, sentiment, mute, notify
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL
);
"""


def apply(conn: sqlite3.Connection) -> None:
    conn.execute(SQL)
