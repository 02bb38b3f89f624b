"""Sentiment confidence per mention (issue 14): how sure the machine score is, so the inbox can
list the mentions that need a human look. NULL for mentions scored before this migration."""

from __future__ import annotations

import sqlite3


def apply(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE mentions ADD COLUMN confidence REAL")
