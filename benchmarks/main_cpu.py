"""Where the CLI refresh's MAIN process spends its CPU, by thread (issue 18): the peers load (200
feeds x 25 entries, 40 entities, a fresh workspace) refreshed by ``orm-desktop fetch --jobs 4``
in a new process, run by a wrapper that reads, when ``refresh`` returns, each live thread's CPU
from /proc (the main thread, the process pool's result thread, its queue feeder) and adds up the
download threads' own ``time.thread_time`` as each ends; the cyclic collector's time during the
refresh (``gc.callbacks``). Linux only (/proc).

    python benchmarks/main_cpu.py [--runs 3] [--baseline DIR]
    python benchmarks/main_cpu.py --downloads-only [--runs 5]

``--downloads-only``: the downloads alone, in this process (``Fetcher(jobs=4)`` over the same
200 URLs, the server in a child process so that its CPU is not counted): CPU-s per run.

Columns: ``startup`` CPU-s of the process before ``refresh`` starts (imports, workspace, worker
fork); ``refresh`` the process's CPU-s during ``refresh``; ``main_thread`` the main thread's
share of it (the writes: write_items, BEGIN/COMMIT, record_success); ``downloads`` the fetch
threads; ``results`` the pool's result thread (reading and unpickling the workers' results, the
relay memo's JSON); ``feeder`` the queue feeder thread (pickling and writing the tasks: feed
bodies); ``gc`` the collector during the refresh; ``total`` the process at exit. ``--baseline``
alternates with another source tree (an export of main), its workspace made by its own code.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import peers
from _common import StaticServer, table

WRAPPER = r'''
import atexit, gc, json, os, resource, runpy, sys, threading, time
OUT = os.environ["ORM_MAIN_CPU_OUT"]
R = {"downloads": 0.0, "gc": 0.0}
_run = threading.Thread.run
def run(self):  # the fetch threads (ThreadPoolExecutor workers run Thread.run)
    try:
        _run(self)
    finally:
        if self.name.startswith("fetch"):
            R["downloads"] += time.thread_time()
threading.Thread.run = run
_gc = {"on": False, "t": 0.0}
def _gccb(phase, info):
    if not _gc["on"]:
        return
    if phase == "start":
        _gc["t"] = time.thread_time()
    else:
        R["gc"] += time.thread_time() - _gc["t"]
gc.callbacks.append(_gccb)
from orm_desktop.ingest import pipeline as pl
_refresh = pl.refresh
def refresh(*a, **kw):
    R["startup"] = time.process_time()
    t0 = time.thread_time()
    _gc["on"] = True
    try:
        return _refresh(*a, **kw)
    finally:
        _gc["on"] = False
        R["refresh"] = time.process_time() - R["startup"]
        R["main_thread"] = time.thread_time() - t0
        tick = os.sysconf("SC_CLK_TCK")
        for t in threading.enumerate():
            try:
                f = open(f"/proc/self/task/{t.native_id}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            cpu = (int(f[11]) + int(f[12])) / tick
            if t.name == "QueueFeederThread":
                R["feeder"] = R.get("feeder", 0.0) + cpu
            elif t.name.startswith("Thread-"):  # concurrent.futures' _ExecutorManagerThread
                R["results"] = R.get("results", 0.0) + cpu
def _dump():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    R["total"] = ru.ru_utime + ru.ru_stime
    with open(OUT, "w") as f:
        json.dump(R, f)
atexit.register(_dump)
pl.refresh = refresh
sys.argv = ["orm_desktop"] + sys.argv[1:]
runpy.run_module("orm_desktop", run_name="__main__")
'''

COLS = ["startup", "refresh", "main_thread", "downloads", "results", "feeder", "gc", "total"]


def one(tmp: Path, urls: list[str], name: str, tree: Path | None) -> dict:
    dest = tmp / name
    made = peers.setup_orm_in(tree, dest, urls) if tree else peers.setup_orm(dest, urls)
    cmd = [c.replace("{jobs}", "4") for c in made]
    cmd = [cmd[0], str(tmp / "wrap.py")] + cmd[3:]
    out = tmp / f"{name}.json"
    env = {**(peers._env(tree) if tree else peers._env()), "ORM_MAIN_CPU_OUT": str(out)}
    subprocess.run(cmd, env=env, check=True, stdin=subprocess.DEVNULL, capture_output=True)
    r = json.loads(out.read_text())
    return {"run": name, **{c: round(r.get(c, 0.0), 3) for c in COLS}, "load": round(os.getloadavg()[0], 1)}


def _serve(directory: str, q) -> None:
    with StaticServer(Path(directory)) as srv:
        q.put(srv.url(""))
        time.sleep(3600)


def downloads_only(tmp: Path, feeds: int, runs: int) -> None:
    import multiprocessing

    from orm_desktop.ingest.fetch import Fetcher, FetchLimits, FetchRequest

    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    server = ctx.Process(target=_serve, args=(str(tmp / "feeds"), q), daemon=True)
    server.start()
    try:
        base = q.get(timeout=30)
        urls = [f"{base}feed{i}.xml" for i in range(feeds)]
        cpu = []
        for r in range(runs):
            t, w = time.process_time(), time.perf_counter()
            size = sum(len(res.body or b"") for res in Fetcher(FetchLimits(), jobs=4).run(
                [FetchRequest(i, u) for i, u in enumerate(urls)]))
            cpu.append(time.process_time() - t)
            print(f"run {r}: {cpu[-1]:.3f} CPU-s, {time.perf_counter() - w:.2f} s, {size:,} bytes")
        print(f"median {statistics.median(cpu):.3f} CPU-s for {feeds} requests")
    finally:
        server.kill()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--feeds", type=int, default=200)
    p.add_argument("--entries", type=int, default=25)
    p.add_argument("--baseline", type=Path, help="another source tree, alternated with this one")
    p.add_argument("--downloads-only", action="store_true", help="time the downloads alone, in this process")
    a = p.parse_args()
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="orm-maincpu-") as tmp_s:
        tmp = Path(tmp_s)
        (tmp / "wrap.py").write_text(WRAPPER)
        peers.write_load(tmp / "feeds", a.feeds, a.entries)
        if a.downloads_only:
            downloads_only(tmp, a.feeds, a.runs)
            return
        with StaticServer(tmp / "feeds") as srv:
            urls = [srv.url(f"feed{i}.xml") for i in range(a.feeds)]
            for r in range(a.runs):
                variants = [("this", None)] + ([("base", a.baseline)] if a.baseline else [])
                for tag, tree in (variants if r % 2 == 0 else variants[::-1]):
                    rows.append(one(tmp, urls, f"{tag}{r}", tree))
                    print(rows[-1], file=sys.stderr, flush=True)
    print(table(rows, ["run", *COLS, "load"]))
    for tag in ("this", "base"):
        mine = [r for r in rows if r["run"].startswith(tag)]
        if mine:
            print(f"{tag} median: " + ", ".join(f"{c} {statistics.median(r[c] for r in mine):.3f}" for c in COLS))


if __name__ == "__main__":
    main()
