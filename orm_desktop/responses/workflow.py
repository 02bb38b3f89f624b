"""The approval workflow for responses.

States: draft -> in_review -> approved | changes_requested -> sent | discarded.

Rules: only users with the approver role approve or request changes; nobody approves their
own draft unless the workspace setting ``allow_self_approval`` is on; a draft in an
executive's name needs the approval of the user who IS that executive. Every transition and
every text change is appended to the hash-chained audit log (who, when, from, to, comment,
diff); the events replay to the final text. Saves use optimistic concurrency: a save based on
an old version is refused, never silently lost.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from orm_desktop.errors import UsageError, WorkflowError
from orm_desktop.identity import KeyPair
from orm_desktop.responses import checks
from orm_desktop.responses.diff import apply_ops, diff_ops
from orm_desktop.responses.templates import (
    Template,
    fill,
    parse_template,
    shipped_templates,
    suggestion_score,
)
from orm_desktop.store import alerts as alerts_store
from orm_desktop.store import audit, db
from orm_desktop.store import crisis as crisis_store
from orm_desktop.store import entities as entities_store
from orm_desktop.store import mentions as mentions_store
from orm_desktop.store import responses as rstore
from orm_desktop.store import settings as settings_store
from orm_desktop.store import team as team_store
from orm_desktop.store.responses import Response, User
from orm_desktop.textsafe import author_text, display_text
from orm_desktop.types import KEY_MESSAGE_MAX, NAME_MAX

STATES = ("draft", "in_review", "approved", "changes_requested", "sent", "discarded")
ROLES = ("author", "approver", "executive", "admin")
EDITABLE = ("draft", "in_review", "changes_requested", "approved")
TRANSITIONS = {
    "submit": (("draft", "changes_requested"), "in_review"),
    "approve": (("in_review",), "approved"),
    "request_changes": (("in_review",), "changes_requested"),
    "send": (("approved",), "sent"),
    "discard": (("draft", "in_review", "approved", "changes_requested"), "discarded"),
}
HINTS = {
    "draft": "submit it for review first",
    "changes_requested": "edit it and submit it again",
    "in_review": "it is waiting for an approver",
    "approved": "it is approved; mark it sent or discard it",
    "sent": "it was already sent",
    "discarded": "it was discarded",
}


@dataclass(frozen=True, slots=True)
class Suggestion:
    template: Template
    score: float
    text: str
    missing: tuple[str, ...]


def _now() -> int:
    return int(time.time())


# -- users -------------------------------------------------------------------------------------
def check_user_name(name: str, display_name: str = "") -> None:
    """A user's name and display name as an entity's: at most NAME_MAX characters, no control
    character or bidi override (a tab, an ESC or U+202E were taken, and a 5,000-character name;
    both are shown in lists, histories, approval files and the audit log)."""
    from orm_desktop.textsafe import char_note, hidden_char
    from orm_desktop.types import NAME_MAX

    for what, text in (("name", name), ("display name", display_name)):
        if len(text) > NAME_MAX:
            raise UsageError(f"a user's {what} has at most {NAME_MAX} characters")
        if c := hidden_char(text):
            raise UsageError(f"a user's {what} cannot contain a control character ({char_note(c)})")
        if word := lookalike_word(text):
            raise UsageError(f"a user's {what} cannot mix alphabets in one word ({word!r} mixes letters "
                             "that look alike: it would pass for another name)")


def lookalike_word(text: str) -> str:
    """The first word of ``text`` that mixes scripts with look-alike letters ("m<Cyrillic a>ya"),
    '' when none does: a user name so written passes for another in the log and approval files.
    Unicode's confusables through confusable_homoglyphs; a name in one script a word ("Ivan
    Петров", "田中 愛子") is fine."""
    if text.isascii():
        return ""
    from confusable_homoglyphs import confusables

    return next((w for w in text.split() if confusables.is_dangerous(w)), "")


def name_key(name: str) -> str:
    """What two user names that read alike share: NFKC (fullwidth and compatibility letters as
    plain ones), case folded."""
    return unicodedata.normalize("NFKC", name).casefold()


