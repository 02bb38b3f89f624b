"""Seeing other people's changes without pressing refresh (issue 15).

PostgreSQL: statement-level triggers on the shared tables ``NOTIFY`` the workspace's channel
with a small JSON payload ``{"t": table, "a": update|delete, "ids": [...], "n": rows, "by":
login}`` (``ids`` is empty when a statement touched more than ``MAX_IDS`` rows: "reload"); an
insert says only ``{"t": table, "a": "insert", "by": login}``, which PostgreSQL delivers once per
transaction however many rows a refresh inserted.
NOTIFY channels are scoped to one database, and a team workspace is one database, so the fixed
channel name ``orm_workspace`` is the workspace's own channel. Notifications are delivered when
the writing transaction commits (never for a rollback).

``Listener`` runs in a background thread (no Qt here; the GUI wraps it in ui/live.py and posts
to its event loop): on PostgreSQL a dedicated psycopg connection LISTENs; on SQLite a dedicated
connection polls ``PRAGMA data_version`` (which changes when any other connection commits) and
reports ``Change("*")``: SQLite does not say which rows.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

CHANNEL = "orm_workspace"
MAX_IDS = 200  # ids per notification (payloads stay far below PostgreSQL's 8,000 bytes)
MAX_NOTES = 50  # notifications with ids per transaction; after that one "table changed" per table
SHARED_TABLES = ("mentions", "responses", "rules", "settings", "entities", "key_messages", "alerts")
POLL_SECONDS = 0.25  # SQLite's data_version poll, and how soon a PostgreSQL listener notices stop()


@dataclass(frozen=True, slots=True)
class Change:
    """What another connection committed. ``table`` is "*" when the backend cannot say what
    changed (SQLite); ``ids`` is empty when unknown or many: reload."""

    table: str
    action: str = "*"
    ids: tuple[int | str, ...] = ()
    rows: int = 0
    by: str = ""
    received: float = 0.0  # time.time() when the listener got it

    def touches(self, *tables: str) -> bool:
        return self.table == "*" or self.table in tables


def _notify_function(name: str, key: str) -> str:
    # After MAX_NOTES notifications in one transaction (rescoring, rules run on history: thousands
    # of statements), the rest say "this table changed" with one identical payload, which
    # PostgreSQL delivers once: listeners reload instead of receiving a flood.
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    total bigint;
    first_ids jsonb;
    sent int := COALESCE(NULLIF(current_setting('orm.notes_sent', true), ''), '0')::int;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM changed_rows) THEN
        RETURN NULL;
    END IF;
    IF sent >= {MAX_NOTES} THEN
        PERFORM pg_notify('{CHANNEL}', json_build_object(
            't', TG_TABLE_NAME, 'a', lower(TG_OP), 'n', 0, 'ids', '[]'::jsonb, 'by', current_user)::text);
        RETURN NULL;
    END IF;
    PERFORM set_config('orm.notes_sent', (sent + 1)::text, true);  -- transaction-local
    SELECT count(*), COALESCE(jsonb_agg(k) FILTER (WHERE rn <= {MAX_IDS}), '[]'::jsonb) INTO total, first_ids
    FROM (SELECT {key} AS k, row_number() OVER () AS rn FROM changed_rows) s;
    PERFORM pg_notify('{CHANNEL}', json_build_object(
        't', TG_TABLE_NAME, 'a', lower(TG_OP), 'n', total,
        'ids', CASE WHEN total > {MAX_IDS} THEN '[]'::jsonb ELSE first_ids END, 'by', current_user)::text);
    RETURN NULL;
END $$;
"""


# inserts (a refresh makes thousands) say only "rows came": no transition table to collect, and
# identical payloads in one transaction are delivered once, so a refresh's feed is one notification
_NOTIFY_INSERT = f"""
CREATE OR REPLACE FUNCTION orm_notify_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', json_build_object('t', TG_TABLE_NAME, 'a', 'insert', 'by', current_user)::text);
    RETURN NULL;
END $$;
"""


def _triggers(table: str, fn: str) -> str:
    out = [f"DROP TRIGGER IF EXISTS {table}_notify_insert ON {table};",
           f"CREATE TRIGGER {table}_notify_insert AFTER INSERT ON {table} "
           "FOR EACH STATEMENT EXECUTE FUNCTION orm_notify_insert();"]
    for op, ref in (("UPDATE", "NEW"), ("DELETE", "OLD")):
        out.append(f"DROP TRIGGER IF EXISTS {table}_notify_{op.lower()} ON {table};")
        out.append(f"CREATE TRIGGER {table}_notify_{op.lower()} AFTER {op} ON {table} "
                   f"REFERENCING {ref} TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION {fn}();")
    return "\n".join(out)


# row versions (migrations m009, m011 and m013 on SQLite): writers that do not bump the version get it bumped
_VERSION_SQL = """
CREATE OR REPLACE FUNCTION orm_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.version = OLD.version THEN
        NEW.version := OLD.version + 1;
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS mentions_version_bu ON mentions;
CREATE TRIGGER mentions_version_bu BEFORE UPDATE OF status, assignee, tags, override ON mentions FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.assignee IS DISTINCT FROM NEW.assignee
          OR OLD.tags IS DISTINCT FROM NEW.tags OR OLD.override IS DISTINCT FROM NEW.override)
    EXECUTE FUNCTION orm_bump_version();
DROP TRIGGER IF EXISTS rules_version_bu ON rules;
CREATE TRIGGER rules_version_bu BEFORE UPDATE OF name, enabled, conditions, actions ON rules FOR EACH ROW
    EXECUTE FUNCTION orm_bump_version();
DROP TRIGGER IF EXISTS settings_version_bu ON settings;
CREATE TRIGGER settings_version_bu BEFORE UPDATE OF value ON settings FOR EACH ROW
    EXECUTE FUNCTION orm_bump_version();
DROP TRIGGER IF EXISTS templates_version_bu ON templates;
CREATE TRIGGER templates_version_bu BEFORE UPDATE OF body ON templates FOR EACH ROW
    EXECUTE FUNCTION orm_bump_version();
DROP TRIGGER IF EXISTS key_messages_version_bu ON key_messages;
CREATE TRIGGER key_messages_version_bu BEFORE UPDATE OF topic, text, active ON key_messages FOR EACH ROW
    EXECUTE FUNCTION orm_bump_version();
"""


