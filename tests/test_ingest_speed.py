"""Issue 18 (speed): what the refresh does faster must give the same answers as before."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orm_desktop.analysis import language, topics
from orm_desktop.analysis.sentiment import get_engine
from orm_desktop.ingest.pipeline import Enricher

NOW = 1_795_000_000

TEXTS = [
    "Acme Corp reported strong results and praised its team, the report said.",
    "Le service client de la marque a été critiqué pour une panne d'une semaine.",
    "Die Bahn hat die Preise erhöht, sagten Pendler am Montag.",
    "El regulador multó a la empresa por retrasos en las entregas.",
    "これは日本語の文章で、製品の品質について書かれています。",
    "Компания объявила о партнёрстве с региональным перевозчиком.",
    "short",
    "",
]


@pytest.fixture
def fresh_language_model(monkeypatch, tmp_path):
    monkeypatch.setenv("ORM_DESKTOP_CACHE", str(tmp_path / "cache"))
    language._identifier.cache_clear()
    yield tmp_path / "cache" / "langid"
    language._identifier.cache_clear()


def _reference():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ref = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ref.set_languages(list(language.LANGUAGES))  # the product's restriction (82 languages)
    return ref


def test_the_language_model_is_unpacked_once_and_answers_as_the_shipped_file(fresh_language_model):
    ref = _reference()
    first = language._identifier()
    unpacked = list(fresh_language_model.glob("*/*.npy"))
    # every array of the model as plain .npy files, and the table restricted to LANGUAGES
    assert len(unpacked) == 7 and len([p for p in unpacked if p.name.startswith("ptc-")]) == 1
    language._identifier.cache_clear()
    again = language._identifier()  # this time from the unpacked files
    for text in TEXTS:
        assert first.classify(text) == ref.classify(text) == again.classify(text), text
    assert language.detect(TEXTS[0]) == "en" and language.detect(TEXTS[2]) == "de"


def test_one_text_and_a_batch_use_the_same_loaded_model(fresh_language_model):
    # a refresh worker detects a feed's entries in a batch (detect_many) after _preload detected
    # one text: the two once held the model twice (functools.cache keyed _identifier(True) apart
    # from _identifier()), each worker loading it again at its first feed
    assert language.detect_with_probability(TEXTS[2])[0] == "de"
    assert language.detect_many([TEXTS[2], TEXTS[2]]) == ["de", "de"]
    info = language._identifier.cache_info()
    assert (info.currsize, info.misses) == (1, 1)


def test_the_restricted_table_is_mapped_from_the_cache_and_equals_set_languages(fresh_language_model):
    import numpy as np

    ref = _reference()
    language._identifier()  # unpacks, and writes the restricted table
    language._identifier.cache_clear()
    ident = language._identifier()
    assert isinstance(ident.nb_ptc.base, np.memmap)  # mapped (shared by processes), not a copy
    assert ident.nb_ptc.flags["C_CONTIGUOUS"]
    assert ident.nb_classes == ref.nb_classes and ident._alias_pairs == ref._alias_pairs
    assert np.array_equal(ident.nb_pc, ref.nb_pc) and np.array_equal(ident.nb_ptc, ref.nb_ptc)
    for text in TEXTS:
        assert ident.classify(text) == ref.classify(text), text


def test_a_damaged_restricted_table_falls_back_to_restricting_in_memory(fresh_language_model):
    ref = _reference()
    language._identifier()
    (table,) = fresh_language_model.glob("*/ptc-*.npy")
    table.write_bytes(table.read_bytes()[:1000])  # truncated
    language._identifier.cache_clear()
    ident = language._identifier()
    assert ident.nb_ptc.base is None or not hasattr(ident.nb_ptc.base, "filename")
    for text in TEXTS:
        assert ident.classify(text) == ref.classify(text), text


def test_an_unwritable_cache_falls_back_to_the_shipped_model(monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache directory would go")
    monkeypatch.setenv("ORM_DESKTOP_CACHE", str(blocker))
    language._identifier.cache_clear()
    try:
        assert language.detect(TEXTS[1]) == "fr"
        assert not any(tmp_path.glob("**/*.npy"))
    finally:
        language._identifier.cache_clear()


def test_the_windowed_walk_is_used_and_its_depth_is_kept_with_the_unpacked_model(fresh_language_model):
    ident = language._identifier()
    assert type(ident).__name__ == "WindowedIdentifier" and ident._walk is not None
    (depth,) = fresh_language_model.glob("*/automaton-depth.txt")
    assert depth.read_text() == "6"  # the shipped model's longest state string
    depth.write_text("garbage")  # a damaged file: computed again
    language._identifier.cache_clear()
    assert language._identifier()._walk is not None and depth.read_text() == "6"
    for text in TEXTS:
        assert language._identifier().classify(text) == _reference().classify(text), text


_REFERENCE = None


def _py3langid_counts(ident, data: bytes):
    from py3langid.langid import visit_counts

    return visit_counts(ident.tk_nextmove, ident._rowbase, ident.tk_output, data)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.binary(max_size=60), st.text(max_size=80).map(lambda t: t.encode("utf-8", "surrogatepass")),
                 st.lists(st.sampled_from(["the ", "und ", "été ", "日本", "Компания ", "ααα", "\n", "  ", "x", "'s"]),
                          max_size=20).map(lambda p: "".join(p).encode())))
def test_the_windowed_walk_counts_the_features_py3langid_counts_in_its_order(data):
    ident = language._identifier()
    expected = _py3langid_counts(ident, data)
    got = ident._walk(data)
    assert (got is None) == (expected is None)
    if got is not None:
        assert list(got.items()) == list(expected.items())  # same counts, same first-seen order


def _state_strings(ident) -> list[bytes]:
    """Each automaton state's shortest input from the start state (breadth-first, by level)."""
    import numpy as np

    kinds = {2: np.uint16, 4: np.uint32, 8: np.uint64}
    table = np.frombuffer(ident.tk_nextmove, dtype=kinds[ident.tk_nextmove.itemsize]).reshape(-1, 256)
    row = np.frombuffer(ident.tk_row, dtype=kinds[ident.tk_row.itemsize])
    strings: dict[int, bytes] = {0: b""}
    seen = np.zeros(len(row), dtype=bool)
    seen[0] = True
    frontier = np.array([0])
    while len(frontier):
        targets = table[row[frontier]].ravel()
        fresh = ~seen[targets]
        states, first = np.unique(targets[fresh], return_index=True)
        where = np.flatnonzero(fresh)[first]  # (frontier position, byte) of each new state's first edge
        for t, w in zip(states.tolist(), where.tolist(), strict=True):
            strings[t] = strings[int(frontier[w // 256])] + bytes([w % 256])
        seen[states] = True
        frontier = states
    return list(strings.values())


def test_the_windowed_walk_reaches_the_deepest_states_as_py3langid_does():
    import random

    ident = language._identifier()
    strings = _state_strings(ident)
    assert len(strings) == len(ident.tk_row)  # every state reachable
    longest = max(map(len, strings))
    deepest = [w for w in strings if len(w) == longest]
    rng = random.Random(18)
    sample = deepest + rng.sample(strings, 3000)
    for i in range(0, len(sample), 3):
        data = b"".join(bytes(rng.choices(b"ab e.\xc3\xa9", k=rng.randrange(3))) + w for w in sample[i:i + 3])
        assert list(ident._walk(data).items()) == list(_py3langid_counts(ident, data).items()), data


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_detection_with_the_windowed_walk_equals_py3langid(text):
    global _REFERENCE
    if _REFERENCE is None:
        _REFERENCE = _reference()
    assert language._identifier().classify(text) == _REFERENCE.classify(text)


def test_the_refresh_engine_scores_each_distinct_text_once_with_the_same_answer(empty_service):
    enricher = Enricher.for_workspace(empty_service.conn, NOW)
    base = get_engine("orm")
    text = "Support was quick and friendly, but the refund took a month."
    assert enricher.engine.analyse(text, "") == base.analyse(text, "")
    assert enricher.engine.analyse(text, "") == base.analyse(text, "")
    assert len(enricher.engine._cache) == 1  # the second call was answered from memory
    # targeted scoring reads analyse_parts when the engine has it: the wrapper must offer it
    # too, or a refresh scores entities differently from a rescore of the same text
    assert enricher.engine.analyse_parts(text) == base.analyse_parts(text)
    assert enricher.engine.analyse(text, "fr") == base.analyse(text, "fr")
    assert len(enricher.engine._cache) == 2  # the language is part of the key
    assert enricher.engine.name == "orm" and enricher.engine.languages == base.languages


def _one_regex_per_topic(text: str, taxonomy_json: str) -> list[str]:
    """The classification as it was first written: each topic's own pattern searched in turn."""
    tax = json.loads(taxonomy_json)["topics"]
    return [tid for tid, t in tax.items() if t.get("keywords") and topics._pattern(t["keywords"]).search(text)]


@pytest.mark.parametrize("text", TEXTS + [
    "The recall of the battery packs and poor customer service; prices rose.",
    "xquality is not a word, but Quality is; so is KQuality and the Kelvin sign in \u212aelvin",
    "Refunds, REFUNDED, refund* and build   quality over two spaces",
    "outage—outages… downtime? lawsuit!",
])
def test_topics_in_one_pass_are_those_of_one_regex_per_topic(text):
    taxonomy = topics.taxonomy_text()
    assert topics.classify(text) == _one_regex_per_topic(text, taxonomy)


_TRICKY_TAXONOMY = json.dumps({"topics": {
    "a": {"keywords": ["supply chain", "sale*", "\u017fafety", "ceo", "next-generation", "İstanbul"]},
    "b": {"keywords": ["chain recall", "safe*", "Sales", "ce", "\u03c3igma", "kelvin"]},
    "c": {"keywords": ["recall*", "\u03c2igma end", "ne", "SAFETY", "c++ code"]},
    "empty": {"keywords": []},
    "d": {"keywords": ["  ", "i", "ı", "\u212aelvin"]},
}})
_TRICKY_WORDS = ["supply", "chain", "recall", "recalls", "sale", "sales", "Safety", "\u017fafety", "SAFE", "ceo",
                 "CE", "next-generation", "next", "generation", "İstanbul", "istanbul", "ISTANBUL", "Σigma", "ςigma",
                 "σigma", "END", "end", "ne", "c++", "code", "I", "ı", "İ", "\u212aelvin", "kelvin", "KELVIN"]


def _flat(text: str, taxonomy_json: str) -> list[str]:
    """The taxonomy as one alternation of the topics in order (before the first-character groups)."""
    pattern, ids = topics._compiled_flat(taxonomy_json)
    return [ids[i] for i in sorted({int(m.lastgroup[1:]) for m in pattern.finditer(text)})]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_TRICKY_WORDS), st.text(max_size=4)), max_size=12),
       st.lists(st.sampled_from([" ", "  ", "\n", "-", "", ".", "_", "x"]), min_size=12, max_size=12))
