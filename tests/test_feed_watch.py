"""When each feed has been watched since, and look-ups by feed (migration m018).

* A feed added today whose first fetch brings entries dated yesterday and today is no spike: the
  baseline had nothing of that feed only because nobody watched it then. Spike detection counts,
  for a day and its baseline alike, only feeds watched over the whole compared window (a feed is
  known from the oldest entry of its first fetch). A real spike on a feed watched long enough
  still alerts on the day a new feed is added; the demo's crisis still alerts
  (tests/test_alerts.py).
* Look-ups by feed read that feed's rows, not every item (SQLite had no index by feed): which
  undated entries came in their feed's first fetch, a feed's kind change, a feed's removal.
* A feed whose refreshes missed a span (the app not run for two weeks, or the feed failing for
  two weeks: m019's ``feed_gaps``) counts on no test of the span's days, and later tests leave
  those days out of their baselines (or the feed, when fewer than 14 seen days would remain):
  its returning volume is no spike; a spike days after the gap, a real spike of a feed
  refreshed daily, and an alert from before the gap, alert.
* A version-17 workspace is upgraded (its feeds' ``watched_since`` from their first items) and
  passes ``check``; on PostgreSQL the PostgreSQL-only step is renumbered p020 and runs again.

Real parts: real SQLite files and PostgreSQL databases, the real refresh from a real http.server
on 127.0.0.1 (tests/feedserver.py).
"""

from __future__ import annotations

import time
from email.utils import formatdate

import pytest

from orm_desktop.analysis import alerts
from orm_desktop.store import db, kpis
from orm_desktop.store.postgres import schema as pg_schema
from tests.test_pg import pg_only_steps

pytestmark = pytest.mark.both_backends  # the service fixtures run on SQLite and PostgreSQL

DAY = 86400


def _rss(name: str, entries: list[tuple[str, int | None]]) -> bytes:
    """An RSS 2.0 feed ``name`` of (title, published or None) entries, each linked by
    its title."""
    body = "".join(
        f"<item><title>{t}</title><link>https://{name}.example/{t.replace(' ', '-')}</link>"
        f"<description>{t}: said something about its products.</description>"
        + (f"<pubDate>{formatdate(p, usegmt=True)}</pubDate>" if p else "") + "</item>"
        for t, p in entries)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>{body}</channel></rss>'.encode()


def _serve(server, path: str, feed: bytes) -> str:
    server.routes[path] = (200, {"Content-Type": "application/rss+xml"}, feed)
    return server.url(path)


@pytest.fixture
def feed_server():
    from tests.feedserver import FeedServer

    with FeedServer() as s:
        yield s


def _clock() -> int:
    """The tests' "now": 20:00 UTC of the latest day that has reached it (at most a day ago).
    Entries of "the last 40 hours" then lie on that day and the one before, and "two a day" on
    their days, whatever time the suite runs at: with the real time, the tests held only from
    16:00 UTC on (after midnight the backlog spanned three days and a day's pair was split)."""
    t = int(time.time())
    evening = t // DAY * DAY + 20 * 3600
    return evening if t >= evening else evening - DAY


def _history(now: int) -> list[tuple[str, int]]:
    """Two entries a day for the 40 days before today: an old feed's steady coverage."""
    return [(f"Acme day {d} story {k}", now - d * DAY - k * 3600) for d in range(1, 41) for k in range(2)]


def _backlog(now: int) -> list[tuple[str, int]]:
    """A new feed's first fetch: 40 entries of the last 40 hours (yesterday and today)."""
    return [(f"Acme latest {i}", now - 60 - i * 3600) for i in range(40)]


