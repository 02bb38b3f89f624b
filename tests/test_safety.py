"""Data safety: kills at bad moments, full disks, read-only workspaces, two writers, hostile XML."""

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

from orm_desktop.errors import DiskFull, KnownError, WorkspaceError
from orm_desktop.service import Service
from orm_desktop.store import db
from tests.feedserver import FeedServer

ROOT = Path(__file__).resolve().parents[1]


def wait_for(predicate, timeout: float = 30.0) -> bool:
    """Poll another process's progress (not GUI synchronisation)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as c:
        return c.execute("PRAGMA integrity_check").fetchone()[0]


def kill_rescore_after_first_batch(root: Path) -> None:
    """A `rescore` with vader in batches of 50, SIGKILLed once its first batch is committed."""
    code = ("import sys, time\n"
            "from pathlib import Path\n"
            "from orm_desktop.service import Service\n"
            "from orm_desktop.analysis.rescore import rescore\n"
            "svc = Service.open(Path(sys.argv[1]))\n"
            "def slow(d, t, m):\n"
            "    print(d, flush=True); time.sleep(0.2)\n"
            "rescore(svc.conn, 'vader', progress=slow, batch=50)\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(root)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    first = proc.stdout.readline()  # one batch committed
    assert first.strip() == "50"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)


def test_sigkill_during_rescoring_keeps_committed_batches(demo_service):
    ws = demo_service.ws
    demo_service.close()
    kill_rescore_after_first_batch(ws.root)
    assert integrity(ws.db_path) == "ok"
    svc = Service.open(ws.root)
    engines = dict(svc.conn.execute("SELECT engine, count(*) FROM mentions GROUP BY engine").fetchall())
    assert engines.get("vader", 0) >= 50  # committed batches survived
    from orm_desktop.analysis.rescore import rescore

    assert rescore(svc.conn, "vader") == svc.count_mentions()  # and the next run completes
    svc.close()


def test_sigkill_during_a_migration_leaves_the_old_schema(empty_service):
    ws = empty_service.ws
    empty_service.close()
    before = sqlite3.connect(ws.db_path).execute("PRAGMA user_version").fetchone()[0]
    code = ("import sys, time\n"
            "from orm_desktop.store import db\n"
            "real = db._migrations()\n"
            "def slow(conn):\n"
            "    conn.execute('CREATE TABLE half_done (x)')\n"
            "    print('inside', flush=True)\n"
            "    time.sleep(30)\n"
            "db._migrations = lambda: real + [(len(real) + 1, 'slow', slow)]\n"
            "db.migrate(sys.argv[1])\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(ws.db_path)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout.readline().strip() == "inside"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    c = sqlite3.connect(ws.db_path)
    assert c.execute("PRAGMA user_version").fetchone()[0] == before
    assert c.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").fetchone()[0] == 0
    assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    c.close()
    Service.open(ws.root).close()  # opens (and migrates) normally afterwards


def test_sigkill_during_a_report_leaves_no_partial_pdf(demo_service, tmp_path):
    target = tmp_path / "weekly.pdf"
    for delay in (0.05, 0.3, 0.6, 1.0):
        proc = subprocess.Popen([sys.executable, "-m", "orm_desktop", "--workspace", str(demo_service.ws.root),
                                 "report", "--kind", "weekly", "--out", str(target)], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
        time.sleep(delay)  # kill at several points of the run (process control, not synchronisation)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        if target.exists():  # either absent or a complete PDF, never a torn one
            assert target.read_bytes().rstrip().endswith(b"%%EOF")
    assert integrity(demo_service.ws.db_path) == "ok"


def test_a_full_disk_is_a_clear_error_and_leaves_no_partial_state(empty_service):
    svc = empty_service
    svc.add_entity("brand", "Acme", match_existing=False)
    pages = svc.conn.execute("PRAGMA page_count").fetchone()[0]
    svc.conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full from now on
    with pytest.raises(DiskFull, match="disk holding the workspace is full"):
        for i in range(200):  # enough rows to need a new page
            svc.add_entity("product", f"Widget {i} " + "x" * 180, match_existing=False)  # names up to 200
    assert not svc.conn.in_transaction
    assert integrity(svc.ws.db_path) == "ok"


def test_a_read_only_workspace_is_a_clear_error(empty_service):
    ro = db.connect(empty_service.ws.db_path, readonly=True)
    with pytest.raises(WorkspaceError, match="read-only"), db.transaction(ro):
        ro.execute("INSERT INTO settings (key, value) VALUES ('x', '1')")
    ro.close()


def test_two_processes_write_at_once_without_losing_anything(demo_service, tmp_path, run_cli):
    """A refresh in one process while another process triages: both sets of writes land."""
    ws = demo_service.ws
    feed_dir = tmp_path / "feeds"
    feed_dir.mkdir()
    with FeedServer(feed_dir) as server:
        for i in range(20):
            items = "".join(f"<item><title>Velora story {i}-{j}</title><link>https://two.example/{i}/{j}</link>"
                            f"<description>Velora news {i} {j}.</description></item>" for j in range(10))
            server.routes[f"/f{i}"] = (200, {}, f'<rss version="2.0"><channel><title>F{i}</title>{items}'
                                                 f"</channel></rss>".encode())
            demo_service.add_feed(server.url(f"/slow/0.2?i={i}") if i % 4 == 0 else server.url(f"/f{i}"))
        ids = [m.id for m in demo_service.mentions(limit=30)]
        demo_service.close()
        fetch = subprocess.Popen([sys.executable, "-m", "orm_desktop", "--workspace", str(ws.root), "fetch",
                                  "--json", "--quiet"], stdout=subprocess.PIPE, text=True, cwd=ROOT)
        for k in range(0, len(ids), 3):  # triage from other processes while the refresh writes (10 commits)
            r = run_cli("mark", *map(str, ids[k:k + 3]), "flagged", workspace=ws.root)
            assert r.returncode == 0, r.stderr
        out, _ = fetch.communicate(timeout=120)
    summary = json.loads(out)
    # 15 feeds x 10 items, and the 5 slow feeds all serve the same tiny item (deduplicated to one)
    assert summary["failed"] == 0 and summary["new_items"] == 15 * 10 + 1
    svc = Service.open(ws.root)
    flagged = {m.id for m in svc.mentions(__import__("orm_desktop.types", fromlist=["MentionFilter"])
                                          .MentionFilter(statuses=("flagged",)), limit=100)}
    assert set(ids) <= flagged
    assert svc.count_mentions() >= len(ids) + summary["new_mentions"] - 1
    svc.close()


@pytest.mark.parametrize("body", [
    # external entity: must not pull in a local file
    b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<rss version="2.0"><channel><title>XXE</title><item><title>Acme &xxe;</title>'
    b"<link>https://xxe.example/1</link><description>Acme</description></item></channel></rss>",
    # billion laughs: must not expand
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">'
    b'<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">'
    b'<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">'
    b'<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>'
    b'<rss version="2.0"><channel><title>Laughs</title><item><title>Acme &lol9;</title>'
    b"<link>https://laughs.example/1</link><description>Acme</description></item></channel></rss>",
])
def test_hostile_xml_is_stored_safely_or_rejected(empty_service, body):
    with FeedServer() as server:
        server.routes["/evil"] = (200, {}, body)
        empty_service.add_entity("brand", "Acme", match_existing=False)
        empty_service.add_feed(server.url("/evil"))
        started = time.monotonic()
        s = empty_service.fetch()
        assert time.monotonic() - started < 10
    assert s.feeds == 1  # the run finished
    for (title, text) in empty_service.conn.execute("SELECT title, text FROM items"):
        assert "root:" not in title + text
        assert len(title) < 1000 and "lollollol" not in title
    if s.failed:
        feed = empty_service.feeds()[0]
        assert feed.last_status in ("malformed", "not_a_feed") and feed.last_error


def test_gigantic_fields_are_capped_and_the_run_goes_on(empty_service):
    huge = "Acme " * 1_200_000  # 6 MB of text in one description, under the 10 MiB body cap
    body = (f'<rss version="2.0"><channel><title>{"T" * 100_000}</title><item><title>{"Acme " * 50_000}</title>'
            f"<link>https://huge.example/1</link><description>{huge}</description></item>"
            f"<item><title>Acme normal</title><link>https://huge.example/2</link></item></channel></rss>").encode()
    with FeedServer() as server:
        server.routes["/huge"] = (200, {}, body)
        empty_service.add_entity("brand", "Acme", match_existing=False)
        empty_service.add_feed(server.url("/huge"))
        started = time.monotonic()
        s = empty_service.fetch()
    assert s.new_items == 2 and time.monotonic() - started < 30
    for title, text in empty_service.conn.execute("SELECT title, text FROM items"):
        assert len(title) <= 500 and len(text) <= 20_000


def test_known_errors_reach_the_user_as_one_line(run_cli, tmp_path):
    foreign = tmp_path / "ws"
    foreign.mkdir()
    sqlite3.connect(foreign / "orm.db").execute("CREATE TABLE t (x)")
    r = run_cli("info", workspace=foreign)
    assert r.returncode == 1 and "not an ORM Desktop workspace" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    with pytest.raises(KnownError):
        Service.open(foreign)


def test_audit_verify_names_the_first_altered_entry(demo_service, run_cli):
    ids = [m.id for m in demo_service.mentions(limit=3)]
    demo_service.override_sentiment(ids, -0.5, by="ana")
    ws = demo_service.ws.root
    r = run_cli("audit", "verify", workspace=ws)
    assert r.returncode == 0 and "intact" in r.stdout
    exported = [json.loads(x) for x in run_cli("audit", "export", workspace=ws).stdout.splitlines()]
    overrides = [e for e in exported if e["action"] == "mention.override"]
    assert [e["subject"] for e in overrides] == [f"mention:{i}" for i in ids]
    target = overrides[1]["id"]
    c = demo_service.conn
    c.execute("DROP TRIGGER audit_log_no_update")  # someone edits the file behind the app's back
    c.execute("UPDATE audit_log SET data = '{\"score\": 0.9}' WHERE id = ?", (target,))
    r = run_cli("audit", "verify", workspace=ws)
    assert r.returncode == 1 and f"BROKEN at entry {target}" in r.stdout and "altered" in r.stdout


def test_closing_the_service_while_another_thread_reads_interrupts_it_instead_of_crashing(tmp_path):
    """A test's teardown closed the service while a window's background count was inside
    ``execute`` on its own thread's connection: the process died (SIGSEGV in
    items.fts_candidates, a fresh-clone CI run). sqlite3 is not safe against a close from another
    thread there. Now close() interrupts a live thread's statement and leaves it the connection."""
    import sqlite3
    import threading

    from orm_desktop.service import Service

    svc = Service.create(tmp_path / "ws")
    reading, outcome = threading.Event(), []

    def read() -> None:
        try:
            for n, _row in enumerate(svc.conn.execute(
                    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50000000) "
                    "SELECT x FROM c")):
                if n == 1000:
                    reading.set()
            outcome.append("finished")
        except sqlite3.Error as exc:
            outcome.append(f"{type(exc).__name__}: {exc}")

    thread = threading.Thread(target=read)
    thread.start()
    assert reading.wait(30)
    svc.close()
    thread.join(30)
    assert outcome == ["OperationalError: interrupted"]
