"""Mention queries (inbox, CLI, reports) and triage writes.

Sentiment labels are derived from the effective score with the product-wide thresholds:
negative <= -0.05 < neutral < 0.05 <= positive, so label filters are index range scans.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import json
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence

from orm_desktop.errors import Conflict, KnownError, UsageError
from orm_desktop.store import db
from orm_desktop.types import (
    NEEDS_REVIEW_BELOW,
    STATUSES,
    Mention,
    MentionDetail,
    MentionFilter,
    label_for,
)

_SELECT = (
    "SELECT m.id, m.item_id, m.entity_id, e.name, i.title, i.url, COALESCE(f.title, ''), "
    "m.feed_kind, m.published, m.snippet, m.sentiment, m.status, m.priority, "
    "m.override IS NOT NULL, i.rating, m.topics, i.cluster_id, i.lang, m.score_source, "
    "m.version, m.assignee, m.tags, m.confidence "
    "FROM mentions m JOIN items i ON i.id = m.item_id JOIN entities e ON e.id = m.entity_id "
    "LEFT JOIN feeds f ON f.id = i.feed_id"
)

# Mention.label "unsupported" in SQL: a machine score of a language the engine does not support,
# no person's override (counted on its own by the KPIs and the mention_daily rollup: m017)
UNSCORED_SQL = "m.score_source = 'unsupported_language' AND m.override IS NULL"

# Mention.unsure in SQL: a machine score no person confirmed, with a low confidence (the inbox's
# "needs a human look"; listed after sure scores in store.kpis.extremes). A mention not scored
# (UNSCORED_SQL, confidence 0.0) has no machine score to doubt: the "not scored" filter lists it
UNSURE_SQL = (f"m.override IS NULL AND m.confidence < {NEEDS_REVIEW_BELOW} "
              "AND m.score_source != 'unsupported_language'")

# a label as the inbox and a rule's condition select it (Mention.label): a machine score of a
# language the engine does not support is "unsupported", not neutral, until a person scores it
SENTIMENT_SQL = {
    "negative": "m.sentiment <= -0.05",
    "neutral": "m.sentiment > -0.05 AND m.sentiment < 0.05 "
               "AND (m.score_source != 'unsupported_language' OR m.override IS NOT NULL)",
    "positive": "m.sentiment >= 0.05",
    "unsupported": UNSCORED_SQL,  # "not scored"
}
_SENTIMENT_SQL = SENTIMENT_SQL

SEARCH_MAX_WORDS = 1000  # words of one search (the inbox's box holds 32,767 characters)
_TOKEN = re.compile(r'(-?)"([^"]*)"|(-?)(\S+)')


def _typed_words(phrase: str) -> list[str]:
    """A term's words as typed, without the punctuation around them: Thai's and other scripts'
    combining marks are no ``\\w`` ("ซัมซุง" is not three words), so a search that reads the text
    keeps the word whole."""
    out = []
    for w in phrase.split():
        chars = list(w)
        while chars and unicodedata.category(chars[0])[0] in "PSZ":
            chars.pop(0)
        while chars and unicodedata.category(chars[-1])[0] in "PSZ":
            chars.pop()
        if chars:
            out.append("".join(chars))
    return out


def _parse_search(text: str, *, typed: bool = False) -> tuple[list[list[list[str]]], list[list[str]]]:
    """What a user types as (AND-ed groups of OR-ed terms, excluded terms); a term is its words
    (a "phrase" has several; ``typed``: as typed, ``_typed_words``, else the index's ``\\w+``
    words); ``-term`` and ``NOT term`` exclude. Raises UsageError when nothing searchable remains."""
    groups: list[list[list[str]]] = []
    neg: list[list[str]] = []
    pending_or = pending_not = False
    count = 0
    text = text.replace("\x00", " ")  # a NUL separates words (PostgreSQL takes no NUL in an argument)
    for m in _TOKEN.finditer(text):
        minus, phrase = (m.group(1), m.group(2)) if m.group(2) is not None else (m.group(3), m.group(4))
        if m.group(2) is None and not minus and phrase in ("AND", "OR"):
            pending_or = phrase == "OR" and bool(groups)
            continue
        if m.group(2) is None and not minus and phrase == "NOT":  # as in rules and entity queries: excludes
            pending_not = True
            continue
        words = _typed_words(phrase) if typed else re.findall(r"\w+", phrase)
        if not words:
            continue
        # 100,000 words were PostgreSQL's "stack depth limit exceeded" and 8 s on SQLite (a CJK
        # search, ``typed``, has its own CJK_MAX_TERMS)
        count += len(words)
        if count > SEARCH_MAX_WORDS and not typed:
            raise UsageError(f"a search takes at most {SEARCH_MAX_WORDS:,} words")
        if minus or pending_not:
            pending_not = False
            neg.append(words)
        elif pending_or:
            groups[-1].append(words)
        else:
            groups.append([words])
        pending_or = False
    if not groups:
        raise UsageError(f"nothing to search for in {text!r}")
    return groups, neg


def fts_query(text: str) -> str:
    """Turn what a user types into a safe FTS5 expression: words and "phrases" are ANDed,
    ``OR`` between two terms makes them alternatives, a leading '-' excludes; ``AND`` is
    accepted and implied. Raises UsageError when nothing searchable remains."""
    groups, neg = _parse_search(text)

    def term(words: list[str]) -> str:
        return '"' + " ".join(words) + '"'

    expr = " AND ".join(term(g[0]) if len(g) == 1 else "(" + " OR ".join(map(term, g)) + ")" for g in groups)
    for words in neg:
        expr += f" NOT {term(words)}"
    return expr


def ts_query(text: str, *, loose: bool = False) -> str:
    """The same search as ``fts_query`` as a PostgreSQL tsquery (for ``to_tsquery('orm_fts', ...)``):
    a phrase is words joined by ``<->``, every word quoted so nothing typed is an operator.

    ``loose``: a superset the GIN index answers by itself, without reading each hit's
    ``tsvector`` again: a phrase becomes all of its words (``&``) and excluded phrases are left
    out (excluded single words stay). The exact query then rechecks only the rows kept."""
    groups, neg = _parse_search(text)

    def term(words: list[str]) -> str:
        t = (" & " if loose else " <-> ").join(f"'{w}'" for w in words)
        return f"({t})" if len(words) > 1 else t

    expr = " & ".join(term(g[0]) if len(g) == 1 else "(" + " | ".join(map(term, g)) + ")" for g in groups)
    for words in neg:
        if not (loose and len(words) > 1):
            expr += f" & !{term(words)}"
    return expr


_FTS5_TOKEN = re.compile(r'"([^"]*)"|(\()|(\))|\b(AND|OR|NOT)\b')


def fts5_to_tsquery(expr: str) -> str:
    """An FTS5 expression made of "phrases", AND, OR, NOT and parentheses (what ``fts_query``
    and ``ingest.query.EntityQuery.to_fts`` write) as the equivalent PostgreSQL tsquery."""
    out = []
    for m in _FTS5_TOKEN.finditer(expr):
        phrase, op = m.group(1), m.group(4)
        if phrase is not None:
            words = re.findall(r"\w+", phrase)
            t = " <-> ".join(f"'{w}'" for w in words) if words else "''"
            out.append(f"({t})" if len(words) > 1 else t)
        elif op:
            out.append({"AND": "&", "OR": "|", "NOT": "& !"}[op])
        else:
            out.append(m.group(2) or m.group(3))
    return " ".join(out)


def match_arg(conn: object, fts5_expr: str) -> str:
    """The argument of ``search_sql`` for an FTS5 expression built by code (not typed)."""
    return fts5_to_tsquery(fts5_expr) if db.dialect(conn) == "postgresql" else fts5_expr


def search_sql(conn: object) -> str:
    """A subquery of the ids (as ``rowid``) of the items matching one search argument (``search_arg``)."""
    if db.dialect(conn) == "postgresql":
        return "SELECT id AS rowid FROM items WHERE fts @@ to_tsquery('orm_fts', ?)"
    return "SELECT rowid FROM items_fts WHERE items_fts MATCH ?"


def search_arg(conn: object, text: str) -> str:
    """What a user typed as the argument of ``search_sql``."""
    return ts_query(text) if db.dialect(conn) == "postgresql" else fts_query(text)


# Scripts written without spaces between words (Han, kana, Thai, Lao, Khmer, Myanmar: the ranges of
# ingest.query's entity matching) and hangul (a particle written onto the word: "삼성전자가").
# Neither SQLite's FTS5 unicode61 tokenizer nor PostgreSQL's parser splits such a run into words:
# "田中社长宣布新产品" is one token, so the index cannot find "田中". Called "CJK" below, for short
_CJK = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1100-\u11ff\u1780-\u17ff\u2e80-\u2fdf\u3005-\u3007"
                  "\u3021-\u3029\u3031-\u303c\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf"
                  "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f]")
# a search with CJK words reads the text itself (cjk_hits): at most this many matching items, the
# most recently collected (ids follow collection: the scan walks the primary key backwards and a
# common word stops early; at 200,000 mentions a whole scan takes about 0.5 s: docs/decisions.md,
# "Chinese and Japanese words inside unspaced text")
CJK_SCAN_CAP = 20_000
# words of one such search (a mixed phrase's each too): each is a condition of one SQL expression (1,500 pasted words were
# "Expression tree is too large (maximum depth 1000)", a traceback)
CJK_MAX_TERMS = 100
_CJK_LOCK = threading.Lock()


def has_cjk(text: str) -> bool:
    """Whether a search holds a CJK character (then ``cjk_hits`` answers it, not the index)."""
    return bool(text) and _CJK.search(text) is not None


def _cjk_search(f: MentionFilter) -> bool:
    return bool(f.search.strip()) and has_cjk(f.search)


def _cjk_condition(conn: object, text: str) -> tuple[str, list]:
    """(SQL over a row of ``items``, its arguments) for what a user typed, as ``fts_query`` reads
    it: a word with CJK characters is a substring of the title or the text (its Latin letters
    folded as the index folds them), a word without is the index's word, a "phrase" of CJK words
    is the words as written without the spaces; AND, OR and exclusions as in ``fts_query``."""
    pg = db.dialect(conn) == "postgresql"
    groups, neg = _parse_search(text, typed=True)
    if sum(len(t) for g in groups for t in g) + sum(len(t) for t in neg) > CJK_MAX_TERMS:  # a mixed phrase: each word
        raise UsageError(f"a search in text written without spaces takes at most {CJK_MAX_TERMS} words "
                         "(each is looked for in every item's text)")
    args: list = []

    def contains(s: str) -> str:
        s = s.lower()
        folded = any("a" <= ch <= "z" for ch in s)  # the index folds case: the text too, then
        col = (lambda c: f"lower({c})") if folded else (lambda c: c)
        args.extend([s, s])
        if pg:
            return f"(strpos({col('title')}, ?) > 0 OR strpos({col('text')}, ?) > 0)"
        return f"(instr({col('title')}, ?) > 0 OR instr({col('text')}, ?) > 0)"

    def term(words: list[str]) -> str:
        if not any(has_cjk(w) for w in words):
            words = re.findall(r"\w+", " ".join(words))  # the index's words ("e-bike": "e bike")
            if not words:  # (only marks, as typed): nothing the index can look for
                return "0"
            args.append(ts_query(f'"{" ".join(words)}"') if pg else '"' + " ".join(words) + '"')
            return ("fts @@ to_tsquery('orm_fts', ?)" if pg
                    else "id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)")
        if len(words) == 1:
            return contains(words[0])
        # a phrase: its CJK words as written together ("田中 社长" is "田中社长")
        if all(has_cjk(w) for w in words):
            return contains("".join(words))
        # CJK and Latin words: each word first (cheap, and narrows), then the words in order with
        # at most spaces between a CJK word and the next, a separator between two Latin words
        # (before, "田中 Acme" as a phrase found the two words anywhere in the text)
        each = " AND ".join(contains(w) if has_cjk(w) else term([w]) for w in words)
        pattern = _phrase_pattern(words, pg)
        if pg:
            args.extend([pattern, pattern])
            return f"({each} AND (title ~* ? OR text ~* ?))"
        conn.create_function("orm_phrase", 2, _phrase_in, deterministic=True)
        args.extend([pattern, pattern])
        return f"({each} AND (orm_phrase(?, title) OR orm_phrase(?, text)))"

    parts = ["(" + " OR ".join(term(t) for t in g) + ")" for g in groups]
    parts += [f"NOT {term(t)}" for t in neg]
    return " AND ".join(parts), args


def _phrase_pattern(words: list[str], pg: bool) -> str:
    r"""A regular expression (PostgreSQL's ARE with ``pg``, else Python's; matched ignoring case)
    of a phrase mixing CJK and Latin words: the words in order, ``\W*`` next to a CJK character
    ("田中CEO", "田中 CEO", "田中 (CEO)"), ``\W+`` between two Latin words, Latin words whole. The
    punctuation around a typed word is not part of it (``_typed_words``), so none is required or
    refused between words, as in a Latin phrase; what is left is matched as the characters typed."""
    edge = r"\y" if pg else r"\b"

    def literal(w: str) -> str:
        return "".join(ch if ch.isalnum() else "\\" + ch for ch in w)

    out = [edge] if not has_cjk(words[0][0]) else []
    for i, w in enumerate(words):
        if i:
            out.append(r"\W*" if has_cjk(words[i - 1][-1]) or has_cjk(w[0]) else r"\W+")
        out.append(literal(w))
    if not has_cjk(words[-1][-1]):
        out.append(edge)
    return "".join(out)


@functools.lru_cache(maxsize=64)
def _phrase_re(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


def _phrase_in(pattern: str, text: str | None) -> bool:
    """SQLite's ``orm_phrase(pattern, text)``: whether ``text`` holds the phrase."""
    return bool(text) and _phrase_re(pattern).search(text) is not None


