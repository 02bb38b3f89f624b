"""Refresh end to end through the real CLI, against fixture feeds on a real 127.0.0.1 server:
health per feed, exit codes, conditional GET, dedupe and clusters, sanitizing, crash safety."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.feedserver import FeedServer

pytestmark = pytest.mark.both_backends  # the service fixtures run on SQLite and PostgreSQL

FEEDS = Path(__file__).parent / "data" / "feeds"


@pytest.fixture
def server():
    with FeedServer(FEEDS) as s:
        yield s


def setup_workspace(run_cli, ws: Path, urls: list[tuple[str, str]]) -> None:
    """The workspace `init`, `entities add` and `feeds add` leave, made in this process (what is
    tested here is the refresh; those commands have tests of their own, and 18 CLI starts took
    10-20 s of the suite)."""
    from orm_desktop.service import Service

    svc = Service.create(ws)
    try:
        svc.add_entity("brand", "Acme", '"Acme Corp" OR Acme -"Acme anvil"')
        svc.add_entity("competitor", "Globex")
        svc.add_entity("executive", "Jane Doe", '"Jane Doe" AND (Acme OR CEO)')
        for url, kind in urls:
            svc.add_feed(url, kind=kind)
    finally:
        svc.close()


def test_fetch_stores_good_feeds_records_bad_ones_and_exits_1(run_cli, server, tmp_path):
    ws = tmp_path / "ws"
    good = ["/etag/rss20.xml", "/static/atom.xml", "/gzip/rdf.xml", "/static/rss091.xml",
            "/static/reviews.xml", "/static/hostile.xml", "/static/syndicated.xml", "/static/malformed.xml",
            "/static/latin1.xml", "/static/empty.xml"]
    bad = {"/status/500": "http_error", "/html": "not_a_feed", "/redirect-loop": "too_many_redirects",
           "/static/missing.xml": "http_error"}
    setup_workspace(run_cli, ws, [(server.url(p), "review" if "review" in p else "news") for p in good + list(bad)])
    r = run_cli("fetch", "--jobs", "4", "--json", workspace=ws)
    assert r.returncode == 1, r.stderr  # some feeds failed, all others stored
    summary = json.loads(r.stdout)
    assert summary["feeds"] == len(good) + len(bad)
    assert summary["failed"] == len(bad)
    assert summary["new_items"] == 15  # 16 entries; the tracking-parameter copy is the same article
    stored = sqlite3.connect(ws / "orm.db").execute("SELECT count(*) FROM mentions").fetchone()[0]
    assert summary["new_mentions"] == stored
    assert {f["status"] for f in summary["failures"]} == set(bad.values())
    assert "[14/14]" in r.stderr  # progress on stderr

    feeds = {f["url"].split(str(server.port))[1]: f for f in
             json.loads(run_cli("feeds", "list", "--format", "json", workspace=ws).stdout)}
    for path, status in bad.items():
        assert feeds[path]["status"] == status and feeds[path]["error"]
    assert feeds["/static/empty.xml"]["status"] == "empty"
    assert feeds["/static/malformed.xml"]["status"] == "ok" and "recovered" in feeds["/static/malformed.xml"]["error"]

    acme = json.loads(run_cli("mentions", "--entity", "Acme", "--format", "json", "--limit", "0", workspace=ws).stdout)
    titles = {m["title"] for m in acme}
    assert "Acme opens new factory in Leeds" in titles
    assert "Globex fined over misleading adverts" in titles  # the text mentions Acme
    outage = next(m for m in acme if m["title"].startswith("Acme customers furious"))
    assert outage["label"] == "negative"
    review = next(m for m in acme if m["title"] == "Broke in a week")
    assert review["rating"] == 1.0 and review["label"] == "negative"
    jane = json.loads(run_cli("mentions", "--entity", "Jane Doe", "--format", "json", workspace=ws).stdout)
    assert [m["title"] for m in jane] == ["Acme CEO Jane Doe speaks at summit"]
    globex = json.loads(run_cli("mentions", "--entity", "globex", "--format", "json", workspace=ws).stdout)
    assert [m["label"] for m in globex] == ["negative"]

    db = sqlite3.connect(ws / "orm.db")
    # the same article with tracking parameters is one item; the wire copy joins its cluster
    factory = db.execute("SELECT id, cluster_id FROM items WHERE canonical_url = "
                         "'https://acmewatch.example/2026/acme-factory'").fetchall()
    assert len(factory) == 1
    wire_cluster = db.execute("SELECT cluster_id FROM items WHERE url = "
                              "'https://wire.example/acme-opens-factory-leeds'").fetchone()[0]
    assert wire_cluster == factory[0][1]
    for (html,) in db.execute("SELECT html FROM items"):
        for bad_bit in ("<script", "onclick", "javascript:", "<img", "src=", "style="):
            assert bad_bit not in html.lower()
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    # second run: nothing duplicated; the ETag feed answers 304; failing feeds back off
    hits_before = server.hits.get("/etag/rss20.xml", 0)
    r = run_cli("fetch", "--all", "--json", workspace=ws)
    again = json.loads(r.stdout)
    assert again["new_items"] == 0 and again["not_modified"] >= 1
    assert server.hits["/etag/rss20.xml"] == hits_before + 1
    r = run_cli("fetch", "--due", "--json", workspace=ws)  # the timer's refresh: failing feeds wait (backoff)
    assert json.loads(r.stdout)["failed"] == 0
    n_items = db.execute("SELECT count(*) FROM items").fetchone()[0]
    assert n_items == 15


def test_all_ok_exits_0_and_summary_on_stdout(run_cli, server, tmp_path):
    ws = tmp_path / "ws"
    setup_workspace(run_cli, ws, [(server.url("/static/rss20.xml"), "news")])
    r = run_cli("fetch", workspace=ws)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("fetched all 1 enabled feed: 1 ok") and "3 new items" in r.stdout


def test_search_feed_templates_expand_per_entity(run_cli, server, tmp_path):
    ws = tmp_path / "ws"
    server.routes["/search"] = (200, {}, (FEEDS / "rss20.xml").read_bytes())
    setup_workspace(run_cli, ws, [])
    r = run_cli("feeds", "add", server.url("/search?q={query}"), "--title", "Search", workspace=ws)
    assert r.returncode == 0 and "added 3 feed(s)" in r.stdout
    run_cli("entities", "add", "product", "Widget", workspace=ws)
    feeds = json.loads(run_cli("feeds", "list", "--format", "json", workspace=ws).stdout)
    urls = sorted(f["url"].split("?q=")[1] for f in feeds)
    assert urls == sorted(["%22Acme+Corp%22+OR+Acme+-%22Acme+anvil%22", "%22Globex%22",
                           "%22Jane+Doe%22+AND+%28Acme+OR+CEO%29", "%22Widget%22"])
    out = run_cli("feeds", "export", workspace=ws).stdout
    assert "{query}" in out and out.count("<outline") == 1


def test_opml_import_with_problems(run_cli, tmp_path):
    ws = tmp_path / "ws"
    run_cli("init", workspace=ws)
    opml = tmp_path / "broken.opml"
    opml.write_text('<opml version="2.0"><body><outline text="News"><outline title="A" '
                    'xmlUrl="https://a.example/rss" kind="news"/><outline title="B" xmlUrl="https://b.example/rss"'
                    ' kind="telepathy"/></body></opml>')
    r = run_cli("feeds", "import", str(opml), workspace=ws)
    assert r.returncode == 1  # partial: the readable outlines are stored, the problems named
    assert "imported 2 new feeds" in r.stdout
    assert "not well-formed" in r.stderr and "telepathy" in r.stderr
    assert "Traceback" not in r.stderr
    garbage = tmp_path / "garbage.opml"
    garbage.write_bytes(b"\x00\x01 not xml at all")
    r = run_cli("feeds", "import", str(garbage), workspace=ws)
    assert r.returncode == 2 and "not an OPML file" in r.stderr


def test_sigkill_mid_fetch_leaves_a_sound_database_and_the_next_fetch_completes(run_cli, tmp_path):
    # 40 feeds served slowly so the kill lands while feeds are being stored
    feed_dir = tmp_path / "feeds"
    feed_dir.mkdir()
    for i in range(40):
        items = "".join(
            f"<item><title>Acme story {i}-{j}</title><link>https://kill.example/{i}/{j}</link>"
            f"<description>Acme did something notable in story {i}-{j}.</description></item>" for j in range(25))
        (feed_dir / f"f{i}.xml").write_text(f'<rss version="2.0"><channel><title>F{i}</title>{items}</channel></rss>')
    with FeedServer(feed_dir) as s:
        for i in range(40):
            s.routes[f"/f{i}"] = (200, {}, (feed_dir / f"f{i}.xml").read_bytes())
        ws = tmp_path / "ws"
        setup_workspace(run_cli, ws, [])
        opml = tmp_path / "feeds.opml"
        opml.write_text("<opml><body>" + "".join(
            f'<outline title="F{i}" xmlUrl="{s.url(f"/slow/0.3?f={i}")}" />' for i in range(0)) +
            "".join(f'<outline title="F{i}" xmlUrl="{s.url(f"/f{i}")}"/>' for i in range(40)) + "</body></opml>")
        assert run_cli("feeds", "import", str(opml), workspace=ws).returncode == 0
        proc = subprocess.Popen([sys.executable, "-m", "orm_desktop", "--workspace", str(ws), "fetch", "--jobs", "2"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy())
        db = sqlite3.connect(ws / "orm.db", timeout=10)
        deadline = time.monotonic() + 60
        stored = 0
        while time.monotonic() < deadline and proc.poll() is None:
            stored = db.execute("SELECT count(*) FROM feeds WHERE last_status != ''").fetchone()[0]
            if stored >= 3:
                break
            time.sleep(0.02)  # polling another process's progress; not GUI synchronisation
        assert proc.poll() is None, "fetch finished before it could be killed; make the run longer"
        workers = _children(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 15  # orphaned worker processes exit by themselves (issue 18)
        while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)  # polling other processes; not GUI synchronisation
        assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]
        db.close()
        db = sqlite3.connect(ws / "orm.db")
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # every feed marked fetched has all of its items: commits are per feed
        per_feed = db.execute("SELECT f.items_total, count(i.id) FROM feeds f LEFT JOIN items i ON i.feed_id = f.id "
                              "WHERE f.last_status = 'ok' GROUP BY f.id").fetchall()
        assert per_feed and all(total == n == 25 for total, n in per_feed)
        db.close()
        r = run_cli("fetch", workspace=ws)
        assert r.returncode == 0, r.stderr
        db = sqlite3.connect(ws / "orm.db")
        assert db.execute("SELECT count(*) FROM items").fetchone()[0] == 40 * 25
        assert db.execute("SELECT count(DISTINCT canonical_url) FROM items").fetchone()[0] == 40 * 25
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (Linux /proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def test_second_refresh_on_the_same_workspace_is_refused_clearly(empty_service):
    from orm_desktop.errors import KnownError
    from orm_desktop.service import Service

    other = Service.open(empty_service.ws.location)  # another process's session holds the team's lock
    try:
        with other.refresh_lock(), pytest.raises(KnownError, match="a refresh is already running on .* since "):
            empty_service.fetch()
    finally:
        other.close()
