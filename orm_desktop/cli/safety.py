"""`orm-desktop backup [--out FILE] | backups | restore FILE|--latest | check`."""

from __future__ import annotations

import datetime as dt

from orm_desktop import workspace as wsmod
from orm_desktop.cli._common import open_service


def register(sub) -> None:
    p = sub.add_parser("backup", help="a consistent copy of the workspace database (safe while the app runs)",
                       description="Example: orm-desktop backup --out ~/orm-backup.db")
    p.add_argument("--out", help="file to write (default: the workspace's backups/ folder)")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("backups", help="list the workspace's backups")
    p.set_defaults(func=cmd_backups)
    p = sub.add_parser("restore", help="replace the workspace database with a backup (the current one is kept)",
                       description="Example: orm-desktop restore --latest")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("file", nargs="?", help="a backup file")
    g.add_argument("--latest", action="store_true", help="the newest backup in backups/")
    p.set_defaults(func=cmd_restore)
    p = sub.add_parser("check", help="check the workspace database (PRAGMA integrity_check, the triggers "
                       "protecting the audit log, schema objects ORM Desktop did not create)")
    p.add_argument("--repair", action="store_true",
                   help="remove schema objects ORM Desktop did not create (a copy of the file is kept first)")
    p.set_defaults(func=cmd_check)


def cmd_backup(args) -> int:
    svc = open_service(args)
    path = svc.backup(args.out)
    print(f"backed up to {path}")
    return 0


def cmd_backups(args) -> int:
    svc = open_service(args)
    for p in svc.backups():
        when = dt.datetime.fromtimestamp(p.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        print(f"{when}  {p.stat().st_size / 1048576:7.1f} MiB  {p}")
    return 0


def cmd_restore(args) -> int:
    from orm_desktop.service import Service

    root, _ = wsmod.resolve(args.workspace)  # not opened: the database may be the damaged one
    source, kept = Service.restore_backup(root, None if args.latest else args.file)
    print(f"restored {source}; the previous database is kept at {kept}")
    return 0


def cmd_check(args) -> int:
    from orm_desktop.service import Service

    root, _ = wsmod.resolve(args.workspace)
    if args.repair:
        removed, restored, kept = Service.repair_schema(root)
        if kept is None:
            print("schema: as ORM Desktop made it; nothing to repair")
            return 0
        print(f"removed: {', '.join(removed) or 'nothing'}")
        print(f"put back as ORM Desktop makes them: {', '.join(restored) or 'nothing'}")
        print(f"the database as it was is kept at {kept}")
        return 0
    svc = Service.inspect_workspace(root)  # the file as it is: not migrated, a tampered schema listed
    try:
        result, missing = svc.check()
        schema = svc.schema_problems()
        print(f"integrity check: {result}")
        for line in schema:
            print(f"schema: {line}")
        if svc.rescore_status():
            print(f"warning: {svc.rescore_status()}")
    finally:
        svc.close()
    if missing:
        print(f"protecting triggers MISSING: {', '.join(missing)} (someone removed the append-only protection; "
              "run `orm-desktop audit verify`)")
    if schema:
        print("the schema is not as ORM Desktop made it: someone changed the database by hand; "
              "`orm-desktop check --repair` removes what ORM Desktop did not create (a copy is kept), "
              "`orm-desktop restore --latest` brings back the newest backup")
    return 0 if result == "ok" and not missing and not schema else 1
