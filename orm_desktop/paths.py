"""Where the shipped files are: one lookup for a checkout, an editable install, a wheel and a
PyInstaller bundle. No Qt here.

The repository keeps them in ``resources/`` beside the package (and ``feeds.opml`` at the top);
a built wheel carries them inside the package as ``orm_desktop/resources/`` (``setup.py`` copies
them at build time), and the PyInstaller bundle puts them at the same place. The environment
variable ``ORM_DESKTOP_RESOURCES`` points elsewhere (tests, packagers).
"""

from __future__ import annotations

import os
from pathlib import Path

from orm_desktop.errors import KnownError

_PACKAGE = Path(__file__).resolve().parent
# files the repository keeps outside resources/ (path relative to the resources directory)
_CHECKOUT_ELSEWHERE = {"feeds.opml": Path("..") / "feeds.opml"}


def package_dir() -> str:
    """The directory of the orm_desktop package this process runs (which copy of the code)."""
    return str(_PACKAGE)


def resources_dir() -> Path:
    """The directory holding templates/, demo/, icons/, topics.json, key_messages.toml:
    ``$ORM_DESKTOP_RESOURCES``, else inside the installed package, else the checkout's."""
    override = os.environ.get("ORM_DESKTOP_RESOURCES")
    if override:
        return Path(override)
    for candidate in (_PACKAGE / "resources", _PACKAGE.parent / "resources"):
        if (candidate / "topics.json").is_file():
            return candidate
    raise KnownError(f"the application's resources are missing (looked in {_PACKAGE / 'resources'} "
                     f"and {_PACKAGE.parent / 'resources'}); reinstall orm-desktop")


def resource_path(*parts: str) -> Path:
    """A shipped file or folder, e.g. ``resource_path("templates")``,
    ``resource_path("icons", "inbox.svg")``, ``resource_path("feeds.opml")``."""
    base = resources_dir()
    path = base.joinpath(*parts)
    if not path.exists() and len(parts) == 1 and parts[0] in _CHECKOUT_ELSEWHERE:
        elsewhere = (base / _CHECKOUT_ELSEWHERE[parts[0]]).resolve()
        if elsewhere.exists():
            return elsewhere
    return path
