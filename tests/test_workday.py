"""Issue 12, the workflow half: a working day without a surprise.

Refresh does what it says (6), a broken OPML never alters feeds (7), no demo content in a real
workspace (8), first run (9) and the CLI items of 10. CLI through the real entry point, feeds on
a real 127.0.0.1 server, GUI on real widgets (offscreen).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.feedserver import FeedServer


def rss(*items: tuple[str, str], title: str = "Acme Watch") -> bytes:
    body = "".join(f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid>"
                   "<pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate></item>" for t, link in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"{body}</channel></rss>").encode()


@pytest.fixture
def served(tmp_path):
    """A real feed server over a folder the test may rewrite (ETag follows the content)."""
    folder = tmp_path / "served"
    folder.mkdir()
    (folder / "acme.xml").write_bytes(rss(("Acme opens a plant", "https://news.example/1")))
    (folder / "other.xml").write_bytes(rss(("Weather today", "https://other.example/1"), title="Other"))
    with FeedServer(folder) as server:
        server.folder = folder
        yield server


def new_ws(ws: Path, *urls: str, competitor: str = "", fetch: bool = False) -> None:
    """Set-up in process (what is under test goes through the CLI): brand Acme and feeds."""
    from orm_desktop.service import Service

    svc = Service.create(ws)
    svc.add_entity("brand", "Acme")
    if competitor:
        svc.add_entity("competitor", competitor)
    for url in urls:
        svc.add_feed(url)
    if fetch:
        svc.fetch()
    svc.close()


# -- 6. Refresh does not refresh ------------------------------------------------------------------
def test_plain_fetch_asks_every_enabled_feed_and_due_fetch_says_it_skipped(run_cli, served, tmp_path):
    ws = tmp_path / "ws"
    new_ws(ws, served.url("/static/acme.xml"), served.url("/etag/other.xml"))
    r = run_cli("fetch", workspace=ws)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("fetched all 2 enabled feeds: 2 ok") and "2 new items" in r.stdout
    # a new item on a served feed a few minutes later: the feeds are not "due" for 30 minutes
    served.folder.joinpath("acme.xml").write_bytes(rss(("Acme opens a plant", "https://news.example/1"),
                                                       ("Acme recalls a kettle", "https://news.example/2")))
    r = run_cli("fetch", "--json", workspace=ws)
    s = json.loads(r.stdout)
    assert (s["scope"], s["feeds"], s["new_items"], s["not_modified"]) == ("all", 2, 1, 1)  # 304 keeps it cheap
    assert served.hits["/static/acme.xml"] == 2 and served.hits["/etag/other.xml"] == 2
    # the timer's kind of refresh fetches what is due and says so
    r = run_cli("fetch", "--due", workspace=ws)
    assert r.returncode == 0
    assert r.stdout.strip() == "no feed was due (2 enabled feeds not due yet): nothing fetched"
    assert served.hits["/static/acme.xml"] == 2
    assert "(all feeds)" in run_cli("info", workspace=ws).stdout.splitlines()[-1]


def test_refresh_now_fetches_everything_and_the_timer_does_not_claim_a_refresh(qtbot, served, tmp_path):
    from orm_desktop.service import Service
    from orm_desktop.ui.main_window import MainWindow
    from orm_desktop.ui.tasks import TaskRunner

    svc = Service.create(tmp_path / "ws")
    svc.add_entity("brand", "Acme")
    svc.add_feed(served.url("/static/acme.xml"))
    svc.fetch()
    svc.conn.execute("UPDATE fetch_runs SET finished = finished - 3600")  # the last refresh, an hour ago
    svc.set_setting("last_full_refresh", svc.setting("last_full_refresh") - 3600)
    served.folder.joinpath("acme.xml").write_bytes(rss(("Acme opens a plant", "https://news.example/1"),
                                                       ("Acme recalls a kettle", "https://news.example/2")))
    TaskRunner().wait(60_000)  # background work of earlier tests' windows (one pool for all runners)
    win = MainWindow(svc)
    qtbot.addWidget(win)
    before = win.health.text()
    messages: list[str] = []
    win.statusBar().messageChanged.connect(messages.append)

    win.refresh(quiet=True)  # what the timer does: nothing is due, nothing is fetched
    qtbot.waitUntil(lambda: win.refresh_task is None, timeout=60_000)
    assert any("no feed was due" in m and "nothing fetched" in m for m in messages), messages
    assert win.health.text() == before  # "Last refresh" did not move forward
    assert served.hits["/static/acme.xml"] == 1

    action = next(a for a in win.findChildren(type(win.exec_mode)) if a.text() == "&Refresh now")
    assert action.shortcut().toString() == "Ctrl+R"
    action.trigger()  # "Refresh now" / Ctrl+R
    qtbot.waitUntil(lambda: win.refresh_task is None, timeout=60_000)
    assert any(m.startswith("Refresh: fetched all 1 enabled feed: 1 ok") and "1 new items" in m
               for m in messages), messages
    assert served.hits["/static/acme.xml"] == 2
    assert "(all feeds)" in win.health.text() and win.health.text() != before
    win.runner.wait(10_000)
    svc.close()


# -- 7. A malformed OPML changes existing feeds and exits 0 ------------------------------------
def test_a_broken_opml_never_alters_existing_feeds_and_exits_1(run_cli, served, tmp_path):
    ws = tmp_path / "ws"
    url = served.url("/static/acme.xml")
    from orm_desktop.service import Service

    new_ws(ws)
    svc = Service.open(ws)
    svc.add_feed(url, title="Acme Watch", weight=3)
    svc.fetch()
    svc.close()
    broken = tmp_path / "broken.opml"  # an unclosed outline reusing the existing URL, plus a new feed
    broken.write_text(f'<opml version="2.0"><body><outline text="x" xmlUrl="{url}">'
                      '<outline text="New" xmlUrl="https://new.example/rss"/></body></opml>')
    r = run_cli("feeds", "import", str(broken), workspace=ws)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "not well-formed" in r.stderr and "left unchanged" in r.stderr and "Traceback" not in r.stderr
    feeds = {f["url"]: f for f in json.loads(run_cli("feeds", "list", "--format", "json", workspace=ws).stdout)}
    assert (feeds[url]["title"], feeds[url]["weight"]) == ("Acme Watch", 3.0)
    assert "https://new.example/rss" in feeds  # the readable new outline is still imported
    sources = {m["source"] for m in json.loads(run_cli("mentions", "--format", "json", workspace=ws).stdout)}
    assert sources == {"Acme Watch"}


def test_opml_declaring_windows_1251_is_decoded_with_it(run_cli, tmp_path):  # issue 18, defect 8
    from orm_desktop.ingest.opml import parse_opml

    doc = ('<?xml version="1.0" encoding="windows-1251"?><opml version="2.0"><body>'
           '<outline text="Новости"><outline text="Лента" xmlUrl="https://lenta.example/rss"/></outline>'
           "</body></opml>").encode("cp1251")
    r = parse_opml(doc)
    assert [(f.title, f.category) for f in r.feeds] == [("Лента", "Новости")] and not r.problems
    path = tmp_path / "ru.opml"
    path.write_bytes(doc)
    ws = tmp_path / "ws"
    assert run_cli("init", workspace=ws).returncode == 0
    assert run_cli("feeds", "import", str(path), workspace=ws).returncode == 0
    listed = json.loads(run_cli("feeds", "list", "--format", "json", workspace=ws).stdout)
    assert [(f["title"], f["category"]) for f in listed] == [("Лента", "Новости")]


# -- 10. the CLI and docs items -------------------------------------------------------------------
@pytest.fixture
def fetched_ws(run_cli, served, tmp_path):
    """A small non-demo workspace: brand Acme, competitor Globex, one mention on 23 Nov 2026."""
    ws = tmp_path / "ws"
    new_ws(ws, served.url("/static/acme.xml"), competitor="Globex", fetch=True)
    return ws


def test_to_dates_are_inclusive_and_inverted_ranges_refused(run_cli, fetched_ws, tmp_path):
    r = run_cli("mentions", "--until", "2026-11-23", "--format", "json", workspace=fetched_ws)
    assert [m["title"] for m in json.loads(r.stdout)] == ["Acme opens a plant"]  # published 23 Nov, 10:00
    r = run_cli("report", "--kind", "weekly", "--from", "2026-11-17", "--to", "2026-11-23",
                "--out", str(tmp_path / "w.pdf"), workspace=fetched_ws)
    assert r.returncode == 0, r.stderr
    assert "17 Nov 2026 – 23 Nov 2026" in r.stdout
    for args in (["mentions", "--since", "2026-11-23", "--until", "2026-11-01"],
                 ["report", "--kind", "weekly", "--from", "2026-11-23", "--to", "2026-11-01", "--out", "x.pdf"]):
        r = run_cli(*args, workspace=fetched_ws)
        assert r.returncode == 2 and "the period is empty" in r.stderr, r.stdout + r.stderr


def test_cli_refuses_what_it_cannot_do_with_exit_2(run_cli, fetched_ws, tmp_path):
    r = run_cli("report", "--kind", "executive", "--entity", "Globex", "--out", str(tmp_path / "e.pdf"),
                workspace=fetched_ws)
    assert r.returncode == 2 and "Globex is a competitor" in r.stderr
    assert not (tmp_path / "e.pdf").exists()
    r = run_cli("fetch", "--feed", "999", workspace=fetched_ws)
    assert r.returncode == 2 and "no feed with id 999" in r.stderr
    r = run_cli("info", workspace=tmp_path / "nowhere")
    assert r.returncode == 2 and "orm-desktop init" in r.stderr and "Traceback" not in r.stderr
    # the README's `crisis status ENTITY` is what the CLI accepts
    r = run_cli("crisis", "status", "Acme", workspace=fetched_ws)
    assert r.returncode == 0 and r.stdout.strip() == "Acme: not in crisis mode"
    assert run_cli("crisis", "status", "Nobody", workspace=fetched_ws).returncode == 2


# -- 8. Demo content leaks into real workspaces ------------------------------------------------
def test_a_new_workspace_starts_neutral_and_its_voice_is_editable_from_the_cli(run_cli, fetched_ws):
    from orm_desktop.responses import workflow
    from orm_desktop.service import Service
    from tests.conftest import passphrase_of, user_key

    ws = fetched_ws
    r = run_cli("key-messages", "list", "--format", "json", workspace=ws)
    assert r.returncode == 0 and json.loads(r.stdout) == []  # no e-bike key messages
    svc = Service.open(ws)
    workflow.add_user(svc.conn, "alex", ("author",), by="test", key=user_key("alex"))
    mention = svc.mentions()[0]
    svc.close()
    # the brand entity names the brand until the setting does; contact and status page are settings
    assert run_cli("settings", "set", "contact", "press@acme.example", workspace=ws).returncode == 0
    r = run_cli("settings", "set", "status_page", "status.acme", workspace=ws)
    assert r.returncode == 2 and "http" in r.stderr
    r = run_cli("settings", "set", "status_page", "https://status.acme.example", workspace=ws)
    assert r.returncode == 0, r.stderr
    r = run_cli("draft", str(mention.id), "--as", "alex", "--template", "service-failure-apology", "--json",
                workspace=ws, env={"ORM_DESKTOP_PASSPHRASE": passphrase_of("alex")})
    assert r.returncode == 0, r.stderr
    text = json.loads(r.stdout)["text"]
    assert "publish an update at https://status.acme.example" in text  # {status_page}, not the critic's URL
    assert mention.url not in text
    assert "Acme customers" in text and "press@acme.example" in text and "⟦brand⟧" not in text
    # key messages: add, edit, remove
    r = run_cli("key-messages", "add", "We never sell customer data.", "--topic", "privacy_security",
                "--as", "alex", workspace=ws, env={"ORM_DESKTOP_PASSPHRASE": passphrase_of("alex")})
    assert r.returncode == 0 and r.stdout.strip() == "added key message 1"
    assert run_cli("key-messages", "edit", "1", "--text", "We never sell or share customer data.",
                   workspace=ws).returncode == 0
    listed = json.loads(run_cli("key-messages", "list", "--format", "json", workspace=ws).stdout)
    assert listed == [{"id": 1, "topic": "privacy_security", "text": "We never sell or share customer data."}]
    assert run_cli("key-messages", "remove", "1", workspace=ws).returncode == 0
    assert run_cli("key-messages", "remove", "1", workspace=ws).returncode == 2
    assert run_cli("settings", "get", "contact", workspace=ws).stdout.strip() == "press@acme.example"


def test_settings_page_edits_status_page_and_key_messages_and_the_title_names_the_brand(qtbot, tmp_path):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton

    from orm_desktop.service import Service
    from orm_desktop.ui.main_window import MainWindow

    svc = Service.create(tmp_path / "ws")
    svc.add_entity("brand", "Acme")
    win = MainWindow(svc)
    qtbot.addWidget(win)
    assert win.windowTitle().startswith("Acme — ORM Desktop")
    settings = win.pages["Settings"]
    settings.brand.setText("Acme Corp")
    settings.status_page.setText("https://status.acme.example")
    editor = settings.key_messages
    assert editor.list.count() == 0
    editor.topic.setCurrentIndex(editor.topic.findData("customer_service"))
    editor.text.setText("Every customer deserves a fast, personal answer.")
    qtbot.mouseClick(next(b for b in editor.findChildren(QPushButton) if b.text() == "Add"), Qt.MouseButton.LeftButton)
    assert svc.key_messages() == [(1, "customer_service", "Every customer deserves a fast, personal answer.")]
    settings.save()
    assert svc.setting("status_page") == "https://status.acme.example"
    assert win.windowTitle().startswith("Acme Corp — ORM Desktop")


# -- 9. First run ---------------------------------------------------------------------------------
def test_an_empty_workspace_opens_the_onboarding_wizard_with_live_query_checks(qtbot, tmp_path):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWizard

    from orm_desktop.service import Service
    from orm_desktop.ui.main_window import MainWindow

    svc = Service.create(tmp_path / "ws")
    win = MainWindow(svc)
    qtbot.addWidget(win)
    win.show()
    win.maybe_onboard()  # what the app does when a window opens
    wiz = win.onboarding
    qtbot.waitUntil(wiz.isVisible)
    brand = wiz.brand
    brand.name.setText("Acme")
    assert brand.query.text() == '"Acme"' and brand.isComplete()
    brand.query.setText('"Acme Corp" OR')  # validated as you type, Next refuses
    assert "position" in brand.error.text() and not brand.isComplete()
    assert not wiz.button(QWizard.WizardButton.NextButton).isEnabled()
    brand.query.setText('"Acme Corp" OR Acme -"Acme anvil"')
    brand.contact.setText("press@acme.example")
    brand.status_page.setText("https://status.acme.example")
    wiz.next()
    wiz.executives.set_row(0, "Jane Doe", "CEO")
    assert wiz.executives.text(0, wiz.executives.qcol) == '"Jane Doe" OR (Doe AND "Acme")'  # generated from the name
    wiz.executives.set_row(1, "Raj Patel", "CFO", query='"Raj Patel" AND (')
    assert "Raj Patel" in wiz.executives.errors.text() and not wiz.executives.isComplete()
    wiz.executives.set_row(1, "Raj Patel", "CFO", query='"Raj Patel" AND (Acme OR CFO)')
    assert wiz.executives.isComplete()
    wiz.next()
    wiz.competitors.set_row(0, "Globex")
    wiz.next()
    feeds = wiz.feeds
    assert feeds.list.count() >= 10  # the default list, all ticked
    feeds.check_all(False)
    feeds.list.item(0).setCheckState(Qt.CheckState.Checked)  # one search feed: expanded per entity
    wiz.next()
    wiz.replies.text.setPlainText("customer_service: Every customer deserves a fast, personal answer.\n"
                                  "We never sell customer data.")
    with qtbot.waitSignal(win.switch_workspace, timeout=5000):
        wiz.button(QWizard.WizardButton.FinishButton).click()
    assert [(e.kind, e.name) for e in svc.entities()] == [
        ("brand", "Acme"), ("executive", "Jane Doe"), ("executive", "Raj Patel"), ("competitor", "Globex")]
    assert svc.entity("Raj Patel").query == '"Raj Patel" AND (Acme OR CFO)' and svc.entity("Jane Doe").title == "CEO"
    assert len(svc.feeds()) == 4 and all("{query}" not in f.url for f in svc.feeds())
    assert (svc.setting("brand_name"), svc.setting("contact"), svc.setting("status_page")) == (
        "Acme", "press@acme.example", "https://status.acme.example")
    assert [m[1:] for m in svc.key_messages()] == [
        ("", "We never sell customer data."), ("customer_service", "Every customer deserves a fast, personal answer.")]
    win.maybe_onboard()  # not again once the workspace has entities
    assert not win.onboarding.isVisible()


def test_without_a_display_the_gui_says_so_in_one_line(run_cli, tmp_path):
    r = run_cli(workspace=tmp_path / "ws", env={"DISPLAY": "", "WAYLAND_DISPLAY": "", "QT_QPA_PLATFORM": ""})
    assert r.returncode == 2, r.stderr
    assert r.stderr.count("\n") == 1 and "needs a display" in r.stderr
    assert "xcb" not in r.stderr and "Traceback" not in r.stderr


def test_the_gui_and_the_cli_agree_on_the_current_workspace(run_cli, demo_root, tmp_path):
    from tests.conftest import copy_workspace

    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "QT_QPA_PLATFORM": "offscreen"}
    copy_workspace(demo_root, tmp_path / "data" / "orm-desktop" / "demo")  # what `./run.sh` made on first run
    r = run_cli("--smoke-test", env=env)
    assert r.returncode == 0, r.stderr
    r = run_cli("info", env=env)
    assert r.returncode == 0, r.stderr
    assert f"workspace: {tmp_path / 'data' / 'orm-desktop' / 'demo'}" in r.stdout and "offline demo" in r.stdout
    r = run_cli("init", env=env)  # a real workspace then takes over, for both
    assert r.returncode == 0 and str(tmp_path / "data" / "orm-desktop" / "workspace") in r.stdout
    assert "offline demo" not in run_cli("info", env=env).stdout
