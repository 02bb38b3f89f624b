"""Feeds and their health."""

from __future__ import annotations

import sqlite3
import time

from orm_desktop.errors import Conflict
from orm_desktop.store import versions
from orm_desktop.types import Feed

_COLS = ("id, url, title, kind, category, weight, enabled, template_url, entity_id, etag, "
         "last_modified, last_fetched, last_status, last_error, error_count, next_due, items_total, "
         "version, changed_by")


def _row(r: sqlite3.Row | tuple) -> Feed:
    return Feed(
        id=r[0], url=r[1], title=r[2], kind=r[3], category=r[4], weight=r[5], enabled=bool(r[6]),
        template_url=r[7], entity_id=r[8], etag=r[9], last_modified=r[10], last_fetched=r[11],
        last_status=r[12], last_error=r[13], error_count=r[14], next_due=r[15], items_total=r[16],
        version=r[17], changed_by=r[18],
    )


def upsert(conn: sqlite3.Connection, url: str, *, title: str = "", kind: str = "news", category: str = "",
           weight: float = 1.0, template_url: str = "", entity_id: int | None = None) -> tuple[int, bool]:
    """Insert a feed or update its description; returns (id, created)."""
    row = conn.execute("SELECT id FROM feeds WHERE url = ?", (url,)).fetchone()
    if row:
        conn.execute(
            "UPDATE feeds SET title = COALESCE(NULLIF(?, ''), title), kind = ?, category = ?, "
            "weight = ?, template_url = ?, entity_id = ? WHERE id = ?",
            (title, kind, category, weight, template_url, entity_id, row[0]),
        )
        follow_kind(conn, int(row[0]))
        return int(row[0]), False
    new_id = conn.execute(
        "INSERT INTO feeds (url, title, kind, category, weight, template_url, entity_id, created) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (url, title, kind, category, weight, template_url, entity_id, int(time.time())),
    ).fetchall()[0][0]
    return int(new_id), True


def list_(conn: sqlite3.Connection, *, enabled_only: bool = False) -> list[Feed]:
    where = "WHERE enabled = 1" if enabled_only else ""
    return [_row(r) for r in conn.execute(f"SELECT {_COLS} FROM feeds {where} ORDER BY category, title, id")]


def get(conn: sqlite3.Connection, feed_id: int) -> Feed | None:
    r = conn.execute(f"SELECT {_COLS} FROM feeds WHERE id = ?", (feed_id,)).fetchone()
    return _row(r) if r else None


def due(conn: sqlite3.Connection, now: int, *, include_backoff: bool = False) -> list[Feed]:
    """Enabled feeds whose next fetch is due (all enabled feeds with include_backoff)."""
    if include_backoff:
        return list_(conn, enabled_only=True)
    return [_row(r) for r in conn.execute(
        f"SELECT {_COLS} FROM feeds WHERE enabled = 1 AND (next_due IS NULL OR next_due <= ?) "
        "ORDER BY id", (now,))]


def conflict(conn: sqlite3.Connection, feed_id: int, expected_version: int) -> Conflict:
    """The Conflict of a save on ``expected_version`` of a feed someone else saved (or removed) since."""
    return versions.conflict(conn, "feeds", "feed", "id", feed_id, expected_version)


def update(conn: sqlite3.Connection, feed_id: int, *, by: str = "", expected_version: int | None = None,
           **fields: object) -> int:
    """Change a feed's description (a new row version, saved by ``by``); returns rows changed.
    With ``expected_version`` (the version the editor read) a feed saved by someone else since
    raises Conflict and nothing is written."""
    allowed = {"url", "title", "kind", "category", "weight", "enabled"}
    bad = set(fields) - allowed
    if bad:
        raise ValueError(f"unknown feed fields: {sorted(bad)}")
    before = conn.execute("SELECT url, enabled, last_fetched FROM feeds WHERE id = ?", (feed_id,)).fetchone()
    n = versions.update(conn, "feeds", "feed", "id", feed_id, fields, by=by, expected_version=expected_version)
    if n and "kind" in fields:
        follow_kind(conn, feed_id)
    if n and before is not None and new_watch(before, fields, now=int(time.time())):
        conn.execute("UPDATE feeds SET watched_since = NULL WHERE id = ?", (feed_id,))
    return n


WATCH_GAP = 86400  # a feed enabled again after longer than this without a fetch is watched anew


def new_watch(before, fields: dict, *, now: int) -> bool:
    """Whether a change starts a new watch of the feed (``watched_since`` set again by its next
    successful fetch, m018): its address now names another source, or it is enabled again after
    more than a day without a fetch (disabled meanwhile). Its earlier ``watched_since`` would make
    the days it was not fetched read as quiet days and its returning volume as a spike."""
    url, enabled, last_fetched = before
    if "url" in fields and str(fields["url"]) != url:
        return True
    return bool(fields.get("enabled")) and not enabled and (last_fetched is None or now - last_fetched > WATCH_GAP)


def follow_kind(conn: sqlite3.Connection, feed_id: int) -> None:
    """Give the feed's mentions its kind. ``mentions.feed_kind`` is a copy of the feed's kind (for
    filters without a join): after the kind changed, the sources table said "blog" while the
    "Volume by source kind" chart, the reach weights and the inbox's kind filter still read
    "review". The facet counts follow by their trigger. The caller owns the transaction."""
    conn.execute("UPDATE mentions SET feed_kind = f.kind FROM feeds f WHERE f.id = ? AND mentions.feed_kind <> f.kind "
                 "AND mentions.item_id IN (SELECT id FROM items WHERE feed_id = ?)", (feed_id, feed_id))


