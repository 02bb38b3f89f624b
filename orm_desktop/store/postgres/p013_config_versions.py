"""Row-version bumps on entities, feeds and users (store/live.py) for a team database made before
them; the columns come from schema.upgrade (migration m013_config_versions), and the team's
``changed_by`` triggers from roles.py, which schema.upgrade re-applies after this step."""

from __future__ import annotations


def apply(conn) -> None:
    from orm_desktop.store import live

    conn.execute(live.pg_sql())