_CJK_KEPT = 8  # searches whose hits are kept (all workspaces of the process)
_cjk_kept: dict[tuple, tuple[tuple, tuple[tuple[int, ...], bool]]] = {}


def _database(conn: object) -> str:
    """Which database ``conn`` is on (the kept hits are the process's: the service gives each
    thread its own connection, and the inbox's worker reads what its GUI thread then pages)."""
    if db.dialect(conn) == "postgresql":
        return getattr(conn, "dsn", "") or repr(conn)
    rows = conn.execute("PRAGMA database_list").fetchall()
    return next((r[2] for r in rows if r[1] == "main"), "") or f"memory:{id(conn)}"


def _cjk_state(conn: object) -> tuple:
    # the items' state, cheaply (count(*) of the items took 23 ms at 200,000 mentions): an item
    # added raises the newest id, one removed (or its id reused) changes the mentions' total
    # (an item without a mention lists nothing either way); the app never rewrites an item's text
    return CJK_SCAN_CAP, conn.execute("SELECT max(id) FROM items").fetchone()[0], _total(conn)


def search_reads_text(conn: object, f: MentionFilter) -> bool:
    """Whether the filter's search must read the items' text now: a CJK search whose hits are not
    kept (``cjk_hits``) for the items as they are. 0.1 ms."""
    if not _cjk_search(f):
        return False
    with _CJK_LOCK:
        hit = _cjk_kept.get((_database(conn), f.search))
    return hit is None or hit[0] != _cjk_state(conn)


