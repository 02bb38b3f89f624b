"""The refresh pipeline: fetch -> parse -> dedupe -> match -> score -> store.

Downloads run concurrently (``Fetcher``); each feed's result is parsed, matched and stored
in the calling thread in ONE transaction per feed, so a crash or kill loses at most the feed
in flight and the database is never half-written. Failures are recorded as feed health and
never stop the run.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from orm_desktop import paths
from orm_desktop.analysis import priority as prio
from orm_desktop.analysis.language import detect_many as detect_languages
from orm_desktop.analysis.sentiment import Engine, TargetedScore, adapted, get_engine, score_toward
from orm_desktop.feedstatus import status_text
from orm_desktop.ingest.parse import ParseResult, parse_feed
from orm_desktop.ingest.query import EntityQuery, MultiMatcher
from orm_desktop.ingest.urls import CLUSTER_THRESHOLD, TitleMatcher, canonical_url, title_norm
from orm_desktop.store import crisis as crisis_store
from orm_desktop.store import db
from orm_desktop.store import entities as entities_store
from orm_desktop.store import feeds as feeds_store
from orm_desktop.store import items as items_store
from orm_desktop.store import mentions as mentions_store
from orm_desktop.store import rules as rules_store
from orm_desktop.store import settings as settings_store
from orm_desktop.types import Entity, Feed, FetchSummary, ParsedItem, pickled_by_fields

if TYPE_CHECKING:  # the worker processes import this module and never download: no requests there
    from orm_desktop.ingest.fetch import FetchLimits, FetchResult

Progress = Callable[[int, int, str], None]  # (feeds done, feeds total, message)

OK_INTERVAL = 30 * 60  # a healthy feed is due again after this many seconds
HEALTHY = ("ok", "not_modified", "empty")  # statuses whose message is a note, not an error


@dataclass(slots=True)
class Matcher:
    entity: Entity
    query: EntityQuery


class CachedEngine:
    """An engine whose ``analyse`` remembers the texts it scored during one refresh: the same
    clause or sentence (a syndicated paragraph, boilerplate, a title shared by two entities)
    is scored once. The engines are pure functions of (text, language), so the answers are
    the same; the cache is dropped with the refresh's Enricher."""

    MAX = 50_000  # entries before the cache starts over (bounded memory)

    def __init__(self, base: Engine) -> None:
        self.base = base
        self.name, self.languages = base.name, base.languages
        self._cache: dict[tuple[str, str], tuple[float, float]] = {}
        self._parts_cache: dict[str, tuple] = {}
        if getattr(base, "analyse", None) is not None:
            self.analyse = self._analyse
        if getattr(base, "analyse_parts", None) is not None:
            # targeted scoring weighs its evidence with these when the engine has them: a
            # wrapper without them would score differently from a rescore of the same text
            self.analyse_parts = self._analyse_parts

    def _remember(self, cache: dict, key, compute: Callable[[], tuple]) -> tuple:
        hit = cache.get(key)
        if hit is None:
            if len(cache) >= self.MAX:
                cache.clear()
            hit = cache[key] = compute()
        return hit

    def _analyse(self, text: str, lang: str = "") -> tuple[float, float]:
        return self._remember(self._cache, (text, lang), lambda: self.base.analyse(text, lang))

    def _analyse_parts(self, text: str) -> tuple:
        return self._remember(self._parts_cache, text, lambda: self.base.analyse_parts(text))

    def score(self, text: str) -> float:
        return self.base.score(text)

    def score_many(self, texts: Sequence[str]) -> list[float]:
        return self.base.score_many(texts)


