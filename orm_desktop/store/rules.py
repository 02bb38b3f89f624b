"""Rules: saved searches with actions (analysis/rules.py validates and decides; this reads and writes)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from orm_desktop.errors import Conflict, UsageError

_COLS = "id, name, conditions, actions, enabled, version"


def _row(r) -> tuple[int, str, dict, dict, bool, int]:
    return r[0], r[1], json.loads(r[2]), json.loads(r[3]), bool(r[4]), r[5]


def get(conn: sqlite3.Connection, rule_id: int) -> tuple[int, str, dict, dict, bool, int] | None:
    """(id, name, conditions, actions, enabled, version) or None."""
    r = conn.execute(f"SELECT {_COLS} FROM rules WHERE id = ?", (rule_id,)).fetchone()
    return None if r is None else _row(r)


def list_(conn: sqlite3.Connection, *, enabled_only: bool = False) -> list[tuple[int, str, dict, dict, bool, int]]:
    where = " WHERE enabled = 1" if enabled_only else ""
    return [_row(r) for r in conn.execute(f"SELECT {_COLS} FROM rules{where} ORDER BY id")]


def any_enabled(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM rules WHERE enabled = 1 LIMIT 1").fetchone() is not None


def insert(conn: sqlite3.Connection, name: str, enabled: bool, conditions: dict, actions: dict, now: int) -> int:
    return int(conn.execute("INSERT INTO rules (name, enabled, conditions, actions, created, updated) "
                            "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                            (name, int(enabled), json.dumps(conditions), json.dumps(actions), now, now)
                            ).fetchall()[0][0])


def update(conn: sqlite3.Connection, rule_id: int, name: str, enabled: bool, conditions: dict, actions: dict,
           now: int, *, by: str = "", expected_version: int = 0) -> None:
    """Save a rule; with ``expected_version`` (not 0) a rule someone else saved since raises
    Conflict and nothing is written."""
    cur = conn.execute(
        "UPDATE rules SET name = ?, enabled = ?, conditions = ?, actions = ?, updated = ?, "
        "version = version + 1, changed_by = ? WHERE id = ? AND (? = 0 OR version = ?)",
        (name, int(enabled), json.dumps(conditions), json.dumps(actions), now, by, rule_id,
         expected_version, expected_version))
    if cur.rowcount != 1:
        row = conn.execute("SELECT version, changed_by FROM rules WHERE id = ?", (rule_id,)).fetchone()
        if row is None:
            raise UsageError(f"no rule with id {rule_id} (deleted meanwhile)")
        raise Conflict("rule", rule_id, who=row[1], expected=expected_version, current=row[0])


def delete(conn: sqlite3.Connection, rule_id: int) -> None:
    conn.execute("DELETE FROM rules WHERE id = ?", (rule_id,))


def candidates(conn: sqlite3.Connection, c: dict, *, entity_id: int | None, fts_query: str | None,
               mention_ids: Sequence[int] | None = None) -> list[tuple[int, str, str]]:
    """(mention id, title, text) of the mentions the structured conditions ``c`` select, by id;
    ``entity_id`` is the resolved ``entity`` condition, ``fts_query`` the FTS form of ``terms``
    (a prefilter: the caller checks the terms exactly)."""
    clauses, args = ["1 = 1"], []
    if entity_id is not None:
        clauses.append("m.entity_id = ?")
        args.append(entity_id)
    if c.get("kinds"):
        clauses.append(f"m.feed_kind IN ({','.join('?' * len(c['kinds']))})")
        args += list(c["kinds"])
    if c.get("sentiment"):
        from orm_desktop.store.mentions import SENTIMENT_SQL

        clauses.append(SENTIMENT_SQL[c["sentiment"]])  # the inbox's labels: a language not scored is no neutral
    if c.get("topic"):
        clauses.append("(',' || m.topics || ',') LIKE ?")
        args.append(f"%,{c['topic']},%")
    if c.get("min_rating") is not None:
        clauses.append("i.rating >= ?")
        args.append(float(c["min_rating"]))
    if c.get("max_rating") is not None:
        clauses.append("i.rating <= ?")
        args.append(float(c["max_rating"]))
    if c.get("feed_id") is not None:
        clauses.append("i.feed_id = ?")
        args.append(int(c["feed_id"]))
    if c.get("category"):
        clauses.append("f.category = ?")
        args.append(c["category"])
    if fts_query is not None:
        from orm_desktop.store import mentions

        clauses.append(f"m.item_id IN ({mentions.search_sql(conn)})")
        args.append(mentions.match_arg(conn, fts_query))
    if mention_ids is not None:
        clauses.append(f"m.id IN ({','.join('?' * len(mention_ids))})")
        args += list(mention_ids)
    return [tuple(r) for r in conn.execute(
        "SELECT m.id, i.title, i.text FROM mentions m JOIN items i ON i.id = m.item_id "
        f"LEFT JOIN feeds f ON f.id = i.feed_id WHERE {' AND '.join(clauses)} ORDER BY m.id", args)]


def would_change(conn: sqlite3.Connection, actions: dict, ids: Sequence[int]) -> list[int]:
    """Of ``ids``, the mentions the actions would actually change (all of them for notify only)."""
    a = actions
    if not ids:
        return []
    checks = []
    if a.get("status"):
        checks.append(("status != ?", a["status"]))
    if a.get("assign"):
        checks.append(("assignee != ?", a["assign"]))
    if "priority" in a:
        checks.append(("priority != ?", float(a["priority"])))
    if "sentiment" in a:
        checks.append(("(override IS NULL OR override != ?)", float(a["sentiment"])))
    if a.get("mute"):
        checks.append(("muted = ?", 0))
    if a.get("tag"):
        checks.append(("(',' || tags || ',') NOT LIKE ?", f"%,{a['tag']},%"))
    if not checks:  # notify only: every selected mention counts
        return list(ids)
    out = []
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        sql = (f"SELECT id FROM mentions WHERE id IN ({','.join('?' * len(chunk))}) AND ("
               + " OR ".join(c for c, _ in checks) + ")")
        out += [r[0] for r in conn.execute(sql, (*chunk, *[v for _, v in checks]))]
    return sorted(out)


def apply(conn: sqlite3.Connection, actions: dict, ids: Sequence[int], *, by: str, now: int) -> None:
    """Apply the actions to the mentions (the caller holds the transaction and passed only those
    that would change)."""
    a = actions
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ",".join("?" * len(chunk))
        if a.get("status"):
            conn.execute(f"UPDATE mentions SET status = ?, status_at = ?, status_by = ? WHERE id IN ({marks})",
                         (a["status"], now, by, *chunk))
        if a.get("assign"):
            conn.execute(f"UPDATE mentions SET assignee = ? WHERE id IN ({marks})", (a["assign"], *chunk))
        if "priority" in a:
            conn.execute(f"UPDATE mentions SET priority = ? WHERE id IN ({marks})", (float(a["priority"]), *chunk))
        if "sentiment" in a:
            v = float(a["sentiment"])
            conn.execute(f"UPDATE mentions SET override = ?, sentiment = ?, override_by = ?, override_at = ? "
                         f"WHERE id IN ({marks})", (v, v, by, now, *chunk))
        if a.get("mute"):
            conn.execute(f"UPDATE mentions SET muted = 1 WHERE id IN ({marks})", chunk)
        if a.get("tag"):
            conn.execute(f"UPDATE mentions SET tags = CASE WHEN tags = '' THEN ? ELSE tags || ',' || ? END "
                         f"WHERE id IN ({marks}) AND (',' || tags || ',') NOT LIKE ?",
                         (a["tag"], a["tag"], *chunk, f"%,{a['tag']},%"))


def titles(conn: sqlite3.Connection, mention_ids: Sequence[int]) -> list[tuple[int, str]]:
    """(mention id, item title) by id."""
    if not mention_ids:
        return []
    return [(r[0], r[1]) for r in conn.execute(
        f"SELECT m.id, i.title FROM mentions m JOIN items i ON i.id = m.item_id "
        f"WHERE m.id IN ({','.join('?' * len(mention_ids))}) ORDER BY m.id", list(mention_ids))]
