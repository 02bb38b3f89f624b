"""Ingest benchmark (the foundation issue): 200 feeds x 25 entries served from 127.0.0.1 into a
workspace already holding 1,000,000 mentions. Budget: >= 1,000 entries/s end to end, 2 cores.

    python benchmarks/ingest.py [--backend sqlite|postgresql] [--mentions 1000000] [--feeds 200]
                                [--entries 25] [--jobs 4] [--runs 3] [--no-breakdown] [--no-profile]

With ``--backend postgresql`` each run gets a clone of the PostgreSQL copy of the generated
workspace (``CREATE DATABASE ... TEMPLATE orm_bench_N``, benchmarks/pg_cache.py), dropped after.

Each run copies the cached generated workspace (so runs are repeatable), writes fresh RSS files
(URLs unique to the run; realistic 500-1,500-character HTML descriptions that mention the
generated entities, so matching and targeted scoring do real work), serves them with a real
ThreadingHTTPServer on 127.0.0.1, adds the feeds through the Service (OPML import) and times
``Service.fetch(jobs=4, force=True)``: fetch, parse, sanitize, dedupe, language, match, score,
topics, store, alerts. The generated workspace's own 200 (fake) feeds are disabled in the copy.
On PostgreSQL each run also reports the CPU of the server backend the refresh writes through
(``server_cpu_s``, from ``/proc``: the server must run on this machine).

Breakdown (on another fresh copy, each phase serial in this process, same feed files): HTTP
downloads, parsing, preparation (dedupe look-ups, language, matching, scoring, topics), the
writes (one transaction per feed), starting the worker processes, and the alert pass; plus a
cProfile of the serial preparation in benchmarks/out/ingest-profile.txt. Prints a table and
writes benchmarks/out/ingest.json.
"""

from __future__ import annotations

import argparse
import html
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import OUT, StaticServer, cached_workspace, copy_workspace, table, write_json
from generate import COMPETITORS, EXECUTIVES, entity_plan

KINDS = ["news"] * 8 + ["blog"] * 4 + ["review"] * 3 + ["social"] * 2 + ["forum"] * 2 + ["press"]
GENERIC = ["The company", "A spokesperson", "Industry analysts", "The regulator", "Local officials",
           "Customers", "The board", "Rivals", "Investors", "The city council", "Commuters", "Reviewers"]
TAILS = ["according to people familiar with the matter", "the report said", "in a statement on Monday",
         "as demand shifted across the sector", "despite a difficult quarter", "analysts noted",
         "according to a survey of 2,000 riders", "in an interview with local media"]
PHRASES = ["reported strong results and praised its team", "faced complaints about slow delivery and refunds",
           "announced a partnership with a regional transit authority", "was criticised for a week-long outage",
           "opened a new store downtown to long queues", "said the recall would cost millions",
           "won an award for design and reliability", "declined to comment on the lawsuit",
           "cut prices on last year's models", "was praised for quick and friendly support",
           "is facing a class action over battery fires", "doubled its service network in Europe",
           "disappointed reviewers with a sluggish app", "quietly raised subscription prices"]
EXTRAS = ['<a href="/related?id={n}">Related coverage</a>', '<img src="/img/{n}.jpg" alt="photo">',
          "<b>Update:</b> this story has been updated.", "<em>Sponsored links below.</em>"]


def _names() -> list[str]:
    """How articles cite the generated entities (executives with their role, so that queries like
    '"Jane Doe" AND (Acme OR CEO)' match)."""
    roles = dict(EXECUTIVES)
    out = []
    for e in entity_plan(40):
        if e["kind"] == "executive":
            out.append(f"{roles[e['name']]} {e['name']}")
        else:
            out.append(e["say"])
    return out


