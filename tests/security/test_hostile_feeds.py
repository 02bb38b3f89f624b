"""Findings 5, 8 and 9: a slow server, local files through feed URLs, SSRF through evidence capture.

All servers are real http.server instances on loopback (127.0.0.1, and 127.0.0.2 for "another
machine on the local network")."""

from __future__ import annotations

import json
import os
import resource
import threading
import time

import pytest

from orm_desktop.errors import UsageError
from orm_desktop.evidence import capture, list_for
from orm_desktop.ingest.fetch import FetchLimits, FetchRequest, address_allowed, fetch_one
from tests.feedserver import FeedServer

FAST = FetchLimits(connect_timeout=1.0, read_timeout=1.0, total_timeout=1.5)


# -- 5: a slow server ------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/drip", "/drip-headers"])
def test_a_trickling_server_is_cut_off_at_the_deadline(path):
    with FeedServer() as server:
        started = time.monotonic()
        r = fetch_one(FetchRequest(1, server.url(path)), FAST)
        elapsed = time.monotonic() - started
    assert r.status == "timeout" and "1.5 s" in r.message
    assert elapsed < 3.0  # before: held until the server gave up (60 s)


def test_evidence_capture_of_a_trickling_page_is_cut_off_too(empty_service):
    svc = empty_service
    svc.set_setting("allow_private_addresses", ["127.0.0.1"])
    with FeedServer() as server:
        mid = _mention_linking_to(svc, server, server.url("/drip"))
        started = time.monotonic()
        with pytest.raises(UsageError, match="timed out"):
            capture(svc.conn, svc.ws.evidence, mid, by="t", limits=FAST)
        assert time.monotonic() - started < 3.0


# -- 8: local files through feed URLs --------------------------------------------------------
def _opml(*urls: str) -> str:
    outlines = "".join(f'<outline text="f{i}" xmlUrl="{u}"/>' for i, u in enumerate(urls))
    return f'<?xml version="1.0"?><opml version="2.0"><head/><body>{outlines}</body></opml>'


def test_an_imported_opml_never_adds_a_file_url(empty_service, tmp_path, run_cli):
    secret = tmp_path / "secret.xml"
    secret.write_text('<rss version="2.0"><channel><title>secret</title></channel></rss>')
    f = tmp_path / "list.opml"
    f.write_text(_opml(secret.as_uri(), "file://fileserver/share/feed.xml", "FILE:///etc/hostname",
                       "https://ok.example/feed"))
    r = run_cli("feeds", "import", str(f), workspace=empty_service.ws.root)
    assert r.returncode in (0, 1), r.stderr
    assert [x.url for x in empty_service.feeds()] == ["https://ok.example/feed"]
    assert "file" in (r.stdout + r.stderr).lower()  # the skipped outlines are reported


def test_a_bundle_never_adds_a_file_url(demo_service, tmp_path):
    from orm_desktop.bundle import export_bundle, import_bundle
    from orm_desktop.service import Service

    path = tmp_path / "b.ormbundle"
    export_bundle(demo_service, path, by="t")  # the demo's feeds are local files
    b = Service.create(tmp_path / "b")
    import_bundle(b, path, by="t")
    assert demo_service.feeds() and not [f for f in b.feeds() if f.url.lower().startswith("file:")]
    b.close()