def test_topics_grouped_by_first_character_match_as_one_alternation(words, seps):
    text = "".join(w + sep for w, sep in zip(words, seps, strict=False))
    for taxonomy in (_TRICKY_TAXONOMY, topics.taxonomy_text()):
        assert topics.classify(text, taxonomy) == _flat(text, taxonomy), text


_ASCII_WORDS = ["supply", "chain", "recall", "RECALLS", "sale", "Sales", "safety", "SAFE", "ceo", "CE", "next-generation",
                "Next", "istanbul", "ISTANBUL", "I", "i", "kelvin", "KELVIN", "Kelvin", "end", "ne", "c++", "code", "sigma",
                "quality", "Build", "refund", "Refunded", "vs", "VS.", "price", "cost", "launch", "Launched"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_ASCII_WORDS), st.text(st.characters(max_codepoint=127), max_size=4)),
                max_size=12),
       st.lists(st.sampled_from([" ", "  ", "\n", "-", "", ".", "_", "x", "\t"]), min_size=12, max_size=12))
def test_ascii_text_lower_cased_finds_the_topics_the_case_insensitive_regex_finds(words, seps):
    text = "".join(w + sep for w, sep in zip(words, seps, strict=False))
    assert text.isascii()
    for taxonomy in (_TRICKY_TAXONOMY, topics.taxonomy_text()):
        pattern, ids = topics._compiled(taxonomy)  # the case-insensitive regex, on the text itself
        expected = [ids[i] for i in sorted({int(m.lastgroup[1:].partition("_")[0]) for m in pattern.finditer(text)})]
        assert topics._compiled_ascii(taxonomy) is not None
        assert topics.classify(text, taxonomy) == expected == _flat(text, taxonomy), text
        assert topics.classify(text, taxonomy, folded=text.lower()) == expected


def test_every_code_point_folds_to_one_character_and_no_non_word_character_to_a_word_character():
    import re

    from orm_desktop import textfold

    word = re.compile(r"\w")
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    folded = [textfold.fold(c) for c in chars]
    assert all(len(f) == 1 for f in folded)
    assert [c for c, f in zip(chars, folded, strict=True) if not word.match(c) and word.match(f)] == []
    # the only word characters that fold to a non-word one: the iota family (to U+0345)
    assert {c for c, f in zip(chars, folded, strict=True) if word.match(c) and not word.match(f)} == {
        "\u0399", "\u03b9", "\u1fbe"}


