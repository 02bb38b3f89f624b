"""Reports: kind, entity, period (or a custom date range); print preview, print, save as PDF.

One renderer for all three, the CLI's: the report is rendered to PDF (off the GUI thread when a
task runner is given); Save as PDF moves that file into place, Print and Print preview draw its
pages (``render.print_pdf``), so the preview shows exactly the PDF."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from orm_desktop.errors import KnownError
from orm_desktop.types import last_days
from orm_desktop.ui.widgets import (
    button_row,
    fit_to_screen,
    mark_safe_in_executive_mode,
    names_combo,
)

DAY = 86400
CUSTOM = 0  # the period combo's data for "Custom range…"
AROUND_ALERT = -1  # ... for "Around the latest alert" (the crisis report's own period)
PREVIEW_DPI = 150  # the print preview's pages: a quarter of the printed pixels, sharp on a screen


RENDER_PREFIX = "orm-report-"  # + the rendering process's id + "-": a temporary folder per rendered report


def remove_stale_render_folders() -> int:
    """Remove the report folders that sessions which are gone left in the temporary folder (a
    kill, a crash: each held a whole or half-written copy of a report); how many. Only this
    user's, named with a process id that no longer runs."""
    import re

    removed = 0
    pattern = re.compile(re.escape(RENDER_PREFIX) + r"([0-9]{1,10})-[^/]+$")
    try:
        entries = list(os.scandir(tempfile.gettempdir()))
    except OSError:
        return 0
    for entry in entries:
        m = pattern.match(entry.name)
        if not m or int(m.group(1)) == os.getpid():
            continue
        try:
            if not entry.is_dir(follow_symlinks=False) or entry.stat(follow_symlinks=False).st_uid != os.getuid():
                continue
            os.kill(int(m.group(1)), 0)
            continue  # that session still runs
        except ProcessLookupError:
            shutil.rmtree(entry.path, ignore_errors=True)
            removed += 1
        except (OSError, OverflowError):
            continue
    return removed


def utc_midnight(d: QDate) -> int:
    return int(dt.datetime(d.year(), d.month(), d.day(), tzinfo=dt.UTC).timestamp())


