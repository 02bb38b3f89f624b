"""Copying a workspace's rows to another database, table by table, ids kept.

Two uses (docs/team.md): the offline snapshot (any workspace -> a new SQLite file, the rows of a
period) and ``team push`` (a SQLite workspace -> an empty PostgreSQL one, every row). Tables go
in the order the migrations create them, so a foreign key always points at rows already copied;
the columns copied are those both sides have. The rollups ``mention_daily`` and
``mention_counts`` are never copied: the target rebuilds them from the mentions (PostgreSQL's
triggers; on SQLite ``items.index_new_rows`` after the copy, as it indexes the items' text).

A SQLite target is written through sqlite-utils (``Table.insert_all``: one transaction per chunk,
on the target's own connection), the convenience docs/decisions.md chose it for; a PostgreSQL
target through the store connection, in the caller's one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from orm_desktop.store import db
from orm_desktop.store.migrations.m017_unscored_daily import UNSCORED

_UNSCORED = UNSCORED.format(r="mentions")

TRIGGER_KEPT = ("mention_daily", "mention_counts")
BATCH = 5000

# the rows of a period an offline snapshot holds: table -> WHERE clause (each ? is the period's
# start), None for every row; tables not named are left out (the audit log, signing keys,
# evidence, the outbox: a snapshot is for reading mentions and printing reports)
SNAPSHOT_ROWS: dict[str, str | None] = {
    "settings": "key NOT IN ('pending_overrides', 'rescore_in_progress', 'deliveries', 'snapshot')",
    "entities": None,
    "feeds": None,
    "items": "id IN (SELECT item_id FROM mentions WHERE published >= ?)",
    "mentions": "published >= ?",
    "alerts": "window_end >= ?",
    "fetch_runs": None,
    "users": None,
    "templates": None,
    "key_messages": None,
    "rules": None,
    "responses": "updated >= ? AND (mention_id IS NULL OR mention_id IN (SELECT id FROM mentions WHERE published >= ?))",
}
# kept by the target's triggers as the mentions and items arrive (migration m012); compared by
# facet_figures, not by row count (a count row left at 0 by a change stays in the source)
FACET_KEPT = ("mention_facets", "mention_facet_counts")
# written on a SQLite target by the store after a table's rows are copied (``items.index_new_rows``:
# the full-text index, and the rollups and facets, that SQLite's insert triggers wrote before m014);
# a PostgreSQL target's triggers keep them
NEW_ROWS_INDEXED = {"items": "items", "mentions": "mentions"}
# what `team push` leaves out: the target's own workspace identity row is kept (updated instead);
# migration_log (m015) notes what migrations changed in that database, not content
PUSH_SKIP = ("schema_meta", "workspace_identity", "migration_log", *TRIGGER_KEPT, *FACET_KEPT)


def table_order() -> list[str]:
    """Every table of the schema, in the order the migrations create them."""
    from orm_desktop.store.postgres import schema as pg_schema

    return [t.name for t in pg_schema.tables()]


def columns(conn, table: str) -> list[str]:
    """The table's column names (generated columns included)."""
    cur = conn.execute(f"SELECT * FROM {table} WHERE 1 = 0")
    return [d[0] for d in cur.description]


