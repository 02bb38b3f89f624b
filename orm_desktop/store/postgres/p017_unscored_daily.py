"""Migration m017 on a team database made before: ``mention_daily.unscored`` (the column comes
from ``schema.upgrade``), the rollup functions and update trigger that count a mention no engine
scores (and no person overrode) as not scored instead of neutral (``schema.unscored_sql``), and
every day's figures again from the mentions, in one set-based statement (as
``copy.rebuild_rollups``). Runs once, as the owner's upgrade to version 17."""

from __future__ import annotations


def apply(conn) -> None:
    from orm_desktop.store.copy import rebuild_rollups
    from orm_desktop.store.postgres import schema

    conn.execute(schema.unscored_sql())
    rebuild_rollups(conn)
