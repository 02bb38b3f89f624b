"""Findings 6, 7 and 10: a bundle from someone else is validated whole, imported all or nothing,
never writes beside itself, and cannot weaken a policy or plant bad settings unnoticed."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from orm_desktop.bundle import export_bundle, import_bundle
from orm_desktop.errors import UsageError
from orm_desktop.service import Service
from orm_desktop.store import audit

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bundle_text(tmp_path_factory, demo_root) -> str:
    """A real bundle exported from the demo workspace (its feeds repointed to https)."""
    from tests.conftest import act_as, copy_workspace

    ws = copy_workspace(demo_root, tmp_path_factory.mktemp("src") / "ws")
    svc = Service.open(ws)
    svc.conn.execute("UPDATE feeds SET url = 'https://feeds.example/' || id || '.xml'")
    act_as(svc, "sam")  # acting as sam needs sam's key (findings 1-4)
    svc.override_sentiment([svc.mentions(limit=1)[0].id], -0.4, by="sam")
    out = ws.parent / "demo.ormbundle"
    export_bundle(svc, out, by="sam")
    svc.close()
    return out.read_text()


def write(tmp_path: Path, payload: dict, name: str = "b.json") -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(payload))
    return p


def is_empty(svc) -> bool:
    c = svc.conn
    return not (svc.entities() or svc.feeds() or c.execute("SELECT 1 FROM audit_log").fetchone()
                or c.execute("SELECT 1 FROM users").fetchone() or c.execute("SELECT 1 FROM rules").fetchone())


# -- 6: never write beside the input file -----------------------------------------------------
def test_import_never_writes_through_a_symlink_planted_beside_the_bundle(empty_service, tmp_path, bundle_text):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    folder = tmp_path / "inbox"
    folder.mkdir()
    bundle = folder / "X.json"
    bundle.write_text(bundle_text)
    (folder / "X.opml.tmp").symlink_to(victim)
    before = sorted(p.name for p in folder.iterdir())
    import_bundle(empty_service, bundle, by="t")
    assert victim.read_text() == "precious"
    assert sorted(p.name for p in folder.iterdir()) == before and (folder / "X.opml.tmp").is_symlink()


# -- 7: all or nothing, and a retry works -----------------------------------------------------
@pytest.mark.parametrize("break_it, message", [
    (lambda p: p["entities"][-1].update(query='"unclosed'), "entities"),
    (lambda p: p["entities"][0].update(query="(" * 1000 + "a" + ")" * 1000), "nests"),
    (lambda p: p["entities"][1].update(importance="high"), "importance"),
    (lambda p: p["users"].append({"name": "x", "roles": "superuser"}), "roles"),
    (lambda p: p["templates"].append({"id": "t", "body": "not = [toml"}), "templates"),
])
def test_a_bad_field_imports_nothing_and_the_fixed_bundle_then_imports(empty_service, tmp_path, bundle_text,
                                                                       break_it, message):
    payload = json.loads(bundle_text)
    break_it(payload)
    with pytest.raises(UsageError, match=message):
        import_bundle(empty_service, write(tmp_path, payload), by="t")
    assert is_empty(empty_service)
    counts = import_bundle(empty_service, write(tmp_path, json.loads(bundle_text), "good.json"), by="t")
    assert counts["entities"] == 7 and len(empty_service.feeds()) > 0


def test_a_bundle_in_a_folder_where_nothing_can_be_written_imports(empty_service, tmp_path, bundle_text):
    """Before: the import wrote X.opml.tmp beside the bundle and failed half-way where it could
    not (here that name is taken by a folder; root ignores read-only permissions)."""
    folder = tmp_path / "readonly"
    folder.mkdir()
    (folder / "X.opml.tmp").mkdir()
    bundle = folder / "X.json"
    bundle.write_text(bundle_text)
    assert import_bundle(empty_service, bundle, by="t")["entities"] == 7
    assert len(empty_service.feeds()) > 0


def test_a_failure_in_the_middle_leaves_the_workspace_empty(empty_service, tmp_path, bundle_text):
    payload = json.loads(bundle_text)
    payload["users"].append(payload["users"][0])  # passes the field checks, fails when the second is added
    with pytest.raises(UsageError, match="already exists"):
        import_bundle(empty_service, write(tmp_path, payload), by="t")  # after entities, feeds and users
    assert is_empty(empty_service)


def test_a_killed_import_leaves_the_workspace_empty_and_a_retry_works(empty_service, tmp_path, bundle_text):
    ws = empty_service.ws.root
    bundle = tmp_path / "b.json"
    bundle.write_text(bundle_text)
    empty_service.close()
    code = ("import sys, time\n"
            "from orm_desktop.service import Service\n"
            "from orm_desktop.responses import workflow as wf\n"
            "from orm_desktop.bundle import import_bundle\n"
            "real = wf.add_user\n"
            "def slow(*a, **k):\n"
            "    real(*a, **k)\n"
            "    print('inside', flush=True)\n"
            "    time.sleep(30)\n"
            "wf.add_user = slow\n"
            "from pathlib import Path\n"
            "import_bundle(Service.open(Path(sys.argv[1])), Path(sys.argv[2]), by='t')\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(ws), str(bundle)], stdout=subprocess.PIPE, text=True,
                            cwd=ROOT)
    assert proc.stdout.readline().strip() == "inside"  # entities, feeds and a user are written by now
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    svc = Service.open(ws)
    assert is_empty(svc)
    assert import_bundle(svc, bundle, by="t")["users"] == 5
    svc.close()


# -- 10: settings, overrides and policies from a bundle ---------------------------------------
@pytest.mark.parametrize("key, value", [
    ("brand_color", "red'><img src='file:///etc/secret.png'>"),
    ("sla_hours", "soon"),
    ("sla_hours", {"P1": -5, "P2": 8, "P3": 24, "P4": 72}),
    ("topics", {"topics": {"x": {"keywords": "not a list"}}}),
    ("topics", ["a"]),
    ("refresh_minutes", -1),  # 0 is "never" (the Settings page and `settings set` offer it)
    ("sentiment_engine", "../../evil"),
    ("allow_self_approval", "yes"),
    ("allow_private_addresses", ["not-an-address"]),
])
def test_a_bad_setting_is_refused_by_name(empty_service, tmp_path, bundle_text, key, value):
    payload = json.loads(bundle_text)
    payload["settings"][key] = value
    with pytest.raises(UsageError, match=f"settings.{key}"):
        import_bundle(empty_service, write(tmp_path, payload), by="t")
    assert is_empty(empty_service)


@pytest.mark.parametrize("score", ["DROP TABLE mentions", 999, float("nan"), None, True])
def test_an_override_score_out_of_range_is_refused(empty_service, tmp_path, bundle_text, score):
    payload = json.loads(bundle_text)
    payload["overrides"][0]["score"] = score
    with pytest.raises(UsageError, match=r"overrides\[0\].score"):
        import_bundle(empty_service, write(tmp_path, payload), by="t")


def test_an_override_by_an_unknown_user_is_skipped_and_imported_ones_are_audited(empty_service, tmp_path, bundle_text):
    payload = json.loads(bundle_text)
    good = payload["overrides"][0]
    payload["overrides"].append(dict(good, by="mallory", score=1.0))
    counts = import_bundle(empty_service, write(tmp_path, payload), by="bob")
    assert counts["overrides"] == 1 and counts["overrides skipped (unknown user)"] == 1
    pending = empty_service.settings()["pending_overrides"]
    assert [o["by"] for o in pending] == ["sam"]
    imported = [e for e in audit.all_entries(empty_service.conn) if e.action == "workspace.import_bundle"]
    assert imported[-1].data["overrides_by_unknown_users"] == 1
    # when the article arrives, the override lands and is audited as imported by bob
    from orm_desktop.bundle import apply_pending_overrides
    from orm_desktop.store import db
    from orm_desktop.store import items as items_store
    from orm_desktop.types import ParsedItem

    c = empty_service.conn
    fid = c.execute("SELECT id FROM feeds LIMIT 1").fetchone()[0]
    eid = c.execute("SELECT id FROM entities WHERE name = ? COLLATE NOCASE", (good["entity"],)).fetchone()[0]
    with db.transaction(c):  # through the store, as a refresh writes them (its rollups and index too)
        iid = items_store.insert(c, fid, ParsedItem(guid=good["url"], url=good["url"], title="t", text="x"),
                                 canonical_url=good["url"], title_norm="t", cluster_id=None, published=0, now=0)
        items_store.insert_mentions(c, [(iid, eid, 0, "news", "", 0.0, 0.0, "", "", "[]", "", "", 0.0, None, 0)])
    assert apply_pending_overrides(c) == 1
    last = audit.all_entries(c)[-1]
    assert last.action == "mention.override" and last.actor == "bob" and last.data["by"] == "sam"


def test_brand_logo_and_internal_settings_never_come_from_a_bundle(empty_service, tmp_path, bundle_text):
    payload = json.loads(bundle_text)
    payload["settings"].update(brand_logo="/etc/shadow", feed_templates=[{"url": "file:///etc/{query}", "kind": "news"}],
                               pending_overrides=[{"score": 999}],
                               deliveries={"recipients": [{"name": "x", "email": "thief@evil.example"}]})
    import_bundle(empty_service, write(tmp_path, payload), by="t")
    s = empty_service.settings()
    assert s["brand_logo"] == "" and not any("file:" in t["url"] for t in s["feed_templates"])
    assert "thief@evil.example" not in json.dumps(s)  # reports are never mailed to the bundle's author
    assert all(-1 <= o["score"] <= 1 for o in s["pending_overrides"])


def test_a_weaker_policy_needs_the_importing_persons_confirmation(tmp_path, bundle_text, run_cli):
    payload = json.loads(bundle_text)
    payload["settings"].update(allow_self_approval=True, allow_private_addresses=True)
    bundle = write(tmp_path, payload)
    a = Service.create(tmp_path / "a")
    a.close()
    r = run_cli("import-bundle", str(bundle), workspace=tmp_path / "a")
    assert r.returncode == 0 and "NOT applied" in r.stdout and "--accept-policy" in r.stdout
    a = Service.open(tmp_path / "a")
    assert a.settings()["allow_self_approval"] is False and a.settings()["allow_private_addresses"] is False
    a.close()
    Service.create(tmp_path / "b").close()
    r = run_cli("import-bundle", str(bundle), "--accept-policy", "--as", "sam", workspace=tmp_path / "b",
                env={"ORM_DESKTOP_PASSPHRASE": "demo-sam"})  # sam comes with the bundle, with his key
    assert r.returncode == 0, r.stderr
    b = Service.open(tmp_path / "b")
    assert b.settings()["allow_self_approval"] is True
    weakened = [e for e in audit.all_entries(b.conn) if e.action == "workspace.policy_weakened"]
    assert weakened and weakened[0].actor == "sam" and "allow_self_approval" in weakened[0].data["settings"]
    b.close()


def test_the_report_never_puts_a_raw_colour_into_its_html(demo_service, tmp_path):
    from orm_desktop.reports import data
    from orm_desktop.reports.render import build_document, ensure_gui_app, safe_color

    ensure_gui_app()
    evil = tmp_path / "evil.png"
    evil.write_bytes(b"not really a png")
    color = f"red'><img src='{evil.as_uri()}'><span style='x"
    html = build_document(data.build(demo_service, "weekly"), content_width_px=1000, color=color).toHtml()
    assert "evil.png" not in html and "#0F6E8C".lower() in html.lower()  # before: the <img> was in the PDF
    assert safe_color("#AbCdEf") == "#AbCdEf"


@pytest.mark.parametrize("answer", ["Yes", "No"])
def test_the_gui_asks_before_a_bundle_weakens_a_policy(qtbot, demo_service, tmp_path, bundle_text, monkeypatch,
                                                       answer):
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from orm_desktop.ui.main_window import MainWindow

    payload = json.loads(bundle_text)
    payload["settings"]["allow_self_approval"] = True
    bundle = write(tmp_path, payload)
    win = MainWindow(demo_service)
    qtbot.addWidget(win)
    asked = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bundle), ""))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path / "new"))
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *a, **k: (
        asked.append(text), getattr(QMessageBox.StandardButton, answer))[1])
    with qtbot.waitSignal(win.switch_workspace, timeout=30_000) as sig:
        win.import_bundle()
    new = sig.args[0]
    assert asked and "allow_self_approval" in asked[0]
    assert new.settings()["allow_self_approval"] is (answer == "Yes")
    actions = [e.action for e in audit.all_entries(new.conn)]
    assert ("workspace.policy_weakened" in actions) is (answer == "Yes")
    new.close()
