"""Evidence capture from a real 127.0.0.1 page: stored as received, hashed, listed, exported."""

from __future__ import annotations

import hashlib
import json
import zipfile

import pytest

from orm_desktop.errors import UsageError
from orm_desktop.evidence import capture, export, list_for
from orm_desktop.store import audit
from tests.feedserver import FeedServer

pytestmark = pytest.mark.both_backends  # the service fixtures run on SQLite and PostgreSQL

PAGE = (b"<html><head><script>alert(1)</script></head><body><h1>Acme defrauds customers</h1>"
        b"<p>Unfounded claims about Acme.</p><img src='https://tracker.example/p.gif'></body></html>")


def test_capture_list_and_export(empty_service, tmp_path):
    svc = empty_service
    with FeedServer() as server:
        server.routes["/story"] = (200, {"Content-Type": "text/html", "X-Served-By": "test"}, PAGE)
        feed = (f'<rss version="2.0"><channel><title>T</title><item><title>Acme defrauds customers</title>'
                f"<link>{server.url('/story')}</link><description>Unfounded claims about Acme.</description>"
                f"</item></channel></rss>").encode()
        server.routes["/feed"] = (200, {}, feed)
        svc.add_entity("brand", "Acme", match_existing=False)
        svc.add_feed(server.url("/feed"))
        svc.set_setting("allow_private_addresses", ["127.0.0.1"])  # the test server's address
        svc.fetch()
        mid = svc.mentions(limit=1)[0].id
        caps = capture(svc.conn, svc.ws.evidence, mid, by="lawyer")
    kinds = {c.kind: c for c in caps}
    assert set(kinds) == {"feed_entry", "page"}
    page = kinds["page"]
    assert page.body_sha256 == hashlib.sha256(PAGE).hexdigest()  # stored exactly as received
    assert (svc.ws.evidence / page.body_path).read_bytes() == PAGE
    assert page.headers["x-served-by"] == "test" and page.http_status == 200
    assert "Unfounded claims" in page.text and "alert(1)" not in page.text
    assert [c.id for c in list_for(svc.conn, mid)] == [c.id for c in caps]
    out = export(svc.conn, svc.ws.evidence, mid, tmp_path / "evidence.zip", by="lawyer")
    with zipfile.ZipFile(out) as z:
        manifest = json.loads(z.read("manifest.json"))
        for c in manifest["captures"]:
            assert hashlib.sha256(z.read(c["files"][0])).hexdigest() == c["body_sha256"]
            assert hashlib.sha256(z.read(c["files"][1])).hexdigest() == c["text_sha256"]
    actions = [e.action for e in audit.all_entries(svc.conn) if e.action.startswith("evidence.")]
    assert actions == ["evidence.capture", "evidence.capture", "evidence.export"]
    (svc.ws.evidence / page.body_path).write_bytes(b"tampered")
    with pytest.raises(UsageError, match="no longer matches"):
        export(svc.conn, svc.ws.evidence, mid, tmp_path / "again.zip", by="lawyer")


def test_capture_uses_the_feed_safety_limits(empty_service):
    from orm_desktop.ingest.fetch import FetchLimits

    svc = empty_service
    with FeedServer() as server:
        feed = (f'<rss version="2.0"><channel><title>T</title><item><title>Acme huge page</title>'
                f"<link>{server.url('/huge')}</link></item></channel></rss>").encode()
        server.routes["/feed"] = (200, {}, feed)
        svc.add_entity("brand", "Acme", match_existing=False)
        svc.add_feed(server.url("/feed"))
        svc.set_setting("allow_private_addresses", ["127.0.0.1"])
        svc.fetch()
        mid = svc.mentions(limit=1)[0].id
        with pytest.raises(UsageError, match="could not be fetched: response larger than"):
            capture(svc.conn, svc.ws.evidence, mid, by="t", limits=FetchLimits(max_bytes=1024 * 1024))
    assert [c.kind for c in list_for(svc.conn, mid)] == ["feed_entry"]  # the entry itself was kept


def test_evidence_list_says_when_there_is_none_or_no_such_mention(demo_root, run_cli, tmp_path):
    """`evidence list MENTION_ID` printed nothing at all, exit 0, for a mention with no evidence and
    for an id no mention has (a typo): now a line saying which, the typo exit 2."""
    from tests.conftest import copy_workspace

    ws = copy_workspace(demo_root, tmp_path / "ws")
    r = run_cli("evidence", "list", "42", workspace=ws)
    assert r.returncode == 0 and r.stdout.strip() == ("no evidence captured for mention 42 "
                                                      "(`orm-desktop evidence capture 42` captures it)"), r.stderr
    r = run_cli("evidence", "list", "999999", workspace=ws)
    assert r.returncode == 2 and r.stderr.strip() == "orm-desktop: error: no mention with id 999999"
