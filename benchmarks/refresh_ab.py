"""Two source trees' CLI refresh of the peers load, alternated, and their stored rows compared
(issue 18): ``orm-desktop fetch --jobs 4`` from this tree and from another (an export of main:
``git archive main | tar -x -C DIR``) into fresh workspaces each made by its own tree's
``peers.setup_orm`` (so the schemas may differ), the same feed files, the order alternated each run.

    python benchmarks/refresh_ab.py DIR [--runs 4]

Per run: wall seconds, CPU-s of the command and its workers, CPU-s of the main process alone
(written at exit by a small wrapper), the load average. Then every stored table of the first
run of each tree, compared without ids and times (items, mentions, facet rows, the rollups,
feeds; FTS5 hits and integrity; the number of syndication clusters, which depends on the order
the feeds are stored in, so it may differ between any two parallel runs).
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import peers
from _common import ROOT, StaticServer

WRAPPER = """import atexit, os, resource, runpy, sys
def _report():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    with open(os.environ["ORM_AB_MAIN_CPU"], "w") as f:
        f.write(str(ru.ru_utime + ru.ru_stime))
atexit.register(_report)
sys.argv = ["orm_desktop"] + sys.argv[1:]
runpy.run_module("orm_desktop", run_name="__main__")
"""


def dump(db: Path) -> dict[str, list]:
    c = sqlite3.connect(db)
    try:
        q = {
            "items": "SELECT f.url, i.guid, i.url, i.canonical_url, i.title, i.text, i.html, i.author, i.published, "
                     "i.rating, i.title_norm, i.title_key, i.lang FROM items i JOIN feeds f ON f.id = i.feed_id",
            "mentions": "SELECT i.canonical_url, e.name, m.published, m.feed_kind, m.snippet, m.sentiment, "
                        "m.machine_sentiment, m.engine, m.score_source, m.evidence, m.topics, m.stage, m.status, "
                        "m.confidence, m.tags FROM mentions m JOIN items i ON i.id = m.item_id "
                        "JOIN entities e ON e.id = m.entity_id",
            "mention_facets": "SELECT mf.facet, mf.published, i.canonical_url, e.name FROM mention_facets mf "
                              "JOIN mentions m ON m.id = mf.mention_id JOIN items i ON i.id = m.item_id "
                              "JOIN entities e ON e.id = m.entity_id",
            "mention_facet_counts": "SELECT * FROM mention_facet_counts",
            "mention_counts": "SELECT * FROM mention_counts",
            "mention_daily": "SELECT entity_id, day, total, positive, neutral, negative, round(sentiment_sum, 9) "
                             "FROM mention_daily",
            "feeds": "SELECT url, title, last_status, last_error, error_count, items_total, etag, last_modified "
                     "FROM feeds",
        }
        out = {k: sorted(c.execute(sql).fetchall()) for k, sql in q.items()}
        out["fts"] = (c.execute("SELECT count(*) FROM items_fts WHERE items_fts MATCH 'the'").fetchall()
                      + c.execute("PRAGMA integrity_check").fetchall())
        out["clusters"] = c.execute("SELECT count(DISTINCT cluster_id), count(*) FROM items").fetchall()
        return out
    finally:
        c.close()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("baseline", type=Path)
    p.add_argument("--runs", type=int, default=4)
    p.add_argument("--jobs", type=int, default=4)
    a = p.parse_args()
    trees = {"this": ROOT, "baseline": a.baseline.resolve()}
    for root in trees.values():
        peers.compile_tree(root)  # as installed: bytecode compiled (untimed), as peers.py does
    res: dict[str, list[tuple[float, float, float]]] = {}
    dumps: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="orm-ab-") as tmp_s:
        tmp = Path(tmp_s)
        (tmp / "wrap.py").write_text(WRAPPER)
        peers.write_load(tmp / "feeds")
        with StaticServer(tmp / "feeds") as srv:
            urls = [srv.url(f"feed{i}.xml") for i in range(200)]
            for r in range(a.runs):
                for name in (["this", "baseline"] if r % 2 == 0 else ["baseline", "this"]):
                    dest = tmp / f"{name}-{r}"
                    made = (peers.setup_orm(dest, urls) if name == "this"  # each tree's own schema
                            else peers.setup_orm_in(trees[name], dest, urls))
                    cmd = [c.replace("{jobs}", str(a.jobs)) for c in made]
                    cmd = [cmd[0], str(tmp / "wrap.py")] + cmd[3:]  # "-m orm_desktop" -> the wrapper
                    env = {**peers._env(trees[name]), "ORM_AB_MAIN_CPU": str(tmp / "main_cpu")}
                    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
                    t = time.perf_counter()
                    subprocess.run(cmd, env=env, check=True, stdin=subprocess.DEVNULL, capture_output=True)
                    wall = time.perf_counter() - t
                    ru2 = resource.getrusage(resource.RUSAGE_CHILDREN)
                    cpu = ru2.ru_utime + ru2.ru_stime - ru.ru_utime - ru.ru_stime
                    main_cpu = float((tmp / "main_cpu").read_text())
                    print(f"run {r} {name:8} {wall:6.2f} s  {cpu:5.2f} CPU-s  main process {main_cpu:4.2f} CPU-s  "
                          f"load {os.getloadavg()[0]:.1f}", flush=True)
                    res.setdefault(name, []).append((wall, cpu, main_cpu))
                    if name not in dumps:
                        dumps[name] = dump(dest / "orm.db")
    for k, mine in dumps["this"].items():
        theirs = dumps["baseline"][k]
        shown = f": {mine} vs {theirs}" if k in ("fts", "clusters") else f" ({len(mine)} rows)"
        print(f"{k:22} {'same' if mine == theirs else 'DIFFERENT'}{shown}")
    for name, rows in res.items():
        print(f"{name:8} median {statistics.median(x[0] for x in rows):.2f} s, "
              f"{statistics.median(x[1] for x in rows):.2f} CPU-s, "
              f"main process {statistics.median(x[2] for x in rows):.2f} CPU-s")
    sys.exit(0)


if __name__ == "__main__":
    main()
