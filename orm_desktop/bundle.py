"""Portable workspace: everything a team configured and decided, in one JSON file.

``export_bundle`` writes feeds (as OPML, templates included), entities, rules, workspace
templates, key messages, settings, users, sentiment overrides (by article URL and entity) and
the audit log verbatim. ``import_bundle`` rebuilds a *new* workspace from it: the audit log is
copied with its hashes, so ``audit verify`` still passes; overrides apply to the articles already
stored and to those fetched later with the same canonical URL.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from pathlib import Path

from orm_desktop.atomic import atomic_write
from orm_desktop.errors import UsageError
from orm_desktop.store import audit, db
from orm_desktop.store import mentions as mentions_store
from orm_desktop.store import responses as rstore
from orm_desktop.store import settings as settings_store
from orm_desktop.textsafe import char_note, hidden_char
from orm_desktop.types import ALIASES_MAX, KEY_MESSAGE_MAX, NAME_MAX, QUERY_MAX

FORMAT = "orm-desktop-bundle"
VERSION = 1


def export_bundle(svc, out: Path, *, by: str) -> dict:
    conn = svc.conn
    payload = {
        "format": FORMAT, "version": VERSION, "exported_at": int(time.time()),
        "opml": svc.export_opml(),
        "entities": [{"kind": e.kind, "name": e.name, "query": e.query, "aliases": list(e.aliases),
                      "importance": e.importance, "active": e.active, "title": e.title, "photo": e.photo}
                     for e in svc.entities()],
        "rules": json.loads(__import__("orm_desktop.analysis.rules", fromlist=["export_rules"]).export_rules(conn)),
        "templates": [{"id": r[0], "body": r[1]} for r in rstore.workspace_templates(conn)],
        "key_messages": [{"topic": r[0], "text": r[1], "approved_by": r[2]}
                         for r in rstore.active_key_messages_for_export(conn)],
        "settings": {k: v for k, v in svc.settings().items() if k not in ("demo", "brand_logo", "last_full_refresh")},
        "users": [{"name": r[0], "display_name": r[1], "roles": r[2], "executive": r[3], **_user_key(conn, r[0])}
                  for r in rstore.users_with_executive(conn)],
        "overrides": [{"url": r[0], "entity": r[1], "score": r[2], "by": r[3], "at": r[4]}
                      for r in mentions_store.overrides_by_url(conn)],
        "checkpoint": (cp := audit.checkpoint(conn)),  # the signed head of the audit log below
        "audit": [_plain_entry(e) for e in audit.all_entries(conn) if e.id <= cp["last_id"]],
    }
    # never a file that import_bundle refuses (an entity name with a control character that a
    # colleague's own SQL wrote into a team database, say): one line naming the field instead
    validate_bundle(payload, nothing_was="written")
    text = json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True)
    atomic_write(out, text)
    with db.transaction(conn):
        audit.append(conn, actor=by, action="workspace.export_bundle", subject_type="workspace", subject_id=None,
                     data={"file": str(out), "sha256": hashlib.sha256(text.encode()).hexdigest()}, now=int(time.time()))
    return payload


def import_bundle(svc, path: Path, *, by: str, accept_policy: bool = False) -> dict[str, int]:
    """Rebuild an empty workspace from a bundle: the whole file is validated first (``UsageError``
    naming the first bad field), then imported in ONE transaction, so a bad field, a full disk or
    a kill leaves the workspace as empty as it was and a retry works. Nothing is written beside
    the bundle. Settings that weaken a policy (self-approval, private addresses) apply only with
    ``accept_policy`` (the importing person confirmed them), and that is audited."""
    from orm_desktop.analysis import rules
    from orm_desktop.ingest.opml import parse_opml
    from orm_desktop.responses import workflow as wf

    b = read_bundle(path)
    opml = parse_opml(b["opml"])  # file:// and other local URLs are dropped here, never imported
    conn = svc.conn
    if svc.entities() or svc.feeds() or audit.any_entry(conn):
        raise UsageError("import a bundle into a new, empty workspace (`orm-desktop --workspace DIR init`)")
    verify_bundle_audit(b, path)  # issue 13: chain, signatures, checkpoint and users' keys, before any write
    weaker = _weaker(b)
    enforced = sorted(k for k in weaker if svc.team_enforced_setting(k))  # a team's database enforces these
    weaker = {k: v for k, v in weaker.items() if k not in enforced}
    now = int(time.time())
    with db.transaction(conn):  # every step below nests as a savepoint: all or nothing
        # the audit log first, verbatim, so its chain continues unbroken
        audit.insert_verbatim(
            conn,
            [(e["id"], e["at"], e["actor"], e["action"], e["subject_type"], e["subject_id"],
              json.dumps(e["data"], ensure_ascii=False, sort_keys=True, separators=(",", ":")),
              e["prev_hash"], e["hash"], e.get("key_id"), e.get("sig")) for e in b["audit"]])
        for key, value in b["settings"].items():
            if key in enforced or (key in weaker and not accept_policy):
                continue
            settings_store.set_(conn, key, value)
        for e in b["entities"]:
            svc.add_entity(e["kind"], e["name"], e["query"], aliases=e["aliases"], importance=e["importance"],
                           title=e["title"], match_existing=False)
        svc._import_outlines(opml.feeds)
        for u in b["users"]:
            _import_user_key(conn, u)  # first: the user may be the one importing (and signing)
            wf.add_user(conn, u["name"], u["roles"], display_name=u["display_name"], executive=u["executive"], by=by)
        for t in b["templates"]:
            wf.save_template(conn, t["body"], by=by)
        for k in b["key_messages"]:
            rstore.import_key_message(conn, k["topic"], k["text"], k["approved_by"])
        rules.import_rules(conn, json.dumps(b["rules"]), by=by)
        users = {u["name"].casefold() for u in b["users"]}
        overrides = [dict(o, imported_by=by) for o in b["overrides"] if o["by"].casefold() in users]
        settings_store.set_(conn, "pending_overrides", overrides)
        skipped = len(b["overrides"]) - len(overrides)
        audit.append(conn, actor=by, action="workspace.import_bundle", subject_type="workspace", subject_id=None,
                     data={"file": str(path), "overrides": len(overrides), "overrides_by_unknown_users": skipped,
                           "feeds_skipped": len(opml.problems), "ignored_settings": b["ignored_settings"],
                           "policy_not_applied": sorted(weaker) if not accept_policy else []}, now=now)
        if weaker and accept_policy:
            audit.append(conn, actor=by, action="workspace.policy_weakened", subject_type="workspace", subject_id=None,
                         data={"from_bundle": str(path), "settings": weaker}, now=now)
        apply_pending_overrides(conn)
    counts = {k: len(b[k]) for k in ("entities", "rules", "templates", "users", "audit")}
    counts["overrides"] = len(overrides)
    if skipped:
        counts["overrides skipped (unknown user)"] = skipped
    if opml.problems:
        counts["feeds skipped"] = len(opml.problems)
    if weaker and not accept_policy:
        counts["weaker policy settings NOT applied (" + ", ".join(sorted(weaker)) + "; --accept-policy)"] = len(weaker)
    if enforced:
        counts["settings ignored: the team database enforces them (" + ", ".join(enforced) + ")"] = len(enforced)
    return counts


def read_bundle(path: Path) -> dict:
    """The bundle's content, validated (``UsageError`` naming the first bad field)."""
    payload = read_json_file(path, "bundle")
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise UsageError(f"{path} is not an ORM Desktop bundle")
    version = payload.get("version", 0)
    if not isinstance(version, int) or isinstance(version, bool):
        raise UsageError(f"{path}: bundle field 'version' must be a whole number")
    if version > VERSION:
        raise UsageError("the bundle was written by a newer ORM Desktop")
    return validate_bundle(payload)


