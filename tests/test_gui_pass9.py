"""A ninth pass over the desktop GUI, as a new comms manager, an executive and an adversary would
use it (print previews, workspace switches in the middle of work, executive mode, small and 4K
windows): each test drives the real widgets and failed on the code before its fix."""

from __future__ import annotations

import time

import pytest

pytest.importorskip("PySide6")


class Heartbeat:
    """The longest the GUI thread went without running a 5 ms timer (its event loop frozen)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.last = time.perf_counter()
        self.longest = 0.0
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self.beat)

    def beat(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def start(self) -> Heartbeat:
        self.last = time.perf_counter()
        self.longest = 0.0
        self.timer.start()
        return self

    def stop(self) -> float:
        self.timer.stop()
        return self.longest


def close_previews(seen: list[int], print_to: str = "", heartbeat: Heartbeat | None = None):
    """A timer that closes each print preview that opens (a modal loop) and notes its page count;
    with ``print_to``, first prints from the preview (its Print button) to that PDF file (after
    stopping ``heartbeat``: printing at 300 dpi is a modal job of its own)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtPrintSupport import QPrintPreviewDialog, QPrintPreviewWidget
    from PySide6.QtWidgets import QApplication

    def look() -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, QPrintPreviewDialog) and w.isVisible():
                if heartbeat is not None:
                    heartbeat.stop()
                preview = w.findChild(QPrintPreviewWidget)
                seen.append(preview.pageCount())
                if print_to:
                    w.printer().setOutputFileName(print_to)
                    preview.print()
                w.reject()

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(look)
    timer.start()
    return timer


# -- the print preview drew the report's PDF on the GUI thread: rasterising its pages at 300 dpi
# froze the window 0.4-1.1 s (weekly report, last 30 days: 0.8 s) ---------------------------------
def test_the_print_preview_does_not_freeze_the_window(window, qtbot, tmp_path):
    from PySide6.QtPdf import QPdfDocument

    window.show_page("Reports")
    view = window.reports
    view.period.setCurrentIndex(view.period.findData(30))
    seen: list[int] = []
    printed = tmp_path / "printed.pdf"
    beat = Heartbeat()
    closer = close_previews(seen, str(printed), beat)
    beat.start()
    view.preview()
    qtbot.waitUntil(lambda: bool(seen) and view.task is None, timeout=60_000)
    longest = beat.longest  # from Preview… to the preview on screen
    closer.stop()
    assert seen[0] >= 3  # the whole report is in the preview
    assert longest < 0.25, f"the GUI thread was frozen {longest * 1000:.0f} ms"  # was 0.36-0.8 s
    doc = QPdfDocument()
    doc.load(str(printed))  # the preview's Print button prints the whole report, at full resolution
    assert doc.pageCount() == seen[0] and printed.stat().st_size > 200_000


# -- a report still rendering when the window closed (File > Open workspace, New workspace…) opened
# its print preview afterwards, over the next workspace's window, after a 1.3 s freeze ------------
def test_a_report_rendering_when_the_window_closes_opens_no_preview(window, qtbot):
    window.show_page("Reports")
    view = window.reports
    seen: list[int] = []
    closer = close_previews(seen)
    view.preview()
    assert view.task is not None
    window.close()  # as a switch of workspace closes it
    qtbot.waitUntil(lambda: view.task is None, timeout=60_000)
    rendered = view.last_pdf  # (a preview opens before the task ends: its modal loop runs first)
    closer.stop()
    assert seen == []  # was [4]: the old workspace's preview over the new window
    assert rendered is None  # and no temporary copy of that report is left behind