@dataclass(slots=True)
class Enricher:
    """Everything computed for a new mention: match, targeted sentiment, priority, due time."""

    matchers: list[Matcher]
    engine: Engine
    sla_hours: dict[str, float]
    now: int
    extra: list[Callable[[dict], None]] = field(default_factory=list)
    taxonomy: str | None = None  # the workspace's topic taxonomy (JSON), when it replaces the shipped one
    crisis_entities: frozenset[int] = frozenset()
    _multi: MultiMatcher | None = None

    @classmethod
    def for_workspace(cls, conn, now: int, engine_name: str | None = None) -> Enricher:
        ents = entities_store.list_(conn, active_only=True)
        matchers = [Matcher(e, EntityQuery.parse(e.query, e.aliases)) for e in ents]
        engine = get_engine(engine_name or settings_store.get(conn, "sentiment_engine"))
        engine = adapted(engine, mentions_store.overrides_for_learning(conn))  # this workspace's overrides
        engine = CachedEngine(engine)
        topics = settings_store.get(conn, "topics", None)
        taxonomy = json.dumps(topics if "topics" in topics else {"topics": topics}) if topics else None
        crisis = crisis_store.ids(conn)
        return cls(matchers, engine, settings_store.get(conn, "sla_hours"), now, _extra_enrichers(), taxonomy,
                   crisis)

    def mentions_for(self, item_id: int, item: ParsedItem, published: int, feed_kind: str,
                     feed_weight: float) -> list[tuple]:
        haystack = f"{item.title}\n\n{item.text}"
        if self._multi is None or len(self._multi.queries) != len(self.matchers):
            self._multi = MultiMatcher([m.query for m in self.matchers])
        rows = []
        for index in self._multi.matching(haystack):
            m = self.matchers[index]
            if item.lang and item.lang not in self.engine.languages:
                # never silently neutral: marked as a language the engine cannot score
                ts = TargetedScore(0.0, "neutral", (), "unsupported_language", confidence=0.0)
            else:
                ts = score_toward(item.title, item.text, m.query.spans, engine=self.engine, rating=item.rating,
                                  lang=item.lang)
            snippet = m.query.snippet(item.text) or item.title
            row = {
                "item_id": item_id, "entity": m.entity, "published": published, "feed_kind": feed_kind,
                "snippet": snippet, "sentiment": ts.score, "engine": self.engine.name,
                "score_source": ts.source, "evidence": json.dumps([list(e) for e in ts.evidence]),
                "evidence_pairs": ts.evidence,  # the same, not to be parsed back by the enrichers
                "topics": "", "stage": "", "title": item.title, "text": item.text, "rating": item.rating,
                "taxonomy": self.taxonomy,
            }
            for fn in self.extra:
                fn(row)
            score = prio.priority(sentiment=ts.score, feed_weight=feed_weight, feed_kind=feed_kind,
                                  importance=m.entity.importance, published=published, now=self.now)
            if m.entity.id in self.crisis_entities:
                # imported here: crisis pulls in audit and signing, which the workers never need
                from orm_desktop.analysis.crisis import CRISIS_BOOST

                score += CRISIS_BOOST
            rows.append((item_id, m.entity.id, published, feed_kind, snippet, ts.score, ts.score,
                         self.engine.name, ts.source, row["evidence"], row["topics"], row["stage"],
                         score, prio.due_at(score, self.now, self.sla_hours), self.now, ts.confidence))
        return rows


def _extra_enrichers() -> list[Callable[[dict], None]]:
    """Topic and journey-stage classifiers, when the analysis package provides them."""
    try:
        from orm_desktop.analysis.topics import enrich_mention
    except ImportError:
        return []
    return [enrich_mention]


@pickled_by_fields  # by its constructor's arguments, as types.ParsedItem
@dataclass(slots=True)
class PreparedItem:
    item: ParsedItem
    canonical_url: str  # the identity key: the canonical URL, or URL#guid for a further entry at it
    title_norm: str
    published: int
    mention_rows: list[tuple]  # item_id (first field) filled in at write time
    canon: str = ""  # the canonical URL itself



@dataclass(slots=True)
class PreparedFeed:
    """What parsing and analysis made of one feed's body: no database writes yet."""

    status: str
    message: str = ""
    feed_title: str = ""
    entries: int = 0
    items: list[PreparedItem] = field(default_factory=list)
    learned: list = field(default_factory=list)  # a worker's new scoring memo entries, for the others (_Relay)
    oldest: int | None = None  # the oldest dated entry the feed held, stored already or new (m019's gaps)


def identity(canon: str, guid: str, feed_id: int | None, stored: dict[str, int | None],
             own_guids: set[str]) -> str | None:
    """The identity key of an entry, or None when it is stored already. Within a feed a distinct
    guid is a distinct entry, even at a URL the feed used before (posts at ``day.html#a12``,
    podcast episodes linking to the show's home page): those get ``URL#guid`` as their key.
    Across sources the same canonical URL is a syndicated copy of the same article."""
    if not canon or guid in own_guids:
        return None
    if canon not in stored:
        return canon
    if stored[canon] != feed_id:
        return None
    key = f"{canon}#{guid}"
    return None if key in stored else key


def prepare_items(conn, feed: Feed, items: Sequence[ParsedItem], enricher: Enricher) -> list[PreparedItem]:
    """Skip known items (same guid in this feed, same canonical URL from another source), then
    match and score the new ones. Reads the database only; safe to run in a worker process."""
    canons = [canonical_url(item.url or item.guid) for item in items]
    stored, own = items_store.known(conn, feed.id, canons, [i.guid for i in items])
    new: list[tuple[ParsedItem, str, str]] = []
    for item, canon in zip(items, canons, strict=True):
        key = identity(canon, item.guid, feed.id, stored, own)
        if key is None:
            continue
        stored.setdefault(canon, feed.id)
        stored[key] = feed.id
        own.add(item.guid)
        new.append((item, key, canon))
    # 300 characters say the language as well as 600 and 1,500 (the same answer on 3,993 texts:
    # demo and fixture feeds in 8 languages, benchmark items, the dev corpora, the short-text
    # set; 200 did too) at 0.19 instead of 0.29 ms an item; all the feed's new entries in one
    # pass of the model (the same answers as one at a time, 0.055 -> 0.025 ms an item), plainly
    # English ones without it (language.plainly_english; 0 of 17,302 answers changed)
    unknown = [i for i, (item, _, _) in enumerate(new) if not item.lang]
    langs = dict(zip(unknown, detect_languages([f"{new[i][0].title}. {new[i][0].text[:300]}" for i in unknown]),
                     strict=True))
    out = []
    for i, (item, key, canon) in enumerate(new):
        if i in langs:
            item = dataclasses.replace(item, lang=langs[i])
        published = item.published or enricher.now
        rows = enricher.mentions_for(0, item, published, feed.kind, feed.weight)
        out.append(PreparedItem(item, key, title_norm(item.title), published, rows, canon))
    return out