def cjk_hits(conn: object, text: str) -> tuple[tuple[int, ...], bool]:
    """(ids of the items a search with CJK words matches, the most recently collected first, at
    most CJK_SCAN_CAP; whether there were more). One scan of the items' text per search and
    state of the items (kept for the process until an item or a mention is added or removed), so
    that a page, its count and the muted count read it once, whichever thread asks. Run it off
    the GUI thread: about 0.5 s at 200,000 mentions."""
    where_key, state = (_database(conn), text), _cjk_state(conn)
    with _CJK_LOCK:
        hit = _cjk_kept.get(where_key)
        if hit is not None and hit[0] == state:
            return hit[1]
    where, args = _cjk_condition(conn, text)
    rows = conn.execute(f"SELECT id FROM items WHERE {where} ORDER BY id DESC LIMIT ?",
                        (*args, CJK_SCAN_CAP + 1)).fetchall()
    result = (tuple(r[0] for r in rows[:CJK_SCAN_CAP]), len(rows) > CJK_SCAN_CAP)
    with _CJK_LOCK:
        _cjk_kept.pop(where_key, None)
        _cjk_kept[where_key] = (state, result)
        while len(_cjk_kept) > _CJK_KEPT:
            _cjk_kept.pop(next(iter(_cjk_kept)))
    return result


def search_capped(conn: object, f: MentionFilter) -> bool:
    """Whether the filter's search read only the newest CJK_SCAN_CAP items that match (a CJK
    search of a common word): its count is then "at least"."""
    return _cjk_search(f) and cjk_hits(conn, f.search)[1]


def _check_statuses(statuses) -> None:
    bad = [s for s in statuses if s not in STATUSES]
    if bad:
        raise UsageError(f"unknown status {bad[0]!r} (choose from {', '.join(STATUSES)})")


def _without_search(f: MentionFilter) -> MentionFilter:
    return dataclasses.replace(f, search="")


def _any_muted(conn: sqlite3.Connection | None) -> bool:
    """Whether any mention is muted (a partial index makes this instant); when none is, the
    muted clause is left out so queries stay on their covering indexes."""
    if conn is None:
        return True
    return conn.execute("SELECT 1 FROM mentions WHERE muted = 1 LIMIT 1").fetchone() is not None


_FACET_EXISTS = ("EXISTS (SELECT 1 FROM mention_facets x WHERE x.facet = ? AND x.published = m.published "
                 "AND x.mention_id = m.id)")
# the same as a scalar subquery: PostgreSQL turns EXISTS into a semi-join and hashed every mention
# of the topic against a scan of the entity's mentions (topic + top entity 210 ms, 50k buffers);
# as a per-row filter it walks the entity's newest mentions and stops at the page (13 ms, 10k)
_PG_FACET_PROBE = ("(SELECT true FROM mention_facets x WHERE x.facet = ? AND x.published = m.published "
                   "AND x.mention_id = m.id)")


SELECTION_TABLES = 4  # SQLite: the temp tables of the latest selections kept per connection
_SELECTION_LOCK = threading.Lock()
_selection_names = itertools.count(1)


