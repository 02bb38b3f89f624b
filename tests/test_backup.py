"""Backups while the workspace is in use, restores, and damaged databases."""

from __future__ import annotations

import sqlite3

import pytest

from orm_desktop.backup import backup, backups, daily_backup, restore
from orm_desktop.errors import CorruptDatabase, KnownError, UsageError
from orm_desktop.service import Service
from orm_desktop.workspace import Workspace


def test_backup_is_consistent_while_a_writer_holds_a_transaction(demo_service, tmp_path):
    n = demo_service.count_mentions()
    writer = sqlite3.connect(demo_service.ws.db_path, timeout=5)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM mentions WHERE id IN (SELECT id FROM mentions LIMIT 10)")
    try:
        path = backup(demo_service.ws, tmp_path / "copy.db")  # uncommitted work is not in it
    finally:
        writer.rollback()
        writer.close()
    copy = sqlite3.connect(path)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT count(*) FROM mentions").fetchone()[0] == n


def test_restore_brings_back_the_backup_and_keeps_the_old_file(demo_service, run_cli):
    ws = demo_service.ws
    n = demo_service.count_mentions()
    backup(ws)
    demo_service.conn.execute("DELETE FROM mentions")
    demo_service.close()
    r = run_cli("restore", "--latest", workspace=ws.root)
    assert r.returncode == 0, r.stderr
    assert "previous database is kept" in r.stdout
    # reading the backup left an empty -wal and a -shm beside it at each restore
    assert [p.name for p in ws.backups.iterdir() if p.name.endswith(("-wal", "-shm"))] == []
    svc = Service.open(ws.root)
    assert svc.count_mentions() == n
    kept = [p for p in backups(ws) if p.name.startswith("before-restore-")]
    assert len(kept) == 1 and sqlite3.connect(kept[0]).execute("SELECT count(*) FROM mentions").fetchone()[0] == 0
    svc.close()


def test_a_corrupt_workspace_is_detected_and_restored_from_backup(demo_service, run_cli):
    ws = demo_service.ws
    backup(ws)
    demo_service.close()
    with open(ws.db_path, "r+b") as fh:  # trash the header and the first pages
        fh.write(b"\x00" * 8192)
    for suffix in ("-wal", "-shm"):
        (ws.root / f"orm.db{suffix}").unlink(missing_ok=True)
    with pytest.raises(CorruptDatabase, match="orm-desktop restore"):
        Service.open(ws.root)
    r = run_cli("mentions", workspace=ws.root)
    assert r.returncode == 1 and "restore" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("restore", "--latest", workspace=ws.root)
    assert r.returncode == 0, r.stderr
    assert Service.open(ws.root).count_mentions() > 0


def test_restore_refuses_a_damaged_or_foreign_backup(empty_service, tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"garbage" * 1000)
    with pytest.raises(KnownError, match="cannot be restored"):
        restore(empty_service.ws, bad)
    foreign = tmp_path / "foreign.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)")
    with pytest.raises(KnownError, match="cannot be restored"):
        restore(empty_service.ws, foreign)
    with pytest.raises(UsageError, match="no such backup"):
        restore(empty_service.ws, tmp_path / "missing.db")


def test_two_restores_in_one_second_keep_both_previous_databases(demo_service, monkeypatch):
    """`restore` says "the previous database is kept at backups/before-restore-STAMP.db"; a second
    restore in the same second (a script, or restore then restore back) moved the database over
    that file: the first kept copy, the data from before any restore, was gone. Two manual backups
    in one second failed the second with "... already exists"."""
    ws = demo_service.ws
    n = demo_service.count_mentions()
    monkeypatch.setattr("time.strftime", lambda fmt, *a: "20261130-120000")  # one second, pinned
    good = backup(ws)
    demo_service.conn.execute("DELETE FROM mentions WHERE id % 2 = 0")
    second = backup(ws)
    assert second != good and second.exists()
    remaining = demo_service.count_mentions()
    demo_service.close()
    kept1 = restore(ws, good)
    kept2 = restore(ws, second)
    assert kept1 != kept2 and kept1.exists() and kept2.exists()
    count = [sqlite3.connect(p).execute("SELECT count(*) FROM mentions").fetchone()[0] for p in (kept1, kept2)]
    assert count == [remaining, n]


def test_daily_backups_rotate(empty_service):
    first = daily_backup(empty_service.ws)
    assert first is not None and daily_backup(empty_service.ws) is None  # one a day
    for i in range(9):
        backup(empty_service.ws, empty_service.ws.backups / f"auto-20260101-00000{i}.db", automatic=True)
    assert len(list(empty_service.ws.backups.glob("auto-*.db"))) == 7


def test_damaged_workspace_offers_the_newest_backup(demo_service):
    from orm_desktop.backup import offer_restore

    ws = demo_service.ws
    n = demo_service.count_mentions()
    backup(ws)
    demo_service.close()
    with open(ws.db_path, "r+b") as fh:
        fh.write(b"\x00" * 8192)
    for suffix in ("-wal", "-shm"):
        (ws.root / f"orm.db{suffix}").unlink(missing_ok=True)
    with pytest.raises(CorruptDatabase) as err:
        Service.open(ws.root)
    asked = []
    assert not offer_restore(ws, err.value, lambda msg: asked.append(msg) or False)  # the user says no
    assert "Restore the newest backup" in asked[0]
    with pytest.raises(CorruptDatabase):
        Service.open(ws.root)
    assert offer_restore(ws, err.value, lambda msg: True)  # the user says yes
    assert Service.open(ws.root).count_mentions() == n


