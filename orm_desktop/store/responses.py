"""Responses, users, workspace templates and key messages (SQL only; rules live in
orm_desktop.responses.workflow)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from orm_desktop.errors import Conflict
from orm_desktop.store import db, versions


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    display_name: str
    roles: tuple[str, ...]
    entity_id: int | None
    version: int = 1  # row version (m013): pass it back as expected_version to save a display name
    changed_by: str = ""


@dataclass(frozen=True, slots=True)
class Response:
    id: int
    mention_id: int | None
    entity_id: int | None
    template_id: str
    channel: str
    text: str
    state: str
    author: str
    approver: str
    in_name_of: int | None
    version: int
    created: int
    updated: int
    submitted_at: int | None
    approved_at: int | None
    sent_at: int | None
    sent_channel: str
    sent_url: str


_RCOLS = ("id, mention_id, entity_id, template_id, channel, text, state, author, approver, in_name_of, "
          "version, created, updated, submitted_at, approved_at, sent_at, sent_channel, sent_url")


_USER_COLS = "id, name, display_name, roles, entity_id, version, changed_by"


def _user(r) -> User:
    return User(r[0], r[1], r[2], tuple(x for x in r[3].split(",") if x), r[4], r[5], r[6])


def add_user(conn: sqlite3.Connection, name: str, *, display_name: str = "", roles: tuple[str, ...],
             entity_id: int | None = None, now: int) -> int:
    cur = conn.execute(
        "INSERT INTO users (name, display_name, roles, entity_id, created) VALUES (?, ?, ?, ?, ?) RETURNING id",
        (name, display_name or name, ",".join(roles), entity_id, now))
    return int(cur.fetchall()[0][0])


def users(conn: sqlite3.Connection) -> list[User]:
    return [_user(r) for r in conn.execute(f"SELECT {_USER_COLS} FROM users ORDER BY name")]


def user_by_name(conn: sqlite3.Connection, name: str) -> User | None:
    r = conn.execute(f"SELECT {_USER_COLS} FROM users WHERE name = ?", (name,)).fetchone()
    return _user(r) if r else None


def set_display_name(conn: sqlite3.Connection, name: str, display_name: str, *, by: str,
                     expected_version: int | None = None) -> int:
    """Change a user's display name (a new row version, saved by ``by``); returns rows changed.
    With ``expected_version``, a user saved by someone else since raises Conflict."""
    return versions.update(conn, "users", "user", "name", name, {"display_name": display_name}, by=by,
                           expected_version=expected_version)


def insert(conn: sqlite3.Connection, *, mention_id: int | None, entity_id: int | None, template_id: str,
           channel: str, text: str, author: str, in_name_of: int | None, now: int) -> int:
    cur = conn.execute(
        "INSERT INTO responses (mention_id, entity_id, template_id, channel, text, author, in_name_of, "
        "created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (mention_id, entity_id, template_id, channel, text, author, in_name_of, now, now))
    return int(cur.fetchall()[0][0])


def get(conn: sqlite3.Connection, response_id: int) -> Response | None:
    r = conn.execute(f"SELECT {_RCOLS} FROM responses WHERE id = ?", (response_id,)).fetchone()
    return Response(*r) if r else None


def update(conn: sqlite3.Connection, response_id: int, *, expected_version: int, by: str = "", **fields) -> bool:
    """Apply fields and bump the version if nobody saved in between; False on a conflict."""
    sets = ", ".join(f"{k} = ?" for k in fields)
    cur = conn.execute(
        f"UPDATE responses SET {sets}, version = version + 1, changed_by = ? WHERE id = ? AND version = ?",
        (*fields.values(), by, response_id, expected_version))
    return cur.rowcount == 1


def conflict(conn: sqlite3.Connection, response_id: int, expected_version: int) -> Conflict:
    """The Conflict for a save based on ``expected_version``: who saved since, and the version now."""
    r = conn.execute("SELECT version, changed_by, author FROM responses WHERE id = ?", (response_id,)).fetchone()
    return Conflict("response", response_id, who=(r[1] or r[2]) if r else "", expected=expected_version,
                    current=r[0] if r else 0)


def list_(conn: sqlite3.Connection, *, states: tuple[str, ...] = (), author: str | None = None,
          in_name_of: int | None = None, mention_id: int | None = None, limit: int = 500) -> list[Response]:
    clauses, args = [], []
    if states:
        clauses.append(f"state IN ({','.join('?' * len(states))})")
        args += list(states)
    if author:
        clauses.append("author = ?")
        args.append(author)
    if in_name_of is not None:
        clauses.append("in_name_of = ?")
        args.append(in_name_of)
    if mention_id is not None:
        clauses.append("mention_id = ?")
        args.append(mention_id)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    return [Response(*r) for r in conn.execute(
        f"SELECT {_RCOLS} FROM responses{where} ORDER BY updated DESC, id DESC LIMIT ?", (*args, limit))]


_OVERDUE = ("m.due_at IS NOT NULL AND m.due_at < ? AND m.status IN ('needs_response', 'flagged') "
            "AND NOT EXISTS (SELECT 1 FROM responses r WHERE r.mention_id = m.id AND r.state = 'sent')")


def _overdue_mentions(conn: sqlite3.Connection) -> str:
    """The FROM of the overdue queries: on SQLite through the partial index mentions_overdue
    (m016), which its planner, without statistics (a workspace is not ANALYZEd), passed over for
    (status, published): every mention needing a response read, 29-53 ms at 300,000 mentions
    instead of 1.9 ms. An offline snapshot taken by an older version opens unmigrated, without
    the index: read as before. PostgreSQL's planner has statistics."""
    if db.dialect(conn) == "sqlite" and conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'mentions_overdue'").fetchone():
        return "mentions m INDEXED BY mentions_overdue"
    return "mentions m"


