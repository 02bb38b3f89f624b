"""The refresh's PostgreSQL write path alone, with the server's CPU: the per-feed transactions of
``pipeline._store_prepared`` (dedupe look-ups, syndication look-ups, items, mentions, the rollup,
facet and notify triggers, the feed's bookkeeping) for 200 feeds x 25 entries of
benchmarks/ingest.py's kind, into a clone of the cached 1M PostgreSQL database.

    python benchmarks/pg_writes.py --clone NAME [--rounds 1] [--profile FILE] [--keep]

The feeds are parsed and prepared (language, matching, scoring, topics) once and kept in
benchmarks/out/pg-writes-prepared.pickle, so a round measures the writes only; each round gives
the entries new URLs and guids. ``--clone NAME`` makes ``NAME`` from ``orm_bench_1000000`` (the
cache of benchmarks/pg_cache.py) unless it exists, and opens it the way the app does (the schema
upgrade runs). Per round: this process's CPU (``time.process_time``), the server backend's CPU of
the writing connection (``/proc/PID/stat``: the server must run on this machine) and wall time.
Two source trees are compared by running this file from each (``PYTHONPATH=TREE``) on their own
clones, alternated; ``--json`` prints one JSON line per round for a driver.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import pickle
import random
import sys
import tempfile
import time
from pathlib import Path

from _common import OUT

PICKLE = OUT / "pg-writes-prepared.pickle"


def _backend_cpu(pid: int) -> float:
    f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def _prepared(conn, feeds: list, entries: int) -> list:
    """[(feed, PreparedFeed)] for the workspace's first ``len(feeds)`` feeds (cached)."""
    if PICKLE.exists():
        return pickle.loads(PICKLE.read_bytes())
    from ingest import write_feeds

    from orm_desktop.ingest import pipeline as pl

    now = int(time.time())
    enricher = pl.Enricher.for_workspace(conn, now)
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        write_feeds(Path(tmp), len(feeds), entries, "pgw", random.Random(7))
        for i, feed in enumerate(feeds):
            body = (Path(tmp) / f"feed{i}.xml").read_bytes()
            out.append((feed, pl.prepare_feed(conn, feed, body, f"https://site{i}.example.org/", {}, enricher)))
    OUT.mkdir(parents=True, exist_ok=True)
    PICKLE.write_bytes(pickle.dumps(out))
    return out


def _fresh(prepared: list, token: str) -> list:
    """The same entries under URLs and guids of their own (so nothing is a duplicate)."""
    out = []
    for feed, pf in prepared:
        items = []
        for p in pf.items:
            url = p.item.url.replace("/pgw/", f"/{token}/")
            items.append(dataclasses.replace(
                p, item=dataclasses.replace(p.item, guid=p.item.guid.replace("pgw", token), url=url),
                canonical_url=p.canonical_url.replace("/pgw/", f"/{token}/"),
                canon=p.canon.replace("/pgw/", f"/{token}/")))
        out.append((feed, dataclasses.replace(pf, items=items)))
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--clone", required=True)
    p.add_argument("--template", default="orm_bench_1000000")
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--feeds", type=int, default=200)
    p.add_argument("--entries", type=int, default=25)
    p.add_argument("--profile", help="write a cProfile of the client to this file")
    p.add_argument("--json", action="store_true")
    p.add_argument("--token", help="the URL and guid token of the first round (to compare two trees' rows)")
    a = p.parse_args()
    from pg_cache import admin, url_of

    from orm_desktop.ingest import pipeline as pl
    from orm_desktop.ingest.fetch import FetchResult
    from orm_desktop.service import Service
    from orm_desktop.store import db
    from orm_desktop.store import feeds as feeds_store

    if not admin("SELECT 1 FROM pg_database WHERE datname = %s", a.clone):
        admin(f"CREATE DATABASE {a.clone} TEMPLATE {a.template} STRATEGY FILE_COPY")
    svc = Service.open(url_of(a.clone))  # the app's own open: the schema upgrade runs here
    conn = svc.conn
    feeds = [feeds_store.get(conn, i) for i in range(1, a.feeds + 1)]
    prepared = _prepared(conn, feeds, a.entries)
    pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
    prof = None
    if a.profile:
        import cProfile

        prof = cProfile.Profile()
    for rnd in range(a.rounds):
        batch = _fresh(prepared, a.token if a.token and rnd == 0 else f"w{time.time_ns()}")
        now = 1_795_000_000 if a.token else int(time.time())
        counts = {"ok": 0, "entries": 0, "new_items": 0, "new_mentions": 0}
        s0, c0, t0 = _backend_cpu(pid), time.process_time(), time.perf_counter()
        if prof:
            prof.enable()
        for feed, pf in batch:
            pl._store_prepared(conn, feed, FetchResult(feed.id, feed.url, "ok"), pf, now, counts)
        if prof:
            prof.disable()
        wall, client, server = time.perf_counter() - t0, time.process_time() - c0, _backend_cpu(pid) - s0
        row = {"round": rnd, "entries": counts["entries"], "new_items": counts["new_items"],
               "new_mentions": counts["new_mentions"], "client_cpu_s": round(client, 3),
               "server_cpu_s": round(server, 3), "wall_s": round(wall, 3), "load": round(os.getloadavg()[0], 2)}
        print(json.dumps(row) if a.json else
              f"round {rnd}: {row['entries']} entries ({row['new_items']} items, {row['new_mentions']} mentions): "
              f"client {client:.2f} CPU-s, server {server:.2f} CPU-s, wall {wall:.2f} s, load {row['load']}",
              flush=True)
    if prof:
        import pstats

        with open(a.profile, "w") as fh:
            st = pstats.Stats(prof, stream=fh)
            st.sort_stats("tottime").print_stats(40)
            st.sort_stats("cumulative").print_stats(40)
    with db.transaction(conn):
        pass
    svc.close()


if __name__ == "__main__":
    sys.exit(main())
