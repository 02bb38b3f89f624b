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
    p = sub.add_parser("check", help="check the workspace database (PRAGMA integrity_check and the triggers "
                       "protecting the audit log)")
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
    svc = open_service(args)
    result, missing = svc.check()
    print(f"integrity check: {result}")
    if svc.rescore_status():
        print(f"warning: {svc.rescore_status()}")
    if missing:
        print(f"protecting triggers MISSING: {', '.join(missing)} (someone removed the append-only protection; "
              "run `orm-desktop audit verify`)")
    return 0 if result == "ok" and not missing else 1