def _config_version_sql() -> str:
    """Entities, feeds and users (m013): bumped only when an editor's field really changes (a
    refresh names ``feeds.title`` in every UPDATE it makes)."""
    from orm_desktop.store.migrations.m013_config_versions import VERSIONED

    out = []
    for table, cols in VERSIONED.items():
        changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in cols)
        out.append(f"DROP TRIGGER IF EXISTS {table}_version_bu ON {table};\n"
                   f"CREATE TRIGGER {table}_version_bu BEFORE UPDATE OF {', '.join(cols)} ON {table} FOR EACH ROW\n"
                   f"    WHEN ({changed}) EXECUTE FUNCTION orm_bump_version();")
    return "\n".join(out)


def pg_sql() -> str:
    """The PostgreSQL-only part of live updates (part of the schema pg-core's create() makes;
    ``postgres/p009_live.py`` adds it to an older database). Safe to run again."""
    parts = [_VERSION_SQL, _config_version_sql(), _NOTIFY_INSERT, _notify_function("orm_notify_ids", "id"),
             _notify_function("orm_notify_keys", "key")]
    for t in SHARED_TABLES:
        parts.append(_triggers(t, "orm_notify_keys" if t == "settings" else "orm_notify_ids"))
    return "\n".join(parts)


def parse(payload: str, received: float | None = None) -> Change:
    """A Change from a notification payload (a malformed one reads as "something changed")."""
    received = time.time() if received is None else received
    try:
        p = json.loads(payload)
        return Change(str(p["t"]), str(p.get("a", "*")), tuple(p.get("ids") or ()), int(p.get("n") or 0),
                      str(p.get("by") or ""), received)
    except (ValueError, KeyError, TypeError):
        return Change("*", received=received)


class Listener:
    """Calls ``callback(change)`` from a background thread for every change other connections
    (and this process's own) commit to the workspace at ``target`` (a SQLite path or a
    postgresql:// URL). ``start()`` returns once it listens; ``stop()`` joins the thread.

    A lost server connection is retried every few seconds; after a reconnect it reports
    ``Change("*")`` (notifications sent meanwhile are lost: reload everything)."""

    def __init__(self, target, callback: Callable[[Change], None], *, poll: float = POLL_SECONDS) -> None:
        self.target = target
        self.callback = callback
        self.poll = poll
        self.error = ""  # the last connection problem, for a status line
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def postgresql(self) -> bool:
        from orm_desktop.store.db import is_url

        return is_url(self.target)  # (store.pg imports psycopg: 0.4-0.9 s, on a SQLite workspace too)

    def start(self, timeout: float = 10.0) -> Listener:
        self._thread = threading.Thread(target=self._run, name="orm-live-listener", daemon=True)
        self._thread.start()
        self._ready.wait(timeout)
        return self

    def stop_soon(self) -> None:
        """Ask the thread to end (from any thread, the listener's own included)."""
        self._stop.set()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> Listener:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        first = True
        while not self._stop.is_set():
            try:
                if self.postgresql:
                    self._listen_pg(first)
                else:
                    self._poll_sqlite()
            except Exception as exc:  # noqa: BLE001 - a lost connection: retry, never kill the app
                self.error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            finally:
                self._ready.set()
            first = False
            self._stop.wait(3.0)

    def _connect_pg(self):
        """The listener's own connection, logged in as the app's connection is (the password from
        the URL, the OS keyring or .pgpass: orm_desktop.credentials when present), never asking:
        this is a background thread, and the app's own connection has logged in already."""
        import psycopg

        kwargs = {"autocommit": True, "connect_timeout": 5, "application_name": "orm-desktop listener"}
        try:
            from orm_desktop import credentials  # team logins (pg-team)
        except ImportError:
            return psycopg.connect(self.target, **kwargs)

        def no_prompt(_prompt: str) -> str:
            raise credentials.LoginError("the live listener does not ask for passwords")

        return credentials.connect(self.target, ask=no_prompt, **kwargs)

    def _listen_pg(self, first: bool) -> None:
        with self._connect_pg() as conn:
            conn.execute(f"LISTEN {CHANNEL}")
            self.error = ""
            self._ready.set()
            if not first:
                self.callback(Change("*", received=time.time()))
            while not self._stop.is_set():
                for note in conn.notifies(timeout=self.poll):
                    self.callback(parse(note.payload))
                    if self._stop.is_set():
                        break

    def _poll_sqlite(self) -> None:
        import sqlite3

        conn = sqlite3.connect(f"file:{self.target}?mode=ro", uri=True, check_same_thread=False)
        try:
            seen = conn.execute("PRAGMA data_version").fetchone()[0]
            self.error = ""
            self._ready.set()
            while not self._stop.wait(self.poll):
                now = conn.execute("PRAGMA data_version").fetchone()[0]
                if now != seen:
                    seen = now
                    self.callback(Change("*", received=time.time()))
        finally:
            conn.close()
