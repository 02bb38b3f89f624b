"""`orm-desktop draft`, `responses list|show|history|submit|approve|reject|sent|discard`,
`users add|list`, `templates list|show`."""

from __future__ import annotations

import json
import sys

from orm_desktop.cli import _common
from orm_desktop.cli._common import FORMATS, emit, iso, open_service
from orm_desktop.textsafe import terminal_text

STATE_QUEUES = {"mine": None, "review": ("in_review",), "approved": ("approved",),
                "sent": ("sent",), "open": ("draft", "in_review", "changes_requested", "approved")}


def register(sub) -> None:
    d = sub.add_parser("draft", help="draft a response to a mention from the best (or a named) template",
                       description="Example: orm-desktop draft 42 --as alex --template review-reply-negative")
    d.add_argument("mention_id", type=int)
    d.add_argument("--template", "-t", help="template id (default: the best suggestion)")
    d.add_argument("--as", dest="user", required=not _common.TEAM, help="author user name (not on a team workspace)")
    d.add_argument("--suggest", action="store_true", help="only list the ranked template suggestions")
    d.add_argument("--json", action="store_true")
    d.set_defaults(func=cmd_draft)

    p = sub.add_parser("responses", help="the response approval workflow",
                       description="Example: orm-desktop responses approve 7 --as sam")
    s = p.add_subparsers(dest="responses_cmd", metavar="ACTION", required=True)
    a = s.add_parser("list", help="list responses")
    a.add_argument("--queue", choices=sorted(STATE_QUEUES), default="open")
    a.add_argument("--as", dest="user", default="", help="with --queue mine: whose drafts")
    a.add_argument("--format", choices=FORMATS, default="table")
    a.set_defaults(func=cmd_list, reads_only=True)
    for name, helptext in (("show", "show one response with its checks"),
                           ("history", "the audit trail of one response")):
        a = s.add_parser(name, help=helptext)
        a.add_argument("id", type=int)
        a.add_argument("--json", action="store_true")
        a.set_defaults(func=cmd_show if name == "show" else cmd_history)
    for name, action, helptext in (("submit", "submit", "submit a draft for review"),
                                   ("approve", "approve", "approve a response in review"),
                                   ("reject", "request_changes", "request changes (comment required)"),
                                   ("discard", "discard", "discard a response")):
        a = s.add_parser(name, help=helptext)
        a.add_argument("id", type=int)
        a.add_argument("--as", dest="user", required=not _common.TEAM)
        a.add_argument("--comment", "-m", default="")
        a.add_argument("--json", action="store_true")
        a.set_defaults(func=cmd_transition, action=action)
    a = s.add_parser("sent", help="record that an approved response was sent (where and when)")
    a.add_argument("id", type=int)
    a.add_argument("--as", dest="user", required=not _common.TEAM)
    a.add_argument("--channel", required=True, help="where it went: twitter, email, review site...")
    a.add_argument("--url", default="", help="link to the published reply")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_transition, action="send", comment="")
    a = s.add_parser("edit", help="replace the text of a response (from a file or stdin)")
    a.add_argument("id", type=int)
    a.add_argument("--as", dest="user", required=not _common.TEAM)
    a.add_argument("--file", default="-", help="text file (default: stdin)")
    a.add_argument("--comment", "-m", default="")
    a.set_defaults(func=cmd_edit)

    a = s.add_parser("export-approval", help="write an approval request file for someone away from this laptop")
    a.add_argument("id", type=int)
    a.add_argument("--out", required=True)
    a.add_argument("--as", dest="user", default="")
    a.set_defaults(func=cmd_export_approval)
    a = s.add_parser("merge-approval", help="apply the decision in a returned approval file")
    a.add_argument("file")
    a.add_argument("--as", dest="user", default="")
    a.set_defaults(func=cmd_merge_approval)
    ap = sub.add_parser("approval", help="decide on an approval request file (no workspace needed)",
                        description="Example: orm-desktop approval decide request.json --as maya --approve")
    aps = ap.add_subparsers(dest="approval_cmd", metavar="ACTION", required=True)
    a = aps.add_parser("show", help="show the response and the mention it answers")
    a.add_argument("file")
    a.set_defaults(func=cmd_approval_show)
    a = aps.add_parser("decide")
    a.add_argument("file")
    a.add_argument("--as", dest="user", required=True)
    g = a.add_mutually_exclusive_group(required=True)
    g.add_argument("--approve", action="store_true")
    g.add_argument("--request-changes", action="store_true")
    a.add_argument("--comment", "-m", default="")
    a.add_argument("--key", help="the approver's key file (`users export-key`); default: the workspace's")
    a.set_defaults(func=cmd_approval_decide)

    u = sub.add_parser("users", help="local user profiles and roles",
                       description="Example: orm-desktop users add sam --role approver")
    us = u.add_subparsers(dest="users_cmd", metavar="ACTION", required=True)
    a = us.add_parser("add")
    a.add_argument("name")
    a.add_argument("--role", action="append", required=True,
                   choices=("author", "approver", "executive", "admin"))
    a.add_argument("--display-name", default="")
    a.add_argument("--executive", help="the executive entity this user is (role executive)")
    a.set_defaults(func=cmd_user_add)
    a = us.add_parser("keygen", help="give a user of an older workspace a signing key (asks a new passphrase)")
    a.add_argument("name")
    a.set_defaults(func=cmd_user_keygen)
    a = us.add_parser("export-key", help="write a user's encrypted key to a file, for `approval decide --key`")
    a.add_argument("name")
    a.add_argument("--out", required=True)
    a.set_defaults(func=cmd_user_export_key)
    a = us.add_parser("list")
    a.add_argument("--format", choices=FORMATS, default="table")
    a.set_defaults(func=cmd_user_list)
    a = us.add_parser("display-name", help="change the name shown for a user (a team workspace: admins)",
                      description="Example: orm-desktop users display-name sam 'Sam Reyes' --if-version 1")
    a.add_argument("name")
    a.add_argument("display_name")
    a.add_argument("--if-version", type=int, metavar="V",
                   help="only if the user is still at row version V (as `users list --format json` showed it)")
    a.set_defaults(func=cmd_user_display_name)

    t = sub.add_parser("templates", help="response templates",
                       description="Example: orm-desktop templates show crisis-holding-statement")
    ts = t.add_subparsers(dest="templates_cmd", metavar="ACTION", required=True)
    a = ts.add_parser("list")
    a.add_argument("--format", choices=FORMATS, default="table")
    a.set_defaults(func=cmd_templates)
    a = ts.add_parser("show")
    a.add_argument("id")
    a.set_defaults(func=cmd_template_show)
    a = ts.add_parser("add", help="add or replace a workspace template from a TOML file (see `templates show`)")
    a.add_argument("file")
    a.add_argument("--as", dest="user", default="")
    a.set_defaults(func=cmd_template_add)
    a = ts.add_parser("delete", help="delete a workspace template (shipped ones stay)")
    a.add_argument("id")
    a.add_argument("--as", dest="user", default="")
    a.set_defaults(func=cmd_template_delete)