def overdue(conn: sqlite3.Connection, now: int, limit: int = 500) -> list[tuple[int, int, str]]:
    """(mention id, due_at, title) of mentions past their response due time with nothing sent."""
    return conn.execute(
        f"SELECT m.id, m.due_at, i.title FROM {_overdue_mentions(conn)} JOIN items i ON i.id = m.item_id "
        f"WHERE {_OVERDUE} ORDER BY m.due_at LIMIT ?", (now, limit)).fetchall()


def _of_entities(entity_ids: Sequence[int] | None) -> tuple[str, tuple[int, ...]]:
    """An `AND m.entity_id IN (...)` clause and its parameters; nothing for every entity."""
    if not entity_ids:
        return "", ()
    ids = tuple(int(i) for i in entity_ids)
    return f" AND m.entity_id IN ({', '.join('?' * len(ids))})", ids


def overdue_count(conn: sqlite3.Connection, now: int, entity_ids: Sequence[int] | None = None) -> int:
    """How many mentions ``overdue`` would list with no limit (of ``entity_ids``' mentions only)."""
    clause, ids = _of_entities(entity_ids)
    return int(conn.execute(f"SELECT count(*) FROM {_overdue_mentions(conn)} WHERE {_OVERDUE}{clause}",
                            (now, *ids)).fetchone()[0])


CLOSED_STATES = ("sent", "discarded")  # every other state (draft, in review, changes requested, approved) is open


def open_count(conn: sqlite3.Connection, entity_ids: Sequence[int] | None = None) -> int:
    """Responses open now (not sent, not discarded), whenever they were last changed: what the
    Responses page's "All open" queue lists (of ``entity_ids``' mentions only). One walk of the
    covering index responses_state."""
    if not entity_ids:
        return int(conn.execute("SELECT count(*) FROM responses WHERE state NOT IN (?, ?)", CLOSED_STATES).fetchone()[0])
    clause, ids = _of_entities(entity_ids)
    return int(conn.execute("SELECT count(*) FROM responses r JOIN mentions m ON m.id = r.mention_id "
                            f"WHERE r.state NOT IN (?, ?){clause}", (*CLOSED_STATES, *ids)).fetchone()[0])


