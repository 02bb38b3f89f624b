"""Feed HTML is hostile: an allow-list sanitizer (nh3, Rust ammonia) and a fast HTML-to-text.

Kept: structure and formatting, and links (http, https, mailto only; relative ones resolved),
with rel="noopener noreferrer nofollow". Dropped: scripts, styles, frames, forms, SVG/MathML,
every image and media element (remote images are tracking pixels: the viewer never loads a
remote resource), every attribute that is not on the list (on*, style, srcset...).
"""

from __future__ import annotations

import html as htmlmod
import re
from urllib.parse import urljoin

MAX_INPUT = 1_000_000

TAGS = {"p", "br", "b", "strong", "i", "em", "u", "a", "ul", "ol", "li", "blockquote", "q", "h1",
        "h2", "h3", "h4", "h5", "h6", "pre", "code", "table", "thead", "tbody", "tr", "th", "td",
        "span", "sub", "sup", "hr", "dl", "dt", "dd", "cite", "abbr", "small", "s", "del", "ins",
        "figure", "figcaption", "div"}
ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"colspan", "rowspan"},
              "td": {"colspan", "rowspan"}}
CLEAN_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "svg", "math",
                 "template", "form", "select", "textarea", "button", "title", "head"}


def sanitize_html(html: str, base_url: str = "") -> str:
    """Safe HTML for display (see module docstring)."""
    import nh3

    if not html:
        return ""
    html = html[:MAX_INPUT]

    def attr_filter(tag: str, attr: str, value: str) -> str | None:
        if tag == "a" and attr == "href":
            v = value.strip()
            if base_url and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", v):
                v = urljoin(base_url, v)
            return v if re.match(r"^(https?:|mailto:)", v, re.IGNORECASE) else None
        return value

    return nh3.clean(
        html, tags=TAGS, clean_content_tags=CLEAN_CONTENT, attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow",
        attribute_filter=attr_filter, strip_comments=True,
    )


_DROP = re.compile(r"<(script|style|noscript|template|head|svg|math)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_BLOCK = re.compile(r"</?(p|div|br|li|ul|ol|h[1-6]|blockquote|pre|tr|table|hr|dd|dt|dl|figure|"
                    r"figcaption|section|article|header|footer)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_PARAS = re.compile(r"\s*\n\s*(?:\n\s*)*")


def html_to_text(html: str) -> str:
    """Readable plain text: paragraphs separated by blank lines, entities unescaped."""
    if not html:
        return ""
    s = html[:MAX_INPUT]
    if "&lt;" in s and "<" not in s:  # double-escaped feed content
        s = htmlmod.unescape(s)
    s = _COMMENT.sub(" ", s)
    s = _DROP.sub(" ", s)
    s = _BLOCK.sub("\n\n", s)
    s = _TAG.sub("", s)
    s = htmlmod.unescape(s)
    s = _SPACES.sub(" ", s)
    paras = [p.strip() for p in _PARAS.split(s)]
    return "\n\n".join(p for p in paras if p)
