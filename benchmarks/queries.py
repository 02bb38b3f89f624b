"""Query benchmark on the generated 1,000,000-mention workspace: inbox pages, filtered counts,
full-text search, per-entity trend, deep pages. p50/p95 beside the ARCHITECTURE §5 budgets.

    python benchmarks/queries.py [--mentions 1000000] [--runs 30]
"""

from __future__ import annotations

import argparse
import time

from _common import cached_workspace, table, timeit, write_json


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--mentions", type=int, default=1_000_000)
    p.add_argument("--runs", type=int, default=30)
    a = p.parse_args()
    from orm_desktop.service import Service
    from orm_desktop.types import MentionFilter as F

    svc = Service.open(cached_workspace(a.mentions))
    total = svc.count_mentions(F())
    now = int(time.time())
    top = svc.entity("Acme").id
    mid = svc.entity("Globex").id
    cases = [
        ("inbox newest 200, no filter", 5, lambda: svc.mentions(F(), limit=200)),
        ("inbox newest 200, top entity", 5, lambda: svc.mentions(F(entity_ids=(top,)), limit=200)),
        ("inbox newest 200, mid entity + negative", 5, lambda: svc.mentions(F(entity_ids=(mid,), sentiment="negative"), limit=200)),
        ("inbox newest 200, status new", 5, lambda: svc.mentions(F(statuses=("new",)), limit=200)),
        ("inbox newest 200, open statuses (GUI default)", 5, lambda: svc.mentions(F(statuses=("new", "flagged", "needs_response")), limit=200)),
        ("inbox newest 200, kind review", 5, lambda: svc.mentions(F(feed_kinds=("review",)), limit=200)),
        ("inbox newest 200, last 7 days", 5, lambda: svc.mentions(F(since=now - 7 * 86400), limit=200)),
        ("inbox by priority 200", 5, lambda: svc.mentions(F(order="priority"), limit=200)),
        ("count, no filter", 10, lambda: svc.count_mentions(F())),
        ("count, mid entity + negative + 90 days", 10, lambda: svc.count_mentions(F(entity_ids=(mid,), sentiment="negative", since=now - 90 * 86400))),
        ("count, top entity + negative + 90 days", 10, lambda: svc.count_mentions(F(entity_ids=(top,), sentiment="negative", since=now - 90 * 86400))),
        ("count, open statuses (GUI default)", 10, lambda: svc.count_mentions(F(statuses=("new", "flagged", "needs_response")))),
        ('search "turbo encabulator" top 200', 50, lambda: svc.mentions(F(search='"turbo encabulator"'), limit=200)),
        ('search "battery life" top 200 (20 % of items)', 350, lambda: svc.mentions(F(search='"battery life"'), limit=200)),
        ("per-entity 365-day trend, top entity", 100, lambda: svc.daily_series(top, now - 365 * 86400, now)),
        ("per-entity 365-day trend, mid entity", 100, lambda: svc.daily_series(mid, now - 365 * 86400, now)),
        ("GUI page at offset 500,000", 150, lambda: svc.mention_page(F(), 500_000, 200, total)),
        ("GUI last page", 150, lambda: svc.mention_page(F(), total - 200, 200, total)),
    ]
    rows = []
    for name, budget, fn in cases:
        r = timeit(fn, runs=a.runs)
        rows.append({"query": name, "p50_ms": r["p50_ms"], "p95_ms": r["p95_ms"], "budget_p95_ms": budget,
                     "ok": "yes" if r["p95_ms"] <= budget else "NO"})
        print(table(rows[-1:], list(rows[-1])) if len(rows) == 1 else "  ".join(str(v) for v in rows[-1].values()))
    print()
    print(table(rows, ["query", "p50_ms", "p95_ms", "budget_p95_ms", "ok"]))
    write_json("queries", {"mentions": total, "rows": rows})


if __name__ == "__main__":
    main()
