"""The offline demo (resources/demo): well-formed feeds, ~400 items over 90 days, dates that
shift to "now", syndicated copies for the dedupe, and a recall crisis that stands out."""

from __future__ import annotations

import calendar
import datetime as dt
import importlib.util
import re
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest

from orm_desktop import demo
from orm_desktop.ingest.urls import title_norm, title_similarity

DAY = 86400
CRISIS_WORDS = ("recall", "fire", "battery", "batteries", "refund", "unsafe", "overheat", "smok")
URL_RE = re.compile(r"""(?:href|src)=["']([^"']+)["']""")


def _ts(entry) -> int:
    return int(dt.datetime(*entry.published_parsed[:6], tzinfo=dt.UTC).timestamp())


def _text(entry) -> str:
    return re.sub(r"<[^>]+>", " ", entry.get("summary", ""))


@pytest.fixture(scope="module")
def spec() -> dict:
    return demo.load_spec()


@pytest.fixture(scope="module")
def parsed(spec) -> list[tuple[dict, feedparser.FeedParserDict]]:
    return [(f, feedparser.parse((demo.DEMO_DIR / f["file"]).read_bytes())) for f in spec["feeds"]]


def test_spec_describes_the_workspace(spec):
    assert spec["anchor"] == "2026-11-20T12:00:00Z"
    assert len(spec["feeds"]) == 10
    assert {f["kind"] for f in spec["feeds"]} == {
        "news",
        "blog",
        "review",
        "forum",
        "press",
        "social",
    }
    kinds = {e["name"]: (e["kind"], e["importance"]) for e in spec["entities"]}
    assert kinds["Velora"] == ("brand", 1.0) and kinds["Maya Lindqvist"] == ("executive", 0.9)
    assert kinds["Velora Arc"] == ("product", 0.8)
    assert {n for n, (k, _) in kinds.items() if k == "competitor"} == {"Stridewell", "Kinetiq"}
    assert {n for n, (k, _) in kinds.items() if k == "executive"} == {
        "Maya Lindqvist",
        "Daniel Okafor",
        "Priya Raman",
    }
    for e in spec["entities"]:
        assert e["query"] and isinstance(e["aliases"], list)
        if e["photo"]:
            ET.parse(demo.DEMO_DIR / e["photo"])  # the SVGs are well-formed too
    assert re.fullmatch(r"#[0-9A-Fa-f]{6}", spec["settings"]["brand_color"])
    assert (demo.DEMO_DIR / spec["settings"]["logo"]).is_file()


def test_resources_dir_can_be_overridden(monkeypatch, tmp_path):
    monkeypatch.setenv("ORM_DESKTOP_RESOURCES", str(tmp_path))
    assert demo._demo_dir() == tmp_path / "demo"


def test_feeds_are_well_formed_unique_and_offline(spec, parsed):
    total, guids, formats = 0, set(), set()
    for f, d in parsed:
        ET.parse(demo.DEMO_DIR / f["file"])  # well-formed XML
        assert d.bozo == 0, (f["file"], d.get("bozo_exception"))
        formats.add(d.version)
        total += len(d.entries)
        for e in d.entries:
            guids.add(e.id)
            urls = [e.link] + URL_RE.findall(e.get("summary", ""))
            for url in urls:
                assert urlsplit(url).hostname.endswith(".example"), url
    assert {"rss20", "atom10"} <= formats
    assert 350 <= total <= 450 and len(guids) == total


def test_review_feeds_carry_star_ratings(parsed):
    for f, d in parsed:
        if f["kind"] != "review":
            continue
        assert d.entries
        for e in d.entries:
            stars = int(e.rev_rating)
            assert 1 <= stars <= 5 and f"Rating: {stars}/5" in e.summary


def test_text_lengths_fit_the_kind(parsed):
    lengths: dict[str, list[int]] = {}
    for f, d in parsed:
        for e in d.entries:
            lengths.setdefault(f["kind"], []).append(len(" ".join(_text(e).split())))
    assert max(lengths["social"]) < 280
    for kind in ("news", "blog"):
        assert 300 <= statistics.median(lengths[kind]) <= 1500 and max(lengths[kind]) <= 1500
    for kind in ("review", "forum"):
        assert min(lengths[kind]) >= 80 and max(lengths[kind]) <= 600


def test_committed_dates_span_90_days_before_the_anchor(parsed):
    anchor = demo.anchor()
    ages = [(anchor - _ts(e)) / DAY for _, d in parsed for e in d.entries]
    assert min(ages) >= 0 and min(ages) < 1
    assert 88 <= max(ages) <= 91


