"""The facade the CLI and the GUI share: thin, typed, documented methods over store/ingest/analysis.

One ``Service`` per workspace. Connections are per thread (SQLite connections must not be
shared across threads), so a GUI worker thread calling a method gets its own connection.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from orm_desktop import workspace as wsmod
from orm_desktop.errors import KnownError, ReadOnlyWorkspace, UsageError, WorkspaceError
from orm_desktop.store import db
from orm_desktop.store import entities as entities_store
from orm_desktop.store import feeds as feeds_store
from orm_desktop.store import kpis as kpis_store
from orm_desktop.store import mentions as mentions_store
from orm_desktop.store import settings as settings_store
from orm_desktop.textsafe import char_note, hidden_char
from orm_desktop.types import (
    ALIASES_MAX,
    ENTITY_KINDS,
    FEED_KINDS,
    MAX_WEIGHT,
    NAME_MAX,
    QUERY_MAX,
    Entity,
    Feed,
    FetchSummary,
    Mention,
    MentionDetail,
    MentionFilter,
    MigrationNote,
)


def _check_weight(weight: float) -> None:
    """A feed's weight is above 0 and at most types.MAX_WEIGHT (as an OPML import takes it); NaN
    fails too (it was an IntegrityError traceback)."""
    if not 0 < weight <= MAX_WEIGHT:
        raise UsageError(f"a feed's weight must be a number above 0 and at most {MAX_WEIGHT:g}")

_LEFT: dict[int | None, list] = {}  # thread id -> connections of shut-down services it must close
_LEFT_LOCK = threading.Lock()


def release_thread_connections(ident: int | None = None) -> None:
    """Close this thread's (or thread ``ident``'s, once it is idle or gone) connections of
    services shut down while it worked (Service.shut_down): a background task calls it when its
    work ends. Those of threads that ended are closed too."""
    me = threading.get_ident() if ident is None else ident
    with _LEFT_LOCK:
        alive = {t.ident for t in threading.enumerate()}
        conns = _LEFT.pop(me, [])
        for gone in [i for i in _LEFT if i not in alive]:
            conns += _LEFT.pop(gone)
    for conn in conns:
        try:
            conn.close()
        except Exception:  # noqa: BLE001 - already broken
            pass


class Service:
    """Everything a user can do with a workspace."""

    def __init__(self, ws: wsmod.Workspace, *, snapshot: dict | None = None) -> None:
        self.ws = ws
        self._local = threading.local()
        self._all: list = []
        self._lock = threading.Lock()
        self.new_alerts = 0
        self.acting_user: str | None = None  # --as USER / "Working as" (None: the login name)
        self.executive_mode = False  # see set_executive_mode
        self.snapshot = snapshot  # the stamp of an offline snapshot (None: a working workspace)
        self.snapshot_label = ""  # "offline snapshot of ... taken ..., read-only" for a snapshot
        self.inspecting = False  # `check`: the database as it is, a tampered schema listed, not refused
        self.closed = False  # shut_down: closed for good, no new connection opens
        if snapshot is not None:
            from orm_desktop.transfer import snapshot_label

            self.snapshot_label = snapshot_label(snapshot)

    # -- lifecycle ---------------------------------------------------------------------------
    @classmethod
    def open(cls, root: Path) -> Service:
        """Open an existing workspace (migrating it if needed); an offline snapshot opens
        read-only, as it was taken."""
        if not wsmod.is_url(root):
            from orm_desktop.transfer import read_stamp

            stamp = read_stamp(Path(root).expanduser())
            if stamp is not None:
                return cls(wsmod.open_workspace(root, migrate=False), snapshot=stamp)
        return cls(wsmod.open_workspace(root))

    @classmethod
    def create(cls, root: Path, *, demo: bool = False, fetch_demo: bool = True) -> Service:
        """Create a workspace; with ``demo`` populate it with the bundled offline demo. Interrupted
        or failed (Ctrl+C, a full disk), a new workspace folder is removed again: a half-built demo
        would be refused by the next `init` as existing."""
        new = None if wsmod.is_url(root) or (Path(root) / wsmod.DB_NAME).exists() else Path(root)
        if new is not None and os.path.lexists(new) and not new.is_dir():
            # `init -w notes.txt` (or /dev/null as root) said "File exists" and then removed the
            # file as the "new folder" of a failed create: the user's file was gone
            raise WorkspaceError(f"cannot create a workspace at {root}: it is a file, not a folder")
        before = set(new.iterdir()) if new is not None and new.is_dir() else None
        svc = None
        try:
            svc = cls(wsmod.create(root))
            if demo:
                from orm_desktop.demo_setup import populate_demo

                populate_demo(svc, fetch=fetch_demo)
        except BaseException:
            if svc is not None:
                svc.close()
            if new is not None:
                _remove_new(new, before)
            raise
        return svc

    @property
    def backend(self) -> str:
        """'sqlite' (a workspace folder) or 'postgresql' (a team workspace)."""
        return self.ws.backend

    def backend_description(self) -> str:
        """One line saying which store holds this workspace."""
        if self.ws.backend == "sqlite":
            return f"SQLite (embedded), {self.ws.db_path}"
        from urllib.parse import urlsplit

        r = db.server_info(self.conn)
        parts = urlsplit(self.ws.url)
        return (f"PostgreSQL {r[2]} (team workspace), server {parts.hostname or 'local socket'}:"
                f"{parts.port or 5432}, database {r[0]}, logged in as {r[1]}; local files in {self.ws.root}")

    @contextlib.contextmanager
    def waiting_at_most(self, ms: int) -> Iterator[None]:
        """This thread's writes inside wait at most ``ms`` for another writer (SQLite's busy
        timeout, 10 s otherwise), then raise DatabaseLocked: a key pressed in the window must not
        freeze it while another process (a scheduled fetch, a backup) holds the database.
        PostgreSQL locks rows, not the database: unchanged there."""
        if self.backend != "sqlite":
            yield
            return
        conn = self.conn
        before = db.busy_timeout(conn)
        db.busy_timeout(conn, min(int(ms), before))
        try:
            yield
        finally:
            db.busy_timeout(conn, before)

    def wait_here_at_most(self, ms: int) -> None:
        """From now on, this thread's writes wait at most ``ms`` for another writer, then raise
        DatabaseLocked (the window's GUI thread: Settings › Save or Feeds › Enable/disable froze
        it for SQLite's 10 s busy timeout while another process wrote). Other threads keep 10 s."""
        if self.backend == "sqlite":
            db.busy_timeout(self.conn, ms)

    @property
    def conn(self):  # -> sqlite3.Connection
        conn = getattr(self._local, "conn", None)
        if conn is None:
            if self.closed:
                from orm_desktop.errors import WorkspaceClosed

                raise WorkspaceClosed(f"the workspace {self.ws.label} was closed (another one was opened)")
            with db.inspecting() if self.inspecting else contextlib.nullcontext():
                conn = self.ws.connect(readonly=self.snapshot is not None)
            self._local.conn = conn
            with self._lock:
                self._all.append((threading.current_thread(), conn))
        return conn

    def close(self) -> None:
        """Close this thread's connection and those of finished threads. A live thread's is
        interrupted (its statement ends with "interrupted", a write rolls back) and left to it: it
        is closed when that thread lets go of it. sqlite3 is not safe against a close while another
        thread is inside ``execute``: a test's teardown closing the service while a window's
        background count ran crashed the process (SIGSEGV in items.fts_candidates)."""
        me = threading.current_thread()
        with self._lock:
            for owner, conn in self._all:
                try:
                    if owner is not me and owner.is_alive():
                        if hasattr(conn, "interrupt"):  # sqlite3: documented as callable from any thread
                            conn.interrupt()
                        continue
                    conn.close()
                except Exception:  # noqa: BLE001 - closing a connection of a finished thread
                    pass
            self._all.clear()
        self._local = threading.local()  # idle threads' connections go with it (closed when freed)

    def shut_down(self, idle: Callable[[threading.Thread], bool] = lambda _t: False) -> None:
        """Close this workspace for good (the GUI switched to another one): every connection is
        closed and none opens again (``conn`` raises WorkspaceClosed, a KnownError). ``close``
        leaves a live thread's connection open, and a pool thread lives as long as the process:
        the file stayed open and its WAL was never folded in. Here a connection of a thread that
        ``idle`` says is not running anything is closed from this thread; one of a thread that
        may be inside ``execute`` is interrupted and closed by that thread when its work ends
        (``release_thread_connections``), or freed with the thread."""
        if "orm_desktop.ingest.pipeline" in sys.modules:  # its refresh workers hold connections too
            from orm_desktop.ingest.pipeline import shutdown_workers

            shutdown_workers(self.ws.url or str(self.ws.db_path))
        me = threading.current_thread()
        with self._lock:
            self.closed = True
            self._local = threading.local()  # no thread finds its connection again
            conns, self._all = self._all, []
        for owner, conn in conns:
            try:
                if owner is me or not owner.is_alive() or idle(owner):
                    conn.close()
                    continue
                if hasattr(conn, "interrupt"):
                    conn.interrupt()
                with _LEFT_LOCK:
                    _LEFT.setdefault(owner.ident, []).append(conn)
                if idle(owner):  # its task ended meanwhile, perhaps before it was left there
                    release_thread_connections(owner.ident)
            except Exception:  # noqa: BLE001 - a connection already broken (a server gone)
                pass

    # -- settings ----------------------------------------------------------------------------
    def setting(self, key: str):
        return settings_store.get(self.conn, key)

    def settings(self) -> dict:
        return settings_store.all_settings(self.conn)

    def set_setting(self, key: str, value, *, expected_version: int | None = None, by: str = "") -> None:
        """Save a setting; with ``expected_version`` (see setting_version) a value someone else
        saved since raises Conflict instead of being overwritten."""
        self._refuse_team_enforced({key: value})
        _setting_fits_a_bundle(key, value)
        who = self._actor(by)
        with db.transaction(self.conn):
            settings_store.set_(self.conn, key, value, by=who, expected_version=expected_version)
            _log_settings(self.conn, {key: value}, who)

    def setting_version(self, key: str) -> int:
        """The row version of a setting (0 while it has its default)."""
        return settings_store.version(self.conn, key)

    def set_settings(self, values: Mapping[str, object], *, expected: Mapping[str, int] | None = None,
                     by: str = "") -> None:
        """Save several settings at once, all or nothing. With ``expected`` ({key: version as
        read}) a setting someone else saved since raises Conflict and nothing is written."""
        self._refuse_team_enforced(values)
        for key, value in values.items():
            _setting_fits_a_bundle(key, value)
        who = self._actor(by)
        with db.transaction(self.conn):
            for key, value in values.items():
                settings_store.set_(self.conn, key, value, by=who,
                                    expected_version=None if expected is None else expected.get(key, 0))
            if values:
                _log_settings(self.conn, dict(values), who)

    def parse_setting(self, key: str, text: str):
        """The value of an editable setting (EDITABLE_SETTINGS) typed as text, validated (UsageError)."""
        if key not in EDITABLE_SETTINGS:
            raise UsageError(f"unknown setting {key!r} (settings: {', '.join(EDITABLE_SETTINGS)})")
        return _setting_value(key, EDITABLE_SETTINGS[key][0], text.strip())

    # -- identity (issue 13) -------------------------------------------------------------------
    def needs_unlock(self, name: str) -> bool:
        """Whether acting as ``name`` still needs that user's passphrase in this process."""
        from orm_desktop import identity
        from orm_desktop.store import identity as id_store

        sk = id_store.user_key(self.conn, name)
        return sk is not None and identity.SESSION.get(sk.key_id) is None

    def unlock(self, name: str, passphrase: str) -> None:
        """Unlock ``name``'s signing key for this process (IdentityError on a wrong passphrase)."""
        from orm_desktop import identity
        from orm_desktop.store import identity as id_store

        sk = id_store.user_key(self.conn, name)
        if sk is None:
            raise identity.IdentityError(f"{name} has no signing key in this workspace")
        blob = sk.private_key
        if not blob and self.ws.url:  # a team login's key stays on its own computer (orm_desktop.team)
            from orm_desktop.team import stored_key_blob

            blob = stored_key_blob(self.ws.url)
        identity.unlock(blob, passphrase, who=sk.name, expected_key_id=sk.key_id)

    def refuse_local_users(self, what: str, name: str) -> None:
        """On a team workspace, local users and keys do not exist (one-line UsageError)."""
        from orm_desktop.responses.workflow import refuse_on_team

        refuse_on_team(self.conn, what, name)

    def team_enforced_setting(self, key: str) -> str:
        """Why ``key`` cannot be weakened on this workspace ('' when it can): on a team workspace
        the database enforces the four-eyes rule (store/postgres/roles.py, team_transition)."""
        from orm_desktop.store import team as team_store

        if key in TEAM_ENFORCED and team_store.is_team(self.conn):
            return TEAM_ENFORCED[key]
        return ""

    def _refuse_team_enforced(self, values: Mapping[str, object]) -> None:
        for key, value in values.items():
            if value and self.team_enforced_setting(key):
                raise UsageError(self.team_enforced_setting(key))

    def team_roles(self) -> tuple[str, ...] | None:
        """On a team workspace the login's groups there (author, approver, executive, admin),
        asked of the database once per session; else None."""
        from orm_desktop.store import team as team_store

        if not team_store.is_team(self.conn):
            return None
        if getattr(self, "_team_roles", None) is None:
            self._team_roles = team_store.whoami(self.conn)[1]
        return self._team_roles

    def team_refusal(self, what: str) -> str:
        """'' when this login's team role may do ``what`` (one of TEAM_MAY: "crisis", "triage"...),
        else the one line that says who may (docs/team.md, section 9). Always '' on a solo
        workspace. The database refuses anyway; this lets a view turn the control off first."""
        roles = self.team_roles()
        if roles is None or set(roles) & set(TEAM_MAY[what]):
            return ""
        mine = ", ".join(roles) or "no team role"
        return (f"your login ({mine}) may not {TEAM_WHAT[what]} on this team workspace: "
                f"{' or '.join(TEAM_MAY[what])} only")

    def team_reads_only(self) -> bool:
        """A team login that may change nothing (an executive, or no team role): the GUI opens read-only."""
        return self.team_refusal("triage") != ""

    def team_login(self) -> str | None:
        """On a team workspace the login (the user, recorded by the database); else None."""
        from orm_desktop.store import team as team_store

        return team_store.login(self.conn) if team_store.is_team(self.conn) else None
    def change_setting(self, key: str, text: str):
        """Set one of the user-editable settings (EDITABLE_SETTINGS) from text, validated;
        returns the value stored. UsageError naming the problem otherwise."""
        self._check_write()
        value = self.parse_setting(key, text)
        self.set_setting(key, value)
        return value

    def brand_name(self) -> str:
        """The brand's name: the setting, else the brand entity's name ('' when neither)."""
        from orm_desktop.responses.workflow import brand_name

        return brand_name(self.conn)

    # -- key messages (approved lines drafts should reuse) -----------------------------------
    def key_messages(self) -> list[tuple[int, str, str]]:
        """(id, topic, text) of the workspace's approved key messages."""
        from orm_desktop.responses import workflow

        return workflow.workspace_key_messages(self.conn)

    def add_key_message(self, text: str, *, topic: str = "", by: str = "") -> int:
        from orm_desktop.responses import workflow

        return workflow.add_key_message(self.conn, topic, text, by=self._actor(by))

    def key_message_versions(self) -> dict[int, int]:
        """{id: version} of the key messages: pass one back as ``expected_version`` to save."""
        from orm_desktop.responses import workflow

        return workflow.key_message_versions(self.conn)

    def edit_key_message(self, message_id: int, *, text: str | None = None, topic: str | None = None,
                         by: str = "", expected_version: int | None = None) -> None:
        """Change a key message; with ``expected_version`` (the version read) a change by someone
        else since raises errors.Conflict."""
        from orm_desktop.responses import workflow

        workflow.edit_key_message(self.conn, message_id, topic=topic, text=text, by=self._actor(by),
                                  expected_version=expected_version)

    def remove_key_message(self, message_id: int, *, by: str = "", expected_version: int | None = None) -> None:
        from orm_desktop.responses import workflow

        workflow.remove_key_message(self.conn, message_id, by=self._actor(by), expected_version=expected_version)

    # -- entities ----------------------------------------------------------------------------
    def entities(self, *, active_only: bool = False) -> list[Entity]:
        return entities_store.list_(self.conn, active_only=active_only)

    def entity(self, ref: int | str) -> Entity:
        """An entity by id or (case-insensitive) name; UsageError when there is none."""
        e = (entities_store.get(self.conn, ref) if isinstance(ref, int)
             else entities_store.by_name(self.conn, str(ref)))
        if e is None:
            names = ", ".join(x.name for x in self.entities()) or "none yet"
            raise UsageError(f"no entity {ref!r} (entities: {names})")
        return e

    def add_entity(self, kind: str, name: str, query: str | None = None, *, aliases: Sequence[str] = (),
                   importance: float = 1.0, title: str = "", photo: str = "",
                   match_existing: bool = True, progress=None) -> Entity:
        """Add an entity. ``query`` defaults to the quoted name. Validates the query (QueryError
        with the position of the problem), expands search-feed templates for it and, with
        ``match_existing``, finds its mentions among items already stored (``progress(done,
        total, message)`` is told how far)."""
        self._check_write()
        from orm_desktop.ingest.query import EntityQuery

        if kind not in ENTITY_KINDS:
            raise UsageError(f"unknown entity kind {kind!r} (choose from {', '.join(ENTITY_KINDS)})")
        name = name.strip()
        if not name:
            raise UsageError("an entity needs a name")
        query = (query or f'"{name}"').strip()
        check_entity_lengths(name=name, query=query, aliases=aliases, title=title)
        EntityQuery.parse(query, tuple(aliases))
        if entities_store.by_name(self.conn, name):
            raise UsageError(f"an entity named {name!r} already exists")
        if not 0 <= importance <= 10:
            raise UsageError("importance must be between 0 and 10")
        with db.transaction(self.conn):
            eid = entities_store.add(self.conn, kind, name, query, aliases=tuple(aliases),
                                     importance=importance, title=title, photo=photo)
            self._expand_templates_for(self.entity(eid))
        if match_existing:
            from orm_desktop.ingest.rematch import rematch_entity

            rematch_entity(self.conn, self.entity(eid), progress=progress)
        return self.entity(eid)

    def update_entity(self, entity_id: int, *, expected_version: int | None = None, by: str = "",
                      progress=None, **fields) -> Entity:
        """Change an entity's fields. With ``expected_version`` (``Entity.version`` as the editor
        read it) an entity someone else saved since raises errors.Conflict naming who, and
        nothing is written (never a silent overwrite). A changed query or alias list matches the
        stored items again (``progress`` as for :meth:`add_entity`)."""
        self._check_write()
        from orm_desktop.ingest.query import EntityQuery

        current = self.entity(entity_id)
        check_entity_lengths(**{k: v for k, v in fields.items() if k in ("name", "query", "aliases", "title")})
        if "query" in fields or "aliases" in fields:
            EntityQuery.parse(fields.get("query", current.query), tuple(fields.get("aliases", current.aliases)))
        if "kind" in fields and fields["kind"] not in ENTITY_KINDS:
            raise UsageError(f"unknown entity kind {fields['kind']!r} (choose from {', '.join(ENTITY_KINDS)})")
        if "importance" in fields and not 0 <= float(fields["importance"]) <= 10:  # NaN too: it was an
            raise UsageError("importance must be between 0 and 10")  # IntegrityError traceback
        if "name" in fields:
            fields["name"] = str(fields["name"]).strip()
            if not fields["name"]:
                raise UsageError("an entity needs a name")
            other = entities_store.by_name(self.conn, fields["name"])
            if other is not None and other.id != entity_id:
                raise UsageError(f"an entity named {fields['name']!r} already exists")
        who = self._actor(by)
        with db.transaction(self.conn):
            entities_store.update(self.conn, entity_id, by=who, expected_version=expected_version, **fields)
        if "query" in fields or "aliases" in fields:
            from orm_desktop.ingest.rematch import rematch_entity

            rematch_entity(self.conn, self.entity(entity_id), progress=progress)
        return self.entity(entity_id)

    def remove_entity(self, entity_id: int, *, expected_version: int | None = None) -> None:
        """Remove an entity and its mentions; with ``expected_version``, one someone else saved
        since raises errors.Conflict."""
        self._check_write()
        with db.transaction(self.conn):
            entities_store.remove(self.conn, entity_id, expected_version=expected_version)

    def count_matching_items(self, query: str, aliases: Sequence[str] = ()) -> int:
        """How many stored items a (draft) entity query matches: FTS prefilter, exact check."""
        from orm_desktop.ingest.rematch import count_matching

        return count_matching(self.conn, query, tuple(aliases))

    # -- feeds -------------------------------------------------------------------------------
    def feeds(self) -> list[Feed]:
        return feeds_store.list_(self.conn)

    def feed_templates(self) -> list[dict]:
        return list(settings_store.get(self.conn, "feed_templates", []))

    def add_feed(self, url: str, *, title: str = "", kind: str = "news", category: str = "",
                 weight: float = 1.0) -> list[Feed]:
        """Add a feed, or a search-feed template (URL with ``{query}``) expanded per entity."""
        self._check_write()
        from orm_desktop.ingest.opml import OutlineFeed, url_problem

        url = url.strip()
        if kind not in FEED_KINDS:
            raise UsageError(f"unknown feed kind {kind!r} (choose from {', '.join(FEED_KINDS)})")
        if problem := url_problem(url, local=True):
            raise UsageError(f"cannot add feed {url[:200]!r}: {problem}")
        _check_weight(weight)
        added, _updated = self._import_outlines([OutlineFeed(url, title, kind, category, weight)])
        return added

    def import_opml(self, path: Path | str) -> tuple[int, int, list[str]]:
        """Import an OPML file: returns (feeds added, feeds updated, problems).

        A file that is not well-formed only adds feeds: the outlines of feeds (and search
        templates) already in the workspace are left alone and named as a problem, so a
        broken file never renames or re-weights an existing feed."""
        self._check_write()
        from orm_desktop.ingest.opml import read_opml

        result = read_opml(path)
        outlines, problems = list(result.feeds), list(result.problems)
        if result.recovered:
            known = {f.url for f in self.feeds()} | {t["url"] for t in self.feed_templates()}
            kept = [o for o in outlines if o.url in known]
            outlines = [o for o in outlines if o.url not in known]
            if kept:
                problems.append(f"{len(kept)} outline(s) of feeds already in the workspace were left unchanged "
                                f"because the file is broken (first: {kept[0].url[:100]}); fix the file and "
                                "import it again to update them")
        added, updated = self._import_outlines(outlines)
        return len(added), updated, problems

    def _import_outlines(self, outlines) -> tuple[list[Feed], int]:
        from orm_desktop.ingest.opml import expand_template, is_template

        added_ids, updated = [], 0
        with db.transaction(self.conn):
            templates = self.feed_templates()
            for o in outlines:
                if is_template(o.url):
                    if not any(t["url"] == o.url for t in templates):
                        templates.append({"url": o.url, "title": o.title, "kind": o.kind,
                                          "category": o.category, "weight": o.weight})
                    for e in entities_store.list_(self.conn, active_only=True):
                        fid, created = feeds_store.upsert(
                            self.conn, expand_template(o.url, _search_string(e)),
                            title=f"{o.title or 'Search'}: {e.name}", kind=o.kind,
                            category=o.category, weight=o.weight, template_url=o.url, entity_id=e.id)
                        (added_ids.append(fid) if created else None)
                        updated += not created
                    continue
                fid, created = feeds_store.upsert(self.conn, o.url, title=o.title, kind=o.kind,
                                                  category=o.category, weight=o.weight)
                if created:
                    added_ids.append(fid)
                else:
                    updated += 1
            settings_store.set_(self.conn, "feed_templates", templates)
        return [feeds_store.get(self.conn, i) for i in added_ids], updated

    def _expand_templates_for(self, e: Entity) -> None:
        from orm_desktop.ingest.opml import expand_template

        for t in self.feed_templates():
            feeds_store.upsert(self.conn, expand_template(t["url"], _search_string(e)),
                               title=f"{t.get('title') or 'Search'}: {e.name}", kind=t["kind"],
                               category=t.get("category", ""), weight=t.get("weight", 1.0),
                               template_url=t["url"], entity_id=e.id)

    def export_opml(self, path: Path | str | None = None) -> str:
        """OPML 2.0 of the plain feeds plus the templates (not their per-entity expansions)."""
        from orm_desktop.ingest.opml import OutlineFeed, export_opml

        plain = [f for f in self.feeds() if not f.template_url]
        plain += [OutlineFeed(t["url"], t.get("title", ""), t["kind"], t.get("category", ""),
                              t.get("weight", 1.0)) for t in self.feed_templates()]
        text = export_opml(plain)
        if path is not None:
            from orm_desktop.atomic import atomic_write

            atomic_write(path, text)
        return text

    def feed(self, feed_id: int) -> Feed:
        """A feed by id; UsageError when there is none."""
        f = feeds_store.get(self.conn, feed_id)
        if f is None:
            raise UsageError(f"no feed with id {feed_id} (see `orm-desktop feeds list`)")
        return f

    def update_feed(self, feed_id: int, *, expected_version: int | None = None, by: str = "", **fields) -> Feed:
        """Change a feed's description (url, title, kind, category, weight, enabled). With
        ``expected_version`` (``Feed.version`` as the editor read it) a feed someone else saved
        since raises errors.Conflict naming who, and nothing is written."""
        self._check_write()
        if "kind" in fields and fields["kind"] not in FEED_KINDS:
            raise UsageError(f"unknown feed kind {fields['kind']!r}")
        if "url" in fields:
            from orm_desktop.ingest.opml import url_problem

            fields["url"] = str(fields["url"]).strip()
            if problem := url_problem(fields["url"], local=True):
                raise UsageError(f"cannot use feed URL {fields['url'][:200]!r}: {problem}")
            other = next((f for f in self.feeds() if f.url == fields["url"] and f.id != feed_id), None)
            if other is not None:
                raise UsageError(f"another feed already has that URL (id {other.id}, {other.title or other.url})")
        if "weight" in fields:
            _check_weight(float(fields["weight"]))
        who = self._actor(by)
        with db.transaction(self.conn):
            if not feeds_store.update(self.conn, feed_id, by=who, expected_version=expected_version, **fields):
                raise UsageError(f"no feed with id {feed_id} (see `orm-desktop feeds list`)")
        return feeds_store.get(self.conn, feed_id)

    def remove_feed(self, feed_id: int, *, expected_version: int | None = None) -> None:
        """Remove a feed (its items stay); with ``expected_version``, one someone else saved since
        raises errors.Conflict."""
        self._check_write()
        with db.transaction(self.conn):
            feeds_store.remove(self.conn, feed_id, expected_version=expected_version)

    def feed_health(self) -> dict[str, int]:
        return feeds_store.health_counts(self.conn)

    # -- refresh -----------------------------------------------------------------------------
    def fetch(self, *, jobs: int = 4, force: bool = False, feed_ids: Sequence[int] | None = None,
              due_only: bool = False, progress=None, cancel: threading.Event | None = None, limits=None,
              now: int | None = None) -> FetchSummary:
        """Refresh feeds (one refresh at a time per workspace; KnownError if one is running).

        A person asking for a refresh gets every enabled feed (conditional GET keeps unchanged
        feeds cheap); ``due_only`` (timers, cron) fetches only the feeds whose time has come and
        leaves failing feeds to their backoff; ``feed_ids`` fetches just those feeds. The
        summary's ``scope`` says which it was. ``force`` is kept for callers that predate this.
        """
        self._check_write(user_action=False)
        import dataclasses

        from orm_desktop.ingest.pipeline import refresh

        if jobs < 1 or jobs > 64:
            raise UsageError("--jobs must be between 1 and 64")
        if feed_ids:
            known = {f.id for f in self.feeds()}
            missing = [str(i) for i in feed_ids if i not in known]
            if missing:
                raise UsageError(f"no feed with id {', '.join(missing)} (see `orm-desktop feeds list`)")
        scope = "selected" if feed_ids else ("due" if due_only and not force else "all")
        with self.refresh_lock():
            summary = refresh(self.conn, jobs=jobs, force=scope == "all", feed_ids=feed_ids, limits=limits,
                              progress=progress, cancel=cancel, now=now)
        enabled = sum(f.enabled for f in self.feeds())
        summary = dataclasses.replace(summary, scope=scope,
                                      not_due=max(enabled - summary.feeds, 0) if scope == "due" else 0)
        if scope == "all" and not summary.skipped:
            with db.transaction(self.conn):
                settings_store.set_(self.conn, "last_full_refresh", int(time.time()))
        self._after_refresh(summary)
        return summary

    def refresh_lock(self):
        """One refresh at a time for everyone on the workspace: an advisory lock on a team
        (PostgreSQL) workspace, the lock file on SQLite. LockBusy says where and since when the
        running one started."""
        if db.dialect(self.conn) == "postgresql":
            from orm_desktop.store import locks
            from orm_desktop.workspace import holder_info

            return locks.advisory(self.conn, "refresh", holder_info())
        return self.ws.refresh_lock()

    def deliveries_lock(self):
        """One sender of the outbox at a time for everyone on the workspace (as refresh_lock:
        an advisory lock on a team workspace, where two laptops must not both send)."""
        if db.dialect(self.conn) == "postgresql":
            from orm_desktop.store import locks
            from orm_desktop.workspace import holder_info

            return locks.advisory(self.conn, "deliveries", holder_info(),
                                  what="another process is sending deliveries")
        return self.ws.deliveries_lock()

    def refresh_state(self) -> dict:
        """What "Last refresh" may truthfully say: when every enabled feed was last asked for
        (``all``), and the newest run that fetched anything (``any``, with its ``feeds``)."""
        row = feeds_store.last_run(self.conn)
        return {"all": self.setting("last_full_refresh"), "any": row[0] if row else None,
                "feeds": row[1] if row else 0}

    def _after_refresh(self, summary: FetchSummary) -> None:
        """Spike detection after every refresh that brought new mentions."""
        from orm_desktop.analysis.alerts import detect_and_store

        if summary.new_mentions:
            self.new_alerts = detect_and_store(self.conn, now=int(time.time()))
            if settings_store.get(self.conn, "pending_overrides", []):
                # overrides imported from a bundle, once their articles arrive (imported only then:
                # bundle brings the audit log's signing keys, ~40 ms at the end of every refresh)
                from orm_desktop.bundle import apply_pending_overrides

                apply_pending_overrides(self.conn)

    # -- alerts ------------------------------------------------------------------------------
    def alerts(self, *, entity_id: int | None = None, include_closed: bool = False):
        """Open spike alerts, newest first."""
        from orm_desktop.analysis.alerts import open_alerts

        return open_alerts(self.conn, entity_id=entity_id, include_closed=include_closed)

    def detect_alerts(self, *, days: int = 90) -> int:
        """Run spike detection now; returns the number of new alerts."""
        self._check_write(user_action=False)
        from orm_desktop.analysis.alerts import detect_and_store

        return detect_and_store(self.conn, now=int(time.time()), days=days)

    def acknowledge_alert(self, alert_id: int, *, by: str = "") -> None:
        self.acknowledge_alerts([alert_id], by=by)

    def acknowledge_alerts(self, alert_ids: Iterable[int], *, by: str = "") -> list:
        """Acknowledge open alerts as the acting user, all or none, each an audit entry
        (analysis.alerts.acknowledge: UsageError for an unknown, acknowledged or withdrawn one).
        Returns the alerts, with who acknowledged them and when."""
        from orm_desktop.analysis.alerts import acknowledge

        return acknowledge(self.conn, list(alert_ids), by=self._actor(by))

    def reopen_alerts(self, alert_ids: Iterable[int], *, by: str = "") -> list:
        """Undo an acknowledgement: the alerts are open again (audited as alert.reopen)."""
        from orm_desktop.analysis.alerts import reopen

        return reopen(self.conn, list(alert_ids), by=self._actor(by))

    def alert(self, alert_id: int):
        """One alert (any status), or None."""
        from orm_desktop.analysis.alerts import get

        return get(self.conn, alert_id)

    # -- responses ---------------------------------------------------------------------------
    def responses(self, *, states: Sequence[str] = (), author: str | None = None,
                  in_name_of: int | None = None, mention_id: int | None = None, limit: int = 500):
        from orm_desktop.store import responses as rstore

        return rstore.list_(self.conn, states=tuple(states), author=author, in_name_of=in_name_of,
                            mention_id=mention_id, limit=limit)

    def response_kpis(self, since: int, until: int, entity_ids: Sequence[int] | None = None) -> dict:
        """Response-time KPIs: counts by state, overdue mentions, median hours from first seen
        to first draft, approval and sending; of the responses to ``entity_ids``' mentions only
        when given (a crisis report of one entity). "open" and "overdue" are counts of now (the
        Responses page's queues): a draft waiting since before the period is open all the same
        (it read "0 open" over a queue of one)."""
        import statistics

        from orm_desktop.store import responses as rstore

        rows = rstore.response_times(self.conn, since, until, entity_ids)

        def med(i: int) -> float | None:
            xs = [(r[i] - r[0]) / 3600 for r in rows if r[i] is not None and r[0] is not None]
            return round(statistics.median(xs), 2) if xs else None

        states = rstore.counts_by_state(self.conn, since, until, entity_ids)
        return {"sent": states.get("sent", 0),
                "open": rstore.open_count(self.conn, entity_ids),
                "overdue": rstore.overdue_count(self.conn, int(time.time()), entity_ids),
                "median_hours_to_draft": med(1), "median_hours_to_approve": med(2),
                "median_hours_to_send": med(3), "by_state": states}

    def last_refresh(self) -> int | None:
        """When the newest refresh that actually fetched a feed finished (None: never)."""
        return self.refresh_state()["any"]

    def change_listener(self, callback):
        """A listener (not started) calling ``callback(change)`` from its own thread for every
        change committed to this workspace by anyone (LISTEN/NOTIFY on a team workspace,
        data_version polling on SQLite): store.live.Listener."""
        from orm_desktop.store.live import Listener

        return Listener(self.ws.target, callback)

    # -- deliveries (issue 16; docs/deliveries.md) ---------------------------------------------
    def deliveries_config(self) -> dict:
        """SMTP server, recipients, webhooks and schedule (secrets are in the OS keyring)."""
        from orm_desktop.deliveries.config import SETTING, merged

        return merged(settings_store.get(self.conn, SETTING, {}))

    def save_deliveries_config(self, cfg: dict) -> dict:
        """Validate and store (UsageError naming the first bad setting)."""
        self._check_write()
        from orm_desktop.deliveries.config import SETTING, merged, validate

        cfg = merged(cfg)
        validate(cfg)
        if not cfg["enabled_since"] and (cfg["recipients"] or cfg["webhooks"]):
            cfg["enabled_since"] = int(time.time())
        who = self._actor("")
        with db.transaction(self.conn):
            settings_store.set_(self.conn, SETTING, cfg, by=who)
            _log_settings(self.conn, {SETTING: cfg}, who)
        return cfg

    def set_delivery_secret(self, *, smtp_password: str | None = None, webhook: str | None = None,
                            url: str = "") -> None:
        """Store the SMTP password (for the configured server and user) or a webhook's URL in the
        OS keyring; an empty value deletes it."""
        self._check_write()
        from orm_desktop.deliveries import config as c

        if smtp_password is not None:
            c.set_secret(c.smtp_account(self.deliveries_config()["smtp"]), smtp_password)
        if webhook is not None:
            if url and not url.startswith(("https://", "http://")):
                raise UsageError(f"a webhook URL starts with https:// (got {url[:30]!r})")
            c.set_secret(c.webhook_account(webhook), url)

    def send_test_message(self, to: str = "") -> str:
        """Send a test mail now (not through the outbox); a one-line KnownError says what to check."""
        from email.policy import SMTP

        from orm_desktop.deliveries import config as c
        from orm_desktop.deliveries.mail import SmtpTransport, compose

        cfg = self.deliveries_config()
        settings = c.smtp_settings(cfg)
        to = to or next((r.email for r in c.recipients(cfg)), settings.sender)
        if "@" not in to or not c.header_safe(to):
            raise UsageError(f"{to!r} is not an e-mail address")
        key = f"test:{to}:{time.time_ns()}"
        msg = compose(key=key, sender=settings.sender, to=to, subject="ORM Desktop test message",
                      text=f"This is a test message from ORM Desktop ({self.ws.root}).\n",
                      html=f"<p>This is a test message from ORM Desktop (<code>{self.ws.root}</code>).</p>")
        with SmtpTransport(settings) as t:
            t.send(msg.as_bytes(policy=SMTP), settings.sender, [to])
        return to

    def test_webhook(self, name: str) -> None:
        """Post a test message to a configured webhook now."""
        from orm_desktop.deliveries import config as c
        from orm_desktop.deliveries import webhooks

        hook = next((w for w in c.webhooks(self.deliveries_config()) if w.name == name), None)
        if hook is None:
            raise UsageError(f"no webhook named {name!r}")
        body = webhooks.encode(webhooks.payload(hook.format, "ORM Desktop test message",
                                                f"Deliveries from {self.ws.root} reach this channel."))
        webhooks.post(c.get_secret(c.webhook_account(name)), body, idempotency_key=f"test-{time.time_ns()}")

    def run_scheduled(self, *, refresh: bool = True, now: int | None = None):
        """One background run: refresh due feeds, queue what is due, send the outbox."""
        self._check_write(user_action=False)
        from orm_desktop.deliveries.scheduled import run

        return run(self, refresh=refresh, now=now)

    def send_outbox(self):
        """Send the due outbox rows now (SendReport); LockBusy if another process is sending."""
        self._check_write()
        from orm_desktop.deliveries.outbox import deliver_due

        with self.deliveries_lock():
            return deliver_due(self.conn, self.deliveries_config())

    def outbox(self, *, states: Sequence[str] = (), limit: int = 500):
        from orm_desktop.store import outbox as ostore

        return ostore.list_(self.conn, states=tuple(states), limit=limit)

    def outbox_counts(self) -> dict[str, int]:
        from orm_desktop.store import outbox as ostore

        return ostore.counts(self.conn)

    def resend(self, ids: Sequence[int]) -> int:
        """Queue failed or uncertain messages again, due now (a person's decision)."""
        self._check_write()
        from orm_desktop.store import outbox as ostore

        missing = [i for i in dict.fromkeys(ids) if ostore.get(self.conn, i) is None]
        if missing:  # a typo: "0 message(s) queued again" read as done
            raise UsageError(f"no message {', '.join(map(str, missing))} in the outbox "
                             "(`orm-desktop deliveries outbox` lists them); nothing was queued")
        with db.transaction(self.conn):
            return ostore.requeue(self.conn, tuple(ids), int(time.time()))

    # -- mentions ----------------------------------------------------------------------------
    def mentions(self, f: MentionFilter = MentionFilter(), *, limit: int = 200, offset: int = 0,
                 reverse: bool = False) -> list[Mention]:
        return mentions_store.query(self.conn, f, limit=limit, offset=offset, reverse=reverse)

    def mention_page(self, f: MentionFilter, offset: int, limit: int, total: int) -> list[Mention]:
        """Rows [offset, offset+limit) of the filter's order, read from the nearer end."""
        if offset <= total // 2:
            return mentions_store.query(self.conn, f, limit=limit, offset=offset)
        end = min(total, offset + limit)
        rows = mentions_store.query(self.conn, f, limit=end - offset, offset=total - end, reverse=True)
        return rows[::-1]

    def count_mentions(self, f: MentionFilter = MentionFilter()) -> int:
        return mentions_store.count(self.conn, f)

    def search_reads_text(self, f: MentionFilter) -> bool:
        """Whether the filter's search must read the items' text now (CJK words, which no index
        splits, and no hits kept from the same search of the items as they are: up to
        mentions_store.CJK_SCAN_CAP hits, about 0.5 s at 200,000 mentions), so a window runs its
        first page off the GUI thread too."""
        return mentions_store.search_reads_text(self.conn, f)

    def search_capped(self, f: MentionFilter) -> bool:
        """Whether the filter's (CJK) search stopped at the mentions_store.CJK_SCAN_CAP most
        recently collected items that match: its count is then "at least"."""
        return mentions_store.search_capped(self.conn, f)

    @property
    def search_cap(self) -> int:
        return mentions_store.CJK_SCAN_CAP

    def count_muted(self, f: MentionFilter = MentionFilter()) -> int:
        """Muted mentions the filter selects that ``count_mentions`` leaves out (the inbox does not
        list them; the pages' figures and the reports count them)."""
        return mentions_store.count_muted(self.conn, f)

    def why_no_mentions(self, entity_ids: Sequence[int] | None, period: str, widen: str, *,
                        elsewhere: str = "in other periods", cli: bool = False) -> str:
        """What a view or report with no mentions in a period says: what is missing (entities,
        feeds, a refresh) or, when there are mentions in other periods, ``widen`` (nodata.py)."""
        from orm_desktop.nodata import why_no_mentions

        return why_no_mentions(self, entity_ids, period, widen, elsewhere=elsewhere, cli=cli)

    def mention(self, mention_id: int) -> MentionDetail:
        d = mentions_store.detail(self.conn, mention_id)
        if d is None:
            raise UsageError(f"no mention with id {mention_id}")
        return d

    def set_status(self, ids: Iterable[int], status: str, *, by: str = "",
                   expected: Mapping[int, int] | None = None) -> int:
        """Set the triage status. ``expected`` ({id: version as read}) makes the write
        conditional: a mention someone else changed since raises Conflict, nothing is written."""
        ids, who, now = list(ids), self._actor(by), int(time.time())
        with db.transaction(self.conn):
            n = mentions_store.set_status(self.conn, ids, status, by=who, now=now, expected=expected)
            self._log_triage(ids, who, now)
            return n

    def set_statuses(self, ids_by_status: Mapping[str, Iterable[int]], *, by: str = "",
                     expected: Mapping[int, int] | None = None) -> int:
        """Several status changes in one transaction (undo puts back mixed statuses); all or
        nothing, with ``expected`` as in set_status."""
        who, now, n = self._actor(by), int(time.time()), 0
        with db.transaction(self.conn):
            for status, ids in ids_by_status.items():
                ids = list(ids)
                n += mentions_store.set_status(self.conn, ids, status, by=who, now=now,
                                               expected=None if expected is None else {i: expected[i] for i in ids})
                self._log_triage(ids, who, now)
        return n

    def triage(self, mention_id: int, *, assignee: str | None = None, tags: Iterable[str] | None = None,
               by: str = "", expected_version: int | None = None) -> Mention:
        """Assign and/or tag a mention (Conflict when ``expected_version`` is stale); returns it."""
        who, now = self._actor(by), int(time.time())
        with db.transaction(self.conn):
            mentions_store.triage(self.conn, mention_id, by=who, now=now,
                                  expected_version=expected_version, assignee=assignee, tags=tags)
            self._log_triage([mention_id], who, now)
        return self.mention(mention_id).mention

    def _log_triage(self, ids: Sequence[int], who: str, now: int) -> None:
        """On a team workspace, a ``mention.triage`` entry per mention just triaged (inside the
        caller's transaction), with the mention's triage as it now is: the database refuses a
        triage change without it at COMMIT (store/postgres/roles.py, section 6b). A solo
        workspace writes none: whoever holds its folder is its root anyway, and its keyboard
        triage would otherwise need the acting user's passphrase."""
        from orm_desktop.store import audit, team

        if not team.is_team(self.conn):
            return
        audit.append_team_batch(self.conn, [("mention.triage", "mention", i, state) for i, state in
                                            mentions_store.triage_states(self.conn, ids).items()], now=now)

    def mention_versions(self, ids: Iterable[int]) -> dict[int, int]:
        """{mention id: current row version}."""
        return mentions_store.versions(self.conn, ids)

    def override_sentiment(self, ids: Iterable[int], score: float | None, *, by: str = "",
                           expected: Mapping[int, int] | None = None, redetect: bool = True) -> int:
        """Set (or with None clear) a human sentiment; it wins everywhere, survives rescoring and
        is recorded in the audit log. ``expected``: as in set_status. ``redetect``: the spike
        alerts are detected again now (False: the caller runs ``redetect_alerts`` later, as the
        GUI does in its worker pool: tens of ms on a large workspace)."""
        from orm_desktop.store import audit

        ids = list(ids)
        who, now = self._actor(by), int(time.time())
        with db.transaction(self.conn):
            n = mentions_store.set_override(self.conn, ids, score, by=who, now=now, expected=expected)
            for i in ids:
                audit.append(self.conn, actor=who, action="mention.override", subject_type="mention",
                             subject_id=i, data={"score": score}, now=now)
        if n and redetect:
            self.redetect_alerts()
        return n

    def redetect_alerts(self) -> None:
        """Scores changed without new mentions (an override, a rule's score, a rescore; or
        ``override_sentiment(..., redetect=False)`` earlier): the spike alerts are detected again,
        as after a refresh, so an alert's figures are the charts' (after 30 of the demo's 41
        negative mentions of a spike were re-scored positive, its alert still said 41 over days
        the chart showed with 11); an open alert the scores no longer make a spike is withdrawn."""
        from orm_desktop.analysis.alerts import detect_and_store

        detect_and_store(self.conn, now=int(time.time()))

    # -- evidence ----------------------------------------------------------------------------
    def capture_evidence(self, mention_id: int, *, by: str = ""):
        """Capture the mention's feed entry and page (hashed, stored as received)."""
        from orm_desktop.evidence import capture

        return capture(self.conn, self.ws.evidence, mention_id, by=self._actor(by))

    def evidence(self, mention_id: int):
        from orm_desktop.evidence import list_for

        return list_for(self.conn, mention_id)

    # -- KPIs (dashboard, personal-brand tab, reports) --------------------------------------
    def daily_series(self, entity_id: int | None, since: int, until: int):
        """Per-day counts by label and average sentiment (zeros for quiet days)."""
        return kpis_store.daily_series(self.conn, entity_id, since, until)

    def kpi_summary(self, entity_ids: Sequence[int] | None, since: int, until: int):
        """Totals, net, average and reach-weighted sentiment for a period (``complete`` False
        when the workspace does not hold all of it: ``holds``)."""
        s = kpis_store.summary(self.conn, tuple(entity_ids) if entity_ids else None, since, until)
        return s if self.holds(since) else dataclasses.replace(s, complete=False)

    def topic_labels(self) -> dict[str, str]:
        """{topic id: name} of this workspace's taxonomy (its ``topics`` setting, else the shipped
        one): the one name a topic has on the Dashboard, in the inbox's filter, the rules and the
        reports."""
        from orm_desktop.analysis.topics import labels

        return labels(self.setting("topics") or None)

    def holds(self, since: int) -> bool:
        """Whether the workspace holds every mention from ``since`` on: not an offline snapshot
        taken after ``since`` (it copies the last N days only)."""
        return self.snapshot is None or since >= int(self.snapshot.get("since") or 0)

    def missing_before(self, since: int) -> str:
        """For a page or report whose figures reach back to ``since``: what this snapshot does not
        hold, in a sentence ("" when it holds it all)."""
        if self.holds(since):
            return ""
        from orm_desktop import dates

        return (f"This offline snapshot holds the mentions since {dates.stamp(self.snapshot['since'])} UTC: "
                "figures before them are missing, and the previous period is not compared.")

    def kpi_scored_by(self, entity_ids: Sequence[int] | None, since: int, until: int) -> tuple[int, int]:
        """(scored by machine, confirmed by a person) mention counts for a period."""
        return kpis_store.scored_by(self.conn, tuple(entity_ids) if entity_ids else None, since, until)

    def share_of_voice(self, entity_ids: Sequence[int], since: int, until: int):
        return kpis_store.share_of_voice(self.conn, tuple(entity_ids), since, until)

    def top_sources(self, entity_ids: Sequence[int] | None, since: int, until: int, limit: int = 8):
        return kpis_store.top_sources(self.conn, tuple(entity_ids) if entity_ids else None, since, until, limit)

    def volume_by_kind(self, entity_ids: Sequence[int] | None, since: int, until: int):
        return kpis_store.volume_by_kind(self.conn, tuple(entity_ids) if entity_ids else None, since, until)

    def top_topics(self, entity_ids: Sequence[int] | None, since: int, until: int, limit: int = 10):
        return kpis_store.top_topics(self.conn, tuple(entity_ids) if entity_ids else None, since, until, limit)

    def extremes(self, entity_ids: Sequence[int] | None, since: int, until: int, *, positive: bool,
                 limit: int = 5) -> list[Mention]:
        """The most positive (or negative) mentions of a period."""
        ids = kpis_store.extremes(self.conn, tuple(entity_ids) if entity_ids else None, since, until,
                                  positive=positive, limit=limit)
        return [m for m in (mentions_store.get(self.conn, i) for i in ids) if m is not None]


    # -- who acts, and whether a change is allowed (the one place: CLI and GUI both pass here) --
    def set_executive_mode(self, on: bool) -> None:
        """Executive mode: what a person decides (triage, drafts, approvals, rules, settings,
        entities, feeds, crisis mode) is refused by the facade; refreshes and deliveries go on."""
        self.executive_mode = bool(on)

    def read_only_reason(self, *, user_action: bool = True) -> str:
        """'' when changes are allowed, else the one line that says why not."""
        if self.snapshot_label:
            return self.snapshot_label
        if self.backend == "sqlite" and db.read_only_here(self.ws.db_path):  # a read-only share or mount
            return f"the workspace folder {self.ws.root} is read-only here: you can read it, not change it"
        if user_action and self.executive_mode:
            return "executive mode is read-only: leave it (Ctrl+E) to change anything"
        return ""

    def _check_write(self, *, user_action: bool = True) -> None:
        reason = self.read_only_reason(user_action=user_action)
        if reason:
            raise ReadOnlyWorkspace(reason)

    def _actor(self, by: str, default: str = "") -> str:
        """The acting user of a change (after the write check): ``by``, else the user this
        session acts as (``--as`` / "Working as"), else ``default``, else the login name."""
        self._check_write()
        return by or self.acting_user or default or _user()

    def act_as(self, name: str, passphrase: Callable[[], str] | None = None) -> None:
        """Act as ``name`` from now on; when ``name`` has a signing key still locked in this
        process, ``passphrase()`` is asked for it (IdentityError when it is wrong or missing)."""
        if name and self.needs_unlock(name):
            if passphrase is None:
                from orm_desktop import identity

                raise identity.IdentityError(f"acting as {name} needs {name}'s passphrase")
            self.unlock(name, passphrase())
        self.acting_user = name or None

    # -- users and keys ------------------------------------------------------------------------
    def users(self):
        from orm_desktop.store import responses as rstore

        return rstore.users(self.conn)

    def user(self, name: str):
        """A user by name; UsageError naming the known users when there is none."""
        from orm_desktop.responses import workflow as wf

        return wf.user(self.conn, name)

    def users_with_keys(self) -> list[tuple]:
        """(user, key id as the audit log registered it or '') for every user."""
        from orm_desktop.identity import key_id_of
        from orm_desktop.store import audit

        reg = audit.registry(self.conn)  # keys as the audit log registers them, not as a table says
        return [(u, (k := reg.user_key(u.name)) and key_id_of(k.public_key) or "") for u in self.users()]

    def add_user(self, name: str, roles: Sequence[str], *, display_name: str = "", executive: str | None = None,
                 key=None, by: str = "admin"):
        """Add a user with roles and (``identity.create_key``) a signing key."""
        from orm_desktop.responses import workflow as wf

        self._check_write()
        self.refuse_local_users("add", name)
        return wf.add_user(self.conn, name, tuple(roles), display_name=display_name, executive=executive,
                           key=key, by=by)

    def check_new_user(self, name: str, display_name: str = "") -> None:
        """UsageError in one line when ``add_user`` would refuse the name or display name (a
        control character, mixed look-alike letters, or one that reads as an existing user's):
        asked before a passphrase is, so nobody types one for nothing."""
        from orm_desktop.responses.workflow import check_user_name, refuse_lookalike

        check_user_name(name, display_name)
        refuse_lookalike(((u.name, u.display_name) for u in self.users()), name, display_name)

    def set_display_name(self, name: str, display_name: str, *, expected_version: int | None = None,
                         by: str = ""):
        """Change a user's display name (what lists and reports show). With ``expected_version``
        (``User.version`` as read) a user someone else saved since raises errors.Conflict naming
        who. On a team workspace the database lets admins do it (docs/team.md, section 9)."""
        from orm_desktop.store import responses as rstore

        display_name = " ".join(display_name.split())
        if not display_name:
            raise UsageError("a display name cannot be empty")
        from orm_desktop.responses.workflow import check_user_name, refuse_lookalike

        check_user_name("", display_name)
        u = self.user(name)
        refuse_lookalike(((o.name, o.display_name) for o in self.users() if o.name != u.name), "", display_name)
        who = self._actor(by)
        with db.transaction(self.conn):
            rstore.set_display_name(self.conn, u.name, display_name, by=who, expected_version=expected_version)
        return self.user(u.name)

    def keygen(self, name: str, key) -> None:
        """Give a user of an older workspace a signing key (never replaces one)."""
        from orm_desktop.responses import workflow as wf

        self._check_write()
        self.refuse_local_users("keygen", name)
        wf.user(self.conn, name)
        wf.keygen(self.conn, name, key)

    def user_private_key(self, name: str) -> str:
        """The user's key as stored (encrypted under the user's passphrase)."""
        from orm_desktop.identity import IdentityError
        from orm_desktop.store import identity as id_store

        sk = id_store.user_key(self.conn, name)
        if sk is None or not sk.private_key:
            raise IdentityError(f"{name} has no signing key in this workspace")
        return sk.private_key

    @staticmethod
    def stored_private_key(root: Path, name: str) -> str | None:
        """A user's encrypted key from the workspace at ``root`` without opening it for work
        (deciding an approval file on the approver's laptop); None when there is none."""
        ws = wsmod.Workspace(root)
        if not ws.exists():
            return None
        from orm_desktop.store import identity as id_store

        conn = ws.connect(readonly=True)
        try:
            sk = id_store.user_key(conn, name)
        finally:
            conn.close()
        return sk.private_key if sk is not None else None

    # -- responses: drafts, approvals, templates -----------------------------------------------
    def response(self, response_id: int):
        from orm_desktop.responses import workflow as wf

        return wf.get(self.conn, response_id)

    def suggest_templates(self, mention_id: int, *, limit: int = 5):
        """Templates ranked for a mention, filled from it (best first)."""
        from orm_desktop.responses import workflow as wf

        return wf.suggest(self.conn, mention_id, limit=limit)

    def create_draft(self, mention_id: int | None, *, author: str = "", template_id: str | None = None):
        from orm_desktop.responses import workflow as wf

        return wf.create_draft(self.conn, mention_id, author=self._actor(author), template_id=template_id)

    def check_response(self, r) -> list:
        """The checks a response fails (length, banned phrases, key messages, placeholders)."""
        from orm_desktop.responses import workflow as wf

        return wf.check(self.conn, r)

    def response_history(self, response_id: int):
        from orm_desktop.responses import workflow as wf

        return wf.history(self.conn, response_id)

    def transition(self, response_id: int, action: str, *, by: str = "", comment: str = "", channel: str = "",
                   url: str = "", expected_version: int | None = None):
        """submit | approve | request_changes | send | discard (roles and four eyes checked); with
        ``expected_version`` a response someone else changed since raises Conflict."""
        from orm_desktop.responses import workflow as wf

        return wf.transition(self.conn, response_id, action, by=self._actor(by), comment=comment, channel=channel,
                             url=url, expected_version=expected_version)

    def _user_named(self, name: str):
        """The user called ``name``, or None."""
        return next((u for u in self.users() if u.name == name), None)

    def executive_user(self, entity_id: int) -> str | None:
        """Who decides on drafts in the name of executive ``entity_id`` from this session: on a
        team workspace the login (None unless it is linked to that executive); else the user this
        session acts as (``--as``) when linked to it, else the first user linked to it
        (``users add NAME --role executive --executive ENTITY``), else None."""
        login = self.team_login()
        if login is not None:
            u = self._user_named(login)
            return login if u is not None and u.entity_id == entity_id else None
        linked = [u.name for u in self.users() if u.entity_id == entity_id]
        if self.acting_user in linked:
            return self.acting_user
        return linked[0] if linked else None

    def approve_as_executive(self, response_id: int, *, approve: bool = True, note: str = "", by: str = "",
                             expected_version: int | None = None):
        """The one change executive mode allows: the executive approves (or, with
        ``approve=False`` and a ``note``, sends back) a draft in review that speaks in their own
        name. Refused (WorkflowError) for a draft not in review, not in an executive's name, or in
        another executive's name; the step itself is the ordinary workflow transition (four-eyes
        rule, signature, audit entry); on a team workspace the database decides again."""
        from orm_desktop.errors import WorkflowError
        from orm_desktop.responses import workflow as wf

        reason = self.read_only_reason(user_action=False)  # an offline snapshot changes nothing
        if reason:
            raise ReadOnlyWorkspace(reason)
        r = wf.get(self.conn, response_id)
        verb = "approve" if approve else "send back"
        if r.state != "in_review":
            raise WorkflowError(f"cannot {verb} response {response_id}: it is {r.state.replace('_', ' ')}, "
                                "not waiting for approval")
        if r.in_name_of is None:
            raise WorkflowError(f"response {response_id} does not speak in an executive's name: an approver "
                                "decides on it (Responses page, outside executive mode)")
        who = self.team_login() or by or self.executive_user(r.in_name_of) or ""
        exe = entities_store.get(self.conn, r.in_name_of)
        u = self._user_named(who)
        if u is None or u.entity_id != r.in_name_of:
            raise WorkflowError(f"response {response_id} speaks in the name of {exe.name if exe else 'an executive'}: "
                                f"only that executive can {verb} it" + (f", not {who}" if who else
                                                                         " (no user is linked to them)"))
        return wf.transition(self.conn, response_id, "approve" if approve else "request_changes", by=who,
                             comment=note, expected_version=expected_version)

    def edit_response(self, response_id: int, text: str, *, by: str = "", expected_version: int | None = None,
                      comment: str = ""):
        """Replace a response's text; ``expected_version`` (default: the current one) guards
        against overwriting someone else's edit."""
        from orm_desktop.responses import workflow as wf

        who = self._actor(by)
        if expected_version is None:
            expected_version = wf.get(self.conn, response_id).version
        return wf.edit(self.conn, response_id, text, by=who, expected_version=expected_version, comment=comment)

    @staticmethod
    def response_actions(r) -> dict[str, bool]:
        """Which of save / submit / approve / request_changes / send / discard the workflow
        allows from the response's state (all False for None)."""
        from orm_desktop.responses import workflow as wf

        out = {"save": r is not None and r.state in wf.EDITABLE}
        out.update({k: r is not None and r.state in states for k, (states, _to) in wf.TRANSITIONS.items()})
        return out

    def team_step_refusals(self, r) -> dict[str, str]:
        """On a team workspace, the steps on response ``r`` the database refuses this login for
        who wrote it or in whose name it speaks (docs/team.md, section 9): {step: the one line
        that says who may}. Empty on a solo workspace (its workflow decides when a step is taken)."""
        login = self.team_login()
        if r is None or login is None:
            return {}
        me = self._user_named(login)
        out: dict[str, str] = {}
        if r.in_name_of is not None and (me is None or me.entity_id != r.in_name_of):
            exe = entities_store.get(self.conn, r.in_name_of)
            name = exe.name if exe else "the executive"
            for k in ("approve", "request_changes"):
                out[k] = f"this draft speaks in the name of {name}: only {name} decides on it, from their own page"
        elif r.author == login:
            out["approve"] = "nobody approves their own draft on a team workspace (four-eyes rule): another approver does"
        if r.author != login and not set(self.team_roles() or ()) & {"approver", "admin"}:
            for k in ("send", "discard"):
                out[k] = "your login may mark sent or discard its own drafts only: approver or admin for others'"
        return out

    def check_draft_text(self, text: str, *, template_id: str, channel: str) -> list:
        """Live checks of a draft being edited: length for the template, banned phrases, key messages."""
        from orm_desktop.responses import checks
        from orm_desktop.responses import workflow as wf

        t = wf.templates(self.conn).get(template_id)
        return checks.check_draft(text, channel=channel, max_length=t.max_length if t else 0,
                                  banned=wf.banned_phrases(self.conn),
                                  key_messages=[m for _, m in wf.key_messages(self.conn)])

    def templates(self) -> dict:
        """Shipped and workspace templates by id."""
        from orm_desktop.responses import workflow as wf

        return wf.templates(self.conn)

    def template_versions(self) -> dict[str, int]:
        """{id: version} of the workspace templates, as an editor read them (to save against)."""
        from orm_desktop.responses import workflow as wf

        return wf.template_versions(self.conn)

    def save_template(self, body: str, *, by: str = "", expected_versions: dict[str, int] | None = None):
        """Add or replace a workspace template; with ``expected_versions`` (template_versions() as
        read; an id not there was new) one saved by someone else since raises errors.Conflict."""
        from orm_desktop.responses import workflow as wf

        return wf.save_template(self.conn, body, by=self._actor(by), expected_versions=expected_versions)

    def delete_template(self, template_id: str, *, by: str = "", expected_version: int | None = None) -> None:
        from orm_desktop.responses import workflow as wf

        wf.delete_template(self.conn, template_id, by=self._actor(by), expected_version=expected_version)

    def banned_phrases(self) -> list[str]:
        from orm_desktop.responses import workflow as wf

        return wf.banned_phrases(self.conn)

    def draft_key_messages(self) -> list[tuple[str, str]]:
        """(topic, text) of the key messages drafts are checked against (shipped and workspace)."""
        from orm_desktop.responses import workflow as wf

        return wf.key_messages(self.conn)

    def overdue(self, now: int | None = None) -> list[tuple[int, int, str]]:
        """(mention id, due, title) of mentions past their response due time."""
        from orm_desktop.store import responses as rstore

        return rstore.overdue(self.conn, int(now if now is not None else time.time()))

    def export_approval_request(self, response_id: int, out: Path | str, *, by: str = "") -> dict:
        """An approval request file for an approver away from this laptop."""
        from orm_desktop.responses.approval_file import export_request

        return export_request(self.conn, response_id, Path(out), by=self._actor(by))

    def merge_approval(self, path: Path | str, *, by: str = ""):
        """Apply the decision in a returned approval file (its signature checked)."""
        from orm_desktop.responses.approval_file import merge

        return merge(self.conn, Path(path), by=self._actor(by))

    # -- rules -------------------------------------------------------------------------------
    def rules(self):
        from orm_desktop.analysis import rules

        return rules.list_(self.conn)

    def rule(self, rule_id: int):
        from orm_desktop.analysis import rules

        return rules.get(self.conn, rule_id)

    def dry_run_rule(self, rule, *, sample: int = 10) -> tuple[int, list[tuple[int, str]]]:
        """(stored mentions the rule would change, a sample of (id, title)); changes nothing."""
        from orm_desktop.analysis import rules

        return rules.dry_run(self.conn, rule, sample=sample)

    def save_rule(self, rule, *, by: str = ""):
        from orm_desktop.analysis import rules

        return rules.save(self.conn, rule, by=self._actor(by))

    def set_rule_enabled(self, rule_id: int, enabled: bool, *, by: str = ""):
        from dataclasses import replace

        return self.save_rule(replace(self.rule(rule_id), enabled=enabled), by=by)

    def apply_rule(self, rule, *, by: str = "", progress=None, cancel=None) -> int:
        """Apply a rule (or a rule id) to every stored mention it selects; returns how many changed."""
        from orm_desktop.analysis import rules

        who = self._actor(by)
        rule = self.rule(rule) if isinstance(rule, int) else rule
        n = rules.apply_to_history(self.conn, rule, by=who, progress=progress, cancel=cancel)
        if n and "sentiment" in rule.actions:
            self.redetect_alerts()
        return n

    def delete_rule(self, rule_id: int, *, by: str = "") -> None:
        from orm_desktop.analysis import rules

        rules.delete(self.conn, rule_id, by=self._actor(by))

    def export_rules(self) -> str:
        from orm_desktop.analysis import rules

        return rules.export_rules(self.conn)

    def import_rules(self, text: str, *, by: str = "") -> int:
        from orm_desktop.analysis import rules

        return rules.import_rules(self.conn, text, by=self._actor(by))

    # -- crisis mode -------------------------------------------------------------------------
    def in_crisis(self, entity_id: int) -> bool:
        """Whether the entity is in crisis mode."""
        from orm_desktop.store import crisis as crisis_store

        return crisis_store.is_on(self.conn, entity_id)

    def crises(self) -> list[tuple[int, str, int]]:
        """(entity id, name, since) of the entities in crisis mode."""
        from orm_desktop.analysis.crisis import active

        return active(self.conn)

    def crisis_on(self, entity_name: str, *, by: str = "") -> int | None:
        """Enter crisis mode; returns the holding-statement draft's id (None if none fits)."""
        from orm_desktop.analysis.crisis import switch_on

        return switch_on(self, entity_name, by=self._actor(by))

    def crisis_off(self, entity_name: str, *, by: str = "", report_dir: Path | None = None) -> Path | None:
        """Leave crisis mode; writes the crisis report and returns its path."""
        from orm_desktop.analysis.crisis import switch_off

        return switch_off(self, entity_name, by=self._actor(by), report_dir=report_dir)

    # -- sentiment engines and rescoring ------------------------------------------------------
    def rule_unread_counts(self, shown: int | None = None
                           ) -> tuple[list[tuple[int, str, int]], tuple[int, ...] | None]:
        """(rule id, name, new mentions it selects) for every saved rule (the saved-search list),
        and the selection of rule ``shown`` (the saved search the inbox shows) from the same match,
        stored as rule_selection stores it; None when ``shown`` is None or no longer a rule."""
        from orm_desktop.analysis import rules

        rows, selection = [], None
        for r in rules.list_(self.conn):
            ids = tuple(rules.matching_ids(self.conn, r))
            rows.append((r.id, r.name, mentions_store.count_new(self.conn, ids)))
            if r.id == shown:
                selection = ids
        if selection is not None:
            mentions_store.selection_table(self.conn, selection)
        return rows, selection

    def rule_selection(self, rule_id: int) -> tuple[int, ...]:
        """The ids of the mentions a saved rule selects (what its saved search counts and the
        inbox then shows, as ``MentionFilter(mention_ids=...)``)."""
        from orm_desktop.analysis import rules

        ids = tuple(rules.matching_ids(self.conn, rules.get(self.conn, rule_id)))
        mentions_store.selection_table(self.conn, ids)  # stored now (off the GUI thread), not at its first page
        return ids

    def rescore(self, engine_name: str | None = None, *, entity_ids: Sequence[int] | None = None, progress=None,
                cancel: threading.Event | None = None) -> int:
        """Recompute machine sentiment with an engine (overrides stay); resumable."""
        from orm_desktop.analysis.rescore import rescore

        self._check_write()
        refusal = self.team_refusal("rescore")  # the database refuses it too (roles.py, sentiment.rescore)
        if refusal:
            raise UsageError(refusal)
        n = rescore(self.conn, engine_name, entity_ids=list(entity_ids) if entity_ids else None,
                    progress=progress, cancel=cancel, by=self._actor(""))
        if n:
            self.redetect_alerts()
        return n

    def rescore_interrupted_at(self) -> tuple[int, int, str] | None:
        """(mentions rescored, mentions in scope, engine) of an unfinished rescore, or None."""
        from orm_desktop.analysis.rescore import interrupted_at

        return interrupted_at(self.conn)

    def rescore_status(self) -> str:
        """'' or one line about an interrupted rescore and how to finish it."""
        from orm_desktop.analysis.rescore import status

        return status(self.conn)

    # -- migration notes ---------------------------------------------------------------------
    NOTES_SEEN = "migration-notes-seen"  # in the workspace's local folder: the last note shown here

    def migration_notes(self, *, unseen: bool = False) -> list[MigrationNote]:
        """What schema migrations changed in this workspace's data (e.g. m015's repaired entity
        names), oldest first; with ``unseen`` only those not yet shown on this computer
        (mark_migration_notes_seen)."""
        from orm_desktop.store import migration_log

        after = 0
        if unseen:
            try:
                after = int((self.ws.root / self.NOTES_SEEN).read_text(encoding="ascii").strip() or 0)
            except (OSError, ValueError):
                after = 0
        return migration_log.notes(self.conn, after)

    def mark_migration_notes_seen(self, last_id: int) -> None:
        """Remember on this computer that the notes up to ``last_id`` were shown (a folder that
        cannot be written, as a read-only snapshot's, shows them again next time: no error)."""
        from orm_desktop.atomic import atomic_write

        try:
            atomic_write(self.ws.root / self.NOTES_SEEN, f"{int(last_id)}\n")
        except (OSError, KnownError):
            pass

    # -- evidence ----------------------------------------------------------------------------
    def export_evidence(self, mention_id: int, out: Path | str, *, by: str = "") -> Path:
        """One zip of a mention's captures with a manifest of their hashes (checked first)."""
        from orm_desktop.evidence import export

        return export(self.conn, self.ws.evidence, mention_id, Path(out), by=by or self.acting_user or _user())

    # -- reports -----------------------------------------------------------------------------
    def report_data(self, kind: str, *, entity: str | None = None, since: int | None = None,
                    until: int | None = None, now: int | None = None):
        """The data of a weekly, executive or crisis report (reports.render draws it)."""
        from orm_desktop.reports import data

        return data.build(self, kind, entity=entity, since=since, until=until, now=now,
                          checkpoint=self.snapshot is None)

    @staticmethod
    def report_max_days() -> int:
        """The longest period a report covers, in days (both ends included)."""
        from orm_desktop.reports.data import MAX_DAYS

        return MAX_DAYS

    def record_report_export(self, d, out: Path | str, pages: int, *, by: str = "",
                             write: Callable[[], object] | None = None) -> None:
        """Reports leave the laptop: each export is an audit-log entry (allowed in executive mode).
        ``write()`` (writing the file) runs inside the entry's transaction: the file and its entry
        are written together or not at all."""
        from orm_desktop.reports.render import record_export

        if self.snapshot_label:  # an offline snapshot records nothing: it is read-only
            if write is not None:
                write()
            return
        record_export(self.conn, d, Path(out), pages, by=by or self.acting_user or _user(), write=write)

    # -- bundles -----------------------------------------------------------------------------
    def export_bundle(self, out: Path | str, *, by: str = "") -> dict:
        """Feeds, entities, rules, templates, users, overrides and the audit log in one file."""
        from orm_desktop.bundle import export_bundle

        self._check_write(user_action=False)  # the export is audited: not from a read-only snapshot
        return export_bundle(self, Path(out), by=by or self.acting_user or _user())

    def import_bundle(self, path: Path | str, *, by: str = "", accept_policy: bool = False) -> dict[str, int]:
        """Rebuild this new, empty workspace from a bundle (all or nothing)."""
        from orm_desktop.bundle import import_bundle

        return import_bundle(self, Path(path), by=self._actor(by), accept_policy=accept_policy)

    @staticmethod
    def bundle_policy_changes(path: Path | str) -> dict:
        """Settings in a bundle that would weaken a policy (ask before importing them)."""
        from orm_desktop.bundle import policy_changes

        return policy_changes(Path(path))

    @staticmethod
    def unlock_from_bundle(path: Path | str, name: str, passphrase: Callable[[], str]) -> bool:
        """Unlock ``name``'s key carried by a bundle (an import signed by a user the bundle
        brings); False when the bundle carries no key for ``name``."""
        from orm_desktop import identity
        from orm_desktop.bundle import read_bundle

        user = next((u for u in read_bundle(Path(path))["users"]
                     if u["name"].casefold() == name.casefold() and u.get("private_key")), None)
        if user is None:
            return False
        identity.SESSION.add(identity.decrypt_private_key(user["private_key"], passphrase(), who=name))
        return True

    # -- moving between stores: offline snapshot, team push (orm_desktop/transfer.py) --------
    def team_name(self) -> str:
        """How a snapshot names the workspace it was taken from: the brand and where it lives."""
        brand = self.brand_name()
        return f"{brand} ({self.ws.label})" if brand else self.ws.label

    def take_snapshot(self, out: Path | str, *, days: int, progress=None) -> dict:
        """A read-only offline copy of the last ``days`` days (mentions, their items, entities,
        feeds, alerts, responses, settings) as a new SQLite workspace folder ``out``."""
        from orm_desktop.transfer import snapshot

        return snapshot(self, Path(out), days=days, progress=progress)

    def push_to_team(self, url: str, *, progress=None) -> dict:
        """Copy this solo workspace into the empty team database at ``url``, every table's count
        and the audit chain verified before it commits."""
        from orm_desktop.transfer import push

        return push(self, url, progress=progress)

    # -- audit log ---------------------------------------------------------------------------
    def verify_audit(self, extra_checkpoints: Sequence[Path | str] = ()):
        """(chain report, problems, checkpoints matched): every link, signature and checkpoint."""
        from orm_desktop.store import audit

        extra = [(f, audit.read_checkpoint(Path(f))) for f in extra_checkpoints]
        rep, problems = audit.verify_full(self.conn, extra)
        return rep, problems, len(audit.checkpoints_beside(self.conn)) + len(extra)

    def write_audit_checkpoint(self, out: Path | str) -> dict:
        """A signed checkpoint of the audit log's head, written to ``out``; returns it."""
        from orm_desktop.store import audit

        audit.write_checkpoint(self.conn, Path(out))
        return audit.read_checkpoint(Path(out))

    def audit_entries(self):
        from orm_desktop.store import audit

        return audit.all_entries(self.conn)

    # -- safety ------------------------------------------------------------------------------
    def backup(self, dest: Path | str | None = None, *, automatic: bool = False) -> Path:
        from orm_desktop.backup import backup

        return backup(self.ws, Path(dest) if dest else None, automatic=automatic)

    def backups(self) -> list[Path]:
        from orm_desktop.backup import backups

        return backups(self.ws)

    def daily_backup(self) -> Path | None:
        """An automatic backup when the newest is more than a day old (the GUI at start)."""
        from orm_desktop.backup import daily_backup

        if self.snapshot is not None:
            return None  # a read-only snapshot: nothing changes, nothing to back up
        return daily_backup(self.ws)

    def start_check(self) -> str:
        """What the GUI runs once its window shows, off its thread: the day's automatic backup
        when due (its copy is checked), else PRAGMA quick_check of the database itself (0.46
        CPU-s at 200k mentions: too slow to wait for at start). '' when sound (a team's database
        is its server's), else one line: what is damaged and which backup to restore."""
        from orm_desktop.backup import restorable
        from orm_desktop.errors import DamagedBackup

        if self.ws.backend == "postgresql":
            return ""
        try:
            if self.daily_backup() is not None:
                return ""  # a copy was taken and its check passed
            conn = self.ws.connect(readonly=True)
            try:
                problem = db.quick_check_open(conn)
            finally:
                conn.close()
            if problem == "ok":
                return ""
            said = f"the workspace database is damaged ({problem})"
        except DamagedBackup as exc:  # it says to restore the newest good backup: which one follows
            said = str(exc)
            found = restorable(self.ws)
            return f"{said}: {found[0]}" if found else f"{said}, but there is no good backup to restore"
        found = restorable(self.ws)
        if not found:
            return f"{said}; there is no good backup to restore: run 'orm-desktop check' and keep a copy of the file"
        when = time.strftime("%d %b %Y %H:%M", time.localtime(found[0].stat().st_mtime))
        return (f"{said}; close ORM Desktop and run 'orm-desktop --workspace {self.ws.root} restore --latest' "
                f"to restore the newest good backup, {found[0]} ({when})")

    @staticmethod
    def restore_backup(root: Path, source: Path | str | None = None) -> tuple[Path, Path]:
        """Replace the database of the workspace at ``root`` (not opened: it may be the damaged
        one) with ``source``, else the newest backup; returns (source, where the old file is kept)."""
        from orm_desktop.backup import restorable, restore

        ws = wsmod.Workspace(root)
        if source is None:
            found = restorable(ws)
            if not found:
                raise UsageError(f"no backups in {ws.backups}")
            source = found[0]
        return Path(source), restore(ws, Path(source))

    @staticmethod
    def offer_restore(root: Path, error: Exception, ask: Callable[[str], bool]) -> bool:
        """After a damaged database was found at open: ``ask`` whether to restore the newest
        backup, and do it on yes. True when restored."""
        from orm_desktop.backup import offer_restore

        return offer_restore(wsmod.Workspace(root), error, ask)

    def check(self) -> tuple[str, list[str]]:
        """(integrity check result, protecting triggers missing)."""
        from orm_desktop.store.identity import missing_triggers

        return db.integrity_check(self.conn), missing_triggers(self.conn)

    def schema_problems(self) -> list[str]:
        """What in a SQLite workspace's schema ORM Desktop did not make as it is: planted
        objects, its own changed or missing, a version stamp its tables contradict (one line per
        kind; none on a team workspace, whose schema its server's permissions guard)."""
        if self.ws.backend != "sqlite":
            return []
        from orm_desktop.store import schema_guard

        return schema_guard.inspect(self.conn).lines()

    @staticmethod
    def inspect_workspace(root: Path) -> Service:
        """The workspace at ``root`` opened as it is, for `check`: not migrated, and a tampered
        schema listed (``schema_problems``), not refused."""
        if wsmod.is_url(root):
            return Service.open(root)
        with db.inspecting():
            svc = Service(wsmod.open_workspace(root, migrate=False))
        svc.inspecting = True
        return svc

    @staticmethod
    def repair_schema(root: Path, by: str = "") -> tuple[list[str], list[str], Path | None]:
        """Remove the schema objects ORM Desktop did not create from the workspace at ``root`` and put
        its own triggers and indexes back as it makes them, after keeping a copy of the file
        (backups/before-repair-*.db): (removed, restored, copy). Audited
        (``workspace.schema_repaired``). Tables not as the app made them are not repaired:
        SchemaTampered, restore a backup."""
        from orm_desktop.backup import backup
        from orm_desktop.store import schema_guard

        ws = wsmod.Workspace.at(root)
        if ws.backend != "sqlite":
            raise UsageError("a team workspace's schema is its server's: its owner repairs it")
        with db.inspecting():
            wsmod.open_workspace(root, migrate=False)
            conn = db.connect(ws.db_path)
            try:
                if schema_guard.inspect(conn).clean:
                    return [], [], None
                kept = backup(ws, ws.backups / f"before-repair-{time.strftime('%Y%m%d-%H%M%S')}.db")
                removed, restored = schema_guard.repair(conn, actor=by or _user(), now=int(time.time()))
            finally:
                conn.close()
        return removed, restored, kept

    def mention_counts(self) -> dict[int, int]:
        """Stored mentions per entity id."""
        return entities_store.mention_counts(self.conn)

    def engines(self) -> list[str]:
        """The sentiment engines this installation offers."""
        from orm_desktop.analysis.sentiment import available_engines

        return list(available_engines())

# settings a team workspace's database enforces: turning them on is refused there, with this reason
# who may do what on a team workspace (enforced by store/postgres/roles.py; docs/team.md section 9)
TEAM_MAY: dict[str, tuple[str, ...]] = {
    "triage": ("author", "approver", "admin"),
    "crisis": ("admin",),
    "configure": ("admin",),
    "key_messages": ("approver", "admin"),
    "users": ("admin",),
    "rescore": ("admin",),  # the engine is a setting, and every score changes (roles.py: sentiment.rescore)
    "approve": ("approver", "admin"),  # others' drafts; an executive: those in their name, from their page
}
TEAM_WHAT: dict[str, str] = {
    "triage": "change anything",
    "crisis": "switch crisis mode",
    "configure": "change feeds, entities, rules, templates or settings",
    "key_messages": "change key messages",
    "users": "change users' display names",
    "rescore": "rescore the mentions",
    "approve": "approve drafts or request changes",
}


def _log_settings(conn, values: Mapping[str, object], who: str) -> None:
    """The ``settings.change`` audit entry of settings just saved, in their transaction: on a team
    workspace the database refuses a setting changed without it (store/postgres/roles.py)."""
    from orm_desktop.store import audit

    audit.append(conn, actor=who, action="settings.change", subject_type="workspace", subject_id=None,
                 data={"values": dict(values)}, now=int(time.time()))


TEAM_ENFORCED: dict[str, str] = {
    "allow_self_approval": "allow_self_approval cannot be turned on in a team workspace: there the database "
                           "enforces the four-eyes rule for everyone (nobody approves their own draft)",
}

# settings a user edits (GUI Settings page, `orm-desktop settings set`): kind, what it is
EDITABLE_SETTINGS: dict[str, tuple[str, str]] = {
    "brand_name": ("text", "the brand's name: window title, reports, {brand} in drafts"),
    "contact": ("text", "where people can reach us: {contact} in drafts"),
    "status_page": ("url", "our status or updates page: {status_page} in drafts ({link} is the mention)"),
    "brand_color": ("color", "report accent colour, #RRGGBB"),
    "refresh_minutes": ("minutes", "refresh due feeds every N minutes while the app runs (0: never)"),
    "allow_self_approval": ("bool", "an approver may approve their own drafts (true/false)"),
}


def _remove_new(root: Path, before: set[Path] | None) -> None:
    """Remove what a failed create made: the whole folder if it did not exist before, else the
    entries that are new in it."""
    import shutil

    gone = [root] if before is None else [p for p in (set(root.iterdir()) if root.is_dir() else ()) if p not in before]
    for p in gone:
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)


