"""Python's cyclic garbage collector on the GUI thread only, while a main window is open.

An automatic collection runs in whichever thread allocates when the counts pass their thresholds:
a refresh's fetch thread, a report worker. It then frees whatever cyclic garbage exists,
widgets of a page rebuilt on the GUI thread among them (a lambda connected to a signal makes a
cycle with its widget), and a Qt object destroyed off its own thread can crash the process: the
suite once died of a segfault in a fetch thread, inside requests, "Garbage-collecting". So while
a window exists, automatic collection is off and a timer on the GUI thread collects with the same
thresholds (calibre and pyqtgraph do the same), plus a young-generation pass every few seconds
when the counts stay under them. Closing the last window gives automatic collection back.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

INTERVAL_MS = 1000
IDLE_TICKS = 3  # a young pass at least this often (seconds), so small garbage never waits long

_collector: Collector | None = None


class Collector(QObject):
    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.windows = 0
        self.threshold = gc.get_threshold()
        self.idle = 0
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        gc.disable()
        self.timer.start()

    def check(self) -> None:
        """Collect as the interpreter would have, here on the GUI thread."""
        c0, c1, c2 = gc.get_count()
        t0, t1, t2 = self.threshold
        if c0 > t0 or (c0 and self.idle >= IDLE_TICKS):
            gc.collect(2 if c2 > t2 else 1 if c1 > t1 else 0)
            self.idle = 0
        else:
            self.idle += 1

    def stop(self) -> None:
        self.timer.stop()
        gc.enable()


def attach(window: QObject) -> None:
    """Collect on the GUI thread for as long as ``window`` (a main window) exists."""
    global _collector
    app = QApplication.instance()
    if app is None:
        return
    if _collector is None:
        _collector = Collector(app)
    _collector.windows += 1
    window.destroyed.connect(_detach)


def _detach(*_args) -> None:
    global _collector
    if _collector is None:
        return
    _collector.windows -= 1
    if _collector.windows <= 0:
        _collector.stop()
        _collector.deleteLater()
        _collector = None


def collector() -> Collector | None:
    """The running collector (None when no main window exists)."""
    return _collector
