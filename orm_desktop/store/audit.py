"""The append-only, hash-chained, signed audit log.

Each entry stores ``prev_hash`` (the previous entry's hash, or GENESIS), ``hash`` = SHA-256
over the previous hash, the entry's canonical fields and the signing key's id, and ``sig``, the
Ed25519 signature of that hash by the actor's key (orm_desktop.chain has the rules). An entry
in a registered user's name needs that user's unlocked key; other entries (the command line,
fetches, imports) are signed by the workspace's key. Triggers refuse UPDATE and DELETE; the
chain, the signatures and the checkpoints written outside the database (``audit.checkpoint.json``
beside it, backups, bundles, approval files, reports) catch edits made behind SQLite's back.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orm_desktop import chain, identity
from orm_desktop.chain import GENESIS, entry_hash  # noqa: F401 - re-exported for callers
from orm_desktop.store import identity as id_store

CHECKPOINT_FILE = "audit.checkpoint.json"
AUDIT_LOCK = 0x4F524D41  # "ORMA": the PostgreSQL advisory lock that serialises audit appends


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: int
    actor: str
    action: str
    subject_type: str
    subject_id: int | None
    data: dict[str, Any]
    prev_hash: str
    hash: str
    key_id: str | None = None
    sig: str | None = None


def _insert(conn: sqlite3.Connection, *, actor: str, action: str, subject_type: str, subject_id: int | None,
            data: dict[str, Any], now: int, priv, key_id: str) -> int:
    _one_writer(conn)
    from orm_desktop.store import team

    if team.is_team(conn):  # the database writes the entry, as the login (store/postgres/roles.py)
        entry_id = team.audit_append(conn, action, subject_type, subject_id, data, priv=priv, key_id=key_id, now=now)
        _checkpoint_after_commit(conn)
        return entry_id
    row = conn.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    prev = row[0] if row else GENESIS
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    h = entry_hash(prev, now, actor, action, subject_type, subject_id, text, key_id)
    cur = conn.execute(
        "INSERT INTO audit_log (at, actor, action, subject_type, subject_id, data, prev_hash, hash, key_id, sig) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (now, actor, action, subject_type, subject_id, text, prev, h, key_id, chain.sign_entry(priv, h)))
    new_id = int(cur.fetchall()[0][0])
    _checkpoint_after_commit(conn)
    return new_id


def _one_writer(conn) -> None:
    """SQLite's BEGIN IMMEDIATE makes one writer at a time; on a shared PostgreSQL server two
    transactions could read the same head (or both find a key unregistered) and fork the chain.
    There, audit writers queue on an advisory lock held until their transaction ends."""
    from orm_desktop.store import db

    if db.dialect(conn) == "postgresql":
        conn.execute("SELECT pg_advisory_xact_lock(?)", (AUDIT_LOCK,))


def _signing_key(conn: sqlite3.Connection, name: str, now: int):
    """(private key, key id) that may sign in ``name``'s name; IdentityError when locked."""
    sk = id_store.user_key(conn, name)
    if sk is not None:
        if not id_store.key_registered_for(conn, sk.key_id, sk.name):
            raise identity.IdentityError(f"the key stored for {sk.name} is not the one the audit log registered "
                                         f"for {sk.name} (the key table was tampered with); nothing done")
        priv = identity.SESSION.get(sk.key_id)
        if priv is None:
            raise identity.IdentityError(
                f"acting as {sk.name} needs {sk.name}'s passphrase (unlock the key: the passphrase "
                f"prompt, ${identity.PASSPHRASE_ENV} or --passphrase-file)")
        return priv, sk.key_id
    from orm_desktop.store import team

    if team.is_team(conn):
        raise identity.IdentityError(f"{name} has no signing key on this team workspace yet: create one with "
                                     "`orm-desktop team keygen`, then have an admin approve it")
    if id_store.is_user(conn, name):
        raise identity.IdentityError(
            f"{name} has no signing key yet: create one with `orm-desktop users keygen {name}`")
    return workspace_signing_key(conn, now)


def workspace_signing_key(conn: sqlite3.Connection, now: int):
    """The workspace's key, registered in the log (inside the caller's transaction) on first use."""
    _one_writer(conn)
    root = id_store.database_dir(conn)
    if root is None:
        raise identity.IdentityError("an in-memory database has no workspace key")
    priv = identity.workspace_key(root)
    kid = identity.key_id_of(identity.public_b64(priv))
    if not id_store.key_registered(conn, kid):
        legacy = conn.execute("SELECT count(*) FROM audit_log WHERE key_id IS NULL").fetchone()[0]
        _insert(conn, actor=chain.WORKSPACE_ACTOR, action="workspace.key", subject_type="workspace",
                subject_id=None, data={"public_key": identity.public_b64(priv), "key_id": kid,
                                       "workspace_id": id_store.workspace_id(conn), "legacy_entries": legacy},
                now=now, priv=priv, key_id=kid)
    return priv, kid


