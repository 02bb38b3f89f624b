"""Does the fast path (feedparser-rs) give exactly what feedparser gives? (issue 18)

    pip download --no-deps --no-binary :all: feedparser==6.0.14 -d /tmp/fp && tar xzf /tmp/fp/*.tar.gz -C /tmp/fp
    python benchmarks/parser_equivalence.py /tmp/fp/feedparser-6.0.14/tests [MORE_DIRS...]

Every file under the given folders is parsed twice by ``parse_feed``: once with feedparser
only (the reference) and once with the fast path allowed. The whole results are compared:
status, message, feed title and every field of every item (guid, URL, title, text, sanitized
HTML, author, date, rating). The fast path must be IDENTICAL wherever it is taken; a file it
declines goes to feedparser and is identical by construction. Also times both over the files the
fast path takes. Prints a table, lists every difference, writes
benchmarks/out/parser_equivalence.json; exits 1 if any file differs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from _common import table, write_json

from orm_desktop.ingest.parse import parse_feed

NOW = 1_795_000_000
SUFFIXES = {".xml", ".rss", ".atom", ".rdf", ".feed"}


def compare(root: Path) -> dict:
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
    taken = same = 0
    diffs: list[str] = []
    crashed: list[str] = []
    t_ref = t_fast = 0.0
    for path in files:
        body = path.read_bytes()
        url = f"https://corpus.example/{path.name}"
        try:
            a = parse_feed(body, url, now=NOW, kind="review", fast=False)
            t = time.perf_counter()
            b = parse_feed(body, url, now=NOW, kind="review", fast=True)
            dt = time.perf_counter() - t
        except Exception as exc:  # noqa: BLE001 - a crash is a finding, not the end of the run
            crashed.append(f"{path.relative_to(root)}: {type(exc).__name__}: {exc}"[:300])
            continue
        if b.parser != "feedparser-rs":
            continue
        taken += 1
        t_fast += dt
        t = time.perf_counter()
        parse_feed(body, url, now=NOW, kind="review", fast=False)
        t_ref += time.perf_counter() - t
        if (a.status, a.message, a.feed_title, a.items) == (b.status, b.message, b.feed_title, b.items):
            same += 1
        else:
            diffs.append(f"{path.relative_to(root)}: {_first_difference(a, b)}")
    return {"corpus": str(root), "files": len(files), "fast_path": taken, "identical": same,
            "different": len(diffs), "crashed": len(crashed), "feedparser_s": round(t_ref, 3),
            "fast_s": round(t_fast, 3), "differences": diffs, "crashes": crashed}


def _first_difference(a, b) -> str:
    for name in ("status", "message", "feed_title"):
        if getattr(a, name) != getattr(b, name):
            return f"{name}: {getattr(a, name)!r} != {getattr(b, name)!r}"[:300]
    if len(a.items) != len(b.items):
        return f"{len(a.items)} items != {len(b.items)}"
    for i, (x, y) in enumerate(zip(a.items, b.items, strict=True)):
        for f in x.__slots__:
            if getattr(x, f) != getattr(y, f):
                return f"item {i} {f}: {getattr(x, f)!r} != {getattr(y, f)!r}"[:300]
    return "?"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("corpus", nargs="+", type=Path, help="folders of feed files")
    a = p.parse_args()
    results = [compare(root) for root in a.corpus]
    print(table(results, ["corpus", "files", "fast_path", "identical", "different", "crashed", "feedparser_s",
                          "fast_s"]))
    total = {k: sum(r[k] for r in results) for k in ("files", "fast_path", "identical", "different", "crashed")}
    print(f"\ntotal: {total}")
    for r in results:
        for line in r["differences"] + r["crashes"]:
            print(f"  {Path(r['corpus']).name}: {line}")
    path = write_json("parser_equivalence", {"results": results, "total": total})
    print(f"wrote {path}")
    sys.exit(1 if total["different"] or total["crashed"] else 0)


if __name__ == "__main__":
    main()
