"""Unsaved edits kept on disk while the user types, offered back after a crash. No Qt here.

A reply, an entity form, a rule, a key message, delivery settings, a response template's TOML,
the Settings page's fields, a feed being added or a user being added typed and not saved were lost when
the app was killed or the laptop died. The GUI now hands the editors' unsaved state to a
``DraftWriter`` about once a second; it writes each one (atomically, ``atomic.atomic_write``,
mode 0600) on its own thread, so a slow disk never holds the GUI thread. The files live in the
workspace, one folder per operating-system user::

    <workspace>/recovery/<user>/<kind>-<key>.json     kind: reply | entity | rule | key_message
                                                            | deliveries | template | settings
                                                            | feed | user (Add feed, Add a user: key "new")
                                                      key:  a row id, "new" or "settings"; a
                                                            template's id for a template

A draft is forgotten (its file removed) once it is saved or discarded. On the next start the
GUI reads ``DraftStore.pending()`` and offers each one back. A file that is not one of ours
(damaged, hostile, too large, a symlink, a value of the wrong shape) is never a crash: it is set
aside as ``NAME.damaged`` with one line in the log and ignored. Secrets (the SMTP password,
webhook URLs, passphrases: the Add a user dialog's two passphrase fields) are never part of a kept edit.
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from orm_desktop.errors import KnownError

FORMAT = 1
FOLDER = "recovery"
MAX_BYTES = 1_000_000  # a reply of 200,000 characters fits; a larger file is not ours
MAX_TEXT = 200_000
MAX_FILES = 64
IDLE_SECONDS = 30  # the writer thread ends after this long with nothing to write
log = logging.getLogger("orm_desktop.recovery")

_SESSION = re.compile(r"^[0-9]{1,10}-[0-9a-f]{8}$")
_KEY = re.compile(r"^(new|settings|[1-9][0-9]{0,11})$")
_TEMPLATE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")  # as responses/templates.py parse_template
_NAME = re.compile(r"^(reply|entity|rule|key_message|deliveries|template|settings|feed|user)-([a-z0-9-]{1,64})\.json$")
# the Settings page's fields a copy may hold (the form saved by "Save settings", ui/manage.py SettingsView),
# in the words its labels use
SETTINGS_FIELDS = {"brand_name": "brand name", "brand_color": "brand colour", "contact": "contact",
                   "status_page": "status page", "refresh_minutes": "refresh interval",
                   "allow_self_approval": "four-eyes rule", "sla_hours": "response times"}


def key_ok(kind: str, key: object) -> bool:
    """Whether ``key`` names a slot of ``kind``: a template's id for a template, else a row id,
    "new" or "settings"."""
    return isinstance(key, str) and bool((_TEMPLATE_ID if kind == "template" else _KEY).match(key))


def _text(v: object, limit: int = MAX_TEXT) -> bool:
    return isinstance(v, str) and len(v) <= limit


def _int_or_none(v: object) -> bool:
    return v is None or (isinstance(v, int) and not isinstance(v, bool))


def _number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _plain(v: object, depth: int = 0) -> bool:
    """JSON made of strings, numbers, booleans, null, short lists and small objects (a rule's
    conditions and actions)."""
    if depth > 3:
        return False
    if v is None or isinstance(v, bool | int | float):
        return True
    if isinstance(v, str):
        return len(v) <= 2000
    if isinstance(v, list):
        return len(v) <= 50 and all(_plain(x, depth + 1) for x in v)
    if isinstance(v, dict):
        return len(v) <= 30 and all(isinstance(k, str) and len(k) <= 40 and _plain(x, depth + 1) for k, x in v.items())
    return False


# what each kind's value and base must hold: {field: check}
_SHAPES: dict[str, tuple[dict, dict]] = {
    "reply": ({"text": _text}, {"version": _int_or_none, "text": _text, "mention_id": _int_or_none}),
    "entity": ({"kind": lambda v: _text(v, 40), "name": lambda v: _text(v, 2000), "query": lambda v: _text(v, 20_000),
                "aliases": lambda v: isinstance(v, list) and len(v) <= 500 and all(_text(a, 2000) for a in v),
                "importance": _number, "title": lambda v: _text(v, 2000)},
               {"version": _int_or_none}),
    "rule": ({"name": lambda v: _text(v, 2000), "conditions": lambda v: isinstance(v, dict) and _plain(v),
              "actions": lambda v: isinstance(v, dict) and _plain(v), "enabled": lambda v: isinstance(v, bool)},
             {"version": _int_or_none}),
    "key_message": ({"topic": lambda v: _text(v, 200), "text": lambda v: _text(v, 20_000)}, {"version": _int_or_none}),
    "deliveries": ({"config": lambda v: isinstance(v, dict) and _plain(v)}, {"config": lambda v: isinstance(v, dict) and _plain(v)}),
    # the TOML typed, on the template's version and TOML as the dialog showed them
    "template": ({"toml": lambda v: _text(v, 100_000)}, {"version": _int_or_none, "toml": lambda v: _text(v, 100_000)}),
    # the Settings page's fields as typed (not parsed: a half-typed URL is kept too) and a display
    # name typed (None: none), on the fields and versions the form was loaded with
    "settings": ({"fields": lambda v: isinstance(v, dict) and _plain(v),
                  "display_name": lambda v: v is None or (isinstance(v, dict) and _plain(v))},
                 {"fields": lambda v: isinstance(v, dict) and _plain(v),
                  "versions": lambda v: isinstance(v, dict) and _plain(v),
                  "display_name": lambda v: v is None or (isinstance(v, dict) and _plain(v))}),
    # the Add feed or Edit feed dialog's fields as typed (the URL not checked: a half-typed one is
    # kept too); an edit's base holds the feed's version as the dialog read it
    "feed": ({"url": lambda v: _text(v, 20_000), "title": lambda v: _text(v, 2000), "kind": lambda v: _text(v, 40),
              "category": lambda v: _text(v, 2000), "weight": _number}, {}),
    # the Add a user dialog's name, display name and roles; never its passphrases
    "user": ({"name": lambda v: _text(v, 2000), "display_name": lambda v: _text(v, 2000),
              "author": lambda v: isinstance(v, bool), "approver": lambda v: isinstance(v, bool)}, {}),
}
KINDS = tuple(_SHAPES)


@dataclass(frozen=True, slots=True)
class Recovered:
    """One unsaved edit found on disk: its editor (kind), the row it was typed on (key: an id
    as text, or "new"), when it was last kept, the edit (value) and the row as the editor had
    read it (base: its version, for a reply its text and mention)."""

    kind: str
    key: str
    saved_at: int
    value: dict
    base: dict
    session: str = ""  # the app session that kept it (while it runs, it is not offered elsewhere)

    @property
    def row_id(self) -> int | None:
        return int(self.key) if self.key.isdigit() else None

    def describe(self) -> str:
        """What it is, in words (from checked fields only: the file's own words are never shown
        as a label): 'an unsaved reply to mention #12', 'unsaved changes to the entity Halden'."""
        if self.kind == "reply":
            m = self.base.get("mention_id")
            return f"an unsaved reply to mention #{m}" if m else f"an unsaved edit of response #{self.key}"
        if self.kind == "deliveries":
            return "unsaved delivery settings (mail server, people, webhooks, schedule)"
        if self.kind == "template":
            return f"unsaved changes to the response template {self.key}"
        if self.kind == "settings":
            return "unsaved settings" + (f" ({', '.join(self.settings_changed())})" if self.settings_changed() else "")
        name = " ".join(str(self.value.get("name") or self.value.get("text") or "").split())[:60]
        if self.kind == "feed":
            url = " ".join(str(self.value.get("url") or "").split())[:80]
            if self.key != "new":
                return f"unsaved changes to the feed #{self.key}" + (f" ({url})" if url else "")
            return "a feed being added that was not saved" + (f" ({url})" if url else "")
        if self.kind == "user":
            return "a user being added that was not saved" + (f" ({name})" if name else "")
        what = {"entity": "entity", "rule": "rule", "key_message": "key message"}[self.kind]
        if self.key == "new":
            return f"a new {what} that was not saved" + (f" ({name})" if name else "")
        return f"unsaved changes to the {what} {name or '#' + self.key}"

    def settings_changed(self) -> list[str]:
        """For a Settings copy: the fields it changes, in the form's words (never the file's own)."""
        if self.kind != "settings":
            return []
        fields, was = self.value.get("fields") or {}, self.base.get("fields") or {}
        out = [label for k, label in SETTINGS_FIELDS.items() if k in fields and fields[k] != was.get(k)]
        if self.value.get("display_name") is not None:
            out.append("a display name")
        return out

    def when(self) -> str:
        """The local time it was last kept: 'HH:MM', with the date when not today."""
        t = time.localtime(self.saved_at)
        same_day = time.strftime("%Y-%m-%d", t) == time.strftime("%Y-%m-%d")
        return time.strftime("%H:%M" if same_day else "%d %b %H:%M", t)

    def gone(self, what: str) -> str:
        """Why it was not restored: its row (``what``: "Rule #4") was removed since."""
        return f"{what} no longer exists, so {self.describe()} from {self.when()} was not restored."

    def changed(self, what: str, detail: str = "", *, into: str = "put back") -> str:
        """Why it was not restored: its row (``what``: "The rule Mute awards") was saved by someone
        else while the edit was unsaved (``detail``: " (by sam)")."""
        return (f"{what} was changed while your edit was unsaved{detail}, so {self.describe()} "
                f"(kept at {self.when()}) was not {into}.")


def user_folder_name() -> str:
    """This operating-system user, as a folder name (a workspace folder may be shared)."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = ""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")[:64]
    return name or f"uid-{os.getuid() if hasattr(os, 'getuid') else 0}"


