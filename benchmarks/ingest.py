"""Ingest benchmark (foundation issue): 200 feeds x 25 entries served from 127.0.0.1 into a
workspace already holding 1,000,000 mentions. Budget: >= 1,000 entries/s end to end.

    python benchmarks/ingest.py [--mentions 1000000] [--feeds 200] [--entries 25] [--jobs 4] [--runs 3] [--profile]

Each run copies the cached generated workspace, writes fresh feed files (unique URLs), serves them
with a real http.server, imports them as OPML and times ``Service.fetch`` (fetch, parse,
sanitize, dedupe, match, score, store). Prints a table and writes benchmarks/out/ingest.json.
"""

from __future__ import annotations

import argparse
import html
import random
import statistics
import tempfile
import time
from pathlib import Path

from _common import StaticServer, cached_workspace, copy_workspace, table, write_json

NAMES = ["Acme", "Jane Doe", "Globex", "Initech", "Raj Patel", "Acme Model 3", "Hooli", "Mia Chen"]
GENERIC = ["The company", "A spokesperson", "Industry analysts", "The regulator", "Local officials",
           "Customers", "The board", "Rivals", "Investors", "The city council"]
TAILS = ["according to people familiar with the matter", "the report said", "in a statement on Monday",
         "as demand shifted across the sector", "despite a difficult quarter", "analysts noted"]
PHRASES = ["reported strong results and praised its team", "faced complaints about slow delivery and refunds",
           "announced a partnership with a regional transit authority", "was criticised for a week-long outage",
           "opened a new store downtown to long queues", "said the recall would cost millions",
           "won an award for design and reliability", "declined to comment on the lawsuit"]


def write_feeds(directory: Path, feeds: int, entries: int, run: int, rng: random.Random) -> None:
    for f in range(feeds):
        items = []
        for e in range(entries):
            # like real articles: the subject in the title and in some sentences, a second
            # entity in some items, most sentences about neither
            who = rng.sample(NAMES, 2)
            paras = []
            for _ in range(rng.randint(3, 8)):
                sentences = []
                for _ in range(rng.randint(2, 4)):
                    roll = rng.random()
                    subject = who[0] if roll < 0.3 else who[1] if roll < 0.4 else rng.choice(GENERIC)
                    sentences.append(f"{subject} {rng.choice(PHRASES)}, {rng.choice(TAILS)}.")
                paras.append("<p>" + " ".join(sentences) + "</p>")
            body = "".join(paras)
            items.append(
                f"<item><title>{html.escape(who[0])} {rng.choice(PHRASES)[:40]} ({run}-{f}-{e})</title>"
                f"<link>https://bench{f}.example/{run}/{e}?utm_source=rss</link>"
                f"<pubDate>{time.strftime('%a, %d %b %Y %H:%M:%S GMT', time.gmtime(time.time() - rng.randint(0, 86400)))}</pubDate>"
                f"<description>{html.escape(body)}</description></item>")
        (directory / f"feed{f}.xml").write_text(
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>Bench {f}</title>{"".join(items)}</channel></rss>')


def one_run(base: Path, tmp: Path, feeds: int, entries: int, jobs: int, run: int, profile: bool) -> dict:
    from orm_desktop.service import Service

    rng = random.Random(run)
    feed_dir = tmp / f"feeds{run}"
    feed_dir.mkdir()
    write_feeds(feed_dir, feeds, entries, run, rng)
    ws = copy_workspace(base, tmp / f"ws{run}")
    svc = Service.open(ws)
    before = svc.count_mentions()
    with StaticServer(feed_dir) as srv:
        opml = tmp / f"feeds{run}.opml"
        opml.write_text("<opml><body>" + "".join(
            f'<outline title="Bench {f}" xmlUrl="{srv.url(f"feed{f}.xml")}" kind="news"/>' for f in range(feeds))
            + "</body></opml>")
        svc.import_opml(opml)
        ids = [f.id for f in svc.feeds() if "127.0.0.1" in f.url]
        if profile:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            prof.enable()
        t = time.perf_counter()
        summary = svc.fetch(jobs=jobs, feed_ids=ids)
        seconds = time.perf_counter() - t
        if profile:
            prof.disable()
            out = Path(__file__).parent / "out" / "ingest-profile.txt"
            with out.open("w") as fh:
                pstats.Stats(prof, stream=fh).sort_stats("cumulative").print_stats(40)
    after = svc.count_mentions()
    svc.close()
    return {"run": run, "entries": summary.entries, "new_items": summary.new_items,
            "new_mentions": summary.new_mentions, "failed": summary.failed, "seconds": round(seconds, 2),
            "entries_per_s": round(summary.entries / seconds), "mentions_before": before, "mentions_after": after}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--mentions", type=int, default=1_000_000)
    p.add_argument("--feeds", type=int, default=200)
    p.add_argument("--entries", type=int, default=25)
    p.add_argument("--jobs", type=int, default=4)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--profile", action="store_true", help="write a cProfile of the last run")
    a = p.parse_args()
    base = cached_workspace(a.mentions)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(1, a.runs + 1):
            rows.append(one_run(base, Path(tmp), a.feeds, a.entries, a.jobs, run, a.profile and run == a.runs))
            print(table(rows[-1:], list(rows[-1])))
    rates = [r["entries_per_s"] for r in rows]
    median = statistics.median(rates)
    print(f"\ningest into a {a.mentions:,}-mention workspace: median {median:,.0f} entries/s "
          f"(budget >= 1,000) over {len(rows)} runs: {rates}")
    write_json("ingest", {"budget_entries_per_s": 1000, "median_entries_per_s": median, "runs": rows,
                          "workspace_mentions": a.mentions, "feeds": a.feeds, "entries_per_feed": a.entries,
                          "jobs": a.jobs})


if __name__ == "__main__":
    main()
