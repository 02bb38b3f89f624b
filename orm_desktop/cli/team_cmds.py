"""`orm-desktop team init|add-user|remove-user|users|keygen|approve-key|whoami`: a team workspace on
PostgreSQL, its logins and their signing keys (docs/team.md)."""

from __future__ import annotations

import os
import sys
from contextlib import closing

from orm_desktop.cli._common import emit, first_line, passphrase, team_actions
from orm_desktop.errors import UsageError

NEW_PASSWORD_ENV = "ORM_DESKTOP_NEW_PASSWORD"


def register(sub) -> None:
    s = team_actions(sub)
    a = s.add_parser("init", help="create the schema and the roles in an empty database (as its owner)",
                     description="Example: orm-desktop team init postgresql://acme_owner@db.example.org:5432/acme")
    a.add_argument("url")
    a.set_defaults(func=cmd_init)
    a = s.add_parser("add-user", help="create a login (or take an existing one) and give it a role (admin)",
                     description="Example: orm-desktop -w postgresql://ada@db/acme team add-user maya --role approver")
    a.add_argument("name")
    a.add_argument("--role", required=True, choices=("author", "approver", "executive", "admin"))
    a.add_argument("--display-name", default="")
    a.add_argument("--executive", metavar="ENTITY", help="role executive: the executive entity this person is "
                   "(approves drafts written in that name)")
    a.add_argument("--password-file", metavar="FILE",
                   help=f"the new login's password (first line); else ${NEW_PASSWORD_ENV}, else a prompt")
    a.set_defaults(func=cmd_add_user)
    a = s.add_parser("remove-user", help="take a role away from a login (admin)")
    a.add_argument("name")
    a.add_argument("--role", required=True, choices=("author", "approver", "executive", "admin"))
    a.set_defaults(func=cmd_remove_user)
    a = s.add_parser("users", help="the team's logins, their roles and signing keys")
    a.add_argument("--format", choices=("table", "json"), default="table")
    a.set_defaults(func=cmd_users)
    a = s.add_parser("keygen", help="create this login's signing key (public key to the database, the "
                     "encrypted private key to this computer's OS keyring)")
    a.set_defaults(func=cmd_keygen)
    a = s.add_parser("approve-key", help="approve a login's signing key (admin, or the owner)")
    a.add_argument("name")
    a.set_defaults(func=cmd_approve_key)
    a = s.add_parser("whoami", help="the login this workspace URL connects as, and its roles")
    a.set_defaults(func=cmd_whoami)


def _url(args) -> str:
    from orm_desktop import workspace as wsmod

    target, _source = wsmod.resolve(args.workspace)
    if not wsmod.is_url(target):
        raise UsageError("team commands need a team workspace: --workspace postgresql://USER@HOST:PORT/DBNAME "
                         f"(or ${wsmod.ENV_VAR})")
    return str(target)


def _admin(url: str):
    from orm_desktop.service import TeamAdmin

    return TeamAdmin(url)


def cmd_init(args) -> int:
    from orm_desktop.service import redact_url

    t = _admin(args.url)
    try:
        prefix = t.init()
        me, _ = t.whoami()
    finally:
        t.close()
    print(f"team workspace ready at {redact_url(args.url)}")
    print(f"roles: {prefix}_author, {prefix}_approver, {prefix}_executive, {prefix}_admin (NOLOGIN groups)")
    print(f"next: orm-desktop -w \"{redact_url(args.url)}\" team add-user NAME --role admin  (as {me})")
    return 0


def _new_password(args, name: str) -> str:
    if args.password_file:
        return first_line(args.password_file, "password")
    if os.environ.get(NEW_PASSWORD_ENV):
        return os.environ[NEW_PASSWORD_ENV]
    if sys.stdin.isatty():
        import getpass

        try:
            value = getpass.getpass(f"password for the new login {name}: ")
            again = getpass.getpass("the same password again: ")
        except EOFError:
            raise UsageError("no password given") from None
        if again != value:
            raise UsageError("the two passwords differ")
        return value
    raise UsageError(f"{name} is a new login and needs a password: a prompt on a terminal, "
                     f"${NEW_PASSWORD_ENV} or --password-file FILE")


def cmd_add_user(args) -> int:
    with closing(_admin(_url(args))) as t:
        t.check_name(args.name, args.display_name)
        if args.executive:
            t.check_executive(args.executive)
        password = None if t.login_exists(args.name) else _new_password(args, args.name)
        what = t.add_user(args.name, args.role, password, display_name=args.display_name)
        if args.executive:
            t.link_executive(args.name, args.executive)
    print(f"{args.name}: " + ("login created, " if what == "created" else "existing login, ") + f"now {args.role}"
          + (f", speaking as {args.executive}" if args.executive else ""))
    return 0


def cmd_remove_user(args) -> int:
    with closing(_admin(_url(args))) as t:
        t.remove_user(args.name, args.role)
    print(f"{args.name} is no longer {args.role}")
    return 0


def cmd_users(args) -> int:
    with closing(_admin(_url(args))) as t:
        rows = [{"name": u.name, "roles": ",".join(u.roles), "login": "yes" if u.can_login else "no",
                 "key": u.key_id or "-", "key_approved": "yes" if u.key_approved else "no"} for u in t.users()]
    emit(rows, args.format, ["name", "roles", "login", "key", "key_approved"])
    return 0


def cmd_keygen(args) -> int:
    with closing(_admin(_url(args))) as t:
        me, _ = t.whoami()
        key_id = t.keygen(passphrase(args, f"new signing-key passphrase for {me}: ", confirm=True))
    print(f"{me}: signing key {key_id} registered; an admin approves it with `orm-desktop team approve-key {me}`")
    return 0


def cmd_approve_key(args) -> int:
    with closing(_admin(_url(args))) as t:
        key_id = t.approve_key(args.name)
    print(f"{args.name}'s signing key {key_id} approved")
    return 0


def cmd_whoami(args) -> int:
    with closing(_admin(_url(args))) as t:
        me, groups = t.whoami()
    print(f"{me} ({', '.join(groups) or 'no role in this workspace'})")
    return 0
