"""Team-wide locks on a PostgreSQL workspace: one refresh at a time for the whole team.

A session-level advisory lock (``pg_try_advisory_lock``) keyed on the application and the
workspace (its database), held by the refreshing connection for as long as the refresh runs; it
goes away with the session, so a killed refresh never leaves a stale lock. The holder labels its
session (``application_name``) with host, user and start time, so a refused second refresh can
say where and since when one runs. On SQLite the workspace's lock file does the same
(orm_desktop.workspace.Workspace.refresh_lock).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from orm_desktop.errors import LockBusy

APP_KEY = 0x4F524D31  # "ORM1": the advisory lock's first key, so other applications' keys never clash
KINDS = {"refresh": 1, "deliveries": 2}
_TAG = "orm-desktop:"


def _key_sql(kind: str) -> str:
    # (application, hash of the workspace's database name and the lock kind): one lock per workspace
    return f"{APP_KEY}, hashtext(current_database() || ':{kind}')"


@contextlib.contextmanager
def advisory(conn, kind: str, holder: dict, *, what: str = "a refresh is already running") -> Iterator[None]:
    """Hold the workspace's ``kind`` lock (session level) or raise LockBusy naming the holder."""
    from orm_desktop.store.db import known_errors
    from orm_desktop.workspace import describe_holder

    if kind not in KINDS:
        raise ValueError(kind)
    with known_errors():  # a lost server connection is the user's to act on, not a bug
        got = conn.execute(f"SELECT pg_try_advisory_lock({_key_sql(kind)})").fetchone()[0]
        if not got:
            raise LockBusy(f"{what}{describe_holder(current_holder(conn, kind))}; wait for it to finish")
    label = f"{_TAG}{kind}|{holder.get('since', 0)}|{holder.get('user', '?')[:16]}|{holder.get('host', '')}"[:63]
    try:
        conn.execute("SELECT set_config('application_name', ?, false)", (label,))
        yield
    finally:
        try:
            conn.execute("SELECT set_config('application_name', 'orm-desktop', false)")
            conn.execute(f"SELECT pg_advisory_unlock({_key_sql(kind)})")
        except Exception:  # noqa: BLE001 - a broken session has lost its lock already
            pass


def current_holder(conn, kind: str) -> dict:
    """{host, user, since, pid} of the session holding the ``kind`` lock ({} when free)."""
    r = conn.execute(
        "SELECT a.application_name, a.usename, a.client_addr::text, a.backend_start FROM pg_locks l "
        "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
        f"AND l.classid = {APP_KEY}::oid AND l.objid = (hashtext(current_database() || ':{kind}'))::oid "
        "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())").fetchone()
    if r is None:
        return {}
    info: dict = {"host": r[2] or "localhost", "user": r[1] or "?", "since": int(r[3].timestamp())}
    parts = (r[0] or "").split("|")
    if parts[0] == _TAG + kind and len(parts) == 4 and parts[1].isdigit():
        info.update(since=int(parts[1]), user=parts[2], host=parts[3] or info["host"])
    return info
