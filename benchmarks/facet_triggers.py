"""The write cost of migration m012's facet triggers, paired: the ingest's item and mention
writes (``items.insert`` + ``items.insert_mentions``: 1.3 mentions an item, 0-2 topics each, as
benchmarks/generate.py) in alternated rounds into two new workspaces of this checkout's schema,
one with the ``mention_facets_*`` triggers and one with them dropped. SQLite: this process's CPU;
PostgreSQL (scratch databases on ``$ORM_BENCH_PG``'s server, which must run on this machine):
each connection's server backend CPU from ``/proc/PID/stat``, and this process's. Since SQLite
migration m014 the facets of NEW mentions are written by the store (``items.index_new_rows``), not
by ``mention_facets_ai``: on SQLite the "without" workspace loses only the update and delete
triggers, so the figure no longer measures the insert side there.

    python benchmarks/facet_triggers.py [--backend sqlite|postgresql] [--rounds 6] [--items 300]
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path

TRIGGERS = ("mention_facets_ai", "mention_facets_ad", "mention_facets_au", "mention_facets_item_feed_au")
TOPICS = ("pricing", "service", "delivery", "quality", "safety", "app", "support")


def _open(backend: str, label: str, tmp: Path):
    from orm_desktop.store import db, entities, feeds

    if backend == "sqlite":
        from orm_desktop import workspace as wsmod

        conn = wsmod.create(tmp / label).connect()
        server = None
    else:
        from pg_cache import admin, url_of

        name = f"orm_bench_facet_triggers_{label}"
        admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin(f"CREATE DATABASE {name}")
        db.create(url_of(name))
        conn = db.connect(url_of(name))
        pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]

        def server() -> float:
            f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")

    with db.transaction(conn):
        for n in range(4):
            entities.add(conn, "brand", f"Brand{n}", f"Brand{n}")
        feeds.upsert(conn, "https://feeds.example/a", title="A", kind="news")
        if label == "without":
            for t in TRIGGERS:
                conn.execute(f"DROP TRIGGER IF EXISTS {t}" if backend == "sqlite" else
                             f"DROP TRIGGER {t} ON {'items' if 'item' in t else 'mentions'}")
    return conn, server


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    p.add_argument("--rounds", type=int, default=6)
    p.add_argument("--items", type=int, default=300)
    a = p.parse_args()
    from orm_desktop.store import db
    from orm_desktop.store import items as items_store
    from orm_desktop.types import ParsedItem

    tmp = Path(tempfile.mkdtemp(prefix="facet-triggers-"))
    conns = {label: _open(a.backend, label, tmp) for label in ("with", "without")}
    words = "battery life recall service pricing delivery refund support app outage launch store design".split()
    rng = random.Random(1)
    server = {"with": 0.0, "without": 0.0}
    client = {"with": 0.0, "without": 0.0}
    wall = {"with": 0.0, "without": 0.0}
    mentions = {"with": 0, "without": 0}
    n = 0
    try:
        for rnd in range(a.rounds):
            for label in ("with", "without") if rnd % 2 == 0 else ("without", "with"):
                conn, srv = conns[label]
                s0, c0, t0 = srv() if srv else 0.0, time.process_time(), time.perf_counter()
                with db.transaction(conn):
                    for _ in range(a.items):
                        n += 1
                        text = " ".join(rng.choice(words) for _ in range(150))
                        item = ParsedItem(guid=f"g{n}", url=f"https://x.example/{n}", title=f"Story {n}", text=text)
                        published = 1_790_000_000 + n
                        iid = items_store.insert(conn, 1, item, canonical_url=item.url, title_norm="story",
                                                 cluster_id=None, published=published, now=published)
                        rows = []
                        for e in rng.sample(range(1, 5), 1 if rng.random() < 0.7 else 2):
                            topics = ",".join(sorted(set(rng.sample(TOPICS, rng.choice((0, 1, 1, 1, 2))))))
                            rows.append((iid, e, published, "news", "snip", 0.1, 0.1, "orm", "text", "[]", topics,
                                         "", 1.0, None, published))
                        mentions[label] += items_store.insert_mentions(conn, rows)
                server[label] += (srv() - s0) if srv else 0.0
                client[label] += time.process_time() - c0
                wall[label] += time.perf_counter() - t0
        for label in ("with", "without"):
            cpu = f"server {server[label]:.2f} CPU-s, client {client[label]:.2f} CPU-s" if a.backend != "sqlite" \
                else f"{client[label]:.2f} CPU-s"
            print(f"{a.backend} {label} facet triggers: {a.rounds * a.items} items, {mentions[label]} mentions, "
                  f"{cpu}, wall {wall[label]:.2f} s")
        print(f"load average {os.getloadavg()[0]:.1f}")
    finally:
        for conn, _srv in conns.values():
            conn.close()
        if a.backend == "postgresql":
            from pg_cache import admin

            for label in ("with", "without"):
                admin(f"DROP DATABASE IF EXISTS orm_bench_facet_triggers_{label} WITH (FORCE)")


if __name__ == "__main__":
    main()
