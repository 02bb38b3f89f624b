"""The guard of issue 12: crawl the whole GUI (tests/gui_crawl.py) in a subprocess, on the demo
and on an empty workspace, under the offscreen platform and under the real xcb platform on Xvfb.
A crash (e.g. a segfault in QtCore) fails the test with the signal instead of killing the run."""

from __future__ import annotations

import json
import os
import shutil

import pytest

pytest.importorskip("PySide6")

from tests.conftest import copy_workspace  # noqa: E402
from tests.gui_support import run_python  # noqa: E402

CRAWL = "import sys; from tests.gui_crawl import main; sys.exit(main(sys.argv[1:]))"


def crawl(workspace, platform: str, wrapper: list[str] | None = None, args: list[str] | None = None) -> dict:
    p = run_python(CRAWL, str(workspace), *(args or []), platform=platform, wrapper=wrapper, timeout=180)
    stderr = "\n".join(line for line in p.stderr.splitlines() if "propagateSizeHints" not in line)
    assert p.returncode == 0, f"crawl exited {p.returncode} on {platform}:\n{stderr[-4000:]}"
    counts = json.loads(p.stdout.strip().splitlines()[-1])
    assert counts["platform"] == platform
    return counts


def xvfb() -> list[str]:
    if shutil.which("xvfb-run") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("xvfb-run is missing on CI: .ci/run installs it (apt-get install xvfb)")
        pytest.skip("xvfb-run is not installed (apt-get install xvfb): the xcb crawl runs on CI")
    # `-a` takes the first server number from -n up without a /tmp/.X*-lock file: two pytest-xdist
    # workers starting Xvfb together would take the same one, so each worker starts from its own
    # (gw0: 200, gw1: 220, ...; -n must come before -a)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    first = 200 + 20 * (int(worker) if worker.isdigit() else 0)
    return ["xvfb-run", "-n", str(first), "-a", "-s", "-screen 0 1440x900x24"]


@pytest.fixture
def demo_copy(demo_root, tmp_path):
    return copy_workspace(demo_root, tmp_path / "demo")


@pytest.fixture
def empty_root(tmp_path):
    from orm_desktop.service import Service

    Service.create(tmp_path / "empty").close()
    return tmp_path / "empty"


def test_crawl_offscreen_demo(demo_copy):
    counts = crawl(demo_copy, "offscreen")
    assert counts["pages"] >= 12 and counts["combo values"] > 100 and counts["toggles"] >= 8
    seen = " ".join(counts["dialogs seen"])
    for dialog in ("QPrintPreviewDialog", "QPrintDialog", "Folder for the new workspace", "TemplatesDialog", "DraftDialog",
                   "Leave executive mode"):
        assert dialog in seen
    # Maya's draft opened from her page ("Open draft…") in both modes, Approve never pressed: in
    # executive mode the crawl still finds the database unchanged
    assert "ExecutiveDraftDialog: Draft #" in seen


def test_crawl_offscreen_empty_workspace(empty_root):
    counts = crawl(empty_root, "offscreen")
    assert counts["pages"] >= 9 and counts["dialogs"] >= 5
    assert any(d.startswith("OnboardingWizard") for d in counts["dialogs seen"])


def test_crawl_xcb_on_xvfb(demo_copy, empty_root):
    wrapper = xvfb()
    for ws in (demo_copy, empty_root):
        counts = crawl(ws, "xcb", wrapper)
        assert counts["pages"] >= 9 and counts["dialogs"] >= 5


def test_crawl_offscreen_new_workspace_with_data(tmp_path):
    from tests.gui_support import build_new_workspace

    build_new_workspace(tmp_path / "new").close()  # not the demo: where the empty charts were seen
    counts = crawl(tmp_path / "new", "offscreen")
    assert counts["pages"] >= 10 and counts["combo values"] > 50
