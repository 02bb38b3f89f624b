"""`orm-desktop feeds import|export|list|add|edit|remove|enable|disable`."""

from __future__ import annotations

import sys

from orm_desktop.cli._common import FORMATS, emit, iso, open_service, read_path
from orm_desktop.types import FEED_KINDS


def register(sub) -> None:
    p = sub.add_parser("feeds", help="manage feeds (OPML import/export, list, add, remove)",
                       description="Examples: orm-desktop feeds import feeds.opml; orm-desktop feeds list")
    s = p.add_subparsers(dest="feeds_cmd", metavar="ACTION", required=True)
    a = s.add_parser("import", help="import an OPML 1.0/2.0 file (nested outlines become categories)")
    a.add_argument("file")
    a.set_defaults(func=cmd_import)
    a = s.add_parser("export", help="export the feeds as OPML 2.0 (to FILE, or stdout)")
    a.add_argument("file", nargs="?")
    a.set_defaults(func=cmd_export)
    a = s.add_parser("list", help="list feeds with their health")
    a.add_argument("--format", choices=FORMATS, default="table")
    a.set_defaults(func=cmd_list)
    a = s.add_parser("add", help="add a feed URL (a URL with {query} is expanded once per entity)")
    a.add_argument("url")
    a.add_argument("--title", default="")
    a.add_argument("--kind", choices=FEED_KINDS, default="news")
    a.add_argument("--category", default="")
    a.add_argument("--weight", type=float, default=1.0, help="reach weight (default 1.0)")
    a.set_defaults(func=cmd_add)
    a = s.add_parser("edit", help="change a feed's URL, title, kind, category or weight",
                     description="Example: orm-desktop feeds edit 3 --title 'Acme blog' --if-version 2 "
                                 "(--if-version: only if nobody saved it since you read version 2)")
    a.add_argument("id", type=int)
    a.add_argument("--url")
    a.add_argument("--title")
    a.add_argument("--kind", choices=FEED_KINDS)
    a.add_argument("--category")
    a.add_argument("--weight", type=float)
    a.add_argument("--if-version", type=int, metavar="V", help=IF_VERSION)
    a.set_defaults(func=cmd_edit)
    for name, fn in (("remove", cmd_remove), ("enable", cmd_enable), ("disable", cmd_disable)):
        a = s.add_parser(name, help=f"{name} a feed by id")
        a.add_argument("id", type=int)
        a.add_argument("--if-version", type=int, metavar="V", help=IF_VERSION)
        a.set_defaults(func=fn)


IF_VERSION = "only if the feed is still at row version V (as `feeds list --format json` showed it)"


def cmd_import(args) -> int:
    svc = open_service(args)
    added, updated, problems = svc.import_opml(read_path(args.file))
    for msg in problems:
        print(f"warning: {msg}", file=sys.stderr)
    print(f"imported {added} new feeds, updated {updated}"
          + (f", {len(problems)} problems (see above)" if problems else ""))
    return 1 if problems else 0  # the good outlines are stored; the problems need a look


def cmd_export(args) -> int:
    svc = open_service(args)
    text = svc.export_opml(args.file)
    if not args.file:
        sys.stdout.write(text)
    else:
        print(f"wrote {args.file}", file=sys.stderr)
    return 0


def cmd_list(args) -> int:
    svc = open_service(args)
    rows = [{"id": f.id, "kind": f.kind, "title": f.title, "url": f.url, "category": f.category,
             "weight": f.weight, "enabled": f.enabled, "status": f.last_status or "never",
             "error": f.last_error, "last_fetched": iso(f.last_fetched), "next_due": iso(f.next_due),
             "items": f.items_total, "version": f.version} for f in svc.feeds()]
    if args.format not in ("json", "jsonl", "csv"):  # the table is for people: words, not tokens
        from orm_desktop.feedstatus import status_text

        for r in rows:
            r["status"] = ("disabled" if not r["enabled"] else
                           status_text(r["status"], r["error"] or "") if r["status"] != "never" else "never fetched")
    emit(rows, args.format, ["id", "kind", "title", "status", "items", "last_fetched", "url"],
         widths={"title": 36, "url": 60})
    return 0


def cmd_add(args) -> int:
    svc = open_service(args)
    added = svc.add_feed(args.url, title=args.title, kind=args.kind, category=args.category,
                         weight=args.weight)
    print(f"added {len(added)} feed(s)" if added else "feed already present (updated)")
    return 0


def _toggle(args, enabled: bool | None) -> int:
    svc = open_service(args)
    svc.feed(args.id)  # a clear error for an unknown id
    if enabled is None:
        svc.remove_feed(args.id, expected_version=args.if_version)
    else:
        svc.update_feed(args.id, enabled=int(enabled), expected_version=args.if_version)
    return 0


def cmd_edit(args) -> int:
    from orm_desktop.errors import UsageError

    svc = open_service(args)
    svc.feed(args.id)
    fields = {k: v for k, v in (("url", args.url), ("title", args.title), ("kind", args.kind),
                                ("category", args.category), ("weight", args.weight)) if v is not None}
    if not fields:
        raise UsageError("nothing to change: give --url, --title, --kind, --category or --weight")
    f = svc.update_feed(args.id, expected_version=args.if_version, **fields)
    print(f"saved feed {f.id} {f.title or f.url!r} (version {f.version})")
    return 0


def cmd_remove(args) -> int:
    return _toggle(args, None)


def cmd_enable(args) -> int:
    return _toggle(args, True)


def cmd_disable(args) -> int:
    return _toggle(args, False)
