"""`orm-desktop alerts [--entity NAME] [--detect] [--all]`: spike alerts."""

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
             "summary": a.describe()}
            for a in svc.alerts(entity_id=entity_id, include_closed=args.all)]
    emit(rows, args.format, ["id", "entity", "kind", "from", "to", "observed", "expected", "status"])
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