def writable_columns(conn, table: str) -> list[str]:
    """The columns an INSERT may name (PostgreSQL's generated ``items.fts`` excluded)."""
    cols = columns(conn, table)
    if db.dialect(conn) == "postgresql":
        generated = {r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = ? AND is_generated = 'ALWAYS'", (table,))}
        cols = [c for c in cols if c not in generated]
    return cols


def count(conn, table: str, where: str | None = None, since: int = 0) -> int:
    sql = f"SELECT count(*) FROM {table}" + (f" WHERE {where}" if where else "")
    return conn.execute(sql, (since,) * sql.count("?")).fetchone()[0]


def rows(conn, table: str, cols: Sequence[str], where: str | None = None, since: int = 0,
         batch: int = BATCH) -> Iterator[tuple]:
    """The table's rows (only ``cols``), by id in batches when it has one, else all at once."""
    names = ", ".join(cols)
    cond = f" WHERE {where}" if where else ""
    args = (since,) * cond.count("?")
    if "id" not in cols:
        yield from (tuple(r) for r in conn.execute(f"SELECT {names} FROM {table}{cond}", args))
        return
    last = None
    joiner = " AND " if cond else " WHERE "
    while True:
        page = conn.execute(f"SELECT {names} FROM {table}{cond}{joiner if last is not None else ''}"
                            f"{'id > ?' if last is not None else ''} ORDER BY id LIMIT ?",
                            (*args, *((last,) if last is not None else ()), batch)).fetchall()
        if not page:
            return
        yield from (tuple(r) for r in page)
        last = page[-1][cols.index("id")]


def audit_head(conn) -> tuple[int, str]:
    """(entries, hash of the newest entry) of the audit log ('' when empty)."""
    n = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    row = conn.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return n, row[0] if row else ""


# -- the offline snapshot: into a new SQLite file, through sqlite-utils ----------------------------
def write_sqlite(path: Path, table: str, cols: Sequence[str], data: Iterable[tuple]) -> int:
    """Append rows to ``table`` of the SQLite file at ``path`` (its schema already created) with
    sqlite-utils; returns how many. Foreign keys are not checked (the rows come from a sound
    workspace, parents first)."""
    import sqlite_utils

    target = sqlite_utils.Database(path, recursive_triggers=False)
    try:
        # a new file nobody else has open, renamed into place only when complete: no fsync per
        # chunk, and one transaction per table (sqlite-utils' chunks nest as savepoints)
        target.conn.execute("PRAGMA synchronous=OFF")
        n = 0

        def counted():
            nonlocal n
            for r in data:
                n += 1
                yield dict(zip(cols, r, strict=True))

        with target.atomic():
            target[table].insert_all(counted(), batch_size=1000)
            if table in NEW_ROWS_INDEXED:  # what the insert triggers did before m014, for every row copied
                from orm_desktop.store import items as items_store

                top = target.conn.execute(f"SELECT max(id) FROM {table}").fetchone()[0] or 0
                items_store.index_new_rows(target.conn, **{NEW_ROWS_INDEXED[table]: (0, top)})
        return n
    finally:
        target.close()


def set_setting_in_file(path: Path, key: str, value: Any) -> None:
    """One setting (JSON) in a SQLite workspace file not opened as a workspace (the snapshot stamp)."""
    import json

    import sqlite_utils

    target = sqlite_utils.Database(path)
    try:
        target["settings"].upsert({"key": key, "value": json.dumps(value)}, pk="key")
    finally:
        target.close()


def finish_read_only_file(path: Path) -> None:
    """Fold the journal into the file and leave it in rollback-journal mode (a read-only file
    needs no -wal/-shm beside it), then make it read-only on disk."""
    import os
    import sqlite3

    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("INSERT INTO items_fts(items_fts) VALUES ('optimize')")
        conn.execute("ANALYZE")
    finally:
        conn.close()
    os.chmod(path, 0o444)


# -- team push: into an empty PostgreSQL workspace, one transaction --------------------------------
def content_tables_with_rows(conn) -> list[tuple[str, int]]:
    """(table, rows) of the tables that hold anything a workspace was given (not the schema's own
    bookkeeping): an empty target has none."""
    out = []
    for t in table_order():
        if t in PUSH_SKIP:
            continue
        n = count(conn, t)
        if n:
            out.append((t, n))
    return out


def insert_rows(conn, table: str, cols: Sequence[str], data: Iterable[tuple], chunk: int = BATCH) -> int:
    """INSERT the rows with their ids into ``table`` (inside the caller's transaction)."""
    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    n, buf = 0, []
    for r in data:
        buf.append(r)
        if len(buf) >= chunk:
            conn.executemany(sql, buf)
            n += len(buf)
            buf = []
    if buf:
        conn.executemany(sql, buf)
        n += len(buf)
    return n


def set_workspace_id(conn, workspace_id: str) -> None:
    conn.execute("UPDATE workspace_identity SET workspace_id = ? WHERE id = 1", (workspace_id,))


def workspace_id(conn) -> str:
    row = conn.execute("SELECT workspace_id FROM workspace_identity WHERE id = 1").fetchone()
    return row[0] if row else ""


def reset_id_sequences(conn, tables: Sequence[str]) -> None:
    """After rows came in with their ids: PostgreSQL's identity sequences continue above them."""
    from orm_desktop.store.postgres import schema as pg_schema

    if db.dialect(conn) != "postgresql":
        return
    for t in tables:
        if t in pg_schema.id_tables():
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), "
                         f"GREATEST((SELECT COALESCE(max(id), 0) FROM {t}), 1), "
                         f"(SELECT max(id) IS NOT NULL FROM {t}))")


class consistent_read:  # noqa: N801 - used as a context manager, like contextlib's
    """One view of the whole source while it is copied: a read transaction (REPEATABLE READ,
    READ ONLY on PostgreSQL), rolled back at the end (nothing is written)."""

    def __init__(self, conn) -> None:
        self.conn = conn

    def __enter__(self):
        if db.dialect(self.conn) == "postgresql":
            self.conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        else:
            self.conn.execute("BEGIN")
        return self.conn

    def __exit__(self, *exc) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")


