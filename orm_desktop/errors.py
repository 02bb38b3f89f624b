"""Two kinds of failure (after qutebrowser): a KnownError is something the user can act on
(bad input, network, disk full, locked or corrupt database) and is shown as a one-line message;
anything else is a bug and gets a traceback."""

from __future__ import annotations


class KnownError(Exception):
    """A failure the user can understand and act on. ``str(err)`` is the message shown."""

    exit_code = 1


class UsageError(KnownError):
    """Bad command-line or user input (exit code 2)."""

    exit_code = 2


class QueryError(UsageError):
    """A malformed entity query. ``position`` is the 0-based character offset of the problem."""

    def __init__(self, message: str, position: int, query: str = "") -> None:
        self.position = position
        self.query = query
        super().__init__(f"{message} at position {position + 1}")


class WorkspaceError(KnownError):
    """The workspace cannot be opened or created (missing, corrupt, foreign, read-only...)."""


class NoWorkspace(WorkspaceError):
    """No workspace where one was named: a usage error (exit 2), fixed with `orm-desktop init`."""

    exit_code = 2


class WorkspaceClosed(WorkspaceError):
    """The workspace was closed for good (the window switched to another one): a late caller, a
    background task of the closed window, is told so instead of opening a new connection."""


class DatabaseLocked(KnownError):
    """Another process holds the write lock longer than the busy timeout."""


class CorruptDatabase(WorkspaceError):
    """The workspace database is damaged or not an ORM Desktop database."""


class SchemaTampered(WorkspaceError):
    """The workspace database holds schema objects the app did not create (a planted trigger), its
    own objects changed, tables missing, or a version stamp its tables contradict
    (store/schema_guard.py). ``findings`` says what."""

    def __init__(self, message: str, findings=None) -> None:
        super().__init__(message)
        self.findings = findings


class DamagedBackup(KnownError):
    """The workspace database is damaged, and so is the backup copy just taken (kept at ``path``)."""

    def __init__(self, message: str, path) -> None:
        super().__init__(message)
        self.path = path


class DiskFull(KnownError):
    """The disk holding the workspace is full."""


class WorkflowError(UsageError):
    """An illegal response-workflow transition or a permission refusal."""


class LockBusy(KnownError):
    """Another process holds a workspace lock (a refresh, or a deliveries run) right now."""


class ReadOnlyWorkspace(KnownError):
    """A change asked of a workspace opened read-only (executive mode, an offline snapshot)."""


class Conflict(KnownError):
    """Someone else saved the row since it was read (optimistic concurrency: a row version).

    Nothing was written; ``str(err)`` says who changed it, and the caller offers "reload" or
    "keep mine" (apply again on the current version). Never a silent overwrite.
    """

    def __init__(self, what: str, row_id: int | str, *, who: str = "", expected: int = 0,
                 current: int = 0) -> None:
        self.what, self.row_id, self.who = what, row_id, who or "someone"
        self.expected, self.current = expected, current
        super().__init__(f"{what} {row_id} was changed by {self.who} meanwhile (version {expected}, now "
                         f"{current}); reload it and apply your change again")
