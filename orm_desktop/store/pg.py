"""A PostgreSQL connection that speaks the part of ``sqlite3.Connection`` the store uses.

Store code is written once, against the sqlite3 API: ``conn.execute(sql, args)`` with ``?``
placeholders, rows read as ``row[0]``, ``row["col"]``, ``dict(row)``; ``conn.in_transaction``;
``conn.after_commit``; explicit ``BEGIN``/``COMMIT`` in autocommit mode (``db.transaction``).
``PgConnection`` gives psycopg 3 that shape:

- ``?`` and ``?N`` placeholders become ``%s`` (outside string literals, quoted identifiers and
  comments); every ``%`` is doubled (psycopg reads ``%`` everywhere, literals included). Translations are cached per statement text.
- Rows are ``sqlite3.Row`` objects: ``row[0]``, ``row["col"]``, ``keys()``, ``dict(row)`` as on SQLite.
- ``cursor.lastrowid``: an ``INSERT`` into a table with an ``id`` column gets ``RETURNING id``
  appended (when it has no RETURNING of its own), so the sqlite3 idiom keeps working; store
  code prefers ``INSERT ... RETURNING id``, which both dialects accept (SQLite >= 3.35).
- psycopg errors are re-raised as the sqlite3 exception of the same DB-API class
  (``IntegrityError``, ``OperationalError``...) carrying ``sqlstate``, so code that catches
  ``sqlite3.IntegrityError`` behaves the same on both backends; ``db.translate`` maps the ones a
  user can act on (server unreachable, login refused, permission denied) to KnownError.
- Python ``bool`` parameters are sent as integers (the schema keeps SQLite's 0/1 columns) and
  NUMERIC results (``sum`` of a BIGINT, ``avg`` of an integer) come back as int or float, as
  SQLite returns them.

psycopg is imported here only, when a ``postgresql://`` workspace is opened.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg.adapt import Dumper
from psycopg.pq import TransactionStatus
from psycopg.rows import tuple_row
from psycopg.types.numeric import NumericLoader

URL_SCHEMES = ("postgresql://", "postgres://")
LOCK_TIMEOUT_MS = 10_000


def is_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(URL_SCHEMES)


def redact(url: str) -> str:
    """The URL without its password (safe to print, log, or key a local folder by)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}@{netloc[1]}"))


# -- SQL translation ------------------------------------------------------------------------
_SPECIAL = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|/\*.*?\*/|\?(\d*)|%""", re.S)


@functools.lru_cache(maxsize=4096)
def translate_sql(sql: str, placeholder: str = "%s") -> tuple[str, tuple[int, ...] | None]:
    """(psycopg SQL, argument order) for SQLite-style SQL. The order is None for plain ``?``
    placeholders, else the 0-based argument index of each ``%s`` (for ``?N``). ``placeholder``
    "%b" sends every argument in binary (no quoting and escaping of each array element)."""
    order: list[int] = []
    numbered = False

    def sub(m: re.Match[str]) -> str:
        nonlocal numbered
        tok = m.group(0)
        if tok == "%":
            return "%%"
        if tok[0] != "?":
            return tok.replace("%", "%%")  # a literal, quoted identifier or comment: no placeholders
        if m.group(1):
            numbered = True
            order.append(int(m.group(1)) - 1)
        else:
            order.append(len(order))
        return placeholder

    out = _SPECIAL.sub(sub, sql)
    stripped = out.lstrip().upper()
    if stripped.startswith("BEGIN IMMEDIATE") or stripped.startswith("BEGIN EXCLUSIVE"):
        out = "BEGIN"
    return out, (tuple(order) if numbered else None)


def _plain(sql: str) -> str:
    head = sql.lstrip()[:15].upper()
    return "BEGIN" if head in ("BEGIN IMMEDIATE", "BEGIN EXCLUSIVE") else sql


def _args(params: Sequence[Any] | None, order: tuple[int, ...] | None) -> Sequence[Any] | None:
    if params is None:
        return None
    if isinstance(params, dict):
        raise TypeError("named parameters are not supported; use ? placeholders")
    if order is None:
        return params
    return [params[i] for i in order]


_INSERT = re.compile(r"^\s*INSERT\s+INTO\s+([A-Za-z_][A-Za-z0-9_]*)", re.I)


# -- rows -----------------------------------------------------------------------------------
# Rows are real ``sqlite3.Row`` objects (C: row[0], row["col"] case-insensitively, keys(),
# dict(row), the same equality), built from the values and a cursor of a tiny in-memory SQLite
# statement that only carries the column names (one per distinct column list, cached).
_NAMES_DB = sqlite3.connect(":memory:", check_same_thread=False)
_NAMES_LOCK = threading.Lock()


@functools.lru_cache(maxsize=2048)
def _names_cursor(names: tuple[str, ...]) -> sqlite3.Cursor:
    cols = ", ".join('NULL AS "' + n.replace('"', '""') + '"' for n in names)
    with _NAMES_LOCK:
        cur = _NAMES_DB.execute(f"SELECT {cols}")
        cur.fetchall()
    return cur


def _row_factory(cursor: psycopg.Cursor[Any]) -> Callable[[Sequence[Any]], Any]:
    desc = cursor.description
    if not desc:
        return tuple
    names = _names_cursor(tuple(d.name for d in desc))
    return lambda values: sqlite3.Row(names, tuple(values))


class PgCursor(psycopg.Cursor):
    """psycopg's cursor plus ``lastrowid`` (the ``RETURNING id`` value of the last INSERT)."""

    lastrowid: int | None = None


