"""Store: schema, migrations, foreign/corrupt files, mention queries, overrides, triage."""

from __future__ import annotations

import dataclasses
import sqlite3
import time

import pytest

from orm_desktop import workspace as wsmod
from orm_desktop.errors import CorruptDatabase, UsageError, WorkspaceError
from orm_desktop.store import db
from orm_desktop.store import entities as entities_store
from orm_desktop.store import feeds as feeds_store
from orm_desktop.store import items as items_store
from orm_desktop.store import mentions as mentions_store
from orm_desktop.types import MentionFilter, ParsedItem

NOW = 1_790_000_000

pytestmark = pytest.mark.both_backends  # tests taking `conn` or `new_ws` run on SQLite and PostgreSQL


def make_ws(tmp_path):
    ws = wsmod.create(tmp_path / "ws")
    return ws, ws.connect()


def add_mention(conn, entity_id, feed_id, n, *, sentiment=0.0, published=NOW, kind="news",
                title=None, text="body text", priority=1.0, confidence=None):
    item = ParsedItem(guid=f"g{n}", url=f"https://x.example/{n}", title=title or f"Story {n}", text=text)
    with db.transaction(conn):
        iid = items_store.insert(conn, feed_id, item, canonical_url=item.url, title_norm="",
                                 cluster_id=None, published=published, now=NOW)
        items_store.insert_mentions(conn, [(iid, entity_id, published, kind, "snip", sentiment,
                                            sentiment, "test", "text", "[]", "", "", priority, None, NOW,
                                            confidence)])
    return conn.execute("SELECT id FROM mentions WHERE item_id = ?", (iid,)).fetchone()[0]


@pytest.fixture
def conn(new_ws):
    c = new_ws.connect()
    with db.transaction(c):
        entities_store.add(c, "brand", "Acme", '"Acme"')
        entities_store.add(c, "competitor", "Globex", "Globex")
        feeds_store.upsert(c, "https://feeds.example/a", title="A", kind="news")
    yield c
    c.close()


def test_new_workspace_is_stamped_and_migrated(tmp_path):
    ws, c = make_ws(tmp_path)
    assert c.execute("PRAGMA application_id").fetchone()[0] == db.APPLICATION_ID
    assert c.execute("PRAGMA user_version").fetchone()[0] == db.schema_version()
    assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.integrity_check(c) == "ok"
    assert db.migrate(ws.db_path, backup_dir=ws.backups) == 0  # idempotent


def test_create_refuses_existing_workspace(tmp_path):
    make_ws(tmp_path)
    with pytest.raises(WorkspaceError, match="already exists"):
        wsmod.create(tmp_path / "ws")


def test_foreign_sqlite_file_is_refused(tmp_path):
    root = tmp_path / "foreign"
    root.mkdir()
    with sqlite3.connect(root / "orm.db") as c:
        c.execute("CREATE TABLE t (x)")
    with pytest.raises(CorruptDatabase, match="not an ORM Desktop workspace"):
        wsmod.open_workspace(root)


def test_garbage_file_is_reported_as_corrupt(tmp_path):
    root = tmp_path / "garbage"
    root.mkdir()
    (root / "orm.db").write_bytes(b"this is not a database" * 500)
    with pytest.raises(CorruptDatabase, match="damaged or not an ORM Desktop"):
        wsmod.open_workspace(root)


def test_newer_schema_is_refused(tmp_path):
    ws, c = make_ws(tmp_path)
    c.execute(f"PRAGMA user_version={db.schema_version() + 5}")
    c.close()
    with pytest.raises(WorkspaceError, match="newer ORM Desktop"):
        wsmod.open_workspace(ws.root)


def test_missing_workspace_message(tmp_path):
    with pytest.raises(WorkspaceError, match="orm-desktop init"):
        wsmod.open_workspace(tmp_path / "nope")


def test_filters_and_counts_agree(conn):
    ids = {}
    for n, (s, kind, pub) in enumerate([(-0.5, "news", NOW), (0.0, "review", NOW - 86400),
                                        (0.6, "news", NOW - 10 * 86400), (-0.05, "forum", NOW)]):
        ids[n] = add_mention(conn, 1, 1, n, sentiment=s, kind=kind, published=pub)
    add_mention(conn, 2, 1, 10, sentiment=-0.9)
    cases = {
        MentionFilter(): 5,
        MentionFilter(entity_ids=(1,)): 4,
        MentionFilter(entity_ids=(1,), sentiment="negative"): 2,  # -0.5 and the -0.05 boundary
        MentionFilter(sentiment="neutral"): 1,
        MentionFilter(sentiment="positive"): 1,
        MentionFilter(feed_kinds=("review",)): 1,
        MentionFilter(since=NOW - 2 * 86400): 4,
        MentionFilter(until=NOW - 2 * 86400): 1,
    }
    for f, expected in cases.items():
        assert mentions_store.count(conn, f) == expected, f
        assert len(mentions_store.query(conn, f, limit=100)) == expected, f
    newest = mentions_store.query(conn, MentionFilter(entity_ids=(1,)), limit=1)[0]
    assert newest.published == NOW


def test_full_text_search_and_exclusions(conn):
    add_mention(conn, 1, 1, 1, title="Battery fire prompts recall", text="The recall covers 10,000 bikes.")
    add_mention(conn, 1, 1, 2, title="Quarterly results", text="Revenue rose; battery supply improved.")
    add_mention(conn, 1, 1, 3, title="Launch event", text="A new model was shown.")
    assert mentions_store.count(conn, MentionFilter(search="battery")) == 2
    assert mentions_store.count(conn, MentionFilter(search='"battery fire"')) == 1
    assert mentions_store.count(conn, MentionFilter(search="battery -recall")) == 1
    assert mentions_store.count(conn, MentionFilter(search="BATTERY Revenue")) == 1
    # FTS syntax characters typed by a user are words, not syntax errors
    assert mentions_store.count(conn, MentionFilter(search='recall AND ( "')) == 1
    assert mentions_store.count(conn, MentionFilter(search="recall OR launch")) == 2
    assert mentions_store.count(conn, MentionFilter(search="model OR revenue -launch")) == 1
    with pytest.raises(UsageError, match="nothing to search"):
        mentions_store.count(conn, MentionFilter(search='"" - ('))


def test_words_joined_by_dots_slashes_and_at_signs_are_found_alike_on_both_stores(conn):
    """PostgreSQL's parser keeps "acme.com", "v1.2", "ops/acme" and "press@acme.com" whole (host,
    version, file, email tokens) where SQLite's unicode61 splits them into words: on a team
    workspace "acme" did not find "visit acme.com", nor "acme.com" itself (searched as the words
    acme, com). A search finds the same mentions on both."""
    dotted = add_mention(conn, 1, 1, 1, title="Visit acme.com", text="Release v1.2 is out.")
    slashed = add_mention(conn, 1, 1, 2, title="Filed under ops/acme", text="Write to press@acme.com today.")
    plain = add_mention(conn, 1, 1, 3, title="Acme com", text="A plain story about version 1 2.")

    def ids(search):
        return sorted(m.id for m in mentions_store.query(conn, MentionFilter(search=search)))

    assert ids("acme") == sorted([dotted, slashed, plain])
    assert ids("acme.com") == sorted([dotted, slashed, plain])  # the words "acme com", as SQLite always read it
    assert ids('"acme.com"') == sorted([dotted, slashed, plain])
    assert ids("v1.2") == [dotted]
    assert ids("press") == [slashed] and ids("ops") == [slashed]
    assert ids('"release v1"') == [dotted]


