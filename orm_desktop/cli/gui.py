"""Launching the GUI from the command line: pick the workspace, create the demo on first use."""

from __future__ import annotations

import sys
from pathlib import Path

from orm_desktop import workspace as wsmod

_CRASH_LOG: list = []  # the open crash log: faulthandler writes to it when the process dies


def record_crashes(folder: Path | None = None) -> str | None:
    """From here on, if the GUI process dies of a fatal signal (a segfault in Qt), every thread's
    Python stack is written to crash.log in the user's log folder (platformdirs). Returns the
    line to show when the previous session ended that way: its log is renamed (crash-<time>.log)
    so that it is told once. Nothing (None) when the folder cannot be written: the app opens."""
    import faulthandler
    import time

    if folder is None:
        from platformdirs import user_log_dir

        folder = Path(user_log_dir("orm-desktop", appauthor=False))
    log = folder / "crash.log"
    notice = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if log.is_file() and log.stat().st_size:
            kept = log.with_name(time.strftime("crash-%Y%m%d-%H%M%S.log", time.localtime(log.stat().st_mtime)))
            log.replace(kept)
            notice = (f"The last session of ORM Desktop ended in a crash; its report is in {kept} "
                      "(please attach it to a bug report)")
        f = open(log, "w", encoding="utf-8")  # noqa: SIM115 - open for the life of the process
    except OSError:
        return notice
    _CRASH_LOG[:] = [f]
    faulthandler.enable(file=f, all_threads=True)
    return notice


def display_problem() -> str | None:
    """Why Qt could not open a window here (None when it can): on Linux/BSD without an X11 or
    Wayland display, unless a headless platform (offscreen, minimal, vnc...) is asked for."""
    import os

    platform = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0].strip().lower()
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return None
    if platform and platform not in ("xcb", "wayland", "wayland-egl"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return ("the GUI needs a display and none was found (DISPLAY and WAYLAND_DISPLAY are unset); "
            "use the command line (orm-desktop --help), or run it where a desktop session is available")


def run_gui(args) -> int:
    """No subcommand: open the GUI. With nothing configured and no workspace yet, the bundled
    offline demo workspace is created and opened, so a newcomer sees a populated app; a named
    workspace that does not exist yet is created empty and opens on the onboarding wizard. With
    no display, one line saying so (exit 2) instead of Qt's abort."""
    from orm_desktop.errors import UsageError
    from orm_desktop.service import Service

    problem = display_problem()
    if problem:
        raise UsageError(problem)
    from orm_desktop.service import set_password_asker
    from orm_desktop.ui.identity import PasswordAsker

    set_password_asker(PasswordAsker())  # a team login's password: a dialog, from any thread
    notice = None if args.smoke_test else record_crashes()
    if notice:
        print(f"orm-desktop: {notice}", file=sys.stderr)
    if args.demo:
        root = wsmod.demo_workspace_dir()
    else:
        root, source = wsmod.resolve(args.workspace)
        if source == "default" and not (root / wsmod.DB_NAME).exists():
            root = wsmod.demo_workspace_dir()
    if wsmod.is_url(root):  # a team workspace: opened (never created) from here
        svc = Service.open(root)
    elif (root / wsmod.DB_NAME).exists():
        svc = _open_or_offer_restore(root)
    elif root == wsmod.demo_workspace_dir():
        print(f"orm-desktop: creating the offline demo workspace at {root} ...", file=sys.stderr)
        svc = Service.create(root, demo=True)
    else:  # a workspace named with --workspace / $ORM_DESKTOP_WORKSPACE: a new, empty one (onboarding)
        print(f"orm-desktop: creating a new workspace at {root}", file=sys.stderr)
        svc = Service.create(root)
    from orm_desktop.ui.app import run

    return run(svc, smoke_test=args.smoke_test, page=getattr(args, "page", None), notice=notice)


def _open_or_offer_restore(root):
    """Open the workspace; when its database is damaged and a backup exists, ask whether to
    restore the newest backup (in a dialog) and open that. When someone planted schema objects in
    it (a trigger), say what in a dialog and offer to remove them."""
    from orm_desktop.errors import CorruptDatabase, SchemaTampered
    from orm_desktop.service import Service

    try:
        return Service.open(root)
    except SchemaTampered as exc:
        from PySide6.QtWidgets import QApplication

        from orm_desktop.ui.schema_repair import offer_schema_repair

        QApplication.instance() or QApplication(sys.argv)
        return offer_schema_repair(None, root, exc)
    except CorruptDatabase as exc:
        from PySide6.QtWidgets import QApplication, QMessageBox

        QApplication.instance() or QApplication(sys.argv)

        def ask(message: str) -> bool:
            answer = QMessageBox.question(None, "ORM Desktop — damaged workspace", message)
            return answer == QMessageBox.StandardButton.Yes

        if Service.offer_restore(root, exc, ask):
            return Service.open(root)
        raise