def response_times(conn: sqlite3.Connection, since: int, until: int,
                   entity_ids: Sequence[int] | None = None) -> list[tuple]:
    """Per responded mention in [since, until): (first_seen, first draft, approved, sent, due_at)."""
    clause, ids = _of_entities(entity_ids)
    return conn.execute(
        "SELECT i.first_seen, min(r.created), min(r.approved_at), min(r.sent_at), m.due_at "
        "FROM responses r JOIN mentions m ON m.id = r.mention_id JOIN items i ON i.id = m.item_id "
        f"WHERE r.created >= ? AND r.created < ? AND r.state != 'discarded'{clause} "
        # grouped by the response's column (the same mention): SQLite then reads the responses
        # first; by m.id it read every mention (0.2-0.4 s at 300k, on each visit of the Responses page)
        "GROUP BY r.mention_id, i.first_seen, m.due_at",
        (since, until, *ids)).fetchall()


def workspace_templates(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    return conn.execute("SELECT id, body FROM templates ORDER BY id").fetchall()


def template_versions(conn: sqlite3.Connection) -> dict[str, int]:
    """{template id: version} of the workspace templates (what a window read, to save against)."""
    return {str(r[0]): int(r[1]) for r in conn.execute("SELECT id, version FROM templates")}


def template_conflict(conn: sqlite3.Connection, tid: str, expected_version: int) -> Conflict:
    r = conn.execute("SELECT version, changed_by, updated_by FROM templates WHERE id = ?", (tid,)).fetchone()
    return Conflict("template", tid, who=(r[1] or r[2]) if r else "", expected=expected_version,
                    current=r[0] if r else 0)


def save_template(conn: sqlite3.Connection, tid: str, body: str, *, by: str, now: int,
                  expected_version: int | None = None) -> None:
    """Add or replace a workspace template. With ``expected_version`` (the version the writer
    read; 0: it did not exist) a template saved by someone else since raises Conflict."""
    if expected_version is None:
        conn.execute(
            "INSERT INTO templates (id, body, updated, updated_by, changed_by) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated = excluded.updated, "
            "updated_by = excluded.updated_by, changed_by = excluded.changed_by, version = templates.version + 1",
            (tid, body, now, by, by))
        return
    if expected_version == 0:
        cur = conn.execute("INSERT INTO templates (id, body, updated, updated_by, changed_by) VALUES (?, ?, ?, ?, ?) "
                           "ON CONFLICT (id) DO NOTHING", (tid, body, now, by, by))
    else:
        cur = conn.execute("UPDATE templates SET body = ?, updated = ?, updated_by = ?, changed_by = ?, "
                           "version = version + 1 WHERE id = ? AND version = ?",
                           (body, now, by, by, tid, expected_version))
    if cur.rowcount != 1:
        raise template_conflict(conn, tid, expected_version)


def delete_template(conn: sqlite3.Connection, tid: str, *, expected_version: int | None = None) -> int:
    """Delete a workspace template; returns rows deleted. With ``expected_version``, a template
    saved since raises Conflict."""
    if expected_version is None:
        return conn.execute("DELETE FROM templates WHERE id = ?", (tid,)).rowcount
    n = conn.execute("DELETE FROM templates WHERE id = ? AND version = ?", (tid, expected_version)).rowcount
    if n == 0 and conn.execute("SELECT 1 FROM templates WHERE id = ?", (tid,)).fetchone():
        raise template_conflict(conn, tid, expected_version)
    return n


def key_messages(conn: sqlite3.Connection) -> list[tuple[int, str, str]]:
    return conn.execute("SELECT id, topic, text FROM key_messages WHERE active = 1 ORDER BY topic, id").fetchall()


def key_message_versions(conn: sqlite3.Connection) -> dict[int, int]:
    """{id: version} of the active key messages."""
    return {int(r[0]): int(r[1]) for r in conn.execute("SELECT id, version FROM key_messages WHERE active = 1")}


def key_message_conflict(conn: sqlite3.Connection, message_id: int, expected_version: int) -> Conflict:
    r = conn.execute("SELECT version, changed_by, approved_by FROM key_messages WHERE id = ?",
                     (message_id,)).fetchone()
    return Conflict("key message", message_id, who=(r[1] or r[2]) if r else "", expected=expected_version,
                    current=r[0] if r else 0)


def add_key_message(conn: sqlite3.Connection, topic: str, text: str, *, by: str, now: int) -> int:
    cur = conn.execute("INSERT INTO key_messages (topic, text, approved_by, approved_at, changed_by) "
                       "VALUES (?, ?, ?, ?, ?) RETURNING id", (topic, text, by, now, by))
    return int(cur.fetchall()[0][0])


def update_key_message(conn: sqlite3.Connection, message_id: int, topic: str, text: str, *, by: str,
                       now: int, expected_version: int | None = None) -> int:
    """Change an active key message (approved again by ``by``); returns rows changed. With
    ``expected_version``, one changed by someone else since raises Conflict."""
    guard, args = ("", ()) if expected_version is None else (" AND version = ?", (expected_version,))
    n = conn.execute("UPDATE key_messages SET topic = ?, text = ?, approved_by = ?, approved_at = ?, changed_by = ?, "
                     f"version = version + 1 WHERE id = ? AND active = 1{guard}",
                     (topic, text, by, now, by, message_id, *args)).rowcount
    if n == 0 and expected_version is not None:
        raise key_message_conflict(conn, message_id, expected_version)
    return n


def retire_key_message(conn: sqlite3.Connection, message_id: int, *, by: str = "",
                       expected_version: int | None = None) -> int:
    """Take a key message out of use (kept, inactive, for the record); returns rows changed."""
    guard, args = ("", ()) if expected_version is None else (" AND version = ?", (expected_version,))
    n = conn.execute("UPDATE key_messages SET active = 0, changed_by = ?, version = version + 1 "
                     f"WHERE id = ? AND active = 1{guard}", (by, message_id, *args)).rowcount
    if n == 0 and expected_version is not None and conn.execute(
            "SELECT 1 FROM key_messages WHERE id = ?", (message_id,)).fetchone():
        raise key_message_conflict(conn, message_id, expected_version)
    return n


def counts_by_state(conn: sqlite3.Connection, since: int, until: int,
                    entity_ids: Sequence[int] | None = None) -> dict[str, int]:
    """Responses updated in [since, until) by state (to ``entity_ids``' mentions only)."""
    if not entity_ids:
        return {r[0]: r[1] for r in conn.execute("SELECT state, count(*) FROM responses WHERE updated >= ? "
                                                 "AND updated < ? GROUP BY state", (since, until))}
    clause, ids = _of_entities(entity_ids)
    return {r[0]: r[1] for r in conn.execute(
        "SELECT r.state, count(*) FROM responses r JOIN mentions m ON m.id = r.mention_id "
        f"WHERE r.updated >= ? AND r.updated < ?{clause} GROUP BY r.state", (since, until, *ids))}


def active_key_messages_for_export(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """(topic, text, approved_by) of the active key messages, in the order they were added."""
    return [tuple(r) for r in conn.execute(
        "SELECT topic, text, approved_by FROM key_messages WHERE active = 1 ORDER BY id")]


def import_key_message(conn: sqlite3.Connection, topic: str, text: str, approved_by: str) -> None:
    """A key message as a bundle carries it (approved elsewhere, no date)."""
    conn.execute("INSERT INTO key_messages (topic, text, approved_by) VALUES (?, ?, ?)", (topic, text, approved_by))


def users_with_executive(conn: sqlite3.Connection) -> list[tuple[str, str, str, str | None]]:
    """(name, display name, roles as stored, name of the executive they speak for) by name."""
    return [tuple(r) for r in conn.execute(
        "SELECT u.name, u.display_name, u.roles, e.name FROM users u LEFT JOIN entities e ON e.id = u.entity_id "
        "ORDER BY u.name")]
