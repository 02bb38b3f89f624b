"""`orm-desktop settings get|set` and `key-messages list|add|edit|remove`: the workspace's own
voice (brand name, contact, status page, approved key messages), editable without the GUI."""

from __future__ import annotations

import json

from orm_desktop.cli._common import emit, open_service
from orm_desktop.errors import UsageError


def register(sub) -> None:
    p = sub.add_parser("settings", help="show or change the workspace settings (brand name, contact, status page...)",
                       description="Example: orm-desktop settings set status_page https://status.acme.example")
    s = p.add_subparsers(dest="settings_cmd", metavar="ACTION", required=True)
    a = s.add_parser("get", help="all editable settings, or one KEY")
    a.add_argument("key", nargs="?")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_get)
    a = s.add_parser("set", help="set KEY to VALUE (validated)")
    a.add_argument("key")
    a.add_argument("value")
    a.set_defaults(func=cmd_set)

    p = sub.add_parser("key-messages", help="approved key messages drafts should reuse",
                       description='Example: orm-desktop key-messages add "We never sell customer data." '
                                   "--topic privacy_security --as alex")
    s = p.add_subparsers(dest="km_cmd", metavar="ACTION", required=True)
    a = s.add_parser("list")
    a.add_argument("--format", choices=("table", "json"), default="table")
    a.set_defaults(func=cmd_km_list)
    a = s.add_parser("add", help="add an approved key message")
    a.add_argument("text")
    a.add_argument("--topic", default="", help="topic id it serves (e.g. customer_service); empty: any topic")
    a.add_argument("--as", dest="user", default="")
    a.set_defaults(func=cmd_km_add)
    a = s.add_parser("edit", help="change the text or topic of a key message")
    a.add_argument("id", type=int)
    a.add_argument("--text")
    a.add_argument("--topic")
    a.add_argument("--as", dest="user", default="")
    a.set_defaults(func=cmd_km_edit)
    a = s.add_parser("remove", help="retire a key message")
    a.add_argument("id", type=int)
    a.add_argument("--as", dest="user", default="")
    a.set_defaults(func=cmd_km_remove)


def cmd_get(args) -> int:
    from orm_desktop.service import EDITABLE_SETTINGS

    svc = open_service(args)
    if args.key:
        if args.key not in EDITABLE_SETTINGS:
            raise UsageError(f"unknown setting {args.key!r} (settings: {', '.join(EDITABLE_SETTINGS)})")
        value = svc.setting(args.key)
        print(json.dumps(value) if args.json else ("" if value is None else value))
        return 0
    values = {k: svc.setting(k) for k in EDITABLE_SETTINGS}
    if args.json:
        print(json.dumps(values, ensure_ascii=False, indent=2))
    else:
        width = max(map(len, values))
        for k, v in values.items():
            print(f"{k.ljust(width)}  {json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v}")
    return 0


def cmd_set(args) -> int:
    svc = open_service(args)
    value = svc.change_setting(args.key, args.value)
    print(f"{args.key} = {value if isinstance(value, str) else json.dumps(value)}")
    return 0


def cmd_km_list(args) -> int:
    svc = open_service(args)
    rows = [{"id": i, "topic": t, "text": x} for i, t, x in svc.key_messages()]
    if not rows and args.format == "table":
        print("no key messages yet; add one with `orm-desktop key-messages add TEXT --topic TOPIC`")
        return 0
    emit(rows, args.format, ["id", "topic", "text"], widths={"text": 100})
    return 0


def cmd_km_add(args) -> int:
    svc = open_service(args)
    mid = svc.add_key_message(args.text, topic=args.topic, by=args.user)
    print(f"added key message {mid}")
    return 0


def cmd_km_edit(args) -> int:
    svc = open_service(args)
    svc.edit_key_message(args.id, text=args.text, topic=args.topic, by=args.user)
    print(f"changed key message {args.id}")
    return 0


def cmd_km_remove(args) -> int:
    svc = open_service(args)
    svc.remove_key_message(args.id, by=args.user)
    print(f"removed key message {args.id}")
    return 0