# -- a damaged workspace database is not copied over the good backups (exploratory pass) ----------

def _damaged_workspace(demo_service) -> Workspace:
    """The workspace of ``demo_service``, closed, with its mentions table damaged (it still opens)."""
    from tests.test_cli_pass import damage_table

    ws = demo_service.ws
    demo_service.close()
    damage_table(ws.db_path, "mentions")
    return ws


def _sound(path) -> bool:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def test_automatic_backups_of_a_damaged_database_never_rotate_out_the_good_ones(demo_service):
    from orm_desktop.backup import KEEP_AUTOMATIC, DamagedBackup

    ws = demo_service.ws
    good = [backup(ws, ws.backups / f"auto-20260101-00000{i}.db", automatic=True) for i in range(KEEP_AUTOMATIC)]
    _damaged_workspace(demo_service)
    for i in range(KEEP_AUTOMATIC + 2):  # more than seven days of a damaged workspace
        with pytest.raises(DamagedBackup, match="damaged.*orm-desktop check") as err:
            backup(ws, ws.backups / f"auto-20260102-00000{i}.db", automatic=True)
        assert "\n" not in str(err.value)
        assert err.value.path.exists() and err.value.path.name.startswith("damaged-")
    assert sorted(ws.backups.glob("auto-*.db")) == good and all(_sound(p) for p in good)
    kept = list(ws.backups.glob("damaged-*.db"))
    assert 1 <= len(kept) <= 2 and not any(_sound(p) for p in kept)  # kept aside, a bounded number


def test_daily_backup_of_a_damaged_database_says_so_and_restore_skips_the_damaged_copy(demo_service):
    import os

    from orm_desktop.backup import DamagedBackup, offer_restore

    ws = demo_service.ws
    n = demo_service.count_mentions()
    good = backup(ws, ws.backups / "auto-20260101-000000.db", automatic=True)
    os.utime(good, (good.stat().st_mtime - 2 * 86400,) * 2)  # two days old: today's is due
    _damaged_workspace(demo_service)
    with pytest.raises(DamagedBackup, match="orm-desktop restore"):
        daily_backup(ws)
    assert offer_restore(ws, Exception("damaged"), lambda msg: True)  # the newest *good* backup
    assert Service.open(ws.root).count_mentions() == n


def test_restore_latest_skips_a_damaged_automatic_copy(demo_service, run_cli):
    from orm_desktop.backup import DamagedBackup

    ws = demo_service.ws
    n = demo_service.count_mentions()
    backup(ws, ws.backups / "auto-20260101-000000.db", automatic=True)
    _damaged_workspace(demo_service)
    with pytest.raises(DamagedBackup):
        backup(ws, automatic=True)
    r = run_cli("restore", "--latest", workspace=ws.root)
    assert r.returncode == 0, r.stderr
    assert "auto-20260101-000000.db" in r.stdout
    assert Service.open(ws.root).count_mentions() == n


@pytest.mark.parametrize("out", [None, "mine.db"])
def test_manual_backup_of_a_damaged_database_keeps_the_copy_and_exits_1(demo_service, run_cli, tmp_path, out):
    from tests.test_cli_pass import one_line_error

    ws = _damaged_workspace(demo_service)
    r = run_cli("backup", *(["--out", str(tmp_path / out)] if out else []), workspace=ws.root)
    line = one_line_error(r, 1)
    assert "damaged" in line and "copy" in line
    copies = [tmp_path / out] if out else list(ws.backups.glob("*.db"))
    assert len(copies) == 1 and copies[0].exists() and str(copies[0]) in line  # kept: the user asked


def test_manual_backup_of_a_sound_database_still_exits_0(demo_service, run_cli):
    ws = demo_service.ws
    demo_service.close()
    r = run_cli("backup", workspace=ws.root)
    assert r.returncode == 0 and r.stderr == "" and "backed up to" in r.stdout



def test_the_app_takes_the_daily_backup_off_the_gui_thread_and_says_the_database_is_damaged(qtbot, window, capsys):
    from tests.test_cli_pass import damage_table

    ws = window.svc.ws
    window.start_daily_backup()  # a sound database: nothing said
    qtbot.waitUntil(lambda: not window.runner.running, timeout=30_000)
    assert len(list(ws.backups.glob("auto-*.db"))) == 1 and "damaged" not in capsys.readouterr().err
    for p in ws.backups.glob("auto-*"):
        p.unlink()  # today's backup is due again
    damage_table(ws.db_path, "evidence")  # under the open window (a table it does not read by itself)
    window.start_daily_backup()
    qtbot.waitUntil(lambda: "damaged" in window.statusBar().currentMessage(), timeout=30_000)
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "workspace database is damaged" in err[0] and "orm-desktop check" in err[0]
    assert list(ws.backups.glob("damaged-auto-*.db")) and not list(ws.backups.glob("auto-*.db"))
