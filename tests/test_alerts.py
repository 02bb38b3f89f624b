"""Spike alerts: the statistics on synthetic series, and the demo's crisis."""

from __future__ import annotations

import datetime as dt
import json
import random
import time

import pytest

from orm_desktop.analysis import alerts

pytestmark = pytest.mark.both_backends  # the service fixtures run on SQLite and PostgreSQL


def poisson_series(rng: random.Random, rate: float, days: int) -> list[int]:
    out = []
    for _ in range(days):  # Knuth's method; small rates only
        k, p, limit = 0, 1.0, pow(2.718281828459045, -rate)
        while True:
            p *= rng.random()
            if p <= limit:
                break
            k += 1
        out.append(k)
    return out


def test_tails_agree_with_direct_sums():
    from math import comb, exp, factorial

    for x, lam in ((10, 2.5), (3, 0.5), (20, 6.0)):
        direct = sum(exp(-lam) * lam**k / factorial(k) for k in range(x, 120))
        assert abs(alerts.poisson_sf(x, lam) - direct) < 1e-12 + 1e-9 * direct
    assert alerts.poisson_sf(0, 3.0) == 1.0
    for n, t, p in ((8, 10, 0.3), (4, 20, 0.05), (15, 15, 0.5)):
        direct = sum(comb(t, k) * p**k * (1 - p) ** (t - k) for k in range(n, t + 1))
        assert abs(alerts.binom_sf(n, t, p) - direct) < 1e-12
    assert alerts.binom_sf(11, 10, 0.3) == 0.0


def test_quiet_stationary_series_raise_no_alerts():
    false_alarms = 0
    for seed in range(50):
        rng = random.Random(seed)
        for rate in (0.5, 2.0, 6.0, 15.0):
            counts = poisson_series(rng, rate, 118)
            negatives = [sum(rng.random() < 0.3 for _ in range(c)) for c in counts]
            false_alarms += len(alerts.detect_series(counts, negatives))
    assert false_alarms == 0


def test_bursts_are_detected_and_merged():
    rng = random.Random(7)
    counts = poisson_series(rng, 3.0, 100)
    negatives = [sum(rng.random() < 0.25 for _ in range(c)) for c in counts]
    for d in range(70, 74):  # a 4-day burst, mostly negative
        counts[d] += 12
        negatives[d] += 10
    days = alerts.detect_series(counts, negatives)
    kinds = {k for k, *_ in days}
    assert kinds == {"volume_spike", "negativity_spike"}
    assert all(70 <= d <= 73 for _, d, *_ in days)
    merged = alerts.merge(days)
    for kind in ("volume_spike", "negativity_spike"):
        windows = [(a, b) for k, a, b, *_ in merged if k == kind]
        assert all(70 <= a <= b <= 73 for a, b in windows)
        assert sum(b - a + 1 for a, b in windows) >= 2  # most of the burst, merged into windows
    assert [(a, b) for k, a, b, *_ in merged if k == "volume_spike"] == [(70, 73)]


class _NeverEmpty(int):
    """A day's count that is never falsy: detect_series then tests every day, as it did before it
    skipped the days without mentions."""

    def __bool__(self) -> bool:
        return True


def test_days_without_mentions_are_skipped_with_the_same_alerts():
    found = 0
    for seed in range(60):
        rng = random.Random(seed)
        rate = rng.choice((0.05, 0.2, 0.5, 2.0))
        counts = poisson_series(rng, rate, 118)
        negatives = [sum(rng.random() < 0.4 for _ in range(c)) for c in counts]
        for d in rng.sample(range(40, 118), 3):  # bursts after quiet (often empty) stretches
            counts[d] += rng.randint(0, 12)
            negatives[d] += rng.randint(0, min(counts[d], 8))
            negatives[d] = min(negatives[d], counts[d])
        days = alerts.detect_series(counts, negatives)
        assert days == alerts.detect_series([_NeverEmpty(c) for c in counts], negatives)
        found += len(days)
    assert found > 20  # alerts of both kinds among them, not only empty answers


def test_demo_crisis_is_detected_and_quiet_periods_are_not(demo_service):
    found = alerts.detect(demo_service.conn)
    assert found, "the demo's recall crisis must raise alerts"
    today = dt.datetime.now(dt.UTC).date()
    brand = [a for a in found if a.entity == "Velora"]
    assert {a.kind for a in brand} == {"volume_spike", "negativity_spike"}
    for a in found:  # every alert lies in the crisis window (days -25 .. -16 with slack)
        start = (today - dt.datetime.fromtimestamp(a.window_start, dt.UTC).date()).days
        end = (today - dt.datetime.fromtimestamp(a.window_end - 1, dt.UTC).date()).days
        assert 16 <= end <= start <= 25, a.describe()


def test_storage_is_idempotent_and_alerts_show_in_the_cli(demo_service, run_cli):
    now = int(time.time())
    # init --demo already detected and stored them after its refresh
    stored = demo_service.alerts()
    assert stored and alerts.store(demo_service.conn, alerts.detect(demo_service.conn, now=now), now) == 0
    assert len(demo_service.alerts()) == len(stored)
    r = run_cli("alerts", "--entity", "Velora", "--format", "json", workspace=demo_service.ws.location)
    rows = json.loads(r.stdout)
    assert r.returncode == 0 and rows and all(x["entity"] == "Velora" for x in rows)
    demo_service.acknowledge_alert(stored[0].id)
    assert len(demo_service.alerts()) == len(stored) - 1


