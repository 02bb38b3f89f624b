"""Features and the fitted linear model behind the default ``orm`` engine.

One tokenising pass per text computes:

* a VADER-style valence sum (VADER's lexicon plus the reputation lexicon; boosters, negation,
  ALL-CAPS emphasis, the "but" shift, "!" emphasis, emoji), split into its positive and negative
  parts;
* a TextBlob-style mean polarity and subjectivity from pattern's adjective lexicon (shipped with
  TextBlob), without running TextBlob's slow tagger;
* shape features (length, "?", "!", negations, contrast);
* the words themselves (negated words marked ``NOT_``), each with a weight.

The weights are a ridge regression fitted on the human-rated dev halves of four corpora
(``benchmarks/sentiment_fit.py``; cross-validated in ``benchmarks/sentiment_eval.py``) and ship
as ``resources/sentiment/model.json`` (found through orm_desktop.paths). Scoring is a dot product: no numpy at run time.
"""

from __future__ import annotations

import json
import math
import re
import string
from functools import cached_property
from itertools import repeat
from pathlib import Path


def model_path() -> Path:
    """The shipped model (checkout, wheel or bundle: orm_desktop.paths decides)."""
    from orm_desktop.paths import resource_path

    return resource_path("sentiment", "model.json")

TOKEN = re.compile(r"[A-Za-z][A-Za-z'\-]*|[:;=8xX][\-o\*']?[\)\]\(\[dDpP/\\|]|<3|!+|\?+|\d+(?:[.,]\d+)?%?")
URL = re.compile(r"(?:https?://|www\.)\S+")
PUNCT = string.punctuation
PUNCT_SET = frozenset(PUNCT)
N_SCALAR = -0.74
C_INCR = 0.733
SPECIAL_CASES = {"the shit": 3, "the bomb": 3, "bad ass": 1.5, "yeah right": -2, "to die": 3,
                 "beating heart": 3.5, "kiss of": -1.5}
CONTRAST_WORDS = frozenset({"but", "however", "although", "though", "yet", "whereas", "nevertheless"})
DENSE = ("bias", "vader", "vpos", "vneg", "tb_pol", "tb_subj", "tb_n", "log_len", "question",
         "bangs", "negations", "contrast", "caps", "emoji")


class Featurizer:
    """Computes the dense features and the word list of a text (see the module docstring)."""

    def __init__(self, domain_lexicon: dict[str, float], emoji_lexicon: dict[str, float]) -> None:
        from vaderSentiment import vaderSentiment as vs

        sia = vs.SentimentIntensityAnalyzer()
        self.lex: dict[str, float] = dict(sia.lexicon)
        self.lex.update(domain_lexicon)
        self.boost = {k: v for k, v in vs.BOOSTER_DICT.items() if " " not in k}
        self.negate = set(vs.NEGATE) | {"no", "never", "without", "nothing", "nobody", "none",
                                        "neither", "nor", "hardly", "barely"}
        emoji_valence: dict[str, float] = {}
        for ch, desc in sia.emojis.items():
            v = sum(self.lex.get(w, 0.0) for w in desc.lower().split())
            if v:
                emoji_valence[ch] = v
        emoji_valence.update(emoji_lexicon)
        self.emoji = emoji_valence

    @cached_property
    def tb(self) -> dict[str, tuple[float, float]]:
        """pattern's polarity/subjectivity lexicon as TextBlob uses it (word -> (polarity,
        subjectivity)), from the copy shipped beside the model (resources/sentiment/
        pattern_en.json, written by benchmarks/sentiment_fit.py from TextBlob): importing
        TextBlob costs ~0.4 s of NLTK at every start."""
        from orm_desktop.paths import resource_path

        path = resource_path("sentiment", "pattern_en.json")
        if path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))
            return {w: (float(p), float(q)) for w, (p, q) in data.items()}
        return pattern_lexicon_from_textblob()

    @cached_property
    def _special(self) -> frozenset[str]:
        """Tokens that need the slow path: lexicon words, boosters, negations, "kind"."""
        return frozenset(self.lex) | frozenset(self.boost) | frozenset(self.negate) | {"kind"}

    @cached_property
    def _interesting(self) -> frozenset[str]:
        """Tokens the slow path must see: lexicon, booster, negation, pattern and contrast words."""
        return self._special | frozenset(self.tb) | CONTRAST_WORDS

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


VADER_BLEND_SCALE = 0.5  # the compound's scale next to the fitted raw scores


