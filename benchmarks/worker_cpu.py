"""Where the CLI refresh's CPU goes, per process (issue 18): the peers load (200 feeds x 25
entries, the 40 generated entities, a fresh workspace) refreshed by ``orm-desktop fetch --jobs 4``
in a new process, run by a wrapper that times, in the main process and in each forked worker,
the pipeline's stages with ``time.process_time`` (the functions are wrapped before the fork, so
the workers inherit the wrappers), the garbage collector (``gc.callbacks``), the sentiment
cache's hits and misses, the pickled result sizes, page faults and context switches
(``resource.getrusage``).

    python benchmarks/worker_cpu.py [--runs 2] [--feeds 200] [--entries 25] [--jobs 4] [--serial]

``--baseline DIR`` alternates the same with another source tree (rows b0, b1...). ``--serial`` also times the same stages in ONE process (``refresh(workers=0)`` in the CLI) for
the like-for-like comparison of the workers' sum with the serial work. Prints a table per run;
writes benchmarks/out/worker_cpu.json. The wrappers cost a little CPU themselves (~2-3 %): use
this for the breakdown, ``peers.py`` / ``refresh_ab.py`` for the totals.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import peers
from _common import StaticServer, table, write_json

WRAPPER = r'''
import atexit, gc, json, os, pickle, resource, runpy, sys, time

OUT = os.environ["ORM_WK_OUT"]
SERIAL = os.environ.get("ORM_WK_SERIAL") == "1"
START = float(os.environ["ORM_WK_T0"])  # the parent's clock just before it started this process
ST = {}

def add(key, fn, clock=time.process_time):
    def wrapped(*a, **kw):
        t = clock()
        try:
            return fn(*a, **kw)
        finally:
            ST[key] = ST.get(key, 0.0) + clock() - t
    wrapped.__name__, wrapped.__qualname__, wrapped.__module__ = fn.__name__, getattr(fn, "__qualname__", fn.__name__), fn.__module__
    return wrapped

def since_start():
    return round(time.time() - START, 3)

_gc_t = [0.0]
def _gc(phase, info):
    if phase == "start":
        _gc_t[0] = time.process_time()
    else:
        ST["gc"] = ST.get("gc", 0.0) + time.process_time() - _gc_t[0]
        ST["gc_n%d" % info["generation"]] = ST.get("gc_n%d" % info["generation"], 0) + 1
gc.callbacks.append(_gc)

t_imp = time.process_time()
from orm_desktop.ingest import pipeline as pl, query
from orm_desktop.ingest import fetch as fetch_mod
from orm_desktop.store import items as items_store
ST["import_pipeline"] = time.process_time() - t_imp
ST["wrapper_start_s"] = since_start()

pl.parse_feed = add("parse", pl.parse_feed)
if hasattr(pl, "detect_languages"):  # a feed's entries in one call (issue 18), else one at a time
    pl.detect_languages = add("language", pl.detect_languages)
else:
    pl.detect_language = add("language", pl.detect_language)
pl.score_toward = add("score", pl.score_toward)
query.MultiMatcher.matching = add("matching", query.MultiMatcher.matching)
items_store.known = add("known", items_store.known)
_extra = pl._extra_enrichers
pl._extra_enrichers = lambda: [add("topics", f) for f in _extra()]
_for_ws = pl.Enricher.for_workspace
pl.Enricher.for_workspace = staticmethod(add("enricher", _for_ws))
pl.prepare_items = add("prepare_items", pl.prepare_items)
pl.write_items = add("write_items", pl.write_items, time.thread_time)
pl._store_prepared = add("store_prepared", pl._store_prepared, time.thread_time)
pl._preload = add("preload", pl._preload)
# the main thread's writes, inside write_items / store_prepared (index_new_rows: SQLite m014 and
# later; inside insert_many and insert_mentions)
from orm_desktop.store import feeds as feeds_store
items_store.first_clusters = add("w_clusters", items_store.first_clusters, time.thread_time)
items_store.insert_many = add("w_items", items_store.insert_many, time.thread_time)
items_store.insert_mentions = add("w_mentions", items_store.insert_mentions, time.thread_time)
if hasattr(items_store, "index_new_rows"):
    items_store.index_new_rows = add("w_index", items_store.index_new_rows, time.thread_time)
feeds_store.record_success = add("w_record", feeds_store.record_success, time.thread_time)
_refresh0 = add("refresh_main_thread", pl.refresh, time.thread_time)
def _timed_refresh(*a, **kw):
    ST["refresh_start_s"] = since_start()
    try:
        return _refresh0(*a, **kw)
    finally:
        ST["refresh_end_s"] = since_start()
pl.refresh = _timed_refresh
_rem = pl.CachedEngine._remember
def _remember(self, cache, key, compute):
    ST["cache_calls"] = ST.get("cache_calls", 0) + 1
    if key not in cache:
        ST["cache_misses"] = ST.get("cache_misses", 0) + 1
    return _rem(self, cache, key, compute)
pl.CachedEngine._remember = _remember
_run = fetch_mod.Fetcher.run
def run(self, *a, **kw):
    ST.setdefault("first_request_s", since_start())
    yield from _run(self, *a, **kw)
fetch_mod.Fetcher.run = run

def dump(role):
    ru = resource.getrusage(resource.RUSAGE_SELF)
    d = dict(ST, role=role, pid=os.getpid(), cpu=ru.ru_utime + ru.ru_stime, user=ru.ru_utime, sys=ru.ru_stime,
             minflt=ru.ru_minflt, majflt=ru.ru_majflt, nvcsw=ru.ru_nvcsw, nivcsw=ru.ru_nivcsw, maxrss_mib=ru.ru_maxrss / 1024,
             at_s=since_start())
    with open(os.path.join(OUT, f"{role}-{os.getpid()}.json"), "w") as f:
        json.dump(d, f)

_prep = pl._prepare_in_worker
def _prepare_in_worker(*a):
    if "first_task_s" not in ST:
        ST["first_task_s"] = since_start()
        ST["cpu_before_first_task"] = time.process_time()
        ST.update(tasks=0, task_cpu=0.0, task_wall=0.0, body_bytes=0, result_bytes=0, result_pickle=0.0)
    t, w = time.process_time(), time.perf_counter()
    out = _prep(*a)
    ST["task_cpu"] += time.process_time() - t
    ST["task_wall"] += time.perf_counter() - w
    ST["tasks"] += 1
    ST["body_bytes"] += len(a[4])
    t = time.process_time()
    ST["result_bytes"] += len(pickle.dumps(out))
    ST["result_pickle"] += time.process_time() - t
    ST["last_task_s"] = since_start()
    dump("worker")
    return out
_prepare_in_worker.__module__, _prepare_in_worker.__qualname__ = _prep.__module__, _prep.__qualname__
pl._prepare_in_worker = _prepare_in_worker

if os.environ.get("ORM_WK_WORKERS"):
    _prefork = pl.prefork_workers
    pl.prefork_workers = lambda workers=None: _prefork(int(os.environ["ORM_WK_WORKERS"]))
if SERIAL:
    _refresh = pl.refresh
    pl.refresh = lambda conn, **kw: _refresh(conn, **{**kw, "workers": 0})
atexit.register(lambda: dump("main"))
sys.argv = ["orm_desktop"] + sys.argv[1:]
runpy.run_module("orm_desktop", run_name="__main__")
'''

STAGES = ["enricher", "parse", "known", "language", "matching", "score", "topics", "prepare_items"]


def one(tmp: Path, urls: list[str], name: str, jobs: int, serial: bool, tree: Path | None = None) -> list[dict]:
    dest = tmp / name
    out = tmp / f"{name}-out"
    out.mkdir()
    made = peers.setup_orm_in(tree, dest, urls) if tree else peers.setup_orm(dest, urls)  # the tree's own schema
    cmd = [c.replace("{jobs}", str(jobs)) for c in made]
    cmd = [cmd[0], str(tmp / "wrap.py")] + cmd[3:]
    env = {**(peers._env(tree) if tree else peers._env()), "ORM_WK_OUT": str(out), "ORM_WK_SERIAL": "1" if serial else "0"}
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    env["ORM_WK_T0"] = repr(time.time())
    subprocess.run(cmd, env=env, check=True, stdin=subprocess.DEVNULL, capture_output=True)
    wall = time.perf_counter() - t
    ru2 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = ru2.ru_utime + ru2.ru_stime - ru.ru_utime - ru.ru_stime
    rows = [json.loads(p.read_text()) for p in sorted(out.glob("*.json"))]
    for r in rows:
        r["run"], r["mode"], r["wall_all"], r["cpu_all"] = name, "serial" if serial else "workers", wall, cpu
        r["load"] = os.getloadavg()[0]
    return rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--feeds", type=int, default=200)
    p.add_argument("--entries", type=int, default=25)
    p.add_argument("--jobs", type=int, default=4)
    p.add_argument("--runs", type=int, default=2)
    p.add_argument("--serial", action="store_true", help="also refresh with every stage in the main process")
    p.add_argument("--baseline", type=Path, help="also run another source tree's orm_desktop (its workspace made by its own code), "
                   "alternated with this one")
    a = p.parse_args()
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="orm-wk-") as tmp_s:
        tmp = Path(tmp_s)
        (tmp / "wrap.py").write_text(WRAPPER)
        peers.write_load(tmp / "feeds", a.feeds, a.entries)
        with StaticServer(tmp / "feeds") as srv:
            urls = [srv.url(f"feed{i}.xml") for i in range(a.feeds)]
            for r in range(a.runs):
                variants = [("w", False, None)] + ([("s", True, None)] if a.serial else []) + (
                    [("b", False, a.baseline)] if a.baseline else [])
                for tag, serial, tree in (variants if r % 2 == 0 else variants[::-1]):
                    rows += one(tmp, urls, f"{tag}{r}", a.jobs, serial, tree)
                    print(f"run {r} {tag}: {rows[-1]['wall_all']:.2f} s, {rows[-1]['cpu_all']:.2f} CPU-s, "
                          f"load {rows[-1]['load']:.1f}", file=sys.stderr, flush=True)
    cols = ["run", "role", "cpu", "user", "sys"] + STAGES + [
        "task_cpu", "tasks", "gc", "cache_calls", "cache_misses", "result_bytes", "result_pickle", "minflt",
        "nivcsw", "write_items", "w_clusters", "w_items", "w_mentions", "w_index", "w_record", "store_prepared",
        "refresh_main_thread", "preload", "wrapper_start_s", "refresh_start_s", "first_request_s", "first_task_s", "last_task_s", "refresh_end_s", "at_s"]
    shown = [{c: (round(r[c], 3) if isinstance(r.get(c), float) else r.get(c, "")) for c in cols} for r in rows]
    print(table(shown, cols))
    print(f"wrote {write_json('worker_cpu', {'rows': rows})}")


if __name__ == "__main__":
    main()
