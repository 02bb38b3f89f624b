"""A pass over the command line and the reports as a new user and as an adversary (branch
clipass): each test is a defect it found. Cheap: in-process where the entry point allows it."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from orm_desktop.atomic import atomic_write
from orm_desktop.errors import KnownError
from tests.conftest import one_line


def test_an_output_that_is_a_pipe_is_written_through_not_replaced_by_a_file(tmp_path):
    # `report --out /dev/null` as root replaced the device node /dev/null with a regular file
    # (a rename over it); a FIFO shows the same without touching /dev
    fifo = tmp_path / "out.pdf"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader is there before the write
    try:
        atomic_write(fifo, b"%PDF-1.4 report")
        assert os.read(reader, 100) == b"%PDF-1.4 report"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["out.pdf"]  # no temporary file left


def test_a_file_name_too_long_is_a_known_error_for_every_writer(tmp_path):
    # the GUI's Save PDF reached atomic_write with a 5,000-character name: an OSError it
    # reported as "cannot read the rendered report"
    with pytest.raises(KnownError, match="cannot write .*xxx…: File name too long"):
        atomic_write(tmp_path / ("x" * 5000), b"%PDF-1.4 report")
    assert list(tmp_path.iterdir()) == []


def test_a_pipe_nobody_reads_is_refused_at_once(tmp_path):
    fifo = tmp_path / "out.pdf"
    os.mkfifo(fifo)
    with pytest.raises(KnownError, match="no process is reading"):
        atomic_write(fifo, b"x")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_symlink_planted_at_the_output_is_not_written_through_to_a_device(tmp_path):
    # the write-through above followed a symlink: `out.pdf -> /dev/watchdog` (or /dev/mem) planted
    # in a shared folder had a report written into the device as root; now only the path itself
    # (or the process's own /dev/stdout) is written through, and a planted link to a device or a
    # pipe is refused
    from orm_desktop.errors import UsageError

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        for target in (Path(os.devnull), fifo):
            link = tmp_path / "out.pdf"
            link.symlink_to(target)
            with pytest.raises(UsageError, match="not a regular file"):
                atomic_write(link, b"%PDF-1.4 report")
            assert link.is_symlink()
            link.unlink()
        assert os.read(reader, 100) == b""  # nothing reached the pipe
    finally:
        os.close(reader)


@pytest.fixture
def cli(tmp_path, capsys):
    """`orm-desktop ARGS` in this process (the real entry point, without a subprocess's start-up):
    returns (exit code, stdout, stderr)."""
    from orm_desktop.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code
        out, err = capsys.readouterr()
        return code, out, err

    return run




@pytest.fixture
def ws(tmp_path) -> Path:
    from orm_desktop import workspace as wsmod

    return wsmod.create(tmp_path / "ws").root


@pytest.mark.parametrize("args", [
    ["mark", "99999999999999999999999", "read"],
    ["override", "-99999999999999999999", "0.5"],
    ["mentions", "--limit", "99999999999999999999"],
])
def test_an_integer_sqlite_cannot_hold_is_a_usage_error(cli, ws, args):
    code, _out, err = cli("--workspace", str(ws), *args)
    assert code == 2
    assert "out of range" in one_line(err)


@pytest.mark.parametrize("args", [
    ["entities", "add", "brand", "Ac\udcffme"],  # what Python makes of the bytes b"Ac\xffme" in argv
    ["report", "--kind", "weekly", "--out", "r\udce9.pdf"],
])
def test_an_argument_that_is_not_utf8_is_refused_before_anything_runs(cli, ws, args):
    code, _out, err = cli("--workspace", str(ws), *args)
    assert code == 2
    assert "is not UTF-8" in one_line(err)
    assert not list(ws.parent.glob("r*.pdf"))


@pytest.mark.parametrize("content", ["fifo", "/dev/zero"])
def test_a_checkpoint_that_is_a_pipe_or_dev_zero_is_refused_not_waited_for(cli, ws, tmp_path, content):
    # `audit verify --checkpoint /dev/zero` read without end; a FIFO hung it for good
    path = tmp_path / "cp.json"
    if content == "fifo":
        os.mkfifo(path)
    else:
        path = Path(content)
    code, _out, err = cli("--workspace", str(ws), "audit", "verify", "--checkpoint", str(path))
    assert code == 2
    assert "not a regular file" in one_line(err)


def test_export_key_writes_a_file_only_its_owner_reads_and_a_bad_path_is_one_line(cli, demo_root, tmp_path,
                                                                                     monkeypatch):
    from tests.conftest import copy_workspace

    ws = copy_workspace(demo_root, tmp_path / "demo")
    monkeypatch.setenv("ORM_DESKTOP_PASSPHRASE", "demo-alex")
    for bad in (tmp_path, tmp_path / "missing" / "k.key"):  # a folder, a missing folder: tracebacks
        code, _out, err = cli("--workspace", str(ws), "users", "export-key", "alex", "--out", str(bad))
        assert code == 2
        one_line(err)
    code, _out, err = cli("--workspace", str(ws), "users", "export-key", "alex", "--out", str(tmp_path / "k.key"))
    assert code == 0, err
    assert stat.S_IMODE(os.stat(tmp_path / "k.key").st_mode) == 0o600  # it was 0644
    assert json.loads((tmp_path / "k.key").read_text())["format"] == "orm-desktop-key"


def test_a_report_is_not_written_when_its_audit_entry_cannot_be(cli, ws, tmp_path, monkeypatch, qapp):
    # another process holds the database: `report` wrote the PDF, then failed on its audit entry
    # (exit 1, "busy"): a report out of the laptop that the audit log does not know
    import sqlite3

    from orm_desktop.store import db

    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 100)  # the wait for the lock, not what follows it
    holder = sqlite3.connect(ws / "orm.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code, _out, err = cli("--workspace", str(ws), "report", "--kind", "weekly", "--out", str(tmp_path / "w.pdf"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 1
    assert "busy" in one_line(err)
    assert not (tmp_path / "w.pdf").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name != "ws"] == []  # no temporary file either
    code, out, err = cli("--workspace", str(ws), "report", "--kind", "weekly", "--out", str(tmp_path / "w.pdf"))
    assert code == 0, err
    assert (tmp_path / "w.pdf").read_bytes().startswith(b"%PDF")
    code, out, err = cli("--workspace", str(ws), "audit", "export")
    assert out.count('"report.export"') == 1, out


def test_the_reports_page_saves_no_pdf_when_its_audit_entry_cannot_be_written(warned, qtbot, demo_service, tmp_path,
                                                                              monkeypatch):
    # the page copied the PDF to NAME.part, renamed it, then recorded the export: a busy database
    # left a saved, unaudited PDF and an unhandled DatabaseLocked in the GUI's callback
    import sqlite3

    from orm_desktop.ui.reports_view import ReportsView

    view = ReportsView(demo_service)
    qtbot.addWidget(view)
    demo_service.conn.execute("PRAGMA busy_timeout=100")
    holder = sqlite3.connect(demo_service.ws.root / "orm.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    target = tmp_path / "out" / "gui.pdf"
    target.parent.mkdir()
    try:
        view.save_pdf_to(target)
        qtbot.waitUntil(lambda: bool(warned), timeout=10_000)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "busy" in warned[0]
    assert list(target.parent.iterdir()) == []


def test_the_page_header_elides_a_long_subtitle_instead_of_drawing_it_over_the_brand(qapp):
    # an executive's long title made the right-aligned subtitle run over "Brand · Personal brand
    # report" on every page after the cover (seen at 50 dpi with pdftoppm)
    from PySide6.QtGui import QFont, QFontMetrics

    from orm_desktop.reports.render import header_line

    fm = QFontMetrics(QFont("DejaVu Sans", 8))
    width, gap = 700, 20
    left, right = header_line(fm, "Acme · Personal brand report",
                              "\u202eCEO\u202c " + "y" * 300 + " · 01 Nov 2026 – 30 Nov 2026", width, gap=gap)
    assert left == "Acme · Personal brand report"
    assert fm.horizontalAdvance(left) + gap + fm.horizontalAdvance(right) <= width
    assert right.startswith("CEO y") and right.endswith("30 Nov 2026") and "…" in right
    left, right = header_line(fm, "B" * 400, "01 Nov 2026 – 30 Nov 2026", width, gap=gap)
    assert fm.horizontalAdvance(left) <= width // 2 and right == "01 Nov 2026 – 30 Nov 2026"


def test_an_executive_report_with_a_long_title_prints_an_elided_header(demo_service, tmp_path):
    from pypdf import PdfReader

    from orm_desktop.reports.render import to_pdf

    maya = next(e for e in demo_service.entities() if e.name == "Maya Lindqvist")
    demo_service.update_entity(maya.id, title="Chief " + "y" * 180)
    d = demo_service.report_data("executive", entity="Maya Lindqvist")
    assert to_pdf(d, tmp_path / "e.pdf") >= 2
    header = PdfReader(str(tmp_path / "e.pdf")).pages[1].extract_text()
    assert "y" * 180 not in header and "…" in header


def test_a_report_period_of_thousands_of_years_is_refused_at_once(cli, ws, tmp_path):
    # --from 0001-01-01 --to 9999-12-31: a 3.65-million-day series and a bar per day, 31.8 s
    code, _out, err = cli("--workspace", str(ws), "report", "--kind", "weekly", "--from", "0001-01-01",
                          "--to", "9999-12-31", "--out", str(tmp_path / "w.pdf"))
    assert code == 2
    assert "at most 3,660 days" in one_line(err)
    assert not (tmp_path / "w.pdf").exists()


def test_a_crisis_report_given_only_its_start_uses_it(demo_service):
    # `report --kind crisis --from D` ignored D and reported around the latest alert instead
    import time

    now = int(time.time())
    since = now - 5 * 86400
    d = demo_service.report_data("crisis", since=since, now=now)
    assert d.since == since and d.until > now
    assert all(since <= t[0] < d.until for t in d.timeline)


def test_a_json_feed_with_an_escaped_lone_surrogate_is_stored_not_a_crash_of_every_refresh(cli, ws):
    # JSON allows "\ud800"; the refresh died of a UnicodeEncodeError writing the feed's items (a
    # traceback, nothing stored, and the same at every refresh of every feed until it was removed)
    from tests.feedserver import FeedServer

    body = ('{"version": "https://jsonfeed.org/version/1.1", "title": "JF \\ud800 source", "items": ['
            '{"id": "1", "url": "https://x.example/1", "title": "Acme news \\udcff today",'
            ' "content_text": "Acme \\ud800 again", "date_published": "2026-11-29T10:00:00Z"},'
            '{"id": "2", "url": "https://x.example/2", "title": "Acme plain", "content_text": "Acme"}]}')
    with FeedServer() as server:
        server.routes["/feed.json"] = (200, {"Content-Type": "application/feed+json"}, body.encode())
        assert cli("--workspace", str(ws), "entities", "add", "brand", "Acme", "--query", "Acme")[0] == 0
        assert cli("--workspace", str(ws), "feeds", "add", server.url("/feed.json"))[0] == 0
        code, out, err = cli("--workspace", str(ws), "fetch", "--json")
    assert code == 0, err
    assert json.loads(out)["new_items"] == 2
    code, out, _err = cli("--workspace", str(ws), "mentions", "--format", "json")
    assert sorted(m["title"] for m in json.loads(out)) == ["Acme news \ufffd today", "Acme plain"]


def test_a_bundle_or_rules_file_escaping_a_lone_surrogate_is_refused_in_one_line(cli, ws, tmp_path):
    # a colleague's bundle with "\ud800" in a setting was imported, and every later bundle export
    # (and a chain check meeting one in the audit data) died of a UnicodeEncodeError traceback
    from orm_desktop import workspace as wsmod

    assert cli("--workspace", str(ws), "export-bundle", str(tmp_path / "b.json"))[0] == 0
    b = json.loads((tmp_path / "b.json").read_text())
    b["settings"]["contact"] = "care\ud800@acme.example"
    (tmp_path / "b.json").write_text(json.dumps(b))  # ensure_ascii: written as the escape \ud800
    new = wsmod.create(tmp_path / "new").root
    code, _out, err = cli("--workspace", str(new), "import-bundle", str(tmp_path / "b.json"))
    assert code == 2
    assert "lone surrogate" in one_line(err)
    (tmp_path / "r.json").write_text('[{"name": "x\\udcff", "enabled": true, "conditions": {}, "actions": {}}]')
    code, _out, err = cli("--workspace", str(new), "rules", "import", str(tmp_path / "r.json"))
    assert code == 2
    assert "lone surrogate" in one_line(err)


def test_help_says_what_the_program_is_to_a_user_not_how_the_module_is_built(cli):
    # `--help` began "`orm-desktop` entry point: argparse, one module per command group under ``cli/``."
    code, out, _err = cli("--help")
    assert code == 0
    assert "online reputation management" in out and "Exit codes" in out
    assert "argparse" not in out and "cli/" not in out


@pytest.mark.parametrize("entity, needle", [("Kinetiq", "is a competitor"), ("Nobody", "no entity 'Nobody'")])
def test_a_weekly_report_for_an_entity_that_is_not_a_brand_is_refused_not_the_brands(demo_service, entity, needle):
    # `report --kind weekly --entity Kinetiq` (or Nobody) printed Velora's weekly report, exit 0
    with pytest.raises(KnownError, match=needle):
        demo_service.report_data("weekly", entity=entity)
    assert demo_service.report_data("weekly", entity="velora").brand == "Velora"


@pytest.mark.parametrize("args, needle", [
    (["feeds", "edit", "1", "--weight", "nan"], "not a finite number"),
    (["feeds", "edit", "1", "--weight", "1e308"], "at most 100"),
    (["entities", "edit", "Acme", "--importance", "inf"], "not a finite number"),
    (["rules", "add", "r", "--set-sentiment", "nan"], "not a finite number"),
])
def test_a_float_argument_that_is_not_a_finite_number_in_range_is_a_usage_error(cli, ws, args, needle):
    # --weight nan and --importance nan died of an IntegrityError traceback (SQLite stores NaN as
    # NULL); --weight 1e308 was stored
    assert cli("--workspace", str(ws), "feeds", "add", "https://example.org/feed.xml")[0] == 0
    assert cli("--workspace", str(ws), "entities", "add", "brand", "Acme", "--query", "Acme")[0] == 0
    code, _out, err = cli("--workspace", str(ws), *args)
    assert code == 2
    assert needle in one_line(err)


def test_the_service_refuses_a_weight_or_importance_that_is_nan(empty_service):
    # the same through the facade the GUI uses (the parser is only the command line's door)
    empty_service.add_entity("brand", "Acme", "Acme", match_existing=False)
    with pytest.raises(KnownError, match="importance"):
        empty_service.update_entity(empty_service.entity("Acme").id, importance=float("nan"))
    with pytest.raises(KnownError, match="weight"):
        empty_service.add_feed("https://example.org/feed.xml", weight=float("nan"))


@pytest.mark.parametrize("name", ["a\tb", "eve\u202egnp.exe", "\x1b[31mred", "a" * 201,
                                  # "maya<U+200B>" reads as "maya" in the log and approval files:
                                  # a second identity passing for the first
                                  "maya\u200b", "ma\ufeffya", "ma\u00adya"])
def test_a_user_name_with_a_control_character_or_too_long_is_refused(empty_service, name):
    # taken before (entity names already refused the same): shown in lists, histories, approval
    # files and the audit log
    with pytest.raises(KnownError, match="user's name"):
        empty_service.add_user(name, ["author"])
    assert empty_service.users() == [] or all(u.name != name for u in empty_service.users())


@pytest.mark.both_backends  # the store's new entity clause runs on PostgreSQL too
def test_a_crisis_reports_responses_are_its_entitys_not_every_entitys(demo_service):
    # the crisis report of Kinetiq (no response to any of its mentions) printed "Sent 1, Open 2":
    # the demo's responses to Velora, Velora Arc and Maya Lindqvist
    import time

    since = int(time.time()) - 7 * 86400
    everyone = demo_service.response_kpis(since, int(time.time()) + 86400)
    assert everyone["sent"] + everyone["open"] >= 1  # the period does hold responses
    d = demo_service.report_data("crisis", entity="Kinetiq", since=since)
    assert (d.responses["sent"], d.responses["open"], d.responses["overdue"]) == (0, 0, 0)


def test_the_overdue_count_says_it_is_counted_when_printed(demo_service, tmp_path):
    # the Responses table's "Overdue mentions" is today's count, also in a report of an earlier week
    import time

    from pypdf import PdfReader

    from orm_desktop.reports.render import to_pdf

    until = int(time.time()) - 7 * 86400
    to_pdf(demo_service.report_data("weekly", since=until - 14 * 86400, until=until), tmp_path / "w.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(str(tmp_path / "w.pdf")).pages)
    assert "Overdue mentions (when printed)" in " ".join(text.split())


def test_a_report_of_hostile_items_fetches_nothing_and_shows_no_markup(cli, ws, tmp_path):
    # <img src=http://127.0.0.1:PORT/...> in a title and a body must not be requested while the
    # reports are rendered (the PDF must not depend on, or tell, a remote server)
    from pypdf import PdfReader

    from tests.feedserver import FeedServer

    with FeedServer() as server:
        img = f'<img src=\\"{server.url("/pixel.png")}\\">'
        items = ",".join(
            f'{{"id": "{i}", "url": "https://x.example/{i}", "title": "Acme <b>bold</b> {img} #{i} is terrible",'
            f' "content_html": "<p>Acme is awful. {img}</p>", "date_published": "2026-11-2{i}T10:00:00Z"}}'
            for i in range(3))
        body = f'{{"version": "https://jsonfeed.org/version/1.1", "title": "Src {img}", "items": [{items}]}}'
        server.routes["/feed.json"] = (200, {"Content-Type": "application/feed+json"}, body.encode())
        cli("--workspace", str(ws), "entities", "add", "brand", "Acme", "--query", "Acme")
        cli("--workspace", str(ws), "feeds", "add", server.url("/feed.json"))
        assert cli("--workspace", str(ws), "fetch")[0] == 0
        fetched = dict(server.hits)
        for kind in ("weekly", "crisis"):
            code, _out, err = cli("--workspace", str(ws), "report", "--kind", kind, "--from", "2026-11-19",
                                  "--to", "2026-11-30", "--out", str(tmp_path / f"{kind}.pdf"))
            assert code == 0, err
        assert dict(server.hits) == fetched == {"/feed.json": 1}  # nothing asked for by the renderer
    text = " ".join(PdfReader(str(tmp_path / "crisis.pdf")).pages[1].extract_text().split())
    assert "Acme bold #0 is terrible" in text and "<img" not in text and "pixel" not in text


def test_approval_decide_names_a_wrong_file_before_asking_for_the_passphrase(cli, tmp_path, monkeypatch):
    # a folder or a missing file was reported only after the passphrase, and a wrong one hid it
    monkeypatch.setenv("ORM_DESKTOP_PASSPHRASE", "not-the-passphrase")
    for path, needle in ((tmp_path, "is a directory"), (tmp_path / "nope.json", "no such file")):
        code, _out, err = cli("--workspace", str(tmp_path / "none"), "approval", "decide", str(path), "--as", "maya",
                              "--approve")
        assert code == 2
        assert needle in one_line(err)


@pytest.mark.parametrize("kind", ["file", "fifo"])
def test_init_on_a_file_refuses_and_leaves_the_file_where_it_was(cli, tmp_path, kind):
    # `init -w notes.txt` said "File exists", then removed notes.txt as the new folder of a failed
    # create (as root, `init -w /dev/null` removed /dev/null)
    target = tmp_path / "notes.txt"
    if kind == "file":
        target.write_text("precious")
    else:
        os.mkfifo(target)
    code, _out, err = cli("--workspace", str(target), "init")
    assert code == 1
    assert "it is a file, not a folder" in one_line(err)
    assert target.read_text() == "precious" if kind == "file" else stat.S_ISFIFO(os.lstat(target).st_mode)


@pytest.fixture
def tiny_disk(tmp_path):
    """A 200 KiB tmpfs (as root; skipped where it cannot be mounted), unmounted afterwards."""
    import subprocess

    mnt = tmp_path / "tiny"
    mnt.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(mnt)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_init_on_a_full_disk_is_one_line_and_leaves_nothing(cli, tiny_disk):
    # the failed COMMIT of a migration had rolled back already; the second ROLLBACK raised
    # "cannot rollback - no transaction is active", a traceback hiding the full disk
    code, _out, err = cli("--workspace", str(tiny_disk / "ws"), "init")
    assert code == 1
    assert "full" in one_line(err)
    assert list(tiny_disk.iterdir()) == []


def test_a_snapshot_on_a_full_disk_names_the_snapshot_not_the_workspace(cli, tiny_disk, demo_root, tmp_path):
    # it said "the disk holding the workspace is full (…/.snap.part-PID/orm.db)": the wrong disk, and a
    # folder the user never named
    from tests.conftest import copy_workspace

    ws = copy_workspace(demo_root, tmp_path / "ws")
    code, _out, err = cli("--workspace", str(ws), "team", "snapshot", "--days", "3650", str(tiny_disk / "snap"))
    assert code == 1
    line = one_line(err)
    assert f"cannot write {tiny_disk / 'snap'}: the disk is full" in line and "workspace" not in line, line
    assert list(tiny_disk.iterdir()) == []


def test_a_workspace_path_too_long_for_the_system_is_one_line(cli, tmp_path):
    code, _out, err = cli("--workspace", str(tmp_path / ("a" * 300)), "init")
    assert code == 2
    assert "too long" in one_line(err)


@pytest.mark.parametrize("key, value", [("brand_name", "Acme\x1b[2J"), ("contact", "care\u202e@acme.example")])
def test_a_brand_name_or_contact_with_a_control_character_is_refused(cli, ws, tmp_path, key, value):
    # stored and printed raw by `settings get` (an ESC[2J cleared the terminal), from the command
    # line and from a colleague's bundle alike
    code, _out, err = cli("--workspace", str(ws), "settings", "set", key, value)
    assert code == 2
    assert "control character" in one_line(err)
    assert cli("--workspace", str(ws), "export-bundle", str(tmp_path / "b.json"))[0] == 0
    b = json.loads((tmp_path / "b.json").read_text())
    b["settings"][key] = value
    (tmp_path / "b.json").write_text(json.dumps(b))
    from orm_desktop import workspace as wsmod

    new = wsmod.create(tmp_path / "new").root
    code, _out, err = cli("--workspace", str(new), "import-bundle", str(tmp_path / "b.json"))
    assert code == 2
    assert "control character" in one_line(err)


def test_a_feeds_terminal_escapes_never_reach_the_terminal(cli, ws):
    # a JSON Feed titled "Evil ESC]0;PWNED BEL ESC[31m" (and an item "Acme ESC[2J") set the
    # terminal's title and colours through `fetch`'s progress line and `rules add --dry-run`
    from tests.feedserver import FeedServer

    body = ('{"version": "https://jsonfeed.org/version/1.1", "title": "Evil \\u001b]0;PWNED\\u0007 \\u001b[31mRED",'
            ' "items": [{"id": "1", "url": "https://x.example/1", "title": "Acme \\u001b[2J cleared",'
            ' "content_text": "Acme ok", "date_published": "2026-11-29T10:00:00Z"}]}')
    with FeedServer() as server:
        server.routes["/feed.json"] = (200, {"Content-Type": "application/feed+json"}, body.encode())
        cli("--workspace", str(ws), "entities", "add", "brand", "Acme", "--query", "Acme")
        cli("--workspace", str(ws), "feeds", "add", server.url("/feed.json"))
        outputs = [cli("--workspace", str(ws), "fetch"), cli("--workspace", str(ws), "fetch")]  # 2nd: the title
    outputs.append(cli("--workspace", str(ws), "rules", "add", "r", "--entity", "Acme", "--status", "read",
                       "--dry-run"))
    assert "RED" in outputs[1][2] and "cleared" in outputs[2][1]  # the texts are there...
    for _code, out, err in outputs:
        assert "\x1b" not in out + err and "\x07" not in out + err  # ...their escapes are not


def test_an_output_named_by_an_open_descriptor_is_written_through(tmp_path):
    # `report --out /dev/stdout > r.pdf` renamed the PDF over the /dev/stdout link itself (as
    # root); /dev/fd/N shows the same path safely (before, a temporary file in /proc/self/fd failed)
    target = tmp_path / "r.pdf"
    with open(target, "wb") as fh:
        atomic_write(f"/dev/fd/{fh.fileno()}", b"%PDF-1.4 report")
    assert target.read_bytes() == b"%PDF-1.4 report"
    assert os.path.islink("/dev/fd") or os.path.isdir("/dev/fd")  # still what it was


def test_report_to_stdout_writes_the_pdf_alone_on_stdout(cli, ws, tmp_path, monkeypatch, qapp):
    # `report --out /dev/stdout > r.pdf` appended "wrote /dev/stdout: 2 pages ..." to the PDF
    import sys

    cli("--workspace", str(ws), "entities", "add", "brand", "Acme", "--query", "Acme")
    with open(tmp_path / "r.pdf", "w") as stdout:
        monkeypatch.setattr(sys, "stdout", stdout)  # what a shell's `> r.pdf` gives the command
        code, _out, err = cli("--workspace", str(ws), "report", "--kind", "weekly", "--out", f"/dev/fd/{stdout.fileno()}")
    assert code == 0, err
    assert "wrote /dev/fd/" in err
    data = (tmp_path / "r.pdf").read_bytes()
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_mentions_and_alerts_on_an_empty_workspace_say_why_on_stderr(cli, ws, fmt):
    # they printed a header line and nothing else: no hint that the workspace is simply empty
    for cmd in ("mentions", "alerts"):
        code, out, err = cli("--workspace", str(ws), cmd, "--format", fmt)
        assert code == 0
        assert "no entities yet" in one_line(err), (cmd, err)
        if fmt == "json":
            assert json.loads(out) == []
        elif fmt == "csv":
            assert len(out.splitlines()) == 1 and out.startswith("id,")


def test_mentions_and_alerts_matching_nothing_say_the_filters_match_none(cli, demo_root, tmp_path):
    from tests.conftest import copy_workspace

    ws = str(copy_workspace(demo_root, tmp_path / "ws"))
    code, out, err = cli("--workspace", ws, "mentions", "--search", "zzyzx-nowhere", "--format", "json")
    assert code == 0 and json.loads(out) == []
    line = one_line(err)
    assert "match" in line and "filters" in line, line
    code, out, err = cli("--workspace", ws, "mentions", "--format", "json", "--limit", "1")
    assert code == 0 and len(json.loads(out)) == 1 and err == ""  # rows: nothing said
    code, out, err = cli("--workspace", ws, "alerts", "--entity", "Kinetiq", "--format", "csv")
    assert code == 0 and out.splitlines() == ["id,entity,kind,from,to,observed,expected,status"]
    assert "no spike" in one_line(err) and "Kinetiq" in err and "--detect" in err


@pytest.mark.parametrize("lookalike", ["Maya", "MAYA", "m\u0430ya", "\uff4daya"])  # case, Cyrillic a, fullwidth m
def test_a_user_name_that_would_pass_for_an_existing_one_is_refused(empty_service, lookalike):
    # the log, approval files and `users list` show names: a second identity "Maya" or "m<Cyrillic a>ya"
    # beside "maya" read as maya approving (docs/security.md: on a solo workspace the log is what tells)
    empty_service.add_user("maya", ["approver"])
    with pytest.raises(KnownError, match="already exists|would pass for|mixes"):
        empty_service.add_user(lookalike, ["approver"])
    assert [u.name for u in empty_service.users()] == ["maya"]


def test_names_in_one_script_a_word_stay_allowed(empty_service):
    for name, display in (("jorg", "Jörg Müller"), ("ivan", "Ivan Петров"), ("aiko", "田中 愛子")):
        empty_service.add_user(name, ["author"], display_name=display)
    assert sorted(u.name for u in empty_service.users()) == ["aiko", "ivan", "jorg"]


def test_mentions_as_csv_and_json_print_priorities_as_people_read_them(demo_root, tmp_path, cli, monkeypatch):
    # crisis mode adds 100 to the priorities and takes it off again: a spreadsheet of the inbox
    # then showed priorities like 9.289999999999992
    from tests.conftest import copy_workspace, passphrase_of

    ws = str(copy_workspace(demo_root, tmp_path / "ws"))
    monkeypatch.setenv("ORM_DESKTOP_PASSPHRASE", passphrase_of("alex"))
    for action in ("on", "off"):
        assert cli("--workspace", ws, "crisis", action, "Velora", "--as", "alex")[0] == 0
    code, out, _err = cli("--workspace", ws, "mentions", "--format", "json", "--entity", "Velora", "--limit", "1000")
    priorities = [r["priority"] for r in json.loads(out)]
    assert code == 0 and len(priorities) > 100
    assert all(p == round(p, 2) for p in priorities), [p for p in priorities if p != round(p, 2)][:3]


def test_a_command_run_in_process_leaves_pythons_ctrl_c_handler_as_it_was(tmp_path, cli):
    # main() catches the second Ctrl+C of a command (cli._interrupt_once); called by a process
    # that goes on (a script, this test run), it left its own handler installed after returning
    import signal

    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert cli("--workspace", str(tmp_path / "ws"), "init")[0] == 0
    assert cli("--workspace", str(tmp_path / "ws"), "mentions", "--sentiment", "nonsense")[0] == 2
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
