"""Printing a page range rasterises the pages of that range only (reports.isolated.print_pages).

Before, every page of the report was rasterised at the printer's 300 dpi and held in memory
(35 MB a page) before the range was taken: page 1 of a 40-page report took 1.7 s and 1.4 GB in
the renderer process, and a long enough report ran it out of memory whatever range was chosen.
"""

from __future__ import annotations

import pytest


def test_a_page_range_rasterises_only_its_pages(tmp_path, monkeypatch):
    from PySide6.QtGui import QPageSize, QPainter, QPdfWriter

    from orm_desktop.errors import KnownError
    from orm_desktop.reports import render
    from orm_desktop.reports.isolated import PrintJob, print_pages

    render.ensure_gui_app()
    pdf = tmp_path / "many.pdf"
    w = QPdfWriter(str(pdf))
    w.setPageSize(QPageSize(QPageSize.PageSizeId.A6))
    with QPainter(w) as p:
        for i in range(12):
            if i:
                w.newPage()
            p.drawText(100, 100, f"page {i + 1}")
    made: list[int] = []
    real = render.pdf_pages

    def counted(*args, **kw):
        pages = real(*args, **kw)
        made.append(len(pages))
        return pages

    monkeypatch.setattr(render, "pdf_pages", counted)
    job = PrintJob("", str(tmp_path / "out.pdf"), 1, False, 0, 1, 3, 4, "report")
    assert print_pages(pdf, job, dpi=36) == 2 and made == [2]  # was [12]
    with pytest.raises(KnownError, match="has 12 pages: none in the range 13-14"):
        print_pages(pdf, PrintJob("", str(tmp_path / "out.pdf"), 1, False, 0, 1, 13, 14, "report"), dpi=36)
    assert print_pages(pdf, PrintJob("", str(tmp_path / "out.pdf"), 1, False, 0, 1, 0, 0, "report"), dpi=36) == 12