def check_entity_lengths(*, name: str = "", query: str = "", aliases: Sequence[str] = (), title: str = "") -> None:
    """An entity's texts within what a bundle carries (bundle.validate_bundle), so that a
    workspace's own export always imports, and its name, title and aliases free of control
    characters (textsafe.hidden_char): UsageError naming the field otherwise."""
    if len(aliases or ()) > ALIASES_MAX:
        raise UsageError(f"an entity has at most {ALIASES_MAX} aliases")
    for what, text, most in (("name", name, NAME_MAX), ("title", title or "", NAME_MAX),
                             ("query", query or "", QUERY_MAX),
                             *(("alias", a, NAME_MAX) for a in aliases or ())):
        if len(str(text).strip()) > most:
            raise UsageError(f"an entity's {what} must be at most {most:,} characters")
        if what != "query" and (c := hidden_char(str(text))):  # shown in the sidebar, reports, CLI output
            raise UsageError(f"an entity's {what} cannot contain a control character ({char_note(c)})")


def _setting_fits_a_bundle(key: str, value) -> None:
    """Brand name and contact within what a bundle carries, whoever saves them (Settings page,
    `settings set`, a bundle import)."""
    if key in ("brand_name", "contact") and isinstance(value, str) and len(value) > NAME_MAX:
        raise UsageError(f"{key} must be at most {NAME_MAX} characters")
    if key in ("brand_name", "contact") and isinstance(value, str) and (c := hidden_char(value)):
        # as an entity's name: an ESC sequence in the brand name cleared the terminal of whoever ran
        # `settings get`, and U+202E turned it around in window titles and report headers
        raise UsageError(f"{key} cannot contain a control character ({char_note(c)})")


