"""`orm-desktop audit verify | export`: the tamper-evident, hash-chained audit log."""

from __future__ import annotations

import json
import sys

from orm_desktop.cli._common import iso, open_service


def register(sub) -> None:
    p = sub.add_parser("audit", help="the append-only, hash-chained audit log",
                       description="Example: orm-desktop audit verify")
    s = p.add_subparsers(dest="audit_cmd", metavar="ACTION", required=True)
    a = s.add_parser("verify", help="check every link of the chain; names the first broken entry")
    a.set_defaults(func=cmd_verify)
    a = s.add_parser("export", help="the whole log as JSON lines (stdout, or --out FILE)")
    a.add_argument("--out")
    a.set_defaults(func=cmd_export)


def cmd_verify(args) -> int:
    from orm_desktop.store import audit

    svc = open_service(args)
    checked, broken, why = audit.verify(svc.conn)
    if broken is None:
        print(f"audit log intact: {checked} entries, every link verified")
        return 0
    print(f"audit log BROKEN at entry {broken}: {why} ({checked - 1} entries before it verified)")
    return 1


def cmd_export(args) -> int:
    from orm_desktop.store import audit

    svc = open_service(args)
    lines = [json.dumps({"id": e.id, "at": iso(e.at), "actor": e.actor, "action": e.action,
                         "subject": f"{e.subject_type}:{e.subject_id}", "data": e.data,
                         "prev_hash": e.prev_hash, "hash": e.hash}, ensure_ascii=False) + "\n"
             for e in audit.all_entries(svc.conn)]
    if args.out:
        from orm_desktop.atomic import atomic_write

        atomic_write(args.out, "".join(lines))
    else:
        sys.stdout.writelines(lines)
    return 0
