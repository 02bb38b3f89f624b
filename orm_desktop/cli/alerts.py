"""`orm-desktop alerts [--entity NAME] [--detect] [--all]`: spike alerts; `alerts ack ID [ID...]
--as USER` (or `--all-open [--entity NAME]`) acknowledges them, as an audited change."""

from __future__ import annotations

import sys

from orm_desktop.cli._common import FORMATS, emit, iso, open_service
from orm_desktop.types import MentionFilter


def register(sub) -> None:
    p = sub.add_parser("alerts", help="spike alerts (volume and negativity) per entity",
                       description="Example: orm-desktop alerts --detect --entity Velora")
    p.add_argument("--entity", "-e", help="only this entity")
    p.add_argument("--detect", action="store_true", help="run spike detection first")
    p.add_argument("--all", action="store_true",
                   help="include acknowledged alerts and those withdrawn (re-scored mentions no longer make a spike)")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=cmd_alerts)
    acts = p.add_subparsers(dest="alerts_cmd", metavar="ACTION")
    a = acts.add_parser("ack", help="acknowledge alerts (someone is on it): they leave the open list, "
                                    "the audit log records who and when",
                        description="Example: orm-desktop alerts ack 3 4 --as alex  (undo: alerts reopen 3 --as alex)")
    a.add_argument("ids", type=int, nargs="*", metavar="ID", help="alert ids, as `orm-desktop alerts` lists them")
    a.add_argument("--all-open", action="store_true", help="every open alert (of --entity only, if given)")
    # its own dest: `alerts --entity X ack --all-open` (the entity before the action) keeps X
    a.add_argument("--entity", "-e", dest="ack_entity", help="with --all-open: only this entity's alerts")
    a.add_argument("--as", dest="user", default="", help="who acknowledges (not on a team workspace: the login)")
    a.set_defaults(func=cmd_ack)
    a = acts.add_parser("reopen", help="undo an acknowledgement: the alerts are open again",
                        description="Example: orm-desktop alerts reopen 3 --as alex")
    a.add_argument("ids", type=int, nargs="+", metavar="ID")
    a.add_argument("--as", dest="user", default="", help="who reopens them (not on a team workspace: the login)")
    a.set_defaults(func=cmd_reopen)
    r = sub.add_parser("rescore", help="recompute machine sentiment with an engine (overrides stay)",
                       description="Example: orm-desktop rescore --engine vader --entity Velora")
    r.add_argument("--engine", default=None, help="orm (default), vader, textblob")
    r.add_argument("--entity", "-e", action="append", default=[], help="only this entity (repeatable)")
    r.set_defaults(func=cmd_rescore)


def cmd_alerts(args) -> int:
    svc = open_service(args)
    if args.detect:
        svc.detect_alerts()
    entity_id = svc.entity(args.entity).id if args.entity else None
    rows = [{"id": a.id, "entity": a.entity, "kind": a.kind, "from": iso(a.window_start), "to": iso(a.window_end),
             "observed": a.observed, "expected": a.baseline, "minus_log10_p": a.score, "status": a.status,
             "acknowledged_by": a.acknowledged_by or "", "acknowledged_at": iso(a.acknowledged_at),
             "summary": a.describe()}
            for a in svc.alerts(entity_id=entity_id, include_closed=args.all)]
    emit(rows, args.format, ["id", "entity", "kind", "from", "to", "observed", "expected", "status"]
         + (["acknowledged_by", "acknowledged_at"] if any(r["acknowledged_by"] for r in rows) else []))
    if not rows:  # said on stderr: stdout stays an empty table, CSV or JSON
        print(_why_no_alerts(svc, args, entity_id), file=sys.stderr)
    return 0


def _why_no_alerts(svc, args, entity_id: int | None) -> str:
    """Why `alerts` printed no row: no mentions yet, all acknowledged, or no spike found."""
    of = f" for {args.entity}" if args.entity else ""
    if not svc.count_mentions(MentionFilter(entity_ids=(entity_id,) if entity_id else ())):
        why = svc.why_no_mentions((entity_id,) if entity_id else None, "yet", "", cli=True)
        return f"No alerts{of}: alerts are spikes in mentions. {why}"
    if not args.all and (closed := len(svc.alerts(entity_id=entity_id, include_closed=True))):
        return f"No open alerts{of}: {closed:,} acknowledged or withdrawn (--all lists them)."
    hint = "" if args.detect else " (`orm-desktop alerts --detect` looks now)"
    return f"No alerts{of}: no spike in volume or negativity was detected{hint}."


def cmd_ack(args) -> int:
    from orm_desktop.errors import UsageError

    if args.all_open == bool(args.ids):
        raise UsageError("give alert ids or --all-open (`orm-desktop alerts` lists the open ones with their ids)")
    entity = args.ack_entity or args.entity
    if entity and not args.all_open:
        raise UsageError("--entity goes with --all-open; alert ids name their alerts already")
    svc = open_service(args)
    ids = args.ids
    if args.all_open:
        entity_id = svc.entity(entity).id if entity else None
        ids = [a.id for a in svc.alerts(entity_id=entity_id)]
        if not ids:
            print(f"no open alert{' for ' + entity if entity else ''} to acknowledge")
            return 0
    for a in svc.acknowledge_alerts(ids, by=args.user):
        print(f"alert {a.id} {a.handled()}: {a.describe()}")
    return 0


def cmd_reopen(args) -> int:
    svc = open_service(args)
    for a in svc.reopen_alerts(args.ids, by=args.user):
        print(f"alert {a.id} open again: {a.describe()}")
    return 0


def cmd_rescore(args) -> int:
    svc = open_service(args)
    ids = [svc.entity(n).id for n in args.entity] or None
    if svc.rescore_status():  # resumed when it is the same engine and entities, else started over
        print(f"note: {svc.rescore_status()}", file=sys.stderr)

    def progress(done: int, total: int, msg: str) -> None:
        print(f"\r[{done}/{total}] {msg}", end="", file=sys.stderr, flush=True)

    try:
        n = svc.rescore(args.engine, entity_ids=ids, progress=progress)
    except KeyboardInterrupt:  # Ctrl+C: each batch was committed, and the same command resumes after it
        import shlex

        print(file=sys.stderr)  # end the progress line
        at = svc.rescore_interrupted_at()
        done = f"{at[0]:,} of {at[1]:,} mentions rescored" if at else "nothing rescored"
        engine = at[2] if at else (args.engine or "orm")
        where = ["--workspace", shlex.quote(str(args.workspace))] if getattr(args, "workspace", None) else []
        again = " ".join(["orm-desktop", *where, "rescore", "--engine", shlex.quote(engine),
                          *(f"--entity {shlex.quote(e)}" for e in args.entity)])
        print(f"interrupted: {done} (kept); run `{again}` again to continue where it stopped", file=sys.stderr)
        return 130
    print(file=sys.stderr)
    print(f"rescored {n} mentions")
    return 0
