"""An empty or nearly empty workspace, and small numbers: the pages and reports say what is missing
and what to do instead of showing blank charts and tables, a zero reads "0" / "0.00" / "0%" with no
sign (never "+0", "-0.00" or "+0%"), and the inbox's filters fit a 1024 px wide window."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from tests.gui_support import open_window, show_page  # noqa: E402

DAY = 86400
ROOT = Path(__file__).resolve().parents[1]


# -- zeros read "0", "0.00", "0%": Python's "+" formats printed "+0", "+0%", "-0.00" for a zero or a
# tiny negative (the dashboard's "+0 vs previous period", the inbox's "neutral +0.00", a report's
# "+0 pts") ------------------------------------------------------------------------------------------
def test_zero_and_tiny_values_read_without_a_sign():
    from orm_desktop.numbers import pct, share, signed, signed_int, signed_pct, signed_pts

    assert [signed(x) for x in (0.0, -0.0, -0.004, 0.004, 0.38, -0.1)] == ["0.00"] * 4 + ["+0.38", "-0.10"]
    assert signed(-0.04, 1) == "0.0" and signed(0.5, 1) == "+0.5"
    assert [signed_int(n) for n in (0, 3, -2)] == ["0", "+3", "-2"]
    assert [signed_pct(x) for x in (0.0, -0.004, 0.004, 0.12, -0.03)] == ["0%", "0%", "0%", "+12%", "-3%"]
    assert [signed_pts(x) for x in (0.0, -0.004, 0.05, -0.02)] == ["0 pts", "0 pts", "+5 pts", "-2 pts"]
    assert [signed(float("nan")), signed_pct(float("inf")), pct(float("nan")), share(3, 0)] == ["–"] * 4
    assert (share(1, 4), pct(0.0)) == ("25%", "0%")


def test_no_signed_number_format_is_left_outside_the_helper():
    """Every "+" format goes through orm_desktop.numbers (a new one would print "+0" again)."""
    signed_format = re.compile(r"\{[^{}'\"]*:\+[^{}]*\}")
    offenders = [f"{p.relative_to(ROOT)}:{i}" for p in sorted((ROOT / "orm_desktop").rglob("*.py"))
                 if p.name != "numbers.py"
                 for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if signed_format.search(line)]
    assert offenders == []


def test_a_report_on_an_empty_period_reads_zeros_without_signs(demo_service):
    from orm_desktop.reports import data

    since = int(time.time()) - 800 * DAY
    d = data.build(demo_service, "weekly", since=since, until=since + 7 * DAY, checkpoint=False)
    assert d.empty
    changes = [k.change for k in d.kpis]
    assert not any(re.match(r"[+-]0(\D|$)", c) for c in changes), changes
    # no mentions, no sentiment: "–", not a "0%" that reads as neutral coverage
    kpis = {k.label: k for k in d.kpis}
    for label in ("Net sentiment", "Reach-weighted sentiment", "Share of voice"):
        assert (kpis[label].value, kpis[label].previous, kpis[label].change) == ("–", "–", "–"), kpis[label]
    assert all(net is None for _name, n, net, _share in d.competitors if n == 0)


def test_an_empty_period_report_offers_a_longer_period(demo_service):
    from orm_desktop.reports import data

    since = int(time.time()) - 800 * DAY
    d = data.build(demo_service, "weekly", since=since, until=since + 7 * DAY, checkpoint=False)
    assert "No mentions in this period" in d.empty_reason and "longer period" in d.empty_reason


def test_an_empty_workspace_report_says_what_to_add_and_prints_no_empty_tables(empty_service, tmp_path):
    from orm_desktop.reports import data
    from orm_desktop.reports.render import to_pdf
    from tests.test_reports import pdf_text

    d = data.build(empty_service, "weekly", checkpoint=False)
    assert d.empty and "no entities" in d.empty_reason and "Entities page" in d.empty_reason
    assert to_pdf(d, tmp_path / "empty.pdf") == 1  # its cover, not a blank page after it
    _n, text = pdf_text(tmp_path / "empty.pdf")
    assert "no entities" in text
    for table in ("Key figures", "Responses", "Competitor comparison", "Share of voice"):
        assert table not in text, table


def test_cli_report_on_an_empty_workspace_says_why(run_cli, empty_service, tmp_path):
    out = tmp_path / "w.pdf"
    r = run_cli("report", "--kind", "weekly", "--out", str(out), workspace=empty_service.ws.root,
                env={"QT_QPA_PLATFORM": "offscreen"})
    assert r.returncode == 0, r.stderr
    assert out.exists()
    assert "no entities" in r.stderr and "orm-desktop entities add" in r.stderr and "Traceback" not in r.stderr


# -- on an empty workspace the Dashboard, Competitors and an executive's page showed blank charts,
# empty tables and "+0 vs previous period" with no word of what was missing -------------------------
def _empty_note(page) -> str:
    from PySide6.QtWidgets import QLabel

    label = page.scroll.widget().findChild(QLabel, "no_mentions")
    return label.text() if label is not None else ""


def _charts(page) -> int:
    from orm_desktop.ui.charts import ChartView

    return len(page.scroll.widget().findChildren(ChartView))


def test_an_empty_workspace_says_what_to_add_on_its_pages(qtbot, empty_service, tmp_path):
    win = open_window(qtbot, empty_service)  # nothing at all: the entities come first
    page = show_page(qtbot, win, "Dashboard")
    assert "no entities" in _empty_note(page) and "Entities page (Ctrl+5)" in _empty_note(page)
    assert "Entities page" in _empty_note(show_page(qtbot, win, "Competitors"))
    win.set_read_only(True)  # executive mode hides the Entities page: the note says so, and how to leave it
    note = _empty_note(show_page(qtbot, win, "Dashboard"))
    assert "Entities page" in note and "executive mode is read-only: leave it (Ctrl+E)" in note, note
    win.set_read_only(False)
    win.show_page("Reports")  # a report of nothing: the page says why, not only its PDF's cover
    out = tmp_path / "weekly.pdf"
    win.reports.save_pdf_to(out)
    qtbot.waitUntil(lambda: win.reports.task is None and out.exists(), timeout=20_000)
    assert "no coverage" in win.reports.empty_note.text() and "no entities" in win.reports.empty_note.text()
    win.close()
    empty_service.add_entity("brand", "Acme", "Acme", match_existing=False)
    empty_service.add_entity("executive", "Jo Example", '"Jo Example"', match_existing=False)
    win = open_window(qtbot, empty_service)
    for label in ("Dashboard", "Competitors", "Jo Example"):
        page = show_page(qtbot, win, label)
        note = _empty_note(page)
        assert "no feeds" in note and "Feeds page" in note and "Ctrl+R" in note, (label, note)
        assert _charts(page) == 0, label
    text = " ".join(w.text() for w in win.pages["Dashboard"].scroll.widget().findChildren(type(win.inbox.count_label)))
    assert "+0" not in text and "-0" not in text
    empty_service.add_feed("http://127.0.0.1:9/feed.xml", title="Nothing yet")  # feeds never fetched
    win.pages["Dashboard"].set_days(7)
    page = show_page(qtbot, win, "Dashboard")
    assert "none stored yet" in _empty_note(page) and "Refresh now" in _empty_note(page), _empty_note(page)


def test_a_period_without_mentions_offers_a_longer_one(window, qtbot):
    window.svc.conn.execute("UPDATE mentions SET published = published - 200 * 86400")
    window.svc.conn.commit()
    for label in ("Dashboard", "Competitors", "Maya Lindqvist"):
        page = show_page(qtbot, window, label)
        note = _empty_note(page)
        assert "No mentions in the last 30 days" in note and "Last 90 days" in note, (label, note)
        assert _charts(page) == 0, label
    page.set_days(90)  # the longest period: the inbox keeps the older ones
    qtbot.waitUntil(lambda: "last 90 days" in _empty_note(page))
    assert "Inbox" in _empty_note(page) and "Any time" in _empty_note(page)


# -- the inbox of an empty workspace was a blank table over "Select a mention to read it here.", and a
# filter that hid every mention looked the same ---------------------------------------------------
def _reading_pane(win) -> str:
    return win.inbox.detail.browser.toPlainText()


def test_an_empty_inbox_says_why_in_its_reading_pane(qtbot, empty_service):
    win = open_window(qtbot, empty_service)
    win.show_page("Inbox")
    qtbot.waitUntil(lambda: "no entities" in _reading_pane(win))
    assert "Entities page" in _reading_pane(win)


def test_an_inbox_filtered_to_nothing_says_the_filters_hide_them(window, qtbot):
    window.show_page("Inbox")
    window.inbox.filters.search.setText("zzzqqq")
    qtbot.waitUntil(lambda: "filters hide" in _reading_pane(window))
    assert "Any time" in _reading_pane(window)
    window.inbox.filters.search.setText("")
    qtbot.waitUntil(lambda: window.inbox.detail.mention_id is not None)


# -- the inbox's filter bar was 924 px at its smallest: at a 1024 px wide window (a side panel, a
# small laptop) the page scrolled sideways and the last filters were off screen -----------------------
def test_the_inbox_filters_fit_a_1024_px_window(window, qtbot):
    window.resize(1024, 700)
    window.show_page("Inbox")
    qtbot.waitUntil(lambda: window.width() <= 1024, timeout=2000)
    inbox, bar = window.inbox, window.inbox.filters
    qtbot.waitUntil(lambda: inbox.width() <= window.page_area.viewport().width(), timeout=2000)
    assert bar.minimumSizeHint().width() <= inbox.width()
    assert not window.page_area.horizontalScrollBar().isVisible()
    for w in (bar.search, bar.entity, bar.sentiment, bar.status, bar.kind, bar.period, bar.lang, bar.order):
        assert w.isVisible()
        assert w.mapTo(window, w.rect().topRight()).x() <= window.width(), w


# -- the title, the column a reader scans, was what shrank: at 1024 px the fixed columns (724 px)
# left it 56 px ("Kinet…") while Source kept 170 -----------------------------------------------------
def test_the_inbox_title_keeps_its_share_on_a_narrow_window(window, qtbot):
    window.show_page("Inbox")
    table = window.inbox.table
    for width, wide in ((1024, False), (1600, True)):
        window.resize(width, 700)
        qtbot.waitUntil(lambda w=width: abs(window.width() - w) < 40, timeout=2000)
        qtbot.waitUntil(lambda: table.columnWidth(3) >= 0.35 * table.viewport().width(), timeout=2000)
        assert (table.columnWidth(4) == 170) is wide  # the source gives way only on the narrow window
        header = table.horizontalHeader()
        assert all(table.columnWidth(c) >= header.sectionSizeHint(c) for c in (0, 1, 2, 4, 5, 6))
