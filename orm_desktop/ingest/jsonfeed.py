"""JSON Feed 1.0 / 1.1 (https://www.jsonfeed.org/version/1.1/) read into feedparser-shaped entries.

``read(body, hdrs)`` is None unless the body is JSON (first non-space character ``{``); else a
:class:`JsonFeed` whose ``entries`` are plain dicts with the keys parse.py's ``_item`` reads from
feedparser (``id``, ``link``, ``title`` with ``title_detail`` text/plain, ``content``, ``summary``,
``author``, ``published``/``updated`` and their ``*_parsed``), so an item becomes an entry exactly
as an RSS item does (same sanitizer, untitled titles, date fallbacks and identity).

Parsed with the standard library's json, not feedparser-rs (which reads JSON Feed but drops a
numeric ``id`` the spec says to coerce to a string, calls plain-text titles HTML, and says only
"Feed format not recognized" for a truncated or deeply nested document). Hostile input: nesting
is bounded before json sees it (``MAX_DEPTH``), a field of the wrong type is ignored and an item
that is not an object is skipped, each counted in ``notes``; the feed itself stays readable.
"""

from __future__ import annotations

import codecs
import html
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

MAX_ITEMS = 10_000  # items read, in feed order (newest first by convention); parse.py keeps the newest 500
MAX_DEPTH = 32  # a JSON Feed needs 5 (feed, items, item, authors, author): deeper is refused
_VERSION = re.compile(r"^https?://jsonfeed\.org/version/")
_VERSION_IN_TEXT = re.compile(r'"version"\s*:\s*"https?://jsonfeed\.org/version/')
# keys only JSON Feed uses: a document cut short before its "version" (NetNewsWire's
# allthis-partial.json ends mid-item, its version was last) is still told by them
_JSON_FEED_KEYS = re.compile(r'"(?:feed_url|home_page_url|content_html|content_text|date_published)"\s*:')
_ENTITY = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]*|#[0-9]+|#[xX][0-9a-fA-F]+);")
_SPACE = re.compile(r"[ \t\r\n]*")
_ITEMS_START = re.compile(r'"items"\s*:\s*\[')
# a JSON string, or an unterminated one to the end: possessive, so a match never fails once begun
# (a failing '"[^"\\]*(?:\\.[^"\\]*)*"' retried at every later quote: 80 KB of \" took 22 s)
_STRING = re.compile(rb'"[^"\\]*+(?:\\[\s\S]?[^"\\]*+)*+(?:"|\Z)')
_OPENERS = re.compile(rb"[\[{]{%d}" % (MAX_DEPTH + 1))
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_UTF16_32_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                  (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass(slots=True)
class JsonFeed:
    status: str  # ok | empty | not_a_feed | malformed
    message: str = ""
    title: str = ""
    entries: list[dict] = field(default_factory=list)
    feed_author: str = ""
    notes: list[str] = field(default_factory=list)


def looks_like_json(body: bytes) -> bool:
    """The first non-space character is ``{`` (after a byte-order mark)."""
    head = body[:4096]
    for bom, codec in _UTF16_32_BOMS:
        if head.startswith(bom):
            try:
                return head.decode(codec, "ignore").lstrip().startswith("{")
            except (UnicodeDecodeError, LookupError):
                return False
    return head.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"{")


_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def read(body: bytes, hdrs: dict[str, str] | None = None) -> JsonFeed | None:
    """The JSON Feed in ``body``, None when the body is not JSON at all (see module docstring)."""
    if not looks_like_json(body):
        return None
    notes: list[str] = []
    text = _decode(body, hdrs or {}, notes)
    jf = _read(body, text, notes)
    if _SURROGATE_ESCAPE.search(text):
        # JSON may escape a lone surrogate ("\ud800"); json.loads hands it over as is, and UTF-8,
        # SQLite and every hash refuse it: one such title made `fetch` die of a UnicodeEncodeError
        # when the refresh wrote the feed's items (every refresh, for every feed, until removed)
        jf.title, jf.feed_author, jf.entries = _text(jf.title), _text(jf.feed_author), _text(jf.entries)
    return jf


