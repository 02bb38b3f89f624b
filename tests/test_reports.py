"""Reports from the demo workspace: page counts, the text that must appear, empty periods, CLI."""

from __future__ import annotations

import time

import pytest
from pypdf import PdfReader

from orm_desktop.errors import UsageError
from orm_desktop.numbers import signed
from orm_desktop.reports import data
from orm_desktop.reports.render import to_pdf

DAY = 86400


def pdf_text(path) -> tuple[int, str]:
    """Page count and the text, normalised (ligatures unfolded, any whitespace one space)."""
    import re
    import unicodedata

    reader = PdfReader(str(path))
    text = unicodedata.normalize("NFKC", " ".join(p.extract_text() for p in reader.pages))
    return len(reader.pages), re.sub(r"\s+", " ", text)


def test_weekly_report_has_the_kpis_and_headlines(demo_service, tmp_path):
    d = data.build(demo_service, "weekly")
    pages = to_pdf(d, tmp_path / "weekly.pdf")
    n, text = pdf_text(tmp_path / "weekly.pdf")
    assert n == pages and n >= 3
    for needle in ("Weekly brand report", "Velora", "Key figures", "Mentions", "Net sentiment",
                   "Reach-weighted sentiment", "Share of voice", "Competitor comparison", "Stridewell",
                   "Top sources", f"Page {n} of {n}"):
        assert needle in text, needle
    assert d.kpis[0].value in text  # the mention count that was computed is the one printed
    assert d.positive and d.positive[0].title[:30] in text


def test_executive_report_for_the_ceo(demo_service, tmp_path):
    d = data.build(demo_service, "executive", entity="Maya Lindqvist")
    to_pdf(d, tmp_path / "exec.pdf", page_size="Letter")
    n, text = pdf_text(tmp_path / "exec.pdf")
    assert "Maya Lindqvist" in text and "Chief Executive Officer" in text and "Share of voice vs Velora" in text
    assert "Drafts awaiting approval" in text  # the demo's statement in her name
    reader = PdfReader(str(tmp_path / "exec.pdf"))
    assert round(float(reader.pages[0].mediabox.width)) == 612  # US Letter: 8.5 in


def test_report_tables_mark_unsure_scores_and_list_them_after_sure_ones(demo_service, tmp_path):
    """The demo's '@greenmiles: Maya Lindqvist ... really thoughtful' (the learned layer's
    negative at a low confidence, the rules' positive) is no confident negative coverage: after
    the sure scores, marked, with the legend; once a person confirms it, unmarked."""
    from orm_desktop.reports.render import UNSURE_LEGEND

    d = data.build(demo_service, "executive", entity="Maya Lindqvist")
    negative = [m for m, _status in d.negative]
    for shown in (d.positive, negative):
        flags = [m.unsure for m in shown]
        assert flags == sorted(flags)
    # the demo's '@greenmiles' overrule, or whichever unsure negative the engine of the day lists
    overrule = next(m for m in negative if m.unsure)
    assert not negative[0].unsure
    to_pdf(d, tmp_path / "exec.pdf")
    _n, text = pdf_text(tmp_path / "exec.pdf")
    table = text[text.index("Most negative coverage and its response status"):]
    assert f"{signed(overrule.sentiment)} (unsure)" in table
    assert " ".join(UNSURE_LEGEND.split()) in table and "needs a human look" in table
    sure, status = d.negative[0]
    assert f"{signed(sure.sentiment)} {status}" in table  # no marker between the score and the response

    demo_service.override_sentiment([overrule.id], -0.95, by="ana")  # a person sets it: strongly negative
    d = data.build(demo_service, "executive", entity="Maya Lindqvist")
    (first, status), *_ = d.negative
    assert first.id == overrule.id and first.overridden and not first.unsure
    to_pdf(d, tmp_path / "exec2.pdf")
    _n, text = pdf_text(tmp_path / "exec2.pdf")
    table = text[text.index("Most negative coverage and its response status"):]
    assert f"-0.95 {status}" in table


def test_crisis_report_around_the_demo_alert(demo_service, tmp_path):
    d = data.build(demo_service, "crisis", entity="Velora")
    to_pdf(d, tmp_path / "crisis.pdf")
    n, text = pdf_text(tmp_path / "crisis.pdf")
    flat = text.replace("\n", " ")
    assert "Crisis report" in flat and "Timeline" in flat and "Alerts" in flat and "source kinds" in flat
    assert "recall" in flat.lower()
    assert d.timeline == sorted(d.timeline, key=lambda t: t[0])
    # the timeline's unsure scores are marked too, with the legend under the table
    from orm_desktop.reports.render import UNSURE_LEGEND

    timeline = flat[flat.index("Timeline: the first coverage"):flat.index("Spread across source kinds")]
    assert any(t[5] for t in d.timeline)
    assert timeline.count("(unsure)") == sum(t[5] for t in d.timeline) + 1  # + the legend's
    assert " ".join(UNSURE_LEGEND.split()) in timeline


def test_an_empty_period_renders_a_no_coverage_report(demo_service, tmp_path):
    since = int(time.time()) - 800 * DAY
    d = data.build(demo_service, "weekly", since=since, until=since + 7 * DAY)
    assert d.empty
    to_pdf(d, tmp_path / "empty.pdf")
    n, text = pdf_text(tmp_path / "empty.pdf")
    assert "No coverage in this period" in text and n >= 1


