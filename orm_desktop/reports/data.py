"""Report data: pure functions over the service's KPI queries (shared with the dashboard).
No Qt here; rendering is in render.py."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from orm_desktop.errors import UsageError
from orm_desktop.numbers import (
    NOT_A_NUMBER,
    change_between,
    pct,
    pts_between,
    signed,
    signed_int,
    signed_pct,
)
from orm_desktop.types import Mention, last_days

DAY = 86400
KINDS = ("weekly", "executive", "crisis")
MAX_DAYS = 3660  # ten years: a report's chart has a bar per day, and its previous period is as long


@dataclass(frozen=True, slots=True)
class Kpi:
    label: str
    value: str
    previous: str
    change: str


@dataclass(slots=True)
class ReportData:
    kind: str
    title: str
    subtitle: str
    brand: str
    since: int
    until: int
    kpis: list[Kpi] = field(default_factory=list)
    series: list = field(default_factory=list)            # DayPoint per day
    share_of_voice: list[tuple] = field(default_factory=list)   # (id, name, count, share)
    topics: list[tuple[str, int]] = field(default_factory=list)  # (the workspace's name for the topic, mentions)
    sources: list[tuple] = field(default_factory=list)     # (title, kind, count, avg)
    kinds: list[tuple[str, int]] = field(default_factory=list)
    positive: list[Mention] = field(default_factory=list)
    negative: list[tuple[Mention, str]] = field(default_factory=list)  # (mention, response status)
    competitors: list[tuple[str, int, float | None, float]] = field(default_factory=list)  # name, n, net (None: no mentions), share
    alerts: list[str] = field(default_factory=list)
    responses: dict = field(default_factory=dict)
    # when, source, title, score, kind, unsure (Mention.unsure: a machine score that needs a human look)
    timeline: list[tuple[int, str, str, float | None, str, bool]] = field(default_factory=list)  # None: not scored
    drafts: list[str] = field(default_factory=list)
    quotes: list[tuple[str, str]] = field(default_factory=list)   # (sentence, source)
    empty: bool = False
    empty_reason: str = ""  # an empty period: why, and what to do (in the GUI's words; printed on the cover)
    empty_reason_cli: str = ""  # the same in the command line's words
    audit_checkpoint: str = ""  # "ID:HASH" of the audit log's head, printed in the footer (issue 13)


def _period_label(since: int, until: int) -> str:
    a = dt.datetime.fromtimestamp(since, dt.UTC)
    b = dt.datetime.fromtimestamp(until - 1, dt.UTC)
    return f"{a:%d %b %Y} – {b:%d %b %Y}"


def default_period(kind: str, now: int) -> tuple[int, int]:
    return last_days(7 if kind == "weekly" else 30, now)


def _response_status(svc, mention_id: int) -> str:
    rs = svc.responses(mention_id=mention_id, limit=5)
    if not rs:
        return "no response"
    return rs[0].state.replace("_", " ")


def _of(summary, value: float) -> float:
    """A sentiment measure of a period, NaN (shown "–") when the period has no scored mentions
    (none, or all in a language no engine scores) or the workspace does not hold all of it (an offline snapshot: Summary.complete)."""
    return value if summary.scored and summary.complete else math.nan


def _n(summary, value: int) -> str:
    """A count of a period; "–" when the workspace does not hold all of the period."""
    return f"{value}" if summary.complete else NOT_A_NUMBER


def _change(now, previous, a: int, b: int) -> str:
    return signed_int(a - b if now.complete and previous.complete else None)


def _share(rows, entity_id: int) -> float:
    """An entity's share in ``share_of_voice`` rows; NaN (shown "–") when none of them has a
    mention: a share of nobody's mentions is no share (share_of_voice gives 0.0, which read "0%")."""
    if not any(r[2] for r in rows):
        return math.nan
    return next((r[3] for r in rows if r[0] == entity_id), 0.0)


def _alerts(svc, entity_id: int | None = None) -> list:
    """The alerts a report tells of: open and acknowledged ones, not those withdrawn because the
    scores changed since and no longer make them a spike (Service.redetect_alerts)."""
    return [a for a in svc.alerts(entity_id=entity_id, include_closed=True) if a.status != "withdrawn"]