def test_override_wins_and_survives_rescoring(conn):
    mid = add_mention(conn, 1, 1, 1, sentiment=0.4)
    with db.transaction(conn):
        mentions_store.set_override(conn, [mid], -0.8, by="ana", now=NOW)
    m = mentions_store.get(conn, mid)
    assert (m.sentiment, m.label, m.overridden) == (-0.8, "negative", True)
    assert mentions_store.count(conn, MentionFilter(sentiment="negative")) == 1
    with db.transaction(conn):
        mentions_store.update_machine_scores(conn, [(0.9, "vader", "[]", "text", mid)])
    d = mentions_store.detail(conn, mid)
    assert d.mention.sentiment == -0.8 and d.machine_sentiment == 0.9 and d.override_by == "ana"
    with db.transaction(conn):
        mentions_store.set_override(conn, [mid], None, by="ana", now=NOW)
    assert mentions_store.get(conn, mid).sentiment == 0.9
    with pytest.raises(UsageError, match=r"\[-1, 1\]"):
        mentions_store.set_override(conn, [mid], 3.0, by="ana", now=NOW)


def test_mentions_carry_the_machine_scores_confidence_and_whether_it_is_unsure(conn):
    unsure = add_mention(conn, 1, 1, 1, sentiment=-0.23, confidence=0.13)
    sure = add_mention(conn, 1, 1, 2, sentiment=-0.3, confidence=0.9)
    edge = add_mention(conn, 1, 1, 3, sentiment=-0.3, confidence=0.5)  # at the threshold: sure
    old = add_mention(conn, 1, 1, 4, sentiment=-0.3)  # scored before confidences were stored
    confirmed = add_mention(conn, 1, 1, 5, sentiment=-0.4, confidence=0.1)
    with db.transaction(conn):
        mentions_store.set_override(conn, [confirmed], -0.4, by="ana", now=NOW)
    got = {m.id: m for m in mentions_store.query(conn, MentionFilter(), limit=10)}
    assert (got[unsure].confidence, got[unsure].unsure) == (0.13, True)
    assert "0.13" in got[unsure].unsure_why() and "needs a human look" in got[unsure].unsure_why()
    assert (got[sure].confidence, got[sure].unsure, got[sure].unsure_why()) == (0.9, False, "")
    assert (got[edge].confidence, got[edge].unsure) == (0.5, False)
    assert (got[old].confidence, got[old].unsure) == (None, False)
    assert got[confirmed].overridden and got[confirmed].confidence == 0.1 and not got[confirmed].unsure
    assert mentions_store.get(conn, unsure) == got[unsure]
    # the inbox's "needs a human look" filter selects exactly the unsure ones
    assert [m.id for m in mentions_store.query(conn, MentionFilter(needs_review=True))] == [unsure]
    # a Mention built without a confidence (older callers) is sure
    from orm_desktop.types import Mention

    plain = Mention(1, 1, 1, "Acme", "t", "u", "s", "news", NOW, "", -0.5, "negative", "new")
    assert (plain.confidence, plain.unsure) == (1.0, False)


def test_extremes_list_sure_scores_before_unsure_ones(conn):
    from orm_desktop.store import kpis

    def add(n, sentiment, confidence=None, priority=1.0):
        return add_mention(conn, 1, 1, n, sentiment=sentiment, confidence=confidence, priority=priority)

    overrule = add(1, -0.6, 0.13)       # the learned layer overruling the rules at low confidence
    sure = add(2, -0.3, 0.9)
    sure_urgent = add(3, -0.3, 0.8, priority=70.0)  # same score: the higher priority first
    old = add(4, -0.2)                  # NULL confidence: sure, as for the needs_review filter
    unsure = add(5, -0.4, 0.3)
    confirmed = add(6, -0.1, 0.05)      # a person confirms it below
    add(7, 0.02, 0.1)                   # neutral: in neither list
    pos_unsure, pos_sure = add(8, 0.9, 0.2), add(9, 0.3, 0.7)
    add_mention(conn, 2, 1, 10, sentiment=-0.9, confidence=0.9)  # another entity
    add_mention(conn, 1, 1, 11, sentiment=-0.95, confidence=0.9, published=NOW + 1)  # after the period
    with db.transaction(conn):
        mentions_store.set_override(conn, [confirmed], -0.1, by="ana", now=NOW)

    def ext(positive, limit=10, entities=(1,)):
        return kpis.extremes(conn, entities, NOW - 86400, NOW + 1, positive=positive, limit=limit)

    assert ext(False) == [sure_urgent, sure, old, confirmed, overrule, unsure]
    assert ext(False, limit=3) == [sure_urgent, sure, old]
    assert ext(True) == [pos_sure, pos_unsure]
    assert ext(False, entities=None)[0] == conn.execute(
        "SELECT id FROM mentions WHERE entity_id = 2").fetchone()[0]
    # once a person confirms the overruled score it is sure, and the most negative again
    with db.transaction(conn):
        mentions_store.set_override(conn, [overrule], -0.6, by="ana", now=NOW)
    assert ext(False, limit=2) == [overrule, sure_urgent]


def test_status_changes_are_recorded(conn):
    a, b = add_mention(conn, 1, 1, 1), add_mention(conn, 1, 1, 2)
    with db.transaction(conn):
        assert mentions_store.set_status(conn, [a, b], "flagged", by="ana", now=NOW) == 2
    assert mentions_store.count(conn, MentionFilter(statuses=("flagged",))) == 2
    row = conn.execute("SELECT status_by, status_at FROM mentions WHERE id = ?", (a,)).fetchone()
    assert tuple(row) == ("ana", NOW)
    with pytest.raises(UsageError, match="unknown status"):
        mentions_store.set_status(conn, [a], "deleted", by="ana", now=NOW)


def test_failed_transaction_leaves_nothing(conn):
    with pytest.raises(RuntimeError), db.transaction(conn):
        entities_store.add(conn, "product", "Widget", "Widget")
        raise RuntimeError("crash in the middle")
    assert entities_store.by_name(conn, "Widget") is None


def test_feed_health_and_backoff_fields(conn):
    with db.transaction(conn):
        feeds_store.record_failure(conn, 1, now=NOW, status="timeout", message="timed out", next_due=NOW + 600)
    f = feeds_store.get(conn, 1)
    assert (f.last_status, f.error_count, f.next_due) == ("timeout", 1, NOW + 600)
    assert feeds_store.due(conn, NOW) == []
    assert [x.id for x in feeds_store.due(conn, NOW, include_backoff=True)] == [1]
    with db.transaction(conn):
        feeds_store.record_success(conn, 1, now=NOW, status="ok", etag='"e1"', last_modified="",
                                   title="T", new_items=3, next_due=NOW + 1800)
    f = feeds_store.get(conn, 1)
    assert (f.error_count, f.etag, f.items_total, f.last_error) == (0, '"e1"', 3, "")
    assert feeds_store.health_counts(conn)["ok"] == 1


def test_refresh_lock_refuses_second_refresh(tmp_path):
    from orm_desktop.errors import KnownError

    ws, _ = make_ws(tmp_path)
    with ws.refresh_lock(), pytest.raises(KnownError, match="a refresh is already running on .*/.* since "), ws.refresh_lock():
        pass
    with ws.refresh_lock():  # released again
        assert time.time() > 0


