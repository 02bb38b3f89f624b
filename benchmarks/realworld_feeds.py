"""Does ingest keep every entry of real-world feeds, with the right fields?

    python benchmarks/realworld_feeds.py /tmp/realworld [--json OUT] [--all]

Every feed file under the folder (``.xml .rss .atom .rdf .feed .json``, a folder per source
repository) is read twice: by the project's parser (``parse_feed``, then the within-feed identity
rule of the pipeline, ``pipeline.identity``) and by plain feedparser with its defaults (the
reference; for a ``.json`` file, which feedparser does not read, feedparser-rs, which reads JSON
Feed into the same structure). Per
feed: entries feedparser found, entries we keep, and every entry we drop with the reason, where
the reason is one the project intends (docs/decisions.md "Ingest": no title and no text; the same
guid twice in one feed; beyond the newest 500) or "lost" when none applies. Per kept entry the
title, link, date, author and text length are compared with feedparser's; a difference is listed
with both values, to be judged by hand (feedparser is a reference, not the truth); differences
where ours is known to be right count as "explained" (a date feedparser cannot read, "PM", an
Atom entry's author inherited from its feed or <source>, a name feedparser blanked, FeedBurner's
origLink instead of its redirector; in JSON Feed, a link post's external_url as its link and a
plain-text title keeping what looks like markup, as the spec says titles are). Also counted:
kept entries with no date of their own (given the fetch time), no author, no text. Prints a table
per feed and the disagreements; writes benchmarks/out/realworld_feeds.json (or ``--json OUT``).
Exits 1 if an entry was lost or a feed crashed.

The captures: a folder per repository, copied out of the repositories' test data (never into
this one); docs/feeds.md "Real-world feeds" names them and the last results.
"""

from __future__ import annotations

import argparse
import calendar
import html
import json
import re
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

from _common import machine, table, write_json

from orm_desktop.ingest.parse import MAX_TEXT, MAX_TITLE, parse_feed
from orm_desktop.ingest.pipeline import identity
from orm_desktop.ingest.urls import canonical_url