def test_whatever_a_case_insensitive_character_matches_folds_as_it_does():
    """re compiles a cased pattern character p under IGNORECASE to: the text character's simple
    lower case equals p's, or is one of re's extra equivalents of it (re._compiler). Every such
    text character must fold as p folds; on ASCII text the converse holds too."""
    import _sre
    import re
    from collections import defaultdict
    from re._casefix import _EXTRA_CASES

    from orm_desktop import textfold

    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    by_lower = defaultdict(list)
    for c in chars:
        by_lower[_sre.unicode_tolower(ord(c))].append(c)
    for c in chars:
        if _sre.unicode_iscased(ord(c)):
            lo = _sre.unicode_tolower(ord(c))
            matched = by_lower[lo] + [x for f in _EXTRA_CASES.get(lo, ()) for x in by_lower[f]]
            assert {textfold.fold(x) for x in matched} == {textfold.fold(c)}, hex(ord(c))
    for p in [c for c in chars if textfold.fold(c).isascii()]:  # ASCII and İ ı ſ K
        pattern = re.compile(re.escape(p), re.IGNORECASE)
        for c in map(chr, range(128)):
            assert bool(pattern.fullmatch(c)) == (textfold.fold(c) == textfold.fold(p)), (p, c)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("aAiIıİsSſkKK\u03a3\u03c3\u03c2\u0345\u03b9 .\u00df\u1e9e"), max_size=12) | st.text())
def test_a_text_folds_as_its_characters_do(text):
    from orm_desktop import textfold

    assert textfold.fold(text) == "".join(textfold.fold(c) for c in text)


def test_a_bare_star_keyword_keeps_the_one_alternation():
    taxonomy = json.dumps({"topics": {"any": {"keywords": ["*"]}, "b": {"keywords": ["refund"]}}})
    assert topics._compiled(taxonomy) == topics._compiled_flat(taxonomy)
    assert topics.classify("a refund", taxonomy) == _flat("a refund", taxonomy)


def _spans_term_by_term(query, text: str) -> list[tuple[int, int]]:
    """Spans as the prefilter first found them: one alternative per term, each with its own
    word-boundary look-behind."""
    import re

    from orm_desktop.ingest.query import _term_regex

    alts = sorted({_term_regex(t.text) for t in query._terms}, key=len, reverse=True)
    merged: list[tuple[int, int]] = []
    for s, e in sorted(m.span() for m in re.finditer("|".join(alts), text, re.IGNORECASE)):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


@pytest.mark.parametrize("text", TEXTS + [
    "ACME's new plant; xAcme and Acme\u212a are not Acme, but acme  corp is",
    "Acme Corp and Acme Corporation, Acme-Corp, (Acme) Acme_Corp Acme",
    "Jane Doe, CEO of Acme, met J. Doe and jane   doe",
])
def test_entity_spans_with_one_look_behind_are_those_of_one_per_term(text):
    from orm_desktop.ingest.query import EntityQuery

    for q in (EntityQuery.parse('"Acme Corp" OR Acme -"Acme anvil"', ["ACME Inc", "Acme Corporation"]),
              EntityQuery.parse('"Jane Doe" AND (Acme OR CEO)', ["J. Doe"])):
        assert q.spans(text) == _spans_term_by_term(q, text)


TERMS = ["acme", "acme corp", "acme corporation", "acme-corp", "apex", "apex e-bike", "jane doe", "ceo", "co",
         "velora", "velora arc", "c++", "3m", "j. doe"]


def _alternation(terms) -> str:
    """The MultiMatcher pattern as first written: the escaped terms, longest first."""
    import re

    bodies = sorted({r"\s+".join(re.escape(w) for w in t.split()) for t in terms}, key=len, reverse=True)
    return r"(?<!\w)(?:" + "|".join(bodies) + r")(?!\w)"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TERMS + ["x", "corp", "doe", "arcade", "e", "-", ".", " ", "  ", "\n", "_",
                                         "ACME", "Corp", "Velora", "é", "CEO's"]), max_size=25))
def test_the_term_trie_finds_what_the_longest_first_alternation_found(words):
    import re

    from orm_desktop.ingest.query import trie_regex

    text = "".join(w if i % 3 else w + " " for i, w in enumerate(words))
    trie = re.compile(r"(?<!\w)(?:" + trie_regex(TERMS) + r")(?!\w)", re.IGNORECASE)
    alternation = re.compile(_alternation(TERMS), re.IGNORECASE)
    assert [m.span() for m in trie.finditer(text)] == [m.span() for m in alternation.finditer(text)]


def test_multimatcher_files_each_query_under_its_terms_rarest_run_and_matches_as_before():
    from orm_desktop.ingest.query import EntityQuery, MultiMatcher

    queries = [EntityQuery.parse('"Acme Corp" OR Acme -"Acme anvil"'), EntityQuery.parse('"Jane Doe" AND (Acme OR CEO)'),
               EntityQuery.parse("Velora OR \"Velora Arc\""), EntityQuery.parse("Apex"),
               EntityQuery.parse('"Acme Volt" OR "Volt e-bike"'), EntityQuery.parse("C++ OR AT&T OR ++")]
    mm = MultiMatcher(queries)
    assert mm._by_run["volt"] == {4} and 4 not in mm._by_run.get("acme", ())  # "acme" is in 4 terms
    assert mm._always == {5}  # "++" has no word character: always searched
    assert mm.matching("Jane Doe, CEO of ACME corp, rode a Velora Arc") == [0, 1, 2]
    assert mm.matching("Jane Doe, CEO of ACME corp, rode a Velora Arc past an Acme anvil") == [1, 2]
    assert mm.matching("Apexes and acmeville, an acme\u212a volt") == []
    assert mm.matching("the ACME  VOLT, at&t") == [0, 4, 5]


_MATCH_WORDS = ["Acme", "ACME", "acme", "Acme Corp", "corp", "Corp.", "anvil", "Jane", "Doe", "jane doe", "CEO",
                "ceo's", "Velora", "Arc", "e-bike", "Volt", "volt", "C++", "c", "AT&T", "at", "t", "J.", "J. Doe",
                "\u017ftride", "Stride", "stride", "\u212aelvin", "kelvin", "\u0130stanbul", "istanbul", "I", "\u0131",
                "\u03b9ota", "\u0399OTA", "\u1fbeota", "\u0345ota", "\u03a3igma", "\u03c2igma", "++", "_", "x", "-", "(", ")"]
_MATCH_QUERIES = ['"Acme Corp" OR Acme -"Acme anvil"', '"Jane Doe" AND (Acme OR CEO)', '"Velora Arc" OR "Arc e-bike"',
                  "Volt -Acme", "C++ OR AT&T", '"J. Doe" OR kelvin', "\u017ftride OR \u03b9ota", "\u0130stanbul -\u03c3igma",
                  "++ OR Corp", "stride AND NOT (volt OR c)"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_MATCH_WORDS), st.text(max_size=3)), max_size=14),
       st.lists(st.sampled_from([" ", "  ", "\n", "", ".", "-", "_", "x", "\u00a0", ","]), min_size=14, max_size=14))
