"""Approval by file, for executives without access to the comms laptop.

1. ``export_request``: a self-contained JSON file with the response (text and its SHA-256), the
   mention it answers and the response's audit history.
2. ``decide`` (no workspace needed): the approver records approve or request-changes, with a
   comment, in the file; the decision is hashed together with the text it was made on.
3. ``merge``: back on the comms laptop the decision is applied as that user, under the
   workspace's rules (four-eyes, executive approval), only if the text is still the one that
   was approved; the file's hash and the decision go to the audit log.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

from orm_desktop.atomic import atomic_write
from orm_desktop.errors import UsageError, WorkflowError
from orm_desktop.store import audit, db
from orm_desktop.store import entities as entities_store
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
        "format": FORMAT, "version": 1, "exported_at": int(time.time()), "exported_by": by,
        "response": {"id": r.id, "version": r.version, "text": r.text, "text_sha256": _sha(r.text),
                     "template": r.template_id, "channel": r.channel, "author": r.author,
                     "in_name_of": exe.name if exe else None},
        "mention": ({"title": m.title, "source": m.source, "url": m.url, "snippet": m.snippet,
                     "entity": m.entity, "published": m.published} if m else None),
        "history": [{"at": e.at, "actor": e.actor, "action": e.action, "data": e.data, "hash": e.hash}
                    for e in wf.history(conn, r.id)],
        "decision": None,
    }
    atomic_write(out, json.dumps(payload, ensure_ascii=False, indent=1))
    with db.transaction(conn):
        audit.append(conn, actor=by, action="response.export_approval", subject_type="response", subject_id=r.id,
                     data={"file": str(out), "text_sha256": _sha(r.text)}, now=int(time.time()))
    return payload


def _load(path: Path) -> dict:
    from orm_desktop.bundle import read_json_file

    payload = read_json_file(path, "approval")
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise UsageError(f"{path} is not an ORM Desktop approval file")
    problem = _shape_problem(payload)
    if problem:
        raise UsageError(f"{path} is not a valid approval file: {problem}")
    if _sha(payload["response"]["text"]) != payload["response"]["text_sha256"]:
        raise UsageError(f"{path} was altered: its text does not match the hash it was exported with")
    return payload


def decide(path: Path, *, actor: str, approve: bool, comment: str = "") -> dict:
    """Record a decision in the file (works without a workspace)."""
    payload = _load(path)
    if payload.get("decision"):
        raise UsageError(f"{path} already holds a decision by {payload['decision']['actor']}")
    if not approve and not comment.strip():
        raise UsageError("say what should change: a comment is required")
    decision = {"actor": actor, "action": "approve" if approve else "request_changes", "comment": comment,
                "at": int(time.time()), "text_sha256": payload["response"]["text_sha256"]}
    decision["decision_sha256"] = _sha(json.dumps(decision, sort_keys=True))
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
    check = {k: d[k] for k in ("actor", "action", "comment", "at", "text_sha256")}
    if _sha(json.dumps(check, sort_keys=True)) != d.get("decision_sha256") or d["text_sha256"] != payload[
            "response"]["text_sha256"]:
        raise UsageError(f"{path} was altered after the decision was made")
    rid = payload["response"]["id"]
    r = wf.get(conn, rid)
    if r.version != payload["response"]["version"] or _sha(r.text) != payload["response"]["text_sha256"]:
        raise WorkflowError(f"response {rid} changed since the approval request was exported "
                            f"(version {payload['response']['version']}, now {r.version}); export a new request")
    comment = (d["comment"] + " " if d["comment"] else "") + f"(by approval file, {d['decision_sha256'][:12]})"
    r = wf.transition(conn, rid, d["action"], by=d["actor"], comment=comment)
    with db.transaction(conn):
        audit.append(conn, actor=by, action="response.merge_approval", subject_type="response", subject_id=rid,
                     data={"decision": d, "file_sha256": _sha(Path(path).read_text(encoding="utf-8"))},
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
        d = ok(p["decision"], {"actor": str, "action": str, "comment": str, "at": int, "text_sha256": str,
                               "decision_sha256": str})
        if d:
            return f"decision: {d}"
    return ""
