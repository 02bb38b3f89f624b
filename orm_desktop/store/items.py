"""Items (unique articles) and the writes of the ingest pipeline."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from orm_desktop.store.migrations.m012_facet_counts import _TOPICS as _M012_TOPICS
from orm_desktop.store.migrations.m017_unscored_daily import _values as _m017_values
from orm_desktop.types import ParsedItem

CLUSTER_WINDOW = 3 * 86400  # syndicated copies appear within a few days of each other


def known(conn: sqlite3.Connection, feed_id: int | None, keys: list[str],
          guids: list[str]) -> tuple[dict[str, int | None], set[str]]:
    """Which of these canonical URLs (identity keys) are stored already, and by which feed; and
    which of these guids this feed has stored already (two indexed queries per 500 values)."""
    urls: dict[str, int | None] = {}
    own: set[str] = set()
    for chunk in _chunks(keys):
        urls.update(conn.execute(
            f"SELECT canonical_url, feed_id FROM items WHERE canonical_url IN ({','.join('?' * len(chunk))})",
            chunk))
    for chunk in _chunks(guids):
        own.update(r[0] for r in conn.execute(
            f"SELECT guid FROM items WHERE guid IN ({','.join('?' * len(chunk))}) AND feed_id IS NOT DISTINCT FROM ?",
            [*chunk, feed_id]))
    return urls, own


def _chunks(values: list[str], size: int = 500):
    values = [v for v in dict.fromkeys(values) if v]
    for i in range(0, len(values), size):
        yield values[i:i + size]


def title_key(title_norm: str) -> str:
    """The syndication look-up key: the first three words of the normalised title."""
    return " ".join(title_norm.split()[:3])


def first_cluster(conn: sqlite3.Connection, key: str, published: int, feed_id: int | None,
                  accept: Callable[[str], bool]) -> int | None:
    """The cluster (its first item's id) of the first item of ANOTHER feed published within
    CLUSTER_WINDOW whose title starts like this (``key``; at most 50, in index order) and whose
    title_norm ``accept`` takes, or None. Rows are read one at a time and the reading stops
    there: each candidate costs a row look-up (title_norm is stored after the item's text). A
    title already refused is not offered to ``accept`` again (as on PostgreSQL)."""
    if not key:
        return None
    cur = conn.execute(
        "SELECT COALESCE(cluster_id, id), title_norm FROM items "
        "WHERE title_key = ? AND published BETWEEN ? AND ? AND feed_id IS DISTINCT FROM ? LIMIT 50",
        (key, published - CLUSTER_WINDOW, published + CLUSTER_WINDOW, feed_id),
    )
    refused: set[str] = set()  # copies share their title: one ``accept`` per distinct title, same answer
    try:
        for cluster_id, other in cur:
            if other in refused:
                continue
            if accept(other):
                return cluster_id
            refused.add(other)
        return None
    finally:
        cur.close()


# PostgreSQL: the look-ups of a feed's new items in one statement (the candidates of each in
# first_cluster's order: the index on (title_key, published)); a feed's items never cluster with
# each other (``feed_id IS DISTINCT FROM``), so looking them all up before inserting any of them
# gives the answers one look-up per item, interleaved with the inserts, gives. First each item's
# first candidate only (the answer for about half the items that have candidates, and for all
# that have none); then all 50 for the items whose first one was refused.
_PG_CLUSTERS = (
    "SELECT k.n, c.cluster_id, c.title_norm "
    "FROM unnest(?::text[], ?::bigint[]) WITH ORDINALITY AS k(title_key, published, n) "
    "CROSS JOIN LATERAL (SELECT COALESCE(cluster_id, id) AS cluster_id, title_norm FROM items "
    "WHERE title_key = k.title_key AND published BETWEEN k.published - ? AND k.published + ? "
    "AND feed_id IS DISTINCT FROM ? ORDER BY published LIMIT ?) c")
_PG_FIRST = 1


def first_clusters(conn: sqlite3.Connection, lookups: Sequence[tuple[str, int, Callable[[str], bool]]],
                   feed_id: int | None) -> list[int | None]:
    """``first_cluster`` of each (key, published, accept) for new items of one feed: on SQLite one
    look-up each, on PostgreSQL two statements for all. A title seen already among an item's
    candidates is not offered to ``accept`` again (the same answer: it was refused)."""
    from orm_desktop.store import db

    if db.dialect(conn) != "postgresql":
        return [first_cluster(conn, key, published, feed_id, accept) for key, published, accept in lookups]
    out: list[int | None] = [None] * len(lookups)
    asked = [i for i, (key, _p, _a) in enumerate(lookups) if key]
    refused: dict[int, set[str]] = {}
    for limit in dict.fromkeys((_PG_FIRST, 50)):
        if not asked:
            break
        rows = conn.execute_tuples(_PG_CLUSTERS, ([lookups[i][0] for i in asked], [int(lookups[i][1]) for i in asked],
                                                  CLUSTER_WINDOW, CLUSTER_WINDOW, feed_id, limit))
        seen: dict[int, int] = {}
        for n, cluster_id, other in rows:  # each item's candidates together, in order (a nested loop)
            i = asked[n - 1]
            seen[i] = seen.get(i, 0) + 1
            no = refused.setdefault(i, set())
            if out[i] is not None or other in no:
                continue
            if lookups[i][2](other):
                out[i] = cluster_id
            else:
                no.add(other)
        # asked again: the items whose candidates so far were all refused, if there may be more
        asked = [i for i in asked if out[i] is None and seen.get(i, 0) == limit]
    return out


_COLUMNS = ("feed_id, guid, url, canonical_url, title, text, html, author, published, first_seen, rating, "
            "cluster_id, title_norm, title_key, lang")
_SQLITE_INSERT_MANY = f"INSERT INTO items (id, {_COLUMNS}) VALUES (?{',?' * 15})"


_PG_INSERT_OWN_CLUSTER = (
    f"INSERT INTO items (id, {_COLUMNS}) "
    "SELECT n.id, ?::bigint, ?, ?, ?, ?, ?, ?, ?, ?::bigint, ?::bigint, ?::double precision, n.id, ?, ?, ? "
    "FROM (SELECT nextval(pg_get_serial_sequence('items', 'id')) AS id) n RETURNING id")


def insert(conn: sqlite3.Connection, feed_id: int | None, item: ParsedItem, *, canonical_url: str,
           title_norm: str, cluster_id: int | None, published: int, now: int) -> int:
    """Insert an item; with no ``cluster_id`` it starts its own cluster (cluster_id = its id)."""
    from orm_desktop.store import db

    if db.dialect(conn) != "postgresql":
        if not conn.in_transaction:  # its id from max(id), its derived rows with it: one transaction
            with db.transaction(conn):
                return insert(conn, feed_id, item, canonical_url=canonical_url, title_norm=title_norm,
                              cluster_id=cluster_id, published=published, now=now)
        ids = _sqlite_insert_many(conn, feed_id, [(item, canonical_url, title_norm, cluster_id, published)], now)
        if ids is not None:
            return ids[0]
    values = (feed_id, item.guid, item.url, canonical_url, item.title, item.text, item.html, item.author,
              published, now, item.rating, cluster_id, title_norm, title_key(title_norm), item.lang)  # [11]: cluster
    if cluster_id is None and db.dialect(conn) == "postgresql":
        # its own cluster in the one INSERT: the UPDATE after it wrote a second row version, with
        # its tsvector computed again and an entry in every index, the GIN index included
        return int(conn.execute(_PG_INSERT_OWN_CLUSTER, (*values[:11], *values[12:])).fetchall()[0][0])
    item_id = int(conn.execute(
        f"INSERT INTO items ({_COLUMNS}) VALUES ({','.join('?' * len(values))}) RETURNING id", values,
    ).fetchall()[0][0])
    if cluster_id is None:
        conn.execute("UPDATE items SET cluster_id = ? WHERE id = ?", (item_id, item_id))
    if db.dialect(conn) != "postgresql":
        index_new_rows(conn, items=(item_id - 1, item_id))
    return item_id


_PG_INSERT_MANY = (
    "WITH v AS (SELECT nextval(pg_get_serial_sequence('items', 'id')) AS id, u.* "
    "FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], "
    "?::double precision[], ?::bigint[], ?::text[], ?::text[], ?::text[]) WITH ORDINALITY "
    "AS u(guid, url, canonical_url, title, text, html, author, published, rating, cluster_id, title_norm, "
    "title_key, lang, n)) "
    f"INSERT INTO items (id, {_COLUMNS}) "
    "SELECT id, ?::bigint, guid, url, canonical_url, title, text, html, author, published, ?::bigint, rating, "
    "COALESCE(cluster_id, id), title_norm, title_key, lang FROM v ORDER BY n RETURNING id, canonical_url")


def insert_many(conn: sqlite3.Connection, feed_id: int | None,
                new: Sequence[tuple[ParsedItem, str, str, int | None, int]], *, now: int) -> list[int]:
    """``insert`` of each (item, canonical_url, title_norm, cluster_id, published), in order;
    their ids. SQLite: one ``executemany`` (``_sqlite_insert_many``); PostgreSQL: one statement
    for all (an item without a cluster heads its own, as in ``insert``)."""
    from orm_desktop.store import db

    postgres = db.dialect(conn) == "postgresql"
    if not postgres and new:
        with _own_transaction(conn):
            ids = _sqlite_insert_many(conn, feed_id, new, now)
        if ids is not None:
            return ids
    if not postgres or len(new) < 2:
        return [insert(conn, feed_id, item, canonical_url=canon, title_norm=tnorm, cluster_id=cluster,
                       published=published, now=now) for item, canon, tnorm, cluster, published in new]
    items = [n[0] for n in new]
    canons = [n[1] for n in new]
    tnorms = [n[2] for n in new]
    rows = conn.execute_tuples(_PG_INSERT_MANY, (
        [i.guid for i in items], [i.url for i in items], canons, [i.title for i in items],
        [i.text for i in items], [i.html for i in items], [i.author for i in items], [int(n[4]) for n in new],
        [None if i.rating is None else float(i.rating) for i in items],
        [None if n[3] is None else int(n[3]) for n in new], tnorms, [title_key(t) for t in tnorms],
        [i.lang for i in items], feed_id, now))
    ids = {canon: item_id for item_id, canon in rows}  # canonical_url is unique: each id to its item
    return [int(ids[c]) for c in canons]


def _sqlite_insert_many(conn: sqlite3.Connection, feed_id: int | None,
                        new: Sequence[tuple[ParsedItem, str, str, int | None, int]], now: int) -> list[int] | None:
    """SQLite: the items with the ids SQLite would give them one at a time (max(id) + 1, no
    AUTOINCREMENT; the caller holds the write transaction; a clash would fail loudly on the
    primary key), each stored with its cluster (its own id when it heads one) in one
    ``executemany`` after one max(id), instead of an INSERT and an UPDATE of the new row and its
    cluster index each; None near the end of the id range."""
    last = conn.execute("SELECT max(id) FROM items").fetchone()[0] or 0
    if last >= 2**63 - 1 - len(new):
        return None
    ids = list(range(last + 1, last + 1 + len(new)))
    conn.executemany(_SQLITE_INSERT_MANY, [
        (item_id, feed_id, item.guid, item.url, canon, item.title, item.text, item.html, item.author, published,
         now, item.rating, item_id if cluster is None else cluster, tnorm, title_key(tnorm), item.lang)
        for item_id, (item, canon, tnorm, cluster, published) in zip(ids, new, strict=True)])
    index_new_rows(conn, items=(last, ids[-1]))
    return ids


# SQLite (migration m014): what the AFTER INSERT triggers of items and mentions wrote per row, as
# one statement each over a batch's new rows, ids in (:lo, :hi]. The same rows as the triggers
# (m001's items_fts_ai, mention_daily_ai, mention_counts_ai; m012's mention_facets_ai): the
# full-text rows in id order; the daily rollup one upsert per mention in id order (its
# sentiment_sum adds the scores one at a time, in the triggers' order: the same float to the
# last bit); counts by (entity, status) and by (facet, entity, status) grouped, integers; the
# facet rows of each mention: its distinct topics and its item's feed, read now (items do not
# move during an insert).
_NEW_FACETS = f"""SELECT DISTINCT t.value AS facet, m.id, m.entity_id, m.status, m.published
FROM mentions m, json_each({_M012_TOPICS.format(r="m")}) t WHERE m.id > :lo AND m.id <= :hi AND t.value <> 'topic:'
UNION ALL
SELECT 'feed:' || i.feed_id, m.id, m.entity_id, m.status, m.published
FROM mentions m JOIN items i ON i.id = m.item_id WHERE m.id > :lo AND m.id <= :hi AND i.feed_id IS NOT NULL"""
_SQLITE_NEW_ITEMS = ("INSERT INTO items_fts (rowid, title, text) "
                     "SELECT id, title, text FROM items WHERE id > :lo AND id <= :hi ORDER BY id",)
_SQLITE_NEW_MENTIONS = (
    "INSERT INTO mention_daily (entity_id, day, total, positive, neutral, negative, sentiment_sum, unscored) "
    f"SELECT entity_id, published / 86400, 1, {_m017_values('mentions')} "
    "FROM mentions WHERE id > :lo AND id <= :hi ORDER BY id "
    "ON CONFLICT (entity_id, day) DO UPDATE SET total = total + 1, positive = positive + excluded.positive, "
    "neutral = neutral + excluded.neutral, negative = negative + excluded.negative, "
    "sentiment_sum = sentiment_sum + excluded.sentiment_sum, unscored = unscored + excluded.unscored",
    "INSERT INTO mention_counts (entity_id, status, n) "
    "SELECT entity_id, status, count(*) FROM mentions WHERE id > :lo AND id <= :hi GROUP BY 1, 2 "
    "ON CONFLICT (entity_id, status) DO UPDATE SET n = n + excluded.n",
    f"INSERT OR IGNORE INTO mention_facets (facet, published, mention_id) "
    f"SELECT facet, published, id FROM ({_NEW_FACETS}) ORDER BY 1, 2, 3",
    f"INSERT INTO mention_facet_counts (facet, entity_id, status, n) "
    f"SELECT facet, entity_id, status, count(*) FROM (SELECT facet, entity_id, status FROM ({_NEW_FACETS}) "
    "UNION ALL SELECT 'kind:' || feed_kind, entity_id, status FROM mentions WHERE id > :lo AND id <= :hi) "
    "GROUP BY 1, 2, 3 ON CONFLICT (facet, entity_id, status) DO UPDATE SET n = n + excluded.n",
)


def index_new_rows(conn: sqlite3.Connection, *, items: tuple[int, int] | None = None,
                   mentions: tuple[int, int] | None = None) -> None:
    """SQLite: the full-text rows of the new items with ids in ``items`` = (after, last], and the
    rollups and facets of the new mentions with ids in ``mentions`` (migration m014: no insert
    triggers; the items first, since a mention's feed facet reads its item). Every INSERT INTO
    items or mentions is followed by this, in the same transaction: ``insert``, ``insert_many``,
    ``insert_mentions`` do it themselves; a bulk copy (the offline snapshot) calls it with
    (0, max id). Nothing on PostgreSQL (its insert triggers fire once per statement)."""
    from orm_desktop.store import db

    if db.dialect(conn) == "postgresql":
        return
    for span, statements in ((items, _SQLITE_NEW_ITEMS), (mentions, _SQLITE_NEW_MENTIONS)):
        if span is None or span[1] <= span[0]:
            continue
        for sql in statements:
            conn.execute(sql, {"lo": int(span[0]), "hi": int(span[1])})


def _own_transaction(conn: sqlite3.Connection):
    """The caller's write transaction, or one of its own for a caller without (SQLite: a batch's
    ids come from max(id), and its rows and their derived rows commit together)."""
    import contextlib

    from orm_desktop.store import db

    return contextlib.nullcontext() if conn.in_transaction else db.transaction(conn)


def commit_lazily(conn: sqlite3.Connection) -> None:
    """The current transaction's COMMIT returns without waiting for the server to flush it to disk
    (PostgreSQL ``SET LOCAL synchronous_commit TO off``; a refresh's per-feed transactions): a
    crash of the server or its machine may lose the last transactions committed within about
    0.6 s (``wal_writer_delay`` x 3), each whole (the feed's items, mentions, rollups and its
    fetch record together), never half of one; the next refresh fetches those feeds again, as
    their ETag and fetch time were lost with them. A user's change committed after them
    (triage, a draft) flushes them too: the log is flushed in order. SQLite workspaces commit
    this way already (WAL with ``synchronous=NORMAL``). Saves a disk flush (2-5 ms here) per
    feed."""
    from orm_desktop.store import db

    if db.dialect(conn) == "postgresql":
        conn.execute("SET LOCAL synchronous_commit TO off")


MENTION_COLUMNS = ("item_id", "entity_id", "published", "feed_kind", "snippet", "sentiment",
                   "machine_sentiment", "engine", "score_source", "evidence", "topics", "stage",
                   "priority", "due_at", "created", "confidence")


def insert_mentions(conn: sqlite3.Connection, rows: list[tuple]) -> int:
    """Insert mention rows (tuples in MENTION_COLUMNS order); existing pairs are left alone."""
    if not rows:
        return 0
    n = len(MENTION_COLUMNS)
    rows = [r if len(r) == n else (*r, None) for r in rows]  # rows without a confidence (NULL)
    from orm_desktop.store import db

    if db.dialect(conn) == "postgresql":
        return _pg_insert_mentions(conn, rows)
    # the ids SQLite would give the rows one at a time (max(id) + 1, no AUTOINCREMENT; in the
    # caller's write transaction, or in one of its own), so that the new rows are those in (last, last + n]: a pair
    # stored already leaves its id unused; an id past the range fails loudly (OverflowError)
    with _own_transaction(conn):
        return _sqlite_insert_mentions(conn, rows)


def _sqlite_insert_mentions(conn: sqlite3.Connection, rows: list[tuple]) -> int:
    last = conn.execute("SELECT max(id) FROM mentions").fetchone()[0] or 0
    cur = conn.executemany(
        f"INSERT INTO mentions (id, {', '.join(MENTION_COLUMNS)}) "
        f"VALUES (?, {', '.join('?' * len(MENTION_COLUMNS))}) ON CONFLICT (item_id, entity_id) DO NOTHING",
        [(last + 1 + k, *r) for k, r in enumerate(rows)],
    )
    added = cur.rowcount  # the statement's own rows
    if added:
        index_new_rows(conn, mentions=(last, last + len(rows)))
    return added


# PostgreSQL: a column each, as arrays: one statement (one statement-level firing of the
# rollup, facet and notify triggers) instead of one per row; a cast and a coercion per column
# (psycopg refuses a list that mixes int and float)
_MENTION_TYPES = ("bigint", "bigint", "bigint", "text", "text", "double precision", "double precision", "text",
                  "text", "text", "text", "text", "double precision", "bigint", "bigint", "double precision")
_PG_INSERT_MENTIONS = (
    f"INSERT INTO mentions ({', '.join(MENTION_COLUMNS)}) "
    f"SELECT * FROM unnest({', '.join(f'?::{t}[]' for t in _MENTION_TYPES)}) "
    "ON CONFLICT (item_id, entity_id) DO NOTHING")
_PG_BATCH = 5000  # rows a statement (a rematch on history may bring 100,000)


def _pg_insert_mentions(conn: sqlite3.Connection, rows: list[tuple]) -> int:
    added = 0
    for start in range(0, len(rows), _PG_BATCH):
        columns = []
        for values, t in zip(zip(*rows[start:start + _PG_BATCH], strict=True), _MENTION_TYPES, strict=True):
            if t == "bigint":
                values = [None if v is None else int(v) for v in values]
            elif t == "double precision":
                values = [None if v is None else float(v) for v in values]
            columns.append(list(values))
        added += conn.execute_count(_PG_INSERT_MENTIONS, columns)
    return added


def count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM items").fetchone()[0]


def iter_for_rematch(conn: sqlite3.Connection, batch: int = 2000):
    """(id, title, text, published, rating, feed kind) of every item, in id order, in batches."""
    last = 0
    while True:
        rows = conn.execute(
            "SELECT i.id, i.title, i.text, i.published, i.rating, COALESCE(f.kind, 'news'), "
            "COALESCE(f.weight, 1.0), i.lang FROM items i LEFT JOIN feeds f ON f.id = i.feed_id "
            "WHERE i.id > ? ORDER BY i.id LIMIT ?", (last, batch)).fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def fts_optimize(conn: sqlite3.Connection) -> None:
    """Merge FTS segments; makes later incremental inserts several times faster (SQLite only:
    PostgreSQL's GIN index merges its pending list itself)."""
    from orm_desktop.store import db

    if db.dialect(conn) == "postgresql":
        return
    conn.execute("INSERT INTO items_fts (items_fts) VALUES ('optimize')")


def fts_candidates(conn: sqlite3.Connection, fts_query: str):
    """(id, title, text, published, rating, feed kind, feed weight, language) of the items the FTS
    query matches (a superset for an entity query: the caller checks exactly)."""
    from orm_desktop.store import mentions

    return conn.execute(
        "SELECT i.id, i.title, i.text, i.published, i.rating, COALESCE(f.kind, 'news'), "
        f"COALESCE(f.weight, 1.0), i.lang FROM items i LEFT JOIN feeds f ON f.id = i.feed_id "
        f"WHERE i.id IN ({mentions.search_sql(conn)})",
        (mentions.match_arg(conn, fts_query),),
    )


def all_candidates(conn: sqlite3.Connection):
    """``fts_candidates``' columns for every stored item (a query the index cannot narrow)."""
    return conn.execute(
        "SELECT i.id, i.title, i.text, i.published, i.rating, COALESCE(f.kind, 'news'), "
        "COALESCE(f.weight, 1.0), i.lang FROM items i LEFT JOIN feeds f ON f.id = i.feed_id")


def content(conn: sqlite3.Connection, item_id: int) -> tuple[str, str, str] | None:
    """(html, text, title) of an item as stored."""
    row = conn.execute("SELECT html, text, title FROM items WHERE id = ?", (item_id,)).fetchone()
    return None if row is None else (row[0], row[1], row[2])