def append(conn: sqlite3.Connection, *, actor: str, action: str, subject_type: str,
           subject_id: int | None, data: dict[str, Any] | None = None, now: int,
           signer: str | None = None) -> int:
    """Append an entry signed by ``signer`` (default: the actor). Call inside the transaction that
    makes the audited change. ``signer`` differs from the actor only for an approval by file,
    whose data carries the actor's own signed decision (``attestation``)."""
    _one_writer(conn)
    from orm_desktop.store import team

    if team.is_team(conn):  # the login is the actor and signs with its own key; nobody else can
        actor = signer = team.login(conn)
    priv, kid = _signing_key(conn, signer or actor, now)
    return _insert(conn, actor=actor, action=action, subject_type=subject_type, subject_id=subject_id,
                   data=data or {}, now=now, priv=priv, key_id=kid)


def append_team_batch(conn: Any, entries: list[tuple[str, str, int | None, dict[str, Any]]], *, now: int) -> None:
    """On a team workspace, several entries (action, subject type, subject id, data) in the
    login's name, inside the caller's transaction, in one pipeline (store/team.audit_append_many):
    what a bulk triage writes, one entry per mention."""
    from orm_desktop.store import team

    _one_writer(conn)
    me = team.login(conn)
    priv, kid = _signing_key(conn, me, now)
    team.audit_append_many(conn, entries, priv=priv, key_id=kid, now=now)
    _checkpoint_after_commit(conn)


def register_user_key(conn: sqlite3.Connection, name: str, key: identity.KeyPair, *, now: int) -> None:
    """Store a user's new key and register it in the log (signed by itself; one key per user)."""
    _one_writer(conn)
    if id_store.user_key(conn, name) is not None:
        raise identity.IdentityError(f"{name} already has a signing key (a key is never replaced)")
    id_store.add_user_key(conn, name, key_id=key.key_id, public_key=key.public_key, private_key=key.blob, now=now)
    _insert(conn, actor=name, action="user.key", subject_type="user", subject_id=None,
            data={"public_key": key.public_key, "key_id": key.key_id}, now=now, priv=key.private, key_id=key.key_id)


def _entry(r: tuple) -> AuditEntry:
    return AuditEntry(id=r[0], at=r[1], actor=r[2], action=r[3], subject_type=r[4],
                      subject_id=r[5], data=json.loads(r[6]), prev_hash=r[7], hash=r[8], key_id=r[9], sig=r[10])


_COLS = "id, at, actor, action, subject_type, subject_id, data, prev_hash, hash, key_id, sig"


def for_subject(conn: sqlite3.Connection, subject_type: str, subject_id: int) -> list[AuditEntry]:
    return [_entry(r) for r in conn.execute(
        f"SELECT {_COLS} FROM audit_log WHERE subject_type = ? AND subject_id = ? ORDER BY id",
        (subject_type, subject_id))]


def all_entries(conn: sqlite3.Connection, *, since_id: int = 0) -> list[AuditEntry]:
    return [_entry(r) for r in conn.execute(
        f"SELECT {_COLS} FROM audit_log WHERE id > ? ORDER BY id", (since_id,))]


def find(conn: sqlite3.Connection, action: str, key: str, value: Any, *,
         subject_id: int | None = None) -> int | None:
    """The id of the first ``action`` entry whose data[key] is ``value`` (and subject, if given)."""
    from orm_desktop.store import db

    if db.dialect(conn) == "postgresql":
        sql = "SELECT id FROM audit_log WHERE action = ? AND (data::jsonb -> ?) = ?::jsonb"
        args: list[Any] = [action, key, json.dumps(value)]
    else:
        sql = "SELECT id FROM audit_log WHERE action = ? AND json_extract(data, ?) = ?"
        args = [action, f"$.{key}", value]
    if subject_id is not None:
        sql += " AND subject_id = ?"
        args.append(subject_id)
    row = conn.execute(sql + " ORDER BY id LIMIT 1", args).fetchone()
    return row[0] if row else None


def rows(conn: sqlite3.Connection) -> list[chain.Row]:
    return [chain.Row(*r) for r in conn.execute(f"SELECT {_COLS} FROM audit_log ORDER BY id")]


def verify_report(conn: sqlite3.Connection) -> chain.Report:
    """Every link, hash and signature (keys as registered in the log itself)."""
    return chain.verify_chain(rows(conn))


def verify(conn: sqlite3.Connection) -> tuple[int, int | None, str]:
    """(entries checked, id of the first broken entry or None, what is wrong)."""
    rep = verify_report(conn)
    return rep.checked, rep.broken_id, rep.why


def registry(conn: sqlite3.Connection) -> chain.Registry:
    return verify_report(conn).registry


