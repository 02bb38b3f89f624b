"""The repository holds the product, not what a manual run left behind.

A helper's manual check of ``report --out $'r\\xe9.pdf'`` once committed that PDF at the top
level: a 28 KB file with a name that is not UTF-8, shipped in every clone. The top level is the
design card's list plus the project's own files, and binary outputs live under docs/.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOP_LEVEL = {".ci", ".gitignore", "MANIFEST.in", "README.md", "benchmarks", "docs", "feeds.opml",
             "orm_desktop", "packaging", "pyproject.toml", "resources", "run.sh", "setup.py", "tests"}
OUTPUTS = (".pdf", ".png", ".db", ".sqlite", ".zip", ".json.gz")


def tracked() -> list[bytes]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    out = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True).stdout
    return [p for p in out.split(b"\0") if p]


def test_the_top_level_holds_only_the_projects_own_entries():
    top = {p.split(b"/")[0].decode("utf-8", "backslashreplace") for p in tracked()}
    assert top - TOP_LEVEL == set(), "unexpected tracked entries at the top level"


def test_every_tracked_name_is_utf8_and_outputs_live_under_docs_or_test_data():
    names = tracked()
    bad = [p for p in names if not _utf8(p)]
    assert bad == [], f"tracked names that are not UTF-8: {bad}"
    stray = [p.decode() for p in names if p.decode().lower().endswith(OUTPUTS)
             and not p.startswith((b"docs/", b"tests/data/", b"resources/"))]
    assert stray == [], f"generated outputs tracked outside docs/, tests/data/, resources/: {stray}"


def _utf8(name: bytes) -> bool:
    try:
        name.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
