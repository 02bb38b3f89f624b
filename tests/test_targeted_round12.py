"""Round 12's targeted rules (from dev21's misses): good news told as demand or a clean record (an
issue oversubscribed, orders stretching ahead, a waiting list, a follow-on order, agreements renewed,
applicants per place, first in a survey, "no irregularities", zero complaints, guidance kept, a loan
repaid early, jobs protected); bad news told blandly (later than planned, "longer than usual",
"not where we want to be", capacity reduced, outflows climbing, an endpoint not met, a programme
dropped, restrictions placed, defects at three times the average, waits reaching N weeks, "only 9 of
the 30 promised"); calm complaints and faint praise; praise aimed at a price rise; a role the
segment's own bad news contradicts; the words of a name read as a name ("the Perfect Pitch school").
Wording in none of the data sets, invented names; each rule with a case it must leave alone.
Checked on the rules alone (rules_toward): the learned layer is re-fitted on top."""

from __future__ import annotations

import pytest

from tests.targeted_support import rules_label


@pytest.mark.parametrize(("text", "label"), [
    ("Marlowe Foods' first share sale was three times oversubscribed.", "positive"),
    ("Orders for Marlowe Foods' new oven already stretch into next spring.", "positive"),
    ("Marlowe Foods has a six-month waiting list for its hampers.", "positive"),
    ("The council placed a follow-on order for Marlowe Foods' school meals.", "positive"),
    ("Nine in ten of Marlowe Foods' stockists renewed their contracts this year.", "positive"),
    ("Marlowe Foods had five applicants per place on its apprenticeship scheme.", "positive"),
    ("The trade survey ranked Marlowe Foods first for on-time delivery.", "positive"),
    ("The inspectors found no irregularities in Marlowe Foods' accounts.", "positive"),
    ("Marlowe Foods reaffirmed its full-year guidance on Tuesday.", "positive"),
    ("Marlowe Foods repaid its bank loan a year early.", "positive"),
    ("Marlowe Foods met all nine of its food safety targets.", "positive"),
    # ... left alone: demand for someone else, a loan taken, a target missed
    ("Marlowe Foods took out a bank loan to fund the new site.", "neutral"),
    ("Marlowe Foods has not met its delivery targets this year.", "negative"),
])
def test_demand_and_a_clean_record(text, label):
    assert rules_label(text, "Marlowe Foods") == label


@pytest.mark.parametrize(("text", "label"), [
    ("Marlowe Health said the new ward would open nine months later than planned.", "negative"),
    ("Marlowe Health said referrals were taking longer than usual.", "negative"),
    ("Marlowe Health called its waiting figures not where we want to be.", "negative"),
    ("Marlowe Health has temporarily reduced capacity at its eye clinic.", "negative"),
    ("Marlowe Health's drug did not meet its primary endpoint in the second trial.", "negative"),
    ("Marlowe Health will discontinue the programme after the results.", "negative"),
    ("The regulator has placed restrictions on Marlowe Health's new admissions.", "negative"),
    ("Auditors have begun an investigation into Marlowe Health's billing.", "negative"),
    ("Complaints about Marlowe Health ran at twice the national average.", "negative"),
    ("Waiting times for scans at the Marlowe Health clinic in the north reached 30 weeks.", "negative"),
    ("Only 9 of the 30 clinics Marlowe Health promised have opened.", "negative"),
    ("Marlowe Health closed 6 of its 20 walk-in centres last year.", "negative"),
    # ... left alone: a date kept, plain capacity
    ("Marlowe Health said the new ward would open as planned in May.", "neutral"),
])
def test_bad_news_told_blandly(text, label):
    assert rules_label(text, "Marlowe Health") == label


@pytest.mark.parametrize(("text", "label"), [
    ("Day 9 of waiting for Marlowe Broadband to connect us.", "negative"),
    ("The Marlowe Broadband router was fine before the firmware update. Now it reboots every night.", "negative"),
    ("Marlowe Broadband: my refund has now taken seven weeks.", "negative"),
    ("Marlowe Broadband again: at renewal my bill went up 40%. Shopping around now.", "negative"),
    ("Tried Marlowe Broadband for the deal. Not sure I'll stay after the trial.", "negative"),
    ("Still waiting for a reply from Marlowe Broadband about the outage.", "negative"),
    # ... left alone: a first appointment, a reply received
    ("Marlowe Broadband booked my first appointment for Monday.", "neutral"),
])
def test_calm_complaints(text, label):
    assert rules_label(text, "Marlowe Broadband") == label


@pytest.mark.parametrize(("text", "label"), [
    ("To be charitable, the Marlowe Inn has a lovely sign.", "negative"),
    ("I'll say this for the Marlowe Inn: the car park was big.", "negative"),
    ("The Marlowe Inn has a nice garden I guess", "negative"),
    ("Still can't book a table at the Marlowe Inn online.", "negative"),
    # ... left alone: plain praise
    ("The Marlowe Inn has a lovely garden and the staff were kind.", "positive"),
])
def test_faint_praise(text, label):
    assert rules_label(text, "Marlowe Inn") == label


@pytest.mark.parametrize(("text", "entity", "label"), [
    ("absolutely thrilled that Marlowe Parking has raised the evening rate again", "Marlowe Parking", "negative"),
    ("big thanks to Marlowe Water for the brown water in my kettle", "Marlowe Water", "negative"),
    # ... left alone: thanks for a rate cut
    ("absolutely thrilled that Marlowe Parking has cut the evening rate", "Marlowe Parking", "positive"),
])
def test_praise_at_a_price_rise(text, entity, label):
    assert rules_label(text, entity) == label


@pytest.mark.parametrize(("text", "entity", "label"), [
    # the words of a name are no opinion
    ("Perfect Pitch Music School has 12 branches and about 900 pupils.", "Perfect Pitch Music School", "neutral"),
    ("The Perfect Morning range of cereals is made by Marlowe Mills for discount chains.", "Marlowe Mills", "neutral"),
    # ... left alone: a name with no rated word, an award's title, praise around a name
    ("Marlowe Mills was named Best Regional Baker at the show.", "Marlowe Mills", "positive"),
    ("Perfect Pitch Music School is brilliant, my son loves it.", "Perfect Pitch Music School", "positive"),
])
def test_words_of_a_name(text, entity, label):
    assert rules_label(text, entity) == label