def has_evidence(dense: list[float]) -> bool:
    """Whether the text has any word of the VADER or pattern lexicons (else it is mostly factual)."""
    return bool(dense[2] or dense[3] or dense[6])


def pattern_lexicon_from_textblob() -> dict[str, tuple[float, float]]:
    """TextBlob's English pattern lexicon, averaged per word the way TextBlob does."""
    import textblob.en as en

    out = {}
    for word, by_pos in en.sentiment.items():
        vals = by_pos.get(None) or next(iter(by_pos.values()))
        if vals and (vals[0] or vals[1]):
            out[word] = (float(vals[0]), float(vals[1]))
    return out


class LinearModel:
    """score = dense · w + Σ word weights / √(#words), then a monotone map that puts the
    fitted neutral band onto the product's ±0.05 labels."""

    def __init__(self, data: dict) -> None:
        self.dense = [float(data["dense"].get(name, 0.0)) for name in DENSE]
        self.words: dict[str, float] = {k: float(v) for k, v in data["words"].items()}
        self.knee = float(data.get("knee", 0.05))
        self.gate = float(data.get("gate", 1.0))  # factor on texts without sentiment-lexicon words
        self.vader_blend = float(data.get("vader_blend", 0.0))  # share of the VADER compound

    def raw(self, dense: list[float], words: list[str]) -> float:
        s = sum(w * x for w, x in zip(self.dense, dense, strict=True))
        if words:
            ww = self.words
            s += sum(map(ww.get, words, repeat(0.0))) / math.sqrt(len(words))
        return s

    def calibrate(self, raw: float) -> float:
        """Monotone: |raw| < knee maps inside ±0.05 (neutral), beyond it stretches linearly."""
        a, k = abs(raw), self.knee
        out = a * 0.05 / k if a < k else 0.05 + (a - k)
        return max(-1.0, min(1.0, out if raw >= 0 else -out))

    def score(self, dense: list[float], words: list[str]) -> float:
        raw = self.raw(dense, words)
        if self.vader_blend:
            raw = (1 - self.vader_blend) * raw + self.vader_blend * VADER_BLEND_SCALE * dense[1]
        return self.calibrate(raw if has_evidence(dense) else raw * self.gate)


def style_tokens(text: str) -> list[str]:
    """Surface cues of the kind of text (what a reader sees at a glance), for the style model."""
    out = []
    if "@" in text:
        out.append("__at")
    if "#" in text:
        out.append("__hash")
    if "http" in text or "www." in text:
        out.append("__url")
    if text[:1].islower():
        out.append("__lowerstart")
    n = len(text)
    out.append("__len" + str(min(n // 40, 6)))
    if "''" in text or "``" in text:
        out.append("__quotes")
    if not text.isascii():
        out.append("__nonascii")
    return out


class StyleModel:
    """Multinomial naive Bayes over words and surface cues: P(text kind | text) for the kinds
    the experts were fitted on (social posts, product reviews, film reviews, opinion pieces).
    The engine is never told the kind; it reads it off the text, softly."""

    def __init__(self, data: dict) -> None:
        self.classes: list[str] = list(data["classes"])
        self.prior = [float(x) for x in data["prior"]]
        k = len(self.classes)
        # one dict per class: the per-class sums run as C-level map() over the words
        self.logp = [{w: float(v[i]) for w, v in data["logp"].items()} for i in range(k)]

    def posterior(self, words: list[str], text: str) -> list[float]:
        tokens = words + style_tokens(text)
        logs = [p + sum(map(lp.get, tokens, repeat(0.0))) for p, lp in zip(self.prior, self.logp, strict=True)]
        m = max(logs)
        ex = [math.exp(x - m) for x in logs]
        z = sum(ex)
        return [e / z for e in ex]


class MixtureModel:
    """The shipped model: one linear expert per kind of text, mixed by the style posterior."""

    def __init__(self, data: dict) -> None:
        self.style = StyleModel(data["style"])
        self.experts = [LinearModel(data["experts"][c]) for c in self.style.classes]

    @classmethod
    def load(cls, path: Path | None = None) -> MixtureModel:
        return cls(json.loads((path or model_path()).read_text(encoding="utf-8")))

    def score(self, dense: list[float], words: list[str], text: str) -> float:
        post = self.style.posterior(words, text)
        s = 0.0
        z = 0.0
        for p, e in zip(post, self.experts, strict=True):
            if p > 0.03:  # experts with a negligible share are skipped (speed)
                s += p * e.score(dense, words)
                z += p
        return s / z
