"""The append-only, hash-chained audit log.

Each entry stores ``prev_hash`` (the previous entry's hash, or GENESIS) and ``hash`` =
SHA-256 over the previous hash and the entry's canonical fields. Altering, inserting or
deleting any entry breaks the chain from that entry on; ``verify`` names the first broken one.
Triggers refuse UPDATE and DELETE; the chain catches edits made behind SQLite's back.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: int
    actor: str
    action: str
    subject_type: str
    subject_id: int | None
    data: dict[str, Any]
    prev_hash: str
    hash: str


def entry_hash(prev_hash: str, at: int, actor: str, action: str, subject_type: str,
               subject_id: int | None, data: str) -> str:
    payload = json.dumps([prev_hash, at, actor, action, subject_type, subject_id, data],
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append(conn: sqlite3.Connection, *, actor: str, action: str, subject_type: str,
           subject_id: int | None, data: dict[str, Any] | None = None, now: int) -> int:
    """Append an entry (call inside the transaction that makes the audited change)."""
    row = conn.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    prev = row[0] if row else GENESIS
    text = json.dumps(data or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    h = entry_hash(prev, now, actor, action, subject_type, subject_id, text)
    cur = conn.execute(
        "INSERT INTO audit_log (at, actor, action, subject_type, subject_id, data, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (now, actor, action, subject_type, subject_id, text, prev, h),
    )
    return int(cur.lastrowid)


def _entry(r: tuple) -> AuditEntry:
    return AuditEntry(id=r[0], at=r[1], actor=r[2], action=r[3], subject_type=r[4],
                      subject_id=r[5], data=json.loads(r[6]), prev_hash=r[7], hash=r[8])


_COLS = "id, at, actor, action, subject_type, subject_id, data, prev_hash, hash"


def for_subject(conn: sqlite3.Connection, subject_type: str, subject_id: int) -> list[AuditEntry]:
    return [_entry(r) for r in conn.execute(
        f"SELECT {_COLS} FROM audit_log WHERE subject_type = ? AND subject_id = ? ORDER BY id",
        (subject_type, subject_id))]


def all_entries(conn: sqlite3.Connection, *, since_id: int = 0) -> list[AuditEntry]:
    return [_entry(r) for r in conn.execute(
        f"SELECT {_COLS} FROM audit_log WHERE id > ? ORDER BY id", (since_id,))]


def verify(conn: sqlite3.Connection) -> tuple[int, int | None, str]:
    """(entries checked, id of the first broken entry or None, what is wrong)."""
    prev = GENESIS
    n = 0
    for r in conn.execute(f"SELECT {_COLS} FROM audit_log ORDER BY id"):
        n += 1
        if r[7] != prev:
            return n, r[0], "its prev_hash does not match the entry before it (entry removed or inserted)"
        if entry_hash(r[7], r[1], r[2], r[3], r[4], r[5], r[6]) != r[8]:
            return n, r[0], "its content does not match its hash (entry altered)"
        prev = r[8]
    return n, None, ""
