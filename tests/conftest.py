"""Shared fixtures: real workspaces on disk, built once per session and copied per test.

- ``demo_root``: the populated offline demo workspace, built once (session scope, read-only use).
- ``demo_service``: a private copy of the demo workspace for one test (safe to modify).
- ``empty_service``: a new empty workspace.
- ``run_cli``: the real `orm-desktop` entry point in a subprocess.
- ``act_as(svc, *names)``: unlock users' signing keys in this process (demo users with their
  README passphrases, others with ``user_key(name)``); every test starts with none unlocked.
- ``window``: the main window on a private copy of the demo (pytest-qt, offscreen).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# never touch the developer's real workspace from tests
os.environ.pop("ORM_DESKTOP_WORKSPACE", None)

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"


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
    with sqlite3.connect(src / "orm.db") as a, sqlite3.connect(dest / "orm.db") as b:
        a.backup(b)
    return dest


@pytest.fixture
def demo_service(demo_root, tmp_path):
    from orm_desktop.service import Service

    svc = Service.open(copy_workspace(demo_root, tmp_path / "ws"))
    yield svc
    svc.close()


@pytest.fixture
def empty_service(tmp_path):
    from orm_desktop.service import Service

    svc = Service.create(tmp_path / "ws")
    yield svc
    svc.close()


@pytest.fixture
def run_cli(tmp_path):
    """Run `python -m orm_desktop ARGS` (the real entry point) and return CompletedProcess."""

    def run(*args: str, workspace: Path | None = None, input: str | None = None,
            timeout: float = 120, env: dict | None = None) -> subprocess.CompletedProcess:
        full_env = {**os.environ, **(env or {})}
        cmd = [sys.executable, "-m", "orm_desktop"]
        if workspace is not None:
            cmd += ["--workspace", str(workspace)]
        return subprocess.run(cmd + list(args), input=input, capture_output=True, text=True,
                              timeout=timeout, env=full_env, cwd=tmp_path)

    return run


@pytest.fixture
def window(qtbot, demo_service):
    from tests.gui_support import open_window

    win = open_window(qtbot, demo_service)
    yield win
    win.runner.cancel_all()
    win.runner.wait(10_000)