def refuse_lookalike(existing: Iterable[tuple[str, str]], name: str, display_name: str = "") -> None:
    """UsageError when the new ``name`` or ``display_name`` would pass for an existing user's name
    or display name (``existing``: (name, display name) pairs): equal after NFKC and case folding
    ("ｍaya", "MAYA"), or with the same confusable skeleton (UTS #39, textsafe.lookalike_key):
    "Ауа" all in Cyrillic for "Aya", "a1ice" for "alice", "rnaya" for "maya". A name in another
    script that looks like nobody's ("Иван Петров", "田中 愛子", "Ελένη") passes."""
    from orm_desktop.textsafe import lookalike_key

    new = {}
    for what, text in (("", name), ("the display name ", display_name)):
        if text.strip():
            new.setdefault(name_key(text), (what, text))
            new.setdefault(lookalike_key(text), (what, text))
    if not new:
        return
    for user, shown in existing:
        for text in dict.fromkeys((user, shown)):
            if text and (hit := new.get(name_key(text)) or new.get(lookalike_key(text))):
                what, mine = hit
                also = "" if text == user else f" (shown as {text!r})"
                raise UsageError(f"{what}{mine!r} would pass for the user {user!r}{also}: choose another name")


def add_user(conn, name: str, roles: tuple[str, ...], *, display_name: str = "",
             executive: str | None = None, by: str = "admin", key: KeyPair | None = None) -> User:
    """Add a user; ``key`` (identity.create_key with the user's passphrase) is registered as the
    user's signing key: without one nobody can act in the user's name (see ``keygen``)."""
    refuse_on_team(conn, "add", name)
    bad = [r for r in roles if r not in ROLES]
    if bad or not roles:
        raise UsageError(f"roles must be among {', '.join(ROLES)}")
    if name.strip().casefold() in ("workspace", "") or name != name.strip():
        raise UsageError(f"{name!r} cannot be a user name")
    check_user_name(name, display_name)
    if rstore.user_by_name(conn, name):
        raise UsageError(f"a user named {name!r} already exists")
    refuse_lookalike(((u.name, u.display_name) for u in rstore.users(conn)), name, display_name)
    entity_id = None
    if executive:
        e = entities_store.by_name(conn, executive)
        if e is None or e.kind != "executive":
            raise UsageError(f"no executive entity named {executive!r}")
        entity_id = e.id
    with db.transaction(conn):
        uid = rstore.add_user(conn, name, display_name=display_name, roles=roles, entity_id=entity_id, now=_now())
        audit.append(conn, actor=by, action="user.add", subject_type="user", subject_id=uid,
                     data={"name": name, "roles": list(roles), "executive": executive}, now=_now())
        if key is not None:
            audit.register_user_key(conn, name, key, now=_now())
    return rstore.user_by_name(conn, name)


def refuse_on_team(conn, what: str, name: str) -> None:
    """Local users and their keys do not exist on a team workspace: one line saying what to do."""
    if not team_store.is_team(conn):
        return
    if what == "add":
        raise UsageError("on a team workspace users are database logins: an admin adds one with "
                         f"`orm-desktop team add-user {name} --role ROLE` (docs/team.md)")
    raise UsageError("on a team workspace each login creates its own key: `orm-desktop team keygen`, "
                     "then an admin approves it (docs/team.md)")


def keygen(conn, name: str, key: KeyPair) -> None:
    """Give an existing user (from a workspace made before signing) a signing key. The first
    key registered for a name is trusted; it is never replaced."""
    refuse_on_team(conn, "keygen", name)
    u = user(conn, name)
    with db.transaction(conn):
        audit.register_user_key(conn, u.name, key, now=_now())


def user(conn, name: str) -> User:
    u = rstore.user_by_name(conn, name)
    if u is None:
        known = ", ".join(x.name for x in rstore.users(conn)) or "none yet: add one with `orm-desktop users add`"
        raise UsageError(f"no user {name!r} (users: {known})")
    return u


# -- templates ---------------------------------------------------------------------------------
def templates(conn) -> dict[str, Template]:
    out = shipped_templates()
    for tid, body in rstore.workspace_templates(conn):
        out[tid] = parse_template(body, shipped=False, origin=tid)
    return out