def test_multimatcher_says_what_each_query_says(words, seps):
    from orm_desktop.ingest.query import EntityQuery, MultiMatcher

    queries = [EntityQuery.parse(q, aliases) for q in _MATCH_QUERIES
               for aliases in ((), ("ACME Inc", "\u0399ota", "x++"))]
    text = "".join(w + sep for w, sep in zip(words, seps, strict=False))
    assert MultiMatcher(queries).matching(text) == [i for i, q in enumerate(queries) if q.matches(text)], text


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_MATCH_WORDS), st.text(st.characters(max_codepoint=127), max_size=3)),
                max_size=14),
       st.lists(st.sampled_from([" ", "  ", "\n", "", ".", "-", "_", "x", ","]), min_size=14, max_size=14))
def test_the_needle_precheck_changes_no_span_match_or_snippet(words, seps):
    from orm_desktop.ingest.query import EntityQuery

    text = "".join(w + sep for w, sep in zip(words, seps, strict=False))
    for source in _MATCH_QUERIES:
        for aliases in ((), ("ACME Inc", "\u0399ota", "x++", "\u00c4pfel")):
            q = EntityQuery.parse(source, aliases)
            plain = EntityQuery(q.source, q.aliases, q._tree)
            plain._needles = None  # no precheck: the regexes alone
            assert (q.spans(text), q.matches(text), q.snippet(text)) == (
                plain.spans(text), plain.matches(text), plain.snippet(text)), (source, text)


def test_language_needs_twelve_letters_in_the_first_400_characters():
    assert language.detect_with_probability("abc def ghi jk 12345 !!!") == ("", 0.0)  # 11 letters
    assert language.detect_with_probability("1" * 400 + "the quick brown fox jumps") == ("", 0.0)
    assert language.detect_with_probability("abc def ghi jkl")[0] != ""  # 12 letters: the model answers


def test_the_overrides_every_refresh_process_reads_come_from_an_index_not_a_scan(empty_service):
    from orm_desktop.store import mentions as mentions_store

    plan = empty_service.conn.execute(
        "EXPLAIN QUERY PLAN SELECT evidence, machine_sentiment, override FROM mentions "
        "WHERE override IS NOT NULL ORDER BY override_at DESC LIMIT 5000").fetchall()
    assert any("USING INDEX mentions_overrides" in str(tuple(r)) for r in plan), plan
    assert mentions_store.overrides_for_learning(empty_service.conn) == []


_FRAGMENTS = [b"<rss>", b"<item>", b"</item>", b"<link>", b"<LINK ", b"<link\t", b'uri="x"', b"URI =", b">", b"<",
              b"xml:base", b"XML:BASE", b"xml:bas", b"<!ENTITY", b"<!entity", b"<!DOCTYPE", b"<!doctyp", b"base64",
              b"BASE64", b"&#146;", b"&#150;", b"&#160;", b"&#x92;", b"&#X9F;", b"&#xa0;", b"\xc2\x85", b"\xc2\xa0",
              b"\xc3\xa9", b"<category>", b"<CATEGORY term='a'>", b"text", b"</category>", b"<b>", b"</", b"<!", b" "]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=12))
def test_the_fast_blocker_check_says_what_the_single_regex_said(parts):
    from orm_desktop.ingest import parse

    body = b"".join(parts)
    assert parse._has_fast_blocker(body) == bool(parse._FAST_BLOCKERS.search(body))


def test_the_fast_blocker_check_on_every_fixture_feed():
    from pathlib import Path

    from orm_desktop.ingest import parse

    root = Path(__file__).resolve().parents[1]
    files = [*(root / "tests" / "data" / "feeds").iterdir(), *(root / "resources" / "demo" / "feeds").iterdir()]
    for f in files:
        body = f.read_bytes()
        assert parse._has_fast_blocker(body) == bool(parse._FAST_BLOCKERS.search(body)), f.name


# -- lever: the command line's refresh workers are forked before any database or thread ---------

_FORK_SCRIPT = r'''
import json, os, sqlite3, sys, threading
from pathlib import Path
from orm_desktop.ingest import pipeline
mode, root = sys.argv[1], Path(sys.argv[2])
if mode == "connection-open":
    keep = sqlite3.connect(":memory:")
    print(json.dumps({"forked": pipeline.prefork_workers(2)}))
    sys.exit(0)
if mode == "qt-loaded":
    import PySide6.QtCore  # noqa: F401
    from orm_desktop.service import start_refresh_workers
    print(json.dumps({"forked": start_refresh_workers()}))
    sys.exit(0)
if mode == "thread-running":
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    print(json.dumps({"forked": pipeline.prefork_workers(2)}))
    stop.set()
    sys.exit(0)
forked = pipeline.prefork_workers(2) if mode == "fork" else False
from tests.feedserver import FeedServer  # its thread starts after the fork
from orm_desktop.service import Service
with FeedServer(root / "feeds") as s:
    for f in sorted((root / "feeds").glob("*.xml")):
        s.routes["/" + f.stem] = (200, {}, f.read_bytes())
    svc = Service.open(root / mode)
    for f in sorted((root / "feeds").glob("*.xml")):
        svc.add_feed(s.url("/" + f.stem), kind="news")
    summary = svc.fetch(jobs=4, now=1_795_000_000)
    probe = None
    if mode == "fork":
        pool = pipeline._POOL["pool"]
        probe = [pool.submit(_probe).result() for _ in range(4)]
    rows = svc.conn.execute(
        "SELECT i.canonical_url, i.lang, i.cluster_id IS NOT NULL, m.entity_id, m.sentiment, m.score_source, "
        "m.evidence, m.topics, m.stage, m.priority, m.confidence FROM mentions m JOIN items i ON i.id = m.item_id "
        "ORDER BY i.canonical_url, m.entity_id").fetchall()
    print(json.dumps({"forked": forked, "new_mentions": summary.new_mentions, "rows": [list(r) for r in rows], "probe": probe,
                      "parent": os.getpid()}))
'''


def _probe() -> tuple[int, int, bool, str]:
    from orm_desktop.ingest import pipeline

    return (os.getpid(), os.getppid(), pipeline._WORKER.get("opened_in") == os.getpid(),
            pipeline._WORKER["database"][0])