def _setting_value(key: str, kind: str, text: str):
    import re

    if kind == "url":
        if text and not re.match(r"^https?://\S+$", text):
            raise UsageError(f"{key} must be an http:// or https:// address (or empty)")
        return text
    if kind == "color":
        if text and not re.fullmatch(r"#[0-9A-Fa-f]{6}", text):
            raise UsageError(f"{key} must look like #0F6E8C")
        return text
    if kind == "minutes":
        if not text.isdigit() or int(text) > 1440:
            raise UsageError(f"{key} must be a whole number of minutes from 0 to 1440")
        return int(text)
    if kind == "bool":
        if text.lower() not in ("true", "false", "yes", "no", "on", "off", "1", "0"):
            raise UsageError(f"{key} must be true or false")
        return text.lower() in ("true", "yes", "on", "1")
    _setting_fits_a_bundle(key, text)  # the text settings (brand_name, contact): refused as they are read
    return text


def known_database_error(exc: BaseException) -> KnownError | None:
    """The user's one-line reading of a database error raised outside the service's own
    transactions (a damaged file or a failing disk met by a read), or None for a bug."""
    return db.translate(exc) if isinstance(exc, sqlite3.Error) else None


def start_refresh_workers(feeds: int | None = None) -> bool:
    """For a command-line refresh: fork the refresh's worker processes now, before a workspace
    is opened or a thread started, so they share this process's loaded modules and models
    (pipeline.prefork_workers). False when that is not safe here: the refresh then starts its
    workers as before. Never in a GUI process: Qt's own threads could hold a lock at the fork
    (the GUI's workers come from a fork server instead). False too, with nothing started, for a
    refresh of ``feeds`` feeds (when the caller knows) fewer than the refresh hands to workers."""
    import sys

    if any(name == "PySide6" or name.startswith("PySide6.") for name in sys.modules):
        return False
    from orm_desktop.ingest.pipeline import PARALLEL_MIN_FEEDS, prefork_workers

    if feeds is not None and feeds < PARALLEL_MIN_FEEDS:
        return False
    return prefork_workers()


