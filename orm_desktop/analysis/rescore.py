"""Rescoring stored mentions with another engine: a background job with progress and cancel.
Human overrides stay in force (store.mentions.update_machine_scores)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

from orm_desktop.store import audit, db
from orm_desktop.store import entities as entities_store
from orm_desktop.store import mentions as mentions_store
from orm_desktop.store import settings as settings_store


def rescore(conn, engine_name: str | None = None, *, entity_ids: list[int] | None = None,
            progress: Callable[[int, int, str], None] | None = None, cancel: threading.Event | None = None,
            batch: int = 500, by: str = "") -> int:
    """Recompute the machine sentiment of stored mentions; commits per batch (a cancel or crash
    keeps what was done). Until it completes, the setting ``rescore_in_progress`` says how far it
    got (``status`` reports it to ``check``/``info``), and the same rescore run again resumes
    there. Each batch's transaction holds a ``sentiment.rescore`` entry (engine, first and last
    mention id) by ``by``, and the new engine setting its ``settings.change``: on a team workspace
    the database refuses a machine score changed without one (store/postgres/roles.py). Returns
    the number of mentions rescored (the resumed part included)."""
    # imported here: the window asks ``interrupted_at`` at start, and the sentiment engine's module
    # (regexes, lexicons) takes 0.25-0.3 s to import
    from orm_desktop.analysis.sentiment import adapted, get_engine, score_toward
    from orm_desktop.ingest.query import EntityQuery

    engine = adapted(get_engine(engine_name), mentions_store.overrides_for_learning(conn))  # this workspace's overrides
    queries = {e.id: EntityQuery.parse(e.query, e.aliases) for e in entities_store.list_(conn)}
    total = mentions_store.count_for_entities(conn, entity_ids)
    done, last = 0, 0
    scope = sorted(entity_ids or ())
    marker = settings_store.get(conn, MARKER, None)
    if isinstance(marker, dict) and marker.get("engine") == engine.name and marker.get("entity_ids") == scope:
        last = int(marker.get("last_id", 0))  # resume the interrupted run
        done = mentions_store.count_for_entities(conn, entity_ids, max_id=last)
    while True:
        if cancel is not None and cancel.is_set():
            break
        rows = mentions_store.texts_after(conn, entity_ids, last, batch)
        if not rows:
            break
        updates = []
        for mid, eid, title, text, rating, lang in rows:
            q = queries.get(eid)
            if q is None:
                continue
            ts = score_toward(title, text, q.spans, engine=engine, rating=rating, lang=lang or "")
            updates.append((ts.score, engine.name, json.dumps([list(e) for e in ts.evidence]), ts.source, mid,
                            ts.confidence))
        with db.transaction(conn):
            mentions_store.update_machine_scores(conn, updates)
            settings_store.set_(conn, MARKER, {"engine": engine.name, "entity_ids": scope, "last_id": rows[-1][0]})
            if updates:
                audit.append(conn, actor=by, action="sentiment.rescore", subject_type="workspace", subject_id=None,
                             data={"engine": engine.name, "entity_ids": scope, "first_id": rows[0][0],
                                   "last_id": rows[-1][0], "rescored": len(updates)}, now=int(time.time()))
        done += len(rows)
        last = rows[-1][0]
        if progress:
            progress(done, total, f"rescored {done:,} of {total:,} with {engine.name}")
    if cancel is None or not cancel.is_set():
        with db.transaction(conn):
            if not entity_ids and settings_store.get(conn, "sentiment_engine") != engine.name:
                settings_store.set_(conn, "sentiment_engine", engine.name, by=by)
                audit.append(conn, actor=by, action="settings.change", subject_type="workspace", subject_id=None,
                             data={"values": {"sentiment_engine": engine.name}}, now=int(time.time()))
            settings_store.delete(conn, MARKER)
    return done


MARKER = "rescore_in_progress"


def interrupted_at(conn) -> tuple[int, int, str] | None:
    """(mentions rescored, mentions in scope, engine) of the rescore left unfinished, or None."""
    marker = settings_store.get(conn, MARKER, None)
    if not isinstance(marker, dict):
        return None
    ids = [int(i) for i in marker.get("entity_ids") or []] or None
    return (mentions_store.count_for_entities(conn, ids, max_id=int(marker.get("last_id", 0))),
            mentions_store.count_for_entities(conn, ids), str(marker.get("engine", "")))


def status(conn) -> str:
    """'' when no rescore was left unfinished, else one line saying so and how to finish it."""
    marker = settings_store.get(conn, MARKER, None)
    if not isinstance(marker, dict):
        return ""
    ids = [int(i) for i in marker.get("entity_ids") or []]
    left = mentions_store.count_for_entities(conn, ids, min_id=int(marker.get("last_id", 0)))
    engine = str(marker.get("engine", ""))
    scope = " --entity ..." if ids else ""
    return (f"a rescore with {engine} was interrupted: {left:,} mentions are still scored by the previous engine; "
            f"run `orm-desktop rescore --engine {engine}{scope}` to finish it")