def test_cli_workers_are_forked_before_any_connection_and_answer_as_spawned_ones(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    from orm_desktop.service import Service

    (tmp_path / "feeds").mkdir()
    for i in range(20):  # more than PARALLEL_MIN_FEEDS: the refresh uses its worker processes
        items = "".join(f"<item><title>Acme story {i}-{j} about prices</title><link>https://f.example/{i}/{j}</link>"
                        f"<description>{TEXTS[j % 4]} Acme Corp praised its recall team. Globex was late."
                        f"</description></item>" for j in range(6))
        (tmp_path / "feeds" / f"f{i}.xml").write_text(
            f'<rss version="2.0"><channel><title>F{i}</title>{items}</channel></rss>', encoding="utf-8")
    for mode in ("fork", "spawn"):
        svc = Service.create(tmp_path / mode)
        svc.add_entity("brand", "Acme", '"Acme Corp" OR Acme')
        svc.add_entity("competitor", "Globex", '"Globex"')
        svc.close()
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    script = _FORK_SCRIPT.replace("import json,", "from tests.test_ingest_speed import _probe\nimport json,")
    out = {}
    for mode in ("fork", "spawn", "connection-open", "thread-running", "qt-loaded"):
        r = subprocess.run([sys.executable, "-c", script, mode, str(tmp_path)], capture_output=True, text=True,
                           env=env, timeout=300, cwd=root)
        assert r.returncode == 0, r.stderr
        out[mode] = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["fork"]["forked"] is True and out["spawn"]["forked"] is False
    assert out["connection-open"]["forked"] is False  # SQLite's per-process lock state must not be inherited
    assert out["thread-running"]["forked"] is False  # a lock another thread holds must not be inherited
    assert out["qt-loaded"]["forked"] is False  # a GUI process: Qt's native threads
    # every worker: a child of the refresh process whose connection was opened in the worker itself
    assert {p[1] for p in out["fork"]["probe"]} == {out["fork"]["parent"]}
    assert all(p[0] != out["fork"]["parent"] and p[2] for p in out["fork"]["probe"])
    assert {p[3] for p in out["fork"]["probe"]} == {str(tmp_path / "fork" / "orm.db")}
    assert out["fork"]["new_mentions"] == out["spawn"]["new_mentions"] > 100
    assert out["fork"]["rows"] == out["spawn"]["rows"]


def test_the_cli_fetch_stops_its_workers_and_closes_the_workspace_before_exit(tmp_path):
    # cmd_fetch skips the interpreter's final collections (gc.freeze at exit), so it stops the
    # forked workers and closes its workspace itself: its connection is the file's last, and
    # its close folds the WAL into the file as the interpreter's teardown did
    import subprocess
    import sys
    from pathlib import Path

    from orm_desktop.service import Service
    from tests.feedserver import FeedServer

    svc = Service.create(tmp_path / "ws")
    svc.add_entity("brand", "Acme", '"Acme Corp" OR Acme')
    with FeedServer() as server:
        for i in range(20):  # more than PARALLEL_MIN_FEEDS: forked workers
            items = "".join(f"<item><title>Acme story {i}-{j}</title><link>https://f.example/{i}/{j}</link>"
                            f"<description>{TEXTS[j % 4]} Acme Corp praised its team.</description></item>"
                            for j in range(5))
            server.routes[f"/f{i}"] = (200, {}, f'<rss version="2.0"><channel><title>F{i}</title>{items}'
                                                '</channel></rss>'.encode())
            svc.add_feed(server.url(f"/f{i}"), kind="news")
        svc.close()
        root = Path(__file__).resolve().parents[1]
        r = subprocess.run([sys.executable, "-m", "orm_desktop", "--workspace", str(tmp_path / "ws"), "fetch",
                            "--jobs", "4", "--json"], capture_output=True, text=True, timeout=300, cwd=root,
                           env={**os.environ, "PYTHONPATH": str(root)})
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["ok"] == 20 and summary["new_items"] == 100 and summary["new_mentions"] == 100
    assert not (tmp_path / "ws" / "orm.db-wal").exists()  # the WAL folded: the last connection closed
    svc = Service.open(tmp_path / "ws")
    assert svc.conn.execute("SELECT count(*) FROM mentions").fetchone()[0] == 100
    svc.close()


# -- lever: the writes into a large workspace --------------------------------------------------

_TITLE_WORDS = ["acme", "recall", "recalls", "recalled", "battery", "fires", "fire", "day", "four", "five",
                "beta", "release", "releases", "the", "a", "of", "x"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_TITLE_WORDS), max_size=9), st.lists(st.sampled_from(_TITLE_WORDS), max_size=9),
       st.sampled_from([0.75, 0.5, 0.9, 1.0]))
def test_the_title_matcher_answers_as_title_similarity(a, b, threshold):
    from orm_desktop.ingest.urls import TitleMatcher, title_similarity

    ta, tb = " ".join(a), " ".join(b)
    matcher = TitleMatcher(threshold)
    for _ in range(2):  # the second time from its remembered answer
        assert matcher.similar(ta, tb) == (title_similarity(ta, tb) >= threshold), (ta, tb)
    other = TitleMatcher(threshold)  # another title against the same one: from its remembered word set
    assert other.similar(tb, ta) == (title_similarity(tb, ta) >= threshold) and other.similar(ta, ta) == bool(a)


def test_an_item_starting_its_own_cluster_is_inserted_with_it_not_updated(tmp_path):
    from orm_desktop.service import Service
    from orm_desktop.store import db, items
    from orm_desktop.types import ParsedItem

    svc = Service.create(tmp_path / "ws")
    conn = svc.conn
    statements: list[str] = []
    svc.add_feed("https://a.example/rss")
    (feed_id,) = [f.id for f in svc.feeds()]

    def add(n: int, cluster: int | None) -> int:
        it = ParsedItem(guid=f"g{n}", url=f"https://a.example/{n}", title=f"Story {n}", text="t")
        return items.insert(conn, feed_id, it, canonical_url=it.url, title_norm=f"story {n}", cluster_id=cluster,
                            published=NOW, now=NOW)

    conn.set_trace_callback(statements.append)
    with db.transaction(conn):
        first, second = add(1, None), add(2, None)
        joined = add(3, first)
        conn.execute("DELETE FROM items WHERE id = ?", (joined,))
        again = add(4, None)  # SQLite would reuse the deleted largest id: so does the insert
    conn.set_trace_callback(None)
    assert (first, second, joined, again) == (1, 2, 3, 3)
    rows = conn.execute("SELECT id, cluster_id FROM items ORDER BY id").fetchall()
    assert [tuple(r) for r in rows] == [(1, 1), (2, 2), (3, 3)]
    assert not [s for s in statements if s.lstrip().upper().startswith("UPDATE ITEMS")]
    svc.close()


def _stage_searched_in_full(text: str) -> str:
    """The journey stage as it was: every stage's pattern searched in turn."""
    for name, pat in topics._STAGE_RE:
        if pat.search(text):
            return name
    return ""


