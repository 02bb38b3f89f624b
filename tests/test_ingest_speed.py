"""Issue 18 (speed): what the refresh does faster must give the same answers as before."""

from __future__ import annotations

import json

import pytest

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

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def test_the_language_model_is_unpacked_once_and_answers_as_the_shipped_file(fresh_language_model):
    ref = _reference()
    first = language._identifier()
    unpacked = list(fresh_language_model.glob("*/*.npy"))
    assert len(unpacked) == 6  # every array of the model, as plain .npy files
    language._identifier.cache_clear()
    again = language._identifier()  # this time from the unpacked files
    for text in TEXTS:
        assert first.classify(text) == ref.classify(text) == again.classify(text), text
    assert language.detect(TEXTS[0]) == "en" and language.detect(TEXTS[2]) == "de"


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


def test_the_refresh_engine_scores_each_distinct_text_once_with_the_same_answer(empty_service):
    enricher = Enricher.for_workspace(empty_service.conn, NOW)
    base = get_engine("orm")
    text = "Support was quick and friendly, but the refund took a month."
    assert enricher.engine.analyse(text, "") == base.analyse(text, "")
    assert enricher.engine.analyse(text, "") == base.analyse(text, "")
    assert len(enricher.engine._cache) == 1  # the second call was answered from memory
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
