"""A real team workspace on the local PostgreSQL server, and what each role tries on it.

Shared by tests/test_team_permissions.py and benchmarks/team_permissions.py. Everything is real:
a database of its own (orm_test_<random>), an owner role with CREATEROLE that applies the schema
and the team roles (store/postgres/roles.py), LOGIN roles with passwords for each person, and raw psycopg connections logged in
as them. The server uses trust authentication on 127.0.0.1 here, so logging in needs no password;
the roles get SCRAM passwords anyway, as on a real server.
"""

from __future__ import annotations

import os
import secrets
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

HOST = os.environ.get("ORM_TEST_PGHOST", "127.0.0.1")
PORT = int(os.environ.get("ORM_TEST_PGPORT", "5432"))
SUPERUSER = os.environ.get("ORM_TEST_PGUSER", "postgres")
PASSWORD = "correct horse battery"


def skip_module_without_server() -> None:
    """At the top of a test module: skip the whole module when no server answers, except under
    CI=true, where the server must be there and its tests run (and fail) without it."""
    import pytest

    reason = server_reachable()
    if reason and os.environ.get("CI") != "true":
        pytest.skip(reason, allow_module_level=True)


def server_reachable() -> str | None:
    """None when the server answers, else a one-line reason."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    try:
        with psycopg.connect(host=HOST, port=PORT, user=SUPERUSER, dbname="postgres", connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return f"no PostgreSQL server on {HOST}:{PORT} ({str(exc).strip().splitlines()[0]})"


def connect(user: str, dbname: str, password: str | None = PASSWORD):
    import psycopg

    return psycopg.connect(host=HOST, port=PORT, user=user, dbname=dbname, password=password, autocommit=True)


def url(user: str, dbname: str) -> str:
    return f"postgresql://{user}:{PASSWORD.replace(' ', '%20')}@{HOST}:{PORT}/{dbname}"


@dataclass
class Attempt:
    role: str
    attempt: str
    expected: str  # "allowed" | "refused"
    outcome: str = ""
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome == self.expected


@dataclass
class TeamLab:
    """One team workspace: database, owner, five people, one login outside the team."""

    tag: str = field(default_factory=lambda: secrets.token_hex(4))
    conns: dict = field(default_factory=dict)
    keys: dict = field(default_factory=dict)
    results: list[Attempt] = field(default_factory=list)

    @property
    def db(self) -> str:
        return f"orm_test_{self.tag}"

    @property
    def owner(self) -> str:
        return f"orm_test_{self.tag}_owner"

    def login(self, who: str) -> str:
        return f"u{self.tag}_{who}"

    # -- for the benchmarks --------------------------------------------------------------------
    @classmethod
    def for_benchmark(cls, name: str) -> TeamLab | None:
        """A set-up lab for benchmark ``name``, or None after saying in one line on stderr why
        there is no server to run it on."""
        reason = server_reachable()
        if reason:
            print(f"{name}: {reason}", file=sys.stderr)
            return None
        return cls().setup()

    def tracking(self, *names: str) -> list:
        """New sessions of these people in which PostgreSQL counts the time spent in the trigger
        functions (``track_functions``, set on this throw-away database by the superuser: only
        sessions opened after it count); also kept in ``conns``."""
        with connect(SUPERUSER, self.db, None) as su:
            su.execute(f'ALTER DATABASE "{self.db}" SET track_functions = \'pl\'')
        for name in names:
            self.conns[name] = connect(self.login(name), self.db)
        return [self.conns[name] for name in names]

    def timed_rule_apply(self, who: str, rule: int, ids: list[int], score: float = -0.7) -> float:
        """Seconds for ``who`` to apply a sentiment rule's score to ``ids`` as the app does (the
        overrides and the rule.apply entry listing them, one transaction); the mentions are then
        put back by the owner (no check holds the owner), untimed, so the next round changes them."""
        import time as _time

        from orm_desktop.store import team

        conn, key = self.conns[who], self.keys[who]
        t = _time.perf_counter()
        with conn.transaction():
            conn.execute("UPDATE mentions SET override = %s, sentiment = %s WHERE id = ANY(%s)", (score, score, ids))
            team.audit_append(conn, "rule.apply", "rule", rule, {"changed": len(ids), "mentions": ids},
                              priv=key.private, key_id=key.key_id)
        took = _time.perf_counter() - t
        self.conns["owner"].execute("UPDATE mentions SET override = NULL, sentiment = machine_sentiment "
                                    "WHERE id = ANY(%s)", (ids,))
        return took

    def bulk_mentions(self, n: int) -> list[int]:
        """``n`` bare mentions of entity 1 inserted by the owner (one item each), their ids in order."""
        owner = self.conns["owner"]
        owner.execute("INSERT INTO items (guid, url, canonical_url, title, text, published, first_seen) "
                      "SELECT 'r' || g, 'http://r/' || g, 'http://r/' || g, 't', 't', 1, 1 FROM generate_series(1, %s) g",
                      (n,))
        owner.execute("INSERT INTO mentions (item_id, entity_id, published, created) "
                      "SELECT id, 1, 1, 1 FROM items WHERE guid LIKE 'r%'")
        return [r[0] for r in owner.execute("SELECT m.id FROM mentions m JOIN items i ON i.id = m.item_id "
                                            "WHERE i.guid LIKE 'r%' ORDER BY m.id")]

    # -- set-up ----------------------------------------------------------------------------------
    def setup(self) -> TeamLab:
        try:
            return self._setup()
        except BaseException:
            self.teardown()  # nothing left behind on the shared server
            raise

    def _setup(self) -> TeamLab:
        from orm_desktop import identity
        from orm_desktop.store import team

        with connect(SUPERUSER, "postgres", None) as su:
            su.execute(f'CREATE ROLE "{self.owner}" LOGIN CREATEROLE PASSWORD \'{PASSWORD}\'')
            su.execute(f'CREATE DATABASE "{self.db}" OWNER "{self.owner}"')
        from orm_desktop.store import db

        db.create(url(self.owner, self.db))  # the workspace schema, as the owner
        owner = connect(self.owner, self.db)
        self.conns["owner"] = owner
        team.apply_roles(owner)
        owner.execute("INSERT INTO entities (kind, name, query, created) VALUES "
                      "('brand', 'Acme', 'Acme', 0), ('executive', 'Jane Doe', '\"Jane Doe\"', 0)")
        owner.execute("INSERT INTO items (guid, url, canonical_url, title, text, published, first_seen) "
                      "VALUES ('g1', 'http://x/1', 'http://x/1', 'Acme late again', 'Acme late', 1, 1)")
        owner.execute("INSERT INTO mentions (item_id, entity_id, published, created) VALUES (1, 1, 1, 1)")
        people = {"alice": "author", "bob": "author", "pat": "approver", "eve": "executive", "ada": "admin"}
        for who, role in people.items():
            team.add_user(owner, self.login(who), role, PASSWORD)
        owner.execute("UPDATE users SET entity_id = 2 WHERE name = %s", (self.login("eve"),))
        with connect(SUPERUSER, self.db, None) as su:
            su.execute(f'CREATE ROLE "{self.login("nobody")}" LOGIN PASSWORD \'{PASSWORD}\'')
        for who in people:
            self.conns[who] = connect(self.login(who), self.db)
        for who in people:
            key = identity.create_key(f"pass-{who}-123", kdf_n=2 ** 10)
            self.keys[who] = key
            team.register_key(self.conns[who], key)
            team.approve_key(owner, self.login(who), key.key_id)
        return self

    def teardown(self) -> None:
        for c in self.conns.values():
            c.close()
        with connect(SUPERUSER, "postgres", None) as su:
            su.execute(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
            names = [r[0] for r in su.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE %s OR rolname LIKE %s",
                                              (f"orm\\_test\\_{self.tag}\\_%", f"u{self.tag}\\_%"))]
            for n in sorted(names, key=lambda n: n.endswith("_owner")):
                su.execute(f'DROP ROLE IF EXISTS "{n}"')

    # -- helpers the attempts use -----------------------------------------------------------------
    def draft(self, who: str, text: str = "We are sorry.", in_name_of: int | None = None) -> int:
        """``who``'s new draft of mention 1 as the app writes it: the row and its response.create
        entry in one transaction (the database refuses the row without it: store/postgres/roles.py,
        section 6b)."""
        from orm_desktop.store import team

        now, c, k = int(time.time()), self.conns[who], self.keys[who]
        with c.transaction():
            rid = c.execute("INSERT INTO responses (mention_id, text, in_name_of, created, updated) "
                            "VALUES (1, %s, %s, %s, %s) RETURNING id", (text, in_name_of, now, now)).fetchone()[0]
            team.audit_append(c, "response.create", "response", rid,
                              {"to": "draft", "text": text, "template": "", "mention": 1, "in_name_of": in_name_of},
                              priv=k.private, key_id=k.key_id, now=now)
        return rid

    def edit(self, who: str, rid: int, text: str, changed_by: str = "") -> int:
        """``who``'s draft gets a new text as the app saves it: the change and its response.edit entry
        (of the new version) in one transaction; the database refuses the text without it
        (store/postgres/roles.py, section 6b). ``changed_by``: what the client sends (ignored).
        Returns the new version."""
        from orm_desktop.responses.diff import diff_ops
        from orm_desktop.store import team

        c, k = self.conns[who], self.keys[who]
        with c.transaction():
            old = c.execute("SELECT text FROM responses WHERE id = %s", (rid,)).fetchone()[0]
            state, version = c.execute("UPDATE responses SET text = %s, changed_by = %s, version = version + 1 "
                                       "WHERE id = %s RETURNING state, version", (text, changed_by, rid)).fetchone()
            team.audit_append(c, "response.edit", "response", rid, {"from": state, "to": state,
                                                                    "diff": diff_ops(old, text),
                                                                    "comment": "", "version": version},
                              priv=k.private, key_id=k.key_id)
        return version

    def triage(self, who: str, sets: str, args: tuple = (), mid: int = 1) -> int:
        """``who`` triages mention ``mid`` as the app does: ``UPDATE mentions SET <sets>`` and its
        mention.triage entry (the row's triage as it now is) in one transaction; the database
        refuses the change without it (store/postgres/roles.py, section 6b). Returns the rows changed."""
        from orm_desktop.store import team

        c, k = self.conns[who], self.keys[who]
        with c.transaction():
            n = c.execute(f"UPDATE mentions SET {sets} WHERE id = %s", (*args, mid)).rowcount
            row = c.execute("SELECT status, status_at, assignee, tags, priority, muted FROM mentions WHERE id = %s",
                            (mid,)).fetchone()
            team.audit_append(c, "mention.triage", "mention", mid,
                              dict(zip(("status", "status_at", "assignee", "tags", "priority", "muted"), row,
                                       strict=True)),
                              priv=k.private, key_id=k.key_id)
        return n

    def alert(self) -> int:
        """A new open spike alert of Acme, stored as the owner (as a refresh's detection would)."""
        owner = self.conns["owner"]
        start = owner.execute("SELECT coalesce(max(window_start), 0) + 86400 FROM alerts").fetchone()[0]
        return owner.execute(
            "INSERT INTO alerts (entity_id, kind, window_start, window_end, observed, baseline, score, detail, "
            "created) VALUES (1, 'volume_spike', %s, %s, 9, 1.5, 7, '{}', 1) RETURNING id",
            (start, start + 86400)).fetchone()[0]

    def step(self, who: str, rid: int, action: str, **extra) -> int:
        import hashlib

        from orm_desktop.store import team

        c = self.conns[who]
        state, version, text = c.execute("SELECT state, version, text FROM responses WHERE id = %s", (rid,)).fetchone()
        target = {"submit": "in_review", "approve": "approved", "request_changes": "changes_requested",
                  "send": "sent", "discard": "discarded"}[action]
        data = {"from": state, "to": target, "comment": extra.pop("comment", "")}
        if action == "send":
            data.update(channel=extra.pop("channel", "twitter"), url="")
        if action in ("approve", "send"):
            data.update(version=version, text_sha256=hashlib.sha256(text.encode()).hexdigest())
        k = self.keys[extra.pop("key_of", who)]
        return team.transition(c, rid, action, version=version, data=data, priv=k.private, key_id=k.key_id)

    def attempt(self, role: str, what: str, expected: str, fn: Callable[[], object]) -> Attempt:
        import psycopg

        from orm_desktop.store import team

        a = Attempt(role, what, expected)
        try:
            result = fn()
            if result == 0:  # an UPDATE/DELETE that row-level security let touch nothing
                a.outcome, a.detail = "refused", "0 rows (row-level security)"
            else:
                a.outcome = "allowed"
        except (psycopg.Error, team.TeamRefused) as exc:
            a.outcome = "refused"
            a.detail = f"{exc.sqlstate or type(exc).__name__}: {str(exc).strip().splitlines()[0]}"
        self.results.append(a)
        return a


def rowcount(conn, sql: str, args: tuple = ()) -> int:
    return conn.execute(sql, args).rowcount


def run_role(lab: TeamLab, role: str) -> list[Attempt]:
    """Every attempt of one role; each records allowed/refused and what was expected."""
    from orm_desktop.store import team

    c = lab.conns
    me = {"author": "alice", "approver": "pat", "executive": "eve", "admin": "ada", "none": "nobody",
          "owner": "owner"}[role]
    conn = c.get(me)
    start = len(lab.results)
    A = lab.attempt  # noqa: N806

    def audit_as_other():
        k = lab.keys[me]
        import json

        from orm_desktop import chain
        prev = conn.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0]
        now, data = int(time.time()), json.dumps({"note": "forged"})
        h = chain.entry_hash(prev, now, lab.login("bob"), "report.export", "report", None, data, k.key_id)
        return conn.execute("SELECT team_audit_append(%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                            (now, "report.export", "report", None, data, prev, h, k.key_id,
                             chain.sign_entry(k.private, h))).fetchone()

    def signed_with_other_key():
        other = lab.keys["bob"]
        with conn.transaction():
            return team.audit_append(conn, "report.export", "report", None, {"note": "x"},
                                     priv=other.private, key_id=other.key_id)

    def acknowledge_alert():
        """What `alerts ack` and the Acknowledge button write: the status, and an audit entry in
        the login's own name (analysis.alerts.acknowledge)."""
        aid, k = lab.alert(), lab.keys[me]
        with conn.transaction():
            n = rowcount(conn, "UPDATE alerts SET status = 'acknowledged' WHERE id = %s AND status = 'open'", (aid,))
            team.audit_append(conn, "alert.acknowledge", "alert", aid, {}, priv=k.private, key_id=k.key_id)
        return n

    def change_setting():
        """What `settings set` and the Settings page write: the row and its settings.change entry."""
        k = lab.keys[me]
        with conn.transaction():
            n = rowcount(conn, "INSERT INTO settings (key, value) VALUES ('brand_name', '\"Acme\"') "
                               "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value")
            team.audit_append(conn, "settings.change", "workspace", None, {"values": {"brand_name": "Acme"}},
                              priv=k.private, key_id=k.key_id)
        return n

    audit_tampering = [
        ("UPDATE an audit row", lambda: rowcount(conn, "UPDATE audit_log SET actor = 'x' WHERE id = 1")),
        ("DELETE an audit row", lambda: rowcount(conn, "DELETE FROM audit_log WHERE id = 1")),
        ("INSERT an audit row directly", lambda: rowcount(
            conn, "INSERT INTO audit_log (at, actor, action, subject_type, data, prev_hash, hash) "
                  "VALUES (1, 'x', 'x', 'x', '{}', 'x', 'x')")),
    ]
    if role == "author":
        rid = lab.draft("alice")
        bobs = lab.draft("bob")
        A(role, "create a draft in own name", "allowed", lambda: lab.draft("alice"))
        A(role, "create a draft as someone else (author = bob)", "refused", lambda: rowcount(
            conn, "INSERT INTO responses (text, author, created, updated) VALUES ('x', %s, 1, 1)", (lab.login("bob"),)))
        A(role, "edit own draft (with its response.edit entry)", "allowed", lambda: lab.edit("alice", rid, "Sorry!"))
        A(role, "edit own draft without its entry", "refused", lambda: rowcount(
            conn, "UPDATE responses SET text = 'Sorry?', version = version + 1 WHERE id = %s", (rid,)))
        A(role, "edit someone else's draft", "refused", lambda: rowcount(
            conn, "UPDATE responses SET text = 'mine now' WHERE id = %s", (bobs,)))
        A(role, "set a draft's state to approved directly", "refused", lambda: rowcount(
            conn, "UPDATE responses SET state = 'approved' WHERE id = %s", (rid,)))
        A(role, "submit own draft (team_submit)", "allowed", lambda: lab.step("alice", rid, "submit"))
        A(role, "edit own draft once in review", "refused", lambda: rowcount(
            conn, "UPDATE responses SET text = 'late edit' WHERE id = %s", (rid,)))
        A(role, "approve a draft (team_approve, not an approver)", "refused", lambda: lab.step("alice", rid, "approve"))
        A(role, "submit someone else's draft", "refused", lambda: lab.step("alice", bobs, "submit"))
        A(role, "triage a mention (flag it, with its mention.triage entry)", "allowed", lambda: lab.triage(
            "alice", "status = 'flagged', status_by = %s", (lab.login("bob"),)))
        A(role, "triage a mention without its entry", "refused", lambda: rowcount(
            conn, "UPDATE mentions SET status = 'archived' WHERE id = 1"))
        A(role, "change a setting", "refused", lambda: rowcount(
            conn, "INSERT INTO settings (key, value) VALUES ('x', '1')"))
        A(role, "acknowledge a spike alert", "allowed", acknowledge_alert)
        A(role, "audit entry in someone else's name", "refused", audit_as_other)
        A(role, "audit entry signed with another user's key", "refused", signed_with_other_key)
        A(role, "add a user", "refused", lambda: team.add_user(conn, lab.login("mallory"), "admin", PASSWORD))
        for what, fn in audit_tampering:
            A(role, what, "refused", fn)
    elif role == "approver":
        mine = lab.draft("pat")
        lab.step("pat", mine, "submit")
        theirs = lab.draft("alice")
        lab.step("alice", theirs, "submit")
        execs = lab.draft("alice", in_name_of=2)
        lab.step("alice", execs, "submit")
        A(role, "approve own draft", "refused", lambda: lab.step("pat", mine, "approve"))
        A(role, "approve a draft in an executive's name", "refused", lambda: lab.step("pat", execs, "approve"))
        A(role, "approve someone else's draft", "allowed", lambda: lab.step("pat", theirs, "approve"))
        A(role, "approve with another user's signing key", "refused",
          lambda: lab.step("pat", mine, "request_changes", comment="x", key_of="alice"))
        A(role, "mark the approved draft sent", "allowed", lambda: lab.step("pat", theirs, "send"))
        A(role, "acknowledge a spike alert", "allowed", acknowledge_alert)
        A(role, "change a feed", "refused", lambda: rowcount(
            conn, "INSERT INTO feeds (url, created) VALUES ('http://evil/', 1)"))
        for what, fn in audit_tampering:
            A(role, what, "refused", fn)
    elif role == "executive":
        execs = lab.draft("alice", in_name_of=2)
        lab.step("alice", execs, "submit")
        other = lab.draft("bob")
        lab.step("bob", other, "submit")
        A(role, "read the inbox", "allowed", lambda: conn.execute("SELECT count(*) FROM mentions").fetchone())
        A(role, "insert a mention", "refused", lambda: rowcount(
            conn, "INSERT INTO mentions (item_id, entity_id, published, created) VALUES (1, 2, 1, 1)"))
        A(role, "triage a mention", "refused", lambda: rowcount(conn, "UPDATE mentions SET status = 'archived'"))
        A(role, "write a draft", "refused", lambda: lab.draft("eve"))
        A(role, "approve a draft not in own name", "refused", lambda: lab.step("eve", other, "approve"))
        A(role, "approve a draft in own name", "allowed", lambda: lab.step("eve", execs, "approve"))
        A(role, "mark a draft sent", "refused", lambda: lab.step("eve", execs, "send"))
        A(role, "acknowledge a spike alert (the comms team's triage)", "refused", acknowledge_alert)
        A(role, "call team_submit without the author group", "refused", lambda: conn.execute(
            "SELECT team_submit(%s, 1, 1, '{}', '', '', '', '')", (other,)).fetchone())
        for what, fn in audit_tampering:
            A(role, what, "refused", fn)
    elif role == "admin":
        A(role, "change a setting (with its settings.change entry)", "allowed", change_setting)
        A(role, "change a setting without its entry", "refused", lambda: rowcount(
            conn, "UPDATE settings SET value = '\"Evil\"' WHERE key = 'brand_name'"))
        A(role, "add a feed", "allowed", lambda: rowcount(
            conn, "INSERT INTO feeds (url, created) VALUES ('http://news.example/rss', 1)"))
        A(role, "add a user", "allowed", lambda: team.add_user(conn, lab.login("zoe"), "author", PASSWORD))
        A(role, "acknowledge a spike alert", "allowed", acknowledge_alert)
        A(role, "approve own signing key", "refused", lambda: team.approve_key(
            conn, lab.login("ada"), lab.keys["ada"].key_id))
        A(role, "TRUNCATE the audit log", "refused", lambda: conn.execute("TRUNCATE audit_log"))
        for what, fn in audit_tampering:
            A(role, what, "refused", fn)
    elif role == "none":
        A(role, "connect to the workspace (a login outside the team)", "refused",
          lambda: connect(lab.login("nobody"), lab.db).close())
    elif role == "owner":
        A(role, "UPDATE an audit row (owner: the trigger refuses)", "refused",
          lambda: rowcount(conn, "UPDATE audit_log SET actor = 'x' WHERE id = 1"))
        A(role, "DELETE an audit row (owner: the trigger refuses)", "refused",
          lambda: rowcount(conn, "DELETE FROM audit_log WHERE id = 1"))
    return lab.results[start:]


ROLES = ("author", "approver", "executive", "admin", "none", "owner")


def table(results: list[Attempt]) -> str:
    w = [max(len(x) for x in col) for col in zip(*[("ROLE", "ATTEMPT", "EXPECTED", "OUTCOME")]
                                                   + [(a.role, a.attempt, a.expected, a.outcome) for a in results],
                                                   strict=True)]
    lines = ["  ".join(h.ljust(w[i]) for i, h in enumerate(("ROLE", "ATTEMPT", "EXPECTED", "OUTCOME"))) + "  DETAIL"]
    for a in results:
        cells = (a.role, a.attempt, a.expected, a.outcome if a.ok else a.outcome.upper() + " (!)")
        lines.append("  ".join(v.ljust(w[i]) for i, v in enumerate(cells)) + "  " + a.detail[:90])
    return "\n".join(lines)
