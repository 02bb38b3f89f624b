"""One way to write a file the user keeps: all of it under its name, or nothing.

``atomic_write`` writes to a temporary file created with ``tempfile.mkstemp`` in the target's
own folder (so the final rename never crosses file systems), flushes and fsyncs it, checks that
every byte landed, then renames it over the target and fsyncs the folder. A full disk, a file
size limit or a read-only folder end in one ``KnownError`` line and leave neither the temporary
file nor a truncated target behind; a target that existed before is left as it was. A symlink
planted at the target is replaced, never written through.

A target that is a character device or a pipe (``/dev/null``, a FIFO), or one of the process's
own descriptors (``--out /dev/stdout``, even redirected to a file), is written through as a stream:
renaming a file over it replaced the device node itself (as root, ``report --out /dev/null`` left
a regular file at /dev/null). A symlink planted at the target that leads to a device or a pipe is
refused, never written through (a PDF written into /dev/watchdog or /dev/mem as root); any other
special file (a block device, a socket) is refused too.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from orm_desktop.errors import DiskFull, KnownError, UsageError

_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def write_error(path: Path | str, exc: OSError) -> KnownError:
    """The one-line error for a failed write to ``path``."""
    if exc.errno in _FULL:
        return DiskFull(f"cannot write {path}: the disk is full or the file is too large; nothing was written")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return UsageError(f"cannot write {path}: permission denied (read-only location?)")
    return KnownError(f"cannot write {path}: {exc.strerror or exc}")


def check_target(path: Path | str) -> Path:
    """``path`` as a file to write, or a UsageError: its folder is missing, or it names a folder.
    A write makes these checks first; a caller with costly work before the write (a report's
    rendering) makes them before that work."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        if not folder.is_dir():
            raise UsageError(f"the folder {folder} does not exist")
        if path.is_dir():
            raise UsageError(f"{path} is a directory")
    except OSError as exc:  # ENAMETOOLONG: pathlib raises it where a missing name answers False
        from orm_desktop.textsafe import clip

        raise UsageError(f"cannot write {clip(str(path), 80)}: {exc.strerror or exc}") from None
    return path


@contextlib.contextmanager
def _atomic(path: Path | str, mode: int) -> Iterator[tuple[int, Path]]:
    """(descriptor, name) of a new temporary file beside ``path``; when the block ends it is
    fsynced and renamed over ``path``. On any failure it is removed, and an OSError becomes one
    KnownError line."""
    path = check_target(path)
    folder = path.parent
    if _special(path):
        raise UsageError(f"{path} is not a regular file")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name[:60]}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise write_error(path, exc) from None
    tmp = Path(tmp_name)
    try:
        try:
            yield fd, tmp
            os.fsync(fd)
            os.fchmod(fd, mode)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        fsync_dir(folder)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise write_error(path, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def atomic_target(path: Path | str, *, mode: int = 0o644) -> Iterator[Path]:
    """The name of a new temporary file beside ``path`` for a tool that wants a file name (such
    as SQLite's backup API); fsynced and renamed over ``path`` when the block ends."""
    with _atomic(path, mode) as (_fd, tmp):
        yield tmp


def own_descriptor(path: Path | str) -> bool:
    """Whether ``path`` names one of this process's open files (/dev/stdout, /dev/fd/3,
    /proc/self/fd/1): written through, whatever they lead to. `report --out /dev/stdout > r.pdf`
    renamed a temporary file over the /dev/stdout link itself (as root; else it was refused)."""
    p = os.path.abspath(path)
    if p in ("/dev/stdout", "/dev/stderr") or p.startswith(("/dev/fd/", "/proc/self/fd/")):
        return True
    try:
        return os.readlink(p).startswith(("/proc/self/fd/", "/dev/fd/"))
    except (OSError, ValueError):
        return False


def _special(path: Path) -> int | None:
    """The mode of ``path`` (symlinks followed) when it exists and is not a regular file or folder."""
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):
        return None
    return None if stat.S_ISREG(mode) or stat.S_ISDIR(mode) else mode


def _write_stream(path: Path, data: bytes | str | Callable[[BinaryIO], None]) -> Path:
    """Write ``data`` through to a character device or a pipe (nothing to rename over). A pipe
    nobody reads is refused at once instead of waiting for a reader."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise KnownError(f"cannot write {path}: no process is reading that pipe") from None
        raise write_error(path, exc) from None
    os.set_blocking(fd, True)
    try:
        with os.fdopen(fd, "wb") as fh:
            if callable(data):
                data(fh)
            else:
                fh.write(data.encode("utf-8") if isinstance(data, str) else data)
    except OSError as exc:
        raise write_error(path, exc) from None
    return path


def atomic_write(path: Path | str, data: bytes | str | Callable[[BinaryIO], None], *, mode: int = 0o644) -> Path:
    """Write ``data`` (bytes, text as UTF-8, or a function writing to a binary file) to ``path``
    atomically; returns the path. Raises ``KnownError`` (``DiskFull`` when out of space). A
    character device or a pipe is written through (see the module's docstring)."""
    try:  # the path itself, not what a symlink planted there leads to (/dev/watchdog, /dev/mem...)
        kind = os.lstat(path).st_mode
    except (OSError, ValueError):
        kind = None
    if (kind is not None and (stat.S_ISCHR(kind) or stat.S_ISFIFO(kind))) or own_descriptor(path):
        return _write_stream(Path(path), data)
    with _atomic(path, mode) as (fd, _tmp), os.fdopen(fd, "wb", closefd=False) as fh:
        if callable(data):
            data(fh)
        else:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        fh.flush()
        if os.fstat(fd).st_size != fh.tell():  # a short write the OS did not report
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    return Path(path)


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (best effort where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

