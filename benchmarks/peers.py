"""orm-desktop beside other feed readers (issue 18): the same 200 feeds x 25 entries served from
127.0.0.1, each refreshed into a FRESH store, interleaved, median of N runs, on this machine.

    python benchmarks/peers.py [--feeds 200] [--entries 25] [--jobs 4] [--runs 3]

- orm: ``python -m orm_desktop --workspace WS fetch --jobs 4`` in a new process (imports and
  worker start-up included) into a new workspace holding the 40 generated entities, so matching,
  targeted scoring, topics and full-text indexing do their real work.
- newsboat (C++, the Debian package): ``newsboat -x reload`` with ``reload-threads`` = jobs, a new
  cache file per run. Skipped with a message when it is not installed
  (``apt-get install -y newsboat``).
- reader (the Python library, update only, no search index): ``update_feeds(workers=jobs)`` in a
  new process, a new database per run. Skipped with a message when it is not installed
  (``pip install reader``: a benchmark-only dependency).

orm runs from bytecode compiled beforehand (``python -m compileall`` of the tree's
``orm_desktop``, untimed), as an installed package does (pip compiles at install; the bundle
ships .pyc): a source tree run with PYTHONDONTWRITEBYTECODE=1 (as on the development machine)
would otherwise compile ~80 modules from source at every start, ~0.15-0.2 CPU-s on the critical
path. ``--source`` keeps the old behaviour (whatever the environment does).

``--baseline DIR`` also times orm from another source tree (an export of main: ``git archive
main | tar -x -C DIR``); its workspaces are created by DIR's own code (its benchmarks/peers.py),
so the two trees may have different schema versions.

Setting up each store (creating it, adding the feeds and entities) is not timed; the refresh
command is, wall clock from process start to exit. Prints a table and the orm/newsboat ratio;
writes benchmarks/out/peers.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, StaticServer, table, write_json
from generate import entity_plan
from ingest import KINDS, write_feeds


def _env(root: Path = ROOT) -> dict:
    env = {**os.environ, "PYTHONPATH": str(root)}
    env.pop("ORM_DESKTOP_WORKSPACE", None)
    return env


def write_load(feed_dir: Path, feeds: int = 200, entries: int = 25) -> int:
    """The peers load: ``feeds`` generated feed files of ``entries`` each into ``feed_dir`` (made
    here), the same generator and seed for every benchmark that refreshes it, new entry ids each
    call. Returns the bytes written."""
    feed_dir.mkdir()
    return write_feeds(feed_dir, feeds, entries, f"peers-{time.time_ns()}", random.Random(7))


def compile_tree(root: Path) -> None:
    """Bytecode for a source tree's orm_desktop, as an install would have it (read even when
    PYTHONDONTWRITEBYTECODE is set)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(root / "orm_desktop")], check=True,
                   capture_output=True)


def setup_orm(dest: Path, urls: list[str]) -> list[str]:
    from orm_desktop.service import Service

    svc = Service.create(dest)
    for e in entity_plan(40):
        svc.add_entity(e["kind"], e["name"], e["query"], aliases=e["aliases"], importance=e["importance"],
                       title=e["title"], match_existing=False)
    opml = dest / "peers.opml"
    opml.write_text('<?xml version="1.0"?><opml version="2.0"><body>' + "".join(
        f'<outline type="rss" text="Peer {i}" xmlUrl="{u}" kind="{KINDS[i % len(KINDS)]}"/>'
        for i, u in enumerate(urls)) + "</body></opml>")
    svc.import_opml(opml)
    svc.close()
    return [sys.executable, "-m", "orm_desktop", "--workspace", str(dest), "fetch", "--jobs", "{jobs}", "--quiet"]


def count_orm(dest: Path) -> int:
    with sqlite3.connect(dest / "orm.db") as c:
        return c.execute("SELECT count(*) FROM items").fetchone()[0]


def setup_newsboat(dest: Path, urls: list[str]) -> list[str] | None:
    exe = shutil.which("newsboat")
    if exe is None:
        return None
    dest.mkdir(parents=True)
    (dest / "urls").write_text("\n".join(urls) + "\n")
    (dest / "config").write_text("reload-threads {jobs}\n")
    return [exe, "-u", str(dest / "urls"), "-c", str(dest / "cache.db"), "-C", str(dest / "config"),
            "-x", "reload"]


def count_newsboat(dest: Path) -> int:
    with sqlite3.connect(dest / "cache.db") as c:
        return c.execute("SELECT count(*) FROM rss_item").fetchone()[0]


READER_UPDATE = "import sys\nfrom reader import make_reader\nmake_reader(sys.argv[1]).update_feeds(workers={jobs})\n"


def setup_reader(dest: Path, urls: list[str]) -> list[str] | None:
    try:
        from reader import make_reader
    except ImportError:
        return None
    dest.mkdir(parents=True)
    r = make_reader(str(dest / "reader.sqlite"))
    for u in urls:
        r.add_feed(u)
    r.close()
    return [sys.executable, "-c", READER_UPDATE, str(dest / "reader.sqlite")]


def count_reader(dest: Path) -> int:
    from reader import make_reader

    r = make_reader(str(dest / "reader.sqlite"))
    try:
        return r.get_entry_counts().total
    finally:
        r.close()


