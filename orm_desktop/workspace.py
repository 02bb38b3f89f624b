"""Where a workspace lives, creating and opening it, and the refresh lock.

A workspace is a directory::

    orm.db          the SQLite database (WAL)
    backups/        automatic and manual backups
    demo-feeds/     the offline demo's feed files (demo workspaces only)
    evidence/       captured pages (evidence capture)

Resolution order: ``--workspace DIR``, else ``$ORM_DESKTOP_WORKSPACE``, else the user data
directory (``platformdirs.user_data_dir("orm-desktop")/workspace``).

A team workspace is a PostgreSQL database named by a URL (``--workspace postgresql://...`` or
the same in the variable). What a SQLite workspace keeps beside its database file and that
belongs to one person's machine (the workspace signing key, the audit checkpoint, evidence
bodies captured here, lock files, reports) then lives in a per-user local folder keyed by the
URL without its password: ``user_data_dir("orm-desktop")/teams/<host>-<port>-<db>-<user>-<hash>``
(see docs/decisions.md). ``Workspace.root`` is that folder; ``Workspace.url`` the database.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from orm_desktop.errors import LockBusy, NoWorkspace, UsageError, WorkspaceError
from orm_desktop.store import db

DB_NAME = "orm.db"
ENV_VAR = "ORM_DESKTOP_WORKSPACE"


def default_workspace_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("orm-desktop", appauthor=False)) / "workspace"


def demo_workspace_dir() -> Path:
    """Where the GUI creates the offline demo when no workspace is configured."""
    return default_workspace_dir().parent / "demo"


def is_url(target: object) -> bool:
    """Whether a workspace argument names a team workspace (a postgresql:// URL)."""
    return db.is_url(target)


def team_state_dir(url: str) -> Path:
    """The per-user local folder of a team workspace, keyed by its URL without the password."""
    import hashlib
    import re
    from urllib.parse import urlsplit

    from platformdirs import user_data_dir

    from orm_desktop.store.db import _redacted

    clean = _redacted(url)
    parts = urlsplit(clean)
    name = "-".join(x for x in (parts.hostname or "local", str(parts.port or 5432), parts.path.strip("/") or "db",
                                parts.username or "") if x)
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:80]
    digest = hashlib.sha256(clean.encode()).hexdigest()[:8]
    return Path(user_data_dir("orm-desktop", appauthor=False)) / "teams" / f"{name}-{digest}"


def resolve(explicit: str | os.PathLike[str] | None = None) -> tuple[Path, str]:
    """The workspace directory and where the choice came from ('option', 'env', 'default',
    'demo'). With nothing configured and no workspace in the default directory, the current
    workspace is the offline demo once the GUI has created it: the CLI and the GUI agree."""
    if explicit:
        if is_url(explicit):
            return explicit, "option"  # type: ignore[return-value]  # a URL stays a string
        return _usable(Path(explicit).expanduser().resolve()), "option"
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        if is_url(env):
            return env, "env"  # type: ignore[return-value]
        return _usable(Path(env).expanduser().resolve()), "env"
    root = default_workspace_dir()
    if not (root / DB_NAME).exists() and (demo_workspace_dir() / DB_NAME).exists():
        return demo_workspace_dir(), "demo"
    return root, "default"


def _usable(root: Path) -> Path:
    """``root``, or a UsageError when no file could ever be made under it (a name too long: every
    command died of an OSError traceback on its first look at the folder)."""
    import errno

    try:
        (root / DB_NAME).exists()
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise UsageError(f"the workspace path is too long for this system ({len(str(root)):,} characters, "
                             f"a name in it {max(len(p) for p in root.parts):,})") from None
        raise
    return root


