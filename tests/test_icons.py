"""The app's own icons: the sidebar shows icons that mean what they say (not Qt's generic
pixmaps: a floppy disk stood for Responses), the window carries the application icon, and the
committed PNG set matches its SVG source."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtGui import QImage  # noqa: E402

from orm_desktop.paths import resource_path  # noqa: E402
from orm_desktop.ui import icons  # noqa: E402

NAV = {"Inbox": "inbox", "Competitors": "competitors", "Dashboard": "dashboard",
       "Responses": "responses", "Reports": "reports", "Rules": "rules", "Feeds": "feeds",
       "Entities": "entities", "Settings": "settings", "Maya Lindqvist": "person"}


def _image(qicon, size: int = 24) -> QImage:
    return qicon.pixmap(size, size).toImage().convertToFormat(QImage.Format.Format_ARGB32)


def test_sidebar_icons_are_ours_and_distinct(qtbot, demo_service):
    from orm_desktop.ui.main_window import MainWindow

    win = MainWindow(demo_service)
    qtbot.addWidget(win)
    items = {win.nav.item(i).text(): win.nav.item(i) for i in range(win.nav.count())}
    for label, name in NAV.items():
        shown = _image(items[label].icon())
        assert not shown.isNull(), label
        assert shown == _image(icons.icon(name)), f"{label} should show resources/icons/{name}.svg"
    assert len({_image(icons.icon(n)).bits().tobytes() for n in set(NAV.values())}) == len(set(NAV.values()))
    assert _image(win.windowIcon(), 32) == _image(icons.app_icon(), 32)
    win.runner.cancel_all()
    win.runner.wait(10_000)


def test_unknown_icon_name_is_an_error_not_a_blank():
    with pytest.raises(KeyError):
        icons.icon("no-such-icon")


def test_app_icon_pngs_are_rendered_from_the_svg(qapp):
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(resource_path("icons", "orm-desktop.svg")))
    assert renderer.isValid()
    for size in icons.APP_ICON_SIZES:
        png = QImage(str(resource_path("icons", "app", f"orm-desktop-{size}.png")))
        assert (png.width(), png.height()) == (size, size)
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "make_icons", Path(__file__).resolve().parents[1] / "packaging" / "make_icons.py")
    make_icons = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_icons)
    fresh = make_icons.render(renderer, 64).convertToFormat(QImage.Format.Format_ARGB32)
    committed = QImage(str(resource_path("icons", "app", "orm-desktop-64.png"))).convertToFormat(
        QImage.Format.Format_ARGB32)
    assert fresh == committed, "resources/icons/app is stale: run packaging/make_icons.py"
