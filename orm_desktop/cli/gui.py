"""Launching the GUI from the command line: pick the workspace, create the demo on first use."""

from __future__ import annotations

import sys

from orm_desktop import workspace as wsmod


def demo_workspace_dir():
    return wsmod.default_workspace_dir().parent / "demo"


def run_gui(args) -> int:
    """No subcommand: open the GUI. With nothing configured and no workspace yet, the bundled
    offline demo workspace is created and opened, so a newcomer sees a populated app."""
    from orm_desktop.service import Service

    if args.demo:
        root = demo_workspace_dir()
    else:
        root, source = wsmod.resolve(args.workspace)
        if source == "default" and not (root / wsmod.DB_NAME).exists():
            root = demo_workspace_dir()
    if (root / wsmod.DB_NAME).exists():
        svc = _open_or_offer_restore(root)
    else:
        print(f"orm-desktop: creating the offline demo workspace at {root} ...", file=sys.stderr)
        svc = Service.create(root, demo=True)
    from orm_desktop.ui.app import run

    return run(svc, smoke_test=args.smoke_test, page=getattr(args, "page", None))


def _open_or_offer_restore(root):
    """Open the workspace; when its database is damaged and a backup exists, ask whether to
    restore the newest backup (in a dialog) and open that."""
    from orm_desktop.errors import CorruptDatabase
    from orm_desktop.service import Service

    try:
        return Service.open(root)
    except CorruptDatabase as exc:
        from PySide6.QtWidgets import QApplication, QMessageBox

        from orm_desktop.backup import offer_restore

        QApplication.instance() or QApplication(sys.argv)

        def ask(message: str) -> bool:
            answer = QMessageBox.question(None, "ORM Desktop — damaged workspace", message)
            return answer == QMessageBox.StandardButton.Yes

        if offer_restore(wsmod.Workspace(root), exc, ask):
            return Service.open(root)
        raise
