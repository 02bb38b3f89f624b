"""The bundled offline demo workspace (resources/demo): its spec and date-shifted feed copies.

The committed feeds carry dates relative to a fixed anchor (``demo.json`` → ``anchor``);
:func:`materialize` copies them with every date moved by :func:`shift_seconds`, so the newest
item is about "now" and the recall crisis is about three weeks ago whenever a demo workspace is
created. No Qt here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

from orm_desktop.paths import resource_path


def _demo_dir() -> Path:
    return resource_path("demo")


DEMO_DIR: Path = _demo_dir()

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# RSS 2.0 dates (RFC 822) and Atom / Dublin Core dates (RFC 3339), element by element
_RFC822 = re.compile(r"<(pubDate|lastBuildDate)>([^<]+)</\1>")
_RFC3339 = re.compile(
    r"<(published|updated|dc:date)>"
    r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d))</\1>"
)
# dates written in the stories ("built between 3 March and 14 August 2026")
_TEXT_DATE = re.compile(r"\b(\d{1,2}) (" + "|".join(_MONTHS) + r") (\d{4})\b")
_TEXT_RANGE = re.compile(r"\b(\d{1,2}) (" + "|".join(_MONTHS) + r")(?= and \d{1,2} \w+ \d{4})")


def load_spec() -> dict:
    """``demo.json``: anchor, brand, entities, feeds, users, settings, episode."""
    return json.loads((DEMO_DIR / "demo.json").read_text(encoding="utf-8"))


def anchor() -> int:
    """The fixed moment the committed demo feeds are written relative to (epoch seconds)."""
    return int(dt.datetime.fromisoformat(load_spec()["anchor"].replace("Z", "+00:00")).timestamp())


def shift_seconds(now: int | None = None) -> int:
    """How far the demo's dates move so that its newest moment (the anchor) lands on the last
    past occurrence of its time of day, less than a day before ``now``.

    Whole days, so every item keeps its UTC day and hour: the demo's day-by-day story (the crisis
    spike, the quiet weeks around it) is the same whatever the time of day it is created at.
    Shifting by the exact seconds made the volume-spike alert come and go with the clock."""
    elapsed = int(now if now is not None else time.time()) - anchor()
    return elapsed - elapsed % 86400


def _rfc822(m: re.Match, delta: dt.timedelta) -> str:
    when = parsedate_to_datetime(m.group(2).strip()) + delta
    return f"<{m.group(1)}>{format_datetime(when.astimezone(dt.UTC), usegmt=True)}</{m.group(1)}>"


def _rfc3339(m: re.Match, delta: dt.timedelta) -> str:
    when = dt.datetime.fromisoformat(m.group(2).replace("Z", "+00:00")) + delta
    return f"<{m.group(1)}>{when.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%SZ}</{m.group(1)}>"


def _text_date(m: re.Match, days: dt.timedelta) -> str:
    when = dt.date(int(m.group(3)), _MONTHS.index(m.group(2)) + 1, int(m.group(1))) + days
    return f"{when.day} {_MONTHS[when.month - 1]} {when.year}"


def shift_text(text: str, delta: dt.timedelta) -> str:
    """A feed document with every date moved by ``delta``: RSS pubDate/lastBuildDate, Atom
    published/updated, dc:date, and day-month-year dates in the stories (whole days)."""
    days = dt.timedelta(days=round(delta.total_seconds() / 86400))
    # "3 March and 14 August 2026": the year of the first date comes from the second one
    text = _TEXT_RANGE.sub(lambda m: _range_start(m, text, days), text)
    text = _TEXT_DATE.sub(lambda m: _text_date(m, days), text)
    text = _RFC822.sub(lambda m: _rfc822(m, delta), text)
    return _RFC3339.sub(lambda m: _rfc3339(m, delta), text)


def _range_start(m: re.Match, text: str, days: dt.timedelta) -> str:
    year = int(re.match(r" and \d{1,2} \w+ (\d{4})", text[m.end() :]).group(1))
    when = dt.date(year, _MONTHS.index(m.group(2)) + 1, int(m.group(1))) + days
    return f"{when.day} {_MONTHS[when.month - 1]}"


def materialize(dest: Path, now: int | None = None) -> list[dict]:
    """Copy the demo feeds into ``dest`` with every date shifted so the newest item is about
    ``now`` (default: the current time). Returns one spec per feed for the workspace:
    ``{"url": "file:///…/feed.xml", "title", "kind", "category", "weight"}``."""
    dest.mkdir(parents=True, exist_ok=True)
    delta = dt.timedelta(seconds=shift_seconds(now))
    out = []
    for f in load_spec()["feeds"]:
        text = (DEMO_DIR / f["file"]).read_text(encoding="utf-8")
        target = dest / Path(f["file"]).name
        target.write_text(shift_text(text, delta), encoding="utf-8")
        out.append(
            {
                "url": target.resolve().as_uri(),
                "title": f["title"],
                "kind": f["kind"],
                "category": f.get("category", ""),
                "weight": f.get("weight", 1.0),
            }
        )
    return out