def prepare_feed(conn, feed: Feed, body: bytes, url: str, headers: dict, enricher: Enricher) -> PreparedFeed:
    """The feed's entries parsed, matched and scored; whatever a library raises on this feed's
    bytes (not Ctrl+C) is the feed's failure (status ``error``, one line), never the refresh's."""
    try:
        return _prepare_feed(conn, feed, body, url, headers, enricher)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - also a Rust panic, which is not an Exception
        from orm_desktop.textsafe import one_line

        return PreparedFeed("error", f"unexpected error while reading the feed: {one_line(exc)}")


def _prepare_feed(conn, feed: Feed, body: bytes, url: str, headers: dict, enricher: Enricher) -> PreparedFeed:
    parsed: ParseResult = parse_feed(body, url=url, headers=headers, now=enricher.now, kind=feed.kind)
    if parsed.status not in ("ok", "empty"):
        return PreparedFeed(parsed.status, parsed.message)
    # an undated entry (or one dated ahead) was given the fetch time: it says nothing of how far
    # back the feed reaches
    dated = [i.published for i in parsed.items if i.published is not None and i.published < enricher.now]
    return PreparedFeed(parsed.status, parsed.message, parsed.feed_title, len(parsed.items),
                        prepare_items(conn, feed, parsed.items, enricher), oldest=min(dated, default=None))


def write_items(conn, feed: Feed, prepared: Sequence[PreparedItem], now: int) -> tuple[int, int]:
    """Insert prepared items and their mentions (caller holds the transaction). Items stored
    meanwhile by another feed of the same run are skipped. Returns (new items, new mentions)."""
    items_store.commit_lazily(conn)
    stored, own = items_store.known(conn, feed.id, [p.canon or p.canonical_url for p in prepared]
                                    + [p.canonical_url for p in prepared], [p.item.guid for p in prepared])
    fresh: list[PreparedItem] = []
    for p in prepared:
        canon = p.canon or p.canonical_url
        # stored meanwhile (by another feed of this run), or now a copy of another source's entry
        if p.canonical_url in stored or p.item.guid in own or stored.get(canon, feed.id) != feed.id:
            continue
        stored[p.canonical_url] = feed.id
        own.add(p.item.guid)
        fresh.append(p)
    # a feed's items never join each other's clusters: all looked up, then all inserted
    clusters = items_store.first_clusters(conn, [_cluster_lookup(p.title_norm, p.published) for p in fresh], feed.id)
    ids = items_store.insert_many(conn, feed.id, [(p.item, p.canonical_url, p.title_norm, cluster_id, p.published)
                                                  for p, cluster_id in zip(fresh, clusters, strict=True)], now=now)
    new_items = len(ids)
    rows = [(item_id, *r[1:]) for p, item_id in zip(fresh, ids, strict=True) for r in p.mention_rows]
    new_mentions = items_store.insert_mentions(conn, rows)
    if rows and rules_store.any_enabled(conn):
        from orm_desktop.analysis import rules

        item_ids = sorted({r[0] for r in rows})
        ids = mentions_store.ids_for_items(conn, item_ids)
        for name, n in rules.run_on_new(conn, ids, now=now):
            NOTIFIED.append((name, n))
    return new_items, new_mentions


NOTIFIED: list[tuple[str, int]] = []  # (rule, mentions) of "notify" rules matched during this refresh


def store_items(conn, feed: Feed, items: Sequence[ParsedItem], enricher: Enricher) -> tuple[int, int]:
    """Prepare and write in one go (caller holds the transaction): (new items, new mentions)."""
    return write_items(conn, feed, prepare_items(conn, feed, items, enricher), enricher.now)


_TITLES = TitleMatcher(CLUSTER_THRESHOLD)


def _cluster_lookup(tnorm: str, published: int) -> tuple[str, int, Callable[[str], bool]]:
    """What finds the syndication cluster of a new item (``items.first_clusters``): a near-identical
    title from another source (the first candidate, in the store's order, whose title_similarity
    reaches CLUSTER_THRESHOLD); no key (no look-up) for a title of fewer than 3 words."""
    key = items_store.title_key(tnorm) if len(tnorm.split()) >= 3 else ""
    return key, published, lambda other: _TITLES.similar(tnorm, other)


PARALLEL_MIN_FEEDS = 16  # below this, worker start-up costs more than it saves


