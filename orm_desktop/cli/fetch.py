"""`orm-desktop fetch [--jobs N] [--due]`: progress on stderr, summary on stdout.

Plain `fetch` asks every enabled feed (conditional GET keeps unchanged ones cheap); `--due`
(for cron) only the feeds whose time has come. Exit code 0 when every feed was fetched, 1 when
some failed (all others stored). Another refresh running (the workspace's lock) is not a failure:
a line on stderr, exit 0, and with --json the summary on stdout with "skipped": true and the
"reason" (counts 0)."""

from __future__ import annotations

import functools
import json
import sys

from orm_desktop.cli._common import open_service
from orm_desktop.errors import LockBusy, UsageError
from orm_desktop.feedstatus import status_text
from orm_desktop.textsafe import display_text


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
    p.add_argument("--loop", action="store_true",
                   help="run headless (on a server): fetch the due feeds every --interval seconds, one log line "
                        "per round, until SIGTERM or Ctrl+C; a round another refresh holds the lock for is skipped")
    p.add_argument("--interval", type=float, default=60.0, metavar="S",
                   help="with --loop: seconds between rounds (default 60)")
    p.set_defaults(func=cmd_fetch)


def cmd_fetch(args) -> int:
    from orm_desktop.service import start_refresh_workers, stop_refresh_workers

    # before the workspace is opened: the workers are forked, not spawned (not for a few --feed)
    start_refresh_workers(len(args.feed) if args.feed else None)
    if args.loop:
        if args.all or args.feed or args.json:
            raise UsageError("--loop fetches the due feeds; it cannot be combined with --all, --feed or --json")
        if not 1 <= args.interval <= 86_400:
            raise UsageError("--interval must be between 1 and 86400 seconds")
        return fetch_loop(open_service(args), interval=args.interval, jobs=args.jobs)
    svc = open_service(args)
    _no_final_collection()
    try:
        return _fetch_once(args, svc)
    finally:
        # now, not in the interpreter's teardown (_no_final_collection): the workers first, so
        # that this connection is the file's last and its close folds the WAL into the file
        stop_refresh_workers()
        svc.close()


@functools.cache  # registered once per process
def _no_final_collection() -> None:
    """At exit, ``gc.freeze()`` first: the interpreter's final collections then skip every object
    alive (the models and modules the refresh loaded, ~0.05-0.1 CPU-s of a one-shot ``fetch``
    after the peers refresh). Nothing left needs them to be finalised: cmd_fetch stops the workers
    and closes the workspace itself, and files and streams are flushed by their own exit code."""
    import atexit
    import gc

    atexit.register(gc.freeze)


def _fetch_once(args, svc) -> int:
    tty = sys.stderr.isatty()

    def progress(done: int, total: int, msg: str) -> None:
        if args.quiet:
            return
        line = f"[{done}/{total}] {display_text(msg)}"  # a feed's own title: no terminal escapes from it
        if tty:
            sys.stderr.write("\r\033[K" + line[:150])
            if done == total:
                sys.stderr.write("\n")
        else:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()

    if args.due and (args.all or args.feed):
        raise UsageError("--due cannot be combined with --all or --feed")
    try:
        s = svc.fetch(jobs=args.jobs, due_only=args.due, feed_ids=args.feed, progress=progress)
    except LockBusy as exc:  # not a failure: the running refresh brings the feeds in
        print(f"orm-desktop: {exc}", file=sys.stderr)
        if args.json:  # a script reading stdout still gets its summary: nothing fetched, and why
            scope = "selected" if args.feed else ("due" if args.due else "all")
            print(json.dumps({"skipped": True, "reason": str(exc), "scope": scope, "not_due": 0, "feeds": 0,
                              "ok": 0, "not_modified": 0, "failed": 0, "entries": 0, "new_items": 0,
                              "new_mentions": 0, "seconds": 0.0, "failures": []}))
        return 0
    if args.json:
        print(json.dumps({"skipped": False, "scope": s.scope, "not_due": s.not_due, "feeds": s.feeds, "ok": s.ok, "not_modified": s.not_modified,
                          "failed": s.failed, "entries": s.entries, "new_items": s.new_items,
                          "new_mentions": s.new_mentions, "seconds": s.seconds,
                          "failures": [dict(zip(("url", "status", "message"), f, strict=True))
                                       for f in s.failures]}))
    else:
        print(s.describe())
        for url, status, message in s.failures:
            print(display_text(f"  failed: {url}: {status_text(status, message)}: {message}"))
    return 1 if s.failed else 0


class StopFlag:
    """A stop request a signal handler can make. ``threading.Event.set()`` takes the lock that
    ``Event.wait()`` holds between bytecodes, and a Python signal handler runs between the main
    thread's bytecodes: a SIGTERM landing there blocked ``fetch --loop`` for good (seen once in a
    whole-suite run under load). Setting an attribute takes no lock; ``wait`` sleeps in short
    steps. Duck-types the Event the fetch checks (``is_set``)."""

    def __init__(self) -> None:
        self.reason = ""

    def set(self, reason: str = "stop") -> None:
        self.reason = reason

    def clear(self) -> None:
        self.reason = ""

    def is_set(self) -> bool:
        return bool(self.reason)

    def wait(self, timeout: float) -> bool:
        import time

        deadline = time.monotonic() + timeout
        while not self.reason and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(left, 0.05))
        return self.is_set()


def fetch_loop(svc, *, interval: float, jobs: int = 4, out=None) -> int:
    """Fetch the due feeds every ``interval`` seconds until SIGTERM / SIGINT (then finish the feed
    in flight, log, exit 0). One line per round on stdout; errors the user can act on (network,
    database down, another refresh running) are logged and the loop goes on."""
    import signal
    import time

    from orm_desktop.errors import KnownError

    out = out or sys.stdout
    stop = StopFlag()
    previous = {}

    def on_signal(signum, _frame) -> None:
        # no lock and no buffered output here (see StopFlag): the loop says it once it sees the flag
        stop.set(signal.Signals(signum).name)

    def log(text: str) -> None:
        out.write(time.strftime("%Y-%m-%dT%H:%M:%SZ ", time.gmtime()) + text + "\n")
        out.flush()

    for sig in (signal.SIGTERM, signal.SIGINT):
        previous[sig] = signal.signal(sig, on_signal)
    rounds = 0
    log(f"fetch loop started on {svc.ws.root}: due feeds every {interval:g} s (SIGTERM or Ctrl+C stops)")
    try:
        while not stop.is_set():
            rounds += 1
            try:
                s = svc.fetch(jobs=jobs, due_only=True, cancel=stop)
            except LockBusy as exc:
                log(f"round {rounds}: skipped: {exc}")
            except KnownError as exc:  # the server went away, a disk filled...: say so, reconnect next round
                log(f"round {rounds}: failed: {exc}")
                svc.close()
            else:
                log(f"round {rounds}: {s.describe()}")
            stop.wait(interval)
        log(f"{stop.reason}: stopping (the feeds fetched are kept)")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log(f"fetch loop stopped after {rounds} round(s)")
    return 0
