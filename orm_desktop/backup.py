"""Backups and restores of a workspace database.

``backup`` uses SQLite's online backup API, so the copy is consistent even while the app or a
refresh is writing. ``restore`` checks the backup first (an ORM Desktop database that passes
``PRAGMA integrity_check``), keeps the current file aside, and swaps the backup in by rename.
The app takes a daily automatic backup when it opens a workspace, keeping the last seven.

Every copy is checked (``PRAGMA quick_check``: 0.26 CPU-s at 100k mentions against 0.65 for
``integrity_check``). A copy of a damaged database is kept under a ``damaged-`` name, so it never
counts toward the seven, rotation never deletes the last good automatic backups, and neither
``restore --latest`` nor the restore offered at open picks it; the caller is told by DamagedBackup.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from orm_desktop.errors import DamagedBackup, DiskFull, KnownError, UsageError
from orm_desktop.store import db
from orm_desktop.workspace import Workspace

KEEP_AUTOMATIC = 7
SOURCE_BUSY_S = 2.0  # how long `restore` waits for a backup file another program holds locked
KEEP_DAMAGED = 2  # damaged automatic copies kept (one is taken at each start until it is fixed)
DAMAGED_PREFIX = "damaged-"


def backup(ws: Workspace, dest: Path | None = None, *, automatic: bool = False) -> Path:
    """A consistent copy of the workspace database; returns its path."""
    _solo_only(ws)
    named = dest is not None and not automatic  # a file the user named (--out) keeps its name
    ws.backups.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    if dest is None and not automatic:  # a second `backup` in the same second gets its own name
        dest = _free_name(ws.backups / f"backup-{stamp}.db")
    dest = Path(dest) if dest else ws.backups / f"auto-{stamp}.db"
    if dest.exists():
        raise UsageError(f"{dest} already exists")
    conn = ws.connect(readonly=False)
    try:
        from orm_desktop.store import audit

        cp = audit.checkpoint(conn)  # taken first: the copy holds at least what it names
        db.backup_to(conn, dest)
        _checkpoint_beside(conn, dest, cp)
    finally:
        conn.close()
    problem = db.quick_check(dest)
    if problem != "ok":
        if not named and not dest.name.startswith(DAMAGED_PREFIX):
            dest = _rename_with_checkpoint(dest, dest.with_name(DAMAGED_PREFIX + dest.name))
        if automatic:
            for old in sorted(ws.backups.glob(f"{DAMAGED_PREFIX}auto-*.db"))[:-KEEP_DAMAGED]:
                old.unlink(missing_ok=True)  # its checkpoint stays, as a rotated good one's does (audit verify)
        raise DamagedBackup(f"the workspace database is damaged ({problem}), and so is the "
                            f"{'automatic ' if automatic else ''}backup copy just taken, kept at {dest}; "
                            "run 'orm-desktop check', then 'orm-desktop restore --latest' "
                            "(the newest good backup)", dest)
    if automatic:
        for old in sorted(ws.backups.glob("auto-*.db"))[:-KEEP_AUTOMATIC]:
            old.unlink(missing_ok=True)
    return dest


def _checkpoint_of(path: Path) -> Path:
    return path.with_name(path.stem + ".checkpoint.json")


def _rename_with_checkpoint(src: Path, dest: Path) -> Path:
    src.rename(dest)
    if _checkpoint_of(src).exists():
        _checkpoint_of(src).rename(_checkpoint_of(dest))
    return dest


def _solo_only(ws: Workspace) -> None:
    if ws.backend == "postgresql":
        raise UsageError("a team workspace is backed up on its PostgreSQL server (pg_dump, or the managed "
                         "service's snapshots), not by ORM Desktop")


def _checkpoint_beside(conn, dest: Path, cp: dict) -> None:
    """A signed checkpoint of the audit log next to the backup (issue 13): a later truncated or
    rewritten log is caught against it, even if the file beside the workspace is replaced too.
    If it cannot be written, the backup is removed too: nothing half done is left behind."""
    from orm_desktop.store import audit

    try:
        audit.write_checkpoint(conn, _checkpoint_of(dest), cp)
    except KnownError:
        dest.unlink(missing_ok=True)
        raise


def backups(ws: Workspace) -> list[Path]:
    """Backups in the workspace, newest first."""
    return sorted(ws.backups.glob("*.db"), key=lambda p: p.stat().st_mtime, reverse=True)


def restorable(ws: Workspace) -> list[Path]:
    """Backups to offer for a restore, newest first: not a file kept aside by a restore, nor a
    copy found damaged when it was taken."""
    return [p for p in backups(ws) if not p.name.startswith(("before-restore-", DAMAGED_PREFIX))]


def daily_backup(ws: Workspace) -> Path | None:
    """Take an automatic backup when the newest good one is more than a day old (solo workspaces);
    raises DamagedBackup when the database is damaged (then it is tried again at the next start)."""
    if ws.backend == "postgresql":
        return None
    autos = sorted(ws.backups.glob("auto-*.db"))
    if autos and time.time() - autos[-1].stat().st_mtime < 86400:
        return None
    return backup(ws, automatic=True)


def check(path: Path, name: Path | None = None) -> None:
    """Raise a KnownError unless ``path`` is a sound ORM Desktop database: its own, as the app made
    it (no planted trigger, no lying version stamp: store/schema_guard.py) and passing
    ``PRAGMA integrity_check``. ``name`` is what the message calls it (the file the person named)."""
    from orm_desktop.errors import CorruptDatabase
    from orm_desktop.store import schema_guard

    label = name or path
    try:
        with db.inspecting():
            conn = db.connect(path, readonly=True)
    except CorruptDatabase:
        raise KnownError(f"{label} cannot be restored: it is not an ORM Desktop database, or it is damaged") from None
    except KnownError as exc:
        raise KnownError(f"{label} cannot be restored: {exc}") from None
    try:
        found = schema_guard.inspect(conn)
        result = db.integrity_check(conn)
    except sqlite3.DatabaseError as exc:
        raise KnownError(f"{label} cannot be restored: it is damaged ({exc})") from None
    finally:
        conn.close()
    if result != "ok":
        raise KnownError(f"{label} cannot be restored: integrity check failed ({result})")
    if found.refused:
        raise KnownError(f"{label} cannot be restored: {found.reason()}")


def _copy_database(source: Path, dest: Path) -> None:
    """The database ``source`` holds, through SQLite's backup API: its pages as SQLite reads them
    (a -wal beside it included), nothing else. A byte copy took the main file alone, which was not
    what the check had read when a -wal was beside it, and copied a sparse tail of holes past the
    database's last page in full (512 MiB written for a 1.4 MB database)."""
    try:
        db.copy_database(source, dest, busy_s=SOURCE_BUSY_S)
    except sqlite3.Error as exc:
        text = str(exc).lower()
        if getattr(exc, "sqlite_errorname", "") == "SQLITE_FULL" or "full" in text:
            raise DiskFull(f"the disk holding the workspace is full; {source} was not restored") from None
        if "locked" in text or "busy" in text:
            raise KnownError(f"{source} cannot be restored now: another program has it in use (locked); "
                             "try again when it has finished") from None
        raise KnownError(f"{source} cannot be restored: it is not an ORM Desktop database, it is damaged, "
                         f"or it cannot be read ({exc})") from None


