"""What a SQLite workspace's schema should be, and what else someone put in it.

Whoever holds the workspace folder can open ``orm.db`` with the ``sqlite3`` shell and plant a
trigger that runs inside the next person's ordinary action (a triage that also adds an outside
mail recipient, an audited action that also re-labels sentiment or deletes evidence), rewrite one
of the app's own triggers under its name, or stamp the file with a schema version it does not have
(the migrations then run again over tables that have them: a traceback). The schema the app makes
is known exactly: it is what the migrations create. ``inspect`` compares the file's
``sqlite_master`` with the schema the migrations make for the version the file claims, in an
in-memory database built once per process (20-50 ms), and says what is foreign, changed or
missing. ``db.connect`` refuses a file with foreign or changed objects, missing tables or a
version stamp its tables contradict (``SchemaTampered``); ``orm-desktop check`` lists everything,
and ``check --repair`` (``repair``) removes what the app did not make. docs/security.md, "The
database file itself".

Definitions are compared without comments and spacing, so a workspace made by an older release
whose migration text differed only in a comment is not refused.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from dataclasses import dataclass, field

# objects SQLite makes itself: from a table's UNIQUE/PRIMARY KEY, AUTOINCREMENT, ANALYZE
_INTERNAL_TABLES = ("sqlite_sequence", "sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4")

Key = tuple[str, str]  # (type, name)


_TOKENS = re.compile(r"""('(?:[^']|'')*'|"(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\])|--[^\n]*|/\*[\s\S]*?(?:\*/|$)""")
_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r" ?([(),;=]) ?")


@functools.lru_cache(maxsize=1024)  # each connection of a process reads the same texts
def normalized(sql: str | None) -> str:
    """``sql`` without comments, with runs of spaces collapsed and none around punctuation, case
    kept inside quotes and folded outside them."""
    if sql is None:
        return ""
    out, plain, pos = [], [], 0
    for m in _TOKENS.finditer(sql):
        plain.append(sql[pos:m.start()])
        pos = m.end()
        if m.group(1) is None:  # a comment: a space
            plain.append(" ")
            continue
        out.append(_plain("".join(plain)))
        out.append(m.group(1))
        plain = []
    plain.append(sql[pos:])
    out.append(_plain("".join(plain)))
    return "".join(out).strip().rstrip(";")


def _plain(text: str) -> str:
    return _PUNCT.sub(r"\1", _SPACES.sub(" ", text).casefold())


def objects(conn: sqlite3.Connection) -> dict[Key, tuple[str, str]]:
    """{(type, name): (table, normalized SQL)} of a connection's main schema, SQLite's own
    bookkeeping left out."""
    return _keyed(conn.execute("SELECT type, name, tbl_name, sql FROM main.sqlite_master").fetchall())


_FTS5_SHADOWS = ("data", "idx", "content", "docsize", "config")


def _keyed(rows) -> dict[Key, tuple[str, str]]:
    found = {}
    virtual = {name for kind, name, _t, sql in rows
               if kind == "table" and (sql or "").lstrip()[:20].upper().startswith("CREATE VIRTUAL")}
    for kind, name, table, sql in rows:
        if kind == "index" and name.startswith("sqlite_autoindex_") and sql is None:
            continue
        if kind == "table" and name in _INTERNAL_TABLES:
            continue
        if kind == "table" and any(name == f"{v}_{s}" for v in virtual for s in _FTS5_SHADOWS):
            # FTS5 writes its shadow tables' SQL itself, and another SQLite release may word it
            # otherwise: that they exist is compared, not their text (no code runs from them)
            found[(kind, name)] = (table, "fts5 shadow table")
            continue
        found[(kind, name)] = (table, normalized(sql))
    return found


@functools.cache
def _reference(version: int) -> tuple[tuple[str, str, str, str | None], ...]:
    """sqlite_master of an empty in-memory database after the migrations 1..``version``."""
    from orm_desktop.store import db

    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for number, _name, apply in db._migrations():
            if number > version:
                break
            conn.execute("BEGIN")
            apply(conn)
            conn.execute("COMMIT")
        return tuple(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall())
    finally:
        conn.close()


@functools.cache
def expected(version: int) -> dict[Key, tuple[str, str]]:
    """The objects the migrations 1..``version`` make."""
    return _keyed(_reference(version))


