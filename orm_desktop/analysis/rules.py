"""Rules: a saved search (entity, terms, source kind, sentiment, topic, rating, scope) plus
actions (tag, set status, set priority, assign, set sentiment, mute, notify).

A dry run counts and samples the stored mentions a rule would change; applying it to history
changes exactly those (tested). Enabled rules also run on every new mention during a refresh.
Rule changes and applications are recorded in the hash-chained audit log.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from orm_desktop.errors import UsageError
from orm_desktop.ingest.query import EntityQuery
from orm_desktop.store import audit, db
from orm_desktop.store import entities as entities_store
from orm_desktop.store import rules as rules_store
from orm_desktop.types import FEED_KINDS, NAME_MAX, SENTIMENT_FILTERS, STATUSES

CONDITION_KEYS = {"entity", "terms", "kinds", "sentiment", "topic", "min_rating", "max_rating", "feed_id", "category"}
ACTION_KEYS = {"tag", "status", "priority", "assign", "sentiment", "mute", "notify"}


@dataclass(frozen=True, slots=True)
class Rule:
    id: int | None
    name: str
    conditions: dict = field(default_factory=dict)
    actions: dict = field(default_factory=dict)
    enabled: bool = True
    version: int = 0  # the row version as read; 0 saves unconditionally (files, scripts)


# the type each condition and action must have (rules also come from files)
_NUMBER = (int, float)
_TYPES = {"entity": str, "terms": str, "kinds": list, "sentiment": str, "topic": str, "min_rating": _NUMBER,
          "max_rating": _NUMBER, "feed_id": int, "category": str}
_ACTION_TYPES = {"tag": str, "status": str, "priority": _NUMBER, "assign": str, "sentiment": _NUMBER,
                 "mute": (bool, int), "notify": (bool, int)}


def _check_types(rule: Rule) -> None:
    if not isinstance(rule.conditions, dict) or not isinstance(rule.actions, dict):
        raise UsageError("a rule's conditions and actions must be objects")
    for part, types in ((rule.conditions, _TYPES), (rule.actions, _ACTION_TYPES)):
        for k, v in part.items():
            t = types.get(k)
            if t is not None and v is not None and (not isinstance(v, t) or (isinstance(v, bool) and t is _NUMBER)):
                raise UsageError(f"rule {rule.name[:60]!r}: {k} has the wrong type")
    if not all(isinstance(k, str) for k in rule.conditions.get("kinds") or ()):
        raise UsageError(f"rule {rule.name[:60]!r}: kinds must be a list of source kinds")
    for k in ("min_rating", "max_rating", "priority", "sentiment"):
        for part in (rule.conditions, rule.actions):
            v = part.get(k)
            if isinstance(v, float) and v != v:
                raise UsageError(f"rule {rule.name[:60]!r}: {k} is not a number")


def validate(rule: Rule) -> None:
    c, a = rule.conditions, rule.actions
    _check_types(rule)
    if not rule.name.strip():
        raise UsageError("a rule needs a name")
    if len(rule.name) > NAME_MAX:  # what a bundle carries (bundle.validate_bundle)
        raise UsageError(f"a rule's name must be at most {NAME_MAX} characters")
    if set(c) - CONDITION_KEYS:
        raise UsageError(f"unknown rule conditions: {sorted(set(c) - CONDITION_KEYS)}")
    if set(a) - ACTION_KEYS or not a:
        raise UsageError(f"a rule needs actions among {sorted(ACTION_KEYS)}")
    if c.get("terms"):
        EntityQuery.parse(c["terms"])  # QueryError with the position
    if c.get("sentiment") and c["sentiment"] not in SENTIMENT_FILTERS:
        raise UsageError(f"sentiment must be one of {', '.join(SENTIMENT_FILTERS)} (unsupported: not scored)")
    if any(k not in FEED_KINDS for k in c.get("kinds", ())):
        raise UsageError(f"kinds must be among {', '.join(FEED_KINDS)}")
    if a.get("status") and a["status"] not in STATUSES:
        raise UsageError(f"status must be one of {', '.join(STATUSES)}")
    if "sentiment" in a and not -1 <= float(a["sentiment"]) <= 1:
        raise UsageError("a sentiment action must be within [-1, 1]")


def matching_ids(conn, rule: Rule, *, mention_ids: list[int] | None = None) -> list[int]:
    """Mentions the rule's conditions select (all stored ones, or among ``mention_ids``)."""
    validate(rule)
    c = rule.conditions
    entity_id = None
    if c.get("entity"):
        e = entities_store.by_name(conn, c["entity"])
        if e is None:
            raise UsageError(f"no entity {c['entity']!r}")
        entity_id = e.id
    if mention_ids is not None and not mention_ids:
        return []
    fts = EntityQuery.parse(c["terms"]).to_fts() if c.get("terms") else None
    rows = rules_store.candidates(conn, c, entity_id=entity_id, fts_query=fts, mention_ids=mention_ids)
    terms = c.get("terms")
    q = EntityQuery.parse(terms) if terms else None
    return [r[0] for r in rows if q is None or q.matches(f"{r[1]}\n\n{r[2]}")]


def _would_change(conn, rule: Rule, ids: list[int]) -> list[int]:
    """Of the selected mentions, those the actions would actually change."""
    return rules_store.would_change(conn, rule.actions, ids)