def stop_refresh_workers() -> None:
    """Stop the refresh's worker processes now (else at exit): a one-shot command-line refresh
    stops them before it closes its workspace, so that its connection is the last one open on
    the file (each worker holds one) and its close folds the WAL into the file."""
    from orm_desktop.ingest.pipeline import shutdown_workers

    shutdown_workers()


def warm_refresh_workers(svc: Service) -> bool:
    """For the GUI, off its thread, when a workspace opens: start the refresh's worker pool now
    (forked from a fork server that loads the models once; pipeline.warm_workers) and wait
    until it is ready, so that the first refresh finds it warm instead of starting it. Nothing
    (False) for a read-only workspace or one with fewer feeds than a refresh hands to workers."""
    from orm_desktop.ingest import pipeline

    if svc.snapshot_label or svc.team_reads_only():
        return False
    if sum(f.enabled for f in svc.feeds()) < pipeline.PARALLEL_MIN_FEEDS:
        return False
    return pipeline.warm_workers(pipeline._database(svc.conn))


def refresh_label(state: dict, when: Callable[[int | None], str]) -> str:
    """"Last refresh" as text that never claims more than happened (status bar, `info`):
    the newest refresh that fetched anything, and whether it covered every enabled feed."""
    if not state["any"]:
        return "never"
    if (state["all"] or 0) >= state["any"]:
        return f"{when(state['all'])} (all feeds)"
    return f"{when(state['any'])} ({state['feeds']} due feeds; all feeds {when(state['all']) if state['all'] else 'never'})"