# -- adaptation -----------------------------------------------------------------------------
class _BoolAsInt(Dumper):
    oid = psycopg.adapters.types["int8"].oid

    def dump(self, obj: bool) -> bytes:
        return b"1" if obj else b"0"


class _NumberLoader(NumericLoader):
    def load(self, data):  # type: ignore[override]
        d = super().load(data)
        if d.is_finite() and d == d.to_integral_value():
            return int(d)
        return float(d)


# -- errors ---------------------------------------------------------------------------------
_CLASSES: tuple[tuple[type[Exception], type[sqlite3.Error]], ...] = (
    (psycopg.IntegrityError, sqlite3.IntegrityError),
    (psycopg.DataError, sqlite3.DataError),
    (psycopg.ProgrammingError, sqlite3.ProgrammingError),
    (psycopg.NotSupportedError, sqlite3.NotSupportedError),
    (psycopg.InternalError, sqlite3.InternalError),
    (psycopg.OperationalError, sqlite3.OperationalError),
    (psycopg.InterfaceError, sqlite3.InterfaceError),
    (psycopg.DatabaseError, sqlite3.DatabaseError),
)


def as_sqlite_error(exc: psycopg.Error) -> sqlite3.Error:
    """The sqlite3 exception of the same DB-API class, with ``sqlstate`` and the message."""
    lite_cls = next((lite for cls, lite in _CLASSES if isinstance(exc, cls)), sqlite3.Error)
    diag = getattr(exc, "diag", None)
    msg = (diag.message_primary if diag is not None and diag.message_primary else str(exc)).strip()
    out = lite_cls(msg.splitlines()[0] if msg else type(exc).__name__)
    out.sqlstate = getattr(exc, "sqlstate", None)  # type: ignore[attr-defined]
    out.backend = "postgresql"  # type: ignore[attr-defined]
    return out


