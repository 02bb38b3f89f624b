"""The OS job behind `orm-desktop schedule`: golden files for systemd, launchd and the Windows
Task Scheduler, `systemd-analyze verify` on the units, and install/status/remove."""

from __future__ import annotations

import plistlib
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from orm_desktop.deliveries import schedule

GOLDEN = Path(__file__).parent / "data" / "schedule"
ROOT = Path("/home/sam/ORM workspace")
PY = "/opt/orm-desktop/bin/python"


def test_job_files_match_the_golden_files():
    service, timer = schedule.systemd_units(ROOT, 5, python=PY)
    assert service == (GOLDEN / "systemd.service").read_text()
    assert timer == (GOLDEN / "systemd.timer").read_text()
    assert schedule.launchd_plist(ROOT, 5, python=PY) == (GOLDEN / "launchd.plist").read_text()
    assert schedule.windows_task_xml(ROOT, 5, python=PY) == (GOLDEN / "windows-task.xml").read_text()


def test_job_files_say_what_the_os_needs():
    plist = plistlib.loads((GOLDEN / "launchd.plist").read_bytes())
    assert plist["ProgramArguments"] == [PY, "-m", "orm_desktop", "--workspace", str(ROOT), "run-scheduled"]
    assert plist["StartInterval"] == 300
    ns = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}
    xml = schedule.windows_task_xml(ROOT, 5, python=PY).replace('encoding="UTF-16"', "")
    task = ET.fromstring(xml)
    assert task.find(".//t:Repetition/t:Interval", ns).text == "PT5M"
    assert task.find(".//t:Exec/t:Command", ns).text == PY
    assert task.find(".//t:Exec/t:Arguments", ns).text == f'-m orm_desktop --workspace "{ROOT}" run-scheduled'
    assert task.find(".//t:MultipleInstancesPolicy", ns).text == "IgnoreNew"
    # one run at a time, every 5 minutes unless the workspace refreshes more often
    assert schedule.interval_minutes(30) == 5 and schedule.interval_minutes(2) == 2
    assert schedule.interval_minutes(0) == 5
    # a % in a path is escaped for systemd's specifiers
    service, _ = schedule.systemd_units(Path("/tmp/100%"), 5, python=PY)
    assert "/tmp/100%%" in service and "/tmp/100% " not in service


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_systemd_units_verify_clean(tmp_path):
    name = schedule.job_name(tmp_path)
    service, timer = schedule.systemd_units(tmp_path, 5)
    (tmp_path / f"{name}.service").write_text(service)
    (tmp_path / f"{name}.timer").write_text(timer)
    assert schedule.verify_systemd([tmp_path / f"{name}.service", tmp_path / f"{name}.timer"]) == ""
    (tmp_path / f"{name}.timer").write_text(timer.replace("OnUnitActiveSec=5min", "OnUnitActiveSec=often"))
    assert "often" in schedule.verify_systemd([tmp_path / f"{name}.timer"])  # the check can fail


def test_schedule_install_status_remove(empty_service, run_cli, tmp_path):
    root = empty_service.ws.root
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    r = run_cli("schedule", "status", "--platform", "systemd", workspace=root, env=env)
    assert r.returncode == 0 and "not installed" in r.stdout
    r = run_cli("schedule", "install", "--platform", "systemd", "--files-only", workspace=root, env=env)
    assert r.returncode == 0, r.stderr
    units = sorted((tmp_path / "config" / "systemd" / "user").iterdir())
    assert [u.suffix for u in units] == [".service", ".timer"]
    assert f"--workspace {root} run-scheduled" in units[0].read_text()
    r = run_cli("schedule", "status", "--platform", "systemd", workspace=root, env=env)
    assert ": installed" in r.stdout
    r = run_cli("schedule", "install", "--platform", "windows", "--files-only", workspace=root)
    xml = next(root.glob("*.task.xml")).read_bytes()
    assert xml[:2] in (b"\xff\xfe", b"\xfe\xff") and "run-scheduled" in xml.decode("utf-16")
    r = run_cli("schedule", "remove", "--platform", "systemd", "--files-only", workspace=root, env=env)
    assert r.returncode == 0 and "removed 2 file(s)" in r.stdout
    assert not list((tmp_path / "config" / "systemd" / "user").iterdir())
