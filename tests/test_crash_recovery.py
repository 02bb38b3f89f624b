"""Nothing typed is lost on a crash: a reply, an entity, a rule, a key message, a response
template's TOML or the Settings page's fields typed and not saved are kept on disk as they are
typed (orm_desktop/recovery.py, ui/recovery.py) and offered back on the next start. Before, a reply
typed into the real app and SIGKILLed was gone (0 of 4 editors survived a kill); later the
Templates dialog and the Settings fields were still lost (0 of 8 typed survived)."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import act_as
from tests.gui_support import ROOT, open_demo_draft

pytest.importorskip("PySide6")

TYPED = " We will call you before noon - Halden support."

# The real app (cli.main, as `orm-desktop --workspace WS` runs it), with a driver scheduled inside
# its event loop once the window shows. argv: scenario workspace.
DRIVER = r"""
import os, sys
scenario, ws = sys.argv[1], sys.argv[2]
sys.argv = ["orm-desktop", "--workspace", ws]
from orm_desktop.ui import app as appmod
real_run = appmod.run

def run(svc, **kw):
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
    from orm_desktop.ui.main_window import MainWindow
    from orm_desktop.ui.responses_view import TemplatesDialog
    QApplication.instance() or QApplication(sys.argv)

    def win():
        return next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()), None)

    def type_reply():
        w = win()
        if w is None:
            return QTimer.singleShot(20, type_reply)
        w.show_page("Responses")
        v = w.responses
        v.queue.setCurrentIndex(v.queue.findData("open"))
        d = next(r for r in w.svc.responses(states=("draft",)))
        v.show_response(d.id)
        v.editor.moveCursor(v.editor.textCursor().MoveOperation.End)
        QTest.keyClicks(v.editor, os.environ["TYPED"])
        w.show_page("Entities")
        w.entities.new()
        QTest.keyClicks(w.entities.name, "Halden Bikes")
        QTest.keyClicks(w.entities.aliases, "Halden, HB")
        w.show_page("Rules")
        w.rules.new()
        QTest.keyClicks(w.rules.name, "Recalls")
        QTest.keyClicks(w.rules.terms, "recall")
        w.show_page("Settings")
        s = w.pages["Settings"]
        QTest.keyClicks(s.key_messages.text, "We fix it or refund it.")
        s.brand.selectAll()
        QTest.keyClicks(s.brand, "Halden Cycles")
        s.refresh.selectAll()
        QTest.keyClicks(s.refresh, "45")
        print(f"typed into response {d.id}", flush=True)
        w.show_page("Responses")
        QTimer.singleShot(0, type_template)
        next(b for b in w.responses.findChildren(QPushButton) if b.text() == "Templates…").click()  # exec()

    def type_template():
        dlg = next((t for t in win().findChildren(TemplatesDialog) if t.isVisible()), None)
        if dlg is None:
            return QTimer.singleShot(20, type_template)
        dlg.list.setCurrentRow(next(i for i, t in enumerate(dlg.templates) if t.id == "our-apology"))
        dlg.editor.moveCursor(dlg.editor.textCursor().MoveOperation.End)
        QTest.keyClick(dlg.editor, Qt.Key.Key_Return)
        QTest.keyClicks(dlg.editor, "# call them back")

    def restore():
        w = win()
        box = w and next((b for b in w.findChildren(QMessageBox, "recovered_draft") if b.isVisible()), None)
        if box is None:
            return QTimer.singleShot(20, restore)
        print("asked: " + box.text(), flush=True)
        next(b for b in box.buttons() if b.text() == "Restore").click()
        if any(b.isVisible() for b in w.findChildren(QMessageBox, "recovered_draft")):
            return QTimer.singleShot(0, restore)  # the next one
        e, rule = w.entities, w.rules
        print(f"entity: {e.name.text()} / {e.aliases.text()}", flush=True)
        print(f"rule: {rule.name.text()} / {rule.terms.text()}", flush=True)
        s = w.pages["Settings"]
        print("key message: " + s.key_messages.text.text(), flush=True)
        print(f"settings: {s.brand.text()} / {s.refresh.value()} / stored {w.svc.settings()['brand_name']}", flush=True)
        t = next(t for t in w.findChildren(TemplatesDialog) if t.isVisible())
        print("template: " + t.editor.toPlainText().splitlines()[-1], flush=True)
        print(f"template version: {w.svc.template_versions()['our-apology']}", flush=True)
        r = w.responses
        print("editor: " + r.editor.toPlainText(), flush=True)
        print("stored: " + w.svc.response(r.current.id).text, flush=True)
        print("unsaved: " + ", ".join(w.unsaved_edits()), flush=True)
        os._exit(0)

    QTimer.singleShot(0, {"type": type_reply, "restore": restore}[scenario])
    return real_run(svc, **kw)

