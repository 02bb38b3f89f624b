"""feedparser -> ParsedItem: statuses, sanitized HTML, plain text, date fallbacks, ratings.

feedparser's own sanitizer and relative-URI resolution are switched off (half its time) and
nh3 sanitizes once per entry instead. Never raises for bad input: the result's ``status`` says
what was wrong (ok | empty | not_a_feed | malformed | encoding) and ``message`` says it in words.
"""

from __future__ import annotations

import calendar
import hashlib
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

from orm_desktop.ingest.sanitize import html_to_text, sanitize_html
from orm_desktop.types import ParsedItem

MAX_TEXT = 20_000
MAX_TITLE = 500


@dataclass(frozen=True, slots=True)
class ParseResult:
    status: str
    items: list[ParsedItem] = field(default_factory=list)
    feed_title: str = ""
    message: str = ""


def parse_feed(body: bytes, url: str = "", headers: Mapping[str, str] | None = None,
               now: int | None = None, max_items: int = 500) -> ParseResult:
    import feedparser

    now = int(now if now is not None else time.time())
    if not body or not body.strip():
        return ParseResult("not_a_feed", message="empty response body")
    hdrs = {k.lower(): v for k, v in (headers or {}).items()}
    try:
        d = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False,
                             response_headers=hdrs or None)
    except Exception as exc:  # noqa: BLE001 - feedparser on hostile bytes: report, never crash
        return ParseResult("malformed", message=f"unreadable feed: {type(exc).__name__}: {exc}"[:300])
    entries = d.get("entries", [])
    version = d.get("version", "")
    exc = d.get("bozo_exception") if d.get("bozo") else None
    exc_name = type(exc).__name__ if exc is not None else ""
    notes = []
    if not entries:
        ctype = hdrs.get("content-type", "")
        head = body[:2048].lstrip().lower()
        if not version and ("html" in ctype or head.startswith((b"<!doctype html", b"<html"))):
            return ParseResult("not_a_feed", message="the URL returned an HTML page, not a feed")
        if exc is not None and not version:
            if not head.startswith(b"<"):
                return ParseResult("not_a_feed", message="the response is not XML, so not a feed")
            if "Encoding" in exc_name:
                return ParseResult("encoding", message=f"cannot decode the feed: {exc}"[:300])
            return ParseResult("malformed", message=f"malformed XML: {_exc_text(exc)}")
        if not version:
            return ParseResult("not_a_feed", message="no RSS, Atom or RDF feed found in the response")
        return ParseResult("empty", feed_title=_clean_title(d.feed.get("title", "")),
                           message="the feed has no entries")
    if exc is not None:
        if "CharacterEncoding" in exc_name:
            notes.append(f"encoding note: {str(exc)[:120]}")
        else:
            notes.append(f"malformed XML ({_exc_text(exc)}); {len(entries)} entries recovered")
    base = d.get("href") or url
    items = []
    for e in entries[:max_items]:
        item = _item(e, base, now)
        if item is not None:
            items.append(item)
    if len(entries) > max_items:
        notes.append(f"{len(entries) - max_items} entries beyond the first {max_items} ignored")
    text = " ".join(i.title + " " + i.text[:200] for i in items[:20])
    if text and text.count("\ufffd") > max(3, len(text) // 50):
        return ParseResult("encoding", message="the feed's text does not decode cleanly "
                           "(wrong declared character set)")
    return ParseResult("ok", items, _clean_title(d.feed.get("title", "")), "; ".join(notes))


def _exc_text(exc) -> str:
    msg = getattr(exc, "getMessage", lambda: str(exc))()
    line = getattr(exc, "getLineNumber", lambda: None)()
    return f"{msg} at line {line}" if line else str(msg)[:200]


def _clean_title(t: str) -> str:
    return " ".join(html_to_text(t).split())[:MAX_TITLE] if t else ""


def _item(e, base: str, now: int) -> ParsedItem | None:
    link = (e.get("link") or "").strip()
    if link and base and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", link):
        link = urljoin(base, link)
    title = _clean_title(e.get("title", ""))
    bodies = [c.get("value", "") for c in e.get("content", []) if isinstance(c, Mapping)]
    bodies.append(e.get("summary", "") or "")
    raw = max(bodies, key=len) if bodies else ""
    html = sanitize_html(raw, base_url=link or base)
    text = html_to_text(html)[:MAX_TEXT]
    if not title and not text:
        return None
    published = _published(e, now)
    guid = (e.get("id") or "").strip() or link
    if not guid:
        guid = "sha1:" + hashlib.sha1(f"{title}|{published}".encode()).hexdigest()
    author = (e.get("author") or "").strip()[:200]
    return ParsedItem(guid=guid[:1000], url=link[:2000], title=title or text[:120],
                      text=text, html=html, author=author, published=published,
                      rating=_rating(e, title, text))


def _published(e, now: int) -> int:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        st = e.get(key)
        if st:
            try:
                ts = calendar.timegm(st)
            except (TypeError, ValueError, OverflowError):
                continue
            if ts > now + 86400:  # a date in the future: clamp to the fetch time
                return now
            if ts > 0:
                return ts
    for key in ("published", "updated", "dc_date", "date"):
        raw = e.get(key)
        if raw:
            try:
                ts = int(parsedate_to_datetime(raw).timestamp())
                return min(ts, now) if ts > 0 else now
            except (TypeError, ValueError, IndexError):
                continue
    return now


_STARS = re.compile(r"([★]{1,5})([☆]{0,5})")
_RATING_PATTERNS = [
    re.compile(r"\brat(?:ing|ed)\s*[:=]?\s*(\d+(?:\.\d+)?)\s*(?:/|out of)\s*(\d+)", re.I),
    re.compile(r"\b(\d+(?:\.\d+)?)\s*(?:/|out of)\s*(5|10)\s*(?:stars?)?\b", re.I),
    re.compile(r"\b(\d(?:\.\d)?)\s*stars?\b", re.I),
]


def _rating(e, title: str, text: str) -> float | None:
    for key in ("rev_rating", "rating", "stars", "review_rating", "ratingvalue", "schema_ratingvalue"):
        v = e.get(key)
        if v not in (None, ""):
            try:
                value = float(str(v).strip())
            except ValueError:
                continue
            best = e.get("bestrating") or e.get("schema_bestrating") or 5
            try:
                best = float(best)
            except ValueError:
                best = 5.0
            return _norm(value, best)
    hay = f"{title}\n{text[:600]}"
    m = _STARS.search(hay)
    if m:
        return float(len(m.group(1)))
    for i, pat in enumerate(_RATING_PATTERNS):
        m = pat.search(hay)
        if m:
            value = float(m.group(1))
            best = float(m.group(2)) if i < 2 else 5.0
            return _norm(value, best)
    return None


def _norm(value: float, best: float) -> float | None:
    if best <= 0 or value < 0 or value > best:
        return None
    return round(value / best * 5.0, 2)
