"""Shared benchmark helpers: timing, tables, JSON output, the cached generated workspace, and a
static file server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
for _p in (str(ROOT), str(ROOT / "benchmarks")):
    if _p not in sys.path:
        sys.path.insert(0, _p)


def machine() -> dict:
    """What the figures were measured on."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    mem = None
    try:
        mem = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": mem,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "load_avg": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def percentile(sorted_samples: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_samples:
        return float("nan")
    k = max(0, min(len(sorted_samples) - 1, int(round(q * len(sorted_samples) + 0.5)) - 1))
    return sorted_samples[k]


def timeit(fn: Callable[[], object], runs: int = 30, warmup: int = 2) -> dict:
    """p50/p95/max in milliseconds over ``runs`` calls after ``warmup`` calls."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 3),
        "p95_ms": round(percentile(samples, 0.95), 3),
        "max_ms": round(samples[-1], 3),
        "runs": runs,
    }


def table(rows: list[dict], columns: list[str]) -> str:
    """A plain-text table; numbers right-aligned."""

    def fmt(v: object) -> str:
        if isinstance(v, float):
            return f"{v:,.2f}" if abs(v) < 1000 else f"{v:,.0f}"
        if isinstance(v, int) and not isinstance(v, bool):
            return f"{v:,}"
        return "" if v is None else str(v)

    cells = [[fmt(r.get(c)) for c in columns] for r in rows]
    numeric = [all(isinstance(r.get(c), int | float) for r in rows) and bool(rows) for c in columns]
    w = [max([len(c)] + [len(x[i]) for x in cells]) for i, c in enumerate(columns)]

    def line(vals: list[str]) -> str:
        return "  ".join(v.rjust(w[i]) if numeric[i] else v.ljust(w[i]) for i, v in enumerate(vals)).rstrip()

    return "\n".join([line(columns), line(["-" * x for x in w]), *(line(x) for x in cells)])


def other_version(path: str | Path, name: str):
    """Another version of one of our modules, loaded from ``path`` under ``name`` (for the A/B
    scripts that compare it with the module of this tree in one process)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path} as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look their module up here
    spec.loader.exec_module(module)
    return module


def write_json(name: str, payload: dict) -> Path:
    """benchmarks/out/NAME.json with the machine description."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **payload}, indent=2) + "\n")
    return path


def workspace_info(db_path: Path) -> dict | None:
    """Schema version and generator stamp of a generated workspace (None if unreadable)."""
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            row = conn.execute("SELECT value FROM settings WHERE key = 'benchmark_generator'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return {"schema": version, "generator": json.loads(row[0]) if row else None}


def cached_workspace(mentions: int = 1_000_000, seed: int = 1, *, rebuild: bool = False) -> Path:
    """The generated workspace with ``mentions`` mentions under benchmarks/out/ws-N, built once
    and reused while its generator version matches this code. A cache whose schema is only
    behind this code's (newer migrations, same generator) is upgraded in place by the product's
    own migrations (seconds, not the minutes of generating it again); one shared from another
    checkout (a symbolic link) is never written: it is copied here first and the copy upgraded."""
    from generate import GENERATOR_VERSION, generate

    from orm_desktop.store import db

    root = OUT / f"ws-{mentions}"
    info = workspace_info(root / "orm.db") if (root / "orm.db").exists() else None
    gen = (info or {}).get("generator") or {}
    same_data = bool(info) and (gen.get("version"), gen.get("seed"), gen.get("mentions")) == (
        GENERATOR_VERSION, seed, mentions)
    if not rebuild and same_data and info["schema"] == db.schema_version():
        return root
    if not rebuild and same_data and 0 < info["schema"] < db.schema_version():
        return upgrade_cached_workspace(root, info["schema"])
    if root.exists():
        print(f"rebuilding {root} (stamp {info})", file=sys.stderr)
    part = root.with_name(root.name + ".part")
    shutil.rmtree(part, ignore_errors=True)
    generate(part, mentions=mentions, seed=seed)
    _replace(root, part)  # a half-built cache is never taken for a finished one
    return root


def _replace(root: Path, part: Path) -> None:
    if root.is_symlink():
        root.unlink()  # the link only: the shared cache it points to stays as it is
    else:
        shutil.rmtree(root, ignore_errors=True)
    part.rename(root)


def upgrade_cached_workspace(root: Path, version: int) -> Path:
    """Bring the cached workspace at ``root`` (schema ``version``) up to this code's schema with
    the product's migrations (store.db.migrate: each migration and its version bump commit
    together, so an interrupted upgrade resumes), then ANALYZE as generate.py does. ``root`` as
    a symbolic link (a cache shared from another checkout, e.g. the main one) is copied into
    ``root.part`` and upgraded there, then takes the link's place: the shared one is never
    modified."""
    from orm_desktop.store import db

    started, cpu = time.perf_counter(), time.process_time()
    target = root
    if root.is_symlink():
        target = root.with_name(root.name + ".part")
        print(f"copying the shared cache {root} -> {os.readlink(root)} to upgrade a copy", file=sys.stderr)
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(root.resolve(), target, ignore=shutil.ignore_patterns("orm.db*"))
        src = sqlite3.connect(f"file:{root.resolve() / 'orm.db'}?mode=ro", uri=True)  # read only, never written
        dest = sqlite3.connect(target / "orm.db")
        try:
            src.backup(dest)
        finally:
            src.close()
            dest.close()
    applied = db.migrate(target / "orm.db")
    conn = sqlite3.connect(target / "orm.db")
    try:
        conn.execute("ANALYZE")
    finally:
        conn.close()
    if target != root:
        _replace(root, target)
    print(f"upgraded {root} in place from schema {version} to {version + applied} "
          f"({time.perf_counter() - started:.1f} s, {time.process_time() - cpu:.1f} CPU-s)", file=sys.stderr)
    return root


def copy_workspace(src: Path, dest: Path) -> Path:
    """A private copy of a workspace (its WAL checkpointed into the file first)."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    with sqlite3.connect(src / "orm.db") as a:
        a.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(src / "orm.db", dest / "orm.db")
    (dest / "backups").mkdir()
    return dest


class StaticServer:
    """Serve a directory on 127.0.0.1, port chosen by the OS (a real HTTP server in a thread)."""

    def __init__(self, directory: Path) -> None:
        class Quiet(SimpleHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, like a real server
            # headers and body go out in separate writes: without this, Nagle's algorithm and
            # the client's delayed ACK stall every response by ~40 ms
            disable_nagle_algorithm = True

            def log_message(self, *a) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(directory)))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> StaticServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{path}"
