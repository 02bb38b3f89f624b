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
from itertools import compress, count, repeat
from operator import mul, ne
from pathlib import Path


def model_path() -> Path:
    """The shipped model (checkout, wheel or bundle: orm_desktop.paths decides)."""
    from orm_desktop.paths import resource_path

    return resource_path("sentiment", "model.json")

TOKEN = re.compile(r"[A-Za-z][A-Za-z'\-]*|[:;=8xX][\-o\*']?[\)\]\(\[dDpP/\\|]|<3|!+|\?+|\d+(?:[.,]\d+)?%?")
_HIGH = re.compile("[\u2001-\U0010ffff]")
URL = re.compile(r"(?:https?://|www\.)\S+")
PUNCT = string.punctuation
PUNCT_SET = frozenset(PUNCT)
N_SCALAR = -0.74
C_INCR = 0.733
# VADER's idioms as its check sees them (the word before a lexicon word, then that word). VADER's
# "to die for" is three words and its check never matches it on "die": a two-word "to die" here
# read "Skype needs to die in a fire" and "more likely to die" as +3 (VADER: -2.9)
SPECIAL_CASES = {"the shit": 3, "the bomb": 3, "bad ass": 1.5, "yeah right": -2,
                 "beating heart": 3.5, "kiss of": -1.5}
_SPECIAL_SECOND = frozenset(k.split()[1] for k in SPECIAL_CASES)  # "the shit" -> "shit"
_SO_THIS_LEAST = frozenset({"so", "this", "least"})  # change the valence of the next word
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

    @cached_property
    def _context(self) -> frozenset[str]:
        """Tokens that can change the valence of a lexicon word up to three tokens later
        (boosters, negations, "no", "never so"); without one of them, no "so"/"this"/"least"
        right before it, no caps emphasis and no special-case pair, _valence returns the lexicon
        value unchanged."""
        return frozenset(self.boost) | frozenset(self.negate) | {"no", "never"}

    def features(self, text: str) -> tuple[list[float], list[str]]:
        """(dense features in DENSE order, word tokens with negated ones marked NOT_).

        The VADER part is a faithful, fast port of VADER 3.3.2's polarity_scores (same tokens,
        boosters, negation window, "never so", "kind of", "least", "but", ALL-CAPS, "!"/"?"
        emphasis) over VADER's lexicon plus the reputation lexicon; emoticons and emoji are never
        negated.

        Written for speed (equal to tests/sentiment_reference.py, the plain token-by-token
        version, on every dev sentence): set intersections find the few tokens any lexicon
        knows, and only those are visited; a lexicon word with no booster, negation or caps
        around it skips the context rules."""
        emoji_total = 0.0
        if not text.isascii():
            # emoji are single characters beyond U+2000; a one-range regex finds those (typographic
            # quotes and dashes too), the dict keeps the emoji; each is summed in text order and
            # replaced by a space
            high = _HIGH.findall(text)
            if high:
                emoji = self.emoji
                found = [ch for ch in high if ch in emoji]
                for ch in found:
                    emoji_total += emoji[ch]
                for ch in set(found):
                    text = text.replace(ch, " ")
        if "://" in text or "www." in text:
            text = URL.sub(" ", text)
        ltext = text.lower()
        toks = ltext.split()
        # VADER's tokens (punctuation stripped unless that leaves <= 2 chars), the model's words;
        # C-level map/compress over all tokens, Python only for the few with punctuation
        stripped = list(map(str.strip, toks, repeat(PUNCT)))
        low = stripped
        words = stripped
        if stripped != toks:
            low = stripped[:]
            words = stripped[:]
            for i in compress(count(), map(ne, stripped, toks)):
                s = stripped[i]
                if len(s) <= 2:
                    low[i] = toks[i]
                    if not s:
                        words[i] = toks[i]
        else:
            words = stripped[:]
        n = len(low)
        interesting = self._interesting
        hits = interesting.intersection(low)
        same = low == words
        hits_w = hits if same else interesting.intersection(words)
        nt = {t for t in low if "n't" in t} if "n't" in ltext else None
        sentiments: list[tuple[int, float]] = []  # (token index, valence) of the lexicon words
        negations = 0
        tb_sum = tb_subj = 0.0
        tb_n = 0
        if hits or hits_w or nt:
            slow = hits if same else hits | hits_w
            if nt:
                slow = slow | nt
            if same:
                idx = list(compress(count(), map(slow.__contains__, low)))
            else:
                idx = [i for i, (t, w) in enumerate(zip(low, words, strict=True)) if t in slow or w in slow]
            negate = self.negate
            if nt or not negate.isdisjoint(hits):
                negs = [i for i in idx if low[i] in negate or "n't" in low[i]]
            else:
                negs = []
            unmarked = words
            negset: set[int] | tuple = ()
            if negs:
                negations = len(negs)
                negset = set(negs)
                unmarked = list(words)
                for p in negs:  # the model's words: the three tokens after a negation are marked
                    for j in range(p + 1, min(p + 4, n)):
                        if j in negset:
                            break
                        w = words[j]
                        if w in CONTRAST_WORDS:
                            break
                        words[j] = "NOT_" + w
            cap_diff = False
            raw_tokens: list[str] = []
            if ltext != text:
                raw_tokens = text.split()
                if len(raw_tokens) == n:
                    n_upper = sum(map(str.isupper, raw_tokens))
                    cap_diff = 0 < n - n_upper < n
            lex, boost, tb = self.lex, self.boost, self.tb
            context = self._context | nt if nt else self._context
            add = sentiments.append
            for i in idx:
                pt = tb.get(unmarked[i])
                if pt is not None:
                    tb_sum += pt[0] * -0.5 if i - 1 in negset else pt[0]
                    tb_subj += pt[1]
                    tb_n += 1
                item = low[i]
                v = lex.get(item)
                if v is None or item in boost or (item == "kind" and i < n - 1 and low[i + 1] == "of"):
                    continue
                if not item[0].isalpha():
                    add((i, v))  # emoticons carry the writer's mood: never negated
                elif cap_diff or item == "no" or item in _SPECIAL_SECOND or (i and low[i - 1] in _SO_THIS_LEAST) or (
                        not context.isdisjoint(low[i - 3 if i > 3 else 0:i])):
                    add((i, self._valence(v, item, i, low, raw_tokens, cap_diff)))
                else:
                    add((i, v))
        contrast = not CONTRAST_WORDS.isdisjoint(hits_w)
        if "but" in hits:
            bi = low.index("but")
            vals = [x * 0.5 if k < bi else (x * 1.5 if k > bi else x) for k, x in sentiments]
            contrast = True
        else:
            vals = [x for _, x in sentiments]
        if emoji_total:
            vals.append(emoji_total)
        total = sum(vals)
        bangs = text.count("!")
        if total:
            ep = min(bangs, 4) * 0.292
            qm = text.count("?")
            qm = 0.0 if qm <= 1 else (qm * 0.18 if qm <= 3 else 0.96)
            total += ep + qm if total > 0 else -(ep + qm)
        compound = max(-1.0, min(1.0, total / math.sqrt(total * total + 15))) if total else 0.0
        pos = neg = 0.0
        for x in vals:
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
        s = sum(map(mul, self.dense, dense))  # the same products in the same order as a zip
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
        # one dict per class (kept for readers of the model) and one of word -> per-class tuple:
        # a C-level map() finds the known words, zip(*) turns them into one column per class
        self.logp = [{w: float(v[i]) for w, v in data["logp"].items()} for i in range(k)]
        self._table: dict[str, tuple[float, ...]] = {
            w: tuple(float(x) for x in v) for w, v in data["logp"].items()}

    def posterior(self, words: list[str], text: str) -> list[float]:
        tokens = words + style_tokens(text)
        known = [v for v in map(self._table.get, tokens) if v is not None]
        # the same per-class sums in the same order as summing every token (unknown ones add 0.0)
        logs = [p + sum(col) for p, col in zip(self.prior, zip(*known, strict=True), strict=True)] if known else list(self.prior)
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


