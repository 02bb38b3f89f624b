"""Identity and signing (issue 13): users' signing keys, signed audit entries, a workspace id.

- ``user_keys``: each user's Ed25519 public key and the private key encrypted under the
  user's passphrase (orm_desktop.identity); append-only like the audit log.
- ``audit_log.key_id`` / ``audit_log.sig``: the key that signed an entry and its signature.
  Entries written before this migration keep both empty: they are *legacy*, verified by hash
  only (``audit verify`` says how many).
- ``workspace_identity``: a random id naming this workspace in checkpoints and approval files
  (not a setting, so a bundle cannot carry it into another workspace).
"""

from __future__ import annotations

import secrets
import sqlite3

from orm_desktop.store.migrations.m001_foundation import _split

SQL = """
CREATE TABLE user_keys (
    name TEXT PRIMARY KEY COLLATE NOCASE,     -- users.name
    key_id TEXT NOT NULL UNIQUE,              -- first 32 hex digits of SHA-256(public key)
    public_key TEXT NOT NULL,                 -- base64, raw 32 bytes
    private_key TEXT NOT NULL DEFAULT '',     -- JSON: scrypt + AES-GCM encrypted private key
    created INTEGER NOT NULL
);
CREATE TRIGGER user_keys_no_update BEFORE UPDATE ON user_keys BEGIN
    SELECT RAISE(ABORT, 'a signing key is never replaced');
END;
CREATE TRIGGER user_keys_no_delete BEFORE DELETE ON user_keys BEGIN
    SELECT RAISE(ABORT, 'a signing key is never replaced');
END;

ALTER TABLE audit_log ADD COLUMN key_id TEXT;
ALTER TABLE audit_log ADD COLUMN sig TEXT;
CREATE INDEX audit_key_entries ON audit_log (key_id) WHERE action IN ('workspace.key', 'user.key');

CREATE TABLE workspace_identity (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    workspace_id TEXT NOT NULL
);
"""


def apply(conn: sqlite3.Connection) -> None:
    for statement in _split(SQL):
        conn.execute(statement)
    conn.execute("INSERT INTO workspace_identity (id, workspace_id) VALUES (1, ?)", (secrets.token_hex(16),))
