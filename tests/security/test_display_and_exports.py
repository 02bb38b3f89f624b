"""Findings 12 and 14: CSV formula injection, bidi/control characters in titles, evidence export
checks, and an interrupted rescore that must be resumed or reported."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from orm_desktop.errors import UsageError
from orm_desktop.service import Service
from tests.feedserver import FeedServer
from tests.security.test_hostile_feeds import _mention_linking_to
from tests.test_safety import kill_rescore_after_first_batch

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
           "\tTAB=1", "\rCR=1"]


def _titles(svc, titles: list[str]) -> None:
    c = svc.conn
    ids = list(dict.fromkeys(m.item_id for m in svc.mentions(limit=100)))[:len(titles)]
    for iid, t in zip(ids, titles, strict=True):
        c.execute("UPDATE items SET title = ? WHERE id = ?", (t, iid))


# -- 12: CSV formula injection ---------------------------------------------------------------
def test_csv_export_neutralises_formula_cells(demo_service, run_cli):
    _titles(demo_service, HOSTILE)
    r = run_cli("mentions", "--format", "csv", "--limit", "0", workspace=demo_service.ws.root)
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    titles = {row["title"] for row in rows}
    for t in HOSTILE:
        t = t.replace("\r", "\n")  # the csv reader reads a quoted CR back as a newline
        assert t not in titles and "'" + t in titles  # OWASP: a leading apostrophe, the text kept
    assert all(not v.startswith(("=", "+", "@", "\t", "\r")) for row in rows for v in row.values())
    assert any(row["sentiment"].startswith("-") for row in rows)  # numbers stay numbers


def test_csv_cell_helper_for_every_export():
    from orm_desktop.textsafe import csv_cell

    assert [csv_cell(t) for t in HOSTILE] == ["'" + t for t in HOSTILE]
    assert csv_cell(-0.5) == -0.5 and csv_cell("Acme recall") == "Acme recall" and csv_cell(None) is None



# a comma CSV opened by a spreadsheet in a semicolon locale (German Excel, LibreOffice) is split at
# every ';' (and at a line break inside a quoted cell, since the quotes no longer pair up there):
# 'Acme;=HYPERLINK(...)' became the cells 'Acme' and a live formula
SPLIT = ['Acme;=HYPERLINK("http://evil.example","x")', 'Acme; =1+1', 'Acme;"=cmd|\' /C calc\'!A0"',
         "Acme;+1+2", "Acme;-2+3;@SUM(A1)", "Acme\n=1+1", "Acme\r\n@SUM(A1)", "Acme\t=1+1", "Acme;;=1+1",
         'Acme,=HYPERLINK("http://evil.example","x")']


def _cells(text: str, delimiter: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) for c in row]


def test_csv_cells_stay_text_when_a_semicolon_spreadsheet_splits_them():
    from orm_desktop.cli._common import emit

    rows = [{"id": i, "title": t, "sentiment": -0.5, "tags": [t, "=2+2"]} for i, t in enumerate(SPLIT + HOSTILE)]
    out = io.StringIO()
    emit(rows, "csv", ["id", "title", "sentiment", "tags"], out=out)
    text = out.getvalue()
    for delimiter in (",", ";", "\t"):
        for cell in _cells(text, delimiter):
            bare = cell.lstrip(' "')
            if bare.startswith(("=", "+", "-", "@", "\t", "\r")):
                assert bare == "-0.5", (delimiter, cell)  # the number: a number
    parsed = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["title"].replace("'", "") for r in parsed] == [t.replace("'", "") for t in SPLIT + HOSTILE]  # text kept


# -- 14: bidi and control characters shown neutralised ---------------------------------------
def test_right_to_left_override_is_neutralised_in_the_cli_table(demo_service, run_cli):
    spoof = "Invoice \u202eexe.fdp\u202c and \u2066hidden\u2069 \x1b[31mred\x1b[0m"
    _titles(demo_service, [spoof])
    r = run_cli("mentions", "--limit", "0", workspace=demo_service.ws.root)
    assert r.returncode == 0
    for ch in ("\u202e", "\u202c", "\u2066", "\u2069", "\x1b"):
        assert ch not in r.stdout
    assert "exe.fdp" in r.stdout
    j = run_cli("mentions", "--limit", "0", "--format", "json", workspace=demo_service.ws.root)
    assert any(m["title"] == spoof for m in json.loads(j.stdout))  # data formats keep the data as stored


# -- 14: evidence export checks every file of the manifest -----------------------------------
def _captured_page(svc) -> int:
    """A mention whose linked page (served on 127.0.0.1) has been captured as evidence."""
    from orm_desktop.evidence import capture

    svc.set_setting("allow_private_addresses", ["127.0.0.1"])
    with FeedServer() as server:
        server.routes["/page"] = (200, {"Content-Type": "text/html"}, b"<p>Acme page</p>")
        mid = _mention_linking_to(svc, server, server.url("/page"))
        capture(svc.conn, svc.ws.evidence, mid, by="t")
    return mid


@pytest.mark.parametrize("column", ["text", "headers"])
def test_evidence_export_refuses_when_any_file_no_longer_matches(empty_service, tmp_path, column):
    from orm_desktop.evidence import export

    svc = empty_service
    mid = _captured_page(svc)
    svc.conn.execute(f"UPDATE evidence SET {column} = ? WHERE kind = 'page'",
                     ("forged text",) if column == "text" else ('{"x-forged": "1"}',))
    with pytest.raises(UsageError, match="no longer matches"):
        export(svc.conn, svc.ws.evidence, mid, tmp_path / "e.zip", by="t")
    assert not (tmp_path / "e.zip").exists()


# -- 14: a killed rescore is resumed, and reported until then --------------------------------
def test_a_killed_rescore_is_reported_and_resumed(demo_service, run_cli):
    ws = demo_service.ws
    demo_service.close()
    kill_rescore_after_first_batch(ws.root)
    for cmd in ("check", "info"):
        r = run_cli(cmd, workspace=ws.root)
        assert "rescore with vader was interrupted" in r.stdout and "rescore --engine vader" in r.stdout, r.stdout
    svc = Service.open(ws.root)
    total = svc.count_mentions()
    calls = []
    from orm_desktop.analysis.rescore import rescore, status

    marker = svc.settings()["rescore_in_progress"]
    committed = svc.conn.execute("SELECT count(*) FROM mentions WHERE id <= ?", (marker["last_id"],)).fetchone()[0]
    assert committed >= 50
    assert rescore(svc.conn, "vader", progress=lambda d, t, m: calls.append(d), batch=50) == total
    assert calls[0] == committed + 50  # resumed after the committed batches, not started over
    assert status(svc.conn) == ""
    engines = {r[0] for r in svc.conn.execute("SELECT DISTINCT engine FROM mentions")}
    assert engines == {"vader"}
    svc.close()
    assert "interrupted" not in run_cli("check", workspace=ws.root).stdout


def test_right_to_left_override_is_neutralised_in_the_gui_inbox(demo_service, qtbot):
    from PySide6.QtCore import Qt

    from orm_desktop.types import MentionFilter
    from orm_desktop.ui.inbox import MentionModel

    spoof = "Refund \u202etxt.exe\u202c \u2067x\u2069"
    _titles(demo_service, [spoof])
    model = MentionModel(demo_service)
    model.set_filter(MentionFilter())
    shown = [model.data(model.index(r, 3), Qt.ItemDataRole.DisplayRole) for r in range(model.rowCount())]
    assert any("txt.exe" in s for s in shown)
    assert not any(ch in s for s in shown for ch in "\u202e\u202c\u2067\u2069")


def test_right_to_left_override_is_neutralised_in_the_gui_detail_pane(demo_service, qtbot):
    from orm_desktop.ui.detail import DetailPane

    spoof = "Refund \u202etxt.exe\u202c"
    _titles(demo_service, [spoof])
    mid = next(m.id for m in demo_service.mentions(limit=100) if m.title == spoof)
    pane = DetailPane(demo_service)
    qtbot.addWidget(pane)
    pane.show_mention(mid)
    shown = pane.browser.toPlainText()
    assert "txt.exe" in shown and "\u202e" not in shown and "\u202c" not in shown


def test_evidence_verify_checks_every_file_of_an_export(empty_service, tmp_path, run_cli):
    import zipfile

    from orm_desktop.evidence import export

    svc = empty_service
    mid = _captured_page(svc)
    out = export(svc.conn, svc.ws.evidence, mid, tmp_path / "e.zip", by="t")
    r = run_cli("evidence", "verify", str(out))
    assert r.returncode == 0 and "6 file(s) checked, 0 problem(s)" in r.stdout, r.stdout + r.stderr
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(forged, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info.filename, b'{"x-forged": "1"}' if info.filename.endswith("page/headers.json") else data)
    r = run_cli("evidence", "verify", str(forged))
    assert r.returncode == 1 and "MISMATCH" in r.stdout and "headers.json" in r.stdout
