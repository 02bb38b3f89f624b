"""Entities: brand, executives, competitors, products with their boolean queries."""

from __future__ import annotations

import json
import sqlite3
import time

from orm_desktop.errors import Conflict
from orm_desktop.store import versions
from orm_desktop.types import Entity

_COLS = "id, kind, name, query, aliases, importance, active, title, photo, version, changed_by"


def _row(r: sqlite3.Row | tuple) -> Entity:
    return Entity(
        id=r[0], kind=r[1], name=r[2], query=r[3], aliases=tuple(json.loads(r[4] or "[]")),
        importance=r[5], active=bool(r[6]), title=r[7], photo=r[8], version=r[9], changed_by=r[10],
    )


def add(conn: sqlite3.Connection, kind: str, name: str, query: str, *, aliases: tuple[str, ...] = (),
        importance: float = 1.0, title: str = "", photo: str = "") -> int:
    return int(conn.execute(
        "INSERT INTO entities (kind, name, query, aliases, importance, title, photo, created) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (kind, name, query, json.dumps(list(aliases)), importance, title, photo, int(time.time())),
    ).fetchall()[0][0])


def conflict(conn: sqlite3.Connection, entity_id: int, expected_version: int) -> Conflict:
    """The Conflict of a save on ``expected_version`` of an entity someone else saved (or removed) since."""
    return versions.conflict(conn, "entities", "entity", "id", entity_id, expected_version)


def update(conn: sqlite3.Connection, entity_id: int, *, by: str = "", expected_version: int | None = None,
           **fields: object) -> int:
    """Change an entity's fields (a new row version, saved by ``by``); returns rows changed. With
    ``expected_version`` (the version the editor read) an entity saved by someone else since
    raises Conflict and nothing is written."""
    allowed = {"kind", "name", "query", "aliases", "importance", "active", "title", "photo"}
    bad = set(fields) - allowed
    if bad:
        raise ValueError(f"unknown entity fields: {sorted(bad)}")
    if "aliases" in fields:
        fields["aliases"] = json.dumps(list(fields["aliases"]))  # type: ignore[arg-type]
    return versions.update(conn, "entities", "entity", "id", entity_id, fields, by=by,
                           expected_version=expected_version)


def remove(conn: sqlite3.Connection, entity_id: int, *, expected_version: int | None = None) -> int:
    """Delete an entity (its mentions go with it); with ``expected_version``, one saved by
    someone else since raises Conflict. Returns rows deleted."""
    return versions.delete(conn, "entities", "entity", "id", entity_id, expected_version=expected_version)


def list_(conn: sqlite3.Connection, *, active_only: bool = False) -> list[Entity]:
    where = "WHERE active = 1" if active_only else ""
    order = "ORDER BY CASE kind WHEN 'brand' THEN 0 WHEN 'executive' THEN 1 WHEN 'product' THEN 2 ELSE 3 END, name"
    return [_row(r) for r in conn.execute(f"SELECT {_COLS} FROM entities {where} {order}")]


def get(conn: sqlite3.Connection, entity_id: int) -> Entity | None:
    r = conn.execute(f"SELECT {_COLS} FROM entities WHERE id = ?", (entity_id,)).fetchone()
    return _row(r) if r else None


def by_name(conn: sqlite3.Connection, name: str) -> Entity | None:
    r = conn.execute(f"SELECT {_COLS} FROM entities WHERE name = ? COLLATE NOCASE", (name,)).fetchone()
    return _row(r) if r else None


def mention_counts(conn: sqlite3.Connection) -> dict[int, int]:
    return dict(conn.execute("SELECT entity_id, count(*) FROM mentions GROUP BY entity_id").fetchall())
