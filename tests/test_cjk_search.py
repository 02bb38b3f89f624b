"""Search for Chinese and Japanese words inside unspaced text. SQLite's FTS5 (unicode61) and
PostgreSQL's parser make a whole unspaced CJK run one token: "田中社长宣布新产品" searched for "田中"
found nothing on either. A search with CJK characters now reads the text itself for those words
(store.mentions.cjk_hits: newest first, capped, the count then "N+"); Latin search is unchanged."""

from __future__ import annotations

import pytest

from orm_desktop.errors import UsageError
from orm_desktop.store import db
from orm_desktop.store import entities as entities_store
from orm_desktop.store import feeds as feeds_store
from orm_desktop.store import items as items_store
from orm_desktop.store import mentions as mentions_store
from orm_desktop.types import MentionFilter, ParsedItem

pytestmark = pytest.mark.both_backends

NOW = 1_790_000_000
TEXTS = [  # title, text
    ("田中社长宣布新产品", "新产品将于下月上市"),           # 0: zh, unspaced
    ("東京ニュース", "東京で田中さんが新型を発表した"),       # 1: ja, in the text
    ("Acme launches a bike", "The Acme bike is out today"),  # 2: en
    ("Acme 田中", "Acme の田中社长 said IPHONE新品 soon"),   # 3: mixed
    ("中文", "一个字"),                                       # 4: 中 alone
    ("ข่าววันนี้", "ซัมซุงเปิดตัวโทรศัพท์ใหม่"),                  # 5: Thai, unspaced too
    ("뉴스", "삼성전자가 새 휴대폰을 발표했다"),                   # 6: Korean, a particle on the name
]


def populate(conn) -> list[int]:
    with db.transaction(conn):
        entities_store.add(conn, "brand", "Acme", '"Acme"')
        feeds_store.upsert(conn, "https://feeds.example/a", title="A", kind="news")
    ids = []
    for n, (title, text) in enumerate(TEXTS):
        item = ParsedItem(guid=f"g{n}", url=f"https://x.example/{n}", title=title, text=text)
        with db.transaction(conn):
            iid = items_store.insert(conn, 1, item, canonical_url=item.url, title_norm="", cluster_id=None,
                                     published=NOW - n * 60, now=NOW)
            items_store.insert_mentions(conn, [(iid, 1, NOW - n * 60, "news", "snip", 0.1, 0.1, "test", "text",
                                                "[]", "", "", 1.0, None, NOW, 0.9)])
        ids.append(conn.execute("SELECT id FROM mentions WHERE item_id = ?", (iid,)).fetchone()[0])
    return ids


@pytest.fixture
def conn(new_ws):
    c = new_ws.connect()
    yield c
    c.close()


def found(conn, search: str, **kw) -> list[int]:
    f = MentionFilter(search=search, **kw)
    listed = [m.id for m in mentions_store.query(conn, f)]
    assert mentions_store.count(conn, f) == len(listed), search
    return listed


def test_cjk_words_inside_unspaced_text_are_found_and_latin_is_unchanged(conn):
    ids = populate(conn)
    assert found(conn, "田中") == [ids[0], ids[1], ids[3]]  # found nothing before
    assert found(conn, "新产品") == [ids[0]]
    assert found(conn, "中") == [ids[0], ids[1], ids[3], ids[4]]  # one character
    assert found(conn, "田中 Acme") == [ids[3]]
    assert found(conn, "田中 -Acme") == [ids[0], ids[1]]
    assert found(conn, "田中 OR bike") == [ids[0], ids[1], ids[2], ids[3]]
    assert found(conn, '"田中 社长"') == [ids[0], ids[3]]  # a phrase's words as written, without the space
    assert found(conn, "iphone新品") == [ids[3]]  # the Latin letters in it fold case as FTS does
    assert found(conn, "田中", order="priority", statuses=("new",)) == [ids[0], ids[1], ids[3]]
    assert found(conn, "佐藤") == []
    assert found(conn, "ซัมซุง") == [ids[5]]
    assert found(conn, "삼성전자") == [ids[6]]
    assert not mentions_store.search_capped(conn, MentionFilter(search="田中"))
    # the hits are kept for the next page and the count, not past a new item or a removed one
    item = ParsedItem(guid="g9", url="https://x.example/9", title="速報", text="田中氏が来日")
    with db.transaction(conn):
        iid = items_store.insert(conn, 1, item, canonical_url=item.url, title_norm="", cluster_id=None,
                                 published=NOW + 60, now=NOW)
        items_store.insert_mentions(conn, [(iid, 1, NOW + 60, "news", "snip", 0.1, 0.1, "test", "text",
                                            "[]", "", "", 1.0, None, NOW, 0.9)])
    new = conn.execute("SELECT id FROM mentions WHERE item_id = ?", (iid,)).fetchone()[0]
    assert found(conn, "田中") == [new, ids[0], ids[1], ids[3]]
    with db.transaction(conn):
        conn.execute("DELETE FROM items WHERE id = ?", (iid,))
    assert found(conn, "田中") == [ids[0], ids[1], ids[3]]
    # Latin: the index, as before
    assert found(conn, "Acme") == [ids[2], ids[3]]
    assert found(conn, '"Acme bike"') == [ids[2]]
    assert found(conn, "bike -launches") == []
    # each CJK word is one condition of one SQL expression: 1,500 pasted words were a traceback
    # ("Expression tree is too large (maximum depth 1000)"); at most 100, said in one line
    many = " ".join(f"田中{i}" for i in range(150))
    with pytest.raises(UsageError, match="at most 100 words"):
        found(conn, many)
    assert found(conn, " ".join(["田中"] + [f"-佐藤{i}" for i in range(99)])) == [ids[0], ids[1], ids[3]]


