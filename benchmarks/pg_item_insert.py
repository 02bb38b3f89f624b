"""The ingest's item write on PostgreSQL, paired: another version of ``store/items.py`` (a file,
e.g. main's) against this checkout's, ``items.insert`` of new items (each its own cluster) in
alternated rounds into a scratch database; the server backend's CPU (from ``/proc/PID/stat``,
the server must run on this machine) and this process's CPU per version.

    git show main:orm_desktop/store/items.py > /tmp/old_items.py
    python benchmarks/pg_item_insert.py /tmp/old_items.py [--rounds 6] [--items 300]
"""

from __future__ import annotations

import argparse
import os
import random
import time
from pathlib import Path


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("old", help="path of the other items.py")
    p.add_argument("--rounds", type=int, default=6)
    p.add_argument("--items", type=int, default=300)
    a = p.parse_args()
    from _common import other_version
    from pg_cache import admin, url_of

    from orm_desktop.store import db
    from orm_desktop.store import items as new
    from orm_desktop.types import ParsedItem

    old = other_version(a.old, "old_items")
    name = "orm_bench_item_insert"
    admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin(f"CREATE DATABASE {name}")
    try:
        db.create(url_of(name))
        conn = db.connect(url_of(name))
        pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]

        def server_cpu() -> float:
            f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")

        words = ("battery life recall service pricing delivery refund support app outage launch "
                 "store design").split()
        rng = random.Random(1)
        server = {"old": 0.0, "new": 0.0}
        client = {"old": 0.0, "new": 0.0}
        wall = {"old": 0.0, "new": 0.0}
        n = 0
        for rnd in range(a.rounds):
            for label, mod in (("old", old), ("new", new)) if rnd % 2 else (("new", new), ("old", old)):
                s0, c0, t0 = server_cpu(), time.process_time(), time.perf_counter()
                with db.transaction(conn):
                    for _ in range(a.items):
                        n += 1
                        text = " ".join(rng.choice(words) for _ in range(150))
                        item = ParsedItem(guid=f"g{n}", url=f"https://x.example/{n}", title=f"Story {n} {text[:40]}",
                                          text=text, html=f"<p>{text}</p>")
                        mod.insert(conn, None, item, canonical_url=f"https://x.example/{n}", title_norm="story",
                                   cluster_id=None, published=1_790_000_000 + n, now=1_790_000_000)
                server[label] += server_cpu() - s0
                client[label] += time.process_time() - c0
                wall[label] += time.perf_counter() - t0
        wrong = conn.execute("SELECT count(*) FROM items WHERE cluster_id IS DISTINCT FROM id").fetchone()[0]
        conn.close()
        per = a.rounds * a.items // 2
        for label in ("old", "new"):
            print(f"{label}: {per} items, server {server[label]:.2f} CPU-s, client {client[label]:.2f} CPU-s, "
                  f"wall {wall[label]:.2f} s ({wall[label] / per * 1000:.2f} ms an item)")
        print(f"items whose cluster is not themselves: {wrong}; load average {os.getloadavg()[0]:.1f}")
    finally:
        admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
