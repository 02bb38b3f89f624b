"""The app's own icons: SVGs in resources/icons/ (sidebar), the application icon set in
resources/icons/app/ (rendered from resources/icons/orm-desktop.svg by packaging/make_icons.py)."""

from __future__ import annotations

import functools

from PySide6.QtGui import QIcon

from orm_desktop.paths import resource_path

APP_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


@functools.cache
def icon(name: str) -> QIcon:
    """The sidebar/action icon ``resources/icons/NAME.svg`` (e.g. "inbox", "responses").
    KeyError for a name the project does not ship: a typo must not give a blank icon."""
    path = resource_path("icons", f"{name}.svg")
    if not path.is_file():
        raise KeyError(f"no icon {name!r} in {path.parent}")
    return QIcon(str(path))


@functools.cache
def app_icon() -> QIcon:
    """The application icon (window, tray, About), every rendered size plus the SVG."""
    result = QIcon()
    for size in APP_ICON_SIZES:
        result.addFile(str(resource_path("icons", "app", f"orm-desktop-{size}.png")))
    return result
