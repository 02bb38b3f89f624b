"""The reading pane's text helpers (textsafe.author_text, reading_text, bound_layout) take time in
proportion to what a feed or a team database gives them, never its square.

A hostile feed's article of 1,999-letter words (1 MB passes the sanitizer as it is) made
bound_layout try its 2,000-letter long-word pattern at every letter: 6.6 s for 200 KB on the GUI
thread when the mention was opened. Tags that never close ("<a " repeated: a team member may
rewrite an article's stored HTML) made its tag pattern read to the end from every "<", and an
author of "<script " repeated did the same to author_text's (a feed's author is cut at 200
characters, a team database's is not).
"""

from __future__ import annotations

import time

from orm_desktop.textsafe import MAX_WORD, author_text, bound_layout, reading_text


def _timed(fn, arg) -> tuple[float, str]:
    t = time.perf_counter()
    out = fn(arg)
    return time.perf_counter() - t, out


def test_words_just_under_the_long_word_limit_take_linear_time():
    body = ("a" * (MAX_WORD - 1) + " ") * 150  # 300 KB
    seconds, out = _timed(lambda s: bound_layout(reading_text(s)), body)
    assert seconds < 1.0 and out == body  # was 10 s
    seconds, out = _timed(bound_layout, "<p>" + "x" * 5000 + " &amp;" + "y" * 2100 + "</p>")
    assert out == ("<p>" + ("x" * MAX_WORD + "\u200b") * 2 + "x" * 1000  # a reference is one letter
                   + " &amp;" + "y" * (MAX_WORD - 1) + "\u200b" + "y" * 101 + "</p>")
    assert bound_layout("&#1234;" * MAX_WORD + "z") == "&#1234;" * MAX_WORD + "\u200bz"


def test_tags_that_never_close_take_linear_time():
    seconds, out = _timed(bound_layout, "<a " * 100_000)
    assert seconds < 1.0 and out == "<a " * 100_000  # was 10 s
    seconds, out = _timed(author_text, "<script " * 40_000 + "Ann")
    assert seconds < 1.0  # was 8 s
    assert author_text("<b>Ann</b> <script>x</script><!-- y -->Lee") == "Ann Lee"


def test_the_reading_panes_highlight_takes_linear_time_on_tags_that_never_close():
    """ui.detail.highlight splits the shown HTML (at most 100,000 characters) at its tags: "<a "
    repeated with no ">" read to the end from every "<" (3.8 s on the GUI thread)."""
    import re

    from orm_desktop.ui.detail import highlight

    acme = re.compile("acme", re.IGNORECASE)
    seconds, out = _timed(lambda s: highlight(s, acme), "<a " * 33_000 + "Acme")
    assert seconds < 0.5 and out.endswith('<span style="background-color:#FFE58F;color:#000">Acme</span>')
    assert highlight("<p title='x'>Acme</p> 1 < 2 acme", acme).count("<span") == 2
