"""`orm-desktop alerts [--entity NAME] [--detect] [--all]`: spike alerts."""

from __future__ import annotations

from orm_desktop.cli._common import FORMATS, emit, iso, open_service


def register(sub) -> None:
    p = sub.add_parser("alerts", help="spike alerts (volume and negativity) per entity",
                       description="Example: orm-desktop alerts --detect --entity Velora")
    p.add_argument("--entity", "-e", help="only this entity")
    p.add_argument("--detect", action="store_true", help="run spike detection first")
    p.add_argument("--all", action="store_true", help="include acknowledged alerts")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=cmd_alerts)


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
    return 0
