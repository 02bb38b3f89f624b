"""`orm-desktop mentions` (filters, formats), `mark` (triage) and `override` (human sentiment)."""

from __future__ import annotations

import sys
from dataclasses import replace

from orm_desktop.cli._common import (
    FORMATS,
    check_period,
    emit,
    iso,
    open_service,
    parse_until,
    parse_when,
)
from orm_desktop.errors import UsageError
from orm_desktop.types import FEED_KINDS, SENTIMENT_FILTERS, STATUSES, MentionFilter

COLUMNS = ["id", "published", "entity", "sentiment", "label", "status", "priority", "source", "title"]


def register(sub) -> None:
    p = sub.add_parser("mentions", help="list mentions with filters",
                       description="Example: orm-desktop mentions --entity Velora --sentiment negative --since 7d --format json")
    p.add_argument("--entity", "-e", action="append", default=[], help="entity name (repeatable)")
    p.add_argument("--sentiment", choices=SENTIMENT_FILTERS, help="unsupported: not scored (a language no engine scores, no person's score)")
    p.add_argument("--status", action="append", choices=STATUSES, default=[])
    p.add_argument("--kind", action="append", choices=FEED_KINDS, default=[], help="source kind")
    p.add_argument("--topic")
    p.add_argument("--lang", help="detected language of the item (ISO code: en, de, fr, ...)")
    p.add_argument("--needs-review", action="store_true",
                   help="only machine scores that need a human look (low confidence or engines disagree)")
    p.add_argument("--since", help="YYYY-MM-DD, ISO date-time, or 24h / 7d / 2w / 3m "
                   "(7d: today and the 6 days before, UTC, as the app's Last 7 days; 24h: the last 24 hours)")
    p.add_argument("--until", help="inclusive: YYYY-MM-DD includes that whole day")
    p.add_argument("--search", "-s", default="", help='full-text search: words, "phrases", OR, -exclusions or NOT')
    p.add_argument("--order", choices=("published", "priority"), default="published")
    p.add_argument("--limit", type=int, default=100, help="at most this many rows (0 = all)")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=cmd_mentions)

    m = sub.add_parser("mark", help="set the triage status of mentions",
                       description="Example: orm-desktop mark 12 13 needs_response")
    m.add_argument("ids", type=int, nargs="+")
    m.add_argument("status", choices=STATUSES)
    m.add_argument("--if-version", type=int, metavar="V",
                   help="only if the mention is still at row version V (as `mentions --format json` showed it); "
                        "otherwise say who changed it meanwhile and change nothing")
    m.set_defaults(func=cmd_mark)
    t = sub.add_parser("triage", help="assign a mention to someone and/or set its tags",
                       description="Example: orm-desktop triage 12 --assign sam --tags press,legal --if-version 3")
    t.add_argument("id", type=int)
    t.add_argument("--assign", metavar="WHO", help="who handles it ('' to unassign)")
    t.add_argument("--tags", metavar="A,B", help="comma-separated tags, replacing the current ones ('' clears)")
    t.add_argument("--if-version", type=int, metavar="V", help="as for `mark`: only if still at row version V")
    t.add_argument("--as", dest="user", default="", help="who made the change")
    t.set_defaults(func=cmd_triage)
    o = sub.add_parser("override", help="set a human sentiment score (or 'clear') on mentions",
                       description="Example: orm-desktop override 12 -0.6")
    o.add_argument("ids", type=int, nargs="+")
    o.add_argument("score", help="a score in [-1, 1], or 'clear'")
    o.add_argument("--as", dest="user", default="", help="who made the override")
    o.add_argument("--if-version", type=int, metavar="V", help="as for `mark`: only if still at row version V")
    o.set_defaults(func=cmd_override)


def build_filter(svc, args) -> MentionFilter:
    since = parse_when(args.since) if args.since else None
    until = parse_until(args.until) if args.until else None
    check_period(since, until)
    return MentionFilter(
        entity_ids=tuple(svc.entity(n).id for n in args.entity),
        sentiment=args.sentiment, statuses=tuple(args.status), feed_kinds=tuple(args.kind),
        topic=args.topic, since=since, until=until, search=args.search, order=args.order,
        lang=args.lang, needs_review=getattr(args, "needs_review", False),
    )