def digest(found: dict[Key, tuple[str, str]]) -> str:
    """SHA-256 over a schema's objects as ``objects`` gives them, in name order."""
    import hashlib

    h = hashlib.sha256()
    for (kind, name), (table, sql) in sorted(found.items()):
        h.update("\x1f".join((kind, name, table, sql)).encode() + b"\x1e")
    return h.hexdigest()


def _known_digest(version: int) -> str | None:
    """The digest of the schema the migrations make at ``version``, as recorded in
    ``schema_digest.py`` (regenerate it with ``python -m orm_desktop.store.schema_guard >
    orm_desktop/store/schema_digest.py``; a test
    fails when it is stale). On a SQLite whose FTS5 writes other shadow tables it does not match,
    and the reference is built instead: slower, as exact."""
    from orm_desktop.store import schema_digest

    return schema_digest.DIGESTS.get(version)


def describe(key: Key, table: str) -> str:
    kind, name = key
    return f"{kind} {name}" + (f" on {table}" if kind in ("trigger", "index") and table else "")


@dataclass
class Findings:
    """What differs between a file's schema and the one the app makes for its version."""

    version: int
    foreign: list[str] = field(default_factory=list)  # objects the app never makes
    changed: list[str] = field(default_factory=list)  # the app's names, another definition
    missing_tables: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # triggers, indexes (reported, not refused)
    later: list[str] = field(default_factory=list)  # tables of a later schema than the stamp says
    foreign_keys: list[Key] = field(default_factory=list)
    changed_keys: list[Key] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        """Whether the app must not work on this file: something would run or read otherwise than
        the app wrote it, or the migrations would run over tables that already have them."""
        return bool(self.foreign or self.changed or self.missing_tables or self.later)

    @property
    def clean(self) -> bool:
        return not (self.refused or self.missing)

    def lines(self) -> list[str]:
        """One line per kind of problem, for `orm-desktop check`."""
        out = []
        if self.later:
            out.append(f"the schema version stamp is {self.version}, but these tables are of a later version: "
                       + ", ".join(self.later))
        if self.foreign:
            out.append("not created by ORM Desktop: " + ", ".join(self.foreign))
        if self.changed:
            out.append("changed: " + ", ".join(f"{x} (not as ORM Desktop made it)" for x in self.changed))
        if self.missing_tables:
            out.append("missing tables: " + ", ".join(self.missing_tables))
        if self.missing:
            out.append("missing: " + ", ".join(self.missing))
        return out

    @property
    def changed_tables(self) -> list[str]:
        return [name for kind, name in self.changed_keys if kind == "table"]

    @property
    def tables_wrong(self) -> bool:
        """Whether tables are not as the app made them for the stamped version (a lying stamp, a
        table missing or reshaped): their rows cannot be repaired here, only a backup helps."""
        return bool(self.later or self.missing_tables or self.changed_tables)

    def reason(self) -> str:
        """Why the app refuses the file, without the remedy (empty when it does not)."""
        if self.tables_wrong:
            parts = [f"missing: {_few(self.missing_tables)}"] if self.missing_tables else []
            parts += [f"changed: {_few(self.changed_tables)}"] if self.changed_tables else []
            parts += [f"of a later version, so the version stamp was changed: {_few(self.later)}"] if self.later else []
            return (f"its tables are not as ORM Desktop made them for schema version {self.version} "
                    f"({'; '.join(parts)})")
        odd = self.foreign + [f"{x} (changed)" for x in self.changed]
        if odd:
            return (f"it holds schema objects ORM Desktop did not create ({_few(odd)}), which would run or "
                    "be read during your actions")
        return ""

    def refusal(self, path: object) -> str:
        """The one line an open of such a file gives."""
        if self.tables_wrong:
            return (f"{path}: {self.reason()}; it was changed by hand or is damaged. Nothing was done; "
                    "restore a backup (`orm-desktop restore --latest`), see `orm-desktop check`")
        return (f"{path}: {self.reason()}: someone changed the database by hand. Nothing was done; "
                "`orm-desktop check` lists them, `orm-desktop check --repair` removes them")


def _few(items: list[str], n: int = 3) -> str:
    return ", ".join(items[:n]) + (f" and {len(items) - n} more" if len(items) > n else "")