def _plain(r) -> dict:
    return {"id": r.id, "state": r.state, "mention_id": r.mention_id, "template": r.template_id,
            "channel": r.channel, "author": r.author, "approver": r.approver, "version": r.version,
            "created": iso(r.created), "updated": iso(r.updated), "approved_at": iso(r.approved_at),
            "sent_at": iso(r.sent_at), "sent_channel": r.sent_channel, "sent_url": r.sent_url,
            "in_name_of": r.in_name_of, "text": r.text}


def cmd_draft(args) -> int:

    svc = open_service(args)
    if args.suggest:
        rows = [{"template": s.template.id, "title": s.template.title, "score": round(s.score, 2),
                 "missing": list(s.missing), "text": s.text} for s in svc.suggest_templates(args.mention_id)]
        emit(rows, "json" if args.json else "table", ["template", "score", "title", "missing"])
        return 0
    r = svc.create_draft(args.mention_id, author=args.user, template_id=args.template)
    if args.json:
        print(json.dumps(_plain(r), ensure_ascii=False))
    else:
        print(f"response {r.id} drafted from {r.template_id} (state draft)\n\n{terminal_text(r.text)}")
        for f in svc.check_response(r):
            print(f"  check: {f.message}", file=sys.stderr)
    return 0


def cmd_list(args) -> int:
    svc = open_service(args)
    if args.queue == "mine":
        if not args.user:
            from orm_desktop.errors import UsageError

            raise UsageError("--queue mine needs --as USER")
        svc.user(args.user)
        rows = svc.responses(author=args.user, states=("draft", "changes_requested"))
    else:
        rows = svc.responses(states=STATE_QUEUES[args.queue])
    emit([_plain(r) for r in rows], args.format, ["id", "state", "mention_id", "template", "author",
                                                   "approver", "updated", "text"], widths={"text": 50})
    return 0


