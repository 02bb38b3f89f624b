"""A workspace small enough to count by hand, built through the service as a user would
(entities, feed files, a fetch, triage, an override, a response sent): the figures every
surface must agree on are in ``EXPECTED``.

Times are relative to the start of today (UTC, as "Last N days" counts: README) so that the
period edges fall between mentions: one a minute after midnight, one a minute before, one a
minute inside the first day of "Last 7 days" and one a minute before it. (In the first minute
of a UTC day n1 is still ahead of the clock, and in the last 30 seconds the Responses page's
old rolling 30 days would have missed n9's response too: the tests read the edges as built.)

Mentions (T0 = today 00:00 UTC; B brand Velora, X executive Maya Lindqvist, S Stromer, R Riese):

 item  when          feed    entities  label (machine → person)
 n1    T0 + 1 min    news    B         negative  (recall, fires)
 n2    T0 - 1 min    news    B         positive  (award)
 n3    T0 - 6d + 1m  forum   B, S      positive for B, negative for S (B beat S)
 n4    T0 - 6d - 1m  news    B         positive (outside the last 7 days, inside 30)
 n5    T0 - 2 d      review  B         negative by the machine, +0.6 by a person
 n6    T0 - 3 d      news    X, B      positive
 n7    T0 - 3d + 1h  forum   S         positive
 n8    T0 - 1 d      news    R         negative; the same link in the forum feed: stored once
 n9    T0 - 31 d     review  B         negative (before any "Last N days" the pages offer but 90)

Responses (users alex, author, and sam, approver): on n9 one sent at T0 - 29 d - 30 s, a minute
before "Last 30 days" begins; on n5 one drafted at T0 - 2 d + 1 h, approved + 2 h, sent + 3 h;
on n9 a second one, drafted and submitted at T0 - 40 d, still in review.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import time
from pathlib import Path

DAY = 86400
MIN = 60


def today_start(now: int | None = None) -> int:
    now = int(time.time()) if now is None else now
    return now // DAY * DAY


ITEMS = [  # key, offset from T0, feed, title, text, link
    ("n1", MIN, "news", "Velora recalls e-bike batteries after fires",
     "Velora recalls thousands of e-bike batteries after several fires; owners are angry and "
     "the recall is a disaster for Velora.", "https://paper.example/velora-recall"),
    ("n2", -MIN, "news", "Velora wins European design award",
     "Velora won the European design award for its excellent, beautiful and brilliant new bike. "
     "Judges praised Velora.", "https://paper.example/velora-award"),
    ("n3", -6 * DAY + MIN, "forum", "Velora beat Stromer in the range test",
     "Velora beat Stromer in our range test: Velora is great and wonderful, and Stromer lost badly, "
     "a terrible result for Stromer.", "https://forum.example/range-test"),
    ("n4", -6 * DAY - MIN, "news", "Velora opens a wonderful new flagship store",
     "Velora opens a wonderful new flagship store; customers love it and staff are excellent.",
     "https://paper.example/velora-store"),
    ("n5", -2 * DAY, "review", "Velora customer service is terrible",
     "Velora customer service is terrible, awful and useless. I want a refund from Velora.",
     "https://reviews.example/velora-service"),
    ("n6", -3 * DAY, "news", "Maya Lindqvist praised for brilliant leadership at Velora",
     "Maya Lindqvist was praised for her brilliant, excellent leadership; Velora is thriving "
     "and investors are delighted.", "https://paper.example/maya-praised"),
    ("n7", -3 * DAY + 3600, "forum", "Stromer launches an excellent new model",
     "Stromer launches an excellent new model, a great and wonderful bike that riders love.",
     "https://forum.example/stromer-model"),
    ("n8", -DAY, "news", "Riese recalls frames after cracks",
     "Riese recalls frames after dangerous cracks; an awful, terrible failure and angry riders.",
     "https://paper.example/riese-recall"),
    ("n9", -31 * DAY, "review", "Velora ignored my complaint",
     "Velora ignored my complaint for weeks; awful, useless service and I want a refund from Velora.",
     "https://reviews.example/velora-ignored"),
]
DUPLICATE = ("n8", "forum")  # the same link again in the forum feed: one item, not two

FEEDS = {"news": "Daily Paper", "forum": "Bike Forum", "review": "Review Site"}


def _rss(title: str, entries: list[tuple[str, str, str, int]]) -> str:
    out = [f'<?xml version="1.0"?><rss version="2.0"><channel><title>{html.escape(title)}</title>']
    for t, text, link, when in entries:
        out.append(f"<item><title>{html.escape(t)}</title><link>{link}</link><guid>{link}</guid>"
                   f"<description>{html.escape(text)}</description>"
                   f"<pubDate>{email.utils.formatdate(when, usegmt=True)}</pubDate></item>")
    out.append("</channel></rss>")
    return "".join(out)


def build(root: Path, t0: int | None = None):
    """The workspace at ``root`` (a Service), and {key: {entity name: mention id}}."""
    from orm_desktop.service import Service

    t0 = today_start() if t0 is None else t0
    svc = Service.create(root)
    svc.set_setting("brand_name", "Velora")
    svc.add_entity("brand", "Velora", "Velora", match_existing=False)
    svc.add_entity("executive", "Maya Lindqvist", '"Maya Lindqvist"', title="CEO", match_existing=False)
    svc.add_entity("competitor", "Stromer", "Stromer", match_existing=False)
    svc.add_entity("competitor", "Riese", "Riese", match_existing=False)
    files = root / "feed-files"
    files.mkdir()
    for kind, title in FEEDS.items():
        entries = [(t, text, link, t0 + off) for key, off, k, t, text, link in ITEMS if k == kind]
        entries += [(t, text, link, t0 + off) for key, off, _k, t, text, link in ITEMS
                    if (key, kind) == DUPLICATE]
        path = files / f"{kind}.xml"
        path.write_text(_rss(title, entries), encoding="utf-8")
        svc.add_feed(path.resolve().as_uri(), title=title, kind=kind)
    svc.fetch(jobs=1, force=True)
    ids: dict[str, dict[str, int]] = {}
    links = {link: key for key, *_rest, link in ITEMS}
    for r in svc.conn.execute("SELECT m.id, e.name, i.url FROM mentions m JOIN entities e ON e.id = m.entity_id "
                              "JOIN items i ON i.id = m.item_id"):
        ids.setdefault(links[r[2]], {})[r[1]] = r[0]
    svc.override_sentiment([ids["n5"]["Velora"]], 0.6, by="alex")
    _responses(svc, ids, t0)
    return svc, ids


def _responses(svc, ids: dict, t0: int) -> None:
    from orm_desktop.responses import workflow as wf
    from tests.conftest import act_as, user_key

    svc.add_user("alex", ["author"], key=user_key("alex"))
    svc.add_user("sam", ["approver"], key=user_key("sam"))
    act_as(svc, "alex", "sam")
    real_now = wf._now
    try:
        for key, start, steps in (("n9", t0 - 29 * DAY - 30, (0, 0, 0, 0)),
                                  ("n5", t0 - 2 * DAY + 3600, (0, 0, 3600, 7200))):
            wf._now = lambda at=start + steps[0]: at
            r = svc.create_draft(ids[key]["Velora"], author="alex", template_id="complaint-acknowledgement")
            svc.edit_response(r.id, "We are sorry, and we are looking into it. The Velora team", by="alex")
            for action, who, step in (("submit", "alex", steps[1]), ("approve", "sam", steps[2]),
                                      ("send", "alex", steps[3])):
                wf._now = lambda at=start + step: at
                svc.transition(r.id, action, by=who, channel="review site")
        wf._now = lambda: t0 - 40 * DAY  # a draft written 40 days ago and still in review: open now
        r = svc.create_draft(ids["n9"]["Velora"], author="alex", template_id="complaint-acknowledgement")
        svc.edit_response(r.id, "We are sorry about the wait. The Velora team", by="alex")
        svc.transition(r.id, "submit", by="alex")
    finally:
        wf._now = real_now


def describe(svc) -> str:
    """Every mention as stored (for a failing test's message)."""
    rows = svc.conn.execute("SELECT m.id, e.name, m.published, m.sentiment, m.override, m.status, i.title "
                            "FROM mentions m JOIN entities e ON e.id = m.entity_id JOIN items i ON i.id = m.item_id "
                            "ORDER BY m.published").fetchall()
    return "\n".join(f"{r[0]:>3} {r[1]:<15} {dt.datetime.fromtimestamp(r[2], dt.UTC):%m-%d %H:%M} "
                     f"{r[3]:+.2f} {'' if r[4] is None else 'override'} {r[5]} {r[6]}" for r in rows)
