"""Other people's changes in this window within a second or two, without pressing refresh.

``LiveUpdates`` wraps the core listener (``Service.change_listener``: orm_desktop.store.live.Listener,
LISTEN/NOTIFY on a team workspace, PRAGMA data_version polling on SQLite). The listener calls back from its own
thread; emitting a Qt signal from there is queued to the GUI thread by Qt, so no widget is
touched off the GUI thread. Changes arriving together are coalesced (``COALESCE_MS``) into one
``changed(list[Change])``.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

COALESCE_MS = 150


class LiveUpdates(QObject):
    changed = Signal(list)  # [store.live.Change], in the GUI thread
    _arrived = Signal(object)  # from the listener thread (queued by Qt)

    def __init__(self, svc, parent=None) -> None:
        super().__init__(parent)
        self.pending: list = []
        self.stopped = False
        self.timer = QTimer(self, singleShot=True, interval=COALESCE_MS)
        self.timer.timeout.connect(self._flush)
        self._arrived.connect(self._collect)
        self.listener = svc.change_listener(self._from_thread)

    def start(self) -> LiveUpdates:
        self.listener.start(timeout=5)
        return self

    def stop(self) -> None:
        self.stopped = True  # changes still queued to the GUI thread are dropped, not shown after close
        self.timer.stop()
        self.listener.stop()
        self.pending = []

    def _from_thread(self, change) -> None:
        try:
            self._arrived.emit(change)
        except RuntimeError:  # the window is gone without closing: stop following
            self.listener.stop_soon()

    def _collect(self, change) -> None:
        if self.stopped:
            return
        self.pending.append(change)
        if not self.timer.isActive():
            self.timer.start()

    def _flush(self) -> None:
        changes, self.pending = self.pending, []
        if changes:
            self.changed.emit(changes)
