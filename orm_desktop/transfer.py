"""Moving a workspace between the two stores (docs/team.md, issue 15).

- ``snapshot``: an offline copy of a period, from any workspace (SQLite or PostgreSQL), as a new
  SQLite workspace folder stamped read-only (the setting ``snapshot``); the app opens it for
  reading mentions and printing reports and refuses every change (``Service`` checks the stamp).
- ``push``: a solo SQLite workspace into an empty team database, every row with its id, in one
  transaction; before it commits, every table's count is compared with the source's and the
  audit chain is verified with the audit log's own verification (``store.audit.verify_report``)
  and its head compared: any difference rolls the whole copy back.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from orm_desktop.errors import KnownError, UsageError
from orm_desktop.store import copy as copy_store
from orm_desktop.store import db

SNAPSHOT_SETTING = "snapshot"

Progress = Callable[[str], None]


def snapshot_label(stamp: dict) -> str:
    """'offline snapshot of <team> taken <date>, read-only' for a snapshot's stamp."""
    import datetime as dt

    when = dt.datetime.fromtimestamp(int(stamp.get("taken", 0)), dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"offline snapshot of {stamp.get('of') or 'a workspace'} taken {when}, read-only"


def read_stamp(root: Path) -> dict | None:
    """The snapshot stamp of the SQLite workspace at ``root`` (None: not a snapshot)."""
    from orm_desktop.store import settings as settings_store
    from orm_desktop.workspace import DB_NAME

    path = Path(root) / DB_NAME
    if not path.exists():
        return None
    conn = db.connect(path, readonly=True)
    try:
        stamp = settings_store.get(conn, SNAPSHOT_SETTING, None)
    finally:
        conn.close()
    return stamp if isinstance(stamp, dict) else None


def snapshot(svc, out: Path | str, *, days: int, now: int | None = None, progress: Progress | None = None) -> dict:
    """Write the offline snapshot of the last ``days`` days of ``svc``'s workspace to the new
    folder ``out``; returns its stamp (with the rows copied per table)."""
    from orm_desktop import workspace as wsmod

    if days < 1:
        raise UsageError("--days must be at least 1")
    out = Path(out).expanduser().resolve()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        what = "a folder that is not empty" if out.is_dir() else "a file"
        raise UsageError(f"{out} already exists: name a new folder for the snapshot (that is {what})")
    now = int(now if now is not None else time.time())
    since = now - days * 86400
    tmp = out.with_name(f".{out.name}.part-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:  # where the folder cannot be written, say so about the folder asked for, not the temporary one
        tmp.mkdir(parents=True)
        tmp.rmdir()
    except OSError as exc:
        raise UsageError(f"cannot write the snapshot folder {out}: {exc.strerror or exc}") from None
    try:
        target = wsmod.create(tmp).db_path
        tconn = db.connect(target)
        try:
            target_cols = {t: set(copy_store.columns(tconn, t)) for t in copy_store.SNAPSHOT_ROWS}
        finally:
            tconn.close()
        src = svc.conn
        copied: dict[str, int] = {}
        with copy_store.consistent_read(src):
            for table in copy_store.table_order():
                if table not in copy_store.SNAPSHOT_ROWS:
                    continue
                cols = [c for c in copy_store.columns(src, table) if c in target_cols[table]]
                where = copy_store.SNAPSHOT_ROWS[table]
                copied[table] = copy_store.write_sqlite(target, table, cols,
                                                        copy_store.rows(src, table, cols, where, since))
                if progress:
                    progress(f"{table}: {copied[table]:,} rows")
        stamp = {"of": svc.team_name(), "source": svc.ws.label, "backend": svc.ws.backend, "taken": now,
                 "since": since, "until": now, "days": days, "rows": copied}
        copy_store.set_setting_in_file(target, SNAPSHOT_SETTING, stamp)
        copy_store.finish_read_only_file(target)
        if out.exists():
            out.rmdir()
        tmp.rename(out)
    except BaseException as exc:
        _make_writable(tmp)
        shutil.rmtree(tmp, ignore_errors=True)
        if _write_failed(exc):
            raise _snapshot_write_error(exc, out) from exc
        raise
    return {**stamp, "label": snapshot_label(stamp)}


def _write_failed(exc: BaseException) -> bool:
    """Whether ``exc`` (or what it was raised from) is a failed write: a full disk, a file size
    limit. Everything written here is the snapshot's, so that is the snapshot folder's disk."""
    import sqlite3

    from orm_desktop.atomic import _FULL
    from orm_desktop.errors import DiskFull

    for e in (exc, exc.__cause__):
        if isinstance(e, DiskFull) or (isinstance(e, OSError) and e.errno in _FULL):
            return True
        if isinstance(e, sqlite3.Error) and getattr(e, "backend", "") != "postgresql":
            name = getattr(e, "sqlite_errorname", "") or ""
            if name == "SQLITE_FULL" or "disk is full" in str(e).lower():
                return True
            if name.startswith("SQLITE_IOERR") and name != "SQLITE_IOERR_READ":
                return True
    return False


def _snapshot_write_error(exc: BaseException, out: Path) -> Exception:
    """The one line for a snapshot that could not be written: it named the disk holding the
    workspace and the temporary folder (…/.snap.part-PID/orm.db) instead of the folder asked for."""
    import errno
    import sqlite3

    from orm_desktop.atomic import write_error
    from orm_desktop.errors import KnownError

    cause = exc.__cause__ if isinstance(exc.__cause__, sqlite3.Error) else exc
    if isinstance(cause, sqlite3.Error) and (getattr(cause, "sqlite_errorname", "") or "").startswith("SQLITE_IOERR"):
        return KnownError(f"cannot write {out}: disk I/O error (a full disk or a file size limit?); "
                          "nothing was written")
    return write_error(out, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))


def _make_writable(folder: Path) -> None:
    for p in folder.rglob("*") if folder.exists() else ():
        try:
            os.chmod(p, 0o700 if p.is_dir() else 0o600)
        except OSError:
            pass


def push(svc, url: str, *, progress: Progress | None = None) -> dict:
    """Copy ``svc``'s solo SQLite workspace into the empty team database at ``url`` (its schema
    is created when the database holds none). Returns what was copied and verified."""
    from orm_desktop import workspace as wsmod
    from orm_desktop.store import audit

    if svc.ws.url:
        raise UsageError("team push copies a solo (SQLite) workspace; this one is already a team workspace")
    from orm_desktop import credentials

    if not wsmod.is_url(url):
        raise UsageError("team push needs the team database's URL (postgresql://USER@HOST:PORT/DBNAME), "
                         f"not {credentials.mask(url)!r}")
    credentials.parts(url)  # a malformed URL (an unclosed [ of an IPv6 address...) is one line, password masked
    credentials.refuse_server_database(url)  # 'postgres' is empty, yet never a team's database
    target = wsmod.Workspace.at(url)
    if not target.exists():
        wsmod.create(url)
        if progress:
            progress("created the workspace schema in the team database")
    tconn = target.connect()
    try:
        busy = copy_store.content_tables_with_rows(tconn)
        if busy:
            raise UsageError(f"{target.label} is not empty ({', '.join(f'{t}: {n:,} rows' for t, n in busy[:4])}): "
                             "team push copies into an empty team database only")
        src = svc.conn
        copied: dict[str, int] = {}
        with copy_store.consistent_read(src), db.transaction(tconn):
            with copy_store.bulk_load(tconn):
                for table in copy_store.table_order():
                    if table in copy_store.PUSH_SKIP:
                        continue
                    have = set(copy_store.columns(src, table))
                    cols = [c for c in copy_store.writable_columns(tconn, table) if c in have]
                    copied[table] = copy_store.insert_rows(tconn, table, cols, copy_store.rows(src, table, cols))
                    if progress:
                        progress(f"{table}: {copied[table]:,} rows")
            copy_store.set_workspace_id(tconn, copy_store.workspace_id(src))
            copy_store.reset_id_sequences(tconn, list(copied))
            problems = [f"{t}: {a:,} here, {b:,} in the team database"
                        for t in [*copied, *copy_store.TRIGGER_KEPT]
                        if (a := copy_store.count(src, t)) != (b := copy_store.count(tconn, t))]
            here, there = copy_store.rollup_figures(src), copy_store.rollup_figures(tconn)
            if not copy_store.rollups_agree(here, there):
                problems.append(f"the rollups differ: {here} here, {there} in the team database")
            if (fa := copy_store.facet_figures(src)) != (fb := copy_store.facet_figures(tconn)):
                problems.append(f"the topic and feed counts differ: {fa} here, {fb} in the team database")
            rep = audit.verify_report(tconn)
            entries, head = copy_store.audit_head(src)
            if not rep.ok:
                problems.append(f"the copied audit log breaks at entry {rep.broken_id}: {rep.why}")
            elif rep.checked != entries or copy_store.audit_head(tconn) != (entries, head):
                problems.append(f"the copied audit log has {rep.checked} entries, this one {entries}")
            if problems:  # raised inside the transaction: the team database stays empty
                raise KnownError("team push stopped, nothing was copied: " + "; ".join(problems))
    finally:
        tconn.close()
    target.root.mkdir(parents=True, exist_ok=True)
    if svc.ws.evidence.exists():  # captured pages live beside the database, not in it
        shutil.copytree(svc.ws.evidence, target.evidence, dirs_exist_ok=True)
    cp = audit.checkpoint_path(svc.conn)  # the signed head kept outside the database travels too
    if cp is not None and cp.exists():
        shutil.copyfile(cp, target.root / audit.CHECKPOINT_FILE)
    return {"target": target.label, "rows": copied, "audit_entries": entries, "audit_signed": rep.signed,
            "audit_head": head}