def test_daily_rollup_follows_inserts_overrides_and_deletes(conn):
    from orm_desktop.store import kpis

    day = NOW // 86400 * 86400
    a = add_mention(conn, 1, 1, 1, sentiment=0.5, published=day + 3600)
    add_mention(conn, 1, 1, 2, sentiment=-0.5, published=day + 7200)
    add_mention(conn, 1, 1, 3, sentiment=0.0, published=day - 86400 + 10)

    def direct():
        return [tuple(r) for r in conn.execute(
            "SELECT published / 86400 * 86400, count(*), count(*) FILTER (WHERE sentiment >= 0.05), "
            "count(*) FILTER (WHERE sentiment > -0.05 AND sentiment < 0.05), "
            "count(*) FILTER (WHERE sentiment <= -0.05), round(avg(sentiment), 4) FROM mentions "
            "WHERE entity_id = 1 GROUP BY 1 ORDER BY 1")]

    def rolled():
        return [(p.day, p.total, p.positive, p.neutral, p.negative, p.avg_sentiment)
                for p in kpis.daily_series(conn, 1, day - 86400, day + 86400) if p.total]

    assert rolled() == direct()
    with db.transaction(conn):
        mentions_store.set_override(conn, [a], -0.8, by="ana", now=NOW)
    assert rolled() == direct()
    with db.transaction(conn):
        conn.execute("DELETE FROM mentions WHERE id = ?", (a,))
    assert rolled() == direct()


def test_label_counts_from_the_daily_rollup_follow_overrides_mutes_and_deletes(conn):
    """Entity + positive/negative (and whole-day ranges) are counted from ``mention_daily``; the
    count agrees with the rows after every kind of change the rollup's triggers must follow."""
    day = NOW - NOW % 86400
    ids = [add_mention(conn, 1 + n % 2, 1, n, sentiment=s, published=day - (n % 4) * 86400 + 3600)
           for n, s in enumerate([-0.5, -0.05, 0.3, 0.05, -0.9, 0.0, 0.7, -0.2])]
    filters = [MentionFilter(entity_ids=(1,), sentiment="negative"), MentionFilter(sentiment="positive"),
               MentionFilter(entity_ids=(1, 2), sentiment="negative", since=day - 86400),
               MentionFilter(entity_ids=(2,), sentiment="positive", until=day),
               MentionFilter(sentiment="negative", since=day - 2 * 86400, until=day)]

    def agree():
        for f in filters:
            assert mentions_store.count(conn, f) == len(mentions_store.query(conn, f, limit=100)), f

    agree()
    with db.transaction(conn):
        mentions_store.set_override(conn, ids[:3], -0.7, by="ana", now=NOW)  # positive -> negative
    agree()
    with db.transaction(conn):
        conn.execute("UPDATE mentions SET muted = 1 WHERE id = ?", (ids[4],))
    agree()
    with db.transaction(conn):
        conn.execute("DELETE FROM mentions WHERE id = ?", (ids[6],))
    agree()
    assert mentions_store.count(conn, filters[0]) == 2  # ids 0 and 2 (overridden); 4 is muted
    if db.dialect(conn) == "sqlite":  # the statement that answers reads the rollup, not mentions
        with db.transaction(conn):
            conn.execute("UPDATE mentions SET muted = 0")
        seen = []
        conn.set_trace_callback(seen.append)
        mentions_store.count(conn, filters[2])
        conn.set_trace_callback(None)
        assert "FROM mention_daily" in seen[-1]


@pytest.mark.parametrize("common", [False, True], ids=["selective", "common"])
def test_search_pages_are_exact_phrases_in_published_order(conn, common, monkeypatch):
    """A search page (PostgreSQL: loose GIN candidates, sorted, exact recheck of the kept ones;
    or, for a common search, the planner's plan) holds exactly the phrase matches, newest first
    (ties by id), both directions and offsets."""
    monkeypatch.setattr(mentions_store, "PG_COMMON_SEARCH", -1 if common else 10**9)
    texts = [("Battery fire prompts recall", 5), ("Fire near the battery depot", 4),  # both words, apart
             ("Another battery fire", 3), ("Battery fire at the plant", 3), ("Calm day", 2),
             ("Battery fire, then a recall", 1)]
    ids = {}
    for n, (title, age) in enumerate(texts):
        ids[n] = add_mention(conn, 1 + n % 2, 1, n, title=title, published=NOW - age * 3600)
    add_mention(conn, 2, 1, 99, title="Battery fire in a second story", published=NOW - 3600)
    second = conn.execute("SELECT max(id) FROM mentions").fetchone()[0]

    def page(search, **kw):
        return [m.id for m in mentions_store.query(conn, MentionFilter(search=search), **kw)]

    newest_first = [second, ids[5], ids[3], ids[2], ids[0]]  # ties (same hour): higher id first
    assert page('"battery fire"', limit=50) == newest_first
    assert page('"battery fire"', limit=2, offset=1) == newest_first[1:3]
    assert page('"battery fire"', limit=50, reverse=True) == newest_first[::-1]
    assert page('"battery fire" -recall', limit=50) == [second, ids[3], ids[2]]
    assert page('battery -"fire near"', limit=50) == newest_first
    assert page('"fire near" OR "calm day"', limit=50) == [ids[4], ids[1]]
    assert page('battery fire -"battery fire"', limit=50) == [ids[1]]
    assert mentions_store.count(conn, MentionFilter(search='"battery fire"')) == 5
    f = MentionFilter(search='"battery fire"', entity_ids=(1,))
    assert [m.id for m in mentions_store.query(conn, f, limit=50)] == [ids[2], ids[0]]


def test_one_feed_filter_pages_and_counts(conn):
    """The one-feed filter (PostgreSQL: the feed's item ids first, then their mentions)."""
    with db.transaction(conn):
        other = feeds_store.upsert(conn, "https://feeds.example/b", title="B", kind="blog")[0]
    mine = [add_mention(conn, 1 + n % 2, 1, n, published=NOW - n * 60) for n in range(5)]
    theirs = [add_mention(conn, 1, other, 10 + n, published=NOW - n * 90) for n in range(3)]
    f = MentionFilter(feed_id=1)
    assert [m.id for m in mentions_store.query(conn, f, limit=10)] == mine
    assert [m.id for m in mentions_store.query(conn, f, limit=2, offset=3)] == mine[3:5]
    assert mentions_store.count(conn, f) == 5
    assert [m.id for m in mentions_store.query(conn, MentionFilter(feed_id=other, entity_ids=(1,)))] == theirs
    assert mentions_store.count(conn, MentionFilter(feed_id=1, entity_ids=(2,))) == 2
    assert mentions_store.count(conn, MentionFilter(feed_id=other + 100)) == 0
    assert mentions_store.query(conn, MentionFilter(feed_id=other + 100)) == []


def test_a_new_item_is_its_own_cluster_unless_given_one(conn):
    """items.insert: an item without a syndication cluster heads its own (PostgreSQL: in the one
    INSERT, no UPDATE after it), and a given cluster is kept; every column is stored."""
    item = ParsedItem(guid="g1", url="https://x.example/1", title="Acme recall", text="Body", html="<p>Body</p>",
                      author="Ann", rating=4.5, lang="en")
    with db.transaction(conn):
        first = items_store.insert(conn, 1, item, canonical_url="https://x.example/1", title_norm="acme recall",
                                   cluster_id=None, published=NOW, now=NOW + 5)
        second = items_store.insert(conn, None, dataclasses.replace(item, guid="g2", rating=None),
                                    canonical_url="https://y.example/2", title_norm="acme recall",
                                    cluster_id=first, published=NOW, now=NOW)
        third = items_store.insert(conn, None, dataclasses.replace(item, guid="g3"), canonical_url="https://z/3",
                                   title_norm="", cluster_id=None, published=NOW, now=NOW)
    rows = {r[0]: tuple(r[1:]) for r in conn.execute(
        "SELECT id, cluster_id, feed_id, guid, canonical_url, title, text, html, author, published, first_seen, "
        "rating, title_norm, title_key, lang FROM items")}
    assert rows[first] == (first, 1, "g1", "https://x.example/1", "Acme recall", "Body", "<p>Body</p>", "Ann",
                           NOW, NOW + 5, 4.5, "acme recall", "acme recall", "en")
    assert rows[second][:2] == (first, None) and rows[second][10] is None
    assert rows[third][0] == third and len({first, second, third}) == 3
    with db.transaction(conn):  # the ids came from the table's own sequence: a plain INSERT follows them
        fourth = conn.execute("INSERT INTO items (guid, url, canonical_url, title, text, published, first_seen) "
                              "VALUES ('g4', 'u4', 'c4', 't', '', 1, 1) RETURNING id").fetchone()[0]
    assert fourth > third


