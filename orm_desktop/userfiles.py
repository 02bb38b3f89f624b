"""Reading a file a person named (or was sent): a regular file only, size-capped, one-line errors.

Opened non-blocking and checked with ``fstat`` before reading, so a FIFO cannot hang the app,
``/dev/zero`` cannot fill its memory and a directory is a clear message, never a traceback.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from orm_desktop.errors import UsageError


def _a(what: str) -> str:
    return f"{'an' if what[:1].lower() in ('a', 'e', 'i', 'o', 'u') else 'a'} {what}"


def open_regular_file(path: Path | str, not_regular: UsageError) -> BinaryIO:
    """A file the user named, opened for binary reading without blocking on a FIFO or device;
    ``UsageError`` when it is missing or unreadable, ``not_regular`` when it is not a regular
    file."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise UsageError(f"no such file: {path}") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise not_regular
    return os.fdopen(fd, "rb")


def read_bytes_file(path: Path | str, what: str, *, max_bytes: int = 64 * 1024 * 1024) -> bytes:
    """The bytes of a file the user named; ``UsageError`` when it is missing, not a regular
    file or larger than ``max_bytes``."""
    fh = open_regular_file(path, UsageError(f"{path} is not a regular file; not {_a(what)} file"))
    try:
        with fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise UsageError(f"{path} is larger than {max_bytes // 1048576} MiB; not {_a(what)} file")
    return data


def read_text_file(path: Path | str, what: str, *, max_bytes: int = 64 * 1024 * 1024) -> str:
    """The UTF-8 text of a file the user named (a bundle, an approval, rules, a template...)."""
    data = read_bytes_file(path, what, max_bytes=max_bytes)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path} is not {_a(what)} file: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
