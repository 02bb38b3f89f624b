"""The fetcher against a real HTTP server on 127.0.0.1: every outcome, limits, concurrency."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from orm_desktop.ingest.fetch import Fetcher, FetchLimits, FetchRequest, backoff_seconds, fetch_one
from tests.feedserver import FeedServer

FEEDS = Path(__file__).parent / "data" / "feeds"
FAST = FetchLimits(connect_timeout=1.0, read_timeout=0.6, max_bytes=1024 * 1024, max_redirects=3)


@pytest.fixture(scope="module")
def server():
    with FeedServer(FEEDS) as s:
        yield s


def get(server, path, limits=FAST, **kw):
    return fetch_one(FetchRequest(1, server.url(path), **kw), limits)


def test_ok_with_body_and_validators(server):
    r = get(server, "/etag/rss20.xml")
    assert (r.status, r.http_status, r.ok) == ("ok", 200, True)
    assert b"Acme Watch" in r.body and r.etag.startswith('"') and r.last_modified


def test_conditional_get_round_trip(server):
    first = get(server, "/etag/atom.xml")
    again = get(server, "/etag/atom.xml", etag=first.etag)
    assert (again.status, again.body, again.ok) == ("not_modified", None, True)
    by_date = get(server, "/etag/atom.xml", last_modified=first.last_modified)
    assert by_date.status == "not_modified"


def test_gzip_is_decoded(server):
    r = get(server, "/gzip/rss20.xml")
    assert r.status == "ok" and r.body == (FEEDS / "rss20.xml").read_bytes()


@pytest.mark.parametrize("path, status, needle", [
    ("/status/500", "http_error", "HTTP 500"),
    ("/status/404", "http_error", "HTTP 404"),
    ("/status/403", "http_error", "HTTP 403"),
    ("/redirect-loop", "too_many_redirects", "more than 3 redirects"),
    ("/huge", "too_large", "larger than 1 MiB"),
    ("/slow/3", "timeout", "timed out"),
    ("/trickle", "timeout", "timed out"),
])
def test_failures_have_a_status_and_a_message(server, path, status, needle):
    r = get(server, path)
    assert r.status == status and needle in r.message and not r.ok


def test_one_redirect_is_followed(server):
    r = get(server, "/redirect/rss20.xml")
    assert r.status == "ok" and r.final_url.endswith("/static/rss20.xml")


def test_gzip_bomb_stops_early(server):
    started = time.monotonic()
    r = get(server, "/gzip-bomb")
    assert r.status == "too_large"
    assert time.monotonic() - started < 3.0  # stopped at the cap, not after inflating 64 MiB


def test_dns_refused_file_and_invalid():
    assert fetch_one(FetchRequest(1, "http://nonexistent.invalid/feed"), FAST).status == "dns"
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = fetch_one(FetchRequest(1, f"http://127.0.0.1:{port}/x"), FAST)
    assert r.status == "connection" and "cannot connect" in r.message
    assert fetch_one(FetchRequest(1, (FEEDS / "rss20.xml").as_uri())).status == "ok"
    missing = fetch_one(FetchRequest(1, "file:///nonexistent/feed.xml"))
    assert missing.status == "file_error" and "cannot read this local feed file" in missing.message
    assert fetch_one(FetchRequest(1, "gopher://old.example/")).status == "invalid_url"
    assert fetch_one(FetchRequest(1, "not a url")).status == "invalid_url"


def test_concurrent_fetches_overlap_and_respect_the_per_host_cap():
    with FeedServer(FEEDS) as s:
        limits = FetchLimits(connect_timeout=2, read_timeout=5, per_host=3)
        reqs = [FetchRequest(i, s.url(f"/slow/0.5?n={i}")) for i in range(9)]
        started = time.monotonic()
        results = list(Fetcher(limits, jobs=6).run(reqs))
        elapsed = time.monotonic() - started
        assert sorted(r.feed_id for r in results) == list(range(9))
        assert all(r.status == "ok" for r in results)
        assert s.max_active <= 3          # per-host cap
        assert elapsed < 9 * 0.5          # faster than one at a time


def test_cancel_returns_promptly():
    with FeedServer(FEEDS) as s:
        cancel = threading.Event()
        reqs = [FetchRequest(i, s.url(f"/slow/3?n={i}")) for i in range(10)]
        got = []
        started = time.monotonic()
        timer = threading.Timer(0.3, cancel.set)
        timer.start()
        for r in Fetcher(FetchLimits(read_timeout=10), jobs=2).run(reqs, cancel=cancel):
            got.append(r)
        assert time.monotonic() - started < 2.0
        assert len(got) < 10


def test_backoff_schedule():
    assert [backoff_seconds(n) for n in range(0, 8)] == [0, 300, 600, 1200, 2400, 4800, 9600, 19200]
    assert backoff_seconds(30) == 6 * 3600
