"""Topic classification (multi-label, keyword taxonomy) and customer-journey stage.

The taxonomy lives in resources/topics.json; a workspace may replace it with the setting
``topics`` (same shape). Keywords are case-insensitive whole words or phrases; a trailing ``*``
matches any ending ("recall*" matches recalls, recalled). One compiled regex per topic.
"""

from __future__ import annotations

import functools
import json
import re

from orm_desktop.paths import resource_path

TAXONOMY = resource_path("topics.json")

STAGES = (  # first match wins, most committed stage first
    ("advocacy", r"\b(?:i\s+)?(?:recommend|love my|would buy again|best purchase|tell everyone|five stars)\b"),
    ("purchase", r"\b(?:just (?:bought|ordered|got)|picked up my|my new|i bought|i ordered|purchased|delivered to me)\b"),
    ("consideration", r"\b(?:thinking (?:about|of) (?:buying|getting)|considering|compare[ds]?|comparison|vs\.?|worth (?:it|buying)|should i (?:buy|get)|which (?:one|model))\b"),
    ("awareness", r"\b(?:heard of|first time|never heard|introduc(?:es|ed|ing)|launch(?:es|ed)?|unveil(?:s|ed)?)\b"),
)
_STAGE_RE = [(name, re.compile(p, re.IGNORECASE)) for name, p in STAGES]


def _pattern(keywords: list[str]) -> re.Pattern:
    parts = []
    for k in keywords:
        k = k.strip().lower()
        if not k:
            continue
        star = k.endswith("*")
        body = r"\s+".join(re.escape(w) for w in k.rstrip("*").split())
        parts.append(body + (r"\w*" if star else "") + r"(?!\w)")
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + ")", re.IGNORECASE)


@functools.lru_cache(maxsize=4)
def _compiled(taxonomy_json: str) -> tuple[re.Pattern, list[str]]:
    """One regex for the whole taxonomy, a named group per topic: one pass over the text. Every
    topic's pattern starts with the same word-boundary look-behind: it is tested once per
    position, outside the alternation (half the time of one test per topic, same matches)."""
    topics = json.loads(taxonomy_json)["topics"]
    ids = [tid for tid, t in topics.items() if t.get("keywords")]
    head = r"(?<!\w)(?:"
    bodies = [_pattern(topics[tid]["keywords"]).pattern for tid in ids]
    assert all(b.startswith(head) and b.endswith(")") for b in bodies)
    groups = [f"(?P<t{i}>{b[len(head):-1]})" for i, b in enumerate(bodies)]
    return re.compile(head + "|".join(groups) + ")", re.IGNORECASE), ids


def taxonomy_text() -> str:
    return TAXONOMY.read_text(encoding="utf-8")


_TAXONOMY_TEXT = functools.lru_cache(maxsize=1)(taxonomy_text)


def labels(taxonomy_json: str | None = None) -> dict[str, str]:
    topics = json.loads(taxonomy_json or _TAXONOMY_TEXT())["topics"]
    return {tid: t.get("label", tid) for tid, t in topics.items()}


def classify(text: str, taxonomy_json: str | None = None) -> list[str]:
    """Topic ids whose keywords occur in ``text``, in taxonomy order."""
    pattern, ids = _compiled(taxonomy_json or _TAXONOMY_TEXT())
    found = {int(m.lastgroup[1:]) for m in pattern.finditer(text)}
    return [ids[i] for i in sorted(found)]


def stage(text: str) -> str:
    """awareness | consideration | purchase | advocacy, or '' when the text does not say."""
    for name, pat in _STAGE_RE:
        if pat.search(text):
            return name
    return ""


def enrich_mention(row: dict) -> None:
    """Pipeline hook: topics from the title and the evidence about the entity (falling back to
    the whole text), journey stage from the same."""
    evidence = " ".join(s for s, _ in json.loads(row.get("evidence") or "[]"))
    about = f"{row.get('title', '')}. {evidence}" if evidence else f"{row.get('title', '')}. {row.get('text', '')[:2000]}"
    row["topics"] = ",".join(classify(about, row.get("taxonomy")))
    row["stage"] = stage(about)