def save_template(conn, body: str, *, by: str, expected_versions: dict[str, int] | None = None) -> Template:
    """Add or replace a workspace template. Shipped templates stay read-only defaults: a
    workspace template may not take a shipped id (duplicate it under a new id instead). With
    ``expected_versions`` (``template_versions()`` as the editor read them; an id missing there
    was new) a template someone else saved since raises Conflict."""
    t = parse_template(body, shipped=False)
    if t.id in shipped_templates():
        raise UsageError(f"{t.id} is a shipped template and stays read-only; save your version under a new id")
    expected = None if expected_versions is None else expected_versions.get(t.id, 0)
    with db.transaction(conn):
        rstore.save_template(conn, t.id, body, by=by, now=_now(), expected_version=expected)
        audit.append(conn, actor=by, action="template.save", subject_type="template", subject_id=None,
                     data={"id": t.id, "body": body}, now=_now())
    return t


def template_versions(conn) -> dict[str, int]:
    """{id: version} of the workspace templates: what an editor saves against."""
    return rstore.template_versions(conn)


def delete_template(conn, template_id: str, *, by: str, expected_version: int | None = None) -> None:
    if template_id in shipped_templates():
        raise UsageError(f"{template_id} is a shipped template and cannot be deleted")
    with db.transaction(conn):
        if not rstore.delete_template(conn, template_id, expected_version=expected_version):
            raise UsageError(f"no workspace template {template_id!r}")
        audit.append(conn, actor=by, action="template.delete", subject_type="template", subject_id=None,
                     data={"id": template_id}, now=_now())


def key_messages(conn) -> list[tuple[str, str]]:
    """(topic, text) of every approved key message: shipped ones (none ship today: a new
    workspace starts neutral) and the workspace's."""
    shipped, _ = checks.shipped_key_messages()
    out = [(m.get("topic", ""), m["text"]) for m in shipped]
    out += [(topic, text) for _id, topic, text in rstore.key_messages(conn)]
    return out


def workspace_key_messages(conn) -> list[tuple[int, str, str]]:
    """(id, topic, text) of the workspace's key messages, the ones a user can edit."""
    return [(int(i), str(t), str(x)) for i, t, x in rstore.key_messages(conn)]


def _key_message_text(topic: str, text: str) -> tuple[str, str]:
    topic, text = topic.strip().lower().replace(" ", "_"), " ".join(text.split())
    if not text:
        raise UsageError("a key message needs a text")
    if len(text) > KEY_MESSAGE_MAX or len(topic) > NAME_MAX:  # what a bundle carries (bundle.validate_bundle)
        raise UsageError(f"a key message must be at most {KEY_MESSAGE_MAX:,} characters (its topic at most {NAME_MAX})")
    return topic, text


def add_key_message(conn, topic: str, text: str, *, by: str) -> int:
    """Add an approved key message (topic: a topic id such as customer_service, or '' for any)."""
    topic, text = _key_message_text(topic, text)
    with db.transaction(conn):
        mid = rstore.add_key_message(conn, topic, text, by=by, now=_now())
        audit.append(conn, actor=by, action="key_message.add", subject_type="key_message", subject_id=mid,
                     data={"topic": topic, "text": text}, now=_now())
    return mid


def key_message_versions(conn) -> dict[int, int]:
    """{id: version} of the workspace's key messages: what an editor saves against."""
    return rstore.key_message_versions(conn)


def edit_key_message(conn, message_id: int, *, by: str, topic: str | None = None, text: str | None = None,
                     expected_version: int | None = None) -> None:
    current = {i: (t, x) for i, t, x in rstore.key_messages(conn)}.get(message_id)
    if current is None and expected_version is not None:
        raise rstore.key_message_conflict(conn, message_id, expected_version)  # retired meanwhile
    if current is None:
        raise UsageError(f"no key message with id {message_id} (see `key-messages list`)")
    topic, text = _key_message_text(current[0] if topic is None else topic, current[1] if text is None else text)
    with db.transaction(conn):
        rstore.update_key_message(conn, message_id, topic, text, by=by, now=_now(), expected_version=expected_version)
        audit.append(conn, actor=by, action="key_message.edit", subject_type="key_message", subject_id=message_id,
                     data={"topic": topic, "text": text}, now=_now())


def remove_key_message(conn, message_id: int, *, by: str, expected_version: int | None = None) -> None:
    with db.transaction(conn):
        if not rstore.retire_key_message(conn, message_id, by=by, expected_version=expected_version):
            raise UsageError(f"no key message with id {message_id} (see `key-messages list`)")
        audit.append(conn, actor=by, action="key_message.remove", subject_type="key_message",
                     subject_id=message_id, data={}, now=_now())