def text_scorer(engine_name: str | None, lang: str = "") -> Callable[[str, str | None], dict]:
    """``orm-desktop score``: a function text, entity -> {score, label, confidence[, entity,
    evidence]} with the named engine (UsageError for a language the engine does not score)."""
    from orm_desktop.analysis.sentiment import confidence_of, get_engine, score_toward
    from orm_desktop.ingest.query import EntityQuery
    from orm_desktop.types import label_for

    engine = get_engine(engine_name)
    if lang and lang not in engine.languages:
        raise UsageError(f"engine {engine.name!r} does not score {lang!r} "
                         f"(it scores {', '.join(sorted(engine.languages))})")
    matchers: dict[str, EntityQuery] = {}

    def matcher(name: str) -> EntityQuery:
        if name not in matchers:
            matchers[name] = EntityQuery.parse(f'"{name}"')
        return matchers[name]

    def score(text: str, entity: str | None = None) -> dict:
        if entity:
            ts = score_toward("", text, matcher(entity).spans, engine=engine, lang=lang)
            return {"score": round(ts.score, 4), "label": ts.label, "confidence": ts.confidence,
                    "entity": entity, "evidence": [s for s, _ in ts.evidence]}
        analyse = getattr(engine, "analyse", None)
        if analyse is not None:
            s, conf = analyse(text, lang)
        else:
            s = engine.score(text)
            conf = confidence_of(s, s)
        s = max(-1.0, min(1.0, s))
        return {"score": round(s, 4), "label": label_for(s), "confidence": conf}

    return score


