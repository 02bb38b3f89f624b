"""Shared fixtures: real workspaces on disk, built once per session and copied per test.

- ``demo_root``: the populated offline demo workspace, built once (session scope, read-only use).
- ``demo_service``: a private copy of the demo workspace for one test (safe to modify).
- ``empty_service``: a new empty workspace.
- ``run_cli``: the real `orm-desktop` entry point in a subprocess.
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
