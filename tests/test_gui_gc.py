"""Python's cyclic garbage collector runs on the GUI thread only while a window is open.

The whole suite once died of a segfault in a refresh's fetch thread, inside requests, with
"Garbage-collecting" at the top of the stack: an allocation in that thread started a collection,
and the collection freed widgets of a page rebuilt on the GUI thread (a lambda connected to a
signal makes a cycle with its widget). Qt objects must be destroyed on their own thread. While
a main window exists, automatic collection is off and a timer on the GUI thread collects
(orm_desktop/ui/collector.py), as calibre and pyqtgraph do.
"""

from __future__ import annotations

import gc
import threading

import pytest

pytest.importorskip("PySide6")


class Cyclic:
    """Garbage only the cycle collector frees; says on which thread it was freed."""

    freed_on: list[str] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        Cyclic.freed_on.append(threading.current_thread().name)


def test_cycles_made_on_the_gui_thread_are_freed_there_even_when_a_worker_allocates(window, qtbot):
    from orm_desktop.ui.collector import collector

    assert collector() is not None and not gc.isenabled()
    Cyclic.freed_on.clear()
    for _ in range(50):
        Cyclic()

    def allocate() -> None:  # what a fetch thread does: many small containers (headers, dicts)
        junk = []
        for i in range(200_000):
            junk.append({"k": i, "v": [i]})
            if i % 5000 == 0:
                junk.clear()

    worker = threading.Thread(target=allocate, name="fetch-worker")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(Cyclic.freed_on) == 50, timeout=5000)
    assert set(Cyclic.freed_on) == {threading.main_thread().name}


def test_closing_the_last_window_gives_collection_back(qapp, qtbot, empty_service):
    from orm_desktop.ui.collector import collector
    from orm_desktop.ui.main_window import MainWindow

    win = MainWindow(empty_service)
    assert not gc.isenabled()
    win.runner.cancel_all()
    win.runner.wait(10_000)
    win._close_anyway = True
    win.close()
    win.deleteLater()
    qtbot.waitUntil(lambda: collector() is None, timeout=5000)
    assert gc.isenabled()
