"""The GUI's task runner (ui/tasks.py): what runs off the GUI thread must neither leak nor crash
the process when its window goes first, when a slot opens a modal loop, or at exit. The crash
cases run in a subprocess, so that a segfault fails the test instead of killing the run (CI
once saw the GUI crawl die with SIGSEGV; the runner was on QThreadPool then)."""

from __future__ import annotations

import gc

import pytest

pytest.importorskip("PySide6")

from tests.gui_support import run_python  # noqa: E402


def test_finished_tasks_leave_nothing_alive(qtbot):
    from orm_desktop.ui.tasks import Task, TaskRunner, TaskSignals

    gc.collect()
    # tasks of earlier tests in this worker process (a window another test left open holds its
    # own until it is deleted) are not this runner's: only the ones started here must be gone
    before = {id(o) for o in gc.get_objects() if isinstance(o, Task)}
    runner = TaskRunner()
    results: list[int] = []
    for i in range(30):
        runner.start(lambda _p, _c, i=i: i * i, on_success=results.append)
    qtbot.waitUntil(lambda: not runner.running, timeout=20_000)
    gc.collect()
    assert sorted(results) == [i * i for i in range(30)]
    assert not [o for o in gc.get_objects() if isinstance(o, Task) and id(o) not in before]  # QThreadPool's kept all 30
    assert runner.findChildren(TaskSignals) == []


def test_a_modal_loop_in_a_slot_sees_the_rest_of_the_task(qtbot):
    """A slot of `succeeded` that opens a modal loop (a preview dialog) gets `finished`
    delivered inside that loop; the task's signals object outlives the slot."""
    from PySide6.QtCore import QEventLoop, QTimer

    from orm_desktop.ui.tasks import TaskRunner, TaskSignals

    runner = TaskRunner()
    seen: list[str] = []

    def modal(_result) -> None:
        loop = QEventLoop()
        QTimer.singleShot(0, lambda: qtbot.waitUntil(lambda: "finished" in seen, timeout=10_000) or loop.quit())
        loop.exec()
        seen.append("slot returned")

    runner.start(lambda _p, _c: 1, on_success=modal, on_finished=lambda: seen.append("finished"))
    qtbot.waitUntil(lambda: "slot returned" in seen, timeout=20_000)
    assert seen == ["finished", "slot returned"]
    assert runner.findChildren(TaskSignals) == []  # deleted once the slot returned


RUNNER_GOES_FIRST = """
import sys, threading
from PySide6.QtWidgets import QApplication, QWidget
from shiboken6 import delete
app = QApplication([])
from orm_desktop.ui.tasks import TaskRunner
w = QWidget()
runner = TaskRunner(w)
go = threading.Event()
def work(progress, cancel):
    go.wait(10)
    for n in range(2000):
        progress(n, 2000, "x")
    return n
for _ in range(4):
    runner.start(work, on_progress=lambda d, t, m: None, on_success=print)
app.processEvents()
delete(w)  # the window (and its runner) goes while the tasks report
go.set()
TaskRunner().wait(30_000)
for _ in range(20):
    app.processEvents()
print("alive")
"""

EXIT_WHILE_RUNNING = """
import atexit, sys, time
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
from orm_desktop.ui.app import close_windows
from orm_desktop.ui.tasks import TaskRunner
w = QWidget()
w.runner = TaskRunner(w)
def work(progress, cancel):  # ignores cancel, keeps reporting
    t = time.monotonic()
    n = 0
    while time.monotonic() - t < 1.5:
        progress(n, 0, "x")
        n += 1
    ended.append(n)
ended = []
atexit.register(lambda: print("tasks ended before the interpreter's exit:", len(ended)))
for _ in range(2):
    w.runner.start(work)
app.processEvents()
print("shutdown in time:", w.runner.shutdown(100), flush=True)
close_windows(app, [w])
"""


def test_a_runner_deleted_while_its_tasks_report_does_not_crash():
    p = run_python(RUNNER_GOES_FIRST, timeout=60)
    assert p.returncode == 0, p.stderr[-3000:]
    assert p.stdout.split() == ["alive"]  # nothing delivered to the deleted window


def test_quitting_while_a_task_runs_waits_for_it_instead_of_crashing():
    p = run_python(EXIT_WHILE_RUNNING, timeout=60)
    assert p.returncode == 0, p.stderr[-3000:]
    assert p.stdout.splitlines() == ["shutdown in time: False", "tasks ended before the interpreter's exit: 2"]
