"""Entity queries, OPML, URL canonicalisation, sanitizer and parser: examples and properties."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orm_desktop.errors import QueryError, UsageError
from orm_desktop.ingest.opml import expand_template, export_opml, parse_opml, read_opml
from orm_desktop.ingest.parse import parse_feed
from orm_desktop.ingest.query import EntityQuery, validate_query
from orm_desktop.ingest.sanitize import html_to_text, sanitize_html
from orm_desktop.ingest.urls import CLUSTER_THRESHOLD, canonical_url, title_norm, title_similarity

FEEDS = Path(__file__).parent / "data" / "feeds"
ROOT = Path(__file__).resolve().parents[1]
NOW = 1_795_000_000

# -- entity queries -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Acme Corp reports results", True),
    ("ACME sells more", True),
    ("Acmeville fair opens", False),
    ("The Acme anvil fell", False),
    ("Acme anvil and Acme Corp", False),  # the exclusion wins
    ("Acme's new plant", True),
])
def test_alert_tool_syntax(text, expected):
    assert EntityQuery.parse('"Acme Corp" OR Acme -"Acme anvil"').matches(text) is expected


def test_and_with_context_and_precedence():
    q = EntityQuery.parse('"Jane Doe" AND (Acme OR CEO)')
    assert q.matches("Jane Doe, CEO of a startup") and not q.matches("Jane Doe sings")
    q = EntityQuery.parse("alpha OR beta -gamma")  # (alpha OR beta) AND NOT gamma
    assert q.matches("beta") and not q.matches("beta gamma") and not q.matches("alpha gamma")
    assert EntityQuery.parse("alpha beta").matches("beta then alpha")
    assert not EntityQuery.parse("alpha beta").matches("alpha only")
    assert EntityQuery.parse("C++ OR AT&T").matches("we use c++ daily")
    assert EntityQuery.parse('"new  york"').matches("New\nYork")


def test_aliases_count_but_exclusions_still_apply():
    q = EntityQuery.parse('Velora -"Velora Beach"', aliases=("Velora Mobility", "VM Group"))
    assert q.matches("VM Group announces")
    assert not q.matches("VM Group at Velora Beach")


@pytest.mark.parametrize("query, message, position", [
    ('"Acme', "unclosed quote", 0),
    ("Acme OR", "OR needs a term on both sides", 5),
    ("OR Acme", "OR needs a term", 0),
    ("(Acme OR Globex", "missing ')'", 0),
    ("Acme)", "unexpected ')'", 4),
    ("-Acme", "only excludes", 0),
    ("   ", "empty", 0),
    ("Acme AND", "AND needs a term", 5),
    ("Acme ()", "empty parentheses", 5),
])
def test_malformed_queries_report_the_position(query, message, position):
    err = validate_query(query)
    assert err is not None and message in str(err) and err.position == position
    with pytest.raises(QueryError):
        EntityQuery.parse(query)


def test_spans_and_snippet():
    text = "Yesterday " + "filler " * 60 + "Acme Corp said Acme would grow. " + "more " * 60
    q = EntityQuery.parse('"Acme Corp" OR Acme')
    spans = q.spans(text)
    assert [text[s:e] for s, e in spans] == ["Acme Corp", "Acme"]
    snip = q.snippet(text, width=120)
    assert "Acme Corp" in snip and snip.startswith("…") and snip.endswith("…") and len(snip) <= 122
    assert q.snippet("nothing here") == ""


def test_to_fts_finds_what_matches_finds():
    rows = ["Acme Corp opens plant", "Globex and the Acme anvil", "Jane Doe, CEO", "unrelated"]
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(body)")
    db.executemany("INSERT INTO t (body) VALUES (?)", [(r,) for r in rows])
    for query in ('"Acme Corp" OR Acme -"Acme anvil"', '"Jane Doe" AND (Acme OR CEO)', "Globex"):
        q = EntityQuery.parse(query)
        hits = {r[0] for r in db.execute("SELECT body FROM t WHERE t MATCH ?", (q.to_fts(),))}
        assert {r for r in rows if q.matches(r)} <= hits


words = st.sampled_from(["acme", "globex", "jane", "doe", "ceo", '"acme corp"', "beta"])


@st.composite
def queries(draw, depth=2):
    if depth == 0 or draw(st.booleans()):
        return draw(words)
    op = draw(st.sampled_from([" OR ", " AND ", " "]))
    left, right = draw(queries(depth=depth - 1)), draw(queries(depth=depth - 1))
    if draw(st.booleans()):
        right = "-" + (right if " " not in right or right.startswith('"') else f"({right})")
    return f"({left}{op}{right})"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=40))
def test_parse_never_raises_anything_but_query_error(text):
    try:
        EntityQuery.parse(text)
    except QueryError as exc:
        assert 0 <= exc.position <= len(text)


@settings(max_examples=150, deadline=None)
@given(queries(), st.lists(st.sampled_from(["acme", "acme corp", "globex", "jane doe", "ceo", "x"]), max_size=5))
def test_matching_agrees_with_a_python_evaluation(query, parts):
    try:
        q = EntityQuery.parse(query)
    except QueryError:
        return  # e.g. a query that only excludes
    text = " ".join(parts)
    import re

    py = []
    for tok in re.findall(r'\(|\)|-|"acme corp"|\w+', query):
        is_op = tok in ("OR", "AND")
        starts = tok in ("(", "-") or not (is_op or tok == ")")
        if py and starts and (py[-1] == ")" or py[-1] not in ("(", "or", "and", "not")):
            py.append("and")  # implicit AND between adjacent operands
        py.append({"OR": "or", "AND": "and", "-": "not", '"acme corp"': "ACMECORP"}.get(tok, tok))
    expr = " ".join(py)
    env = {w: (w in text.split()) for w in ("acme", "globex", "jane", "doe", "ceo", "beta")}
    env["ACMECORP"] = "acme corp" in text
    mentions_something = any(EntityQuery.parse(f'"{t}"').matches(text) for t in q.positive_terms())
    expected = eval(expr, {}, env) and mentions_something  # noqa: S307 - oracle over a closed alphabet
    assert q.matches(text) == expected
    for s, e in q.spans(text):
        assert 0 <= s < e <= len(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["Velora", "Velora Arc", "arc", "the", "Arc e-bike", "Kinetiq", "velora-arc",
                                 "Stridewell", "Arcadia", "Velora Beach"]), max_size=12))
def test_multimatcher_agrees_with_matching_each_query(words):
    from orm_desktop.ingest.query import MultiMatcher

    queries = [EntityQuery.parse('Velora -"Velora Beach"'), EntityQuery.parse('"Velora Arc" OR "Arc e-bike"'),
               EntityQuery.parse("Kinetiq OR Stridewell"), EntityQuery.parse("arc AND Kinetiq")]
    text = " ".join(words)
    assert MultiMatcher(queries).matching(text) == [i for i, q in enumerate(queries) if q.matches(text)]


# -- OPML ------------------------------------------------------------------------------------------

OPML2 = """<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>
<outline text="Press"><outline text="Trade">
  <outline type="rss" text="Trade Wire" xmlUrl="https://trade.example/rss" kind="press" weight="2.5"/>
