"""Finding 11: a full disk while writing any output file is one line, exit 1, and nothing left.

Simulated, honestly: there is no tiny tmpfs or loop device here, so the CLI runs in a subprocess
whose RLIMIT_FSIZE is a few KiB. Writing past it fails with EFBIG ("File too large"; CPython
ignores SIGXFSZ), exactly where a full disk fails with ENOSPC; both go the same way through the
one atomic-write helper. The database itself is not written in these runs before the output file
is complete, so the limit hits the output file.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 16 * 1024


def run_full(ws: Path, *args: str, cwd: Path, limit: int = LIMIT) -> subprocess.CompletedProcess:
    import sqlite3

    with sqlite3.connect(ws / "orm.db") as c:  # an empty WAL: the limit then hits the output file first
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return subprocess.run([sys.executable, "-m", "orm_desktop", "--workspace", str(ws), *args],
                          capture_output=True, text=True, timeout=120, cwd=cwd,
                          preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)),
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)})


def audit_count(svc) -> int:
    return svc.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]


def assert_clean_failure(r: subprocess.CompletedProcess, folder: Path, before: set[str]) -> None:
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "full" in lines[0], r.stderr
    assert "Traceback" not in r.stderr
    assert {p.name for p in folder.iterdir()} == before  # no 0-byte target, no temp file


@pytest.fixture
def out_dir(tmp_path) -> Path:
    d = tmp_path / "out"
    d.mkdir()
    return d


def test_report_pdf_on_a_full_disk(demo_service, out_dir):
    n = audit_count(demo_service)
    r = run_full(demo_service.ws.root, "report", "--kind", "weekly", "--out", str(out_dir / "r.pdf"), cwd=out_dir)
    assert "wrote" not in r.stdout
    assert_clean_failure(r, out_dir, set())
    assert audit_count(demo_service) == n  # no export audited for a file that was not written


def test_export_bundle_on_a_full_disk(demo_service, out_dir):
    grow(demo_service)
    r = run_full(demo_service.ws.root, "export-bundle", str(out_dir / "b.ormbundle"), cwd=out_dir)
    assert_clean_failure(r, out_dir, set())


def grow(svc) -> None:
    """Enough feeds that the OPML and the bundle are larger than the limit."""
    for i in range(200):
        svc.add_feed(f"https://feeds{i}.example/{'x' * 100}.xml", title=f"Feed {i}")


def test_opml_export_on_a_full_disk(demo_service, out_dir):
    grow(demo_service)
    r = run_full(demo_service.ws.root, "feeds", "export", str(out_dir / "f.opml"), cwd=out_dir)
    assert_clean_failure(r, out_dir, set())


def test_an_existing_file_survives_a_failed_overwrite(demo_service, out_dir):
    target = out_dir / "b.ormbundle"
    target.write_text("the previous export")
    grow(demo_service)
    r = run_full(demo_service.ws.root, "export-bundle", str(target), cwd=out_dir)
    assert_clean_failure(r, out_dir, {"b.ormbundle"})
    assert target.read_text() == "the previous export"


def test_backup_on_a_full_disk(demo_service, out_dir):
    r = run_full(demo_service.ws.root, "backup", "--out", str(out_dir / "copy.db"), cwd=out_dir)
    assert_clean_failure(r, out_dir, set())
    # the copy's disk is full, not the workspace's: it said "the disk holding the workspace is full"
    assert f"cannot write {out_dir / 'copy.db'}" in r.stderr and "workspace" not in r.stderr


def test_evidence_export_on_a_full_disk(demo_service, out_dir):
    from orm_desktop.evidence import capture

    mid = demo_service.mentions(limit=1)[0].id  # demo items have web links; capture the entry only
    demo_service.conn.execute("UPDATE items SET url = 'urn:x' WHERE id = (SELECT item_id FROM mentions WHERE id = ?)",
                              (mid,))
    demo_service.conn.execute("UPDATE items SET html = ? WHERE id = (SELECT item_id FROM mentions WHERE id = ?)",
                              (os.urandom(40_000).hex(), mid))
    capture(demo_service.conn, demo_service.ws.evidence, mid, by="t")
    r = run_full(demo_service.ws.root, "evidence", "export", str(mid), "--out", str(out_dir / "e.zip"), cwd=out_dir)
    assert_clean_failure(r, out_dir, set())


def test_atomic_write_leaves_nothing_when_the_writer_fails(tmp_path):
    from orm_desktop.atomic import atomic_write
    from orm_desktop.errors import DiskFull

    code = ("import resource, sys\n"
            f"resource.setrlimit(resource.RLIMIT_FSIZE, ({LIMIT}, {LIMIT}))\n"
            "from orm_desktop.atomic import atomic_write\n"
            "from orm_desktop.errors import DiskFull\n"
            "try:\n"
            f"    atomic_write(sys.argv[1], b'x' * {LIMIT * 2})\n"
            "except DiskFull as e:\n"
            "    print('DiskFull', e)\n")
    r = subprocess.run([sys.executable, "-c", code, str(tmp_path / "f.bin")], capture_output=True, text=True,
                       cwd=ROOT, timeout=60)
    assert r.stdout.startswith("DiskFull") and list(tmp_path.iterdir()) == []
    assert atomic_write(tmp_path / "ok.txt", "fine").read_text() == "fine"
    assert DiskFull.exit_code == 1


def test_evidence_capture_on_a_full_disk(demo_service, out_dir):
    import hashlib

    from tests.feedserver import FeedServer

    svc = demo_service
    mid = svc.mentions(limit=1)[0].id
    with FeedServer() as server:
        server.routes["/page"] = (200, {"Content-Type": "text/html"}, b"<p>" + b"Velora " * 60_000 + b"</p>")
        svc.conn.execute("UPDATE items SET url = ? WHERE id = (SELECT item_id FROM mentions WHERE id = ?)",
                         (server.url("/page"), mid))
        svc.set_setting("allow_private_addresses", ["127.0.0.1"])
        # 256 KiB: room for the database's own writes (the feed entry is captured first), not the 420 KB page
        r = run_full(svc.ws.root, "evidence", "capture", str(mid), cwd=out_dir, limit=256 * 1024)
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1 and "full" in r.stderr, r.stderr
    rows = dict(svc.conn.execute("SELECT body_path, body_sha256 FROM evidence").fetchall())
    files = list(svc.ws.evidence.glob("*")) if svc.ws.evidence.exists() else []
    for f in files:  # no temporary file, no 0-byte or partial body: only complete, recorded captures
        assert f.name in rows and hashlib.sha256(f.read_bytes()).hexdigest() == rows[f.name], f.name
