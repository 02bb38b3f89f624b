"""What the mails and chat messages say: the morning digest per person, alert mails, the
weekly report mail. Each builder returns a ``Letter`` (subject, plain text, HTML, attachments);
the HTML uses inline styles only (mail clients drop <style> blocks and remote resources)."""

from __future__ import annotations

import datetime as dt
import html
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from orm_desktop import dates
from orm_desktop.numbers import signed
from orm_desktop.store import responses as rstore
from orm_desktop.textsafe import display_text, is_web_url

DIGEST_MENTIONS = 15
APPROVAL_FILES = 5


@dataclass(frozen=True, slots=True)
class Letter:
    subject: str
    text: str
    html: str
    attachments: tuple[tuple[str, str, bytes], ...] = field(default=())


def _day(ts: int | None) -> str:
    """A moment in UTC, as the mail's alerts (Alert.describe) and the app read it (orm_desktop.dates)."""
    return f"{dates.stamp(ts)} UTC" if ts else ""


def _page(title: str, sections: list[tuple[str, list[str], list[list[str]]]], footer: str) -> str:
    """HTML with one table per section: (heading, column names, rows of already-escaped cells)."""
    out = [f'<html><body style="font-family:Helvetica,Arial,sans-serif;color:#222;max-width:720px">'
           f'<h2 style="color:#0F6E8C;margin-bottom:4px">{html.escape(title)}</h2>']
    for heading, cols, rows in sections:
        out.append(f'<h3 style="margin:18px 0 6px 0">{html.escape(heading)}</h3>')
        if not rows:
            out.append('<p style="color:#777">Nothing.</p>')
            continue
        out.append('<table cellpadding="4" cellspacing="0" style="border-collapse:collapse;width:100%">'
                   '<tr style="background:#EEF4F6">'
                   + "".join(f'<th align="left">{html.escape(c)}</th>' for c in cols) + "</tr>")
        for r in rows:
            out.append('<tr style="border-bottom:1px solid #ddd">' + "".join(f"<td>{c}</td>" for c in r) + "</tr>")
        out.append("</table>")
    out.append(f'<p style="color:#777;font-size:small;margin-top:24px">{html.escape(footer)}</p></body></html>')
    return "\n".join(out)


def _text(title: str, sections: list[tuple[str, list[str]]], footer: str) -> str:
    lines = [title, "=" * len(title), ""]
    for heading, rows in sections:
        lines += [heading, "-" * len(heading)] + (rows or ["Nothing."]) + [""]
    return "\n".join(lines + [footer, ""])