NOW = 1_795_000_000  # a fixed fetch time: an entry given it had no date of its own
SUFFIXES = {".xml", ".rss", ".atom", ".rdf", ".feed", ".json"}
MAX_ITEMS = 500
TEXT_RATIO = 0.8  # our text shorter than this share of feedparser's is listed
_PM = re.compile(r"\d\s*[Pp]\.?[Mm]\b")
_AMPM_ZONE = re.compile(r"\d\s*[AaPp]\.?[Mm]\.?\s+[A-Z]{2,5}\b")  # "8:56 am PST": feedparser drops the zone
_ENTITY = re.compile(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")


class _Text(HTMLParser):
    """HTML to text the simplest way (the reference side: not our sanitizer)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def plain(value: str, is_html: bool = True) -> str:
    """Text of a feedparser value, whitespace folded."""
    if not value:
        return ""
    if not is_html:
        return " ".join(value.split())
    p = _Text()
    try:
        p.feed(value)
        p.close()
    except Exception:  # noqa: BLE001 - the reference side of a benchmark: fall back to the raw value
        return " ".join(html.unescape(value).split())
    return " ".join("".join(p.parts).split())


def _ref_entry(e, url: str) -> dict:
    td = e.get("title_detail") or {}
    title = plain(e.get("title", ""), td.get("type", "text/html") != "text/plain")
    bodies = [c.get("value", "") or "" for c in e.get("content") or [] if hasattr(c, "get")]
    bodies.append(e.get("summary", "") or "")
    text = plain(max(bodies, key=len))
    when = None
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        if e.get(key):
            try:
                when = calendar.timegm(e[key])
                break
            except (TypeError, ValueError, OverflowError):
                continue
    return {"id": (e.get("id") or "").strip(), "title": title, "link": urljoin(url, link) if (link := (e.get("link") or "").strip()) else "",
            "published": when, "author": (e.get("author") or "").strip(), "text": text,
            "raw_date": next((e.get(k) for k in ("published", "updated", "created") if e.get(k)), ""),
            "orig_link": (e.get("feedburner_origlink") or e.get("pheedo_origlink") or "").strip(),
            "source_author": ((e.get("source") or {}).get("author") or "").strip(),
            "author_names": [(a.get("name") or a.get("email") or "").strip() for a in e.get("authors") or []],
            # feedparser-rs puts a JSON Feed item's external_url there
            "related": next((x.get("href") for x in e.get("links") or () if x.get("rel") == "related"), "")}


def _clip(s: object, n: int = 90) -> str:
    s = str(s)
    return s if len(s) <= n else s[:n - 1] + "…"


def compare(path: Path, root: Path) -> dict:
    import feedparser

    body = path.read_bytes()
    name = str(path.relative_to(root))
    url = f"https://{path.parent.name.lower()}.corpus.example/{path.name}"
    out: dict = {"feed": name, "status": "", "parser": "", "fp_entries": 0, "kept": 0, "intended": 0,
                 "lost": 0, "title": 0, "link": 0, "date": 0, "author": 0, "text": 0, "explained": 0,
                 "no_date": 0, "no_author": 0, "no_text": 0,
                 "findings": [], "drops": []}
    try:
        ours = parse_feed(body, url, now=NOW, max_items=MAX_ITEMS, kind="news")
    except Exception as exc:  # noqa: BLE001 - a crash is a finding, not the end of the run
        out["status"] = "CRASH"
        out["findings"].append(f"parse_feed raised {type(exc).__name__}: {_clip(exc, 200)}")
        return out
    if path.suffix.lower() == ".json":  # feedparser reads no JSON Feed; feedparser-rs does
        import feedparser_rs

        # (it refuses the 1.0 spec's own "http://jsonfeed.org/version/1", which pxlnv.json has)
        ref = feedparser_rs.parse(body.replace(b'"http://jsonfeed.org/version/', b'"https://jsonfeed.org/version/', 1))
    else:
        ref = feedparser.parse(body)  # no base URL given: ids stay as written (feedparser resolves them)
    feed_author = (ref.feed.get("author") or "").strip() if ref.get("version", "").startswith("atom") else ""
    refs = [{**_ref_entry(e, url), "feed_author": feed_author} for e in ref.entries]
    out.update(status=ours.status, parser=ours.parser, fp_entries=len(refs))
    if ours.status not in ("ok", "empty"):
        out["lost"] = len(refs)
        out["findings"].append(f"feed status {ours.status}: {ours.message}")
        return out
    # walk feedparser's entries against ours (same order; ours may skip some)
    items = list(ours.items)
    j = 0
    capped = len(refs) - MAX_ITEMS if len(refs) > MAX_ITEMS else 0
    stored: dict[str, int | None] = {}
    own: set[str] = set()
    for i, r in enumerate(refs):
        it = items[j] if j < len(items) else None
        if it is None:
            same = False
        elif r["id"]:
            same = it.guid == r["id"][:1000]
        elif r["link"]:
            same = it.guid in (r["link"][:1000], it.url[:1000]) and not it.guid.startswith("sha1:")
        else:
            same = it.guid.startswith("sha1:")
        if not same:
            if not r["title"] and not r["text"]:
                why = "intended: no title and no text"
            elif capped:
                why, capped = "intended: beyond the newest 500", capped - 1
            else:
                why = "LOST"
            out["drops"].append(f"entry {i} {_clip(r['title'] or r['id'], 60)!r}: {why}")
            out["intended" if why != "LOST" else "lost"] += 1
            continue
        j += 1
        canon = canonical_url(it.url or it.guid)
        key = identity(canon, it.guid, 1, stored, own)
        if key is None:
            out["intended"] += 1
            out["drops"].append(f"entry {i} {_clip(it.title, 60)!r}: intended: same guid as an earlier "
                                f"entry of the feed ({_clip(it.guid, 60)})")
            continue
        stored.setdefault(canon, 1)
        stored[key] = 1
        own.add(it.guid)
        out["kept"] += 1
        out["no_date"] += it.published == NOW
        out["no_author"] += not it.author
        out["no_text"] += not it.text
        _fields(out, i, r, it)
    if j < len(items):
        out["findings"].append(f"{len(items) - j} of our items matched no feedparser entry")
    return out


def _fields(out: dict, i: int, r: dict, it) -> None:
    def note(field: str, ours: object, theirs: object, why: str = "") -> None:
        out["explained" if why else field] += 1
        tag = f"explained ({why})" if why else field
        out["findings"].append(f"entry {i} {tag}: ours {_clip(ours)!r} | feedparser {_clip(theirs)!r}")

    want_title = r["title"][:MAX_TITLE]
    if want_title and it.title != want_title and not (_ENTITY.search(want_title) and not _ENTITY.search(it.title)):
        # feedparser-rs reads a JSON Feed title as HTML ("von <i> und <b>" -> "von und")
        note("title", it.title, r["title"], "a plain-text JSON Feed title, markup kept"
             if "<" in it.title and plain(it.title) == r["title"] else "")
    elif not want_title and not it.title:
        note("title", "", "")
    if "\ufffd" in it.title and "\ufffd" not in r["title"]:
        note("title", it.title, r["title"])
    if it.url != r["link"] and canonical_url(it.url) != canonical_url(r["link"]):
        note("link", it.url, r["link"], "the article's own URL, origLink" if it.url == r["orig_link"] else
             "a JSON Feed link post's external_url" if not r["link"] and it.url == r["related"] else "")
    if r["published"] is None:
        if it.published != NOW:
            note("date", it.published, f"none ({r['raw_date']!r})",
                 "a date feedparser cannot read" if r["raw_date"] else "")
    elif r["published"] != it.published and not (r["published"] > NOW + 86400 and it.published == NOW):
        note("date", it.published, f"{r['published']} ({r['raw_date']!r})",
             "PM" if _PM.search(r["raw_date"]) and it.published - r["published"] == 12 * 3600 else
             "an am/pm time's zone, which feedparser drops" if _AMPM_ZONE.search(r["raw_date"])
             and (it.published - r["published"]) % 3600 == 0 and abs(it.published - r["published"]) <= 14 * 3600
             else "")
    if it.author != r["author"][:200]:
        note("author", it.author, r["author"], "" if r["author"] else
             "the feed's author, RFC 4287" if it.author == r["feed_author"][:200] else
             "the <source>'s author" if it.author == r["source_author"][:200] else
             "a name feedparser blanked" if it.author in r["author_names"] else "")
    want = min(len(r["text"]), MAX_TEXT)
    if len(it.text) < TEXT_RATIO * want:
        note("text", f"{len(it.text)} chars: {it.text[:60]}", f"{want} chars: {r['text'][:60]}")
    elif "\ufffd" in it.text and "\ufffd" not in r["text"]:
        note("text", "U+FFFD in text", "none")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("corpus", type=Path, help="folder of feed files (a sub-folder per source)")
    p.add_argument("--json", type=Path, help="write the results here (default benchmarks/out/realworld_feeds.json)")
    p.add_argument("--all", action="store_true", help="list every feed and every intended drop and explained "
                   "difference, not only what disagrees")
    a = p.parse_args()
    files = sorted(f for f in a.corpus.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES)
    results = [compare(f, a.corpus) for f in files]
    cols = ["feed", "status", "parser", "fp_entries", "kept", "intended", "lost", "title", "link", "date",
            "author", "text", "explained", "no_date", "no_author", "no_text"]
    fields = ("lost", "title", "link", "date", "author", "text")
    shown = [r for r in results if a.all or r["status"] not in ("ok", "empty") or any(r[k] for k in fields)
             or r["findings"]]
    print(table(shown, cols))
    total = {"feeds": len(results), "entries": sum(r["fp_entries"] for r in results),
             "kept": sum(r["kept"] for r in results), "intended_drops": sum(r["intended"] for r in results),
             **{k: sum(r[k] for r in results) for k in (*fields, "explained", "no_date", "no_author", "no_text")},
             "feeds_agreeing": sum(not any(r[k] for k in fields) and r["status"] in ("ok", "empty")
                                   for r in results),
             "crashed": sum(r["status"] == "CRASH" for r in results),
             "statuses": dict(Counter(r["status"] for r in results))}
    by_source = Counter(Path(r["feed"]).parts[0] for r in results)
    print(f"\ntotal: {total}\nby source: {dict(by_source)}")
    # the reason of an intended drop or an explained difference is in brackets / after "intended: "
    reasons = Counter(line.split("intended: ", 1)[1].split(" (")[0] for r in results for line in r["drops"]
                      if "intended: " in line)
    reasons.update(line.split("explained (", 1)[1].split(")")[0] for r in results for line in r["findings"]
                   if "explained (" in line)
    print(f"intended drops and explained differences: {dict(reasons)}")
    for r in shown:
        for line in r["drops"] + r["findings"]:
            if a.all or not ("intended: " in line or "explained (" in line):
                print(f"  {r['feed']}: {line}")
    payload = {"corpus": str(a.corpus), "now": NOW, "total": total, "by_source": dict(by_source),
               "reasons": dict(reasons), "feeds": results}
    if a.json:
        a.json.write_text(json.dumps({"machine": machine(), **payload}, indent=2) + "\n")
        print(f"wrote {a.json}")
    else:
        print(f"wrote {write_json('realworld_feeds', payload)}")
    sys.exit(1 if total["lost"] or total["crashed"] else 0)


if __name__ == "__main__":
    main()