def _rollups_agree(conn) -> None:
    """mention_daily and mention_counts (trigger-kept) agree with the mention rows."""
    daily = {(r[0], r[1]): (r[2], r[3], r[4], r[5], round(r[6], 9)) for r in conn.execute(
        "SELECT entity_id, day, total, positive, neutral, negative, sentiment_sum FROM mention_daily WHERE total <> 0")}
    want = {(r[0], r[1]): (r[2], r[3], r[4], r[5], round(r[6], 9)) for r in conn.execute(
        "SELECT entity_id, published / 86400, count(*), sum(CASE WHEN sentiment >= 0.05 THEN 1 ELSE 0 END), "
        "sum(CASE WHEN sentiment > -0.05 AND sentiment < 0.05 THEN 1 ELSE 0 END), "
        "sum(CASE WHEN sentiment <= -0.05 THEN 1 ELSE 0 END), sum(sentiment) FROM mentions GROUP BY 1, 2")}
    assert daily == want
    counts = dict(((r[0], r[1]), r[2]) for r in conn.execute(
        "SELECT entity_id, status, n FROM mention_counts WHERE n <> 0"))
    assert counts == dict(((r[0], r[1]), r[2]) for r in conn.execute(
        "SELECT entity_id, status, count(*) FROM mentions GROUP BY 1, 2"))


def test_a_feeds_items_stored_together_are_stored_as_one_at_a_time(conn):
    """items.insert_many (PostgreSQL: one statement for a feed's new items) stores what
    items.insert stores for each, in order, each id with its own item; first_clusters (PostgreSQL:
    one statement) finds the clusters first_cluster finds: another feed's item with a similar title
    in the window, never the same feed's, never a title refused already."""
    with db.transaction(conn):
        other = feeds_store.upsert(conn, "https://feeds.example/b", title="B", kind="blog")[0]
        base = [items_store.insert(conn, other, ParsedItem(guid=f"o{n}", url=f"https://o/{n}", title=t, text="x"),
                                   canonical_url=f"https://o/{n}", title_norm=t, cluster_id=None,
                                   published=NOW + n, now=NOW)
                for n, t in enumerate(["acme recalls cars in europe", "acme recalls cars over fires",
                                       "acme recalls cars over fires today", "globex wins a design award"])]
        mine = items_store.insert(conn, 1, ParsedItem(guid="m0", url="https://m/0", title="t", text="x"),
                                  canonical_url="https://m/0", title_norm="globex wins a design award prize",
                                  cluster_id=None, published=NOW, now=NOW)
    similar = lambda title: lambda other_title: len(set(title.split()) & set(other_title.split())) >= 5  # noqa: E731
    lookups = [(items_store.title_key(t), NOW, similar(t)) for t in
               ["acme recalls cars over fires again", "globex wins a design award prize", "acme recalls cars",
                "nothing like it at all"]] + [("", NOW, similar("x"))]
    lookups.append(("acme recalls cars", NOW + 10 * 86400, similar("acme recalls cars over fires again")))
    one_by_one = [items_store.first_cluster(conn, k, p, 1, a) for k, p, a in lookups]
    assert items_store.first_clusters(conn, lookups, 1) == one_by_one == [base[1], base[3], None, None, None, None]
    assert items_store.first_clusters(conn, lookups[1:2], other) == [mine]  # the other way round
    assert items_store.first_clusters(conn, [], 1) == []
    new = [(ParsedItem(guid=f"n{n}", url=f"https://n/{n}", title=f"Story {n}", text=f"text {n}", html=f"<p>{n}</p>",
                       author=("Ann", "")[n % 2], rating=(4.5, None, 3)[n % 3], lang=("en", "")[n % 2]),
            f"https://n/{n}", f"story {n} of the day", (None, base[0])[n % 2], NOW - n) for n in range(5)]
    with db.transaction(conn):
        ids = items_store.insert_many(conn, 1, new, now=NOW + 7)
        single = items_store.insert_many(conn, 1, [(dataclasses.replace(new[0][0], guid="s"), "https://s/0",
                                                    *new[0][2:])], now=NOW + 7)
        assert items_store.insert_many(conn, 1, [], now=NOW) == []
    assert len(set(ids)) == 5 and ids == sorted(ids) and single[0] > ids[-1]
    cols = "guid, url, canonical_url, title, text, html, author, published, first_seen, rating, title_norm, title_key, lang"
    for item_id, (item, canon, tnorm, cluster, published) in zip(ids, new, strict=True):
        row = tuple(conn.execute(f"SELECT cluster_id, feed_id, {cols} FROM items WHERE id = ?", (item_id,)).fetchone())
        assert row == (cluster or item_id, 1, item.guid, item.url, canon, item.title, item.text, item.html,
                       item.author, published, NOW + 7, item.rating, tnorm, items_store.title_key(tnorm), item.lang)
    if db.dialect(conn) == "postgresql":  # found by the full-text index, as a single insert's item is
        assert conn.execute("SELECT count(*) FROM items WHERE fts @@ to_tsquery('orm_fts', 'text & 3')"
                            ).fetchone()[0] == 1
    else:  # SQLite: one executemany with the ids one insert at a time gives (max(id) + 1, in order)
        assert ids == list(range(mine + 1, mine + 6)) and single == [mine + 6]
        assert conn.execute("SELECT count(*) FROM items_fts WHERE items_fts MATCH 'text AND 3'").fetchone()[0] == 1


def test_mentions_written_together_keep_the_rollups_and_facets(conn):
    """items.insert_mentions of many rows (PostgreSQL: one statement, its rollup and facet
    triggers once per statement): pairs stored already or twice in the batch are left alone and
    not counted, whole and fractional scores and rows without a confidence are taken, and every
    trigger-kept table agrees with the rows, as after single inserts."""
    with db.transaction(conn):
        other = feeds_store.upsert(conn, "https://feeds.example/b", title="B", kind="blog")[0]
    first = add_mention(conn, 1, 1, 0, sentiment=0.4)
    item0 = conn.execute("SELECT item_id FROM mentions WHERE id = ?", (first,)).fetchone()[0]
    items = []
    with db.transaction(conn):
        for n in range(4):
            items.append(items_store.insert(conn, (1, other, None, 1)[n], ParsedItem(guid=f"b{n}", url=f"https://b/{n}",
                                            title="t", text="x"), canonical_url=f"https://b/{n}", title_norm="",
                                            cluster_id=None, published=NOW - n * 86400, now=NOW))
    rows = [(items[n % 4], 1 + n % 2, NOW - (n % 4) * 86400, ("news", "review")[n % 2], "s", (0, 0.5, -1, 0.01)[n % 4],
             0.1, "t", "text", "[]", ("pricing,service", "", "delivery", "pricing,pricing")[n % 4], "", 1.0, None, NOW,
             (None, 0.9)[n % 2]) for n in range(8)]
    rows.append((item0, 1, NOW, "news", "s", 1, 1, "t", "text", "[]", "", "", 1, None, NOW))  # stored already
    rows.append(rows[0])  # twice in the batch
    rows.append((items[0], 2, NOW, "news", "s", 0.2, 0.2, "t", "text", "[]", "", "", 0.5, NOW + 60, NOW))  # no confidence
    with db.transaction(conn):
        assert items_store.insert_mentions(conn, rows) == 5  # 4 items x 2 entities: 4 pairs; + (items[0], 2)
    assert conn.execute("SELECT count(*) FROM mentions").fetchone()[0] == 6
    assert tuple(conn.execute("SELECT confidence, due_at FROM mentions WHERE item_id = ? AND entity_id = 2",
                              (items[0],)).fetchone()) == (None, NOW + 60)
    _rollups_agree(conn)
    _facets_agree(conn, feeds=(1, other))
    with db.transaction(conn):
        mentions_store.set_status(conn, [first], "flagged", by="ana", now=NOW)
        conn.execute("DELETE FROM mentions WHERE item_id = ?", (items[1],))
    _rollups_agree(conn)
    _facets_agree(conn, feeds=(1, other))


