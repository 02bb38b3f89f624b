"""Spike alerts: the rows analysis/alerts.py detects, stored and listed."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable


def active_entities(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    """(id, name) of the active entities, by id."""
    return [(r[0], r[1]) for r in conn.execute("SELECT id, name FROM entities WHERE active = 1 ORDER BY id")]


def upsert(conn: sqlite3.Connection, rows: Iterable[tuple], now: int) -> int:
    """Insert alerts given as (entity_id, kind, window_start, window_end, observed, baseline,
    score, detail); an alert with the same entity, kind and start is updated (a withdrawn one is
    open again). Returns how many were new. The caller owns the transaction."""
    new = 0
    for r in rows:
        new += conn.execute("SELECT 1 FROM alerts WHERE entity_id = ? AND kind = ? AND window_start = ?",
                            (r[0], r[1], r[2])).fetchone() is None
        conn.execute(
            "INSERT INTO alerts (entity_id, kind, window_start, window_end, observed, baseline, score, detail, "
            "created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (entity_id, kind, window_start) DO UPDATE "
            "SET window_end = excluded.window_end, observed = excluded.observed, baseline = excluded.baseline, "
            "score = excluded.score, detail = excluded.detail, "
            # a spike again after it was withdrawn (scores changed back): open again
            "status = CASE WHEN alerts.status = 'withdrawn' THEN 'open' ELSE alerts.status END",
            (*r, now))
    return new


def withdraw_open(conn: sqlite3.Connection, entity_ids: Iterable[int], since: int,
                  keep: set[tuple[int, str, int]]) -> int:
    """Withdraw the open alerts of these entities whose window starts at or after ``since`` and
    whose (entity_id, kind, window_start) is not in ``keep``: detection no longer finds them
    (after new mentions, or scores changed since: status 'withdrawn', not open, not in reports,
    listed by `alerts --all`; kept, so an id is never handed out again). Acknowledged ones stay.
    Returns how many. The caller owns the transaction."""
    ids = list(entity_ids)
    if not ids:
        return 0
    gone = [r[0] for r in conn.execute(
        f"SELECT id, entity_id, kind, window_start FROM alerts WHERE status = 'open' AND window_start >= ? "
        f"AND entity_id IN ({','.join('?' * len(ids))})", (since, *ids)).fetchall()
        if (r[1], r[2], r[3]) not in keep]
    for alert_id in gone:
        conn.execute("UPDATE alerts SET status = 'withdrawn' WHERE id = ?", (alert_id,))
    return len(gone)


_ACK = ("(SELECT l.{col} FROM audit_log l WHERE l.subject_type = 'alert' AND l.subject_id = a.id "
        "AND l.action = 'alert.acknowledge' ORDER BY l.id DESC LIMIT 1)")


def _select(where: str) -> str:
    """The columns of ``list_``; who acknowledged an alert and when are read from the audit log
    (its newest ``alert.acknowledge`` entry), not from a column of the alerts table."""
    return ("SELECT a.entity_id, e.name, a.kind, a.window_start, a.window_end, a.observed, a.baseline, a.score, "
            f"a.status, a.id, {_ACK.format(col='actor')}, {_ACK.format(col='at')} "
            f"FROM alerts a JOIN entities e ON e.id = a.entity_id{where}")


def list_(conn: sqlite3.Connection, *, entity_id: int | None = None, include_closed: bool = False) -> list[tuple]:
    """(entity_id, entity name, kind, window_start, window_end, observed, baseline, score, status,
    id, acknowledged by, acknowledged at), newest window first; the last two are None unless the
    alert is acknowledged."""
    clauses, args = [], []
    if entity_id is not None:
        clauses.append("a.entity_id = ?")
        args.append(entity_id)
    if not include_closed:
        clauses.append("a.status = 'open'")
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    return [_acked_only(r) for r in conn.execute(_select(where) + " ORDER BY a.window_end DESC, a.score DESC", args)]


def get(conn: sqlite3.Connection, alert_id: int) -> tuple | None:
    """One alert as ``list_`` gives it, or None."""
    r = conn.execute(_select(" WHERE a.id = ?"), (alert_id,)).fetchone()
    return None if r is None else _acked_only(r)


def _acked_only(r) -> tuple:
    r = tuple(r)
    return r if r[8] == "acknowledged" else (*r[:10], None, None)


def set_status(conn: sqlite3.Connection, alert_id: int, status: str, *, was: str) -> bool:
    """Move an alert from status ``was`` to ``status``; False when it was not in ``was`` (someone
    else changed it first). The caller owns the transaction."""
    cur = conn.execute("UPDATE alerts SET status = ? WHERE id = ? AND status = ?", (status, alert_id, was))
    return cur.rowcount == 1


def open_since(conn: sqlite3.Connection, entity_id: int, since: int) -> bool:
    """Whether the entity has an open alert whose window ends at or after ``since``."""
    return conn.execute("SELECT 1 FROM alerts WHERE entity_id = ? AND status = 'open' AND window_end >= ? LIMIT 1",
                        (entity_id, since)).fetchone() is not None