def test_a_new_feeds_dated_backlog_of_yesterday_and_today_is_no_spike(empty_service, feed_server):
    """An old feed brings Acme two mentions a day. A feed added today brings 40 entries dated
    yesterday and today in its first fetch: detection said 'volume spike, 26 vs 2.0 expected'
    (yesterday) and another for today, though nothing happened: the new feed was simply not
    watched before. Its entries still show in the inbox and on the charts."""
    svc, now = empty_service, _clock()
    svc.add_entity("brand", "Acme")
    svc.add_feed(_serve(feed_server, "/old.xml", _rss("old", _history(now))))
    svc.fetch(jobs=1, now=now - 3600)
    assert svc.alerts() == []
    svc.add_feed(_serve(feed_server, "/new.xml", _rss("new", _backlog(now))))
    assert svc.fetch(jobs=1, now=now).new_mentions == 40
    assert svc.alerts() == [], [a.describe() for a in svc.alerts()]
    assert alerts.detect(svc.conn) == []
    assert svc.count_mentions() == 120  # in the inbox
    entity = svc.entity("Acme").id
    today = now // DAY * DAY
    charted = kpis.daily_series(svc.conn, entity, today - DAY, today + DAY)
    assert sum(p.total for p in charted) == 40 + 2  # on the charts: the backlog and the old feed's day


def test_a_real_spike_on_an_old_feed_alerts_on_the_day_a_new_feed_is_added(empty_service, feed_server):
    """The same new feed, added by the refresh that brings the old feed's 25 entries of today: a
    spike of the feed watched for 40 days, which alerts with its own figures (25, not 25 plus the
    new feed's backlog of today)."""
    svc, now = empty_service, _clock()
    svc.add_entity("brand", "Acme")
    old = _serve(feed_server, "/old.xml", _rss("old", _history(now)))
    svc.add_feed(old)
    svc.fetch(jobs=1, now=now - 3600)
    burst = [(f"Acme burst {i}", now - 60 - i) for i in range(25)]
    _serve(feed_server, "/old.xml", _rss("old", burst + _history(now)))
    svc.add_feed(_serve(feed_server, "/new.xml", _rss("new", _backlog(now))))
    assert svc.fetch(jobs=1, now=now, force=True).new_mentions == 65
    spikes = [a for a in svc.alerts() if a.kind == "volume_spike"]
    assert len(spikes) == 1, [a.describe() for a in svc.alerts()]
    assert spikes[0].window_start == now // DAY * DAY and spikes[0].observed == 25
    assert spikes[0].baseline == 2.0