appmod.run = run
from orm_desktop.cli import main
sys.exit(main())
"""


def _env(tmp_path: Path) -> dict:
    home = tmp_path / "home"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen", "TYPED": TYPED, "HOME": str(home),
           "XDG_DATA_HOME": str(home / "data"), "XDG_STATE_HOME": str(home / "state"),
           "XDG_CACHE_HOME": str(home / "cache"), "XDG_CONFIG_HOME": str(home / "config")}
    env.pop("ORM_DESKTOP_WORKSPACE", None)
    return env


def _wait_for(predicate, timeout: float, what: str):
    """Poll ``predicate`` (a file on disk, a process's output) until it holds; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = predicate()
        if got:
            return got
        time.sleep(0.02)  # polling interval, not synchronisation: the predicate decides
    pytest.fail(f"timed out waiting for {what}")


def _kept(ws: Path) -> list[Path]:
    return sorted((ws / "recovery").glob("*/*.json"))


def test_a_reply_entity_rule_key_message_template_and_settings_typed_into_the_app_survive_a_sigkill(
        demo_service, tmp_path):
    ws = demo_service.ws.root
    draft = next(r for r in demo_service.responses(states=("draft",)))
    _workspace_template(demo_service)
    demo_service.close()
    env = _env(tmp_path)
    proc = subprocess.Popen([sys.executable, "-c", DRIVER, "type", str(ws)], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        def all_on_disk():
            try:
                kept = {p.name: json.loads(p.read_text(encoding="utf-8"))["value"] for p in _kept(ws)}
            except (OSError, ValueError, KeyError):
                return None  # being replaced: the next look sees it whole
            done = (TYPED in kept.get(f"reply-{draft.id}.json", {}).get("text", "")
                    and kept.get("entity-new.json", {}).get("aliases") == ["Halden", "HB"]
                    and kept.get("rule-new.json", {}).get("conditions") == {"terms": "recall"}
                    and kept.get("key_message-new.json", {}).get("text") == "We fix it or refund it."
                    and kept.get("settings-settings.json", {}).get("fields", {}).get("refresh_minutes") == 45
                    and kept.get("template-our-apology.json", {}).get("toml", "").endswith("\n# call them back"))
            return done and kept

        kept = _wait_for(lambda: all_on_disk() or (proc.poll() is not None and pytest.fail(proc.stderr.read())),
                         15, "the reply, entity, rule, key message, settings and template typed, on disk")
        assert len(kept) == 6 and all(p.stat().st_mode & 0o077 == 0 for p in _kept(ws))  # this user's only
    finally:
        proc.send_signal(signal.SIGKILL)  # the laptop dies: no close, no question, no clean-up
        proc.communicate(timeout=10)
    assert not list(ws.rglob("*.part"))  # nothing half written left behind

    again = subprocess.run([sys.executable, "-c", DRIVER, "restore", str(ws)], env=env, cwd=ROOT,
                           capture_output=True, text=True, timeout=30)
    out = again.stdout
    assert again.returncode == 0, again.stderr[-2000:]
    assert f"asked: Recovered an unsaved reply to mention #{draft.mention_id} from " in out
    assert out.count("asked: Recovered ") == 6
    assert "asked: Recovered unsaved settings (brand name, refresh interval) from " in out
    assert "asked: Recovered unsaved changes to the response template our-apology from " in out
    assert "entity: Halden Bikes / Halden, HB\n" in out and "rule: Recalls / recall\n" in out
    assert "key message: We fix it or refund it.\n" in out
    assert "settings: Halden Cycles / 45 / stored Velora\n" in out  # in the form, not saved
    assert "template: # call them back\ntemplate version: 1\n" in out  # in the editor, not saved
    assert f"editor: {draft.text}{TYPED}\n" in out  # back in the editor, whole
    assert f"stored: {draft.text}\n" in out  # and not saved behind the user's back
    assert f"unsaved: response #{draft.id}, Halden Bikes, rule Recalls" in out  # so closing asks; Save saves


def _workspace_template(svc) -> str:
    """A workspace template (the shipped ones are read-only), as the Templates dialog shows it."""
    from dataclasses import replace

    from orm_desktop.responses.templates import to_toml

    act_as(svc, "alex")
    t = svc.templates()["complaint-acknowledgement"]
    return to_toml(svc.save_template(to_toml(replace(t, id="our-apology", title="Our apology")), by="alex"))


def _box(window, name: str = "recovered_draft"):
    from PySide6.QtWidgets import QMessageBox

    return next((b for b in window.findChildren(QMessageBox, name) if b.isVisible()), None)


def _click(box, text: str) -> None:
    next(b for b in box.buttons() if b.text().replace("&", "") == text).click()


def test_typing_keeps_a_copy_and_saving_removes_it(window, qtbot):
    view, draft = open_demo_draft(window)
    view.editor.setPlainText(draft.text + TYPED)
    folder = window.drafts.store.folder
    path = folder / f"reply-{draft.id}.json"
    qtbot.waitUntil(path.exists, timeout=3000)
    assert json.loads(path.read_text(encoding="utf-8"))["value"]["text"] == draft.text + TYPED
    window.drafts.writer.flush()
    act_as(window.svc, view.me())
    view.act("save")
    assert window.svc.response(draft.id).text == draft.text + TYPED
    qtbot.waitUntil(lambda: not path.exists(), timeout=3000)  # saved: its copy is forgotten


def test_close_without_saving_forgets_the_copies(window, qtbot):
    view, draft = open_demo_draft(window)
    view.editor.setPlainText(draft.text + TYPED)
    window.show_page("Entities")
    window.entities.new()
    window.entities.name.setText("Halden Bikes")
    store = window.drafts.store
    qtbot.waitUntil(lambda: len(list(store.folder.glob("*.json"))) == 2, timeout=3000)
    window.close()
    qtbot.waitUntil(lambda: _box(window, "unsaved_on_close") is not None, timeout=3000)
    _click(_box(window, "unsaved_on_close"), "Close without saving")
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)
    assert list(store.folder.glob("*.json")) == [] and store.pending() == []


def _left_by_a_killed_session(window, kind: str, key: str, value: dict, base: dict):
    """A copy as a session that is gone left it (its lock released, as the kernel does on a kill)."""
    from orm_desktop.recovery import DraftStore

    store = DraftStore(window.svc.ws.root)
    store.save(kind, key, value, base, now=1_796_000_000)  # one time: offered by kind, then key
    store.release()
    return store


def _offer(window, qtbot) -> int:
    n = window.offer_recovered_drafts()
    if n:
        qtbot.waitUntil(lambda: _box(window) is not None, timeout=3000)
    return n


def test_discarding_a_recovered_reply_forgets_it_and_changes_nothing(window, qtbot):
    view, draft = open_demo_draft(window)
    store = _left_by_a_killed_session(window, "reply", str(draft.id), {"text": draft.text + TYPED},
                                      {"version": draft.version, "text": draft.text, "mention_id": draft.mention_id})
    assert _offer(window, qtbot) == 1
    _click(_box(window), "Discard")
    assert window.drafts.writer.flush()
    assert store.pending() == [] and view.editor.toPlainText() == draft.text
    assert window.svc.response(draft.id).text == draft.text and window.unsaved_edits() == []


def test_a_reply_is_never_restored_into_a_response_changed_since(window, qtbot):
    from PySide6.QtWidgets import QApplication

    view, draft = open_demo_draft(window)
    store = _left_by_a_killed_session(window, "reply", str(draft.id), {"text": draft.text + TYPED},
                                      {"version": draft.version, "text": draft.text, "mention_id": draft.mention_id})
    act_as(window.svc, draft.author)
    theirs = window.svc.edit_response(draft.id, "Someone else's words.", by=draft.author,
                                      expected_version=draft.version)  # meanwhile, elsewhere
    assert _offer(window, qtbot) == 1
    _click(_box(window), "Restore")
    qtbot.waitUntil(lambda: _box(window, "recovered_draft_changed") is not None, timeout=3000)
    notice = _box(window, "recovered_draft_changed")
    assert f"Response #{draft.id} was changed while your edit was unsaved" in notice.text() and "was not put into it" in notice.text()
    assert notice.detailedText() == draft.text + TYPED == QApplication.clipboard().text()  # shown, not lost
    assert window.svc.response(draft.id).text == theirs.text and TYPED not in view.editor.toPlainText()
    notice.accept()
    assert window.drafts.writer.flush() and store.pending() == []


def test_an_entity_and_a_rule_typed_before_a_crash_come_back_into_their_forms(window, qtbot):
    _left_by_a_killed_session(window, "entity", "new", {
        "kind": "competitor", "name": "Halden Bikes", "query": "Halden", "aliases": ["Halden", "HB"],
        "importance": 0.7, "title": ""}, {"version": None})
    _left_by_a_killed_session(window, "rule", "new", {
        "name": "Recalls", "conditions": {"terms": "recall"}, "actions": {"tag": "recall"}, "enabled": True},
        {"version": None})
    assert _offer(window, qtbot) == 2
    _click(_box(window), "Restore")
    qtbot.waitUntil(lambda: _box(window) is not None, timeout=3000)  # the next one
    _click(_box(window), "Restore")
    e, r = window.entities, window.rules
    assert (e.kind.currentText(), e.name.text(), e.aliases.text()) == ("competitor", "Halden Bikes", "Halden, HB")
    assert (r.name.text(), r.terms.text(), r.tag.text()) == ("Recalls", "recall", "recall")
    assert window.unsaved_edits() == ["Halden Bikes", "rule Recalls"]  # put back, not saved
    assert "Halden Bikes" not in [x.name for x in window.svc.entities()]


def test_damaged_and_hostile_recovery_files_are_ignored_with_a_line_in_the_log(window, qtbot, caplog, tmp_path):
    draft = next(r for r in window.svc.responses(states=("draft",)))
    store = _left_by_a_killed_session(window, "reply", str(draft.id), {"text": draft.text + TYPED},
                                      {"version": draft.version, "text": draft.text, "mention_id": draft.mention_id})
    f = store.folder
    (f / "reply-7.json").write_bytes(b'{"format": 1, "kind": "reply", "key": "7", "sav')  # cut by the power loss
    (f / "rule-new.json").write_text(json.dumps({"format": 1, "kind": "rule", "key": "new", "saved_at": 1,
                                                 "value": {"name": ["x"]}, "base": {}}))  # wrong shape
    (f / "entity-new.json").write_text(json.dumps({"format": 1, "kind": "reply", "key": "9", "saved_at": 1,
                                                   "value": {}, "base": {}}))  # names another draft
    (f / "entity-5.json").write_bytes(b"[" * 200_000)  # nested to blow the parser's stack
    (f / "key_message-new.json").write_bytes(b" " * 1_100_000)  # too large
    secret = tmp_path / "secret.txt"
    secret.write_text("not yours")
    (f / "entity-6.json").symlink_to(secret)  # a planted link: never followed
    os.mkfifo(f / "rule-8.json")  # a pipe: never waited on
    (f / "../../etc.json").resolve().write_text("{}")  # outside the folder: not looked at
    with caplog.at_level(logging.WARNING, logger="orm_desktop.recovery"):
        assert _offer(window, qtbot) == 1  # only the well-formed reply
    ignored = [r.getMessage() for r in caplog.records]
    assert len(ignored) == 7 and all(m.startswith("ignored the kept draft ") and "\n" not in m for m in ignored)
    assert secret.read_text() == "not yours" and secret.exists()
    assert sorted(p.name for p in f.glob("*.damaged")) == sorted(
        f"{n}.damaged" for n in ("reply-7.json", "rule-new.json", "entity-new.json", "entity-5.json",
                                 "key_message-new.json", "entity-6.json", "rule-8.json"))
    _click(_box(window), "Restore")
    assert window.responses.editor.toPlainText() == draft.text + TYPED
    window.drafts.writer.flush()
    assert [p.name for p in f.glob("*.json")] == [f"reply-{draft.id}.json"]  # kept again: still unsaved


def test_the_writer_keeps_only_the_newest_edit_and_a_full_disk_is_one_line(tmp_path, monkeypatch):
    from orm_desktop import atomic
    from orm_desktop.errors import DiskFull
    from orm_desktop.recovery import DraftStore, DraftWriter

    store = DraftStore(tmp_path / "ws", user="maya")
    writer = DraftWriter(store)
    base = {"version": 1, "text": "a", "mention_id": 3}
    for i in range(50):
        writer.save("reply", "4", {"text": f"version {i}"}, base)
    assert writer.flush(5)

    def kept() -> list[str]:
        return [json.loads(p.read_text(encoding="utf-8"))["value"]["text"] for p in store.folder.glob("*.json")]

    assert kept() == ["version 49"]

    def full(*_a, **_k):
        raise DiskFull("cannot write x: the disk is full or the file is too large; nothing was written")

    monkeypatch.setattr(atomic, "atomic_write", full)
    writer.save("reply", "4", {"text": "version 50"}, base)
    assert writer.flush(5)
    assert writer.problem.startswith("cannot write x: the disk is full") and "\n" not in writer.problem
    assert kept() == ["version 49"]  # the last good copy stays
    writer.forget("reply", "4")
    assert writer.close(5) and kept() == []


def test_rendered_reports_leave_no_copy_in_the_temp_folder(window, qtbot, tmp_path, monkeypatch):
    """Every report rendered in the GUI left /tmp/orm-report-XXXX/<kind>-report.pdf behind: the
    last one of each session (never removed at close) and the one in flight when the app was
    killed (6 folders after 6 kills during 'Save PDF'). Now a session removes its own at close, and
    the next start removes those of sessions that are gone."""
    import tempfile

    from orm_desktop.ui.reports_view import ReportsView

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp / f"orm-report-{int(gone.stdout)}-x1y2"  # a killed session's half-written report
    stale.mkdir()
    (stale / "weekly-report.pdf").write_bytes(b"%PDF-1.4 half")
    mine_alive = tmp / f"orm-report-{os.getpid()}-keep"  # a running session's: left alone
    mine_alive.mkdir()
    other = tmp / "orm-report-abc"  # not one of ours by name: left alone
    other.mkdir()
    view = ReportsView(window.svc)  # a new session's view sweeps at start
    qtbot.addWidget(view)
    assert not stale.exists() and mine_alive.exists() and other.exists()
    window.show_page("Reports")
    out = tmp_path / "r.pdf"
    window.reports.save_pdf_to(out)
    qtbot.waitUntil(lambda: out.exists() and window.reports.task is None, timeout=15_000)
    rendered = window.reports.last_pdf.parent
    assert rendered.exists() and rendered.parent == tmp
    window.close()
    assert not rendered.exists()  # closed: its own copy goes too


def test_delivery_settings_are_kept_without_their_secrets_and_come_back(window, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from orm_desktop.ui.deliveries import DeliveriesDialog

    asked = []  # closing with unsaved settings asks; the user answers Discard
    monkeypatch.setattr(QMessageBox, "question", lambda _p, title, *a, **k: asked.append(title) or
                        QMessageBox.StandardButton.Discard)

    dlg = DeliveriesDialog(window.svc, window, runner=window.runner)
    dlg.show()
    dlg.host.setText("smtp.halden.example")
    dlg._add_person({"name": "maya", "email": "maya@halden.example"})
    dlg.password.setText("hunter2-secret")
    path = window.drafts.store.folder / "deliveries-settings.json"
    qtbot.waitUntil(path.exists, timeout=3000)
    window.drafts.writer.flush()
    kept = path.read_text(encoding="utf-8")
    assert "smtp.halden.example" in kept and "maya@halden.example" in kept and "hunter2" not in kept
    saved = json.loads(kept)
    dlg.reject()  # closed without saving (Discard): the edit is discarded, and so is its copy
    assert asked == ["Unsaved delivery settings"]
    qtbot.waitUntil(lambda: not path.exists(), timeout=3000)

    _left_by_a_killed_session(window, "deliveries", "settings", saved["value"], saved["base"])
    assert _offer(window, qtbot) == 1
    _click(_box(window), "Restore")
    back = next(d for d in window.findChildren(DeliveriesDialog) if d.isVisible())
    assert back.host.text() == "smtp.halden.example" and back._text(back.people, 0, 1) == "maya@halden.example"
    assert window.svc.deliveries_config()["smtp"]["host"] != "smtp.halden.example"  # not saved for the user
    back.reject()


def test_a_recovery_folder_planted_as_a_link_is_neither_read_nor_written(tmp_path, caplog):
    from orm_desktop.errors import KnownError
    from orm_desktop.recovery import DraftStore

    elsewhere = DraftStore(tmp_path / "elsewhere", user="maya")
    elsewhere.save("reply", "3", {"text": "planted"}, {"version": 1, "text": "", "mention_id": 2})
    elsewhere.release()
    store = DraftStore(tmp_path / "ws", user="maya")
    store.folder.parent.mkdir(parents=True)
    store.folder.symlink_to(elsewhere.folder)  # a colleague with write access to a shared workspace
    with caplog.at_level(logging.WARNING, logger="orm_desktop.recovery"):
        assert store.pending() == []
    assert [r.getMessage() for r in caplog.records] == [
        f"ignored the kept drafts: {store.folder} is not a folder (a link or a file was put there)"]
    with pytest.raises(KnownError, match="^unsaved edits are not kept: .* is not a folder"):
        store.save("reply", "4", {"text": "mine"}, {"version": 1, "text": "", "mention_id": 2})
    assert sorted(p.name for p in elsewhere.folder.iterdir()) == ["reply-3.json"]  # nothing written through it


def test_the_copies_of_an_app_still_running_on_the_workspace_are_not_offered(tmp_path):
    """A second window on the same workspace (another app instance) offered the first one's live
    copies, and discarding them there removed the copy the first one was keeping."""
    from orm_desktop.recovery import DraftStore

    base = {"version": 1, "text": "", "mention_id": 2}
    running = DraftStore(tmp_path, user="maya")
    running.save("reply", "3", {"text": "being typed"}, base)
    killed = DraftStore(tmp_path, user="maya")
    killed.save("reply", "4", {"text": "typed before the kill"}, base)
    killed._lock_fd and os.close(killed._lock_fd)  # the kernel releases a killed process's lock
    second = DraftStore(tmp_path, user="maya")
    assert [(r.key, r.value["text"]) for r in second.pending()] == [("4", "typed before the kill")]
    assert sorted(p.name for p in second.folder.glob(".session-*")) == [f".session-{running.session}.lock"]
    running.release()  # the first app has ended: its copy is offered now
    assert [r.key for r in second.pending()] == ["3", "4"]


def test_a_slow_disk_never_holds_the_gui_thread(window, qtbot, monkeypatch):
    import threading

    from orm_desktop import atomic

    real, disk = atomic.atomic_write, threading.Event()

    def stuck_disk(*args, **kwargs):  # a network folder that hangs until released
        disk.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(atomic, "atomic_write", stuck_disk)
    view, draft = open_demo_draft(window)
    keeper = window.drafts
    slowest = 0.0
    for i in range(5):
        view.editor.setPlainText(f"{draft.text} edit {i}")
        started = time.perf_counter()
        keeper.tick()
        slowest = max(slowest, time.perf_counter() - started)
    assert slowest < 0.1  # the writer waits for the disk, not the window
    disk.set()
    assert keeper.writer.flush(5)
    kept = json.loads((keeper.store.folder / f"reply-{draft.id}.json").read_text(encoding="utf-8"))
    assert kept["value"]["text"] == f"{draft.text} edit 4"  # the newest, once the disk answers


def test_a_copy_that_cannot_be_written_is_said_once_in_the_window_and_once_in_the_log(window, qtbot, monkeypatch,
                                                                                       caplog):
    from orm_desktop import atomic
    from orm_desktop.errors import DiskFull

    def full(path, *_a, **_k):
        raise DiskFull(f"cannot write {path}: the disk is full or the file is too large; nothing was written")

    monkeypatch.setattr(atomic, "atomic_write", full)
    view, draft = open_demo_draft(window)
    keeper = window.drafts
    with caplog.at_level(logging.WARNING, logger="orm_desktop.recovery"):
        for i in range(3):
            view.editor.setPlainText(f"{draft.text} edit {i}")
            keeper.tick()
            assert keeper.writer.flush(5)
        keeper.tick()
    said = window.statusBar().currentMessage()
    assert said.startswith("Could not keep a copy of your unsaved edits (cannot write ") and "disk is full" in said
    assert len(caplog.records) == 1  # not one a second while the disk stays full
    assert view.editor.toPlainText() == f"{draft.text} edit 2"  # the edit itself is untouched


def test_a_second_recovered_rule_never_replaces_the_first_one_unasked(window, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    saved = window.svc.rules()[0]
    _left_by_a_killed_session(window, "rule", "new", {
        "name": "Recalls", "conditions": {"terms": "recall"}, "actions": {"tag": "recall"}, "enabled": True},
        {"version": None})
    _left_by_a_killed_session(window, "rule", str(saved.id), {
        "name": saved.name + " (edited)", "conditions": saved.conditions, "actions": saved.actions,
        "enabled": saved.enabled}, {"version": saved.version})
    answer, asked = [QMessageBox.StandardButton.Cancel], []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *a, **k: (asked.append(text), answer[0])[1])
    assert _offer(window, qtbot) == 2
    first = _box(window).text()
    _click(_box(window), "Restore")
    qtbot.waitUntil(lambda: _box(window) is not None, timeout=3000)
    _click(_box(window), "Restore")  # the form holds the first one, unsaved: Save / Discard / Cancel
    assert asked and asked[-1].startswith("Save your changes to rule ")
    shown = window.rules.name.text()
    assert shown in first  # Cancel: the first stays in the form...
    assert window.drafts.writer.flush()
    left = window.drafts.store.pending()
    assert len(left) == 1 and left[0].value["name"] != shown  # ...and the second is kept for the next start
    assert window.statusBar().currentMessage().startswith("Not put back now: ")
    answer[0] = QMessageBox.StandardButton.Discard
    assert _offer(window, qtbot) == 1
    _click(_box(window), "Restore")  # Discard: the second one goes into the form
    assert window.rules.name.text() == left[0].value["name"] and window.unsaved_edits() == [
        f"rule {left[0].value['name']}"]


def test_a_rescore_cut_short_is_said_in_the_window_not_only_by_the_cli(demo_service, qtbot):
    """A rescore killed halfway (GUI or CLI) leaves mentions scored by two engines; `check` and
    `info` said so, the window said nothing: its charts mixed the engines without a word."""
    import threading

    from orm_desktop.analysis.rescore import rescore
    from tests.gui_support import open_window

    stop = threading.Event()
    rescore(demo_service.conn, "vader", progress=lambda done, total, _m: done and stop.set(), cancel=stop, batch=50)
    done, total, engine = demo_service.rescore_interrupted_at()
    assert engine == "vader" and 0 < done < total  # as a kill after the first batch leaves it
    window = open_window(qtbot, demo_service)
    said = f"A rescore with vader was cut short: {total - done:,} of {total:,} mentions are still scored by the previous engine"
    assert window.statusBar().currentMessage().startswith(said)
    window.show_page("Settings")
    settings = window.pages["Settings"]
    assert settings.rescore_status.text().startswith(said)
    assert settings.engine.currentText() == "vader"  # one click on "Rescore all mentions" finishes it


def test_a_copy_cut_short_by_a_kill_mid_write_is_cleaned_up(tmp_path):
    """A kill between atomic_write's temporary file and its rename leaves .NAME.XXXX.part behind
    (the copy before it stays whole); the next start removes those older than a minute."""
    from orm_desktop.recovery import DraftStore

    store = DraftStore(tmp_path, user="maya")
    store.save("reply", "3", {"text": "whole"}, {"version": 1, "text": "", "mention_id": 2})
    store.release()
    old, fresh = store.folder / ".reply-3.json.k1l2.part", store.folder / ".reply-3.json.m3n4.part"
    old.write_bytes(b'{"format": 1, "ki')
    fresh.write_bytes(b'{"format": 1, "ki')  # another session's write in progress
    os.utime(old, (time.time() - 120, time.time() - 120))
    assert [r.value["text"] for r in DraftStore(tmp_path, user="maya").pending()] == ["whole"]
    assert not old.exists() and fresh.exists()


def test_an_entity_changed_since_is_not_overwritten_by_its_recovered_form(window, qtbot):
    e = window.svc.entities()[0]
    _left_by_a_killed_session(window, "entity", str(e.id), {
        "kind": e.kind, "name": e.name, "query": e.query, "aliases": [*e.aliases, "Typed alias"],
        "importance": e.importance, "title": e.title}, {"version": e.version})
    window.svc.update_entity(e.id, expected_version=e.version, by="sam", importance=0.3)  # meanwhile
    assert _offer(window, qtbot) == 1
    _click(_box(window), "Restore")
    qtbot.waitUntil(lambda: _box(window, "recovered_draft_changed") is not None, timeout=3000)
    notice = _box(window, "recovered_draft_changed")
    assert notice.text().startswith(f"The entity {e.name} was changed while your edit was unsaved (by sam)")
    assert "Typed alias" in notice.detailedText() and "Typed alias" not in window.entities.aliases.text()
    assert window.svc.entity(e.id).aliases == e.aliases
    notice.accept()


def test_hostile_values_in_a_well_formed_copy_never_take_the_window_down(window, qtbot):
    """Types the shape check lets through (any JSON inside a rule's conditions, numbers out of
    range) are put back as far as they fit, or refused with a notice: never a traceback."""
    from orm_desktop.ui.deliveries import DeliveriesDialog

    _left_by_a_killed_session(window, "rule", "new", {
        "name": "<b>Odd</b>", "conditions": {"topic": 5, "kinds": "x", "entity": [1], "terms": {"a": 1}},
        "actions": {"priority": "high", "tag": None, "status": {"x": 1}}, "enabled": True}, {"version": None})
    _left_by_a_killed_session(window, "entity", "new", {
        "kind": "spaceship", "name": "Huge", "query": "", "aliases": [], "importance": 1e308, "title": ""},
        {"version": None})
    _left_by_a_killed_session(window, "deliveries", "settings", {"config": {"smtp": {"port": "abc"}}},
                              {"config": window.svc.deliveries_config()})
    assert _offer(window, qtbot) == 3
    assert _box(window).text().startswith("Recovered unsaved delivery settings")  # oldest first, then by kind
    _click(_box(window), "Restore")
    qtbot.waitUntil(lambda: _box(window, "recovered_draft_changed") is not None, timeout=3000)
    notice = _box(window, "recovered_draft_changed")
    assert notice.text().startswith("Unsaved delivery settings (mail server, people, webhooks, schedule) from ")
    assert notice.text().endswith(" could not be put back: the kept copy holds a value the form cannot show.")
    notice.accept()
    for _ in range(2):  # the entity, then the rule
        qtbot.waitUntil(lambda: _box(window) is not None, timeout=3000)
        _click(_box(window), "Restore")
    assert window.rules.name.text() == "<b>Odd</b>" and window.rules.priority.value() == -1
    assert window.entities.name.text() == "Huge" and window.entities.importance.value() == 10.0
    assert not any(d.isVisible() for d in window.findChildren(DeliveriesDialog))
    assert window.isVisible()


def _templates_dialog(window):
    from orm_desktop.ui.responses_view import TemplatesDialog

    return next((d for d in window.findChildren(TemplatesDialog) if d.isVisible()), None)


def test_a_template_typed_is_kept_saving_removes_it_and_a_kill_brings_it_back(window, qtbot):
    from orm_desktop.ui.responses_view import TemplatesDialog

    shown = _workspace_template(window.svc)
    dlg = TemplatesDialog(window.svc, "alex", window.responses)
    dlg.reload("our-apology")
    dlg.show()
    dlg.editor.setPlainText(shown + "# call them back\n")
    path = window.drafts.store.folder / "template-our-apology.json"
    window.drafts.tick()  # as its timer does once a second
    assert window.drafts.writer.flush() and path.exists()
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["value"] == {"toml": shown + "# call them back\n"} and saved["base"] == {"version": 1, "toml": shown}
    dlg.save()  # saved: its copy goes
    assert window.svc.template_versions()["our-apology"] == 2
    window.drafts.tick()
    assert window.drafts.writer.flush() and not path.exists()
    dlg.done(0)

    _left_by_a_killed_session(window, "template", "our-apology", {"toml": shown.replace("Our apology", "Sorry")},
                              {"version": 2, "toml": shown})
    assert _offer(window, qtbot) == 1
    assert _box(window).text().startswith("Recovered unsaved changes to the response template our-apology from ")
    _click(_box(window), "Restore")
    back = _templates_dialog(window)
    assert back.current().id == "our-apology" and 'title = "Sorry"' in back.editor.toPlainText()
    assert back.dirty() and window.svc.templates()["our-apology"].title == "Our apology"  # not saved
    assert window.drafts.writer.flush() and path.exists()  # kept again at once: still unsaved
    back.shown = (back.shown[0], back.editor.toPlainText())  # as if saved: closing does not ask
    back.done(0)


def test_a_template_changed_or_removed_since_is_not_overwritten_by_its_recovered_toml(window, qtbot):
    from PySide6.QtWidgets import QApplication

    shown = _workspace_template(window.svc)
    mine = shown + "# mine\n"
    _left_by_a_killed_session(window, "template", "our-apology", {"toml": mine}, {"version": 1, "toml": shown})
    window.svc.save_template(shown.replace("Our apology", "Their apology"), by="alex",
                             expected_versions={"our-apology": 1})  # meanwhile, elsewhere
    assert _offer(window, qtbot) == 1
    _click(_box(window), "Restore")
    qtbot.waitUntil(lambda: _box(window, "recovered_draft_changed") is not None, timeout=3000)
    notice = _box(window, "recovered_draft_changed")
    assert notice.text().startswith("The response template our-apology was changed while your edit was unsaved")
    assert notice.detailedText() == mine == QApplication.clipboard().text()  # shown, not lost
    assert _templates_dialog(window) is None and window.svc.templates()["our-apology"].title == "Their apology"
    notice.accept()

    _left_by_a_killed_session(window, "template", "gone-one", {"toml": mine}, {"version": 1, "toml": shown})
    assert _offer(window, qtbot) == 1
    _click(_box(window), "Restore")
    qtbot.waitUntil(lambda: _box(window, "recovered_draft_changed") is not None, timeout=3000)
    assert _box(window, "recovered_draft_changed").text().startswith("The response template gone-one no longer exists")
    _box(window, "recovered_draft_changed").accept()
    assert window.drafts.writer.flush() and window.drafts.store.pending() == []


def test_settings_typed_are_kept_and_come_back_unsaved(window, qtbot):
    window.show_page("Settings")
    s = window.pages["Settings"]
    stored = window.svc.settings()
    s.brand.setText("Velora Bikes")
    s.status_page.setText("https://status.velora")  # half typed: kept as typed
    s.display_names.user.setCurrentIndex(s.display_names.user.findData("maya"))
    s.display_names.name.setText("Maya O.")
    path = window.drafts.store.folder / "settings-settings.json"
    window.drafts.tick()  # as its timer does once a second
    assert window.drafts.writer.flush() and path.exists()
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["value"]["fields"]["status_page"] == "https://status.velora"
    assert saved["value"]["display_name"] == {"user": "maya", "text": "Maya O."}
    s.load()  # discarded (reloaded): its copy goes
    s.display_names.reload("maya")
    window.drafts.tick()
    assert window.drafts.writer.flush() and not path.exists()

    _left_by_a_killed_session(window, "settings", "settings", saved["value"], saved["base"])
    window.svc.set_settings({"contact": "press@velora.example"})  # meanwhile: a field the copy did not change
    window.show_page("Inbox")
    assert _offer(window, qtbot) == 1
    assert _box(window).text().startswith("Recovered unsaved settings (brand name, status page, a display name) from ")
    _click(_box(window), "Restore")
    assert window.nav.currentItem().text() == "Settings"
    assert (s.brand.text(), s.status_page.text(), s.contact.text()) == (
        "Velora Bikes", "https://status.velora", "press@velora.example")  # theirs kept, mine on top
    assert s.display_names.user.currentData() == "maya" and s.display_names.name.text() == "Maya O."
    assert window.svc.settings()["brand_name"] == stored["brand_name"]  # not saved behind the user's back
    s.status_page.setText("https://status.velora.example/now")
    s.save()  # only what the copy changed is written: the other change stays
    after = window.svc.settings()
    assert (after["brand_name"], after["contact"]) == ("Velora Bikes", "press@velora.example")
    s.display_names.save()
    assert window.drafts.writer.flush()
    window.drafts.tick()
    assert window.drafts.writer.flush() and not path.exists()


def test_settings_changed_since_are_not_overwritten_by_the_recovered_form(window, qtbot):
    s = window.pages["Settings"]
    base = {"fields": s.raw_values(), "versions": dict(s.versions), "display_name": None}
    fields = {**s.raw_values(), "brand_name": "Velora Bikes", "refresh_minutes": 45}
    _left_by_a_killed_session(window, "settings", "settings", {"fields": fields, "display_name": None}, base)
    window.svc.set_settings({"brand_name": "Velora Group"})  # meanwhile, elsewhere
    assert _offer(window, qtbot) == 1
    _click(_box(window), "Restore")
    qtbot.waitUntil(lambda: _box(window, "recovered_draft_changed") is not None, timeout=3000)
    notice = _box(window, "recovered_draft_changed")
    assert notice.text().startswith("Settings › brand name was changed while your edit was unsaved, so unsaved "
                                    "settings (brand name, refresh interval) (kept at ")
    assert '"Velora Bikes"' in notice.detailedText()
    assert s.brand.text() != "Velora Bikes" and s.refresh.value() == 30  # nothing put into the form
    assert (window.svc.settings()["brand_name"], window.svc.settings()["refresh_minutes"]) == ("Velora Group", 30)
    notice.accept()
    assert window.drafts.writer.flush() and window.drafts.store.pending() == []


def test_a_hostile_settings_or_template_copy_is_refused_with_a_notice_and_fills_nothing(window, qtbot):
    """Values the shape check lets through (a number for a user name, a count Qt's spin box
    overflows on, a text for a count) never take the window down nor half fill the form."""
    s = window.pages["Settings"]
    shown = s.raw_values()
    base = {"fields": shown, "versions": dict(s.versions), "display_name": None}
    _left_by_a_killed_session(window, "settings", "settings", {
        "fields": {**shown, "brand_name": "Odd <b>", "refresh_minutes": 10**15, "sla_hours": {"P1": "x"}},
        "display_name": {"user": 5, "text": None}}, base)
    assert _offer(window, qtbot) == 1
    _click(_box(window), "Restore")
    qtbot.waitUntil(lambda: _box(window, "recovered_draft_changed") is not None, timeout=3000)
    notice = _box(window, "recovered_draft_changed")
    assert notice.text().startswith("The user 5 no longer exists, so unsaved settings (brand name, refresh "
                                    "interval, response times, a display name) from ")
    notice.accept()
    _left_by_a_killed_session(window, "settings", "settings", {
        "fields": {**shown, "brand_name": "Odd <b>", "refresh_minutes": 10**15}, "display_name": None}, base)
    assert _offer(window, qtbot) == 1
    _click(_box(window), "Restore")
    qtbot.waitUntil(lambda: _box(window, "recovered_draft_changed") is not None, timeout=3000)
    assert _box(window, "recovered_draft_changed").text().endswith(
        " could not be put back: the kept copy holds a value the form cannot show.")
    _box(window, "recovered_draft_changed").accept()
    assert s.raw_values() == shown and window.isVisible()  # nothing half put back


def _kept_text(window) -> str:
    """Everything kept on disk for this workspace (the copies, and any half-written one)."""
    folder = window.drafts.store.folder
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in folder.glob("*") if p.is_file())


@pytest.fixture
def discard_yes(monkeypatch) -> list[str]:
    """Cancel on a changed short form asks "Discard changes?" (ui/widgets.GuardedDialog): Yes."""
    from PySide6.QtWidgets import QMessageBox

    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, title, text, *a, **k: asked.append(text) or
                        QMessageBox.StandardButton.Yes)
    return asked