def remove(conn: sqlite3.Connection, feed_id: int, *, expected_version: int | None = None) -> int:
    """Delete a feed (its items stay); with ``expected_version``, one saved by someone else since
    raises Conflict. Returns rows deleted."""
    return versions.delete(conn, "feeds", "feed", "id", feed_id, expected_version=expected_version)


def record_success(conn: sqlite3.Connection, feed_id: int, *, now: int, status: str, etag: str,
                   last_modified: str, title: str, new_items: int, next_due: int,
                   message: str = "", oldest: int | None = None, unchanged: bool = False) -> None:
    """A successful fetch at ``now`` (its items were stored with ``first_seen = now``). The first
    one sets ``watched_since`` (m018), as does the first after a new watch began (``new_watch``):
    what it brought is the feed's backlog, which spike detection counts only once the feed has
    been watched over a whole compared window. Each sets ``watched_until`` (m019) and, when the
    feed's window did not reach back to the fetch before, records what was not seen
    (``record_gap``). ``oldest``: the oldest dated entry the fetch brought, stored or new (None:
    none dated); ``unchanged``: the server said the feed is as it was (304), so nothing was missed."""
    if not unchanged:
        record_gap(conn, feed_id, now=now, oldest=oldest)
    conn.execute(
        "UPDATE feeds SET last_fetched = ?, last_status = ?, last_error = ?, error_count = 0, "
        "etag = COALESCE(NULLIF(?, ''), etag), last_modified = COALESCE(NULLIF(?, ''), last_modified), "
        "title = CASE WHEN title = '' THEN ? ELSE title END, items_total = items_total + ?, "
        "next_due = ?, watched_since = COALESCE(watched_since, ?), watched_until = ? WHERE id = ?",
        (now, status, message, etag, last_modified, title, new_items, next_due, now, now, feed_id),
    )


def record_gap(conn: sqlite3.Connection, feed_id: int, *, now: int, oldest: int | None) -> bool:
    """Record in ``feed_gaps`` (m019) the span a fetch at ``now`` shows the feed's refreshes did
    not see: from its previous successful fetch (``watched_until``) to ``oldest``, the oldest
    dated entry this fetch brought (the feed held every entry since: a feed is a window of its
    latest entries), or to ``now`` when it brought none dated. Recorded when longer than a day
    (``WATCH_GAP``): a feed refreshed at least daily whose window is shorter than the time
    between two refreshes (a burst pushed entries out) misses part of a day, which makes a spike
    smaller, never a quiet baseline. Nothing for a feed's first fetch (or the first of a new
    watch: ``watched_since`` NULL). Returns whether a gap was recorded. The caller owns the
    transaction."""
    row = conn.execute("SELECT watched_since, watched_until FROM feeds WHERE id = ?", (feed_id,)).fetchone()
    if row is None or row[0] is None or row[1] is None:
        return False
    before = int(row[1])
    seen_from = now if oldest is None else min(int(oldest), now)
    if seen_from - before <= WATCH_GAP:
        return False
    conn.execute("INSERT INTO feed_gaps (feed_id, gap_from, gap_until) VALUES (?, ?, ?) "
                 "ON CONFLICT (feed_id, gap_from) DO UPDATE SET gap_until = excluded.gap_until",
                 (feed_id, before, seen_from))
    return True


def record_failure(conn: sqlite3.Connection, feed_id: int, *, now: int, status: str, message: str,
                   next_due: int) -> None:
    conn.execute(
        "UPDATE feeds SET last_fetched = ?, last_status = ?, last_error = ?, "
        "error_count = error_count + 1, next_due = ? WHERE id = ?",
        (now, status, message, next_due, feed_id),
    )


def health_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """{'ok': n, 'failing': n, 'never': n, 'disabled': n} for the status bar."""
    r = conn.execute(
        "SELECT count(*) FILTER (WHERE enabled = 0), count(*) FILTER (WHERE enabled = 1 AND last_status = ''), "
        "count(*) FILTER (WHERE enabled = 1 AND last_status IN ('ok', 'not_modified', 'empty')), "
        "count(*) FILTER (WHERE enabled = 1 AND last_status NOT IN ('', 'ok', 'not_modified', 'empty')) "
        "FROM feeds"
    ).fetchone()
    return {"disabled": r[0] or 0, "never": r[1] or 0, "ok": r[2] or 0, "failing": r[3] or 0}


def last_run(conn: sqlite3.Connection) -> tuple[int, int] | None:
    """(finished, feeds) of the newest finished refresh that fetched at least one feed."""
    return conn.execute("SELECT finished, feeds FROM fetch_runs WHERE finished IS NOT NULL AND feeds > 0 "
                        "ORDER BY finished DESC, id DESC LIMIT 1").fetchone()


def start_run(conn: sqlite3.Connection, started: int, feeds: int) -> int:
    """A new fetch_runs row for a refresh of ``feeds`` feeds; returns its id."""
    return int(conn.execute("INSERT INTO fetch_runs (started, feeds) VALUES (?, ?) RETURNING id",
                            (started, feeds)).fetchall()[0][0])


def finish_run(conn: sqlite3.Connection, run_id: int, finished: int, *, ok: int, failed: int, entries: int,
               new_items: int, new_mentions: int) -> None:
    conn.execute(
        "UPDATE fetch_runs SET finished = ?, ok = ?, failed = ?, entries = ?, new_items = ?, "
        "new_mentions = ? WHERE id = ?", (finished, ok, failed, entries, new_items, new_mentions, run_id))
