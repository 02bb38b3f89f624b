"""Row-version bumps and NOTIFY triggers (store/live.py) for a team database made before them.

The version/changed_by columns come by themselves (schema.upgrade adds the columns migration
m009_row_versions has); the triggers are PostgreSQL's own and are added here. Numbered like the
SQLite migration it goes with: renumber both together when merging.
"""

from __future__ import annotations


def apply(conn) -> None:
    from orm_desktop.store import live

    conn.execute(live.pg_sql())