def test_a_hand_added_file_feed_reads_only_a_regular_file(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    big = tmp_path / "big.xml"
    big.write_bytes(b" " * (2 * 1024 * 1024))
    unreadable = tmp_path / "locked.xml"
    unreadable.write_text("<rss/>")
    unreadable.chmod(0)
    limits = FetchLimits(max_bytes=1024 * 1024, total_timeout=2)
    messages = set()
    for url in ("file:///dev/zero", fifo.as_uri(), big.as_uri(), tmp_path.as_uri(), (tmp_path / "none.xml").as_uri(),
                "file:///proc/self/fd/0"):
        started = time.monotonic()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        r = fetch_one(FetchRequest(1, url), limits)
        assert r.status == "file_error" and time.monotonic() - started < 1.0, (url, r)
        assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # KiB: /dev/zero grew 1.3 GB
        messages.add(r.message)
    assert len(messages) == 1  # the error does not say which files exist
    host = fetch_one(FetchRequest(1, "file://fileserver/share/feed.xml"), limits)
    assert host.status == "invalid_url"
    ok = tmp_path / "ok.xml"
    ok.write_text('<rss version="2.0"><channel><title>ok</title></channel></rss>')
    assert fetch_one(FetchRequest(1, ok.as_uri()), limits).status == "ok"


# -- 9: SSRF through evidence capture --------------------------------------------------------
ADMIN = b"<html><body>admin token SECRET-TOKEN-42</body></html>"


def _mention_linking_to(svc, server: FeedServer, link: str) -> int:
    feed = (f'<rss version="2.0"><channel><title>T</title><item><title>Acme story</title><link>{link}</link>'
            f"<description>Acme news.</description></item></channel></rss>").encode()
    server.routes["/feed"] = (200, {}, feed)
    if not svc.entities():
        svc.add_entity("brand", "Acme", match_existing=False)
    svc.add_feed(server.url("/feed"))
    svc.fetch(force=True)
    return next(m.id for m in svc.mentions(limit=100) if m.url.startswith(link.split("?")[0][:30]))


def _stored_secret(svc) -> bool:
    return any(b"SECRET-TOKEN" in p.read_bytes() for p in svc.ws.evidence.glob("*")) or bool(
        svc.conn.execute("SELECT 1 FROM evidence WHERE text LIKE '%SECRET-TOKEN%'").fetchone())


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_capture_refuses_a_loopback_page_by_default(empty_service, host):
    svc = empty_service
    with FeedServer() as server:
        server.routes["/admin"] = (200, {"Content-Type": "text/html"}, ADMIN)
        mid = _mention_linking_to(svc, server, f"http://{host}:{server.port}/admin")
        with pytest.raises(UsageError, match="refused to connect"):
            capture(svc.conn, svc.ws.evidence, mid, by="t")
        assert server.hits.get("/admin", 0) == 0
    assert [c.kind for c in list_for(svc.conn, mid)] == ["feed_entry"] and not _stored_secret(svc)


def test_capture_refuses_a_redirect_into_the_local_network(empty_service):
    svc = empty_service
    svc.set_setting("allow_private_addresses", ["127.0.0.1"])  # the "public" site in this test
    with FeedServer(host="127.0.0.2") as inner, FeedServer() as outer:
        inner.routes["/admin"] = (200, {"Content-Type": "text/html"}, ADMIN)
        outer.routes["/story"] = (302, {"Location": inner.url("/admin")}, b"")
        mid = _mention_linking_to(svc, outer, outer.url("/story"))
        with pytest.raises(UsageError, match="refused to connect to 127.0.0.2"):
            capture(svc.conn, svc.ws.evidence, mid, by="t")
        assert inner.hits.get("/admin", 0) == 0
    assert not _stored_secret(svc)


def test_the_workspace_setting_allows_a_listed_address(empty_service):
    svc = empty_service
    with FeedServer() as server:
        server.routes["/page"] = (200, {"Content-Type": "text/html"}, b"<p>Acme page</p>")
        mid = _mention_linking_to(svc, server, server.url("/page"))
        svc.set_setting("allow_private_addresses", ["127.0.0.0/8"])
        assert {c.kind for c in capture(svc.conn, svc.ws.evidence, mid, by="t")} == {"feed_entry", "page"}


def test_feeds_follow_the_first_hop_a_public_feed_cannot_redirect_inward():
    limits = FetchLimits()  # allow_private=None: the feed policy
    assert address_allowed("127.0.0.1", limits, None)  # a person pointed the feed at this machine
    assert address_allowed("10.1.2.3", limits, True)  # ... and it redirects within the intranet
    for ip in ("127.0.0.1", "10.0.0.5", "192.168.1.1", "169.254.169.254", "224.0.0.1", "::1", "fe80::1",
               "::ffff:127.0.0.1", "0.0.0.0", "100.64.0.1"):
        assert not address_allowed(ip, limits, False), ip  # a public feed redirecting inward
        assert not address_allowed(ip, FetchLimits(allow_private=False), None), ip
    assert address_allowed("93.184.216.34", FetchLimits(allow_private=False), None)
    listed = FetchLimits(allow_private=False, allow_networks=("not a network", "10.0.0.0/8"))
    assert address_allowed("10.9.8.7", listed, None) and not address_allowed("192.168.0.1", listed, None)


def test_the_refresh_keeps_working_against_loopback_test_servers(empty_service):
    with FeedServer() as server:
        mid = _mention_linking_to(empty_service, server, "https://news.example/1")
    assert mid and empty_service.feeds()[0].last_status == "ok"
    assert threading.active_count() < 50  # the per-request watchdogs are gone


# -- a feed's links with another scheme than http(s) were stored as the mention's link ------------
BAD_LINKS = ["javascript:alert(document.cookie)", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
             "file:///etc/passwd", "vbscript:msgbox(1)", "  JaVaScRiPt:alert(1)", "java&#9;script:alert(1)",
             "ftp://files.example/a", "mailto:ceo@acme.example"]


def test_a_feed_entrys_link_is_stored_only_when_it_is_a_web_address(empty_service):
    svc = empty_service
    svc.add_entity("brand", "Acme", match_existing=False)
    items = "".join(f"<item><title>Acme story {i}</title><link>{link}</link><guid>g{i}</guid>"
                    f"<description>Acme news {i}.</description></item>" for i, link in enumerate(BAD_LINKS))
    items += ("<item><title>Acme relative</title><link>/news/1</link><guid>rel</guid></item>"
              '<item xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"><title>Acme origlink</title>'
              "<link>https://feeds.example/~r/1</link><guid>fb</guid>"
              "<feedburner:origLink>javascript:alert(2)</feedburner:origLink></item>")
    rss = f'<rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode()
    atom = (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>a</id><updated>2026-01-01T00:00:00Z</updated>'
            b'<entry><title>Acme atom</title><id>a1</id><updated>2026-01-01T00:00:00Z</updated>'
            b'<link href="javascript:alert(3)"/><summary>Acme</summary></entry></feed>')
    jf = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [
        {"id": "j1", "title": "Acme json", "url": "javascript:alert(4)", "content_text": "Acme"},
        {"id": "j2", "title": "Acme json 2", "external_url": "data:text/html,x", "content_text": "Acme"}]}).encode()
    with FeedServer() as server:
        server.routes["/rss"] = (200, {"Content-Type": "application/rss+xml"}, rss)
        server.routes["/atom"] = (200, {"Content-Type": "application/atom+xml"}, atom)
        server.routes["/json"] = (200, {"Content-Type": "application/feed+json"}, jf)
        for path in ("/rss", "/atom", "/json"):
            svc.add_feed(server.url(path))
        svc.fetch(force=True)
        links = {m.title: m.url for m in svc.mentions(limit=100)}
        assert len(links) == len(BAD_LINKS) + 5, links
        assert links.pop("Acme relative") == server.url("/news/1")  # resolved against the feed, as before
        assert links.pop("Acme origlink") == "https://feeds.example/~r/1"
        assert set(links.values()) == {""}, links
        notes = {f.url: f.last_error for f in svc.feeds()}
    assert f"{len(BAD_LINKS)} entry links that are not web addresses" in notes[server.url("/rss")], notes
    assert all("not web addresses" in notes[server.url(p)] for p in ("/atom", "/json")), notes