def test_an_add_feed_dialog_typed_is_kept_and_comes_back_unsaved(window, qtbot, discard_yes):
    """The Add feed dialog was lost on a kill (measured: its URL typed into the real app, SIGKILL,
    nothing offered at the next start)."""
    from orm_desktop.ui.manage import FeedDialog

    window.show_page("Feeds")
    url = "https://news.halden.example/feed.xml"
    d = FeedDialog(window.feeds)
    d.show()
    window.drafts.tick()
    assert window.drafts.writer.flush() and not _kept_text(window)  # as it opened: nothing to keep
    d.url.setText(url)
    d.title.setText("Halden news")
    d.kind.setCurrentText("blog")
    d.weight.setValue(2.5)
    path = window.drafts.store.folder / "feed-new.json"
    window.drafts.tick()  # as its timer does once a second
    assert window.drafts.writer.flush() and path.exists()
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["value"] == {"url": url, "title": "Halden news", "kind": "blog", "category": "", "weight": 2.5}
    d.reject()  # cancelled ("Discard changes?" Yes): the copy goes
    window.drafts.tick()
    assert window.drafts.writer.flush() and not path.exists()

    _left_by_a_killed_session(window, "feed", "new", saved["value"], saved["base"])
    assert _offer(window, qtbot) == 1
    assert _box(window).text().startswith(f"Recovered a feed being added that was not saved ({url}) from ")
    _click(_box(window), "Restore")
    back = next(x for x in window.findChildren(FeedDialog) if x.isVisible())
    assert (back.url.text(), back.title.text(), back.kind.currentText(), back.weight.value()) == (
        url, "Halden news", "blog", 2.5)
    assert url not in [f.url for f in window.svc.feeds()]  # not added behind the user's back
    assert window.drafts.writer.flush() and path.exists()  # kept again at once: still not added
    back.accept()  # OK: added now
    assert url in [f.url for f in window.svc.feeds()]
    window.drafts.tick()
    assert window.drafts.writer.flush() and not path.exists()

    _left_by_a_killed_session(window, "feed", "new", saved["value"], saved["base"])  # added before the kill
    assert _offer(window, qtbot) == 0  # the same as stored: forgotten unasked
    assert window.drafts.writer.flush() and not path.exists()


