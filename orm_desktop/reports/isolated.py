"""Render a report in a child process, so that the GUI's process never lays out or rasterises.

Qt's PDF work holds Python's GIL for its whole C++ call: ``QTextDocument.drawContents`` onto
the ``QPdfWriter`` 0.1-0.45 s a page, QtPdf's rasterising 0.1-0.2 s a page at 300 dpi. Run in a
thread of the GUI's process, that froze the window for as long, however "background" the thread
was. A child process has its own interpreter: the GUI thread keeps running, and a crash inside
Qt's layout of hostile text (a feed's title, a quote) ends the child, not the app; the user gets
one line and nothing is written.

The window's process switches this on (:func:`use_child_process`); the command line renders in
its own process as before (there is no window to keep alive). The renderer is one
``multiprocessing`` 'spawn' process kept for the next render (:func:`warm` starts it when the
Reports page first shows; it stops after IDLE_SECONDS unused, and is killed when a render is
cancelled or runs over _TIMEOUT); the frozen builds re-enter through their own executable
(``packaging/launcher.py`` calls ``freeze_support``). It runs on the offscreen platform whatever
display the window uses, writes the PDF itself (atomically, as ``to_pdf`` does) and the preview's
page images as raw RGB32 files next to it, which this process reads and removes. The data goes
in by pickle over the pipe between two processes of one program (nothing a feed or another user
can write)."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from orm_desktop.errors import KnownError
from orm_desktop.reports.data import ReportData

_STATE = {"child": False}
_TIMEOUT = 600.0  # seconds: a render taking longer is stuck; the child is killed


def use_child_process(on: bool = True) -> None:
    """Render reports (``render.to_pdf`` and :func:`render_report`) in a child process from now
    on: the GUI calls it once at start."""
    _STATE["child"] = on


def in_child_process() -> bool:
    return _STATE["child"]


@dataclass(frozen=True, slots=True)
class Raster:
    """One page image the child wrote: raw RGB32 rows."""

    path: str
    width: int
    height: int
    dpi: int


def render_report(d: ReportData, out: Path, *, page_size: str = "A4", color: str = "#0F6E8C", logo: str = "",
                  raster_dpi: int | None = None, cancel: threading.Event | None = None) -> tuple[int, list]:
    """Write the report's PDF to ``out`` and, with ``raster_dpi``, its pages as QImages (for the
    print preview). In a child process when :func:`use_child_process` is on, else here.
    Returns (pages, images)."""
    from orm_desktop.reports.render import check_output, pdf_pages, to_pdf

    out = check_output(out)
    if not _STATE["child"]:
        pages = to_pdf(d, out, page_size=page_size, color=color, logo=logo, here=True)
        return pages, (pdf_pages(out, dpi=raster_dpi) if raster_dpi else [])
    pages, rasters = _call_child(child_render, d, str(out), page_size, color, logo, raster_dpi, cancel=cancel)
    return pages, [load_raster(r) for r in rasters]


@dataclass(frozen=True, slots=True)
class PrintJob:
    """A printer as a print dialog set it up, in what the renderer process needs to print there
    itself: the printer's name or the PDF file it writes, and the dialog's options."""

    printer_name: str
    output_file: str  # a PDF file ("Print to file"); '' = the named printer
    copies: int
    collate: bool
    duplex: int  # QPrinter.DuplexMode's value
    color: int  # QPrinter.ColorMode's value
    first: int  # the first page to print, 1-based (0: from the first)
    last: int  # the last (0: to the last)
    doc_name: str

    @classmethod
    def of(cls, printer) -> PrintJob:
        """The job ``printer`` (a QPrinter) describes; read it on the GUI thread."""
        from PySide6.QtPrintSupport import QPrinter

        pdf = printer.outputFormat() == QPrinter.OutputFormat.PdfFormat
        return cls(printer.printerName(), printer.outputFileName() if pdf else "", printer.copyCount(),
                   printer.collateCopies(), printer.duplex().value, printer.colorMode().value,
                   printer.fromPage(), printer.toPage(), printer.docName())

    def printer(self):
        """A QPrinter set up as described (in the process that prints)."""
        from PySide6.QtPrintSupport import QPrinter

        p = QPrinter(QPrinter.PrinterMode.HighResolution)
        if self.output_file:
            p.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            p.setOutputFileName(self.output_file)
        else:
            p.setPrinterName(self.printer_name)
        p.setCopyCount(self.copies)
        p.setCollateCopies(self.collate)
        p.setDuplex(QPrinter.DuplexMode(self.duplex))
        p.setColorMode(QPrinter.ColorMode(self.color))
        p.setDocName(self.doc_name)
        return p


def print_pages(pdf: Path, job: PrintJob, *, dpi: int, cancel: threading.Event | None = None) -> int:
    """Print a report PDF made by ``render_report`` as ``job`` says: its pages rasterised at
    ``dpi`` and drawn on the printer, in the renderer process when :func:`use_child_process` is on
    (in this process, rasterising held the GIL 0.1-0.2 s a page and drawing the 300 dpi pages
    on a PDF printer 0.3-0.5 s at a time: the window froze 1.5-2 s for the weekly report), else
    here. Returns the pages printed."""
    if not _STATE["child"]:
        return _print_here(pdf, job, dpi)
    (pages,) = _call_child(child_print, str(pdf), job, dpi, cancel=cancel)
    return pages


def _print_here(pdf: Path, job: PrintJob, dpi: int) -> int:
    from orm_desktop.reports import render

    count = render.pdf_page_count(pdf)
    if not count:
        render.pdf_pages(pdf, dpi=dpi)  # "cannot read the rendered report ..."
    first = max(job.first, 1) - 1
    last = min(job.last, count) if job.last > 0 else count
    if first >= last:
        raise KnownError(f"the report has {count} page{'s' if count != 1 else ''}: none in the range "
                         f"{job.first}-{job.last} to print")
    # the range's pages only (all of them at 300 dpi, then the range: page 1 of 40 took 1.4 GB)
    return render.draw_pages(render.pdf_pages(pdf, dpi=dpi, first=first, last=last), job.printer())


def load_raster(r: Raster):
    """The QImage of a page the child wrote (a copy), the file removed."""
    from PySide6.QtGui import QImage

    path = Path(r.path)
    data = path.read_bytes()
    path.unlink(missing_ok=True)  # 9 MB a page at 150 dpi, 35 MB at 300: not kept beside the PDF
    if len(data) != r.width * r.height * 4:
        raise KnownError(f"the report renderer wrote a damaged page image ({r.path})")
    image = QImage(data, r.width, r.height, r.width * 4, QImage.Format.Format_RGB32).copy()
    image.setDotsPerMeterX(round(r.dpi / 0.0254))
    image.setDotsPerMeterY(round(r.dpi / 0.0254))
    return image


_POOL: dict = {"pool": None, "timer": None, "busy": 0}
_LOCK = threading.Lock()
IDLE_SECONDS = 300.0  # an unused renderer (50 MB resident when warm) is stopped after this; the next render starts one


def _child_init() -> None:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # never a window, whatever display the parent has


def _ready() -> bool:
    from orm_desktop.reports.render import ensure_gui_app

    ensure_gui_app()
    return True


def _pool():
    import atexit
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with _LOCK:
        timer = _POOL["timer"]
        if timer is not None:
            timer.cancel()
            _POOL["timer"] = None
        if _POOL["pool"] is None:
            _POOL["pool"] = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                                initializer=_child_init)
            if not _POOL.get("atexit"):
                atexit.register(stop)
                _POOL["atexit"] = True
        return _POOL["pool"]


def warm() -> None:
    """Start the renderer now (Python, Qt and the report code loaded: about 0.5 s of a core), so
    that the first report renders as fast as in this process: the Reports page calls it when it
    is first shown."""
    _pool().submit(_ready).result(timeout=120)
    _idle_later()


def renderer_pids() -> list[int]:
    """The renderer processes alive now (none or one)."""
    pool = _POOL["pool"]
    procs = (getattr(pool, "_processes", None) or {}) if pool is not None else {}
    return sorted(p.pid for p in list(procs.values()) if p.is_alive())


def stop(kill: bool = False) -> None:
    """Stop the renderer process (at exit, when idle, or killed when a render is cancelled)."""
    with _LOCK:
        pool, _POOL["pool"] = _POOL["pool"], None
        timer, _POOL["timer"] = _POOL["timer"], None
    if timer is not None:
        timer.cancel()
    if pool is None:
        return
    if kill:
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            proc.kill()
    pool.shutdown(wait=True, cancel_futures=True)


def _idle_later() -> None:
    with _LOCK:
        if _POOL["pool"] is None or _POOL["busy"]:
            return
        if _POOL["timer"] is not None:
            _POOL["timer"].cancel()
        timer = threading.Timer(IDLE_SECONDS, _stop_if_idle)
        timer.daemon = True
        _POOL["timer"] = timer
        timer.start()


def _stop_if_idle() -> None:
    with _LOCK:
        idle = not _POOL["busy"]
    if idle:
        stop()


def _call_child(fn, *args, cancel: threading.Event | None) -> list:
    """``fn(*args)`` (a function of this module answering ("ok", ...), ("known", message) or
    ("error", traceback)) in the renderer process: what follows "ok"."""
    from concurrent.futures import TimeoutError as FutureTimeout
    from concurrent.futures.process import BrokenProcessPool

    with _LOCK:
        _POOL["busy"] += 1
    try:
        try:
            future = _pool().submit(fn, *args)
        except (OSError, RuntimeError) as exc:  # cannot start a process; a pool shut down meanwhile
            stop(kill=True)
            raise KnownError(f"cannot start the report renderer: {exc}") from exc
        waited = 0.0
        while True:
            if cancel is not None and cancel.is_set():
                stop(kill=True)
                raise KnownError("the report was cancelled")
            try:
                answer = future.result(timeout=0.1)
                break
            except FutureTimeout:
                waited += 0.1
                if waited > _TIMEOUT:
                    stop(kill=True)
                    raise KnownError(f"the report renderer took over {_TIMEOUT:.0f} s and was stopped") from None
            except BrokenProcessPool:
                stop(kill=True)
                raise KnownError("the report renderer stopped before it finished: nothing was written. "
                                 "If it happens again, the crash log has the details") from None
    finally:
        with _LOCK:
            _POOL["busy"] -= 1
        _idle_later()
    kind, *rest = answer
    if kind == "ok":
        return rest
    if kind == "known":
        raise KnownError(rest[0])
    raise KnownError("the report renderer failed: " + rest[0][-2000:])


def _answered(fn):
    """A function run in the renderer process, giving its result as one picklable answer:
    ("ok", *what it returned), ("known", message) for a KnownError, ("error", traceback) for
    anything else (``_call_child`` reads it). Kept under the function's own name, so that the
    pool finds it in this module."""
    import functools

    @functools.wraps(fn)
    def answer(*args) -> tuple:
        try:
            return ("ok", *fn(*args))
        except KnownError as exc:
            return ("known", str(exc))
        except Exception:  # noqa: BLE001 - said to the parent in one answer, never lost
            import traceback

            return ("error", traceback.format_exc())

    return answer


@_answered
def child_render(d: ReportData, out: str, page_size: str, color: str, logo: str,
                 raster_dpi: int | None) -> tuple:
    """In the renderer process: the PDF at ``out`` and, with ``raster_dpi``, its pages as raw
    files beside it. ("ok", pages, rasters), ("known", message) or ("error", traceback)."""
    from orm_desktop.reports.render import ensure_gui_app, to_pdf

    ensure_gui_app()
    pages = to_pdf(d, Path(out), page_size=page_size, color=color, logo=logo, here=True)
    return pages, _write_rasters(Path(out), raster_dpi) if raster_dpi else []


@_answered
def child_print(pdf: str, job: PrintJob, dpi: int) -> tuple:
    """In the renderer process: print the PDF at ``pdf`` as ``job`` says. ("ok", pages),
    ("known", message) or ("error", traceback)."""
    from orm_desktop.reports.render import ensure_gui_app

    ensure_gui_app()
    return (_print_here(Path(pdf), job, dpi),)


def _write_rasters(pdf: Path, dpi: int) -> list[Raster]:
    """The pages of ``pdf`` at ``dpi`` written beside it as raw RGB32 files (load_raster reads them)."""
    from PySide6.QtGui import QImage

    from orm_desktop.atomic import atomic_write
    from orm_desktop.reports.render import pdf_pages

    rasters = []
    for i, image in enumerate(pdf_pages(pdf, dpi=dpi)):
        # RGB32 rows are 4 bytes a pixel, and Qt pads rows to 4 bytes: never padded
        image = image.convertToFormat(QImage.Format.Format_RGB32)
        w, h = image.width(), image.height()
        raw = bytes(image.constBits())[: h * w * 4]
        path = pdf.with_name(f"{pdf.stem}-page{i + 1}.rgb32")
        atomic_write(path, raw)
        rasters.append(Raster(str(path), w, h, dpi))
    return rasters


__all__ = ["use_child_process", "in_child_process", "render_report", "load_raster", "Raster", "child_render", "child_print", "print_pages", "PrintJob", "warm", "stop", "renderer_pids"]
