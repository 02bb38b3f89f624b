"""The operating-system job that runs `orm-desktop run-scheduled` while the app is closed.

Linux: a systemd user service + timer (~/.config/systemd/user); macOS: a launchd agent
(~/Library/LaunchAgents); Windows: a Task Scheduler task (XML for `schtasks /Create /XML`).
One job per workspace (the name carries a hash of the workspace path). The job fires every
``interval_minutes()`` — the crisis cadence (5 min) unless the workspace refreshes even more
often; each run refreshes only the feeds that are due, so normal feeds still refresh at the
workspace's refresh interval and crisis feeds at the crisis one.
"""

from __future__ import annotations

import hashlib
import os
import plistlib
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from orm_desktop.atomic import atomic_write
from orm_desktop.errors import KnownError, UsageError

PLATFORMS = ("systemd", "launchd", "windows")


def interval_minutes(refresh_minutes: int) -> int:
    from orm_desktop.analysis.crisis import CRISIS_INTERVAL

    crisis = CRISIS_INTERVAL // 60
    return max(1, min(crisis, refresh_minutes)) if refresh_minutes > 0 else crisis


def job_name(root: Path) -> str:
    return f"orm-desktop-{hashlib.sha256(str(root).encode()).hexdigest()[:8]}"


def command(root: Path, python: str | None = None) -> list[str]:
    if python is None and getattr(sys, "frozen", False):  # the PyInstaller bundle runs itself
        return [sys.executable, "--workspace", str(root), "run-scheduled"]
    return [python or sys.executable, "-m", "orm_desktop", "--workspace", str(root), "run-scheduled"]


def default_platform() -> str:
    if sys.platform == "darwin":
        return "launchd"
    if sys.platform.startswith("win"):
        return "windows"
    return "systemd"


@dataclass(frozen=True, slots=True)
class JobFile:
    path: Path
    text: str


def systemd_units(root: Path, minutes: int, *, python: str | None = None) -> tuple[str, str]:
    """(service, timer) unit files."""
    name = job_name(root)
    # systemd expands %-specifiers: a literal % is written %%
    exec_line = " ".join(shlex.quote(a) for a in command(root, python)).replace("%", "%%")
    where = str(root).replace("%", "%%")
    service = (f"[Unit]\nDescription=ORM Desktop scheduled run for {where}\n"
               "\n"
               f"[Service]\nType=oneshot\nExecStart={exec_line}\nNice=10\n"
               f"Environment=QT_QPA_PLATFORM=offscreen\nTimeoutStartSec=20min\n")
    timer = (f"[Unit]\nDescription=ORM Desktop scheduled run every {minutes} min for {where}\n\n"
             f"[Timer]\nOnBootSec=2min\nOnUnitActiveSec={minutes}min\nAccuracySec=30s\n"
             f"Persistent=true\nUnit={name}.service\n\n[Install]\nWantedBy=timers.target\n")
    return service, timer


def launchd_plist(root: Path, minutes: int, *, python: str | None = None) -> str:
    name = job_name(root)
    logs = root / "logs"
    plist = {"Label": f"org.orm-desktop.{name}", "ProgramArguments": command(root, python),
             "StartInterval": minutes * 60, "RunAtLoad": True, "ProcessType": "Background",
             "EnvironmentVariables": {"QT_QPA_PLATFORM": "offscreen"},
             "StandardOutPath": str(logs / "scheduled.log"), "StandardErrorPath": str(logs / "scheduled.log")}
    return plistlib.dumps(plist, sort_keys=False).decode("utf-8")


def windows_task_xml(root: Path, minutes: int, *, python: str | None = None) -> str:
    args = command(root, python)
    exe, rest = args[0], " ".join(f'"{a}"' if " " in a else a for a in args[1:])
    return f"""<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Description>ORM Desktop scheduled run for {escape(str(root))}</Description>
    <URI>\\{job_name(root)}</URI>
  </RegistrationInfo>
  <Triggers>
    <TimeTrigger>
      <StartBoundary>2026-01-01T00:00:00</StartBoundary>
      <Enabled>true</Enabled>
      <Repetition>
        <Interval>PT{minutes}M</Interval>
        <StopAtDurationEnd>false</StopAtDurationEnd>
      </Repetition>
    </TimeTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      <LogonType>InteractiveToken</LogonType>
      <RunLevel>LeastPrivilege</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <StartWhenAvailable>true</StartWhenAvailable>
    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>
    <ExecutionTimeLimit>PT20M</ExecutionTimeLimit>
    <Hidden>true</Hidden>
    <Enabled>true</Enabled>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>{escape(exe)}</Command>
      <Arguments>{escape(rest)}</Arguments>
    </Exec>
  </Actions>
</Task>
"""


