"""Team workspace logins: passwords in the OS keyring, asked for once, never written to a file.

A team workspace URL names the login (``postgresql://maya@db.example.org:5432/acme``); the app
user IS that login. When the URL carries no password, the OS keyring (``keyring``: Secret Service,
macOS Keychain, Windows Credential Locker) is asked for service ``orm-desktop``, key
``user@host:port/dbname``. When it has none, the server is tried without one (trust, peer,
certificate or ``.pgpass`` setups need none); only if the server asks for a password is the person
asked (``ask``: getpass in the CLI, a dialog in the GUI), and the password is stored in the keyring
once the server has accepted it. A password the server refuses is never stored, and a stored one
the server refuses (changed since) is forgotten and asked for again. No SQL, no Qt.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from typing import Any

from orm_desktop.errors import KnownError, UsageError

KEYRING_SERVICE = "orm-desktop"
SCHEMES = ("postgresql://", "postgres://")
_AUTH_FAILED = ("password authentication failed", "no password supplied", "password is required",
                "authentication failed")


class LoginError(KnownError):
    """The server refused the login (one line for the user)."""

    exit_code = 2


def is_team_url(value: str | None) -> bool:
    return bool(value) and str(value).startswith(SCHEMES)


def parts(url: str) -> dict[str, str]:
    """The URL's connection parameters (user, host, port, dbname, password, sslmode...)."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        d = {k: str(v) for k, v in conninfo_to_dict(url).items() if v is not None}
    except Exception as exc:  # psycopg.ProgrammingError: a malformed URL
        raise UsageError(f"cannot read the workspace URL: {mask(str(exc).splitlines()[0])}") from None
    if not d.get("dbname"):
        raise UsageError("a team workspace URL names its database: postgresql://USER@HOST:5432/DBNAME")
    d.setdefault("host", "localhost")
    d.setdefault("port", "5432")
    if not d.get("user"):
        d["user"] = getpass.getuser()
    return d


SERVER_DATABASES = ("postgres", "template0", "template1")  # every PostgreSQL server's own


def refuse_server_database(url: str) -> None:
    """A team workspace never goes into the server's maintenance database or its templates (they
    look empty, and template1 is copied into every new database): refused before connecting."""
    name = parts(url)["dbname"]
    if name in SERVER_DATABASES:
        raise UsageError(f"'{name}' is the PostgreSQL server's own database, not a team workspace: "
                         "create a database for the team (CREATE DATABASE acme OWNER ...) and use its URL")


def keyring_key(url: str) -> str:
    """``user@host:port/dbname``: what the password is stored under."""
    p = parts(url)
    return f"{p['user']}@{p['host']}:{p['port']}/{p['dbname']}"


def redact(url: str) -> str:
    """The URL without its password, for messages (TLS settings kept: a hint can be copied as is)."""
    from urllib.parse import quote

    p = parts(url)
    query = "&".join(f"{k}={quote(p[k], safe='/')}" for k in ("sslmode", "sslrootcert") if p.get(k))
    return f"postgresql://{p['user']}@{p['host']}:{p['port']}/{p['dbname']}" + (f"?{query}" if query else "")


def mask(text: str) -> str:
    """``text`` with the password of any ``scheme://user:password@`` in it replaced by ``***``: for
    echoing what a person typed (possibly not a valid URL, so ``redact`` cannot parse it)."""
    import re

    return re.sub(r"(://[^:/@\s]*):[^@\s]*@", r"\1:***@", text)


def _keyring():
    import keyring

    return keyring


def stored_password(url: str) -> str | None:
    try:
        return _keyring().get_password(KEYRING_SERVICE, keyring_key(url))
    except Exception:  # no usable keyring backend: behave as if nothing is stored
        return None


def store_password(url: str, password: str) -> bool:
    try:
        _keyring().set_password(KEYRING_SERVICE, keyring_key(url), password)
        return True
    except Exception as exc:
        print(f"orm-desktop: warning: the password could not be kept in the OS keyring ({exc}); "
              "you will be asked again next time", file=sys.stderr)
        return False


def forget_password(url: str) -> None:
    try:
        _keyring().delete_password(KEYRING_SERVICE, keyring_key(url))
    except Exception:
        pass


def ask_terminal(prompt: str) -> str:
    """The CLI's way of asking: getpass on a terminal, else a one-line error."""
    if not sys.stdin.isatty():
        raise LoginError(f"{prompt.rstrip(': ')} is needed: run the command once on a terminal to store it "
                         "in the OS keyring")
    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise LoginError("no password given") from None


def never_ask(prompt: str) -> str:
    raise LoginError(f"{prompt.rstrip(': ')} is needed and none is stored in the OS keyring")


ASK: Callable[[str], str] | None = None  # how to ask for a password; None: ask_terminal (the GUI sets a dialog)


def _auth_failed(exc: Exception) -> bool:
    msg = str(exc).lower()
    return any(m in msg for m in _AUTH_FAILED)


def connect(url: str, *, ask: Callable[[str], str] | None = None,
            connect_fn: Callable[..., Any] | None = None, **kwargs: Any) -> Any:
    """A psycopg connection for ``url`` with the password resolved as the module says."""
    import psycopg

    connect_fn = connect_fn or psycopg.connect
    ask = ask or ASK or ask_terminal
    p = parts(url)
    where = redact(url)

    def attempt(password: str | None):
        extra = dict(kwargs)
        if password is not None:
            extra["password"] = password
        try:
            return connect_fn(url, **extra)
        except psycopg.OperationalError as exc:
            if _auth_failed(exc):
                return None
            raise  # unreachable server, no such database...: the caller's message

    if p.get("password"):
        conn = attempt(None)
        if conn is None:
            raise LoginError(f"the server refused the password in the URL for {where}")
        return conn
    saved = stored_password(url)
    if saved is not None:
        conn = attempt(saved)
        if conn is not None:
            return conn
        forget_password(url)  # changed on the server since: ask again
    else:
        conn = attempt(None)
        if conn is not None:
            return conn
    password = ask(f"password of {p['user']} on {p['host']}:{p['port']}/{p['dbname']}: ")
    conn = attempt(password)
    if conn is None:
        raise LoginError(f"the server refused the password of {p['user']} for {where}")
    store_password(url, password)
    return conn
