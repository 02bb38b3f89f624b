"""The refresh's worker processes: forked from a fork server that loaded the models once, warmed
by the GUI when a workspace opens, and losing nothing when one of them dies (issue 18)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.feedserver import FeedServer

ROOT = Path(__file__).resolve().parents[1]
FEEDS = 20  # more than PARALLEL_MIN_FEEDS: the refresh hands them to its workers


def _feed(i: int) -> bytes:
    items = "".join(f"<item><title>Acme story {i}-{j}</title><link>https://w.example/{i}/{j}</link>"
                    f"<description>Acme Corp praised its support team in story {i}-{j}.</description></item>"
                    for j in range(5))
    return f'<rss version="2.0"><channel><title>W{i}</title>{items}</channel></rss>'.encode()


def _serve(server: FeedServer, svc) -> None:
    for i in range(FEEDS):
        server.routes[f"/w{i}"] = (200, {}, _feed(i))
        svc.add_feed(server.url(f"/w{i}"), kind="news")


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture
def service(tmp_path):
    from orm_desktop.service import Service

    svc = Service.create(tmp_path / "ws")
    svc.add_entity("brand", "Acme", '"Acme Corp" OR Acme')
    yield svc
    from orm_desktop.ingest import pipeline

    pipeline.shutdown_workers()
    svc.close()


def test_warmed_workers_are_forked_from_one_server_and_the_refresh_uses_them(service, tmp_path):
    from orm_desktop.ingest import pipeline
    from orm_desktop.service import warm_refresh_workers

    pipeline.shutdown_workers()
    assert warm_refresh_workers(service) is False  # no feeds yet: a refresh would not use workers
    with FeedServer(tmp_path) as server:
        _serve(server, service)
        assert warm_refresh_workers(service) is True
        pool = pipeline._POOL["pool"]
        pids = set(pool._processes)
        assert len(pids) == (os.cpu_count() or 1)
        if sys.platform.startswith("linux"):  # all children of one fork server, not of this process
            parents = {int(Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[1]) for p in pids}
            assert len(parents) == 1 and parents != {os.getpid()}
        summary = service.fetch(jobs=4)
        assert pipeline._POOL["pool"] is pool and set(pool._processes) == pids  # warm: not started again
    assert summary.ok == FEEDS and summary.new_items == FEEDS * 5 and summary.new_mentions == FEEDS * 5


def test_a_worker_killed_during_a_refresh_loses_no_feed(service, tmp_path):
    from orm_desktop.ingest import pipeline

    killed: list[int] = []

    def progress(done: int, total: int, message: str) -> None:
        pool = pipeline._POOL.get("pool")
        if done == 1 and not killed and pool is not None and pool._processes:
            killed.append(next(iter(pool._processes)))
            os.kill(killed[0], signal.SIGKILL)

    with FeedServer(tmp_path) as server:
        _serve(server, service)
        summary = service.fetch(jobs=2, progress=progress)
        assert killed
        assert (summary.ok, summary.failed, summary.skipped) == (FEEDS, 0, 0)
        assert summary.new_items == FEEDS * 5 and summary.new_mentions == FEEDS * 5
        assert service.count_mentions() == FEEDS * 5
        # the next refresh gets a sound pool again
        for i in range(FEEDS):
            server.routes[f"/w{i}"] = (200, {}, _feed(i + 100))
        again = service.fetch(jobs=4)
    assert again.ok == FEEDS and again.new_items == FEEDS * 5
    assert not getattr(pipeline._POOL["pool"], "_broken", False)


_KILLED_PARENT = r'''
import json, os, signal, sys
from orm_desktop import paths
from orm_desktop.ingest import pipeline
if __name__ == "__main__":
    assert pipeline.warm_workers((sys.argv[1], 0), 2)
    import multiprocessing.forkserver as fs
    print(json.dumps({"workers": sorted(pipeline._POOL["pool"]._processes),
                      "server": fs._forkserver._forkserver_pid}), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
'''


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_forked_workers_and_their_server_exit_when_the_app_is_killed(tmp_path):
    script = tmp_path / "killed.py"
    script.write_text(_KILLED_PARENT)
    r = subprocess.run([sys.executable, str(script), str(tmp_path / "none.db")], capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120, cwd=ROOT)
    assert r.returncode == -signal.SIGKILL, r.stderr
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert len(out["workers"]) == 2 and out["server"]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in [*out["workers"], out["server"]]):
        time.sleep(0.05)
    assert not any(_alive(p) for p in [*out["workers"], out["server"]])


_OTHER_TREE = r'''
import json, sys
sys.path.insert(0, sys.argv[1])  # this checkout, put first at run time (the fork server never sees it)
from orm_desktop import paths
from orm_desktop.ingest import pipeline
if __name__ == "__main__":
    assert pipeline.warm_workers((sys.argv[2], 0), 2)
    pool = pipeline._POOL["pool"]
    print(json.dumps({"method": type(pool._mp_context).__name__, "file": paths.package_dir(),
                      "worker_file": pool.submit(pipeline._warm).result()}))
    pipeline.shutdown_workers()
'''


def test_workers_run_the_parents_code_even_when_the_server_would_find_another_copy(tmp_path):
    # a stand-in for "another checkout": a package orm_desktop that the fork server would import
    fake = tmp_path / "other" / "orm_desktop"
    (fake / "ingest").mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "ingest" / "__init__.py").write_text("")
    (fake / "ingest" / "pipeline.py").write_text("def _warm():\n    return 'the other copy'\n")
    (fake / "ingest" / "preload.py").write_text("")
    script = tmp_path / "other_tree.py"
    script.write_text(_OTHER_TREE)
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "other")}  # what a fresh interpreter finds first
    r = subprocess.run([sys.executable, str(script), str(ROOT), str(tmp_path / "none.db")], capture_output=True,
                       text=True, env=env, timeout=120, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["file"] == str(ROOT / "orm_desktop")
    assert out["worker_file"] == out["file"]  # the parent's code, not the other copy
    assert out["method"] == "SpawnContext"  # the fork server was refused


def test_the_gui_warms_the_pool_when_a_workspace_opens_and_its_first_refresh_uses_it(window, qtbot, tmp_path):
    pytest.importorskip("PySide6")
    from orm_desktop.ingest import pipeline

    pipeline.shutdown_workers()
    try:
        with FeedServer(tmp_path) as server:
            _serve(server, window.svc)
            window.warm_refresh_workers()  # what the window's timer calls WARM_WORKERS_MS after it opens
            qtbot.waitUntil(lambda: "pool" in pipeline._POOL and not window.runner.running, timeout=60_000)
            pool = pipeline._POOL["pool"]
            pids = set(pool._processes)
            assert len(pids) == (os.cpu_count() or 1)
            window.refresh(quiet=True)  # the timer's refresh: our 20 feeds are due
            qtbot.waitUntil(lambda: window.refresh_task is None, timeout=60_000)
            assert pipeline._POOL["pool"] is pool and set(pool._processes) == pids
            ours = [f for f in window.svc.feeds() if f.url.startswith(server.url("/w"))]
            assert len(ours) == FEEDS and all(f.last_status == "ok" for f in ours)
    finally:
        pipeline.shutdown_workers()


def test_warming_for_another_workspace_leaves_a_pool_a_refresh_is_using_alone(tmp_path):
    from orm_desktop.ingest import pipeline

    pipeline.shutdown_workers()
    try:
        assert pipeline.warm_workers((str(tmp_path / "a.db"), 1), 2)
        pool = pipeline._POOL["pool"]
        pipeline._POOL["busy"] = 1  # as during a refresh of workspace a
        assert pipeline.warm_workers((str(tmp_path / "b.db"), 2), 2) is False
        assert pipeline._POOL["pool"] is pool and not pool._shutdown_thread
        pipeline._POOL["busy"] = 0  # the refresh ended: the other workspace may have its own pool
        assert pipeline.warm_workers((str(tmp_path / "b.db"), 2), 2)
        assert pipeline._POOL["pool"] is not pool and pipeline._POOL["key"][0] == str(tmp_path / "b.db")
    finally:
        pipeline._POOL.pop("busy", None)
        pipeline.shutdown_workers()


def test_a_cli_refresh_of_a_few_feeds_forks_no_workers():
    """`fetch --feed N` for fewer feeds than the refresh hands to workers: nothing forked (the
    refresh prepares them in its own process)."""
    from orm_desktop.ingest import pipeline
    from orm_desktop.service import start_refresh_workers

    pipeline.shutdown_workers()
    assert start_refresh_workers(pipeline.PARALLEL_MIN_FEEDS - 1) is False
    assert pipeline._POOL.get("pool") is None
