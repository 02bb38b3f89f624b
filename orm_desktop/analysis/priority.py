"""Priority of a mention: reach x negativity x recency x entity importance, on a 0..100 scale,
and the response due time that follows from its level (SLA hours per level, configurable)."""

from __future__ import annotations

import math

from orm_desktop.types import KIND_REACH

LEVELS = (("P1", 40.0), ("P2", 20.0), ("P3", 8.0), ("P4", 0.0))
RECENCY_HALF_LIFE = 2 * 86400.0


def priority(*, sentiment: float, feed_weight: float, feed_kind: str, importance: float,
             published: int, now: int) -> float:
    """0..100. Negative coverage from far-reaching sources about important entities, recent."""
    reach = max(0.0, feed_weight) * KIND_REACH.get(feed_kind, 0.5)
    reach_term = 1.0 - math.exp(-reach)  # 0..1, saturating: weight 1 news ~ 0.63
    negativity = max(0.0, -sentiment)  # 0..1
    age = max(0, now - published)
    recency = 0.5 ** (age / RECENCY_HALF_LIFE)
    score = 100.0 * max(0.0, importance) * reach_term * (0.15 + 0.85 * negativity) * (0.3 + 0.7 * recency)
    return round(min(100.0, score), 2)


def level(score: float) -> str:
    for name, floor in LEVELS:
        if score >= floor:
            return name
    return "P4"


def due_at(score: float, first_seen: int, sla_hours: dict[str, float]) -> int | None:
    """When a response is due, or None for coverage that needs none (P4)."""
    lvl = level(score)
    if lvl == "P4":
        return None
    hours = float(sla_hours.get(lvl, 24))
    return int(first_seen + hours * 3600)