class ReportsView(QWidget):
    status_message = Signal(str)

    def __init__(self, svc, parent=None, runner=None) -> None:
        super().__init__(parent)
        self.svc = svc
        self.runner = runner
        self.task = None
        self.print_task = None  # the preview's Print: its PDF's pages rasterised and printed in the background
        self.last_pdf: Path | None = None  # the PDF behind the last preview / print / save
        self.page_images: list | None = None  # its pages drawn for the preview (render(rasterize=True))
        self.closed = False  # the window closed: a render that ends now is dropped
        self.warmed = False  # the report renderer was started when the page first showed
        remove_stale_render_folders()
        mark_safe_in_executive_mode(self)  # reports read the workspace; exporting one is audited, not an edit
        self.kind = QComboBox()
        for label, key in (("Weekly brand report", "weekly"), ("Executive personal-brand report", "executive"),
                           ("Crisis report (around the latest alert)", "crisis")):
            self.kind.addItem(label, key)
        self.entity = names_combo(24)
        self.period = QComboBox()
        for label, days in (("Last 7 days", 7), ("Last 30 days", 30), ("Last 90 days", 90),
                            ("Custom range…", CUSTOM)):
            self.period.addItem(label, days)
        today = QDate.currentDate()
        self.date_from = QDateEdit(today.addDays(-13), calendarPopup=True, displayFormat="d MMM yyyy")
        self.date_to = QDateEdit(today, calendarPopup=True, displayFormat="d MMM yyyy")
        self.date_to.setMaximumDate(today)
        # from the earliest day a report can cover (both days included): the pickers offered every
        # date from 1752, and 1 Jan 1970 was refused only at Preview ("at most 3,660 days")
        for picker in (self.date_from, self.date_to):
            picker.setMinimumDate(today.addDays(-(svc.report_max_days() - 1)))
        rng = QWidget()
        rl = QHBoxLayout(rng)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(QLabel("from"))
        rl.addWidget(self.date_from)
        rl.addWidget(QLabel("to"))
        rl.addWidget(self.date_to)
        rl.addWidget(QLabel("(both days included)"))
        rl.addStretch(1)
        self.range = rng
        self.page = QComboBox()
        self.page.addItems(["A4", "Letter"])
        form = QFormLayout()
        form.addRow("Report", self.kind)
        form.addRow("Entity", self.entity)
        form.addRow("Period", self.period)
        form.addRow("", self.range)
        form.addRow("Paper", self.page)
        buttons = button_row((("Preview…", self.preview), ("Print…", self.print_), ("Save as PDF…", self.save_pdf)))
        self.busy_label = QLabel()
        buttons.addWidget(self.busy_label)
        lay = QVBoxLayout(self)
        intro = QLabel("<h2>Reports</h2><p>Print-ready reports, rendered on this laptop with no network. "
                       "The same reports come from the command line: <code>orm-desktop report</code>. "
                       "Print and the preview show exactly the PDF.</p>")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addLayout(buttons)
        # the last report had no mentions: why, and what to do (its PDF says so on the cover too)
        self.empty_note = QLabel()
        self.empty_note.setObjectName("report_empty")
        self.empty_note.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_note.setWordWrap(True)
        self.empty_note.setStyleSheet("color: #B9770E;")
        lay.addWidget(self.empty_note)
        lay.addStretch(1)
        self.kind.currentIndexChanged.connect(self.fill_entities)
        self.period.currentIndexChanged.connect(self.update_range)
        self.fill_entities()
        self.update_range()

    def fill_entities(self) -> None:
        kind = self.kind.currentData()
        chosen = self.entity.currentData()  # kept when it is still offered (the entities changed)
        self.entity.clear()
        ents = self.svc.entities()
        if kind == "executive":
            wanted = [e for e in ents if e.kind == "executive"]
        elif kind == "crisis":
            wanted = ents
        else:
            wanted = [e for e in ents if e.kind == "brand"]
        for e in wanted:
            self.entity.addItem(e.name, e.name)
        self.entity.setCurrentIndex(max(0, self.entity.findData(chosen)))
        # a crisis report covers the latest alert, or any period it is given (an entity may have no alert)
        around = self.period.findData(AROUND_ALERT)
        if kind == "crisis" and around < 0:
            self.period.insertItem(0, "Around the latest alert", AROUND_ALERT)
            self.period.setCurrentIndex(0)
        elif kind != "crisis" and around >= 0:
            chosen = self.period.currentIndex()
            self.period.removeItem(around)
            if chosen == around:
                self.period.setCurrentIndex(0)
        self.update_range()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        """The first time the page shows, the report renderer (a child process) starts, so the
        first Preview is not 0.5 s slower than the next."""
        from orm_desktop.reports import isolated

        super().showEvent(event)
        if self.runner is not None and not self.warmed and isolated.in_child_process():
            self.warmed = True
            self.runner.start(lambda _progress, _cancel: isolated.warm())

    def update_range(self) -> None:
        self.range.setVisible(self.period.currentData() == CUSTOM)

    def span(self) -> tuple[int, int]:
        """(since, until) in epoch seconds; a custom range includes both its first and last day;
        (None, None) around the latest alert (the report finds it)."""
        if self.period.currentData() == AROUND_ALERT:
            return None, None
        if self.period.currentData() == CUSTOM:
            since, until = utc_midnight(self.date_from.date()), utc_midnight(self.date_to.date()) + DAY
            if since >= until:
                raise KnownError("the custom range ends before it starts: pick a 'to' date on or after 'from'")
            return since, until
        return last_days(self.period.currentData(), int(time.time()))

    def data(self):
        kind = self.kind.currentData()
        since, until = self.span()
        return self.svc.report_data(kind, entity=self.entity.currentData(), since=since, until=until,
                                    now=int(time.time()))

    # -- one renderer: the report as PDF ------------------------------------------------------------
    def render(self, then: Callable[[Path, int, object], None], printer: QPrinter | None = None, *,
               rasterize: bool = False) -> None:
        """Render the report to a PDF in a temporary folder (and with ``printer``, print its pages
        as the printer is set up, in the renderer process: reports.isolated.print_pages; with
        ``rasterize``, draw its pages as images for the print preview, kept in
        ``self.page_images``), then call
        ``then(pdf, pages, data)`` on the GUI thread. The work runs in the background when the
        view has a task runner."""
        from orm_desktop.reports.isolated import PrintJob, print_pages, render_report
        from orm_desktop.reports.render import DPI

        if self.task is not None or self.print_task is not None:
            self.status_message.emit("a report is being rendered already" if self.task is not None else
                                     "a report is being printed: wait until it is sent to the printer")
            return
        kind, entity, page = self.kind.currentData(), self.entity.currentData(), self.page.currentText()
        try:
            span = self.span()
        except KnownError as exc:
            QMessageBox.warning(self, "Cannot build the report", str(exc))
            return
        s = self.svc.settings()
        color, logo = s.get("brand_color") or "#0F6E8C", s.get("brand_logo") or ""
        out = Path(tempfile.mkdtemp(prefix=f"{RENDER_PREFIX}{os.getpid()}-")) / f"{kind}-report.pdf"
        svc = self.svc
        job = PrintJob.of(printer) if printer is not None else None  # read here, on the GUI thread

        def work(progress, cancel):
            d = svc.report_data(kind, entity=entity, since=span[0], until=span[1], now=int(time.time()))
            # laid out and rasterised in a child process (reports.isolated): Qt's PDF work holds
            # the GIL, so a thread of this process froze the window 0.1-0.45 s a page
            dpi = PREVIEW_DPI if rasterize and job is None else None
            try:
                pages, images = render_report(d, out, page_size=page, color=color, logo=logo, raster_dpi=dpi,
                                              cancel=cancel)
            except BaseException:
                shutil.rmtree(out.parent, ignore_errors=True)  # no temporary folder left behind
                raise
            if cancel is not None and cancel.is_set():  # the window went meanwhile: its result is dropped
                shutil.rmtree(out.parent, ignore_errors=True)
                raise KnownError("the report was cancelled")
            if job is not None:  # printed by the renderer too: drawing 300 dpi pages here held the GIL 1.3 s
                pages, images = print_pages(out, job, dpi=DPI, cancel=cancel), None
            elif not rasterize:
                images = None
            return out, pages, d, images

        self._then = then
        if self.runner is None:
            try:
                result = work(None, None)
            except KnownError as exc:
                self._render_failed(str(exc), True)
                return
            self._rendered(result)
            return
        self.busy_label.setText("rendering the report…")
        self.task = self.runner.start(work, on_success=self._rendered, on_failure=self._render_failed,
                                      on_finished=self._render_finished)

    def _rendered(self, result) -> None:
        pdf, pages, d, images = result
        if self.closed:  # the window closed (another workspace opened) while this one rendered
            shutil.rmtree(pdf.parent, ignore_errors=True)
            return
        self.page_images = images
        if self.last_pdf is not None and self.last_pdf.parent != pdf.parent:
            shutil.rmtree(self.last_pdf.parent, ignore_errors=True)
        self.last_pdf = pdf
        self.empty_note.setText(f"This report has no coverage. {d.empty_reason}" if d.empty else "")
        self._then(pdf, pages, d)

    def discard_rendered(self) -> None:
        """Remove the last rendered PDF's temporary folder (the window closes): a report still
        rendering is dropped when it is done (its preview never opens over the next window)."""
        self.closed = True
        if self.last_pdf is not None:
            shutil.rmtree(self.last_pdf.parent, ignore_errors=True)
            self.last_pdf = None

    def _render_failed(self, message: str, known: bool) -> None:
        if self.closed:  # the window closed meanwhile (its tasks were cancelled): nobody to tell
            return
        QMessageBox.warning(self, "Cannot build the report", message if known else message[-2000:])

    def _render_finished(self) -> None:
        self.task = None
        self.busy_label.setText("")

    def preview(self) -> None:
        self.render(self._show_preview, rasterize=True)

    def _show_preview(self, pdf: Path, pages: int, _d) -> None:
        """The PDF's pages, rasterised in the background, drawn on the preview: drawing the PDF
        here held the GUI thread 0.3-1.1 s. The preview's own Print button prints the PDF at the
        printer's resolution, as Print… does, in the background (``print_rendered``): rasterising
        it at 300 dpi in the button's call froze the window 1.5-2 s (demo weekly report)."""
        from PySide6.QtGui import QPaintEngine

        from orm_desktop.reports.render import draw_pages

        images, self.page_images = self.page_images, None

        def paint(printer: QPrinter) -> None:
            if printer.paintEngine().type() == QPaintEngine.Type.Picture:  # the preview's pages
                draw_pages(images, printer)
            else:  # Print: nothing drawn now (no page is sent); the printer is drawn on when rasterised
                self.print_rendered(pdf, printer)

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dlg = QPrintPreviewDialog(printer, self)
        dlg.setWindowTitle(f"Print preview — {pages} page{'s' if pages != 1 else ''}, as in the PDF")
        dlg.paintRequested.connect(paint)
        fit_to_screen(dlg, 1000, 900)  # 900 px tall went past a 1280 x 800 screen
        keyboard_preview(dlg)
        dlg.exec()

    def print_rendered(self, pdf: Path, printer: QPrinter) -> None:
        """Print the rendered report ``pdf`` (the preview's) on ``printer`` as Print… does: the
        renderer process rasterises its pages at the printer's resolution and prints them
        (reports.isolated.print_pages), a task waits for it."""
        from orm_desktop.reports.isolated import PrintJob, print_pages
        from orm_desktop.reports.render import DPI

        job = PrintJob.of(printer)  # the renderer process prints: the window never draws the pages

        def work(progress, cancel):
            return print_pages(pdf, job, dpi=DPI, cancel=cancel)

        if self.runner is None:
            try:
                self._printed(work(None, None))
            except KnownError as exc:
                self._render_failed(str(exc), True)
            return
        self.busy_label.setText("printing the report…")
        self.print_task = self.runner.start(work, on_success=self._printed, on_failure=self._render_failed,
                                            on_finished=self._print_finished)

    def _printed(self, pages: int) -> None:
        if not self.closed:
            self.status_message.emit(f"sent {pages} pages to the printer")

    def _print_finished(self) -> None:
        self.print_task = None
        self.busy_label.setText("")

    def print_(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self).exec():
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Print the report on a printer that is set up already (after the print dialog)."""
        self.render(lambda _pdf, pages, _d: self.status_message.emit(f"sent {pages} pages to the printer"), printer)

    def save_pdf(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save report", f"{self.kind.currentData()}-report.pdf", "PDF (*.pdf)")
        if path:
            self.save_pdf_to(Path(path))

    def save_pdf_to(self, path: Path) -> None:
        self.render(lambda pdf, pages, d: self._save(pdf, pages, d, Path(path)))

    def _save(self, pdf: Path, pages: int, d, path: Path) -> None:
        from orm_desktop.atomic import atomic_write

        try:
            data = pdf.read_bytes()
            # the file and its audit entry together, the file whole or not at all (a copy to
            # NAME.part left the .part behind when the disk filled, and saved the PDF unaudited
            # when the database was busy)
            self.svc.record_report_export(d, path, pages, by="gui", write=lambda: atomic_write(path, data))
        except OSError as exc:
            QMessageBox.warning(self, "Cannot save the report", f"cannot read the rendered report {pdf}: {exc.strerror}")
            return
        except KnownError as exc:
            QMessageBox.warning(self, "Cannot save the report", str(exc))
            return
        self.status_message.emit(f"wrote {path} ({pages} pages)")


# Qt's print preview leaves its toolbar to the mouse: no shortcut, and buttons that take no focus
PREVIEW_KEYS = {
    "Print": QKeySequence.StandardKey.Print,
    "Next page": "Ctrl+PgDown", "Previous page": "Ctrl+PgUp", "First page": "Ctrl+Home", "Last page": "Ctrl+End",
    "Zoom in": QKeySequence.StandardKey.ZoomIn, "Zoom out": QKeySequence.StandardKey.ZoomOut,
}


def keyboard_preview(dlg: QPrintPreviewDialog) -> None:
    """The print preview usable without a mouse: Ctrl+P prints, Ctrl+PgDn/PgUp/Home/End turn the
    pages, Ctrl++/Ctrl+- zoom (each shown in the button's tooltip), and Tab reaches every toolbar
    button (Space presses it). Before, Tab went round the page, the zoom box and the page number,
    and nothing printed."""
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QToolButton

    for action in dlg.findChildren(QAction):
        key = PREVIEW_KEYS.get(action.text())
        if key is not None:
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setToolTip(f"{action.text()} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})")
    for button in dlg.findChildren(QToolButton):
        if button.defaultAction() is not None:
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
