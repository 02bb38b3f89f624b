"""Signing keys and the workspace id (SQL only; the cryptography is in orm_desktop.identity)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

PROTECTING_TRIGGERS = ("audit_log_no_update", "audit_log_no_delete", "user_keys_no_update",
                       "user_keys_no_delete")


@dataclass(frozen=True, slots=True)
class StoredKey:
    name: str
    key_id: str
    public_key: str
    private_key: str  # encrypted blob (JSON text); '' when only the public key is known here


def user_key(conn: sqlite3.Connection, name: str) -> StoredKey | None:
    r = conn.execute("SELECT name, key_id, public_key, private_key FROM user_keys WHERE name = ?",
                     (name.strip(),)).fetchone()
    return StoredKey(*r) if r else None


def user_keys(conn: sqlite3.Connection) -> list[StoredKey]:
    return [StoredKey(*r) for r in conn.execute(
        "SELECT name, key_id, public_key, private_key FROM user_keys ORDER BY name")]


def add_user_key(conn: sqlite3.Connection, name: str, *, key_id: str, public_key: str, private_key: str,
                 now: int) -> None:
    conn.execute("INSERT INTO user_keys (name, key_id, public_key, private_key, created) VALUES (?, ?, ?, ?, ?)",
                 (name, key_id, public_key, private_key, now))


def is_user(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM users WHERE name = ?", (name.strip(),)).fetchone() is not None


def workspace_id(conn: sqlite3.Connection) -> str:
    return conn.execute("SELECT workspace_id FROM workspace_identity WHERE id = 1").fetchone()[0]


def key_registered(conn: sqlite3.Connection, key_id: str) -> bool:
    """Whether the audit log already holds the registration entry of ``key_id``."""
    return conn.execute("SELECT 1 FROM audit_log WHERE key_id = ? AND action IN ('workspace.key', 'user.key') "
                        "LIMIT 1", (key_id,)).fetchone() is not None


def key_registered_for(conn: sqlite3.Connection, key_id: str, name: str) -> bool:
    """Whether the audit log registered ``key_id`` as ``name``'s key (a ``user.key`` entry)."""
    return conn.execute("SELECT 1 FROM audit_log WHERE key_id = ? AND action IN ('workspace.key', 'user.key') "
                        "AND action = 'user.key' AND actor = ? COLLATE NOCASE LIMIT 1",
                        (key_id, name.strip())).fetchone() is not None


def missing_triggers(conn: sqlite3.Connection) -> list[str]:
    from orm_desktop.store import db

    if db.dialect(conn) == "postgresql":
        have = {r[0] for r in conn.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}
    else:
        have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    return [t for t in PROTECTING_TRIGGERS if t not in have]


def database_dir(conn: sqlite3.Connection) -> Path | None:
    """The folder of the connection's main database file (None for an in-memory one); for a team
    workspace (PostgreSQL), its per-user local folder (workspace.Workspace.root)."""
    from orm_desktop.store import db

    if db.dialect(conn) == "postgresql":
        return getattr(conn, "local_dir", None)
    for _seq, name, file in conn.execute("PRAGMA database_list"):
        if name == "main":
            return Path(file).parent if file else None
    return None
