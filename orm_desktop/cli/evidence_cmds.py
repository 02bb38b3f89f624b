"""`orm-desktop evidence capture|list|export MENTION_ID`."""

from __future__ import annotations

import datetime as dt

from orm_desktop.cli._common import open_service
from orm_desktop.textsafe import display_text


def register(sub) -> None:
    p = sub.add_parser("evidence", help="capture a mention's page and entry with hashes, list, export",
                       description="Example: orm-desktop evidence capture 42 --as alex")
    s = p.add_subparsers(dest="evidence_cmd", metavar="ACTION", required=True)
    a = s.add_parser("capture")
    a.add_argument("mention_id", type=int)
    a.add_argument("--as", dest="user", default="")
    a.set_defaults(func=cmd_capture)
    a = s.add_parser("list")
    a.add_argument("mention_id", type=int)
    a.set_defaults(func=cmd_list)
    a = s.add_parser("export")
    a.add_argument("mention_id", type=int)
    a.add_argument("--out", required=True, help="the .zip file to write")
    a.add_argument("--as", dest="user", default="")
    a.set_defaults(func=cmd_export)
    a = s.add_parser("verify", help="check an evidence export: every file against the manifest's SHA-256")
    a.add_argument("zip")
    a.set_defaults(func=cmd_verify)


def cmd_capture(args) -> int:
    svc = open_service(args)
    for c in svc.capture_evidence(args.mention_id, by=args.user or "cli"):
        print(f"captured {c.kind} #{c.id}: {display_text(c.url)} sha256 {c.body_sha256}")
    return 0


def cmd_list(args) -> int:
    svc = open_service(args)
    captures = svc.evidence(args.mention_id)
    if not captures:  # nothing printed read as "done" or as a broken command
        svc.mention(args.mention_id)  # a typo: "no mention with id N"
        print(f"no evidence captured for mention {args.mention_id} "
              f"(`orm-desktop evidence capture {args.mention_id}` captures it)")
    for c in captures:
        when = dt.datetime.fromtimestamp(c.fetched_at, dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        print(f"#{c.id} {c.kind:10} {when} {display_text(c.url)} sha256 {c.body_sha256} by {c.captured_by}")
    return 0


def cmd_export(args) -> int:
    from pathlib import Path

    svc = open_service(args)
    out = svc.export_evidence(args.mention_id, Path(args.out), by=args.user or "cli")
    print(f"wrote {out}")
    return 0


def cmd_verify(args) -> int:
    from pathlib import Path

    from orm_desktop.evidence import verify_export

    checked, problems = verify_export(Path(args.zip))
    for p in problems:
        print(f"MISMATCH {p}")
    print(f"{checked} file(s) checked, {len(problems)} problem(s)")
    return 1 if problems else 0