def write_feeds(directory: Path, feeds: int, entries: int, token: str, rng: random.Random) -> int:
    """RSS 2.0 files feed{i}.xml; returns the bytes written."""
    names = _names()
    weights = [1.0 / (i + 1) for i in range(len(names))]
    total = 0
    recent_titles: list[str] = []
    for f in range(feeds):
        items = []
        for e in range(entries):
            roll = rng.random()
            who = [] if roll < 0.2 else rng.choices(names, weights, k=1 if roll < 0.75 else 2)
            if who == [] and rng.random() < 0.5:
                who = [rng.choice(COMPETITORS)]
            paras = []
            target = rng.randint(500, 1500)
            length = 0
            while length < target:
                sentences = []
                for _ in range(rng.randint(2, 4)):
                    r = rng.random()
                    subject = who[0] if who and r < 0.3 else who[-1] if who and r < 0.4 else rng.choice(GENERIC)
                    sentences.append(f"{subject} {rng.choice(PHRASES)}, {rng.choice(TAILS)}.")
                if rng.random() < 0.25:
                    sentences.append(rng.choice(EXTRAS).format(n=rng.randrange(10**6)))
                p = "<p>" + " ".join(sentences) + "</p>"
                paras.append(p)
                length += len(p)
            body = "".join(paras)
            if recent_titles and rng.random() < 0.05:  # syndicated: the same story on another site
                title = rng.choice(recent_titles)
            else:
                title = f"{who[0] if who else rng.choice(GENERIC)} {rng.choice(PHRASES)}"
                recent_titles = (recent_titles + [title])[-50:]
            published = time.gmtime(time.time() - rng.randint(0, 2 * 86400))
            items.append(
                f"<item><title>{html.escape(title)}</title>"
                f"<link>https://site{f}.example.org/{token}/{e}?utm_source=rss&amp;utm_medium=feed</link>"
                f"<guid isPermaLink=\"false\">{token}-{f}-{e}</guid>"
                f"<pubDate>{time.strftime('%a, %d %b %Y %H:%M:%S GMT', published)}</pubDate>"
                f"<author>desk{f}@site{f}.example.org (Desk {f})</author>"
                f"<description>{html.escape(body)}</description></item>")
        text = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Bench {f}</title>'
                f'<link>https://site{f}.example.org/</link><description>bench</description>{"".join(items)}'
                "</channel></rss>")
        (directory / f"feed{f}.xml").write_text(text, encoding="utf-8")
        total += len(text)
    return total


def _prepare_workspace(base: Path | str, dest: Path):
    from orm_desktop.service import Service

    if isinstance(base, str):  # PostgreSQL: a clone of the cached database, named after dest
        from pg_cache import admin, url_of

        name = "orm_bench_run_" + "".join(ch if ch.isalnum() else "_" for ch in dest.name).lower()
        admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin(f"CREATE DATABASE {name} TEMPLATE {base} STRATEGY FILE_COPY")  # GBs: no WAL copy
        _CLONES.append(name)
        svc = Service.open(url_of(name))
    else:
        ws = copy_workspace(base, dest)
        svc = Service.open(ws)
    from orm_desktop.store import db

    with db.transaction(svc.conn) as conn:
        conn.execute("UPDATE feeds SET enabled = 0")  # the generated (fake) sources
    return svc


_CLONES: list[str] = []


def _drop_clones() -> None:
    from pg_cache import admin

    while _CLONES:
        admin(f"DROP DATABASE IF EXISTS {_CLONES.pop()} WITH (FORCE)")


def _add_feeds(svc, srv: StaticServer, tmp: Path, feeds: int) -> list[int]:
    opml = tmp / "bench.opml"
    opml.write_text('<?xml version="1.0"?><opml version="2.0"><body>' + "".join(
        f'<outline type="rss" text="Bench {f}" title="Bench {f}" xmlUrl="{srv.url(f"feed{f}.xml")}" '
        f'kind="{KINDS[f % len(KINDS)]}"/>' for f in range(feeds)) + "</body></opml>")
    svc.import_opml(opml)
    return [f.id for f in svc.feeds() if f.url.startswith("http://127.0.0.1")]


