"""`orm-desktop fetch [--jobs N]`: progress on stderr, summary on stdout.

Exit code 0 when every feed was fetched, 1 when some failed (all others stored)."""

from __future__ import annotations

import json
import sys

from orm_desktop.cli._common import open_service


def register(sub) -> None:
    p = sub.add_parser("fetch", help="refresh due feeds (progress on stderr, summary on stdout)",
                       description="Example: orm-desktop fetch --jobs 8")
    p.add_argument("--jobs", "-j", type=int, default=4, help="concurrent downloads (default 4)")
    p.add_argument("--all", action="store_true", help="also fetch feeds that are backing off after errors")
    p.add_argument("--feed", type=int, action="append", help="fetch only this feed id (repeatable)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    p.set_defaults(func=cmd_fetch)


def cmd_fetch(args) -> int:
    svc = open_service(args)
    tty = sys.stderr.isatty()

    def progress(done: int, total: int, msg: str) -> None:
        if args.quiet:
            return
        line = f"[{done}/{total}] {msg}"
        if tty:
            sys.stderr.write("\r\033[K" + line[:150])
            if done == total:
                sys.stderr.write("\n")
        else:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()

    s = svc.fetch(jobs=args.jobs, force=args.all, feed_ids=args.feed, progress=progress)
    if args.json:
        print(json.dumps({"feeds": s.feeds, "ok": s.ok, "not_modified": s.not_modified,
                          "failed": s.failed, "entries": s.entries, "new_items": s.new_items,
                          "new_mentions": s.new_mentions, "seconds": s.seconds,
                          "failures": [dict(zip(("url", "status", "message"), f, strict=True))
                                       for f in s.failures]}))
    else:
        print(f"{s.feeds} feeds: {s.ok} ok, {s.not_modified} not modified, {s.failed} failed; "
              f"{s.entries} entries, {s.new_items} new items, {s.new_mentions} new mentions "
              f"in {s.seconds:.1f} s")
        for url, status, message in s.failures:
            print(f"  failed: {url}: {status}: {message}")
    return 1 if s.failed else 0
