"""`orm-desktop entities add|edit|list|remove|test`."""

from __future__ import annotations

from orm_desktop.cli._common import FORMATS, emit, open_service
from orm_desktop.types import ENTITY_KINDS


def register(sub) -> None:
    p = sub.add_parser("entities", help="manage the brand, executives, competitors and products",
                       description='Example: orm-desktop entities add brand Acme --query \'"Acme Corp" OR Acme -"Acme anvil"\'')
    s = p.add_subparsers(dest="entities_cmd", metavar="ACTION", required=True)
    a = s.add_parser("add", help="add an entity with a boolean keyword query")
    a.add_argument("kind", choices=ENTITY_KINDS)
    a.add_argument("name")
    a.add_argument("--query", "-q", help='boolean query (default: the quoted name), e.g. \'"Jane Doe" AND (Acme OR CEO)\'')
    a.add_argument("--alias", action="append", default=[], help="another name that counts (repeatable)")
    a.add_argument("--importance", type=float, default=1.0)
    a.add_argument("--title", default="", help="job title (executives)")
    a.set_defaults(func=cmd_add)
    a = s.add_parser("edit", help="change an entity's name, kind, query, aliases, importance or title",
                     description="Example: orm-desktop entities edit Acme --alias ACME --if-version 3 "
                                 "(--if-version: only if nobody saved it since you read version 3)")
    a.add_argument("name", help="the entity's current name (or id)")
    a.add_argument("--name", dest="new_name", help="a new name")
    a.add_argument("--kind", choices=ENTITY_KINDS)
    a.add_argument("--query", "-q")
    a.add_argument("--alias", action="append", help="replaces the aliases (repeatable; --alias '' clears them)")
    a.add_argument("--importance", type=float)
    a.add_argument("--title", help="job title (executives)")
    a.add_argument("--if-version", type=int, metavar="V",
                   help="only if the entity is still at row version V (as `entities list --format json` showed it)")
    a.set_defaults(func=cmd_edit)
    a = s.add_parser("list", help="list entities with their mention counts")
    a.add_argument("--format", choices=FORMATS, default="table")
    a.set_defaults(func=cmd_list)
    a = s.add_parser("remove", help="remove an entity and its mentions")
    a.add_argument("name")
    a.add_argument("--if-version", type=int, metavar="V", help="only if the entity is still at row version V")
    a.set_defaults(func=cmd_remove)
    a = s.add_parser("test", help="check a query and count the stored items it matches")
    a.add_argument("query")
    a.set_defaults(func=cmd_test)


def cmd_add(args) -> int:
    svc = open_service(args)
    e = svc.add_entity(args.kind, args.name, args.query, aliases=args.alias,
                       importance=args.importance, title=args.title)
    n = svc.count_mentions(__import__("orm_desktop.types", fromlist=["MentionFilter"]).MentionFilter(entity_ids=(e.id,)))
    print(f"added {e.kind} {e.name!r} (id {e.id}); {n} stored mentions match")
    return 0


def _ref(text: str) -> int | str:
    return int(text) if text.isdigit() else text


def cmd_edit(args) -> int:
    from orm_desktop.errors import UsageError

    svc = open_service(args)
    e = svc.entity(_ref(args.name))
    fields = {k: v for k, v in (("name", args.new_name), ("kind", args.kind), ("query", args.query),
                                ("importance", args.importance), ("title", args.title)) if v is not None}
    if args.alias is not None:
        fields["aliases"] = [a.strip() for a in args.alias if a.strip()]
    if not fields:
        raise UsageError("nothing to change: give --name, --kind, --query, --alias, --importance or --title")
    e = svc.update_entity(e.id, expected_version=args.if_version, **fields)
    print(f"saved {e.kind} {e.name!r} (id {e.id}, version {e.version})")
    return 0


def cmd_list(args) -> int:
    svc = open_service(args)
    counts = svc.mention_counts()
    rows = [{"id": e.id, "kind": e.kind, "name": e.name, "query": e.query, "aliases": list(e.aliases),
             "importance": e.importance, "title": e.title, "active": e.active,
             "mentions": counts.get(e.id, 0), "version": e.version} for e in svc.entities()]
    emit(rows, args.format, ["id", "kind", "name", "mentions", "query"], widths={"query": 60})
    return 0


def cmd_remove(args) -> int:
    svc = open_service(args)
    e = svc.entity(args.name)
    svc.remove_entity(e.id, expected_version=args.if_version)
    print(f"removed {e.kind} {e.name!r}")
    return 0


def cmd_test(args) -> int:
    svc = open_service(args)
    print(svc.count_matching_items(args.query))
    return 0