def cmd_show(args) -> int:

    svc = open_service(args)
    r = svc.response(args.id)
    flags = svc.check_response(r)
    if args.json:
        print(json.dumps({**_plain(r), "checks": [f.message for f in flags]}, ensure_ascii=False))
        return 0
    print(f"response {r.id}: {r.state} · template {r.template_id} · by {r.author}"
          + (f" · approved by {r.approver}" if r.approver else ""))
    print(f"\n{terminal_text(r.text)}\n")
    for f in flags:
        print(f"check: {f.message}")
    return 0


def cmd_history(args) -> int:

    svc = open_service(args)
    events = svc.response_history(args.id)
    rows = [{"id": e.id, "at": iso(e.at), "actor": e.actor, "action": e.action,
             "from": e.data.get("from", ""), "to": e.data.get("to", ""),
             "comment": e.data.get("comment", ""), "hash": e.hash[:12]} for e in events]
    emit(rows, "json" if args.json else "table", ["at", "actor", "action", "from", "to", "comment"])
    return 0


def cmd_transition(args) -> int:

    svc = open_service(args)
    r = svc.transition(args.id, args.action, by=args.user, comment=args.comment,
                      channel=getattr(args, "channel", ""), url=getattr(args, "url", ""))
    if args.json:
        print(json.dumps(_plain(r), ensure_ascii=False))
    else:
        print(f"response {r.id} is now {r.state.replace('_', ' ')}")
    return 0