def inspect(conn: sqlite3.Connection, version: int | None = None) -> Findings:
    """Compare the connection's schema with the one the migrations make for ``version`` (default:
    the file's own ``PRAGMA user_version``). An object of a later version, exactly as the app makes
    it, is the app's (a migration re-run over it is a no-op); a *table* of a later version's shape
    under an earlier stamp is not (the migrations would add its columns again)."""
    from orm_desktop.store import db

    if version is None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    current = db.schema_version()
    have = objects(conn)
    found = Findings(version)
    if version == current and digest(have) == _known_digest(current):
        return found  # the schema the migrations make, without building it (90-150 ms a process)
    want = expected(min(version, current))
    latest = expected(current)
    for key, (table, sql) in sorted(have.items()):
        kind, name = key
        if key in want and want[key][1] == sql:
            continue
        if key in latest and latest[key][1] == sql:
            if kind == "table" and key in want:
                found.later.append(name)  # the stamp's shape differs, the latest's matches
            continue  # an object a later migration makes, as it makes it
        if key in want or key in latest:
            found.changed.append(describe(key, table))
            found.changed_keys.append(key)
        else:
            found.foreign.append(describe(key, table))
            found.foreign_keys.append(key)
    for key, (table, _sql) in sorted(want.items()):
        if key not in have:
            if key[0] == "table":
                found.missing_tables.append(key[1])
            else:
                found.missing.append(describe(key, table))
    return found


def app_definition(conn: sqlite3.Connection, key: Key) -> str | None:
    """The SQL the migrations use for one of the app's objects at the file's version (None: not
    one of the app's)."""
    from orm_desktop.store import db

    version = min(conn.execute("PRAGMA user_version").fetchone()[0], db.schema_version())
    return next((sql for kind, name, _t, sql in _reference(version) if (kind, name) == key), None)


_DROP_ORDER = ("trigger", "view", "index", "table")


def repair(conn: sqlite3.Connection, *, actor: str, now: int) -> tuple[list[str], list[str]]:
    """Remove what the app did not create and put back its own triggers, views and indexes as the
    migrations make them (changed or missing), in one transaction with an audit entry
    (``workspace.schema_repaired``). Returns (removed, restored). A changed or missing table, or a
    lying version stamp, is not repaired here (its rows would be guessed): SchemaTampered, restore
    a backup. The caller keeps a copy of the file first."""
    from orm_desktop.errors import SchemaTampered
    from orm_desktop.store import audit, db

    found = inspect(conn)
    if found.tables_wrong:
        raise SchemaTampered(f"cannot repair this database: {found.reason()}; restore a backup "
                             "(`orm-desktop restore --latest`)", found)
    removed, restored = [], []
    with db.transaction(conn):
        for kind in _DROP_ORDER:  # a planted table's own triggers go with their trigger entries first
            for key in found.foreign_keys + found.changed_keys:
                if key[0] == kind:
                    conn.execute(f'DROP {kind.upper()} IF EXISTS "{key[1].replace(chr(34), chr(34) * 2)}"')
        removed = list(found.foreign)
        left = objects(conn)
        for key in [k for k in _app_keys(conn) if k not in left]:
            sql = app_definition(conn, key)
            if sql is not None:
                conn.execute(sql)
                restored.append(f"{key[0]} {key[1]}")
        audit.append(conn, actor=actor, action="workspace.schema_repaired", subject_type="workspace",
                     subject_id=None, data={"removed": removed, "restored": restored}, now=now)
    return removed, restored


def _app_keys(conn: sqlite3.Connection) -> list[Key]:
    """The app's triggers, views and indexes at the file's version, tables' indexes before triggers."""
    from orm_desktop.store import db

    version = min(conn.execute("PRAGMA user_version").fetchone()[0], db.schema_version())
    keys = [k for k in expected(version) if k[0] != "table"]
    return sorted(keys, key=lambda k: _DROP_ORDER.index(k[0]), reverse=True)


if __name__ == "__main__":  # prints schema_digest.py for the migrations as they are
    # python -m orm_desktop.store.schema_guard > orm_desktop/store/schema_digest.py
    from orm_desktop.store import db as _db

    _version = _db.schema_version()
    print('"""SHA-256 of the schema the migrations make (store/schema_guard.py: a workspace whose schema\n'
          'hashes to its version\'s digest is inspected without building the reference). Generated by\n'
          '`python -m orm_desktop.store.schema_guard > orm_desktop/store/schema_digest.py`; tests/security/\n'
          'test_hostile_db.py fails when stale."""\n\n'
          f"DIGESTS = {{\n    {_version}: \"{digest(expected(_version))}\",\n}}", end="\n")
