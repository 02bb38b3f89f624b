"""Starting the GUI."""

from __future__ import annotations

import sys
import time


def run(svc, *, smoke_test: bool = False) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from orm_desktop.ui.main_window import MainWindow

    started = time.perf_counter()
    if not smoke_test:
        from orm_desktop.backup import daily_backup
        from orm_desktop.errors import KnownError

        try:
            daily_backup(svc.ws)
        except KnownError as exc:  # a full disk must not stop the app from opening
            print(f"orm-desktop: automatic backup skipped: {exc}", file=sys.stderr)
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("ORM Desktop")
    app.setOrganizationName("orm-desktop")
    app.setDesktopFileName("orm-desktop")  # matches the menu entry (desktop install)
    windows: list[MainWindow] = []

    def show(service) -> None:
        win = MainWindow(service)
        win.switch_workspace.connect(lambda other: (show(other), win.close()))
        win.resize(1400, 880)
        win.show()
        windows.append(win)

    show(svc)
    import os

    start_page = os.environ.get("ORM_DESKTOP_START_PAGE", "")  # e.g. for screenshots: "Dashboard"
    if start_page:
        windows[-1].show_page(start_page)
    if smoke_test:
        def done() -> None:
            windows[-1].grab()
            print(f"smoke test: main window painted in {time.perf_counter() - started:.2f} s; "
                  f"{windows[-1].inbox.model.total} mentions in the inbox")
            app.quit()

        QTimer.singleShot(0, done)
    return app.exec()