# -- undated entries (a feed that gives no dates) -------------------------------------------------
def _rss(items: list[tuple[str, int | None]]) -> bytes:
    """An RSS 2.0 feed of (title, published or None: no date of its own) entries about Acme."""
    from email.utils import formatdate

    body = "".join(
        f"<item><title>{t}</title><link>https://news.example/{i}</link>"
        f"<description>{t}: Acme said something about its products.</description>"
        + (f"<pubDate>{formatdate(p, usegmt=True)}</pubDate>" if p else "") + "</item>"
        for i, (t, p) in enumerate(items))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>{body}</channel></rss>'.encode()


def _served_workspace(svc, server, path: str, feed: bytes):
    server.routes[path] = (200, {"Content-Type": "application/rss+xml"}, feed)
    svc.add_entity("brand", "Acme")
    svc.add_feed(server.url(path))


@pytest.fixture
def feed_server():
    from tests.feedserver import FeedServer

    with FeedServer() as s:
        yield s


def test_first_refresh_of_undated_entries_raises_no_spike(empty_service, feed_server):
    """51 entries without a date of their own are stored with the fetch time as their date; the
    first refresh put them all on today and raised 'volume spike 51 vs 0.5 expected'. Their day
    is unknown: they show in the inbox, but do not count toward spikes."""
    svc = empty_service
    _served_workspace(svc, feed_server, "/undated.xml", _rss([(f"Acme story {i}", None) for i in range(51)]))
    summary = svc.fetch(jobs=1)
    assert summary.new_mentions == 51
    assert svc.count_mentions() == 51  # still in the inbox
    assert svc.new_alerts == 0 and svc.alerts() == [], [a.describe() for a in svc.alerts()]
    assert alerts.detect(svc.conn) == []
    assert svc.detect_alerts() == 0  # what the CLI's `alerts --detect` runs


def test_undated_entries_a_later_refresh_brings_count_on_the_day_first_seen(empty_service, feed_server):
    """Only the first fetch's undated entries have an unknown day: one a later refresh brings
    appeared since the refresh before."""
    from orm_desktop.store import kpis

    svc = empty_service
    first = [(f"Acme story {i}", None) for i in range(8)]
    _served_workspace(svc, feed_server, "/undated.xml", _rss(first))
    now = int(time.time())
    svc.fetch(jobs=1, now=now)
    feed_server.routes["/undated.xml"] = (200, {}, _rss([(f"Acme news {i}", None) for i in range(3)] + first))
    assert svc.fetch(jobs=1, now=now + 60).new_mentions == 3
    entity = svc.entity("Acme").id
    assert kpis.unknown_day_counts(svc.conn, entity, now // 86400 * 86400) == (8, 0)  # not 11


def test_a_real_spike_of_dated_entries_still_alerts(empty_service, feed_server):
    """The same first refresh, but the entries carry their dates: one a day for 40 days, then 25
    today. That is a spike, and it alerts."""
    now = int(time.time())
    history = [(f"Acme day {d}", now - d * 86400) for d in range(1, 41)]
    burst = [(f"Acme burst {i}", now - 60 - i) for i in range(25)]
    svc = empty_service
    _served_workspace(svc, feed_server, "/dated.xml", _rss(history + burst + [(f"Acme undated {i}", None)
                                                                              for i in range(30)]))
    svc.fetch(jobs=1)
    spikes = [a for a in svc.alerts() if a.kind == "volume_spike"]
    assert len(spikes) == 1 and spikes[0].window_end >= now - 86400, [a.describe() for a in svc.alerts()]
    assert spikes[0].observed == 25  # the 30 undated entries of the first refresh do not count


def test_an_open_alert_detection_no_longer_finds_is_withdrawn(empty_service, feed_server):
    """A workspace that already holds the false alert (stored before this fix) kept showing it on
    the Alerts page and the Dashboard: detection only added and updated alerts. Open alerts it no
    longer finds, in the days it judges, are withdrawn; acknowledged ones stay (a person saw them)."""
    svc = empty_service
    _served_workspace(svc, feed_server, "/undated.xml", _rss([(f"Acme story {i}", None) for i in range(51)]))
    svc.fetch(jobs=1)
    now = int(time.time())
    today = now // 86400 * 86400
    entity = svc.entity("Acme").id
    false = [alerts.Alert(entity, "Acme", "volume_spike", today, today + 86400, 51, 0.5, 300.0),
             alerts.Alert(entity, "Acme", "negativity_spike", today - 86400, today, 9, 0.5, 12.0)]
    assert alerts.store(svc.conn, false, now) == 2
    svc.acknowledge_alert(svc.alerts()[1].id)
    assert svc.detect_alerts() == 0
    left = svc.alerts(include_closed=True)
    assert sorted((a.kind, a.status) for a in left) == [("negativity_spike", "acknowledged"),
                                                        ("volume_spike", "withdrawn")]  # kept, not open
    assert svc.alerts() == []