def _clip(text: str, n: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _link(title: str, url: str) -> str:
    t = html.escape(display_text(title or url))
    return f'<a href="{html.escape(url, quote=True)}">{t}</a>' if is_web_url(url) else t


def awaiting_approval(conn, person: str) -> list[rstore.Response]:
    """Drafts in review that ``person`` (a workspace user) may approve."""
    u = rstore.user_by_name(conn, person)
    if u is None:
        return []
    pending = rstore.list_(conn, states=("in_review",), limit=200)
    if "approver" in u.roles or "admin" in u.roles:
        return [r for r in pending if r.author != u.name]
    if u.entity_id is not None:
        return [r for r in pending if r.in_name_of == u.entity_id]
    return []


def digest(svc, person: str, *, now: int, since: int) -> Letter:
    """The morning digest for one person: new negative mentions by priority, open alerts, drafts
    awaiting their approval (request files attached), responses overdue against the SLA."""
    from orm_desktop.types import UNSURE, MentionFilter

    conn = svc.conn
    f = MentionFilter(sentiment="negative", since=since, order="priority")
    negative = svc.mentions(f, limit=DIGEST_MENTIONS)
    n_negative = svc.count_mentions(f)
    alerts = svc.alerts()[:10]
    drafts = awaiting_approval(conn, person)
    overdue = rstore.overdue(conn, now, limit=20)
    brand = svc.setting("brand_name") or "ORM Desktop"
    title = f"{brand} — morning digest for {person}, {dt.datetime.fromtimestamp(now):%a %d %b %Y}"
    attachments = [approval_file(conn, r.id, by="scheduled-digest") for r in drafts[:APPROVAL_FILES]]
    prio = [[f"{m.priority:.0f}", html.escape(m.entity), _link(m.title, m.url), html.escape(display_text(m.source)),
             html.escape(m.score_text())] for m in negative]
    more = f" (the {len(negative)} most urgent of {n_negative})" if n_negative > len(negative) else ""
    sections = [
        (f"New negative mentions since {_day(since)}{more}", ["Priority", "Entity", "Title", "Source", "Score"], prio),
        ("Open alerts", ["Alert"], [[html.escape(a.describe())] for a in alerts]),
        ("Drafts awaiting your approval", ["#", "Author", "Draft"],
         [[str(r.id), html.escape(r.author), html.escape(_clip(r.text))] for r in drafts]),
        ("Responses overdue against the SLA", ["Mention", "Due", "Title"],
         [[str(mid), _day(due), html.escape(display_text(t or ""))] for mid, due, t in overdue]),
    ]
    footer = (f"Sent by ORM Desktop from {svc.ws.root}. "
              + (f"{len(attachments)} approval request file(s) attached: open with "
                 "`orm-desktop approval decide FILE --as NAME --approve` and send it back." if attachments else ""))
    text = _text(title, [
        (sections[0][0], [f"[P{m.priority:.0f}] {m.entity}: {display_text(m.title)} ({display_text(m.source)}, "
                          f"{signed(m.sentiment)}"
                          f"{', ' + UNSURE if m.unsure else ''}) {m.url if is_web_url(m.url) else ''}".rstrip()
                          for m in negative]),
        ("Open alerts", [a.describe() for a in alerts]),
        ("Drafts awaiting your approval", [f"#{r.id} by {r.author}: {_clip(r.text)}" for r in drafts]),
        ("Responses overdue against the SLA", [f"mention {mid}, due {_day(due)}: {display_text(t or '')}"
                                               for mid, due, t in overdue]),
    ], footer)
    subject = (f"[{brand}] Digest: {n_negative} new negative, {len(alerts)} open alerts, "
               f"{len(drafts)} to approve, {len(overdue)} overdue")
    return Letter(subject, text, _page(title, sections, footer), tuple(attachments))


def approval_file(conn, response_id: int, *, by: str) -> tuple[str, str, bytes]:
    """The approval request file for a draft in review, as a mail attachment (audited export)."""
    from orm_desktop.responses.approval_file import export_request

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"approval-request-{response_id}.json"
        export_request(conn, response_id, out, by=by)
        return out.name, "application/json", out.read_bytes()


def approval_request(svc, r: rstore.Response, person: str) -> Letter:
    """"Your approval is needed": the draft, what it answers, the request file attached."""
    brand = svc.setting("brand_name") or "ORM Desktop"
    m = svc.mention(r.mention_id).mention if r.mention_id else None
    about = f"{m.entity}: {display_text(m.title)} ({display_text(m.source)}) {m.url}" if m else "a statement"
    title = f"{brand} — draft #{r.id} by {r.author} awaits your approval"
    footer = ("Approve or request changes in ORM Desktop, or by file: `orm-desktop approval decide "
              f"approval-request-{r.id}.json --as {person} --approve` and send the file back.")
    text = _text(title, [("Answers", [about]), ("Draft", [r.text])], footer)
    page = _page(title, [("Answers", ["Mention"], [[_link(m.title, m.url) + f" — {html.escape(display_text(m.source))}"]
                                                   if m else [html.escape(about)]]),
                         ("Draft", ["Text"], [[html.escape(r.text).replace(chr(10), "<br>")]])], footer)
    return Letter(f"[{brand}] Approval needed: draft #{r.id} by {r.author}", text, page,
                  (approval_file(svc.conn, r.id, by="scheduled-run"),))


def alert(brand: str, headline: str, detail: str, *, kind: str = "Alert") -> Letter:
    title = f"{brand} — {kind}: {headline}"
    text = _text(title, [(kind, [detail])], "Sent by ORM Desktop's scheduled run.")
    page = _page(title, [(kind, ["What happened"], [[html.escape(detail)]])], "Sent by ORM Desktop's scheduled run.")
    return Letter(f"[{brand}] {kind}: {headline}", text, page)


def weekly_report(svc, *, now: int) -> Letter:
    """The weekly brand report as a PDF attachment."""
    from orm_desktop.reports import data
    from orm_desktop.reports.render import to_pdf

    d = data.build(svc, "weekly", now=now)
    s = svc.settings()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"weekly-{time.strftime('%Y-%m-%d', time.localtime(now))}.pdf"
        pages = to_pdf(d, out, color=s.get("brand_color") or "#0F6E8C", logo=s.get("brand_logo") or "")
        pdf = out.read_bytes()
    brand = s.get("brand_name") or "ORM Desktop"
    title = f"{brand} — {d.title}, {d.subtitle}"
    footer = f"{pages}-page PDF attached. Sent by ORM Desktop's scheduled run."
    return Letter(f"[{brand}] {d.title}: {d.subtitle}", _text(title, [], footer), _page(title, [], footer),
                  ((out.name, "application/pdf", pdf),))
