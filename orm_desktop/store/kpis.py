"""KPI queries shared by the GUI (dashboard, personal-brand tab) and reports.

All read the effective sentiment (overrides included) and use the covering index
(entity_id, published, sentiment) where an entity is given.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from orm_desktop.store.mentions import UNSCORED_SQL, UNSURE_SQL
from orm_desktop.types import KIND_REACH

DAY = 86400


@dataclass(frozen=True, slots=True)
class DayPoint:
    day: int  # Unix time of 00:00 UTC
    total: int
    positive: int
    neutral: int
    negative: int
    avg_sentiment: float  # of the scored mentions
    # in a language no engine scores and no person scored (the inbox's "n/a"): in ``total``
    # (volume), in none of positive / neutral / negative (migration m017)
    unscored: int = 0


@dataclass(frozen=True, slots=True)
class Summary:
    total: int
    positive: int
    neutral: int
    negative: int
    net_sentiment: float          # (positive - negative) / scored (total - unscored)
    avg_sentiment: float          # of the scored mentions
    reach_weighted_sentiment: float  # of the scored mentions
    # of the positive / negative ones, scored by the machine with low confidence and not confirmed
    # by a person (store.mentions.UNSURE_SQL): "needs a human look"
    positive_unsure: int = 0
    negative_unsure: int = 0
    # in a language no engine scores and no person scored (the inbox's "n/a", label
    # ``unsupported``): counted in ``total`` (volume, share of voice), in none of positive /
    # neutral / negative, and left out of the net, average and reach-weighted sentiment
    unscored: int = 0
    # False: the period starts before the mentions the workspace holds (an offline snapshot of the
    # last N days), so its figures are not the period's: a comparison with it is no comparison
    complete: bool = True

    @staticmethod
    def empty() -> Summary:
        return Summary(0, 0, 0, 0, 0.0, 0.0, 0.0)

    @property
    def scored(self) -> int:
        """Mentions with a sentiment (a machine's or a person's): ``total`` less ``unscored``."""
        return self.total - self.unscored


def _entity_clause(entity_ids: tuple[int, ...] | None) -> tuple[str, list]:
    if not entity_ids:
        return "", []
    return f" AND m.entity_id IN ({','.join('?' * len(entity_ids))})", list(entity_ids)


def daily_series(conn: sqlite3.Connection, entity_id: int | None, since: int, until: int) -> list[DayPoint]:
    """One point per day in [since, until), days without coverage included as zeros. Reads the
    trigger-kept ``mention_daily`` rollup (whole UTC days)."""
    where, args = ("AND entity_id = ?", [entity_id]) if entity_id else ("", [])
    rows = conn.execute(
        "SELECT day * 86400, sum(total), sum(positive), sum(neutral), sum(negative), sum(sentiment_sum), "
        "sum(unscored) "
        f"FROM mention_daily WHERE day >= ? AND day < ? {where} GROUP BY day",
        (since // DAY, -(-until // DAY), *args)).fetchall()
    by_day = {r[0]: r for r in rows}
    out = []
    day = (since // DAY) * DAY
    while day < until:
        r = by_day.get(day)
        scored = (r[1] - r[6]) if r else 0
        out.append(DayPoint(day, r[1], r[2], r[3], r[4], round(r[5] / scored, 4) if scored else 0.0, r[6])
                   if r and r[1]
                   else DayPoint(day, 0, 0, 0, 0, 0.0))
        day += DAY
    return out


def unknown_day_counts(conn: sqlite3.Connection, entity_id: int, day: int) -> tuple[int, int]:
    """(mentions, negative ones) of an entity stored under ``day`` (00:00 UTC) whose day is not
    really known: entries their feed gave no date for (ingest stores them under the time they
    were first seen, ``items.published = items.first_seen``) that came in their feed's first
    fetch (``first_seen`` at ``feeds.watched_since``, m018: the fetch that began its current
    watch), or whose feed was removed: a
    backlog of unknown age piled onto the day of that fetch. An undated entry a later refresh
    brought is new since the previous refresh: not counted here. Spike detection leaves these out
    (docs/analysis.md "Spike alerts"). Reads the entity's mentions of that day and their items
    and feeds by key (before m018 it asked whether the feed had an earlier item: a scan of every
    item, 0.2 s at 154,000 items, for each feed's first fetch on a day that would alert)."""
    r = conn.execute(
        "SELECT count(*), sum(CASE WHEN m.sentiment <= -0.05 THEN 1 ELSE 0 END) "
        "FROM mentions m JOIN items i ON i.id = m.item_id LEFT JOIN feeds f ON f.id = i.feed_id "
        "WHERE m.entity_id = ? AND m.published >= ? AND m.published < ? AND i.published = i.first_seen "
        "AND (f.watched_since IS NULL OR i.first_seen = f.watched_since)", (entity_id, day, day + DAY)).fetchone()
    return int(r[0] or 0), int(r[1] or 0)


def feeds_watched_after(conn: sqlite3.Connection, since: int) -> dict[int, int]:
    """{feed id: the day (00:00 UTC) from which it is known} of every feed first fetched after
    ``since`` (``feeds.watched_since``, m018). A feed is a window of its latest entries, so its
    first fetch holds every entry since the oldest one it brought: a feed is known from the day
    of that entry, or from the first fetch when it brought nothing older (no entries, or none with
    a date). Before that day its silence is not a quiet day, it is not having looked. A feed
    enabled again after a gap, or pointed at another source, is watched anew (feeds.new_watch):
    only the entries of the fetch that began that watch (``first_seen = watched_since``) say how
    far back it is known."""
    rows = conn.execute(
        "SELECT f.id, f.watched_since, (SELECT min(i.published) FROM items i "
        "WHERE i.feed_id = f.id AND i.first_seen = f.watched_since) FROM feeds f WHERE f.watched_since > ?",
        (since,)).fetchall()
    return {int(fid): min(int(w), int(w) if oldest is None else int(oldest)) // DAY * DAY for fid, w, oldest in rows}


def feed_gaps(conn: sqlite3.Connection, since: int) -> dict[int, list[tuple[int, int]]]:
    """{feed: [(first day, last day) (00:00 UTC)]} of the spans its refreshes did not see (m019's
    ``feed_gaps``: the app not run, or the feed failing, for more than a day, and the feed no
    longer holding what was published meanwhile) that end at ``since`` or later. Both end days
    count as not seen: a part of each was not."""
    out: dict[int, list[tuple[int, int]]] = {}
    for fid, a, b in conn.execute("SELECT feed_id, gap_from, gap_until FROM feed_gaps WHERE gap_until >= ? "
                                  "ORDER BY feed_id, gap_from", (since,)):
        out.setdefault(int(fid), []).append((int(a) // DAY * DAY, int(b) // DAY * DAY))
    return out


def feed_day_counts(conn: sqlite3.Connection, feed_ids: Iterable[int], since: int,
                    until: int) -> dict[int, dict[int, dict[int, tuple[int, int, int]]]]:
    """{entity: {feed: {day (00:00 UTC): (mentions, negative, unscored)}}} of the given feeds'
    mentions published in [since, until), as ``mention_daily`` counts them, less those whose day
    is unknown (``unknown_day_counts``'s: detection takes those out on its own). Reads those
    feeds' items first seen since a day before ``since`` through ``items_feed_seen`` (m018): an entry
    is never first seen more than a day before its date (``ingest.parse`` gives a date further
    ahead the fetch time)."""
    ids = sorted(set(feed_ids))
    out: dict[int, dict[int, dict[int, tuple[int, int, int]]]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for entity, feed, day, n, neg, unscored in conn.execute(
                "SELECT m.entity_id, i.feed_id, m.published / 86400, count(*), "
                "sum(CASE WHEN m.sentiment <= -0.05 THEN 1 ELSE 0 END), "
                f"sum(CASE WHEN {UNSCORED_SQL} THEN 1 ELSE 0 END) "
                # CROSS JOIN: SQLite joins in this order, from those feeds' items (its planner took
                # every mention of the period through (entity, published) instead: 227 ms, not 5,
                # after a first refresh of 150 feeds at 200,000 mentions)
                "FROM feeds f CROSS JOIN items i CROSS JOIN mentions m "
                f"WHERE f.id IN ({','.join('?' * len(chunk))}) AND i.feed_id = f.id AND m.item_id = i.id "
                # an entry is first seen at most a day before its date (a date further ahead is
                # the fetch time: ingest.parse): the items of the period are a range of the
                # index, not every item the feed ever brought (a 14-day gap of all 200 feeds of
                # the generated workspace: 1.6 s -> see docs/performance.md)
                "AND i.first_seen >= ? AND m.published >= ? AND m.published < ? "
                "AND NOT (i.published = i.first_seen AND i.first_seen = f.watched_since) "
                "GROUP BY m.entity_id, i.feed_id, m.published / 86400", (*chunk, since - DAY, since, until)):
            out.setdefault(int(entity), {}).setdefault(int(feed), {})[int(day) * DAY] = (
                int(n), int(neg or 0), int(unscored or 0))
    return out


def summary(conn: sqlite3.Connection, entity_ids: tuple[int, ...] | None, since: int, until: int) -> Summary:
    """A period's figures. A mention in a language no engine scores (``UNSCORED_SQL``) counts in
    ``total`` and ``unscored`` only: the net, average and reach-weighted sentiment are of the
    scored mentions."""
    where, args = _entity_clause(entity_ids)
    reach_case = "CASE m.feed_kind " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in KIND_REACH.items()) + " ELSE 0.5 END"
    scored = f"NOT ({UNSCORED_SQL})"
    r = conn.execute(
        "SELECT count(*), count(*) FILTER (WHERE m.sentiment >= 0.05), "
        f"count(*) FILTER (WHERE m.sentiment > -0.05 AND m.sentiment < 0.05 AND {scored}), "
        f"count(*) FILTER (WHERE m.sentiment <= -0.05), avg(m.sentiment) FILTER (WHERE {scored}), "
        f"sum(m.sentiment * COALESCE(f.weight, 1.0) * {reach_case}) FILTER (WHERE {scored}), "
        f"sum(COALESCE(f.weight, 1.0) * {reach_case}) FILTER (WHERE {scored}), "
        f"count(*) FILTER (WHERE m.sentiment >= 0.05 AND {UNSURE_SQL}), "
        f"count(*) FILTER (WHERE m.sentiment <= -0.05 AND {UNSURE_SQL}), "
        f"count(*) FILTER (WHERE {UNSCORED_SQL}) "
        "FROM mentions m JOIN items i ON i.id = m.item_id LEFT JOIN feeds f ON f.id = i.feed_id "
        f"WHERE m.published >= ? AND m.published < ?{where}", (since, until, *args)).fetchone()
    total = r[0] or 0
    if not total:
        return Summary.empty()
    pos, neu, neg, unscored = r[1] or 0, r[2] or 0, r[3] or 0, r[9] or 0
    n_scored = total - unscored
    return Summary(total, pos, neu, neg, round((pos - neg) / n_scored, 4) if n_scored else 0.0,
                   round(r[4] or 0.0, 4), round((r[5] or 0.0) / r[6], 4) if r[6] else 0.0, r[7] or 0, r[8] or 0,
                   unscored=unscored)


def scored_by(conn: sqlite3.Connection, entity_ids: tuple[int, ...] | None, since: int,
              until: int) -> tuple[int, int]:
    """(mentions scored by the machine only, mentions whose sentiment a person set) in a period."""
    where, args = _entity_clause(entity_ids)
    r = conn.execute(
        "SELECT count(*) FILTER (WHERE m.override IS NULL), count(*) FILTER (WHERE m.override IS NOT NULL) "
        "FROM mentions m "
        f"WHERE m.published >= ? AND m.published < ?{where}", (since, until, *args)).fetchone()
    return r[0] or 0, r[1] or 0


def whole_shares(counts: list[int]) -> list[float]:
    """Each count's share of their sum in whole percent (0.63, 0.25, 0.12), as every surface
    shows shares: rounded so that they add up to 100 % (largest remainder, a tie to the larger
    count) and so that a count above zero never reads 0 % (at least 1 %, taken from the largest
    share). Rounded one by one, 5, 2 and 1 read 62 %, 25 % and 12 % (99 % in all), and 1 of 300
    read 0 %. All zeros: all 0.0."""
    total = sum(counts)
    if total <= 0:
        return [0.0] * len(counts)
    exact = [100 * c / total for c in counts]
    whole = [int(x) for x in exact]
    rest = 100 - sum(whole)
    for i in sorted(range(len(counts)), key=lambda i: (-(exact[i] - whole[i]), -counts[i], i))[:rest]:
        whole[i] += 1
    for i, c in enumerate(counts):
        if c > 0 and whole[i] == 0 and sum(w > 1 for w in whole):
            whole[i] = 1
            largest = max(range(len(counts)), key=lambda j: (whole[j], -j))
            whole[largest] -= 1
    return [w / 100 for w in whole]


def share_of_voice(conn: sqlite3.Connection, entity_ids: tuple[int, ...], since: int, until: int) -> list[tuple[int, str, int, float]]:
    """(entity id, name, mentions, share 0..1 in whole percent: ``whole_shares``) for a set of
    entities, largest first. The dashboard's pie, the competitors table, an executive's card and
    the reports show these shares: rounded once here, they add up to 100 % on each of them."""
    if not entity_ids:
        return []
    rows = sorted(conn.execute(
        f"SELECT e.id, e.name, (SELECT count(*) FROM mentions m WHERE m.entity_id = e.id AND m.published >= ? "
        f"AND m.published < ?) FROM entities e WHERE e.id IN ({','.join('?' * len(entity_ids))})",
        (since, until, *entity_ids)).fetchall(), key=lambda r: -r[2])
    shares = whole_shares([r[2] for r in rows])
    return [(r[0], r[1], r[2], s) for r, s in zip(rows, shares, strict=True)]


def top_sources(conn: sqlite3.Connection, entity_ids: tuple[int, ...] | None, since: int, until: int,
                limit: int = 8) -> list[tuple[str, str, int, float]]:
    """(source title, kind, mentions, average sentiment of the scored ones: None when none is),
    most mentions first."""
    where, args = _entity_clause(entity_ids)
    return [tuple(r) for r in conn.execute(
        f"SELECT COALESCE(f.title, '?'), COALESCE(f.kind, ''), count(*), "
        f"round(avg(m.sentiment) FILTER (WHERE NOT ({UNSCORED_SQL})), 3) "
        "FROM mentions m JOIN items i ON i.id = m.item_id LEFT JOIN feeds f ON f.id = i.feed_id "
        f"WHERE m.published >= ? AND m.published < ?{where} "
        "GROUP BY i.feed_id, f.title, f.kind ORDER BY count(*) DESC LIMIT ?", (since, until, *args, limit))]


def volume_by_kind(conn: sqlite3.Connection, entity_ids: tuple[int, ...] | None, since: int, until: int) -> list[tuple[str, int]]:
    where, args = _entity_clause(entity_ids)
    return [tuple(r) for r in conn.execute(
        f"SELECT m.feed_kind, count(*) FROM mentions m WHERE m.published >= ? AND m.published < ? "
        f"{where} GROUP BY m.feed_kind ORDER BY count(*) DESC", (since, until, *args))]


def top_topics(conn: sqlite3.Connection, entity_ids: tuple[int, ...] | None, since: int, until: int,
               limit: int = 10) -> list[tuple[str, int]]:
    where, args = _entity_clause(entity_ids)
    counts: dict[str, int] = {}
    for (topics,) in conn.execute(
            f"SELECT m.topics FROM mentions m WHERE m.published >= ? AND m.published < ? AND m.topics != '' "
            f"{where}", (since, until, *args)):
        for t in topics.split(","):
            counts[t] = counts.get(t, 0) + 1
    return sorted(counts.items(), key=lambda kv: -kv[1])[:limit]


def extremes(conn: sqlite3.Connection, entity_ids: tuple[int, ...] | None, since: int, until: int,
             *, positive: bool, limit: int = 5) -> list[int]:
    """Mention ids of the most positive (or negative) coverage, weighted toward reach.

    Scores a person confirmed (overridden) or the machine is sure of come first; unsure ones
    (machine score, confidence under NEEDS_REVIEW_BELOW: they need a human look) only after
    them, each group by score, then priority. A NULL confidence (scored before m008) counts as
    sure, as for the inbox's "needs a human look" filter. The same plan as ordering by score
    alone: on SQLite the entity's (entity_id, published, sentiment) range (the period's range
    of mentions_published for all entities; PostgreSQL picks one of the two by its estimates),
    each row read once for its priority, override and confidence, then a top-N sort."""
    where, args = _entity_clause(entity_ids)
    order = "DESC" if positive else "ASC"
    cond = "m.sentiment >= 0.05" if positive else "m.sentiment <= -0.05"
    unsure = f"CASE WHEN {UNSURE_SQL} THEN 1 ELSE 0 END"
    return [r[0] for r in conn.execute(
        f"SELECT m.id FROM mentions m WHERE m.published >= ? AND m.published < ? AND {cond}{where} "
        f"ORDER BY {unsure}, m.sentiment {order}, m.priority DESC LIMIT ?", (since, until, *args, limit))]
