"""Shared fixtures: real workspaces on disk, built once per session and copied per test.

- ``demo_root``: the populated offline demo workspace, built once (session scope, read-only use).
- ``demo_service``: a private copy of the demo workspace for one test (safe to modify).
- ``empty_service``: a new empty workspace.
- ``run_cli``: the real `orm-desktop` entry point in a subprocess.
- ``act_as(svc, *names)``: unlock users' signing keys in this process (demo users with their
  README passphrases, others with ``user_key(name)``); every test starts with none unlocked.
- ``window``: the main window on a private copy of the demo (pytest-qt, offscreen).
- ``backend``: "sqlite" or "postgresql"; tests that take it (directly or through ``new_ws``,
  ``empty_service``, ``demo_service``) run once per backend. Each PostgreSQL test gets its own
  database, cloned from a session template that holds the schema (or the populated demo), and
  dropped after (WITH (FORCE)). No server reachable: those tests skip with one line; with
  ``CI=true`` they fail instead. ``$ORM_TEST_PG`` names the server (a maintenance-database URL).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# never touch the developer's real workspace from tests
os.environ.pop("ORM_DESKTOP_WORKSPACE", None)
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    # started in the background by a shell without job control (`pytest ... &`), which ignores
    # Ctrl+C: the Ctrl+C tests are about a user's terminal, where Python handles it
    signal.signal(signal.SIGINT, signal.default_int_handler)

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"


def pytest_xdist_auto_num_workers(config) -> int | None:
    """``-n auto`` (addopts): two pytest-xdist workers per core, at most 8. Much of the suite
    waits rather than computes (CLI subprocesses, PostgreSQL, local servers, Qt event loops): on
    2 cores 4 workers ran it in 5 min 43 s where 2 took 8 min. Each worker builds its own session
    fixtures and holds its own PostgreSQL connections (the server allows 100), hence the cap.
    ``$PYTEST_XDIST_AUTO_NUM_WORKERS`` still decides when set (None: xdist's own rule)."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(8, 2 * cores)


_KEYS: dict = {}
_UNLOCKED: dict = {}


def passphrase_of(name: str) -> str:
    return f"demo-{name}"


def user_key(name: str):
    """A signing key for a test user (passphrase ``demo-NAME``), made once per session (scrypt is slow
    on purpose)."""
    from orm_desktop import identity

    if name not in _KEYS:
        _KEYS[name] = identity.create_key(passphrase_of(name))
    return _KEYS[name]


def act_as(svc_or_conn, *names: str) -> None:
    """Unlock the named users' keys for this test, as `--as NAME` with the passphrase would."""
    from orm_desktop import identity
    from orm_desktop.store import identity as id_store

    conn = getattr(svc_or_conn, "conn", svc_or_conn)
    for name in names:
        sk = id_store.user_key(conn, name)
        assert sk is not None, f"{name} has no key"
        if sk.key_id not in _UNLOCKED:
            _UNLOCKED[sk.key_id] = identity.decrypt_private_key(sk.private_key, passphrase_of(name), who=name)
        identity.SESSION.add(_UNLOCKED[sk.key_id])


@pytest.fixture(autouse=True)
def _nobody_unlocked():
    from orm_desktop import identity

    identity.SESSION.clear()
    yield
    identity.SESSION.clear()


def one_line(err: str) -> str:
    """The one line a refused command printed on stderr (asserting: no traceback, nothing else)."""
    assert "Traceback" not in err, err
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture(autouse=True)
def _reports_rendered_here_again():
    """A main window makes its process render reports in a child (reports/isolated.py); the
    next test starts as a command-line process does, rendering in-process."""
    yield
    from orm_desktop.reports import isolated

    isolated.use_child_process(False)
    isolated.stop()  # its renderer process, if one started


@pytest.fixture(autouse=True)
def _qt_garbage_freed_on_the_main_thread(request):
    """What the app does while a main window is open (orm_desktop/ui/collector.py), for every test
    with Qt widgets, a bare page without a main window included: no automatic collection, which
    runs in whichever thread allocates, and a collection on this thread at the end of the test. A
    page tested alone (tests/test_entity_writes.py's EntitiesView) had automatic collection on:
    its entity write's worker thread collected earlier tests' widgets, "Garbage-collecting", and
    the worker process died of a segfault (fresh CI, 1 Dec)."""
    if "qtbot" not in request.fixturenames:
        yield
        return
    import gc

    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        from orm_desktop.ui.collector import collector

        if was and collector() is None:  # a main window still open keeps its collector's rule
            gc.enable()


@pytest.fixture(autouse=True, scope="module")
def _collect_after_each_module():
    """While a main window is alive, automatic garbage collection is off and a timer on the GUI
    thread collects (orm_desktop/ui/collector.py); tests that leave a window alive and then run
    without an event loop would let cycles pile up, so each module ends with a collection."""
    yield
    import gc

    gc.collect()


# -- backends ---------------------------------------------------------------------------------
PG_ADMIN_URL = os.environ.get("ORM_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
BACKENDS = ("sqlite", "postgresql")


def pg_url(dbname: str) -> str:
    """The URL of database ``dbname`` on the test server."""
    return urlunsplit(urlsplit(PG_ADMIN_URL)._replace(path="/" + dbname))


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as c:
        c.execute(sql)


_DROPPER: list = []  # one background thread drops finished tests' databases (0.4 s each)


def later(fn, *args) -> None:
    """Run ``fn(*args)`` on the background thread that drops finished tests' databases (in order;
    the session's ``pg_server`` waits for it at the end)."""
    from concurrent.futures import ThreadPoolExecutor

    if not _DROPPER:
        _DROPPER.append(ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-drop"))
    _DROPPER[0].submit(fn, *args)


def _drop_later(name: str) -> None:
    later(pg_admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The test server's maintenance URL; skips (fails under CI=true) when none is reachable."""
    try:
        import psycopg

        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
    except Exception as exc:  # noqa: BLE001 - any failure means: no server for these tests
        why = f"no PostgreSQL server at {PG_ADMIN_URL} ({type(exc).__name__}): postgresql tests skipped"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(why.replace("skipped", "required when CI=true"), pytrace=False)
        pytest.skip(why)
    yield PG_ADMIN_URL
    for pool in (_MAKER, _DROPPER):
        if pool:
            pool.pop().shutdown(wait=True)


_SPARE: dict = {}  # template -> Future of the next test's clone, made while the current test runs
_MAKER: list = []


def _make_clone(template: str) -> str:
    name = f"orm_test_{secrets.token_hex(5)}"
    pg_admin(f"CREATE DATABASE {name} TEMPLATE {template}")
    return name


def _next_clone(template: str) -> str:
    """A fresh clone of ``template`` (ready at once when the previous test ordered it)."""
    from concurrent.futures import ThreadPoolExecutor

    if not _MAKER:
        _MAKER.append(ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-clone"))
    spare = _SPARE.pop(template, None)
    name = spare.result() if spare is not None else _make_clone(template)
    _SPARE[template] = _MAKER[0].submit(_make_clone, template)
    return name


def _pg_template(pg_server, build) -> Iterator[str]:
    name = f"orm_tpl_{os.getpid()}_{secrets.token_hex(3)}"
    pg_admin(f"CREATE DATABASE {name}")
    try:
        build(pg_url(name))
        yield name
    finally:
        spare = _SPARE.pop(name, None)
        if spare is not None:
            try:
                pg_admin(f"DROP DATABASE IF EXISTS {spare.result()} WITH (FORCE)")
            except Exception:  # noqa: BLE001 - the clone may not have been made
                pass
        pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def pg_schema_template(pg_server) -> Iterator[str]:
    """A database holding an empty, migrated workspace: the template of each test's database."""
    from orm_desktop.store import db

    yield from _pg_template(pg_server, db.create)


@pytest.fixture(scope="session")
def pg_demo_template(pg_server, tmp_path_factory) -> Iterator[str]:
    """A database holding the populated offline demo (built once, like ``demo_root``)."""
    from orm_desktop.service import Service

    old = os.environ.get("XDG_DATA_HOME")
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("pgdemo-state"))

    def build(url: str) -> None:
        from orm_desktop import workspace as wsmod

        Service.create(url, demo=True).close()
        _TEMPLATE_DIRS[url.rsplit("/", 1)[1]] = wsmod.team_state_dir(url)  # demo-feeds, workspace key

    try:
        yield from _pg_template(pg_server, build)
    finally:
        if old is None:
            os.environ.pop("XDG_DATA_HOME", None)
        else:
            os.environ["XDG_DATA_HOME"] = old


_TEMPLATE_DIRS: dict[str, Path] = {}  # template database -> its workspace's local folder


def _pg_clone(request, template: str, monkeypatch, tmp_path) -> str:
    """A new database cloned from ``template``, dropped after the test; the template workspace's
    local folder (demo feeds, workspace key) is copied as a SQLite workspace's folder would be."""
    from orm_desktop import workspace as wsmod

    name = _next_clone(template)
    request.addfinalizer(lambda: _drop_later(name))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "state"))  # the team workspace's local folder
    if template in _TEMPLATE_DIRS:
        shutil.copytree(_TEMPLATE_DIRS[template], wsmod.team_state_dir(pg_url(name)),
                        ignore=shutil.ignore_patterns("*.lock"))
    return pg_url(name)


def pytest_generate_tests(metafunc) -> None:
    """Tests of a module marked ``both_backends`` (``pytestmark = pytest.mark.both_backends``)
    that use ``backend`` (directly or through ``new_ws``, ``empty_service``, ``demo_service``)
    run once per backend; elsewhere ``backend`` is "sqlite"."""
    if "backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_backends"):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request) -> str:
    """The store a test runs against ("sqlite" unless parametrized by ``both_backends``)."""
    name = getattr(request, "param", "sqlite")
    if name == "postgresql":
        request.getfixturevalue("pg_server")
    return name


