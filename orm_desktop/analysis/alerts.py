"""Spike alerts per entity, with a documented statistical test.

For each day *d* and entity, the baseline is the 28 days before *d* (the day itself and days
that already alerted excluded).

* **Volume spike**: with baseline mean rate λ (at least 0.5 a day), the day's count *x* is
  tested against a quasi-Poisson: p = P(X ≥ x/φ) for X ~ Poisson(λ/φ), where φ is the
  baseline's variance/mean ratio when a χ² dispersion test says the baseline is over-dispersed
  at 5 % (news volume is often burstier than Poisson), else 1. Alert when p < ALPHA, x ≥ 6 and
  x ≥ 2.5 λ.
* **Negativity spike**: with baseline negative share p₀ = (negatives + 1) / (mentions + 2)
  (Laplace-smoothed; mentions with a score: not those in a language no engine scores), the
  day's *n* negatives out of *t* such mentions are tested against
  Binomial(t, p₀): p = P(X ≥ n). Alert when p < ALPHA, n ≥ 4 and n / t ≥ p₀ + 0.25.

ALPHA is 1e-5: a quarter of daily tests for ~10 entities is ~1,800 tests, so fewer than one
false alarm in fifty quarters by design; at 0.001, stationary synthetic series did raise 12
alerts in 18,000 daily tests (tests/test_alerts.py measures 0 at the chosen level over 200
seeded series). A real crisis is far beyond it (the demo's recall: p < 1e-6). Each test runs
on the day alone and on the last three days together, so a sustained moderate crisis is
caught as well as a one-day burst (the day itself must be elevated too). Mentions whose day
is unknown (entries their feed gave no date for, in that feed's first fetch: stored under the
fetch time) count on no day. A day's test, the day and its baseline alike, counts only the feeds
watched over that whole window (known since the first baseline day: a new feed's backlog of the
last days is no spike; ``_watched_feeds_only``), and leaves a feed out of every test whose
window overlaps a span its refreshes did not see (``feed_gaps``, m019: the app not run for two
weeks, the feed no longer holding what was published meanwhile). Consecutive alert days of one entity and kind
merge into one alert window; re-running detection updates the stored alert instead of adding
another.
"""

from __future__ import annotations

import math
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from orm_desktop import dates
from orm_desktop.store import alerts as alerts_store
from orm_desktop.store import db
from orm_desktop.store import kpis as kpis_store
from orm_desktop.types import last_days

ALPHA = 1e-5
DISPERSION_95 = 1.49  # χ²(27) 95 % quantile / 27
BASELINE_DAYS = 28
DAY = 86400


@dataclass(frozen=True, slots=True)
class Alert:
    entity_id: int
    entity: str
    kind: str              # volume_spike | negativity_spike
    window_start: int
    window_end: int
    observed: float        # mentions (volume) or negative mentions (negativity) in the window
    baseline: float        # what the baseline predicted for the window
    score: float           # -log10 of the smallest daily p-value
    status: str = "open"
    id: int | None = None
    acknowledged_by: str | None = None  # from the audit log's alert.acknowledge entry
    acknowledged_at: int | None = None

    def describe(self) -> str:
        import datetime as dt

        a = dt.datetime.fromtimestamp(self.window_start, dt.UTC).strftime("%d %b")
        b = dt.datetime.fromtimestamp(self.window_end - 1, dt.UTC).strftime("%d %b")
        span = a if a == b else f"{a}–{b}"
        what = "coverage volume" if self.kind == "volume_spike" else "negative coverage"
        k = max(1, int(self.score))  # chance of a count this high on a normal day: below 10**-k
        chance = "a billion" if k >= 9 else f"{10 ** k:,}"
        return (f"{self.entity}: {what} spike {span} — {self.observed:.0f} vs {self.baseline:.1f} expected "
                f"(less than a 1 in {chance} chance on a normal day)")

    def handled(self) -> str:
        """Who acknowledged it and when ("acknowledged by alex on 30 Nov 2026 14:02 UTC"), or that
        it is open (or withdrawn): what a list or a report says beside ``describe``."""
        if self.status == "acknowledged":
            if not self.acknowledged_by:  # set in the table, not through the app: nobody is on record
                return "marked acknowledged, but the audit log has no record of who did it"
            when = f" on {dates.dated(self.acknowledged_at)}" if self.acknowledged_at else ""
            return f"acknowledged by {self.acknowledged_by}{when}"
        if self.status == "withdrawn":
            return "withdrawn: re-scored mentions no longer make it a spike"
        return "open: nobody has acknowledged it yet"