# -- the connection -------------------------------------------------------------------------
class PgConnection:
    """One psycopg connection in autocommit mode, shaped like a sqlite3.Connection."""

    dialect = "postgresql"

    def __init__(self, raw: psycopg.Connection[Any], url: str, *, id_tables: frozenset[str] = frozenset()) -> None:
        self.raw = raw
        self.url = redact(url)  # printable
        self.dsn = url  # to reconnect (a worker process); may hold a password: never print it
        self.after_commit: list[Callable[[Any], None]] = []
        self.id_tables = id_tables  # tables with an ``id`` column: INSERTs get RETURNING id
        self.local_dir = None  # the workspace's per-user folder (keys, checkpoints), set by workspace
        self.row_factory = None  # accepted for compatibility; rows are always Row

    # sqlite3.Connection API -----------------------------------------------------------------
    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def cursor(self) -> PgCursor:
        return self.raw.cursor()  # type: ignore[return-value]

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> PgCursor:
        if params is None or (not params and "?" not in sql):
            text, order, params = _plain(sql), None, None  # no placeholders: '%' stays as written
        else:
            text, order = translate_sql(sql)
        want_id = False
        m = _INSERT.match(text)
        if m and m.group(1).lower() in self.id_tables and "RETURNING" not in text.upper():
            text += " RETURNING id"
            want_id = True
        cur = self.cursor()
        try:
            cur.execute(text, _args(params, order) if params is not None else None)
        except psycopg.Error as exc:
            raise as_sqlite_error(exc) from exc
        if want_id:
            row = cur.fetchone() if cur.rowcount else None
            cur.lastrowid = row[0] if row else None
        return cur

    # PostgreSQL only, for the refresh's statements that carry a feed's rows as arrays (one
    # parameter a column): the arguments go in binary (an array of texts in text format is
    # quoted and escaped element by element on this side and parsed back on the server's), the
    # rows come back as plain tuples (no ``sqlite3.Row`` each), an INSERT gets no RETURNING id.
    def execute_tuples(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """Every row of the statement, as tuples."""
        return self._plain_execute(sql, params)[1]

    def execute_count(self, sql: str, params: Sequence[Any]) -> int:
        """How many rows the statement wrote."""
        return self._plain_execute(sql, params)[0]

    def _plain_execute(self, sql: str, params: Sequence[Any]) -> tuple[int, list[tuple[Any, ...]]]:
        text, order = translate_sql(sql, "%b")
        cur = self.raw.cursor(row_factory=tuple_row)
        try:
            cur.execute(text, _args(params, order))
            return cur.rowcount, (cur.fetchall() if cur.description else [])
        except psycopg.Error as exc:
            raise as_sqlite_error(exc) from exc
        finally:
            cur.close()

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> PgCursor:
        text, order = translate_sql(sql)
        cur = self.cursor()
        try:
            cur.executemany(text, [_args(p, order) for p in seq])
        except psycopg.Error as exc:
            raise as_sqlite_error(exc) from exc
        return cur

    def commit(self) -> None:
        if self.in_transaction:
            self.execute("COMMIT")

    def rollback(self) -> None:
        if self.in_transaction:
            self.execute("ROLLBACK")

    def close(self) -> None:
        self.raw.close()

    @property
    def closed(self) -> bool:
        return self.raw.closed

    def __enter__(self) -> PgConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_raw(url: str, *, readonly: bool = False, connect_timeout: int = 10) -> psycopg.Connection[Any]:
    """A raw psycopg connection (autocommit); psycopg errors propagate (see ``connect``)."""
    # the password: from the URL, else the OS keyring, else asked once (pg-team)
    from orm_desktop import credentials

    # a lock wait ends like SQLite's busy timeout (10 s), as an error, never a hang
    options = f"-c lock_timeout={LOCK_TIMEOUT_MS}" + (" -c default_transaction_read_only=on" if readonly else "")
    raw = credentials.connect(url, autocommit=True, connect_timeout=connect_timeout, cursor_factory=PgCursor,
                              row_factory=_row_factory, options=options, application_name="orm-desktop")
    raw.adapters.register_dumper(bool, _BoolAsInt)
    raw.adapters.register_loader("numeric", _NumberLoader)
    return raw


def connect(url: str, *, readonly: bool = False, id_tables: frozenset[str] = frozenset()) -> PgConnection:
    """Connect; raises the sqlite3-shaped error of ``as_sqlite_error`` on failure."""
    try:
        raw = open_raw(url, readonly=readonly)
    except psycopg.Error as exc:
        raise as_sqlite_error(exc) from exc
    return PgConnection(raw, url, id_tables=id_tables)


def describe_error(exc: BaseException, where: str = "") -> str | None:
    """A one-line message for an error a user can act on, or None (a bug)."""
    state = getattr(exc, "sqlstate", None) or ""
    msg = str(exc).lower()
    at = f" ({where})" if where else ""
    if state == "28P01" or "password authentication failed" in msg or "no password supplied" in msg:
        return f"the PostgreSQL server refused the login{at}: check the user name and password"
    if "role" in msg and "does not exist" in msg:  # (pg-team) a login the server does not know
        return f"the PostgreSQL server has no such login{at}: check the user name in the URL, or ask the team admin"
    if "no pg_hba.conf entry" in msg:
        return f"the PostgreSQL server does not allow this login from here{at} (pg_hba.conf): ask the team admin"
    if state == "28000" or "not permitted to log in" in msg or ("role" in msg and "does not exist" in msg):
        first = str(exc).splitlines()[0] if str(exc) else "login refused"
        return f"the PostgreSQL server refused the login{at}: {first}"
    if state == "3D000" or ("database" in msg and "does not exist" in msg):
        return f"no such database on the PostgreSQL server{at}: check the workspace URL"
    if state == "42501" or "permission denied" in msg:  # a team role without the privilege
        first = str(exc).splitlines()[0] if str(exc) else ""
        on = first.split(" for ", 1)[1].strip() if " for " in first else "this"
        return (f"your login's team role does not allow this ({on}){at}: ask a team admin "
                "(docs/team.md, section 9: what each role can do)")
    if state == "25006" or "read-only transaction" in msg:
        return f"the workspace is open read-only{at}"
    if state == "55P03" or "lock timeout" in msg:
        return f"the workspace database is busy: another user or process is writing the same rows{at}; try again"
    if state in ("40001", "40P01"):
        return f"another user changed the same rows at the same moment{at}; try again"
    if state == "53100":
        return f"the PostgreSQL server's disk is full{at}; ask the team admin"
    if not state and (re.search(r"invalid \w+ value", msg) or "connection option" in msg):
        # libpq refused an option of the URL before connecting ("connection is bad: invalid
        # sslmode value: ..."): not an unreachable server
        first = str(exc).splitlines()[0].removeprefix("connection is bad:").strip()
        return f"the workspace URL has an invalid option{at}: {first}"
    if state.startswith("08") or state in ("57P01", "57P02", "57P03") or "connection refused" in msg \
            or "could not connect" in msg or "timeout expired" in msg or "server closed the connection" in msg \
            or "could not translate host name" in msg or "failed to resolve host" in msg \
            or "connection is closed" in msg or "is bad" in msg \
            or "terminating connection" in msg:
        return f"cannot reach the PostgreSQL server{at}: is it running and reachable from here?"
    return None