def refresh(conn, *, jobs: int = 4, feed_ids: Sequence[int] | None = None, force: bool = False,
            limits: FetchLimits | None = None, progress: Progress | None = None,
            cancel: threading.Event | None = None, now: int | None = None,
            workers: int | None = None) -> FetchSummary:
    """Fetch due feeds (all enabled with ``force``, or just ``feed_ids``) and store results.

    Parsing and scoring run in ``workers`` processes (default: the CPU count, for runs of
    PARALLEL_MIN_FEEDS feeds or more; 0 keeps everything in this process); every database
    write stays here, one transaction per feed.
    """
    from orm_desktop.ingest.fetch import Fetcher, FetchLimits, FetchRequest

    started = time.monotonic()
    now = int(now if now is not None else time.time())
    if feed_ids:
        feeds = [f for f in (feeds_store.get(conn, i) for i in feed_ids) if f is not None]
    else:
        feeds = feeds_store.due(conn, now, include_backoff=force)
    by_id = {f.id: f for f in feeds}
    if workers is None:
        workers = (os.cpu_count() or 1) if len(feeds) >= PARALLEL_MIN_FEEDS and jobs > 1 else 0
    enricher = Enricher.for_workspace(conn, now)
    with db.transaction(conn):
        run_id = feeds_store.start_run(conn, now, len(feeds))
    requests = [FetchRequest(f.id, f.url, f.etag, f.last_modified) for f in feeds]
    counts = {"ok": 0, "not_modified": 0, "failed": 0, "entries": 0, "new_items": 0, "new_mentions": 0}
    failures: list[tuple[str, str, str]] = []
    done = 0
    if progress:
        progress(0, len(feeds), "starting")

    unfinished = dict(by_id)  # id -> feed not stored yet: the last few are named while they keep the run waiting

    def finish(feed: Feed, status: str, message: str) -> None:
        nonlocal done
        if status not in ("ok", "not_modified", "empty"):
            counts["failed"] += 1
            failures.append((feed.url, status, message))
        done += 1
        unfinished.pop(feed.id, None)
        if progress:
            left = ""
            if 0 < len(unfinished) <= 3:  # a slow site holds the refresh up to its deadline: say which
                left = " · still to come: " + ", ".join((f.title or f.url)[:60] for f in unfinished.values())
            progress(done, len(feeds), f"{feed.title or feed.url}: {status_text(status, message)}{left}")

    NOTIFIED.clear()
    # the pool is asked for at the first downloaded feed: starting one (a fork server loading the
    # models, GUI) then overlaps the remaining downloads, which run in the fetcher's threads
    pool = None
    database = _database(conn) if workers else ("", 0)
    relay = _Relay.create() if workers else None
    ok = False
    replaced = False
    pending: dict = {}  # future -> (feed, fetch result)
    completed: list[None] = []  # one entry per future done (the pool's result thread); ``seen`` looked at
    seen = 0
    # fewer, larger WAL checkpoints while many small per-feed transactions land
    db.set_autocheckpoint(conn, 8000)
    try:
        for result in Fetcher(limits or FetchLimits(), jobs=jobs).run(requests, cancel=cancel):
            feed = by_id[result.feed_id]
            if workers and pool is None and result.status == "ok":
                pool = _worker_pool(conn, workers)
                _POOL["busy"] = _POOL.get("busy", 0) + 1  # warm_workers leaves a pool in use alone
                for _ in range(workers):  # start them now (spawn): their imports overlap the next downloads
                    pool.submit(_warm)
            if pool is not None and result.status == "ok" and getattr(pool, "_broken", False) and not replaced:
                replaced = True  # a worker died (killed, out of memory): a new pool for the rest, once
                pool = _worker_pool(conn, workers)
            fut = None
            if pool is not None and result.status == "ok":
                try:
                    fut = pool.submit(_prepare_in_worker, database, run_id, now, feed, result.body or b"",
                                      result.final_url or feed.url, result.headers, relay.path if relay else "")
                except BrokenProcessPool:  # died again: this process prepares the feed
                    fut = None
            if fut is not None:
                if relay is not None:
                    fut.add_done_callback(relay.publish)  # at once, in the pool's result thread
                fut.add_done_callback(_one_more(completed))
                pending[fut] = (feed, result)
            else:
                finish(feed, *_handle(conn, feed, result, enricher, counts))
            if len(completed) != seen:  # something finished since the last look: only then scan them all
                seen = len(completed)
                for fut in [f for f in pending if f.done()]:
                    feed, result = pending.pop(fut)
                    finish(feed, *_store_prepared(conn, feed, result, _outcome(fut, conn, feed, result, enricher),
                                                  now, counts))
            if cancel is not None and cancel.is_set():
                break
        for fut in as_completed(list(pending)):
            if cancel is not None and cancel.is_set():
                break
            feed, result = pending.pop(fut)
            finish(feed, *_store_prepared(conn, feed, result, _outcome(fut, conn, feed, result, enricher),
                                          now, counts))
        ok = True
    finally:
        db.set_autocheckpoint(conn, 1000)
        for fut in pending:
            fut.cancel()
        if pool is not None:
            _POOL["busy"] -= 1
        if pool is not None and not ok:  # cancelled or failed: never reuse a pool in doubt
            shutdown_workers()
        if relay is not None:
            relay.close()
    with db.transaction(conn):
        feeds_store.finish_run(conn, run_id, int(time.time()), ok=counts["ok"] + counts["not_modified"],
                               failed=counts["failed"], entries=counts["entries"], new_items=counts["new_items"],
                               new_mentions=counts["new_mentions"])
    return FetchSummary(
        feeds=len(feeds), ok=counts["ok"], not_modified=counts["not_modified"],
        failed=counts["failed"], skipped=len(feeds) - done, entries=counts["entries"],
        new_items=counts["new_items"], new_mentions=counts["new_mentions"],
        seconds=round(time.monotonic() - started, 3), failures=tuple(failures), notified=tuple(NOTIFIED),
    )


