"""A GUI process that dies of a fatal signal leaves its stacks in crash.log in the user's log
folder, and the next start says once where that report is (cli/gui.record_crashes)."""

from __future__ import annotations

import faulthandler
import sys

import pytest

from tests.gui_support import run_python


@pytest.fixture(autouse=True)
def _pytest_keeps_its_faulthandler():
    """record_crashes in this process points faulthandler at a test's file: point it back."""
    yield
    faulthandler.enable(file=sys.__stderr__, all_threads=True)

DIE = """
import sys, faulthandler
from pathlib import Path
from orm_desktop.cli.gui import record_crashes
assert record_crashes(Path(sys.argv[1])) is None  # no earlier crash
faulthandler._sigsegv()
"""


def test_a_crash_leaves_a_report_and_the_next_start_says_where(tmp_path):
    from orm_desktop.cli.gui import record_crashes

    folder = tmp_path / "log"
    p = run_python(DIE, str(folder), timeout=60)
    assert p.returncode == -11
    report = (folder / "crash.log").read_text()
    assert "Segmentation fault" in report and 'File "<string>", line 6' in report

    notice = record_crashes(folder)  # the next start
    kept = sorted(folder.glob("crash-*.log"))
    assert len(kept) == 1 and kept[0].read_text() == report
    assert notice is not None and str(kept[0]) in notice and "crash" in notice
    assert (folder / "crash.log").read_text() == ""
    assert record_crashes(folder) is None  # told once


def test_an_unwritable_log_folder_does_not_stop_the_app(tmp_path):
    from orm_desktop.cli.gui import record_crashes

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert record_crashes(blocker / "log") is None
