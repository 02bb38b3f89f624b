"""The audit chain without a database: entry hashes, signatures, key registry, checkpoints.

An entry's ``hash`` is SHA-256 over the previous entry's hash and the entry's fields (and, for
signed entries, the id of the key that signs it); ``sig`` is the Ed25519 signature of that hash
by the actor's key. The keys themselves are registered *in the chain*: a ``workspace.key`` or
``user.key`` entry carries the public key and is signed by it; a user gets one key, never a
replacement. So a verifier needs nothing but the entries: the public keys in the database's
tables are not trusted.

Entries written before signing existed (``key_id`` empty) are *legacy*: verified by hash only,
and only as a prefix of the chain. A *checkpoint* is the signed head (last id, hash, count) of
the chain; it is written outside the database (beside it, into backups, bundles, approval files
and reports), so truncating the log or re-hashing it is caught against any earlier checkpoint.

Used by store/audit.py (SQLite) and by bundle import; no SQL, no Qt.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from orm_desktop import identity

GENESIS = "0" * 64
AUDIT_DOMAIN = "orm-desktop/audit/v1"
CHECKPOINT_DOMAIN = "orm-desktop/checkpoint/v1"
APPROVAL_DOMAIN = "orm-desktop/approval/v1"
CHECKPOINT_FORMAT = "orm-desktop-checkpoint"
KEY_ACTIONS = ("workspace.key", "user.key")
WORKSPACE_ACTOR = "workspace"


def entry_hash(prev_hash: str, at: int, actor: str, action: str, subject_type: str,
               subject_id: int | None, data: str, key_id: str | None = None) -> str:
    """The hash of an entry; legacy entries (no key) keep the original formula."""
    fields: list[Any] = [prev_hash, at, actor, action, subject_type, subject_id, data]
    if key_id is not None:
        fields.append(key_id)
    payload = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Row:
    """One stored audit entry, ``data`` as its stored JSON text."""

    id: int
    at: int
    actor: str
    action: str
    subject_type: str
    subject_id: int | None
    data: str
    prev_hash: str
    hash: str
    key_id: str | None = None
    sig: str | None = None

    @classmethod
    def from_mapping(cls, m: Mapping[str, Any]) -> Row:
        data = m["data"]
        if not isinstance(data, str):
            data = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        key_id, sig = m.get("key_id"), m.get("sig")
        if not all(v is None or isinstance(v, str) for v in (key_id, sig)):
            raise ValueError("key_id and sig must be text")
        return cls(int(m["id"]), int(m["at"]), str(m["actor"]), str(m["action"]), str(m["subject_type"]),
                   None if m["subject_id"] is None else int(m["subject_id"]), data, str(m["prev_hash"]),
                   str(m["hash"]), key_id, sig)


@dataclass(frozen=True, slots=True)
class Key:
    owner: str  # a user name, or "workspace"
    public_key: str
    kind: str  # user | workspace


@dataclass
class Registry:
    """Keys registered in the chain so far: by key id, and each user's one key."""

    keys: dict[str, Key] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)  # casefolded name -> key id

    def user_key(self, name: str) -> Key | None:
        kid = self.users.get(name.strip().casefold())
        return self.keys[kid] if kid else None


