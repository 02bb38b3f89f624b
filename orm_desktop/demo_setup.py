"""Populating a new workspace with the bundled offline demo (resources/demo)."""

from __future__ import annotations

import time
import tomllib

from orm_desktop import demo


def populate_demo(svc, *, fetch: bool = True, now: int | None = None) -> None:
    """Entities, settings and local feeds from resources/demo, dates shifted to look current;
    then one refresh from the local files (no network)."""
    from orm_desktop.ingest.opml import OutlineFeed

    spec = demo.load_spec()
    now = int(now or time.time())
    for key, value in spec.get("settings", {}).items():
        if key in ("logo", "brand_logo") and value:
            value = str((demo.DEMO_DIR / value).resolve())
            key = "brand_logo"
        svc.set_setting(key, value)
    svc.set_setting("brand_name", spec.get("brand", {}).get("name", "") or spec["entities"][0]["name"])
    svc.set_setting("demo", True)
    for e in spec["entities"]:
        photo = e.get("photo", "")
        if photo:
            photo = str((demo.DEMO_DIR / photo).resolve())
        svc.add_entity(e["kind"], e["name"], e.get("query"), aliases=e.get("aliases", ()),
                       importance=e.get("importance", 1.0), title=e.get("title", ""), photo=photo,
                       match_existing=False)
    from orm_desktop import identity
    from orm_desktop.responses import workflow

    for m in tomllib.loads((demo.DEMO_DIR / "key_messages.toml").read_text(encoding="utf-8"))["message"]:
        workflow.add_key_message(svc.conn, m.get("topic", ""), m["text"], by="demo")
    keys = {}
    for u in spec.get("users", []):
        # demo users' passphrases are printed in the README: "demo-" + the user name
        keys[u["name"]] = identity.create_key(demo_passphrase(u["name"]))
        workflow.add_user(svc.conn, u["name"], tuple(u["roles"]), display_name=u.get("display_name", ""),
                          executive=u.get("executive"), by="demo", key=keys[u["name"]])
    feeds = demo.materialize(svc.ws.demo_feeds, now=now)
    svc._import_outlines([OutlineFeed(f["url"], f.get("title", ""), f.get("kind", "news"),
                                      f.get("category", ""), f.get("weight", 1.0)) for f in feeds])
    if fetch:
        svc.fetch(jobs=4, force=True, now=now)
        acting = [identity.SESSION.add(keys[n].private) for n in ("alex", "sam") if n in keys]
        try:
            _demo_responses(svc)
        finally:  # the demo leaves nobody unlocked: acting as alex needs "demo-alex"
            for kid in acting:
                identity.SESSION.forget(kid)
    from orm_desktop.analysis import rules

    rules.save(svc.conn, rules.Rule(None, "Battery safety", {"entity": "Velora Arc",
                                                             "terms": 'battery OR recall OR fire OR overheated'},
                                    {"tag": "safety", "notify": True}), by="demo")


def demo_passphrase(name: str) -> str:
    """The demo users' passphrases (printed in the README)."""
    return f"demo-{name}"


def _demo_responses(svc) -> None:
    """A few responses in different states, so the workflow views are not empty."""
    from orm_desktop.errors import KnownError
    from orm_desktop.responses import workflow as wf
    from orm_desktop.types import MentionFilter

    def first(**kw):
        found = svc.mentions(MentionFilter(**kw), limit=1)
        return found[0] if found else None

    try:
        review = first(entity_ids=(svc.entity("Velora Arc").id,), feed_kinds=("review",), sentiment="negative")
        if review:
            r = wf.create_draft(svc.conn, review.id, author="alex", template_id="review-reply-negative")
            r = wf.edit(svc.conn, r.id, r.text.replace("⟦author⟧", "there"), by="alex", expected_version=r.version)
            wf.transition(svc.conn, r.id, "submit", by="alex")
            wf.transition(svc.conn, r.id, "approve", by="sam")
            wf.transition(svc.conn, r.id, "send", by="alex", channel="review site")
        ceo = first(entity_ids=(svc.entity("Maya Lindqvist").id,), sentiment="negative")
        if ceo:
            r = wf.create_draft(svc.conn, ceo.id, author="alex", template_id="executive-statement")
            text = r.text.replace("⟦topic⟧", "our battery recall").replace(
                "[Personal statement in the executive's voice.]",
                                  "We were too slow to tell our riders what we knew, and I am sorry for that.")
            r = wf.edit(svc.conn, r.id, text, by="alex", expected_version=r.version)
            wf.transition(svc.conn, r.id, "submit", by="alex")
        social = first(entity_ids=(svc.entity("Velora").id,), feed_kinds=("social",), sentiment="negative")
        if social:
            wf.create_draft(svc.conn, social.id, author="alex", template_id="complaint-acknowledgement")
            svc.set_status([social.id], "needs_response", by="alex")
    except KnownError:
        pass  # a demo without a fitting mention simply has fewer sample responses
