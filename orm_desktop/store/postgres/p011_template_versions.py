"""Row-version bumps on templates and key messages (store/live.py) for a team database made
before them; the columns come from schema.upgrade (migration m011_template_versions). Numbered
like the SQLite migration it goes with: renumber both together when merging (reserved: m013)."""

from __future__ import annotations


def apply(conn) -> None:
    from orm_desktop.store import live

    conn.execute(live.pg_sql())
