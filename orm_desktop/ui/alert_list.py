"""The alert list of the Dashboard and of an executive's page, with Acknowledge (a button, the
list's right-click or Menu-key menu) and, after an acknowledgement, a line that says what
happened with an Undo button. The work is the page's (ui/pages.py Page.acknowledge): this module
only builds widgets from the page's data, so a rebuild of the page's body loses nothing."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from orm_desktop.ui.widgets import named

ACK_TIP = ("Acknowledge: someone is on it. The alert leaves the open alerts (Dashboard, executives' pages, "
           "the status bar); reports and `orm-desktop alerts --all` say who acknowledged it and when, from the "
           "audit log. Undo puts it back.")


def chosen(lw: QListWidget) -> list[int]:
    """The selected alerts' ids, else the current one's (the list's keyboard cursor)."""
    items = lw.selectedItems() or ([lw.currentItem()] if lw.currentItem() is not None else [])
    return [i for i in (it.data(Qt.ItemDataRole.UserRole) for it in items) if i]


def alert_box(page, alerts, name: str, height: int) -> QWidget:
    """The list of ``alerts`` named ``name`` for a screen reader, its Acknowledge button and, when
    the page acknowledged alerts last (``page.ack_note``), what happened and Undo."""
    box = QWidget()
    box.setObjectName("alert_box")
    v = QVBoxLayout(box)
    v.setContentsMargins(0, 0, 0, 0)
    lw = named(QListWidget(), name, tab_leaves=True)
    lw.setObjectName("alert_list")
    lw.setWordWrap(True)  # an alert's sentence whole, not cut at a narrow window's edge
    lw.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
    for a in alerts:
        if a.id in page.acknowledging:  # acknowledged a moment ago, the write still under way
            continue
        it = QListWidgetItem(a.describe())
        it.setData(Qt.ItemDataRole.UserRole, a.id)
        it.setToolTip(f"Alert {a.id}: {a.handled()}. Right-click or the Menu key: Acknowledge.")
        lw.addItem(it)
    if lw.count() == 0:
        lw.addItem("No open alerts")
    lw.setMaximumHeight(height)
    lw.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    lw.customContextMenuRequested.connect(lambda pos: alert_menu(page, lw).popup(lw.viewport().mapToGlobal(
        pos if isinstance(pos, QPoint) else QPoint())))
    v.addWidget(lw)
    row = QHBoxLayout()
    ack = QPushButton("Acknowledge")
    ack.setObjectName("acknowledge_alert")
    ack.setToolTip("The selected alerts (else the highlighted one). " + ACK_TIP)
    ack.setProperty("usable", any(lw.item(r).data(Qt.ItemDataRole.UserRole) for r in range(lw.count())))
    ack.setEnabled(bool(ack.property("usable")) and not page.read_only)
    ack.clicked.connect(lambda: page.acknowledge(chosen(lw) or _first(lw)))
    row.addWidget(ack)
    note = page.ack_note
    if note is not None:
        label = QLabel(note.text)
        label.setObjectName("acknowledged_note")
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        row.addWidget(label, 1)
        if note.ids:
            undo = QPushButton("Undo")
            undo.setObjectName("undo_acknowledge")
            undo.setToolTip("Open these alerts again (the audit log records that too)")
            undo.setProperty("usable", True)
            undo.setEnabled(not page.read_only)
            undo.clicked.connect(page.undo_acknowledge)
            row.addWidget(undo)
    row.addStretch(0 if note is not None else 1)
    v.addLayout(row)
    return box


def _first(lw: QListWidget) -> list[int]:
    i = lw.item(0).data(Qt.ItemDataRole.UserRole) if lw.count() else None
    return [i] if i else []


def alert_menu(page, lw: QListWidget) -> QMenu:
    """The list's context menu (right-click, or the Menu key / Shift+F10 on the highlighted alert)."""
    for old in lw.findChildren(QMenu, "alert_menu"):
        old.deleteLater()
    menu = QMenu(lw)
    menu.setObjectName("alert_menu")
    ids = chosen(lw)
    act = menu.addAction("Acknowledge" if len(ids) < 2 else f"Acknowledge {len(ids)} alerts")
    act.setToolTip(ACK_TIP)
    act.setEnabled(bool(ids) and not page.read_only)
    act.triggered.connect(lambda: page.acknowledge(ids))
    return menu


def set_read_only(root: QWidget, read_only: bool) -> None:
    """Executive mode: the Acknowledge and Undo buttons under ``root`` are off (and on again)."""
    for name in ("acknowledge_alert", "undo_acknowledge"):
        for b in root.findChildren(QPushButton, name):
            b.setEnabled(bool(b.property("usable")) and not read_only)