# -- what needs no workspace: key files and approval files on an approver's laptop --------------
def new_signing_key(passphrase: str):
    """A new signing key pair, its private half encrypted under ``passphrase``."""
    from orm_desktop.identity import create_key

    return create_key(passphrase)


def new_passphrase_problem(passphrase: str) -> str:
    """'' when ``passphrase`` may protect a new key, else what is wrong with it (one line, as a
    sentence: identity.create_key's own check)."""
    from orm_desktop.identity import passphrase_problem

    problem = passphrase_problem(passphrase)
    return problem[:1].upper() + problem[1:]


def keep_unlocked(key) -> None:
    """Keep a key just made with ``new_signing_key`` unlocked for this process (its passphrase was
    just typed: acting as its user does not ask for it again)."""
    from orm_desktop.identity import SESSION

    SESSION.add(key.private)


def decrypt_key(blob: str, passphrase: str, *, who: str):
    """A private key from its encrypted form (IdentityError on a wrong passphrase)."""
    from orm_desktop.identity import decrypt_private_key

    return decrypt_private_key(blob, passphrase, who=who)


def read_approval_file(path: Path | str) -> dict:
    """An approval request file, validated (UsageError naming the problem)."""
    from orm_desktop.responses.approval_file import _load

    return _load(path)


