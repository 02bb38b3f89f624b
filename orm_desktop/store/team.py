"""Team workspaces on PostgreSQL: roles, users, signing keys and the functions that change state.

The rules live in the database (``store/postgres/roles.py``): group roles per workspace database
(``<db>_author``, ``<db>_approver``, ``<db>_executive``, ``<db>_admin``), table privileges,
row-level security and SECURITY DEFINER functions for the response transitions and the audit log.
This module applies them and calls them; it takes a psycopg 3 connection (``raw(conn)`` unwraps
the store's connection object) and holds SQL only, no rules of its own.

The identity on a team workspace is the login (``session_user``). An audit entry is prepared here
(hash over the current head, signed with the login's key) and handed to a function that checks the
hash is over this login and the head, that the key is this login's admin-approved key, and inserts
it; a head that moved in between is a serialization failure (SQLSTATE 40001) and is retried.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from orm_desktop.errors import Conflict, KnownError, UsageError

if TYPE_CHECKING:  # the signing keys (cryptography, ~20 ms to import) only where a key is used
    from orm_desktop import identity

GROUPS = ("author", "approver", "executive", "admin")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_DB = re.compile(r"^[a-z_][a-z0-9_]{0,45}$")
RETRIES = 5


@dataclass(frozen=True, slots=True)
class TeamUser:
    name: str
    roles: tuple[str, ...]
    can_login: bool
    key_id: str
    key_approved: bool


def raw(conn: Any) -> Any:
    """The psycopg connection under the store's connection object (or ``conn`` itself)."""
    for attr in ("raw", "pg", "_conn"):
        inner = getattr(conn, attr, None)
        if inner is not None and hasattr(inner, "pgconn"):
            return inner
    return conn


def role_prefix(dbname: str) -> str:
    """The group-role prefix of a workspace database: its name, which must be a plain identifier."""
    if not _DB.match(dbname or ""):
        raise UsageError(f"a team database name is lower-case letters, digits and _ (at most 46), not {dbname!r}")
    return dbname


def roles_sql(prefix: str, dbname: str | None = None) -> str:
    from orm_desktop.store.postgres.roles import SQL

    return SQL.replace("@P@", role_prefix(prefix)).replace("@DB@", role_prefix(dbname or prefix))


def prefix_of(conn: Any) -> str:
    """The database's group-role prefix: the one it was set up with, else its name."""
    pg = raw(conn)
    if pg.execute("SELECT to_regclass('team_meta') IS NOT NULL").fetchone()[0]:
        row = pg.execute("SELECT value FROM team_meta WHERE key = 'role_prefix'").fetchone()
        if row:
            return row[0]
    return pg.execute("SELECT current_database()").fetchone()[0]


def apply_roles(conn: Any) -> str:
    """Create or refresh the groups, privileges, policies and functions (as the database owner)."""
    pg = raw(conn)
    dbname = pg.execute("SELECT current_database()").fetchone()[0]
    prefix = prefix_of(pg)
    from orm_desktop.store.postgres.schema import store_roles_digest

    with pg.transaction():
        pg.execute(roles_sql(prefix, dbname))
        store_roles_digest(pg)
    return prefix


def group(dbname: str, name: str) -> str:
    if name not in GROUPS:
        raise UsageError(f"roles are {', '.join(GROUPS)} (not {name!r})")
    return f"{role_prefix(dbname)}_{name}"


def check_login_name(name: str, dbname: str | None = None) -> str:
    if not _NAME.match(name or ""):
        raise UsageError(f"a login name is lower-case letters, digits and _, starting with a letter, at most 40 "
                         f"(not {name!r})")
    if dbname and name.startswith(f"{dbname}_"):
        raise UsageError(f"a login name may not start with {dbname}_: that is the prefix of the workspace's "
                         "group roles")
    return name


