"""The bundled offline demo workspace (resources/demo): spec and date-shifted feed copies."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import time
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path


def _demo_dir() -> Path:
    override = os.environ.get("ORM_DESKTOP_RESOURCES")
    base = Path(override) if override else Path(__file__).resolve().parents[1] / "resources"
    return base / "demo"


DEMO_DIR: Path = _demo_dir()


def load_spec() -> dict:
    return json.loads((DEMO_DIR / "demo.json").read_text(encoding="utf-8"))


def anchor() -> int:
    return int(dt.datetime.fromisoformat(load_spec()["anchor"].replace("Z", "+00:00")).timestamp())


def shift_seconds(now: int | None = None) -> int:
    """How far the demo's dates move so that its newest day is today."""
    return int(now if now is not None else time.time()) - anchor()


_RFC822 = re.compile(r"<(pubDate)>([^<]+)</pubDate>")
_ISO = re.compile(r"<(published|updated|dc:date)>(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d))</\1>")


def _shift_rfc822(m: re.Match, delta: dt.timedelta) -> str:
    when = parsedate_to_datetime(m.group(2)) + delta
    return f"<pubDate>{format_datetime(when.astimezone(dt.UTC), usegmt=True)}</pubDate>"


def _shift_iso(m: re.Match, delta: dt.timedelta) -> str:
    when = dt.datetime.fromisoformat(m.group(2).replace("Z", "+00:00")) + delta
    return f"<{m.group(1)}>{when.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%SZ}</{m.group(1)}>"


def materialize(dest: Path, now: int | None = None) -> list[dict]:
    """Copy the demo feeds into ``dest`` with every date shifted to look current; returns
    feed specs with file:// URLs (url, title, kind, category, weight)."""
    dest.mkdir(parents=True, exist_ok=True)
    delta = dt.timedelta(seconds=shift_seconds(now))
    out = []
    for f in load_spec()["feeds"]:
        text = (DEMO_DIR / f["file"]).read_text(encoding="utf-8")
        text = _RFC822.sub(lambda m: _shift_rfc822(m, delta), text)
        text = _ISO.sub(lambda m: _shift_iso(m, delta), text)
        target = dest / Path(f["file"]).name
        target.write_text(text, encoding="utf-8")
        out.append({"url": target.resolve().as_uri(), "title": f["title"], "kind": f["kind"],
                    "category": f.get("category", ""), "weight": f.get("weight", 1.0)})
    return out
