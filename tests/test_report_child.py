"""Reports laid out in a child process (orm_desktop/reports/isolated.py): the same PDF and
preview pages as a render in this process, and a renderer that dies or is cancelled is one
line, never the window's crash."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from orm_desktop.errors import KnownError
from orm_desktop.reports import isolated
from orm_desktop.reports.data import ReportData


def qtbot_free_wait(ready, seconds: float = 30.0) -> None:
    """Wait for ``ready()`` without Qt (the idle timer is a plain thread)."""
    end = time.monotonic() + seconds
    while not ready():
        assert time.monotonic() < end, "not ready in time"
        threading.Event().wait(0.02)


def _report() -> ReportData:
    now = int(time.time())
    return ReportData(kind="weekly", title="Weekly brand report", subtitle="Velora", brand="Velora",
                      since=now - 7 * 86400, until=now, alerts=["Spike: 12 mentions of Velora on Tuesday"])


class _DiesWhenUnpickled:
    """Unpickled in the child, it ends that process at once (as a crash inside Qt's layout would)."""

    def __reduce__(self):
        return (os._exit, (3,))


@pytest.fixture
def child():
    isolated.use_child_process(True)
    yield
    isolated.use_child_process(False)
    isolated.stop()


def test_child_render_matches_this_process(tmp_path: Path, child) -> None:
    from orm_desktop.reports.render import ensure_gui_app

    ensure_gui_app()
    d = _report()
    pages, images = isolated.render_report(d, tmp_path / "child.pdf", raster_dpi=50)
    isolated.use_child_process(False)
    here_pages, here_images = isolated.render_report(d, tmp_path / "here.pdf", raster_dpi=50)
    assert pages == here_pages >= 1
    assert [i.size() for i in images] == [i.size() for i in here_images]
    assert [i.dotsPerMeterX() for i in images] == [i.dotsPerMeterX() for i in here_images]
    # the same pixels: the child draws with the same fonts and renderer
    assert all(a == b for a, b in zip(images, here_images, strict=True))
    assert (tmp_path / "child.pdf").read_bytes()[:5] == b"%PDF-"
    # the raw page files were read and removed: only the PDFs are left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["child.pdf", "here.pdf"]


def test_render_to_pdf_goes_to_the_child_when_on(tmp_path: Path, child) -> None:
    from orm_desktop.reports.render import to_pdf

    d = _report()
    d.alerts = [_DiesWhenUnpickled()]  # type: ignore[list-item]
    with pytest.raises(KnownError) as err:
        to_pdf(d, tmp_path / "r.pdf")
    assert "stopped before it finished" in str(err.value) and "nothing was written" in str(err.value)
    assert not (tmp_path / "r.pdf").exists()
    assert not isolated.renderer_pids()
    # the next render starts a new renderer
    assert to_pdf(_report(), tmp_path / "r.pdf") >= 1
    assert len(isolated.renderer_pids()) == 1


def test_a_cancelled_render_stops_its_child(tmp_path: Path, child) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(KnownError, match="cancelled"):
        isolated.render_report(_report(), tmp_path / "r.pdf", raster_dpi=50, cancel=cancel)
    assert not isolated.renderer_pids()
    assert not (tmp_path / "r.pdf").exists()


def test_a_known_error_in_the_child_is_said_as_it_is(tmp_path: Path, child) -> None:
    with pytest.raises(KnownError, match="unknown page size 'A3'"):
        isolated.render_report(_report(), tmp_path / "r.pdf", page_size="A3")


def test_the_renderer_is_reused_then_stopped_when_idle(tmp_path: Path, child, monkeypatch) -> None:
    isolated.warm()
    first = isolated.renderer_pids()
    assert len(first) == 1
    isolated.render_report(_report(), tmp_path / "a.pdf")
    isolated.render_report(_report(), tmp_path / "b.pdf")
    assert isolated.renderer_pids() == first  # one renderer, started once
    monkeypatch.setattr(isolated, "IDLE_SECONDS", 0.05)
    isolated.render_report(_report(), tmp_path / "c.pdf")
    qtbot_free_wait(lambda: not isolated.renderer_pids())  # the idle timer stops it


def test_the_reports_page_renders_in_its_renderer(window, qtbot) -> None:
    """The window's Preview: the renderer starts when the page first shows, and the preview's
    pages come from it (this process never lays out the report)."""
    from tests.test_gui_pass9 import close_previews

    assert isolated.in_child_process()  # the window switched it on
    window.show_page("Reports")
    qtbot.waitUntil(lambda: len(isolated.renderer_pids()) == 1, timeout=60_000)
    renderer = isolated.renderer_pids()
    seen: list[int] = []
    closer = close_previews(seen)
    view = window.reports
    view.preview()
    qtbot.waitUntil(lambda: bool(seen) and view.task is None, timeout=60_000)
    closer.stop()
    assert seen[0] >= 3 and view.last_pdf is not None and view.last_pdf.stat().st_size > 10_000
    assert isolated.renderer_pids() == renderer  # the same renderer, still there
    assert sorted(p.suffix for p in view.last_pdf.parent.iterdir()) == [".pdf"]  # page images read and gone