@dataclass
class Report:
    checked: int = 0
    legacy: int = 0
    signed: int = 0
    broken_id: int | None = None
    why: str = ""
    last_id: int = 0
    head: str = GENESIS
    registry: Registry = field(default_factory=Registry)
    hashes: dict[int, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.broken_id is None and not self.why


def sign_entry(priv, entry_hash_hex: str) -> str:
    return identity.sign(priv, AUDIT_DOMAIN, entry_hash_hex)


def verify_chain(rows: Iterable[Row]) -> Report:
    """Check every link, hash and signature; stops at the first problem (``broken_id``)."""
    rep = Report()
    prev, signed_seen = GENESIS, False
    for r in rows:
        rep.checked += 1
        problem = _check_row(r, prev, signed_seen, rep.registry)
        if problem:
            rep.broken_id, rep.why = r.id, problem
            return rep
        if r.key_id is None:
            rep.legacy += 1
        else:
            rep.signed += 1
            signed_seen = True
        prev = r.hash
        rep.last_id, rep.head = r.id, r.hash
        rep.hashes[r.id] = r.hash
    return rep


def _check_row(r: Row, prev: str, signed_seen: bool, reg: Registry) -> str:
    if r.prev_hash != prev:
        return "its prev_hash does not match the entry before it (entry removed or inserted)"
    if r.key_id is None or r.sig is None:
        if r.key_id is not None or r.sig is not None:
            return "it is half signed (key or signature missing)"
        if signed_seen:
            return "it is unsigned although signing had begun (an entry inserted without a key)"
        if entry_hash(r.prev_hash, r.at, r.actor, r.action, r.subject_type, r.subject_id, r.data) != r.hash:
            return "its content does not match its hash (entry altered)"
        return ""
    if entry_hash(r.prev_hash, r.at, r.actor, r.action, r.subject_type, r.subject_id, r.data, r.key_id) != r.hash:
        return "its content does not match its hash (entry altered)"
    try:
        data = json.loads(r.data)
    except ValueError:
        return "its data is not JSON"
    if r.action in KEY_ACTIONS:
        return _register(r, data, reg)
    key = reg.keys.get(r.key_id)
    if key is None:
        return f"it is signed by a key this log never registered ({r.key_id[:12]})"
    if not identity.verify(key.public_key, AUDIT_DOMAIN, r.hash, r.sig):
        return f"its signature does not verify (forged or altered; signer {key.owner})"
    actor_key = reg.user_key(r.actor)
    if actor_key is not None and actor_key is not key:
        return _attested(r, data, reg) or ""
    if actor_key is None and key.kind == "user":
        return f"it is signed by {key.owner}'s key in the name of {r.actor}"
    return ""


def _register(r: Row, data: Any, reg: Registry) -> str:
    pub = data.get("public_key") if isinstance(data, dict) else None
    if not isinstance(pub, str):
        return "a key entry without a public key"
    try:
        kid = identity.key_id_of(pub)
    except identity.IdentityError:
        return "a key entry with a malformed public key"
    if kid != r.key_id:
        return "a key entry signed by another key than the one it registers"
    if not identity.verify(pub, AUDIT_DOMAIN, r.hash, r.sig):
        return "the signature of a key entry does not verify (forged or altered)"
    if kid in reg.keys:
        return "a key registered twice"
    if r.action == "user.key":
        name = r.actor.strip().casefold()
        if name in reg.users:
            return f"a second key for {r.actor} (a user's key is never replaced)"
        reg.users[name] = kid
        reg.keys[kid] = Key(r.actor, pub, "user")
    else:
        reg.keys[kid] = Key(WORKSPACE_ACTOR, pub, "workspace")
    return ""


def _attested(r: Row, data: Any, reg: Registry) -> str:
    """An entry in a user's name signed by someone else: only an approval by file, carrying the
    user's own signed decision for exactly this response and action."""
    att = data.get("attestation") if isinstance(data, dict) else None
    if not isinstance(att, dict):
        return f"it is made in the name of {r.actor} without {r.actor}'s signature"
    problem = check_attestation(att, reg, actor=r.actor)
    if problem:
        return problem
    p = att["payload"]
    if p.get("response_id") != r.subject_id or f"response.{p.get('action')}" != r.action:
        return f"{r.actor}'s signed decision is for another response or action (replayed)"
    return ""


def check_attestation(att: Mapping[str, Any], reg: Registry, *, actor: str) -> str:
    """'' when ``att`` is a decision signed by ``actor``'s registered key, else the problem."""
    key = reg.user_key(actor)
    if key is None:
        return f"{actor} has no registered key"
    payload, sig = att.get("payload"), att.get("sig")
    if not isinstance(payload, dict) or not isinstance(sig, str):
        return f"{actor}'s decision carries no signature"
    if str(payload.get("actor", "")).strip().casefold() != actor.strip().casefold():
        return f"the decision names {payload.get('actor')!r}, not {actor}"
    if not identity.verify(key.public_key, APPROVAL_DOMAIN, payload, sig):
        return f"the decision is not signed by {actor}'s registered key (forged or altered)"
    return ""


# -- checkpoints ----------------------------------------------------------------------------------
def make_checkpoint(priv, *, workspace_id: str, last_id: int, head: str, entries: int,
                    at: int | None = None) -> dict[str, Any]:
    body = {"format": CHECKPOINT_FORMAT, "version": 1, "workspace_id": workspace_id, "last_id": last_id,
            "head": head, "entries": entries, "at": int(at if at is not None else time.time()),
            "public_key": identity.public_b64(priv)}
    body["key_id"] = identity.key_id_of(body["public_key"])
    return {**body, "sig": identity.sign(priv, CHECKPOINT_DOMAIN, body)}


def checkpoint_problem(cp: Any, rep: Report) -> str:
    """'' when the chain in ``rep`` (fully verified) contains the checkpoint, else what is wrong."""
    if not isinstance(cp, dict) or cp.get("format") != CHECKPOINT_FORMAT:
        return "not an audit checkpoint"
    body = {k: v for k, v in cp.items() if k != "sig"}
    try:
        good = identity.key_id_of(str(cp["public_key"])) == cp.get("key_id") and identity.verify(
            str(cp["public_key"]), CHECKPOINT_DOMAIN, body, str(cp.get("sig")))
        last_id, entries = int(cp["last_id"]), int(cp["entries"])
        when = time.strftime("%Y-%m-%d %H:%M", time.gmtime(int(cp.get("at", 0))))
        head = str(cp["head"])
    except (KeyError, TypeError, ValueError, OverflowError, OSError, identity.IdentityError):
        good = False
    if not good:
        return "the checkpoint's signature does not verify (altered or forged checkpoint)"
    key = rep.registry.keys.get(cp["key_id"])
    if key is None or key.kind not in ("workspace", "user"):  # a team login signs its own checkpoints
        return (f"the checkpoint of {when} is signed by a key this log never registered "
                "(the log was rebuilt)")
    if last_id == 0:
        return ""
    if last_id > rep.last_id:
        return (f"the log was truncated: the checkpoint of {when} covers {entries} entries up to "
                f"entry {last_id}; the log ends at entry {rep.last_id}")
    found = rep.hashes.get(last_id)
    if found is None:
        return f"entry {last_id}, named by the checkpoint of {when}, is missing (the log was rewritten)"
    if found != head:
        return f"entry {last_id} differs from the checkpoint of {when} (the log was rewritten)"
    if sum(1 for i in rep.hashes if i <= last_id) != entries:
        return f"the log holds a different number of entries up to {last_id} than the checkpoint of {when}"
    return ""