def selection_table(conn: object, ids: tuple[int, ...]) -> str | None:
    """The name of a temporary table (``id`` its primary key) holding ``ids``, filled once per
    selection (the tuple itself: the inbox's filter keeps it) and kept for the connection's
    latest SELECTION_TABLES selections; None where none can be made (a connection inside a
    transaction, which could roll the table back; a read-only PostgreSQL login): the ids then go
    with each statement. Call it off the GUI thread first: at 1M mentions a 200,000-id selection
    takes about 0.05 CPU-s to store on SQLite, its pages then a few ms each."""
    if not hasattr(conn, "__dict__"):
        return None
    pg = db.dialect(conn) == "postgresql"
    with _SELECTION_LOCK:
        tables = conn.__dict__.setdefault("_orm_selections", {})  # id(ids) -> (ids, table)
        hit = tables.get(id(ids))
        if hit is not None and hit[0] is ids:
            return hit[1]
        if conn.in_transaction or conn.__dict__.get("_orm_no_selections"):
            return None
        name = f"orm_selection_{next(_selection_names)}"
        if pg:
            try:
                conn.execute(f"CREATE TEMP TABLE {name} (id bigint PRIMARY KEY)")
            except sqlite3.Error:  # a read-only login (default_transaction_read_only): the ids go as an array
                conn.__dict__["_orm_no_selections"] = True
                return None
            conn.execute_count(f"INSERT INTO pg_temp.{name} SELECT DISTINCT unnest(?::bigint[])",
                               ([int(i) for i in ids],))
            conn.execute(f"ANALYZE pg_temp.{name}")
            name = f"pg_temp.{name}"
        else:
            conn.execute(f"CREATE TEMP TABLE {name} (id INTEGER PRIMARY KEY)")
            conn.execute(f"INSERT OR IGNORE INTO temp.{name} SELECT value FROM json_each(?)",
                         (json.dumps([int(i) for i in ids]),))
            name = f"temp.{name}"
        # the connection is shared with other threads: had one of them opened a transaction
        # around the insert (and rolled it back), the table would hold fewer ids than selected
        # and the inbox would show fewer mentions than the saved search counts; then the ids go
        # with each statement instead
        if conn.in_transaction or conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0] != len(set(ids)):
            return None
        tables[id(ids)] = (ids, name)
        while len(tables) > SELECTION_TABLES:
            key = next(iter(tables))
            conn.execute(f"DROP TABLE IF EXISTS {tables.pop(key)[1]}")
        return name


def _total(conn) -> int:
    return conn.execute("SELECT COALESCE(sum(n), 0) FROM mention_counts").fetchone()[0]


def ids_clause(conn: object, ids: Sequence[int], column: str = "m.id", *, walk: bool = False) -> tuple[str, list]:
    """(SQL, its arguments) keeping rows whose ``column`` is among ``ids``, any number of them
    (SQLite allows 250,000 variables per statement; a saved search of a common word selects
    more): on SQLite the selection's temp table (``selection_table``) or a JSON array read by
    json_each, on PostgreSQL one array. ``walk``: the ids are only probed (SQLite: ``+column``),
    so that an index in the query's order drives it (a large selection's page stops after its
    rows) instead of a look-up of every id and a sort."""
    table = selection_table(conn, ids) if isinstance(ids, tuple) else None
    if db.dialect(conn) == "postgresql":  # the planner chooses between probing and looking up
        if table is not None:
            return f"{column} IN (SELECT id FROM {table})", []
        return f"{column} = ANY(?::bigint[])", [[int(i) for i in ids]]
    probe = f"+{column}" if walk else column
    if table is not None:
        return f"{probe} IN (SELECT id FROM {table})", []
    return f"{probe} IN (SELECT value FROM json_each(?))", [json.dumps([int(i) for i in ids])]


WALK_SELECTION_SHARE = 0.005  # SQLite: a selection of more of the mentions is probed along the order's index


def _where(f: MentionFilter, conn: sqlite3.Connection | None = None, *, page: bool = False) -> tuple[str, list]:
    clauses, args = [], []
    if f.mention_ids is not None:
        # a page of a large selection walks the order's index and probes the selection (the
        # first page of 200,000 ids of 1M 0.2 ms against 190 ms looking up each and sorting); a
        # small one, and every count, looks up its ids
        walk = (page and db.dialect(conn) != "postgresql"
                and len(f.mention_ids) > WALK_SELECTION_SHARE * _total(conn))
        sql, more = ids_clause(conn, f.mention_ids, walk=walk)
        clauses.append(sql)
        args += more
    if f.entity_ids:
        clauses.append(f"m.entity_id IN ({','.join('?' * len(f.entity_ids))})")
        args += list(f.entity_ids)
    if f.sentiment:
        if f.sentiment not in _SENTIMENT_SQL:
            raise UsageError(f"unknown sentiment {f.sentiment!r} (negative, neutral, positive, "
                             "unsupported: not scored)")
        clauses.append(_SENTIMENT_SQL[f.sentiment])
    if f.statuses:
        _check_statuses(f.statuses)
        clauses.append(f"m.status IN ({','.join('?' * len(f.statuses))})")
        args += list(f.statuses)
    if f.feed_kinds:
        clauses.append(f"m.feed_kind IN ({','.join('?' * len(f.feed_kinds))})")
        args += list(f.feed_kinds)
    if f.topic:
        # the trigger-kept mention_facets (m012), not a LIKE over the comma list of every row: a
        # key look-up per mention the other filters keep (a page walking an entity's newest
        # mentions stops at 200; an IN list of every mention with the topic did not)
        clauses.append(_FACET_EXISTS if db.dialect(conn) != "postgresql" else _PG_FACET_PROBE)
        args.append(f"topic:{f.topic}")
    if f.since is not None:
        clauses.append("m.published >= ?")
        args.append(f.since)
    if f.until is not None:
        clauses.append("m.published < ?")
        args.append(f.until)
    if f.lang:
        clauses.append("m.item_id IN (SELECT id FROM items WHERE lang = ?)")
        args.append(f.lang)
    if f.feed_id is not None:
        # (alone, a feed's newest page walks mention_facets: _walked_facet; its count reads
        # mention_facet_counts)
        if db.dialect(conn) == "postgresql":
            # with other filters: the feed's item ids first, then their mentions by index (as
            # pg-perf measured; the facet look-up per mention was 37-43 ms p50 against 22-37)
            clauses.append("m.item_id = ANY(ARRAY(SELECT id FROM items WHERE feed_id = ?))")
            args.append(f.feed_id)
        else:  # SQLite: the feed's facet row (m012) per mention, not the feed's items as an IN list
            clauses.append(_FACET_EXISTS)
            args.append(f"feed:{f.feed_id}")
    if f.needs_review:
        # machine scores with low confidence (or engines disagreeing) that no person has confirmed
        clauses.append(UNSURE_SQL)
    if not f.include_muted and _any_muted(conn):
        clauses.append("m.muted = 0")
    if _cjk_search(f):  # the items whose text holds the CJK words (the index cannot say)
        hits = cjk_hits(conn, f.search)[0]
        if not hits:
            clauses.append("1 = 0")
        else:
            sql, more = ids_clause(conn, hits, "m.item_id")
            clauses.append(sql)
            args += more
    elif f.search.strip():
        clauses.append(f"m.item_id IN ({search_sql(conn)})")
        args.append(search_arg(conn, f.search))
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


