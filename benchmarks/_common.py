"""Shared benchmark helpers: timing, tables, JSON output, the cached 1M workspace, a file server."""

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
sys.path.insert(0, str(ROOT))


def machine() -> dict:
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "platform": platform.platform(), "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}


def timeit(fn: Callable[[], object], runs: int = 30, warmup: int = 2) -> dict:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return {"p50_ms": round(statistics.median(samples), 3),
            "p95_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.95))], 3), "runs": runs}


def table(rows: list[dict], columns: list[str]) -> str:
    cells = [[str(r.get(c, "")) for c in columns] for r in rows]
    w = [max(len(c), *(len(x[i]) for x in cells)) if cells else len(c) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w[i]) for i, c in enumerate(columns)),
             "  ".join("-" * w[i] for i in range(len(columns)))]
    lines += ["  ".join(x[i].ljust(w[i]) for i in range(len(columns))) for x in cells]
    return "\n".join(lines)


def write_json(name: str, payload: dict) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **payload}, indent=2) + "\n")
    return path


def cached_workspace(mentions: int = 1_000_000, seed: int = 1) -> Path:
    """The generated workspace with ``mentions`` mentions, built once and reused."""
    from orm_desktop.store import db

    root = OUT / f"ws-{mentions}"
    if (root / "orm.db").exists():
        conn = sqlite3.connect(root / "orm.db")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.close()
        if version == db.schema_version():
            return root
        shutil.rmtree(root)
    from benchmarks.generate import generate

    generate(root, mentions=mentions, seed=seed)
    return root


def copy_workspace(src: Path, dest: Path) -> Path:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    with sqlite3.connect(src / "orm.db") as a:
        a.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy2(src / "orm.db", dest / "orm.db")
    (dest / "backups").mkdir()
    return dest


class StaticServer:
    """Serve a directory on 127.0.0.1 (a real HTTP server in a thread)."""

    def __init__(self, directory: Path) -> None:
        class Quiet(SimpleHTTPRequestHandler):
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