def setup_orm_in(root: Path, dest: Path, urls: list[str]) -> list[str]:
    """setup_orm run by another source tree's code (its schema, its entities), in a subprocess."""
    code = ("import json, sys\nfrom pathlib import Path\nfrom peers import setup_orm\n"
            "setup_orm(Path(sys.argv[1]), json.loads(sys.argv[2]))\n")
    subprocess.run([sys.executable, "-c", code, str(dest), json.dumps(urls)], cwd=root / "benchmarks",
                   env=_env(root), check=True, capture_output=True)
    return [sys.executable, "-m", "orm_desktop", "--workspace", str(dest), "fetch", "--jobs", "{jobs}", "--quiet"]


TOOLS = {"orm": (setup_orm, count_orm), "newsboat": (setup_newsboat, count_newsboat),
         "reader": (setup_reader, count_reader), "orm@baseline": (setup_orm, count_orm)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--feeds", type=int, default=200)
    p.add_argument("--entries", type=int, default=25)
    p.add_argument("--jobs", type=int, default=4)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--tools", default="orm,newsboat,reader")
    p.add_argument("--baseline", type=Path, help="also time orm from this source tree (e.g. an export of "
                   "main), as tool orm@baseline, interleaved with the others")
    p.add_argument("--source", action="store_true", help="do not compile the orm trees first (with "
                   "PYTHONDONTWRITEBYTECODE set, every orm start then compiles its modules from source)")
    a = p.parse_args()
    if not a.source:
        for root in [ROOT] + ([a.baseline] if a.baseline else []):
            compile_tree(root)
    tools = [t.strip() for t in a.tools.split(",") if t.strip()] + (["orm@baseline"] if a.baseline else [])
    rows: list[dict] = []
    skipped: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="orm-peers-") as tmp_s:
        tmp = Path(tmp_s)
        feed_dir = tmp / "feeds"
        size = write_load(feed_dir, a.feeds, a.entries)
        with StaticServer(feed_dir) as srv:
            urls = [srv.url(f"feed{i}.xml") for i in range(a.feeds)]
            for run in range(1, a.runs + 1):
                order = tools[run - 1:] + tools[:run - 1]  # interleaved, a different tool first each run
                for tool in order:
                    if tool in skipped:
                        continue
                    setup, count = TOOLS[tool]
                    dest = tmp / f"{tool}-{run}"
                    cmd = setup_orm_in(a.baseline, dest, urls) if tool == "orm@baseline" else setup(dest, urls)
                    if cmd is None:
                        skipped[tool] = ("not installed: apt-get install -y newsboat" if tool == "newsboat"
                                         else "not installed: pip install reader")
                        print(f"skipping {tool}: {skipped[tool]}", file=sys.stderr)
                        continue
                    cmd = [c.replace("{jobs}", str(a.jobs)) for c in cmd]
                    for f in dest.glob("config"):
                        f.write_text(f.read_text().replace("{jobs}", str(a.jobs)))
                    env = (_env(a.baseline) if tool == "orm@baseline" else
                           {**_env(), "HOME": str(dest)} if tool == "newsboat" else _env())
                    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
                    t = time.perf_counter()
                    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600,
                                          stdin=subprocess.DEVNULL)
                    seconds = time.perf_counter() - t
                    ru2 = resource.getrusage(resource.RUSAGE_CHILDREN)  # the command and its children
                    cpu = ru2.ru_utime + ru2.ru_stime - ru.ru_utime - ru.ru_stime
                    if proc.returncode != 0:
                        print(f"{tool} exited {proc.returncode}: {proc.stderr[-500:]}", file=sys.stderr)
                    entries = count(dest)
                    rows.append({"run": run, "tool": tool, "seconds": round(seconds, 3), "cpu_s": round(cpu, 2),
                                 "entries": entries,
                                 "entries_per_s": round(entries / seconds), "exit": proc.returncode})
                    print(f"run {run} {tool:8} {seconds:6.2f} s  {cpu:6.2f} CPU-s  {entries:,} entries",
                          file=sys.stderr, flush=True)
                    shutil.rmtree(dest, ignore_errors=True)
    medians = {t: statistics.median(r["seconds"] for r in rows if r["tool"] == t)
               for t in tools if any(r["tool"] == t for r in rows)}
    cpus = {t: statistics.median(r["cpu_s"] for r in rows if r["tool"] == t) for t in medians}
    print(table(rows, ["run", "tool", "seconds", "cpu_s", "entries", "entries_per_s", "exit"]))
    print()
    for t, m in medians.items():
        print(f"{t:12} median {m:.2f} s, {cpus[t]:.2f} CPU-s")
    ratio = medians["orm"] / medians["newsboat"] if "orm" in medians and "newsboat" in medians else None
    if ratio is not None:
        print(f"orm / newsboat = {ratio:.2f} ({'orm no slower' if ratio <= 1 else 'orm slower'}); "
              f"CPU-s ratio {cpus['orm'] / cpus['newsboat']:.2f}")
    for t, why in skipped.items():
        print(f"{t}: skipped ({why})")
    if "orm@baseline" in medians:
        print(f"orm / orm@baseline = {medians['orm'] / medians['orm@baseline']:.2f}")
    path = write_json("peers", {"feeds": a.feeds, "bytecode": not a.source, "baseline": str(a.baseline or ""), "entries_per_feed": a.entries, "jobs": a.jobs,
                                "feed_mib": round(size / 2**20, 1), "runs": rows, "median_seconds": medians, "median_cpu_s": cpus,
                                "orm_over_newsboat": ratio, "skipped": skipped})
    print(f"wrote {path}")
    print(json.dumps(medians))


if __name__ == "__main__":
    main()
