"""`orm-desktop rules add|list|dry-run|apply|enable|disable|delete|export|import`."""

from __future__ import annotations

import sys

from orm_desktop.cli._common import FORMATS, emit, open_service, read_path
from orm_desktop.textsafe import display_text
from orm_desktop.types import FEED_KINDS, SENTIMENT_FILTERS, STATUSES


def register(sub) -> None:
    p = sub.add_parser("rules", help="rules: saved searches with actions, with a dry run",
                       description='Example: orm-desktop rules add "Recall triage" --terms "recall OR fire" '
                                   "--sentiment negative --status needs_response --tag recall --dry-run")
    s = p.add_subparsers(dest="rules_cmd", metavar="ACTION", required=True)
    a = s.add_parser("add", help="add a rule (with --dry-run: only show what it would change)")
    a.add_argument("name")
    a.add_argument("--entity")
    a.add_argument("--terms", help='words and phrases, as in entity queries: recall OR "battery fire"')
    a.add_argument("--kind", action="append", choices=FEED_KINDS, default=[])
    a.add_argument("--sentiment", choices=SENTIMENT_FILTERS, help="unsupported: not scored (a language no engine scores, no person's score)")
    a.add_argument("--topic")
    a.add_argument("--min-rating", type=float)
    a.add_argument("--max-rating", type=float)
    a.add_argument("--category", help="only feeds of this category")
    a.add_argument("--tag")
    a.add_argument("--status", choices=STATUSES)
    a.add_argument("--priority", type=float)
    a.add_argument("--assign")
    a.add_argument("--set-sentiment", type=float)
    a.add_argument("--mute", action="store_true")
    a.add_argument("--notify", action="store_true")
    a.add_argument("--dry-run", action="store_true", help="count and sample the stored mentions it would change")
    a.add_argument("--apply", action="store_true", help="also apply it to the stored mentions now")
    a.add_argument("--as", dest="user", default="")
    a.set_defaults(func=cmd_add)
    a = s.add_parser("list")
    a.add_argument("--format", choices=FORMATS, default="table")
    a.set_defaults(func=cmd_list)
    for name, fn in (("dry-run", cmd_dry_run), ("apply", cmd_apply), ("enable", cmd_enable),
                     ("disable", cmd_disable), ("delete", cmd_delete)):
        a = s.add_parser(name)
        a.add_argument("id", type=int)
        a.add_argument("--as", dest="user", default="")
        a.set_defaults(func=fn)
    a = s.add_parser("export", help="all rules as a readable JSON file")
    a.add_argument("file", nargs="?")
    a.set_defaults(func=cmd_export)
    a = s.add_parser("import", help="add or update rules from a JSON file (by name)")
    a.add_argument("file")
    a.add_argument("--as", dest="user", default="")
    a.set_defaults(func=cmd_import)


def _rule_from(args):
    from orm_desktop.analysis.rules import Rule

    cond = {k: v for k, v in {"entity": args.entity, "terms": args.terms, "kinds": args.kind or None,
                              "sentiment": args.sentiment, "topic": args.topic, "min_rating": args.min_rating,
                              "max_rating": args.max_rating, "category": args.category}.items() if v is not None}
    act = {k: v for k, v in {"tag": args.tag, "status": args.status, "priority": args.priority,
                             "assign": args.assign, "sentiment": args.set_sentiment,
                             "mute": args.mute or None, "notify": args.notify or None}.items() if v is not None}
    return Rule(None, args.name, cond, act)


def _show_dry_run(svc, rule) -> None:
    n, sample = svc.dry_run_rule(rule)
    print(f"{rule.name}: would change {n} stored mention(s)")
    for mid, title in sample:
        print(f"  #{mid} {display_text(title[:100])}")


def cmd_add(args) -> int:
    svc = open_service(args)
    rule = _rule_from(args)
    if args.dry_run:
        _show_dry_run(svc, rule)
        return 0
    saved = svc.save_rule(rule, by=args.user or "cli")
    print(f"saved rule {saved.id} ({saved.name})")
    if args.apply:
        print(f"changed {svc.apply_rule(saved, by=args.user or 'cli')} stored mention(s)")
    return 0


def cmd_list(args) -> int:
    import json

    svc = open_service(args)
    rows = [{"id": r.id, "name": r.name, "enabled": r.enabled, "conditions": json.dumps(r.conditions),
             "actions": json.dumps(r.actions)} for r in svc.rules()]
    emit(rows, args.format, ["id", "name", "enabled", "conditions", "actions"], widths={"conditions": 50})
    return 0


def cmd_dry_run(args) -> int:
    svc = open_service(args)
    _show_dry_run(svc, svc.rule(args.id))
    return 0


def cmd_apply(args) -> int:
    svc = open_service(args)
    n = svc.apply_rule(svc.rule(args.id), by=args.user or "cli")
    print(f"changed {n} stored mention(s)")
    return 0


def _set_enabled(args, enabled: bool) -> int:
    svc = open_service(args)
    svc.set_rule_enabled(args.id, enabled, by=args.user or "cli")
    return 0


def cmd_enable(args) -> int:
    return _set_enabled(args, True)


def cmd_disable(args) -> int:
    return _set_enabled(args, False)


def cmd_delete(args) -> int:
    svc = open_service(args)
    svc.delete_rule(args.id, by=args.user or "cli")
    return 0


def cmd_export(args) -> int:
    svc = open_service(args)
    text = svc.export_rules()
    if args.file:
        from orm_desktop.atomic import atomic_write

        atomic_write(args.file, text)
    else:
        sys.stdout.write(text)
    return 0


def cmd_import(args) -> int:
    svc = open_service(args)
    from orm_desktop.userfiles import read_text_file

    n = svc.import_rules(read_text_file(read_path(args.file), "rules"), by=args.user or "cli")
    print(f"imported {n} rule(s)")
    return 0
