"""`orm-desktop desktop install|remove`: a freedesktop menu entry and the icon set for the
current user, under $XDG_DATA_HOME (else ~/.local/share), through the real CLI."""

from __future__ import annotations

import configparser
import os
import shutil
import struct
import subprocess
import sys

from orm_desktop import __version__, desktop_entry


def _entry(path):
    cp = configparser.ConfigParser(interpolation=None)
    cp.optionxform = str
    cp.read(path, encoding="utf-8")
    return cp["Desktop Entry"]


def _png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_install_and_remove_honour_xdg_data_home(run_cli, tmp_path):
    xdg = tmp_path / "xdg"
    r = run_cli("desktop", "install", env={"XDG_DATA_HOME": str(xdg)})
    assert r.returncode == 0, r.stderr
    entry = _entry(xdg / "applications" / "orm-desktop.desktop")
    assert entry["Type"] == "Application" and entry["Name"] == "ORM Desktop"
    assert entry["Icon"] == "orm-desktop" and entry["Terminal"] == "false"
    assert entry["X-ORM-Desktop-Version"] == __version__
    if shutil.which("desktop-file-validate"):  # desktop-file-utils, where installed
        check = subprocess.run(["desktop-file-validate", str(xdg / "applications" / "orm-desktop.desktop")],
                               capture_output=True, text=True)
        assert check.returncode == 0 and not check.stdout.strip(), check.stdout
    program = entry["Exec"].split()[0].strip('"')
    assert os.access(program, os.X_OK), entry["Exec"]
    for n in desktop_entry.ICON_SIZES:
        assert _png_size(xdg / "icons" / "hicolor" / f"{n}x{n}" / "apps" / "orm-desktop.png") == (n, n)
    assert (xdg / "icons" / "hicolor" / "scalable" / "apps" / "orm-desktop.svg").read_text().startswith("<svg")

    r = run_cli("desktop", "remove", env={"XDG_DATA_HOME": str(xdg)})
    assert r.returncode == 0 and "removed 10 files" in r.stdout, r.stderr
    assert not list(xdg.rglob("orm-desktop*"))
    r = run_cli("desktop", "remove", env={"XDG_DATA_HOME": str(xdg)})
    assert r.returncode == 0 and "nothing to remove" in r.stdout


def test_relative_xdg_data_home_is_ignored_for_home(run_cli, tmp_path):
    home = tmp_path / "home"
    r = run_cli("desktop", "install", env={"XDG_DATA_HOME": "relative/dir", "HOME": str(home)})
    assert r.returncode == 0, r.stderr
    assert (home / ".local" / "share" / "applications" / "orm-desktop.desktop").is_file()
    assert not (tmp_path / "relative").exists()


def test_unwritable_target_is_one_line_not_a_traceback(run_cli, tmp_path):
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    r = run_cli("desktop", "install", env={"XDG_DATA_HOME": str(blocker)})
    assert r.returncode == 1
    assert r.stderr.startswith("orm-desktop: error: cannot write the desktop entry") and "Traceback" not in r.stderr


def test_exec_line_quotes_paths_with_spaces_and_the_bundle_runs_itself(monkeypatch):
    text = desktop_entry.entry_text(["/opt/My Apps/orm-desktop", "--demo"])
    assert 'Exec="/opt/My Apps/orm-desktop" --demo' in text
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/orm-desktop/orm-desktop")
    assert desktop_entry.launcher_command() == ["/opt/orm-desktop/orm-desktop"]


def test_scheduled_runs_from_the_bundle_start_the_bundle(monkeypatch, tmp_path):
    """A frozen build has no `python -m orm_desktop`: its timer must run the executable itself."""
    from orm_desktop.deliveries import schedule

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/orm-desktop/orm-desktop")
    assert schedule.command(tmp_path) == ["/opt/orm-desktop/orm-desktop", "--workspace", str(tmp_path),
                                          "run-scheduled"]
