"""`orm-desktop --page NAME` opens the GUI on a page: the name's case is no mistake, an unknown
name says which pages there are (and the app still opens)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _open(tmp_path: Path, page: str) -> subprocess.CompletedProcess:
    pytest.importorskip("PySide6")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)}
    env.pop("ORM_DESKTOP_START_PAGE", None)
    return subprocess.run([sys.executable, "-m", "orm_desktop", "--workspace", str(tmp_path / "ws"), "--smoke-test",
                           "--page", page], capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)


def test_a_page_name_in_any_case_opens_that_page(tmp_path: Path) -> None:
    r = _open(tmp_path, "dashboard")
    assert r.returncode == 0, r.stderr
    assert "no page" not in r.stderr


def test_an_unknown_page_is_named_with_the_pages_there_are(tmp_path: Path) -> None:
    r = _open(tmp_path, "Dashbord")
    assert r.returncode == 0, r.stderr  # the app still opens, on its first page
    assert "no page 'Dashbord'" in r.stderr and "Dashboard" in r.stderr
