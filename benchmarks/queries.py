"""Query benchmark on the generated 1,000,000-mention workspace: the inbox's newest 200 and
filtered counts for typical filters, full-text search, deep LIMIT/OFFSET pages (the GUI's
virtual model), per-entity trends, the most positive / negative coverage (kpis.extremes). p50/p95
beside the ARCHITECTURE §5 budgets.

    python benchmarks/queries.py [--backend sqlite|postgresql] [--mentions 1000000] [--runs 30]
                                 [--only SUBSTRING] [--no-stats] [--muted] [--try "CREATE INDEX ..."]

``--backend postgresql`` runs the same cases on the PostgreSQL copy of the same generated
workspace (benchmarks/pg_cache.py, over loopback); plans are then EXPLAIN ANALYZE.

Every case calls the real store functions (orm_desktop.store.mentions.query / count with a
MentionFilter) on a connection opened the way the app opens it. For each case over budget the
EXPLAIN QUERY PLAN of the statements it ran is printed and saved.

What-if options, all inside one transaction that is rolled back (the cached workspace is left
as it was): --no-stats drops sqlite_stat1 (the app never runs ANALYZE, so a user's file has no
statistics), --muted mutes one mention (the store then adds ``muted = 0`` to every filter),
--try runs SQL first (e.g. a candidate index) so its effect can be measured.
"""

from __future__ import annotations

import argparse
import sys
import time

from _common import cached_workspace, table, timeit, write_json

INBOX, COUNT, FTS_SELECTIVE, FTS_COMMON, TREND, DEEP = 5, 10, 50, 350, 100, 150


def cases(svc, conn) -> list[tuple[str, str, float, object]]:
    """(group, name, budget p95 ms, callable)."""
    from orm_desktop.store import mentions as ms
    from orm_desktop.types import MentionFilter as F

    now = int(time.time())
    by_volume = [r[0] for r in conn.execute(
        "SELECT entity_id FROM mention_counts GROUP BY entity_id ORDER BY sum(n) DESC")]
    top, mid = by_volume[0], by_volume[len(by_volume) // 4]
    names = dict(conn.execute("SELECT id, name FROM entities"))
    feed = conn.execute("SELECT id FROM feeds ORDER BY items_total DESC LIMIT 1").fetchone()[0]
    total = ms.count(conn, F())
    filters = [
        ("no filter", F()),
        (f"top entity ({names[top]})", F(entity_ids=(top,))),
        (f"mid entity ({names[mid]})", F(entity_ids=(mid,))),
        ("mid entity + negative", F(entity_ids=(mid,), sentiment="negative")),
        ("top entity + negative", F(entity_ids=(top,), sentiment="negative")),
        ("status new", F(statuses=("new",))),
        ("open statuses (new, flagged, needs_response)", F(statuses=("new", "flagged", "needs_response"))),
        ("kind review", F(feed_kinds=("review",))),
        ("last 7 days", F(since=now - 7 * 86400)),
        ("mid entity + negative + 90 days", F(entity_ids=(mid,), sentiment="negative", since=now - 90 * 86400)),
        ("top entity + negative + 90 days", F(entity_ids=(top,), sentiment="negative", since=now - 90 * 86400)),
        ("topic pricing", F(topic="pricing")),
        ("one feed", F(feed_id=feed)),
    ]
    out = []
    for name, f in filters:
        out.append(("inbox", f"newest 200, {name}", INBOX, lambda f=f: ms.query(conn, f, limit=200)))
    out.append(("inbox", "by priority 200, no filter", INBOX, lambda: ms.query(conn, F(order="priority"), limit=200)))
    out.append(("inbox", "by priority 200, open statuses", INBOX,
                lambda: ms.query(conn, F(order="priority", statuses=("new", "flagged", "needs_response")), limit=200)))
    for name, f in filters:
        out.append(("count", name, COUNT, lambda f=f: ms.count(conn, f)))
    searches = [
        ('"turbo encabulator" (1 % of items)', F(search='"turbo encabulator"'), FTS_SELECTIVE),
        ('"turbo encabulator" + mid entity', F(search='"turbo encabulator"', entity_ids=(mid,)), FTS_SELECTIVE),
        ('"turbo encabulator" + top entity + negative',
         F(search='"turbo encabulator"', entity_ids=(top,), sentiment="negative"), FTS_SELECTIVE),
        ('"battery life" (20 % of items)', F(search='"battery life"'), FTS_COMMON),
        ('"battery life" + top entity', F(search='"battery life"', entity_ids=(top,)), FTS_COMMON),
        ('"battery life" + mid entity', F(search='"battery life"', entity_ids=(mid,)), FTS_COMMON),
    ]
    for name, f, budget in searches:
        out.append(("search", f"top 200, {name}", budget, lambda f=f: ms.query(conn, f, limit=200)))
    for name, f, budget in searches[:1] + searches[3:4]:
        out.append(("search", f"count, {name}", budget, lambda f=f: ms.count(conn, f)))
    mid_total = ms.count(conn, F(entity_ids=(mid,)))
    out += [
        ("deep page", "OFFSET 500,000 (query, no filter)", DEEP, lambda: ms.query(conn, F(), limit=200, offset=500_000)),
        ("deep page", "last page by OFFSET from the top", DEEP, lambda: ms.query(conn, F(), limit=200, offset=total - 200)),
        ("deep page", "GUI page at 500,000 (mention_page)", DEEP, lambda: svc.mention_page(F(), 500_000, 200, total)),
        ("deep page", "GUI last page (mention_page, read from the end)", DEEP,
         lambda: svc.mention_page(F(), total - 200, 200, total)),
        ("deep page", "GUI last page, mid entity", DEEP,
         lambda: svc.mention_page(F(entity_ids=(mid,)), mid_total - 200, 200, mid_total)),
        ("trend", f"365-day series, top entity ({names[top]})", TREND, lambda: svc.daily_series(top, now - 365 * 86400, now)),
        ("trend", "365-day series, mid entity", TREND, lambda: svc.daily_series(mid, now - 365 * 86400, now)),
        ("trend", "365-day series, all entities", TREND, lambda: svc.daily_series(None, now - 365 * 86400, now)),
    ]
    # the executive page's and reports' "most positive / most negative coverage" (sure scores
    # first, then unsure ones): the mention ids only, as kpis.extremes returns them
    from orm_desktop.store import kpis

    for name, ids, days, positive, limit in [
            ("most negative 8, top entity, 30 days", (top,), 30, False, 8),
            ("most positive 6, top entity, 30 days", (top,), 30, True, 6),
            ("most negative 5, top entity, 90 days", (top,), 90, False, 5),
            ("most negative 5, mid entity, 30 days", (mid,), 30, False, 5),
            ("most negative 8, all entities, 30 days", None, 30, False, 8)]:
        out.append(("extremes", name, TREND, lambda ids=ids, days=days, positive=positive, limit=limit:
                    kpis.extremes(conn, ids, now - days * 86400, now, positive=positive, limit=limit)))
    return out


def pg_plans(conn, fn) -> list[dict]:
    """EXPLAIN ANALYZE of every SELECT that ``fn`` runs on a PostgreSQL connection."""
    seen: list[tuple] = []
    real = conn.execute
    conn.execute = lambda sql, params=None: (seen.append((sql, params)), real(sql, params))[1]
    try:
        fn()
    finally:
        del conn.execute
    out = []
    for sql, params in seen:
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            rows = conn.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params).fetchall()
            out.append({"sql": sql if len(sql) < 600 else sql[:600] + " ...", "plan": [r[0] for r in rows]})
    return out


