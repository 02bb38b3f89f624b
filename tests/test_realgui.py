"""The GUI and the pipeline fed real-world captures (other feed projects' test data, extracts
in tests/data/feeds/ named in docs/feeds.md): what driving the app on ~150 real feeds found.

Feeds are served by the real http.server on 127.0.0.1 and refreshed into a real workspace.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from orm_desktop.types import MentionFilter
from tests.feedserver import FeedServer

FEEDS = Path(__file__).parent / "data" / "feeds"
URDU_QUERY = "پاکستان OR امریکہ OR امریکی"


@pytest.fixture
def server():
    with FeedServer(FEEDS) as s:
        yield s


def sources(svc, entity_id: int) -> list[str]:
    return [r[0] for r in svc.conn.execute("SELECT score_source FROM mentions WHERE entity_id = ? ORDER BY item_id",
                                           (entity_id,))]


def test_an_entity_added_after_the_refresh_marks_a_language_no_engine_reads_as_such(empty_service, server):
    # BBC Urdu (miniflux's urdu_UTF8.xml): an entity present at the refresh gets its Urdu mentions
    # marked "unsupported language"; the same entity added afterwards (matched against stored
    # items) had them scored by the English model: 23 of 26 "negative -0.05", a verdict on text
    # it cannot read
    svc = empty_service
    before = svc.add_entity("competitor", "BBC Urdu", URDU_QUERY, match_existing=False).id
    svc.add_feed(server.url("/static/urdu-bbc.xml"), kind="news")
    svc.fetch(force=True)
    assert sources(svc, before) == ["unsupported_language"] * 3
    after = svc.add_entity("competitor", "BBC اردو", URDU_QUERY).id
    assert sources(svc, after) == ["unsupported_language"] * 3
    assert {m.label for m in svc.mentions(MentionFilter(entity_ids=(after,)))} == {"unsupported"}


# -- the GUI on real captures ------------------------------------------------------------------
@pytest.fixture(scope="module")
def real_root(tmp_path_factory):
    """A workspace that refreshed the real-capture extracts from 127.0.0.1: an Urdu entity (no
    engine reads Urdu) and a brand whose query is common English words."""
    from orm_desktop.service import Service

    root = tmp_path_factory.mktemp("real") / "workspace"
    svc = Service.create(root)
    svc.add_entity("brand", "Apple", "Apple OR the OR and", match_existing=False)
    svc.add_entity("competitor", "BBC Urdu", URDU_QUERY, match_existing=False)
    with FeedServer(FEEDS) as s:
        for name in ("urdu-bbc.xml", "rss20.xml"):
            svc.add_feed(s.url(f"/static/{name}"), kind="news")
        svc.fetch(force=True)
    svc.close()
    return root


@pytest.fixture
def real_window(qtbot, real_root, tmp_path):
    from orm_desktop.service import Service
    from tests.conftest import copy_workspace
    from tests.gui_support import open_window

    svc = Service.open(copy_workspace(real_root, tmp_path / "ws"))
    win = open_window(qtbot, svc)
    yield win
    win.runner.cancel_all()
    win.runner.wait(10_000)
    svc.close()


def search(qtbot, win, text: str):
    inbox = win.inbox
    inbox.filters.status.setCurrentIndex(1)  # any status
    inbox.filters.search.setText(text)
    inbox.filters.debounce.stop()
    inbox.apply_filter()
    qtbot.waitUntil(lambda: inbox.model.exact)
    return inbox


def test_the_inbox_counts_one_mention_in_the_singular(qtbot, real_window):
    inbox = search(qtbot, real_window, "خرم دستگیر")  # a name in one BBC Urdu entry
    assert inbox.model.total == 1
    assert inbox.count_label.text() == "1 mention"  # was "1 mentions"
    inbox = search(qtbot, real_window, "پاکستان")
    assert inbox.count_label.text() == f"{inbox.model.total} mentions"


def test_the_detail_of_a_mention_in_a_language_no_engine_reads_shows_no_score(qtbot, real_window):
    inbox = search(qtbot, real_window, "خرم دستگیر")
    assert inbox.model.data(inbox.model.index(0, 1)) == "n/a (ur)"
    text = inbox.detail.browser.toPlainText()
    # was "BBC Urdu: unsupported 0.00 · unsure (confidence 0.00): needs a human look — confirm or
    # correct it…": a score of 0.00 and a confidence the engine never gave
    assert "0.00" not in text and "confidence" not in text
    assert "not scored: written in Urdu (ur), a language the sentiment engine does not read" in text


def test_a_search_that_runs_takes_back_the_last_ones_nothing_to_search_for(qtbot, real_window):
    bar = real_window.statusBar()
    search(qtbot, real_window, "(")
    assert bar.currentMessage() == "nothing to search for in '('"
    inbox = search(qtbot, real_window, "پاکستان")  # typed within the message's 6 s
    assert inbox.model.total == 3 and inbox.count_label.text() == "3 mentions"
    assert bar.currentMessage() == ""  # it said "nothing to search for in '('" beside "3 mentions"
    real_window.flash("Refresh: something else")
    search(qtbot, real_window, "خرم دستگیر")
    assert bar.currentMessage() == "Refresh: something else"  # only its own complaint is taken back


def legend_texts(view) -> list[str]:
    """What the chart's legend shows (Qt elides a label that does not fit: 'Apple 8...')."""
    from PySide6.QtWidgets import QGraphicsTextItem

    return sorted(t for it in view.scene().items() if isinstance(it, QGraphicsTextItem)
                  and (t := it.toPlainText()) and t != view.chart().title())


def test_the_share_of_voice_legend_keeps_each_share_when_names_are_cut(qtbot):
    # the Dashboard of the real captures (a brand and three competitors, the pie 364 px wide at a
    # 1400 px window) read 'Apple 8...', 'Google ...', 'Microso...': 88 %, 7 % and 5 % cut away
    from orm_desktop.ui.charts import share_pie

    rows = [(1, "Apple", 51, 0.88), (3, "Google", 4, 0.07), (4, "Microsoft", 3, 0.05), (6, "BBC Urdu", 0, 0.0)]
    view = share_pie(rows, "Share of voice vs competitors")
    qtbot.addWidget(view)
    view.resize(364, 200)
    view.show()
    qtbot.waitExposed(view)
    shown = legend_texts(view)
    assert len(shown) == 4
    assert sorted(t.split(" ")[0] for t in shown) == ["0%", "5%", "7%", "88%"], shown
    view.resize(900, 200)  # room enough: the names in full
    qtbot.waitUntil(lambda: legend_texts(view) == ["0% BBC Urdu", "5% Microsoft", "7% Google", "88% Apple"])