def scram_verifier(conn: Any, name: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of a password, computed here (libpq), so it never travels in clear."""
    if len(password) < 8:
        raise UsageError("a password needs at least 8 characters")
    return raw(conn).pgconn.encrypt_password(password.encode(), name.encode(), b"scram-sha-256").decode()


def add_user(conn: Any, name: str, role: str, password: str | None, *, display_name: str = "") -> str:
    """Create the login (when new) and make it a member of ``role``: 'created' or 'granted'."""
    pg = raw(conn)
    check_login_name(name, prefix_of(pg))
    if role not in GROUPS:
        raise UsageError(f"roles are {', '.join(GROUPS)} (not {role!r})")
    verifier = scram_verifier(pg, name, password) if password else ""
    with pg.transaction():
        return pg.execute("SELECT team_add_user(%s, %s, %s, %s)", (name, role, verifier, display_name)).fetchone()[0]


def executive_exists(conn: Any, entity: str) -> bool:
    return raw(conn).execute("SELECT 1 FROM entities WHERE name = %s AND kind = 'executive'",
                             (entity,)).fetchone() is not None


def link_executive(conn: Any, name: str, entity: str) -> bool:
    """Make login ``name`` the executive entity ``entity`` (approves drafts in that name)."""
    pg = raw(conn)
    with pg.transaction():
        return pg.execute("UPDATE users SET entity_id = (SELECT id FROM entities WHERE name = %s "
                          "AND kind = 'executive') WHERE name = %s AND EXISTS (SELECT 1 FROM entities "
                          "WHERE name = %s AND kind = 'executive')", (entity, name, entity)).rowcount == 1


def remove_user(conn: Any, name: str, role: str) -> None:
    pg = raw(conn)
    with pg.transaction():
        pg.execute("SELECT team_remove_user(%s, %s)", (name, role))


def user_names(conn: Any) -> list[tuple[str, str]]:
    """(login, display name) of every user the workspace lists."""
    return [(r[0], r[1] or "") for r in raw(conn).execute("SELECT name, display_name FROM users ORDER BY name")]


def login_exists(conn: Any, name: str) -> bool:
    return raw(conn).execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone() is not None


def users(conn: Any) -> list[TeamUser]:
    """Every login in one of this database's groups, with its groups and signing key."""
    pg = raw(conn)
    prefix = prefix_of(pg)
    rows = pg.execute(
        "SELECT r.rolname, r.rolcanlogin, array_agg(substr(g.rolname, length(%s) + 2) ORDER BY g.rolname), "
        "COALESCE(k.key_id, ''), a.key_id IS NOT NULL "
        "FROM pg_roles r JOIN pg_auth_members m ON m.member = r.oid JOIN pg_roles g ON g.oid = m.roleid "
        "LEFT JOIN user_keys k ON (k.name COLLATE \"C\") = r.rolname "
        "LEFT JOIN team_key_approvals a ON a.name = (k.name COLLATE \"C\") AND a.key_id = k.key_id "
        "WHERE g.rolname = ANY(%s) GROUP BY r.rolname, r.rolcanlogin, k.key_id, a.key_id ORDER BY r.rolname",
        (prefix, [f"{prefix}_{g}" for g in GROUPS])).fetchall()
    return [TeamUser(n, tuple(gs), bool(login), kid, bool(ok)) for n, login, gs, kid, ok in rows]


def whoami(conn: Any) -> tuple[str, tuple[str, ...]]:
    """(login, its groups in this workspace)."""
    pg = raw(conn)
    me = pg.execute("SELECT session_user").fetchone()[0]
    mine = pg.execute("SELECT g FROM unnest(%s::text[]) g WHERE CASE WHEN EXISTS (SELECT 1 FROM pg_roles "
                      "WHERE rolname = %s || '_' || g) THEN pg_has_role(session_user, %s || '_' || g, 'MEMBER') "
                      "ELSE false END", (list(GROUPS), prefix_of(pg), prefix_of(pg))).fetchall()
    return me, tuple(r[0] for r in mine)


def has_schema(conn: Any) -> bool:
    """Whether the workspace tables exist in this database."""
    return raw(conn).execute("SELECT to_regclass('public.responses') IS NOT NULL").fetchone()[0]


def is_team(conn: Any) -> bool:
    """Whether ``conn`` is a PostgreSQL connection to a team database (roles.py applied): the
    audit log and the response transitions then go through the database's functions. Cached on
    the connection."""
    if getattr(conn, "dialect", "sqlite") != "postgresql":
        return False
    cached = getattr(conn, "_orm_team", None)
    if cached is None:
        cached = is_team_database(conn)
        try:
            conn._orm_team = cached
        except AttributeError:
            pass
    return cached


def login(conn: Any) -> str:
    """The login of a connection (session_user): the user on a team workspace."""
    return raw(conn).execute("SELECT session_user").fetchone()[0]


def database_owner(conn: Any) -> str:
    return raw(conn).execute("SELECT pg_get_userbyid(datdba) FROM pg_database "
                             "WHERE datname = current_database()").fetchone()[0]


def is_team_database(conn: Any) -> bool:
    """Whether roles.py was applied to this database."""
    return raw(conn).execute("SELECT to_regprocedure('team_transition(bigint, text, integer, bigint, text, "
                             "text, text, text, text)') IS NOT NULL").fetchone()[0]


# -- signing keys --------------------------------------------------------------------------------
def register_key(conn: Any, key: identity.KeyPair, *, now: int | None = None) -> None:
    """Store the login's public key (only its own, only the public half) and its self-signed
    ``user.key`` entry. The key signs nothing else until an admin approves it."""
    pg = raw(conn)
    now = now or int(time.time())

    def register(me: str) -> None:
        pg.execute("INSERT INTO user_keys (name, key_id, public_key, private_key, created) "
                   "VALUES (session_user, %s, %s, '', %s)", (key.key_id, key.public_key, now))
        _call(pg, "team_audit_append", (), "user.key", "user", None,
              {"public_key": key.public_key, "key_id": key.key_id}, key.private, key.key_id, now, me)

    _retrying(pg, register)


def approve_key(conn: Any, name: str, key_id: str) -> None:
    pg = raw(conn)
    with pg.transaction():
        pg.execute("SELECT team_approve_key(%s, %s)", (name, key_id))


def key_of(conn: Any, name: str) -> tuple[str, str] | None:
    r = raw(conn).execute("SELECT key_id, public_key FROM user_keys WHERE name = %s", (name,)).fetchone()
    return (r[0], r[1]) if r else None


# -- audited changes ---------------------------------------------------------------------------
class _Retry(Exception):
    pass


def _retrying(pg: Any, work: Callable[[str], Any]) -> Any:
    """``work(login)`` in a transaction (a savepoint inside the caller's), again while the audit
    log's head moved on under it (another entry was appended first), at most RETRIES times."""
    for attempt in range(RETRIES):
        try:
            with pg.transaction():
                return work(pg.execute("SELECT session_user").fetchone()[0])
        except _Retry:
            if attempt == RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def _signed(prev_hash: str, now: int, actor: str, action: str, subject_type: str, subject_id: int | None,
            data: dict[str, Any], priv: Any, key_id: str) -> tuple[str, str, str]:
    """An entry's data as stored (canonical JSON), its hash chained on ``prev_hash``, and its signature."""
    from orm_desktop import chain

    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    h = chain.entry_hash(prev_hash, now, actor, action, subject_type, subject_id, text, key_id)
    return text, h, chain.sign_entry(priv, h)


@contextlib.contextmanager
def _refusals() -> Iterator[None]:
    """The database's answer to an audited call: a moved audit head is _Retry, any other refusal
    a TeamRefused in one line (with its SQLSTATE)."""
    import psycopg

    try:
        yield
    except psycopg.errors.SerializationFailure as exc:
        if "audit log moved on" in str(exc):
            raise _Retry() from exc
        raise TeamRefused(_first(exc), exc.sqlstate) from None
    except psycopg.Error as exc:
        raise TeamRefused(_first(exc), exc.sqlstate) from None


def _call(pg: Any, function: str, lead: tuple, action: str, subject_type: str, subject_id: int | None,
          data: dict[str, Any], priv: Any, key_id: str, now: int, actor: str) -> Any:
    prev_hash = pg.execute("SELECT team_audit_head()").fetchone()[0]  # locks the log until commit
    text, h, sig = _signed(prev_hash, now, actor, action, subject_type, subject_id, data, priv, key_id)
    if function == "team_audit_append":
        args = (now, action, subject_type, subject_id, text, prev_hash, h, key_id, sig)
    else:
        args = (*lead, now, text, prev_hash, h, key_id, sig)
    marks = ", ".join(["%s"] * len(args))
    with _refusals():
        return pg.execute(f"SELECT {function}({marks})", args).fetchone()[0]


def _first(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class TeamRefused(KnownError):
    """The team database refused a change (privilege, policy, the workflow's rules): one line."""

    exit_code = 2

    def __init__(self, message: str, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def audit_append(conn: Any, action: str, subject_type: str, subject_id: int | None, data: dict[str, Any],
                 *, priv: Any, key_id: str, now: int | None = None) -> int:
    """Append one entry in the login's own name, inside the caller's transaction when there is one
    (a moved head then surfaces as SerializationFailure for the caller to retry)."""
    pg = raw(conn)
    with pg.transaction():  # a savepoint inside the caller's transaction; the head's lock lasts to its end
        me = pg.execute("SELECT session_user").fetchone()[0]
        return _call(pg, "team_audit_append", (), action, subject_type, subject_id, data, priv, key_id,
                     now or int(time.time()), me)


def audit_append_many(conn: Any, entries: list[tuple[str, str, int | None, dict[str, Any]]], *, priv: Any,
                      key_id: str, now: int | None = None) -> None:
    """Append several entries (action, subject type, subject id, data) in the login's own name, in
    that order, inside the caller's transaction: the chain is computed here from one read of the
    head (the log stays locked until the transaction ends) and the calls are sent in one pipeline,
    not one round trip after another (a bulk triage of 1,000 mentions writes 1,000 entries)."""
    if not entries:
        return
    pg = raw(conn)
    now = now or int(time.time())

    def append(me: str) -> None:
        prev = pg.execute("SELECT team_audit_head()").fetchone()[0]  # locks the log until commit
        rows = []
        for action, subject_type, subject_id, data in entries:
            text, h, sig = _signed(prev, now, me, action, subject_type, subject_id, data, priv, key_id)
            rows.append((now, action, subject_type, subject_id, text, prev, h, key_id, sig))
            prev = h
        with _refusals():
            pg.cursor().executemany("SELECT team_audit_append(%s, %s, %s, %s, %s, %s, %s, %s, %s)", rows)

    _retrying(pg, append)


TRANSITION_FUNCTIONS = {"submit": "team_submit", "approve": "team_approve", "request_changes": "team_reject",
                        "send": "team_send", "discard": "team_discard"}


def transition(conn: Any, response_id: int, action: str, *, version: int, data: dict[str, Any], priv: Any,
               key_id: str, now: int | None = None) -> int:
    """Run one response transition in the database; returns the new version. ``data`` is the
    audit entry's data (from, to, comment, and for approve/send the version and text hash)."""
    if action not in TRANSITION_FUNCTIONS:
        raise UsageError(f"unknown action {action!r}")
    pg = raw(conn)
    try:
        return _retrying(pg, lambda me: _call(pg, TRANSITION_FUNCTIONS[action], (response_id, version),
                                              f"response.{action}", "response", response_id, data, priv, key_id,
                                              now or int(time.time()), me))
    except TeamRefused as exc:
        if exc.sqlstate == STALE_VERSION:  # someone saved it since it was read: say who, as mentions do
            raise response_conflict(pg, response_id, version) from None
        raise


STALE_VERSION = "40001"  # team_transition's "changed by someone else" (the audit head's is retried above)


def response_conflict(conn: Any, response_id: int, expected: int) -> Conflict:
    """The Conflict for a transition based on version ``expected``: who saved the response since
    (``changed_by``, the login the database recorded) and its version now."""
    r = raw(conn).execute("SELECT version, changed_by, author FROM responses WHERE id = %s",
                          (response_id,)).fetchone()
    return Conflict("response", response_id, who=(r[1] or r[2]) if r else "", expected=expected,
                    current=r[0] if r else 0)
