"""Entity names, aliases and titles stored before they were checked (textsafe.hidden_char: control
characters, bidi overrides and isolates, direction marks) are repaired once, with the rule the
display used (textsafe.clean_name): such a name showed cleaned, but a bundle export wrote it as
stored and the import of that bundle refused it. A repaired name that would equal another entity's
(case-insensitively, as the bundle compares them) gets " (2)", " (3)"..., one that would be empty
becomes "Entity N"; an alias left empty or twice is dropped. Texts without such a character are
not touched. Every change is one line in the new table ``migration_log`` (version, time, note),
the notes naming the old text with its hidden characters escaped. PostgreSQL (a team workspace):
``postgres/p015_entity_texts.py`` runs the same repair."""

from __future__ import annotations

import json
import sqlite3
import time

VERSION = 15

LOG_SQL = """
CREATE TABLE IF NOT EXISTS migration_log (
    id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL,
    at INTEGER NOT NULL,
    note TEXT NOT NULL
)
"""


def _free(name: str, taken: set[str], limit: int) -> str:
    """``name`` or ``name (N)`` with the lowest N >= 2 whose casefold is not in ``taken``."""
    if name.casefold() not in taken:
        return name
    n = 2
    while True:
        suffix = f" ({n})"
        candidate = name[:limit - len(suffix)].rstrip() + suffix
        if candidate.casefold() not in taken:
            return candidate
        n += 1


def repair(conn, version: int = VERSION) -> list[str]:
    """Repair every entity's name, aliases and title as the module says, in ``conn``'s open
    transaction (either backend: portable SQL, ``?`` parameters); the notes written to
    ``migration_log``, also returned."""
    from orm_desktop.textsafe import clean_name, hidden_char
    from orm_desktop.types import NAME_MAX

    rows = conn.execute("SELECT id, name, aliases, title FROM entities ORDER BY id").fetchall()
    taken = {r[1].casefold() for r in rows if not hidden_char(r[1])}
    notes: list[str] = []
    for eid, name, aliases_json, title in rows:
        new_name, new_title = name, title
        if hidden_char(name):
            cleaned = clean_name(name)[:NAME_MAX] or f"Entity {eid}"
            new_name = _free(cleaned, taken, NAME_MAX)
            taken.add(new_name.casefold())
            why = f" ({cleaned!r} is another entity's name)" if new_name != cleaned else ""
            notes.append(f"entity {eid}: name {ascii(name)} renamed {new_name!r}{why}")
        if hidden_char(title or ""):
            new_title = clean_name(title)
            notes.append(f"entity {eid} ({new_name!r}): title {ascii(title)} changed to {new_title!r}")
        try:
            aliases = json.loads(aliases_json)
        except ValueError:
            aliases = None
        new_aliases = aliases
        if isinstance(aliases, list) and any(isinstance(a, str) and hidden_char(a) for a in aliases):
            new_aliases, seen = [], set()
            for a in aliases:
                a = clean_name(a) if isinstance(a, str) and hidden_char(a) else a
                key = a.casefold() if isinstance(a, str) else a
                if a == "" or key in seen:
                    continue
                seen.add(key)
                new_aliases.append(a)
            notes.append(f"entity {eid} ({new_name!r}): aliases {ascii(aliases)} changed to {new_aliases!r}")
        if (new_name, new_title, new_aliases) != (name, title, aliases):
            conn.execute("UPDATE entities SET name = ?, title = ?, aliases = ? WHERE id = ?",
                         (new_name, new_title, json.dumps(new_aliases)
                          if new_aliases is not aliases else aliases_json, eid))
    now = int(time.time())
    for note in notes:
        conn.execute("INSERT INTO migration_log (version, at, note) VALUES (?, ?, ?)", (version, now, note))
    return notes


def apply(conn: sqlite3.Connection) -> None:
    conn.execute(LOG_SQL)
    repair(conn)