def test_a_common_cjk_word_stops_at_the_cap_and_says_so(conn, monkeypatch):
    ids = populate(conn)
    monkeypatch.setattr(mentions_store, "CJK_SCAN_CAP", 2)
    f = MentionFilter(search="中")  # in items 0, 1, 3 and 4: the 2 most recently collected are 4 and 3
    assert [m.id for m in mentions_store.query(conn, f)] == [ids[3], ids[4]]
    assert mentions_store.count(conn, f) == 2
    assert mentions_store.search_capped(conn, f)
    assert not mentions_store.search_capped(conn, MentionFilter(search="新产品"))
    assert not mentions_store.search_capped(conn, MentionFilter(search="Acme"))


def test_the_inbox_finds_cjk_words_without_reading_text_on_the_gui_thread(qtbot, tmp_path, monkeypatch):
    """The inbox's search "田中" listed nothing; now 3 mentions, the first current. The text is
    read in the worker pool (its first page too: 0.5 s at 200,000 mentions), never on the GUI
    thread; a search that stopped at the cap reads "2+ mentions"."""
    import threading

    from orm_desktop.service import Service
    from tests.gui_support import open_window

    svc = Service.create(tmp_path / "ws")
    ids = populate(svc.conn)
    scanned_on: list[str] = []
    real = mentions_store._cjk_condition

    def spy(*args, **kwargs):  # calls through: only says on which thread the text was read
        scanned_on.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(mentions_store, "_cjk_condition", spy)
    win = open_window(qtbot, svc)
    try:
        win.show_page("Inbox")
        inbox = win.inbox
        inbox.filters.search.setText("田中")
        qtbot.waitUntil(lambda: inbox.count_label.text() == "3 mentions", timeout=10_000)
        qtbot.waitUntil(lambda: inbox.detail.mention_id == ids[0], timeout=10_000)
        assert scanned_on and threading.main_thread().name not in scanned_on, scanned_on
        monkeypatch.setattr(mentions_store, "CJK_SCAN_CAP", 2)
        inbox.filters.search.setText("中")
        qtbot.waitUntil(lambda: inbox.count_label.text() == "2+ mentions", timeout=10_000)
        assert "at least 2" in inbox.count_label.toolTip()
        scans, gen = len(scanned_on), inbox.model.generation
        inbox.filters.search.setText("中 ")  # the same search again (after triage, say): the kept hits, at once
        qtbot.waitUntil(lambda: inbox.model.generation > gen, timeout=10_000)
        assert not inbox.model.searching and inbox.count_label.text() == "2+ mentions"
        assert len(scanned_on) == scans
        inbox.filters.search.setText("Acme")  # Latin: the index, at once
        qtbot.waitUntil(lambda: inbox.count_label.text() == "2 mentions", timeout=10_000)
        said: list[str] = []
        inbox.status_message.connect(said.append)
        inbox.filters.search.setText(" ".join(f"田中{i}" for i in range(150)))  # a paragraph pasted
        qtbot.waitUntil(lambda: any("at most 100 words" in m for m in said), timeout=10_000)
        assert inbox.model.total == 0
        assert threading.main_thread().name not in scanned_on, scanned_on
    finally:
        win.runner.cancel_all()
        win.runner.wait(10_000)
        svc.close()


def test_the_cli_finds_cjk_words(tmp_path, run_cli):
    """`mentions --search 田中` listed nothing; now the 3 mentions, as the inbox."""
    import json

    from orm_desktop.service import Service

    svc = Service.create(tmp_path / "ws")
    ids = populate(svc.conn)
    svc.close()
    r = run_cli("mentions", "--search", "田中", "--format", "json", workspace=tmp_path / "ws")
    assert r.returncode == 0, r.stderr
    assert [m["id"] for m in json.loads(r.stdout)] == [ids[0], ids[1], ids[3]]
    assert "most recently collected" not in r.stderr