def test_the_committed_files_are_what_the_generator_writes(monkeypatch):
    path = demo.DEMO_DIR / "generate.py"
    module_spec = importlib.util.spec_from_file_location("demo_generate", path)
    gen = importlib.util.module_from_spec(module_spec)
    monkeypatch.setitem(sys.modules, "demo_generate", gen)  # dataclasses look their module up
    module_spec.loader.exec_module(gen)
    items = gen.build()
    assert [(i.title, i.when) for i in items] == [(i.title, i.when) for i in gen.build()]  # seeded
    for feed in gen.FEEDS:
        mine = sorted((i for i in items if i.feed == feed.slug), key=lambda i: i.when, reverse=True)
        text = gen.rss(feed, mine) if feed.fmt == "rss" else gen.atom(feed, mine)
        assert text == (demo.DEMO_DIR / "feeds" / f"{feed.slug}.xml").read_text(encoding="utf-8"), (
            feed.slug
        )


def test_syndicated_copies_for_the_dedupe(parsed):
    news = [(f["file"], e) for f, d in parsed if f["kind"] == "news" for e in d.entries]
    groups = 0
    tracked = False
    for i, (fa, a) in enumerate(news):
        copies = [
            (fb, b)
            for fb, b in news[i + 1 :]
            if fb != fa
            and abs(_ts(a) - _ts(b)) < 3 * DAY
            and title_similarity(title_norm(a.title), title_norm(b.title)) >= 0.75
        ]
        if copies and a.link not in {b.link for _, b in copies}:
            groups += 1
            tracked |= any("utm_" in x.link for x in [a] + [b for _, b in copies])
    assert groups >= 3 and tracked


def test_materialize_shifts_every_date_to_now(tmp_path, parsed):
    now = int(time.time())
    specs = demo.materialize(tmp_path, now=now)
    assert len(specs) == 10 and all(s["url"].startswith("file:///") for s in specs)
    shift = demo.shift_seconds(now)
    ages = []
    for s, (_f, original) in zip(specs, parsed, strict=True):
        path = Path(s["url"][len("file://") :])
        ET.parse(path)
        d = feedparser.parse(path.read_bytes())
        assert d.bozo == 0 and len(d.entries) == len(original.entries)
        for e, o in zip(d.entries, original.entries, strict=True):
            assert _ts(e) - _ts(o) == shift  # parsed and re-formatted, not approximated
            if o.get("updated_parsed"):
                assert (
                    calendar.timegm(e.updated_parsed) - calendar.timegm(o.updated_parsed) == shift
                )
            ages.append((now - _ts(e)) / DAY)
    assert 0 <= min(ages) <= 2
    assert 88 <= max(ages) <= 91
    # dates written in the stories move too (whole days)
    newsroom = Path(
        specs[[f["kind"] for f in demo.load_spec()["feeds"]].index("press")]["url"][7:]
    ).read_text()
    shown = re.search(r"built between (\d+ \w+) and (\d+ \w+ \d{4})", newsroom)
    expected = dt.date(2026, 8, 14) + dt.timedelta(days=round(shift / DAY))
    assert shown and shown.group(2) == f"{expected.day} {expected:%B} {expected.year}"


@pytest.mark.parametrize("hour", [None, 0, 6, 13, 22.5])
def test_the_recall_crisis_stands_out(tmp_path, hour):
    now = int(time.time())
    if hour is not None:  # the story is the same whatever the time of day the demo is created at
        now = now - now % DAY + int(hour * 3600)
    # days counted back from the demo's newest moment (whole days, so the buckets are UTC days
    # of the story; counted from `now` they would split days at the clock's hour)
    top = demo.anchor() + demo.shift_seconds(now)
    days: dict[int, int] = {}
    in_episode, crisis_words = 0, 0
    for s in demo.materialize(tmp_path, now=now):
        for e in feedparser.parse(s["url"][len("file://") :]).entries:
            age = (top - _ts(e)) // DAY
            days[age] = days.get(age, 0) + 1
            if 17 <= age <= 24:
                in_episode += 1
                text = (e.title + " " + _text(e)).lower()
                crisis_words += any(w in text for w in CRISIS_WORDS)
    rest = [n for age, n in days.items() if not 17 <= age <= 24]
    mean_rest = sum(rest) / len(rest)
    assert in_episode / 8 >= 3 * mean_rest  # the crisis days carry several times the usual volume
    assert crisis_words / in_episode > 0.6  # ... and they are about the recall
    assert max(rest) <= 8 and min(days.get(age, 0) for age in range(0, 89)) >= 1  # steady otherwise


def test_the_demo_tells_the_same_story_at_any_time_of_day(tmp_path):
    """Dates move by whole days: each item keeps its UTC hour, so every item falls on the same
    day counted from the newest one whether the demo is made at 01:00, 13:00 or 23:00, and
    nothing is in the future (with an exact-seconds shift the volume-spike alert came and went
    with the clock)."""
    midnight = int(time.time()) // DAY * DAY
    histograms = []
    for hour in (1, 11, 13, 15, 23):
        now = midnight + hour * 3600
        stamps = [_ts(e) for s in demo.materialize(tmp_path / str(hour), now=now)
                  for e in feedparser.parse(s["url"][len("file://") :]).entries]
        assert max(stamps) <= now and now - max(stamps) < 2 * DAY
        newest_day = max(stamps) // DAY
        histograms.append(sorted(newest_day - t // DAY for t in stamps))
    assert all(h == histograms[0] for h in histograms[1:])