def test_a_user_being_added_is_kept_without_its_passphrase_and_comes_back(window, qtbot, discard_yes):
    """The Add a user dialog was lost on a kill too; its passphrase must never reach the disk."""
    from orm_desktop.ui.identity import AddUserDialog

    window.show_page("Responses")
    secret = "hunter2-halden-passphrase"
    d = AddUserDialog(window.svc, window.runner, window.responses)
    d.show()
    d.name.setText("halden-ops")
    d.display.setText("Halden Ops")
    d.approver.setChecked(False)
    d.passphrase.setText(secret)
    d.again.setText(secret)
    path = window.drafts.store.folder / "user-new.json"
    window.drafts.tick()
    assert window.drafts.writer.flush() and path.exists()
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["value"] == {"name": "halden-ops", "display_name": "Halden Ops", "author": True, "approver": False}
    assert secret not in _kept_text(window) and "hunter2" not in _kept_text(window)
    d.reject()
    window.drafts.tick()
    assert window.drafts.writer.flush() and not path.exists()

    _left_by_a_killed_session(window, "user", "new", saved["value"], saved["base"])
    assert _offer(window, qtbot) == 1
    assert _box(window).text().startswith("Recovered a user being added that was not saved (halden-ops) from ")
    _click(_box(window), "Restore")
    back = next(x for x in window.findChildren(AddUserDialog) if x.isVisible())
    assert (back.name.text(), back.display.text(), back.author.isChecked(), back.approver.isChecked()) == (
        "halden-ops", "Halden Ops", True, False)
    assert back.passphrase.text() == "" and back.again.text() == ""  # asked again: never kept
    assert "halden-ops" not in [u.name for u in window.svc.users()]
    back.passphrase.setText(secret)
    back.again.setText(secret)
    window.drafts.tick()
    assert window.drafts.writer.flush() and path.exists() and secret not in _kept_text(window)
    back.create()  # OK: the key is made in the worker, then the user is added
    qtbot.waitUntil(lambda: "halden-ops" in [u.name for u in window.svc.users()], timeout=20_000)
    assert window.responses.me() == "halden-ops"  # working as the new user, as after Add a user…
    window.drafts.tick()
    assert window.drafts.writer.flush() and not path.exists()


