"""Topic classification, journey stage, and their use in the pipeline and filters."""

from __future__ import annotations

import json

import pytest

from orm_desktop.analysis.topics import classify, labels, stage
from orm_desktop.types import MentionFilter

pytestmark = pytest.mark.both_backends  # the service fixtures run on SQLite and PostgreSQL


@pytest.mark.parametrize("text, expected", [
    ("Velora recalls 12,400 e-bikes over battery fire risk", {"crisis_recall"}),
    ("The regulator opened an inquiry and lawyers filed a class action", {"legal_regulatory"}),
    ("Support was slow and I am still waiting for my refund", {"customer_service", "delivery"}),
    ("Revenue rose 12% and margins improved, the CFO told analysts", {"financial_results", "leadership"}),
    ("The company announced a partnership with the city", {"partnerships", "launches"}),
    ("A lovely ride along the river", set()),
])
def test_topics(text, expected):
    assert set(classify(text)) == expected


@pytest.mark.parametrize("text, expected", [
    ("Thinking about buying a Velora Arc, is it worth it?", "consideration"),
    ("Just bought my first Velora", "purchase"),
    ("I recommend it to everyone", "advocacy"),
    ("Velora unveils a new model", "awareness"),
    ("The weather was grey", ""),
])
def test_journey_stage(text, expected):
    assert stage(text) == expected


def test_a_workspace_taxonomy_replaces_the_shipped_one():
    custom = json.dumps({"topics": {"hills": {"label": "Hill climbing", "keywords": ["hill*", "steep"]}}})
    assert classify("Great on steep hills", custom) == ["hills"]
    assert labels(custom) == {"hills": "Hill climbing"}


def test_demo_mentions_carry_topics_and_the_topic_filter_works(demo_service):
    crisis = demo_service.count_mentions(MentionFilter(topic="crisis_recall"))
    assert crisis >= 40
    for m in demo_service.mentions(MentionFilter(topic="crisis_recall"), limit=1000):
        assert "crisis_recall" in m.topics
    top = dict(demo_service.top_topics(None, 0, 2**31))
    assert "crisis_recall" in top and top["crisis_recall"] == crisis


def test_workspace_taxonomy_is_used_at_ingest(empty_service, tmp_path):
    feed = tmp_path / "f.xml"
    feed.write_text('<rss version="2.0"><channel><title>T</title><item><title>Acme conquers steep hills</title>'
                    "<link>https://t.example/1</link><description>Acme bikes climb steep hills.</description>"
                    "</item></channel></rss>")
    empty_service.set_setting("topics", {"topics": {"hills": {"label": "Hills", "keywords": ["hill*"]}}})
    empty_service.add_entity("brand", "Acme", match_existing=False)
    empty_service.add_feed(feed.as_uri())
    empty_service.fetch()
    m = empty_service.mentions(limit=1)[0]
    assert m.topics == ("hills",)


def test_items_in_unsupported_languages_are_marked_never_silently_neutral(empty_service, tmp_path, run_cli):
    from orm_desktop.analysis.language import detect

    assert detect("Die Firma hat die Ergebnisse für das Jahr veröffentlicht und ist zufrieden.") == "de"
    assert detect("The company said it would publish the results next week.") == "en"
    assert detect("Acme rocks") == ""  # too short to say
    feed = tmp_path / "f.xml"
    feed.write_text('<rss version="2.0"><channel><title>T</title>'
                    "<item><title>Acme ha le migliori bici, e i clienti sono molto contenti del servizio</title>"
                    "<link>https://l.example/1</link></item>"
                    "<item><title>Acme has the best bikes and the customers are happy with the service</title>"
                    "<link>https://l.example/2</link></item></channel></rss>")
    empty_service.add_entity("brand", "Acme", match_existing=False)
    empty_service.add_feed(feed.as_uri())
    empty_service.fetch()
    by_lang = {m.lang: m for m in empty_service.mentions(limit=10)}
    assert by_lang["it"].label == "unsupported" and by_lang["it"].score_source == "unsupported_language"
    assert by_lang["en"].label == "positive"
    assert empty_service.count_mentions(MentionFilter(sentiment="neutral")) == 0
    assert [m.lang for m in empty_service.mentions(MentionFilter(lang="it"))] == ["it"]
    r = run_cli("mentions", "--lang", "it", "--format", "json", workspace=empty_service.ws.location)
    assert [x["lang"] for x in json.loads(r.stdout)] == ["it"]