def banned_phrases(conn) -> list[str]:
    _, shipped = checks.shipped_key_messages()
    extra = settings_store.get(conn, "banned_phrases", []) or []
    return list(dict.fromkeys(shipped + list(extra)))


# -- drafting ----------------------------------------------------------------------------------
def brand_name(conn, ents=None) -> str:
    """The brand as drafts and the window title name it: the setting, else the brand entity."""
    name = settings_store.get(conn, "brand_name") or ""
    if not name:
        ents = entities_store.list_(conn) if ents is None else ents
        name = next((e.name for e in ents if e.kind == "brand"), "")
    return name


def topic_words(conn, key: str) -> str:
    """A topic as words in a sentence: its label ("Legal and regulatory", in the workspace's own
    taxonomy when it has one) with a lower-case first letter unless it starts an acronym ("ESG
    and sustainability"); the id with spaces for underscores when it has no label."""
    import json

    from orm_desktop.analysis.topics import labels

    topics = settings_store.get(conn, "topics", None)
    try:
        taxonomy = json.dumps(topics if "topics" in topics else {"topics": topics}) if topics else None
        label = labels(taxonomy).get(key, "")
    except (TypeError, ValueError, KeyError, AttributeError):  # a taxonomy that is not one: the id
        label = ""
    label = str(label).strip() or key.replace("_", " ")
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def placeholder_values(conn, mention_id: int) -> dict[str, str]:
    d = mentions_store.detail(conn, mention_id)
    if d is None:
        raise UsageError(f"no mention with id {mention_id}")
    m = d.mention
    ent = entities_store.get(conn, m.entity_id)
    ents = entities_store.list_(conn)
    brand = brand_name(conn, ents)
    product = next((e.name for e in ents if e.kind == "product"), "") if ent.kind != "product" else ent.name
    import datetime as dt

    return {
        # what the feed says (its author, name and headline) goes into the brand's public reply: without
        # its bidi overrides and control characters (the inbox shows them so too)
        "author": author_text(d.author), "brand": brand, "entity": ent.name,
        "executive": ent.name if ent.kind == "executive" else "",
        "product": product or brand, "topic": topic_words(conn, m.topics[0]) if m.topics else "",
        "link": m.url, "contact": settings_store.get(conn, "contact", "") or "",
        "status_page": settings_store.get(conn, "status_page", "") or "",
        "source": display_text(m.source), "title": display_text(m.title),
        "date": dt.datetime.fromtimestamp(m.published, dt.UTC).strftime("%d %B %Y"),
    }


def suggest(conn, mention_id: int, *, limit: int = 5) -> list[Suggestion]:
    """Templates ranked for a mention, filled from it (best first)."""
    d = mentions_store.detail(conn, mention_id)
    if d is None:
        raise UsageError(f"no mention with id {mention_id}")
    m = d.mention
    ent = entities_store.get(conn, m.entity_id)
    crisis = crisis_store.is_on(conn, m.entity_id) or alerts_store.open_since(conn, m.entity_id, m.published - 86400)
    values = placeholder_values(conn, mention_id)
    ranked = []
    for t in templates(conn).values():
        s = suggestion_score(t, label=m.label, topics=m.topics, source_kind=m.feed_kind,
                             entity_kind=ent.kind, rating=m.rating, crisis=crisis)
        if s > 0:
            text, missing = fill(t.text, values)
            ranked.append(Suggestion(t, s, text, tuple(missing)))
    ranked.sort(key=lambda x: (-x.score, x.template.id))
    return ranked[:limit]


