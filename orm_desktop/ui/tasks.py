"""One small task runner for every long job (after Anki's taskman): the work runs in a pool of
Python threads, reports progress by signal, can be cancelled, and its result or error comes back
on the GUI thread. The work function must not touch widgets.

Why Python threads and not QThreadPool (a crash of the GUI crawl on CI, exit -11): a QRunnable
subclass is a Qt object that Python code runs in, and its wrapper (with the signals object it
held) died in whichever thread dropped the last reference, a pool thread included; and the
``finished`` lambda that captured the task kept every task and its QObject alive for the whole
session (50 tasks run, 50 alive after gc.collect()). concurrent.futures' threads are plain
Python threads, and the interpreter waits for them at exit before it tears Qt down.

Here a task is a plain Python object. The pool threads emit on one relay object that lives as
long as the process; each runner passes its tasks' reports on, on the GUI thread, to the task's
own signals object, and deletes that object there once ``finished`` was passed on and no slot of
any of its tasks' signals is still running (a modal dialog opened from one)."""

from __future__ import annotations

import functools
import itertools
import os
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import shiboken6
from PySide6.QtCore import QObject, Signal


class TaskSignals(QObject):
    """One task's signals, emitted on the GUI thread only (by its runner)."""

    progress = Signal(int, int, str)   # done, total, message
    succeeded = Signal(object)
    failed = Signal(str, bool)         # message, is_known_error
    finished = Signal()


class _Relay(QObject):
    """What the pool threads emit on: one object for the whole process, created on the GUI
    thread and never deleted, so no thread ever emits on an object being destroyed. Each signal
    carries the task's key; its runner passes it on to that task's TaskSignals."""

    progress = Signal(int, int, int, str)
    succeeded = Signal(int, object)
    failed = Signal(int, str, bool)
    finished = Signal(int)


_KEYS = itertools.count(1)
_BUSY: set[int] = set()  # the pool threads running a task now (set.add/discard are atomic)


def idle_thread(thread: threading.Thread) -> bool:
    """Whether ``thread`` is one of the pool's threads waiting for work (Service.shut_down may
    close its connections from another thread)."""
    return thread.name.startswith(_THREAD_PREFIX) and thread.ident not in _BUSY


_THREAD_PREFIX = "orm-task"


@functools.cache
def _relay() -> _Relay:
    return _Relay()


class Task:
    """Run ``fn(progress, cancel)`` off the GUI thread."""

    def __init__(self, fn: Callable[[Callable[[int, int, str], None], threading.Event], object],
                 signals: TaskSignals) -> None:
        self.fn = fn
        self.key = next(_KEYS)
        self.cancel = threading.Event()
        self.signals = signals  # the GUI thread's: never touched by the pool thread
        self.relay = _relay()

    def run(self) -> None:
        from orm_desktop.errors import KnownError, WorkspaceClosed
        from orm_desktop.service import release_thread_connections

        relay, key = self.relay, self.key
        _BUSY.add(threading.get_ident())
        try:
            result = self.fn(lambda d, t, m: relay.progress.emit(key, d, t, m), self.cancel)
        except WorkspaceClosed:
            pass  # its window closed and its workspace with it: nobody to tell
        except KnownError as exc:
            relay.failed.emit(key, str(exc), True)
        except Exception:  # noqa: BLE001 - a bug in background work must reach the user, not vanish
            relay.failed.emit(key, traceback.format_exc(), False)
        else:
            relay.succeeded.emit(key, result)
            del result  # the GUI thread holds it now: not kept alive by this thread's frame
        finally:
            _BUSY.discard(threading.get_ident())
            release_thread_connections()  # of a workspace closed while this task used it
            relay.finished.emit(key)