def _text(value):
    """``value`` with every lone surrogate in its strings replaced by U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {k: _text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_text(v) for v in value]
    return value


def _read(body: bytes, text: str, notes: list[str]) -> JsonFeed:
    plain_utf8 = not notes and not body.startswith(tuple(b for b, _ in _UTF16_32_BOMS))
    if _too_deep(body if plain_utf8 else text.encode("utf-8", "surrogatepass")):
        return JsonFeed("malformed", f"JSON nested deeper than {MAX_DEPTH} levels: refused (a JSON Feed needs 5)")
    import json

    try:
        data = json.loads(text)
    except RecursionError:  # not reached after _too_deep; kept as the last guard
        return JsonFeed("malformed", f"JSON nested deeper than {MAX_DEPTH} levels: refused")
    except ValueError as exc:  # JSONDecodeError, or an integer of more than 4,300 digits
        if not (_VERSION_IN_TEXT.search(text) or (_ITEMS_START.search(text) and _JSON_FEED_KEYS.search(text))):
            return JsonFeed("not_a_feed", "the response is neither XML nor a JSON Feed (JSON that does not parse)")
        return _recover(text, exc, notes)
    if not isinstance(data, dict) or not _VERSION.match(str(data.get("version") or "")):
        return JsonFeed("not_a_feed", "the response is JSON but not a JSON Feed (no \"version\" "
                        "https://jsonfeed.org/version/…)")
    bad: Counter = Counter()
    title = _title(data, bad)
    feed_author = _author(data, bad)
    items = data.get("items")
    if items is None:
        items = []
    elif not isinstance(items, list):
        return JsonFeed("malformed", "the JSON Feed's \"items\" is not a list: no entries", title)
    entries = []
    if len(items) > MAX_ITEMS:
        notes.append(f"{len(items) - MAX_ITEMS} items beyond the first {MAX_ITEMS:,} not read")
    for it in items[:MAX_ITEMS]:
        if isinstance(it, dict):
            entries.append(_entry(it, bad))
        else:
            bad["items that are not objects (skipped)"] += 1
    if bad:
        notes.append("JSON Feed: ignored " + ", ".join(f"{n} {what}" for what, n in bad.most_common()))
    if not entries:  # the notes say why (items that are not objects, a note on the bytes)
        return JsonFeed("empty", "; ".join(["the feed has no entries", *notes]), title)
    return JsonFeed("ok", "", title, entries, feed_author, notes)


def _decode(body: bytes, hdrs: dict[str, str], notes: list[str]) -> str:
    """JSON Feed is UTF-8 (RFC 8259); a UTF-16/32 byte-order mark is followed, anything that is
    not valid UTF-8 is read with U+FFFD for the bad bytes (parse.py's check turns a feed where
    that is frequent into an "encoding" failure) and said in a note."""
    for bom, codec in _UTF16_32_BOMS:
        if body.startswith(bom):
            return body.decode(codec, "replace")
    body = body.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", hdrs.get("content-type", ""), re.I)
    if m:
        try:
            text = body.decode(m.group(1))
            notes.append(f"JSON Feed not in UTF-8: read as the declared {m.group(1)}")
            return text
        except (UnicodeDecodeError, LookupError):
            pass
    text = body.decode("utf-8", "replace")
    notes.append(f"JSON Feed not valid UTF-8: {text.count(chr(0xFFFD))} bad bytes replaced")
    return text


def _too_deep(body: bytes) -> bool:
    """Whether nesting goes beyond MAX_DEPTH, without recursion: the strings taken out, only the
    brackets kept, and innermost empty pairs removed MAX_DEPTH times (each pass removes at least
    one level, so a document left with a pair is deeper; one that is left with unbalanced
    brackets only is judged by json, unless they are more than MAX_DEPTH)."""
    s = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    for _ in range(MAX_DEPTH + 1):
        if _OPENERS.search(s):  # MAX_DEPTH + 1 openers in a row (10 MB of "[": 0.05 s, not 2 s)
            return True
        nxt = s.replace(b"[]", b"").replace(b"{}", b"")
        if nxt == s:
            return len(s) > MAX_DEPTH  # what is left is unbalanced (a document cut short)
        s = nxt
    return True


def _recover(text: str, exc: ValueError, notes: list[str]) -> JsonFeed:
    """A JSON Feed cut short: the complete items before the break, one at a time."""
    import json

    if isinstance(exc, json.JSONDecodeError):
        why = f"malformed JSON ({exc.msg.removesuffix(' at')} at line {exc.lineno} column {exc.colno})"
    else:
        why = "malformed JSON (a number of more than 4,300 digits)" if "digits" in str(exc) else (
            f"malformed JSON ({str(exc)[:120]})")
    m = _ITEMS_START.search(text)
    entries: list[dict] = []
    bad: Counter = Counter()
    if m:
        dec = json.JSONDecoder()
        pos, n, read = m.end(), len(text), 0
        while pos < n and read < MAX_ITEMS:
            read += 1
            try:
                it, pos = dec.raw_decode(text, _skip_space(text, pos))
            except (ValueError, RecursionError):
                break
            if isinstance(it, dict):
                entries.append(_entry(it, bad))
            pos = _skip_space(text, pos)
            if not text.startswith(",", pos):  # "]", or not a list of values: stop
                break
            pos += 1
    if not entries:
        return JsonFeed("malformed", f"{why}; no entries recovered")
    notes.append(f"{why}; {len(entries)} entries recovered")
    if bad:
        notes.append("JSON Feed: ignored " + ", ".join(f"{n} {what}" for what, n in bad.most_common()))
    return JsonFeed("ok", "", "", entries, "", notes)


def _skip_space(text: str, pos: int) -> int:
    return _SPACE.match(text, pos).end()


def _str(obj: dict, key: str, bad: Counter) -> str:
    v = obj.get(key)
    if v is None or isinstance(v, str):
        return v or ""
    bad[f"{key!r} not a string"] += 1
    return ""


def _title(obj: dict, bad: Counter) -> str:
    """Plain text, as the spec says; character references are read all the same (WordPress's
    JSON Feed writes "Tasks &amp; Sub Tasks", "I&#039;m": rose.json, 11 of 84 titles)."""
    title = _str(obj, "title", bad)
    return html.unescape(title) if "&" in title and _ENTITY.search(title) else title


def _author(obj: dict, bad: Counter) -> str:
    """The first named author: 1.1 ``authors[]``, else 1.0 ``author``."""
    authors = obj.get("authors")
    if isinstance(authors, list):
        for a in authors:
            if isinstance(a, dict) and isinstance(a.get("name"), str) and a["name"].strip():
                return a["name"].strip()
    elif authors is not None:
        bad["'authors' not a list"] += 1
    a = obj.get("author")
    if isinstance(a, dict):
        if isinstance(a.get("name"), str):
            return a["name"].strip()
    elif a is not None:
        bad["'author' not an object"] += 1
    return ""


def _entry(it: dict, bad: Counter) -> dict:
    ident = it.get("id")
    if isinstance(ident, bool) or not isinstance(ident, (str, int, float)):
        if ident is not None:
            bad["'id' not a string or number"] += 1
        ident = ""
    e: dict = {"id": str(ident), "title": _title(it, bad), "title_detail": {"type": "text/plain"},
               "link": _str(it, "url", bad) or _str(it, "external_url", bad)}
    body = _str(it, "content_html", bad)
    if not body.strip():
        body = _plain_html(_str(it, "content_text", bad))
    e["content"] = [{"value": body}] if body else []
    e["summary"] = _plain_html(_str(it, "summary", bad))
    e["author"] = _author(it, bad)
    for key, name in (("date_published", "published"), ("date_modified", "updated")):
        raw = _str(it, key, bad)
        if raw:
            e[name] = raw
            e[name + "_parsed"] = _rfc3339(raw)
    return e


def _plain_html(text: str) -> str:
    """Plain text as HTML: escaped, paragraphs at blank lines, line breaks kept."""
    if not text.strip():
        return ""
    if "\n" not in text:
        return f"<p>{html.escape(text.strip(), quote=False)}</p>"
    paras = (p.strip() for p in re.split(r"\n\s*\n", text))
    return "".join(f"<p>{html.escape(p, quote=False).replace(chr(10), '<br>')}</p>" for p in paras if p)


def _rfc3339(raw: str) -> time.struct_time | None:
    """RFC 3339 (what the spec asks for); anything else is left to parse.py's free-form dates."""
    try:
        dt = datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    try:
        return time.gmtime(dt.timestamp())
    except (OverflowError, OSError, ValueError):
        return None