def alert_lines(alerts) -> list[str]:
    """A report's line for each alert: what it is, then who acknowledged it and when, or that it is
    still open (a report listed every alert the same way, as if none had been handled)."""
    return [f"{a.describe()} — {a.handled()}" for a in alerts]


def _summary_kpis(svc, ids, since: int, until: int) -> list[Kpi]:
    span = until - since
    s, p = svc.kpi_summary(ids, since, until), svc.kpi_summary(ids, since - span, since)
    return [
        Kpi("Mentions", _n(s, s.total), _n(p, p.total), _change(s, p, s.total, p.total)),
        # in a language no engine scores: in the mentions, not in neutral, not in the sentiment
        *([Kpi("… not scored (other languages)", _n(s, s.unscored), _n(p, p.unscored),
               _change(s, p, s.unscored, p.unscored))] if s.unscored or p.unscored else []),
        # a period without mentions has no sentiment: "–", not a 0% that reads as neutral coverage
        Kpi("Net sentiment", signed_pct(_of(s, s.net_sentiment)), signed_pct(_of(p, p.net_sentiment)),
            pts_between(_of(s, s.net_sentiment), _of(p, p.net_sentiment))),
        Kpi("Reach-weighted sentiment", signed(_of(s, s.reach_weighted_sentiment)),
            signed(_of(p, p.reach_weighted_sentiment)),
            change_between(_of(s, s.reach_weighted_sentiment), _of(p, p.reach_weighted_sentiment))),
        Kpi("Negative mentions", _n(s, s.negative), _n(p, p.negative), _change(s, p, s.negative, p.negative)),
        Kpi("… of which unsure (needs a human look)", _n(s, s.negative_unsure), _n(p, p.negative_unsure),
            _change(s, p, s.negative_unsure, p.negative_unsure)),
        *_scored_by_kpis(svc, ids, since, until),
    ]


def _scored_by_kpis(svc, ids, since: int, until: int) -> list[Kpi]:
    """How many sentiment scores the machine made and how many a person confirmed (issue 14)."""
    span = until - since
    (m, h), (pm, ph) = svc.kpi_scored_by(ids, since, until), svc.kpi_scored_by(ids, since - span, since)
    if not svc.holds(since - span):  # an offline snapshot without the previous period
        return [Kpi("Sentiment scored by machine", f"{m}" if svc.holds(since) else NOT_A_NUMBER, NOT_A_NUMBER,
                    NOT_A_NUMBER),
                Kpi("Sentiment confirmed by a person", f"{h}" if svc.holds(since) else NOT_A_NUMBER, NOT_A_NUMBER,
                    NOT_A_NUMBER)]
    return [Kpi("Sentiment scored by machine", f"{m}", f"{pm}", signed_int(m - pm)),
            Kpi("Sentiment confirmed by a person", f"{h}", f"{ph}", signed_int(h - ph))]


def _explain_empty(svc, d: ReportData, ids) -> None:
    """An empty report says why: no entities, no feeds, nothing fetched yet, or a period without any."""
    d.empty = d.kpis[0].value == "0"
    if d.empty:
        d.empty_reason = svc.why_no_mentions(ids, "in this period", "choose a longer period or an earlier start.")
        d.empty_reason_cli = svc.why_no_mentions(ids, "in this period", "give an earlier --from.", cli=True)