def policy_changes(path: Path) -> dict:
    """The settings in a bundle that would weaken a policy (to ask the importing person first)."""
    return _weaker(read_bundle(path))


def _weaker(b: dict) -> dict:
    return {k: v for k, v in b["settings"].items() if k in POLICY_KEYS and v != settings_store.DEFAULTS.get(k)}


# -- validation: every field against a type and a range, before anything is written ------------
POLICY_KEYS = ("allow_self_approval", "allow_private_addresses")
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_NAME = re.compile(r"^[\w.@+-]{1,64}$")


class _Bad(Exception):
    pass


def _str(v, where: str, *, max_len: int = 2000, empty: bool = True) -> str:
    if not isinstance(v, str) or len(v) > max_len or (not empty and not v.strip()):
        raise _Bad(f"{where} must be {'a non-empty' if not empty else 'a'} text of at most {max_len} characters")
    return v


def _plain(v: str, where: str) -> str:
    """An entity's name, alias or title: no control characters (as Service.add_entity refuses)."""
    if c := hidden_char(v):
        raise _Bad(f"{where} cannot contain a control character ({char_note(c)})")
    return v


def _opt_text(v, where: str) -> str | None:
    return None if v is None else _str(v, where, max_len=2000)


def _num(v, where: str, lo: float, hi: float) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or not lo <= v <= hi:
        raise _Bad(f"{where} must be a number from {lo:g} to {hi:g}")
    return float(v)