def create_draft(conn, mention_id: int | None, *, author: str, template_id: str | None = None,
                 text: str | None = None, channel: str | None = None) -> Response:
    """A new draft from a template (the best suggestion when none is named) for a mention."""
    u = user(conn, author)
    if "author" not in u.roles and "admin" not in u.roles and "executive" not in u.roles:
        raise WorkflowError(f"{author} has no author role")
    entity_id = in_name_of = None
    t: Template | None = None
    if mention_id is not None:
        m = mentions_store.get(conn, mention_id)
        if m is None:
            raise UsageError(f"no mention with id {mention_id}")
        entity_id = m.entity_id
        if template_id:
            t = templates(conn).get(template_id)
            if t is None:
                raise UsageError(f"no template {template_id!r} (see `orm-desktop templates`)")
            text = text if text is not None else fill(t.text, placeholder_values(conn, mention_id))[0]
        elif text is None:
            best = suggest(conn, mention_id, limit=1)
            if not best:
                raise UsageError(f"no template fits mention {mention_id}; name one with --template")
            t, text = best[0].template, best[0].text
    elif text is None:
        raise UsageError("a draft needs a mention or a text")
    if t is not None and t.in_name_of_executive:
        ent = entities_store.get(conn, entity_id) if entity_id else None
        if ent is not None and ent.kind == "executive":
            in_name_of = ent.id
    now = _now()
    with db.transaction(conn):
        rid = rstore.insert(conn, mention_id=mention_id, entity_id=entity_id,
                            template_id=t.id if t else (template_id or ""),
                            channel=channel or (t.channel if t else ""), text=text or "", author=author,
                            in_name_of=in_name_of, now=now)
        audit.append(conn, actor=author, action="response.create", subject_type="response", subject_id=rid,
                     data={"to": "draft", "text": text or "", "template": t.id if t else "",
                           "mention": mention_id, "in_name_of": in_name_of}, now=now)
    return rstore.get(conn, rid)


def get(conn, response_id: int) -> Response:
    r = rstore.get(conn, response_id)
    if r is None:
        raise UsageError(f"no response with id {response_id}")
    return r


def edit(conn, response_id: int, new_text: str, *, by: str, expected_version: int,
         comment: str = "") -> Response:
    """Save a new text. Refused when someone else saved since ``expected_version``.
    Editing an approved response sends it back to review (the approval was for other words)."""
    user(conn, by)
    r = get(conn, response_id)
    if r.state not in EDITABLE:
        raise WorkflowError(f"response {response_id} cannot be edited: {HINTS[r.state]}")
    if r.version != expected_version:
        raise rstore.conflict(conn, response_id, expected_version)
    if new_text == r.text:
        return r
    if team_store.is_team(conn) and (r.author != by or r.state not in ("draft", "changes_requested")):
        raise WorkflowError(f"response {response_id} cannot be edited by {by}: on a team workspace only its "
                            "author edits a response, while it is a draft or sent back for changes")
    now = _now()
    to_state = "in_review" if r.state == "approved" else r.state
    changes = {"state": to_state} if to_state != r.state else {}  # on a team workspace only functions set it
    with db.transaction(conn):
        ok = rstore.update(conn, response_id, expected_version=expected_version, by=by, text=new_text,
                           updated=now, **changes)
        if not ok:
            raise rstore.conflict(conn, response_id, expected_version)
        audit.append(conn, actor=by, action="response.edit", subject_type="response", subject_id=response_id,
                     data={"from": r.state, "to": to_state, "diff": diff_ops(r.text, new_text),
                           "comment": comment, "version": r.version + 1}, now=now)
    return get(conn, response_id)


def _can_approve(conn, r: Response, u: User) -> None:
    if r.in_name_of is not None:
        if u.entity_id != r.in_name_of:
            exe = entities_store.get(conn, r.in_name_of)
            raise WorkflowError(
                f"response {r.id} speaks in the name of {exe.name if exe else 'an executive'}: "
                "only that executive can approve it")
    elif "approver" not in u.roles and "admin" not in u.roles:
        raise WorkflowError(f"{u.name} is not an approver")
    if u.name.casefold() == r.author.casefold():
        if team_store.is_team(conn):  # the database enforces it there, whatever the setting says
            raise WorkflowError(f"{u.name} wrote response {r.id} and cannot approve it "
                                "(four-eyes rule, enforced by the team database)")
        if not settings_store.get(conn, "allow_self_approval"):
            raise WorkflowError(f"{u.name} wrote response {r.id} and cannot approve it "
                                "(four-eyes rule; the workspace setting allow_self_approval is off)")


