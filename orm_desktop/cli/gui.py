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
        svc = Service.open(root)
    else:
        print(f"orm-desktop: creating the offline demo workspace at {root} ...", file=sys.stderr)
        svc = Service.create(root, demo=True)
    from orm_desktop.ui.app import run

    return run(svc, smoke_test=args.smoke_test)