def test_a_feeds_write_does_not_wait_for_the_disk_and_leaves_the_session_as_it_was(conn):
    """pipeline.write_items relaxes its own transaction's commit only (PostgreSQL
    ``synchronous_commit`` off until that transaction ends; SQLite in WAL mode with
    synchronous=NORMAL commits so already): the connection's next transactions wait again."""
    from orm_desktop.ingest import pipeline

    feed = feeds_store.get(conn, 1)
    pg = db.dialect(conn) == "postgresql"
    with db.transaction(conn):
        assert pipeline.write_items(conn, feed, [], NOW) == (0, 0)
        if pg:
            assert conn.execute("SHOW synchronous_commit").fetchone()[0] == "off"
    if pg:
        assert conn.execute("SHOW synchronous_commit").fetchone()[0] == "on"
    else:
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL


def _facet_reference(conn) -> tuple[dict, dict]:
    """(counts per (facet, entity, status), facet -> [(published, id)] for topics and feeds),
    from the mention and item rows."""
    counts: dict = {}
    keyed: dict = {}
    for mid, entity, status, kind, tops, published, feed in conn.execute(
            "SELECT m.id, m.entity_id, m.status, m.feed_kind, m.topics, m.published, i.feed_id "
            "FROM mentions m JOIN items i ON i.id = m.item_id"):
        facets = [f"topic:{t}" for t in sorted(set(tops.split(","))) if t] + ([f"feed:{feed}"] if feed else [])
        for facet in [f"kind:{kind}", *facets]:
            counts[(facet, entity, status)] = counts.get((facet, entity, status), 0) + 1
        for facet in facets:
            keyed.setdefault(facet, []).append((published, mid))
    return counts, keyed


def _facets_agree(conn, feeds=(1,)) -> None:
    counts, keyed = _facet_reference(conn)
    kept = {(r[0], r[1], r[2]): r[3] for r in conn.execute(
        "SELECT facet, entity_id, status, n FROM mention_facet_counts WHERE n <> 0")}
    assert kept == counts
    have: dict = {}
    for facet, published, mid in conn.execute("SELECT facet, published, mention_id FROM mention_facets"):
        have.setdefault(facet, []).append((published, mid))
    assert {k: sorted(v) for k, v in have.items()} == {k: sorted(v) for k, v in keyed.items()}
    filters = [MentionFilter(topic="pricing"), MentionFilter(topic="service", entity_ids=(1,)),
               MentionFilter(topic="pricing", statuses=("new", "flagged")), MentionFilter(feed_kinds=("review",)),
               MentionFilter(feed_kinds=("news", "review"), entity_ids=(2,), statuses=("new",)),
               MentionFilter(topic="nothing"), MentionFilter(topic="pricing", feed_kinds=("news",)),
               MentionFilter(topic="pricing", feed_id=feeds[0])]
    for feed in feeds:
        filters += [MentionFilter(feed_id=feed), MentionFilter(feed_id=feed, entity_ids=(2,)),
                    MentionFilter(feed_id=feed, statuses=("flagged",))]
    for f in filters:
        rows = mentions_store.query(conn, f, limit=1000)
        assert mentions_store.count(conn, f) == len(rows), f
        assert [m.id for m in rows] == [m.id for m in sorted(rows, key=lambda m: (m.published, m.id), reverse=True)]
        assert all((not f.topic or f.topic in m.topics) and (not f.feed_kinds or m.feed_kind in f.feed_kinds)
                   and (not f.entity_ids or m.entity_id in f.entity_ids) for m in rows), f
        if f.feed_id is not None and not f.topic:
            assert sorted(m.id for m in rows) == sorted(r[0] for r in conn.execute(
                "SELECT m.id FROM mentions m JOIN items i ON i.id = m.item_id WHERE i.feed_id = ? AND m.muted = 0"
                + (" AND m.entity_id = 2" if f.entity_ids else "")
                + (" AND m.status = 'flagged'" if f.statuses else ""), (f.feed_id,))), f
        assert [m.id for m in mentions_store.query(conn, f, limit=2, offset=1)] == [m.id for m in rows[1:3]]
        assert [m.id for m in mentions_store.query(conn, f, limit=1000, reverse=True)] == [m.id for m in rows][::-1]
    assert mentions_store.count(conn, MentionFilter(topic="pricing")) == len(keyed.get("topic:pricing", []))


def test_topic_kind_and_feed_facets_follow_every_change(conn):
    """``mention_facets`` and ``mention_facet_counts`` (m012, trigger-kept) agree with the
    mention rows after inserts, topic, status, kind, entity and date changes, mutes, deletes, an
    item moved to another feed and a deleted feed; topic and feed pages come newest first and
    counts by topic, kind or feed match the pages."""
    tops = ["pricing", "pricing,service", "", "service", "pricing,pricing", "delivery,pricing", "", "service"]
    ids = [add_mention(conn, 1 + n % 2, 1, n, published=NOW - (n % 3) * 3600, kind=("news", "review")[n % 3 == 0])
           for n in range(len(tops))]
    with db.transaction(conn):
        for mid, t in zip(ids, tops, strict=True):
            conn.execute("UPDATE mentions SET topics = ? WHERE id = ?", (t, mid))
    _facets_agree(conn)
    assert mentions_store.count(conn, MentionFilter(topic="pricing")) == 4
    with db.transaction(conn):
        mentions_store.set_status(conn, ids[:3], "flagged", by="ana", now=NOW)
        conn.execute("UPDATE mentions SET feed_kind = 'review' WHERE id = ?", (ids[1],))
        conn.execute("UPDATE mentions SET entity_id = 2, published = published - 7200 WHERE id = ?", (ids[5],))
        conn.execute("UPDATE mentions SET topics = 'service' WHERE id = ?", (ids[0],))
    _facets_agree(conn)
    with db.transaction(conn):
        conn.execute("UPDATE mentions SET muted = 1 WHERE id = ?", (ids[3],))
    _facets_agree(conn)  # counts of a muted workspace fall back to the rows
    with db.transaction(conn):
        conn.execute("DELETE FROM mentions WHERE id IN (?, ?)", (ids[1], ids[4]))
        conn.execute("UPDATE mentions SET muted = 0")
    _facets_agree(conn)
    with db.transaction(conn):  # mentions of a second feed; one item moves there, then it is deleted
        other = feeds_store.upsert(conn, "https://feeds.example/b", title="B", kind="blog")[0]
    more = [add_mention(conn, 2, other, 20 + n, published=NOW - n * 60) for n in range(3)]
    with db.transaction(conn):
        conn.execute("UPDATE mentions SET topics = 'pricing' WHERE id = ?", (more[0],))
        conn.execute("UPDATE items SET feed_id = ? WHERE id = (SELECT item_id FROM mentions WHERE id = ?)",
                     (other, ids[2]))
    _facets_agree(conn, feeds=(1, other))
    assert mentions_store.count(conn, MentionFilter(feed_id=other)) == 4
    with db.transaction(conn):
        feeds_store.remove(conn, other)
    _facets_agree(conn, feeds=(1, other))
    assert mentions_store.count(conn, MentionFilter(feed_id=other)) == 0
    if db.dialect(conn) == "sqlite":  # the statements that answer read the facet tables, not a LIKE
        seen: list[str] = []
        conn.set_trace_callback(seen.append)
        mentions_store.count(conn, MentionFilter(topic="pricing", entity_ids=(1,)))
        counted = list(seen)
        mentions_store.query(conn, MentionFilter(topic="pricing"))
        conn.set_trace_callback(None)
        assert "FROM mention_facet_counts" in counted[-1] and "FROM mention_facets" in " ".join(seen[len(counted):])
        assert not any("LIKE" in s for s in seen)


