"""Evidence captures: a page or feed entry as received, with hashes, per mention."""

from __future__ import annotations

import sqlite3

SQL = """
CREATE TABLE evidence (
    id INTEGER PRIMARY KEY,
    mention_id INTEGER REFERENCES mentions(id) ON DELETE SET NULL,
    item_id INTEGER,
    url TEXT NOT NULL,
    kind TEXT NOT NULL,                       -- page | feed_entry
    fetched_at INTEGER NOT NULL,
    http_status INTEGER,
    headers TEXT NOT NULL DEFAULT '{}',       -- JSON, as received
    body_path TEXT NOT NULL,                  -- relative to the workspace's evidence/ folder
    body_sha256 TEXT NOT NULL,
    text TEXT NOT NULL DEFAULT '',            -- extracted plain text
    text_sha256 TEXT NOT NULL,
    headers_sha256 TEXT NOT NULL,
    captured_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX evidence_mention ON evidence (mention_id);
"""


def apply(conn: sqlite3.Connection) -> None:
    for statement in SQL.strip().split(";\n"):
        if statement.strip():
            conn.execute(statement)
