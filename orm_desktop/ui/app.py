"""Starting the GUI."""

from __future__ import annotations

import sys
import time


def install_error_hook() -> None:
    """A KnownError that escapes a slot (a write refused because someone planted a trigger while
    the app runs, a database another process holds, a full disk) is shown in a dialog, one line;
    before, PySide printed its traceback on a terminal nobody sees and the window said nothing (the
    row simply did not change). Anything else is a bug and goes to the previous hook."""
    previous = sys.excepthook

    def hook(kind, exc, tb) -> None:
        from orm_desktop.errors import KnownError

        if not isinstance(exc, KnownError):
            previous(kind, exc, tb)
            return
        from orm_desktop.errors import WorkspaceClosed

        if isinstance(exc, WorkspaceClosed):  # a late call of a window whose workspace was left
            return
        from PySide6.QtWidgets import QApplication, QMessageBox

        QMessageBox.warning(QApplication.activeWindow(), "ORM Desktop — not done", str(exc))

    sys.excepthook = hook


def close_windows(app, windows) -> None:
    """Delete the windows while Qt is still whole. Left alive, a main window (with the dialogs it
    opened) was deleted by PySide's exit clean-up and crashed the process at exit, after a session
    (found by the GUI crawl: exit 139 in QObject::~QObject)."""
    from PySide6.QtCore import QEvent

    for w in windows:
        runner = getattr(w, "runner", None)
        if runner is not None:
            runner.shutdown()  # background work ends before the widgets it reports to
    for w in windows:
        w.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)


class Windows:
    """The app's main windows. File > Open workspace (and New, Import bundle, Open team
    workspace) opens a window on the other workspace and closes this one; once it has closed
    (after any question about unsaved edits, and after an entity write it waits for) it is
    retired: its task runner starts nothing more and cancels what runs, and once the last of
    its tasks has reported it is deleted (its timers, live updates and pages with it); then its
    workspace is closed for good (Service.shut_down), unless another window shows the same one
    (the set-up wizard's end rebuilds the window on its workspace). Before, the old window only
    closed: its service kept its connections (the file open, its WAL never folded in) and its
    refresh timer kept running.

    The new window shows once the old one has closed: a Cancel to its "unsaved changes?" keeps
    the user in the old workspace, in one window, and lets the other workspace go (it showed the
    new window first, and a Cancel left both open). A task of the old window that ignores its
    cancellation neither holds the switch (closing waited up to 10 s for it, the window frozen)
    nor reaches the window with its result: the window is deleted when it ends."""

    def __init__(self, *, smoke_test: bool = False) -> None:
        self.smoke_test = smoke_test
        self.windows: list = []
        self.pending: dict = {}  # a window closing for a switch: the service to show once it has closed

    def show(self, service):
        from PySide6.QtCore import QTimer

        from orm_desktop.ui.main_window import GUI_BUSY_WAIT_MS, MainWindow

        # a write made on this (the GUI) thread waits at most a moment for another process's (a
        # scheduled fetch, a backup), then says the database is busy: SQLite's 10 s froze the
        # window (Settings › Save, Feeds › Enable/disable); the task runner's threads still wait
        service.wait_here_at_most(GUI_BUSY_WAIT_MS)
        win = MainWindow(service)
        win.switch_workspace.connect(lambda other: self.switch(win, other))
        win.closed.connect(lambda: self.retire(win))
        win.close_cancelled.connect(lambda: self.stay(win))
        from orm_desktop.ui.widgets import fit_to_screen

        fit_to_screen(win, 1400, 880)  # 1400 x 880 went past a 1024 x 640 screen, or 1280 x 800 at scale 2
        if not self.smoke_test:
            win.restore_ui_state()  # page, size and inbox filters as the last session on this workspace left them
        win.show()
        self.windows.append(win)
        if not self.smoke_test:
            QTimer.singleShot(0, win.maybe_onboard)  # an empty workspace starts with the set-up wizard
            QTimer.singleShot(0, win.offer_recovered_drafts)  # edits a killed session had not saved
        return win

    def switch(self, win, other) -> None:
        """Close ``win``, then show ``other`` (a Service) in a new window (``retire``)."""
        earlier = self.pending.pop(win, None)  # asked again while the window waits: the newer choice counts
        self.pending[win] = other
        if earlier is not None and earlier is not other:
            self.let_go(earlier)
        win.switching = True  # closed for good, never hidden to the tray
        win.close()  # may wait (an entity write) or ask (unsaved edits) first

    def stay(self, win) -> None:
        """``win``'s close was cancelled ("unsaved changes?"): no switch; the other service goes."""
        other = self.pending.pop(win, None)
        if other is None:
            return
        win.switching = False
        self.let_go(other)

    def let_go(self, svc) -> None:
        """Close a service no window shows (a switch called off), as ``retire`` closes one."""
        if any(w.svc is svc for w in self.windows):
            return
        from orm_desktop.ui.tasks import idle_thread

        svc.shut_down(idle=idle_thread)

    def retire(self, win) -> None:
        """``win`` closed while another window goes on: see the class."""
        other = self.pending.pop(win, None)
        if other is not None:  # shown while ``win`` is still on screen: the app never has no window
            self.show(other)
        if win not in self.windows or len(self.windows) < 2:
            return  # the last window: the app quits, close_windows deletes it
        self.windows.remove(win)
        svc = win.svc
        keep = any(w.svc is svc for w in self.windows)
        runner = win.runner

        def gone(*_args) -> None:
            if not keep:
                from orm_desktop.ui.tasks import idle_thread

                svc.shut_down(idle=idle_thread)

        def delete() -> None:
            if runner.running:
                return  # idle is emitted again once they have reported
            runner.idle.disconnect(delete)
            win.destroyed.connect(gone)
            win.deleteLater()

        runner.close()
        runner.idle.connect(delete)
        delete()


def run(svc, *, smoke_test: bool = False, page: str | None = None, notice: str | None = None) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    started = time.perf_counter()
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("ORM Desktop")
    app.setOrganizationName("orm-desktop")
    app.setDesktopFileName("orm-desktop")  # matches the menu entry (desktop install)
    from orm_desktop.ui.widgets import DataDirectionStyle

    if not isinstance(app.style(), DataDirectionStyle):  # numbers and dates read left to right under -reverse
        app.setStyle(DataDirectionStyle())
    install_error_hook()
    manager = Windows(smoke_test=smoke_test)
    windows = manager.windows
    manager.show(svc)
    if not smoke_test:
        windows[-1].start_daily_backup()  # in the window's thread pool: the window shows first
    if notice:  # e.g. where the last session's crash report is
        windows[-1].statusBar().showMessage(notice, 20_000)
    import os

    start_page = page or os.environ.get("ORM_DESKTOP_START_PAGE", "")  # e.g. for screenshots: "Dashboard"
    if start_page:
        # "dashboard" or "maya lindqvist" find "Dashboard" / "Maya Lindqvist": case is no mistake
        start_page = next((p for p in windows[-1].pages if p.casefold() == start_page.casefold()), start_page)
        if start_page not in windows[-1].pages:
            print(f"orm-desktop: no page {start_page!r}; pages: {', '.join(windows[-1].pages)}", file=sys.stderr)
        windows[-1].show_page(start_page)
    if smoke_test:
        def done() -> None:
            windows[-1].grab()
            print(f"smoke test: main window painted in {time.perf_counter() - started:.2f} s; "
                  f"{windows[-1].inbox.model.total} mentions in the inbox")
            app.quit()

        QTimer.singleShot(0, done)
    code = app.exec()
    close_windows(app, windows)
    return code