def as_version(conn, backend: str, version: int, undo, pg_sql: str) -> None:
    """The workspace as ``version`` left it: ``undo(conn)`` on SQLite (then its version stamp),
    ``pg_sql`` on PostgreSQL (which stamps it)."""
    from orm_desktop.store import db

    if backend == "sqlite":
        with db.transaction(conn):
            undo(conn)
        conn.execute(f"PRAGMA user_version = {version}")
    else:
        with db.transaction(conn):
            conn.execute(pg_sql)


def undo_m019(conn) -> None:
    """A SQLite workspace as it was before migration m019: no ``feeds.watched_until``, no
    ``feed_gaps``."""
    conn.execute("DROP TABLE feed_gaps")
    conn.execute("ALTER TABLE feeds DROP COLUMN watched_until")


def undo_m018(conn) -> None:
    """A SQLite workspace as it was before migration m018: no index of items by feed, no
    ``feeds.watched_since``; the migration after it undone first (``undo_m019``)."""
    undo_m019(conn)
    conn.execute("DROP INDEX items_feed_seen")
    conn.execute("ALTER TABLE feeds DROP COLUMN watched_since")


def undo_m017(conn) -> None:
    """A SQLite workspace as it was before migration m017: ``mention_daily`` without ``unscored``,
    m001's update and delete triggers, and its figures as they counted (a mention no engine
    scores counted as neutral); the migrations after it undone first (``undo_m018``)."""
    import re

    from orm_desktop.store.migrations import m001_foundation

    undo_m018(conn)
    conn.execute("DROP TRIGGER mention_daily_ad")
    conn.execute("DROP TRIGGER mention_daily_au")
    conn.execute("ALTER TABLE mention_daily DROP COLUMN unscored")
    for name in ("mention_daily_ad", "mention_daily_au"):
        conn.execute(re.search(rf"CREATE TRIGGER {name} .*?\nEND;", m001_foundation.SQL, re.S).group(0))
    conn.execute("DELETE FROM mention_daily")
    conn.execute("INSERT INTO mention_daily (entity_id, day, total, positive, neutral, negative, sentiment_sum) "
                 "SELECT entity_id, published / 86400, count(*), sum(sentiment >= 0.05), "
                 "sum(sentiment > -0.05 AND sentiment < 0.05), sum(sentiment <= -0.05), sum(sentiment) "
                 "FROM mentions GROUP BY 1, 2")


def undo_m013(conn) -> None:
    """A SQLite workspace as it was before migration m013 (row versions on entities, feeds, users);
    the migrations after it undone first (``undo_m017``)."""
    from orm_desktop.store.migrations.m013_config_versions import VERSIONED

    undo_m017(conn)
    for table in VERSIONED:
        conn.execute(f"DROP TRIGGER {table}_version_au")
        conn.execute(f"ALTER TABLE {table} DROP COLUMN changed_by")
        conn.execute(f"ALTER TABLE {table} DROP COLUMN version")


def test_facet_tables_are_filled_for_existing_mentions_on_upgrade(conn, new_ws):
    """A workspace from before m012 gets its mentions' topics and facet counts by the migration
    (SQLite: m012's backfill; PostgreSQL: the p012 data step)."""
    tops = ["pricing", "pricing,service", "", "service,delivery"]
    for n, t in enumerate(tops):
        mid = add_mention(conn, 1 + n % 2, 1, n, published=NOW - n * 60, kind=("news", "blog")[n % 2])
        with db.transaction(conn):
            conn.execute("UPDATE mentions SET topics = ? WHERE id = ?", (t, mid))
    before = 11
    with db.transaction(conn):
        conn.execute("DELETE FROM mention_facet_counts")
        conn.execute("DELETE FROM mention_facets")
        if db.dialect(conn) == "sqlite":
            for name in ("mention_facets_ai", "mention_facets_ad", "mention_facets_au", "mention_facets_item_feed_au"):
                conn.execute(f"DROP TRIGGER IF EXISTS {name}")  # m014 dropped the insert trigger
            conn.execute("DROP TABLE mention_facet_counts")
            conn.execute("DROP TABLE mention_facets")
            undo_m013(conn)  # the migrations after m012 run again too
        else:
            conn.execute("UPDATE schema_meta SET value = ? WHERE key = 'version'", (str(before),))
    if db.dialect(conn) == "sqlite":
        conn.execute(f"PRAGMA user_version = {before}")
    conn.close()
    assert db.migrate(new_ws.target) == db.schema_version() - before
    c = new_ws.connect()
    try:
        _facets_agree(c)
        assert mentions_store.count(c, MentionFilter(topic="pricing")) == 2
        assert mentions_store.count(c, MentionFilter(feed_id=1)) == 4
    finally:
        c.close()


_DERIVED = {  # every table the insert triggers wrote before m014, in a stable order
    "mention_daily": "SELECT * FROM mention_daily ORDER BY 1, 2",
    "mention_counts": "SELECT * FROM mention_counts ORDER BY 1, 2",
    "mention_facets": "SELECT * FROM mention_facets ORDER BY 1, 2, 3",
    "mention_facet_counts": "SELECT * FROM mention_facet_counts ORDER BY 1, 2, 3",
    # the full-text index's content: every (term, row, column, offset), each row's token counts and
    # the totals record; not its b-tree layout (the per-row trigger made FTS5 flush a segment more
    # often: more, smaller segments holding the same)
    "items_fts_terms": "SELECT * FROM temp.items_fts_terms ORDER BY 1, 2, 3, 4",
    "items_fts_docsize": "SELECT * FROM items_fts_docsize ORDER BY 1",
    "items_fts_totals": "SELECT block FROM items_fts_data WHERE id = 1",
}


