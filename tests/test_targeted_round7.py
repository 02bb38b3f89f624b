"""Round 7's targeted rules (sentiment.py): sarcasm without emoji aimed at a let-down, an
instruction under a condition or a purpose, a date-only segment, a question after a short
lead-in, a spec sheet or a notice of hours and dates, a verdict the writer calls mixed, the
entity's building as a landmark, a reassurance with an adverb. Wording in none of the data sets, an invented name; each rule with a case it must leave
alone. Checked on the rules alone (rules_toward): the learned layer is re-fitted on top of them."""

from __future__ import annotations

import pytest

from tests.targeted_support import rules_label


@pytest.mark.parametrize(("text", "label"), [
    # praise opening a segment, aimed ("for", "when", "that", a colon) at a let-down in it: sarcasm
    ("Thanks Quenby for the 3-hour delay, really made my day.", "negative"),
    ("Love it when Quenby cancels my flight an hour before boarding.", "negative"),
    ("Best part of my day: the Quenby app logging me out for the fifth time.", "negative"),
    ("Just what I needed: Quenby raising my bill by 20 percent.", "negative"),
    ("Really loving the new Quenby update that deletes my saved passwords.", "negative"),
    # ... not when the let-down is fixed, negated, turned, or the praise is for something else
    ("Thanks Quenby for sorting the delay so quickly.", "not negative"),
    ("Love my Quenby phone, three years and it has never crashed.", "positive"),
    ("Love that Quenby refunded me when my train was cancelled.", "positive"),
    ("Loving the new Quenby update, the battery lasts twice as long.", "positive"),
    # sarcastic frames: "who needs a working …", "A's idea of a quick fix is …"
    ("Quenby: because who needs a working heater in January.", "negative"),
    ("Quenby's idea of a quick fix is a six-week wait for a part.", "negative"),
    # a bare word of praise opening a text before a let-down
    ("Wonderful. Quenby has cancelled my booking again, with no explanation.", "negative"),
    ("Wonderful. Quenby delivered the sofa a day early and the fitters were lovely.", "positive"),
])
def test_sarcasm_without_emoji_aimed_at_a_letdown(text, label):
    if label == "not negative":  # left alone (the rules before round 7 read it neutral)
        assert rules_label(text) != "negative"
    else:
        assert rules_label(text) == label


@pytest.mark.parametrize(("text", "label"), [
    # an instruction under a condition or a purpose is advice, not a verdict
    ("If your Quenby boiler shows error E119, check the pressure gauge first.", "neutral"),
    ("To get the best from a Quenby air fryer, preheat it for three minutes.", "neutral"),
    # a recommendation or a warning in the same shape still is one
    ("If you want a reliable boiler, go for Quenby.", "positive"),
    ("When your Quenby router drops out every night, ring support and prepare to wait an hour.", "negative"),
    # a segment that only dates an announcement; a question after a short lead-in
    ("Quenby has appointed Jane Ford as chief financial officer, effective 1 March.", "neutral"),
    ("Quick question: does the Quenby app let you split bills between flatmates?", "neutral"),
])
def test_advice_dates_and_questions_are_no_verdict(text, label):
    assert rules_label(text) == label


@pytest.mark.parametrize(("text", "label"), [
    # a spec sheet or a notice: a measure, a time or a date with a verb of specification or schedule
    ("The Quenby toaster weighs 1.9 kg, has four slots and comes with a crumb tray.", "neutral"),
    ("Quenby Library will be closed on Monday 4 May. Online renewals will remain available.", "neutral"),
    ("The Quenby chess club meets in the upstairs room every Thursday at 7.30pm, all welcome.", "neutral"),
    # an event, a negation or an opinion in the same shape is news
    ("Quenby customers have been unable to log in since Friday.", "negative"),
    ("Ordered from Quenby on Monday, it arrived on Wednesday and fits perfectly.", "positive"),
    ("Quenby cut 300 jobs at its Leeds plant on Monday.", "negative"),
    # the writer calls the verdict mixed
    ("The Quenby hotel has lovely rooms but a noisy bar under them. Swings and roundabouts.", "neutral"),
    ("Quenby's quarterly figures were a mixed bag: web sales up, store sales down.", "neutral"),
    ("The Quenby kettle is a bit loud, but it boils fast and looks lovely.", "positive"),
    # the entity's building as a landmark; a reassurance with an adverb
    ("Watched the fireworks from the Quenby building car park, best view in town.", "neutral"),
    ("A van hit a lamp post near a Quenby depot on Friday. No one was seriously hurt.", "neutral"),
])
def test_notices_mixed_verdicts_and_landmarks(text, label):
    assert rules_label(text) == label


def test_round7_splits():
    """dev16 (read, rules written from it, fitted on) and fresh9 (never read, held out of the
    layer's fit): the two halves of a batch written by a session that never saw this project.
    First readings with main's engine before round 7: 0.662 and 0.668 (whole-text VADER 0.51)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from sentiment_eval import evaluate_targeted

    rows = {r["split"]: r for r in evaluate_targeted(splits=("dev16", "fresh9")) if r["pattern"] == "all"}
    assert rows["dev16"]["n"] >= 300 and rows["fresh9"]["n"] >= 290
    assert rows["fresh9"]["orm (toward entity)"] >= 0.72
    assert rows["fresh9"]["orm (toward entity)"] >= rows["fresh9"]["vader (whole text)"] + 0.10