class _Pool:
    """The threads tasks run in: concurrent.futures' pool, whose threads the interpreter waits
    for at exit (as QThreadPool's did) instead of finalizing under them; plus a count of the
    tasks queued or running, for wait()."""

    def __init__(self, size: int) -> None:
        self.executor = ThreadPoolExecutor(max_workers=size, thread_name_prefix=_THREAD_PREFIX)
        self.idle = threading.Condition()
        self.pending = 0

    def start(self, task: Task) -> None:
        with self.idle:
            self.pending += 1
        self.executor.submit(task.run).add_done_callback(self._done)

    def _done(self, _future) -> None:
        with self.idle:
            self.pending -= 1
            if self.pending == 0:
                self.idle.notify_all()

    def wait(self, seconds: float) -> bool:
        """True when no task is queued or running (within ``seconds``)."""
        with self.idle:
            return self.idle.wait_for(lambda: self.pending == 0, timeout=max(0.0, seconds))


_POOL = _Pool(max(2, os.cpu_count() or 2))


class TaskRunner(QObject):
    """Keeps running tasks alive and offers one place to start them."""

    idle = Signal()  # the last running task's ``finished`` was passed on

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.closing = False  # close(): its window is going, no new task starts
        self.pool = _POOL
        self.running: dict[int, Task] = {}
        self._delivering = 0  # how deep this runner is in passing on a task's signal
        self._spent: list[TaskSignals] = []  # finished tasks' signals, deleted when nothing emits
        relay = _relay()
        relay.progress.connect(self._progress)
        relay.succeeded.connect(self._succeeded)
        relay.failed.connect(self._failed)
        relay.finished.connect(self._finished)

    def start(self, fn, *, on_success=None, on_failure=None, on_progress=None, on_finished=None) -> Task:
        """Run ``fn(progress, cancel)`` in the pool. Pass bound methods of widgets as callbacks
        (not lambdas over widgets): Qt disconnects them when the widget is destroyed. Connect
        through these arguments, not to ``task.signals`` afterwards: a quick task may already
        have finished by then (its signals object is deleted once ``finished`` was passed on)."""
        task = Task(fn, TaskSignals(self))
        if self.closing:  # its window closed: the task never runs, and none of its callbacks either
            return task
        if on_finished:
            task.signals.finished.connect(on_finished)
        if on_success:
            task.signals.succeeded.connect(on_success)
        if on_failure:
            task.signals.failed.connect(on_failure)
        if on_progress:
            task.signals.progress.connect(on_progress)
        self.running[task.key] = task
        self.pool.start(task)
        return task

    # the relay's signals, queued to this (GUI) thread, passed on to the task's own signals
    def _pass_on(self, key: int, name: str, *args) -> None:
        task = self.running.get(key)
        if task is None:
            return  # another runner's task
        if self.closing and name != "finished":
            return  # its window is gone (another workspace): a late result, progress or error is dropped
        if name == "finished":
            del self.running[key]
            self._spent.append(task.signals)
        self._delivering += 1
        try:
            getattr(task.signals, name).emit(*args)
        finally:
            self._delivering -= 1
        if self._delivering == 0 and self._spent:  # no slot of any task's signal is running
            spent, self._spent = self._spent, []
            for signals in spent:
                shiboken6.delete(signals)
        if name == "finished" and not self.running:
            self.idle.emit()

    def _progress(self, key: int, done: int, total: int, message: str) -> None:
        self._pass_on(key, "progress", done, total, message)

    def _succeeded(self, key: int, result: object) -> None:
        self._pass_on(key, "succeeded", result)

    def _failed(self, key: int, message: str, known: bool) -> None:
        self._pass_on(key, "failed", message, known)

    def _finished(self, key: int) -> None:
        self._pass_on(key, "finished")

    def cancel_all(self) -> None:
        for task in list(self.running.values()):
            task.cancel.set()

    def close(self) -> None:
        """The window is going (another workspace opened): cancel what runs, start nothing more.
        The tasks running report only their end here (``idle`` after the last): a task that
        ignores its cancellation never hands its result to the window left."""
        self.closing = True
        self.cancel_all()

    def shutdown(self, msecs: int = 3000) -> bool:
        """Ask every running task to stop and wait for the pool (at quit, before widgets go)."""
        self.cancel_all()
        return self.pool.wait(msecs / 1000)

    def wait(self, msecs: int = 5000) -> bool:
        return self.pool.wait(msecs / 1000)
