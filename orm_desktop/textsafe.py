"""Text from feeds shown or exported safely: spreadsheet formulas and bidi/control characters.

- ``csv_cell``: OWASP's advice against CSV injection: a text cell beginning with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, so a spreadsheet shows it
  as text instead of running it (the csv module quotes the cell). Numbers stay numbers. So does a
  formula character after a ``;``, tab or line break inside the cell (spaces and double quotes
  between them skipped): a spreadsheet in a semicolon locale splits a comma CSV there.
- ``display_text``: bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069), the
  marks U+200E/U+200F/U+061C and C0/C1 control characters (terminal escapes) removed or made
  spaces, for tables and lists; data formats (JSON) keep the text as stored.
- ``terminal_text``: the same for text of several lines printed to a terminal (line breaks and
  tabs kept).
- ``one_line``: an exception as one line of bounded length (a feed's health note).
- ``clip``: text at most N characters, cut with '…' (list cells, chart labels, names in dialogs).
- ``hidden_char``: the first character ``display_text`` would remove or blank, or an invisible one
  (a zero-width space, word joiner, byte-order mark, soft hyphen: "Ac<U+200B>me" looks like "Acme"
  and matches no article), for names a person types or imports (entities, users, the brand), which
  refuse them instead; ``char_note`` says which in a message. Zero-width joiners stay: emoji
  sequences and Indic and Persian names need them.
- ``clean_name``: a name without what ``hidden_char`` finds (``display_text``, spaces collapsed):
  how entity names stored before that check are repaired (migration m015, bundle export).
- ``is_web_url`` / ``scheme_of``: whether a link is an absolute http(s) address (the only links a
  mention keeps and the GUI opens), and the scheme a refused one names, for the note.
- ``strip_bidi``: text or HTML without bidi overrides, isolates and marks, line breaks kept (an
  article body, the mention beside a draft).
- ``author_text``: an author's name as a feed gave it, HTML and all ("<b>Ann</b>"), as its text
  content ("Ann") for display: tags, comments and script/style contents dropped, character
  references decoded, then ``display_text``; never rendered. "Tom <tom@example.com>" is no tag.
- ``reading_text``: an article's HTML or text for the reading pane: ``strip_bidi``, and control
  characters (and character references to them: "&#27;") made spaces as ``display_text`` does,
  tabs and line breaks kept.
- ``skeleton`` / ``lookalike_key``: Unicode's confusable skeleton (UTS #39: NFD, each character
  replaced by its prototype in confusables.txt, NFD again), from the table confusable-homoglyphs
  ships, so that two names which read alike ("Ауа" in Cyrillic and "Aya", "rnaya" and "maya",
  "a1ice" and "alice") compare equal; ``lookalike_key`` adds NFKC and case folding for user names.
- ``bound_layout``: sanitized feed HTML with its nesting and tables bounded before a Qt text
  browser lays it out (tables nested 20 deep took Qt 16 s, 5,000 deep crashed the app; a
  6 KB table of 200 sparse rows and columns took 5 s, 1,000 of them minutes).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
# invisible in a name: soft hyphen, Mongolian vowel separator, zero-width space, word joiner and the
# invisible operators, byte-order mark, Hangul fillers (not ZWJ/ZWNJ U+200C/U+200D: scripts need them)
_INVISIBLE = re.compile("[\u00ad\u180e\u200b\u2060-\u2064\ufeff\u115f\u1160\u3164\uffa0]")
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]{0,19}):")
# a ';' (a semicolon-locale spreadsheet's delimiter), a tab, or a line break (where a reader splitting
# at ';' sees a new row: the csv module's quotes no longer pair up there), then spaces and quotes,
# then a formula character: the piece a spreadsheet would read as its own cell
_SPLIT_FORMULA = re.compile(r"([;\t\r\n][ \"]*)(?=[=+\-@\t\r])")


def one_line(exc: BaseException, limit: int | None = 200) -> str:
    """``Type: message`` on one line (a feed's health note), at most ``limit`` characters (None:
    whole)."""
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:limit]


def csv_cell(value):
    """A value safe to put in a CSV cell that a spreadsheet will open, whatever delimiter it splits
    the line at (',' or, in a semicolon locale, ';'): an apostrophe before a formula character
    that begins the cell or a piece of it after a ';', tab or line break."""
    if not isinstance(value, str):
        return value
    value = _SPLIT_FORMULA.sub("\\1'", value)
    return "'" + value if value.startswith(_FORMULA) else value


def display_text(text: str) -> str:
    """``text`` without bidi overrides and with control characters as spaces."""
    return _CONTROL.sub(" ", _BIDI.sub("", text))


def terminal_text(text: str) -> str:
    """``text`` (several lines: a reply, a message) for a terminal: bidi overrides removed and
    control characters other than line breaks and tabs made spaces (an ESC from a feed's title set
    the terminal's title or colours when `fetch` printed its progress)."""
    return _TERMINAL_CONTROL.sub(" ", _BIDI.sub("", text))


_TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def hidden_char(text: str) -> str:
    """The first control character (C0, DEL, C1), bidi override, isolate or mark, or invisible
    character in ``text`` ('' when it has none): what a name must not hold."""
    m = _CONTROL.search(text) or _BIDI.search(text) or _INVISIBLE.search(text)
    return m.group() if m else ""


def char_note(c: str) -> str:
    """What ``hidden_char`` found, for a message: "U+200B: an invisible zero width space"."""
    if _INVISIBLE.match(c):
        return f"U+{ord(c):04X}: an invisible {unicodedata.name(c, 'character').lower()}"
    return f"U+{ord(c):04X}: a terminal escape, text direction change or line break"


def is_web_url(url: str) -> bool:
    """Whether ``url`` is an absolute http:// or https:// address with a host, nothing before the
    scheme: the only links a mention keeps and the GUI opens (not javascript:, data:, file:,
    vbscript:, mailto:...)."""
    if not isinstance(url, str) or not url[:8].lower().startswith(("http://", "https://")):
        return False
    try:
        return bool(urlsplit(url).hostname)
    except ValueError:  # a malformed port or IPv6 literal
        return False


def scheme_of(url: str) -> str:
    """The scheme a link names ("javascript"), lower case, '' when it names none; for notes."""
    m = _SCHEME.match(_CONTROL.sub("", url))
    return m.group(1).lower() if m else ""


def clip(text: str, most: int) -> str:
    """``text`` at most ``most`` characters long, cut with '…' (a list cell, a chart label, a name
    in a dialog's sentence)."""
    return text if len(text) <= most else text[: most - 1] + "…"


def clean_name(text: str) -> str:
    """``text`` as ``display_text`` shows it, runs of spaces as one and no space at either end: a
    name ``hidden_char`` finds nothing in."""
    return " ".join(_INVISIBLE.sub("", display_text(text)).split())


def strip_bidi(text: str) -> str:
    """``text`` (or HTML) without bidi overrides, isolates and marks; line breaks kept."""
    return _BIDI.sub("", text)


AUTHOR_MAX = 1000  # characters of an author's name read (a name longer than a feed gives, cut)
_MARKUP = re.compile(r"<(script|style)\b[^>]*>.*?(?:</\1\s*>|$)|<!--.*?(?:-->|$)|</?[a-zA-Z][a-zA-Z0-9:-]*(?:\s[^<>]*)?/?>",
                     re.IGNORECASE | re.DOTALL)


def author_text(name: str) -> str:
    """An author's name (a feed may give it as HTML: "<b>Ann</b>") as the text it shows ("Ann"):
    tags, comments and what a script or style element holds dropped, character references decoded
    ("&amp;" as "&"), bidi and control characters out (``display_text``), spaces collapsed. Only
    text comes out (escape it to put it in HTML): nothing is rendered."""
    import html

    # a feed's author is at most 200 characters (ingest.parse); a team database's may be any length,
    # and an unclosed "<script " reads to the end from each one (1 MB: minutes)
    return " ".join(display_text(html.unescape(_MARKUP.sub("", name[:AUTHOR_MAX]))).split())


# a character reference to a control character, or to a bidi control (numeric, or &lrm; / &rlm;:
# a text browser decodes them, "&#x202E;" reversed the words after it in HTML no sanitizer read)
_CONTROL_REF = re.compile(r"&#(?:[xX]0*([0-9a-fA-F]{1,6})|0*([0-9]{1,7}));|&(lrm|rlm);")


def _control_ref(m: re.Match) -> str:
    if m.group(3):
        return ""
    ch = chr(min(int(m.group(1), 16) if m.group(1) else int(m.group(2)), 0x10FFFF))
    return " " if _TERMINAL_CONTROL.match(ch) else "" if _BIDI.match(ch) else m.group(0)


def reading_text(text: str) -> str:
    """An article's HTML (or text) for the reading pane: without bidi overrides, isolates and
    marks (or character references to them), and with each control character other than a tab
    or a line break, and each character reference to one, as a space: a space, not nothing, so
    the words on either side stay apart, as the title and the "Why" sentences above it show them
    (``display_text``)."""
    return _CONTROL_REF.sub(_control_ref, terminal_text(text))


MAX_DEPTH = 100  # elements nested deeper are unwrapped: their tags dropped, their text kept
MAX_TABLE_DEPTH = 8  # tables inside tables: Qt's layout time doubles with each level (12: 30 ms)
MAX_TABLE_CELLS = 5000  # grid cells (rows x widest row, colspans counted) of the tables kept, in all
MAX_LIST_ITEMS = 1000  # a longer list is split into lists of this many (Qt: quadratic in one list's items)
MAX_WORD = 2000  # a longer run without a space gets a zero-width space (Qt: quadratic in a word's length)
# a run of letters (a character reference counts as one), read once: a pattern of MAX_WORD letters
# tried at each letter of a shorter word took 6.6 s for 200 KB of 1,999-letter words
_WORD_RUN = re.compile(r"(?:&#?[a-zA-Z0-9]{1,10};|[^\s&])+")
_WORD_UNIT = re.compile(r"&#?[a-zA-Z0-9]{1,10};|[^\s&]")
_HTML_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")
_COLSPAN = re.compile(r"\bcolspan\s*=\s*[\"']?\s*(\d+)", re.IGNORECASE)
_VOID = frozenset({"br", "hr", "img", "col", "wbr"})
_TABLE_PARTS = frozenset({"table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup"})


def _break_long_words(text: str) -> str:
    """``text`` with a zero-width space after every MAX_WORD letters of a run without a space."""

    def run(m: re.Match) -> str:
        w = m.group(0)
        units = _WORD_UNIT.findall(w) if len(w) >= MAX_WORD else ()
        if len(units) < MAX_WORD:
            return w
        chunks = (units[i:i + MAX_WORD] for i in range(0, len(units), MAX_WORD))
        return "".join("".join(c) + ("\u200b" if len(c) == MAX_WORD else "") for c in chunks)

    return _WORD_RUN.sub(run, text)


def _table_grids(tags: list[re.Match]) -> list[int]:
    """Rows x widest row (colspans counted) of each table, in the order the tables open."""
    grids: list[int] = []
    open_: list[list[int]] = []  # per open table: [its index, rows, widest, width of the current row]
    for m in tags:
        name, end = m.group(2).lower(), bool(m.group(1))
        if name == "table" and not end:
            grids.append(1)
            open_.append([len(grids) - 1, 0, 0, 0])
        elif not open_:
            continue
        elif name == "table":
            i, rows, widest, _ = open_.pop()
            grids[i] = max(rows, 1) * max(widest, 1)
        elif name == "tr" and not end:
            open_[-1][1] += 1
            open_[-1][3] = 0
        elif name in ("td", "th") and not end:
            span = _COLSPAN.search(m.group(0))
            open_[-1][3] += min(int(span.group(1)[:9]), 10 ** 6) if span else 1
            open_[-1][2] = max(open_[-1][2], open_[-1][3])
    for i, rows, widest, _ in open_:  # never closed
        grids[i] = max(rows, 1) * max(widest, 1)
    return grids


def bound_layout(html: str) -> str:
    """``html`` (already sanitized) that a Qt text browser lays out quickly: elements nested more
    than MAX_DEPTH deep, tables inside more than MAX_TABLE_DEPTH tables, and tables once
    MAX_TABLE_CELLS grid cells are used are unwrapped (tags dropped, text kept; an unwrapped
    cell ends with a space, a row with a line break); a list is split every MAX_LIST_ITEMS items
    and a word longer than MAX_WORD characters gets zero-width spaces (where a line may break)."""
    # no tag ends after the last ">" (read from each "<" before it, "<a " repeated was quadratic)
    tags = list(_HTML_TAG.finditer(html, 0, html.rfind(">") + 1))
    grids = _table_grids(tags)
    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # (tag, kept)
    items: dict[int, int] = {}  # stack position of a kept list: its items so far
    depth = tables = dropped_tables = pos = table_no = cells = 0
    for m in tags:
        out.append(_break_long_words(html[pos:m.start()]))
        pos = m.end()
        name = m.group(2).lower()
        if name in _VOID:
            out.append(m.group(0))
        elif not m.group(1):
            keep = depth < MAX_DEPTH and not (name in _TABLE_PARTS and dropped_tables)
            if name == "table":
                grid, table_no = grids[table_no], table_no + 1
                keep = keep and tables < MAX_TABLE_DEPTH and cells + grid <= MAX_TABLE_CELLS
                cells += grid if keep else 0
                tables += keep
                dropped_tables += not keep
            if keep and name == "li" and stack and stack[-1] in (("ul", True), ("ol", True)):
                n = items[len(stack) - 1] = items.get(len(stack) - 1, 0) + 1
                if n % MAX_LIST_ITEMS == 1 and n > 1:  # a new list goes on where this one stops
                    out.append("</ul><ul>" if stack[-1][0] == "ul" else f'</ol><ol start="{n}">')
            stack.append((name, keep))
            if keep:
                out.append(m.group(0))
                depth += 1
        elif any(t == name for t, _ in stack):  # a stray end tag is dropped
            while stack:
                items.pop(len(stack) - 1, None)
                t, kept = stack.pop()
                if kept:
                    out.append(f"</{t}>")
                    depth -= 1
                elif t in ("td", "th"):
                    out.append(" ")
                elif t == "tr":
                    out.append("<br>")
                tables -= t == "table" and kept
                dropped_tables -= t == "table" and not kept
                if t == name:
                    break
    out.append(_break_long_words(html[pos:]))
    return "".join(out)


# -- confusable skeletons (UTS #39) ----------------------------------------------------------------
_PROTOTYPES: dict[str, str] | None = None
_MARKS = str.maketrans("", "", "\u200e\u200f")  # the LRM/RLM around right-to-left text in the table


def _prototypes() -> dict[str, str]:
    """{character: its prototype} from confusable-homoglyphs' confusables.json, built once.

    The package stores confusables.txt both ways (a source lists its prototype, a prototype its
    sources), so the direction is read back: a source is one code point with one entry; a
    prototype is several code points ("rn" for "m") or has several sources. Where a pair names
    only each other either could be the prototype: the ASCII one (else the lower code point) is
    taken, which gives the same equalities."""
    global _PROTOTYPES
    if _PROTOTYPES is None:
        from confusable_homoglyphs import confusables

        data = {k.translate(_MARKS): [o["c"].translate(_MARKS) for o in v]
                for k, v in confusables.confusables_data.items()}
        table: dict[str, str] = {}
        for ch, others in data.items():
            if len(ch) != 1 or len(others) != 1:
                continue  # a prototype (several code points, or several sources)
            other = others[0]
            pair = len(other) == 1 and len(data.get(other, ())) == 1  # a pair: the preferred one is the prototype
            if pair and (not other.isascii(), ord(other)) > (not ch.isascii(), ord(ch)):
                continue
            table[ch] = other
        _PROTOTYPES = table
    return _PROTOTYPES


def skeleton(text: str) -> str:
    """UTS #39 skeleton: NFD, every character as its prototype, NFD. Equal skeletons read alike."""
    table = _prototypes()
    out = "".join(table.get(c, c) for c in unicodedata.normalize("NFD", text))
    out = "".join(table.get(c, c) for c in out)  # a multi-character prototype's letters as the table has them
    return unicodedata.normalize("NFD", out)


def lookalike_key(name: str) -> str:
    """What two names that read alike share: NFKC, spaces collapsed, skeleton, case folded and
    skeleton again ("МАУА" -> "MAYA" -> "maya" -> "rnaya", as "maya"; "Ivan" -> "lvan" as "lvan").
    Names that differ only by case are compared by the caller (``str.casefold``)."""
    text = " ".join(unicodedata.normalize("NFKC", name).split())
    return skeleton(skeleton(text).casefold())
