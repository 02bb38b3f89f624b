"""`orm-desktop run-scheduled`, `schedule install|remove|status`, `deliveries ...` (issue 16)."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict

from orm_desktop.cli._common import emit, iso, open_service
from orm_desktop.errors import UsageError


def register(sub) -> None:
    p = sub.add_parser("run-scheduled", help="one background run: refresh due feeds, send due alerts, digests, reports",
                       description="Run by the OS job (`schedule install`). Example: orm-desktop run-scheduled")
    p.add_argument("--no-refresh", action="store_true", help="only queue and send deliveries")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_run_scheduled)

    p = sub.add_parser("schedule", help="install/remove the OS job that runs `run-scheduled` while the app is closed",
                       description="Example: orm-desktop schedule install (systemd user timer, launchd agent "
                                   "or Windows task)")
    s = p.add_subparsers(dest="schedule_cmd", metavar="ACTION", required=True)
    for name, fn in (("install", cmd_schedule_install), ("remove", cmd_schedule_remove),
                     ("status", cmd_schedule_status)):
        a = s.add_parser(name)
        a.add_argument("--platform", choices=("systemd", "launchd", "windows"), default=None,
                       help="default: this machine's")
        if name != "status":
            a.add_argument("--files-only", action="store_true",
                           help="write/remove the files without (de)registering them with the OS")
        if name == "install":
            a.add_argument("--print", action="store_true", help="print the files, write nothing")
        a.set_defaults(func=fn)

    p = sub.add_parser("deliveries", help="e-mail and chat deliveries: settings, test message, outbox",
                       description="Example: orm-desktop deliveries smtp --host smtp.example.org --port 587 "
                                   "--security starttls --user alex --sender alex@example.org --password-stdin")
    s = p.add_subparsers(dest="deliveries_cmd", metavar="ACTION", required=True)
    a = s.add_parser("show", help="the settings (no secrets) and the outbox counts")
    a.set_defaults(func=cmd_show)
    a = s.add_parser("smtp", help="the SMTP server (the password goes to the OS keyring)")
    a.add_argument("--host")
    a.add_argument("--port", type=int)
    a.add_argument("--security", choices=("starttls", "tls", "none"))
    a.add_argument("--user", dest="username")
    a.add_argument("--sender", help="From: address")
    a.add_argument("--password-stdin", action="store_true", help="read the password from stdin into the keyring")
    a.set_defaults(func=cmd_smtp)
    a = s.add_parser("recipient", help="add or remove a person who receives mail")
    a.add_argument("action", choices=("add", "remove"))
    a.add_argument("name", help="the person (a workspace user name, for 'drafts awaiting your approval')")
    a.add_argument("email", nargs="?")
    for flag in ("digest", "alerts", "reports"):
        a.add_argument(f"--no-{flag}", action="store_true", help=f"no {flag} for this person")
    a.set_defaults(func=cmd_recipient)
    a = s.add_parser("webhook", help="add or remove a Slack / Teams / Mattermost incoming webhook")
    a.add_argument("action", choices=("add", "remove"))
    a.add_argument("name")
    a.add_argument("--format", choices=("slack", "teams", "mattermost"), default="slack")
    a.add_argument("--url-stdin", action="store_true", help="read the webhook URL from stdin into the keyring")
    a.add_argument("--no-alerts", action="store_true")
    a.add_argument("--no-crisis", action="store_true")
    a.set_defaults(func=cmd_webhook)
    a = s.add_parser("set", help="digest_hour, report_weekday (0 = Monday), report_hour, tray_mode")
    a.add_argument("key", choices=("digest_hour", "report_weekday", "report_hour", "tray_mode"))
    a.add_argument("value")
    a.set_defaults(func=cmd_set)
    a = s.add_parser("test", help="send a test message now (mail, or --webhook NAME)")
    a.add_argument("--to", default="")
    a.add_argument("--webhook", default="")
    a.set_defaults(func=cmd_test)
    a = s.add_parser("outbox", help="what was queued, sent, is retrying or uncertain")
    a.add_argument("--state", action="append", default=[],
                   choices=("pending", "sending", "sent", "uncertain", "failed"))
    a.add_argument("--format", choices=("table", "json", "jsonl", "csv"), default="table")
    a.set_defaults(func=cmd_outbox)
    a = s.add_parser("send", help="send the due outbox rows now")
    a.set_defaults(func=cmd_send)
    a = s.add_parser("resend", help="send failed or uncertain messages again")
    a.add_argument("ids", type=int, nargs="+")
    a.set_defaults(func=cmd_resend)


def cmd_run_scheduled(args) -> int:
    svc = open_service(args)
    res = svc.run_scheduled(refresh=not args.no_refresh)
    if args.json:
        print(json.dumps(asdict(res)))
    else:
        print(f"run-scheduled: {res.summary()} in {res.seconds:.2f} s")
    for e in res.errors:
        print(f"orm-desktop: {e}", file=sys.stderr)
    return 0 if res.ok else 1


def _platform(args) -> str:
    from orm_desktop.deliveries.schedule import default_platform

    return args.platform or default_platform()


def _minutes(svc) -> int:
    from orm_desktop.deliveries.schedule import interval_minutes

    return interval_minutes(int(svc.setting("refresh_minutes") or 0))


def cmd_schedule_install(args) -> int:
    from orm_desktop.deliveries import schedule

    svc = open_service(args)
    root, platform = svc.ws.root, _platform(args)
    if args.print:
        for f in schedule.job_files(root, _minutes(svc), platform):
            print(f"# {f.path}\n{f.text}")
        return 0
    paths, ran = schedule.install(root, _minutes(svc), platform, activate=not args.files_only)
    print(f"installed {schedule.job_name(root)}: runs `orm-desktop run-scheduled` every {_minutes(svc)} min")
    for p in paths:
        print(f"  wrote {p}")
    for c in ran:
        print(f"  ran {c}")
    return 0


def cmd_schedule_remove(args) -> int:
    from orm_desktop.deliveries import schedule

    svc = open_service(args)
    removed = schedule.remove(svc.ws.root, _platform(args), activate=not args.files_only)
    print(f"removed {len(removed)} file(s)" + "".join(f"\n  {p}" for p in removed))
    return 0


def cmd_schedule_status(args) -> int:
    from orm_desktop.deliveries import schedule

    svc = open_service(args)
    st = schedule.status(svc.ws.root, _platform(args))
    print(f"{st['job']} ({st['platform']}): {'installed' if st['installed'] else 'not installed'}"
          + (f", timer {st['active']}" if st["active"] else ""))
    last = svc.setting("scheduled_last_run")
    if last:
        print(f"last run {iso(last['started'])}: refreshed={last['refreshed']} sent={last['sent']} "
              f"retrying={last['retrying']} errors={len(last['errors'])}")
    return 0


def cmd_show(args) -> int:
    svc = open_service(args)
    print(json.dumps({"settings": svc.deliveries_config(), "outbox": svc.outbox_counts()}, indent=2))
    return 0


def cmd_smtp(args) -> int:
    svc = open_service(args)
    cfg = svc.deliveries_config()
    for k in ("host", "port", "security", "username", "sender"):
        v = getattr(args, k)
        if v is not None:
            cfg["smtp"][k] = v
    svc.save_deliveries_config(cfg)
    if args.password_stdin:
        svc.set_delivery_secret(smtp_password=sys.stdin.readline().rstrip("\n"))
    s = cfg["smtp"]
    print(f"SMTP: {s['host']}:{s['port']} ({s['security']}), user {s['username'] or '-'}, from {s['sender']}"
          + ("; password stored in the OS keyring" if args.password_stdin else ""))
    return 0


def _replace_entry(svc, key: str, name: str, entry: dict | None) -> list[dict]:
    """Add (or replace) the entry named ``name`` in the ``key`` list, or remove it (entry None)."""
    cfg = svc.deliveries_config()
    kept = [x for x in cfg[key] if x["name"] != name]
    if entry is None and len(kept) == len(cfg[key]):
        raise UsageError(f"no {key[:-1]} named {name!r}")
    cfg[key] = kept + ([entry] if entry is not None else [])
    svc.save_deliveries_config(cfg)
    return cfg[key]


def cmd_recipient(args) -> int:
    svc = open_service(args)
    entry = None
    if args.action == "add":
        if not args.email:
            raise UsageError("recipient add needs NAME EMAIL")
        entry = {"name": args.name, "email": args.email, "digest": not args.no_digest,
                 "alerts": not args.no_alerts, "reports": not args.no_reports}
    print(f"{len(_replace_entry(svc, 'recipients', args.name, entry))} recipient(s)")
    return 0


def cmd_webhook(args) -> int:
    svc = open_service(args)
    entry = None
    if args.action == "add":
        if not args.url_stdin:
            raise UsageError("give the webhook URL on stdin with --url-stdin (it is a secret: kept in the OS keyring)")
        entry = {"name": args.name, "format": args.format, "alerts": not args.no_alerts,
                 "crisis": not args.no_crisis}
    hooks = _replace_entry(svc, "webhooks", args.name, entry)
    svc.set_delivery_secret(webhook=args.name, url=sys.stdin.readline().strip() if entry else "")
    print(f"{len(hooks)} webhook(s)")
    return 0


def cmd_set(args) -> int:
    svc = open_service(args)
    cfg = svc.deliveries_config()
    if args.key == "tray_mode":
        cfg[args.key] = args.value.lower() in ("1", "true", "on", "yes")
    else:
        try:
            cfg[args.key] = int(args.value)
        except ValueError:
            raise UsageError(f"{args.key} must be a whole number") from None
    svc.save_deliveries_config(cfg)
    print(f"{args.key} = {cfg[args.key]}")
    return 0


def cmd_test(args) -> int:
    svc = open_service(args)
    if args.webhook:
        svc.test_webhook(args.webhook)
        print(f"test message posted to webhook {args.webhook}")
    else:
        print(f"test message sent to {svc.send_test_message(args.to)}")
    return 0


def cmd_outbox(args) -> int:
    svc = open_service(args)
    rows = [{**asdict(r), "created": iso(r.created), "next_attempt": iso(r.next_attempt),
             "sent_at": iso(r.sent_at)} for r in svc.outbox(states=args.state)]
    emit(rows, args.format, ["id", "kind", "channel", "target", "state", "attempts", "next_attempt", "sent_at",
                             "subject", "last_error"], widths={"subject": 40, "last_error": 60})
    return 0


def cmd_send(args) -> int:
    svc = open_service(args)
    r = svc.send_outbox()
    print(f"{r.sent} sent, {r.retrying} to retry, {r.uncertain} uncertain, {r.failed} failed")
    for e in r.errors:
        print(f"orm-desktop: {e}", file=sys.stderr)
    return 1 if r.errors else 0


def cmd_resend(args) -> int:
    svc = open_service(args)
    print(f"{svc.resend(args.ids)} message(s) queued again; they go out with the next run (or `deliveries send`)")
    return 0



