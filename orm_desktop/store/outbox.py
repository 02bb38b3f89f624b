"""The delivery outbox (SQL only; the sending rules live in orm_desktop.deliveries.outbox).

A row is written before its message is sent and marked after. States::

    pending    waiting to be sent (again, after ``next_attempt``)
    sending    handed to the server; a row still in this state when the next run starts was
               interrupted between "handed over" and "accepted": it becomes ``uncertain``
    sent       the server accepted it
    uncertain  maybe delivered (crash in the window above): never re-sent by itself
    failed     refused for good (e.g. a 5xx reply) or too many attempts
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

STATES = ("pending", "sending", "sent", "uncertain", "failed")


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    key: str
    channel: str
    kind: str
    target: str
    subject: str
    message_id: str
    state: str
    attempts: int
    next_attempt: int
    last_error: str
    created: int
    detected_at: int | None
    sent_at: int | None


_COLS = ("id, key, channel, kind, target, subject, message_id, state, attempts, next_attempt, last_error, "
         "created, detected_at, sent_at")


def exists(conn: sqlite3.Connection, key: str) -> bool:
    return conn.execute("SELECT 1 FROM outbox WHERE key = ?", (key,)).fetchone() is not None


def add(conn: sqlite3.Connection, *, key: str, channel: str, kind: str, target: str, subject: str,
        message_id: str, body: bytes, now: int, detected_at: int | None = None) -> int | None:
    """Queue a message; None when a message with this key was queued before (never twice)."""
    cur = conn.execute(
        "INSERT INTO outbox (key, channel, kind, target, subject, message_id, body, next_attempt, created, "
        "detected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING RETURNING id",
        (key, channel, kind, target, subject, message_id, body, now, now, detected_at))
    row = cur.fetchall()
    return int(row[0][0]) if row else None


def due(conn: sqlite3.Connection, now: int, limit: int = 200) -> list[OutboxRow]:
    return [OutboxRow(*r) for r in conn.execute(
        f"SELECT {_COLS} FROM outbox WHERE state = 'pending' AND next_attempt <= ? ORDER BY id LIMIT ?",
        (now, limit))]


def body(conn: sqlite3.Connection, row_id: int) -> bytes:
    return bytes(conn.execute("SELECT body FROM outbox WHERE id = ?", (row_id,)).fetchone()[0])


def get(conn: sqlite3.Connection, row_id: int) -> OutboxRow | None:
    r = conn.execute(f"SELECT {_COLS} FROM outbox WHERE id = ?", (row_id,)).fetchone()
    return OutboxRow(*r) if r else None


def list_(conn: sqlite3.Connection, *, states: tuple[str, ...] = (), limit: int = 500) -> list[OutboxRow]:
    where = f" WHERE state IN ({','.join('?' * len(states))})" if states else ""
    return [OutboxRow(*r) for r in conn.execute(
        f"SELECT {_COLS} FROM outbox{where} ORDER BY id DESC LIMIT ?", (*states, limit))]


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows per state; pending rows that failed at least once count as 'retrying'."""
    return dict(conn.execute(
        "SELECT CASE WHEN state = 'pending' AND attempts > 0 THEN 'retrying' ELSE state END, count(*) "
        "FROM outbox GROUP BY 1").fetchall())


def mark_sending(conn: sqlite3.Connection, row_id: int) -> None:
    conn.execute("UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id = ?", (row_id,))


def mark_sent(conn: sqlite3.Connection, row_id: int, now: int) -> None:
    conn.execute("UPDATE outbox SET state = 'sent', sent_at = ?, last_error = '' WHERE id = ?", (now, row_id))


def mark_retry(conn: sqlite3.Connection, row_id: int, *, error: str, next_attempt: int,
               count_attempt: bool) -> None:
    """Back to pending after a failure before the message was handed over."""
    conn.execute("UPDATE outbox SET state = 'pending', last_error = ?, next_attempt = ?, "
                 "attempts = attempts + ? WHERE id = ?", (error, next_attempt, int(count_attempt), row_id))


def mark_failed(conn: sqlite3.Connection, row_id: int, error: str) -> None:
    conn.execute("UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?", (error, row_id))


def mark_uncertain(conn: sqlite3.Connection, row_id: int, error: str) -> None:
    conn.execute("UPDATE outbox SET state = 'uncertain', last_error = ? WHERE id = ?", (error, row_id))


def interrupted_to_uncertain(conn: sqlite3.Connection) -> int:
    """Rows left in 'sending' by a process that died (call while holding the deliveries lock)."""
    return conn.execute(
        "UPDATE outbox SET state = 'uncertain', last_error = 'interrupted while the server was receiving it: "
        "it may have been delivered; resend by hand if it was not' WHERE state = 'sending'").rowcount


def requeue(conn: sqlite3.Connection, row_ids: tuple[int, ...], now: int) -> int:
    """Send failed/uncertain rows again (a person's decision), now."""
    if not row_ids:
        return 0
    return conn.execute(
        f"UPDATE outbox SET state = 'pending', next_attempt = ? WHERE state IN ('failed', 'uncertain', 'pending') "
        f"AND id IN ({','.join('?' * len(row_ids))})", (now, *row_ids)).rowcount


def drop_old_bodies(conn: sqlite3.Connection, sent_before: int) -> int:
    """Free the bytes of messages sent before ``sent_before`` (the row and its key stay)."""
    return conn.execute("UPDATE outbox SET body = ? WHERE state = 'sent' AND sent_at < ? AND length(body) > 0",
                        (b"", sent_before)).rowcount


def alerts_created_since(conn: sqlite3.Connection, since: int) -> list[tuple[int, int, str]]:
    """(alert id, created, description) of open spike alerts detected at or after ``since``."""
    return conn.execute("SELECT id, created, detail FROM alerts WHERE status = 'open' AND created >= ? "
                        "ORDER BY id", (since,)).fetchall()


def crisis_events_since(conn: sqlite3.Connection, since: int) -> list[tuple[int, int, str, str, str]]:
    """(audit id, at, action, actor, entity name) of crisis switches at or after ``since``."""
    return conn.execute(
        "SELECT a.id, a.at, a.action, a.actor, COALESCE(e.name, '?') FROM audit_log a "
        "LEFT JOIN entities e ON e.id = a.subject_id "
        "WHERE a.action IN ('crisis.on', 'crisis.off') AND a.at >= ? ORDER BY a.id", (since,)).fetchall()
