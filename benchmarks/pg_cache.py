"""The generated benchmark workspace on PostgreSQL: the SQLite cache (benchmarks/out/ws-N, made by
generate.py) loaded with COPY into a database ``orm_bench_N`` on the server of ``$ORM_BENCH_PG``
(default postgresql://postgres@127.0.0.1:5432/postgres), so both backends are measured on the
same rows.

    python benchmarks/pg_cache.py [--mentions 1000000] [--rebuild] [--suffix _mybranch]

``--suffix`` (or ``$ORM_BENCH_PG_SUFFIX``, which the other benchmarks read too) names the database
``orm_bench_N<suffix>``: a branch with another schema builds its own copy beside the shared one.

How it loads: ``store.db.create(url)`` makes the schema; the secondary indexes of items and
mentions (the GIN full-text index included) are dropped and the mentions triggers disabled; every
table is copied with ``COPY ... FROM STDIN`` (the rollups ``mention_daily`` / ``mention_counts``
too: they are the SQLite cache's, already computed); the identity sequences are moved past the
copied ids, the indexes rebuilt, the triggers enabled, then VACUUM ANALYZE. The database is
built as ``orm_bench_N_part`` and renamed when finished, and reused while its stamp (the
generator's settings row and the schema version) matches the SQLite cache's. When only the
schema is behind (newer migrations, same generator), it is upgraded in place by the product's
own migrations instead of loaded again; a ``--suffix`` database that does not exist yet starts
as a copy of the shared ``orm_bench_N`` (CREATE DATABASE ... TEMPLATE), upgraded, so a branch
with a newer schema never changes the shared one.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import time
from urllib.parse import urlsplit, urlunsplit

from _common import cached_workspace

ADMIN_URL = os.environ.get("ORM_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
# appended to the database name (``orm_bench_N<suffix>``): a branch whose schema differs keeps
# its own copy instead of rebuilding the shared one
SUFFIX = os.environ.get("ORM_BENCH_PG_SUFFIX", "")


def url_of(dbname: str) -> str:
    return urlunsplit(urlsplit(ADMIN_URL)._replace(path="/" + dbname))


def admin(sql: str, *args) -> list:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as c:
        cur = c.execute(sql, args or None)
        return cur.fetchall() if cur.description else []


def _stamp_sqlite(path) -> tuple[str, int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        gen = conn.execute("SELECT value FROM settings WHERE key = 'benchmark_generator'").fetchone()[0]
        return gen, conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def _stamp_pg(dbname: str) -> tuple[str | None, int]:
    import psycopg

    try:
        with psycopg.connect(url_of(dbname), autocommit=True) as c:
            gen = c.execute("SELECT value FROM settings WHERE key = 'benchmark_generator'").fetchone()
            ver = c.execute("SELECT value FROM schema_meta WHERE key = 'version'").fetchone()
            return (gen[0] if gen else None), int(ver[0]) if ver else 0
    except psycopg.Error:
        return None, 0


def cached_pg_workspace(mentions: int = 1_000_000, seed: int = 1, *, rebuild: bool = False) -> str:
    """The URL of the PostgreSQL copy of the generated workspace (built once, then reused). A
    database whose schema is only behind this code's (same generator stamp) is upgraded in place
    by the product's own migrations; with a suffix and no database of that name yet, the shared
    ``orm_bench_N`` is cloned (CREATE DATABASE ... TEMPLATE) and the clone upgraded, never the
    shared one."""
    src = cached_workspace(mentions, seed) / "orm.db"
    want = _stamp_sqlite(src)
    name = f"orm_bench_{mentions}{SUFFIX}"
    exists = bool(admin("SELECT 1 FROM pg_database WHERE datname = %s", name))
    if not rebuild and not exists and SUFFIX:
        exists = _clone_shared(f"orm_bench_{mentions}", name, want)
    if exists and not rebuild:
        have = _stamp_pg(name)
        if have == want:
            return url_of(name)
        if have[0] == want[0] and 0 < have[1] < want[1]:  # same rows, only newer migrations missing
            upgrade(name, have[1])
            return url_of(name)
    part = name + "_part"
    admin(f"DROP DATABASE IF EXISTS {part} WITH (FORCE)")
    admin(f"CREATE DATABASE {part}")
    load(src, url_of(part))
    admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin(f"ALTER DATABASE {part} RENAME TO {name}")
    return url_of(name)


def _clone_shared(shared: str, name: str, want: tuple[str, int]) -> bool:
    """``name`` as a copy of the shared database ``shared`` when that holds the same generated
    rows at this schema or an older one (a copy takes seconds; loading takes minutes). False
    when there is none, or it is in use (a template must have no other sessions)."""
    import psycopg

    gen, version = _stamp_pg(shared)
    if gen != want[0] or not 0 < version <= want[1]:
        return False
    try:
        admin(f"CREATE DATABASE {name} TEMPLATE {shared}")
    except psycopg.Error as exc:
        print(f"cannot copy {shared} ({str(exc).strip().splitlines()[0]}): loading {name} instead", file=sys.stderr)
        return False
    print(f"copied {shared} to {name}", file=sys.stderr)
    return True


def upgrade(name: str, version: int) -> dict:
    """Bring database ``name`` from schema ``version`` to this code's with the product's own
    migrations (store.db.migrate: postgres/schema.upgrade adds what is missing and runs the data
    steps, in one transaction), then ANALYZE. Returns the seconds and CPU-seconds it took."""
    import psycopg

    from orm_desktop.store import db

    started, cpu = time.perf_counter(), time.process_time()
    applied = db.migrate(url_of(name))
    with psycopg.connect(url_of(name), autocommit=True) as pg:
        pg.execute("ANALYZE")
    took = {"seconds": round(time.perf_counter() - started, 1), "cpu_seconds": round(time.process_time() - cpu, 1)}
    print(f"upgraded {name} in place from schema {version} to {version + applied} "
          f"({took['seconds']} s, {took['cpu_seconds']} CPU-s here; the server's work is in the seconds)",
          file=sys.stderr)
    return took


def load(src, url: str, *, quiet: bool = False) -> dict:
    """Copy the SQLite workspace ``src`` into the empty database at ``url``."""
    import psycopg

    from orm_desktop.store import db
    from orm_desktop.store.postgres import schema

    started = time.monotonic()

    def say(msg: str) -> None:
        if not quiet:
            print(f"[{time.monotonic() - started:6.1f} s] {msg}", file=sys.stderr, flush=True)

    db.create(url)
    lite = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    counts = {}
    with psycopg.connect(url) as pg:
        pg.execute("SET maintenance_work_mem = '512MB'")
        pg.execute("SET synchronous_commit = off")
        indexes = pg.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename IN ('items', 'mentions') "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)").fetchall()
        for idx, _ in indexes:
            pg.execute(f"DROP INDEX {idx}")
        pg.execute("ALTER TABLE mentions DISABLE TRIGGER USER")
        pg.execute("DELETE FROM workspace_identity")
        pg.commit()
        for t in schema.tables():
            cols = [c for c, _ in t.columns]
            have = {r[1] for r in lite.execute(f"PRAGMA table_info({t.name})")}
            cols = [c for c in cols if c in have]
            n = 0
            with pg.cursor() as cur, cur.copy(f"COPY {t.name} ({', '.join(cols)}) FROM STDIN") as cp:
                for row in lite.execute(f"SELECT {', '.join(cols)} FROM {t.name}"):
                    cp.write_row(row)
                    n += 1
            pg.commit()
            counts[t.name] = n
            if n:
                say(f"{t.name}: {n:,} rows")
            if t.identity and n:
                pg.execute(f"SELECT setval(pg_get_serial_sequence('{t.name}', 'id'), (SELECT max(id) FROM {t.name}))")
        say("indexes ...")
        for _, sql in indexes:
            pg.execute(sql)
        pg.execute("ALTER TABLE mentions ENABLE TRIGGER USER")
        pg.commit()
    lite.close()
    say("VACUUM ANALYZE ...")
    with psycopg.connect(url, autocommit=True) as pg:
        pg.execute("VACUUM ANALYZE")
    say("done")
    return {"seconds": round(time.monotonic() - started, 1), "rows": counts}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--mentions", type=int, default=1_000_000)
    p.add_argument("--rebuild", action="store_true")
    p.add_argument("--suffix", default=None, help="database orm_bench_N<suffix> (default $ORM_BENCH_PG_SUFFIX)")
    a = p.parse_args()
    if a.suffix is not None:
        global SUFFIX
        SUFFIX = a.suffix
    url = cached_pg_workspace(a.mentions, rebuild=a.rebuild)
    print(json.dumps({"url": url}))


if __name__ == "__main__":
    main()
