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