def test_a_phrase_of_cjk_and_latin_words_keeps_their_order(conn):
    """A quoted phrase mixing CJK and Latin words was its words anywhere in the item ("田中 Acme"
    found "田中 met the Acme board"); now the words in order, spaces optional next to a CJK word."""
    ids = populate(conn)
    extra = ParsedItem(guid="gx", url="https://x.example/x", title="Board news", text="田中 met the Acme board")
    with db.transaction(conn):
        iid = items_store.insert(conn, 1, extra, canonical_url=extra.url, title_norm="", cluster_id=None,
                                 published=NOW - 3600, now=NOW)
        items_store.insert_mentions(conn, [(iid, 1, NOW - 3600, "news", "snip", 0.1, 0.1, "test", "text",
                                            "[]", "", "", 1.0, None, NOW, 0.9)])
    x = conn.execute("SELECT id FROM mentions WHERE item_id = ?", (iid,)).fetchone()[0]
    assert found(conn, "田中 Acme") == [ids[3], x]  # the words anywhere: both, as before
    assert found(conn, '"Acme 田中"') == [ids[3]]  # the title "Acme 田中"; was [ids[3], x]
    assert found(conn, '"田中 Acme"') == []  # never in that order
    assert found(conn, '"田中 met the acme"') == [x]  # Latin words fold case, spaces between
    assert found(conn, '"田中 met acme"') == []  # a word left out is another phrase
    assert found(conn, '"の田中社长 said"') == [ids[3]]
    assert found(conn, '"said iphone新品"') == [ids[3]]  # "said IPHONE新品"
    assert found(conn, '"社长 sa"') == []  # Latin words whole: "said" is not "sa"
    assert found(conn, '田中 -"met the Acme"') == [ids[0], ids[1], ids[3]]


def test_a_mixed_phrase_takes_regular_expression_characters_as_they_are_typed(conn):
    """The words of a mixed CJK/Latin phrase become a regular expression (store.mentions
    ._phrase_pattern); what a user types there is text: "c++" is no repeat (an error), "x]|y" no
    alternation, "a.b" no wildcard, "a\\d" no digit. Punctuation around a word is not required
    (as in Latin phrases): before, "田中 [x]|y" was not found in "田中 [x]|y"."""
    populate(conn)
    ids = []
    for n, text in enumerate(["田中 c++ fans say 田中 [x]|y and 田中 a.b 田中 a\\d", "田中 x y and 田中 a b 田中 a7",
                              "田中 axb and 田中 (beta)"]):
        item = ParsedItem(guid=f"re{n}", url=f"https://x.example/re{n}", title="Regex", text=text)
        with db.transaction(conn):
            iid = items_store.insert(conn, 1, item, canonical_url=item.url, title_norm="", cluster_id=None,
                                     published=NOW - 7200 - n, now=NOW)
            items_store.insert_mentions(conn, [(iid, 1, NOW - 7200 - n, "news", "snip", 0.1, 0.1, "test", "text",
                                                "[]", "", "", 1.0, None, NOW, 0.9)])
        ids.append(conn.execute("SELECT id FROM mentions WHERE item_id = ?", (iid,)).fetchone()[0])
    assert found(conn, '"田中 c++"') == [ids[0]]
    assert found(conn, '"田中 [x]|y"') == [ids[0]]  # not "田中 x y"
    assert found(conn, '"田中 a.b"') == [ids[0]]  # not "田中 a b", not "田中 axb"
    assert found(conn, '"田中 a\\d"') == [ids[0]]  # a backslash is a backslash
    assert found(conn, '"田中 beta"') == [ids[2]]  # "田中 (beta)": the brackets need not be typed
    assert found(conn, '"田中 (x"') == [ids[0], ids[1]]  # an unbalanced bracket is no error


def test_a_hostile_search_in_unspaced_text_is_a_result_or_one_line(conn):
    """A NUL typed or pasted into a CJK search separates words, as it does in a Latin one (before,
    PostgreSQL refused the argument: "text fields cannot contain NUL", a traceback), and a mixed
    phrase of 1,000 words counts its words (before, one term: SQLite's "Expression tree is too
    large", a traceback)."""
    ids = populate(conn)
    assert found(conn, "田中\x00") == [ids[0], ids[1], ids[3]]
    assert found(conn, '"田中\x00社长"') == [ids[0], ids[3]]
    assert found(conn, "acme\x00bike") == [ids[2]]
    with pytest.raises(UsageError, match="at most 100 words"):
        found(conn, '"田中 ' + " ".join(f"w{i}" for i in range(1000)) + '"')


def test_a_search_of_more_than_1000_words_is_refused_in_one_line(conn):
    """100,000 pasted words were PostgreSQL's "stack depth limit exceeded" (a traceback after
    3.4 s) and an 8 s search on SQLite; 1,000 words still search."""
    ids = populate(conn)
    with pytest.raises(UsageError, match="at most 1,000 words"):
        found(conn, " ".join(f"w{i}" for i in range(100_000)))
    with pytest.raises(UsageError, match="at most 1,000 words"):
        found(conn, '"' + " ".join(f"w{i}" for i in range(1001)) + '"')
    assert found(conn, "bike " + " OR ".join(["acme"] * 999)) == [ids[2]]
