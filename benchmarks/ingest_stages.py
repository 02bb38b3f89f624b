"""Serial CPU time of each preparation stage of a refresh (issue 18): the peers load (200 feeds x
25 entries, the 40 generated entities) parsed, language-detected, matched, scored toward each
entity and classified, one stage at a time in this process, timed with ``time.process_time``
(CPU, so less sensitive to other processes than wall time; still inflated on a busy machine).

    python benchmarks/ingest_stages.py [--feeds 200] [--entries 25] [--lang-chars 300] [--runs 2]

``--lang-chars``: how much of the text the pipeline gives the language detector (300 since the
issue 18 speed round, 600 before). To measure another source tree, copy this file into its
benchmarks/ and run it there. Prints a table; writes benchmarks/out/ingest_stages.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from _common import table, write_json
from ingest import write_feeds
from peers import setup_orm


def one_run(feeds: int, entries: int, lang_chars: int) -> dict[str, float]:
    from orm_desktop.analysis import language, sentiment
    from orm_desktop.analysis.language import detect

    detect_many = getattr(language, "detect_many", None)
    from orm_desktop.ingest import pipeline
    from orm_desktop.ingest.parse import parse_feed
    from orm_desktop.service import Service

    spent: dict[str, float] = {}

    def timed(stage: str, fn, *args, **kwargs):
        t = time.process_time()
        out = fn(*args, **kwargs)
        spent[stage] = spent.get(stage, 0.0) + time.process_time() - t
        return out

    with tempfile.TemporaryDirectory(prefix="orm-stages-") as tmp_s:
        tmp = Path(tmp_s)
        (tmp / "feeds").mkdir()
        write_feeds(tmp / "feeds", feeds, entries, "stages", random.Random(7))
        setup_orm(tmp / "ws", [f"http://127.0.0.1:9/feed{i}.xml" for i in range(feeds)])
        svc = Service.open(tmp / "ws")
        now = int(time.time())
        enricher = pipeline.Enricher.for_workspace(svc.conn, now)
        detect("the language model is loaded before the clock starts")
        items, langs = [], []
        for i in range(feeds):
            body = (tmp / "feeds" / f"feed{i}.xml").read_bytes()
            feed_items = timed("parse (fast path + sanitize)", parse_feed, body, url="http://127.0.0.1:9/",
                               headers={}, now=now, kind="news").items
            items += feed_items
            texts = [f"{it.title}. {it.text[:lang_chars]}" for it in feed_items]
            if detect_many is not None:  # as the pipeline does since issue 18: a feed's entries at once
                langs += timed("language", detect_many, texts)
            else:
                langs += [timed("language", detect, t) for t in texts]
        multi = pipeline.MultiMatcher([m.query for m in enricher.matchers])
        hits = [timed("matching", multi.matching, f"{it.title}\n\n{it.text}") for it in items]
        mentions = 0
        for it, lang, found in zip(items, langs, hits, strict=True):
            for index in found:
                m = enricher.matchers[index]
                mentions += 1
                ts = timed("targeted scoring", sentiment.score_toward, it.title, it.text, m.query.spans,
                           engine=enricher.engine, rating=it.rating, lang=lang)
                row = {"evidence": json.dumps([list(e) for e in ts.evidence]), "evidence_pairs": ts.evidence,
                       "title": it.title,
                       "text": it.text, "taxonomy": enricher.taxonomy}
                for fn in enricher.extra:
                    timed("topics and journey stage", fn, row)
        svc.close()
    spent["entries"], spent["mentions"] = len(items), mentions
    return spent


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--feeds", type=int, default=200)
    p.add_argument("--entries", type=int, default=25)
    p.add_argument("--lang-chars", type=int, default=300)
    p.add_argument("--runs", type=int, default=2)
    a = p.parse_args()
    runs = [one_run(a.feeds, a.entries, a.lang_chars) for _ in range(a.runs)]
    stages = [k for k in runs[0] if k not in ("entries", "mentions")]
    rows = [{"stage": s, "cpu_s": round(statistics.median(r[s] for r in runs), 3),
             "ms_per_entry": round(1000 * statistics.median(r[s] for r in runs) / runs[0]["entries"], 3),
             "runs": ", ".join(f"{r[s]:.2f}" for r in runs)} for s in stages]
    total = [sum(r[s] for s in stages) for r in runs]
    rows.append({"stage": "total", "cpu_s": round(statistics.median(total), 3),
                 "ms_per_entry": round(1000 * statistics.median(total) / runs[0]["entries"], 3),
                 "runs": ", ".join(f"{t:.2f}" for t in total)})
    print(f"{runs[0]['entries']:,} entries, {runs[0]['mentions']:,} mentions; serial CPU, median of {a.runs}")
    print(table(rows, ["stage", "cpu_s", "ms_per_entry", "runs"]))
    print(f"wrote {write_json('ingest_stages', {'lang_chars': a.lang_chars, 'runs': runs, 'rows': rows})}")


if __name__ == "__main__":
    main()
