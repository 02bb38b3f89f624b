"""Round 11's targeted rules (from dev20's misses): good news told blandly (a contract renewed or
kept, a further order, results ahead of guidance, a backlog at its highest, a trial endpoint or
service levels met, unqualified accounts, a bug fixed or gone, a product that hasn't faded, a
repeat purchase); bad news told blandly (a provision for redress, a regulatory settlement,
undertakings accepted by a regulator, an enforcement notice, payments deferred); a reviewer's
verdict ("won't return", "can't recommend", "look elsewhere"); sarcastic openers and waits told as
"only six weeks"; no news ("declined to comment", "an undisclosed sum", "in line with the market").
Wording in none of the data sets, invented names; each rule with a case it must leave alone.
Checked on the rules alone (rules_toward): the learned layer is re-fitted on top."""

from __future__ import annotations

import pytest

from tests.targeted_support import rules_label


@pytest.mark.parametrize(("text", "label"), [
    ("Quenby Foods said its catering contract with the hospital trust has been extended for three years.", "positive"),
    ("Quenby Foods kept its franchise to run the station cafes after a rebid.", "positive"),
    ("The supermarket has signed a further two-year supply deal with Quenby Foods.", "positive"),
    ("First-half sales at Quenby Foods were slightly above expectations.", "positive"),
    ("Quenby Foods said its order book stood at its highest level since 2015.", "positive"),
    ("Quenby Foods met all of its delivery targets in the second quarter.", "positive"),
    ("The auditor gave Quenby Foods an unqualified opinion this year.", "positive"),
    # ... left alone: a target missed, a contract lost
    ("Quenby Foods missed its delivery targets in the second quarter.", "negative"),
    ("Quenby Foods lost its catering contract with the hospital trust.", "negative"),
])
def test_bland_good_news(text, label):
    assert rules_label(text, "Quenby Foods") == label


@pytest.mark.parametrize(("text", "entity", "label"), [
    ("The lag in the Quenby app is gone since the update.", "Quenby", "positive"),
    ("Quenby fixed the login glitch within a day of my report.", "Quenby", "positive"),
    ("Three years on, the Quenby rug hasn't faded at all.", "Quenby", "positive"),
    ("Ordered two more Quenby lamps for the hallway.", "Quenby", "positive"),
    ("Fourth time ordering from Quenby Bakes and still impressed.", "Quenby Bakes", "positive"),
    ("Quenby Bakes, we'll be back.", "Quenby Bakes", "positive"),
    # ... left alone: a fix that is no fix, a fault that started
    ("Quenby fixed the battery problem by no longer selling the bigger battery.", "Quenby", "negative"),
    ("Since the patch my Quenby speaker keeps crashing.", "Quenby", "negative"),
])
def test_reviews_good(text, entity, label):
    assert rules_label(text, entity) == label


@pytest.mark.parametrize(("text", "label"), [
    ("Quenby Bank set aside a provision of £40m for compensating mis-sold customers.", "negative"),
    ("The regulator fined nobody but accepted undertakings from Quenby Bank over its overdraft fees.", "negative"),
    ("Quenby Bank has agreed a regulatory settlement over its complaint handling.", "negative"),
    ("Quenby Bank was handed an enforcement notice by the pensions watchdog.", "negative"),
    ("Quenby Bank has asked to defer payments to its bondholders until 2027.", "negative"),
    # ... left alone: a provision of a service
    ("Quenby Bank's provisions team will move to Leeds.", "neutral"),
])
def test_bland_bad_news(text, label):
    assert rules_label(text, "Quenby Bank") == label


@pytest.mark.parametrize(("text", "label"), [
    ("We ate at the Quenby Hotel on Friday and will not be returning.", "negative"),
    ("Nice views, but honestly I can't recommend the Quenby Hotel.", "negative"),
    ("The Quenby Hotel has a pool. Otherwise I would look elsewhere.", "negative"),
    ("The lobby of the Quenby Hotel is grand, I'll give them that.", "negative"),
    ("Oh great, the Quenby Hotel has lost my booking again.", "negative"),
    ("The Quenby Hotel answered my complaint in only four weeks.", "negative"),
    # ... left alone
    ("We stayed at the Quenby Hotel in June.", "neutral"),
])
def test_reviewers_verdicts(text, label):
    assert rules_label(text, "Quenby Hotel") == label


@pytest.mark.parametrize(("text", "label"), [
    ("A spokesman for Quenby Group declined to comment on reports of job cuts.", "neutral"),
    ("Quenby Group bought a small software firm for an undisclosed sum.", "neutral"),
    ("Shares in Quenby Group fell 2% in line with the wider market.", "neutral"),
    # ... left alone: a real move, silence on a lawsuit
    ("Quenby Group shares jumped 12% after record results.", "positive"),
    ("Quenby Group declined to comment on the lawsuit over its faulty boilers.", "negative"),
])
def test_no_news(text, label):
    assert rules_label(text, "Quenby Group") == label


@pytest.mark.parametrize(("text", "entity", "label"), [
    # praise and complaints side by side: the review's last word decides
    ("The Quenby Lodge is beautiful and the views are stunning, but the rooms were freezing. Would not stay again.", "Quenby Lodge", "negative"),
    ("Gorgeous jacket, and the Quenby stitching is neat. The zip broke in a month though, so no, I can't recommend Quenby.", "Quenby", "negative"),
    ("The showers at the Quenby Lodge are basic and the wifi is patchy, but the hosts are lovely. Booked again for May.", "Quenby Lodge", "positive"),
    # ... left alone: a last word that is no verdict
    ("The Quenby Lodge has a lovely garden. We arrived on Friday.", "Quenby Lodge", "positive"),
])
def test_closing_verdict(text, entity, label):
    assert rules_label(text, entity) == label


@pytest.mark.parametrize(("text", "label"), [
    # praise aimed at a let-down: a surprise bill, hours of it
    ("shoutout to Quenby Power for the surprise £250 bill", "negative"),
    ("appreciate Quenby Power giving me the full call-centre experience, 3 hours of it", "negative"),
    # ... left alone: praise for a fix
    ("appreciate Quenby Power giving me a refund the same day", "positive"),
])
def test_praise_at_letdown(text, label):
    assert rules_label(text, "Quenby Power") == label
