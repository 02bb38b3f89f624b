"""Entity-targeted scoring made faster (issue 18) answers exactly as before: a frozen sample of
(text, entity) cases (benchmarks/targeted_cases.py: the targeted set, demo feeds, generated
feeds) against the answers the engine gave before the speed work, plus the pieces the speed
work replaced (sentence splitting, the memos) against their plain forms. The full comparison is
`python benchmarks/targeted_speed.py --check OLD/sentiment.py`. At the merge with branch
targeted-acc (new rules, new answers) the sample was re-frozen from targeted-acc's answers, after
`--check` against targeted-acc's own sentiment.py found 0 differences in 45,145 cases. Since the
learned targeted layer (targeted_model.py) the sample holds the rules' answers (rules_toward),
which the layer reads; the layer has its own tests (test_targeted_model.py)."""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

from orm_desktop.analysis import sentiment as S
from orm_desktop.ingest.query import EntityQuery

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = ROOT / "tests" / "data" / "targeted_expected.json"


def _cases():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import targeted_cases

    return targeted_cases


def test_frozen_sample_scores_exactly_as_before_the_speed_work():
    tc = _cases()
    frozen = json.loads(EXPECTED.read_text(encoding="utf-8"))
    cases = tc.sample()
    assert [tc.fingerprint(c) for c in cases] == [r["case"] for r in frozen]  # the same cases
    engine = S.get_engine("orm")
    different = []
    for c, row in zip(cases, frozen, strict=True):
        ts, _ = S.rules_toward(c.title, c.text, EntityQuery.parse(c.query, c.aliases).spans, engine=engine,
                               rating=c.rating, lang=c.lang)
        if tc.outcome(ts) != row["expected"]:
            different.append((c, tc.outcome(ts), row["expected"]))
    assert len(cases) > 500 and not different, different[:3]


# the sentence splitter before the speed work (look-behind pattern, abbreviation searched in the
# whole piece): the reference the faster one must agree with
_OLD_END = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9@#])|\n\s*\n|\n(?=[-•*]\s)")


def _old_split(text: str) -> list[str]:
    out, start = [], 0
    for m in _OLD_END.finditer(text):
        piece = text[start:m.start()]
        if S._ABBREV_END.search(piece.rstrip("\"'”’)")):
            continue
        if piece.strip():
            out.append(piece.strip())
        start = m.end()
    if text[start:].strip():
        out.append(text[start:].strip())
    return out


def test_sentence_splitting_cuts_where_it_did():
    rng = random.Random(11)
    alphabet = [*"ab AB.!?…\n-•*\"'”’)(“‘1@#\t", "Mr.", "Dr.", "e.g.", "U.S.", "etc.", "Co.\n", " No. 5", "\n\n", ". A"]
    texts = ["Mr. Smith met Dr. Jones. They agreed.\n\n- one\n- two", "It rose 1.5 percent. Then it fell!", "“Great.” He left…"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(20_000)]
    assert [t for t in texts if S._split(t) != _old_split(t)] == []


def test_memos_keep_entities_apart_and_accept_any_callable():
    text = "Acme beat Globex to the contract. It was a fair fight."
    acme, globex = EntityQuery.parse("Acme").spans, EntityQuery.parse("Globex").spans
    first = [S.score_toward("", text, acme), S.score_toward("", text, globex)]
    again = [S.score_toward("", text, globex), S.score_toward("", text, acme)][::-1]
    assert first == again and first[0].score > 0 > first[1].score  # remembered per entity, not per text

    class Unhashable:
        __hash__ = None  # type: ignore[assignment]

        def __call__(self, t: str) -> list[tuple[int, int]]:
            return acme(t)

    assert S.score_toward("", text, Unhashable()) == first[0]
    assert S.score_toward("", text, lambda t: acme(t)) == first[0]


def _targeted_sentences() -> list[str]:
    import csv

    with (ROOT / "tests" / "data" / "sentiment_targeted.tsv").open(encoding="utf-8") as fh:
        texts = [r["text"] for r in csv.DictReader(fh, delimiter="\t")]
    return list(dict.fromkeys(s for t in texts for s in S._split(t)))  # each distinct sentence once (26 % repeat)


def _random_texts(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    alphabet = [*"ab AB,;:-\u2014\u2013\t\n.'", " - ", ", and ", " but ", " However ", ", while ", "unlike ", " even as ",
                ", which left ", "x", "É", "ſ", " after ", ", compared with ", " despite "]
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25))) for _ in range(n)]


