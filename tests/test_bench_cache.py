"""The benchmarks' cached workspaces (benchmarks/_common.cached_workspace, benchmarks/pg_cache.py)
are upgraded in place by the product's own migrations when only newer migrations are missing
(same generator), instead of being generated and loaded again (3-5 minutes each at 1M
mentions); a cache shared from another checkout (a symbolic link, another database) is never
written. On a small generated workspace (2,000 mentions) in a temporary folder, never the
shared 1M caches."""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
import sys
from pathlib import Path

import pytest

from orm_desktop.store import db
from orm_desktop.store.migrations.m013_config_versions import VERSIONED
from tests.test_store import undo_m013

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import _common  # noqa: E402
import generate as generate_module  # noqa: E402

MENTIONS = 2000


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """A generated workspace of 2,000 mentions, made once for the module."""
    out = tmp_path_factory.mktemp("bench-out")
    generate_module.generate(out / f"ws-{MENTIONS}", mentions=MENTIONS, seed=1)
    return out / f"ws-{MENTIONS}"


def _behind(src: Path, dest: Path) -> Path:
    """A copy of the generated workspace as a program before m013 made it, with a marker row that
    a rebuild would not have."""
    import shutil

    shutil.copytree(src, dest)
    conn = sqlite3.connect(dest / "orm.db", isolation_level=None)
    try:
        undo_m013(conn)
        conn.execute("INSERT INTO settings (key, value) VALUES ('cache_marker', '\"kept\"')")
        conn.execute("PRAGMA user_version = 12")
    finally:
        conn.close()
    return dest


def _no_generate(*_a, **_k):
    raise AssertionError("the cache was generated again instead of upgraded")


def _state(db_path: Path) -> tuple[int, set[str], str | None]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        cols = {f"{t}.{r[1]}" for t in VERSIONED for r in conn.execute(f"PRAGMA table_info({t})")}
        marker = conn.execute("SELECT value FROM settings WHERE key = 'cache_marker'").fetchone()
        return conn.execute("PRAGMA user_version").fetchone()[0], cols, marker and marker[0]
    finally:
        conn.close()


def test_a_sqlite_cache_behind_in_schema_only_is_upgraded_in_place(generated, tmp_path, monkeypatch):
    import time

    monkeypatch.setattr(_common, "OUT", tmp_path)
    root = _behind(generated, tmp_path / f"ws-{MENTIONS}")
    monkeypatch.setattr(generate_module, "generate", _no_generate)
    cpu = time.process_time()
    assert _common.cached_workspace(MENTIONS) == root
    version, cols, marker = _state(root / "orm.db")
    assert version == db.schema_version() and marker == '"kept"'
    assert {"entities.version", "feeds.changed_by", "users.version"} <= cols
    assert time.process_time() - cpu < 10
    assert _common.cached_workspace(MENTIONS) == root  # and now it is simply reused


def test_a_shared_cache_behind_a_symbolic_link_is_copied_never_written(generated, tmp_path, monkeypatch):
    shared = _behind(generated, tmp_path / "main-checkout" / f"ws-{MENTIONS}")
    before = hashlib.sha256((shared / "orm.db").read_bytes()).hexdigest()
    mine = tmp_path / "helper-checkout"
    mine.mkdir()
    (mine / f"ws-{MENTIONS}").symlink_to(shared)
    monkeypatch.setattr(_common, "OUT", mine)
    monkeypatch.setattr(generate_module, "generate", _no_generate)
    root = _common.cached_workspace(MENTIONS)
    assert root == mine / f"ws-{MENTIONS}" and not root.is_symlink()
    assert _state(root / "orm.db")[0] == db.schema_version() and _state(root / "orm.db")[2] == '"kept"'
    assert hashlib.sha256((shared / "orm.db").read_bytes()).hexdigest() == before  # untouched
    assert _state(shared / "orm.db")[0] == 12