def _insert_both_ways(tmp_path, batches, *, then=None):
    """The same items and mentions written by the store (schema now: no insert triggers since
    m014) and, raw with the same ids, into a workspace at schema 13 (the per-row insert
    triggers; and m017's column of the daily rollup, with its update and delete triggers, which
    the store's insert statement fills too); every derived table of both, read back."""
    db.create(tmp_path / "store.db")
    store = db.connect(tmp_path / "store.db")
    old = sqlite3.connect(tmp_path / "m013.db", isolation_level=None)
    for version, _name, apply in db._migrations():
        if version <= 13 or version == 17:
            old.execute("BEGIN")
            apply(old)
            old.execute("COMMIT")
    for c in (store, old):
        c.execute("INSERT INTO entities (id, kind, name, query, created) VALUES (1, 'brand', 'Acme', 'Acme', 0), "
                  "(2, 'competitor', 'Globex', 'Globex', 0)")
        c.execute("INSERT INTO feeds (id, url, kind, created) VALUES (1, 'https://a', 'news', 0), "
                  "(2, 'https://b', 'review', 0)")
    for feed_id, items, mentions in batches:
        with db.transaction(store):
            ids = items_store.insert_many(store, feed_id, items, now=NOW)
            added = items_store.insert_mentions(store, [(ids[i], *r) for i, *r in mentions])
        cols = "id, feed_id, guid, url, canonical_url, title, text, published, first_seen, cluster_id, title_norm"
        old.execute("BEGIN")
        for item_id in ids:
            old.execute(f"INSERT INTO items ({cols}) VALUES ({','.join('?' * 11)})",
                        store.execute(f"SELECT {cols} FROM items WHERE id = ?", (item_id,)).fetchone())
        rows = store.execute(f"SELECT id, {', '.join(items_store.MENTION_COLUMNS)} FROM mentions "
                             "WHERE item_id IN (%s) ORDER BY id" % ",".join("?" * len(ids)), ids).fetchall()
        assert added == len(rows)
        old.executemany(f"INSERT INTO mentions (id, {', '.join(items_store.MENTION_COLUMNS)}) VALUES "
                        f"({','.join('?' * (1 + len(items_store.MENTION_COLUMNS)))})", rows)
        old.execute("COMMIT")
    if then:
        for c in (store, old):
            c.execute("BEGIN")
            then(c)
            c.execute("COMMIT")
    for c in (store, old):
        c.execute("CREATE VIRTUAL TABLE temp.items_fts_terms USING fts5vocab('main', 'items_fts', 'instance')")
    out = [{k: [tuple(r) for r in c.execute(sql)] for k, sql in _DERIVED.items()} for c in (store, old)]
    assert store.execute("INSERT INTO items_fts (items_fts, rank) VALUES ('integrity-check', 1)").fetchall() == []
    store.close()
    old.close()
    return out


