"""Items (unique articles) and the writes of the ingest pipeline."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

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
    there: each candidate costs a row look-up (title_norm is stored after the item's text)."""
    if not key:
        return None
    cur = conn.execute(
        "SELECT COALESCE(cluster_id, id), title_norm FROM items "
        "WHERE title_key = ? AND published BETWEEN ? AND ? AND feed_id IS DISTINCT FROM ? LIMIT 50",
        (key, published - CLUSTER_WINDOW, published + CLUSTER_WINDOW, feed_id),
    )
    try:
        for cluster_id, other in cur:
            if accept(other):
                return cluster_id
        return None
    finally:
        cur.close()


_PG_INSERT_OWN_CLUSTER = (
    "INSERT INTO items (id, feed_id, guid, url, canonical_url, title, text, html, author, published, "
    "first_seen, rating, cluster_id, title_norm, title_key, lang) "
    "SELECT n.id, ?::bigint, ?, ?, ?, ?, ?, ?, ?, ?::bigint, ?::bigint, ?::double precision, n.id, ?, ?, ? "
    "FROM (SELECT nextval(pg_get_serial_sequence('items', 'id')) AS id) n RETURNING id")


def insert(conn: sqlite3.Connection, feed_id: int | None, item: ParsedItem, *, canonical_url: str,
           title_norm: str, cluster_id: int | None, published: int, now: int) -> int:
    """Insert an item; with no ``cluster_id`` it starts its own cluster (cluster_id = its id)."""
    from orm_desktop.store import db

    values = (feed_id, item.guid, item.url, canonical_url, item.title, item.text, item.html, item.author,
              published, now, item.rating, cluster_id, title_norm, title_key(title_norm), item.lang)  # [11]: cluster
    columns = ("feed_id, guid, url, canonical_url, title, text, html, author, published, first_seen, rating, "
               "cluster_id, title_norm, title_key, lang")
    if cluster_id is None:
        if db.dialect(conn) == "postgresql":
            # its own cluster in the one INSERT: the UPDATE after it wrote a second row version, with
            # its tsvector computed again and an entry in every index, the GIN index included
            return int(conn.execute(_PG_INSERT_OWN_CLUSTER, (*values[:11], *values[12:])).fetchall()[0][0])
        # SQLite gives a new row max(id) + 1 (no AUTOINCREMENT): the same id, stored with its
        # cluster in one statement instead of an UPDATE of the new row and its cluster index
        # (the caller holds the write transaction; a clash would fail loudly on the primary key)
        last = conn.execute("SELECT max(id) FROM items").fetchone()[0] or 0
        if last < 2**63 - 1:
            item_id = last + 1
            conn.execute(f"INSERT INTO items (id, {columns}) VALUES (?{',?' * len(values)})",
                         (item_id, *values[:11], item_id, *values[12:]))
            return item_id
    item_id = int(conn.execute(
        f"INSERT INTO items ({columns}) VALUES ({','.join('?' * len(values))}) RETURNING id", values,
    ).fetchall()[0][0])
    if cluster_id is None:
        conn.execute("UPDATE items SET cluster_id = ? WHERE id = ?", (item_id, item_id))
    return item_id


MENTION_COLUMNS = ("item_id", "entity_id", "published", "feed_kind", "snippet", "sentiment",
                   "machine_sentiment", "engine", "score_source", "evidence", "topics", "stage",
                   "priority", "due_at", "created", "confidence")


def insert_mentions(conn: sqlite3.Connection, rows: list[tuple]) -> int:
    """Insert mention rows (tuples in MENTION_COLUMNS order); existing pairs are left alone."""
    if not rows:
        return 0
    n = len(MENTION_COLUMNS)
    rows = [r if len(r) == n else (*r, None) for r in rows]  # rows without a confidence (NULL)
    cur = conn.executemany(
        f"INSERT INTO mentions ({', '.join(MENTION_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(MENTION_COLUMNS))}) ON CONFLICT (item_id, entity_id) DO NOTHING",
        rows,
    )
    return cur.rowcount  # the statement's own rows; trigger writes (rollups) are not counted


def count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM items").fetchone()[0]


def iter_for_rematch(conn: sqlite3.Connection, batch: int = 2000):
    """(id, title, text, published, rating, feed kind) of every item, in id order, in batches."""
    last = 0
    while True:
        rows = conn.execute(
            "SELECT i.id, i.title, i.text, i.published, i.rating, COALESCE(f.kind, 'news'), "
            "COALESCE(f.weight, 1.0) FROM items i LEFT JOIN feeds f ON f.id = i.feed_id "
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
    """(id, title, text, published, rating, feed kind, feed weight) of the items the FTS query
    matches (a superset for an entity query: the caller checks exactly)."""
    from orm_desktop.store import mentions

    return conn.execute(
        "SELECT i.id, i.title, i.text, i.published, i.rating, COALESCE(f.kind, 'news'), "
        f"COALESCE(f.weight, 1.0) FROM items i LEFT JOIN feeds f ON f.id = i.feed_id "
        f"WHERE i.id IN ({mentions.search_sql(conn)})",
        (mentions.match_arg(conn, fts_query),),
    )


def content(conn: sqlite3.Connection, item_id: int) -> tuple[str, str, str] | None:
    """(html, text, title) of an item as stored."""
    row = conn.execute("SELECT html, text, title FROM items WHERE id = ?", (item_id,)).fetchone()
    return None if row is None else (row[0], row[1], row[2])