def test_an_edit_feed_dialog_typed_is_kept_and_comes_back_only_onto_the_same_feed(window, qtbot, discard_yes):
    """The Edit feed dialog was lost on a kill too (a new title and kind typed, SIGKILL: nothing
    offered). Put back into an Edit feed dialog of that feed, unsaved; not onto a feed that
    someone changed or removed since."""
    from orm_desktop.ui.manage import FeedDialog

    def title_of(window, fid: int) -> str:
        return next(f.title for f in window.svc.feeds() if f.id == fid)

    window.show_page("Feeds")
    feed = window.svc.feeds()[0]
    d = FeedDialog(window.feeds, feed)
    d.show()
    window.drafts.tick()
    assert window.drafts.writer.flush() and not _kept_text(window)  # as it opened: nothing to keep
    d.title.setText("Renamed by hand")
    d.kind.setCurrentText("review" if feed.kind != "review" else "blog")
    path = window.drafts.store.folder / f"feed-{feed.id}.json"
    window.drafts.tick()
    assert window.drafts.writer.flush() and path.exists()
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["base"] == {"version": feed.version} and saved["value"]["title"] == "Renamed by hand"
    d.reject()
    window.drafts.tick()
    assert window.drafts.writer.flush() and not path.exists()

    _left_by_a_killed_session(window, "feed", str(feed.id), saved["value"], saved["base"])
    assert _offer(window, qtbot) == 1
    assert _box(window).text().startswith(f"Recovered unsaved changes to the feed #{feed.id} (")
    _click(_box(window), "Restore")
    back = next(x for x in window.findChildren(FeedDialog) if x.isVisible())
    assert back.feed.id == feed.id and back.title.text() == "Renamed by hand"
    assert title_of(window, feed.id) == feed.title  # not saved behind the user's back
    back.accept()  # OK: saved now
    qtbot.waitUntil(lambda: title_of(window, feed.id) == "Renamed by hand", timeout=5000)
    window.drafts.tick()
    assert window.drafts.writer.flush() and not path.exists()

    # saved before the kill: forgotten unasked; changed by someone since: said, nothing put back
    _left_by_a_killed_session(window, "feed", str(feed.id), saved["value"], saved["base"])
    assert _offer(window, qtbot) == 0
    assert window.drafts.writer.flush() and not path.exists()  # forgotten (by the writer's thread)
    other = dict(saved["value"], title="Another title")
    _left_by_a_killed_session(window, "feed", str(feed.id), other, saved["base"])  # base: the old version
    assert _offer(window, qtbot) == 1
    _click(_box(window), "Restore")
    qtbot.waitUntil(lambda: _box(window, "recovered_draft_changed") is not None, timeout=3000)
    assert "the feed was changed since" in _box(window, "recovered_draft_changed").text()
    _box(window, "recovered_draft_changed").accept()
    assert title_of(window, feed.id) == "Renamed by hand"