def poisson_sf(x: int, lam: float) -> float:
    """P(X >= x) for X ~ Poisson(lam)."""
    if x <= 0:
        return 1.0
    term = math.exp(-lam)
    cdf = term
    for k in range(1, x):
        term *= lam / k
        cdf += term
    return max(0.0, 1.0 - cdf)


def binom_sf(n: int, t: int, p: float) -> float:
    """P(X >= n) for X ~ Binomial(t, p)."""
    if n <= 0:
        return 1.0
    if n > t:
        return 0.0
    total = 0.0
    lp, lq = math.log(p), math.log1p(-p)
    for k in range(n, t + 1):
        total += math.exp(math.lgamma(t + 1) - math.lgamma(k + 1) - math.lgamma(t - k + 1) + k * lp + (t - k) * lq)
    return min(1.0, total)


Series = tuple[Sequence[int], Sequence[int], Sequence[int]]  # counts, negatives, scored
# what detect_series tests a day on: the series, and the days its baseline must not use (days a
# feed's refreshes did not see, and the feed has mentions of the entity)
DayTest = tuple[Sequence[int], Sequence[int], Sequence[int], frozenset[int]]


def detect_series(counts: Sequence[int], negatives: Sequence[int], scored: Sequence[int] | None = None, *,
                  for_day: Callable[[int], DayTest | None] | None = None) -> list[tuple[str, int, float, float, float]]:
    """Alert days of one series: (kind, day index, observed, expected, p-value). Days that
    alerted are left out of later baselines, so a crisis does not hide its own second day.
    ``scored``: the mentions with a sentiment each day (``counts`` less those in a language no
    engine scores), of which the negative share is taken; ``counts`` when not given.
    ``for_day(d)``: the (counts, negatives, scored, unseen days) to test day ``d`` on, baseline
    and day alike, where they differ from the given ones (``detect``: without the mentions of
    feeds not watched over that day's whole compared window, and without the baseline days a
    feed's refreshes did not see); None: the given ones, every day seen."""
    scored = counts if scored is None else scored
    out = []
    alerted: dict[str, set[int]] = {"volume_spike": set(), "negativity_spike": set()}
    whole = (counts, negatives, scored)
    for d in range(BASELINE_DAYS, len(whole[0])):
        counts, negatives, scored, unseen = (for_day(d) if for_day is not None else None) or (*whole, frozenset())
        if not counts[d]:
            # nothing can alert on a day without mentions (the volume test needs counts[d] >= 2 x a
            # rate of at least 0.5, the negativity test 2 negatives that day and a share above p0):
            # skipped, the same alerts (most days of a quiet entity; 0.045 -> 0.005 CPU-s after the
            # peers refresh)
            continue
        spiked = alerted["volume_spike"] | alerted["negativity_spike"]
        window = [i for i in range(d - BASELINE_DAYS, d) if i not in spiked and i not in unseen]
        if len(window) < BASELINE_DAYS // 2:
            continue
        base = [counts[i] for i in window]
        base_neg = [negatives[i] for i in window]
        base_scored = [scored[i] for i in window]
        mean = sum(base) / len(base)
        lam = max(0.5, mean)
        var = sum((c - mean) ** 2 for c in base) / (len(base) - 1)
        # correct for over-dispersion only when the baseline shows it: the dispersion statistic
        # (n-1)·var/mean ~ χ²(n-1) exceeds its 95 % quantile (≈ 1.49 x the mean for 27 days)
        ratio = var / mean if mean > 0 else 1.0
        phi = ratio if ratio > DISPERSION_95 else 1.0
        # the day alone, then the last three days together (a sustained, moderate crisis);
        # days that already alerted (for this kind) do not count twice
        def days(span: int, kind: str, d: int = d, unseen: frozenset[int] = unseen) -> list[int]:
            return [i for i in range(max(0, d - span + 1), d + 1)
                    if i == d or (i not in alerted[kind] and i not in unseen)]

        for span in (1, 3):
            w = days(span, "volume_spike")
            x = sum(counts[i] for i in w)
            if x >= 6 and x >= 2.5 * lam * len(w) and counts[d] >= 2 * lam:
                p = poisson_sf(int(x / phi), lam * len(w) / phi)
                if p < ALPHA:
                    out.append(("volume_spike", d, float(counts[d]), lam, p))
                    alerted["volume_spike"].add(d)
                    break
        p0 = (sum(base_neg) + 1) / (sum(base_scored) + 2)
        day_share = negatives[d] / scored[d] if scored[d] > 0 else 0.0
        for span in (1, 3):
            w = days(span, "negativity_spike")
            t, n = sum(scored[i] for i in w), sum(negatives[i] for i in w)
            if n >= 4 and t and n / t >= p0 + 0.25 and negatives[d] >= 2 and day_share >= p0 + 0.25:
                p = binom_sf(n, t, p0)
                if p < ALPHA:
                    out.append(("negativity_spike", d, float(negatives[d]), scored[d] * p0, p))
                    alerted["negativity_spike"].add(d)
                    break
    return out


