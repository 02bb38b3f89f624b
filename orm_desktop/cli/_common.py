"""Helpers shared by the command modules: opening the workspace, dates, output formats."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import asdict, is_dataclass
from pathlib import Path

from orm_desktop import workspace as wsmod
from orm_desktop.errors import UsageError
from orm_desktop.numbers import signed
from orm_desktop.textsafe import clip, csv_cell, display_text
from orm_desktop.types import last_days

FORMATS = ("table", "csv", "json", "jsonl")
TEAM = False  # set by cli.main when the workspace is a postgresql:// URL: --as is then not required


def team_target(argv: list[str] | None) -> bool:
    """Whether the command line (or $ORM_DESKTOP_WORKSPACE) names a team workspace URL."""
    import os

    argv = list(sys.argv[1:] if argv is None else argv)
    for i, a in enumerate(argv):
        if a in ("--workspace", "-w") and i + 1 < len(argv):
            return wsmod.is_url(argv[i + 1])
        if a.startswith("--workspace="):
            return wsmod.is_url(a.split("=", 1)[1])
        if a.startswith("-w") and len(a) > 2:
            return wsmod.is_url(a[2:])
    return wsmod.is_url(os.environ.get(wsmod.ENV_VAR, "").strip())


def team_actions(sub):
    """The sub-parsers of `orm-desktop team`, made by whichever module registers first (team_cmds:
    init, users, keys; team_copy_cmds: snapshot, push), joined by the other."""
    import argparse

    team = sub.choices.get("team")
    if team is None:
        team = sub.add_parser("team", help="a team workspace on PostgreSQL: set-up, logins, signing keys",
                              description="Example: orm-desktop team init postgresql://acme_owner@db.example.org/acme "
                                          "(see docs/team.md)")
        return team.add_subparsers(dest="team_cmd", metavar="ACTION", required=True)
    return next(a for a in team._actions if isinstance(a, argparse._SubParsersAction))


def open_service(args):
    """The Service for --workspace / $ORM_DESKTOP_WORKSPACE / the default directory. With
    ``--as USER`` the user's signing key is unlocked first: nothing is done in a user's name
    without the user's passphrase."""
    from orm_desktop.service import Service

    root, _source = wsmod.resolve(args.workspace)
    svc = Service.open(root)
    name = getattr(args, "user", "") or ""
    login = svc.team_login()
    if login is not None:  # a team workspace: the login is the user, --as is refused
        from orm_desktop.service import as_refused

        if name:
            raise as_refused(login, name)
        if hasattr(args, "user"):
            args.user = name = login
            if getattr(args, "reads_only", False):  # reading needs no key
                svc.acting_user = login
                return svc
    if name:
        svc.act_as(name, lambda: passphrase(args, f"passphrase of {name}: "))
    return svc


def passphrase(args, prompt: str, *, confirm: bool = False) -> str:
    """The passphrase from --passphrase-file, else $ORM_DESKTOP_PASSPHRASE, else a prompt on a
    terminal; IdentityError (exit 2) when there is none."""
    import os

    from orm_desktop.identity import PASSPHRASE_ENV, IdentityError

    file = getattr(args, "passphrase_file", None)
    if file:
        return first_line(file, "passphrase")
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    if sys.stdin.isatty():
        import getpass

        try:
            value = getpass.getpass(prompt)
            if confirm and getpass.getpass("the same passphrase again: ") != value:
                raise IdentityError("the two passphrases differ")
        except EOFError:
            raise IdentityError(f"{prompt.rstrip(': ')}: nothing was typed") from None
        return value
    raise IdentityError(f"{prompt.rstrip(': ')} is needed: type it at the prompt on a terminal, "
                        f"set ${PASSPHRASE_ENV} or use --passphrase-file FILE")


_REL = re.compile(r"^(\d+)\s*([hdwm])$")