@pytest.mark.parametrize("name,pattern", topics.STAGES)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_every_match_of_a_stage_pattern_holds_one_of_its_needles(name, pattern, data):
    import re

    assert pattern.startswith(r"\b") and pattern.endswith(r"\b")
    example = data.draw(st.from_regex(re.compile(pattern[2:-2], re.IGNORECASE), fullmatch=True))
    folded = topics._fold(example)
    assert any(n in folded for n in topics._STAGE_NEEDLES_FOLDED[name]), (name, example)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from([n for v in topics.STAGE_NEEDLES.values() for n in v]
                                          + ["I", "İ", "ı", "buy", "get", "it", "model", "one", "vs.", "VS", "ſ"]),
                          st.text(max_size=3)), max_size=10),
       st.lists(st.sampled_from([" ", "  ", "\n", ".", "", "x"]), min_size=10, max_size=10))
def test_the_stage_with_needles_is_the_stage_searched_in_full(words, seps):
    text = "".join(w.upper() if len(w) % 3 == 0 else w for w, sep in zip(words, seps, strict=False) for w in (w + sep,))
    assert topics.stage(text) == _stage_searched_in_full(text), text


# -- lever: the refresh workers pass on what their scoring memo learned (_Relay) ------------------

def _relay_feed(i: int) -> bytes:
    items = "".join(f"<item><title>Acme story {i}-{j}</title><link>https://r.example/{i}/{j}</link>"
                    f"<description>Acme Corp praised its recall team. Globex was late again. Acme Corp "
                    f"{'disappointed reviewers' if j % 2 else 'won an award'} in round {j}.</description></item>"
                    for j in range(5))
    return f'<rss version="2.0"><channel><title>R{i}</title>{items}</channel></rss>'.encode()


def test_a_worker_starts_from_what_another_worker_scored_and_answers_the_same(tmp_path):
    from concurrent.futures import Future

    from orm_desktop.analysis import sentiment
    from orm_desktop.ingest import pipeline
    from orm_desktop.service import Service

    svc = Service.create(tmp_path / "ws")
    svc.add_entity("brand", "Acme", '"Acme Corp" OR Acme')
    svc.add_entity("competitor", "Globex", '"Globex"')
    for i in range(2):
        svc.add_feed(f"https://r.example/{i}.xml")
    feeds = svc.feeds()
    database = pipeline._database(svc.conn)
    relay = pipeline._Relay.create()
    saved = dict(pipeline._WORKER)
    try:
        def worker(i: int, path: str, run: int):  # a fresh worker process: its own enricher and memo
            pipeline._WORKER.clear()
            out = pipeline._prepare_in_worker(database, run, NOW, feeds[i], _relay_feed(i), feeds[i].url, {}, path)
            return out, pipeline._WORKER["enricher"].engine

        first, _ = worker(0, relay.path, 1)
        assert first.learned and all(pipeline._relayable(k, v) for k, v in first.learned)
        taught = dict(first.learned)
        fut: Future = Future()
        fut.set_result(first)
        relay.publish(fut)
        assert first.learned == []  # passed on, not kept by the main process
        second, engine = worker(1, relay.path, 1)
        memo = sentiment._EVIDENCE_MEMO[engine]
        assert all(memo[k] == v for k, v in taught.items())  # read before the second feed
        assert not set(dict(second.learned)) & set(taught)  # scored nothing the first worker had scored
        alone, _ = worker(1, "", 2)  # the same feed without the relay
        assert [(p.canonical_url, p.mention_rows) for p in second.items] == \
               [(p.canonical_url, p.mention_rows) for p in alone.items]
        assert alone.learned == []
    finally:
        relay.close()
        pipeline._WORKER.clear()
        pipeline._WORKER.update(saved)
    assert not os.path.exists(relay.path)
    svc.close()


def test_the_relay_reader_takes_only_complete_intact_records(tmp_path):
    import zlib

    from orm_desktop.ingest.pipeline import _RelayReader

    path = tmp_path / "relay"

    def record(entries) -> bytes:
        payload = json.dumps(entries).encode()
        return b"%d %d\n" % (len(payload), zlib.crc32(payload)) + payload

    one, two = record([["a b", [0.5, 0.25, False]]]), record([["c", [-0.1, 1.0, True]]])
    path.write_bytes(one + two[:-3])  # the second record still being written
    reader, memo = _RelayReader(str(path)), {}
    reader.merge_into(memo)
    assert memo == {"a b": (0.5, 0.25, False)} and reader.offset == len(one)
    path.write_bytes(one + two)
    reader.merge_into(memo)
    assert memo == {"a b": (0.5, 0.25, False), "c": (-0.1, 1.0, True)} and reader.offset == len(one + two)
    bad = bytearray(record([["d", [0.0, 0.0, False]]]))
    bad[-2] ^= 1  # a torn read: the CRC does not match, nothing is taken
    path.write_bytes(one + two + bytes(bad))
    reader.merge_into(memo)
    assert "d" not in memo and reader.offset == len(one + two)
    memo["c"] = (9.0, 9.0, False)  # what the worker has already stays as it is
    _RelayReader(str(path)).merge_into(memo)
    assert memo["c"] == (9.0, 9.0, False)


_NO_KEYS_SCRIPT = r'''
import json, sys
from orm_desktop.cli import main
code = main(["--workspace", sys.argv[1], "fetch", "--quiet"])
print(json.dumps({"code": code, "loaded": sorted(m for m in ("cryptography", "orm_desktop.bundle", "orm_desktop.team")
                                                 if m in sys.modules)}))
'''


def test_a_command_line_refresh_never_imports_the_signing_keys(tmp_path):
    """Start-up and the end of `orm-desktop fetch` are on the refresh's critical path: the audit
    log's signing keys (cryptography) and bundles are not needed there (~40 ms)."""
    import subprocess
    import sys
    from pathlib import Path

    from orm_desktop import service
    from orm_desktop.service import Service
    from tests.feedserver import FeedServer

    # still there for their callers, imported when first asked for
    assert service.TeamAdmin.__module__ == service.as_refused.__module__ == "orm_desktop.team"
    root = Path(__file__).resolve().parents[1]
    with FeedServer(tmp_path) as s:
        s.routes["/f"] = (200, {}, _relay_feed(1))
        svc = Service.create(tmp_path / "ws")
        svc.add_entity("brand", "Acme", '"Acme Corp" OR Acme')
        svc.add_feed(s.url("/f"), kind="news")
        r = subprocess.run([sys.executable, "-c", _NO_KEYS_SCRIPT, str(tmp_path / "ws")], capture_output=True,
                           text=True, env={**os.environ, "PYTHONPATH": str(root)}, timeout=300, cwd=root)
        assert r.returncode == 0, r.stderr
        out = json.loads(r.stdout.strip().splitlines()[-1])
        assert out["code"] == 0 and svc.count_mentions() > 0  # new mentions: the refresh's end ran its alert pass
        svc.close()
    assert out["loaded"] == []


