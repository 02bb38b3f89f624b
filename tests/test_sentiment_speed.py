"""The default engine's fast paths give exactly what the plain code gives: Featurizer.features
against the token-by-token reference (tests/sentiment_reference.py, the code before the speed
work) and the factual-text prefilter against its regex. Speed itself is measured in
benchmarks/sentiment_speed.py, not here."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from orm_desktop.analysis import sentiment as S
from orm_desktop.analysis.sentiment import get_engine
from tests.sentiment_reference import ReferenceFeaturizer

DATA = Path(__file__).resolve().parent / "data"

TRICKY = [
    "", "   ", "!!!", "?!?", "-", "ok, no.", "no, no, NO!", "A", "a b c",
    "It is not bad.", "It isn't good, it's GREAT!!!", "Not only good but also great.",
    "no good", "not the worst", "never so good", "never this bad", "Never so very happy.",
    "without doubt the best", "Without a doubt, good.", "kind of good", "it was kind", "kind",
    "KIND of awful", "at least it works", "the very least good", "least good", "the shit",
    "that movie was the bomb", "yeah right", "bad ass", "It is so good", "this good",
    "I didn't love it, but the staff were lovely.", "I dont like it; however it is cheap.",
    "GOOD product. BAD support.", "VERY GOOD", "very good", "EXTREMELY disappointing but OK",
    "The battery died :( but support was great :)", "<3 <3", ":-) :D ;)", "xD",
    "Love it 😍😍 but the app 😡", "❤️ this", "👍👍👍", "Fine 🙄", "“Great” service… not.",
    "See https://example.com/great-awful and www.bad.example for more", "great://bad",
    "Shares fell 12% to $4.50, a 5-year low.", "12 percent", "re-appointed; dis-appointed",
    "He can't stand it. Can't stand it!", "Hardly good, barely usable, rarely works.",
    "Nothing good, nobody happy, none left, neither fast nor cheap.", "nor good",
    "uh-uh, nope", "It won't start and doesn't work.", "Ain't bad",
    "The, the, the, good; bad: ugly!", "good... bad... ugly...", "'good' \"bad\"",
    "Naïve café résumé: excellent!", "İstanbul ıs ſo good", "ＧＯＯＤ fullwidth",
    "not not not good", "not good but not bad", "not, but good", "no no no no good",
    "But it is good.", "good but", "but", "however, yet, though, although",
    "tab\tseparated\tgood\nnew line bad", "so so so happy", "this this great",
    "Would you recommend the Velora Arc? It is okay I guess.", "WHAT?!?! NO WAY!!!!",
    "The most amazing, wonderful, incredible thing ever, not!", "kinda good, sorta bad",
]


@pytest.fixture(scope="module")
def featurizers():
    fz = get_engine("orm").featurizer
    return fz, ReferenceFeaturizer(fz)


def _same(fz, ref, text: str) -> None:
    dense, words = fz.features(text)
    rdense, rwords = ref.features(text)
    assert words == rwords, text
    assert dense == rdense, text  # exactly: the same sums in the same order


@pytest.mark.parametrize("text", TRICKY)
def test_fast_features_equal_the_reference_on_tricky_texts(featurizers, text):
    _same(*featurizers, text)


def test_fast_features_equal_the_reference_on_the_shipped_labelled_texts(featurizers):
    texts = []
    for name in ("sentiment_dev.tsv", "sentiment_targeted.tsv"):
        with (DATA / name).open(encoding="utf-8") as fh:
            texts += [r["text"] for r in csv.DictReader(fh, delimiter="\t")]
    assert len(texts) > 500
    long_texts = [" ".join(texts[i:i + 8]) for i in range(0, len(texts), 8)]  # ~500 characters
    for text in texts + long_texts + [t.upper() for t in texts[:200]]:
        _same(*featurizers, text)


@pytest.mark.parametrize("text", [
    "The company appoints a new chief financial officer.", "Norrbrook names its CEO.",
    "Heatlyn will publish its results on Monday.", "Here's how the recall works.",
    "  this is how we do it", "Explained: the new tariff", "A look at the new range",
    "annual general meeting on Friday", "I was so disappointed in the appointed officer",
    "re-appointed the chief officer", "disappointing", "the team hires the head of sales",
    "WILL HOLD ITS MEETING", "Heatlyn wıll hold its meeting", "ſupport appoints the chief officer",
    "Heatlyn wİll hold its meeting", "Ａ look at", "x" * 600 + " will report the figures",
])
def test_factual_prefilter_agrees_with_the_regex(text):
    assert S._factual(text, text.lower()) == bool(S._FACTUAL.search(text))


def _phrase_texts() -> list[str]:
    texts = list(TRICKY)
    for name in ("sentiment_dev.tsv", "sentiment_targeted.tsv"):
        with (DATA / name).open(encoding="utf-8") as fh:
            texts += [r["text"] for r in csv.DictReader(fh, delimiter="\t")]
    # the same texts with typographic punctuation, emoji, and characters the ASCII twins must refuse
    texts += [t.replace("'", "’").replace('"', "“") + " 😡 — …" for t in texts[:300]]
    texts += [t.replace("k", "\u212a").replace("s", "\u017f").replace("i", "\u0131") for t in texts[:300]]
    texts += [t.replace(" ", "\u00a0") for t in texts[:200]] + [t.replace(" ", "\x1d") for t in texts[:200]]
    return texts


def test_ascii_twins_of_the_reputation_phrases_find_what_the_unicode_patterns_find():
    twins, phrases = S._ASCII_PHRASES, S.REPUTATION_PHRASES
    used = 0
    for text in _phrase_texts():
        if not S._ascii_patterns_apply(text):
            continue
        used += 1
        for twin, (pattern, _v, _t) in zip(twins, phrases, strict=True):
            assert bool(twin.search(text)) == bool(pattern.search(text)), (pattern.pattern[:60], text)
    assert used > 1000


def test_texts_with_unicode_only_characters_keep_the_unicode_patterns():
    assert S._ascii_patterns_apply("It’s “great” — 😡 … €5")
    for text in ("café", "a\u00a0b", "\u212a", "\u017f", "\u0131", "\u0130", "x\x1dy", "٣", "ｆ", "a\u2009b"):
        assert not S._ascii_patterns_apply(text), repr(text)
    # a Kelvin sign reads as "k" to the Unicode pattern only: the twin would miss this phrase
    text = "The phone \u212aeeps crashing"
    assert any(p.search(text) for p, _v, _t in S.REPUTATION_PHRASES)
    assert not any(t.search(text) for t in S._ASCII_PHRASES)
