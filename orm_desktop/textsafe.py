"""Text from feeds shown or exported safely: spreadsheet formulas and bidi/control characters.

- ``csv_cell``: OWASP's advice against CSV injection: a text cell beginning with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, so a spreadsheet shows it
  as text instead of running it (the csv module quotes the cell). Numbers stay numbers.
- ``display_text``: bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069), the
  marks U+200E/U+200F/U+061C and C0/C1 control characters (terminal escapes) removed or made
  spaces, for tables and lists; data formats (JSON) keep the text as stored.
- ``one_line``: an exception as one line of bounded length (a feed's health note).
- ``hidden_char``: the first character ``display_text`` would remove or blank, for names a person
  types or imports (entities), which refuse them instead.
- ``bound_nesting``: sanitized feed HTML with its nesting bounded before a Qt text browser lays it
  out (tables nested 20 deep took Qt 16 s, 5,000 deep crashed the app).
"""

from __future__ import annotations

import re

_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def one_line(exc: BaseException, limit: int = 200) -> str:
    """``Type: message`` on one line (a feed's health note), at most ``limit`` characters."""
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:limit]


def csv_cell(value):
    """A value safe to put in a CSV cell that a spreadsheet will open."""
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def display_text(text: str) -> str:
    """``text`` without bidi overrides and with control characters as spaces."""
    return _CONTROL.sub(" ", _BIDI.sub("", text))


def hidden_char(text: str) -> str:
    """The first control character (C0, DEL, C1) or bidi override, isolate or mark in ``text``
    ('' when it has none): what ``display_text`` would take out."""
    m = _CONTROL.search(text) or _BIDI.search(text)
    return m.group() if m else ""


MAX_DEPTH = 100  # elements nested deeper are unwrapped: their tags dropped, their text kept
MAX_TABLE_DEPTH = 8  # tables inside tables: Qt's layout time doubles with each level (12: 30 ms)
_HTML_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")
_VOID = frozenset({"br", "hr", "img", "col", "wbr"})
_TABLE_PARTS = frozenset({"table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup"})


def bound_nesting(html: str) -> str:
    """``html`` (already sanitized) with elements nested more than MAX_DEPTH deep, and tables
    inside more than MAX_TABLE_DEPTH tables, unwrapped: tags dropped, text kept."""
    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # (tag, kept)
    depth = tables = dropped_tables = pos = 0
    for m in _HTML_TAG.finditer(html):
        out.append(html[pos:m.start()])
        pos = m.end()
        name = m.group(2).lower()
        if name in _VOID:
            out.append(m.group(0))
        elif not m.group(1):
            keep = depth < MAX_DEPTH and not (name in _TABLE_PARTS and (
                dropped_tables or (name == "table" and tables >= MAX_TABLE_DEPTH)))
            stack.append((name, keep))
            if keep:
                out.append(m.group(0))
                depth += 1
            tables += name == "table" and keep
            dropped_tables += name == "table" and not keep
        elif any(t == name for t, _ in stack):  # a stray end tag is dropped
            while stack:
                t, kept = stack.pop()
                if kept:
                    out.append(f"</{t}>")
                    depth -= 1
                tables -= t == "table" and kept
                dropped_tables -= t == "table" and not kept
                if t == name:
                    break
    out.append(html[pos:])
    return "".join(out)
