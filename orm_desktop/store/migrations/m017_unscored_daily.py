"""Mentions in a language no engine scores, counted as their own group in the daily rollup
(issue 14: "other languages stay marked unsupported, never silently neutral"). The inbox reads
such a mention "n/a" (label ``unsupported``: ``score_source = 'unsupported_language'`` and no
person's override), but ``mention_daily`` bucketed by the score only, so every chart and KPI
counted it as neutral. ``mention_daily.unscored`` counts them; ``neutral`` no longer does (the
inbox's neutral: ``store.mentions.SENTIMENT_SQL``); ``total`` still does (volume, share of
voice). A person's override makes a mention scored: the triggers fire on ``override`` and
``score_source`` too. The existing rows are rebuilt from the mentions in one set-based statement
per table (a GROUP BY over the mentions, as ``copy.rebuild_rollups``). PostgreSQL: ``p017``."""

from __future__ import annotations

import sqlite3

# the rollup's columns of one mention ``r`` (NEW / OLD / a table alias): the inbox's labels
UNSCORED = "({r}.score_source = 'unsupported_language' AND {r}.override IS NULL)"
POSITIVE = "({r}.sentiment >= 0.05)"
NEUTRAL = "({r}.sentiment > -0.05 AND {r}.sentiment < 0.05 AND NOT " + UNSCORED + ")"
NEGATIVE = "({r}.sentiment <= -0.05)"


def _values(r: str) -> str:
    return ", ".join(x.format(r=r) for x in (POSITIVE, NEUTRAL, NEGATIVE)) + f", {r}.sentiment, " \
        + UNSCORED.format(r=r)


_MINUS = ("UPDATE mention_daily SET total = total - 1, positive = positive - {p}, neutral = neutral - {n}, "
          "negative = negative - {g}, sentiment_sum = sentiment_sum - old.sentiment, unscored = unscored - {u} "
          "WHERE entity_id = old.entity_id AND day = old.published / 86400;").format(
    p=POSITIVE.format(r="old"), n=NEUTRAL.format(r="old"), g=NEGATIVE.format(r="old"), u=UNSCORED.format(r="old"))
_PLUS = ("INSERT INTO mention_daily (entity_id, day, total, positive, neutral, negative, sentiment_sum, unscored) "
         f"VALUES (new.entity_id, new.published / 86400, 1, {_values('new')}) "
         "ON CONFLICT (entity_id, day) DO UPDATE SET total = total + 1, positive = positive + excluded.positive, "
         "neutral = neutral + excluded.neutral, negative = negative + excluded.negative, "
         "sentiment_sum = sentiment_sum + excluded.sentiment_sum, unscored = unscored + excluded.unscored;")


def apply(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE mention_daily ADD COLUMN unscored INTEGER NOT NULL DEFAULT 0")
    conn.execute("DROP TRIGGER IF EXISTS mention_daily_ad")
    conn.execute("DROP TRIGGER IF EXISTS mention_daily_au")
    conn.execute(f"CREATE TRIGGER mention_daily_ad AFTER DELETE ON mentions BEGIN {_MINUS} END")
    conn.execute("CREATE TRIGGER mention_daily_au AFTER UPDATE OF sentiment, published, entity_id, override, "
                 f"score_source ON mentions BEGIN {_MINUS} {_PLUS} END")
    # the figures of every day again, from the mentions: one statement (a GROUP BY)
    conn.execute("DELETE FROM mention_daily")
    conn.execute(
        "INSERT INTO mention_daily (entity_id, day, total, positive, neutral, negative, sentiment_sum, unscored) "
        f"SELECT m.entity_id, m.published / 86400, count(*), sum({POSITIVE.format(r='m')}), "
        f"sum({NEUTRAL.format(r='m')}), sum({NEGATIVE.format(r='m')}), sum(m.sentiment), "
        f"sum({UNSCORED.format(r='m')}) FROM mentions m GROUP BY 1, 2")