def test_bad_requests_are_usage_errors(demo_service, tmp_path):
    with pytest.raises(UsageError, match="unknown report kind"):
        data.build(demo_service, "monthly")
    with pytest.raises(UsageError, match="before"):
        data.build(demo_service, "weekly", since=2_000_000_000, until=1_000_000_000)
    with pytest.raises(UsageError, match="does not exist"):
        to_pdf(data.build(demo_service, "weekly"), tmp_path / "no" / "such" / "dir.pdf")


def test_cli_report_prints_the_page_count(run_cli, demo_service, tmp_path):
    out = tmp_path / "w.pdf"
    r = run_cli("report", "--kind", "weekly", "--out", str(out), workspace=demo_service.ws.root,
                env={"QT_QPA_PLATFORM": "", "DISPLAY": ""})
    assert r.returncode == 0, r.stderr
    n, _ = pdf_text(out)
    assert f"{n} pages" in r.stdout
    r = run_cli("report", "--kind", "executive", "--entity", "Nobody", "--out", str(out),
                workspace=demo_service.ws.root)
    assert r.returncode == 2 and "no entity" in r.stderr


def test_reports_view_saves_a_pdf(qtbot, demo_service, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from orm_desktop.ui.reports_view import ReportsView

    view = ReportsView(demo_service)
    qtbot.addWidget(view)
    target = tmp_path / "gui.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    view.kind.setCurrentIndex(1)
    assert view.entity.count() == 3  # the three executives
    view.save_pdf()
    n, text = pdf_text(target)
    assert n >= 2 and "Personal brand report" in text


def test_report_exports_are_audited(run_cli, demo_service, tmp_path):
    from orm_desktop.store import audit

    out = tmp_path / "w.pdf"
    assert run_cli("report", "--kind", "weekly", "--out", str(out), workspace=demo_service.ws.root).returncode == 0
    entries = [e for e in audit.all_entries(demo_service.conn) if e.action == "report.export"]
    assert len(entries) == 1 and entries[0].data["file"] == str(out) and entries[0].data["pages"] >= 1


def test_a_quote_with_its_own_quotation_marks_is_not_quoted_again():
    from orm_desktop.reports.render import _quoted

    assert _quoted('"Every car trip we replace is a small win for the city."') == \
        '"Every car trip we replace is a small win for the city."'
    assert _quoted('"I mostly answer emails," she joked.') == '"I mostly answer emails," she joked.'
    assert _quoted("Secure parking and safety data shared across the industry. ") == \
        "“Secure parking and safety data shared across the industry.”"


def test_no_page_ends_with_a_section_heading(demo_service):
    """A heading is kept with the start of its table: with one top source the weekly report's page 3
    ended with 'Most negative coverage and its response status' and its table began page 4. The
    sections' heights vary with the data, so the report is laid out for each length of one list."""
    import dataclasses
    import io

    from orm_desktop.reports.render import render_pdf

    d0 = demo_service.report_data("weekly")
    # (not "Share of voice" and "Spread across source kinds": a chart, the next thing, is an image without text)
    headings = {"Key figures", "Competitor comparison", "Timeline: the first coverage",
                "Topics", "Top sources", "Most positive coverage — to amplify",
                "Most negative coverage and its response status", "Quotes", "Drafts awaiting approval", "Alerts",
                "Responses"}
    assert len(d0.sources) >= 4
    for n in range(5):
        pdf, pages = render_pdf(dataclasses.replace(d0, sources=d0.sources[:n]))
        reader = PdfReader(io.BytesIO(pdf))
        assert len(reader.pages) == pages
        for i, page in enumerate(reader.pages):
            lines = [" ".join(t.split()) for t in page.extract_text().splitlines()]
            body = [t for t in lines if t and not t.startswith(("Page ", "Audit checkpoint"))]
            assert body and body[-1] not in headings, (n, i + 1, body[-1])


THREAD_WARNINGS = ("QBasicTimer", "event dispatcher", "QObject::startTimer", "QObject::killTimer",
                   "Timers cannot", "different thread")


def test_rendering_from_the_gui_warns_nothing_about_threads(qtbot, qtlog, demo_service, tmp_path):
    """Each render from the GUI printed 'QBasicTimer can only be used with threads started with
    QThread': the PDF was laid out by Qt objects with timers in a plain Python worker thread
    (a crash risk once they outlive it). Rendering stays off the GUI thread, and warns nothing."""
    from orm_desktop.ui.reports_view import ReportsView
    from orm_desktop.ui.tasks import TaskRunner

    runner = TaskRunner()
    view = ReportsView(demo_service, runner=runner)
    qtbot.addWidget(view)
    for i in range(2):  # the second render too (objects left from the first)
        target = tmp_path / f"gui{i}.pdf"
        view.save_pdf_to(target)
        assert view.task is not None  # in the background: the event loop kept running
        qtbot.waitUntil(lambda t=target: t.exists() and view.task is None, timeout=30_000)
        n, text = pdf_text(target)
        assert n >= 2 and "Weekly brand report" in text
    assert runner.wait(10_000)
    import gc

    gc.collect()
    qtbot.wait(50)  # let queued deletions and the relay's last signals run
    warnings = [r.message for r in qtlog.records if any(w in r.message for w in THREAD_WARNINGS)]
    assert warnings == []