def _int(v, where: str, lo: int = 0, hi: int = 1 << 62) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise _Bad(f"{where} must be a whole number from {lo} to {hi}")
    return v


def _list(v, where: str, max_items: int = 100_000) -> list:
    if not isinstance(v, list) or len(v) > max_items:
        raise _Bad(f"{where} must be a list (at most {max_items} entries)")
    return v


def _expect(v, types: type | tuple, where: str, what: str):
    if not isinstance(v, types):
        raise _Bad(f"{where} must be {what}")
    return v


def _obj(v, where: str) -> dict:
    return _expect(v, dict, where, "an object")


def _networks(v, where: str):
    import ipaddress

    if isinstance(v, bool):
        return v
    for i, n in enumerate(_list(v, where, 100)):
        try:
            ipaddress.ip_network(_str(n, f"{where}[{i}]", max_len=64), strict=False)
        except ValueError:
            raise _Bad(f"{where}[{i}] is not an address or network") from None
    return list(v)


def _topics(v, where: str):
    if v is None:
        return None
    topics = _obj(_obj(v, where).get("topics", v), where)
    if len(topics) > 500:
        raise _Bad(f"{where} has more than 500 topics")
    for tid, t in topics.items():
        if not _NAME.match(tid):
            raise _Bad(f"{where}: topic id {tid[:40]!r} must be letters, digits or _ (at most 64)")
        t = _obj(t, f"{where}.{tid}")
        _str(t.get("label", ""), f"{where}.{tid}.label", max_len=200)
        for i, k in enumerate(_list(t.get("keywords", []), f"{where}.{tid}.keywords", 1000)):
            _str(k, f"{where}.{tid}.keywords[{i}]", max_len=200)
    return v


def _sla(v, where: str) -> dict:
    v = _obj(v, where)
    if set(v) != {"P1", "P2", "P3", "P4"}:
        raise _Bad(f"{where} must give hours for exactly P1, P2, P3 and P4")
    return {k: _num(h, f"{where}.{k}", 0.1, 24 * 366) for k, h in v.items()}


def _engine(v, where: str) -> str:
    from orm_desktop.analysis.sentiment import available_engines

    if v not in available_engines():
        raise _Bad(f"{where} must be one of {', '.join(available_engines())}")
    return v


def _color(v, where: str) -> str:
    if _expect(v, str, where, "a colour like #0F6E8C") == "":  # the default colour
        return v
    if not _HEX.match(v):
        raise _Bad(f"{where} must be a colour like #0F6E8C")
    return v


def _bool(v, where: str) -> bool:
    return _expect(v, bool, where, "true or false")


SETTINGS_SCHEMA = {
    "brand_name": lambda v, w: _plain(_str(v, w, max_len=NAME_MAX), w),  # printed by `settings get`:
    "contact": lambda v, w: _plain(_str(v, w, max_len=NAME_MAX), w),  # no terminal escapes from a bundle
    "brand_color": _color,
    "brand_accent": _color,
    "sentiment_engine": _engine,
    "sla_hours": _sla,
    "allow_self_approval": _bool,
    "refresh_minutes": lambda v, w: _int(v, w, 0, 7 * 24 * 60),  # 0: never (the Settings page offers it)
    "topics": _topics,
    "allow_private_addresses": _networks,
}
# never taken from a file: local paths (brand_logo), where reports and alerts are sent (deliveries:
# a bundle must not mail every report to its author), and the app's own bookkeeping
SETTINGS_IGNORED = ("brand_logo", "deliveries", "demo", "pending_overrides", "feed_templates", "rescore_in_progress",
                    "scheduled_last_run")


