"""Row versions on workspace templates and key messages (issue 15, team gaps): two people editing
the same template or key message get a Conflict that says who saved it meanwhile, never a silent
overwrite (as mentions, responses, rules and settings since m009).

``version`` is bumped by every save (``... WHERE id = ? AND version = ?``), ``changed_by`` names
who saved last (on a team workspace the database sets it to the login: store/postgres/roles.py).
The triggers bump the version for writers that do not (a bundle import).

Reserved slot for this change: m013 (the integrator renumbers at merge; migration numbers must be
1..N without gaps, so it is m011 on this branch). PostgreSQL gets the columns from
store/postgres/schema.upgrade by itself; its triggers are in store/live.py.
"""

from __future__ import annotations

import sqlite3

from orm_desktop.store.migrations.m001_foundation import _split

SQL = """
ALTER TABLE templates ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE templates ADD COLUMN changed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE key_messages ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE key_messages ADD COLUMN changed_by TEXT NOT NULL DEFAULT '';
CREATE TRIGGER templates_version_au AFTER UPDATE OF body ON templates
WHEN new.version = old.version BEGIN
    UPDATE templates SET version = old.version + 1 WHERE id = new.id;
END;
CREATE TRIGGER key_messages_version_au AFTER UPDATE OF topic, text, active ON key_messages
WHEN new.version = old.version BEGIN
    UPDATE key_messages SET version = old.version + 1 WHERE id = new.id;
END;
"""


def apply(conn: sqlite3.Connection) -> None:
    for statement in _split(SQL):
        conn.execute(statement)
