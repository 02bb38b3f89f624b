"""Row versions (issue 15, team workspaces): no lost update when several people (windows,
processes, laptops on a team server) triage the same inbox.

The rows people edit at the same time carry ``version`` (bumped by every save) and
``changed_by`` (who saved last, for the "changed by <who> meanwhile" message): mentions (triage:
status, assignee, tags, sentiment override), responses (``version`` exists since m003), rules and
settings. Writers save with ``... WHERE id = ? AND version = ?``; a miss is an
orm_desktop.errors.Conflict. The triggers bump the version for writers that do not (rules run on
history, bundle imports), so a reader's version is always stale after any change of those columns.

Reserved slot for this change is the next free number after the merge; the integrator renumbers.
"""

from __future__ import annotations

import sqlite3

from orm_desktop.store.migrations.m001_foundation import _split

SQL = """
ALTER TABLE mentions ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE mentions ADD COLUMN changed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE responses ADD COLUMN changed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE rules ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE rules ADD COLUMN changed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE settings ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE settings ADD COLUMN changed_by TEXT NOT NULL DEFAULT '';
CREATE TRIGGER mentions_version_au AFTER UPDATE OF status, assignee, tags, override ON mentions
WHEN new.version = old.version BEGIN
    UPDATE mentions SET version = old.version + 1 WHERE id = new.id;
END;
CREATE TRIGGER rules_version_au AFTER UPDATE OF name, enabled, conditions, actions ON rules
WHEN new.version = old.version BEGIN
    UPDATE rules SET version = old.version + 1 WHERE id = new.id;
END;
CREATE TRIGGER settings_version_au AFTER UPDATE OF value ON settings
WHEN new.version = old.version BEGIN
    UPDATE settings SET version = old.version + 1 WHERE key = new.key;
END;
"""


def apply(conn: sqlite3.Connection) -> None:
    for statement in _split(SQL):
        conn.execute(statement)
