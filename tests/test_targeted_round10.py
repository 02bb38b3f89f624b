"""Round 10's targeted rules: a choice between two providers that is only asked about or weighed
is no win or loss for either (sentiment._asked_or_weighed, in _rival_of and _role_of); an appeal
the court refused to hear, or permission to appeal refused, is bad for the one who appealed
(_LEGAL_FAIL, _PLAINTIFF); good and bad news told as plain facts (jobs created, a place in a
stock index; bills not paid, orders down, a service stopped: _EVENT_PHRASES). Wording in none of the data sets, invented names; each rule with a case
it must leave alone. Checked on the rules alone (rules_toward): the learned layer is re-fitted on top."""

from __future__ import annotations

import pytest

from tests.targeted_support import rules_label


@pytest.mark.parametrize(("text", "entity", "label"), [
    ("Is Quenby Telecom better than Marrow Mobile for signal in the hills?", "Quenby Telecom", "neutral"),
    ("Is Quenby Telecom better than Marrow Mobile for signal in the hills?", "Marrow Mobile", "neutral"),
    ("Would you pick Quenby Telecom over Marrow Mobile for a family plan?", "Marrow Mobile", "neutral"),
    ("Quenby Telecom or Marrow Mobile for a student, which is better value?", "Quenby Telecom", "neutral"),
    ("Thinking of switching from Quenby Telecom to Marrow Mobile. Is it worth it?", "Quenby Telecom", "neutral"),
    # ... but a choice made, even asked about afterwards, still has a loser
    ("Quenby Telecom beat Marrow Mobile to the rail contract.", "Marrow Mobile", "negative"),
    ("Why did Quenby Telecom beat Marrow Mobile to the rail contract?", "Marrow Mobile", "negative"),
    ("Anyone else's Quenby router losing wifi every night since the update?", "Quenby", "negative"),
])
def test_choices_asked_about(text, entity, label):
    assert rules_label(text, entity) == label


@pytest.mark.parametrize(("text", "label"), [
    ("The Court of Appeal refused Quenby Foods permission to appeal, ending its bid to overturn the fine.", "negative"),
    ("The Supreme Court declined to hear Quenby Foods's appeal.", "negative"),
    ("The Supreme Court's refusal to hear Quenby Foods' appeal leaves the firm facing a large bill.", "negative"),
    ("The court dismissed Quenby Foods' claim against its former landlord.", "negative"),
    # ... an appeal brought against the entity refused is good for it
    ("Judges refused an appeal by residents against Quenby Foods's new depot.", "positive"),
])
def test_appeals_refused(text, label):
    assert rules_label(text, "Quenby Foods") == label


@pytest.mark.parametrize(("text", "label"), [
    # good news told as a plain fact
    ("Quenby Foods has taken on 200 apprentices at its Derby site.", "positive"),
    ("Quenby Foods is hiring 350 new drivers ahead of the winter.", "positive"),
    ("Quenby Foods has been added to the FTSE 100.", "positive"),
    # bad news told as a plain fact
    ("Quenby Foods has not paid its suppliers since March, three of them told us.", "negative"),
    ("Orders at Quenby Foods were down a third on last year.", "negative"),
    ("Quenby Foods will stop serving customers in Northern Ireland from June.", "negative"),
    # ... left alone: jobs cut, a figure down with a gain beside it
    ("Quenby Foods will cut 400 jobs.", "negative"),
    ("Quenby Foods said sales were down 2% but profits rose sharply.", "positive"),
])
def test_plain_facts(text, label):
    assert rules_label(text, "Quenby Foods") == label


@pytest.mark.parametrize(("text", "label"), [
    # a service, range or site withdrawn; a price put up; a loss made
    ("Quenby Foods will discontinue its Sunny Oats range in Ireland next spring.", "negative"),
    ("Quenby Foods has shut its depot in Hull, moving the work to Leeds.", "negative"),
    ("Quenby Foods' budget plan will be withdrawn from 1 May.", "negative"),
    ("Quenby Foods says support for its old app will end in June.", "negative"),
    ("Quenby Foods has put the meal deal up to £6.50.", "negative"),
    ("Quenby Foods made a £9m loss last year.", "negative"),
    # good news as plain facts: new sites, longer hours, a number up, a return promised
    ("Quenby Foods has opened three new shops in Cork.", "positive"),
    ("Quenby Foods has extended its opening hours at six stores after customer requests.", "positive"),
    ("Bookings at Quenby Foods' cafes were up 15% on last summer.", "positive"),
    ("Lunch from Quenby Foods was hot and on time. Would order again.", "positive"),
    ("Quenby Foods successfully sued a rival over its copied packaging.", "positive"),
    ("Quenby Foods has started charging £2 for delivery.", "negative"),
    # ... left alone
    ("Cold food from Quenby Foods. Would never order again.", "negative"),
    ("Quenby Foods opened a new chapter with its annual report.", "neutral"),
])
def test_plain_facts_round10(text, label):
    assert rules_label(text, "Quenby Foods") == label
