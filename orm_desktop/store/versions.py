"""Row versions (migrations m009, m011, m013): a save names the version its editor read; a row
saved (or removed) by someone else since raises Conflict naming who, and nothing is written."""

from __future__ import annotations

import sqlite3

from orm_desktop.errors import Conflict


def _guard(expected_version: int | None) -> tuple[str, tuple]:
    return ("", ()) if expected_version is None else (" AND version = ?", (expected_version,))


def conflict(conn: sqlite3.Connection, table: str, kind: str, key_col: str, key: object,
             expected_version: int) -> Conflict:
    """The Conflict of a save on ``expected_version`` of a row someone else saved (or removed) since."""
    r = conn.execute(f"SELECT version, changed_by FROM {table} WHERE {key_col} = ?", (key,)).fetchone()
    return Conflict(kind, key, who=r[1] if r else "", expected=expected_version, current=r[0] if r else 0)


def update(conn: sqlite3.Connection, table: str, kind: str, key_col: str, key: object, fields: dict, *,
           by: str, expected_version: int | None) -> int:
    """UPDATE ``fields`` of one row as a new version saved by ``by``; rows changed. With
    ``expected_version``, Conflict unless the row is still at that version."""
    sets = "".join(f"{k} = ?, " for k in fields)
    guard, args = _guard(expected_version)
    n = conn.execute(f"UPDATE {table} SET {sets}version = version + 1, changed_by = ? WHERE {key_col} = ?{guard}",
                     (*fields.values(), by, key, *args)).rowcount
    if n == 0 and expected_version is not None:
        raise conflict(conn, table, kind, key_col, key, expected_version)
    return n


def delete(conn: sqlite3.Connection, table: str, kind: str, key_col: str, key: object, *,
           expected_version: int | None) -> int:
    """DELETE one row; rows deleted. With ``expected_version``, Conflict when the row is still
    there at another version (a row already gone is not a conflict: 0)."""
    guard, args = _guard(expected_version)
    n = conn.execute(f"DELETE FROM {table} WHERE {key_col} = ?{guard}", (key, *args)).rowcount
    if n == 0 and expected_version is not None and conn.execute(
            f"SELECT 1 FROM {table} WHERE {key_col} = ?", (key,)).fetchone() is not None:
        raise conflict(conn, table, kind, key_col, key, expected_version)
    return n