@contextlib.contextmanager
def _no_sidecars_left(path: Path) -> Iterator[None]:
    """Reading a backup in WAL mode makes an empty -wal and a -shm beside it, which a read-only
    connection cannot remove when it closes: each restore left two such files in backups/. Those
    this read made are removed again when the -wal is empty (a -wal that was there is the
    backup's own and stays)."""
    sidecars = [Path(f"{path}{s}") for s in ("-wal", "-shm")]
    before = {p for p in sidecars if p.exists()}
    try:
        yield
    finally:
        wal = sidecars[0]
        if wal not in before and (not wal.exists() or wal.stat().st_size == 0):
            for p in sidecars:
                if p not in before:
                    p.unlink(missing_ok=True)


def restore(ws: Workspace, source: Path) -> Path:
    """Replace the workspace database with ``source``; returns where the old file was kept. The copy
    that is swapped in is the one checked."""
    _solo_only(ws)
    source = Path(source)
    if not source.exists():
        raise UsageError(f"no such backup: {source}")
    if not source.is_file():  # a directory, or a FIFO that would block the check below
        raise UsageError(f"{source} is not a regular file; not a backup")
    with ws.refresh_lock():
        stamp = time.strftime("%Y%m%d-%H%M%S")
        kept = _free_name(ws.backups / f"before-restore-{stamp}.db")  # a second restore in that second too
        tmp = ws.db_path.with_suffix(".restoring")
        _remove_database(tmp)
        try:
            with _no_sidecars_left(source):
                _copy_database(source, tmp)
            check(tmp, source)
        except BaseException:
            _remove_database(tmp)
            raise
        ws.backups.mkdir(parents=True, exist_ok=True)
        if ws.db_path.exists():
            try:  # fold the WAL into the old file before keeping it aside
                db.fold_wal(ws.db_path)
            except sqlite3.DatabaseError:
                pass  # a corrupt file is kept as it is
            shutil.move(ws.db_path, kept)
        for suffix in ("-wal", "-shm"):
            Path(str(ws.db_path) + suffix).unlink(missing_ok=True)
        _remove_database(tmp, main=False)
        tmp.rename(ws.db_path)
    return kept


def _free_name(path: Path) -> Path:
    """``path``, or ``NAME-2.db``, ``NAME-3.db``... when a file of that name exists (its -wal or
    checkpoint beside it included)."""
    candidate, n = path, 1
    while any(Path(f"{candidate.with_suffix('')}{s}").exists() for s in (".db", ".db-wal", ".checkpoint.json")):
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def _remove_database(path: Path, *, main: bool = True) -> None:
    for suffix in ("", "-wal", "-shm", "-journal") if main else ("-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def offer_restore(ws: Workspace, error: Exception, ask) -> bool:
    """After a damaged database was detected at open: when backups exist, ``ask(message)``
    whether to restore the newest; restore it if the answer is yes. Returns True if restored."""
    found = restorable(ws)
    if not found:
        return False
    newest = found[0]
    when = time.strftime("%d %b %Y %H:%M", time.localtime(newest.stat().st_mtime))
    if not ask(f"{error}\n\nRestore the newest backup, from {when}? The damaged file is kept aside."):
        return False
    restore(ws, newest)
    return True