@pytest.fixture
def new_ws(backend, request, tmp_path, monkeypatch):
    """A new, empty, migrated workspace (``workspace.Workspace``) on the test's backend."""
    from orm_desktop import workspace as wsmod

    if backend == "sqlite":
        return wsmod.create(tmp_path / "ws")
    url = _pg_clone(request, request.getfixturevalue("pg_schema_template"), monkeypatch, tmp_path)
    return wsmod.open_workspace(url)


@pytest.fixture(scope="session")
def demo_root(tmp_path_factory) -> Path:
    from orm_desktop.service import Service

    root = tmp_path_factory.mktemp("demo") / "workspace"
    svc = Service.create(root, demo=True)
    svc.close()
    return root


def copy_workspace(src: Path, dest: Path) -> Path:
    """A consistent copy of a workspace directory (the database through the backup API)."""
    import sqlite3

    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("orm.db*", ".refresh.lock"))
    a, b = sqlite3.connect(src / "orm.db"), sqlite3.connect(dest / "orm.db")
    try:  # closed here: `with` on a connection only commits, and they stayed open until a collection
        a.backup(b)
    finally:
        a.close()
        b.close()
    return dest


@pytest.fixture
def demo_service(backend, request, demo_root, tmp_path, monkeypatch):
    """A private copy of the populated demo workspace (on each backend under ``both_backends``)."""
    from orm_desktop.service import Service

    if backend == "sqlite":
        svc = Service.open(copy_workspace(demo_root, tmp_path / "ws"))
    else:
        svc = Service.open(_pg_clone(request, request.getfixturevalue("pg_demo_template"), monkeypatch, tmp_path))
    yield svc
    svc.close()


