"""OPML 1.0/2.0 import and export.

Nested outlines become categories ("Press/Trade"); ``kind`` and ``weight`` attributes carry
the feed kind and reach weight. Parsing uses defusedxml-free hardening: the standard expat
parser with DTDs refused (no external entities, no entity expansion bombs). A file that is
not well-formed still imports the outlines a tolerant scan can read, with a message naming the
XML error and its line.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import SplitResult, quote_plus
from xml.sax.saxutils import quoteattr

from orm_desktop.errors import UsageError
from orm_desktop.types import FEED_KINDS, MAX_WEIGHT

MAX_OPML = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class OutlineFeed:
    url: str
    title: str = ""
    kind: str = "news"
    category: str = ""
    weight: float = 1.0
    html_url: str = ""


@dataclass(frozen=True, slots=True)
class OpmlResult:
    feeds: list[OutlineFeed]
    problems: list[str]
    recovered: bool = False  # not well-formed: the outlines come from the tolerant scan


def is_template(url: str) -> bool:
    return "{query}" in url


def expand_template(url: str, query: str) -> str:
    return url.replace("{query}", quote_plus(query))


def _attr(attrs: dict[str, str], name: str) -> str:
    for k, v in attrs.items():
        if k.lower() == name.lower():
            return v.strip()
    return ""


def port_problem(parts: SplitResult) -> str:
    """Why a split URL's port cannot be connected to ('' when it has none or a good one)."""
    try:
        port = parts.port  # None: no port given
    except ValueError:  # not a number, or above 65535
        port = 0
    return "the port must be a number from 1 to 65535" if port == 0 else ""


def url_problem(url: str, *, local: bool = False) -> str:
    """Why a feed URL cannot be fetched ('' when it can): http(s) with a site and no spaces; with
    ``local`` a file:// URL too (added by hand, never from a list). A {query} template is a URL."""
    from urllib.parse import urlsplit

    if any(c.isspace() for c in url):
        return "a URL has no spaces"
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:
        return f"not a URL ({exc})"
    if problem := port_problem(parts):
        return problem
    scheme = parts.scheme.lower()
    if scheme == "file" and local:
        return ""
    if scheme not in ("http", "https"):
        return "must start with http://, https:// or file://" if local else "http and https only"
    return "" if host else "the URL names no site"


def _outline(attrs: dict[str, str], category: str, where: str, problems: list[str]) -> OutlineFeed | None:
    url = _attr(attrs, "xmlUrl")
    title = _attr(attrs, "title") or _attr(attrs, "text")
    if not url:
        return None
    label = f"outline {title!r}" if title else where
    if url.lower().startswith("file:"):  # a list from elsewhere must not read this machine's files
        problems.append(f"{label}: local file URLs are never imported from a list; skipped "
                        "(add a local feed by hand with `orm-desktop feeds add`)")
        return None
    if problem := url_problem(url):
        problems.append(f"{label}: unsupported URL {url[:100]!r} ({problem}); skipped")
        return None
    kind = _attr(attrs, "kind").lower() or "news"
    if kind not in FEED_KINDS:
        problems.append(f"{label}: unknown kind {kind!r} (using news; kinds: {', '.join(FEED_KINDS)})")
        kind = "news"
    raw_weight = _attr(attrs, "weight")
    weight = 1.0
    if raw_weight:
        try:
            weight = float(raw_weight)
            if not 0 < weight <= MAX_WEIGHT:
                raise ValueError
        except ValueError:
            problems.append(f"{label}: weight {raw_weight!r} is not a positive number (using 1.0)")
            weight = 1.0
    return OutlineFeed(url, title, kind, category, weight, _attr(attrs, "htmlUrl"))


def _walk(el: ET.Element, path: list[str], out: list[OutlineFeed], problems: list[str]) -> None:
    for child in el:
        if child.tag.split("}")[-1].lower() != "outline":
            continue
        attrs = dict(child.attrib)
        feed = _outline(attrs, "/".join(path), f"outline {len(out) + 1}", problems)
        if feed is not None:
            out.append(feed)
        elif len(child):
            name = _attr(attrs, "title") or _attr(attrs, "text") or "untitled"
            _walk(child, path + [name], out, problems)


_OUTLINE_TAG = re.compile(r"<outline\b([^>]*)>|</outline\s*>", re.IGNORECASE | re.DOTALL)
_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.DOTALL)


