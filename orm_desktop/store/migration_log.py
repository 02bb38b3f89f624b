"""The notes migrations wrote about what they changed (``migration_log``, m015 / p015)."""

from __future__ import annotations

import sqlite3

from orm_desktop.types import MigrationNote


def notes(conn, after: int = 0) -> list[MigrationNote]:
    """The notes with an id above ``after``, oldest first; none in a database without the table
    (an offline snapshot of an older schema opens without migrating)."""
    try:
        rows = conn.execute("SELECT id, version, at, note FROM migration_log WHERE id > ? ORDER BY id",
                            (after,)).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return []
        raise
    return [MigrationNote(*r) for r in rows]
