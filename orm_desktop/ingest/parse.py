"""feedparser -> ParsedItem: statuses, sanitized HTML, plain text, date fallbacks, ratings.

feedparser's own sanitizer and relative-URI resolution are switched off (half its time) and
nh3 sanitizes once per entry instead. Never raises for bad input: the result's ``status`` says
what was wrong (ok | empty | not_a_feed | malformed | encoding) and ``message`` says it in words.

Character sets are settled before feedparser sees the bytes (``_settle_encoding``): a feed with
no declaration that is not UTF-8 is detected with charset-normalizer (among the Windows Latin code
pages, by the alphabet its accented letters fit: ``_latin_codepage``); a declared Shift_JIS,
EUC-KR or GB2312 that fails part-way is decoded with its superset (CP932, CP949, GB18030); a
valid UTF-8 document with its own declaration wins over an HTTP charset that contradicts it.

JSON Feed 1.0 / 1.1 is told by content (a ``{`` first and a jsonfeed.org version), read by
``jsonfeed.read`` into entries of feedparser's shape, and from there made into items by the same
``_item`` as RSS and Atom entries (``parser`` is then "json").
"""

from __future__ import annotations

import calendar
import codecs
import hashlib
import re
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

from orm_desktop.ingest import jsonfeed
from orm_desktop.ingest.sanitize import html_to_text, sanitize_html
from orm_desktop.textsafe import is_web_url, one_line, scheme_of
from orm_desktop.types import ParsedItem

MAX_TEXT = 20_000
MAX_TITLE = 500
FUTURE_SLACK = 86400  # dates further ahead than this are replaced by the fetch time


@dataclass(frozen=True, slots=True)
class ParseResult:
    status: str
    items: list[ParsedItem] = field(default_factory=list)
    feed_title: str = ""
    message: str = ""
    parser: str = "feedparser"  # or "feedparser-rs" when the fast path took the feed


def parse_feed(body: bytes, url: str = "", headers: Mapping[str, str] | None = None,
               now: int | None = None, max_items: int = 500, kind: str = "",
               fast: bool = True) -> ParseResult:
    """Parse one feed body. ``kind`` is the feed's kind: only in ``review`` feeds are ratings
    read from the text ("Rated 4/5", "4 out of 5 stars", "★★★★½"); explicit rating markup counts
    everywhere. Beyond ``max_items`` entries the newest are kept. With ``fast``, feedparser-rs
    takes the feeds it reads exactly as feedparser does (``_fast_parse``); feedparser the rest."""

    now = int(now if now is not None else time.time())
    if not body or not body.strip():
        return ParseResult("not_a_feed", message="empty response body")
    hdrs = {k.lower(): v for k, v in (headers or {}).items()}
    jf = jsonfeed.read(body, hdrs)  # JSON Feed, told by content (a "{" and its version URL)
    if jf is not None:
        if jf.status != "ok":
            return ParseResult(jf.status, feed_title=_text_of(jf.title, _PLAIN), message=jf.message,
                               parser="json")
        return _entries_result(jf.entries, url, now, max_items, kind, jf.feed_author, jf.notes,
                               _text_of(jf.title, _PLAIN), "json")
    notes = []
    fp_body, fp_hdrs, enc_note = _settle_encoding(body, hdrs)
    if enc_note:
        notes.append(enc_note)
    fp_body = _no_surrogate_refs(fp_body)
    d = _fast_parse(fp_body, fp_hdrs) if fast else None
    parser = "feedparser" if d is None else "feedparser-rs"
    if d is None:
        import feedparser

        try:
            d = feedparser.parse(fp_body, sanitize_html=False, resolve_relative_uris=False,
                                 response_headers=fp_hdrs or None)
        except Exception as exc:  # noqa: BLE001 - feedparser on hostile bytes: report, never crash
            return ParseResult("malformed", message="unreadable feed: " + one_line(exc, 300 - len("unreadable feed: ")))
    entries = d.get("entries", [])
    version = d.get("version", "")
    exc = d.get("bozo_exception") if d.get("bozo") else None
    exc_name = type(exc).__name__ if exc is not None else ""
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
        if _is_xml_error(exc):  # e.g. a page cut short by a server error: not an empty feed
            return ParseResult("malformed", message=f"malformed XML ({_exc_text(exc)}); no entries recovered")
        return ParseResult("empty", feed_title=_feed_title(d), message="the feed has no entries")
    if exc is not None:
        if "CharacterEncoding" in exc_name:
            notes.append(f"encoding note: {str(exc)[:120]}")
        else:
            notes.append(f"malformed XML ({_exc_text(exc)}); {len(entries)} entries recovered")
    # RFC 4287 4.2.1: an Atom entry with no author of its own has the feed's
    feed_author = (d.feed.get("author") or "").strip() if version.startswith("atom") else ""
    return _entries_result(entries, d.get("href") or url, now, max_items, kind, feed_author, notes,
                           _feed_title(d), parser)