def _children_cpu() -> float:
    import resource

    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _stop_workers() -> None:
    from orm_desktop.ingest import pipeline

    getattr(pipeline, "shutdown_workers", lambda: None)()


def _worker_pids() -> list[int]:
    """The kept refresh workers of this process (alive between refreshes)."""
    from orm_desktop.ingest import pipeline

    pool = getattr(pipeline, "_POOL", {}).get("pool")
    return sorted(getattr(pool, "_processes", None) or {}) if pool is not None else []


def _proc_cpu(pid: int) -> float:
    """CPU-s (user + system) a live process has used so far (Linux /proc)."""
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _workers_cpu() -> dict[int, float]:
    out = {}
    for pid in _worker_pids():
        try:
            out[pid] = _proc_cpu(pid)
        except (OSError, ValueError, IndexError):
            pass
    return out


def _server_cpu(svc) -> tuple[int, float] | None:
    """(pid, CPU-s) of the PostgreSQL backend of the service's connection (the refresh writes
    through it; the server must run on this machine), or None on SQLite."""
    from orm_desktop.store import db

    if db.dialect(svc.conn) != "postgresql":
        return None
    pid = svc.conn.execute("SELECT pg_backend_pid()").fetchone()[0]
    f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return pid, (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def _timed_refresh(svc, jobs: int, entries_expected: int) -> dict:
    """One ``Service.fetch(force=True)``: wall, main-process CPU, the workers' CPU (live workers
    read from /proc; any worker that ended meanwhile counted through RUSAGE_CHILDREN)."""
    workers_before = _workers_cpu()
    server_before = _forkserver_cpu()
    children = _children_cpu()
    server0 = _server_cpu(svc)
    t = time.perf_counter()
    cpu = time.process_time()
    summary = svc.fetch(jobs=jobs, force=True)
    seconds = time.perf_counter() - t
    server1 = _server_cpu(svc)
    main_cpu = time.process_time() - cpu
    workers_after = _workers_cpu()
    workers_cpu = sum(v - workers_before.get(pid, 0.0) for pid, v in workers_after.items())
    workers_cpu += _children_cpu() - children  # reaped meanwhile (a pool replaced, a worker died)
    workers_cpu += _forkserver_cpu() - server_before  # the fork server the workers are forked from (its preload)
    assert summary.entries == entries_expected, (summary.entries, entries_expected)
    return {"feeds": summary.feeds, "failed": summary.failed, "entries": summary.entries,
            "new_items": summary.new_items, "new_mentions": summary.new_mentions, "seconds": round(seconds, 2),
            "refresh_s": summary.seconds, "main_cpu_s": round(main_cpu, 2), "workers_cpu_s": round(workers_cpu, 2),
            "cpu_s": round(main_cpu + workers_cpu, 2), "entries_per_s": round(summary.entries / seconds),
            "server_cpu_s": round(server1[1] - server0[1], 2) if server0 and server1 and server0[0] == server1[0] else None,
            "load": round(os.getloadavg()[0], 2), "workers": len(workers_after)}


FIRST_MODES = ("gui", "gui-warm", "cli")
FIRST_LABELS = {
    "gui": "GUI, refresh at once: the refresh starts the worker pool (fork server + 2 workers)",
    "gui-warm": "GUI, pool warmed when the workspace opened (service.warm_refresh_workers; its CPU in warm_cpu_s, not here)",
    "cli": "CLI: `python -m orm_desktop fetch --jobs 4` in a new process (start-up, imports, prefork included)",
}


def _cli_refresh(ws: Path, jobs: int, entries_expected: int) -> dict:
    """The command line's refresh in a new process: ``python -m orm_desktop --workspace WS
    fetch`` (every enabled feed, as ``force``), its workers forked before the workspace opens
    (service.start_refresh_workers). Wall and CPU of the whole command (start-up included;
    its reaped workers through RUSAGE_CHILDREN)."""
    import json
    import subprocess

    root = _tree()
    env = {**os.environ, "PYTHONPATH": str(root)}
    children = _children_cpu()
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "orm_desktop", "--workspace", str(ws), "fetch", "--jobs", str(jobs),
                        "--json", "--quiet"], capture_output=True, text=True, env=env, cwd=root)
    seconds = time.perf_counter() - t
    cpu = _children_cpu() - children
    if r.returncode not in (0, 1):
        raise RuntimeError(r.stderr[-2000:])
    summary = json.loads(r.stdout.strip().splitlines()[-1])
    assert summary["entries"] == entries_expected, (summary["entries"], entries_expected)
    return {"feeds": summary["feeds"], "failed": summary["failed"], "entries": summary["entries"],
            "new_items": summary["new_items"], "new_mentions": summary["new_mentions"], "seconds": round(seconds, 2),
            "refresh_s": summary["seconds"], "main_cpu_s": None, "workers_cpu_s": None, "cpu_s": round(cpu, 2),
            "entries_per_s": round(summary["entries"] / seconds), "server_cpu_s": None,
            "load": round(os.getloadavg()[0], 2), "workers": None}


