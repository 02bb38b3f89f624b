"""`orm-desktop` entry point: argparse, one module per command group under ``cli/``.

No subcommand opens the GUI. Usage errors print one line and exit 2; KnownErrors (network,
disk, locked or corrupt database) print one line and exit with their code; only bugs show a
traceback.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import math
import os
import sqlite3
import sys

from orm_desktop import __version__
from orm_desktop.errors import KnownError

# command modules; each defines register(subparsers) and sets args.func
COMMAND_MODULES = ["workspace_cmds", "feeds", "entities", "fetch", "mentions", "score", "settings_cmds"]
OPTIONAL_MODULES = ["alerts", "responses", "report", "safety", "audit_cmds", "rules_cmds", "evidence_cmds", "crisis_cmds", "extras", "deliveries_cmds",
                    "desktop_cmds", "team_cmds", "team_copy_cmds"]


# what `orm-desktop --help` says first (it printed this module's docstring: "`orm-desktop` entry point:
# argparse, one module per command group under ``cli/``", words for a developer, not a user)
DESCRIPTION = ("ORM Desktop: online reputation management on this computer. Without a command it opens the "
               "app; with one it works on the workspace from the command line (--workspace DIR, else "
               "$ORM_DESKTOP_WORKSPACE, else your user data folder).")
SQL_INT_MAX = 2**63 - 1  # ids, versions, counts: what SQLite's INTEGER (and PostgreSQL's bigint) holds


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, no usage dump
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")

    def _get_value(self, action, arg_string):
        value = super()._get_value(action, arg_string)
        # `mark 99999999999999999999999 read` reached SQLite and died of an OverflowError traceback
        if action.type is int and not -SQL_INT_MAX <= value <= SQL_INT_MAX:
            raise argparse.ArgumentError(action, f"{arg_string} is out of range")
        if action.type is float and not math.isfinite(value):  # nan reached SQLite as NULL: a traceback
            raise argparse.ArgumentError(action, f"{arg_string} is not a finite number")
        return value


def not_utf8(argv: list[str]) -> str | None:
    """The first argument holding bytes that are not UTF-8 (Python hands them over as lone
    surrogates, which no database, JSON file or hash accepts), shown escaped; None if all are."""
    for a in argv:
        try:
            a.encode("utf-8")
        except UnicodeEncodeError:
            return repr(os.fsencode(a))[2:-1]
    return None


def build_parser() -> Parser:
    p = Parser(prog="orm-desktop", description=DESCRIPTION,
               epilog="Exit codes: 0 ok, 1 a failure (or some feeds failed), 2 a usage error, 130 interrupted.")
    p.add_argument("--version", action="version", version=f"orm-desktop {__version__}")
    p.add_argument("--workspace", "-w", metavar="DIR",
                   help="workspace directory, or a team workspace's postgresql://USER@HOST/DB URL (default: "
                        "$ORM_DESKTOP_WORKSPACE, else the user data dir)")
    p.add_argument("--demo", action="store_true",
                   help="GUI: open the bundled offline demo workspace (created on first use)")
    p.add_argument("--smoke-test", action="store_true",
                   help="GUI: open the main window, paint it once and exit (used by CI)")
    p.add_argument("--passphrase-file", metavar="FILE",
                   help="read the passphrase of the --as user from FILE (else $ORM_DESKTOP_PASSPHRASE, else a prompt)")
    p.add_argument("--page", metavar="NAME", help="GUI: open on this page, e.g. Dashboard, Reports or an executive's name")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(f"orm_desktop.cli.{name}").register(sub)
    for name in OPTIONAL_MODULES:
        try:
            module = importlib.import_module(f"orm_desktop.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"orm_desktop.cli.{name}":
                raise
            continue
        module.register(sub)
    _passphrase_file_beside_as(p)
    return p


PASSPHRASE_COMMANDS = {("users", "add"), ("users", "keygen"), ("team", "keygen")}  # a new key's passphrase


def _passphrase_file_beside_as(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> None:
    """``--passphrase-file FILE`` also after the command, where scripts write it beside ``--as``
    (`alerts ack 5 --as sam --passphrase-file F` was "unrecognized arguments"). SUPPRESS keeps
    the option given before the command when it is not repeated here."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                _passphrase_file_beside_as(child, (*path, name))
            return
    if path and (path in PASSPHRASE_COMMANDS or "--as" in parser._option_string_actions):
        parser.add_argument("--passphrase-file", metavar="FILE", default=argparse.SUPPRESS,
                            help="read the passphrase from FILE (its first line), as before the command")