def merge(days: list[tuple[str, int, float, float, float]]) -> list[tuple[str, int, int, float, float, float]]:
    """Consecutive days of one kind -> (kind, first day, last day, observed, expected, min p)."""
    out: list[list] = []
    for kind, d, obs, exp, p in sorted(days, key=lambda r: (r[0], r[1])):
        if out and out[-1][0] == kind and d <= out[-1][2] + 1:
            last = out[-1]
            last[2], last[3], last[4], last[5] = d, last[3] + obs, last[4] + exp, min(last[5], p)
        else:
            out.append([kind, d, d, obs, exp, p])
    return [tuple(x) for x in out]


def detect(conn: sqlite3.Connection, *, now: int | None = None, days: int = 90) -> list[Alert]:
    """Alerts for every active entity over the last ``days`` days (pure: stores nothing)."""
    now = int(now or time.time())
    since, until = last_days(days + BASELINE_DAYS, now)
    known_from = kpis_store.feeds_watched_after(conn, since)  # feeds known for less than the whole span
    gaps = kpis_store.feed_gaps(conn, since)  # spans feeds' refreshes did not see (m019)
    # a gap's feed may be left out of the tests of the gap's days and the 28 after: their windows
    # reach back 28 days before the gap, and no earlier day needs that feed's counts
    reach = min([since if known_from else until, *(a - BASELINE_DAYS * DAY for spans in gaps.values() for a, _ in spans)])
    recent = (kpis_store.feed_day_counts(conn, set(known_from) | set(gaps), max(since, reach), until)
              if known_from or gaps else {})
    alerts = []
    for eid, name in alerts_store.active_entities(conn):
        series = kpis_store.daily_series(conn, eid, since, until)
        counts = [p.total for p in series]
        negatives = [p.negative for p in series]
        scored = [p.total - p.unscored for p in series]  # the negative share is of the scored ones
        for_day = _watched_feeds_only(series, counts, negatives, scored, known_from, recent.get(eid, {}), gaps)
        for kind, first, last, obs, exp, p in merge(_known_days_only(conn, eid, series, counts, negatives, scored,
                                                                     for_day)):
            alerts.append(Alert(eid, name, kind, series[first].day, series[last].day + DAY, obs, round(exp, 2),
                                round(-math.log10(max(p, 1e-300)), 2)))
    return alerts


