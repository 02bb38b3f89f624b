"""Responses: users with roles, workspace templates and key messages, drafts, and one
append-only, hash-chained audit log shared by every audited action (responses, overrides,
rules, exports)."""

from __future__ import annotations

import sqlite3

from orm_desktop.store.migrations.m001_foundation import _split

SQL = """
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT NOT NULL DEFAULT '',
    roles TEXT NOT NULL DEFAULT 'author',     -- comma separated: author, approver, executive, admin
    entity_id INTEGER REFERENCES entities(id) ON DELETE SET NULL,   -- the executive this user is
    created INTEGER NOT NULL
);

CREATE TABLE templates (
    id TEXT PRIMARY KEY,                      -- workspace templates; shipped ones live in resources/
    body TEXT NOT NULL,                       -- the whole TOML document
    updated INTEGER NOT NULL,
    updated_by TEXT NOT NULL DEFAULT ''
);

CREATE TABLE key_messages (
    id INTEGER PRIMARY KEY,
    topic TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    approved_by TEXT NOT NULL DEFAULT '',
    approved_at INTEGER,
    active INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE responses (
    id INTEGER PRIMARY KEY,
    mention_id INTEGER REFERENCES mentions(id) ON DELETE SET NULL,
    entity_id INTEGER REFERENCES entities(id) ON DELETE SET NULL,
    template_id TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'draft'
        CHECK (state IN ('draft', 'in_review', 'approved', 'changes_requested', 'sent', 'discarded')),
    author TEXT NOT NULL,
    approver TEXT NOT NULL DEFAULT '',
    in_name_of INTEGER REFERENCES entities(id) ON DELETE SET NULL,  -- an executive speaking
    version INTEGER NOT NULL DEFAULT 1,       -- optimistic concurrency: every save bumps it
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    submitted_at INTEGER,
    approved_at INTEGER,
    sent_at INTEGER,
    sent_channel TEXT NOT NULL DEFAULT '',
    sent_url TEXT NOT NULL DEFAULT ''
);
CREATE INDEX responses_state ON responses (state, updated);
CREATE INDEX responses_mention ON responses (mention_id);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,                     -- e.g. response.create, response.edit, mention.override
    subject_type TEXT NOT NULL,               -- response | mention | rule | workspace | ...
    subject_id INTEGER,
    data TEXT NOT NULL DEFAULT '{}',          -- JSON: from/to state, comment, diff, ...
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_subject ON audit_log (subject_type, subject_id, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
"""


def apply(conn: sqlite3.Connection) -> None:
    for statement in _split(SQL):
        conn.execute(statement)