</outline></outline>
<outline type="rss" title="Shop" xmlurl="https://shop.example/rss" kind="review"/>
<outline title="Search" xmlUrl="https://news.example/rss?q={query}" kind="news"/>
</body></opml>"""


def test_opml2_categories_kinds_weights():
    r = parse_opml(OPML2)
    assert r.problems == []
    assert [(f.url, f.category, f.kind, f.weight) for f in r.feeds] == [
        ("https://trade.example/rss", "Press/Trade", "press", 2.5),
        ("https://shop.example/rss", "", "review", 1.0),
        ("https://news.example/rss?q={query}", "", "news", 1.0)]


def test_opml1_without_kinds():
    r = parse_opml('<opml version="1.0"><head/><body><outline text="A" xmlUrl="http://a.example/f"/></body></opml>')
    assert [(f.title, f.kind) for f in r.feeds] == [("A", "news")]


@pytest.mark.parametrize("broken", [
    OPML2.replace("</body>", ""),                              # truncated / mismatched
    OPML2.replace('kind="review"/>', 'kind="review">'),       # unclosed outline
    OPML2.replace("&", "").replace("Trade Wire", "Trade & Wire"),  # bad entity
])
def test_broken_opml_still_imports_valid_outlines_and_names_the_problem(broken):
    r = parse_opml(broken)
    assert any("not well-formed XML" in p and "line" in p for p in r.problems)
    assert "https://shop.example/rss" in [f.url for f in r.feeds]


def test_bad_values_and_not_opml():
    r = parse_opml('<opml><body><outline title="X" xmlUrl="ftp://x.example/f"/>'
                   '<outline title="Y" xmlUrl="https://y.example/f" kind="tv" weight="-3"/></body></opml>')
    assert [f.url for f in r.feeds] == ["https://y.example/f"]
    assert any("unsupported URL" in p for p in r.problems)
    assert any("unknown kind 'tv'" in p for p in r.problems) and any("weight" in p for p in r.problems)
    with pytest.raises(UsageError, match="not an OPML file"):
        parse_opml("<html><body>hello</body></html>")
    with pytest.raises(UsageError, match="no such file"):
        read_opml("/nonexistent/file.opml")


def test_entity_expansion_is_never_performed():
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
            '<!ENTITY xxe SYSTEM "file:///etc/passwd">]><opml><body>'
            '<outline title="&lol2;&xxe;" xmlUrl="https://ok.example/f"/></body></opml>')
    r = parse_opml(bomb)
    assert [f.url for f in r.feeds] == ["https://ok.example/f"]
    assert "root:" not in r.feeds[0].title and "lollol" not in r.feeds[0].title


def test_export_round_trip_and_templates():
    feeds = parse_opml(OPML2).feeds
    again = parse_opml(export_opml(feeds)).feeds
    assert sorted(again, key=lambda f: f.url) == sorted(feeds, key=lambda f: f.url)
    assert expand_template("https://n.example/rss?q={query}", '"Acme Corp" OR Acme') == \
        "https://n.example/rss?q=%22Acme+Corp%22+OR+Acme"


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.text(min_size=1, max_size=20).filter(lambda s: s.strip() == s and s),
                          st.sampled_from(["news", "blog", "review", "social", "forum", "press"]),
                          st.sampled_from(["", "A", "A/B", "Press & PR"]),
                          st.floats(min_value=0.1, max_value=9.0).map(lambda x: round(x, 2))),
                min_size=1, max_size=6))
def test_export_parse_round_trip_property(rows):
    from orm_desktop.ingest.opml import OutlineFeed

    feeds = [OutlineFeed(f"https://f{i}.example/rss", t, k, c, w) for i, (t, k, c, w) in enumerate(rows)]
    again = {f.url: f for f in parse_opml(export_opml(feeds)).feeds}
    for f in feeds:
        g = again[f.url]
        assert (g.kind, g.category, g.weight) == (f.kind, f.category, f.weight)


def test_default_feed_list_parses_cleanly():
    r = read_opml(ROOT / "feeds.opml")
    assert r.problems == [] and len(r.feeds) >= 10
    assert any("{query}" in f.url for f in r.feeds)


# -- URLs and titles --------------------------------------------------------------------------------

@pytest.mark.parametrize("url, canon", [
    ("HTTPS://Example.COM:443/a/b/?utm_source=x&b=2&a=1#frag", "https://example.com/a/b?a=1&b=2"),
    ("http://example.com:8080/x?fbclid=1&gclid=2", "http://example.com:8080/x"),
    ("https://news.google.com/rss/articles?url=https%3A%2F%2Freal.example%2Fstory%3Futm_medium%3Dx",
     "https://real.example/story"),
    ("not a url", "not a url"),
])
def test_canonical_url(url, canon):
    assert canonical_url(url) == canon


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60), st.lists(st.sampled_from(["utm_source=a", "fbclid=b", "id=3", "x=y"]), max_size=4))
def test_canonical_url_is_idempotent_and_never_raises(path, params):
    url = "https://Example.com/" + path + ("?" + "&".join(params) if params else "")
    once = canonical_url(url)
    assert canonical_url(once) == once


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="?#&=", blacklist_categories=("Cs",)), max_size=40),
       st.lists(st.sampled_from(["utm_source=a", "fbclid=b", "id=3", "x=y", "gclid=z"]), max_size=4))
def test_canonical_url_drops_tracking_parameters(path, params):
    once = canonical_url("https://Example.com/" + path + ("?" + "&".join(params) if params else ""))
    assert "utm_source" not in once and "fbclid" not in once and "gclid" not in once
    for kept in ("id=3", "x=y"):
        assert (kept in once) == (kept in params)


def test_near_identical_titles_cluster_and_different_stories_do_not():
    a = title_norm("Acme recalls 10,000 e-bikes over battery fires")
    b = title_norm("Acme Recalls 10,000 E-Bikes Over Battery Fires - Reuters")
    c = title_norm("Acme recalls 10,000 e-bikes over battery fire risk")
    d = title_norm("Acme opens a new store in Berlin")
    assert a == b
    assert title_similarity(a, c) >= CLUSTER_THRESHOLD
    assert title_similarity(a, d) < 0.6


def test_title_norm_skips_the_accent_folding_for_ascii_exactly():
    import unicodedata

    # title_norm folds only a non-ASCII title: ASCII is its own NFKD form and has no combining marks
    ascii_chars = "".join(map(chr, range(128)))
    assert unicodedata.normalize("NFKD", ascii_chars) == ascii_chars
    assert not any(unicodedata.combining(c) for c in ascii_chars)
    assert title_norm("Café Müller ÉLÈVE naïve façade") == "cafe muller eleve naive facade"
    assert title_norm("Ｆｕｌｌｗｉｄｔｈ ﬁre") == "fullwidth fire"


# -- sanitizer and parser -----------------------------------------------------------------------------

HOSTILE = ['<script>alert(1)</script>', '<img src="https://t.example/p.gif" onerror="x()">',
           '<a href="javascript:alert(1)">j</a>', '<iframe src="https://e.example"></iframe>',
           '<style>body{background:url(https://t.example/c)}</style>', '<p style="x" onclick="y()">p</p>',
           '<a href="data:text/html;base64,PHNjcmlwdD4=">d</a>', '<svg onload="x()"><circle/></svg>',
           '<object data="x.swf"></object>', '<video src="v.mp4"></video>', '<picture><source srcset="a.jpg"></picture>',
           'plain', '<b>bold</b>', '<a href="https://ok.example/">ok</a>', '"><script>x</script>', '<<img src=x>']


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(HOSTILE), max_size=8), st.text(max_size=20))
def test_sanitized_html_never_carries_active_or_remote_content(parts, noise):
    out = sanitize_html(noise.join(parts)).lower()
    for bad in ("<script", "onerror", "onclick", "onload", "javascript:", "<img", "src=", "style=",
                "<iframe", "<svg", "<object", "<video", "srcset", "data:text"):
        assert bad not in out


def test_sanitizer_keeps_text_links_and_structure():
    out = sanitize_html('<p>Hi <b>there</b> <a href="/rel">rel</a></p>', base_url="https://base.example/a/")
    assert out == ('<p>Hi <b>there</b> <a href="https://base.example/rel" '
                   'rel="noopener noreferrer nofollow">rel</a></p>')
    assert html_to_text("<p>One &amp; two</p><p>Three<br>four</p><script>x</script>") == "One & two\n\nThree\n\nfour"


def feed(name: str):
    kind = "review" if name.startswith("review") else "news"
    return parse_feed((FEEDS / name).read_bytes(), f"https://host.example/{name}", now=NOW, kind=kind)


def test_golden_rss20():
    r = feed("rss20.xml")
    assert (r.status, r.feed_title, len(r.items)) == ("ok", "Acme Watch", 3)
    first = r.items[0]
    assert first.title == "Acme opens new factory in Leeds"
    assert first.guid == "https://acmewatch.example/2026/acme-factory"
    assert first.published == 1793611800  # Mon, 02 Nov 2026 09:30:00 GMT
    assert first.author == "Jo Writer"
    assert first.text == "Acme opened a new factory in Leeds on Monday, creating 300 jobs. Local leaders praised the investment."
    assert r.items[1].published == 1793700000  # +0100 offset honoured


@pytest.mark.parametrize("name, status, count", [
    ("rss091.xml", "ok", 1), ("atom.xml", "ok", 1), ("rdf.xml", "ok", 1), ("reviews.xml", "ok", 3),
    ("empty.xml", "empty", 0), ("malformed.xml", "ok", 2), ("latin1.xml", "ok", 1),
    ("utf8-declared-latin1.xml", "ok", 1), ("latin1-declared-utf8.xml", "ok", 1),
])
def test_feed_formats_and_statuses(name, status, count):
    r = feed(name)
    assert (r.status, len(r.items)) == (status, count), r.message


def test_specific_values_across_formats():
    assert feed("atom.xml").items[0].url == "https://host.example/2026/recycling"
    assert feed("atom.xml").items[0].title == "Acme & partners launch recycling scheme"
    assert feed("rdf.xml").items[0].published == 1793955600
    assert feed("latin1.xml").items[0].title == "Acme café opens in Zürich"
    assert feed("utf8-declared-latin1.xml").items[0].title == "Acme café naïve"
    assert feed("latin1-declared-utf8.xml").items[0].title == "Acme café in München"
    # "8/10" alone is not an unmistakable rating ("Day 5/5" has the same shape): issue 18
    assert [i.rating for i in feed("reviews.xml").items] == [1.0, 4.0, None]
    assert "mismatched tag" in feed("malformed.xml").message


def test_hostile_feed_is_stored_safely():
    r = feed("hostile.xml")
    assert r.feed_title == "Evil feed"
    for item in r.items:
        for bad in ("<script", "onclick", "onmouseover", "javascript:", "<img", "src=", "style=", "iframe"):
            assert bad not in item.html.lower() and bad not in item.title.lower()
    assert r.items[0].title == "Acme news"
    assert r.items[0].published == NOW           # invalid date -> fetch time
    assert r.items[1].published == NOW           # a date in 2099 is clamped
    assert r.items[1].text == "Double escaped Acme text"


@pytest.mark.parametrize("body, headers, status", [
    (b"<!DOCTYPE html><html><body>shop</body></html>", {"content-type": "text/html"}, "not_a_feed"),
    (b"", {}, "not_a_feed"),
    (b"just some text", {}, "not_a_feed"),
    (b'<?xml version="1.0"?><rss><channel><title>x</title><item><title>a', {}, "malformed"),
])
def test_non_feeds(body, headers, status):
    r = parse_feed(body, headers=headers, now=NOW)
    assert r.status in (status, "ok" if status == "malformed" else status)
    assert r.message


def test_gigantic_description_is_capped():
    big = "<p>" + "Acme " * 400_000 + "</p>"
    body = (f'<rss version="2.0"><channel><title>Big</title><item><title>Acme</title>'
            f"<link>https://b.example/1</link><description><![CDATA[{big}]]></description></item></channel></rss>")
    r = parse_feed(body.encode(), now=NOW)
    assert r.status == "ok" and len(r.items[0].text) <= 20_000


def test_a_parsed_item_crosses_the_process_boundary_whole() -> None:
    """The refresh's workers send every new entry to the main process pickled: ParsedItem pickles
    by its constructor's arguments (types.pickled_by_fields), every field, in its own slot; the
    PreparedItem around it likewise."""
    import dataclasses
    import pickle

    from orm_desktop.ingest.pipeline import PreparedFeed, PreparedItem
    from orm_desktop.types import ParsedItem

    values = {"guid": "g-1", "url": "https://example.com/a", "title": "T\u00edtulo", "text": "plain \ud800 text",
              "html": "<p>plain</p>", "author": "Ann", "published": 1_700_000_000, "rating": 4.5, "lang": "es"}
    assert set(values) == {f.name for f in dataclasses.fields(ParsedItem)}  # a new field: add it here
    item = ParsedItem(**values)
    entry = PreparedItem(item, "https://example.com/a#g-1", "titulo", 1, [(0, 2)], "https://example.com/a")
    prepared = PreparedFeed("ok", "", "Feed", 1, [entry])
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(prepared, protocol=protocol))
        assert back == prepared
        # PreparedItem too pickles by its constructor's arguments (types.pickled_by_fields)
        assert [getattr(back.items[0], f.name) for f in dataclasses.fields(PreparedItem)] == [
            getattr(entry, f.name) for f in dataclasses.fields(PreparedItem)]
        assert {f: getattr(back.items[0].item, f) for f in values} == values
        assert type(back.items[0].item.published) is int and type(back.items[0].item.rating) is float
    assert pickle.loads(pickle.dumps(ParsedItem("g", "u", "t", "x"))) == ParsedItem("g", "u", "t", "x")