def test_the_stores_set_based_writes_give_what_the_insert_triggers_gave(tmp_path):
    """Migration m014: SQLite's insert triggers (full-text rows, daily rollup, counts, facets) are
    replaced by the store's statements once per batch; the same items and mentions, written by the
    store and written raw under the schema-13 triggers, leave every derived table the same (the daily
    sentiment sums to the last bit; the full-text index's terms, positions and sizes), also after updates and deletes
    (the triggers kept). Batches with topics repeated and empty, an item without a feed, a pair
    twice in a batch, scores on the label thresholds, several days and entities."""
    scores = (0.05, -0.05, 0.0499, -0.0499, 0.1, -0.7, 0.3333333, 0.1 + 0.2, 1e-17, 0.0)
    topics = ("pricing,service", "", "delivery", "pricing,pricing", "a,,b", "service")
    batches = []
    for b in range(6):
        feed_id = (1, 2, None)[b % 3]
        items = [(ParsedItem(guid=f"g{b}-{n}", url=f"https://x/{b}/{n}", title=f"Acme story {b} {n} recall",
                             text=f"Body {n} of batch {b}: Acme and Globex, prices and service {b * n}"),
                  f"https://x/{b}/{n}", f"acme story {b} {n}", None, NOW - ((b * 7 + n) % 5) * 86400 - n)
                 for n in range(7)]
        mentions = [(n % 7, 1 + (n // 7) % 2, NOW - ((b + n) % 4) * 86400, ("news", "review")[n % 2], "s",
                     scores[(b + n) % len(scores)], 0.1, "t", "text", "[]", topics[(b * 3 + n) % len(topics)], "",
                     1.0, None, NOW, None) for n in range(12)]
        mentions.append(mentions[0])  # twice in the batch: stored once
        batches.append((feed_id, items, mentions))
    store, old = _insert_both_ways(tmp_path, batches)
    assert store["mention_facets"] and len(store["items_fts_terms"]) > 500 and len(store["mention_daily"]) > 5
    for k in _DERIVED:
        assert store[k] == old[k], k

    def change(c):
        c.execute("UPDATE mentions SET status = 'flagged', sentiment = -0.2 WHERE id % 3 = 0")
        c.execute("UPDATE items SET title = 'Changed ' || title WHERE id % 4 = 0")
        c.execute("DELETE FROM mentions WHERE id % 5 = 0")

    (tmp_path / "again").mkdir()
    store, old = _insert_both_ways(tmp_path / "again", batches, then=change)
    for k in _DERIVED:
        assert store[k] == old[k], k


def test_a_write_without_a_transaction_commits_its_rows_and_their_index_together(tmp_path, monkeypatch):
    """items.insert / insert_many / insert_mentions called outside a transaction (SQLite) take one
    of their own: the ids they give from max(id) cannot clash, the rows are searchable and counted
    as soon as they are stored, and rows whose derived rows fail are not stored either."""
    db.create(tmp_path / "w.db")
    c = db.connect(tmp_path / "w.db")
    c.execute("INSERT INTO entities (id, kind, name, query, created) VALUES (1, 'brand', 'Acme', 'Acme', 0), "
              "(2, 'competitor', 'Globex', 'Globex', 0)")
    item = ParsedItem(guid="g", url="https://a/1", title="Acme recall", text="wobbly handlebars")
    iid = items_store.insert(c, None, item, canonical_url=item.url, title_norm="acme recall", cluster_id=None,
                             published=NOW, now=NOW)
    more = items_store.insert_many(c, None, [(dataclasses.replace(item, guid="h"), "https://a/2", "acme recall",
                                              None, NOW)], now=NOW)
    assert items_store.insert_mentions(c, [(i, 1, NOW, "news", "s", -0.5, -0.5, "t", "text", "[]", "safety", "", 1.0,
                                            None, NOW) for i in (iid, *more)]) == 2
    assert not c.in_transaction
    assert c.execute("SELECT count(*) FROM items_fts WHERE items_fts MATCH 'wobbly'").fetchone()[0] == 2
    assert tuple(c.execute("SELECT total, negative FROM mention_daily").fetchone()) == (2, 2)
    assert c.execute("SELECT n FROM mention_facet_counts WHERE facet = 'topic:safety'").fetchone()[0] == 2

    def broken(*_a, **_k):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(items_store, "index_new_rows", broken)
    with pytest.raises(WorkspaceError):  # the transaction's rollback, the error said as a workspace's
        items_store.insert_many(c, None, [(dataclasses.replace(item, guid="k"), "https://a/3", "x", None, NOW)], now=NOW)
    with pytest.raises(WorkspaceError):
        items_store.insert_mentions(c, [(i, 2, NOW, "news", "s", 0.5, 0.5, "t", "text", "[]", "", "", 1.0, None, NOW)
                                        for i in (iid, *more)])  # new pairs: Globex's
    assert c.execute("SELECT count(*) FROM items").fetchone()[0] == 2
    assert c.execute("SELECT count(*) FROM mentions").fetchone()[0] == 2
    c.close()


@pytest.mark.parametrize("walk_share", [0.0, 1.0])  # a large selection's pages walk the index; a small one's look up ids
def test_a_set_of_mention_ids_filters_pages_and_counts_with_the_other_filters(conn, monkeypatch, walk_share):
    """A saved search's selection (its rule's matching ids) as a filter: combined with the other
    filters, paged in order, counted exactly, and more ids than SQLite takes as variables (250,000
    here) in one argument (SQLite json_each, PostgreSQL = ANY(array))."""
    with db.transaction(conn):
        other = feeds_store.upsert(conn, "https://feeds.example/b", title="B", kind="blog")[0]
    monkeypatch.setattr(mentions_store, "WALK_SELECTION_SHARE", walk_share)
    every = [add_mention(conn, 1 + n % 2, 1 if n % 3 else other, n, published=NOW - n * 60,
                         sentiment=-0.5 if n % 4 == 0 else 0.5, title=f"Story {n} " + ("recall" if n % 5 else "launch")) for n in range(12)]
    chosen = every[::2]  # newest first, as the mentions were published
    with db.transaction(conn):
        mentions_store.set_status(conn, chosen[:2], "archived", by="t", now=NOW)
    f = MentionFilter(mention_ids=tuple(chosen))
    assert [m.id for m in mentions_store.query(conn, f, limit=100)] == chosen
    assert [m.id for m in mentions_store.query(conn, f, limit=2, offset=3)] == chosen[3:5]
    assert [m.id for m in mentions_store.query(conn, f, limit=2, offset=0, reverse=True)] == chosen[::-1][:2]
    assert mentions_store.count(conn, f) == len(chosen)
    cases = {
        MentionFilter(mention_ids=tuple(chosen), statuses=("new",)): chosen[2:],
        MentionFilter(mention_ids=tuple(chosen), entity_ids=(1,)): chosen,  # n even: entity 1
        MentionFilter(mention_ids=tuple(chosen), entity_ids=(2,)): [],
        MentionFilter(mention_ids=tuple(chosen), sentiment="negative"): [every[n] for n in (0, 4, 8)],
        MentionFilter(mention_ids=tuple(chosen), feed_id=other): [every[n] for n in (0, 6)],
        MentionFilter(mention_ids=tuple(chosen), feed_kinds=("news",)): chosen,
        MentionFilter(mention_ids=tuple(chosen), search="recall"): [every[n] for n in (2, 4, 6, 8)],
        MentionFilter(mention_ids=tuple(chosen), search="launch"): [every[0], every[10]],
        MentionFilter(mention_ids=tuple(chosen), since=NOW - 5 * 60): [every[n] for n in (0, 2, 4)],
        MentionFilter(mention_ids=tuple(chosen), order="priority"): chosen,
        MentionFilter(mention_ids=()): [],
        MentionFilter(mention_ids=(), statuses=("new",)): [],
        MentionFilter(mention_ids=(every[1], 10**9)): [every[1]],
    }
    for f, expected in cases.items():
        assert mentions_store.count(conn, f) == len(expected), f
        assert [m.id for m in mentions_store.query(conn, f, limit=100)] == expected, f
    huge = tuple(chosen) + tuple(range(10**9, 10**9 + 260_000))
    f = MentionFilter(mention_ids=huge, statuses=("new",))
    assert mentions_store.count(conn, f) == len(chosen) - 2
    assert [m.id for m in mentions_store.query(conn, f, limit=3)] == chosen[2:5]
    assert mentions_store.count_new(conn, huge) == len(chosen) - 2
    # inside a transaction (no temp table made there) and as a list: the same mentions
    with db.transaction(conn):
        f = MentionFilter(mention_ids=tuple(chosen[1:]), statuses=("new",))
        assert [m.id for m in mentions_store.query(conn, f, limit=100)] == chosen[2:]
        assert mentions_store.count(conn, f) == len(chosen) - 2
    assert mentions_store.count_new(conn, list(huge)) == len(chosen) - 2


def test_selections_are_stored_once_and_only_the_latest_kept(conn):
    ids = [add_mention(conn, 1, 1, n, published=NOW - n) for n in range(6)]
    selections = [tuple(ids[:n + 1]) for n in range(6)]
    names = [mentions_store.selection_table(conn, s) for s in selections]
    assert len(set(names)) == 6 and all(names)
    assert mentions_store.selection_table(conn, selections[-1]) == names[-1]  # the same tuple: stored once
    assert mentions_store.selection_table(conn, tuple(selections[-1])) == names[-1]
    assert mentions_store.selection_table(conn, tuple(list(selections[-1]))) != names[-1]  # an equal one: anew
    for n, s in enumerate(selections):  # dropped ones are stored again when asked for
        assert mentions_store.count(conn, MentionFilter(mention_ids=s)) == n + 1
        assert [m.id for m in mentions_store.query(conn, MentionFilter(mention_ids=s))] == ids[:n + 1]
    kept = conn.__dict__["_orm_selections"]
    assert len(kept) == mentions_store.SELECTION_TABLES


def test_a_selection_rolled_back_by_another_thread_is_not_kept(conn, monkeypatch):
    """The connection is shared with other threads: one that opens a transaction around the
    selection's insert and rolls it back leaves the table empty. That table is not used (the ids
    go with each statement), so the inbox never shows fewer mentions than the saved search counts."""
    ids = [add_mention(conn, 1, 1, n, published=NOW - n) for n in range(5)]
    real = conn.execute
    insert = "execute_count" if hasattr(conn, "execute_count") else "execute"  # PostgreSQL: execute_count
    real_insert = getattr(conn, insert)

    def racing(sql, *args):
        if sql.startswith("INSERT") and "orm_selection" in sql:
            real("BEGIN")  # another thread's transaction, rolled back after the insert
            out = real_insert(sql, *args)
            real("ROLLBACK")
            return out
        return real_insert(sql, *args)

    monkeypatch.setattr(conn, insert, racing)
    sel = tuple(ids[1:4])
    assert mentions_store.selection_table(conn, sel) is None
    monkeypatch.setattr(conn, insert, real_insert)
    f = MentionFilter(mention_ids=sel)
    assert mentions_store.count(conn, f) == 3
    assert sorted(m.id for m in mentions_store.query(conn, f, limit=10)) == sorted(sel)


def test_the_overdue_queries_read_a_partial_index_not_every_mention_needing_a_response(conn, backend):
    """The inbox's "N overdue" (Responses page, Dashboard, digest) counted through the index of
    (status, published): every mention needing a response, 53 ms at 300k mentions, and the list
    sorted them in a temporary B-tree (93 ms). The partial index mentions_overdue (m016) holds only
    the mentions that can be overdue, in due order: 1.7 ms and 1.0 ms (docs/performance.md)."""
    from orm_desktop.store import responses as rstore

    ids = [add_mention(conn, 1, 1, n, published=NOW - n) for n in range(6)]
    with db.transaction(conn):
        for i, (status, due) in enumerate([("needs_response", NOW - 50), ("flagged", NOW - 100), ("new", NOW - 10),
                                           ("needs_response", NOW + 10), ("needs_response", None),
                                           ("needs_response", NOW - 20)]):
            conn.execute("UPDATE mentions SET status = ?, due_at = ? WHERE id = ?", (status, due, ids[i]))
        conn.execute("INSERT INTO responses (mention_id, state, text, author, created, updated) "
                     "VALUES (?, 'sent', 'done', 'ann', ?, ?)", (ids[5], NOW, NOW))
    assert rstore.overdue_count(conn, NOW) == 2
    assert [r[0] for r in rstore.overdue(conn, NOW)] == [ids[1], ids[0]]
    if backend == "sqlite":
        frm = rstore._overdue_mentions(conn)
        for sql in (f"SELECT count(*) FROM {frm} WHERE {rstore._OVERDUE}",
                    f"SELECT m.id FROM {frm} JOIN items i ON i.id = m.item_id WHERE {rstore._OVERDUE} "
                    "ORDER BY m.due_at LIMIT 20"):
            plan = " / ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql, (NOW,)))
            assert "USING INDEX mentions_overdue" in plan and "TEMP B-TREE" not in plan, plan
        conn.execute("DROP INDEX mentions_overdue")  # an offline snapshot of an older version: not migrated
        assert rstore.overdue_count(conn, NOW) == 2 and len(rstore.overdue(conn, NOW)) == 2
