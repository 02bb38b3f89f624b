"""Round 8's targeted rules (sentiment._round8_verdict): rulings against or for the entity (an
ombudsman, a tribunal, an advertising watchdog, a small-claims judge), a closure told as the time of
a change (bad for the one that closed, good for the one that gained), a shortlist, a food hygiene
rating, a claim in scare quotes beside praise (sarcasm). Wording in none of the data sets, invented
names; each rule with a case it must leave alone. Checked on the rules alone (rules_toward): the
learned layer is re-fitted on top of them."""

from __future__ import annotations

import pytest

from tests.targeted_support import rules_label


@pytest.mark.parametrize(("text", "label"), [
    # a ruling against the entity, by whoever judges
    ("The ombudsman ruled against Quenby and ordered it to refund the fees.", "negative"),
    ("Quenby's ads said the loft insulation paid for itself in a year; the watchdog upheld the complaints.", "negative"),
    ("My case against Quenby Lettings was settled in my favour. The judge called the deduction unfair.", "negative"),
    # a ruling that threw out what was brought against it
    ("The energy ombudsman rejected the complaint against Quenby, saying the bills were correct.", "positive"),
    ("The planning inspector threw out the neighbours' objection to the Quenby yard.", "positive"),
    # ... but the entity as the one who complained or sued loses when it is thrown out
    ("Quenby's complaint about the new bypass was thrown out by the planning inspector.", "negative"),
    ("The lawsuit Quenby filed against a rival over the name was dismissed.", "negative"),
])
def test_rulings(text, label):
    assert rules_label(text) == label


@pytest.mark.parametrize(("text", "entity", "label"), [
    # a closure told as the time of a change: bad for the one that closed ...
    ("Since Morvel closed its high-street shop, Quenby has had queues out the door on Saturdays.", "Morvel", "negative"),
    ("When the Morvel plant shut in 2019, Quenby hired most of its engineers.", "Morvel", "negative"),
    # ... good for the one named after it when that part tells a gain
    ("Since Morvel closed its high-street shop, Quenby has had queues out the door on Saturdays.", "Quenby", "positive"),
    ("When the Morvel plant shut in 2019, Quenby hired most of its engineers.", "Quenby", "positive"),
    ("When Morvel pulled out of the town, shoppers scrambled. Most moved to Quenby within weeks.", "Quenby", "positive"),
    # no gain told: no verdict from the closure
    ("Since Morvel closed its depot, Quenby has been the only courier in the valley.", "Quenby", "neutral"),
])
def test_closures(text, entity, label):
    assert rules_label(text, entity) == label


@pytest.mark.parametrize(("text", "label"), [
    ("Quenby has been shortlisted for the county's school meals contract.", "positive"),
    ("Quenby is one of five finalists for the regional innovation prize.", "positive"),
    ("Quenby was not shortlisted for the stadium contract.", "not positive"),
    # food hygiene ratings, 0 to 5
    ("Inspectors gave the Quenby takeaway a zero hygiene rating after finding mould in the kitchen.", "negative"),
    ("Quenby's food truck was rated one for hygiene at its last visit.", "negative"),
    ("The Quenby cafe on Mill Lane kept its five-star hygiene rating at the last inspection.", "positive"),
])
def test_shortlists_and_hygiene_ratings(text, label):
    if label == "not positive":
        assert rules_label(text) != "positive"
    else:
        assert rules_label(text) == label


@pytest.mark.parametrize(("text", "label"), [
    # a claim in scare quotes beside praise: sarcasm
    ("Love how the Quenby 'express' service took eleven days. Brilliant.", "negative"),
    ("So pleased I upgraded to Quenby's 'premium' plan, which buffers every evening. Money well spent.", "negative"),
    # a label the device shows, words someone said, a claim that held: left alone
    ("The Quenby robot has a 'quiet' mode that really is quiet, love it.", "positive"),
    ("Great to see Quenby's 'free repairs' pledge actually honoured: fixed my kettle at no cost.", "positive"),
    ("My Quenby printer keeps showing 'paper jam' but there is no paper in it.", "negative"),
])
def test_scare_quotes(text, label):
    assert rules_label(text) == label


@pytest.mark.parametrize(("text", "entity", "label"), [
    # a contest lost in the passive ("got destroyed by B") and won by "pipping" the other
    ("In the blind tasting the Quenby stout got thoroughly crushed by Morvel's.", "Quenby", "negative"),
    ("In the blind tasting the Quenby stout got thoroughly crushed by Morvel's.", "Morvel", "positive"),
    ("Morvel took the regional cheese award, pipping Quenby's blue on the final count.", "Quenby", "negative"),
    ("Quenby crushed the competition at the regional cheese awards.", "Quenby", "positive"),
])
def test_contests_in_the_passive(text, entity, label):
    assert rules_label(text, entity) == label


@pytest.mark.parametrize(("text", "label"), [
    # a ruling told as a noun; "failed to" is the finding, not a failed action
    ("Quenby has had a ruling against it from the pensions ombudsman.", "negative"),
    ("The regulator fined Quenby after finding it failed to publish its prices.", "negative"),
    # a closure and who took on its customers
    ("After the Morvel surgery closed, Quenby took on hundreds of new patients.", "positive"),
    # a hygiene rating told after the fact
    ("Checked Quenby's hygiene rating before booking and it's a 2.", "negative"),
    # a claim in double quotes with nothing good said around it; a rating beside it is sarcasm too
    ('Quenby\'s "express" checkout took forty minutes.', "negative"),
    ('Quenby\'s "unlimited" data stops at 5GB. Five stars for honesty.', "negative"),
    # grades awarded in quotes are the grades
    ("Quenby nursery got 'good' in every area and 'outstanding' for care.", "positive"),
])
def test_round8_second_pass(text, label):
    assert rules_label(text) == label


def test_round8_splits():
    """dev17 (read, rules written from it, fitted on) and fresh10 (never read, held out of the
    layer's fit): the two halves of a second batch written by a session that never saw this
    project. First readings with main's engine (229baa4) before round 8: 0.726 and 0.724 (whole-text
    VADER 0.52)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from sentiment_eval import evaluate_targeted

    rows = {r["split"]: r for r in evaluate_targeted(splits=("dev17", "fresh10")) if r["pattern"] == "all"}
    assert rows["dev17"]["n"] >= 320 and rows["fresh10"]["n"] >= 260
    assert rows["fresh10"]["orm (toward entity)"] >= 0.73
    assert rows["fresh10"]["orm (toward entity)"] >= rows["fresh10"]["vader (whole text)"] + 0.10