def _order(f: MentionFilter, reverse: bool = False) -> str:
    d = "ASC" if reverse else "DESC"
    if f.order == "priority":
        return f" ORDER BY m.priority {d}, m.published {d}, m.id {d}"
    if f.order == "published":
        return f" ORDER BY m.published {d}, m.id {d}"
    raise UsageError(f"unknown order {f.order!r} (published, priority)")


def _mention(r: tuple) -> Mention:
    return Mention(
        id=r[0], item_id=r[1], entity_id=r[2], entity=r[3], title=r[4], url=r[5], source=r[6],
        feed_kind=r[7], published=r[8], snippet=r[9], sentiment=r[10],
        label="unsupported" if r[18] == "unsupported_language" and not r[13] else label_for(r[10]),
        status=r[11], priority=r[12], overridden=bool(r[13]), rating=r[14],
        topics=tuple(t for t in (r[15] or "").split(",") if t), cluster_id=r[16], lang=r[17] or "",
        score_source=r[18] or "", version=r[19], assignee=r[20] or "",
        tags=tuple(t for t in (r[21] or "").split(",") if t), confidence=r[22],
    )


SELECTIVE_SEARCH = 20_000  # below this many matching items, search drives the query


def _search_hits(conn: sqlite3.Connection, f: MentionFilter) -> int | None:
    """How many items match the search (None without a search), capped at SELECTIVE_SEARCH."""
    if not f.search.strip() or _cjk_search(f):  # (a CJK search's hits are an id list in _where)
        return None
    if db.dialect(conn) == "postgresql":
        # the GIN bitmap scan (with its phrase recheck per hit) is the plan either way; counting
        # the hits first would run it twice. The search drives the query, the planner the rest.
        return 0
    return conn.execute(
        f"SELECT count(*) FROM ({search_sql(conn)} LIMIT ?) h",
        (search_arg(conn, f.search), SELECTIVE_SEARCH + 1)).fetchone()[0]


def _walked_facet(f: MentionFilter) -> tuple[str, dict] | None:
    """(facet, the filter fields it replaces) when a page in published order is best read from
    ``mention_facets`` (a topic or a feed, no entity or search to drive it instead); else None."""
    if f.order != "published" or f.entity_ids or f.search.strip() or f.mention_ids is not None:
        return None
    if f.feed_id is not None:
        return f"feed:{f.feed_id}", {"feed_id": None}
    if f.topic:
        return f"topic:{f.topic}", {"topic": ""}
    return None


def _page_ids(conn: sqlite3.Connection, f: MentionFilter, limit: int, offset: int, reverse: bool) -> list[int]:
    """The ids of one page, from the mentions table and its indexes only (no joins for the
    rows that OFFSET skips)."""
    if limit < 0:  # SQLite reads a negative LIMIT as "no limit" and a negative OFFSET as 0;
        limit = 1 << 62  # PostgreSQL refuses both
    offset = max(0, offset)
    if f.mention_ids is not None and not f.mention_ids:
        return []
    if f.search.strip() and f.order == "published" and db.dialect(conn) == "postgresql" and not _cjk_search(f):
        ids = _pg_search_page_ids(conn, f, limit, offset, reverse)
        if ids is not None:
            return ids
    hits = _search_hits(conn, f)
    if hits is not None and hits <= SELECTIVE_SEARCH:
        # a selective search: start from the FTS hits, then sort the few mentions they have
        where, args = _where(_without_search(f), conn)
        where = (where + " AND" if where else " WHERE") + " m.item_id = h.rowid"
        sql = (f"SELECT m.id FROM ({search_sql(conn)}) h "
               f"CROSS JOIN mentions m{where}{_order(f, reverse)} LIMIT ? OFFSET ?")
        return [r[0] for r in conn.execute(sql, (search_arg(conn, f.search), *args, limit, offset))]
    facet = _walked_facet(f)
    if facet is not None:
        # newest with a topic or of a feed: walk mention_facets' (facet, published, mention_id)
        # key from the requested end, probing each mention for the other filters (CROSS JOIN:
        # SQLite keeps that order; PostgreSQL plans it as an ordinary join)
        where, args = _where(dataclasses.replace(f, **facet[1]), conn)
        where = (where + " AND" if where else " WHERE") + " m.id = t.mention_id AND t.facet = ?"
        d = "ASC" if reverse else "DESC"
        sql = (f"SELECT m.id FROM mention_facets t CROSS JOIN mentions m{where} "
               f"ORDER BY t.published {d}, t.mention_id {d} LIMIT ? OFFSET ?")
        return [r[0] for r in conn.execute(sql, (*args, facet[0], limit, offset))]
    where, args = _where(f, conn, page=True)
    sql = f"SELECT m.id FROM mentions m{where}{_order(f, reverse)} LIMIT ? OFFSET ?"
    return [r[0] for r in conn.execute(sql, (*args, limit, offset))]


PG_COMMON_SEARCH = 5_000  # items the planner expects above which it walks the newest mentions itself
PG_SEARCH_MIN_SHARE = 0.1  # an entity filter keeping less of the mentions: the planner's plan too


def _pg_expected_hits(conn, loose: str) -> float:
    """How many items the planner expects the (loose) search to match: its statistics know the
    common words (``most_common_elems``); a rare word gets the planner's floor estimate."""
    plan = conn.execute("EXPLAIN (FORMAT JSON) SELECT 1 FROM items WHERE fts @@ to_tsquery('orm_fts', ?)",
                        (loose,)).fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return float(plan[0]["Plan"]["Plan Rows"])