def _tree() -> Path:
    """The source tree whose orm_desktop this process runs (PYTHONPATH=/tmp/base python
    benchmarks/ingest.py measures that tree, the CLI mode included)."""
    import orm_desktop

    return Path(orm_desktop.__file__).resolve().parents[1]


def _warm_pool(svc) -> dict:
    """What the GUI does when a workspace opens (after WARM_WORKERS_MS): the worker pool started
    and ready. Its wall and CPU (the fork server's and the workers', read from /proc)."""
    from orm_desktop.ingest import pipeline
    from orm_desktop.service import warm_refresh_workers

    children = _children_cpu()
    cpu = time.process_time()
    t = time.perf_counter()
    ok = warm_refresh_workers(svc)
    seconds = time.perf_counter() - t
    extra = sum(_workers_cpu().values()) + _forkserver_cpu()
    return {"warm_ok": ok, "warm_s": round(seconds, 2),
            "warm_cpu_s": round(time.process_time() - cpu + extra + _children_cpu() - children, 2),
            "warm_method": type(getattr(pipeline._POOL.get("pool"), "_mp_context", None)).__name__}


def _forkserver_cpu() -> float:
    pid = _forkserver_pid()
    try:
        return _proc_cpu(pid) if pid else 0.0
    except (OSError, ValueError, IndexError):
        return 0.0


def _forkserver_pid() -> int | None:
    import multiprocessing.forkserver as fs

    return getattr(fs._forkserver, "_forkserver_pid", None)


def one_run(base: Path, tmp: Path, feeds: int, entries: int, jobs: int, run: int,
            steady: bool = True, mode: str = "gui") -> tuple[dict, dict | None]:
    """The first refresh of a new process, as ``mode`` does it (FIRST_LABELS), then, with
    ``steady`` (in-process modes), a second refresh of new entries at the same feeds with the
    pool already alive (as the GUI's next refresh and ``fetch --loop``). Both into the 1M
    workspace. A benchmark process is not new: the fork server, once started, stays (as in
    the GUI, where it lives as long as the app) and is stopped here before each first refresh."""
    import os

    rng = random.Random(run)
    token = f"r{run}-{mode}-{time.time_ns()}"
    feed_dir = tmp / f"feeds{run}-{mode}"
    feed_dir.mkdir()
    size = write_feeds(feed_dir, feeds, entries, token, rng)
    _stop_workers()  # a first refresh starts its pool
    _stop_forkserver()
    svc = _prepare_workspace(base, tmp / f"ws{run}")
    before = svc.count_mentions()
    second = None
    warm: dict = {}
    with StaticServer(feed_dir) as srv:
        ids = _add_feeds(svc, srv, tmp, feeds)
        assert len(ids) == feeds, ids
        if mode == "cli":
            ws = tmp / f"ws{run}"  # SQLite only
            svc.close()
            first = _cli_refresh(ws, jobs, feeds * entries)
            from orm_desktop.service import Service

            svc = Service.open(ws)
        else:
            if mode == "gui-warm":
                warm = _warm_pool(svc)
            first = _timed_refresh(svc, jobs, feeds * entries)
            if steady:
                write_feeds(feed_dir, feeds, entries, token + "-2", random.Random(1000 + run))
                later = time.time() + 5  # a newer Last-Modified than the first answers: 200, not 304
                for f in feed_dir.iterdir():
                    os.utime(f, (later, later))
                second = _timed_refresh(svc, jobs, feeds * entries)
    _stop_workers()
    after = svc.count_mentions()
    svc.close()
    common = {"run": run, "mode": mode, "mentions_before": before, "mentions_after": after,
              "feed_mib": round(size / 2**20, 1)}
    return {**common, **first, **warm}, ({**common, **second, "mode": "steady"} if second else None)