def test_the_relay_passes_any_text_exactly_and_stops_quietly_when_closed(tmp_path):
    from concurrent.futures import Future

    from orm_desktop.ingest.pipeline import PreparedFeed, _Relay, _RelayReader

    relay = _Relay.create()
    learned = [("caf\u00e9 \ud800 lone surrogate", (0.1 + 0.2, -1e-300, True)), ("", (-0.0, 1.0, False))]

    def done(value) -> Future:
        fut: Future = Future()
        fut.set_result(value)
        return fut

    relay.publish(done(PreparedFeed("ok", learned=list(learned))))
    memo: dict = {}
    _RelayReader(relay.path).merge_into(memo)
    assert list(memo.items()) == learned and str(memo[""][0]) == "-0.0"
    relay.close()
    relay.publish(done(PreparedFeed("ok", learned=list(learned))))  # after the refresh: nothing, no error
    failed: Future = Future()
    failed.set_exception(RuntimeError("worker died"))
    relay.publish(failed)
    assert not os.path.exists(relay.path)


def test_a_relay_left_by_a_killed_refresh_is_removed_by_the_next_one(tmp_path, monkeypatch):
    import tempfile
    import time

    from orm_desktop.ingest.pipeline import _Relay

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    stale, fresh = tmp_path / "orm-relay-old.jsonl", tmp_path / "orm-relay-busy.jsonl"
    stale.write_bytes(b"3 0\nabc")
    fresh.write_bytes(b"")
    old = time.time() - _Relay.STALE - 60
    os.utime(stale, (old, old))
    relay = _Relay.create()
    assert os.path.dirname(relay.path) == str(tmp_path)
    assert not stale.exists() and fresh.exists()  # a refresh still writing its own keeps it
    relay.close()


# -- sanitizer fast paths ----------------------------------------------------------------------------
def _html_to_text_as_it_was(html: str) -> str:
    import html as htmlmod
    import re

    from orm_desktop.ingest import sanitize

    if not html:
        return ""
    s = html[:sanitize.MAX_INPUT]
    if "&lt;" in s and "<" not in s:
        s = htmlmod.unescape(s)
    if "<" in s:  # HTML: a line break is a space, except inside <pre> (branch realgui)
        parts = re.split(r"(<pre\b.*?(?:</pre\s*>|\Z))", s, flags=re.IGNORECASE | re.DOTALL)
        s = "".join(p if i % 2 else re.sub(r"\r\n|\r|\n", " ", p) for i, p in enumerate(parts))
    s = sanitize._COMMENT.sub(" ", s)
    s = sanitize._DROP.sub(" ", s)
    s = sanitize._BLOCK.sub("\n\n", s)
    s = sanitize._TAG.sub("", s)
    s = htmlmod.unescape(s)
    s = re.sub(r"[ \t\r\f\v\u00a0]+", " ", s)
    paras = [p.strip() for p in re.split(r"\s*\n\s*(?:\n\s*)*", s)]
    return "\n\n".join(p for p in paras if p)


_HTML_PIECES = ["<p>", "</p>", "<b>", "</b>", "<i>", "</i>", "<br>", "<br/>", "</br>", "<div>", "</div>", "<span>",
                "</span>", "<P>", "<p class=x>", "<h2>", "</h2>", "<blockquote>", "</blockquote>", "<pre>", "</pre>",
                "<ul>", "<li>", "</li>", "</ul>", "<a href='/x'>", "</a>", "<script>", "</script>", "<!-- c -->",
                "<q>", "</q>", "<code>", "</code>", "<em>", "</em>", "<h1>", "</h1>", "<table>", "<td>", "<img src=x>",
                "&amp;", "&lt;", "&gt;", "&nbsp;", "&quot;", "&#39;", "&", "<", ">", "&lt;p&gt;", "\r\n", "\r", "\x00",
                "\u00a0", "\n", "\n\n", " ", "  ", "\t", "\u2003", "\x0c", "\x85", "\u2028", "\ufeff", "text", "é"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_HTML_PIECES), st.text(max_size=5)), max_size=24))
def test_html_to_text_says_what_it_said_before(pieces):
    html = "".join(pieces)
    from orm_desktop.ingest.sanitize import html_to_text

    assert html_to_text(html) == _html_to_text_as_it_was(html), html


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_HTML_PIECES), st.text(max_size=5)), max_size=24))
def test_markup_left_as_it_is_is_what_nh3_gives_back(pieces):
    import nh3

    from orm_desktop.ingest import sanitize

    html = "".join(pieces)
    if sanitize._already_clean(html):
        assert nh3.clean(html, tags=sanitize.TAGS, clean_content_tags=sanitize.CLEAN_CONTENT,
                         attributes=sanitize.ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                         link_rel="noopener noreferrer nofollow", strip_comments=True) == html, html


_INLINE = sorted(["b", "strong", "i", "em", "u", "code", "small", "sub", "sup", "s", "del", "ins", "cite", "q",
                  "abbr", "span"])


def _inline_markup(depth: int = 0):
    text = st.text(alphabet=st.characters(blacklist_characters="<>&\x00\r\u00a0", blacklist_categories=("Cs",)),
                   max_size=6) | st.sampled_from(["&amp;", "&lt;", "&gt;", "&nbsp;", "<br>", " ", "\n"])
    if depth >= 3:
        return text
    nested = st.builds(lambda tag, inner: f"<{tag}>{''.join(inner)}</{tag}>", st.sampled_from(_INLINE),
                       st.lists(_inline_markup(depth + 1), max_size=3))
    return text | nested


@settings(max_examples=600, deadline=None)
@given(st.lists(st.one_of(_inline_markup(), st.builds(lambda tag, inner: f"<{tag}>{''.join(inner)}</{tag}>",
                                                       st.sampled_from(["p", "div", "blockquote", "h1", "h3", "h6"]),
                                                       st.lists(_inline_markup(), max_size=4))), max_size=6))
def test_well_nested_simple_markup_is_taken_as_clean_and_nh3_agrees(parts):
    from orm_desktop.ingest import sanitize

    html = "".join(parts)
    assert sanitize._already_clean(html), html
    assert sanitize.sanitize_html(html) == html
    sanitize_nh3 = __import__("nh3").clean(html, tags=sanitize.TAGS, clean_content_tags=sanitize.CLEAN_CONTENT,
                                           attributes=sanitize.ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                                           link_rel="noopener noreferrer nofollow", strip_comments=True)
    assert sanitize_nh3 == html, html


# -- lever: a feed's new entries language-detected in one pass of the model (detect_many) ----------

