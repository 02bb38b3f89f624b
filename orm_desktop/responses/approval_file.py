"""Approval by file, for executives without access to the comms laptop.

1. ``export_request``: a self-contained JSON file with the response (text and its SHA-256), the
   mention it answers and the response's audit history.
   It names the workspace, a random request id, the response id, its version and the text's
   SHA-256, and carries a signed checkpoint of the audit log.
2. ``decide`` (no workspace needed, but the approver's key and passphrase): the approver
   records approve or request-changes, with a comment; the decision (workspace, request,
   response id, version, text hash, action, comment, time) is signed with the approver's
   Ed25519 key.
3. ``merge``: back on the comms laptop the signature is checked against the approver's public
   key *as registered in the audit log*; the decision must name this workspace, a request
   exported from it and never merged before, and the response's current version and text. Only
   then is it applied as that user, under the workspace's rules (four-eyes, executive
   approval); the audit entry carries the signed decision, so `audit verify` re-checks it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from pathlib import Path

from orm_desktop import chain, identity
from orm_desktop.atomic import atomic_write
from orm_desktop.errors import UsageError, WorkflowError
from orm_desktop.store import audit, db
from orm_desktop.store import entities as entities_store
from orm_desktop.store import identity as id_store
from orm_desktop.store import mentions as mentions_store

FORMAT = "orm-desktop-approval"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def export_request(conn, response_id: int, out: Path, *, by: str) -> dict:
    from orm_desktop.responses import workflow as wf

    r = wf.get(conn, response_id)
    if r.state != "in_review":
        raise WorkflowError(f"response {response_id} is {r.state.replace('_', ' ')}; only responses in review "
                            "can be sent for approval by file")
    m = mentions_store.get(conn, r.mention_id) if r.mention_id else None
    exe = entities_store.get(conn, r.in_name_of) if r.in_name_of else None
    payload = {
        "format": FORMAT, "version": 2, "exported_at": int(time.time()), "exported_by": by,
        "workspace_id": id_store.workspace_id(conn), "request_id": secrets.token_hex(16),
        "response": {"id": r.id, "version": r.version, "text": r.text, "text_sha256": _sha(r.text),
                     "template": r.template_id, "channel": r.channel, "author": r.author,
                     "in_name_of": exe.name if exe else None},
        "mention": ({"title": m.title, "source": m.source, "url": m.url, "snippet": m.snippet,
                     "entity": m.entity, "published": m.published} if m else None),
        "history": [{"at": e.at, "actor": e.actor, "action": e.action, "data": e.data, "hash": e.hash}
                    for e in wf.history(conn, r.id)],
        "decision": None,
    }
    payload["checkpoint"] = audit.checkpoint(conn)  # the log as the approver saw it exported
    atomic_write(out, json.dumps(payload, ensure_ascii=False, indent=1))
    with db.transaction(conn):
        audit.append(conn, actor=by, action="response.export_approval", subject_type="response", subject_id=r.id,
                     data={"file": str(out), "text_sha256": _sha(r.text), "request_id": payload["request_id"],
                           "version": r.version}, now=int(time.time()))
    return payload


def _load(path: Path) -> dict:
    from orm_desktop.bundle import read_json_file

    payload = read_json_file(path, "approval")
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise UsageError(f"{path} is not an ORM Desktop approval file")
    problem = _shape_problem(payload)
    if problem:
        raise UsageError(f"{path} is not a valid approval file: {problem}")
    resp = payload["response"]
    if _sha(resp["text"]) != resp["text_sha256"]:
        raise UsageError(f"{path} was altered: its text does not match the hash it was exported with")
    if payload.get("version") != 2 or not isinstance(payload.get("request_id"), str):
        raise UsageError(f"{path} is an approval file of an older ORM Desktop: export a new request")
    return payload


def decide(path: Path, *, actor: str, approve: bool, key, comment: str = "") -> dict:
    """Record a decision in the file, signed with ``key`` (the approver's unlocked private key;
    works without a workspace)."""
    payload = _load(path)
    if payload.get("decision"):
        raise UsageError(f"{path} already holds a decision by {payload['decision'].get('actor')}")
    if not approve and not comment.strip():
        raise UsageError("say what should change: a comment is required")
    resp = payload["response"]
    signed = {"format": "orm-desktop-approval-decision", "actor": actor,
              "action": "approve" if approve else "request_changes", "comment": comment,
              "at": int(time.time()), "workspace_id": payload["workspace_id"], "request_id": payload["request_id"],
              "response_id": resp["id"], "version": resp["version"], "text_sha256": resp["text_sha256"],
              "key_id": identity.key_id_of(identity.public_b64(key))}
    decision = {"actor": actor, "action": signed["action"], "comment": comment, "at": signed["at"],
                "payload": signed, "sig": identity.sign(key, chain.APPROVAL_DOMAIN, signed)}
    payload["decision"] = decision
    atomic_write(path, json.dumps(payload, ensure_ascii=False, indent=1))
    return decision


def merge(conn, path: Path, *, by: str):
    """Apply the file's decision to the response; returns the updated response."""
    from orm_desktop.responses import workflow as wf

    payload = _load(path)
    d = payload.get("decision")
    if not d:
        raise UsageError(f"{path} holds no decision yet")
    att = {"payload": d.get("payload") if isinstance(d, dict) else None, "sig": d.get("sig") if isinstance(
        d, dict) else None}
    p = att["payload"]
    if not isinstance(p, dict) or not isinstance(att["sig"], str):
        raise WorkflowError(f"{path}: the decision is not signed; it was not made with `approval decide`")
    rep = audit.verify_report(conn)
    if not rep.ok:
        raise WorkflowError(f"the audit log is broken at entry {rep.broken_id} ({rep.why}); "
                            "run `orm-desktop audit verify` before merging approvals")
    actor = str(p.get("actor", ""))
    problem = chain.check_attestation(att, rep.registry, actor=actor)
    if problem:
        raise WorkflowError(f"{path} refused: {problem}")
    rid = p.get("response_id")
    if not (isinstance(rid, int) and isinstance(p.get("version"), int) and isinstance(p.get("comment"), str)
            and isinstance(p.get("request_id"), str)):
        raise WorkflowError(f"{path} refused: the signed decision is incomplete")
    if p.get("action") not in ("approve", "request_changes"):
        raise WorkflowError(f"{path} refused: unknown decision {p.get('action')!r}")
    if p.get("workspace_id") != id_store.workspace_id(conn):
        raise WorkflowError(f"{path} refused: the decision was made for another workspace")
    if rid != payload["response"]["id"] or p.get("request_id") != payload["request_id"]:
        raise WorkflowError(f"{path} refused: the signed decision was made on response {rid}, not on "
                            f"response {payload['response']['id']} (a replayed approval)")
    if audit.find(conn, "response.export_approval", "request_id", p["request_id"], subject_id=rid) is None:
        raise WorkflowError(f"{path} refused: response {rid} was never sent for approval with this request")
    if audit.find(conn, "response.merge_approval", "request_id", p["request_id"]) is not None:
        raise WorkflowError(f"{path} refused: this decision was already merged (a replayed approval)")
    r = wf.get(conn, rid)
    if r.version != p.get("version") or _sha(r.text) != p.get("text_sha256"):
        raise WorkflowError(f"response {rid} changed since the approval request was exported "
                            f"(version {p.get('version')}, now {r.version}); export a new request")
    comment = (p.get("comment") + " " if p.get("comment") else "") + f"(by approval file, {att['sig'][:12]})"
    r = wf.transition(conn, rid, str(p.get("action")), by=actor, comment=comment, attestation=att, signer=by)
    with db.transaction(conn):
        audit.append(conn, actor=by, action="response.merge_approval", subject_type="response", subject_id=rid,
                     data={"request_id": p["request_id"], "decision": att,
                           "file_sha256": _sha(Path(path).read_text(encoding="utf-8"))},
                     now=int(time.time()))
    return r


def _shape_problem(p: dict) -> str:
    """'' when every field the app reads from an approval file has the right type, else which one."""
    def ok(obj, fields: dict) -> str:
        if not isinstance(obj, dict):
            return "an object is expected"
        for key, types in fields.items():
            v = obj.get(key)
            if not isinstance(v, types) or (isinstance(v, bool) and int in (types if isinstance(types, tuple) else (types,))):
                return f"field {key!r} has the wrong type"
        return ""

    opt_str = (str, type(None))
    r = ok(p.get("response"), {"id": int, "version": int, "text": str, "text_sha256": str, "author": str,
                               "in_name_of": opt_str})
    if r:
        return f"response: {r}"
    if p.get("mention") is not None:
        m = ok(p["mention"], {"title": str, "source": str})
        if m:
            return f"mention: {m}"
    if p.get("decision") is not None:
        d = ok(p["decision"], {"actor": str, "action": str, "comment": str, "at": int})  # + payload, sig: merge
        if d:
            return f"decision: {d}"
    return ""
