"""An article's HTML that never passed the sanitizer (a team member may rewrite ``items.html``;
an offline snapshot copies it) reaches the reading pane through ``textsafe.reading_text``, which
promises no bidi overrides, isolates or marks. It removed them as characters (what the sanitizer
leaves) but not as character references: "&#x202E;" and "&rlm;" went to the text browser, which
decoded them, and "Velora &#x202E;dellacer ton&#x202C; safe" read "Velora not recalled safe"."""

from __future__ import annotations

import re

from orm_desktop.textsafe import reading_text

BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def test_references_to_bidi_controls_do_not_reach_the_reading_pane(qtbot):
    from orm_desktop.ui.detail import SafeBrowser

    b = SafeBrowser()
    qtbot.addWidget(b)
    raw = ("<p>Velora &#x202E;dellacer ton&#x202C; safe &#8238;x &#X2067;y &#0000008207;z "
           "&rlm;a &LRM;b &lrm c &#x61C;d &amp;#x202E;e &#x1b;f</p>")
    b.setHtml(reading_text(raw))
    shown = b.toPlainText()
    assert not BIDI.search(shown), ascii(shown)
    assert "dellacer ton safe" in shown and "&#x202E;e" in shown and "&LRM;b" in shown and "\x1b" not in shown
