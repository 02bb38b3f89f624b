"""`orm-desktop desktop install|remove`: the menu entry and icons for the current user."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("desktop", help="add or remove the ORM Desktop menu entry and icon (Linux, this user)",
                       description="Examples: orm-desktop desktop install; orm-desktop desktop remove. "
                                   "Writes to $XDG_DATA_HOME (default ~/.local/share): applications/ "
                                   "and icons/hicolor/.")
    p.add_argument("action", choices=("install", "remove"))
    p.set_defaults(func=cmd_desktop)


def cmd_desktop(args) -> int:
    from orm_desktop import desktop_entry

    if args.action == "install":
        paths = desktop_entry.install()
        print(f"installed {paths[0]} (starts: {desktop_entry.launcher_command()[0]}) "
              f"and {len(paths) - 1} icons under {paths[1].parents[3]}")
    else:
        paths = desktop_entry.remove()
        print(f"removed {len(paths)} files" if paths else "nothing to remove: no ORM Desktop entry installed")
    return 0