def _one_more(completed: list[None]) -> Callable[[object], None]:
    """A done-callback that counts (appending to a list is atomic; no reference to the future
    and its result is kept)."""
    return lambda _fut: completed.append(None)


# -- worker processes ----------------------------------------------------------------------------
# The pool lives across refreshes (spawning two interpreters costs about 1 CPU-s a refresh): one
# pool per process; a worker (re)opens the workspace a task names and rebuilds its enricher
# (entities, rules, settings as they are now) at the first feed of each refresh.
_WORKER: dict = {}
_POOL: dict = {}  # "key": (database path, its inode, workers) or ("fork",), "pool": the executor


def _worker_init(parent: int) -> None:
    import signal

    # Ctrl+C signals the terminal's whole process group: the refresh process handles it (and
    # stops its workers); a worker interrupted mid-task would only print a traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True, name="parent-watch").start()


def _exit_with_parent(parent: int) -> None:
    """A worker whose refresh process was killed (SIGKILL, out of memory) exits within a second
    instead of waiting forever: its task queue's pipe never reports the end, every worker holds
    a copy of its writing end. A worker forked by the fork server is the server's child, not the
    refresh process's: it watches the refresh process through a pidfd (Linux), else by polling."""
    if os.getppid() != parent:
        _wait_for_exit(parent)
        os._exit(0)
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _wait_for_exit(pid: int) -> None:
    import select

    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:  # gone already
        return
    except (AttributeError, OSError):  # not Linux, or a kernel before 5.3: poll
        fd = -1
    if fd >= 0:
        select.select([fd], [], [])
        return
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        except PermissionError:
            pass
        time.sleep(1.0)


def _warm() -> str:
    """Nothing but the package's directory: submitting it makes the pool start (and initialise) a
    worker early, and says which source tree the worker runs (a fork server imports its
    preload with a fresh interpreter's sys.path, not the parent's: _verified)."""
    return paths.package_dir()


def _worker_conn(database: tuple[str, int]):
    """This worker's own connection to the workspace the task names (path, inode), opened in
    the worker: never a connection made before a fork."""
    if _WORKER.get("database") != database:
        from orm_desktop.store import db as dbmod

        old = _WORKER.pop("conn", None)
        if old is not None:
            old.close()
        _WORKER.pop("run", None)
        _WORKER["conn"] = dbmod.connect(database[0])
        _WORKER["database"] = database
        _WORKER["opened_in"] = os.getpid()
    return _WORKER["conn"]


def _prepare_in_worker(database: tuple[str, int], run_id: int, now: int, feed: Feed, body: bytes, url: str,
                       headers: dict, relay: str = "") -> PreparedFeed:
    conn = _worker_conn(database)
    if _WORKER.get("run") != run_id:
        _WORKER["enricher"] = Enricher.for_workspace(conn, now)
        _WORKER["run"] = run_id
        _WORKER["relay"] = _RelayReader(relay) if relay else None
    reader: _RelayReader | None = _WORKER.get("relay")
    memo = _scoring_memo(_WORKER["enricher"].engine) if reader is not None else None
    if memo is None:
        return prepare_feed(conn, feed, body, url, headers, _WORKER["enricher"])
    reader.merge_into(memo)
    before = len(memo)
    prepared = prepare_feed(conn, feed, body, url, headers, _WORKER["enricher"])
    # what this feed taught the memo (it only grows, in insertion order, unless it started over)
    new = itertools.islice(memo.items(), before, None) if len(memo) >= before else memo.items()
    prepared.learned = [(k, v) for k, v in new if _relayable(k, v)]
    return prepared


def _relayable(key, value) -> bool:
    """Only what JSON gives back exactly: (float, float, bool) for a str key."""
    return (type(key) is str and type(value) is tuple and len(value) == 3 and type(value[0]) is float
            and type(value[1]) is float and type(value[2]) is bool)


def _scoring_memo(engine: Engine) -> dict | None:
    """The targeted scorer's memo of segment evidence for this engine (sentiment._evidence:
    chunk -> (score, confidence, sarcastic), a pure function of the chunk for an engine with
    ``analyse_parts``), created if absent; None when the scorer keeps none."""
    from orm_desktop.analysis import sentiment

    memos = getattr(sentiment, "_EVIDENCE_MEMO", None)
    if memos is None or getattr(engine, "analyse_parts", None) is None:
        return None
    try:
        memo = memos.get(engine)
        if memo is None:
            memo = memos[engine] = {}
    except TypeError:
        return None
    return memo