def decide_approval_file(path: Path | str, *, actor: str, approve: bool, key, comment: str = "") -> dict:
    """Record a signed decision in an approval request file (no workspace needed)."""
    from orm_desktop.responses.approval_file import decide

    return decide(Path(path), actor=actor, approve=approve, key=key, comment=comment)


def _search_string(e: Entity) -> str:
    from orm_desktop.ingest.query import EntityQuery

    return EntityQuery.parse(e.query, e.aliases).search_string()


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some sandboxes
        return "local"


# team workspaces (PostgreSQL logins, roles, signing keys): the CLI and the GUI reach them here
from orm_desktop.credentials import LoginError  # noqa: E402,F401
from orm_desktop.credentials import redact as redact_url  # noqa: E402,F401


def __getattr__(name: str) -> object:
    """``TeamAdmin`` and ``as_refused`` (orm_desktop.team), imported when first asked for: they
    bring the signing keys' cryptography, which a command-line refresh never needs."""
    if name in ("TeamAdmin", "as_refused"):
        from orm_desktop import team

        return getattr(team, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def set_password_asker(ask: Callable[[str], str] | None) -> None:
    """How a team login's password is asked when the OS keyring has none (the GUI: a dialog)."""
    from orm_desktop import credentials

    credentials.ASK = ask
