"""Workspace settings: JSON values by key (domain settings live in the database)."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from orm_desktop.errors import Conflict

DEFAULTS: dict[str, Any] = {
    "brand_name": "",
    "contact": "",  # where people can reach us: {contact} in drafts
    "status_page": "",  # our status / updates page: {status_page} in drafts ({link} is the mention)
    "brand_color": "#0F6E8C",
    "brand_logo": "",
    "sentiment_engine": "orm",
    # response due time per priority level, in hours (P1 most urgent)
    "sla_hours": {"P1": 2, "P2": 8, "P3": 24, "P4": 72},
    "allow_self_approval": False,
    "refresh_minutes": 30,
    "topics": None,  # a replacement topic taxonomy ({"topics": {...}} as in resources/topics.json)
    # evidence capture may reach these private addresses: false, true, or a list of addresses / CIDR networks
    "allow_private_addresses": False,
}


def get(conn: sqlite3.Connection, key: str, default: Any = None) -> Any:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    if row is None:
        return DEFAULTS.get(key, default) if default is None else default
    return json.loads(row[0])


def set_(conn: sqlite3.Connection, key: str, value: Any, *, by: str = "",
         expected_version: int | None = None) -> None:
    """Save a setting. With ``expected_version`` (0 = "it did not exist") a value someone else
    saved since raises Conflict."""
    if expected_version is None:
        conn.execute(
            "INSERT INTO settings (key, value, changed_by) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, changed_by = excluded.changed_by, "
            "version = settings.version + 1",
            (key, json.dumps(value), by),
        )
        return
    if expected_version == 0:
        cur = conn.execute("INSERT INTO settings (key, value, changed_by) VALUES (?, ?, ?) "
                           "ON CONFLICT (key) DO NOTHING", (key, json.dumps(value), by))
    else:
        cur = conn.execute("UPDATE settings SET value = ?, changed_by = ?, version = version + 1 "
                           "WHERE key = ? AND version = ?", (json.dumps(value), by, key, expected_version))
    if cur.rowcount != 1:
        row = conn.execute("SELECT version, changed_by FROM settings WHERE key = ?", (key,)).fetchone()
        raise Conflict("setting", key, who=row[1] if row else "", expected=expected_version,
                       current=row[0] if row else 0)


def version(conn: sqlite3.Connection, key: str) -> int:
    """The setting's row version (0 while it has its default)."""
    row = conn.execute("SELECT version FROM settings WHERE key = ?", (key,)).fetchone()
    return row[0] if row else 0


def all_settings(conn: sqlite3.Connection) -> dict[str, Any]:
    out = dict(DEFAULTS)
    out.update({k: json.loads(v) for k, v in conn.execute("SELECT key, value FROM settings")})
    return out


def delete(conn: sqlite3.Connection, key: str) -> None:
    conn.execute("DELETE FROM settings WHERE key = ?", (key,))