@pytest.fixture
def empty_service(new_ws):
    """A service over a new empty workspace, on each backend."""
    from orm_desktop.service import Service

    svc = Service(new_ws)
    yield svc
    svc.close()


@pytest.fixture
def run_cli(tmp_path):
    """Run `python -m orm_desktop ARGS` (the real entry point) and return CompletedProcess."""

    def run(*args: str, workspace: Path | str | None = None, input: str | bytes | None = None,
            timeout: float = 120, env: dict | None = None) -> subprocess.CompletedProcess:
        """``input`` as bytes is given as they are (not UTF-8, binary); the output is text either way."""
        full_env = {**os.environ, **(env or {})}
        cmd = [sys.executable, "-m", "orm_desktop"]
        if workspace is not None:
            cmd += ["--workspace", str(workspace)]
        if isinstance(input, bytes):
            r = subprocess.run(cmd + list(args), input=input, capture_output=True, timeout=timeout,
                               env=full_env, cwd=tmp_path)
            r.stdout, r.stderr = (b.decode("utf-8", "replace") for b in (r.stdout, r.stderr))
            return r
        return subprocess.run(cmd + list(args), input=input, capture_output=True, text=True,
                              timeout=timeout, env=full_env, cwd=tmp_path)

    return run


@pytest.fixture
def keyring_file(tmp_path, monkeypatch):
    """The OS keyring is the outside world: a test backend (tests/memkeyring.py) kept in a file,
    shared with CLI subprocesses, which import it from the project root (their cwd is tmp_path);
    team workspaces' local folders go under tmp_path too."""
    import keyring

    from tests.memkeyring import TestKeyring

    path = tmp_path / "keyring.json"
    monkeypatch.setenv("ORM_TEST_KEYRING_FILE", str(path))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.memkeyring.TestKeyring")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    before = keyring.get_keyring()
    keyring.set_keyring(TestKeyring())
    yield path
    keyring.set_keyring(before)


@pytest.fixture
def window(qtbot, demo_service):
    from tests.gui_support import open_window

    win = open_window(qtbot, demo_service)
    yield win
    win.runner.cancel_all()
    win.runner.wait(10_000)


@pytest.fixture
def warned(monkeypatch) -> list[str]:
    """What QMessageBox.warning would have shown ("title: text", newest last), instead of a modal
    box that would wait for a click."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text, *a, **k: shown.append(f"{title}: {text}"))
    return shown


@pytest.fixture(scope="module")
def team_lab_shared():
    """One team workspace on the local PostgreSQL for a whole test module whose tests read it and
    change only what they made (the module skips without a server: team_scenario)."""
    from tests import team_scenario as ts

    lab = ts.TeamLab().setup()
    yield lab
    lab.teardown()


@pytest.fixture
def team_lab(tmp_path, monkeypatch):
    """A team workspace on the local PostgreSQL with its logins (tests/team_scenario.py), its local
    folder under ``tmp_path``. Skipped when no server answers, except under CI=true, where one must."""
    from tests import team_scenario as ts

    reason = ts.server_reachable()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # the team workspace's local folder
    lab = ts.TeamLab().setup()
    yield lab
    lab.teardown()
