"""The mention detail pane: sanitized article text with the entity's terms highlighted, the
sentiment and the sentences that drove it, topics, rating, syndicated copies, actions.

Feed HTML is untrusted even after sanitizing at ingest: the viewer is a QTextBrowser that
never loads a resource (``loadResource`` answers nothing, local or remote), runs no script
(QTextBrowser has no script engine), and never follows a link itself: links go to the system
browser.
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from orm_desktop import dates
from orm_desktop.errors import KnownError
from orm_desktop.numbers import signed
from orm_desktop.textsafe import (
    author_text,
    bound_layout,
    display_text,
    is_web_url,
    reading_text,
    scheme_of,
)
from orm_desktop.ui.widgets import mark_safe_in_executive_mode, named

_TAG_SPLIT = re.compile(r"(<[^>]*>)")
# the reading pane lays out at most this much of an article's HTML: a 1 MB body (the sanitizer's
# cap) held the GUI thread 0.7-1.1 s in QTextBrowser.setHtml each time the mention was selected
SHOWN_HTML = 100_000
_BLOCK_END = re.compile(r"</(?:p|li|div|tr|table|ul|ol|blockquote|pre|h[1-6])>|<br\s*/?>", re.IGNORECASE)


def shown_part(body: str) -> tuple[str, int]:
    """(the part of an article's sanitized HTML the pane shows, how many characters are left
    out): all of it up to SHOWN_HTML, else up to the last block's end before it (never inside a
    tag or a character reference; an element left open is closed by the browser)."""
    if len(body) <= SHOWN_HTML:
        return body, 0
    head, near = body[:SHOWN_HTML], SHOWN_HTML - 20_000
    ends = [m.end() for m in _BLOCK_END.finditer(head, near)]
    end = ends[-1] if ends else head.rfind(">") + 1
    if end <= near:  # a long run of text: cut it, but not inside a tag or a character reference
        end = min((i for i in (head.rfind("<"), head.rfind("&")) if i > SHOWN_HTML - 12), default=SHOWN_HTML)
    return body[:end], len(body) - end


def not_opened(url: str) -> str:
    """The one-line refusal of a link that is not a web address (a feed's javascript:, data:,
    file: link stored before ingest dropped them)."""
    scheme = scheme_of(url)
    return f"Not opened: the link is not a web address ({scheme + ':' if scheme else 'no http:// or https://'})"


def open_in_browser(url: str) -> str:
    """Open a web or mailto link in the system's browser or mail program: '' when one took it,
    else the one line for the status bar, with the link put on the clipboard (no browser on a
    server session or a kiosk: the button did nothing and said nothing)."""
    import webbrowser

    from PySide6.QtWidgets import QApplication

    if QDesktopServices.openUrl(QUrl(url)) or (is_web_url(url) and webbrowser.open(url)):
        return ""
    QApplication.clipboard().setText(url)
    return f"No web browser opened the link; it is on the clipboard: {url}"


class SafeBrowser(QTextBrowser):
    """A text browser that loads nothing: no images, no stylesheets, no documents. A click opens
    an http(s) or mailto link (what the sanitizer keeps) in the system's browser or mail program;
    any other is refused with ``refused`` (one line for the status bar)."""

    refused = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._open)
        self.blocked: list[str] = []

    def loadResource(self, type_: int, name: QUrl):  # noqa: N802 - Qt API
        self.blocked.append(name.toString())
        return None

    def _open(self, url: QUrl) -> None:
        text = url.toString()
        if is_web_url(text) or url.scheme().lower() == "mailto":
            if failed := open_in_browser(text):
                self.refused.emit(failed)
        else:
            self.refused.emit(not_opened(text))


def language_name(code: str) -> str:
    """'Urdu (ur)' for a detected language's ISO code; the code alone when Qt knows no name."""
    from PySide6.QtCore import QLocale

    lang = QLocale(code).language() if code else QLocale.Language.AnyLanguage
    if lang in (QLocale.Language.AnyLanguage, QLocale.Language.C):
        return code or "an unknown language"
    return f"{QLocale.languageToString(lang)} ({code})"


