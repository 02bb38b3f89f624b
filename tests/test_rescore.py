"""Rescoring: engine change over the workspace, overrides survive, progress, cancel, GUI job."""

from __future__ import annotations

import threading

import pytest

from orm_desktop.analysis.rescore import rescore

pytestmark = pytest.mark.both_backends  # the service fixtures run on SQLite and PostgreSQL


def test_rescore_changes_engine_keeps_overrides_and_reports_progress(demo_service):
    svc = demo_service
    first = svc.mentions(limit=1)[0]
    svc.override_sentiment([first.id], -0.9, by="ana")
    seen = []
    n = rescore(svc.conn, "vader", progress=lambda d, t, m: seen.append((d, t)), batch=100)
    total = svc.count_mentions()
    assert n == total and seen[-1] == (total, total) and len(seen) >= total // 100
    engines = {r[0] for r in svc.conn.execute("SELECT DISTINCT engine FROM mentions")}
    assert engines == {"vader"}
    d = svc.mention(first.id)
    assert d.mention.sentiment == -0.9 and d.mention.overridden and d.engine == "vader"
    assert svc.setting("sentiment_engine") == "vader"


def test_rescore_can_be_cancelled_and_keeps_the_batches_done(demo_service):
    cancel = threading.Event()
    done = []

    def progress(d, t, m):
        done.append(d)
        cancel.set()  # stop after the first batch

    n = rescore(demo_service.conn, "textblob", progress=progress, cancel=cancel, batch=50)
    assert n == 50
    assert demo_service.conn.execute("SELECT count(*) FROM mentions WHERE engine = 'textblob'").fetchone()[0] == 50
    assert demo_service.setting("sentiment_engine") == "orm"  # a cancelled run does not switch engines


def test_settings_view_rescores_in_the_background(qtbot, demo_service):
    from orm_desktop.ui.manage import SettingsView
    from orm_desktop.ui.tasks import TaskRunner

    runner = TaskRunner()
    view = SettingsView(demo_service, runner=runner)
    qtbot.addWidget(view)
    view.engine.setCurrentText("vader")
    with qtbot.waitSignal(view.status_message, timeout=60_000):
        view.rescore()
    assert "rescored" in view.rescore_status.text()
    assert view.rescore_btn.isEnabled()
    runner.wait()


def test_ctrl_c_during_the_cli_rescore_says_how_far_it_got_and_the_same_command_continues(demo_root, tmp_path,
                                                                                         monkeypatch):
    """Ctrl+C printed 'orm-desktop: interrupted' glued to the progress line and nothing else."""
    import io
    import os
    import signal
    import sqlite3
    import sys

    from orm_desktop.cli import main
    from tests.conftest import copy_workspace

    ws = copy_workspace(demo_root, tmp_path / "ws")

    class Terminal(io.StringIO):
        """stderr; the user presses Ctrl+C (a real SIGINT) when the first progress appears."""
        pressed = False

        def write(self, s: str) -> int:
            n = super().write(s)
            if s.startswith("\r[") and not Terminal.pressed:
                Terminal.pressed = True
                os.kill(os.getpid(), signal.SIGINT)
            return n

    err = Terminal()
    monkeypatch.setattr(sys, "stderr", err)
    args = ["--workspace", str(ws), "rescore", "--engine", "vader"]
    assert main(args) == 130
    with sqlite3.connect(ws / "orm.db") as c:
        done = c.execute("SELECT count(*) FROM mentions WHERE engine = 'vader'").fetchone()[0]
        total = c.execute("SELECT count(*) FROM mentions").fetchone()[0]
    assert 0 < done < total
    text = err.getvalue()
    last = text.rsplit("\r", 1)[-1]
    assert last.startswith(f"[{done}/{total}]") and "\n" in last  # the progress line was ended
    tail = last.split("\n", 1)[1]
    assert f"interrupted: {done:,} of {total:,} mentions rescored" in tail, tail
    # the command to run again names the workspace it was given (a bare command rescored the default one)
    assert f"orm-desktop --workspace {ws} rescore --engine vader" in tail and "continue" in tail, tail
    assert len(tail.strip().splitlines()) == 1
    # what it says is true: the same command continues where it stopped, not from the start
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert main(args) == 0
    progress = sys.stderr.getvalue()
    assert f"[{done}/" not in progress and f"[{total}/{total}]" in progress