def weekly(svc, since: int, until: int, entity_name: str | None = None) -> ReportData:
    ents = svc.entities()
    brand = next((e for e in ents if e.kind == "brand"), None)
    if entity_name:  # a brand by name; anything else was silently replaced by the first brand
        brand = svc.entity(entity_name)
        if brand.kind != "brand":
            raise UsageError(f"{brand.name} is a {brand.kind}; the weekly report is about a brand "
                             f"(brands: {', '.join(e.name for e in ents if e.kind == 'brand') or 'none'}); "
                             "the crisis report covers any entity")
    name = brand.name if brand else (svc.setting("brand_name") or "Brand")
    ids = [brand.id] if brand else None
    d = ReportData("weekly", f"Weekly brand report — {name}", _period_label(since, until), name, since, until)
    d.kpis = _summary_kpis(svc, ids, since, until)
    comp = ([brand] if brand else []) + [e for e in ents if e.kind == "competitor"]
    d.share_of_voice = svc.share_of_voice([e.id for e in comp], since, until)
    sov = {r[0]: r for r in d.share_of_voice}
    span = until - since
    prev_sov = {r[0]: r for r in svc.share_of_voice([e.id for e in comp], since - span, since)}
    if brand:
        now_share, prev_share = _share(d.share_of_voice, brand.id), _share(prev_sov.values(), brand.id)
        if not svc.holds(since - span):
            prev_share = math.nan
        d.kpis.append(Kpi("Share of voice", pct(now_share), pct(prev_share), pts_between(now_share, prev_share)))
    d.series = svc.daily_series(brand.id if brand else None, since, until)
    names = svc.topic_labels()  # the Dashboard's names for them, not their ids ("crisis recall")
    d.topics = [(names.get(t, t.replace("_", " ")), n) for t, n in svc.top_topics(ids, since, until, limit=8)]
    d.sources = svc.top_sources(ids, since, until, limit=10)
    d.kinds = svc.volume_by_kind(ids, since, until)
    d.positive = svc.extremes(ids, since, until, positive=True, limit=6)
    d.negative = [(m, _response_status(svc, m.id)) for m in svc.extremes(ids, since, until, positive=False, limit=8)]
    for e in comp:
        s = svc.kpi_summary([e.id], since, until)
        d.competitors.append((e.name, s.total, s.net_sentiment if s.scored else None, sov.get(e.id, (0, "", 0, 0.0))[3]))
    d.alerts = alert_lines(a for a in _alerts(svc) if a.window_end > since and a.window_start < until)
    d.responses = svc.response_kpis(since, until)
    _explain_empty(svc, d, ids)
    return d


def executive(svc, entity_name: str | None, since: int, until: int) -> ReportData:
    ents = svc.entities()
    if entity_name:
        e = svc.entity(entity_name)
        if e.kind != "executive":
            names = ", ".join(x.name for x in ents if x.kind == "executive") or "none yet"
            raise UsageError(f"{e.name} is a {e.kind}; the executive report is for an executive "
                             f"(executives: {names})")
    else:
        e = next((x for x in ents if x.kind == "executive"), None)
        if e is None:
            raise UsageError("the workspace has no executive: add one (the Entities page, or `orm-desktop entities add executive NAME`) or name an entity with --entity")
    brand = next((x for x in ents if x.kind == "brand"), None)
    d = ReportData("executive", f"Personal brand report — {e.name}",
                   f"{e.title + ' · ' if e.title else ''}{_period_label(since, until)}",
                   brand.name if brand else e.name, since, until)
    d.kpis = _summary_kpis(svc, [e.id], since, until)
    if brand and brand.id != e.id:
        d.share_of_voice = svc.share_of_voice([e.id, brand.id], since, until)
        d.kpis.append(Kpi(f"Share of voice vs {brand.name}", pct(_share(d.share_of_voice, e.id)), "", ""))
    d.series = svc.daily_series(e.id, until - max(until - since, 90 * DAY), until)
    d.sources = svc.top_sources([e.id], since, until, limit=8)
    d.positive = svc.extremes([e.id], since, until, positive=True, limit=6)
    d.negative = [(m, _response_status(svc, m.id)) for m in svc.extremes([e.id], since, until, positive=False, limit=6)]
    for m in d.positive[:3] + [m for m, _ in d.negative[:3]]:
        detail = svc.mention(m.id)
        if detail.evidence:
            d.quotes.append((detail.evidence[0][0], m.source))
    d.drafts = [f"#{r.id} ({r.state.replace('_', ' ')}): {r.text[:160]}{'…' if len(r.text) > 160 else ''}"
                for r in svc.responses(in_name_of=e.id, states=("draft", "in_review", "changes_requested"))]
    d.alerts = alert_lines(a for a in _alerts(svc, e.id) if a.window_end > since and a.window_start < until)
    _explain_empty(svc, d, [e.id])
    return d


