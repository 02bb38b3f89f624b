"""What starting the refresh's worker pool costs a process that cannot fork itself (the GUI):
'spawn' workers (each a new interpreter importing the pipeline and loading the default engine,
the language model and the topics) against workers forked from a fork server that loaded them
once (pipeline._worker_pool since branch startup). Each measurement in a new process, the two
alternated: until both workers could prepare a feed (each has run ``pipeline._preload``), wall
and CPU-s of the process, the workers and the fork server (read from /proc while they live).

    python benchmarks/pool_start.py [--rounds 6] [--workers 2]

Prints a table; writes benchmarks/out/pool_start.json. Linux only (/proc).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from _common import table, write_json

CHILD = r'''
import json, os, resource, sys, time
from orm_desktop.ingest import pipeline as pl

def proc_cpu(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")

if __name__ == "__main__":
    method, workers = sys.argv[1], int(sys.argv[2])
    if method == "spawn":
        pl._POOL["forkserver_ok"] = False  # as a frozen bundle, or before branch startup
    t, cpu = time.perf_counter(), time.process_time()
    assert pl.warm_workers(("/nonexistent/bench.db", 0), workers)
    pool = pl._POOL["pool"]
    for fut in [pool.submit(pl._preload) for _ in range(workers * 4)]:  # what a first task loads
        fut.result()
    wall = time.perf_counter() - t
    import multiprocessing.forkserver as fs
    server = fs._forkserver._forkserver_pid
    out = {"method": type(pool._mp_context).__name__, "ready_s": round(wall, 3),
           "parent_cpu_s": round(time.process_time() - cpu, 3),
           "workers_cpu_s": round(sum(proc_cpu(p) for p in pool._processes), 3),
           "server_cpu_s": round(proc_cpu(server), 3) if server else 0.0}
    out["cpu_s"] = round(out["parent_cpu_s"] + out["workers_cpu_s"] + out["server_cpu_s"], 3)
    out["load"] = round(os.getloadavg()[0], 2)
    pl.shutdown_workers()
    print(json.dumps(out))
'''


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=6)
    p.add_argument("--workers", type=int, default=2)
    a = p.parse_args()
    import orm_desktop

    root = Path(orm_desktop.__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    rows = []
    for r in range(1, a.rounds + 1):
        for method in ("spawn", "forkserver"):
            out = subprocess.run([sys.executable, "-c", CHILD, method, str(a.workers)], capture_output=True, text=True,
                                 env=env, cwd=root, check=True)
            row = {"round": r, "asked": method, **json.loads(out.stdout.strip().splitlines()[-1])}
            rows.append(row)
            print(f"round {r} {method}: ready {row['ready_s']} s, {row['cpu_s']} CPU-s", file=sys.stderr, flush=True)
    print(table(rows, ["round", "asked", "method", "ready_s", "parent_cpu_s", "workers_cpu_s", "server_cpu_s", "cpu_s",
                       "load"]))
    summary = {m: {"median_cpu_s": statistics.median(r["cpu_s"] for r in rows if r["asked"] == m),
                   "median_ready_s": statistics.median(r["ready_s"] for r in rows if r["asked"] == m)}
               for m in ("spawn", "forkserver")}
    for m, s in summary.items():
        print(f"{m}: median {s['median_cpu_s']:.3f} CPU-s, ready in {s['median_ready_s']:.2f} s (median)")
    print(f"wrote {write_json('pool_start', {'rows': rows, 'summary': summary, 'workers': a.workers})}")


if __name__ == "__main__":
    main()