def _watched_feeds_only(series: Sequence[kpis_store.DayPoint], counts: list[int], negatives: list[int],
                        scored: list[int], known_from: dict[int, int],
                        by_feed: dict[int, dict[int, tuple[int, int, int]]],
                        gaps: dict[int, list[tuple[int, int]]] | None = None) -> Callable[[int], DayTest | None] | None:
    """``detect_series``'s ``for_day``: day ``d``'s test counts, for the day and its baseline
    alike, only the mentions of feeds known (``kpis.feeds_watched_after``) since the first
    baseline day or before, i.e. watched over the whole compared window. A feed added today whose
    first fetch brought 40 entries of yesterday and today had nothing in the baseline only
    because nobody watched it then: counted, its own backlog made a volume spike. A feed counts
    from the day its known span covers a whole window (BASELINE_DAYS after the day it is known
    from: at once when its backlog reaches that far back, as the demo's 90 days do).
    ``by_feed``: {feed: {day: (mentions, negative, unscored)}} of the entity's mentions of the
    recent feeds (``kpis.feed_day_counts``). ``gaps``: {feed: [(first day, last day)]} its
    refreshes did not see (``kpis.feed_gaps``, m019: the app not run for two weeks, and the feed
    no longer holding what was published meanwhile). Read as days, those would be quiet days and
    the feed's returning volume a spike. A feed counts on no test of a gap's own days (what it
    holds of them is partial); a later test whose baseline overlaps the gap leaves the gap's days
    out of the baseline (they are unseen, not quiet), as long as BASELINE_DAYS // 2 seen days
    remain; else it leaves the feed out of that test. (Until 1 Dec the feed was left out of every
    test for BASELINE_DAYS after its gap: with the app not run for two weeks, every feed had a
    gap and the workspace raised no alert for four weeks.) None when no day differs. The figures
    are read from ``counts``, ``negatives`` and ``scored`` at each call (``_known_days_only``
    corrects those in place)."""
    if not by_feed or not series:
        return None
    gaps = gaps or {}
    first, last = series[0].day, len(series) - 1
    index = {p.day: i for i, p in enumerate(series)}
    # per feed: the test days (indexes, inclusive ranges) it does not count on, the gaps
    # (day indexes, inclusive) later tests must not read as days, and its {day index:
    # (mentions, negative, scored)}
    feeds: list[tuple[list[tuple[int, int]], list[tuple[int, int]], dict[int, tuple[int, int, int]]]] = []
    for f, per_day in by_feed.items():
        amounts = {index[day]: (n, neg, n - unscored) for day, (n, neg, unscored) in per_day.items() if day in index}
        spans, unseen = [], []
        if f in known_from:  # not yet known over a whole window
            start = (known_from[f] - first) // DAY + BASELINE_DAYS
            if start > BASELINE_DAYS:
                spans.append((0, min(last, start - 1)))
        for a, b in gaps.get(f, ()):
            lo, hi = max(0, (a - first) // DAY), min(last, (b - first) // DAY)
            if lo <= hi:
                spans.append((lo, hi))  # its own days: partly seen
                unseen.append((lo, hi))
        if (spans or unseen) and amounts:
            feeds.append((spans, unseen, amounts))
    if not feeds:
        return None
    room = BASELINE_DAYS - BASELINE_DAYS // 2  # unseen days a baseline may lose and still be tested
    # per test day: the feeds left out, and the feeds whose gaps lie in its baseline, grouped by
    # those gaps (after the app was not run, every feed has the same one: decided once)
    outs: list[set[int]] = [set() for _ in series]
    groups: list[dict[tuple[tuple[int, int], ...], list[int]]] = [{} for _ in series]
    for k, (spans, unseen, _) in enumerate(feeds):
        for lo, hi in spans:
            for d in range(lo, hi + 1):
                outs[d].add(k)
        after: dict[int, list[tuple[int, int]]] = {}
        for lo, hi in unseen:
            for d in range(hi + 1, min(last, hi + BASELINE_DAYS) + 1):
                after.setdefault(d, []).append((lo, hi))
        for d, key in after.items():
            if k not in outs[d]:
                groups[d].setdefault(tuple(key), []).append(k)
    tests: list[tuple[frozenset[int], frozenset[int]]] = []  # per day: (feeds left out, unseen days)
    for d in range(len(series)):
        lost = {key: {i for lo, hi in key for i in range(max(lo, d - BASELINE_DAYS), hi + 1)} for key in groups[d]}
        out, skip = outs[d], set()
        for key in sorted(lost, key=lambda key: len(lost[key])):  # the shortest gaps first
            if len(skip | lost[key]) <= room:
                skip |= lost[key]
            else:
                out.update(groups[d][key])
        tests.append((frozenset(out), frozenset(skip)))
    if not any(out or skip for out, skip in tests):
        return None
    left_out: dict[frozenset[int], dict[int, tuple[int, int, int]]] = {}  # by the feeds left out

    def for_day(d: int) -> DayTest | None:
        out, skip = tests[d]
        if not out:
            return (counts, negatives, scored, skip) if skip else None
        if out not in left_out:
            total: dict[int, tuple[int, int, int]] = {}
            for k in out:
                for i, (n, neg, sc) in feeds[k][2].items():
                    a = total.get(i, (0, 0, 0))
                    total[i] = (a[0] + n, a[1] + neg, a[2] + sc)
            left_out[out] = total
        c, ng, sc = list(counts), list(negatives), list(scored)
        for i, (n, neg, s) in left_out[out].items():
            c[i], ng[i], sc[i] = c[i] - n, ng[i] - neg, sc[i] - s
        return c, ng, sc, skip

    return for_day


def _known_days_only(conn: sqlite3.Connection, entity_id: int, series: Sequence[kpis_store.DayPoint],
                     counts: list[int], negatives: list[int], scored: list[int],
                     for_day: Callable[[int], DayTest | None] | None = None,
                     ) -> list[tuple[str, int, float, float, float]]:
    """``detect_series`` on the days' counts without the mentions whose day is unknown (undated
    entries of a feed's first fetch, stored under the fetch time: ``kpis.unknown_day_counts``).
    Looking them up needs the items, not the daily rollup, so only the days that would alert
    (and the two before, which the three-day test adds in) are looked at; detection runs again
    on the corrected counts until every day that alerts has been looked at. The common case,
    nothing alerts, costs nothing more. ``counts``, ``negatives`` and ``scored`` (the mentions
    with a sentiment) are corrected in place; ``for_day`` is ``detect_series``'s."""
    checked: set[int] = set()
    while True:
        days = detect_series(counts, negatives, scored, for_day=for_day)
        todo = {i for _, d, *_ in days for i in (d - 2, d - 1, d) if i >= 0} - checked
        if not todo:
            return days
        for i in todo:
            n, neg = kpis_store.unknown_day_counts(conn, entity_id, series[i].day)
            counts[i] -= n
            negatives[i] -= neg
            scored[i] = max(negatives[i], scored[i] - n)  # (an unknown day's mentions may be unscored too)
        checked |= todo


def store(conn: sqlite3.Connection, alerts: Sequence[Alert], now: int) -> int:
    """Insert new alerts; an alert whose window grew (same start) is updated. Returns new ones."""
    with db.transaction(conn):
        return alerts_store.upsert(conn, ((a.entity_id, a.kind, a.window_start, a.window_end, a.observed, a.baseline,
                                          a.score, a.describe()) for a in alerts), now)


def detect_and_store(conn: sqlite3.Connection, *, now: int | None = None, days: int = 90) -> int:
    """Detect and store; returns the new alerts. An open alert of the days detection judged that
    it no longer finds is withdrawn (a false alert stored before a fix, or one whose mentions
    changed): the Alerts page and the Dashboard show only what the data supports. The days
    judged are the last ``days`` (``detect`` reads BASELINE_DAYS more before them as baseline)."""
    now = int(now or time.time())
    found = detect(conn, now=now, days=days)
    with db.transaction(conn):
        new = store(conn, found, now)  # (nests in this transaction)
        alerts_store.withdraw_open(conn, (eid for eid, _ in alerts_store.active_entities(conn)),
                                   last_days(days, now)[0],
                                   {(a.entity_id, a.kind, a.window_start) for a in found})
    return new


def open_alerts(conn: sqlite3.Connection, *, entity_id: int | None = None, include_closed: bool = False) -> list[Alert]:
    return [Alert(*r) for r in alerts_store.list_(conn, entity_id=entity_id, include_closed=include_closed)]


def acknowledge(conn: sqlite3.Connection, alert_ids: Sequence[int], *, by: str, now: int | None = None) -> list[Alert]:
    """Acknowledge open alerts, all or none, each with an ``alert.acknowledge`` audit entry (who
    and which alert: who and when are read back from it). UsageError in one line for an unknown
    id, an alert already acknowledged (by whom, when) or withdrawn; also when someone else
    acknowledged it between the check and the write. Returns the alerts as they are now."""
    return _move(conn, alert_ids, by=by, now=now, was="open", to="acknowledged", action="alert.acknowledge")


def reopen(conn: sqlite3.Connection, alert_ids: Sequence[int], *, by: str, now: int | None = None) -> list[Alert]:
    """Undo an acknowledgement: the alerts are open again (``alert.reopen`` audit entries)."""
    return _move(conn, alert_ids, by=by, now=now, was="acknowledged", to="open", action="alert.reopen")


def _move(conn, alert_ids: Sequence[int], *, by: str, now: int | None, was: str, to: str, action: str) -> list[Alert]:
    from orm_desktop.errors import UsageError
    from orm_desktop.store import audit

    now = int(now or time.time())
    ids = list(dict.fromkeys(int(i) for i in alert_ids))
    if not ids:
        raise UsageError("no alert given: `orm-desktop alerts` lists the open ones with their ids")
    for i in ids:
        _refuse(get(conn, i), i, was)
    with db.transaction(conn):
        for i in ids:
            if not alerts_store.set_status(conn, i, to, was=was):  # changed by someone else meanwhile
                _refuse(get(conn, i), i, was)
            a = get(conn, i)
            # which alert, readable from the log alone (an alert row goes with its entity)
            data = {"entity": a.entity, "kind": a.kind, "window_start": a.window_start, "window_end": a.window_end}
            audit.append(conn, actor=by, action=action, subject_type="alert", subject_id=i, data=data, now=now)
    return [a for a in (get(conn, i) for i in ids) if a is not None]


def _refuse(a: Alert | None, alert_id: int, was: str) -> None:
    """UsageError unless the alert is in status ``was``."""
    from orm_desktop.errors import UsageError

    if a is None:
        raise UsageError(f"there is no alert {alert_id} (`orm-desktop alerts --all` lists every alert with its id)")
    if a.status == was:
        return
    if a.status == "acknowledged":
        raise UsageError(f"alert {alert_id} ({a.entity}) was already {a.handled()}; nothing done")
    if a.status == "withdrawn":
        raise UsageError(f"alert {alert_id} ({a.entity}) was withdrawn (re-scored mentions no longer make it a "
                         "spike): there is nothing to acknowledge; nothing done")
    raise UsageError(f"alert {alert_id} ({a.entity}) is open: nobody has acknowledged it, so there is nothing "
                     "to undo; nothing done")


def get(conn: sqlite3.Connection, alert_id: int) -> Alert | None:
    r = alerts_store.get(conn, alert_id)
    return None if r is None else Alert(*r)
