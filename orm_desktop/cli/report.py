"""`orm-desktop report --kind weekly|executive|crisis [--entity NAME] [--from D] [--to D] --out F.pdf`."""

from __future__ import annotations

import io
import sys
import time

from orm_desktop.cli._common import check_period, open_service, parse_until, parse_when


def register(sub) -> None:
    p = sub.add_parser("report", help="render a weekly, executive or crisis report to PDF (works offline, no display)",
                       description="Example: orm-desktop report --kind executive --entity 'Maya Lindqvist' --out maya.pdf")
    p.add_argument("--kind", required=True, choices=("weekly", "executive", "crisis"))
    p.add_argument("--entity", "-e", help="the brand (weekly report), executive (executive report) or any entity (crisis report)")
    p.add_argument("--from", dest="since", help="period start: YYYY-MM-DD or 7d / 2w (7d: today and the 6 days before, UTC; "
                                            "default: last 7 or 30 days)")
    p.add_argument("--to", dest="until", help="period end, inclusive: YYYY-MM-DD includes that whole day (default: end of today)")
    p.add_argument("--out", "-o", required=True, help="the PDF file to write")
    p.add_argument("--page-size", choices=("A4", "Letter"), default="A4")
    p.set_defaults(func=cmd_report)


def cmd_report(args) -> int:
    from orm_desktop.atomic import atomic_write
    from orm_desktop.reports.render import check_output, render_pdf

    since = parse_when(args.since) if args.since else None
    until = parse_until(args.until) if args.until else None
    check_period(since, until, "--from", "--to")
    out = check_output(args.out)
    svc = open_service(args)
    started = time.perf_counter()
    d = svc.report_data(args.kind, entity=args.entity, since=since, until=until)
    s = svc.settings()
    data, pages = render_pdf(d, page_size=args.page_size, color=s.get("brand_color") or "#0F6E8C",
                             logo=s.get("brand_logo") or "")
    # the PDF and its audit entry together: a busy database wrote the PDF, then failed (exit 1)
    svc.record_report_export(d, out, pages, by="cli", write=lambda: atomic_write(out, data))
    # with --out /dev/stdout the PDF is the output: the summary goes to stderr (it was appended to the PDF)
    print(f"wrote {args.out}: {pages} pages ({d.title}, {d.subtitle}) in {time.perf_counter() - started:.1f} s",
          file=sys.stderr if _is_stdout(out) else sys.stdout)
    if d.empty:  # the PDF says so on its cover; the person at the terminal learns it here
        print(d.empty_reason_cli, file=sys.stderr)
    return 0


def _is_stdout(path) -> bool:
    """Whether ``path`` is where standard output goes (/dev/stdout, or the file or pipe it leads to)."""
    import os

    try:
        return os.path.samestat(os.stat(path), os.fstat(sys.stdout.fileno()))
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return False