def test_a_feed_is_known_from_the_oldest_entry_of_its_first_fetch(empty_service, feed_server):
    """``watched_since`` is the first successful fetch; the day a feed is known from is the
    oldest entry that fetch brought (the feed held every entry since), or that fetch for a feed
    that brought none older. Later refreshes change neither."""
    svc, now = empty_service, _clock()
    svc.add_entity("brand", "Acme")
    svc.add_feed(_serve(feed_server, "/old.xml", _rss("old", _history(now))))
    svc.add_feed(_serve(feed_server, "/undated.xml", _rss("undated", [("Acme undated", None)])))
    svc.fetch(jobs=1, now=now)
    watched = {r[0]: r[1] for r in svc.conn.execute("SELECT url, watched_since FROM feeds")}
    assert set(watched.values()) == {now}
    assert sorted(kpis.feeds_watched_after(svc.conn, now - 100 * DAY).values()) == [
        (now - 40 * DAY - 3600) // DAY * DAY, now // DAY * DAY]
    svc.fetch(jobs=1, now=now + 3600, force=True)
    assert {r[0]: r[1] for r in svc.conn.execute("SELECT url, watched_since FROM feeds")} == watched
    assert kpis.feeds_watched_after(svc.conn, now) == {}  # none first fetched after now


def _instructions(conn, fn) -> int:
    """SQLite virtual-machine instructions ``fn`` makes ``conn`` run: the work of its statements,
    which a scan makes grow with the table, whatever the machine's speed."""
    n = [0]

    def tick() -> int:
        n[0] += 1
        return 0

    conn.set_progress_handler(tick, 1)
    try:
        fn()
    finally:
        conn.set_progress_handler(None, 1)
    return n[0]


def test_look_ups_by_feed_read_that_feeds_rows_not_every_item(empty_service, feed_server, backend):
    """SQLite had no index of items by feed: asking which undated entries of a day came in their
    feed's first fetch scanned every item (0.2 s at 154,000 items), and so did changing a feed's
    kind and removing a feed (0.4-0.5 s). The same three on a new feed of 30 entries, with 10,000
    and then 20,000 items of an old feed in the workspace: the work (SQLite instructions) grew by
    50,000, 30,000 and 71,000 instructions with the 10,000 more items; now by less than 5,000
    (0, 0 and about 1,000 measured)."""
    if backend != "sqlite":
        pytest.skip("PostgreSQL had its index of items by feed")
    svc, now = empty_service, _clock()
    old = svc.add_feed(_serve(feed_server, "/old.xml", _rss("old", [])))[0].id
    today = now // DAY * DAY

    def round_(n: int, name: str) -> list[int]:
        with db.transaction(svc.conn) as conn:
            conn.executemany(
                "INSERT INTO items (feed_id, guid, url, canonical_url, title, text, published, first_seen) "
                "VALUES (?, ?, ?, ?, 'Old', 'Old news', ?, ?)",
                [(old, f"{name}{i}", f"https://old.example/{name}{i}", f"https://old.example/{name}{i}",
                  now - 9 * DAY, now - 9 * DAY) for i in range(n)])
        entity = svc.add_entity("brand" if name == "Acme" else "competitor", name).id
        new = svc.add_feed(_serve(feed_server, f"/{name}.xml", _rss(name, [(f"{name} story {i}", None)
                                                                          for i in range(30)])))[0].id
        svc.fetch(jobs=1, feed_ids=[new], now=now)
        answer: list = []
        work = [_instructions(svc.conn, lambda: answer.append(kpis.unknown_day_counts(svc.conn, entity, today))),
                _instructions(svc.conn, lambda: svc.update_feed(new, kind="blog")),
                _instructions(svc.conn, lambda: svc.remove_feed(new))]
        assert answer == [(30, 0)]  # the first fetch's undated entries: their day is unknown
        assert svc.conn.execute("SELECT count(*) FROM items i JOIN mentions m ON m.item_id = i.id "
                                "WHERE i.feed_id IS NULL AND m.entity_id = ? AND m.feed_kind = 'blog'",
                                (entity,)).fetchone()[0] == 30  # its kind followed, then it was removed
        return work

    first = round_(10_000, "Acme")
    second = round_(10_000, "Globex")  # 20,000 old items now
    grew = [b - a for a, b in zip(first, second, strict=True)]
    assert all(g < 5_000 for g in grew), (first, second)
    # the per-feed day counts of detection read those feeds' items first, also where the planner
    # has statistics (ANALYZEd, it read every mention of the period first: by published here, by
    # entity and published on the generated 200,000-mention workspace, 227 ms instead of 15)
    svc.conn.execute("ANALYZE")
    seen: list[str] = []
    svc.conn.set_trace_callback(seen.append)
    kpis.feed_day_counts(svc.conn, [old], today - 30 * DAY, today + DAY)
    svc.conn.set_trace_callback(None)
    plan = " ".join(r[-1] for r in svc.conn.execute(f"EXPLAIN QUERY PLAN {seen[-1]}"))
    assert "SEARCH i USING INDEX items_feed_seen" in plan and "SEARCH m USING INDEX mentions_" not in plan, plan
    assert "SCAN items" not in " ".join(r[-1] for r in svc.conn.execute(
        "EXPLAIN QUERY PLAN SELECT min(first_seen) FROM items WHERE feed_id = ?", (old,)))


# a team database as version 18 left it (which ran the PostgreSQL-only step under the number 19)
PG_V18 = """
DROP TABLE feed_gaps;
ALTER TABLE feeds DROP COLUMN watched_until;
UPDATE schema_meta SET value = '18' WHERE key = 'version';
UPDATE schema_meta SET value = '19' WHERE key = 'pg_step';
"""

# a team database as version 17 left it (which ran the PostgreSQL-only step under the number 18)
PG_V17 = PG_V18 + """
DROP INDEX items_feed_seen;
CREATE INDEX items_feed ON items (feed_id);
ALTER TABLE feeds DROP COLUMN watched_since;
UPDATE schema_meta SET value = '17' WHERE key = 'version';
UPDATE schema_meta SET value = '18' WHERE key = 'pg_step';
"""


def _passes_check(run_cli, ws) -> None:
    """`check` of the upgraded workspace: integrity ok, no schema object it did not expect."""
    r = run_cli("check", workspace=ws.location)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "integrity check: ok" in r.stdout and "schema:" not in r.stdout


def make_v17(conn, backend: str) -> None:
    """The workspace as version 17 left it: no index of items by feed (on PostgreSQL: its own
    ``items_feed``), no ``feeds.watched_since``."""
    from tests.test_store import as_version, undo_m018

    as_version(conn, backend, 17, undo_m018, PG_V17)


def feed_indexes(conn) -> set[str]:
    sql = ("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'items'" if db.dialect(conn) == "sqlite"
           else "SELECT indexname FROM pg_indexes WHERE tablename = 'items' AND schemaname = current_schema()")
    return {r[0] for r in conn.execute(sql)} & {"items_feed", "items_feed_seen"}


def test_a_version_17_workspace_is_upgraded_and_passes_check(new_ws, backend, run_cli):
    """m018 on a workspace of version 17: the index, and each feed watched since its first item
    was seen (a feed without items: at its next successful fetch). PostgreSQL: p018 fills the
    column the same and drops its own ``items_feed``; the PostgreSQL-only step runs again as
    p020 (and m019 / p019 after it). Then ``check`` passes and detection runs."""
    conn = new_ws.connect()
    with db.transaction(conn):
        conn.execute("INSERT INTO entities (kind, name, query, created) VALUES ('brand', 'Acme', 'Acme', 1)")
        conn.execute("INSERT INTO feeds (id, url, created) VALUES (1, 'https://a.example/feed', 1), "
                     "(2, 'https://b.example/feed', 1)")
        conn.execute("INSERT INTO items (feed_id, guid, url, canonical_url, title, text, published, first_seen) "
                     "VALUES (1, 'g1', 'u1', 'u1', 'Acme', 'Acme', 50, 300), (1, 'g2', 'u2', 'u2', 'Acme', 'Acme', 90, 200)")
    make_v17(conn, backend)
    assert feed_indexes(conn) == (set() if backend == "sqlite" else {"items_feed"})
    conn.close()
    assert db.migrate(new_ws.target) == 2 + (pg_only_steps() if backend == "postgresql" else 0)
    assert db.migrate(new_ws.target) == 0
    conn = new_ws.connect()
    try:
        assert [tuple(r) for r in conn.execute("SELECT id, watched_since FROM feeds ORDER BY id")] == [(1, 200),
                                                                                                      (2, None)]
        assert feed_indexes(conn) == {"items_feed_seen"}
        if backend == "postgresql":
            from orm_desktop.store.postgres import schema as pg_schema
            from tests.test_pg import insert_trigger_levels

            assert pg_schema.stamp(conn) == (pg_schema.APPLICATION, db.schema_version())
            assert conn.execute("SELECT value FROM schema_meta WHERE key = 'pg_step'").fetchone()[0] == str(pg_schema.pg_step())
            assert insert_trigger_levels(conn) == {"statement"}
        assert alerts.detect(conn) == []
    finally:
        conn.close()
    _passes_check(run_cli, new_ws)


@pytest.mark.parametrize("how", ["enabled again", "moved to another source"])
def test_a_feed_back_after_months_is_watched_anew_and_its_gap_is_no_quiet_spell(empty_service, feed_server, how):
    """A feed watched 120 days ago, then disabled (or its address changed to another source),
    comes back today with the 40 entries of the last 40 hours. It kept its first
    ``watched_since``, so the 28 baseline days it was not fetched read as quiet days and its
    returning volume alerted ('volume spike, 28 vs 2.0 expected'). Enabling it again or pointing
    it at another source now starts a new watch: it counts once known over a whole window."""
    svc, now = empty_service, _clock()
    then = now - 120 * DAY
    svc.add_entity("brand", "Acme")
    svc.add_feed(_serve(feed_server, "/steady.xml", _rss("steady", _history(then))))
    back = svc.add_feed(_serve(feed_server, "/back.xml", _rss("back", _history(then))))[0]
    svc.fetch(jobs=1, now=then)
    if how == "enabled again":
        svc.update_feed(back.id, enabled=False)
        svc.fetch(jobs=1, now=then + 3600)
        svc.update_feed(back.id, enabled=True)
        _serve(feed_server, "/back.xml", _rss("back", _backlog(now)))
    else:
        svc.update_feed(back.id, url=_serve(feed_server, "/other.xml", _rss("other", _backlog(now))))
    _serve(feed_server, "/steady.xml", _rss("steady", [(f"Later {t}", p) for t, p in _history(now)]))
    assert svc.fetch(jobs=1, now=now, force=True).new_mentions == 80 + 40
    assert [a.describe() for a in svc.alerts() if a.kind == "volume_spike"] == []
    known = kpis.feeds_watched_after(svc.conn, now - DAY)
    assert known == {back.id: (now - 60 - 39 * 3600) // DAY * DAY}  # from the oldest entry it brought back
    svc.update_feed(back.id, title="Back")  # other changes leave the watch alone
    assert kpis.feeds_watched_after(svc.conn, now - DAY) == known


def _window(t: int, n: int = 20) -> list[tuple[str, int]]:
    """What a feed of two entries a day holds at ``t``: its latest ``n`` (ten days)."""
    return [(f"Acme at {t // 43200 * 43200 - k * 43200}", t // 43200 * 43200 - k * 43200) for k in range(n)]


def _fetched_daily(svc, server, first: int, last: int, now: int) -> int:
    """The feed /daily.xml added and refreshed once a day from ``first`` to ``last`` days ago,
    holding its latest 20 entries each time; returns the feed's id."""
    feed = svc.add_feed(_serve(server, "/daily.xml", _rss("daily", _window(now - first * DAY))))[0].id
    for d in range(first, last - 1, -1):
        _serve(server, "/daily.xml", _rss("daily", _window(now - d * DAY)))
        svc.fetch(jobs=1, now=now - d * DAY, force=True)
    return feed


@pytest.mark.parametrize("how", ["app not run", "feed failing"])
def test_a_gap_without_disabling_is_no_quiet_spell(empty_service, feed_server, how):
    """A feed of two entries a day refreshed every day for a month, then nothing for 14 days (the
    app not run; or refreshed daily while the feed answered 500), then a refresh that finds only
    what the feed still holds: its latest 20 entries, ten days. The four days before those fell
    out of the feed unseen, and detection read them as quiet days. The refresh records the span it
    did not see (m019's ``feed_gaps``): the feed counts on no test of those days, and later tests
    leave them out of their baselines (unseen, not quiet). Nothing alerts."""
    svc, now = empty_service, _clock()
    svc.add_entity("brand", "Acme")
    feed = _fetched_daily(svc, feed_server, 44, 14, now)
    assert svc.conn.execute("SELECT count(*) FROM feed_gaps").fetchone()[0] == 0  # daily: nothing missed
    if how == "feed failing":
        feed_server.routes["/daily.xml"] = (500, {"Content-Type": "text/plain"}, b"down")
        for d in range(13, 0, -1):
            svc.fetch(jobs=1, now=now - d * DAY, force=True)
        assert svc.conn.execute("SELECT error_count FROM feeds WHERE id = ?", (feed,)).fetchone()[0] == 13
    held = _window(now)
    _serve(feed_server, "/daily.xml", _rss("daily", held))
    assert svc.fetch(jobs=1, now=now, force=True).new_mentions == 20
    assert [tuple(r) for r in svc.conn.execute("SELECT feed_id, gap_from, gap_until FROM feed_gaps")] == [
        (feed, now - 14 * DAY, min(p for _, p in held))]
    assert [a.describe() for a in svc.alerts()] == []
    assert alerts.detect(svc.conn, now=now) == []
    svc.remove_feed(feed)  # its gaps go with it (a later feed may get its id)
    assert svc.conn.execute("SELECT count(*) FROM feed_gaps").fetchone()[0] == 0


def test_a_spike_days_after_a_gap_alerts(empty_service, feed_server):
    """The laptop app not run for two weeks leaves a gap on every feed. Until 1 Dec a feed was
    left out of every test whose baseline overlapped its gap, four weeks after it: every feed at
    once, so a crisis three days after the return raised no alert. The gap's days are now left out
    of the baseline instead (ten seen days before it and two after remain), and today's burst of
    20 (the feed's usual two a day) alerts."""
    svc, now = empty_service, _clock()
    svc.add_entity("brand", "Acme")
    feed = _fetched_daily(svc, feed_server, 44, 17, now)
    for d in (3, 2, 1):  # back after two weeks: what the feed holds, then daily again
        _serve(feed_server, "/daily.xml", _rss("daily", _window(now - d * DAY)))
        svc.fetch(jobs=1, now=now - d * DAY, force=True)
    assert [r[0] for r in svc.conn.execute("SELECT feed_id FROM feed_gaps")] == [feed]
    assert [a.describe() for a in svc.alerts()] == []  # the return itself is no spike
    burst = [(f"Acme burst {i}", now - 60 - i * 60) for i in range(20)]
    _serve(feed_server, "/daily.xml", _rss("daily", burst))
    assert svc.fetch(jobs=1, now=now, force=True).new_mentions == 20
    spikes = [a for a in svc.alerts() if a.kind == "volume_spike"]
    assert [(a.window_start, a.observed) for a in spikes] == [(now // DAY * DAY, 20)], [a.describe() for a in spikes]


def test_a_long_gap_leaves_its_feed_out_rather_than_test_on_a_short_baseline():
    """A gap of more than half the baseline (20 of 28 days) would leave a test fewer than 14
    seen days: the feed is left out of those tests instead, and the other feeds are tested."""
    from orm_desktop.store.kpis import DayPoint

    start = 1_700_000_000 // DAY * DAY
    n = 60
    series = [DayPoint(start + i * DAY, 4, 0, 4, 0, 0.0) for i in range(n)]
    counts, negatives, scored = [4] * n, [0] * n, [4] * n
    by_feed = {1: {start + i * DAY: (2, 0, 0) for i in range(n)}, 2: {start + i * DAY: (2, 0, 0) for i in range(n)}}
    short = {1: [(start + 40 * DAY, start + 44 * DAY)]}
    long_ = {1: [(start + 20 * DAY, start + 40 * DAY)]}
    for_day = alerts._watched_feeds_only(series, counts, negatives, scored, {}, by_feed, short)
    c, _, _, unseen = for_day(46)
    assert c[46] == 4 and unseen == frozenset(range(40, 45))  # both feeds, five days unseen
    assert for_day(42)[0][42] == 2  # the gap's own day: without feed 1
    for_day = alerts._watched_feeds_only(series, counts, negatives, scored, {}, by_feed, long_)
    c, _, _, unseen = for_day(45)
    assert c[45] == 2 and unseen == frozenset()  # 21 of 28 days unseen: feed 1 left out instead


def test_a_real_spike_on_a_feed_refreshed_every_day_still_alerts(empty_service, feed_server):
    """The same feed refreshed every day up to yesterday; today it brings 25 entries of today (it
    holds 20 at most, so its window no longer reaches yesterday's refresh: less than a day not
    seen, which makes a spike smaller, never a baseline quieter). That spike alerts."""
    svc, now = empty_service, _clock()
    svc.add_entity("brand", "Acme")
    _fetched_daily(svc, feed_server, 44, 1, now)
    burst = [(f"Acme burst {i}", now - 60 - i * 60) for i in range(25)]
    _serve(feed_server, "/daily.xml", _rss("daily", burst[:20]))
    assert svc.fetch(jobs=1, now=now, force=True).new_mentions == 20
    assert svc.conn.execute("SELECT count(*) FROM feed_gaps").fetchone()[0] == 0
    spikes = [a for a in svc.alerts() if a.kind == "volume_spike"]
    assert [(a.window_start, a.observed) for a in spikes] == [(now // DAY * DAY, 20)], [a.describe() for a in spikes]


def make_v18(conn, backend: str) -> None:
    """The workspace as version 18 left it: no ``feeds.watched_until``, no ``feed_gaps``."""
    from tests.test_store import as_version, undo_m019

    as_version(conn, backend, 18, undo_m019, PG_V18)


def test_a_version_18_workspace_is_upgraded_and_passes_check(new_ws, backend, run_cli):
    """m019 on a workspace of version 18: ``feed_gaps``, and each fetched feed's ``watched_until``
    from its last fetch when that succeeded, else from the last time it brought an item (a feed
    never fetched: none). PostgreSQL: p019 fills it the same; the PostgreSQL-only step runs again
    as p020. Then ``check`` passes and detection runs."""
    conn = new_ws.connect()
    with db.transaction(conn):
        conn.execute("INSERT INTO feeds (id, url, created, watched_since, last_fetched, last_status) VALUES "
                     "(1, 'https://a.example/feed', 1, 100, 900, 'ok'), "
                     "(2, 'https://b.example/feed', 1, 100, 900, 'http_error'), (3, 'https://c.example/feed', 1, "
                     "NULL, 0, '')")
        conn.execute("INSERT INTO items (feed_id, guid, url, canonical_url, title, text, published, first_seen) "
                     "VALUES (2, 'g1', 'u1', 'u1', 'Acme', 'Acme', 50, 300), (2, 'g2', 'u2', 'u2', 'Acme', 'Acme', 90, 500)")
    make_v18(conn, backend)
    conn.close()
    assert db.migrate(new_ws.target) == 1 + (pg_only_steps() if backend == "postgresql" else 0)
    assert db.migrate(new_ws.target) == 0
    conn = new_ws.connect()
    try:
        assert [tuple(r) for r in conn.execute("SELECT id, watched_until FROM feeds ORDER BY id")] == [
            (1, 900), (2, 500), (3, None)]
        assert conn.execute("SELECT count(*) FROM feed_gaps").fetchone()[0] == 0
        if backend == "postgresql":
            assert conn.execute("SELECT value FROM schema_meta WHERE key = 'pg_step'").fetchone()[0] == str(pg_schema.pg_step())
        assert alerts.detect(conn) == []
    finally:
        conn.close()
    _passes_check(run_cli, new_ws)


def test_an_alert_from_before_a_gap_stays_open_after_it(empty_service, feed_server):
    """A gap leaves its feed out only of the tests whose window overlaps it: a real spike of the
    same feed 40 days ago (its window ends before the gap) keeps its open alert when the refresh
    after a 14-day gap runs detection again (a fresh watch, as enabling a feed again starts,
    would have left the feed out of every earlier test and withdrawn it)."""
    svc, now = empty_service, _clock()
    svc.add_entity("brand", "Acme")
    spike = now // DAY * DAY - 40 * DAY + 12 * 3600
    burst = [(f"Acme burst {i}", spike - i * 60) for i in range(20)]

    def held(t: int) -> bytes:  # the last 20 days at two a day, and the burst while it is recent
        return _rss("daily", _window(t, 40) + (burst if spike <= t < spike + 5 * DAY else []))

    svc.add_feed(_serve(feed_server, "/daily.xml", held(now - 70 * DAY)))
    for t in sorted([now - d * DAY for d in range(70, 14, -5)] + [spike + 3600]):
        _serve(feed_server, "/daily.xml", held(t))
        svc.fetch(jobs=1, now=t, force=True)
    before = [(a.id, a.window_start, a.status) for a in alerts.open_alerts(svc.conn) if a.kind == "volume_spike"]
    assert [w for _, w, _ in before] == [spike // DAY * DAY]
    _serve(feed_server, "/daily.xml", _rss("daily", _backlog(now)))
    assert svc.fetch(jobs=1, now=now, force=True).new_mentions == 40
    assert svc.conn.execute("SELECT count(*) FROM feed_gaps").fetchone()[0] == 1
    assert [(a.id, a.window_start, a.status) for a in alerts.open_alerts(svc.conn)
            if a.kind == "volume_spike"] == before