def check(kind: str, key: str, value: object, base: object) -> str | None:
    """Why a draft is not well-formed (None when it is)."""
    if kind not in _SHAPES:
        return f"unknown kind {kind!r}"
    if not key_ok(kind, key):
        return "a bad key"
    if not isinstance(value, dict) or not isinstance(base, dict):
        return "value or base is not an object"
    for fields, got in zip(_SHAPES[kind], (value, base), strict=True):
        for field, ok in fields.items():
            if field not in got or not ok(got[field]):
                return f"field {field!r} is missing or of the wrong type"
    return None


class DraftStore:
    """The unsaved edits of one user in one workspace (a folder of small JSON files)."""

    def __init__(self, workspace_root: Path | str, user: str | None = None) -> None:
        import secrets

        self.folder = Path(workspace_root) / FOLDER / (user or user_folder_name())
        # this session: its copies carry the name, and it holds .session-NAME.lock while it runs,
        # so a second app on the same workspace does not offer (and remove) a live session's copies
        self.session = f"{os.getpid()}-{secrets.token_hex(4)}"
        self._lock_fd: int | None = None

    def _hold_session(self) -> None:
        if self._lock_fd is not None:
            return
        try:
            import fcntl
        except ImportError:  # no flock (Windows): every copy is offered, as after a crash
            return
        try:
            fd = os.open(self.folder / f".session-{self.session}.lock",
                         os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except OSError:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return
        self._lock_fd = fd

    def release(self) -> None:
        """This session ends (the window closed): its copies may be offered from now on."""
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None
            (self.folder / f".session-{self.session}.lock").unlink(missing_ok=True)

    def session_running(self, session: str) -> bool:
        """Whether the app session ``session`` still runs (holds its lock): this one always."""
        if session == self.session:
            return True
        try:
            import fcntl
        except ImportError:
            return False
        try:
            fd = os.open(self.folder / f".session-{session}.lock", os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            return False
        except BlockingIOError:
            return True
        except OSError:
            return False
        finally:
            os.close(fd)

    def folder_problem(self) -> str | None:
        """Why the folder must not be used (None when it is this user's own): a symlink planted
        in a shared workspace (writes and reads would go where it leads), not a folder, or another
        user's folder."""
        import stat

        for p in (self.folder.parent, self.folder):
            try:
                st = os.lstat(p)
            except FileNotFoundError:
                return None
            except OSError as exc:
                return f"{p} cannot be read ({exc.strerror or exc})"
            if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
                return f"{p} is not a folder (a link or a file was put there)"
        if hasattr(os, "getuid") and st.st_uid != os.getuid():
            return f"{self.folder} belongs to another user"
        return None

    def path(self, kind: str, key: str) -> Path:
        if kind not in _SHAPES or not key_ok(kind, key):
            raise ValueError(f"not a draft slot: {kind}-{key}")
        return self.folder / f"{kind}-{key}.json"

    def save(self, kind: str, key: str, value: dict, base: dict, *, now: float | None = None) -> Path:
        """Keep an unsaved edit (replacing the one kept before for the same editor and row).
        Raises ``KnownError`` when it cannot be written (a full disk, a read-only folder)."""
        from orm_desktop.atomic import atomic_write

        why = check(kind, key, value, base)
        if why:
            raise ValueError(f"draft {kind}-{key} not kept: {why}")
        record = {"format": FORMAT, "kind": kind, "key": key, "saved_at": int(now if now is not None else time.time()),
                  "session": self.session, "value": value, "base": base}
        data = json.dumps(record, ensure_ascii=False).encode("utf-8")
        if len(data) > MAX_BYTES:
            raise KnownError(f"an unsaved edit of {len(data):,} bytes is too large to keep a copy of")
        if (why := self.folder_problem()) is None:
            try:
                self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            except OSError as exc:
                from orm_desktop.atomic import write_error

                raise write_error(self.folder, exc) from None
            why = self.folder_problem()
        if why:
            raise KnownError(f"unsaved edits are not kept: {why}")
        self._hold_session()
        return atomic_write(self.path(kind, key), data, mode=0o600)

    def forget(self, kind: str, key: str) -> None:
        """The edit was saved or discarded: remove its copy (nothing when there is none)."""
        try:
            self.path(kind, key).unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not remove the kept copy %s: %s", self.path(kind, key), exc.strerror or exc)

    def pending(self) -> list[Recovered]:
        """The unsaved edits kept here by sessions that ended, oldest first (those of an app
        still running on this workspace are its own). Files that are not well-formed drafts are
        set aside (``.damaged``) with a line in the log; none of them raises."""
        if why := self.folder_problem():
            log.warning("ignored the kept drafts: %s", why)
            return []
        try:
            names = sorted(p.name for p in self.folder.iterdir())
        except OSError:
            return []
        found: list[Recovered] = []
        for name in names:
            if name.startswith(".session-") and name.endswith(".lock"):
                if not self.session_running(name[len(".session-"):-len(".lock")]):
                    (self.folder / name).unlink(missing_ok=True)  # a killed session's
                continue
            if name.startswith(".") and name.endswith(".part"):  # a write cut short by a kill
                self._remove_if_old(name)
                continue
            if not name.endswith(".json"):
                continue
            if len(found) >= MAX_FILES:
                log.warning("more than %d kept drafts in %s: the rest are left alone", MAX_FILES, self.folder)
                break
            rec, why = self._read(name)
            if rec is None:
                self._set_aside(name, why)
            elif not self.session_running(rec.session):
                found.append(rec)
        return sorted(found, key=lambda r: (r.saved_at, r.kind, r.key))

    def _read(self, name: str) -> tuple[Recovered | None, str]:
        m = _NAME.match(name)
        if not m:
            return None, "not a draft file name"
        path = self.folder / name
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        except OSError as exc:
            return None, f"cannot be opened ({exc.strerror or exc})"
        try:
            import stat

            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None, "not a regular file"
            with os.fdopen(fd, "rb", closefd=False) as fh:
                data = fh.read(MAX_BYTES + 1)
        except OSError as exc:
            return None, f"cannot be read ({exc.strerror or exc})"
        finally:
            os.close(fd)
        if len(data) > MAX_BYTES:
            return None, f"larger than {MAX_BYTES:,} bytes"
        try:
            record = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            return None, f"not JSON ({type(exc).__name__})"
        if not isinstance(record, dict) or record.get("format") != FORMAT:
            return None, "not a draft of this version"
        kind, key = record.get("kind"), record.get("key")
        if (kind, key) != m.groups():
            return None, "its content names another draft"
        saved_at = record.get("saved_at")
        if not isinstance(saved_at, int) or isinstance(saved_at, bool) or not 0 < saved_at < 2**40:
            return None, "no time"
        session = record.get("session")
        if not isinstance(session, str) or not _SESSION.match(session):
            return None, "no session"
        why = check(kind, key, record.get("value"), record.get("base"))
        if why:
            return None, why
        return Recovered(kind, key, saved_at, record["value"], record["base"], session), ""

    def _remove_if_old(self, name: str, age: float = 60) -> None:
        """Remove a temporary file atomic_write left when its process was killed mid-write (one
        younger than ``age`` seconds may be another session's write in progress)."""
        path = self.folder / name
        try:
            if time.time() - os.lstat(path).st_mtime > age:
                path.unlink()
        except OSError:
            pass

    def _set_aside(self, name: str, why: str) -> None:
        path = self.folder / name
        log.warning("ignored the kept draft %s: %s", path, why)
        try:
            os.replace(path, path.with_name(name + ".damaged"))
        except OSError:
            pass


class DraftWriter:
    """Writes a DraftStore's saves and removals on one background thread, the newest for each
    (kind, key) only: the caller never waits for the disk. ``flush`` waits (bounded) until
    everything asked is on disk. A failed write is kept in ``problem`` (one line) for the GUI
    to show once; the next one is tried again."""

    def __init__(self, store: DraftStore) -> None:
        self.store = store
        self.problem: str | None = None
        self._todo: dict[tuple[str, str], tuple[dict, dict, float] | None] = {}
        self._busy = False
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False

    def save(self, kind: str, key: str, value: dict, base: dict) -> None:
        self._put((kind, key), (value, base, time.time()))

    def forget(self, kind: str, key: str) -> None:
        self._put((kind, key), None)

    def _put(self, slot: tuple[str, str], op) -> None:
        with self._cond:
            if self._closed:
                return
            self._todo[slot] = op
            if self._thread is None:  # started on the first edit; it ends after a while with nothing to do
                self._thread = threading.Thread(target=self._run, name="draft-writer", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                if not self._todo and not self._closed:
                    self._cond.wait(IDLE_SECONDS)
                if not self._todo:
                    self._thread = None  # idle or closed: the next edit starts another
                    self._cond.notify_all()
                    return
                todo, self._todo = self._todo, {}
                self._busy = True
            for (kind, key), op in todo.items():
                try:
                    if op is None:
                        self.store.forget(kind, key)
                    else:
                        self.store.save(kind, key, op[0], op[1], now=op[2])
                        self.problem = None
                except (KnownError, ValueError) as exc:
                    self._failed(str(exc))
                except Exception as exc:  # noqa: BLE001 - a copy that could not be kept never ends the app
                    self._failed(f"{type(exc).__name__}: {exc}")
            with self._cond:
                self._busy = False
                self._cond.notify_all()

    def _failed(self, problem: str) -> None:
        """One log line per new problem (a read-only folder fails every second otherwise)."""
        if problem != self.problem:
            log.warning("could not keep a copy of an unsaved edit: %s", problem)
        self.problem = problem

    def flush(self, timeout: float = 2.0) -> bool:
        """Wait until every save and removal asked so far is done; False after ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._todo or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def close(self, timeout: float = 2.0) -> bool:
        """Finish what was asked (bounded by ``timeout``), then stop taking work."""
        done = self.flush(timeout)
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        return done