class _Relay:
    """What one worker's scoring memo learned, passed on to the others during a refresh: the
    workers' memos start empty and each would score again every segment (clause) the other
    already scored, where one process scores it once (the peers load: 5,096 vs 3,338 segments).
    The main process appends each finished feed's new entries to a private temporary file as
    one JSON record (length, CRC32, payload); every worker reads what was appended since its
    last task before starting the next. The values are exact (JSON round-trips floats), the
    memo answers a chunk the same in any process of the same engine, so the results do not
    change; a worker that reads nothing (a record not yet complete) only scores more."""

    def __init__(self, path: str, fd: int) -> None:
        self.path, self._fd = path, fd
        self._lock = threading.RLock()  # publish closes the relay when the file cannot be written

    STALE = 3600  # seconds without a write after which a relay file is a killed refresh's

    @classmethod
    def create(cls) -> _Relay | None:
        import tempfile

        cls._remove_stale(tempfile.gettempdir())
        try:
            fd, path = tempfile.mkstemp(prefix="orm-relay-", suffix=".jsonl")  # 0600, this user only
        except OSError:
            return None
        return cls(path, fd)

    @classmethod
    def _remove_stale(cls, folder: str) -> None:
        """A refresh process killed outright (SIGKILL, out of memory) leaves its relay file:
        the next refresh removes this user's that nobody wrote to for an hour (deleting one a
        slow refresh still used would only make its workers score more)."""
        import glob

        limit = time.time() - cls.STALE
        me = os.getuid() if hasattr(os, "getuid") else None
        for path in glob.glob(os.path.join(folder, "orm-relay-*.jsonl")):
            try:
                st = os.stat(path)
                if me in (None, st.st_uid) and st.st_mtime < limit:
                    os.unlink(path)
            except OSError:
                pass

    def publish(self, fut) -> None:
        if fut.cancelled() or fut.exception() is not None:
            return
        prepared = fut.result()
        learned, prepared.learned = prepared.learned, []
        if not learned:
            return
        import zlib

        # ASCII: any text (a lone surrogate too) comes back exactly
        payload = json.dumps(learned, separators=(",", ":")).encode("ascii")
        record = memoryview(b"%d %d\n" % (len(payload), zlib.crc32(payload)) + payload)
        with self._lock:
            try:
                while self._fd >= 0 and record:
                    record = record[os.write(self._fd, record):]
            except OSError:
                self.close()  # a full disk: the workers read what is complete and score the rest

    def close(self) -> None:
        with self._lock:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1
                try:
                    os.unlink(self.path)
                except OSError:
                    pass


class _RelayReader:
    """A worker's side of _Relay: complete, intact records from where it stopped last time."""

    def __init__(self, path: str) -> None:
        self.path, self.offset = path, 0

    def merge_into(self, memo: dict) -> None:
        import zlib

        from orm_desktop.analysis import sentiment

        bound = getattr(sentiment, "_EVIDENCE_MAX", 20_000) - 1  # the scorer starts over there: never make it
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read()
        except OSError:
            return
        pos = 0
        while True:
            nl = data.find(b"\n", pos)
            if nl < 0:
                break
            try:
                size, crc = map(int, data[pos:nl].split())
            except ValueError:
                break
            payload = data[nl + 1:nl + 1 + size]
            if len(payload) < size or zlib.crc32(payload) != crc:
                break  # not written completely yet: next time
            pos = nl + 1 + size
            for chunk, value in json.loads(payload):
                if len(memo) >= bound:
                    break
                memo.setdefault(chunk, tuple(value))
        self.offset += pos


def _database(conn) -> tuple[str, int]:
    path = db.main_file(conn)
    try:  # a restored backup is another file at the same path: new workers / a new connection
        inode = os.stat(path).st_ino
    except OSError:
        inode = 0
    return path, inode


def _worker_pool(conn, workers: int):
    """Processes for parsing and scoring, kept for the next refresh of the same workspace: the
    ones ``prefork_workers`` made (CLI), else ones forked from a fork server that loaded the
    pipeline and its models once (GUI: fetch and Qt threads may be running, so never a plain
    fork of this process), else 'spawn' ones (a frozen bundle; a server that loaded another
    source tree)."""
    with _POOL_LOCK:
        pool = _POOL.get("pool")
        if pool is not None and _POOL.get("key") == ("fork",) and not getattr(pool, "_broken", False):
            return pool
        return _pool_for(_database(conn), workers)


_POOL_LOCK = threading.RLock()  # the GUI warms the pool in one thread and refreshes in another
PRELOAD_MODULE = "orm_desktop.ingest.preload"


def _pool_for(database: tuple[str, int], workers: int):
    import atexit

    key = (*database, workers)
    pool = _POOL.get("pool")
    if pool is not None and _POOL.get("key") == key and not getattr(pool, "_broken", False):
        return pool
    shutdown_workers()
    pool = None
    if _forkserver_usable():
        pool = _verified(_new_pool("forkserver", workers), workers)
    if pool is None:
        pool = _new_pool("spawn", workers)
    if not _POOL.get("atexit"):
        atexit.register(shutdown_workers)
        _POOL["atexit"] = True
    _POOL.update(key=key, pool=pool)
    return pool


def _forkserver_usable() -> bool:
    import multiprocessing

    return (_POOL.get("forkserver_ok", True) and not getattr(sys, "frozen", False)
            and "forkserver" in multiprocessing.get_all_start_methods())


def _new_pool(method: str, workers: int):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        # the server (a fresh interpreter, no threads) imports PRELOAD_MODULE once: the pipeline,
        # the default engine, the language model and the topics; each worker is a fork of it
        ctx.set_forkserver_preload([PRELOAD_MODULE])
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_init,
                               initargs=(os.getpid(),))