def test_a_cache_from_another_generator_is_still_rebuilt(generated, tmp_path, monkeypatch):
    monkeypatch.setattr(_common, "OUT", tmp_path)
    root = _behind(generated, tmp_path / f"ws-{MENTIONS}")
    conn = sqlite3.connect(root / "orm.db", isolation_level=None)
    conn.execute("UPDATE settings SET value = json_set(value, '$.version', 0) WHERE key = 'benchmark_generator'")
    conn.close()
    made = []
    monkeypatch.setattr(generate_module, "generate", lambda out, **k: made.append(out) or _copy_fresh(generated, out))
    assert _common.cached_workspace(MENTIONS) == root
    assert made and _state(root / "orm.db")[2] is None  # generated again: the marker is gone


def _copy_fresh(src: Path, out: Path) -> None:
    import shutil

    shutil.copytree(src, out)


# -- PostgreSQL ------------------------------------------------------------------------------------------------
def _pg_behind(pg_cache, name: str) -> None:
    import psycopg

    with psycopg.connect(pg_cache.url_of(name), autocommit=True) as pg:
        for table in VERSIONED:
            pg.execute(f"DROP TRIGGER IF EXISTS {table}_version_bu ON {table}")
            pg.execute(f"ALTER TABLE {table} DROP COLUMN version, DROP COLUMN changed_by")
        pg.execute("UPDATE schema_meta SET value = '12' WHERE key = 'version'")
        pg.execute("INSERT INTO settings (key, value) VALUES ('cache_marker', '\"kept\"') ON CONFLICT DO NOTHING")


def _pg_state(pg_cache, name: str) -> tuple[int, str | None, int]:
    import psycopg

    with psycopg.connect(pg_cache.url_of(name), autocommit=True) as pg:
        version = int(pg.execute("SELECT value FROM schema_meta WHERE key = 'version'").fetchone()[0])
        marker = pg.execute("SELECT value FROM settings WHERE key = 'cache_marker'").fetchone()
        cols = pg.execute("SELECT count(*) FROM information_schema.columns WHERE table_name IN "
                          "('entities', 'feeds', 'users') AND column_name IN ('version', 'changed_by')").fetchone()[0]
        return version, marker and marker[0], cols


def test_a_postgresql_cache_behind_in_schema_only_is_upgraded_in_place(pg_server, generated, tmp_path, monkeypatch):
    import pg_cache

    monkeypatch.setattr(_common, "OUT", generated.parent)
    tag = secrets.token_hex(3)
    monkeypatch.setattr(pg_cache, "SUFFIX", f"_t{tag}")
    name, copy = f"orm_bench_{MENTIONS}_t{tag}", f"orm_bench_{MENTIONS}_t{tag}c"
    try:
        assert pg_cache.cached_pg_workspace(MENTIONS).endswith("/" + name)  # loaded (the first time)
        _pg_behind(pg_cache, name)
        monkeypatch.setattr(pg_cache, "load", _no_generate)
        assert pg_cache.cached_pg_workspace(MENTIONS).endswith("/" + name)
        assert _pg_state(pg_cache, name) == (db.schema_version(), "\"kept\"", 6)
        # a branch's own database starts as a copy of the shared one, upgraded; the shared one stays
        _pg_behind(pg_cache, name)
        assert pg_cache._clone_shared(name, copy, pg_cache._stamp_sqlite(generated / "orm.db"))
        pg_cache.upgrade(copy, 12)
        assert _pg_state(pg_cache, copy) == (db.schema_version(), "\"kept\"", 6)
        assert _pg_state(pg_cache, name)[0] == 12
    finally:
        for n in (name, copy, name + "_part"):
            pg_cache.admin(f"DROP DATABASE IF EXISTS {n} WITH (FORCE)")


if os.environ.get("ORM_BENCH_PG"):  # the benchmarks' own server, not the tests'
    pytestmark = pytest.mark.skip("ORM_BENCH_PG points the benchmarks at another server")
