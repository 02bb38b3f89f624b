"""The offline demo: well-formed feeds, ~400 items over 90 days, a crisis that stands out."""

from __future__ import annotations

import datetime as dt
import time
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import feedparser

from orm_desktop import demo


def test_feeds_are_well_formed_and_sized():
    spec = demo.load_spec()
    assert len(spec["feeds"]) == 10
    kinds = {f["kind"] for f in spec["feeds"]}
    assert kinds == {"news", "blog", "review", "forum", "press", "social"}
    total, guids = 0, set()
    for f in spec["feeds"]:
        path = demo.DEMO_DIR / f["file"]
        ET.parse(path)  # well-formed XML
        d = feedparser.parse(path.read_bytes())
        assert d.bozo == 0, f["file"]
        total += len(d.entries)
        for e in d.entries:
            guids.add(e.id)
            assert urlsplit(e.link).hostname.endswith(".example")
        if f["kind"] == "review":
            assert all(e.get("rev_rating") for e in d.entries)
    assert 350 <= total <= 450 and len(guids) == total


def test_dates_shift_to_now_and_the_crisis_stands_out(tmp_path):
    now = int(time.time())
    specs = demo.materialize(tmp_path, now=now)
    days: dict[int, int] = {}
    crisis_words = 0
    episode = 0
    for s in specs:
        d = feedparser.parse(s["url"][len("file://"):])
        for e in d.entries:
            ts = int(dt.datetime(*e.published_parsed[:6], tzinfo=dt.UTC).timestamp())
            assert ts <= now + 60
            age = (now - ts) // 86400
            days[age] = days.get(age, 0) + 1
            if 17 <= age <= 24:
                episode += 1
                text = (e.title + " " + e.get("summary", "")).lower()
                crisis_words += any(w in text for w in ("recall", "fire", "battery", "refund", "unsafe", "overheat"))
    assert min(days) <= 1 and 85 <= max(days) <= 91
    quiet = [n for age, n in days.items() if not 16 <= age <= 25]
    mean_quiet = sum(quiet) / len(quiet)
    assert episode / 8 >= 2.5 * mean_quiet  # the crisis days carry several times the usual volume
    assert crisis_words / episode > 0.6
