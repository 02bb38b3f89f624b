"""`orm-desktop feeds import|export|list|add|remove|enable|disable`."""

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
    for name, fn in (("remove", cmd_remove), ("enable", cmd_enable), ("disable", cmd_disable)):
        a = s.add_parser(name, help=f"{name} a feed by id")
        a.add_argument("id", type=int)
        a.set_defaults(func=fn)


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
             "items": f.items_total} for f in svc.feeds()]
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
    if not any(f.id == args.id for f in svc.feeds()):
        from orm_desktop.errors import UsageError

        raise UsageError(f"no feed with id {args.id} (see `orm-desktop feeds list`)")
    if enabled is None:
        svc.remove_feed(args.id)
    else:
        svc.update_feed(args.id, enabled=int(enabled))
    return 0


def cmd_remove(args) -> int:
    return _toggle(args, None)


def cmd_enable(args) -> int:
    return _toggle(args, True)


def cmd_disable(args) -> int:
    return _toggle(args, False)
