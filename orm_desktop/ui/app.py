"""Minimal main window (placeholder until the full GUI lands)."""

from __future__ import annotations

import sys


def run(svc, *, smoke_test: bool = False) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableWidget, QTableWidgetItem

    app = QApplication.instance() or QApplication(sys.argv)
    win = QMainWindow()
    win.setWindowTitle(f"ORM Desktop — {svc.ws.root}")
    rows = svc.mentions(limit=500)
    table = QTableWidget(len(rows), 4)
    table.setHorizontalHeaderLabels(["Sentiment", "Entity", "Title", "Source"])
    for r, m in enumerate(rows):
        for c, v in enumerate((f"{m.sentiment:+.2f}", m.entity, m.title, m.source)):
            table.setItem(r, c, QTableWidgetItem(v))
    win.setCentralWidget(table)
    win.resize(1200, 800)
    win.show()
    if smoke_test:
        QTimer.singleShot(0, lambda: (win.grab(), print(f"smoke test: window painted, {len(rows)} rows"), app.quit()))
    return app.exec()
