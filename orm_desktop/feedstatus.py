"""A feed's fetch status in words for people (refresh progress, `orm-desktop fetch`, the Feeds page).

The statuses themselves (``not_a_feed``, ``invalid_url``, ``http_error``...) stay the machine's:
the database, ``fetch --json`` and CSV keep them. One mapping here, used by the CLI and the GUI.
No Qt, no workspace.
"""

from __future__ import annotations

import re

_HTTP_WORDS = {401: "login needed", 403: "access refused", 404: "page not found", 410: "feed removed",
               429: "too many requests"}

_WORDS = {"ok": "ok", "not_modified": "not modified", "empty": "no entries",
          "timeout": "no answer in time", "dns": "unknown site name", "tls": "secure connection failed",
          "connection": "cannot reach the site", "too_large": "feed too large",
          "too_many_redirects": "too many redirects", "invalid_url": "invalid address",
          "file_error": "cannot read the file", "refused": "address not allowed", "error": "unexpected error",
          "not_a_feed": "not a feed", "malformed": "broken feed (not valid XML)",
          "encoding": "broken text encoding", "disabled": "disabled"}

_HTTP_MEANINGS = {401: "the feed needs a login", 403: "the site refuses access", 404: "no feed at this address",
                  410: "the feed was removed", 429: "the site asks us to slow down; retried later"}


_RECOVERED = re.compile(r"malformed (XML|JSON) \((.*)\); (\d+) entr(?:y|ies) recovered")


def recovered(message: str) -> tuple[int, bool] | None:
    """A feed read in part by the tolerant parsers (its note 'malformed XML (...); 2 entries
    recovered'): (entries read, whether it was cut short: the XML ends before its last element, or
    broken JSON, which keeps only the items before the break); None when the note says no such thing.
    Not cut short is e.g. a blank line before '<?xml': every entry is read."""
    m = _RECOVERED.search(message or "")
    if not m:
        return None
    return int(m.group(3)), m.group(1) == "JSON" or "no element found" in m.group(2)


def http_code(message: str) -> int:
    """The HTTP status code in an ``http_error`` message ("HTTP 404 Not Found"), 0 when there is none."""
    return next((int(w) for w in message.split() if w.isdigit() and len(w) == 3), 0)


def status_text(status: str, message: str = "") -> str:
    """A few words for a fetch status: "page not found (404)", "not a feed (an HTML page?)"."""
    if status == "http_error":
        code = http_code(message)
        words = _HTTP_WORDS.get(code) or ("server error" if code >= 500 else "HTTP error")
        return f"{words} ({code})" if code else words
    if status == "not_a_feed" and "HTML" in message:
        return "not a feed (an HTML page?)"
    if status == "ok" and (partly := recovered(message)):  # not "ok" as a whole, well-formed feed
        return "ok, cut short" if partly[1] else "ok, not well-formed"
    return _WORDS.get(status, status.replace("_", " "))


def problem_text(status: str, message: str) -> str:
    """What went wrong with a feed, in a sentence for a person ('' when nothing did); the
    technical text (``message``) is for a tooltip."""
    if status == "ok" and (partly := recovered(message)):  # a cut-short or broken feed, read in part
        n, cut = partly
        entries = f"{n} entr{'y' if n == 1 else 'ies'} read"
        return (f"the feed is cut short: {entries}, others may be missing" if cut
                else f"the feed is not well-formed XML: {entries} by the tolerant parser")
    if not message or status in ("ok", "not_modified", "empty", ""):
        return ""
    if status == "http_error":
        code = http_code(message)
        meaning = _HTTP_MEANINGS.get(code) or ("the site has a problem; retried later" if code >= 500
                                               else "the site answered with an error")
        return f"{meaning} (HTTP {code})" if code else meaning
    return {"timeout": "the site did not answer in time; retried later",
            "dns": "unknown site name: check the address",
            "tls": "the site's secure connection failed (certificate problem)",
            "connection": "cannot reach the site; retried later",
            "too_large": "the feed is too large to read",
            "too_many_redirects": "the address redirects too many times",
            "invalid_url": "not a valid feed address",
            "file_error": "cannot read the feed file",
            "refused": "this address is not allowed (a local or private network address)",
            "not_a_feed": "the address does not give a feed (" + message[:60] + ")",
            "malformed": "the feed is broken (not valid XML)",
            "encoding": "the feed's text encoding is broken"}.get(status, message.splitlines()[0][:80])
