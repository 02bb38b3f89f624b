"""Topic classification (multi-label, keyword taxonomy) and customer-journey stage.

The taxonomy lives in resources/topics.json; a workspace may replace it with the setting
``topics`` (same shape). Keywords are case-insensitive whole words or phrases; a trailing ``*``
matches any ending ("recall*" matches recalls, recalled). One compiled regex per topic.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Callable

from orm_desktop import textfold
from orm_desktop.paths import resource_path

TAXONOMY = resource_path("topics.json")

STAGES = (  # first match wins, most committed stage first
    ("advocacy", r"\b(?:i\s+)?(?:recommend|love my|would buy again|best purchase|tell everyone|five stars)\b"),
    ("purchase", r"\b(?:just (?:bought|ordered|got)|picked up my|my new|i bought|i ordered|purchased|delivered to me)\b"),
    ("consideration", r"\b(?:thinking (?:about|of) (?:buying|getting)|considering|compare[ds]?|comparison|vs\.?|worth (?:it|buying)|should i (?:buy|get)|which (?:one|model))\b"),
    ("awareness", r"\b(?:heard of|first time|never heard|introduc(?:es|ed|ing)|launch(?:es|ed)?|unveil(?:s|ed)?)\b"),
)
_STAGE_RE = [(name, re.compile(p, re.IGNORECASE)) for name, p in STAGES]
# Per stage, literals one of which every match of its pattern contains (as IGNORECASE compares
# them): a text holding none of them is not searched (0.064 -> 0.01 ms a text). Keep in step
# with STAGES (tests/test_ingest_speed.py checks every alternative of each pattern holds one).
STAGE_NEEDLES = {
    "advocacy": ("recommend", "love my", "would buy again", "best purchase", "tell everyone", "five stars"),
    "purchase": ("just bought", "just ordered", "just got", "picked up my", "my new", "i bought", "i ordered",
                 "purchased", "delivered to me"),
    "consideration": ("thinking about", "thinking of", "considering", "compare", "comparison", "vs", "worth it",
                      "worth buying", "should i", "which one", "which model"),
    "awareness": ("heard of", "first time", "never heard", "introduc", "launch", "unveil"),
}


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
    """One regex for the whole taxonomy: one pass over the text; a match's group names its topic.
    Every keyword starts with the same word-boundary look-behind: it is tested once per
    position, outside the alternation. The keywords are then grouped by their first character
    (as case-insensitive matching compares it), each group behind that character tested once:
    at a word start the engine tries ~20 first characters instead of all 130 keywords of 13
    topics (0.10 -> 0.03 ms a text). Same matches as one alternation of the topics' keywords
    in taxonomy order (``_compiled_flat``): keywords whose first characters differ can never
    match at the same position, and within a group the keywords keep their taxonomy order, so
    at every position the first keyword that matches is the same one."""
    source, ids = _grouped(taxonomy_json, re.escape)
    if source is None:
        return _compiled_flat(taxonomy_json)
    return re.compile(source, re.IGNORECASE), ids


@functools.lru_cache(maxsize=4)
def _compiled_ascii(taxonomy_json: str) -> tuple[re.Pattern, list[str]] | None:
    """``_compiled``'s regex with every literal folded (``textfold.fold``) and compiled without
    IGNORECASE, for ASCII text lower-cased: the same matches, 35 % faster. For an ASCII
    character c and any pattern character p, re's case-insensitive match of c by p is exactly
    ``fold(c) == fold(p)`` (tests/test_ingest_speed.py checks every pair that can be equal), and
    ``\\w``, ``\\s`` and the word boundaries read ASCII text and its lower case alike. None when
    ``_compiled`` is the flat alternation."""
    if not textfold.AVAILABLE:
        return None
    source, ids = _grouped(taxonomy_json, lambda lit: re.escape(textfold.fold(lit)))
    return None if source is None else (re.compile(source), ids)


def _grouped(taxonomy_json: str, lit: Callable[[str], str]) -> tuple[str | None, list[str]]:
    """The source of ``_compiled``'s regex, each literal written by ``lit``; None where it needs
    the flat alternation (a bare "*" keyword, or no case table).

    The keywords form a trie on their first word's characters (as case-insensitive matching
    compares them, ``_fold``): at a word start the engine tests one character per level and
    enters only the keywords that share the text's prefix so far, instead of every keyword of
    the first character's group (0.021 -> 0.013 ms a text of the benchmark load). A node is
    split by its next character only when every keyword at it has one there and the keywords
    behind one folded character all spell it alike; otherwise its keywords follow in taxonomy
    order, consecutive keywords of one topic forming one named group (t<topic>_<n>). The same
    matches as the flat alternation: keywords split apart differ in a literal character both
    must match, so they never match at the same position, and keywords that can keep their
    taxonomy order (tests/test_ingest_speed.py checks it on generated texts)."""
    topics = json.loads(taxonomy_json)["topics"]
    ids = [tid for tid, t in topics.items() if t.get("keywords")]
    entries: list[tuple[int, str, str]] = []  # (topic, first word, pattern of the rest)
    for i, tid in enumerate(ids):
        for k in topics[tid]["keywords"]:
            k = k.strip().lower()
            if not k:
                continue
            star = k.endswith("*")
            words = k.rstrip("*").split()
            if not words or _CASE_CLASSES is None:
                return None, ids  # a bare "*" keyword: no first character to group by
            rest = "".join(r"\s+" + lit(w) for w in words[1:]) + (r"\w*" if star else "") + r"(?!\w)"
            entries.append((i, words[0], rest))
    if not entries:
        return None, ids
    names = itertools.count()

    def leaf(group: list[tuple[int, str, str]], depth: int) -> list[str]:
        runs: list[tuple[int, list[str]]] = []
        for i, word, rest in group:
            body = lit(word[depth:]) + rest
            if runs and runs[-1][0] == i:
                runs[-1][1].append(body)
            else:
                runs.append((i, [body]))
        return [f"(?P<t{i}_{next(names)}>{'|'.join(bodies)})" for i, bodies in runs]

    def node(group: list[tuple[int, str, str]], depth: int) -> list[str]:
        if len(group) == 1 or any(len(word) <= depth for _, word, _ in group):
            return leaf(group, depth)
        children: dict[str, list[tuple[int, str, str]]] = {}
        for entry in group:
            children.setdefault(_fold(entry[1][depth]), []).append(entry)
        if any(len({word[depth] for _, word, _ in child}) > 1 for child in children.values()):
            return leaf(group, depth)
        alternatives = []
        for child in children.values():
            below = node(child, depth + 1)
            head = lit(child[0][1][depth])
            alternatives.append(head + below[0] if len(below) == 1 else f"{head}(?:{'|'.join(below)})")
        return alternatives

    return r"(?<!\w)(?:" + "|".join(node(entries, 0)) + ")", ids


@functools.lru_cache(maxsize=4)
def _compiled_flat(taxonomy_json: str) -> tuple[re.Pattern, list[str]]:
    """The whole taxonomy as one alternation of the topics in order, a named group per topic."""
    topics = json.loads(taxonomy_json)["topics"]
    ids = [tid for tid, t in topics.items() if t.get("keywords")]
    head = r"(?<!\w)(?:"
    bodies = [_pattern(topics[tid]["keywords"]).pattern for tid in ids]
    assert all(b.startswith(head) and b.endswith(")") for b in bodies)
    groups = [f"(?P<t{i}>{b[len(head):-1]})" for i, b in enumerate(bodies)]
    return re.compile(head + "|".join(groups) + ")", re.IGNORECASE), ids


_CASE_CLASSES = textfold.CASE_CLASSES
_fold = textfold.fold  # characters as re's IGNORECASE compares them (see textfold)

_STAGE_NEEDLES_FOLDED = {k: tuple(_fold(n) for n in v) for k, v in STAGE_NEEDLES.items()} if textfold.AVAILABLE else {}
# the stage patterns for ASCII text lower-cased: their literals are lower-case ASCII, so without
# IGNORECASE they match lower-cased ASCII text exactly where they match the text (as _compiled_ascii)
_STAGE_RE_ASCII = [(name, re.compile(p)) for name, p in STAGES] if all(
    p.isascii() and p == p.lower() for _, p in STAGES) else None


def taxonomy_text() -> str:
    return TAXONOMY.read_text(encoding="utf-8")


_TAXONOMY_TEXT = functools.lru_cache(maxsize=1)(taxonomy_text)


def labels(taxonomy_json: str | None = None) -> dict[str, str]:
    topics = json.loads(taxonomy_json or _TAXONOMY_TEXT())["topics"]
    return {tid: t.get("label", tid) for tid, t in topics.items()}


def classify(text: str, taxonomy_json: str | None = None, *, folded: str | None = None) -> list[str]:
    """Topic ids whose keywords occur in ``text``, in taxonomy order. ``folded``: the caller's
    ``textfold.fold(text)``, when it has it."""
    taxonomy_json = taxonomy_json or _TAXONOMY_TEXT()
    fast = _compiled_ascii(taxonomy_json) if text.isascii() else None
    if fast is not None:
        pattern, ids = fast
        text = folded if folded is not None else text.lower()
    else:
        pattern, ids = _compiled(taxonomy_json)
    groups = {m.lastgroup for m in pattern.finditer(text)}  # a group is named t<topic>_<n>
    return [ids[i] for i in sorted({int(g[1:].partition("_")[0]) for g in groups})]


def stage(text: str, *, folded: str | None = None) -> str:
    """awareness | consideration | purchase | advocacy, or '' when the text does not say.
    ``folded``: the caller's ``textfold.fold(text)``, when it has it."""
    if not textfold.AVAILABLE:
        return next((name for name, pat in _STAGE_RE if pat.search(text)), "")
    if folded is None:
        folded = _fold(text)
    ascii_text = _STAGE_RE_ASCII is not None and text.isascii()
    for name, pat in _STAGE_RE_ASCII if ascii_text else _STAGE_RE:
        if not any(n in folded for n in _STAGE_NEEDLES_FOLDED[name]):
            continue  # no match possible: the pattern's every alternative needs one of these
        if pat.search(folded if ascii_text else text):  # ASCII: folded is the text lower-cased
            return name
    return ""


def enrich_mention(row: dict) -> None:
    """Pipeline hook: topics from the title and the evidence about the entity (falling back to
    the whole text), journey stage from the same."""
    pairs = row.get("evidence_pairs")  # the pipeline's (sentence, score) pairs, else their JSON
    evidence = " ".join(s for s, _ in (json.loads(row.get("evidence") or "[]") if pairs is None else pairs))
    about = f"{row.get('title', '')}. {evidence}" if evidence else f"{row.get('title', '')}. {row.get('text', '')[:2000]}"
    folded = _fold(about) if textfold.AVAILABLE else None  # once, for both
    row["topics"] = ",".join(classify(about, row.get("taxonomy"), folded=folded))
    row["stage"] = stage(about, folded=folded)
