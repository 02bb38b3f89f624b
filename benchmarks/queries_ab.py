"""Paired A/B of the store's mention queries on the 1M PostgreSQL copy: another version of
``orm_desktop/store/mentions.py`` (a file, e.g. main's) against this checkout's, on the same
connection, calls alternated (ABBA), so machine load hits both alike; and, load-independent,
the shared buffers each call's statements touch (EXPLAIN (ANALYZE, BUFFERS) of each SELECT, top
node) and how many statements it sends.

    git show main:orm_desktop/store/mentions.py > /tmp/old_mentions.py
    python benchmarks/queries_ab.py /tmp/old_mentions.py [--only SUBSTRING] [--runs 10] [--backend sqlite]

``--backend sqlite`` runs both on the generated SQLite workspace (times only). With
``$ORM_BENCH_PG_SUFFIX`` (benchmarks/pg_cache.py) it uses a branch's own PostgreSQL copy.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time


def _cases(conn):
    from orm_desktop.types import MentionFilter as F

    ids = [r[0] for r in conn.execute(
        "SELECT entity_id FROM mention_counts GROUP BY entity_id ORDER BY sum(n) DESC")]
    top, mid = ids[0], ids[len(ids) // 4]
    feed = conn.execute("SELECT id FROM feeds ORDER BY items_total DESC LIMIT 1").fetchone()[0]
    return [
        ("search top 200 \"turbo encabulator\"", "q", F(search='"turbo encabulator"')),
        ("search ... + mid entity", "q", F(search='"turbo encabulator"', entity_ids=(mid,))),
        ("search ... + top entity + negative", "q",
         F(search='"turbo encabulator"', entity_ids=(top,), sentiment="negative")),
        ("search top 200 \"battery life\"", "q", F(search='"battery life"')),
        ("search ... + top entity", "q", F(search='"battery life"', entity_ids=(top,))),
        ("search ... + mid entity", "q", F(search='"battery life"', entity_ids=(mid,))),
        ("count top entity + negative", "c", F(entity_ids=(top,), sentiment="negative")),
        ("inbox open statuses", "q", F(statuses=("new", "flagged", "needs_response"))),
        ("inbox topic pricing", "q", F(topic="pricing")),
        ("inbox one feed", "q", F(feed_id=feed)),
        ("count one feed", "c", F(feed_id=feed)),
        ("count kind review", "c", F(feed_kinds=("review",))),
        ("count topic pricing", "c", F(topic="pricing")),
        ("inbox topic + top entity", "q", F(topic="pricing", entity_ids=(top,))),
        ("inbox topic + mid entity", "q", F(topic="pricing", entity_ids=(mid,))),
        ("inbox topic + negative", "q", F(topic="pricing", sentiment="negative")),
        ("inbox one feed + top entity", "q", F(feed_id=feed, entity_ids=(top,))),
        ("inbox one feed + topic", "q", F(feed_id=feed, topic="pricing")),
    ]


def _call(mod, conn, kind, f):
    return [m.id for m in mod.query(conn, f, limit=200)] if kind == "q" else mod.count(conn, f)


def _buffers(mod, conn, kind, f) -> tuple[int, int]:
    seen: list[tuple] = []
    real = conn.execute
    conn.execute = lambda sql, params=None: (seen.append((sql, params)), real(sql, params))[1]
    try:
        _call(mod, conn, kind, f)
    finally:
        del conn.execute
    total = 0
    for sql, params in seen:
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            plan = [r[0] for r in conn.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params).fetchall()]
            line = next((x for x in plan if "Buffers:" in x), "")
            total += sum(int(x) for x in re.findall(r"(?:hit|read)=(\d+)", line))
    return total, len(seen)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("old", help="path of the other mentions.py")
    p.add_argument("--only", default="")
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--mentions", type=int, default=1_000_000)
    p.add_argument("--backend", choices=("sqlite", "postgresql"), default="postgresql",
                   help="sqlite: the generated workspace itself (no buffer counts)")
    a = p.parse_args()
    from _common import cached_workspace, other_version
    from pg_cache import cached_pg_workspace

    from orm_desktop.service import Service
    from orm_desktop.store import mentions as new

    old = other_version(a.old, "old_mentions")
    svc = Service.open(cached_pg_workspace(a.mentions) if a.backend == "postgresql"
                       else cached_workspace(a.mentions))
    conn = svc.conn
    print(f"{'case':36} {'A p50':>8} {'B p50':>8} {'A p95':>8} {'B p95':>8} {'A buffers':>10} {'B buffers':>10}"
          "  stmts A/B  same")
    for name, kind, f in _cases(conn):
        if a.only and a.only.lower() not in name.lower():
            continue
        times: dict[str, list[float]] = {"old": [], "new": []}
        out = {}
        for i in range(a.runs):
            order = (("old", old), ("new", new)) if i % 2 else (("new", new), ("old", old))
            for label, mod in order:
                t = time.perf_counter()
                out[label] = _call(mod, conn, kind, f)
                times[label].append((time.perf_counter() - t) * 1000)
        if a.backend == "postgresql":
            (bo, so), (bn, sn) = _buffers(old, conn, kind, f), _buffers(new, conn, kind, f)
        else:
            (bo, so), (bn, sn) = (0, 0), (0, 0)

        def p95(v: list[float]) -> float:
            return sorted(v)[max(0, round(len(v) * 0.95) - 1)]

        print(f"{name:36} {statistics.median(times['old']):8.1f} {statistics.median(times['new']):8.1f} "
              f"{p95(times['old']):8.1f} {p95(times['new']):8.1f} {bo:10} {bn:10}  {so}/{sn}"
              f"        {out['old'] == out['new']}", flush=True)
    svc.close()


if __name__ == "__main__":
    main()