ROLLUP_TRIGGERS = ("mention_daily_ai", "mention_counts_ai")


class bulk_load:  # noqa: N801 - a context manager
    """Into an empty PostgreSQL workspace, inside the caller's transaction: the per-row rollup
    triggers are off and the full-text GIN index is dropped while the rows arrive; afterwards the
    index is built once and both rollups are computed in one GROUP BY each (the figures the
    triggers keep: ``rollup_figures`` of source and target are compared before commit). Every
    row updating the same day's rollup row in one transaction, and a GIN insert per article,
    cost 10x more than this. A SQLite target is left as it is."""

    def __init__(self, conn) -> None:
        self.conn = conn
        self.index_sql: list[str] = []

    def __enter__(self):
        if db.dialect(self.conn) != "postgresql":
            return self.conn
        for t in ROLLUP_TRIGGERS:
            self.conn.execute(f"ALTER TABLE mentions DISABLE TRIGGER {t}")
        self.index_sql = [r[0] for r in self.conn.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'items' "
            "AND indexdef LIKE '%USING gin%'")]
        for sql in self.index_sql:
            self.conn.execute(f"DROP INDEX {sql.split()[2]}")  # CREATE INDEX <name> ON ...
        return self.conn

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is not None or db.dialect(self.conn) != "postgresql":
            return  # the caller's transaction rolls all of it back
        for sql in self.index_sql:
            self.conn.execute(sql)
        rebuild_rollups(self.conn)
        for t in ROLLUP_TRIGGERS:
            self.conn.execute(f"ALTER TABLE mentions ENABLE TRIGGER {t}")


def rebuild_rollups(conn) -> None:
    """``mention_daily`` and ``mention_counts`` computed from the mentions (both dialects)."""
    conn.execute("DELETE FROM mention_daily")
    conn.execute("DELETE FROM mention_counts")
    conn.execute(
        "INSERT INTO mention_daily (entity_id, day, total, positive, neutral, negative, sentiment_sum, unscored) "
        "SELECT entity_id, published / 86400, count(*), "
        "sum(CASE WHEN sentiment >= 0.05 THEN 1 ELSE 0 END), "
        f"sum(CASE WHEN sentiment > -0.05 AND sentiment < 0.05 AND NOT {_UNSCORED} THEN 1 ELSE 0 END), "
        "sum(CASE WHEN sentiment <= -0.05 THEN 1 ELSE 0 END), sum(sentiment), "
        f"sum(CASE WHEN {_UNSCORED} THEN 1 ELSE 0 END) "
        "FROM mentions GROUP BY entity_id, published / 86400")
    conn.execute("INSERT INTO mention_counts (entity_id, status, n) "
                 "SELECT entity_id, status, count(*) FROM mentions GROUP BY entity_id, status")


def rollup_figures(conn) -> tuple:
    """What the rollups say in total: (days rows, mentions, positive, neutral, negative,
    sentiment sum, count rows, counted mentions, not scored)."""
    d = conn.execute("SELECT count(*), COALESCE(sum(total), 0), COALESCE(sum(positive), 0), "
                     "COALESCE(sum(neutral), 0), COALESCE(sum(negative), 0), COALESCE(sum(sentiment_sum), 0), "
                     "COALESCE(sum(unscored), 0) FROM mention_daily").fetchone()
    c = conn.execute("SELECT count(*), COALESCE(sum(n), 0) FROM mention_counts").fetchone()
    return (*(int(x) for x in d[:5]), float(d[5]), int(c[0]), int(c[1]), int(d[6]))


def facet_figures(conn) -> tuple[int, int, int]:
    """What the facet tables say (m012): (topic and feed rows, non-zero count rows, counted)."""
    keyed = conn.execute("SELECT count(*) FROM mention_facets").fetchone()[0]
    rows, total = conn.execute("SELECT count(*), COALESCE(sum(n), 0) FROM mention_facet_counts WHERE n <> 0").fetchone()
    return int(keyed), int(rows), int(total)


def rollups_agree(a: tuple, b: tuple) -> bool:
    """Two rollup_figures: counts equal, the sentiment sums equal up to floating-point summation
    order (SQLite and PostgreSQL add the same doubles in different orders)."""
    return a[:5] == b[:5] and a[6:] == b[6:] and abs(a[5] - b[5]) <= 1e-9 * max(1, a[1])
