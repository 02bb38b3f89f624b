"""Issue 14, "the GUI must never lie": a mention's score stored at ingest (the refresh's Enricher
scores through pipeline.CachedEngine, and AdaptedEngine when the workspace has overrides) is the
score `orm-desktop score --entity` prints for the same text and entity (the bare default engine).
On main before this test, 24 of the 4,734 targeted pairs and 60 of the 1,270 demo-feed mentions
differed (26 by label): the pattern-lexicon check behind a weak segment score looked for a
``featurizer`` on the wrapper itself, found none and answered "opinion"."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from orm_desktop.analysis import sentiment as S
from orm_desktop.ingest.pipeline import CachedEngine, Enricher
from orm_desktop.ingest.query import EntityQuery
from orm_desktop.service import text_scorer

ROOT = Path(__file__).resolve().parents[1]
NOW = 1_795_000_000


def _cases():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import targeted_cases

    return targeted_cases


def _outcome(ts: S.TargetedScore) -> tuple:
    return ts.score, ts.label, ts.confidence, ts.source, ts.evidence


def _targeted_half():
    """Every third pair of the targeted set (5,973 of 17,918: all of it made the two path tests 35 s
    of the suite, every second one still 47 s on a loaded CI machine; the pairs are interleaved, so
    every batch and kind is in)."""
    return _cases().targeted_set()[::3]


def test_ingest_scores_the_targeted_pairs_as_score_entity_prints_them(empty_service):
    enricher = Enricher.for_workspace(empty_service.conn, NOW)  # what the refresh workers hold
    assert isinstance(enricher.engine, CachedEngine)
    cli = text_scorer(None)  # `orm-desktop score --entity NAME`
    different = []
    for c in _targeted_half():
        entity = c.query.strip('"')
        printed = cli(c.text, entity)
        ts = S.score_toward(c.title, c.text, EntityQuery.parse(c.query).spans, engine=enricher.engine)
        if (round(ts.score, 4), ts.label, ts.confidence) != (printed["score"], printed["label"], printed["confidence"]):
            different.append((c.text, entity, printed["score"], ts.score))
    assert different == []


def test_ingest_scores_the_demo_feeds_as_the_bare_engine_does(empty_service):
    engine = Enricher.for_workspace(empty_service.conn, NOW).engine
    bare = S.get_engine()
    different = []
    for c in _cases().demo_feeds():
        spans = EntityQuery.parse(c.query, c.aliases).spans
        a = S.score_toward(c.title, c.text, spans, engine=bare, rating=c.rating, lang=c.lang)
        b = S.score_toward(c.title, c.text, spans, engine=engine, rating=c.rating, lang=c.lang)
        if _outcome(a) != _outcome(b):
            different.append((c.title, c.query, a.score, b.score))
    assert different == []


WORDS = [["full", "refund"], ["good"], ["NOT_good"], ["most", "sales"], ["agreed", "share"], ["love"],
         ["cheap"], ["first", "quarter"], ["NOT_more"]]
CHUNKS = ["Great, another award for the team!", "Great, another update that bricks my router.",
          "Oh great, another recall."]


@pytest.mark.parametrize("wrap", [CachedEngine, lambda e: S.AdaptedEngine(e, S.OverrideLexicon.fit([])),
                                  lambda e: CachedEngine(S.AdaptedEngine(e, S.OverrideLexicon.fit([])))],
                         ids=["cached", "adapted", "cached+adapted"])
def test_every_lexicon_check_sees_the_engine_through_its_wrappers(wrap):
    bare = S.get_engine()
    wrapped = wrap(bare)
    assert S._featurizer(wrapped) is bare.featurizer
    for words in WORDS:
        assert S._blob_opinion(words, wrapped) == S._blob_opinion(words, bare), words
        assert S._vader_opinion(words, wrapped) == S._vader_opinion(words, bare), words
    for chunk in CHUNKS:
        assert S._sarcastic_opening(chunk, wrapped) == S._sarcastic_opening(chunk, bare), chunk
    # the check must be able to say "no opinion" at all (else it is not consulted)
    assert not S._blob_opinion(["full", "refund"], bare)


def test_a_workspace_with_overrides_scores_text_without_a_learned_word_as_score_entity_does():
    # what Enricher.for_workspace and rescore build once the workspace has an override: on main
    # AdaptedEngine had no analyse_parts, so every mention was scored by the plain model without
    # the targeted rules (with one override of unrelated words: 2,344 of 4,734 pairs differed,
    # accuracy 0.931 -> 0.814)
    bare = S.get_engine()
    examples = [("The Qorvath firmware update bricked my router overnight.", 0.1, -0.8)]
    engine = CachedEngine(S.adapted(bare, examples))
    assert isinstance(engine.base, S.AdaptedEngine) and engine.base.lexicon.weights
    compared = different = 0
    for c in _targeted_half():
        if engine.base.lexicon.adjust(c.text):
            continue
        spans = EntityQuery.parse(c.query).spans
        compared += 1
        different += _outcome(S.score_toward("", c.text, spans, engine=bare)) != \
            _outcome(S.score_toward("", c.text, spans, engine=engine))
    assert compared > 4000 and different == 0
    # and the overrides still move the text they taught, through the targeted path too
    spans = EntityQuery.parse('"Qorvath"').spans
    text = "The Qorvath firmware update arrived overnight."
    # (the rules' scores: since round 14 the bare engine's learned layer already leans negative on
    # it at a low confidence, -0.17; the override moves what the rules read, and the answer is sure)
    taught, plain = S.rules_toward("", text, spans, engine=engine)[0], S.rules_toward("", text, spans, engine=bare)[0]
    assert taught.score < plain.score - 0.1
    final = S.score_toward("", text, spans, engine=engine)
    assert final.label == "negative" and final.confidence > S.score_toward("", text, spans, engine=bare).confidence


def test_the_demo_refresh_stored_what_score_toward_gives_and_a_rescore_changes_nothing(demo_service):
    # the demo is built by a real refresh (worker processes, Enricher): what the inbox and the
    # mention view show is the stored machine score; a rescore (the Settings button) must not
    # change it, and both must be what the bare engine answers
    from orm_desktop.store import mentions as mentions_store

    svc = demo_service
    bare = S.get_engine()
    queries = {e.id: EntityQuery.parse(e.query, e.aliases) for e in svc.entities()}
    rows = [r for r in mentions_store.texts_after(svc.conn, None, 0, 1_000_000)
            if not r[5] or r[5] in bare.languages]
    assert len(rows) > 500

    def stored() -> dict[int, float]:
        return {mid: svc.mention(mid).machine_sentiment for mid, *_ in rows}

    at_ingest = stored()
    expected = {mid: S.score_toward(title, text, queries[eid].spans, engine=bare, rating=rating, lang=lang or "").score
                for mid, eid, title, text, rating, lang in rows}
    assert {m: (at_ingest[m], s) for m, s in expected.items() if at_ingest[m] != s} == {}
    svc.rescore()
    assert stored() == at_ingest