def plans(conn, fn) -> list[dict]:
    """EXPLAIN QUERY PLAN of every SELECT that ``fn`` runs (parameters bound)."""
    from orm_desktop.store import db

    if db.dialect(conn) == "postgresql":
        return pg_plans(conn, fn)
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        fn()
    finally:
        conn.set_trace_callback(None)
    out = []
    for sql in statements:
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        rows = conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
        out.append({"sql": sql if len(sql) < 600 else sql[:600] + " ...",
                    "plan": [("  " * (r[1] > 0)) + r[3] for r in rows]})
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    p.add_argument("--mentions", type=int, default=1_000_000)
    p.add_argument("--runs", type=int, default=30)
    p.add_argument("--only", default="", help="run only cases whose name contains this")
    p.add_argument("--no-stats", action="store_true", help="without sqlite_stat1 (rolled back afterwards)")
    p.add_argument("--muted", action="store_true", help="with one muted mention (rolled back afterwards)")
    p.add_argument("--try", dest="try_sql", action="append", default=[], help="SQL to run first (rolled back)")
    p.add_argument("--name", default="", help="JSON name (default: queries, or queries-whatif)")
    a = p.parse_args()
    from orm_desktop.service import Service

    if a.backend == "postgresql":
        from pg_cache import cached_pg_workspace

        svc = Service.open(cached_pg_workspace(a.mentions))
    else:
        svc = Service.open(cached_workspace(a.mentions))
    conn = svc.conn
    whatif = a.no_stats or a.muted or a.try_sql
    if whatif:
        conn.execute("BEGIN")
        if a.no_stats and a.backend == "sqlite":
            conn.execute("DROP TABLE IF EXISTS sqlite_stat1")
            conn.execute("DROP TABLE IF EXISTS sqlite_stat4")
        if a.muted:
            conn.execute("UPDATE mentions SET muted = 1 WHERE id = (SELECT min(id) FROM mentions)")
        for sql in a.try_sql:
            t = time.perf_counter()
            conn.execute(sql)
            print(f"{sql}: {time.perf_counter() - t:.1f} s", file=sys.stderr)
    rows = []
    try:
        for group, name, budget, fn in cases(svc, conn):
            if a.only and a.only.lower() not in f"{group} {name}".lower():
                continue
            r = timeit(fn, runs=a.runs)
            row = {"group": group, "case": name, "p50_ms": r["p50_ms"], "p95_ms": r["p95_ms"],
                   "budget_p95_ms": budget, "ok": "yes" if r["p95_ms"] <= budget else "NO"}
            if row["ok"] == "NO":
                row["plans"] = plans(conn, fn)
            rows.append(row)
            print(f"{group:9} {name:55} p50 {r['p50_ms']:9.2f}  p95 {r['p95_ms']:9.2f}  budget {budget:4}  {row['ok']}",
                  file=sys.stderr, flush=True)
    finally:
        if whatif:
            conn.execute("ROLLBACK")
    cols = ["group", "case", "p50_ms", "p95_ms", "budget_p95_ms", "ok"]
    print()
    print(table(rows, cols))
    for row in rows:
        for pl in row.get("plans", []):
            print(f"\n-- {row['group']} {row['case']}: {pl['sql']}")
            print("\n".join("   " + x for x in pl["plan"]))
    name = a.name or ("queries-whatif" if whatif else "queries")
    if a.backend == "postgresql" and not a.name:
        name += "-postgresql"
    path = write_json(name, {"backend": a.backend, "mentions": svc.count_mentions(), "runs": a.runs,
                             "no_stats": a.no_stats,
                             "muted": a.muted, "try": a.try_sql, "rows": rows})
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
