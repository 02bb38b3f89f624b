"""PostgreSQL only (no SQLite migration goes with it): ``items.fts`` indexes the words SQLite's
tokenizer reads (``schema.FTS_DOCUMENT``: ".", "/", "@", ":" and "~" separate words), so that a
search finds the same mentions on a team workspace as on a laptop: "acme" did not find "visit
acme.com" on PostgreSQL. PostgreSQL 15 cannot change a generated column's expression, so the
column and its index are made again (every item's vector recomputed: measured in
docs/decisions.md). Idempotent: a column already made this way is left as it is. When a SQLite
migration takes this number, renumber this step above it (see p020)."""

from __future__ import annotations


def apply(conn) -> None:
    from orm_desktop.store.postgres import schema

    row = conn.execute("SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN pg_attribute a "
                       "ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
                       "WHERE d.adrelid = 'items'::regclass AND a.attname = 'fts'").fetchone()
    if row is not None and "translate" in row[0]:
        return
    conn.execute("DROP INDEX IF EXISTS items_fts")
    conn.execute("ALTER TABLE items DROP COLUMN IF EXISTS fts")
    for statement in filter(None, (s.strip() for s in schema.FTS_COLUMN.split(";\n"))):
        conn.execute(statement)
