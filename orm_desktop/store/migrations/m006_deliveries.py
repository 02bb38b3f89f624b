"""Deliveries (issue 16): the outbox of mails and chat messages, written before sending.

Reserved slot for this change is 9; the file is numbered 6 on its branch because the loader
refuses gaps. The integrator renumbers it when merging.
"""

from __future__ import annotations

import sqlite3

SQL = """
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,                 -- idempotency key: one message per key, ever
    channel TEXT NOT NULL,                    -- email | webhook
    kind TEXT NOT NULL,                       -- digest | alert | rule | crisis | report | test
    target TEXT NOT NULL,                     -- an e-mail address or a webhook name
    subject TEXT NOT NULL DEFAULT '',
    message_id TEXT NOT NULL,                 -- the Message-ID (or webhook idempotency key) sent
    body BLOB NOT NULL,                       -- the message exactly as it is sent (RFC 5322 / JSON)
    state TEXT NOT NULL DEFAULT 'pending',    -- pending | sending | sent | uncertain | failed
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt INTEGER NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    created INTEGER NOT NULL,
    detected_at INTEGER,                      -- when the event behind it was detected
    sent_at INTEGER
);
CREATE INDEX outbox_due ON outbox (state, next_attempt);
"""


def apply(conn: sqlite3.Connection) -> None:
    for statement in SQL.strip().split(";\n"):
        if statement.strip():
            conn.execute(statement)