# -- checkpoints -------------------------------------------------------------------------------
def checkpoint(conn: sqlite3.Connection) -> dict[str, Any]:
    """A checkpoint of the log's head signed by the workspace key (to put outside the database)."""
    import time

    from orm_desktop.store import db, team

    if team.is_team(conn):  # no workspace key on a team workspace: the login signs its checkpoints
        me = team.login(conn)
        sk = id_store.user_key(conn, me)
        priv = identity.SESSION.get(sk.key_id) if sk else None
        if priv is None:
            raise identity.IdentityError(f"a checkpoint is signed with {me}'s key: unlock it first")
        row = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
        n = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        return chain.make_checkpoint(priv, workspace_id=id_store.workspace_id(conn), last_id=row[0] if row else 0,
                                     head=row[1] if row else GENESIS, entries=n, at=int(time.time()))
    priv = identity.workspace_key(id_store.database_dir(conn))
    if not id_store.key_registered(conn, identity.key_id_of(identity.public_b64(priv))):
        if conn.in_transaction:
            workspace_signing_key(conn, int(time.time()))
        else:
            with db.transaction(conn):
                workspace_signing_key(conn, int(time.time()))
    row = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    n = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    return chain.make_checkpoint(priv, workspace_id=id_store.workspace_id(conn), last_id=row[0] if row else 0,
                                 head=row[1] if row else GENESIS, entries=n, at=int(time.time()))


def checkpoint_path(conn: sqlite3.Connection) -> Path | None:
    root = id_store.database_dir(conn)
    return root / CHECKPOINT_FILE if root else None


def write_checkpoint(conn: sqlite3.Connection, dest: Path | None = None,
                     cp: dict[str, Any] | None = None) -> Path | None:
    """Write ``cp`` (default: the current checkpoint) to ``dest`` (default: beside the database),
    atomically; KnownError (one line) when it cannot be written."""
    from orm_desktop.atomic import atomic_write

    dest = dest or checkpoint_path(conn)
    if dest is None:
        return None
    atomic_write(dest, json.dumps(cp or checkpoint(conn), indent=1, sort_keys=True))
    return dest


def _checkpoint_after_commit(conn: sqlite3.Connection) -> None:
    hooks = getattr(conn, "after_commit", None)
    if hooks is not None and _refresh_checkpoint not in hooks:
        hooks.append(_refresh_checkpoint)


def _refresh_checkpoint(conn: sqlite3.Connection) -> None:
    from orm_desktop.errors import KnownError

    try:
        write_checkpoint(conn)
    except (OSError, KnownError):
        pass  # the entry is committed; the next one (or `audit checkpoint`) writes the file


def checkpoints_beside(conn: sqlite3.Connection) -> list[tuple[str, Any]]:
    """(where, checkpoint) for the file beside the database and those beside its backups."""
    root = id_store.database_dir(conn)
    if root is None:
        return []
    found = []
    for p in [root / CHECKPOINT_FILE, *sorted((root / "backups").glob("*.checkpoint.json"))]:
        if p.exists():
            found.append((str(p), read_checkpoint(p)))
    return found


def read_checkpoint(path: Path) -> Any:
    """A checkpoint from a checkpoint file, or from a bundle or approval file holding one."""
    from orm_desktop.userfiles import read_text_file

    try:  # a regular file only: a FIFO or /dev/zero named as a checkpoint hung `audit verify` for good
        d = json.loads(read_text_file(path, "checkpoint"))
    except (OSError, ValueError) as exc:
        raise identity.IdentityError(f"cannot read a checkpoint from {path}: {exc}") from None
    if isinstance(d, dict) and d.get("format") != chain.CHECKPOINT_FORMAT and "checkpoint" in d:
        d = d["checkpoint"]
    return d


def verify_full(conn: sqlite3.Connection, extra: list[tuple[str, Any]] = ()) -> tuple[chain.Report, list[str]]:
    """The chain report and the problems found against every checkpoint (beside the workspace, its
    backups' and ``extra``). A missing checkpoint file beside a non-empty log is a problem too."""
    rep = verify_report(conn)
    problems = []
    beside = checkpoints_beside(conn)
    path = checkpoint_path(conn)
    from orm_desktop.store import team

    # on a team workspace the server's privileges guard the log; this login's local checkpoint
    # exists once it has written an entry here
    if rep.checked and path is not None and not path.exists() and rep.signed and not team.is_team(conn):
        problems.append(f"{path} is missing: the log cannot be checked against truncation here "
                        "(give a checkpoint from a backup, bundle or approval file with --checkpoint)")
    if rep.ok:
        for where, cp in [*beside, *extra]:
            p = chain.checkpoint_problem(cp, rep)
            if p:
                problems.append(f"{p} [{where}]")
    return rep, problems


def any_entry(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM audit_log LIMIT 1").fetchone() is not None


def insert_verbatim(conn: sqlite3.Connection, entries: list[tuple]) -> None:
    """Copy entries as they are, ids and hashes included (a bundle import or a team push):
    (id, at, actor, action, subject_type, subject_id, data JSON, prev_hash, hash, key_id, sig)."""
    conn.executemany(
        "INSERT INTO audit_log (id, at, actor, action, subject_type, subject_id, data, prev_hash, hash, key_id, "
        "sig) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", entries)
