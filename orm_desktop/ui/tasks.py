"""One small task runner for every long job (after Anki's taskman): the work runs in a
QThreadPool thread, reports progress by signal, can be cancelled, and its result or error comes
back on the GUI thread. The work function must not touch widgets."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class TaskSignals(QObject):
    progress = Signal(int, int, str)   # done, total, message
    succeeded = Signal(object)
    failed = Signal(str, bool)         # message, is_known_error
    finished = Signal()


class Task(QRunnable):
    """Run ``fn(progress, cancel)`` off the GUI thread."""

    def __init__(self, fn: Callable[[Callable[[int, int, str], None], threading.Event], object]) -> None:
        super().__init__()
        self.fn = fn
        self.cancel = threading.Event()
        self.signals = TaskSignals()
        self.setAutoDelete(False)

    def run(self) -> None:
        from orm_desktop.errors import KnownError

        try:
            result = self.fn(lambda d, t, m: self._emit("progress", d, t, m), self.cancel)
        except KnownError as exc:
            self._emit("failed", str(exc), True)
        except Exception:  # noqa: BLE001 - a bug in background work must reach the user, not vanish
            self._emit("failed", traceback.format_exc(), False)
        else:
            self._emit("succeeded", result)
        finally:
            self._emit("finished")

    def _emit(self, name: str, *args) -> None:
        """Report to the GUI thread, unless the app has already gone: a task still running when
        the window closed finds its signals object deleted, and nobody is left to tell (this was a
        "Signal source has been deleted" traceback on quitting)."""
        try:
            getattr(self.signals, name).emit(*args)
        except RuntimeError:
            self.cancel.set()


class TaskRunner(QObject):
    """Keeps running tasks alive and offers one place to start them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool.globalInstance()
        self.running: set[Task] = set()

    def start(self, fn, *, on_success=None, on_failure=None, on_progress=None, on_finished=None) -> Task:
        """Run ``fn(progress, cancel)`` in the pool. Pass bound methods of widgets as callbacks
        (not lambdas over widgets): Qt disconnects them when the widget is destroyed. Connect
        through these arguments, not to ``task.signals`` afterwards: a quick task may already
        have finished by then, and a signal emitted before its connection is lost."""
        task = Task(fn)
        if on_finished:
            task.signals.finished.connect(on_finished)
        if on_success:
            task.signals.succeeded.connect(on_success)
        if on_failure:
            task.signals.failed.connect(on_failure)
        if on_progress:
            task.signals.progress.connect(on_progress)
        self.running.add(task)
        task.signals.finished.connect(lambda: self.running.discard(task))
        self.pool.start(task)
        return task

    def cancel_all(self) -> None:
        for task in list(self.running):
            task.cancel.set()

    def shutdown(self, msecs: int = 3000) -> bool:
        """Ask every running task to stop and wait for the pool (at quit, before widgets go)."""
        self.cancel_all()
        return self.pool.waitForDone(msecs)

    def wait(self, msecs: int = 5000) -> bool:
        return self.pool.waitForDone(msecs)
