"""The refresh pipeline: fetch -> parse -> dedupe -> match -> score -> store.

Downloads run concurrently (``Fetcher``); each feed's result is parsed, matched and stored
in the calling thread in ONE transaction per feed, so a crash or kill loses at most the feed
in flight and the database is never half-written. Failures are recorded as feed health and
never stop the run.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from orm_desktop.analysis import priority as prio
from orm_desktop.analysis.sentiment import Engine, get_engine, score_toward
from orm_desktop.ingest.fetch import (
    Fetcher,
    FetchLimits,
    FetchRequest,
    FetchResult,
    backoff_seconds,
)
from orm_desktop.ingest.parse import ParseResult, parse_feed
from orm_desktop.ingest.query import EntityQuery
from orm_desktop.ingest.urls import CLUSTER_THRESHOLD, canonical_url, title_norm, title_similarity
from orm_desktop.store import db
from orm_desktop.store import entities as entities_store
from orm_desktop.store import feeds as feeds_store
from orm_desktop.store import items as items_store
from orm_desktop.store import settings as settings_store
from orm_desktop.types import Entity, Feed, FetchSummary, ParsedItem

Progress = Callable[[int, int, str], None]  # (feeds done, feeds total, message)

OK_INTERVAL = 30 * 60  # a healthy feed is due again after this many seconds


@dataclass(slots=True)
class Matcher:
    entity: Entity
    query: EntityQuery


@dataclass(slots=True)
class Enricher:
    """Everything computed for a new mention: match, targeted sentiment, priority, due time."""

    matchers: list[Matcher]
    engine: Engine
    sla_hours: dict[str, float]
    now: int
    extra: list[Callable[[dict], None]] = field(default_factory=list)

    @classmethod
    def for_workspace(cls, conn, now: int, engine_name: str | None = None) -> Enricher:
        ents = entities_store.list_(conn, active_only=True)
        matchers = [Matcher(e, EntityQuery.parse(e.query, e.aliases)) for e in ents]
        engine = get_engine(engine_name or settings_store.get(conn, "sentiment_engine"))
        return cls(matchers, engine, settings_store.get(conn, "sla_hours"), now, _extra_enrichers())

    def mentions_for(self, item_id: int, item: ParsedItem, published: int, feed_kind: str,
                     feed_weight: float) -> list[tuple]:
        haystack = f"{item.title}\n\n{item.text}"
        rows = []
        for m in self.matchers:
            if not m.query.matches(haystack):
                continue
            ts = score_toward(item.title, item.text, m.query.spans, engine=self.engine, rating=item.rating)
            snippet = m.query.snippet(item.text) or item.title
            row = {
                "item_id": item_id, "entity": m.entity, "published": published, "feed_kind": feed_kind,
                "snippet": snippet, "sentiment": ts.score, "engine": self.engine.name,
                "score_source": ts.source, "evidence": json.dumps([list(e) for e in ts.evidence]),
                "topics": "", "stage": "", "title": item.title, "text": item.text, "rating": item.rating,
            }
            for fn in self.extra:
                fn(row)
            score = prio.priority(sentiment=ts.score, feed_weight=feed_weight, feed_kind=feed_kind,
                                  importance=m.entity.importance, published=published, now=self.now)
            rows.append((item_id, m.entity.id, published, feed_kind, snippet, ts.score, ts.score,
                         self.engine.name, ts.source, row["evidence"], row["topics"], row["stage"],
                         score, prio.due_at(score, self.now, self.sla_hours), self.now))
        return rows


def _extra_enrichers() -> list[Callable[[dict], None]]:
    """Topic and journey-stage classifiers, when the analysis package provides them."""
    try:
        from orm_desktop.analysis.topics import enrich_mention
    except ImportError:
        return []
    return [enrich_mention]


def store_items(conn, feed: Feed, items: Sequence[ParsedItem], enricher: Enricher) -> tuple[int, int]:
    """Store new items of one feed and their mentions (caller holds the transaction).

    Returns (new items, new mentions). Known items (same canonical URL or guid) are skipped.
    """
    new_items = new_mentions = 0
    rows: list[tuple] = []
    now = enricher.now
    for item in items:
        canon = canonical_url(item.url or item.guid)
        if not canon or items_store.exists(conn, canon, item.guid):
            continue
        published = item.published or now
        tnorm = title_norm(item.title)
        cluster_id = _cluster_for(conn, tnorm, published)
        item_id = items_store.insert(conn, feed.id, item, canonical_url=canon, title_norm=tnorm,
                                     cluster_id=cluster_id, published=published, now=now)
        new_items += 1
        rows += enricher.mentions_for(item_id, item, published, feed.kind, feed.weight)
    new_mentions = items_store.insert_mentions(conn, rows)
    return new_items, new_mentions


def _cluster_for(conn, tnorm: str, published: int) -> int | None:
    words = tnorm.split()
    if len(words) < 3:
        return None
    for _id, cluster_id, other in items_store.cluster_candidates(conn, " ".join(words[:3]), published):
        if title_similarity(tnorm, other) >= CLUSTER_THRESHOLD:
            return cluster_id
    return None


def refresh(conn, *, jobs: int = 4, feed_ids: Sequence[int] | None = None, force: bool = False,
            limits: FetchLimits | None = None, progress: Progress | None = None,
            cancel: threading.Event | None = None, now: int | None = None) -> FetchSummary:
    """Fetch due feeds (all enabled with ``force``, or just ``feed_ids``) and store results."""
    started = time.monotonic()
    now = int(now if now is not None else time.time())
    if feed_ids:
        feeds = [f for f in (feeds_store.get(conn, i) for i in feed_ids) if f is not None]
    else:
        feeds = feeds_store.due(conn, now, include_backoff=force)
    by_id = {f.id: f for f in feeds}
    enricher = Enricher.for_workspace(conn, now)
    with db.transaction(conn):
        run_id = conn.execute("INSERT INTO fetch_runs (started, feeds) VALUES (?, ?)",
                              (now, len(feeds))).lastrowid
    requests = [FetchRequest(f.id, f.url, f.etag, f.last_modified) for f in feeds]
    counts = {"ok": 0, "not_modified": 0, "failed": 0, "entries": 0, "new_items": 0, "new_mentions": 0}
    failures: list[tuple[str, str, str]] = []
    done = 0
    if progress:
        progress(0, len(feeds), "starting")
    for result in Fetcher(limits or FetchLimits(), jobs=jobs).run(requests, cancel=cancel):
        feed = by_id[result.feed_id]
        status, message = _handle(conn, feed, result, enricher, counts)
        if status not in ("ok", "not_modified", "empty"):
            counts["failed"] += 1
            failures.append((feed.url, status, message))
        done += 1
        if progress:
            progress(done, len(feeds), f"{feed.title or feed.url}: {status}")
        if cancel is not None and cancel.is_set():
            break
    with db.transaction(conn):
        conn.execute(
            "UPDATE fetch_runs SET finished = ?, ok = ?, failed = ?, entries = ?, new_items = ?, "
            "new_mentions = ? WHERE id = ?",
            (int(time.time()), counts["ok"] + counts["not_modified"], counts["failed"],
             counts["entries"], counts["new_items"], counts["new_mentions"], run_id))
    return FetchSummary(
        feeds=len(feeds), ok=counts["ok"], not_modified=counts["not_modified"],
        failed=counts["failed"], skipped=len(feeds) - done, entries=counts["entries"],
        new_items=counts["new_items"], new_mentions=counts["new_mentions"],
        seconds=round(time.monotonic() - started, 3), failures=tuple(failures),
    )


def _handle(conn, feed: Feed, result: FetchResult, enricher: Enricher, counts: dict) -> tuple[str, str]:
    now = enricher.now
    if result.status == "not_modified":
        with db.transaction(conn):
            feeds_store.record_success(conn, feed.id, now=now, status="not_modified", etag=result.etag,
                                       last_modified=result.last_modified, title="", new_items=0,
                                       next_due=now + OK_INTERVAL)
        counts["not_modified"] += 1
        return "not_modified", ""
    if result.status != "ok":
        _fail(conn, feed, now, result.status, result.message)
        return result.status, result.message
    parsed: ParseResult = parse_feed(result.body or b"", url=result.final_url or feed.url,
                                     headers=result.headers, now=now)
    if parsed.status not in ("ok", "empty"):
        _fail(conn, feed, now, parsed.status, parsed.message)
        return parsed.status, parsed.message
    counts["entries"] += len(parsed.items)
    with db.transaction(conn):
        new_items, new_mentions = store_items(conn, feed, parsed.items, enricher)
        feeds_store.record_success(conn, feed.id, now=now, status=parsed.status, etag=result.etag,
                                   last_modified=result.last_modified, title=parsed.feed_title,
                                   new_items=new_items, next_due=now + OK_INTERVAL,
                                   message=parsed.message)
    counts["ok"] += 1
    counts["new_items"] += new_items
    counts["new_mentions"] += new_mentions
    return parsed.status, parsed.message


def _fail(conn, feed: Feed, now: int, status: str, message: str) -> None:
    with db.transaction(conn):
        feeds_store.record_failure(conn, feed.id, now=now, status=status, message=message,
                                   next_due=now + int(backoff_seconds(feed.error_count + 1)))