def _interrupt_once() -> None:
    """Ctrl+C stops a command once: the first raises KeyboardInterrupt, and the process ignores
    the next ones while it cleans up (removing a half-built workspace, joining the refresh's
    worker processes) and exits with status 130. A second Ctrl+C used to land inside that
    cleanup, leaving the half-built workspace a retry refuses (1 of 6 with a second SIGINT
    0.1 s after the first), or after Python's own handler was gone at exit, killing the process
    by the signal instead of exit status 130 (2 of 12)."""
    import signal
    import threading

    def interrupted(signum, frame):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # SIG_IGN outlives the interpreter's shutdown
        raise KeyboardInterrupt

    if (threading.current_thread() is threading.main_thread()  # (signals are the main thread's)
            and signal.getsignal(signal.SIGINT) is signal.default_int_handler):  # not when started ignoring it
        signal.signal(signal.SIGINT, interrupted)
        _INTERRUPT["handler"] = interrupted


_INTERRUPT: dict = {}


def _uninstall_interrupt_once() -> None:
    """Python's own Ctrl+C handler again when the command ended without one (``main`` called
    in a process that goes on: a test, a script); after a Ctrl+C, SIG_IGN stays."""
    import signal

    handler = _INTERRUPT.pop("handler", None)
    if handler is not None and signal.getsignal(signal.SIGINT) is handler:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _caught_interrupt() -> None:
    """CPython (3.12, 3.13) notes a KeyboardInterrupt that ends code run from a string
    (exec/eval of text: dataclasses and namedtuple make their methods so, on import) as
    unhandled even when it is caught, and under `python -m` then kills the process by SIGINT at
    exit instead of exiting 130. Any later string eval clears that note."""
    exec("pass")  # noqa: S102 - a constant


def main(argv: list[str] | None = None) -> int:
    from orm_desktop.cli import _common

    bad = not_utf8(sys.argv[1:] if argv is None else argv)
    if bad is not None:  # refused before anything runs: half a command would store or write it
        print(f"orm-desktop: error: the argument '{bad}' is not UTF-8 text (names, text and file names "
              "must be UTF-8)", file=sys.stderr)
        return 2
    _common.TEAM = _common.team_target(argv)  # on a team workspace the login is the user: no --as
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.workspace is not None and not args.workspace.strip():  # -w "$WS" with WS unset
        parser.error("--workspace is empty (leave it out for the default workspace)")
    try:
        if args.command is None:
            from orm_desktop.cli.gui import run_gui

            return run_gui(args)
        _interrupt_once()
        code = int(args.func(args) or 0)
        if code == 130:  # a command that caught Ctrl+C itself (rescore) and said what it kept
            _caught_interrupt()
        return code
    except KnownError as exc:
        print(f"orm-desktop: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except sqlite3.Error as exc:  # a read outside a transaction: a damaged file, a failing disk...
        from orm_desktop.service import known_database_error

        known = known_database_error(exc)
        if known is None:
            raise
        print(f"orm-desktop: error: {known}", file=sys.stderr)
        return known.exit_code
    except KeyboardInterrupt:
        print("orm-desktop: interrupted", file=sys.stderr)
        _caught_interrupt()
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:
        # a name longer than the file system takes (a pasted paragraph as --out, a file to
        # import): pathlib's exists()/is_dir() raise it where a missing file would say False
        if exc.errno != errno.ENAMETOOLONG:
            raise
        from orm_desktop.textsafe import clip

        print(f"orm-desktop: error: the file name is too long: {clip(str(exc.filename or ''), 80)}",
              file=sys.stderr)
        return 2
    finally:
        _uninstall_interrupt_once()
