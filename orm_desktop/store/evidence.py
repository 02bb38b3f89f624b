"""Captured evidence rows (the files themselves live in the workspace's evidence/ folder)."""

from __future__ import annotations

import sqlite3

_COLS = ("id, mention_id, url, kind, fetched_at, http_status, headers, body_path, body_sha256, text, "
         "text_sha256, headers_sha256, captured_by")


def insert(conn: sqlite3.Connection, *, mention_id: int, item_id: int, url: str, kind: str, fetched_at: int,
           http_status: int | None, headers_json: str, body_path: str, body_sha256: str, text: str,
           text_sha256: str, headers_sha256: str, captured_by: str) -> int:
    return int(conn.execute(
        "INSERT INTO evidence (mention_id, item_id, url, kind, fetched_at, http_status, headers, body_path, "
        "body_sha256, text, text_sha256, headers_sha256, captured_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
        (mention_id, item_id, url, kind, fetched_at, http_status, headers_json, body_path, body_sha256, text,
         text_sha256, headers_sha256, captured_by)).fetchall()[0][0])


def list_for(conn: sqlite3.Connection, mention_id: int) -> list[tuple]:
    """The mention's captures as rows of ``_COLS`` (headers still JSON), oldest first."""
    return [tuple(r) for r in conn.execute(f"SELECT {_COLS} FROM evidence WHERE mention_id = ? ORDER BY id",
                                           (mention_id,))]