def _scan(text: str, problems: list[str]) -> list[OutlineFeed]:
    """Tolerant recovery: read <outline ...> tags one by one, tracking nesting for categories."""
    out: list[OutlineFeed] = []
    stack: list[str | None] = []
    for m in _OUTLINE_TAG.finditer(text):
        if m.group(0).startswith("</"):
            if stack:
                stack.pop()
            continue
        body = m.group(1)
        attrs = {a.group(1): html.unescape(a.group(2) if a.group(2) is not None else a.group(3))
                 for a in _ATTR.finditer(body)}
        line = text.count("\n", 0, m.start()) + 1
        cats = [c for c in stack if c]
        feed = _outline(attrs, "/".join(cats), f"outline at line {line}", problems)
        self_closing = body.rstrip().endswith("/")
        if feed is not None:
            out.append(feed)
            if not self_closing:
                stack.append(None)
        elif not self_closing:
            stack.append(_attr(attrs, "title") or _attr(attrs, "text") or None)
    return out


def parse_opml(data: bytes | str) -> OpmlResult:
    problems: list[str] = []
    if isinstance(data, bytes):
        if len(data) > MAX_OPML:
            raise UsageError(f"the OPML file is larger than {MAX_OPML // 1048576} MiB")
        text = _decode(data, problems)
    else:
        text = data
    text = text.lstrip("\ufeff")
    if re.search(r"<!DOCTYPE|<!ENTITY", text[:4096], re.IGNORECASE):
        problems.append("the file declares a DTD or entities; they were ignored (never expanded)")
        text = re.sub(r"<!DOCTYPE[^\[>]*(\[.*?\])?\s*>", "", text, count=1, flags=re.IGNORECASE | re.DOTALL)
    feeds: list[OutlineFeed] = []
    recovered = False
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else "?"
        msg = str(exc).split(":")[0]
        feeds = _scan(text, problems)
        problems.insert(0, f"the file is not well-formed XML ({msg} at line {line}); "
                        + ("the outlines that could be read were imported" if feeds
                           else "no feed outline in it could be read"))
        recovered = True
        if not feeds and "<opml" not in text[:2000].lower():
            raise UsageError(f"not an OPML file ({msg} at line {line})") from None
    else:
        if root.tag.split("}")[-1].lower() != "opml":
            raise UsageError(f"not an OPML file: the root element is <{root.tag}>, expected <opml>")
        body = next((c for c in root if c.tag.split("}")[-1].lower() == "body"), None)
        if body is None:
            raise UsageError("not an OPML file: it has no <body>")
        _walk(body, [], feeds, problems)
    seen, unique = set(), []
    for f in feeds:
        if f.url in seen:
            problems.append(f"{f.url[:100]} appears more than once; imported once")
            continue
        seen.add(f.url)
        unique.append(f)
    return OpmlResult(unique, problems, recovered)


_DECLARED = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")


def _decode(data: bytes, problems: list[str]) -> str:
    """The file's text in the encoding it declares (BOM, then the XML declaration), else UTF-8.
    An unknown declaration is read as UTF-8 and bytes the codec cannot decode are replaced;
    either is named as a problem."""
    import codecs

    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(name, errors="replace")
    m = _DECLARED.match(data.lstrip()[:200])
    declared = m.group(1).decode("ascii") if m else "utf-8"
    try:
        codec = codecs.lookup(declared).name
    except LookupError:
        problems.append(f"the file declares an unknown encoding {declared!r}; read as UTF-8")
        codec = "utf-8"
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        problems.append(f"the file is not valid {declared} (at byte {exc.start}); undecodable bytes were replaced")
        return data.decode(codec, errors="replace")


def read_opml(path: str | Path) -> OpmlResult:
    from orm_desktop.userfiles import read_bytes_file

    # one byte over the cap, so parse_opml gives its own "larger than" message
    return parse_opml(read_bytes_file(path, "OPML", max_bytes=MAX_OPML + 1))


def export_opml(feeds: Iterable[object], title: str = "ORM Desktop feeds") -> str:
    tree: dict = {"__feeds__": []}
    for f in feeds:
        node = tree
        for part in [p for p in (getattr(f, "category", "") or "").split("/") if p]:
            node = node.setdefault(part, {"__feeds__": []})
        node["__feeds__"].append(f)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<opml version="2.0">',
             f"  <head><title>{html.escape(title)}</title></head>", "  <body>"]

    def emit(node: dict, depth: int) -> None:
        pad = "  " * depth
        for f in node["__feeds__"]:
            t = getattr(f, "title", "") or f.url
            attrs = (f'type="rss" text={quoteattr(t)} title={quoteattr(t)} xmlUrl={quoteattr(f.url)} '
                     f'kind={quoteattr(f.kind)} weight="{float(f.weight):g}"')
            lines.append(f"{pad}<outline {attrs}/>")
        for name, child in node.items():
            if name == "__feeds__":
                continue
            lines.append(f"{pad}<outline text={quoteattr(name)} title={quoteattr(name)}>")
            emit(child, depth + 1)
            lines.append(f"{pad}</outline>")

    emit(tree, 2)
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)