def test_segment_split_cuts_where_the_segment_pattern_does():
    assert S._SEGMENT_AT_FITS  # every branch of _SEGMENT starts with a space, ";", a dash or ",": the fast path is used
    texts = _targeted_sentences() + _random_texts(5, 20_000)
    assert [t for t in texts if S._segment_split(t) != S._SEGMENT.split(t)] == []


def test_top_branches_and_the_factored_boundary():
    assert S._top_branches(r"a|b(c|d)|[|(]|\||[]|]x|[^]|]") == ["a", "b(c|d)", "[|(]", r"\|", "[]|]x", "[^]|]"]
    assert S._boundary_factored(r"\bx|\by|z") == r"\b(?:x|y)|z"
    assert S._boundary_factored(r"\bx|z") == r"\bx|z"  # one branch with \b: nothing to share
    assert S._boundary_factored(r"\b(a)\1|\bb") == r"\b(a)\1|\bb"  # a back-reference: left alone


def test_event_phrases_found_where_they_were():
    """_EVENT_FOUND (the event alternations with their shared \\b tested once) finds a phrase in
    exactly the segments the phrases themselves do."""
    texts = [t.lower() for t in _targeted_sentences()]
    rng = random.Random(3)
    words = sorted({w for p, _, need in S._EVENT_PHRASES for w in need} | {"the", "a", "to", "off", "price", "up", "for"})
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 8))) for _ in range(5_000)]
    assert sum(p is not q for p, (q, _, _) in zip(S._EVENT_FOUND, S._EVENT_PHRASES, strict=True)) >= 10
    for found, (pattern, _, _) in zip(S._EVENT_FOUND, S._EVENT_PHRASES, strict=True):
        if found is pattern:
            continue  # no twin: the phrase itself
        assert [t for t in texts if bool(found.search(t)) != bool(pattern.search(t))] == [], pattern.pattern[:60]


def test_word_prefilter_never_hides_a_title_word():
    """_title_may is False only where _TITLE_HINT finds nothing (the folds ı ſ İ K included)."""
    rng = random.Random(8)
    pieces = ["CEO ", "ceo", "Chief", "cHaIr", "co-founder", "hEAD", "boſs", "Boss", "\u212aing", "director", "x", " ", "é", "ı"]
    texts = _targeted_sentences() + ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 6))) for _ in range(5_000)]
    assert S._title_may("Acme's CEO said") and not S._title_may("Acme said")  # the prefilter is in use
    assert [t for t in texts if not S._title_may(t) and S._TITLE_HINT.search(t)] == []


def test_description_twins_find_what_the_patterns_find():
    texts = _targeted_sentences()
    texts += [t.lower() for t in texts]
    for twin, pattern in ((S._DESCRIPTION_FOUND, S._DESCRIPTION), (S._DESCRIPTION5_FOUND, S._DESCRIPTION5)):
        assert [t for t in texts if bool(twin.search(t)) != bool(pattern.search(t))] == []


def test_capitalised_words_found_where_the_look_behind_first_patterns_found_them():
    """_CAPWORD and _NAME_RUN match their capital first, then look behind it: the same matches as
    the patterns with the look-behind first (pos and endpos included)."""
    old_cap = re.compile(r"(?<![\w'’/])[A-Z][\w&-]*")
    old_run = re.compile(r"(?<![\w'’/])[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*)*")
    rng = random.Random(4)
    alphabet = [*"aZB '’/_-&1\t", "É", "Ab", "x/Y", "Acme Corp", "it's Halo"]
    texts = [(t, 0, len(t)) for t in _targeted_sentences()]
    for _ in range(30_000):
        t = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        a = rng.randint(0, len(t))
        texts.append((t, a, rng.randint(a, len(t))))
    for new, old in ((S._CAPWORD, old_cap), (S._NAME_RUN, old_run)):
        assert [x for x in texts if [m.span() for m in new.finditer(*x)] != [m.span() for m in old.finditer(*x)]] == []


def test_abbreviation_check_is_the_abbreviation_pattern():
    rng = random.Random(9)
    alphabet = [*"ab AB.(\t\n", "Mr", "Mrs", "e.g", "U.S", "etc", "Co", "No", "approx", "Gen", "xGen", "(Dr"]
    tails = []
    for _ in range(30_000):
        t = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6))) + rng.choice([".", ".\n"])
        tails.append(t)
    for tail in tails:
        end = len(tail) - 1 if tail.endswith(".") else len(tail) - 2
        if end >= 2 and tail[end - 2:end] in S._ABBREV_ENDINGS:
            assert S._abbreviation_before(tail, end) == bool(S._ABBREV_END.search(tail, max(0, len(tail) - 12))), tail