def dry_run(conn, rule: Rule, *, sample: int = 10) -> tuple[int, list[tuple[int, str]]]:
    """(how many stored mentions the rule would change, a sample of (id, title))."""
    ids = _would_change(conn, rule, matching_ids(conn, rule))
    return len(ids), rules_store.titles(conn, ids[:sample])


def apply_actions(conn, rule: Rule, ids: list[int], *, by: str, now: int) -> list[int]:
    """Apply the actions to the given mentions (caller holds the transaction); returns the ids
    of those it changed."""
    changed = _would_change(conn, rule, ids)
    rules_store.apply(conn, rule.actions, changed, by=f"rule:{rule.name}", now=now)
    return changed


def save(conn, rule: Rule, *, by: str) -> Rule:
    validate(rule)
    now = int(time.time())
    with db.transaction(conn):
        if rule.id is None:
            rid = rules_store.insert(conn, rule.name, rule.enabled, rule.conditions, rule.actions, now)
            action = "rule.create"
        else:
            rid = rule.id
            rules_store.update(conn, rid, rule.name, rule.enabled, rule.conditions, rule.actions, now, by=by,
                               expected_version=rule.version)
            action = "rule.update"
        audit.append(conn, actor=by, action=action, subject_type="rule", subject_id=rid,
                     data={"name": rule.name, "conditions": rule.conditions, "actions": rule.actions,
                           "enabled": rule.enabled}, now=now)
    return get(conn, rid)


def get(conn, rule_id: int) -> Rule:
    r = rules_store.get(conn, rule_id)
    if r is None:
        raise UsageError(f"no rule with id {rule_id}")
    return Rule(*r)


def list_(conn, *, enabled_only: bool = False) -> list[Rule]:
    return [Rule(*r) for r in rules_store.list_(conn, enabled_only=enabled_only)]


def delete(conn, rule_id: int, *, by: str) -> None:
    rule = get(conn, rule_id)
    with db.transaction(conn):
        rules_store.delete(conn, rule_id)
        audit.append(conn, actor=by, action="rule.delete", subject_type="rule", subject_id=rule_id,
                     data={"name": rule.name}, now=int(time.time()))


def apply_to_history(conn, rule: Rule, *, by: str, progress=None, cancel=None) -> int:
    """Apply a rule to every stored mention it selects; returns how many it changed. Each
    transaction that changes mentions (2,000 at a time) holds its own ``rule.apply`` entry, which
    lists the ids of the mentions it changed (at most 2,000, about 16 KB: a reviewer sees which
    mentions a rule changed, and on a team workspace the database lets the entry vouch for those
    mentions' scores and triage only; store/postgres/roles.py, section 6b). One entry when
    nothing changed."""
    ids = matching_ids(conn, rule)
    now = int(time.time())
    changed, entries = 0, 0
    for i in range(0, len(ids), 2000):
        if cancel is not None and cancel.is_set():
            break
        with db.transaction(conn):
            done = apply_actions(conn, rule, ids[i:i + 2000], by=by, now=now)
            n = len(done)
            if n:
                data = {"changed": n, "mentions": done}
                if len(ids) > 2000:
                    data["part"] = i // 2000 + 1
                audit.append(conn, actor=by, action="rule.apply", subject_type="rule", subject_id=rule.id,
                             data=data, now=int(time.time()))
                entries += 1
        changed += n
        if progress:
            progress(min(i + 2000, len(ids)), len(ids), f"rule {rule.name}")
    if not entries:
        with db.transaction(conn):
            audit.append(conn, actor=by, action="rule.apply", subject_type="rule", subject_id=rule.id,
                         data={"changed": 0, "mentions": []}, now=int(time.time()))
    return changed


def run_on_new(conn, mention_ids: list[int], *, now: int) -> list[tuple[str, int]]:
    """Enabled rules on new mentions (inside the refresh transaction). Returns (rule, count)
    for rules marked notify that matched."""
    notified = []
    for rule in list_(conn, enabled_only=True):
        ids = matching_ids(conn, rule, mention_ids=mention_ids)
        if ids:
            apply_actions(conn, rule, ids, by=f"rule:{rule.name}", now=now)
            if rule.actions.get("notify"):
                notified.append((rule.name, len(ids)))
    return notified


def export_rules(conn) -> str:
    return json.dumps([{"name": r.name, "enabled": r.enabled, "conditions": r.conditions, "actions": r.actions}
                       for r in list_(conn)], indent=2) + "\n"


def import_rules(conn, text: str, *, by: str) -> int:
    try:
        items = json.loads(text)
        json.dumps(items, ensure_ascii=False).encode("utf-8")  # no escaped lone surrogate ("\\ud800")
    except json.JSONDecodeError as exc:
        raise UsageError(f"the rules file is not valid JSON: {exc}") from None
    except UnicodeEncodeError:
        raise UsageError("the rules file escapes a lone surrogate (such as \\ud800), which is not text") from None
    if not isinstance(items, list):
        raise UsageError("the rules file must hold a list of rules")
    existing = {r.name.casefold(): r.id for r in list_(conn)}
    with db.transaction(conn):  # all the file's rules or none
        for n, it in enumerate(items, 1):
            if not isinstance(it, dict) or not isinstance(it.get("name", ""), str):
                raise UsageError(f"entry {n} of the rules file is not a rule (an object with a name)")
            save(conn, Rule(existing.get(it.get("name", "").casefold()), it.get("name", ""),
                            it.get("conditions", {}), it.get("actions", {}), bool(it.get("enabled", True))), by=by)
    return len(items)
