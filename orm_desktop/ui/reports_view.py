"""Reports: kind, entity, period; print preview, print, save as PDF (same renderer as the CLI)."""

from __future__ import annotations

import time

from PySide6.QtCore import Signal
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from orm_desktop.errors import KnownError
from orm_desktop.ui.widgets import button_row, mark_safe_in_executive_mode

DAY = 86400


class ReportsView(QWidget):
    status_message = Signal(str)

    def __init__(self, svc, parent=None) -> None:
        super().__init__(parent)
        self.svc = svc
        mark_safe_in_executive_mode(self)  # reports read the workspace; exporting one is audited, not an edit
        self.kind = QComboBox()
        for label, key in (("Weekly brand report", "weekly"), ("Executive personal-brand report", "executive"),
                           ("Crisis report (around the latest alert)", "crisis")):
            self.kind.addItem(label, key)
        self.entity = QComboBox()
        self.period = QComboBox()
        for label, days in (("Last 7 days", 7), ("Last 30 days", 30), ("Last 90 days", 90)):
            self.period.addItem(label, days)
        self.page = QComboBox()
        self.page.addItems(["A4", "Letter"])
        form = QFormLayout()
        form.addRow("Report", self.kind)
        form.addRow("Entity", self.entity)
        form.addRow("Period", self.period)
        form.addRow("Paper", self.page)
        buttons = button_row((("Preview…", self.preview), ("Print…", self.print_), ("Save as PDF…", self.save_pdf)))
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("<h2>Reports</h2><p>Print-ready reports, rendered on this laptop with no network. "
                             "The same reports come from the command line: <code>orm-desktop report</code>.</p>"))
        lay.addLayout(form)
        lay.addLayout(buttons)
        lay.addStretch(1)
        self.kind.currentIndexChanged.connect(self.fill_entities)
        self.fill_entities()

    def fill_entities(self) -> None:
        kind = self.kind.currentData()
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
        self.period.setEnabled(kind != "crisis")

    def data(self):
        from orm_desktop.reports import data

        now = int(time.time())
        until = (now // DAY + 1) * DAY
        kind = self.kind.currentData()
        since = until - self.period.currentData() * DAY
        return data.build(self.svc, kind, entity=self.entity.currentData(),
                          since=None if kind == "crisis" else since, until=None if kind == "crisis" else until, now=now)

    def _render_to(self, printer) -> int:
        from PySide6.QtGui import QPageSize

        from orm_desktop.reports.render import build_document, paint

        d = self.data()
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4 if self.page.currentText() == "A4"
                                      else QPageSize.PageSizeId.Letter))
        s = self.svc.settings()
        margin = int(printer.resolution() * 0.6)
        doc = build_document(d, content_width_px=printer.width() - 2 * margin, color=s.get("brand_color") or "#0F6E8C",
                             logo=s.get("brand_logo") or "")
        return paint(doc, printer, d, color=s.get("brand_color") or "#0F6E8C")

    def preview(self) -> None:
        try:
            self.data()
        except KnownError as exc:
            QMessageBox.warning(self, "Cannot build the report", str(exc))
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dlg = QPrintPreviewDialog(printer, self)
        dlg.paintRequested.connect(self._render_to)
        dlg.resize(1000, 900)
        dlg.exec()

    def print_(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self).exec():
            try:
                pages = self._render_to(printer)
                self.status_message.emit(f"sent {pages} pages to the printer")
            except KnownError as exc:
                QMessageBox.warning(self, "Cannot print", str(exc))

    def save_pdf(self) -> None:
        from orm_desktop.reports.render import to_pdf

        path, _ = QFileDialog.getSaveFileName(self, "Save report", f"{self.kind.currentData()}-report.pdf", "PDF (*.pdf)")
        if not path:
            return
        try:
            s = self.svc.settings()
            pages = to_pdf(self.data(), path, page_size=self.page.currentText(),
                           color=s.get("brand_color") or "#0F6E8C", logo=s.get("brand_logo") or "")
        except KnownError as exc:
            QMessageBox.warning(self, "Cannot save the report", str(exc))
            return
        from orm_desktop.reports.render import record_export

        record_export(self.svc.conn, self.data(), path, pages, by="gui")
        self.status_message.emit(f"wrote {path} ({pages} pages)")
