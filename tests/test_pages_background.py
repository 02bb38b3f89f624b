"""The Dashboard, Competitors and personal-brand pages load their data in the task runner's pool,
never on the GUI thread (showing one blocked the window 0.4-0.8 s on each visit at 300,000
mentions): a page keeps what it showed (or says "Loading…" the first time) until its data is
there, a newer rebuild wins over an older one still running, and a failure is one line on the
page. Real MainWindow on a private copy of the demo (pytest-qt, offscreen); the service the
window uses is instrumented (its methods wrapped to record the thread or to hold a query back),
not replaced."""

from __future__ import annotations

import threading
import time

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QLabel  # noqa: E402

from orm_desktop.types import last_days  # noqa: E402
from tests.gui_support import wait_loaded  # noqa: E402

DAY = 86400
PAGE_QUERIES = ("kpi_summary", "daily_series", "share_of_voice", "top_sources", "volume_by_kind", "top_topics",
                "extremes", "response_kpis")


def _instrument(monkeypatch, svc, name: str, before) -> None:
    """Wrap ``svc.name`` on this instance: ``before(args)`` runs first, then the real method."""
    real = getattr(svc, name)

    def wrapper(*args, **kwargs):
        before(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(svc, name, wrapper)


def _labels(page) -> list[str]:
    return [w.text() for w in page.scroll.widget().findChildren(QLabel)]


def _mentions_card(page) -> str:
    """The value of the Dashboard's "Mentions" card, as shown."""
    labels = _labels(page)
    return labels[labels.index("Mentions") + 1]


def _brand_total(svc, days: int) -> int:
    brand = next(e for e in svc.entities() if e.kind == "brand")
    since, until = last_days(days, int(time.time()))
    return svc.kpi_summary([brand.id], since, until).total


@pytest.fixture
def gate(window):
    """An event a held query waits for; set at the end of the test whatever happened."""
    event = threading.Event()
    yield event
    event.set()


def test_the_pages_query_off_the_gui_thread_and_then_show_their_content(window, qtbot, monkeypatch, gate):
    svc = window.svc
    expected = _brand_total(svc, 30)
    calls: list[tuple[str, bool]] = []
    for name in PAGE_QUERIES:
        _instrument(monkeypatch, svc, name,
                    lambda _a, name=name: calls.append((name, threading.current_thread() is threading.main_thread())))
    held: list[bool] = []

    def hold(_args) -> None:  # the Dashboard's summary waits until the test lets it go
        held.append(threading.current_thread() is threading.main_thread())
        assert gate.wait(10), "held for 10 s: the GUI thread waited for the query (it ran on it)"

    _instrument(monkeypatch, svc, "kpi_summary", hold)
    window.show_page("Dashboard")  # returns while its query is held back: it runs in a worker
    page = window.pages["Dashboard"]
    qtbot.waitUntil(lambda: bool(held))
    assert held == [False] and page.loading
    assert _labels(page) == ["Loading…"]  # the first visit, until the data is there
    ticks = []
    timer = QTimer(window)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    qtbot.waitUntil(lambda: len(ticks) >= 5)  # the event loop runs meanwhile
    timer.stop()
    gate.set()
    wait_loaded(qtbot, page)
    assert _mentions_card(page) == str(expected)
    for label in ("Competitors", "Maya Lindqvist"):
        window.show_page(label)
        wait_loaded(qtbot, window.pages[label])
    assert "Brand vs competitors" in " ".join(_labels(window.pages["Competitors"]))
    from orm_desktop.ui.charts import ChartView

    charts = window.pages["Competitors"].scroll.widget().findChildren(ChartView)  # added one per event-loop turn
    assert sorted(c.chart().title() for c in charts) == sorted(
        e.name for e in svc.entities() if e.kind in ("brand", "competitor"))
    assert "Maya Lindqvist" in " ".join(_labels(window.pages["Maya Lindqvist"]))
    shown = {name for name, _main in calls}
    assert {"kpi_summary", "daily_series", "share_of_voice", "top_sources", "extremes", "response_kpis"} <= shown
    assert not [name for name, main in calls if main], "a page's query ran on the GUI thread"


def test_a_newer_rebuild_wins_over_one_still_loading(window, qtbot, monkeypatch, gate):
    """The 30-day load is held back while the period changes to 7 days: the page shows the 7
    days, and the 30 days arriving late are dropped."""
    svc = window.svc
    week, month = _brand_total(svc, 7), _brand_total(svc, 30)
    assert week != month  # the two periods differ on the demo
    held: list[int] = []

    def hold_thirty_days(args) -> None:
        _ids, since, until = args
        if until - since == 30 * DAY:
            held.append(since)
            gate.wait(10)

    _instrument(monkeypatch, svc, "kpi_summary", hold_thirty_days)
    window.show_page("Dashboard")
    page = window.pages["Dashboard"]
    qtbot.waitUntil(lambda: bool(held))
    page.set_days(7)
    wait_loaded(qtbot, page)
    body = page.scroll.widget()
    assert page.days == 7 and _mentions_card(page) == str(week)
    gate.set()
    assert window.runner.wait(5000)  # the 30 days loaded (in the worker) ...
    qtbot.waitUntil(lambda: not window.runner.running)  # ... and reached the GUI thread
    assert page.scroll.widget() is body and _mentions_card(page) == str(week)


def test_a_visit_that_finds_nothing_new_keeps_the_page_and_a_change_rebuilds_it(window, qtbot):
    svc = window.svc
    window.show_page("Dashboard")
    page = wait_loaded(qtbot, window.pages["Dashboard"])
    body = page.scroll.widget()
    window.show_page("Inbox")
    window.show_page("Dashboard")
    assert page.loading and page.scroll.widget() is body  # never a blank page while it loads
    wait_loaded(qtbot, page)
    assert page.scroll.widget() is body  # the same data: nothing rebuilt
    brand = next(e for e in svc.entities() if e.kind == "brand")
    since, until, _span = page.period()
    from orm_desktop.types import MentionFilter

    neutral = svc.mentions(MentionFilter(entity_ids=(brand.id,), sentiment="neutral", since=since, until=until),
                           limit=1)[0]
    svc.override_sentiment([neutral.id], -0.9, by="ana")
    window.show_page("Inbox")
    window.show_page("Dashboard")
    qtbot.waitUntil(lambda: page.scroll.widget() is not body)
    wait_loaded(qtbot, page)
    assert _mentions_card(page) == str(_brand_total(svc, 30))


def test_a_page_that_cannot_load_says_so_in_one_line(qtbot, demo_service):
    """An executive removed meanwhile: their page says why it is empty, on one line, instead of
    raising in the event loop."""
    from orm_desktop.ui.pages import PersonalBrandPage

    svc = demo_service
    daniel = svc.entity("Daniel Okafor")
    page = PersonalBrandPage(svc, daniel.id)
    try:
        page.show()
        wait_loaded(qtbot, page)
        assert "Daniel Okafor" in " ".join(_labels(page))
        svc.remove_entity(daniel.id)
        with qtbot.waitSignal(page.loaded, timeout=5000):
            page.rebuild()
        assert page.error and "\n" not in page.error and "no entity" in page.error
        assert _labels(page) == [f"This page could not be loaded: {page.error}"]
    finally:
        page.runner.wait(5000)
        # deleted by Qt, as the window deletes a removed executive's page (not by Python's
        # reference count: the lambdas of its replaced body, deleted later, hold the last ones)
        gone: list[bool] = []
        page.destroyed.connect(lambda: gone.append(True))
        page.deleteLater()
        qtbot.waitUntil(lambda: bool(gone))