def _entries_result(entries: list, base: str, now: int, max_items: int, kind: str, feed_author: str,
                    notes: list[str], feed_title: str, parser: str) -> ParseResult:
    """The items of a feed's entries (feedparser's, or JSON Feed's in the same shape)."""
    if len(entries) > max_items:
        total = len(entries)
        entries = _newest(entries, max_items, now)
        notes.append(f"{total - max_items} older entries beyond the newest {max_items} ignored")
    items = []
    future = 0
    dropped: dict[str, int] = {}  # scheme -> entry links dropped
    for e in entries:
        item, in_future, bad_link = _item(e, base, now, kind, feed_author)
        future += in_future
        if bad_link is not None:
            key = scheme_of(bad_link) or "no scheme"
            dropped[key] = dropped.get(key, 0) + 1
        if item is not None:
            items.append(item)
    if future:
        notes.append(f"{future} entries dated more than a day ahead were given the fetch time")
    if dropped:
        n = sum(dropped.values())
        notes.append(f"{n} entry link{'s that are' if n != 1 else ' that is'} not web addresses "
                     f"({', '.join(sorted(dropped)[:5])}) dropped")
    text = " ".join(i.title + " " + i.text[:200] for i in items[:20])
    if text and text.count("\ufffd") > max(3, len(text) // 50):
        return ParseResult("encoding", message="the feed's text does not decode cleanly "
                           "(wrong declared character set)")
    return ParseResult("ok", items, feed_title, "; ".join(notes), parser)


# a character reference to a UTF-16 surrogate (U+D800-U+DFFF), which XML does not allow: feedparser's
# fallback parser decoded it into a lone surrogate and then failed encoding it, and one such entry
# made the whole feed "unreadable" (every other entry lost). It becomes U+FFFD, as a bad byte does.
_SURROGATE_REF = re.compile(rb"&#(?:[xX]0*[dD][89a-fA-F][0-9a-fA-F]{2}|0*5[5-7][0-9]{3});")


def _no_surrogate_refs(body: bytes) -> bytes:
    """``body`` with its character references to surrogates as ``&#xFFFD;``."""
    if b"&#" not in body:
        return body

    def sub(m: re.Match) -> bytes:
        ref = m.group()
        if ref[2:3] in (b"x", b"X") or 0xD800 <= int(ref[2:-1]) <= 0xDFFF:
            return b"&#xFFFD;"
        return ref

    return _SURROGATE_REF.sub(sub, body)


# -- the fast path ---------------------------------------------------------------------------------
FAST_VERSIONS = frozenset({"rss20", "atom10"})
# elements both parsers read the same way (checked on a corpus: benchmarks/parser_equivalence.py);
# a feed using any other element (extensions, inline XHTML, media:*, ...) goes to feedparser
FAST_ELEMENTS = frozenset({
    b"rss", b"channel", b"item", b"title", b"link", b"description", b"guid", b"pubDate", b"author",
    b"category", b"comments", b"enclosure", b"source", b"lastBuildDate", b"language", b"generator",
    b"docs", b"ttl", b"image", b"url", b"width", b"height", b"copyright", b"managingEditor",
    b"webMaster", b"content:encoded", b"dc:creator", b"atom:link", b"sy:updatePeriod",
    b"sy:updateFrequency", b"slash:comments", b"wfw:commentRss", b"feed", b"entry", b"id", b"updated",
    b"published", b"content", b"summary", b"name", b"email", b"uri", b"icon", b"logo", b"subtitle",
    b"rights"})
RSS_ONLY = frozenset({b"rss", b"channel", b"item", b"description", b"guid", b"pubDate"})
ATOM_ONLY = frozenset({b"feed", b"entry", b"summary", b"content", b"published", b"updated"})
FAST_MAX_ENTRIES = 10_000  # feedparser-rs's own limit: a longer feed would be cut short
_STARTS_XML = re.compile(rb"\s*<")
_MARKUP = re.compile(r"<|&[#\w]+;")
_CDATA = re.compile(rb"<!\[CDATA\[.*?\]\]>", re.S)
_ELEMENT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_EMPTY_ELEMENT = re.compile(rb"<([A-Za-z_][\w.:-]*)(?:\s[^<>]*)?/>")
# empty elements feedparser-rs reads correctly (attributes only)
SAFE_EMPTY_RSS = frozenset({b"enclosure", b"atom:link"})
SAFE_EMPTY_ATOM = frozenset({b"link", b"category"})
# feedparser repairs cp1252 character references (&#146;, U+0092) and double-encoded UTF-8; the two
# read an element inside <category> and a <link uri="..."> differently
_FAST_BLOCKERS = re.compile(rb"xml:base|<!ENTITY|<!DOCTYPE|base64|&#(?:1[2-5][0-9]|x[89][0-9a-f]);"
                            rb"|\xc2[\x80-\x9f]|<category[^>]*>[^<]*<[^/!]|<link\s[^>]*\buri\s*=", re.I)
# the same test, faster: plain substring searches (bytes.lower() folds ASCII only, as re.I does
# for bytes), and each remaining pattern only where its literal start occurs (3 ms -> ~0.1 ms for a
# 38 KB feed)
_BLOCKER_WORDS = (b"xml:base", b"<!entity", b"<!doctype", b"base64")
_BLOCKER_PATTERNS = (  # (literal that must occur, lower-cased; the pattern)
    (b"&#", re.compile(rb"&#(?:1[2-5][0-9]|x[89][0-9a-f]);", re.I)),
    (b"\xc2", re.compile(rb"\xc2[\x80-\x9f]")),
    (b"<category", re.compile(rb"<category[^>]*>[^<]*<[^/!]", re.I)),
    (b"<link", re.compile(rb"<link\s[^>]*\buri\s*=", re.I)),
)


def _has_fast_blocker(body: bytes) -> bool:
    """Whether _FAST_BLOCKERS occurs in ``body``."""
    low = body.lower()
    if any(w in low for w in _BLOCKER_WORDS):
        return True
    return any(lit in low and pat.search(body) for lit, pat in _BLOCKER_PATTERNS)


def _fast_parse(body: bytes, hdrs: Mapping[str, str]):
    """feedparser-rs's result when it is certain to equal feedparser's, else None. Taken:
    well-formed UTF-8 RSS 2.0 / Atom 1.0 with entries, using only FAST_ELEMENTS, with no
    feed-level Atom author (feedparser-rs gives it to every entry, feedparser does not) and one
    non-empty link per entry. benchmarks/parser_equivalence.py compares the two on feedparser's own
    test corpus and on real feeds; feedparser stays the reference for everything else."""
    names = _fast_elements(body) if _utf8_declared(body, hdrs) else None
    if names is None:
        return None
    try:
        import feedparser_rs
    except ImportError:
        return None
    try:
        d = feedparser_rs.parse(body, sanitize_html=False, resolve_relative_uris=False)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - a Rust panic surfaces as BaseException: use feedparser
        return None
    version = d.get("version")
    if d.bozo or version not in FAST_VERSIONS or not d.entries or len(d.entries) >= FAST_MAX_ENTRIES:
        return None
    if names & (ATOM_ONLY if version == "rss20" else RSS_ONLY):  # e.g. <summary> in RSS
        return None
    # feedparser-rs drops links to loopback, private and metadata addresses (its SSRF guard):
    # an entry without a link may have lost one
    if not all(e.get("link") for e in d.entries):
        return None
    # whether a title is plain text or HTML is guessed differently: take only titles where it
    # makes no difference (no markup, no entity)
    if any(_MARKUP.search(t.get("title") or "") for t in (d.feed, *d.entries)):
        return None
    # (and feedparser-rs does not read an Atom entry's <source> author)
    if version == "atom10" and (d.feed.get("author") or b"source" in names
                                or any(len(e.get("links") or ()) > 1 for e in d.entries)):
        return None
    # feedparser-rs leaves entity references in an Atom link's href undecoded ("?a=1&amp;b=2";
    # found by benchmarks/parser_equivalence.py on a demo feed): such entries go to feedparser
    if version == "atom10" and any("&" in e.get("link") for e in d.entries):
        return None
    return d


def _utf8_declared(body: bytes, hdrs: Mapping[str, str]) -> bool:
    """Nothing says anything but UTF-8 (feedparser would follow a declaration)."""
    if body.isascii():
        return True
    m = _XML_DECL.match(body[:512])
    decl = _DECL_ENCODING.search(m.group(0)) if m else None
    hm = _HTTP_CHARSET.search(hdrs.get("content-type", ""))
    return (decl is None or _codec(decl.group(1).decode("ascii")) == "utf-8") and (
        hm is None or _codec(hm.group(1)) == "utf-8")


def _fast_elements(body: bytes) -> set[bytes] | None:
    """The element names of a feed the fast path may take, or None."""
    if not _STARTS_XML.match(body) or body.startswith(_BOMS) or _has_fast_blocker(body):
        return None
    if not (body.isascii() or _decodes(body, "utf-8") is not None):
        return None
    markup = _CDATA.sub(b"", body) if b"<![CDATA[" in body else body
    names = set(_ELEMENT.findall(markup))
    if not names <= FAST_ELEMENTS:
        return None
    # feedparser-rs reads the element after an empty one (<dc:creator />, <description/>,
    # <category domain="x"/> in an RSS item) as the empty one's text: a wrong author, title or link
    if b"/>" in markup and not set(_EMPTY_ELEMENT.findall(markup)) <= (
            SAFE_EMPTY_ATOM if b"feed" in names else SAFE_EMPTY_RSS):
        return None
    from xml.parsers import expat

    try:  # well-formed, or feedparser's recovery notes would differ
        expat.ParserCreate().Parse(body, True)
    except (expat.ExpatError, ValueError, LookupError):  # also encodings expat does not know
        return None
    return names


def _is_xml_error(exc) -> bool:
    from xml.sax import SAXException

    return isinstance(exc, SAXException) and "Encoding" not in type(exc).__name__


def _exc_text(exc) -> str:
    msg = getattr(exc, "getMessage", lambda: str(exc))()
    line = getattr(exc, "getLineNumber", lambda: None)()
    return f"{msg} at line {line}" if line else str(msg)[:200]


# -- character sets --------------------------------------------------------------------------------
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?>")
_DECL_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_HTTP_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.I)
# what servers declare -> the codec the bytes usually need (vendor supersets, common in the wild)
SUPERSETS = {"shift_jis": "cp932", "euc_kr": "cp949", "gb2312": "gb18030", "gbk": "gb18030",
             "big5": "big5hkscs", "euc_jp": "euc_jis_2004", "iso8859-1": "cp1252", "ascii": "cp1252"}


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _decodes(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _settle_encoding(body: bytes, hdrs: dict[str, str]) -> tuple[bytes, dict[str, str], str]:
    """(bytes, headers) for feedparser and a note. Untouched for the common case (UTF-8 that
    nothing contradicts, or a declaration that decodes); re-encoded as UTF-8 when we had to
    decide: no declaration at all, a declared set that fails part-way, a contradicting header."""
    if body.startswith(_BOMS):
        return body, hdrs, ""
    m = _XML_DECL.match(body[:512])
    decl_raw = _DECL_ENCODING.search(m.group(0)) if m else None
    doc = _codec(decl_raw.group(1).decode("ascii")) if decl_raw else None
    hm = _HTTP_CHARSET.search(hdrs.get("content-type", ""))
    http = _codec(hm.group(1)) if hm else None
    utf8 = _decodes(body, "utf-8")
    if utf8 is not None:
        if http and http != "utf-8" and doc == "utf-8" and not body.isascii():
            return _as_utf8(utf8, hdrs), _with_charset(hdrs), (
                f"the server said {hm.group(1)}, the document says UTF-8 and is: read as UTF-8")
        return body, hdrs, ""
    declared = [c for c in dict.fromkeys((http, doc)) if c]
    for c in declared:
        if _decodes(body, c) is not None:
            return body, hdrs, ""  # feedparser will find it
    for c in declared:
        sup = SUPERSETS.get(c)
        text = _decodes(body, sup) if sup else None
        if text is not None:
            return _as_utf8(text, hdrs), _with_charset(hdrs), f"declared {c}, decoded as its superset {sup}"
    if declared:
        return body, hdrs, ""  # feedparser's fallbacks and the U+FFFD check report it
    from charset_normalizer import from_bytes

    best = from_bytes(body).best()
    if best is None or best.encoding in ("utf_8", "ascii"):
        return body, hdrs, ""
    encoding, text = _latin_codepage(body, best.encoding, str(best))
    return (_as_utf8(text, hdrs), _with_charset(hdrs), f"no character set declared; detected {encoding}")


# charset-normalizer rates the Windows Latin code pages alike on Latin-script text and took
# undeclared windows-1252 feeds (French, Portuguese) for windows-1250 or -1257 ("très" -> "trčs"):
# among them, the one whose accented letters belong to one language's alphabet is taken
LATIN_CODEPAGES = ("cp1252", "cp1250", "cp1257", "cp1254")
_ALPHABETS = tuple(frozenset(a) for a in (
    "àâæçéèêëîïôœùûüÿ",  # French
    "áâãàçéêíóôõú",  # Portuguese
    "áéíñóúü",  # Spanish
    "àèéìíîòóù",  # Italian
    "àçèéíïòóúü",  # Catalan
    "äöüß",  # German
    "áäéëíïóöúü",  # Dutch
    "æøåéó",  # Danish, Norwegian
    "äåöé",  # Swedish, Finnish
    "áðéíóúýþæö",  # Icelandic
    "ąćęłńóśźż",  # Polish
    "áčďéěíňóřšťúůýž",  # Czech
    "áäčďéíĺľňóôŕšťúýž",  # Slovak
    "áéíóöőúüű",  # Hungarian
    "ăâîșşțţ",  # Romanian
    "čćđšž",  # Croatian, Slovenian, Bosnian
    "ąčęėįšųūž",  # Lithuanian
    "āčēģīķļņšūž",  # Latvian
    "äõöüšž",  # Estonian
    "âçğıİîöşüû",  # Turkish
))


def _latin_codepage(body: bytes, encoding: str, text: str) -> tuple[str, str]:
    """(encoding, text): the detector's choice unless another Windows Latin code page gives
    accented letters that fit one alphabet better (German fits all of them: the choice stays)."""
    import unicodedata

    letters = _accented(text)
    if not letters or sum(n for c, n in letters.items() if "LATIN" in unicodedata.name(c, "")) < 0.9 * sum(
            letters.values()):
        return encoding, text  # not Latin script (Cyrillic, CJK...)
    best, fit = (encoding, text), _fit(letters)
    for cp in LATIN_CODEPAGES:
        other = _decodes(body, cp) if cp != encoding else None
        if other is not None and (f := _fit(_accented(other))) > fit:
            best, fit = (cp, other), f
    return best


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _accented(text: str) -> Counter:
    out: Counter = Counter()
    for c, n in Counter(_NON_ASCII.findall(text)).items():
        if c.isalpha() and c not in "ºª":
            low = c.lower()
            out[low if len(low) == 1 else c] += n  # "İ".lower() is two characters
    return out


def _fit(letters: Counter) -> float:
    """The largest share of the accented letters that one alphabet holds."""
    total = sum(letters.values())
    return max(sum(n for c, n in letters.items() if c in a) for a in _ALPHABETS) / total if total else 0.0


def _as_utf8(text: str, hdrs: dict[str, str]) -> bytes:
    data = text.encode("utf-8")
    m = _XML_DECL.match(data[:512])
    if not m:
        return b'<?xml version="1.0" encoding="utf-8"?>' + data
    decl = m.group(0)
    fixed = (_DECL_ENCODING.sub(b'encoding="utf-8"', decl) if _DECL_ENCODING.search(decl)
             else decl.replace(b"?>", b' encoding="utf-8"?>', 1))
    return data[:m.start()] + fixed + data[m.end():]


def _with_charset(hdrs: dict[str, str]) -> dict[str, str]:
    ctype = hdrs.get("content-type", "")
    if not ctype:
        return hdrs
    base = ctype.split(";", 1)[0].strip() or "application/xml"
    return {**hdrs, "content-type": f"{base}; charset=utf-8"}


# -- entries ---------------------------------------------------------------------------------------
# markup that would be active if a title were ever rendered as HTML: such titles lose their tags
_ACTIVE = re.compile(r"<\s*/?\s*(script|style|iframe|frame|object|embed|svg|math|img|link|meta|form)\b"
                     r"|\bon[a-z]+\s*=|javascript:", re.I)


def _text_of(value: str, detail: Mapping | None) -> str:
    """A title as text: plain-text titles keep what looks like markup ("<pre>" in a title about
    HTML) unless it would be active markup; HTML titles lose their tags. Whitespace folded."""
    if not value:
        return ""
    if detail and detail.get("type") == "text/plain" and not _ACTIVE.search(value):
        return " ".join(value.split())[:MAX_TITLE]
    return " ".join(html_to_text(value).split())[:MAX_TITLE]


_PLAIN = {"type": "text/plain"}  # JSON Feed's titles are plain text


def _feed_title(d) -> str:
    return _text_of(d.feed.get("title", ""), d.feed.get("title_detail"))


def _newest(entries: list, limit: int, now: int) -> list:
    """The ``limit`` newest entries, in feed order (undated ones count as new)."""
    def when(i: int) -> float:
        for key in ("published_parsed", "updated_parsed", "created_parsed"):
            st = entries[i].get(key)
            if st:
                try:
                    return calendar.timegm(st)
                except (TypeError, ValueError, OverflowError):
                    continue
        return float(now)

    keep = sorted(sorted(range(len(entries)), key=when, reverse=True)[:limit])
    return [entries[i] for i in keep]


def _item(e, base: str, now: int, kind: str, feed_author: str = "") -> tuple[ParsedItem | None, bool, str | None]:
    """(the item or None, whether its date was in the future, the entry's link when it was dropped
    for not being an http(s) address, else None)."""
    link = (e.get("link") or "").strip()
    if link and base and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", link):
        link = urljoin(base, link)
    given, bad_link = link, None
    if link and not is_web_url(link):  # javascript:, data:, file:, vbscript:... never a mention's link
        bad_link, link = link, ""
    title = _text_of(e.get("title", ""), e.get("title_detail"))
    bodies = [c.get("value", "") or "" for c in e.get("content") or [] if hasattr(c, "get")]
    bodies.append(e.get("summary", "") or "")
    raw = max(bodies, key=len) if bodies else ""
    html = sanitize_html(raw, base_url=link or base)
    text = html_to_text(html)[:MAX_TEXT]
    if not title and not text:
        return None, False, bad_link
    published, future = _published(e, now)
    guid = (e.get("id") or "").strip() or given  # the identity as before, whatever the link
    if not guid:  # no id, no link: the content is the identity (stable across refreshes)
        guid = "sha1:" + hashlib.sha1(f"{title}\n{text}".encode()).hexdigest()
    author = (e.get("author") or "").strip()
    if not author:  # an empty <dc:creator /> after <author>Name</author> blanks feedparser's "author"
        for a in e.get("authors") or ():
            author = (a.get("name") or a.get("email") or "").strip() if hasattr(a, "get") else ""
            if author:
                break
    if not author:  # RFC 4287 4.2.1: the author of the entry's <source>, else of the feed
        src = e.get("source")
        author = ((src.get("author") or "").strip() if hasattr(src, "get") else "") or (
            "" if src else feed_author)  # an entry copied from elsewhere is not the feed's author's
    author = author[:200]
    if not title:  # an untitled post: its first words, on one line
        title = _first_words(text, 120)
    # FeedBurner's and Pheedo's <link> is their redirector; the article's own URL is given apart
    # (the guid stays the feed's, so no entry is stored again)
    orig = (e.get("feedburner_origlink") or e.get("pheedo_origlink") or "").strip()
    if is_web_url(orig):
        link = orig
    return ParsedItem(guid=guid[:1000], url=link[:2000], title=title, text=text, html=html,
                      author=author, published=published, rating=_rating(e, title, text, kind)), future, bad_link


def _first_words(text: str, limit: int) -> str:
    """Whole words up to ``limit`` characters, "…" when cut (a word longer than that is cut)."""
    line = " ".join(text[:limit * 4].split())
    if len(line) <= limit:
        return line
    cut = line[:limit - 1]  # room for "…"
    head = cut[:cut.rfind(" ")] if line[limit - 1] != " " and " " in cut else cut
    return head.rstrip(" ,;:-–—") + "…"


_AMPM = re.compile(r"\d\s*[AaPp]\.?[Mm]\b\.?")


def _published(e, now: int) -> tuple[int, bool]:
    """(timestamp, was in the future). feedparser's parsers ignore AM/PM ("04:42 PM" became
    04:42): such dates go to dateutil. Dates more than a day ahead become the fetch time."""
    raws = [e.get(k) for k in ("published", "updated", "created", "dc_date", "date")]
    for raw in raws:
        if raw and isinstance(raw, str) and _AMPM.search(raw):
            ts = _dateutil(raw)
            if ts is not None:
                return _not_future(ts, now)
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        st = e.get(key)
        if st:
            try:
                ts = calendar.timegm(st)
            except (TypeError, ValueError, OverflowError):
                continue
            if ts > 0:
                return _not_future(ts, now)
    for raw in raws:
        if raw and isinstance(raw, str):
            ts = _free_form(raw)
            if ts is None and (english := _english_months(raw)) != raw:  # "Seg, 24 Set 2018"
                ts = _free_form(english)
            if ts is not None and ts > 0:
                return _not_future(ts, now)
    return now, False


def _free_form(raw: str) -> int | None:
    try:
        return int(parsedate_to_datetime(raw).timestamp())
    except (TypeError, ValueError, IndexError, OverflowError):
        return _dateutil(raw)


# month names and abbreviations of pt, es, it, fr, de, nl (none means another month in another of
# these languages), and the English abbreviations, which lose a trailing dot ("02 oct. 2018")
_MONTHS = {word.lower(): month for month, words in (
    ("Jan", "janeiro ene enero gen gennaio janv janvier januar januari"),
    ("Feb", "fev fevereiro febrero febbraio févr fevr février fevrier februar februari"),
    ("Mar", "março marco marzo mars mär märz mrz maart mrt"),
    ("Apr", "abr abril aprile avr avril"),
    ("May", "mai maio mayo mag maggio mei"),
    ("Jun", "junho junio giu giugno juin juni"),
    ("Jul", "julho julio lug luglio juil juillet juli"),
    ("Aug", "ago agosto août aout augustus"),
    ("Sep", "set setembro sept septiembre setiembre settembre septembre"),
    ("Oct", "out outubro octubre ott ottobre octobre okt oktober"),
    ("Nov", "novembro noviembre novembre"),
    ("Dec", "dez dezembro dic diciembre dicembre déc décembre decembre dezember"),
) for word in (month, *words.split())}
_WORD = re.compile(r"[^\W\d_]+\.?")


def _english_months(raw: str) -> str:
    return _WORD.sub(lambda m: _MONTHS.get(m.group(0).rstrip(".").lower(), m.group(0)), raw)


def _not_future(ts: int, now: int) -> tuple[int, bool]:
    return (now, True) if ts > now + FUTURE_SLACK else (ts, False)


_TZ = {"UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7,
       "MDT": -6, "PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8, "HST": -10, "BST": 1, "IST": 1,
       "WET": 0, "WEST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "MSK": 3, "JST": 9, "KST": 9,
       "AEST": 10, "AEDT": 11}
_TZINFOS = {name: hours * 3600 for name, hours in _TZ.items()}


def _dateutil(raw: str) -> int | None:
    import warnings

    from dateutil import parser as dparser

    try:
        with warnings.catch_warnings():  # an unknown zone name: read as UTC, say nothing
            warnings.simplefilter("ignore")
            dt = dparser.parse(raw, tzinfos=_TZINFOS)
    except (ValueError, OverflowError, TypeError):
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    try:
        return int(dt.timestamp())
    except (OverflowError, OSError, ValueError):
        return None


# -- ratings ---------------------------------------------------------------------------------------
# explicit rating markup (feedparser keys: namespace prefix + lower-cased element name)
_RATING_KEYS = ("rev_rating", "letterboxd_memberrating", "review_rating", "schema_ratingvalue",
                "ratingvalue", "rating", "stars")
_STARS = re.compile(r"(★{1,5})(½?)(☆{0,5})")
_TRAILING_STARS = re.compile(r"\s[-–—|]\s*★{1,5}½?\s*$")  # "Film, 2020 - ★★★★"
_RATING_PATTERNS = [  # unmistakable, and only in review-kind feeds
    re.compile(r"\brat(?:ing|ed)\s*[:=]?\s*(\d+(?:\.\d+)?)\s*(?:/|out of)\s*(\d+)\b(?![/\d]|\.\d)", re.I),
    re.compile(r"\b(\d+(?:\.\d+)?)\s*(?:/|out of)\s*(5|10)\s*stars?\b", re.I),
]


def _rating(e, title: str, text: str, kind: str) -> float | None:
    """Explicit rating markup anywhere; in review feeds also "Rated 4/5", "4 out of 5 stars" and
    star runs that are clearly a score (padded with ☆, a ½, or trailing a title). Never dates,
    "Day 5/5" or a decorative "★"."""
    for key in _RATING_KEYS:
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
    if kind != "review":
        return None
    hay = f"{title}\n{text[:600]}"
    m = _TRAILING_STARS.search(title)
    if m:
        return m.group(0).count("★") + 0.5 * ("½" in m.group(0))
    for m in _STARS.finditer(hay):
        full, half, empty = len(m.group(1)), bool(m.group(2)), len(m.group(3))
        if half or (empty and full + empty == 5):
            return full + 0.5 * half
    for pat in _RATING_PATTERNS:
        m = pat.search(hay)
        if m:
            return _norm(float(m.group(1)), float(m.group(2)))
    return None


def _norm(value: float, best: float) -> float | None:
    if best <= 0 or value < 0 or value > best:
        return None
    return round(value / best * 5.0, 2)