def validate_bundle(p: dict, *, nothing_was: str = "imported") -> dict:
    """The bundle's content, checked field by field; UsageError names the first bad field (and
    says that nothing was ``nothing_was``)."""
    from orm_desktop.errors import KnownError
    from orm_desktop.ingest.query import EntityQuery
    from orm_desktop.responses.templates import parse_template
    from orm_desktop.responses.workflow import ROLES
    from orm_desktop.types import ENTITY_KINDS

    out: dict = {"opml": "<opml version=\"2.0\"><body/></opml>", "ignored_settings": []}
    try:
        if "opml" in p:
            out["opml"] = _str(p["opml"], "opml", max_len=5 * 1024 * 1024)
        out["audit"] = []
        for i, e in enumerate(_list(p.get("audit", []), "audit")):
            w = f"audit[{i}]"
            e = _obj(e, w)
            sid = e.get("subject_id")
            if sid is not None and (isinstance(sid, bool) or not isinstance(sid, int | str)):
                raise _Bad(f"{w}.subject_id must be a number, a text or null")
            out["audit"].append({"id": _int(e.get("id"), f"{w}.id", 1), "at": _int(e.get("at"), f"{w}.at"),
                                 "actor": _str(e.get("actor"), f"{w}.actor", max_len=200),
                                 "action": _str(e.get("action"), f"{w}.action", max_len=200),
                                 "subject_type": _str(e.get("subject_type"), f"{w}.subject_type", max_len=200),
                                 "subject_id": sid, "data": e.get("data"),
                                 "prev_hash": _str(e.get("prev_hash"), f"{w}.prev_hash", max_len=200),
                                 "hash": _str(e.get("hash"), f"{w}.hash", max_len=200),
                                 "key_id": _opt_text(e.get("key_id"), f"{w}.key_id"),
                                 "sig": _opt_text(e.get("sig"), f"{w}.sig")})
        out["checkpoint"] = p.get("checkpoint")  # checked by verify_bundle_audit
        out["settings"] = {}
        for key, value in _obj(p.get("settings", {}), "settings").items():
            if key in SETTINGS_SCHEMA:
                out["settings"][key] = SETTINGS_SCHEMA[key](value, f"settings.{key}")
            elif key not in SETTINGS_IGNORED:  # unknown: listed in the import's audit entry
                out["ignored_settings"].append(str(key)[:64])
        out["entities"] = []
        names = set()
        for i, e in enumerate(_list(p.get("entities", []), "entities", 10_000)):
            w = f"entities[{i}]"
            e = _obj(e, w)
            if e.get("kind") not in ENTITY_KINDS:
                raise _Bad(f"{w}.kind must be one of {', '.join(ENTITY_KINDS)}")
            name = _plain(_str(e.get("name"), f"{w}.name", max_len=NAME_MAX, empty=False), f"{w}.name").strip()
            if name.casefold() in names:
                raise _Bad(f"{w}.name {name[:60]!r} appears twice")
            names.add(name.casefold())
            aliases = [_plain(_str(a, f"{w}.aliases[{j}]", max_len=NAME_MAX), f"{w}.aliases[{j}]") for j, a in
                       enumerate(_list(e.get("aliases", []), f"{w}.aliases", ALIASES_MAX))]
            query = _str(e.get("query") or f'"{name}"', f"{w}.query", max_len=QUERY_MAX)
            try:
                EntityQuery.parse(query, tuple(aliases))
            except KnownError as exc:
                raise _Bad(f"{w}.query: {exc}") from None
            except RecursionError:
                raise _Bad(f"{w}.query is nested too deeply") from None
            out["entities"].append({"kind": e["kind"], "name": name, "query": query, "aliases": aliases,
                                    "importance": _num(e.get("importance", 1.0), f"{w}.importance", 0, 10),
                                    "title": _plain(_str(e.get("title", ""), f"{w}.title", max_len=NAME_MAX),
                                                    f"{w}.title")})
        out["users"] = []
        for i, u in enumerate(_list(p.get("users", []), "users", 1000)):
            w = f"users[{i}]"
            u = _obj(u, w)
            name = _str(u.get("name"), f"{w}.name", max_len=64, empty=False)
            roles = tuple(r.strip() for r in _str(u.get("roles"), f"{w}.roles", max_len=200).split(",") if r.strip())
            if not roles or any(r not in ROLES for r in roles):
                raise _Bad(f"{w}.roles must be among {', '.join(ROLES)}")
            executive = u.get("executive")
            if executive is not None and _str(executive, f"{w}.executive", max_len=200).casefold() not in names:
                raise _Bad(f"{w}.executive names no entity of the bundle")
            out["users"].append({"name": name, "roles": roles, "executive": executive,
                                 "display_name": _str(u.get("display_name", ""), f"{w}.display_name", max_len=200),
                                 **{k: _opt_text(u.get(k), f"{w}.{k}") for k in ("public_key", "private_key")
                                    if u.get(k) is not None}})
        out["templates"] = []
        for i, t in enumerate(_list(p.get("templates", []), "templates", 1000)):
            body = _str(_obj(t, f"templates[{i}]").get("body"), f"templates[{i}].body", max_len=200_000)
            try:
                parse_template(body, shipped=False)
            except KnownError as exc:
                raise _Bad(f"templates[{i}]: {exc}") from None
            out["templates"].append({"body": body})
        out["key_messages"] = [
            {"topic": _str(k.get("topic"), f"key_messages[{i}].topic", max_len=NAME_MAX),
             "text": _str(k.get("text"), f"key_messages[{i}].text", max_len=KEY_MESSAGE_MAX),
             "approved_by": _str(k.get("approved_by", ""), f"key_messages[{i}].approved_by", max_len=200)}
            for i, k in enumerate(_obj(k, f"key_messages[{i}]") for i, k in
                                  enumerate(_list(p.get("key_messages", []), "key_messages", 10_000)))]
        out["rules"] = []
        for i, r in enumerate(_list(p.get("rules", []), "rules", 10_000)):
            r = _obj(r, f"rules[{i}]")
            _str(r.get("name", ""), f"rules[{i}].name", max_len=NAME_MAX)
            _obj(r.get("conditions", {}), f"rules[{i}].conditions")
            _obj(r.get("actions", {}), f"rules[{i}].actions")
            out["rules"].append(r)
        out["overrides"] = []
        for i, o in enumerate(_list(p.get("overrides", []), "overrides")):
            w = f"overrides[{i}]"
            o = _obj(o, w)
            out["overrides"].append({"url": _str(o.get("url"), f"{w}.url", max_len=4000, empty=False),
                                     "entity": _str(o.get("entity"), f"{w}.entity", max_len=200, empty=False),
                                     "score": _num(o.get("score"), f"{w}.score", -1, 1),
                                     "by": _str(o.get("by") or "", f"{w}.by", max_len=64),
                                     "at": _int(o.get("at", 0) or 0, f"{w}.at")})
    except _Bad as exc:
        raise UsageError(f"the bundle is invalid: {exc}; nothing was {nothing_was}") from None
    return out