def _language_texts() -> list[str]:
    """Every text of the short-text set, the fixture and demo feeds' entries as the pipeline
    gives them to the detector, and edge cases: no letters, no model feature, upper case,
    non-NFC, a partial UTF-8 tail at 3,000 characters, every script of TEXTS."""
    import csv
    from pathlib import Path

    from orm_desktop.ingest.parse import parse_feed

    root = Path(__file__).resolve().parents[1]
    with (root / "tests" / "data" / "language_short.tsv").open(encoding="utf-8") as fh:
        texts = [r["text"] for r in csv.DictReader(fh, delimiter="\t")]
    for path in sorted((root / "tests" / "data" / "feeds").glob("*")) + sorted(
            (root / "resources" / "demo" / "feeds").glob("*.xml")):
        parsed = parse_feed(path.read_bytes(), url="http://127.0.0.1/", headers={}, now=NOW, kind="news")
        texts += [f"{it.title}. {it.text[:300]}" for it in parsed.items]
    return texts + TEXTS + ["", "12345 !!! 678", "ÀÉÎÕÜ ÇÑ ÅØ ÆŒ ßÞ ÐŁ", "DER KUNDENDIENST WAR SEHR SCHLECHT UND LANGSAM",
                            "Cafe\u0301 de\u0301licieux, tre\u0300s bon marche\u0301 vraiment", "é" * 2999 + "日本",
                            "~~~ ### @@@ abcdefghijklmnop", "x" * 5000]


def test_a_feed_detected_in_one_pass_has_each_text_s_language_and_probability_bit_for_bit():
    texts = _language_texts()
    assert len(texts) > 400
    expected = [language.detect_with_probability(t) for t in texts]
    assert {lang for lang, _ in expected} >= {"en", "de", "fr", "es", "ja", "ru", "ko", ""}
    for size in (2, 7, 25, len(texts)):  # batches of a few entries and one of them all
        got = [r for i in range(0, len(texts), size) for r in language.detect_many_with_probability(texts[i:i + size])]
        assert got == expected, size
    assert language.detect_many(texts) == [language.detect(t) for t in texts]
    assert language.detect_many(texts, min_probability=0.9) == [language.detect(t, min_probability=0.9) for t in texts]
    assert language.detect_many([]) == [] and language.detect_many([texts[0]]) == [language.detect(texts[0])]


def _load_texts(tmp_path, monkeypatch) -> list[str]:
    """The texts topics are found in: title + text of every fixture and demo feed entry and of
    the peers benchmark load (benchmarks/ingest.py's generated feeds, 40 x 25 entries here)."""
    import random
    from pathlib import Path

    from orm_desktop.ingest.parse import parse_feed

    root = Path(__file__).resolve().parents[1]
    monkeypatch.syspath_prepend(str(root / "benchmarks"))
    from ingest import write_feeds

    write_feeds(tmp_path, 40, 25, "topics", random.Random(7))
    paths = sorted((root / "tests" / "data" / "feeds").glob("*")) + sorted(
        (root / "resources" / "demo" / "feeds").glob("*.xml")) + sorted(tmp_path.glob("*.xml"))
    texts = []
    for path in paths:
        for it in parse_feed(path.read_bytes(), url="http://127.0.0.1/", headers={}, now=NOW, kind="news").items:
            texts += [f"{it.title}. {it.text[:2000]}", it.title, it.text]
    return texts


def test_the_topic_trie_finds_the_flat_alternation_s_topics_on_the_fixtures_and_the_benchmark_load(
        tmp_path, monkeypatch):
    texts = _load_texts(tmp_path, monkeypatch)
    assert len(texts) > 3000 and any(not t.isascii() for t in texts)
    taxonomy = topics.taxonomy_text()
    found = [topics.classify(t) for t in texts]
    assert found == [_flat(t, taxonomy) for t in texts]
    assert sum(map(len, found)) > len(texts)  # the texts do name topics
    # and a mention's topics and stage are the same from the evidence pairs as from their JSON
    for t in texts[:600]:
        pairs = ((t[:80], -0.5), (t[80:200], 0.25))
        a = {"title": t[:40], "text": t, "evidence": json.dumps([list(p) for p in pairs])}
        b = dict(a, evidence_pairs=pairs)
        topics.enrich_mention(a)
        topics.enrich_mention(b)
        assert (a["topics"], a["stage"]) == (b["topics"], b["stage"])


def test_enough_letters_by_one_regex_is_counting_the_letters():
    import itertools
    import re

    letters = re.compile(r"[^\W\d_]")
    texts = _language_texts() + ["a" * 11, "a" * 12, "1 a" * 11, "1 a" * 12, "_" * 50 + "b" * 12, "\u0345" * 12,
                                 "\u01c5" * 12, "\u0663" * 20, "x\n" * 12, "\u00e9" * 6 + "e\u0301" * 6]
    for text in texts:
        counted = sum(1 for _ in itertools.islice(letters.finditer(text[:400]), 12)) >= 12
        assert language._enough_letters(text[:400]) == counted, text


_ENGLISH_PHRASES = ["The Lord of the Rings", "Pirates of the Caribbean and the Curse", "Say what you want about it",
                    "This is the best of the year and we love it", "Breaking: they said that it would",
                    "We have been told that the company would not comment on their plans",
                    "Interview with the CEO: what they said about the future of the brand and its customers"]


def test_a_plainly_english_text_is_english_to_the_model_and_a_foreign_text_quoting_english_is_not_plainly_english():
    import csv
    from pathlib import Path

    texts = _language_texts()
    plain = [t for t in texts if language.plainly_english(t)]
    assert len(plain) > 100
    assert all(lang == "en" and p >= language.MIN_PROBABILITY
               for lang, p in language.detect_many_with_probability(plain))
    # none of the words that other languages written in ASCII share with English is a marker
    assert not language.ENGLISH_MARKERS & {"of", "we", "was", "is", "to", "at", "for", "been", "all", "just", "her",
                                           "not", "more", "also", "will", "an", "in", "on", "by", "de", "die", "a"}
    root = Path(__file__).resolve().parents[1]
    foreign = []
    for name in ("language_short.tsv", "sentiment_de_fr.tsv", "sentiment_es.tsv"):
        with (root / "tests" / "data" / name).open(encoding="utf-8") as fh:
            foreign += [r["text"] for r in csv.DictReader(fh, delimiter="\t") if r.get("lang", "xx") != "en"]
    foreign = [t for t in foreign if language.detect(t) not in ("en", "")]
    assert len(foreign) > 100
    joined = [" ".join(foreign[i:i + 4]) for i in range(0, len(foreign), 4)]  # longer texts, a few languages
    for text in foreign + joined:
        words = text.split()
        for phrase in _ENGLISH_PHRASES:
            for mixed in (f"{phrase}. {text}", f"{text} {phrase}",
                          " ".join([*words[:len(words) // 2], phrase, *words[len(words) // 2:]])):
                assert not language.plainly_english(mixed) or language.detect_with_probability(mixed)[0] == "en", mixed
    # the answer does not depend on how the texts are asked
    sample = texts[:200] + foreign[:50]
    assert language.detect_many(sample) == [language.detect(t) for t in sample]
    assert language.detect_many(sample, min_probability=0.9) == [language.detect(t, min_probability=0.9)
                                                                  for t in sample]
