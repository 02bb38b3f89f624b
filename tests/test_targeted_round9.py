"""Round 9's targeted rules (sentiment._evidence6): a troubleshooting tip whose condition is a fault
is advice, not a verdict; good news told as less of a bad thing (a lowering verb before something
nobody wants more of). Wording in none of the data sets, invented names; each rule with a case it
must leave alone. Checked on the rules alone (rules_toward): the learned layer is re-fitted on top."""

from __future__ import annotations

import pytest

from tests.targeted_support import rules_label


@pytest.mark.parametrize(("text", "label"), [
    # a tip under a condition that is a fault: advice
    ("If your Quenby Hub won't connect, unplug it, hold the reset button and wait for the blue light.", "neutral"),
    ("If your Quenby Hub keeps dropping the signal, restart it and move it away from the microwave.", "neutral"),
    ("Handy tip for anyone with a Quenby Hub: if it won't pair with the app, switch your phone to 2.4 GHz only.", "neutral"),
    ("If the Quenby Hub shows E4, that's the aerial sensor. Power it off for a minute.", "neutral"),
    ("For anyone whose Quenby Hub refuses to log in: clear the app cache rather than reinstalling.", "neutral"),
    ("if ur Quenby Hub won't start, close the app fully and try again. worked for me", "neutral"),
    # ... but not when the writer tells their own case, or a let-down follows the condition
    ("If your Quenby Hub breaks like mine did, return it for a refund.", "negative"),
    ("If your Quenby Hub order is late again, don't bother calling, they never answer.", "negative"),
])
def test_fault_conditions_in_tips(text, label):
    assert rules_label(text, "Quenby Hub") == label


@pytest.mark.parametrize(("text", "label"), [
    ("Quenby has cut the sugar in its cereals by 30%, ahead of the new rules.", "positive"),
    ("Quenby reduced waiting times at its clinics by a third last year.", "positive"),
    ("Quenby has halved the number of late trains since January.", "positive"),
    ("Quenby recorded the fewest complaints of any large lender this year.", "positive"),
    ("Quenby has the lowest rate of customer complaints among big insurers.", "positive"),
    ("Quenby reports that card fraud losses among its members fell by 40% after the new checks.", "positive"),
    ("Quenby reports a 30% fall in staff turnover across its branches.", "positive"),
    ("Quenby reduced the time taken to process a claim from a month to a week.", "positive"),
    ("Quenby announced that all its tariffs will be reduced by 5% from June.", "positive"),
    ("Quenby shares fell by 10% on the news.", "negative"),
    # cutting what people want more of, or only failing or promising to cut, is not good news
    ("Quenby has cut 300 jobs at its Leeds plant.", "negative"),
    ("Quenby cut its dividend after a weak year.", "negative"),
    ("Quenby failed to reduce delays despite the new timetable.", "negative"),
])
def test_less_of_a_bad_thing(text, label):
    assert rules_label(text) == label


@pytest.mark.parametrize(("text", "label"), [
    # thanks or praise for something named in scare quotes: sarcasm
    ('Hats off to Quenby for their clever "upgrade" that made the app twice as slow.', "negative"),
    ('Really appreciated how Quenby "carefully handled" my parcel by dropping it off a van.', "negative"),
    ('Ah yes, the famous Quenby "price freeze", where the price goes up every spring.', "negative"),
    # ... not plain thanks, not when the claim held
    ("Hats off to Quenby for the quick refund.", "positive"),
    ('Kudos to Quenby for their "no quibble" returns, which really did mean no quibbles. Brilliant.', "positive"),
])
def test_thanks_for_a_claim_in_scare_quotes(text, label):
    assert rules_label(text) == label


@pytest.mark.parametrize(("text", "label"), [
    # the entity's building as where someone else's event happened
    ("Candlelit vigil outside the Quenby Hall tonight, so many people came out for him", "neutral"),
    ("The march started outside the Quenby Hall and ended at the town hall, where the mayor refused to come out.", "neutral"),
    # ... not its own premises as the target, not its customers queueing
    ("Protesters gathered outside Quenby Hall's offices demanding the resignation of its director.", "negative"),
    ("Dinner at the Quenby Hall was superb, the lamb was perfect.", "positive"),
])
def test_the_entity_as_where_an_event_happened(text, label):
    assert rules_label(text, "Quenby Hall") == label