def parse_when(text: str, *, now: dt.datetime | None = None) -> int:
    """A date for --since/--until: YYYY-MM-DD, ISO 8601 date-time, or relative 24h/7d/2w/3m.
    Days, weeks and months (30 days) count whole UTC days as the app's "Last N days" does
    (types.last_days): 7d is the start of the day 6 days before today, so `--since 7d` lists what
    the Dashboard's "Last 7 days" counts (it was 7 x 24 hours back from now: a day's worth more,
    and `report --from 7d` covered 8 dates). Hours stay a rolling count, as "Last 24 hours"."""
    text = text.strip()
    now = now or dt.datetime.now(dt.UTC)
    m = _REL.match(text.lower())
    if m:
        n, unit = int(m.group(1)), m.group(2)
        try:
            if unit == "h":
                return int((now - dt.timedelta(hours=n)).timestamp())
            days = n * {"d": 1, "w": 7, "m": 30}[unit]
            dt.timedelta(days=days)  # out of range: OverflowError, as the subtraction below
            since = last_days(days, int(now.timestamp()))[0]
            dt.datetime.fromtimestamp(since, dt.UTC)  # before the year 1: ValueError/OverflowError/OSError
            return since
        except (OverflowError, ValueError, OSError):  # before year 1 (or too big for a timedelta)
            raise UsageError(f"the date {text!r} is out of range: that is before the year 1") from None
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"cannot read the date {text!r}: use YYYY-MM-DD, an ISO date-time, or 24h / 7d / 2w / 3m"
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return int(value.timestamp())


def parse_until(text: str, *, now: dt.datetime | None = None) -> int:
    """The end of a period, inclusive as people read it: a plain date YYYY-MM-DD means the end
    of that day; a date-time or 24h is that very moment; 7d is where the last 7 days begin, so
    `--since 14d --until 7d` is the 7 days before the last 7."""
    end = parse_when(text, now=now)
    return end + 86400 if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()) else end


def check_period(since: int | None, until: int | None, first: str = "--since", last: str = "--until") -> None:
    """A usage error for an inverted (or empty) date range instead of silently printing nothing."""
    if since is not None and until is not None and since >= until:
        raise UsageError(f"the period is empty: {first} must be before {last}")


def iso(ts: int | None) -> str:
    if ts is None:
        return ""
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def plain(obj) -> dict:
    d = asdict(obj) if is_dataclass(obj) else dict(obj)
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in d.items()}


def emit(rows: Sequence[dict], fmt: str, columns: Sequence[str], *, widths: dict[str, int] | None = None,
         out=None) -> None:
    """Print rows as table | csv | json | jsonl."""
    out = out or sys.stdout
    if fmt == "json":
        json.dump(list(rows), out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "jsonl":
        for r in rows:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        w = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: csv_cell("; ".join(map(str, v)) if isinstance(v, list) else v) for k, v in r.items()})
    else:
        widths = widths or {}
        cells = [[_cell(r.get(c), widths.get(c, 40)) for c in columns] for r in rows]
        size = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
        out.write("  ".join(c.upper().ljust(size[i]) for i, c in enumerate(columns)).rstrip() + "\n")
        for row in cells:
            out.write("  ".join(v.ljust(size[i]) for i, v in enumerate(row)).rstrip() + "\n")


def _cell(v, width: int) -> str:
    if v is None:
        s = ""
    elif isinstance(v, float):
        s = signed(v)
    elif isinstance(v, list | tuple):
        s = ",".join(map(str, v))
    else:
        s = display_text(str(v))
    return clip(s, width)


def first_line(file: str, what: str) -> str:
    """The first line of a secret's file (--passphrase-file, --password-file), at most 4 KiB of it:
    /dev/zero must not fill the memory; a pipe (`<(pass show orm)`) is read as any file."""
    with read_path(file).open("rb") as fh:
        first = fh.readline(4097)
    if len(first) > 4096:
        raise UsageError(f"{file}: the first line of a {what} file is longer than 4096 bytes")
    try:
        lines = first.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise UsageError(f"{file}: a {what} file holds UTF-8 text; this one does not") from None
    return lines[0] if lines else ""


def read_path(path: str) -> Path:
    p = Path(path).expanduser()
    if not p.exists():
        raise UsageError(f"no such file: {path}")
    if p.is_dir():
        raise UsageError(f"{path} is a directory, not a file")
    return p
