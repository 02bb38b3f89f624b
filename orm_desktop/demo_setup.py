"""Populating a new workspace with the bundled offline demo (resources/demo)."""

from __future__ import annotations

import time

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
    from orm_desktop.responses import workflow

    for u in spec.get("users", []):
        workflow.add_user(svc.conn, u["name"], tuple(u["roles"]), display_name=u.get("display_name", ""),
                          executive=u.get("executive"), by="demo")
    feeds = demo.materialize(svc.ws.demo_feeds, now=now)
    svc._import_outlines([OutlineFeed(f["url"], f.get("title", ""), f.get("kind", "news"),
                                      f.get("category", ""), f.get("weight", 1.0)) for f in feeds])
    if fetch:
        svc.fetch(jobs=4, force=True, now=now)