def _stop_forkserver() -> None:
    """Stop this process's fork server (Python keeps one per process): the next first refresh
    starts its own, as a new GUI process would."""
    import multiprocessing.forkserver as fs

    server = fs._forkserver
    pid = getattr(server, "_forkserver_pid", None)
    if pid is None:
        return
    stop = getattr(server, "_stop", None)
    if stop is not None:
        stop()


def breakdown(base: Path, tmp: Path, feeds: int, entries: int, jobs: int, profile: bool) -> list[dict]:
    """Each stage alone, serial, in this process (wall seconds; ms per entry)."""
    import cProfile
    import pstats

    from orm_desktop.analysis.alerts import detect_and_store
    from orm_desktop.ingest import pipeline as pl
    from orm_desktop.ingest.fetch import Fetcher, FetchLimits, FetchRequest
    from orm_desktop.ingest.parse import parse_feed
    from orm_desktop.store import db
    from orm_desktop.store import feeds as feeds_store

    rng = random.Random(99)
    feed_dir = tmp / "feeds-breakdown"
    feed_dir.mkdir()
    write_feeds(feed_dir, feeds, entries, f"b-{time.time_ns()}", rng)
    svc = _prepare_workspace(base, tmp / "ws-breakdown")
    conn = svc.conn
    now = int(time.time())
    rows = []

    def stage(name: str, seconds: float, n: int, note: str = "") -> None:
        rows.append({"stage": name, "seconds": round(seconds, 3), "ms_per_entry": round(seconds * 1000 / max(1, n), 3),
                     "note": note})
        print(f"  {name:34} {seconds:7.3f} s  {note}", file=sys.stderr, flush=True)

    with StaticServer(feed_dir) as srv:
        ids = _add_feeds(svc, srv, tmp, feeds)
        fl = [feeds_store.get(conn, i) for i in ids]
        by_id = {f.id: f for f in fl}
        t = time.perf_counter()
        results = list(Fetcher(FetchLimits(), jobs=jobs).run([FetchRequest(f.id, f.url, f.etag, f.last_modified)
                                                              for f in fl]))
        stage(f"HTTP download ({jobs} threads)", time.perf_counter() - t, feeds * entries,
              f"{sum(len(r.body or b'') for r in results) / 2**20:.1f} MiB, {sum(r.ok for r in results)} ok")
    t = time.perf_counter()
    parsed = [(by_id[r.feed_id], parse_feed(r.body or b"", url=r.final_url or "", headers=r.headers, now=now))
              for r in results]
    n = sum(len(p.items) for _, p in parsed)
    stage("parse (feedparser + sanitize)", time.perf_counter() - t, n, f"{n} entries")
    t = time.perf_counter()
    enricher = pl.Enricher.for_workspace(conn, now)
    stage("enricher set-up", time.perf_counter() - t, n)
    t = time.perf_counter()
    prepared = [(f, pl.prepare_items(conn, f, p.items, enricher)) for f, p in parsed]
    stage("prepare (dedupe, lang, match, score, topics)", time.perf_counter() - t, n,
          f"{sum(len(x.mention_rows) for _, ps in prepared for x in ps)} mentions")
    prof = None
    if profile:  # again, under the profiler (preparing reads the database only)
        prof = cProfile.Profile()
        prof.enable()
        for f, p in parsed:
            pl.prepare_items(conn, f, p.items, enricher)
        prof.disable()
    t = time.perf_counter()
    for f, ps in prepared:
        with db.transaction(conn):
            new_items, _ = pl.write_items(conn, f, ps, now)
            feeds_store.record_success(conn, f.id, now=now, status="ok", etag="", last_modified="", title="",
                                       new_items=new_items, next_due=now + pl.OK_INTERVAL, message="")
    stage("write (1 transaction per feed)", time.perf_counter() - t, n)
    t = time.perf_counter()
    pl.shutdown_workers()
    pool = pl._worker_pool(conn, 2)
    for fut in [pool.submit(pl._warm) for _ in range(2)]:
        fut.result()
    pl.shutdown_workers()
    stage("start 2 workers", time.perf_counter() - t, n, "wall; a fork server loading the models once, 2 workers forked "
          "from it (spawned, each importing, before branch startup); kept across refreshes since issue 18")
    t = time.perf_counter()
    detect_and_store(conn, now=now)
    stage("alerts after the refresh", time.perf_counter() - t, n)
    svc.close()
    if prof:
        path = OUT / "ingest-profile.txt"
        with path.open("w") as fh:
            fh.write(f"cProfile of the serial preparation of {n} entries (dedupe, language, match, score, "
                     "topics) into the 1M workspace\n\n")
            st = pstats.Stats(prof, stream=fh)
            st.sort_stats("tottime").print_stats(30)
            st.sort_stats("cumulative").print_stats(30)
    return rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    p.add_argument("--mentions", type=int, default=1_000_000)
    p.add_argument("--feeds", type=int, default=200)
    p.add_argument("--entries", type=int, default=25)
    p.add_argument("--jobs", type=int, default=4)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--no-breakdown", action="store_true")
    p.add_argument("--no-profile", action="store_true")
    p.add_argument("--no-steady", action="store_true", help="only the first refresh of each run (pool start included)")
    p.add_argument("--first", default=",".join(FIRST_MODES),
                   help="how each front end does a process's first refresh, comma-separated: gui (the refresh "
                        "starts the pool), gui-warm (pool warmed when the workspace opened), cli (a new "
                        "`orm-desktop fetch` process)")
    a = p.parse_args()
    if a.backend == "postgresql":
        from pg_cache import cached_pg_workspace

        base: Path | str = cached_pg_workspace(a.mentions).rsplit("/", 1)[1]  # the template's name
    else:
        base = cached_workspace(a.mentions)
    rows, steady = [], []
    modes = [m for m in a.first.split(",") if m]
    assert set(modes) <= set(FIRST_MODES), modes
    if a.backend == "postgresql" and "cli" in modes:
        modes.remove("cli")  # the CLI mode opens the copy by path (SQLite)
    if "cli" in modes:
        from peers import compile_tree

        compile_tree(_tree())  # as installed: bytecode compiled (untimed)
    with tempfile.TemporaryDirectory(prefix="orm-ingest-") as tmp:
        for run in range(1, a.runs + 1):
            for mode in modes:
                first, second = one_run(base, Path(tmp), a.feeds, a.entries, a.jobs, run,
                                        not a.no_steady and mode == "gui", mode)
                rows.append(first)
                for label, r in ((f"first refresh, {mode}", first), ("steady state (pool alive)", second)):
                    if r is None:
                        continue
                    print(f"run {run}, {label}: {r['entries']:,} entries in {r['seconds']} s = "
                          f"{r['entries_per_s']:,}/s, {r['cpu_s']} CPU-s (main {r['main_cpu_s']}, workers "
                          f"{r['workers_cpu_s']}; {r['new_items']:,} new items, {r['new_mentions']:,} new mentions, "
                          f"{r['failed']} failed){' warm-up ' + str(r['warm_s']) + ' s, ' + str(r['warm_cpu_s']) + ' CPU-s' if 'warm_s' in r else ''}",
                          file=sys.stderr, flush=True)
                if second is not None:
                    steady.append(second)
                shutil.rmtree(Path(tmp) / f"ws{run}", ignore_errors=True)
                if a.backend == "postgresql":
                    _drop_clones()
        stages = []
        if not a.no_breakdown:
            print("breakdown:", file=sys.stderr)
            stages = breakdown(base, Path(tmp), a.feeds, a.entries, a.jobs, not a.no_profile)
            if a.backend == "postgresql":
                _drop_clones()
    cols = ["run", "entries", "new_items", "new_mentions", "failed", "seconds", "main_cpu_s", "workers_cpu_s",
            "cpu_s", "server_cpu_s", "load", "entries_per_s"]
    by_mode: dict[str, dict] = {}
    for mode in modes:
        mine = [r for r in rows if r["mode"] == mode]
        print(f"first refresh of a new process, {FIRST_LABELS[mode]}")
        print(table(mine, cols + (["warm_s", "warm_cpu_s", "warm_method"] if mode == "gui-warm" else [])) + "\n")
        rates = [r["entries_per_s"] for r in mine]
        by_mode[mode] = {"median_entries_per_s": statistics.median(rates),
                         "median_cpu_s": statistics.median(r["cpu_s"] for r in mine), "rates": rates}
    if steady:
        print("steady state: the next refresh, new entries, worker pool already alive (GUI's later refreshes, "
              "fetch --loop)")
        print(table(steady, cols))
    if stages:
        print()
        print(table(stages, ["stage", "seconds", "ms_per_entry", "note"]))
    print()
    for mode, m in by_mode.items():
        print(f"ingest into a {a.mentions:,}-mention {a.backend} workspace, FIRST refresh, {mode}: median "
              f"{m['median_entries_per_s']:,.0f} entries/s over {len(m['rates'])} runs: {m['rates']}; median "
              f"{m['median_cpu_s']:.1f} CPU-s = {a.entries * a.feeds / m['median_cpu_s']:,.0f} entries per CPU-s")
    first_mode = "gui" if "gui" in by_mode else modes[0]
    median, cpu = by_mode[first_mode]["median_entries_per_s"], by_mode[first_mode]["median_cpu_s"]
    steady_median = steady_cpu = None
    if steady:
        steady_rates = [r["entries_per_s"] for r in steady]
        steady_median = statistics.median(steady_rates)
        steady_cpu = statistics.median(r["cpu_s"] for r in steady)
        print(f"ingest into a {a.mentions:,}-mention {a.backend} workspace, STEADY STATE (pool alive): "
              f"median {steady_median:,.0f} entries/s over {len(steady)} runs: {steady_rates}; median "
              f"{steady_cpu:.1f} CPU-s = {a.entries * a.feeds / steady_cpu:,.0f} entries per CPU-s")
    path = write_json("ingest" + ("-postgresql" if a.backend == "postgresql" else ""),
                      {"backend": a.backend, "budget_entries_per_s": 1000, "median_entries_per_s": median,
                                 "first_mode": first_mode, "first_by_mode": by_mode,
                                 "median_cpu_s": cpu, "runs": rows,
                                 "steady_median_entries_per_s": steady_median, "steady_median_cpu_s": steady_cpu,
                                 "steady_runs": steady,
                                 "breakdown": stages, "workspace_mentions": a.mentions, "feeds": a.feeds,
                                 "entries_per_feed": a.entries, "jobs": a.jobs})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
