"""The learned targeted layer: a small model on top of the entity-targeted rules.

score_toward's hand-written rules (sentiment.py) decide a label from the segments they credit
to the entity, its role in them, an event lexicon and ratings. The rules were written from the
splits of tests/data/sentiment_targeted.tsv they score best on; on wording nobody tuned them
for they do worse. This layer is a multinomial logistic regression fitted on all the labelled
(text, entity) pairs (``benchmarks/targeted_fit.py``, numpy at fit time only) over

* what the rules computed: their score, label and confidence, the text-only score before a
  rating, how many segments, the share of positive / negative / neutral segment scores, the
  strongest and weakest segment, the first and last segment's score, whether the entity's role,
  sarcasm or a rating decided, whether the segments name someone else;
* the words of the segments credited to the entity (the entity's name -> ``_ent_``, any other
  organisation or person -> ``_oth_``, the three words after a negation marked ``NOT_`` as the
  whole-text model does), presence only, each text's words scaled by 1/√n.

It outputs the final label (the class with the highest probability). Where it agrees with the
rules the rules' answer stands (score, confidence, source); where it overrules them the score is
0 (neutral) or ±max(0.1, |P(positive) − P(negative)|), the confidence 0.45 × the model's
certainty (below NEEDS_REVIEW_BELOW: two opinions disagree, a human should look) and the source
gains "+model". A feed's star rating, a rating in the text and the entity's role (it won or lost: the
words alone cannot tell the winner's praise from the loser's) leave the rules' answer alone. The model ships as resources/sentiment/targeted_model.json; run
time is dict look-ups and dot products (no numpy). Measured in docs/analysis.md, "Learned
targeted layer".
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Sequence
from dataclasses import replace
from operator import mul
from pathlib import Path
from typing import TYPE_CHECKING

from orm_desktop.analysis.sentiment_model import CONTRAST_WORDS

if TYPE_CHECKING:
    from orm_desktop.analysis.sentiment import RulesTrace, TargetedScore

CLASSES = ("negative", "neutral", "positive")
DENSE = ("bias", "rules", "rules_abs", "rules_pos", "rules_neg", "confidence", "text_score",
         "log_parts", "share_pos", "share_neg", "share_zero", "seg_max", "seg_min", "first", "last",
         "role_pos", "role_neg", "role_neutral", "sarcastic", "stars", "feed_rating", "other_share", "no_parts")
_ROLE_NEUTRAL = DENSE.index("role_neutral")
_ROLE_POS, _ROLE_NEG = DENSE.index("role_pos"), DENSE.index("role_neg")
_WORD = re.compile(r"_ent_|_oth_|[a-z][a-z'\-]*|\d+(?:[.,]\d+)?%?|[!?]|[^\x00-\x7f]")
_NAME = re.compile(r"(?<![\w'’/])[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*)*")
_NEGATE = frozenset("not no never none nobody nothing neither nor without hardly barely cannot can't "
                    "won't don't doesn't didn't isn't aren't wasn't weren't haven't hasn't hadn't "
                    "shouldn't wouldn't couldn't mustn't needn't ain't nt n't".split())


def model_path() -> Path:
    from orm_desktop.paths import resource_path

    return resource_path("sentiment", "targeted_model.json")


def segment_words(chunk: str, own: Sequence[tuple[int, int]], others: Sequence[tuple[int, int]]) -> list[str]:
    """The words of one segment: the entity's spans -> _ent_, other names -> _oth_, lower case,
    the three words after a negation marked NOT_ (up to a contrast word)."""
    marks = sorted([(s, e, " _ent_ ") for s, e in own] + [(s, e, " _oth_ ") for s, e in others])
    if marks:
        out, at = [], 0
        for s, e, tag in marks:
            if s < at:
                continue
            out.append(chunk[at:s])
            out.append(tag)
            at = e
        out.append(chunk[at:])
        chunk = "".join(out)
    tokens = _WORD.findall(chunk.replace("’", "'").lower())
    if "n't" not in chunk and _NEGATE.isdisjoint(tokens) and "n’t" not in chunk:
        return tokens  # no negation: the words as they are
    words = []
    negated = 0
    for w in tokens:
        if w in _NEGATE or w.endswith("n't"):
            negated = 3
            words.append(w)
            continue
        if w in CONTRAST_WORDS or w in ("!", "?"):
            negated = 0
        elif negated and w[0] != "_":  # a name is never negated
            negated -= 1
            w = "NOT_" + w
        words.append(w)
    return words


def features(ts: TargetedScore, trace: RulesTrace) -> tuple[list[float], set[str]]:
    """(dense features in DENSE order, the set of words of the entity's segments) of one rules
    answer. A segment the rules found naming nobody else (their memo's names_other) is not
    searched for other names; each segment's words are remembered in the entity's memo."""
    parts = trace.parts
    memo = trace.memo
    remembered = memo.words
    words: set[str] = set()
    other = pos = neg = 0
    role_pos = role_neg = role_neutral = 0.0
    for chunk, _w, _sign, s, role in parts:
        if s > 0.05:
            pos += 1
        elif s < -0.05:
            neg += 1
        if role:
            if s > 0.001:
                role_pos = 1.0
            elif s < -0.001:
                role_neg = 1.0
            else:
                role_neutral = 1.0
        hit = remembered.get(chunk)
        if hit is None:  # (not counted: one entry per segment the rules' memos already hold)
            from orm_desktop.analysis.sentiment import _other_names

            own = tuple(memo.spans(chunk))
            others = _other_names(chunk, own) if memo.names_other(chunk) else ()
            # each word once, in the order found: the same set from update() (a word seen again
            # changes nothing in it), fewer words to add
            hit = remembered[chunk] = (tuple(dict.fromkeys(segment_words(chunk, own, others))), bool(others))
        words.update(hit[0])
        other += hit[1]
    r = ts.score
    if trace.framed:  # the other side's verdict decided: the entity won or lost
        role_pos, role_neg = float(r > 0.001), float(r < -0.001)
    n = len(parts)
    if n:
        scores = [p[3] for p in parts]
        seg = [math.log1p(n), pos / n, neg / n, (n - pos - neg) / n, max(scores), min(scores), scores[0],
               scores[-1]]
    else:
        seg = [0.0] * 8
    dense = [1.0, r, abs(r), float(r > 0.05), float(r < -0.05), ts.confidence, trace.text_score, *seg,
             role_pos, role_neg, role_neutral, float(trace.sarcastic), float(trace.stars), float(trace.feed_rating),
             other / n if n else 0.0, float(n == 0)]
    return dense, words


class TargetedModel:
    """The fitted layer (see the module docstring)."""

    def __init__(self, data: dict) -> None:
        self.dense = [[float(row.get(name, 0.0)) for name in DENSE] for row in data["dense"]]
        self.words: dict[str, tuple[float, ...]] = {w: tuple(map(float, v)) for w, v in data["words"].items()}
        self.keep_rules = frozenset(data.get("keep_rules", ()))  # sources left to the rules ("rating")
        # the model overrules the rules only when its class is at least this much more probable
        # than the rules' class (round 7; 0 before: any disagreement)
        self.margin = float(data.get("margin", 0.0))

    @classmethod
    def load(cls, path: Path | None = None) -> TargetedModel | None:
        path = path or model_path()
        if not path.is_file():
            return None
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def probabilities(self, dense: list[float], words: Collection[str]) -> list[float]:
        z0, z1, z2 = (sum(map(mul, w, dense)) for w in self.dense)
        if words:
            scale = 1.0 / math.sqrt(len(words))
            a = b = c = 0.0
            for v in filter(None, map(self.words.get, words)):
                a += v[0]
                b += v[1]
                c += v[2]
            z0 += a * scale
            z1 += b * scale
            z2 += c * scale
        top = max(z0, z1, z2)
        e0, e1, e2 = math.exp(z0 - top), math.exp(z1 - top), math.exp(z2 - top)
        t = e0 + e1 + e2
        return [e0 / t, e1 / t, e2 / t]

    def apply(self, ts: TargetedScore, trace: RulesTrace) -> TargetedScore:
        """The final answer for one (text, entity): the model's label, a score in [-1, 1] that
        keeps the rules' score where the labels agree, and the model's confidence."""
        keep = self.keep_rules
        if trace.feed_rating or (trace.stars and "stars" in keep) or (trace.sarcastic and "sarcasm" in keep):
            return ts  # hard evidence: a rating, sarcasm
        dense, words = features(ts, trace)
        if dense[_ROLE_NEUTRAL] and "neutral_role" in keep:
            return ts  # a role the rules call neither win nor loss (a mixed verdict)
        if (dense[_ROLE_POS] or dense[_ROLE_NEG]) and "role" in keep:
            return ts  # the entity won or lost (a contest, a rival's bad news)
        p = self.probabilities(dense, words)
        k = max(range(3), key=p.__getitem__)
        label = CLASSES[k]
        if label == ts.label or p[k] - p[CLASSES.index(ts.label)] < self.margin:
            return ts  # the rules' score and confidence stand
        if label == "neutral":
            score = 0.0
        else:
            size = min(1.0, max(0.1, abs(p[2] - p[0])))
            score = size if label == "positive" else -size
        # the model overrules the rules: two opinions disagree, so below NEEDS_REVIEW_BELOW (0.5)
        # whatever the model's probability ("needs a human look", as confidence_of does)
        confidence = round(0.45 * max(0.0, min(1.0, (p[k] - 1 / 3) * 1.5)), 3)
        return replace(ts, score=round(score, 4), label=label, confidence=confidence, source=ts.source + "+model")