def cmd_mentions(args) -> int:
    if args.limit < 0:
        raise UsageError("--limit must be 0 (all) or positive")
    svc = open_service(args)
    f = build_filter(svc, args)
    limit = args.limit or svc.count_mentions(f) or 1
    rows = []
    for m in svc.mentions(f, limit=limit):
        rows.append({"id": m.id, "published": iso(m.published), "entity": m.entity,
                     "sentiment": round(m.sentiment, 4), "label": m.label, "status": m.status,
                     "priority": round(m.priority, 2), "source": m.source, "kind": m.feed_kind, "title": m.title,
                     "url": m.url, "snippet": m.snippet, "rating": m.rating, "topics": list(m.topics),
                     "overridden": m.overridden, "item_id": m.item_id, "cluster_id": m.cluster_id,
                     "lang": m.lang, "assignee": m.assignee, "tags": list(m.tags), "version": m.version})
    emit(rows, args.format, COLUMNS if args.format == "table" else list(rows[0]) if rows else COLUMNS,
         widths={"title": 60, "source": 24, "entity": 18})
    if not rows:  # said on stderr: stdout stays an empty table, CSV or JSON
        print(_why_none(svc, f), file=sys.stderr)
    if svc.search_capped(f):  # a CJK search reads the text: the newest matches only
        print(f"the search read the {svc.search_cap:,} most recently collected items that contain it: "
              "older ones are not listed; add words or filters to narrow it", file=sys.stderr)
    if muted := svc.count_muted(f):  # `entities list`, the pages and the reports count them
        many = muted != 1
        print(f"{muted:,} more mention{'s match' if many else ' matches'} but {'are' if many else 'is'} muted "
              "by a rule: not listed", file=sys.stderr)
    return 0


def _why_none(svc, f: MentionFilter) -> str:
    """Why `mentions` printed no row: an empty workspace (what to add), or filters matching none."""
    filtered = replace(f, entity_ids=(), order="published") != MentionFilter()
    if not filtered:
        return svc.why_no_mentions(f.entity_ids or None, "yet" if not f.entity_ids else "of these entities yet",
                                   "", cli=True)
    n = svc.count_mentions(MentionFilter(entity_ids=f.entity_ids))
    if not n:
        return svc.why_no_mentions(f.entity_ids or None, "match the filters", "", cli=True)
    of = " of these entities" if f.entity_ids else ""
    return f"No mentions match the filters ({n:,} stored{of}): widen or drop a filter."


def cmd_mark(args) -> int:
    svc = open_service(args)
    for i in args.ids:
        svc.mention(i)  # clear error for unknown ids
    n = svc.set_status(args.ids, args.status, expected=_expected(args))
    print(f"marked {n} mention(s) {args.status}")
    return 0


def cmd_override(args) -> int:
    svc = open_service(args)
    if args.score.lower() == "clear":
        score = None
    else:
        try:
            score = float(args.score)
        except ValueError:
            raise UsageError(f"score must be a number in [-1, 1] or 'clear', got {args.score!r}") from None
    for i in args.ids:
        svc.mention(i)
    n = svc.override_sentiment(args.ids, score, by=args.user, expected=_expected(args))
    print(f"{'cleared' if score is None else 'set'} the sentiment of {n} mention(s)")
    return 0


def cmd_triage(args) -> int:
    svc = open_service(args)
    svc.mention(args.id)  # clear error for an unknown id
    if args.assign is None and args.tags is None:
        raise UsageError("nothing to change: give --assign and/or --tags")
    tags = None if args.tags is None else [t for t in args.tags.split(",") if t.strip()]
    m = svc.triage(args.id, assignee=args.assign, tags=tags, by=args.user, expected_version=args.if_version)
    print(f"mention {m.id}: assigned to {m.assignee or 'nobody'}, tags {','.join(m.tags) or 'none'} "
          f"(version {m.version})")
    return 0


def _expected(args) -> dict[int, int] | None:
    if args.if_version is None:
        return None
    if len(args.ids) != 1:
        raise UsageError("--if-version applies to one mention id at a time")
    return {args.ids[0]: args.if_version}