def _plain_entry(e) -> dict:
    return {"id": e.id, "at": e.at, "actor": e.actor, "action": e.action, "subject_type": e.subject_type,
            "subject_id": e.subject_id, "data": e.data, "prev_hash": e.prev_hash, "hash": e.hash,
            "key_id": e.key_id, "sig": e.sig}


def _user_key(conn, name: str) -> dict:
    from orm_desktop.store import identity as id_store

    sk = id_store.user_key(conn, name)
    return {"public_key": sk.public_key, "private_key": sk.private_key} if sk else {}


def verify_bundle_audit(payload: dict, path: Path):
    """Refuse a bundle whose audit log is broken, not signed by the keys it registers, or not
    the one its signed checkpoint names (issue 13); also each user's key must be the one the log
    registers for that user. Returns the chain report."""
    from orm_desktop import chain, identity

    try:
        rows = [chain.Row.from_mapping(e) for e in payload.get("audit") or []]
    except (KeyError, TypeError, ValueError, AttributeError):
        raise UsageError(f"{path} refused: its audit log is malformed") from None
    rep = chain.verify_chain(rows)
    if not rep.ok:
        raise UsageError(f"{path} refused: its audit log is broken at entry {rep.broken_id}: {rep.why}")
    if rows:
        cp = payload.get("checkpoint")
        problem = chain.checkpoint_problem(cp, rep) if cp is not None else "it carries no signed checkpoint"
        if not problem and cp["last_id"] != rep.last_id:
            problem = "its audit log does not end where its signed checkpoint says"
        if problem:
            raise UsageError(f"{path} refused: {problem}")
    users = payload.get("users") or []
    if not isinstance(users, list):
        raise UsageError(f"{path} refused: its users are not a list")
    for u in users:
        pub = u.get("public_key") if isinstance(u, dict) else None
        if pub is None:
            continue
        key = rep.registry.user_key(str(u.get("name", "")))
        if key is None or key.public_key != pub or identity.public_key_of_blob(str(u.get("private_key", ""))) != pub:
            raise UsageError(f"{path} refused: the key of user {u.get('name')!r} is not the one its audit log registers")
    return rep


