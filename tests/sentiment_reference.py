"""The default engine's features as they were before the speed work (main 58e258f), kept
verbatim as the reference the optimised Featurizer.features must equal (test_sentiment_speed.py
and benchmarks/sentiment_speed.py --check). Plain, token-by-token code: easy to read, slow."""

from __future__ import annotations

import math

from orm_desktop.analysis.sentiment_model import (
    C_INCR,
    CONTRAST_WORDS,
    N_SCALAR,
    PUNCT,
    PUNCT_SET,
    SPECIAL_CASES,
    URL,
)


class ReferenceFeaturizer:
    """Wraps a Featurizer (its lexicons) and computes features the old, simple way."""

    def __init__(self, fz) -> None:
        self.lex, self.boost, self.negate, self.emoji, self.tb = fz.lex, fz.boost, fz.negate, fz.emoji, fz.tb
        self._special = frozenset(self.lex) | frozenset(self.boost) | frozenset(self.negate) | {"kind"}
        self._interesting = self._special | frozenset(self.tb) | CONTRAST_WORDS

    def _valence(self, v: float, item: str, i: int, low: list[str], raw_tokens: list[str],
                 cap_diff: bool) -> float:
        """VADER's valence of lexicon word low[i] in context (its sentiment_valence)."""
        lex, boost, negate = self.lex, self.boost, self.negate
        n = len(low)
        if item == "no" and i != n - 1 and low[i + 1] in lex:
            v = 0.0
        if (i > 0 and low[i - 1] == "no") or (i > 1 and low[i - 2] == "no") or (
                i > 2 and low[i - 3] == "no" and low[i - 1] in ("or", "nor")):
            v = lex[item] * N_SCALAR
        if cap_diff and raw_tokens[i].isupper():
            v += C_INCR if v > 0 else -C_INCR
        for start_i in range(3):
            j = i - start_i - 1
            if j < 0:
                break
            prev = low[j]
            if prev in lex:
                continue
            b = boost.get(prev)
            if b is not None:
                b = b if v >= 0 else -b
                if cap_diff and raw_tokens[j].isupper():
                    b += C_INCR if v > 0 else -C_INCR
                v += b * (1.0, 0.95, 0.9)[start_i]
            if start_i == 0:
                if prev in negate or "n't" in prev:
                    v *= N_SCALAR
            elif start_i == 1:
                if low[i - 2] == "never" and low[i - 1] in ("so", "this"):
                    v *= 1.25
                elif not (low[i - 2] == "without" and low[i - 1] == "doubt") and (
                        prev in negate or "n't" in prev):
                    v *= N_SCALAR
            else:
                if (low[i - 3] == "never" and low[i - 2] in ("so", "this")) or low[i - 1] in ("so", "this"):
                    v *= 1.25
                elif not (low[i - 3] == "without" and "doubt" in (low[i - 2], low[i - 1])) and (
                        prev in negate or "n't" in prev):
                    v *= N_SCALAR
                if i > 2:
                    special_v = SPECIAL_CASES.get(low[i - 1] + " " + item)
                    if special_v is not None:
                        v = special_v
        if i > 0 and low[i - 1] == "least" and not (i > 1 and low[i - 2] in ("at", "very")):
            v *= N_SCALAR
        return v

    def features(self, text: str) -> tuple[list[float], list[str]]:
        """(dense features in DENSE order, word tokens with negated ones marked NOT_).

        The VADER part is a faithful, fast port of VADER 3.3.2's polarity_scores (same tokens,
        boosters, negation window, "never so", "kind of", "least", "but", ALL-CAPS, "!"/"?"
        emphasis) over VADER's lexicon plus the reputation lexicon; emoticons and emoji are never
        negated."""
        emoji_total = 0.0
        if not text.isascii():
            kept = []
            emoji = self.emoji
            for ch in text:
                v = emoji.get(ch) if ord(ch) > 0x2000 else None
                if v is None:
                    kept.append(ch)
                else:
                    emoji_total += v
                    kept.append(" ")
            text = "".join(kept)
        if "://" in text or "www." in text:
            text = URL.sub(" ", text)
        ltext = text.lower()
        low: list[str] = []  # VADER's tokens (punctuation stripped unless that leaves <= 2 chars)
        words: list[str] = []  # the model's word tokens
        punct = PUNCT_SET
        for w in ltext.split():
            if w[0] in punct or w[-1] in punct:
                st = w.strip(PUNCT)
                low.append(st if len(st) > 2 else w)
                words.append(st or w)
            else:
                low.append(w)
                words.append(w)
        n = len(low)
        cap_diff = False
        raw_tokens: list[str] = []
        if ltext != text:
            raw_tokens = text.split()
            if len(raw_tokens) == n:
                n_upper = sum(map(str.isupper, raw_tokens))
                cap_diff = 0 < n - n_upper < n
        lex, boost, negate, special, tb = self.lex, self.boost, self.negate, self._special, self.tb
        sentiments: list[float] = []
        add = sentiments.append
        negations = 0
        tb_sum = tb_subj = 0.0
        tb_n = 0
        neg_window = 0
        prev_neg = False
        contrast = False
        i = -1
        interesting = self._interesting
        for item, wd in zip(low, words, strict=True):
            i += 1
            if item not in interesting and "n't" not in item and (wd is item or wd not in interesting):
                # fast path: a token of no lexicon (most of them)
                if neg_window:
                    words[i] = "NOT_" + wd
                    neg_window -= 1
                prev_neg = False
                add(0.0)
                continue
            is_neg = item in negate or "n't" in item
            # the model's words: negated ones marked for the next three tokens
            if is_neg:
                negations += 1
                neg_window = 3
            elif neg_window:
                if wd in CONTRAST_WORDS:
                    neg_window = 0
                else:
                    words[i] = "NOT_" + wd
                    neg_window -= 1
            pt = tb.get(wd)
            if pt is not None:
                tb_sum += pt[0] * -0.5 if prev_neg else pt[0]
                tb_subj += pt[1]
                tb_n += 1
            prev_neg = is_neg
            if item not in special:
                add(0.0)
                continue
            v = lex.get(item)
            if v is None or item in boost or (item == "kind" and i < n - 1 and low[i + 1] == "of"):
                add(0.0)
                continue
            if not item[0].isalpha():
                add(v)  # emoticons carry the writer's mood: never negated
                continue
            v = self._valence(v, item, i, low, raw_tokens, cap_diff)
            add(v)
        contrast = not CONTRAST_WORDS.isdisjoint(words)
        if "but" in low:
            bi = low.index("but")
            sentiments = [x * 0.5 if k < bi else (x * 1.5 if k > bi else x) for k, x in enumerate(sentiments)]
            contrast = True
        if emoji_total:
            sentiments.append(emoji_total)
        total = sum(sentiments)
        bangs = text.count("!")
        if total:
            ep = min(bangs, 4) * 0.292
            qm = text.count("?")
            qm = 0.0 if qm <= 1 else (qm * 0.18 if qm <= 3 else 0.96)
            total += ep + qm if total > 0 else -(ep + qm)
        compound = max(-1.0, min(1.0, total / math.sqrt(total * total + 15))) if total else 0.0
        pos = neg = 0.0
        for x in sentiments:
            if x > 0:
                pos += x + 1
            elif x < 0:
                neg += x - 1
        dense = [
            1.0,
            compound,
            pos / (pos + 4.0),
            neg / (-neg + 4.0),
            tb_sum / tb_n if tb_n else 0.0,
            tb_subj / tb_n if tb_n else 0.0,
            min(tb_n, 6) / 6.0,
            math.log1p(n) / 4.0,
            1.0 if "?" in text else 0.0,
            min(bangs, 3) / 3.0,
            min(negations, 3) / 3.0,
            1.0 if contrast else 0.0,
            0.0,
            0.0,
        ]
        return dense, words
