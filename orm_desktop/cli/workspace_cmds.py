"""`orm-desktop init [--demo]` and `info`."""

from __future__ import annotations

import sys

from orm_desktop import workspace as wsmod
from orm_desktop.cli._common import iso, open_service
from orm_desktop.errors import UsageError
from orm_desktop.textsafe import display_text


def register(sub) -> None:
    p = sub.add_parser("init", help="create a workspace (with --demo: the populated offline demo)",
                       description="Create a workspace. Example: orm-desktop --workspace ~/acme init; a team "
                                   "workspace in an existing, empty PostgreSQL database: "
                                   "orm-desktop --workspace postgresql://ana@db.example/acme init")
    p.add_argument("--demo", action="store_true", help="populate it with the bundled offline demo")
    p.set_defaults(func=cmd_init)
    p = sub.add_parser("export-bundle", help="feeds, entities, rules, templates, users, overrides and the audit "
                       "log in one file", description="Example: orm-desktop export-bundle team.ormbundle")
    p.add_argument("file")
    p.add_argument("--as", dest="user", default="")
    p.set_defaults(func=cmd_export_bundle)
    p = sub.add_parser("import-bundle", help="rebuild a new workspace from a bundle",
                       description="Example: orm-desktop --workspace ~/copy init && "
                                   "orm-desktop --workspace ~/copy import-bundle team.ormbundle")
    p.add_argument("file")
    p.add_argument("--as", dest="user", default="")
    p.add_argument("--accept-policy", action="store_true",
                   help="also apply the bundle's weaker policy settings (self-approval, private addresses); audited")
    p.set_defaults(func=cmd_import_bundle)
    p = sub.add_parser("info", help="where the workspace is and what it holds",
                       description="Example: orm-desktop info")
    p.set_defaults(func=cmd_info)


def cmd_init(args) -> int:
    from orm_desktop.service import Service

    root, source = wsmod.resolve(args.workspace)
    if source == "demo":  # the GUI's demo is current until a workspace is made here
        root = wsmod.default_workspace_dir()
    where = wsmod.Workspace.at(root).label
    if not wsmod.is_url(root) and (root / wsmod.DB_NAME).exists():
        raise UsageError(f"a workspace already exists at {root}")
    if args.demo:
        print(f"creating the demo workspace at {where} ...", file=sys.stderr)
    svc = Service.create(root, demo=args.demo)
    n = svc.count_mentions()
    print(f"workspace ready at {where}" + (f" ({n} mentions)" if args.demo else ""))
    return 0


def cmd_info(args) -> int:
    from orm_desktop.service import refresh_label

    svc = open_service(args)
    h = svc.feed_health()
    _root, source = wsmod.resolve(args.workspace)
    print(f"workspace: {svc.ws.label}" + ("  (the offline demo the app opened: no workspace is configured; "
                                          "`orm-desktop init` makes one)" if source == "demo" else ""))
    print(f"backend:   {svc.backend_description()}")
    if svc.snapshot_label:
        print(f"snapshot:  {svc.snapshot_label} (mentions since {iso(svc.snapshot['since'])})")
    print(f"entities:  {len(svc.entities())}")
    print(f"feeds:     {len(svc.feeds())} (ok {h['ok']}, failing {h['failing']}, "
          f"never fetched {h['never']}, disabled {h['disabled']})")
    muted = svc.count_muted()  # counted by the pages and reports, not listed by the inbox or `mentions`
    print(f"mentions:  {svc.count_mentions()}" + (f" (+{muted} muted by a rule: not listed)" if muted else ""))
    print(f"refreshed: {refresh_label(svc.refresh_state(), iso)}")
    if svc.rescore_status():
        print(f"warning:   {svc.rescore_status()}")
    notes = svc.migration_notes()
    if notes:  # what an upgrade changed in the user's data (m015: repaired entity names)
        print(f"upgrades:  {len(notes)} change{'s' if len(notes) != 1 else ''} made by schema migrations:")
        for n in notes:
            print(f"  {iso(n.at)}  migration {n.version}: {display_text(n.note)}")
    return 0


def cmd_export_bundle(args) -> int:
    svc = open_service(args)
    p = svc.export_bundle(args.file, by=args.user or "cli")
    print(f"wrote {args.file}: {len(p['entities'])} entities, {len(p['rules'])} rules, {len(p['users'])} users, "
          f"{len(p['overrides'])} overrides, {len(p['audit'])} audit entries")
    return 0


def cmd_import_bundle(args) -> int:
    svc = open_service(args)
    if args.user:
        _unlock_from_bundle(args)
    n = svc.import_bundle(args.file, by=args.user or "cli", accept_policy=args.accept_policy)
    print("imported " + ", ".join(f"{v} {k}" for k, v in n.items()))
    return 0


def _unlock_from_bundle(args) -> None:
    """Importing `--as USER` where USER comes with the bundle: the import is signed by USER's key
    (from the bundle, still under USER's passphrase), so that passphrase is asked first."""
    from orm_desktop.cli._common import passphrase
    from orm_desktop.service import Service

    Service.unlock_from_bundle(args.file, args.user, lambda: passphrase(args, f"passphrase of {args.user}: "))