class NgramLexicon:
    """A language scored from a lexicon of word n-grams with log-odds weights (Spanish:
    resources/sentiment/es_ngrams.json, taken from the naive-Bayes model of the PyPI package
    sentiment-analysis-spanish by benchmarks/spanish_lexicon.py). The text's log-odds is the
    prior plus the weights of its 1-3-grams; a posterior between 0.25 and 0.75 (|log-odds| <
    ln 3) is neutral, beyond it the score stretches linearly to ±1."""

    NEUTRAL_ODDS = math.log(3.0)

    def __init__(self, data: dict) -> None:
        self.pattern = re.compile(data["token_pattern"])
        self.low, self.high = (int(x) for x in data["ngram_range"])
        self.prior = float(data["prior"])
        self.weights: dict[str, float] = {k: float(v) for k, v in data["weights"].items()}

    @classmethod
    def load(cls, lang: str) -> NgramLexicon:
        from orm_desktop.paths import resource_path

        return cls(json.loads(resource_path("sentiment", f"{lang}_ngrams.json").read_text(encoding="utf-8")))

    def log_odds(self, text: str) -> float:
        tokens = self.pattern.findall(text.lower())
        ww = self.weights
        s = self.prior
        for n in range(self.low, self.high + 1):
            grams = tokens if n == 1 else [" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
            s += sum(map(ww.get, grams, repeat(0.0)))
        return s

    def score(self, text: str) -> float:
        s = self.log_odds(text)
        m = math.tanh(s / 2.0)  # 2·P(positive) − 1
        a = abs(m)
        out = a * 0.1 if a < 0.5 else 0.05 + (a - 0.5) * 1.9
        return max(-1.0, min(1.0, out if m >= 0 else -out))