def crisis(svc, entity_name: str | None, since: int | None, until: int | None, now: int) -> ReportData:
    """Around an alert: the latest alert of the entity (or of any entity) when no dates are given."""
    alerts = _alerts(svc, svc.entity(entity_name).id if entity_name else None)
    if (since is None) != (until is None):  # one end given: --from alone was silently ignored
        since = since if since is not None else until - 30 * DAY
        until = until if until is not None else default_period(kind="crisis", now=now)[1]
    if since is None or until is None:
        if not alerts:
            raise UsageError("no alert to report on: give the crisis period (a period or custom range in the "
                             "Reports page, --from and --to on the command line)")
        a = alerts[0]
        since, until = a.window_start - 3 * DAY, min(now + DAY, a.window_end + 7 * DAY)
        entity_name = entity_name or a.entity
    e = svc.entity(entity_name) if entity_name else next((x for x in svc.entities() if x.kind == "brand"), None)
    ids = [e.id] if e else None
    name = e.name if e else "all entities"
    d = ReportData("crisis", f"Crisis report — {name}", _period_label(since, until), name, since, until)
    d.kpis = _summary_kpis(svc, ids, since, until)
    d.series = svc.daily_series(e.id if e else None, since, until)
    d.kinds = svc.volume_by_kind(ids, since, until)
    d.sources = svc.top_sources(ids, since, until, limit=10)
    from orm_desktop.types import MentionFilter

    # the 40 oldest, read from the old end of the index: reading up to 100,000 newest and sorting them
    # took the "first coverage" from the wrong end when a crisis had more
    first = svc.mentions(MentionFilter(entity_ids=tuple(ids or ()), since=since, until=until), limit=40, reverse=True)
    first = sorted(first, key=lambda m: m.published)
    # a mention no engine scored has no score: None ("n/a"), not a neutral 0.00
    d.timeline = [(m.published, m.source, m.title, None if m.label == "unsupported" else m.sentiment, m.feed_kind,
                   m.unsure and m.label != "unsupported") for m in first[:40]]
    d.negative = [(m, _response_status(svc, m.id)) for m in svc.extremes(ids, since, until, positive=False, limit=10)]
    d.alerts = alert_lines(a for a in alerts if a.window_end > since and a.window_start < until)
    d.responses = svc.response_kpis(since, until, ids)  # its entity's: it counted every entity's responses
    _explain_empty(svc, d, ids)
    return d


def build(svc, kind: str, *, entity: str | None = None, since: int | None = None, until: int | None = None,
          now: int | None = None, checkpoint: bool = True) -> ReportData:
    """The report's data, with the audit log's checkpoint for its footer: a printed report then
    catches a later truncated or rewritten log (`audit verify --head ID:HASH`)."""
    from orm_desktop.errors import KnownError
    from orm_desktop.store import audit

    d = _build(svc, kind, entity=entity, since=since, until=until, now=now)
    if not checkpoint:  # an offline snapshot: no audit log to name
        return d
    try:
        cp = audit.checkpoint(svc.conn)
        d.audit_checkpoint = f"{cp['last_id']}:{cp['head']}"
    except (OSError, KnownError):
        pass  # a read-only workspace: the report prints without it
    return d


def check_span(since: int | None, until: int | None, now: int, kind: str) -> None:
    """A usage error for a period longer than MAX_DAYS: --from 0001-01-01 --to 9999-12-31 built a
    3.65-million-day series (5.6 s) and drew a bar for each day (22 s), for a chart nobody can read."""
    if since is None and until is None:
        return
    s, u = default_period(kind, now)
    since, until = since if since is not None else s, until if until is not None else u
    if until - since > MAX_DAYS * DAY:
        raise UsageError(f"the report period is {(until - since) // DAY:,} days long; a report covers at most "
                         f"{MAX_DAYS:,} days (ten years)")


def _build(svc, kind: str, *, entity: str | None = None, since: int | None = None, until: int | None = None,
           now: int | None = None) -> ReportData:
    import time

    now = int(now or time.time())
    if kind not in KINDS:
        raise UsageError(f"unknown report kind {kind!r} (choose from {', '.join(KINDS)})")
    check_span(since, until, now, kind)
    if kind == "crisis":
        return crisis(svc, entity, since, until, now)
    if since is None or until is None:
        s, u = default_period(kind, now)
        since, until = since if since is not None else s, until if until is not None else u
    if since >= until:
        raise UsageError("the report period is empty: --from must be before --to")
    return weekly(svc, since, until, entity) if kind == "weekly" else executive(svc, entity, since, until)
