"""`orm-desktop audit verify | export`: the tamper-evident, hash-chained audit log."""

from __future__ import annotations

import json
import sys

from orm_desktop.cli._common import iso, open_service


def register(sub) -> None:
    p = sub.add_parser("audit", help="the append-only, hash-chained audit log",
                       description="Example: orm-desktop audit verify")
    s = p.add_subparsers(dest="audit_cmd", metavar="ACTION", required=True)
    a = s.add_parser("verify", help="check every link, hash and signature of the chain and the checkpoints "
                     "kept outside the database; names the first broken entry")
    a.add_argument("--checkpoint", action="append", default=[], metavar="FILE",
                   help="also check against this checkpoint (a checkpoint file, a bundle or an approval file)")
    a.add_argument("--head", action="append", default=[], metavar="ID:HASH",
                   help="also check that entry ID still has hash HASH (as printed in a report's footer)")
    a.set_defaults(func=cmd_verify)
    a = s.add_parser("checkpoint", help="write a signed checkpoint of the log's head (keep it elsewhere)")
    a.add_argument("--out", required=True)
    a.set_defaults(func=cmd_checkpoint)
    a = s.add_parser("export", help="the whole log as JSON lines (stdout, or --out FILE)")
    a.add_argument("--out")
    a.set_defaults(func=cmd_export)


def cmd_verify(args) -> int:
    svc = open_service(args)
    rep, problems, n_cp = svc.verify_audit(args.checkpoint)
    for head in args.head:
        problems += [p for p in [_head_problem(rep, head)] if p]
    if rep.broken_id is not None:
        print(f"audit log BROKEN at entry {rep.broken_id}: {rep.why} ({rep.checked - 1} entries before it verified)")
        return 1
    for p in problems:
        print(f"audit log BROKEN: {p}")
    if problems:
        return 1
    heads = f", {len(args.head)} printed head(s) matched" if args.head else ""
    print(f"audit log intact: {rep.checked} entries, every link verified, {rep.signed} signatures verified "
          f"against the keys registered in the log, {n_cp} checkpoint(s) matched{heads}")
    if rep.legacy:
        print(f"note: the first {rep.legacy} entries predate signing (legacy): verified by hash only")
    return 0


def _head_problem(rep, head: str) -> str:
    import re

    from orm_desktop.errors import UsageError

    try:
        entry, digest = head.split(":", 1)
        entry_id = int(entry)
        digest = digest.strip().lower()
        if entry_id < 1 or not re.fullmatch(r"[0-9a-f]{64}", digest):  # a typo, not a rewritten log
            raise ValueError
    except ValueError:
        raise UsageError(f"--head needs ID:HASH as printed in a report's footer (an entry number and "
                         f"64 hex digits), not {head!r}") from None
    if entry_id > rep.last_id:
        return f"the log was truncated: entry {entry_id} (printed as the head) is gone; the log ends at {rep.last_id}"
    if rep.hashes.get(entry_id) != digest.strip():
        return f"entry {entry_id} differs from the printed checkpoint (the log was rewritten)"
    return ""


def cmd_checkpoint(args) -> int:
    from pathlib import Path

    svc = open_service(args)
    cp = svc.write_audit_checkpoint(Path(args.out))
    print(f"wrote {args.out}: {cp['entries']} entries up to entry {cp['last_id']}, head {cp['head'][:16]}")
    return 0


def cmd_export(args) -> int:
    svc = open_service(args)
    lines = [json.dumps({"id": e.id, "at": iso(e.at), "actor": e.actor, "action": e.action,
                         "subject": f"{e.subject_type}:{e.subject_id}", "data": e.data,
                         "prev_hash": e.prev_hash, "hash": e.hash,
                         "key_id": e.key_id, "sig": e.sig}, ensure_ascii=False) + "\n"
             for e in svc.audit_entries()]
    if args.out:
        from orm_desktop.atomic import atomic_write

        atomic_write(args.out, "".join(lines))
    else:
        sys.stdout.writelines(lines)
    return 0
