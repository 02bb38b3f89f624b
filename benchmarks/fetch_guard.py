"""Cost of the hostile-server guard on fetching (issue 13 #5, #9): the per-request watchdog
(one timer thread) and the connected-address check, against plain requests with the same
session settings. 200 requests of a 40 KiB feed from a real 127.0.0.1 server, one thread and
four, medians of 5 runs. Also: how long a trickling server holds a request (deadline 2 s).

    python benchmarks/fetch_guard.py [--requests 200] [--runs 5]

Prints a table and writes benchmarks/out/fetch_guard.json.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import StaticServer, table, write_json  # noqa: E402

from orm_desktop.ingest import fetch  # noqa: E402


def plain_get(session, url: str) -> int:
    r = session.get(url, timeout=(5, 15))
    return len(r.content)


def run(n: int, jobs: int, guarded: bool, url: str) -> float:
    limits = fetch.FetchLimits()
    sessions = [fetch._make_session(limits) if guarded else __import__("requests").Session() for _ in range(jobs)]

    def one(i: int) -> int:
        s = sessions[i % jobs]
        if guarded:
            return len(fetch.fetch_one(fetch.FetchRequest(i, url), limits, s).body or b"")
        return plain_get(s, url)

    started = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        sizes = list(pool.map(one, range(n)))
    assert all(sizes), "a request failed"
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "feed.xml").write_bytes(b"<rss>" + b"x" * 40_000 + b"</rss>")
        with StaticServer(Path(d)) as server:
            url = server.url("/feed.xml") if hasattr(server, "url") else f"http://127.0.0.1:{server.port}/feed.xml"
            for jobs in (1, 4):
                times = {g: [] for g in (False, True)}
                for _ in range(args.runs):
                    for g in (False, True):
                        times[g].append(run(args.requests, jobs, g, url))
                plain, guarded = statistics.median(times[False]), statistics.median(times[True])
                rows.append({"threads": jobs, "requests": args.requests,
                             "plain req/s": args.requests / plain, "guarded req/s": args.requests / guarded,
                             "extra ms/request": (guarded - plain) / args.requests * 1000 * jobs})
    from tests.feedserver import FeedServer

    with FeedServer() as s:
        t = time.perf_counter()
        r = fetch.fetch_one(fetch.FetchRequest(1, s.url("/drip")), fetch.FetchLimits(total_timeout=2.0))
        held = time.perf_counter() - t
    print(table(rows, ["threads", "requests", "plain req/s", "guarded req/s", "extra ms/request"]))
    print(f"a server trickling 10 bytes/s held a request {held:.2f} s with a 2 s deadline (status {r.status})")
    path = write_json("fetch_guard", {"rows": rows, "trickle_held_s": held, "trickle_status": r.status})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