def _verified(pool, workers: int):
    """The fork-server pool with every worker started, if its workers run this very source
    tree; else None (shut down; this process uses 'spawn' from now on). Python 3.13's fork
    server imports its preload with a fresh interpreter's sys.path: a process that found
    orm_desktop through a sys.path of its own (a test, a benchmark of another checkout) could
    get workers running another copy of the code."""
    try:
        answers = [f.result(timeout=120) for f in [pool.submit(_warm) for _ in range(workers)]]
    except Exception:  # noqa: BLE001 - a server or worker that failed to start: spawn instead
        answers = []
    if answers and all(a == paths.package_dir() for a in answers):
        return pool
    _POOL["forkserver_ok"] = False
    pool.shutdown(wait=True, cancel_futures=True)
    return None


def warm_workers(database: tuple[str, int], workers: int | None = None) -> bool:
    """Start the refresh's worker pool for the workspace ``database`` (``_database(conn)``) now
    and wait until every worker is ready, so that the next refresh finds it warm: the GUI calls
    it off its thread when a workspace opens. True when a pool is ready."""
    workers = workers or os.cpu_count() or 1
    with _POOL_LOCK:
        pool = _POOL.get("pool")
        if pool is not None and _POOL.get("key") == ("fork",):
            return True
        if pool is not None and _POOL.get("key") != (*database, workers) and _POOL.get("busy"):
            return False  # a refresh of another workspace is using it: its next refresh starts one
        pool = _pool_for(database, workers)
    try:
        for fut in [pool.submit(_warm) for _ in range(workers)]:
            fut.result(timeout=120)
    except Exception:  # noqa: BLE001 - the refresh starts its own pool then
        return False
    return True


def _open_connections() -> int:
    """Database connections alive in this process (SQLite and PostgreSQL)."""
    import gc
    import sqlite3

    kinds: tuple[type, ...] = (sqlite3.Connection,)
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None:
        kinds += (psycopg.Connection,)
    return sum(1 for o in gc.get_objects() if isinstance(o, kinds))


def prefork_workers(workers: int | None = None) -> bool:
    """Start the refresh's worker processes now by fork, for a command-line refresh: call it
    before the process opens a database or starts a thread. The workers inherit the imported
    modules, the sentiment engine, the language model and the topic patterns instead of
    importing and loading them again (about 0.5 CPU-s each with 'spawn'); each opens its own
    database connection at its first task. Refused (False: the refresh then spawns workers as
    before) when a Python thread runs or a database connection is open: a forked child must
    not inherit a lock another thread holds, nor SQLite's per-process lock state. A GUI
    toolkit's native threads are invisible here: the caller (service.start_refresh_workers)
    refuses in a GUI process."""
    import atexit
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if _POOL.get("pool") is not None:
        return _POOL.get("key") == ("fork",)
    if "fork" not in multiprocessing.get_all_start_methods() or _forbidden_to_fork():
        return False
    _preload()
    if _forbidden_to_fork():  # loading started a thread or opened a database: spawn instead
        return False
    workers = workers or os.cpu_count() or 1
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_worker_init, initargs=(os.getpid(),))
    for _ in range(workers):  # a 'fork' pool starts every worker at the first task, before its own thread
        pool.submit(_warm)
    if not _POOL.get("atexit"):
        atexit.register(shutdown_workers)
        _POOL["atexit"] = True
    _POOL.update(key=("fork",), pool=pool)
    return True


def _forbidden_to_fork() -> bool:
    return threading.active_count() > 1 or _open_connections() > 0