def highlight(fragment: str, pattern: re.Pattern | None) -> str:
    """Wrap matches of ``pattern`` in text nodes (never inside tags) with a highlight."""
    if pattern is None:
        return fragment
    # no tag ends after the last ">": split before it only ("<a " repeated read to the end from each "<")
    end = fragment.rfind(">") + 1
    parts = _TAG_SPLIT.split(fragment[:end])
    parts[-1] += fragment[end:]
    for i in range(0, len(parts), 2):
        parts[i] = pattern.sub(lambda m: f'<span style="background-color:#FFE58F;color:#000">{m.group(0)}</span>',
                               parts[i])
    return "".join(parts)


class DetailPane(QWidget):
    action = Signal(str)
    message = Signal(str)  # one line for the status bar (a link refused)

    def __init__(self, svc, parent=None) -> None:
        super().__init__(parent)
        self.svc = svc
        self.mention_id: int | None = None
        self.browser = named(SafeBrowser(), "Mention")
        self.browser.refused.connect(self.message)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.browser, 1)
        self.buttons: dict[str, QPushButton] = {}
        # two rows (triage, then sentiment and the page): ten buttons in one were 1,011 px, wider
        # than the inbox on a 1280 x 720 screen
        for actions in ((("draft", "Draft response…", "D"), ("needs_response", "Needs response", "R"),
                         ("flag", "Flag", "F"), ("archive", "Archive", "E"), ("evidence", "Capture evidence", "C")),
                        (("positive", "Positive", "+"), ("neutral", "Neutral", "0"), ("negative", "Negative", "-"),
                         ("clear", "Clear override", "Backspace"), ("open", "Open in browser", "O"))):
            row = QHBoxLayout()
            for key, label, tip in actions:
                b = QPushButton(label)
                b.setToolTip(f"Shortcut: {tip}")
                b.clicked.connect(lambda _=False, k=key: self.action.emit(k))
                row.addWidget(b)
                self.buttons[key] = b
            row.addStretch(1)
            lay.addLayout(row)
        mark_safe_in_executive_mode(self.buttons["open"])  # reading, not editing
        self.show_mention(None)

    def set_read_only(self, read_only: bool) -> None:
        for key, b in self.buttons.items():
            b.setVisible(not read_only or key == "open")

    def refresh(self) -> None:
        self.show_mention(self.mention_id)

    def show_note(self, text: str) -> None:
        """No mention to show, and why (an empty inbox: what is missing, what to do)."""
        self.mention_id = None
        for b in self.buttons.values():
            b.setEnabled(False)
        self.browser.setHtml(f"<p style='color:gray'>{html.escape(text)}</p>")

    def show_mention(self, mention_id: int | None) -> None:
        self.mention_id = mention_id
        for b in self.buttons.values():
            b.setEnabled(mention_id is not None)
        if mention_id is None:
            self.browser.setHtml("<p style='color:gray'>Select a mention to read it here.</p>")
            return
        try:
            d = self.svc.mention(mention_id)
        except KnownError as exc:
            self.browser.setHtml(f"<p>{html.escape(str(exc))}</p>")
            return
        self.browser.setHtml(self.render(d))

    def render(self, d) -> str:
        from orm_desktop.ingest.query import EntityQuery, term_pattern

        m = d.mention
        try:
            e = self.svc.entity(m.entity_id)
            q = EntityQuery.parse(e.query, e.aliases)
            # each term as matching finds it (a Chinese name inside unspaced text too)
            terms = sorted({term_pattern(t) for t in q.hit_terms()}, key=len, reverse=True)
            pattern = re.compile("|".join(terms), re.IGNORECASE) if terms else None
        except KnownError:
            pattern = None
        color = {"negative": "#C0392B", "neutral": "#7F8C8D", "positive": "#1E8449"}.get(m.label, "#8E44AD")
        names = self.svc.topic_labels() if m.topics else {}  # the Dashboard's names, not the ids
        when = dates.long(m.published)
        if d.undated:  # the refresh's time, not a publication date
            when = f"first seen {when} (the feed gives no date)"
        stars = ""
        if m.rating is not None:
            full = round(m.rating)
            stars = f" · {'★' * full}{'☆' * (5 - full)} ({m.rating:g}/5)"
        # the feed names its author: no bidi tricks, no markup ("<b>Ann</b>" is "Ann")
        who = author_text(d.author)
        who = f" · by {html.escape(who)}" if who else ""
        override = ""
        score = f"<span style='color:{color}'><b>{m.label}</b> {signed(m.sentiment)}</span>"
        if m.label == "unsupported":  # no engine read it: no score and no confidence to show
            score = (f"<span style='color:{color}'><b>not scored</b>: written in {html.escape(language_name(m.lang))}, "
                     "a language the sentiment engine does not read</span> — set its sentiment with "
                     "Positive / Neutral / Negative")
        elif m.overridden:
            by = html.escape(d.override_by or "")
            at = f"{dates.stamp(d.override_at)} UTC" if d.override_at else ""
            override = f" — set by {by} {at} (engine said {signed(d.machine_sentiment)})"
        elif m.unsure:  # a machine score with a low confidence: say so where the score is read
            override = (f" <span style='color:#8E44AD'>· unsure (confidence {m.confidence:.2f}): needs a human "
                        "look — confirm or correct it with Positive / Neutral / Negative</span>")
        out = [f"<h2 style='margin-bottom:2px'>{highlight(html.escape(display_text(m.title)), pattern)}</h2>",
               f"<p style='color:gray;margin-top:0'>{html.escape(display_text(m.source))} ({m.feed_kind}) · {when}{who}{stars}</p>",
               f"<p><b>{html.escape(m.entity)}</b>: {score}{override} · status <b>{m.status.replace('_', ' ')}</b>"
               + (f" · assigned to <b>{html.escape(display_text(m.assignee))}</b>" if m.assignee else "")
               + ""
               f" · priority {m.priority:.0f}"
               + (f" · topics: {html.escape(', '.join(names.get(t, t.replace('_', ' ')) for t in m.topics))}"
                  if m.topics else "")
               + "</p>"]
        if d.evidence:
            out.append("<p style='margin-bottom:2px'><b>Why:</b> the sentences about the entity "
                       f"({html.escape(d.engine or 'engine')}, {html.escape(d.score_source)}):</p><ul style='margin-top:0'>")
            for sentence, score in d.evidence[:6]:
                c = "#C0392B" if score <= -0.05 else "#1E8449" if score >= 0.05 else "#7F8C8D"
                out.append(f"<li><span style='color:{c}'>{signed(score)}</span> "
                           f"{highlight(html.escape(display_text(sentence)), pattern)}</li>")
            out.append("</ul>")
        out.append("<hr>")
        # controls as spaces (a bell, a terminal escape: as the title and the sentences above show
        # them), then nesting flattened (5,000 nested tables: 240,000 characters, 25,000 after), then cut
        body, cut = shown_part(bound_layout(reading_text(d.html))) if d.html else (d.html, 0)
        out.append(highlight(body, pattern) if d.html else
                   "".join(f"<p>{highlight(html.escape(display_text(p)), pattern)}</p>" for p in d.text.split("\n\n")))
        if cut:
            out.append(f"<p style='color:gray'><i>The article goes on for {cut:,} more characters of HTML; the "
                       f"first {len(body):,} are shown here. Open it in the browser for the rest.</i></p>")
        if is_web_url(m.url):
            out.append(f"<p><a href='{html.escape(m.url, quote=True)}'>{html.escape(m.url)}</a></p>")
        caps = self.svc.evidence(m.id)
        if caps:
            out.append(f"<hr><p><b>Evidence</b> ({len(caps)} capture{'s' if len(caps) != 1 else ''}):</p><ul>")
            for c in caps:
                when = dates.dated(c.fetched_at)  # in UTC, as every moment the pane shows
                out.append(f"<li>{html.escape(c.kind.replace('_', ' '))} · {when} · sha256 "
                           f"<code>{c.body_sha256[:16]}…</code> · by {html.escape(c.captured_by)}</li>")
            out.append("</ul>")
        if d.cluster:
            n = len(d.cluster)
            out.append(f"<hr><p><b>Also published as</b> ({n} syndicated cop{'y' if n == 1 else 'ies'}):</p><ul>")
            for _id, title, source, url in d.cluster:
                name = html.escape(display_text(title))
                out.append((f"<li><a href='{html.escape(url, quote=True)}'>{name}</a>" if is_web_url(url) else
                            f"<li>{name}") + f" — {html.escape(source)}</li>")
            out.append("</ul>")
        return "".join(out)
