"""`orm-desktop fetch [--jobs N] [--due]`: progress on stderr, summary on stdout.

Plain `fetch` asks every enabled feed (conditional GET keeps unchanged ones cheap); `--due`
(for cron) only the feeds whose time has come. Exit code 0 when every feed was fetched, 1 when
some failed (all others stored)."""

from __future__ import annotations

import json
import sys

from orm_desktop.cli._common import open_service
from orm_desktop.errors import UsageError


def register(sub) -> None:
    p = sub.add_parser("fetch", help="refresh every enabled feed (--due: only those due; progress on stderr, "
                       "summary on stdout)",
                       description="Example: orm-desktop fetch --jobs 8   (from cron: orm-desktop fetch --due -q)")
    p.add_argument("--jobs", "-j", type=int, default=4, help="concurrent downloads (default 4)")
    p.add_argument("--due", action="store_true",
                   help="only feeds that are due (as the app's timer does); failing feeds wait for their backoff")
    p.add_argument("--all", action="store_true", help="every enabled feed (the default; kept for scripts)")
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

    if args.due and (args.all or args.feed):
        raise UsageError("--due cannot be combined with --all or --feed")
    s = svc.fetch(jobs=args.jobs, due_only=args.due, feed_ids=args.feed, progress=progress)
    if args.json:
        print(json.dumps({"scope": s.scope, "not_due": s.not_due, "feeds": s.feeds, "ok": s.ok, "not_modified": s.not_modified,
                          "failed": s.failed, "entries": s.entries, "new_items": s.new_items,
                          "new_mentions": s.new_mentions, "seconds": s.seconds,
                          "failures": [dict(zip(("url", "status", "message"), f, strict=True))
                                       for f in s.failures]}))
    else:
        print(s.describe())
        for url, status, message in s.failures:
            print(f"  failed: {url}: {status}: {message}")
    return 1 if s.failed else 0
