"""`orm-desktop team snapshot --days N OUT` and `orm-desktop team push URL` (docs/team.md): moving a
workspace between the laptop and the team server. They join the `team` command (cli._common.team_actions)."""

from __future__ import annotations

import sys

from orm_desktop.cli._common import open_service, team_actions


def register(sub) -> None:
    actions = team_actions(sub)
    a = actions.add_parser(
        "snapshot", help="an offline, read-only copy of the last N days of this workspace (SQLite or team)",
        description="Example: orm-desktop -w postgresql://maya@db.example.org/acme team snapshot --days 30 "
                    "~/acme-offline; then: orm-desktop -w ~/acme-offline report --kind weekly --out week.pdf")
    a.add_argument("out", metavar="OUT_DIR", help="a new folder for the snapshot workspace")
    a.add_argument("--days", type=int, default=30, help="the period: the last N days of mentions (default 30)")
    a.set_defaults(func=cmd_snapshot)
    a = actions.add_parser(
        "push", help="copy this solo (SQLite) workspace into an empty team database, counts and audit chain verified",
        description="Example: orm-desktop -w ~/orm-workspace team push postgresql://acme_owner@db.example.org/acme")
    a.add_argument("url", metavar="URL", help="the team database: postgresql://USER@HOST:PORT/DBNAME")
    a.set_defaults(func=cmd_push)


def _progress(msg: str) -> None:
    print(f"  {msg}", file=sys.stderr)


def cmd_snapshot(args) -> int:
    svc = open_service(args)
    stamp = svc.take_snapshot(args.out, days=args.days, progress=_progress)
    rows = stamp["rows"]
    print(f"wrote {args.out}: {rows.get('mentions', 0):,} mentions of the last {args.days} days, "
          f"{rows.get('items', 0):,} articles, {rows.get('entities', 0)} entities")
    print(f"it opens as the {stamp['label']}: "
          f"orm-desktop --workspace {args.out} (GUI, mentions, report)")
    return 0


def cmd_push(args) -> int:
    svc = open_service(args)
    r = svc.push_to_team(args.url, progress=_progress)
    total = sum(r["rows"].values())
    print(f"copied {total:,} rows in {len(r['rows'])} tables to {r['target']}; every table's count matches")
    print(f"audit chain verified in the team database: {r['audit_entries']} entries, {r['audit_signed']} signatures, "
          f"head {r['audit_head'][:16]}")
    return 0