# a feed for _preload: one English entry naming an entity and a rival, and two entries in other
# languages (the language model's batch walk needs two texts that are not plainly English)
_PRELOAD_FEED = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Preload</title>
<item><title>Orvella recalls 10,000 e-bikes over battery fires</title><link>https://example.com/1</link>
<description>&lt;p&gt;Orvella said on Monday that it recalls the e-bikes. Unlike Brantix, Orvella was slow to
respond, and customers were angry about the &lt;a href="/faq"&gt;refund&lt;/a&gt; delays.&lt;/p&gt;</description></item>
<item><title>Orvella ruft E-Bikes zur\u00fcck</title><link>https://example.com/2</link>
<description>Der Hersteller hat am Montag mitgeteilt, dass die Fahrr\u00e4der wegen der Akkus zur\u00fcckgerufen
werden.</description></item>
<item><title>Orvella rappelle ses v\u00e9los</title><link>https://example.com/3</link>
<description>Le fabricant a annonc\u00e9 lundi le rappel des v\u00e9los \u00e0 cause des batteries.</description></item>
</channel></rss>""".encode()


def _preload() -> None:
    """What every worker needs, loaded once here so the forked workers share it: a small feed taken
    through a worker's steps. Parsing it imports the feed parsers and the sanitizer; detecting
    its languages loads the language model and its batch walk; scoring its English entry toward
    an entity loads what the default engine loads at its first text (its fitted model, the
    targeted layer, the word list that tells names; a workspace with another engine loads that
    in the worker); the topics compile their patterns. Each worker loaded these itself during
    its first feed (~0.18 CPU-s instead of ~0.03; a worker's first 30 peers feeds 0.81 -> 0.675):
    done once here instead (the preload 0.15 -> 0.23 CPU-s). The caches this fills are pure
    (a text's answer is the same, computed or remembered)."""
    from orm_desktop.analysis import topics

    items = parse_feed(_PRELOAD_FEED, url="https://example.com/feed.xml", now=0).items
    detect_languages([f"{i.title}. {i.text[:300]}" for i in items])
    english = items[0]
    score_toward(english.title, english.text, EntityQuery.parse("Orvella").spans, engine=get_engine(), lang="en")
    topics.classify(f"{english.title}. {english.text}")  # ASCII: the patterns a plain-ASCII text uses


def _same_database(a: str, b: str) -> bool:
    """Whether two names of a workspace database (a file's path; a PostgreSQL URL or DSN) are the
    same database."""
    def is_dsn(x: str) -> bool:
        return x.startswith(("postgresql://", "postgres://")) or "dbname=" in x

    if is_dsn(a) or is_dsn(b):
        try:
            from psycopg.conninfo import conninfo_to_dict
        except ImportError:
            return False

        def where(dsn: str) -> tuple:
            d = conninfo_to_dict(dsn)
            return d.get("host") or "", str(d.get("port") or 5432), d.get("dbname") or ""

        try:
            return where(a) == where(b)
        except Exception:  # noqa: BLE001 - not a DSN: not the same
            return False
    return os.path.realpath(a) == os.path.realpath(b)


def shutdown_workers(database: str | None = None) -> None:
    """Stop the kept worker processes (at exit, on a cancelled or failed refresh, or by a caller
    closing its workspace). With ``database`` (a workspace file's path) only when they were
    started for that file: each worker holds a connection to it, so its WAL cannot be folded in
    while they live."""
    with _POOL_LOCK:
        key = _POOL.get("key")
        if database is not None and not (key and _same_database(key[0], database)):
            return
        pool = _POOL.pop("pool", None)
        _POOL.pop("key", None)
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _interval(conn, feed: Feed) -> int:
    """Seconds until the feed is due again: shorter while a crisis needs it (the feeds of
    analysis.crisis.crisis_feed_ids, asked of the store directly: analysis.crisis, with the
    audit log's signing keys, is imported only during a crisis)."""
    if feed.id not in crisis_store.feed_ids(conn):
        return OK_INTERVAL
    from orm_desktop.analysis.crisis import CRISIS_INTERVAL

    return CRISIS_INTERVAL


def _outcome(fut, conn, feed: Feed, result: FetchResult, enricher: Enricher) -> PreparedFeed:
    """A worker's result; if the worker died (killed, out of memory), prepare it here instead."""
    try:
        return fut.result()
    except Exception:  # noqa: BLE001 - BrokenProcessPool and friends: never lose the feed
        return prepare_feed(conn, feed, result.body or b"", result.final_url or feed.url, result.headers,
                            enricher)


def _store_prepared(conn, feed: Feed, result: FetchResult, prepared: PreparedFeed, now: int,
                    counts: dict) -> tuple[str, str]:
    if prepared.status not in ("ok", "empty"):
        _fail(conn, feed, now, prepared.status, prepared.message)
        return prepared.status, prepared.message
    counts["entries"] += prepared.entries
    with db.transaction(conn):
        new_items, new_mentions = write_items(conn, feed, prepared.items, now)
        feeds_store.record_success(conn, feed.id, now=now, status=prepared.status, etag=result.etag,
                                   last_modified=result.last_modified, title=prepared.feed_title,
                                   new_items=new_items, next_due=now + _interval(conn, feed),
                                   message=prepared.message, oldest=prepared.oldest)
    counts["ok"] += 1
    counts["new_items"] += new_items
    counts["new_mentions"] += new_mentions
    return prepared.status, prepared.message


def _handle(conn, feed: Feed, result: FetchResult, enricher: Enricher, counts: dict) -> tuple[str, str]:
    now = enricher.now
    if result.status == "not_modified":
        with db.transaction(conn):
            # the feed is what it was: its health note (recovered XML, capped entries) still holds
            feeds_store.record_success(conn, feed.id, now=now, status="not_modified", etag=result.etag,
                                       last_modified=result.last_modified, title="", new_items=0,
                                       next_due=now + _interval(conn, feed),
                                       message=feed.last_error if feed.last_status in HEALTHY else "",
                                       unchanged=True)
        counts["not_modified"] += 1
        return "not_modified", ""
    if result.status != "ok":
        _fail(conn, feed, now, result.status, result.message)
        return result.status, result.message
    prepared = prepare_feed(conn, feed, result.body or b"", result.final_url or feed.url,
                            result.headers, enricher)
    return _store_prepared(conn, feed, result, prepared, now, counts)


def _fail(conn, feed: Feed, now: int, status: str, message: str) -> None:
    from orm_desktop.ingest.fetch import backoff_seconds

    with db.transaction(conn):
        feeds_store.record_failure(conn, feed.id, now=now, status=status, message=message,
                                   next_due=now + int(backoff_seconds(feed.error_count + 1)))
