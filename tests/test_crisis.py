"""Crisis mode: faster refresh, top of the inbox, holding statement, the report on leaving."""

from __future__ import annotations

import time

import pytest

from orm_desktop.analysis import crisis
from orm_desktop.errors import UsageError
from orm_desktop.store import audit
from orm_desktop.types import MentionFilter
from tests.conftest import act_as

pytestmark = pytest.mark.both_backends  # the service fixtures run on SQLite and PostgreSQL

ALEX = {"ORM_DESKTOP_PASSPHRASE": "demo-alex"}


def test_crisis_mode_on_and_off(demo_service, tmp_path):
    svc = demo_service
    act_as(svc, "alex")
    velora = svc.entity("Velora")
    draft = crisis.switch_on(svc, "Velora", by="alex")
    assert draft is not None
    from orm_desktop.responses import workflow as wf

    assert wf.get(svc.conn, draft).template_id == "crisis-holding-statement"
    assert [a[1] for a in crisis.active(svc.conn)] == ["Velora"]
    top = svc.mentions(MentionFilter(order="priority"), limit=20)
    assert all(m.entity_id == velora.id for m in top)  # crisis mentions head the inbox
    news = [f.id for f in svc.feeds() if f.kind in ("news", "social")]
    assert set(news) <= crisis.crisis_feed_ids(svc.conn)
    s = svc.fetch(force=True)  # the refresh schedules crisis feeds 5 minutes out
    assert s.failed == 0
    due = {f.id: f.next_due - f.last_fetched for f in svc.feeds()}
    assert all(due[i] == crisis.CRISIS_INTERVAL for i in news)
    assert any(v == 30 * 60 for i, v in due.items() if i not in news)
    with pytest.raises(UsageError, match="already in crisis mode"):
        crisis.switch_on(svc, "Velora", by="alex")
    report = crisis.switch_off(svc, "Velora", by="alex", report_dir=tmp_path)
    assert report.exists() and report.read_bytes().startswith(b"%PDF")
    assert crisis.active(svc.conn) == []
    assert max(m.priority for m in svc.mentions(MentionFilter(order="priority"), limit=5)) < crisis.CRISIS_BOOST
    actions = [e.action for e in audit.all_entries(svc.conn) if e.action.startswith("crisis.")]
    assert actions == ["crisis.on", "crisis.off"]
    with pytest.raises(UsageError, match="not in crisis mode"):
        crisis.switch_off(svc, "Velora", by="alex")


def test_crisis_cli(demo_service, run_cli):
    ws = demo_service.ws.location
    r = run_cli("crisis", "on", "Velora Arc", "--as", "alex", workspace=ws, env=ALEX)
    assert r.returncode == 0 and "holding statement drafted" in r.stdout
    assert "Velora Arc: crisis mode since" in run_cli("crisis", "status", workspace=ws).stdout
    r = run_cli("crisis", "off", "Velora Arc", "--as", "alex", workspace=ws, env=ALEX)
    assert r.returncode == 0 and "crisis report written" in r.stdout and time.time() > 0


def test_gui_pins_the_crisis_timeline_and_sorts_by_priority(qtbot, demo_service):
    from orm_desktop.ui.main_window import MainWindow
    from tests.gui_support import show_page

    act_as(demo_service, "alex")
    crisis.switch_on(demo_service, "Velora", by="alex")
    win = MainWindow(demo_service)
    qtbot.addWidget(win)
    win.show()
    assert win.inbox.filters.order.currentData() == "priority"
    assert "CRISIS MODE: Velora" in win.health.text()
    show_page(qtbot, win, "Dashboard")  # its data loads in the background
    labels = [w.text() for w in win.pages["Dashboard"].findChildren(__import__("PySide6.QtWidgets",
                                                                               fromlist=["QLabel"]).QLabel)]
    assert any("Crisis mode: Velora" in t for t in labels)
    # the pinned timeline marks unsure scores (a machine score that needs a human look)
    from PySide6.QtWidgets import QListWidget

    from orm_desktop.types import UNSURE

    timelines = [lw for lw in win.pages["Dashboard"].findChildren(QListWidget)
                 if lw.accessibleName().startswith("Crisis timeline")]  # (the alert list's rows hold alert ids)
    assert timelines
    rows = [lw.item(i) for lw in timelines for i in range(lw.count())
            if lw.item(i).data(256)]  # 256: Qt.ItemDataRole.UserRole, the mention id
    shown = [(it, demo_service.mention(it.data(256)).mention) for it in rows]
    assert any(m.unsure for _it, m in shown), [it.text() for it, _m in shown]
    for it, m in shown:
        assert (f"({UNSURE})" in it.text()) == m.unsure, it.text()
        assert ("needs a human look" in it.toolTip()) == m.unsure
    win.runner.wait()