def job_files(root: Path, minutes: int, platform: str, *, python: str | None = None,
              home: Path | None = None) -> list[JobFile]:
    """The files `schedule install` writes for ``platform``."""
    home = home or Path.home()
    name = job_name(root)
    if platform == "systemd":
        base = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config") / "systemd" / "user"
        service, timer = systemd_units(root, minutes, python=python)
        return [JobFile(base / f"{name}.service", service), JobFile(base / f"{name}.timer", timer)]
    if platform == "launchd":
        return [JobFile(home / "Library" / "LaunchAgents" / f"org.orm-desktop.{name}.plist",
                        launchd_plist(root, minutes, python=python))]
    if platform == "windows":
        return [JobFile(root / f"{name}.task.xml", windows_task_xml(root, minutes, python=python))]
    raise UsageError(f"unknown platform {platform!r} (choose from {', '.join(PLATFORMS)})")


def _activation(root: Path, platform: str, files: list[JobFile], install: bool) -> list[list[str]]:
    name = job_name(root)
    if platform == "systemd":
        return ([["systemctl", "--user", "daemon-reload"], ["systemctl", "--user", "enable", "--now", f"{name}.timer"]]
                if install else [["systemctl", "--user", "disable", "--now", f"{name}.timer"]])
    if platform == "launchd":
        target = f"gui/{os.getuid()}" if hasattr(os, "getuid") else "gui"
        return ([["launchctl", "bootstrap", target, str(files[0].path)]] if install
                else [["launchctl", "bootout", target, str(files[0].path)]])
    return ([["schtasks", "/Create", "/TN", name, "/XML", str(files[0].path), "/F"]] if install
            else [["schtasks", "/Delete", "/TN", name, "/F"]])


def install(root: Path, minutes: int, platform: str, *, activate: bool = True) -> tuple[list[Path], list[str]]:
    """Write the job files and (with ``activate``) register them. Returns (files, commands run)."""
    files = job_files(root, minutes, platform)
    for f in files:
        try:
            f.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise KnownError(f"cannot write {f.path}: {exc.strerror}") from exc
        atomic_write(f.path, f.text.encode("utf-16") if platform == "windows" else f.text.encode("utf-8"))
    (root / "logs").mkdir(exist_ok=True)
    ran = _run_all(_activation(root, platform, files, True), files) if activate else []
    return [f.path for f in files], ran


def remove(root: Path, platform: str, *, activate: bool = True) -> list[Path]:
    files = job_files(root, 5, platform)
    if activate and any(f.path.exists() for f in files):
        try:
            _run_all(_activation(root, platform, files, False), files)
        except KnownError:
            pass  # not registered (any more): removing the files is what matters
    removed = []
    for f in files:
        if f.path.exists():
            f.path.unlink()
            removed.append(f.path)
    return removed


def status(root: Path, platform: str) -> dict:
    files = job_files(root, 5, platform)
    out = {"job": job_name(root), "platform": platform, "files": {str(f.path): f.path.exists() for f in files},
           "installed": all(f.path.exists() for f in files), "active": None}
    if platform == "systemd" and shutil.which("systemctl"):
        r = subprocess.run(["systemctl", "--user", "is-active", f"{job_name(root)}.timer"],
                           capture_output=True, text=True, timeout=10)
        out["active"] = r.stdout.strip() or f"state unknown ({r.stderr.strip()[:80]})"
    return out


def verify_systemd(paths: list[Path]) -> str:
    """`systemd-analyze verify` output: '' when the units are clean (or the tool is missing)."""
    if not shutil.which("systemd-analyze"):
        return ""
    r = subprocess.run(["systemd-analyze", "verify", *map(str, paths)], capture_output=True,
                       text=True, timeout=60)
    return (r.stdout + r.stderr).strip()


def _run_all(cmds: list[list[str]], files: list[JobFile]) -> list[str]:
    ran = []
    for cmd in cmds:
        if not shutil.which(cmd[0]):
            raise KnownError(f"job files written ({files[0].path.parent}) but {cmd[0]} is not available to "
                             f"register them; run `{' '.join(cmd)}` where it is")
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            err = (r.stderr or r.stdout).strip().splitlines()
            raise KnownError(f"job files written to {files[0].path.parent}, but `{' '.join(cmd)}` failed: "
                             f"{err[-1] if err else r.returncode}; run it in your login session")
        ran.append(" ".join(cmd))
    return ran
