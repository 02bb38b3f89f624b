"""Issue 12, the GUI defects: each test failed on the code before its fix."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from tests.conftest import copy_workspace  # noqa: E402
from tests.gui_support import build_new_workspace, run_python  # noqa: E402

DAY = 86400


@pytest.fixture(scope="module")
def new_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("new") / "workspace"
    build_new_workspace(root).close()
    return root


@pytest.fixture
def window(qtbot, demo_service):
    from orm_desktop.ui.main_window import MainWindow

    win = MainWindow(demo_service)
    qtbot.addWidget(win)
    win.resize(1300, 850)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.runner.cancel_all()
    win.runner.wait(10_000)


# -- 1. a period selector rebuilt the page under its own running signal (segfault) ----------
PERIODS_SCRIPT = """
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication, QComboBox
from orm_desktop.service import Service
from orm_desktop.ui.main_window import MainWindow
from orm_desktop.ui.pages import Page
app = QApplication(sys.argv)
win = MainWindow(Service.open(Path(sys.argv[1])))
win.show()
for label, page in list(win.pages.items()):
    if not isinstance(page, Page):
        continue
    win.show_page(label)
    app.processEvents()
    for days in (7, 90, 30):
        box = next(b for b in page.scroll.widget().findChildren(QComboBox) if b.findData(days) >= 0)
        box.setCurrentIndex(box.findData(days))   # what a click on the list does
        app.processEvents()
        app.processEvents()
        new_box = next(b for b in page.scroll.widget().findChildren(QComboBox) if b.findData(days) >= 0)
        assert page.days == days and new_box.currentData() == days, (label, days)
    print("ok", label)
"""


def test_changing_the_period_on_every_page_keeps_the_app_alive(demo_root, tmp_path):
    ws = copy_workspace(demo_root, tmp_path / "ws")
    p = run_python(PERIODS_SCRIPT, str(ws))
    assert p.returncode == 0, (p.returncode, p.stderr[-2000:])
    assert {"ok Dashboard", "ok Competitors", "ok Maya Lindqvist"} <= set(p.stdout.splitlines())


# -- 3. saving a rule twice dropped its entity condition -----------------------------------------
def test_saving_a_rule_twice_keeps_its_conditions(window, qtbot):
    from orm_desktop.analysis import rules

    window.show_page("Rules")
    view = window.rules
    row = next(i for i, r in enumerate(view.rules) if r.name == "Battery safety")
    view.list.setCurrentRow(row)
    before = rules.get(window.svc.conn, view.current_id)
    assert before.conditions["entity"] == "Velora Arc"
    n_before = len(rules.matching_ids(window.svc.conn, before))
    view.save()
    view.save()
    after = rules.get(window.svc.conn, view.current_id)
    assert after.conditions == before.conditions and after.actions == before.actions
    assert len(rules.matching_ids(window.svc.conn, after)) == n_before
    assert view.entity.currentData() == "Velora Arc"
    assert view.list.currentItem().text().startswith("Battery safety")


# -- 5. charts were empty when the data sat in the newest days ----------------------------------
def _colour_pixels(view, colour: str) -> int:
    view.resize(640, 320)
    img = view.grab().toImage()
    return sum(1 for x in range(0, img.width(), 2) for y in range(0, img.height(), 2)
               if img.pixelColor(x, y).name() == colour)


def test_volume_chart_has_one_category_per_day_and_draws_the_newest_days(qtbot):
    from types import SimpleNamespace

    from orm_desktop.ui.charts import sentiment_volume_chart

    today = 1_764_000_000 // DAY * DAY
    points = [SimpleNamespace(day=today - (29 - i) * DAY, positive=4 if i >= 28 else 0, neutral=0, negative=0)
              for i in range(30)]
    view = sentiment_volume_chart(points, "Volume")
    qtbot.addWidget(view)
    axis = view.chart().axes()[0]
    assert len(axis.categories()) == 30  # a category per bar: repeated blank labels were dropped
    assert _colour_pixels(view, "#27ae60") > 200  # the two newest days are drawn


def test_dashboard_and_competitor_charts_draw_bars_in_a_new_workspace(qtbot, new_root, tmp_path):
    from PySide6.QtCharts import QBarCategoryAxis

    from orm_desktop.service import Service
    from orm_desktop.ui.charts import ChartView
    from orm_desktop.ui.main_window import MainWindow

    svc = Service.open(copy_workspace(new_root, tmp_path / "ws"))
    win = MainWindow(svc)
    qtbot.addWidget(win)
    win.resize(1300, 850)
    win.show()
    for label in ("Dashboard", "Competitors"):
        win.show_page(label)
        page = win.pages[label]
        charts = page.scroll.widget().findChildren(ChartView)
        assert charts
        for view in charts:
            for axis in view.chart().axes():
                if isinstance(axis, QBarCategoryAxis):
                    series = view.chart().series()[0]
                    assert len(axis.categories()) == max(s.count() for s in series.barSets())
    svc.close()