@dataclass(frozen=True, slots=True)
class Workspace:
    root: Path
    url: str = ""  # a team workspace's database (postgresql://...); root is then its local folder

    @classmethod
    def at(cls, target: Path | str) -> Workspace:
        """The workspace a directory or a postgresql:// URL names (not opened)."""
        if is_url(target):
            try:
                return cls(team_state_dir(str(target)), str(target))
            except ValueError as exc:  # an unclosed [ of an IPv6 address, a port out of range...
                raise UsageError(f"cannot read the workspace URL: {exc}") from None
        return cls(Path(target))

    @property
    def backend(self) -> str:
        """'sqlite' or 'postgresql'."""
        return "postgresql" if self.url else "sqlite"

    @property
    def target(self) -> Path | str:
        """What ``store.db`` opens: the database file, or the URL."""
        return self.url or self.db_path

    @property
    def location(self) -> Path | str:
        """What names this workspace on the command line (``--workspace``): the folder, or the URL."""
        return self.url or self.root

    @property
    def label(self) -> str:
        """Where the workspace is, for people: the folder, or the URL without its password."""
        return db._redacted(self.url) if self.url else str(self.root)

    @property
    def db_path(self) -> Path:
        return self.root / DB_NAME

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def demo_feeds(self) -> Path:
        return self.root / "demo-feeds"

    @property
    def evidence(self) -> Path:
        return self.root / "evidence"

    def exists(self) -> bool:
        if self.url:
            conn = db.connect(self.url, check=False)
            try:
                from orm_desktop.store.postgres import schema as pg_schema

                return pg_schema.stamp(conn)[0] is not None
            finally:
                conn.close()
        return self.db_path.exists()

    def connect(self, *, readonly: bool = False):  # -> sqlite3.Connection or store.pg.PgConnection
        conn = db.connect(self.target, readonly=readonly)
        if self.url:
            conn.local_dir = self.root
        return conn

    @contextlib.contextmanager
    def refresh_lock(self, *, wait: bool = False) -> Iterator[None]:
        """Only one refresh (GUI, `orm-desktop fetch` or a scheduled run) runs at a time on a
        workspace.

        Other writers (triage, drafts) are not blocked: SQLite's WAL and busy timeout
        serialise their short transactions. On a team workspace the lock is the database's
        advisory lock (store/locks.py) held by a connection of its own, so it covers every laptop
        (Service.refresh_lock holds it on the refreshing connection instead).
        """
        if self.url:
            with self._team_lock("refresh", "a refresh is already running"):
                yield
            return
        with self._file_lock(".refresh.lock", "a refresh is already running", wait):
            yield

    @contextlib.contextmanager
    def deliveries_lock(self, *, wait: bool = False) -> Iterator[None]:
        """Only one process sends the outbox at a time (so a row left 'sending' is orphaned)."""
        if self.url:
            with self._team_lock("deliveries", "another process is sending deliveries"):
                yield
            return
        with self._file_lock(".deliveries.lock", "another process is sending deliveries", wait):
            yield

    @contextlib.contextmanager
    def _team_lock(self, kind: str, what: str) -> Iterator[None]:
        from orm_desktop.store import locks

        conn = self.connect()
        try:
            with locks.advisory(conn, kind, holder_info(), what=what):
                yield
        finally:
            conn.close()

    @contextlib.contextmanager
    def _file_lock(self, name: str, what: str, wait: bool) -> Iterator[None]:
        """An flock on ``name``; the holder writes who it is (host/user, pid, since) into the
        file, so a refused second run can say "already running on <host/user> since <time>"."""
        path = self.root / name
        self.root.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
                raise WorkspaceError(f"the workspace is read-only ({self.root}): check its permissions") from exc
            raise
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                holder = _read_holder(fd)
                raise LockBusy(f"{what}{holder} ({self.root}); wait for it to finish "
                               f"(it holds {name})") from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(holder_info()).encode(), 0)
            yield
        finally:
            os.close(fd)


def holder_info() -> dict:
    """Who holds a lock: host, user, process id and since when (Unix time)."""
    import getpass
    import socket
    import time

    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some sandboxes
        user = "?"
    return {"host": socket.gethostname(), "user": user, "pid": os.getpid(), "since": int(time.time())}


def describe_holder(info: dict) -> str:
    """' on host/user since 16:40:02' (empty when unknown)."""
    import datetime as dt

    if not info.get("host"):
        return ""
    since = dt.datetime.fromtimestamp(int(info.get("since") or 0)).strftime("%Y-%m-%d %H:%M:%S")
    pid = f", pid {info['pid']}" if info.get("pid") else ""
    return f" on {info['host']}/{info.get('user', '?')} since {since}{pid}"


def _read_holder(fd: int) -> str:
    try:
        return describe_holder(json.loads(os.pread(fd, 4096, 0) or b"{}"))
    except (OSError, ValueError, TypeError):
        return ""


def create(root: Path | str) -> Workspace:
    """Create an empty, migrated workspace at ``root`` (which must not hold one yet); for a
    postgresql:// URL, the schema in that (existing, empty) database."""
    ws = Workspace.at(root)
    if ws.url:
        db.create(ws.url)
        ws.root.mkdir(parents=True, exist_ok=True)
        return ws
    root = Path(root)
    if ws.exists():
        raise WorkspaceError(f"a workspace already exists at {root}")
    try:
        root.mkdir(parents=True, exist_ok=True)
        ws.backups.mkdir(exist_ok=True)
    except OSError as exc:
        raise WorkspaceError(f"cannot create workspace at {root}: {exc.strerror}") from exc
    db.create(ws.db_path)
    return ws


def open_workspace(root: Path | str, *, migrate: bool = True) -> Workspace:
    """Open an existing workspace, applying pending migrations (after a backup)."""
    ws = Workspace.at(root)
    if ws.url:
        db.connect(ws.url).close()  # one-line errors: unreachable, login refused, no workspace there
        if migrate:
            db.migrate(ws.url)
        ws.root.mkdir(parents=True, exist_ok=True)
        return ws
    root = Path(root)
    if not root.exists():
        raise NoWorkspace(
            f"no workspace at {root}; create one with `orm-desktop init` (or `init --demo`)"
        )
    if root.is_file():  # often the database itself: its folder is the workspace
        hint = (f"; the workspace is its folder: --workspace {root.parent}" if root.name == DB_NAME
                else "; --workspace names a workspace folder")
        raise NoWorkspace(f"{root} is a file, not an ORM Desktop workspace{hint}")
    if not ws.exists():
        raise NoWorkspace(f"{root} is not an ORM Desktop workspace (no {DB_NAME}); "
                          "create one with `orm-desktop init`")
    if migrate:
        db.migrate(ws.db_path, backup_dir=ws.backups)
    return ws