def _pg_search_page_ids(conn, f: MentionFilter, limit: int, offset: int, reverse: bool) -> list[int] | None:
    """A page of a selective search in published order on PostgreSQL, or None for a common one
    (the planner's own plan, walking the newest mentions, is better there).

    The GIN index gives the items of the loose query (a phrase as all of its words: no
    recheck of each hit's ``tsvector``) with their ``published``, newest first (a mention's
    ``published`` is its item's: copied at insert, never updated). Only the newest of them are
    then rechecked against the exact query and joined to their mentions (filters applied), in
    growing batches until the page is complete: a few hundred rechecks and probes instead of one
    per hit."""
    if f.entity_ids:
        # entities with few of the mentions leave most candidates without a row: every candidate
        # gets probed either way, and the planner's one statement does that with less overhead
        part, total = conn.execute(
            f"SELECT COALESCE(sum(n) FILTER (WHERE entity_id IN ({','.join('?' * len(f.entity_ids))})), 0), "
            "COALESCE(sum(n), 0) FROM mention_counts", list(f.entity_ids)).fetchone()
        if part < PG_SEARCH_MIN_SHARE * total:
            return None
    exact, loose = ts_query(f.search), ts_query(f.search, loose=True)
    if _pg_expected_hits(conn, loose) > PG_COMMON_SEARCH:
        return None
    d = "ASC" if reverse else "DESC"
    cands = [(r[0], r[1]) for r in conn.execute(
        f"SELECT id, published FROM items WHERE fts @@ to_tsquery('orm_fts', ?) ORDER BY published {d}, id {d}",
        (loose,))]
    where, args = _where(_without_search(f), conn)
    where = where.replace(" WHERE ", " AND ", 1)
    # the exact recheck as a subquery of the mention (not of h): read only for the items whose
    # mentions pass the filters
    sql = (f"SELECT m.id, m.published FROM unnest(?::bigint[]) h(id) JOIN mentions m ON m.item_id = h.id{where} "
           "AND (SELECT fts FROM items i WHERE i.id = m.item_id) @@ to_tsquery('orm_fts', ?)")
    need = offset + limit
    rows: list[tuple[int, int]] = []
    done, batch = 0, need + 56
    while done < len(cands):
        chunk = cands[done:done + batch]
        rows += [(r[0], r[1]) for r in conn.execute(sql, ([c[0] for c in chunk], *args, exact))]
        done += len(chunk)
        # the next batch from the yield so far (rows per candidate: filters and the exact
        # phrase keep some), with a margin; at least doubling, and all the rest rather than most
        per = len(rows) / done
        batch = max(batch * 2, int((need - len(rows)) / per * 2) if per else len(cands))
        if batch > (len(cands) - done) // 2:
            batch = len(cands) - done
        if len(rows) >= need and done < len(cands):
            rows.sort(key=lambda r: (r[1], r[0]), reverse=not reverse)
            edge = rows[need - 1][1]  # the page's last row; unread candidates are at or beyond cands[done]
            if (edge > cands[done][1]) if not reverse else (edge < cands[done][1]):
                break
    rows.sort(key=lambda r: (r[1], r[0]), reverse=not reverse)
    return [r[0] for r in rows[offset:need]]


def query(conn: sqlite3.Connection, f: MentionFilter = MentionFilter(), *, limit: int = 200,
          offset: int = 0, reverse: bool = False) -> list[Mention]:
    """Mentions in the filter's order; ``reverse`` reads from the other end (the GUI's deep
    pages near the bottom are cheap that way: OFFSET counts from the nearer end)."""
    ids = _page_ids(conn, f, limit, offset, reverse)
    if not ids:
        return []
    rows = {r[0]: r for r in conn.execute(f"{_SELECT} WHERE m.id IN ({','.join('?' * len(ids))})", ids)}
    return [_mention(rows[i]) for i in ids if i in rows]


_DAILY_COLUMN = {"negative": "negative", "neutral": "neutral", "positive": "positive", "unsupported": "unscored"}


