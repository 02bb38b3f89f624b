"""Team workspaces: setting one up, its users and their signing keys (the facade for `orm-desktop
team ...` and the GUI; no SQL here, no Qt).

The login is the user: whoever connects as ``maya`` acts as maya, the database records it
(``session_user``) and its roles decide what maya may do. Setting up: ``init`` (as the database's
owner) creates the schema and applies ``store/postgres/roles.py``; ``add_user`` creates a login
(with a SCRAM password computed here) and adds it to a group. Signing keys: each login creates its
own (``keygen``): the public key goes into the database, the private key, encrypted under the
person's passphrase, into the OS keyring of their own laptop; an admin approves the key
(``approve_key``) before it signs anything (docs/team.md).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import Any

from orm_desktop import credentials, identity
from orm_desktop.errors import KnownError, UsageError
from orm_desktop.store import team as team_store
from orm_desktop.store.team import GROUPS, TeamUser

KEY_SERVICE = "orm-desktop-signing-key"  # keyring service of the encrypted private keys

__all__ = ["GROUPS", "TeamAdmin", "TeamUser", "as_refused"]


def stored_key_blob(url: str) -> str:
    """This login's encrypted signing key from this computer's OS keyring."""
    import keyring

    try:
        blob = keyring.get_password(KEY_SERVICE, credentials.keyring_key(url))
    except Exception:  # no usable keyring backend
        blob = None
    if not blob:
        raise identity.IdentityError("this login's signing key is not on this computer (OS keyring): "
                                     "create one with `orm-desktop team keygen`")
    return blob


def as_refused(login: str, name: str) -> UsageError:
    """The one-line refusal of ``--as`` / "Working as" on a team workspace."""
    return UsageError(f"on a team workspace the login is the user: you are {login}; drop --as {name} "
                      f"(to act as {name}, connect with {name}'s own login)")


class DatabaseRefused(KnownError):
    """The database said no (a privilege, a policy, a rule in a function): one line, exit 2."""

    exit_code = 2


@contextlib.contextmanager
def _refusals(where: str = "") -> Iterator[None]:
    import psycopg

    from orm_desktop.store import pg

    try:
        yield
    except psycopg.Error as exc:
        known = pg.describe_error(exc, where) if isinstance(exc, psycopg.OperationalError) else None
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if known is None and first.startswith("connection failed: "):
            known = f"cannot connect{f' to {where}' if where else ''}: {first.split(' failed: ')[-1]}"
        raise DatabaseRefused(known or f"the database refused: {first}") from None


def _refused(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with _refusals():
            return method(self, *args, **kwargs)
    return wrapper


class TeamAdmin:
    """One connection to a team database, as one login."""

    def __init__(self, url: str, *, ask: Callable[[str], str] | None = None,
                 conn: Any = None) -> None:
        if not credentials.is_team_url(url):
            raise UsageError(f"a team workspace is a postgresql:// URL, not {credentials.mask(url)!r}")
        self.url = url
        if conn is None:
            with _refusals(credentials.redact(url)):
                conn = credentials.connect(url, ask=ask, autocommit=True)
        self.conn = conn

    def close(self) -> None:
        self.conn.close()

    def _team_only(self) -> None:
        if not team_store.is_team_database(self.conn):
            raise UsageError("this database is not a team workspace yet: its owner runs "
                             "`orm-desktop team init URL` first (docs/team.md)")

    def __enter__(self) -> TeamAdmin:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- set-up ----------------------------------------------------------------------------------
    @_refused
    def init(self) -> str:
        """Schema (pg-core's ``db.create``) then roles; returns the role prefix (the database name)."""
        from orm_desktop.store import db

        me, owner = team_store.login(self.conn), team_store.database_owner(self.conn)
        if me != owner:
            raise UsageError(f"run `team init` as the database's owner ({owner}), not as {me}")
        if not team_store.has_schema(self.conn):
            db.create(self.url)
        return team_store.apply_roles(self.conn)

    @_refused
    def whoami(self) -> tuple[str, tuple[str, ...]]:
        return team_store.whoami(self.conn)

    # -- users -----------------------------------------------------------------------------------
    @_refused
    def check_name(self, name: str, display_name: str = "") -> None:
        """A login name, and a display name as `users add` checks it (workflow.check_user_name)."""
        from orm_desktop.responses.workflow import check_user_name

        team_store.check_login_name(name, team_store.prefix_of(self.conn))
        check_user_name(name, display_name)

    @_refused
    def add_user(self, name: str, role: str, password: str | None, *, display_name: str = "") -> str:
        """'created' (a new login) or 'granted' (an existing login joined the group)."""
        self._team_only()
        self.check_name(name, display_name)
        if role not in GROUPS:
            raise UsageError(f"roles are {', '.join(GROUPS)} (not {role!r})")
        if not team_store.login_exists(self.conn, name):
            if not password:
                raise UsageError(f"{name} is a new login and needs a password (at least 8 characters)")
            # a new login may not pass for a member (an existing one only joins another group); a
            # user of exactly this name without a login (one a `team push` brought) is this person
            from orm_desktop.responses.workflow import refuse_lookalike

            refuse_lookalike([u for u in team_store.user_names(self.conn) if u[0] != name], name, display_name)
        return team_store.add_user(self.conn, name, role, password, display_name=display_name)

    @_refused
    def check_executive(self, entity: str) -> None:
        if not team_store.executive_exists(self.conn, entity):
            raise UsageError(f"no executive entity named {entity!r} (add it first: "
                             f"`orm-desktop entities add executive {entity!r} --query ...`)")

    @_refused
    def link_executive(self, name: str, entity: str) -> None:
        """``name`` IS the executive ``entity``: drafts in that name need this login's approval."""
        self._team_only()
        self.check_executive(entity)
        team_store.link_executive(self.conn, name, entity)

    @_refused
    def remove_user(self, name: str, role: str) -> None:
        self._team_only()
        team_store.remove_user(self.conn, name, role)

    @_refused
    def users(self) -> list[TeamUser]:
        self._team_only()
        return team_store.users(self.conn)

    @_refused
    def login_exists(self, name: str) -> bool:
        return team_store.login_exists(self.conn, name)

    # -- signing keys ----------------------------------------------------------------------------
    @_refused
    def keygen(self, passphrase: str) -> str:
        """A signing key for this login: public half registered in the database, the encrypted
        private half in this laptop's OS keyring. Returns the key id."""
        self._team_only()
        me, _groups = self.whoami()
        if team_store.key_of(self.conn, me):
            raise UsageError(f"{me} already has a signing key (a key is never replaced)")
        key = identity.create_key(passphrase)
        import keyring

        keyring.set_password(KEY_SERVICE, credentials.keyring_key(self.url), key.blob)
        team_store.register_key(self.conn, key)
        return key.key_id

    @_refused
    def approve_key(self, name: str) -> str:
        self._team_only()
        k = team_store.key_of(self.conn, name)
        if k is None:
            raise UsageError(f"{name} has registered no signing key yet (`orm-desktop team keygen`, as {name})")
        team_store.approve_key(self.conn, name, k[0])
        return k[0]

    def unlock(self, passphrase: str):
        """This login's private key (for signing), from the OS keyring and the passphrase."""
        return identity.decrypt_private_key(stored_key_blob(self.url), passphrase)