def _import_user_key(conn, u: dict) -> None:
    """The user's key as the bundle's (verified) audit log registered it: stored, not re-registered."""
    from orm_desktop import identity
    from orm_desktop.store import identity as id_store

    if u.get("public_key") and id_store.user_key(conn, u["name"]) is None:  # a duplicate: add_user refuses it
        with db.transaction(conn):
            id_store.add_user_key(conn, u["name"], key_id=identity.key_id_of(u["public_key"]),
                                  public_key=u["public_key"], private_key=u.get("private_key", ""),
                                  now=int(time.time()))


def read_json_file(path: Path, what: str):
    """A JSON document from a file the user named; UsageError for a missing or unreadable one."""
    from orm_desktop.userfiles import read_text_file

    text = read_text_file(path, what)
    try:
        return no_lone_surrogates(json.loads(text))
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path} is not {_a(what)} file: {exc}") from None
    except RecursionError:
        raise UsageError(f"{path} is not {_a(what)} file: it is nested too deeply") from None
    except UnicodeEncodeError:
        raise UsageError(f"{path} is not {_a(what)} file: it escapes a lone surrogate (such as \\ud800), "
                         "which is not text") from None


def no_lone_surrogates(obj):
    """``obj`` (parsed JSON) as it is; UnicodeEncodeError when one of its strings holds a lone
    surrogate. JSON may escape one ("\\ud800"), UTF-8, SQLite and the audit chain's hashes refuse
    it: a bundle carrying one died of a UnicodeEncodeError traceback while its chain was checked."""
    json.dumps(obj, ensure_ascii=False).encode("utf-8")
    return obj


def _a(what: str) -> str:
    return f"{'an' if what[0] in 'aeiou' else 'a'} {what}"


def apply_pending_overrides(conn) -> int:
    """Apply imported overrides to the stored articles they name (called after refreshes too)."""
    pending = settings_store.get(conn, "pending_overrides", [])
    if not pending:
        return 0
    left, applied = [], 0
    with db.transaction(conn):
        for o in pending:
            score = o.get("score")
            if isinstance(score, bool) or not isinstance(score, int | float) or not -1 <= score <= 1:
                continue  # a value stored before bundles were validated: dropped, never applied
            ids = mentions_store.set_override_by_url(conn, o["url"], o["entity"], score, o["by"], o["at"])
            for mid in ids:  # an imported override is audited when it lands on an article
                audit.append(conn, actor=o.get("imported_by") or o["by"] or "import", action="mention.override",
                             subject_type="mention", subject_id=mid,
                             data={"score": score, "imported": True, "by": o["by"], "at": o["at"]},
                             now=int(time.time()))
            if ids:
                applied += 1
            else:
                left.append(o)
        settings_store.set_(conn, "pending_overrides", left)
    return applied
