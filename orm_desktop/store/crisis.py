"""Crisis mode rows: the entity flag, when it started (a setting) and the priority boost."""

from __future__ import annotations

import sqlite3


def active(conn: sqlite3.Connection) -> list[tuple[int, str, int]]:
    """(entity id, name, since) of entities in crisis mode, by name."""
    return [tuple(r) for r in conn.execute(
        "SELECT e.id, e.name, COALESCE(CAST(s.value AS INTEGER), 0) FROM entities e "
        "LEFT JOIN settings s ON s.key = 'crisis_since_' || e.id WHERE e.crisis = 1 ORDER BY e.name")]


def ids(conn: sqlite3.Connection) -> frozenset[int]:
    """Ids of the entities in crisis mode."""
    return frozenset(r[0] for r in conn.execute("SELECT id FROM entities WHERE crisis = 1"))


def is_on(conn: sqlite3.Connection, entity_id: int) -> bool:
    row = conn.execute("SELECT crisis FROM entities WHERE id = ?", (entity_id,)).fetchone()
    return bool(row and row[0])


def feed_ids(conn: sqlite3.Connection) -> set[int]:
    """News and social feeds plus the search feeds of entities in crisis (empty when none is)."""
    if not conn.execute("SELECT 1 FROM entities WHERE crisis = 1 LIMIT 1").fetchone():
        return set()
    return {r[0] for r in conn.execute(
        "SELECT id FROM feeds WHERE kind IN ('news', 'social') OR entity_id IN (SELECT id FROM entities WHERE crisis = 1)")}


def since(conn: sqlite3.Connection, entity_id: int) -> int | None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (f"crisis_since_{entity_id}",)).fetchone()
    return int(row[0]) if row else None


def switch_on(conn: sqlite3.Connection, entity_id: int, now: int, boost: float, boost_days: int) -> None:
    """Flag the entity, record since when, boost its recent mentions and make its feeds due now.
    The caller owns the transaction."""
    conn.execute("UPDATE entities SET crisis = 1 WHERE id = ?", (entity_id,))
    conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = "
                 "excluded.value", (f"crisis_since_{entity_id}", str(now)))
    conn.execute("UPDATE mentions SET priority = priority + ? WHERE entity_id = ? AND published >= ? "
                 "AND priority < ?", (boost, entity_id, now - boost_days * 86400, boost))
    conn.execute("UPDATE feeds SET next_due = ? WHERE kind IN ('news', 'social') OR entity_id = ?", (now, entity_id))


def switch_off(conn: sqlite3.Connection, entity_id: int, boost: float) -> None:
    """Clear the flag and take the boost off again. The caller owns the transaction."""
    conn.execute("UPDATE entities SET crisis = 0 WHERE id = ?", (entity_id,))
    conn.execute("UPDATE mentions SET priority = priority - ? WHERE entity_id = ? AND priority >= ?",
                 (boost, entity_id, boost))
