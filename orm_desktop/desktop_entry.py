"""Registering ORM Desktop with the Linux desktop for the current user (freedesktop.org):
a ``.desktop`` entry in ``$XDG_DATA_HOME/applications`` and the icon set in the hicolor theme
under ``$XDG_DATA_HOME/icons``. Works for a wheel/pipx install and for the PyInstaller bundle
(the entry starts whichever ``orm-desktop`` runs this). No Qt here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from orm_desktop import __version__
from orm_desktop.atomic import atomic_write
from orm_desktop.errors import KnownError, UsageError
from orm_desktop.paths import resource_path

APP_ID = "orm-desktop"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def data_home() -> Path:
    """``$XDG_DATA_HOME`` when set to an absolute path (the spec ignores relative ones), else
    ``~/.local/share``."""
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if value and os.path.isabs(value) else Path.home() / ".local" / "share"


def launcher_command() -> list[str]:
    """How the entry starts this installation: the bundle's executable, the ``orm-desktop``
    script beside this interpreter (venv, pipx), the one on PATH, else ``python -m orm_desktop``."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    beside = Path(sys.executable).parent / APP_ID
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    found = shutil.which(APP_ID)
    if found:
        return [found]
    return [sys.executable, "-m", "orm_desktop"]


def _quote(arg: str) -> str:
    """An Exec argument quoted as the Desktop Entry spec asks (reserved characters → quotes)."""
    if not any(c in arg for c in ' \t\n"\'\\><~|&;$*?#()`='):
        return arg
    return '"' + "".join("\\" + c if c in '"`$\\' else c for c in arg) + '"'


def entry_text(command: list[str]) -> str:
    exec_line = " ".join(_quote(a) for a in command).replace("%", "%%")
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.4",
        "Name=ORM Desktop",
        "GenericName=Reputation monitor",
        "Comment=Monitor what feeds say about your brand, score sentiment, approve replies, print reports",
        f"Exec={exec_line}",
        f"Icon={APP_ID}",
        "Terminal=false",
        "Categories=Office;",
        "Keywords=reputation;sentiment;RSS;feeds;PR;communications;",
        f"StartupWMClass={APP_ID}",
        f"X-ORM-Desktop-Version={__version__}",
        "",
    ])


def _targets(root: Path) -> list[tuple[Path, Path | None]]:
    """(installed path, shipped source) for every file ``install`` writes."""
    icons = root / "icons" / "hicolor"
    out: list[tuple[Path, Path | None]] = [(root / "applications" / f"{APP_ID}.desktop", None)]
    out += [(icons / f"{n}x{n}" / "apps" / f"{APP_ID}.png",
             resource_path("icons", "app", f"{APP_ID}-{n}.png")) for n in ICON_SIZES]
    out.append((icons / "scalable" / "apps" / f"{APP_ID}.svg", resource_path("icons", f"{APP_ID}.svg")))
    return out


def _require_freedesktop() -> None:
    if not (sys.platform.startswith("linux") or "bsd" in sys.platform):
        raise UsageError("desktop install registers a freedesktop.org menu entry (Linux/BSD); "
                         "on Windows and macOS use the installer build (see docs/install.md)")


def _refresh_caches(root: Path) -> None:
    """Tell the desktop about the change when the usual tools exist (optional everywhere)."""
    for cmd in (["update-desktop-database", "-q", str(root / "applications")],
                ["gtk-update-icon-cache", "-q", "-t", "-f", str(root / "icons" / "hicolor")]):
        if shutil.which(cmd[0]):
            subprocess.run(cmd, check=False, capture_output=True, timeout=30)


def install(root: Path | None = None, command: list[str] | None = None) -> list[Path]:
    """Write the menu entry and icons for the current user; returns the paths written."""
    _require_freedesktop()
    root = root or data_home()
    written = []
    try:
        for target, source in _targets(root):
            target.parent.mkdir(parents=True, exist_ok=True)
            # the same atomic write as every other file: a full disk leaves no half entry or icon
            atomic_write(target, entry_text(command or launcher_command()) if source is None
                         else Path(source).read_bytes())
            written.append(target)
    except OSError as exc:
        raise KnownError(f"cannot write the desktop entry: {exc.strerror or exc} ({exc.filename})") from None
    _refresh_caches(root)
    return written


def remove(root: Path | None = None) -> list[Path]:
    """Remove what :func:`install` wrote; returns the paths removed (none: nothing was there)."""
    _require_freedesktop()
    root = root or data_home()
    removed = []
    try:
        for target, _source in _targets(root):
            if target.exists():
                target.unlink()
                removed.append(target)
    except OSError as exc:
        raise KnownError(f"cannot remove the desktop entry: {exc.strerror or exc} ({exc.filename})") from None
    if removed:
        _refresh_caches(root)
    return removed
