"""`orm-desktop crisis on|off ENTITY --as USER`, `crisis status`."""

from __future__ import annotations

import datetime as dt

from orm_desktop.cli._common import open_service


def register(sub) -> None:
    p = sub.add_parser("crisis", help="crisis mode per entity (faster refresh, top of the inbox, holding statement)",
                       description="Example: orm-desktop crisis on Velora --as alex")
    s = p.add_subparsers(dest="crisis_cmd", metavar="ACTION", required=True)
    for name, fn in (("on", cmd_on), ("off", cmd_off)):
        a = s.add_parser(name)
        a.add_argument("entity")
        a.add_argument("--as", dest="user", default="")
        a.set_defaults(func=fn)
    a = s.add_parser("status", help="which entities are in crisis mode (or just ENTITY)")
    a.add_argument("entity", nargs="?")
    a.set_defaults(func=cmd_status)


def cmd_on(args) -> int:
    svc = open_service(args)
    draft = svc.crisis_on(args.entity, by=args.user or "cli")
    print(f"{args.entity}: crisis mode on" + (f"; holding statement drafted as response {draft}" if draft else ""))
    return 0


def cmd_off(args) -> int:
    svc = open_service(args)
    report = svc.crisis_off(args.entity, by=args.user or "cli")
    print(f"{args.entity}: crisis mode off; crisis report written to {report}")
    return 0


def cmd_status(args) -> int:
    svc = open_service(args)
    rows = svc.crises()
    if args.entity:
        e = svc.entity(args.entity)  # exit 2 for an unknown name
        rows = [r for r in rows if r[0] == e.id]
        if not rows:
            print(f"{e.name}: not in crisis mode")
            return 0
    if not rows:
        print("no entity is in crisis mode")
    for _id, name, since in rows:
        print(f"{name}: crisis mode since {dt.datetime.fromtimestamp(since):%Y-%m-%d %H:%M}")
    return 0
