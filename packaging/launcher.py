"""Entry point of the PyInstaller builds: the same `orm-desktop` command as the wheel's script."""

import multiprocessing

from orm_desktop.cli import main

if __name__ == "__main__":
    # refresh workers are 'spawn' processes: in a frozen app they re-enter through this executable
    multiprocessing.freeze_support()
    raise SystemExit(main())