def _count_from_daily(conn: sqlite3.Connection, f: MentionFilter) -> int | None:
    """The count from the trigger-kept ``mention_daily`` rollup when the filter is only entities,
    a label (the rollup's neutral leaves out unsupported languages as the inbox's does, and counts
    them as ``unscored``: m017) and whole UTC days; else None."""
    if f.sentiment not in _DAILY_COLUMN or f.statuses or f.feed_kinds or f.topic \
            or f.feed_id is not None or f.search.strip() or f.lang or f.needs_review or f.mention_ids is not None:
        return None
    if any(t is not None and t % 86400 for t in (f.since, f.until)):
        return None
    if not f.include_muted and _any_muted(conn):
        return None
    clauses, args = [], []
    if f.entity_ids:
        clauses.append(f"entity_id IN ({','.join('?' * len(f.entity_ids))})")
        args += list(f.entity_ids)
    if f.since is not None:
        clauses.append("day >= ?")
        args.append(f.since // 86400)
    if f.until is not None:
        clauses.append("day < ?")
        args.append(f.until // 86400)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    column = _DAILY_COLUMN[f.sentiment]
    return conn.execute(f"SELECT COALESCE(sum({column}), 0) FROM mention_daily{where}", args).fetchone()[0]


def _entity_status(f: MentionFilter) -> tuple[list[str], list]:
    """WHERE clauses and arguments of the filter's entities and statuses, for the trigger-kept
    count tables (mention_counts, mention_facet_counts), whose columns share those names."""
    clauses: list[str] = []
    args: list = []
    if f.entity_ids:
        clauses.append(f"entity_id IN ({','.join('?' * len(f.entity_ids))})")
        args += list(f.entity_ids)
    if f.statuses:
        _check_statuses(f.statuses)
        clauses.append(f"status IN ({','.join('?' * len(f.statuses))})")
        args += list(f.statuses)
    return clauses, args


def _count_from_facets(conn: sqlite3.Connection, f: MentionFilter) -> int | None:
    """The count from the trigger-kept ``mention_facet_counts`` (m012) when the filter is feed
    kinds, one topic or one feed (one of the three), with entities and statuses at most; else None."""
    if bool(f.feed_kinds) + bool(f.topic) + (f.feed_id is not None) != 1 or f.sentiment or f.since is not None \
            or f.until is not None or f.search.strip() or f.lang or f.needs_review or f.mention_ids is not None:
        return None
    if not f.include_muted and _any_muted(conn):
        return None
    facets = ([f"topic:{f.topic}"] if f.topic else [f"feed:{f.feed_id}"] if f.feed_id is not None
              else [f"kind:{k}" for k in dict.fromkeys(f.feed_kinds)])
    clauses, args = _entity_status(f)
    clauses.insert(0, f"facet IN ({','.join('?' * len(facets))})")
    args[:0] = facets
    return conn.execute(f"SELECT COALESCE(sum(n), 0) FROM mention_facet_counts WHERE {' AND '.join(clauses)}",
                        args).fetchone()[0]


def count(conn: sqlite3.Connection, f: MentionFilter = MentionFilter()) -> int:
    if f.mention_ids is not None and not f.mention_ids:
        return 0
    simple = not (f.sentiment or f.feed_kinds or f.topic or f.since is not None or f.until is not None
                  or f.feed_id is not None or f.search.strip() or f.lang or f.needs_review
                  or f.mention_ids is not None)
    if simple and (f.include_muted or not _any_muted(conn)):
        # only entity and status: the trigger-kept counts answer without a scan
        clauses, args = _entity_status(f)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        return conn.execute(f"SELECT COALESCE(sum(n), 0) FROM mention_counts{where}", args).fetchone()[0]
    facets = _count_from_facets(conn, f)
    if facets is not None:
        return facets
    daily = _count_from_daily(conn, f)
    if daily is not None:
        return daily
    hits = _search_hits(conn, f)
    if hits is not None and hits <= SELECTIVE_SEARCH:
        where, args = _where(_without_search(f), conn)
        where = (where + " AND" if where else " WHERE") + " m.item_id = h.rowid"
        return conn.execute(f"SELECT count(*) FROM ({search_sql(conn)}) h "
                            f"CROSS JOIN mentions m{where}", (search_arg(conn, f.search), *args)).fetchone()[0]
    where, args = _where(f, conn)
    return conn.execute(f"SELECT count(*) FROM mentions m{where}", args).fetchone()[0]


def count_muted(conn: sqlite3.Connection, f: MentionFilter = MentionFilter()) -> int:
    """How many muted mentions the filter would select besides those ``count`` counts: what the
    inbox does not list (a rule's "mute (hide from the inbox)") and the pages' figures count.
    Instant when nothing is muted (the partial index)."""
    if f.include_muted or not _any_muted(conn) or (f.mention_ids is not None and not f.mention_ids):
        return 0
    where, args = _where(dataclasses.replace(f, include_muted=True), conn)
    where = (where + " AND" if where else " WHERE") + " m.muted = 1"
    return conn.execute(f"SELECT count(*) FROM mentions m{where}", args).fetchone()[0]


def get(conn: sqlite3.Connection, mention_id: int) -> Mention | None:
    r = conn.execute(f"{_SELECT} WHERE m.id = ?", (mention_id,)).fetchone()
    return _mention(r) if r else None


def detail(conn: sqlite3.Connection, mention_id: int) -> MentionDetail | None:
    m = get(conn, mention_id)
    if m is None:
        return None
    r = conn.execute(
        "SELECT i.html, i.text, i.author, mm.evidence, mm.machine_sentiment, mm.engine, "
        "mm.score_source, mm.override_by, mm.override_at, mm.stage, mm.due_at, i.published = i.first_seen "
        "FROM mentions mm JOIN items i ON i.id = mm.item_id WHERE mm.id = ?", (mention_id,)
    ).fetchone()
    cluster = ()
    if m.cluster_id is not None:
        cluster = tuple(conn.execute(
            "SELECT i.id, i.title, COALESCE(f.title, ''), i.url FROM items i "
            "LEFT JOIN feeds f ON f.id = i.feed_id WHERE i.cluster_id = ? AND i.id != ? "
            "ORDER BY i.published LIMIT 50", (m.cluster_id, m.item_id)).fetchall())
    return MentionDetail(
        mention=m, html=r[0], text=r[1], author=r[2],
        evidence=tuple((s, float(v)) for s, v in json.loads(r[3] or "[]")),
        machine_sentiment=r[4], engine=r[5], score_source=r[6], override_by=r[7],
        override_at=r[8], stage=r[9], due_at=r[10], cluster=cluster, undated=bool(r[11]),
    )


def _ids(ids: Iterable[int]) -> list[int]:
    out = [int(i) for i in ids]
    if not out:
        raise UsageError("no mentions selected")
    return out


def set_status(conn: sqlite3.Connection, ids: Iterable[int], status: str, *, by: str, now: int,
               expected: Mapping[int, int] | None = None) -> int:
    """Set the triage status. With ``expected`` ({mention id: version as read}) a row someone
    else saved since raises Conflict and nothing is written (the caller's transaction rolls back)."""
    if status not in STATUSES:
        raise UsageError(f"unknown status {status!r} (choose from {', '.join(STATUSES)})")
    return _versioned_update(conn, _ids(ids), "status = ?, status_at = ?, status_by = ?", (status, now, by),
                             by=by, expected=expected)


def triage_states(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, dict]:
    """{mention id: its triage as stored now} ({"status", "status_at", "assignee", "tags",
    "priority", "muted"}): the data of a ``mention.triage`` audit entry (a team workspace's
    database checks the entry against the row; entries written before status_at was added have
    no "status_at")."""
    return {r[0]: {"status": r[1], "status_at": None if r[2] is None else int(r[2]), "assignee": r[3],
                   "tags": r[4], "priority": float(r[5]), "muted": int(r[6])}
            for r in _rows_of(conn, "status, status_at, assignee, tags, priority, muted", ids)}


def _rows_of(conn: sqlite3.Connection, columns: str, ids: Iterable[int]) -> Iterator[tuple]:
    """``(id, *columns)`` of the mentions ``ids`` that exist, 500 ids a query (SQLite's limit on
    a statement's variables)."""
    ids = [int(i) for i in ids]
    for k in range(0, len(ids), 500):
        chunk = ids[k:k + 500]
        yield from conn.execute(f"SELECT id, {columns} FROM mentions WHERE id IN ({','.join('?' * len(chunk))})",
                                chunk)


def _versioned_update(conn: sqlite3.Connection, ids: list[int], sets: str, args: tuple, *, by: str,
                      expected: Mapping[int, int] | None) -> int:
    sql = f"UPDATE mentions SET {sets}, version = version + 1, changed_by = ? WHERE id = ?"
    if expected is None:
        return conn.executemany(sql, [(*args, by, i) for i in ids]).rowcount
    n = 0
    for i in ids:
        if i not in expected:
            raise UsageError(f"no version given for mention {i}")
        cur = conn.execute(sql + " AND version = ?", (*args, by, i, expected[i]))
        if cur.rowcount != 1:
            raise conflict(conn, i, expected[i])
        n += 1
    return n


def conflict(conn: sqlite3.Connection, mention_id: int, expected: int) -> KnownError:
    """The error for a versioned write that missed: Conflict with who saved last, or
    UsageError when the mention is gone."""
    r = conn.execute("SELECT version, changed_by, status_by FROM mentions WHERE id = ?", (mention_id,)).fetchone()
    if r is None:
        return UsageError(f"no mention with id {mention_id} (deleted meanwhile)")
    return Conflict("mention", mention_id, who=r[1] or r[2], expected=expected, current=r[0])


def versions(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, int]:
    """{mention id: current version} for the ids that exist."""
    return {r[0]: r[1] for r in _rows_of(conn, "version", ids)}


def triage(conn: sqlite3.Connection, mention_id: int, *, by: str, now: int, expected_version: int | None,
           assignee: str | None = None, tags: Iterable[str] | None = None) -> None:
    """Assign and/or tag one mention (versioned like set_status)."""
    sets, args = [], []
    if assignee is not None:
        sets.append("assignee = ?")
        args.append(assignee.strip())
    if tags is not None:
        clean = [t.strip() for t in tags if t.strip()]
        if any("," in t for t in clean):
            raise UsageError("a tag cannot contain a comma")
        sets.append("tags = ?")
        args.append(",".join(dict.fromkeys(clean)))
    if not sets:
        raise UsageError("nothing to change: give an assignee or tags")
    expected = None if expected_version is None else {mention_id: expected_version}
    if _versioned_update(conn, [mention_id], ", ".join(sets), tuple(args), by=by, expected=expected) != 1:
        raise UsageError(f"no mention with id {mention_id}")


def overrides_for_learning(conn: sqlite3.Connection, limit: int = 5000) -> list[tuple[str, float, float]]:
    """(text about the entity, machine score, human score) of this workspace's overrides, newest
    first: what the workspace's sentiment learns from (analysis.sentiment.OverrideLexicon)."""
    out = []
    for evidence, machine, override in conn.execute(
            "SELECT evidence, machine_sentiment, override FROM mentions WHERE override IS NOT NULL "
            "ORDER BY override_at DESC LIMIT ?", (limit,)):
        try:
            chunks = [c[0] for c in json.loads(evidence or "[]")]
        except (ValueError, TypeError, IndexError):
            continue
        if chunks:
            out.append((" ".join(chunks), float(machine), float(override)))
    return out


def set_override(conn: sqlite3.Connection, ids: Iterable[int], score: float | None, *, by: str,
                 now: int, expected: Mapping[int, int] | None = None) -> int:
    """A human sentiment override (None clears it). It wins everywhere and survives rescoring.
    ``expected``: as in set_status."""
    ids = _ids(ids)
    if score is None:
        return _versioned_update(conn, ids, "override = NULL, override_by = NULL, override_at = NULL, "
                                 "sentiment = machine_sentiment", (), by=by, expected=expected)
    if not -1.0 <= score <= 1.0:
        raise UsageError(f"sentiment override must be within [-1, 1], got {score}")
    return _versioned_update(conn, ids, "override = ?, override_by = ?, override_at = ?, sentiment = ?",
                             (score, by, now, score), by=by, expected=expected)


def update_machine_scores(conn: sqlite3.Connection, rows: list[tuple]) -> None:
    """Rescoring: (score, engine, evidence JSON, source, mention id, confidence); overrides stay
    in force."""
    rows = [r if len(r) == 6 else (*r, None) for r in rows]  # callers without a confidence
    conn.executemany(
        "UPDATE mentions SET machine_sentiment = ?1, engine = ?2, evidence = ?3, score_source = ?4, "
        "confidence = ?6, "
        "sentiment = CASE WHEN override IS NULL THEN ?1 ELSE override END WHERE id = ?5",
        rows,
    )


def count_for_entities(conn: sqlite3.Connection, entity_ids: Sequence[int] | None = None, *,
                       max_id: int | None = None, min_id: int | None = None) -> int:
    """Mentions of the entities (all with None or empty), optionally with id <= max_id or > min_id."""
    clauses, args = [], list(entity_ids or ())
    if entity_ids:
        clauses.append(f"entity_id IN ({','.join('?' * len(entity_ids))})")
    if max_id is not None:
        clauses.append("id <= ?")
        args.append(max_id)
    if min_id is not None:
        clauses.append("id > ?")
        args.append(min_id)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    return conn.execute(f"SELECT count(*) FROM mentions{where}", args).fetchone()[0]


def texts_after(conn: sqlite3.Connection, entity_ids: Sequence[int] | None, after_id: int, limit: int) -> list[tuple]:
    """(mention id, entity id, title, text, rating, lang) of the next ``limit`` mentions by id
    after ``after_id`` (of the entities, or all): the batches a rescore walks."""
    args = list(entity_ids or ())
    where = f" WHERE m.entity_id IN ({','.join('?' * len(args))}) AND" if args else " WHERE"
    return [tuple(r) for r in conn.execute(
        "SELECT m.id, m.entity_id, i.title, i.text, i.rating, i.lang FROM mentions m JOIN items i ON i.id = m.item_id"
        f"{where} m.id > ? ORDER BY m.id LIMIT ?", (*args, after_id, limit))]


def ids_for_items(conn: sqlite3.Connection, item_ids: Sequence[int]) -> list[int]:
    """Ids of the mentions of these items."""
    if not item_ids:
        return []
    return [r[0] for r in conn.execute(
        f"SELECT id FROM mentions WHERE item_id IN ({','.join('?' * len(item_ids))})", list(item_ids))]


def count_new(conn: sqlite3.Connection, ids: Sequence[int]) -> int:
    """How many of these mentions are still new (unread) and not muted: what the inbox shows of
    them under the 'new' status (it never lists muted mentions)."""
    if not ids:
        return 0
    sql, args = ids_clause(conn, list(ids), "id")  # a list: no temp table for a one-off count
    return conn.execute(f"SELECT count(*) FROM mentions WHERE status = 'new' AND muted = 0 AND {sql}",
                        args).fetchone()[0]


def overrides_by_url(conn: sqlite3.Connection) -> list[tuple[str, str, float, str, int]]:
    """(article canonical URL, entity name, override, by, at) of every human override, by mention id."""
    return [tuple(r) for r in conn.execute(
        "SELECT i.canonical_url, e.name, m.override, m.override_by, m.override_at FROM mentions m "
        "JOIN items i ON i.id = m.item_id JOIN entities e ON e.id = m.entity_id WHERE m.override IS NOT NULL "
        "ORDER BY m.id")]


def set_override_by_url(conn: sqlite3.Connection, url: str, entity_name: str, score: float, by: str,
                        at: int) -> list[int]:
    """Set the override of the mention of the article with this canonical URL and this entity;
    returns the ids changed (none when the article is not stored yet)."""
    cur = conn.execute(
        "UPDATE mentions SET override = ?, sentiment = ?, override_by = ?, override_at = ? "
        "WHERE item_id = (SELECT id FROM items WHERE canonical_url = ?) "
        "AND entity_id = (SELECT id FROM entities WHERE name = ? COLLATE NOCASE) RETURNING id",
        (score, score, by, at, url, entity_name))
    return [r[0] for r in cur.fetchall()]
