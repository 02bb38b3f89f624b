"""What an attacker holding the workspace folder does, as plain helpers for the tests."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from orm_desktop import chain, identity


def raw(ws_root: Path) -> sqlite3.Connection:
    """The database opened behind the app's back (the sqlite3 shell, say)."""
    conn = sqlite3.connect(ws_root / "orm.db", isolation_level=None)
    return conn


def drop_triggers(conn: sqlite3.Connection) -> None:
    for name in ("audit_log_no_update", "audit_log_no_delete", "user_keys_no_update", "user_keys_no_delete"):
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")


def workspace_priv(ws_root: Path):
    return identity.workspace_key(ws_root)


def rehash_from(conn: sqlite3.Connection, first_id: int, *, resign_with=None) -> None:
    """Recompute every hash from ``first_id`` on (the chain links again); entries signed by the
    workspace key are re-signed with it when the attacker passes it (he has the file)."""
    rows = conn.execute("SELECT id, at, actor, action, subject_type, subject_id, data, prev_hash, hash, key_id, sig "
                        "FROM audit_log ORDER BY id").fetchall()
    prev = chain.GENESIS
    for r in rows:
        rid, at, actor, action, st, sid, data, _p, h, kid, sig = r
        if rid >= first_id:
            h = chain.entry_hash(prev, at, actor, action, st, sid, data, kid)
            if resign_with is not None and kid == identity.key_id_of(identity.public_b64(resign_with)):
                sig = chain.sign_entry(resign_with, h)
            conn.execute("UPDATE audit_log SET prev_hash = ?, hash = ?, sig = ? WHERE id = ?", (prev, h, sig, rid))
        prev = h


def write_json(path: Path, doc) -> None:
    Path(path).write_text(json.dumps(doc, indent=1), encoding="utf-8")