def cmd_edit(args) -> int:
    from orm_desktop.cli._common import read_path
    from orm_desktop.errors import UsageError
    from orm_desktop.userfiles import read_text_file

    svc = open_service(args)
    if args.file == "-":
        data = sys.stdin.buffer.read(1024 * 1024 + 1)
        if len(data) > 1024 * 1024:
            raise UsageError("the response text on stdin is larger than 1 MiB")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UsageError(f"the response text on stdin is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    else:
        text = read_text_file(read_path(args.file), "response text", max_bytes=1024 * 1024)
    r = svc.edit_response(args.id, text.rstrip("\n"), by=args.user, comment=args.comment)
    print(f"response {r.id} saved (version {r.version}, {r.state})")
    return 0


def _new_key(args, name: str):
    from orm_desktop.cli._common import passphrase
    from orm_desktop.service import new_signing_key

    return new_signing_key(passphrase(args, f"new passphrase for {name}: ", confirm=True))


def cmd_user_add(args) -> int:

    svc = open_service(args)
    svc.refuse_local_users("add", args.name)  # before the new passphrase is asked
    svc.check_new_user(args.name, args.display_name or "")  # a name that passes for another: before it too
    u = svc.add_user(args.name, tuple(args.role), display_name=args.display_name,
                     executive=args.executive, key=_new_key(args, args.name))
    print(f"added user {u.name} ({', '.join(u.roles)}) with a signing key")
    return 0


def cmd_user_keygen(args) -> int:

    svc = open_service(args)
    svc.refuse_local_users("keygen", args.name)  # before the new passphrase is asked
    svc.user(args.name)
    svc.keygen(args.name, _new_key(args, args.name))
    print(f"{args.name} now has a signing key")
    return 0


def cmd_user_export_key(args) -> int:
    from orm_desktop.atomic import atomic_write

    svc = open_service(args)
    # a private key (encrypted, still a secret): only its owner may read the file, written whole or
    # not at all, and a folder or a missing folder is one line (it was a traceback)
    atomic_write(args.out, svc.user_private_key(args.name), mode=0o600)
    print(f"wrote {args.out}: {args.name}'s key, encrypted under {args.name}'s passphrase")
    return 0


def cmd_user_list(args) -> int:
    svc = open_service(args)
    rows = [{"name": u.name, "display_name": u.display_name, "roles": list(u.roles),
             "executive_entity": u.entity_id, "key_id": key_id, "version": u.version}
            for u, key_id in svc.users_with_keys()]
    emit(rows, args.format, ["name", "display_name", "roles", "executive_entity", "key_id"])
    return 0


def cmd_user_display_name(args) -> int:
    svc = open_service(args)
    u = svc.set_display_name(args.name, args.display_name, expected_version=args.if_version)
    print(f"{u.name} is shown as {u.display_name!r} (version {u.version})")
    return 0


def cmd_templates(args) -> int:

    svc = open_service(args)
    rows = [{"id": t.id, "title": t.title, "channel": t.channel, "tone": t.tone,
             "max_length": t.max_length, "shipped": t.shipped, "sentiment": list(t.sentiment),
             "source_kinds": list(t.source_kinds), "entity_kinds": list(t.entity_kinds)}
            for t in svc.templates().values()]
    emit(rows, args.format, ["id", "title", "channel", "tone", "shipped"])
    return 0


def cmd_template_show(args) -> int:
    from orm_desktop.errors import UsageError
    from orm_desktop.responses.templates import to_toml

    svc = open_service(args)
    t = svc.templates().get(args.id)
    if t is None:
        raise UsageError(f"no template {args.id!r}")
    sys.stdout.write(to_toml(t))
    return 0


def cmd_template_add(args) -> int:
    from orm_desktop.cli._common import read_path

    svc = open_service(args)
    from orm_desktop.userfiles import read_text_file

    t = svc.save_template(read_text_file(read_path(args.file), "template"), by=args.user or "cli")
    print(f"saved workspace template {t.id}")
    return 0


def cmd_template_delete(args) -> int:

    svc = open_service(args)
    svc.delete_template(args.id, by=args.user or "cli")
    print(f"deleted workspace template {args.id}")
    return 0


def cmd_export_approval(args) -> int:
    svc = open_service(args)
    svc.export_approval_request(args.id, args.out, by=args.user or "cli")
    print(f"wrote {args.out}: send it to the approver; merge it back with `responses merge-approval`")
    return 0


def cmd_merge_approval(args) -> int:
    svc = open_service(args)
    r = svc.merge_approval(args.file, by=args.user or "cli")
    print(f"response {r.id} is now {r.state.replace('_', ' ')}")
    return 0


def cmd_approval_show(args) -> int:
    from orm_desktop.service import read_approval_file
    from orm_desktop.textsafe import display_text

    p = read_approval_file(args.file)  # from someone else, its mention from a feed: no terminal escapes
    r, m = p["response"], p.get("mention") or {}
    print(display_text(f"Response #{r['id']} by {r['author']}"
                       + (f", in the name of {r['in_name_of']}" if r["in_name_of"] else "")))
    if m:
        print(display_text(f"Answers: {m['title']} ({m['source']})"))
    print(f"\n{terminal_text(str(r['text']))}\n")
    if p.get("decision"):
        print(display_text(f"Decision: {p['decision']['action']} by {p['decision']['actor']}"))
    return 0


def _approver_key(args):
    """The approver's private key: from --key FILE, else from the workspace; unlocked with the
    approver's passphrase."""
    from orm_desktop.cli._common import passphrase, read_path
    from orm_desktop.identity import IdentityError
    from orm_desktop.service import Service, decrypt_key

    if args.key:
        from orm_desktop.userfiles import read_text_file

        blob = read_text_file(read_path(args.key), "key", max_bytes=1024 * 1024)
    else:
        from orm_desktop import workspace as wsmod

        root, _ = wsmod.resolve(args.workspace)
        if not wsmod.Workspace(root).exists():
            raise IdentityError(f"deciding as {args.user} needs {args.user}'s key: give it with --key FILE "
                                         "(written by `orm-desktop users export-key`)")
        blob = Service.stored_private_key(root, args.user)
        if blob is None:
            raise IdentityError(f"{args.user} has no signing key in {root}")
    return decrypt_key(blob, passphrase(args, f"passphrase of {args.user}: "), who=args.user)


def cmd_approval_decide(args) -> int:
    from orm_desktop.cli._common import read_path
    from orm_desktop.errors import UsageError
    from orm_desktop.service import decide_approval_file
    from orm_desktop.userfiles import open_regular_file

    # the file before the passphrase: a mistyped path was found only after the passphrase was
    # typed, and a wrong passphrase hid it ("wrong passphrase for maya" for a folder)
    open_regular_file(read_path(args.file), UsageError(f"{args.file} is not a regular file; not an approval file")).close()
    d = decide_approval_file(args.file, actor=args.user, approve=args.approve, key=_approver_key(args), comment=args.comment)
    print(f"recorded: {d['action'].replace('_', ' ')} by {d['actor']}; send the file back")
    return 0
