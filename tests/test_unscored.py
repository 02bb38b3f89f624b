"""Issue 14: a mention in a language no engine scores (the inbox's "n/a", label ``unsupported``)
is counted as "not scored", never as neutral: in the ``mention_daily`` rollup (migration m017,
PostgreSQL p017), the KPIs, the pages and the reports; still in volume and share of voice; a
person's override makes it scored. Upgrades of a v16 SQLite workspace and PostgreSQL database."""

from __future__ import annotations

import pytest

from orm_desktop.store import copy as copy_store
from orm_desktop.store import db, kpis
from orm_desktop.store import entities as entities_store
from orm_desktop.store import feeds as feeds_store
from orm_desktop.store import items as items_store
from orm_desktop.store import mentions as mentions_store
from orm_desktop.store.postgres import schema as pg_schema
from orm_desktop.types import MentionFilter, ParsedItem
from tests.test_pg import pg_only_steps

pytestmark = pytest.mark.both_backends

NOW = 1_790_000_000
DAY = 86400
SINCE, UNTIL = (NOW // DAY - 1) * DAY, (NOW // DAY + 1) * DAY
# (sentiment, score source): 2 positive, 1 neutral, 1 negative in English, 3 in Urdu/Chinese
MIX = [(0.5, "text"), (0.5, "text"), (0.0, "text"), (-0.5, "text"),
       (0.0, "unsupported_language"), (0.0, "unsupported_language"), (0.0, "unsupported_language")]


def add(conn, n: int, sentiment: float, source: str, entity_id: int = 1) -> int:
    item = ParsedItem(guid=f"g{n}", url=f"https://x.example/{n}", title=f"Story {n}", text="body")
    with db.transaction(conn):
        iid = items_store.insert(conn, 1, item, canonical_url=item.url, title_norm="", cluster_id=None,
                                 published=NOW - n * 60, now=NOW)
        items_store.insert_mentions(conn, [(iid, entity_id, NOW - n * 60, "news", "snip", sentiment, sentiment,
                                            "test", source, "[]", "", "", 1.0, None, NOW, 0.0 if source != "text" else 0.9)])
    return conn.execute("SELECT id FROM mentions WHERE item_id = ?", (iid,)).fetchone()[0]


def populate(conn) -> list[int]:
    with db.transaction(conn):
        entities_store.add(conn, "brand", "Acme", '"Acme"')
        entities_store.add(conn, "competitor", "Globex", "Globex")
        feeds_store.upsert(conn, "https://feeds.example/a", title="A", kind="news")
    ids = [add(conn, n, s, src) for n, (s, src) in enumerate(MIX)]
    add(conn, 20, 0.0, "text", entity_id=2)
    return ids


def daily(conn, entity_id: int = 1) -> tuple[int, int, int, int, int]:
    pts = kpis.daily_series(conn, entity_id, SINCE, UNTIL)
    return tuple(sum(getattr(p, k) for p in pts) for k in ("total", "positive", "neutral", "negative", "unscored"))


def figures(conn) -> tuple:
    s = kpis.summary(conn, (1,), SINCE, UNTIL)
    return s.total, s.positive, s.neutral, s.negative, s.unscored, s.net_sentiment, s.avg_sentiment


def rollup_matches_rebuild(conn) -> bool:
    kept = copy_store.rollup_figures(conn)
    with db.transaction(conn):
        copy_store.rebuild_rollups(conn)
    return copy_store.rollups_agree(kept, copy_store.rollup_figures(conn))


@pytest.fixture
def conn(new_ws):
    c = new_ws.connect()
    yield c
    c.close()


def test_unscored_mentions_are_their_own_group_and_an_override_scores_them(conn):
    """Before: neutral 4 of 7 (the 3 unscored in it), net +14 % (1 of 7). After: neutral 1,
    not scored 3, net and average of the 4 scored (+25 %, +0.125), volume 7; an override
    (even to 0.0, which leaves the score as it was) makes one scored, clearing it unscored again."""
    ids = populate(conn)
    assert daily(conn) == (7, 2, 1, 1, 3)
    assert figures(conn) == (7, 2, 1, 1, 3, 0.25, 0.125)
    assert [p[2] for p in kpis.share_of_voice(conn, (1, 2), SINCE, UNTIL)] == [7, 1]
    # the inbox's neutral (SENTIMENT_SQL) and the rollup's agree, by the rollup and by a scan
    assert mentions_store.count(conn, MentionFilter(sentiment="neutral", since=SINCE, until=UNTIL)) == 2
    assert mentions_store.count(conn, MentionFilter(sentiment="neutral", entity_ids=(1,))) == 1
    assert mentions_store.count(conn, MentionFilter(sentiment="neutral", entity_ids=(1,), feed_kinds=("news",))) == 1
    assert rollup_matches_rebuild(conn)

    with db.transaction(conn):
        mentions_store.set_override(conn, [ids[4]], 0.6, by="ana", now=NOW)
        mentions_store.set_override(conn, [ids[5]], 0.0, by="ana", now=NOW)
    assert daily(conn) == (7, 3, 2, 1, 1)
    assert figures(conn)[:5] == (7, 3, 2, 1, 1)
    assert mentions_store.get(conn, ids[5]).label == "neutral"
    assert rollup_matches_rebuild(conn)

    with db.transaction(conn):
        mentions_store.set_override(conn, [ids[5]], None, by="ana", now=NOW)
        conn.execute("DELETE FROM mentions WHERE id = ?", (ids[6],))
    assert daily(conn) == (6, 3, 1, 1, 1)
    assert mentions_store.get(conn, ids[5]).label == "unsupported"
    assert rollup_matches_rebuild(conn)


def test_a_period_of_only_unscored_mentions_has_no_sentiment(conn):
    populate(conn)
    with db.transaction(conn):
        conn.execute("DELETE FROM mentions WHERE score_source <> 'unsupported_language'")
    s = kpis.summary(conn, (1,), SINCE, UNTIL)
    assert (s.total, s.unscored, s.scored, s.neutral, s.net_sentiment, s.avg_sentiment) == (3, 3, 0, 0, 0.0, 0.0)
    day = [p for p in kpis.daily_series(conn, 1, SINCE, UNTIL) if p.total]
    assert [(p.total, p.neutral, p.unscored, p.avg_sentiment) for p in day] == [(3, 0, 3, 0.0)]


# PostgreSQL as version 16 made it: mention_daily without unscored, the functions counting a
# mention no engine scores as neutral, the update trigger on sentiment, published, entity_id
PG_V16 = """
DROP TRIGGER mention_daily_au ON mentions;
ALTER TABLE mention_daily DROP COLUMN unscored;
CREATE OR REPLACE FUNCTION orm_mention_daily() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE mention_daily SET total = total - 1, positive = positive - (OLD.sentiment >= 0.05)::int,
            neutral = neutral - (OLD.sentiment > -0.05 AND OLD.sentiment < 0.05)::int,
            negative = negative - (OLD.sentiment <= -0.05)::int, sentiment_sum = sentiment_sum - OLD.sentiment
        WHERE entity_id = OLD.entity_id AND day = OLD.published / 86400;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO mention_daily AS d (entity_id, day, total, positive, neutral, negative, sentiment_sum)
        VALUES (NEW.entity_id, NEW.published / 86400, 1, (NEW.sentiment >= 0.05)::int,
                (NEW.sentiment > -0.05 AND NEW.sentiment < 0.05)::int, (NEW.sentiment <= -0.05)::int, NEW.sentiment)
        ON CONFLICT (entity_id, day) DO UPDATE SET total = d.total + 1, positive = d.positive + EXCLUDED.positive,
            neutral = d.neutral + EXCLUDED.neutral, negative = d.negative + EXCLUDED.negative,
            sentiment_sum = d.sentiment_sum + EXCLUDED.sentiment_sum;
    END IF;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION orm_mention_daily_ins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO mention_daily AS d (entity_id, day, total, positive, neutral, negative, sentiment_sum)
    SELECT entity_id, published / 86400, count(*), count(*) FILTER (WHERE sentiment >= 0.05),
        count(*) FILTER (WHERE sentiment > -0.05 AND sentiment < 0.05), count(*) FILTER (WHERE sentiment <= -0.05),
        sum(sentiment)
    FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (entity_id, day) DO UPDATE SET total = d.total + EXCLUDED.total, positive = d.positive + EXCLUDED.positive,
        neutral = d.neutral + EXCLUDED.neutral, negative = d.negative + EXCLUDED.negative,
        sentiment_sum = d.sentiment_sum + EXCLUDED.sentiment_sum;
    RETURN NULL;
END $$;
CREATE TRIGGER mention_daily_au AFTER UPDATE OF sentiment, published, entity_id ON mentions FOR EACH ROW
    WHEN (OLD.sentiment IS DISTINCT FROM NEW.sentiment OR OLD.published <> NEW.published
    OR OLD.entity_id <> NEW.entity_id) EXECUTE FUNCTION orm_mention_daily();
DELETE FROM mention_daily;
INSERT INTO mention_daily (entity_id, day, total, positive, neutral, negative, sentiment_sum)
SELECT entity_id, published / 86400, count(*), count(*) FILTER (WHERE sentiment >= 0.05),
    count(*) FILTER (WHERE sentiment > -0.05 AND sentiment < 0.05), count(*) FILTER (WHERE sentiment <= -0.05),
    sum(sentiment) FROM mentions GROUP BY 1, 2;
UPDATE schema_meta SET value = '16' WHERE key = 'version';
UPDATE schema_meta SET value = '17' WHERE key = 'pg_step';
"""


def make_v16(conn, backend: str) -> None:
    """The workspace as version 16 left it (its figures counting the unscored as neutral)."""
    from tests.test_store import as_version, undo_m017

    as_version(conn, backend, 16, undo_m017, PG_V16)


def test_a_version_16_workspace_is_upgraded_and_recounted(new_ws, backend):
    """SQLite: m017 adds the column, rebuilds the triggers and recounts every day from the
    mentions (and m018, m019 after it). PostgreSQL (a database that ran the PostgreSQL-only step under
    its old number 17): data step p017 the same (and p018, p019), the PostgreSQL-only step again as
    p020 (pg_step 17 -> 20)."""
    conn = new_ws.connect()
    ids = populate(conn)
    make_v16(conn, backend)
    before = conn.execute("SELECT sum(total), sum(positive), sum(neutral), sum(negative) FROM mention_daily "
                          "WHERE entity_id = 1").fetchone()
    assert tuple(before) == (7, 2, 4, 1)  # before: the 3 unscored in neutral
    conn.close()
    assert db.migrate(new_ws.target) == 3 + (pg_only_steps() if backend == "postgresql" else 0)
    conn = new_ws.connect()
    try:
        assert daily(conn) == (7, 2, 1, 1, 3)
        assert figures(conn) == (7, 2, 1, 1, 3, 0.25, 0.125)
        if backend == "postgresql":
            assert pg_schema.stamp(conn) == (pg_schema.APPLICATION, db.schema_version())
            assert conn.execute("SELECT value FROM schema_meta WHERE key = 'pg_step'").fetchone()[0] == str(pg_schema.pg_step())
            from tests.test_pg import insert_trigger_levels

            assert insert_trigger_levels(conn) == {"statement"}
        # the rebuilt triggers: an override to the same score makes it scored; a new one counts
        with db.transaction(conn):
            mentions_store.set_override(conn, [ids[4]], 0.0, by="ana", now=NOW)
        add(conn, 30, 0.0, "unsupported_language")
        assert daily(conn) == (8, 2, 2, 1, 3)
        assert rollup_matches_rebuild(conn)
    finally:
        conn.close()
    assert db.migrate(new_ws.target) == 0


# -- the surfaces: Dashboard, Competitors, the weekly and executive reports ----------------------
@pytest.fixture
def mixed_service(tmp_path):
    """A workspace (SQLite) whose brand and executive have MIX's mentions today (4 English, 3 not
    scored each), the competitor one English mention."""
    import time

    from orm_desktop.service import Service

    svc = Service.create(tmp_path / "ws")
    svc.add_entity("brand", "Acme", '"Acme"', match_existing=False)
    svc.add_entity("competitor", "Globex", "Globex", match_existing=False)
    svc.add_entity("executive", "Maya Lindqvist", '"Maya Lindqvist"', title="CEO", match_existing=False)
    conn, now = svc.conn, int(time.time())
    with db.transaction(conn):
        feeds_store.upsert(conn, "https://feeds.example/a", title="A", kind="news")
    for n, (entity, (sentiment, source)) in enumerate([*((1, m) for m in MIX), (2, (0.0, "text")),
                                                       *((3, m) for m in MIX)]):
        item = ParsedItem(guid=f"g{n}", url=f"https://x.example/{n}", title=f"Acme story {n}", text="Acme body")
        with db.transaction(conn):
            iid = items_store.insert(conn, 1, item, canonical_url=item.url, title_norm="", cluster_id=None,
                                     published=now - 60 * (n + 1), now=now)
            items_store.insert_mentions(conn, [(iid, entity, now - 60 * (n + 1), "news", "snip", sentiment, sentiment,
                                                "test", source, "[]", "", "", 1.0, None, now, 0.9)])
    yield svc
    svc.close()


def test_pages_say_not_scored_and_leave_it_out_of_neutral_and_net(qtbot, mixed_service):
    """Dashboard: Mentions 7 "not scored: 3, other languages", net +25 % (was +14 %: 1 of 7), the
    volume bars hold a "not scored" set of 3 beside neutral 1 (was neutral 4). Competitors: Acme
    "7 (3 not scored)", +25 %. The executive's page: Coverage 7, the same note, +25 %."""
    from PySide6.QtCharts import QStackedBarSeries

    from orm_desktop.ui.charts import ChartView
    from tests.gui_support import open_window, show_page
    from tests.test_same_answer import card_value, set_period

    win = open_window(qtbot, mixed_service)
    try:
        page = set_period(qtbot, show_page(qtbot, win, "Dashboard"), 7)
        value, note = card_value(page, "Mentions")
        assert value == "7" and "not scored: 3, other languages" in note, note
        assert card_value(page, "Net sentiment")[0] == "+25%"
        bars = next(s for v in page.scroll.widget().findChildren(ChartView) for s in v.chart().series()
                    if isinstance(s, QStackedBarSeries))
        counts = {b.label(): int(sum(b.at(i) for i in range(b.count()))) for b in bars.barSets()}
        assert counts == {"positive": 2, "neutral": 1, "negative": 1, "not scored": 3}, counts

        from PySide6.QtWidgets import QTableWidget

        page = set_period(qtbot, show_page(qtbot, win, "Competitors"), 7)
        t = next(t for t in page.scroll.widget().findChildren(QTableWidget)
                 if t.accessibleName() == "Brand vs competitors")
        row = next(r for r in range(t.rowCount()) if t.item(r, 0).text() == "Acme")
        assert (t.item(row, 1).text(), t.item(row, 3).text()) == ("7 (3 not scored)", "+25%")

        page = set_period(qtbot, show_page(qtbot, win, "Maya Lindqvist"), 7)
        value, note = card_value(page, "Coverage")
        assert value == "7" and "not scored: 3, other languages" in note, note
        assert card_value(page, "Net sentiment")[0] == "+25%"
    finally:
        win.runner.cancel_all()
        win.runner.wait(10_000)


def test_reports_count_not_scored_apart(mixed_service, tmp_path):
    """Weekly, executive and crisis report: a "not scored (other languages)" row of 3 under the
    mentions, net sentiment +25 % (was +14 %), the PDF says so; the crisis timeline reads "n/a"
    for them (was "0.00", a neutral score)."""
    import time

    from orm_desktop.reports import data
    from orm_desktop.reports.render import to_pdf
    from tests.test_reports import pdf_text

    today = int(time.time()) // DAY * DAY
    for kind in ("weekly", "executive"):
        d = data.build(mixed_service, kind, since=today - 6 * DAY, until=today + DAY)
        kpi = {k.label: k.value for k in d.kpis}
        assert kpi["Mentions"] == "7" and kpi["… not scored (other languages)"] == "3", kpi
        assert kpi["Net sentiment"] == "+25%", kpi
        assert sum(p.neutral for p in d.series) == 1 and sum(p.unscored for p in d.series) == 3
    to_pdf(d, tmp_path / "r.pdf")
    assert "not scored (other languages)" in pdf_text(tmp_path / "r.pdf")[1]
    # the crisis report's timeline: a mention no engine scored reads "n/a", not a score of 0.00
    d = data.build(mixed_service, "crisis", entity="Acme", since=today - 6 * DAY, until=today + DAY)
    assert {k.label: k.value for k in d.kpis}["… not scored (other languages)"] == "3"
    assert sorted(((t[3], t[5]) for t in d.timeline if t[3] is None or t[3] == 0.0), key=repr) == [
        (0.0, False), (None, False), (None, False), (None, False)], d.timeline
    to_pdf(d, tmp_path / "c.pdf")
    assert pdf_text(tmp_path / "c.pdf")[1].count("n/a") == 3


def test_a_negativity_spike_is_a_share_of_the_scored_mentions():
    """28 days of 10 mentions with 1 negative, then a day of 6 negatives among 6 scored and 30
    not scored: a share of 6 / 36 (17 %) raised no negativity alert (the threshold is p0 + 25 %);
    of the scored ones it is 6 / 6."""
    from orm_desktop.analysis.alerts import detect_series

    counts, negatives = [10] * 28 + [36], [1] * 28 + [6]
    scored = [10] * 28 + [6]
    assert "negativity_spike" not in {a[0] for a in detect_series(counts, negatives)}
    spikes = [a for a in detect_series(counts, negatives, scored) if a[0] == "negativity_spike"]
    assert [(a[1], a[2]) for a in spikes] == [(28, 6.0)]
    assert detect_series(counts, negatives) == detect_series(counts, negatives, counts)


# -- "not scored" is actionable: the inbox, the CLI and a rule select it ---------------------------
def test_not_scored_is_a_filter_and_no_machine_score_to_doubt(conn):
    """The inbox's filter had no "not scored" (MentionFilter(sentiment="unsupported") raised
    "unknown sentiment"); it now counts what the rollup counts (3), by the rollup and by a scan,
    and lists those 3. "Needs a human look" listed them too (no score, confidence 0.0: 3 of its
    3): a not-scored mention has no machine score to doubt and now has its own filter (0). An
    override scores it: it leaves the filter (2) and the rollup follows."""
    ids = populate(conn)
    assert daily(conn)[4] == 3
    for f in (MentionFilter(sentiment="unsupported", entity_ids=(1,)),
              MentionFilter(sentiment="unsupported", since=SINCE, until=UNTIL),  # the rollup's path
              MentionFilter(sentiment="unsupported", feed_kinds=("news",))):  # a scan
        assert mentions_store.count(conn, f) == 3, f
    listed = mentions_store.query(conn, MentionFilter(sentiment="unsupported"))
    assert sorted(m.id for m in listed) == sorted(ids[4:7])
    assert {m.label for m in listed} == {"unsupported"} and not any(m.unsure for m in listed)
    assert mentions_store.count(conn, MentionFilter(needs_review=True)) == 0
    assert mentions_store.query(conn, MentionFilter(needs_review=True)) == []
    # a saved search (a rule's condition) selects the same (it raised "sentiment must be one of ...")
    from orm_desktop.analysis import rules as rules_mod

    rule = rules_mod.Rule(None, "not scored", conditions={"sentiment": "unsupported"}, actions={"tag": "x"})
    assert sorted(rules_mod.matching_ids(conn, rule)) == sorted(ids[4:7])
    with db.transaction(conn):
        mentions_store.set_override(conn, [ids[4]], 0.0, by="ana", now=NOW)
    assert mentions_store.count(conn, MentionFilter(sentiment="unsupported")) == 2
    assert mentions_store.count(conn, MentionFilter(sentiment="unsupported", since=SINCE, until=UNTIL)) == 2
    assert mentions_store.count(conn, MentionFilter(sentiment="neutral", entity_ids=(1,), feed_kinds=("news",))) == 2
    assert daily(conn)[4] == 2


def test_the_not_scored_bars_open_the_inbox_with_the_charts_count(qtbot, mixed_service, tmp_path, run_cli):
    """Dashboard, last 7 days: the volume bars' "not scored" set holds 3. Choosing it by keyboard
    (and Enter) did nothing: it was not a choice, its click not connected. Now the inbox lists
    exactly 3, all "n/a", its sentiment filter reading "not scored"; so do the Dashboard's and the
    executive page's count cards' "not scored: 3" lines (now links); an override in the inbox
    takes one out (2); the filter is kept across a restart (state/restore); the CLI's
    ``mentions --sentiment unsupported`` lists the same mentions (brand 3 + executive 3)."""
    import json

    from PySide6.QtCharts import QStackedBarSeries
    from PySide6.QtCore import Qt

    from orm_desktop.ui.charts import ChartView
    from tests.gui_support import open_window, show_page
    from tests.test_same_answer import set_period

    win = open_window(qtbot, mixed_service)
    try:
        page = set_period(qtbot, show_page(qtbot, win, "Dashboard"), 7)
        view, bars = next((v, s) for v in page.scroll.widget().findChildren(ChartView) for s in v.chart().series()
                          if isinstance(s, QStackedBarSeries))
        shown = {b.label(): int(sum(b.at(i) for i in range(b.count()))) for b in bars.barSets()}["not scored"]
        assert shown == 3
        view.setFocus()
        qtbot.waitUntil(lambda: view.chosen >= 0)
        while view.chosen != len(view._choices) - 1:
            qtbot.keyClick(view, Qt.Key.Key_Right)
        assert view._choices[view.chosen][0] == "unsupported", view._choices
        qtbot.keyClick(view, Qt.Key.Key_Return)
        inbox = win.inbox
        qtbot.waitUntil(lambda: inbox.count_label.text().startswith(f"{shown} "), timeout=10_000)
        assert inbox.filters.sentiment.currentText() == "not scored"
        assert {inbox.model.mention(r).label for r in range(inbox.model.total)} == {"unsupported"}

        state = inbox.filters.state()
        inbox.filters.clear()
        qtbot.waitUntil(lambda: not inbox.count_label.text().startswith(f"{shown} "), timeout=10_000)
        inbox.filters.restore(json.loads(json.dumps(state)))
        qtbot.waitUntil(lambda: inbox.count_label.text().startswith(f"{shown} "), timeout=10_000)

        # the count cards' "not scored: 3, other languages" line is a link to the same list
        from PySide6.QtWidgets import QLabel

        for name in ("Dashboard", "Maya Lindqvist"):
            inbox.filters.clear()
            qtbot.waitUntil(lambda: not inbox.count_label.text().startswith(f"{shown} "), timeout=10_000)
            page = show_page(qtbot, win, name)
            link = next(lb for lb in page.scroll.widget().findChildren(QLabel) if "<a href" in lb.text())
            assert ">not scored: 3, other languages</a>" in link.text(), link.text()
            assert link.textInteractionFlags() & Qt.TextInteractionFlag.LinksAccessibleByKeyboard
            link.linkActivated.emit("inbox")  # what a click or Enter on the link sends
            qtbot.waitUntil(lambda: inbox.count_label.text().startswith(f"{shown} "), timeout=10_000)
            assert inbox.filters.sentiment.currentText() == "not scored"

        inbox.table.selectRow(0)
        qtbot.waitUntil(lambda: inbox.detail.mention_id == inbox.model.mention(0).id)
        inbox.override(0.6)
        qtbot.waitUntil(lambda: inbox.count_label.text().startswith(f"{shown - 1} "), timeout=10_000)
    finally:
        win.runner.cancel_all()
        win.runner.wait(10_000)
    r = run_cli("mentions", "--sentiment", "unsupported", "--status", "new", "--format", "json",
                workspace=tmp_path / "ws")
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)) == 5  # 3 + 3, less the one overridden
