"""Row versions on entities, feeds and users (issue 15, team gaps): two people editing the same
entity (name, aliases, query, kind, importance, executive title...), feed (URL, title, kind,
category, weight, enabled) or user's display name get a Conflict that says who saved it
meanwhile, never a silent overwrite (as templates and key messages since m011).

``version`` is bumped by every save (``... WHERE id = ? AND version = ?``), ``changed_by`` names
who saved last (on a team workspace the database sets it to the login: store/postgres/roles.py).
The triggers bump the version for writers that do not (an OPML import updating a feed, a refresh
filling in a feed's empty title, a bundle import); they compare values, because a refresh names
``title`` in every feed UPDATE it makes. What a refresh records about itself (etag, last status,
next due...) and crisis mode do not change a row's version: they are not an editor's fields.
PostgreSQL gets the columns from store/postgres/schema.upgrade and the triggers from
store/live.py (postgres/p013_config_versions.py for a database made before).
"""

from __future__ import annotations

import sqlite3

from orm_desktop.store.migrations.m001_foundation import _split

# the columns whose change is a new version of the row (what the Feeds and Entities pages edit)
VERSIONED = {
    "entities": ("kind", "name", "query", "aliases", "importance", "active", "title", "photo"),
    "feeds": ("url", "title", "kind", "category", "weight", "enabled"),
    "users": ("display_name", "roles", "entity_id"),
}


def _trigger(table: str, cols: tuple[str, ...]) -> str:
    changed = " OR ".join(f"new.{c} IS NOT old.{c}" for c in cols)
    return (f"CREATE TRIGGER {table}_version_au AFTER UPDATE OF {', '.join(cols)} ON {table}\n"
            f"WHEN new.version = old.version AND ({changed}) BEGIN\n"
            f"    UPDATE {table} SET version = old.version + 1 WHERE id = new.id;\n"
            "END;\n")


SQL = "".join(f"ALTER TABLE {t} ADD COLUMN version INTEGER NOT NULL DEFAULT 1;\n"
              f"ALTER TABLE {t} ADD COLUMN changed_by TEXT NOT NULL DEFAULT '';\n" + _trigger(t, cols)
              for t, cols in VERSIONED.items())


def apply(conn: sqlite3.Connection) -> None:
    for statement in _split(SQL):
        conn.execute(statement)
