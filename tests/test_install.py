"""Installed like a user installs it: a wheel built from this checkout, installed into a fresh
venv outside the checkout, run from a temporary directory with a clean environment. Proves the
package carries its resources (templates, demo, icons, feeds.opml) and never reads the checkout.

Third-party dependencies are not downloaded again: the fresh venv sees this interpreter's
site-packages through a .pth file (path lines only, so the developer's editable install of
orm_desktop, which is a .pth *hook* there, is not activated; the venv's own copy comes first)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

import orm_desktop

ROOT = Path(__file__).resolve().parents[1]
# pip must see neither the checkout (PYTHONPATH) nor its build metadata
PIP_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheels")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--disable-pip-version-check", "-q", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, text=True, timeout=300, env=PIP_ENV)
    (whl,) = out.glob("orm_desktop-*.whl")
    return whl


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh venv (outside the checkout) with the wheel installed; returns the venv's bin/."""
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps",
                    "--no-index", "--disable-pip-version-check", "-q", str(wheel)],
                   check=True, capture_output=True, text=True, timeout=300, env=PIP_ENV)
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               check=True, capture_output=True, text=True).stdout.strip())
    shared = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (site / "zz_shared_deps.pth").write_text("\n".join(sorted(shared)) + "\n", encoding="utf-8")
    return venv / "bin"


def _run(bindir: Path, cwd: Path, *cmd: str, timeout: float = 180) -> subprocess.CompletedProcess:
    env = {"PATH": f"{bindir}:/usr/bin:/bin", "HOME": str(cwd), "QT_QPA_PLATFORM": "offscreen",
           "XDG_DATA_HOME": str(cwd / "xdg-data")}
    return subprocess.run([str(bindir / cmd[0]), *cmd[1:]], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def test_version_lives_in_one_place():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project and "version" in project["dynamic"]
    setuptools_cfg = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert setuptools_cfg["dynamic"]["version"] == {"attr": "orm_desktop.__version__"}


def test_checkout_layout_and_override(monkeypatch, tmp_path):
    from orm_desktop import paths

    monkeypatch.delenv("ORM_DESKTOP_RESOURCES", raising=False)
    assert paths.resources_dir() == ROOT / "resources"
    assert paths.resource_path("feeds.opml") == ROOT / "feeds.opml"  # kept at the top of the repo
    assert paths.resource_path("templates").is_dir()
    monkeypatch.setenv("ORM_DESKTOP_RESOURCES", str(tmp_path))
    assert paths.resource_path("topics.json") == tmp_path / "topics.json"


def test_only_paths_computes_locations_from_file():
    """Every shipped file is found through orm_desktop.paths: a path computed from __file__
    elsewhere works in a checkout and breaks in a wheel or the bundle."""
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "orm_desktop").rglob("*.py")
                 if "__file__" in p.read_text(encoding="utf-8") and p.name != "paths.py"]
    assert offenders == []


@pytest.mark.slow
def test_wheel_carries_the_resources(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("orm_desktop/resources/topics.json", "orm_desktop/resources/key_messages.toml",
                   "orm_desktop/resources/feeds.opml", "orm_desktop/resources/demo/demo.json",
                   "orm_desktop/resources/templates/crisis-holding-statement.toml",
                   "orm_desktop/resources/icons/orm-desktop.svg",
                   "orm_desktop/resources/icons/app/orm-desktop-256.png"):
        assert needed in names, needed
    repo_files = {p.relative_to(ROOT / "resources").as_posix() for p in (ROOT / "resources").rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts}
    assert {f"orm_desktop/resources/{f}" for f in repo_files} <= names


@pytest.mark.slow
def test_installed_wheel_runs_outside_the_checkout(installed, tmp_path):
    r = _run(installed, tmp_path, "orm-desktop", "--version")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"orm-desktop {orm_desktop.__version__}"

    r = _run(installed, tmp_path, "python", "-c",
             "import orm_desktop, orm_desktop.paths as p; print(orm_desktop.__file__); print(p.resources_dir())")
    pkg_file, res = (Path(line) for line in r.stdout.split())
    venv = installed.parent.resolve()
    assert pkg_file.resolve().is_relative_to(venv) and res.resolve().is_relative_to(venv), r.stdout
    assert not pkg_file.resolve().is_relative_to(ROOT)

    ws = tmp_path / "ws"
    r = _run(installed, tmp_path, "orm-desktop", "--workspace", str(ws), "init", "--demo")
    assert r.returncode == 0, r.stderr
    r = _run(installed, tmp_path, "orm-desktop", "--workspace", str(ws), "templates", "list")
    assert r.returncode == 0 and "crisis-holding-statement" in r.stdout, r.stderr
    r = _run(installed, tmp_path, "orm-desktop", "--workspace", str(ws), "mentions", "--format", "jsonl")
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert r.returncode == 0 and len(rows) >= 100, r.stderr
    assert any(row["topics"] for row in rows)  # the shipped topics.json was found

    r = _run(installed, tmp_path, "orm-desktop", "--workspace", str(ws), "--smoke-test")
    assert r.returncode == 0, r.stderr
    assert "smoke test: main window painted" in r.stdout

    # the desktop entry of an installed wheel starts its own orm-desktop script
    r = _run(installed, tmp_path, "orm-desktop", "desktop", "install")
    assert r.returncode == 0, r.stderr
    entry = (tmp_path / "xdg-data" / "applications" / "orm-desktop.desktop").read_text(encoding="utf-8")
    assert f"Exec={installed / 'orm-desktop'}" in entry



def test_sentiment_engines_need_no_numpy():
    """The engines need no numpy (nltk imports it only if present); only language detection
    (py3langid) brings it into the bundle (packaging/specbase.py)."""
    code = ("import sys; sys.modules['numpy'] = None\n"
            "from orm_desktop.analysis import sentiment\n"
            "for name in ('orm', 'vader', 'textblob'):\n"
            "    print(name, sentiment.get_engine(name).score('Velora support was superb'))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0, r.stderr
    assert [line.split()[0] for line in r.stdout.splitlines()] == ["orm", "vader", "textblob"]