def transition(conn, response_id: int, action: str, *, by: str, comment: str = "",
               channel: str = "", url: str = "", attestation: dict | None = None,
               signer: str | None = None, expected_version: int | None = None) -> Response:
    """submit | approve | request_changes | send | discard, with the rules above. The audit
    entry is signed by ``by``'s key; for an approval by file it is signed by ``signer`` (who
    merges it) and carries ``by``'s own signed decision as ``attestation``. With
    ``expected_version`` (the version the user saw) a response changed since raises Conflict:
    nobody approves words they have not read."""
    if action not in TRANSITIONS:
        raise UsageError(f"unknown action {action!r}")
    u = user(conn, by)
    r = get(conn, response_id)
    if expected_version is not None and r.version != expected_version:
        raise rstore.conflict(conn, response_id, expected_version)
    sources, target = TRANSITIONS[action]
    if r.state not in sources:
        raise WorkflowError(f"cannot {action.replace('_', ' ')} response {response_id}: it is "
                            f"{r.state.replace('_', ' ')} ({HINTS[r.state]})")
    fields: dict = {"state": target, "updated": _now()}
    if action == "submit":
        flags = [f for f in check(conn, r) if f.blocking]
        if flags:
            raise WorkflowError(f"response {response_id} is not ready for review: "
                                + "; ".join(f.message for f in flags))
        fields["submitted_at"] = fields["updated"]
    elif action == "approve":
        _can_approve(conn, r, u)
        fields.update(approver=u.name, approved_at=fields["updated"])
    elif action == "request_changes":
        if "approver" not in u.roles and "admin" not in u.roles and u.entity_id != r.in_name_of:
            raise WorkflowError(f"{u.name} is not an approver")
        if not comment.strip():
            raise UsageError("say what should change: a comment is required")
    elif action == "send":
        if not channel.strip():
            raise UsageError("say where it was sent: a channel is required (e.g. twitter, email, review site)")
        fields.update(sent_at=fields["updated"], sent_channel=channel.strip(), sent_url=url.strip())
    now = fields["updated"]
    if team_store.is_team(conn):
        return _team_transition(conn, r, action, u, comment=comment, channel=channel, url=url, now=now)
    with db.transaction(conn):
        if not rstore.update(conn, response_id, expected_version=r.version, by=u.name, **fields):
            raise rstore.conflict(conn, response_id, r.version)
        data = {"from": r.state, "to": target, "comment": comment}
        if action == "send":
            data.update(channel=channel.strip(), url=url.strip())
        if action in ("approve", "send"):  # what the signature vouches for: these exact words
            data.update(version=r.version, text_sha256=text_sha256(r.text))
        if attestation is not None:
            data["attestation"] = attestation
        audit.append(conn, actor=u.name, action=f"response.{action}", subject_type="response",
                     subject_id=response_id, data=data, now=now, signer=signer)
        if action == "send" and r.mention_id is not None:
            mentions_store.set_status(conn, [r.mention_id], "responded", by=u.name, now=now)
    return get(conn, response_id)


def _team_transition(conn, r: Response, action: str, u: User, *, comment: str, channel: str, url: str,
                     now: int) -> Response:
    """On a team workspace the database makes the change (store/postgres/roles.py: team_submit, team_approve...):
    it checks the login's role, the four-eyes rule and the state, records the login as approver or
    sender and writes the signed audit entry prepared here."""
    target = TRANSITIONS[action][1]
    data: dict = {"from": r.state, "to": target, "comment": comment}
    if action == "send":
        data.update(channel=channel.strip(), url=url.strip())
    if action in ("approve", "send"):
        data.update(version=r.version, text_sha256=text_sha256(r.text))
    priv, kid = audit._signing_key(conn, u.name, now)
    team_store.transition(conn, r.id, action, version=r.version, data=data, priv=priv, key_id=kid, now=now)
    return get(conn, r.id)


def text_sha256(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check(conn, r: Response) -> list[checks.Flag]:
    t = templates(conn).get(r.template_id)
    topics = ()
    if r.mention_id is not None:
        m = mentions_store.get(conn, r.mention_id)
        topics = m.topics if m else ()
    msgs = [text for topic, text in key_messages(conn) if not topics or topic in topics]
    return checks.check_draft(r.text, channel=r.channel, max_length=t.max_length if t else 0,
                              banned=banned_phrases(conn), key_messages=msgs)


def history(conn, response_id: int) -> list[audit.AuditEntry]:
    get(conn, response_id)
    return audit.for_subject(conn, "response", response_id)


def replay(entries: list[audit.AuditEntry]) -> str:
    """Rebuild a response's text from its audit events alone."""
    text = None
    for e in entries:
        if e.action == "response.create":
            text = e.data["text"]
        elif e.action == "response.edit":
            if text is None:
                raise ValueError("edit before create in the audit trail")
            text = apply_ops(text, e.data["diff"])
    if text is None:
        raise ValueError("no create event in the audit trail")
    return text
