"""Render report data to PDF or a printer: cover page, header with brand and period, page
numbers, tables that split across pages, charts drawn at print resolution. QtGui only (no
widgets), so the CLI renders with the offscreen platform and no display."""

from __future__ import annotations

import datetime as dt
import functools
import html
import os
from pathlib import Path

from orm_desktop.numbers import signed, signed_pct
from orm_desktop.reports.data import DAY, ReportData
from orm_desktop.textsafe import clip, display_text
from orm_desktop.types import NEEDS_REVIEW_BELOW, UNSURE

PAGE_SIZES = ("A4", "Letter")
DPI = 300


def ensure_gui_app():
    """The Qt application object (offscreen when there is no display)."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") \
            and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication

    # a full QApplication (not QGuiApplication): the same process may show widgets later
    return QApplication.instance() or QApplication([])


# -- charts ------------------------------------------------------------------------------------
def _chart_image(width_px: int, height_px: int, draw):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter

    img = QImage(width_px, height_px, QImage.Format.Format_ARGB32)
    img.setDotsPerMeterX(int(DPI / 0.0254))
    img.setDotsPerMeterY(int(DPI / 0.0254))
    img.fill(Qt.GlobalColor.white)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    draw(p, width_px, height_px)
    p.end()
    return img


def _font(p, pt: float, bold: bool = False):
    from PySide6.QtGui import QFont

    f = QFont("DejaVu Sans")
    f.setPointSizeF(pt)
    f.setBold(bold)
    p.setFont(f)


def day_format(since: int, until: int) -> str:
    """strftime format of a day in a report of [since, until): with the year when the period
    spans more than one calendar year (a 2017 post printed '27 Jun' beside this year's '02 Nov')."""
    first, last = (dt.datetime.fromtimestamp(t, dt.UTC).year for t in (since, max(since, until - 1)))
    return "%d %b" if first == last else "%d %b %Y"


def volume_chart(series, width: int, height: int, title: str):
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QPen

    def draw(p, w, h):
        _font(p, 9, True)
        p.drawText(QRectF(0, 0, w, 60), Qt.AlignmentFlag.AlignLeft, title)
        left, top, bottom = 110, 80, 90
        ch = h - top - bottom
        n = max(1, len(series))
        peak = max([x.total for x in series] + [1])
        step = max(1, -(-peak // 5))
        top_val = step * (-(-peak // step))
        _font(p, 7)
        p.setPen(QPen(QColor("#BBBBBB"), 2))
        for v in range(0, top_val + 1, step):
            y = top + ch - ch * v / top_val
            p.drawLine(left, int(y), w - 10, int(y))
            p.drawText(QRectF(0, y - 25, left - 15, 50), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(v))
        bw = (w - left - 10) / n
        colors = ((lambda x: x.negative, "#E74C3C"), (lambda x: x.neutral, "#AAB7B8"), (lambda x: x.positive, "#27AE60"),
                  (lambda x: x.unscored, "#5D6D7E"))  # not scored (other languages): in the volume, not neutral
        day = day_format(series[0].day, series[-1].day + 1) if series else "%d %b"
        label_every = max(1, n // (8 if day == "%d %b" else 6))  # with the year: longer labels, fewer
        for i, pt in enumerate(series):
            x = left + i * bw
            y = top + ch
            for get, color in colors:
                v = get(pt)
                hh = ch * v / top_val
                p.fillRect(QRectF(x + bw * 0.1, y - hh, bw * 0.8, hh), QColor(color))
                y -= hh
            if i % label_every == 0:
                p.setPen(QColor("#333333"))
                label = dt.datetime.fromtimestamp(pt.day, dt.UTC).strftime(day)
                tw = p.fontMetrics().horizontalAdvance(label) + 4
                lx = min(max(x + bw / 2 - tw / 2, 0), w - 10 - tw)  # centred on its bar, never cut at the edge
                p.drawText(QRectF(lx, top + ch + 10, tw, 50), Qt.AlignmentFlag.AlignHCenter, label)
        lx = left
        legend = [("positive", "#27AE60"), ("neutral", "#AAB7B8"), ("negative", "#E74C3C")]
        if any(x.unscored for x in series):
            legend.append(("not scored", "#5D6D7E"))
        for label, color in legend:
            p.fillRect(QRectF(lx, h - 35, 30, 30), QColor(color))
            p.setPen(QColor("#333333"))
            p.drawText(QRectF(lx + 40, h - 45, 300, 50), Qt.AlignmentFlag.AlignVCenter, label)
            lx += 330

    return _chart_image(width, height, draw)


def hbar_chart(rows: list[tuple[str, float]], width: int, height: int, title: str, fmt=lambda v: f"{v:g}",
               color: str = "#0F6E8C"):
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor

    def draw(p, w, h):
        _font(p, 9, True)
        p.drawText(QRectF(0, 0, w, 60), Qt.AlignmentFlag.AlignLeft, title)
        _font(p, 7)
        top, label_w = 80, int(w * 0.32)
        n = max(1, len(rows))
        bh = (h - top - 10) / n
        peak = max([v for _, v in rows] + [1e-9])
        for i, (label, v) in enumerate(rows):
            y = top + i * bh
            p.setPen(QColor("#333333"))
            p.drawText(QRectF(0, y, label_w - 15, bh), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       clip(label, 28))
            bw = (w - label_w - 160) * v / peak
            p.fillRect(QRectF(label_w, y + bh * 0.15, bw, bh * 0.7), QColor(color))
            p.drawText(QRectF(label_w + bw + 12, y, 150, bh), Qt.AlignmentFlag.AlignVCenter, fmt(v))

    return _chart_image(width, height, draw)


# -- document ----------------------------------------------------------------------------------
def _esc(s: str) -> str:
    # no bidi overrides or control characters from feeds in a report either (as in the inbox)
    return html.escape(display_text(s or ""))


UNSURE_CELL = "(unsure)"  # after a score that needs a human look; UNSURE_LEGEND under the table says so
UNSURE_LEGEND = (f"{UNSURE_CELL} = {UNSURE.split(': ', 1)[1]}: the machine scored it with a low confidence "
                 f"(under {NEEDS_REVIEW_BELOW}) and no person has confirmed the score yet; such mentions are "
                 "listed after the sure scores.")


def _score_cell(s: float, unsure: bool) -> str:
    color = "#C0392B" if s <= -0.05 else "#1E8449" if s >= 0.05 else "#666666"
    mark = f"<br><span style='color:#666666'><i>{UNSURE_CELL}</i></span>" if unsure else ""
    return f"<td style='color:{color}' align='right'>{signed(s)}{mark}</td>"


def _legend(any_unsure: bool) -> str:
    return f"<p style='color:#666666; font-size:8pt'><i>{_esc(UNSURE_LEGEND)}</i></p>" if any_unsure else ""


QUOTE_MARKS = "\"“”„«»"


def _quoted(sentence: str) -> str:
    """A quoted sentence in curly quotes, unless it carries quotation marks of its own (a
    speaker's words: “"Every trip counts."” printed doubled)."""
    sentence = sentence.strip()
    return sentence if any(c in QUOTE_MARKS for c in sentence) else f"“{sentence}”"


def _mention_rows(items, with_status: bool = False, day: str = "%d %b") -> str:
    rows = []
    mentions = [entry[0] if with_status else entry for entry in items]
    for entry in items:
        m, status = entry if with_status else (entry, "")
        when = dt.datetime.fromtimestamp(m.published, dt.UTC).strftime(day).replace(" ", "&nbsp;")
        rows.append(f"<tr><td>{when}</td><td>{_esc(m.title)}</td><td>{_esc(m.source)}</td>"
                    + _score_cell(m.sentiment, m.unsure)
                    + (f"<td>{_esc(status)}</td>" if with_status else "") + "</tr>")
    # the short columns keep the width of their header: beside wide headlines and sources "Sentiment"
    # broke as "Sentimen / t" (Qt's rich text ignores nowrap; it keeps a cell's width)
    date_w = "10%" if day == "%d %b" else "14%"
    head = (f"<tr><th width='{date_w}'>Date</th><th>Headline</th><th>Source</th><th width='15%'>Sentiment</th>"
            + ("<th width='16%'>Response</th>" if with_status else "") + "</tr>")
    return (f"<table width='100%' cellspacing='0' cellpadding='4' border='1'><thead>{head}</thead>{''.join(rows)}"
            f"</table>{_legend(any(m.unsure for m in mentions))}")


def build_document(d: ReportData, *, content_width_px: int, color: str = "#0F6E8C", logo: str = ""):
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QTextDocument

    doc = QTextDocument()
    cw = content_width_px
    day = day_format(d.since, d.until)
    color = safe_color(color)  # a setting, possibly from a bundle: never raw into the HTML
    parts = [f"<style>h1 {{ color:{color}; }} h2 {{ color:{color}; margin-top:18px; }} "
             "th { background-color:#EEEEEE; } td, th { font-size:9pt; } body { font-size:10pt; }</style>"]
    # cover
    generated = dt.datetime.now(dt.UTC).strftime("%d %B %Y %H:%M UTC")
    if logo and Path(logo).exists():
        from PySide6.QtGui import QImageReader

        # QImage, not QIcon/QPixmap: the GUI renders reports off its GUI thread, where pixmaps are unsafe
        reader = QImageReader(logo)
        size = reader.size()
        if size.isValid() and not size.isEmpty():
            reader.setScaledSize(size * min(cw * 0.35 / size.width(), cw * 0.1 / size.height()))
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl("img:logo"), reader.read())
        parts.append(f"<p><img src='img:logo' width='{int(cw * 0.35 * 96 / DPI)}'></p>")
    parts.append(f"<p style='margin-top:120px'><span style='font-size:26pt; color:{color}'><b>{_esc(d.title)}</b></span></p>"
                 f"<p><span style='font-size:14pt'>{_esc(d.subtitle)}</span></p>"
                 f"<p style='color:#666666'>Generated {generated} by ORM Desktop, offline, from the local workspace.</p>")
    if d.empty:
        parts.append("<p style='margin-top:60px'><span style='font-size:16pt'><b>No coverage in this period.</b></span></p>"
                     f"<p>{_esc(d.empty_reason or 'No mentions were stored for this period.')}</p>")
    cover_end = len(parts)  # the page break after the cover goes here if anything follows it
    # KPIs: an empty period's only when the period before had mentions (else a table of zeros)
    if not d.empty or d.kpis[0].previous != "0":
        parts.append("<h2>Key figures</h2><table width='100%' cellspacing='0' cellpadding='5' border='1'>"
                     "<thead><tr><th>Measure</th><th>This period</th><th>Previous period</th><th>Change</th></tr></thead>")
        for k in d.kpis:
            parts.append(f"<tr><td>{_esc(k.label)}</td><td align='right'><b>{_esc(k.value)}</b></td>"
                         f"<td align='right'>{_esc(k.previous)}</td><td align='right'>{_esc(k.change)}</td></tr>")
        parts.append("</table>")

    def image(name: str, img) -> None:
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"img:{name}"), img)
        # HTML image sizes are 96-dpi pixels; the image itself keeps its print resolution
        parts.append(f"<p><img src='img:{name}' width='{int(cw * 96 / DPI)}'></p>")

    if d.series and not d.empty:
        title = "Coverage by sentiment per day" + (" (last 90 days)" if d.kind == "executive" else "")
        image("volume", volume_chart(d.series, cw, int(cw * 0.42), title))
    if d.share_of_voice and not d.empty:
        parts.append("<h2>Share of voice</h2>")
        image("sov", hbar_chart([(r[1], r[3]) for r in d.share_of_voice], cw, 110 + 90 * len(d.share_of_voice),
                                "Share of voice", fmt=lambda v: f"{v:.0%}"))
    if any(n for _name, n, _net, _share in d.competitors):  # not a table of zeros
        parts.append("<h2>Competitor comparison</h2><table width='100%' cellspacing='0' cellpadding='4' border='1'>"
                     "<thead><tr><th>Entity</th><th>Mentions</th><th>Net sentiment</th><th>Share of voice</th></tr></thead>")
        for name, n, net, share in d.competitors:
            parts.append(f"<tr><td>{_esc(name)}</td><td align='right'>{n}</td><td align='right'>{signed_pct(net)}</td>"
                         f"<td align='right'>{share:.0%}</td></tr>")
        parts.append("</table>")
    if d.timeline:
        parts.append("<h2>Timeline: the first coverage</h2><table width='100%' cellspacing='0' cellpadding='4' border='1'>"
                     "<thead><tr><th>When (UTC)</th><th>Source</th><th>Kind</th><th>Headline</th><th>Sentiment</th></tr></thead>")
        for when, source, title, s, kind, unsure in d.timeline:
            mark = f" <i>{UNSURE_CELL}</i>" if unsure else ""
            stamp = dt.datetime.fromtimestamp(when, dt.UTC).strftime(f"{day} %H:%M").replace(" ", "&nbsp;")
            parts.append(f"<tr><td>{stamp}</td><td>{_esc(source)}</td>"
                         f"<td>{_esc(kind)}</td><td>{_esc(title)}</td><td align='right'>{'n/a' if s is None else signed(s)}{mark}</td></tr>")
        parts.append("</table>" + _legend(any(t[5] for t in d.timeline)))
    if d.kinds and not d.empty:
        parts.append("<h2>Spread across source kinds</h2>")
        image("kinds", hbar_chart([(k, float(n)) for k, n in d.kinds], cw, 110 + 80 * len(d.kinds),
                                  "Mentions by source kind", fmt=lambda v: f"{v:.0f}"))
    if d.topics:
        parts.append("<h2>Topics</h2><table cellspacing='0' cellpadding='4' border='1'><thead><tr><th>Topic</th>"
                     "<th>Mentions</th></tr></thead>" + "".join(
                         f"<tr><td>{_esc(t)}</td><td align='right'>{n}</td></tr>" for t, n in d.topics)
                     + "</table>")
    if d.sources:
        parts.append("<h2>Top sources</h2><table width='100%' cellspacing='0' cellpadding='4' border='1'><thead><tr>"
                     "<th>Source</th><th>Kind</th><th>Mentions</th><th>Average sentiment</th></tr></thead>" + "".join(
                         f"<tr><td>{_esc(s[0])}</td><td>{_esc(s[1])}</td><td align='right'>{s[2]}</td>"
                         f"<td align='right'>{signed(s[3])}</td></tr>" for s in d.sources) + "</table>")
    if d.positive:
        parts.append("<h2>Most positive coverage — to amplify</h2>" + _mention_rows(d.positive, day=day))
    if d.negative:
        parts.append("<h2>Most negative coverage and its response status</h2>" + _mention_rows(d.negative, True, day=day))
    if d.quotes:
        parts.append("<h2>Quotes</h2>" + "".join(f"<p>{_esc(_quoted(q))} — <i>{_esc(src)}</i></p>" for q, src in d.quotes))
    if d.drafts:
        parts.append("<h2>Drafts awaiting approval</h2>" + "".join(f"<p>{_esc(x)}</p>" for x in d.drafts))
    if d.alerts:
        parts.append("<h2>Alerts</h2>" + "".join(f"<p>⚠ {_esc(a)}</p>" for a in d.alerts))
    if d.responses and (not d.empty or any(d.responses.get(k) for k in ("sent", "open", "overdue"))):
        r = d.responses

        def hours(v):
            return f"{v:.1f} h" if v is not None else "—"

        # "overdue" is counted at printing, not over the period: a report of an old period said so nowhere
        parts.append("<h2>Responses</h2><table cellspacing='0' cellpadding='4' border='1'><thead><tr><th>Measure</th>"
                     "<th>Value</th></tr></thead>"
                     f"<tr><td>Sent</td><td align='right'>{r['sent']}</td></tr>"
                     f"<tr><td>Open: draft, in review, approved (when printed)</td><td align='right'>{r['open']}</td></tr>"
                     f"<tr><td>Overdue mentions (when printed)</td><td align='right'>{r['overdue']}</td></tr>"
                     f"<tr><td>Median first seen → first draft</td><td align='right'>{hours(r['median_hours_to_draft'])}</td></tr>"
                     f"<tr><td>Median first seen → approved</td><td align='right'>{hours(r['median_hours_to_approve'])}</td></tr>"
                     f"<tr><td>Median first seen → sent</td><td align='right'>{hours(r['median_hours_to_send'])}</td></tr></table>")
    if len(parts) > cover_end:  # (an empty workspace's report is its cover: no blank second page)
        parts.insert(cover_end, "<p style='page-break-after:always'>&nbsp;</p>")
    doc.setHtml("".join(parts))
    return doc


def header_line(metrics, left: str, right: str, width: int, *, gap: int) -> tuple[str, str]:
    """The page header's two texts (brand and report on the left, the subtitle with the period on
    the right), elided so that they fit ``width`` side by side with ``gap`` between them: an
    executive's long name or title drew the subtitle over the brand on every page. Bidi overrides
    and control characters are dropped, as everywhere in a report."""
    from PySide6.QtCore import Qt

    left = metrics.elidedText(display_text(left), Qt.TextElideMode.ElideRight, width // 2)
    room = max(0, width - metrics.horizontalAdvance(left) - gap)
    # the middle goes first: the subtitle ends with the period, which a reader needs most
    return left, metrics.elidedText(display_text(right), Qt.TextElideMode.ElideMiddle, room)


def keep_headings_with_next(doc, page_height: float) -> int:
    """Start a section on a new page where its heading would end a page with the start of its
    table (its header and first row), chart or paragraph on the next: measured on the document
    laid out in pages of ``page_height``, top to bottom, each moved heading shifting those below.
    A section start taller than a page stays where it is. Returns the number of headings moved."""
    from PySide6.QtGui import QTextCursor, QTextFormat

    before = QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore
    layout = doc.documentLayout()
    moved = 0
    block = doc.begin()
    while block.isValid():
        fmt = block.blockFormat()
        if fmt.headingLevel() == 2 and not (fmt.pageBreakPolicy() & before) and block.next().isValid():
            top = layout.blockBoundingRect(block).top()
            end = _start_bottom(doc, block.next())
            if int(top // page_height) != int((end - 0.01) // page_height) and end - top < page_height:
                fmt.setPageBreakPolicy(before)
                QTextCursor(block).setBlockFormat(fmt)
                moved += 1
        block = block.next()
    return moved


def _start_bottom(doc, block) -> float:
    """Where the start of a section ends on the laid-out document: a table's first row after its
    header, or a paragraph's (an image's) first line."""
    from PySide6.QtGui import QTextCursor

    layout = doc.documentLayout()
    table = QTextCursor(block).currentTable()
    if table is not None:
        row = min(table.format().headerRowCount() or 0, table.rows() - 1)
        return max(layout.blockBoundingRect(table.cellAt(row, c).lastCursorPosition().block()).bottom()
                   for c in range(table.columns()))
    rect = layout.blockBoundingRect(block)
    lines = block.layout()
    if lines is not None and lines.lineCount():
        return rect.top() + lines.lineAt(0).rect().bottom()
    return rect.bottom()


def paint(doc, device, d: ReportData, *, color: str = "#0F6E8C") -> int:
    """Lay the document out on ``device`` (QPdfWriter or QPrinter) page by page with a header
    and page numbers. Returns the page count."""
    from PySide6.QtCore import QRectF, QSizeF, Qt
    from PySide6.QtGui import QColor, QPainter, QPen

    color = safe_color(color)
    dpi = device.resolution()
    margin = int(dpi * 0.6)
    header_h = int(dpi * 0.45)
    w = device.width() - 2 * margin
    h = device.height() - 2 * margin - 2 * header_h
    doc.documentLayout().setPaintDevice(device)
    doc.setPageSize(QSizeF(w, h))
    keep_headings_with_next(doc, h)
    pages = doc.pageCount()
    painter = QPainter(device)
    try:
        for i in range(pages):
            if i:
                device.newPage()
            if i:  # header on every page but the cover
                _font(painter, 8)
                painter.setPen(QColor(color))
                left, right = header_line(painter.fontMetrics(), f"{d.brand} · {d.title.split(' — ')[0]}",
                                          d.subtitle, w, gap=dpi // 6)
                painter.drawText(QRectF(margin, margin, w, header_h), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                                 left)
                painter.drawText(QRectF(margin, margin, w, header_h), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                                 right)
                painter.setPen(QPen(QColor(color), max(1, dpi // 150)))
                painter.drawLine(margin, margin + header_h - dpi // 10, margin + w, margin + header_h - dpi // 10)
            painter.save()
            painter.translate(margin, margin + header_h - i * h)
            doc.drawContents(painter, QRectF(0, i * h, w, h))
            painter.restore()
            _font(painter, 8)
            painter.setPen(QColor("#666666"))
            painter.drawText(QRectF(margin, margin + header_h + h, w, header_h),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, f"Page {i + 1} of {pages}")
            if i == pages - 1 and d.audit_checkpoint:  # the audit log's head when this was printed
                _font(painter, 6)
                painter.drawText(QRectF(margin, margin + header_h + h, w, header_h),
                                 Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter,
                                 f"Audit checkpoint {d.audit_checkpoint}")
    finally:
        painter.end()
    return pages


def record_export(conn, d: ReportData, out: Path, pages: int, *, by: str, write=None) -> None:
    """Reports leave the laptop: each export is an audit-log entry. ``write()``, when given, writes
    the file inside the entry's transaction: no file without its entry (a busy or read-only
    database refuses both), no entry for a file that could not be written."""
    import time

    from orm_desktop.store import audit, db

    with db.transaction(conn):
        audit.append(conn, actor=by, action="report.export", subject_type="report", subject_id=None,
                     data={"kind": d.kind, "title": d.title, "period": d.subtitle, "file": str(out), "pages": pages},
                     now=int(time.time()))
        if write is not None:
            write()


def safe_color(color: str, default: str = "#0F6E8C") -> str:
    """A colour goes into the report's HTML and painter only as #rrggbb; anything else is the default."""
    import re

    return color if isinstance(color, str) and re.fullmatch(r"#[0-9a-fA-F]{6}", color) else default


def check_output(out: Path | str) -> Path:
    """The PDF's path, with a usage error before any rendering when its folder is missing or it
    names a folder (atomic_write's own checks, made before the work)."""
    from orm_desktop.atomic import check_target

    return check_target(out)


def to_pdf(d: ReportData, out: Path, *, page_size: str = "A4", color: str = "#0F6E8C", logo: str = "",
           here: bool = False) -> int:
    """Write the report as PDF; returns the page count. In the window's process the work runs
    in a child process (``reports.isolated``: Qt's layout holds the GIL for the whole render)
    unless ``here``."""
    from orm_desktop.atomic import atomic_write
    from orm_desktop.reports import isolated

    out = check_output(out)
    if not here and isolated.in_child_process():
        return isolated.render_report(d, out, page_size=page_size, color=color, logo=logo)[0]
    data, pages = render_pdf(d, page_size=page_size, color=color, logo=logo)
    atomic_write(out, data)  # never a half-written PDF under the real name
    return pages


def render_pdf(d: ReportData, *, page_size: str = "A4", color: str = "#0F6E8C", logo: str = "") -> tuple[bytes, int]:
    """The report as the bytes of a PDF, and its page count (rendered in memory).

    Safe from any thread. Laying out the QTextDocument starts Qt timers (its layout's
    QBasicTimers), which need a thread with a Qt event dispatcher: the GUI thread or a QThread.
    From a plain Python thread (the GUI's task pool, a delivery run) every render printed
    "QBasicTimer::start: current thread's event dispatcher has already been destroyed", and
    those objects' timers then belong to a thread Qt does not manage, a crash risk. There the
    work runs in a short-lived QThread that the caller waits for; every Qt object of the render
    is made and destroyed inside it."""
    from PySide6.QtCore import QAbstractEventDispatcher

    from orm_desktop.errors import UsageError

    ensure_gui_app()
    if page_size not in PAGE_SIZES:
        raise UsageError(f"unknown page size {page_size!r} (A4 or Letter)")
    if QAbstractEventDispatcher.instance() is None:
        return in_qthread(lambda: _render_pdf(d, page_size=page_size, color=color, logo=logo))
    return _render_pdf(d, page_size=page_size, color=color, logo=logo)


def in_qthread(fn):
    """``fn()`` run in a new QThread (which has an event dispatcher, so Qt objects that start
    timers may be used in it), waited for; its result, or its exception raised here. ``fn``
    must leave no Qt object of its own alive when it returns (they would outlive their thread)."""
    import shiboken6

    result: dict[str, object] = {}
    thread = _qthread_class()(fn, result)
    thread.start()
    thread.wait()
    shiboken6.delete(thread)
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result["value"]


@functools.cache
def _qthread_class():
    import traceback

    from PySide6.QtCore import QThread

    class Call(QThread):
        def __init__(self, fn, result: dict) -> None:
            super().__init__()
            self.fn, self.result = fn, result

        def run(self) -> None:
            try:
                self.result["value"] = self.fn()
            except BaseException as exc:  # noqa: BLE001 - raised again in the waiting thread
                # the traceback's frames hold the render's Qt objects: let them go here, in this thread
                traceback.clear_frames(exc.__traceback__)
                self.result["error"] = exc
            finally:
                self.fn = None

    return Call


def _render_pdf(d: ReportData, *, page_size: str, color: str, logo: str) -> tuple[bytes, int]:
    import shiboken6
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter

    data = QByteArray()
    buf = QBuffer(data)  # rendered in memory, then written by the atomic helper (checked, fsynced, renamed)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buf)
    writer.setResolution(DPI)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4 if page_size == "A4" else QPageSize.PageSizeId.Letter))
    writer.setPageOrientation(QPageLayout.Orientation.Portrait)
    writer.setTitle(d.title)
    writer.setCreator("ORM Desktop")
    margin = int(DPI * 0.6)
    doc = build_document(d, content_width_px=writer.width() - 2 * margin, color=color, logo=logo)
    try:
        pages = paint(doc, writer, d, color=color)
    finally:
        shiboken6.delete(doc)  # now, in this thread (its layout's timers belong to it)
    del writer  # finishes the PDF
    buf.close()
    return bytes(buf.data()), pages


def pdf_pages(pdf: Path, *, dpi: int = DPI, first: int = 0, last: int | None = None) -> list:
    """The pages of a report PDF made by :func:`to_pdf` as images on white paper at ``dpi``
    (QImage, each carrying its resolution), ready for :func:`draw_pages`. Rasterising is the slow
    part of printing (0.1-0.4 s a page at 300 dpi): call it off the GUI thread. ``first``/``last``:
    only the pages ``[first:last]`` (0-based, as a slice: a print range's, 35 MB a page at 300 dpi)."""
    from PySide6.QtCore import QSize, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtPdf import QPdfDocument

    from orm_desktop.errors import KnownError

    doc = QPdfDocument()
    doc.load(str(pdf))
    if doc.status() != QPdfDocument.Status.Ready or doc.pageCount() == 0:
        raise KnownError(f"cannot read the rendered report {pdf}")
    pages = []
    for i in range(doc.pageCount())[first:last]:
        pt = doc.pagePointSize(i)
        image = doc.render(i, QSize(round(pt.width() / 72 * dpi), round(pt.height() / 72 * dpi)))
        paper = QImage(image.size(), QImage.Format.Format_RGB32)  # a PDF page is transparent: put it on paper
        paper.fill(Qt.GlobalColor.white)
        with QPainter(paper) as p:
            p.drawImage(0, 0, image)
        paper.setDotsPerMeterX(round(dpi / 0.0254))
        paper.setDotsPerMeterY(round(dpi / 0.0254))
        pages.append(paper)
    return pages


def pdf_page_count(pdf: Path) -> int:
    """How many pages the PDF at ``pdf`` has (0: unreadable)."""
    from PySide6.QtPdf import QPdfDocument

    doc = QPdfDocument()
    doc.load(str(pdf))
    return doc.pageCount() if doc.status() == QPdfDocument.Status.Ready else 0


def draw_pages(pages: list, printer) -> int:
    """Draw pages from :func:`pdf_pages` on a printer or a print preview, one a sheet, on paper
    of the first page's size with no extra margins (drawing the text document straight onto a
    printer laid it out for the printer's own resolution and margins: a clipped logo, a
    stretched chart, a page more). Cheap: the images are made already. Returns the page count."""
    from PySide6.QtCore import QMarginsF, QRectF, QSize
    from PySide6.QtGui import QPageLayout, QPageSize, QPainter

    from orm_desktop.errors import KnownError

    first = pages[0]
    dpi = first.dotsPerMeterX() * 0.0254
    size = QSize(round(first.width() / dpi * 72), round(first.height() / dpi * 72))  # in points
    printer.setFullPage(True)
    printer.setPageLayout(QPageLayout(QPageSize(size, "", QPageSize.SizeMatchPolicy.FuzzyMatch),
                                      QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
    painter = QPainter()
    if not painter.begin(printer):
        raise KnownError("the printer cannot be opened")
    try:
        for i, paper in enumerate(pages):
            if i:
                printer.newPage()
            painter.drawImage(QRectF(painter.viewport()), paper)
    finally:
        painter.end()
    return len(pages)


def print_pdf(pdf: Path, printer, *, dpi: int = DPI) -> int:
    """Send a report PDF made by :func:`to_pdf` to a printer or a print preview, page for page.

    Print, print preview and Save as PDF share one renderer: the PDF is the document, and a
    printer gets its pages drawn at ``dpi`` (:func:`pdf_pages`, then :func:`draw_pages`).
    Returns the page count."""
    return draw_pages(pdf_pages(pdf, dpi=dpi), printer)


__all__ = ["DAY", "to_pdf", "render_pdf", "check_output", "print_pdf", "pdf_pages", "draw_pages", "paint", "build_document", "ensure_gui_app"]
