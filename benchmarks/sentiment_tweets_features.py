"""Rounds 7 and 8 of issue 14 (tweets): new feature families and a VADER fallback, each cross-validated
like ``sentiment_eval.py --salts`` (5 folds per salt, everything re-fitted in every fold, the
reputation rules applied after), reported as each corpus's margin over the best of VADER,
TextBlob and 0.7·VADER+0.3·TextBlob, mean over the salts.

    python benchmarks/sentiment_tweets_features.py [--salts 0,1,2,3,4] [--variants base,laugh,...]
        [--experts tweets|all|others] [--fjlc PATH]

A variant is ``+``-joined parts; each part adds dense features (ridge penalty as the dense ones)
to the tweets expert (``--experts all``: to all four experts; ``others``: to the three that are
not the tweets expert):

* ``laugh``: laughter tokens (lol, lmao, haha…, xD, :D), counted whether or not a negation is near.
* ``emo``: emoticon and emoji valence, positive and negative sums apart from the words'.
* ``hash``: hashtag count and the VADER valence of hashtags that are lexicon words (#fail, #win).
* ``shout``: share of ALL-CAPS words, an elongated word ("sooo"), "!!"/"?!".
* ``contrast``: the VADER valence of the clause after the last contrast word and of the part
  before, apart.
* ``lastv``: the valence of the last and of the first lexicon word.
* ``extremes``: the strongest positive and negative valence, the counts of positive and negative words.
* ``sd``: the valence sums of the lexicon words whose ten VADER raters agreed (SD < 1) and of
  the others, apart (vader_lexicon.txt's SD column).
* ``fj``, ``fjshift``, ``fjsum``, ``fjng``, ``fjnew``, ``fjgap``, ``fjdis`` (round 8): the
  Fredriksen-Jahren Twitter lexicon (PyPI ``fjlc`` 1.0.3, MIT; not shipped, so ``--fjlc`` names
  its ``fjlc/res/data/lexicon.pmi.json``, from ``pip download --no-deps fjlc==1.0.3``): its
  positive and negative sums (a negated phrase ×−0.74) / the same with fjlc's own negation (1.5
  toward zero) / its sum / single words and phrases apart / only what VADER's lexicon lacks /
  only for texts without VADER evidence / only where its sign disagrees with VADER's.
* ``inter``: the VADER compound times a cue (an @, a #, laughter, the ALL-CAPS share, a contrast word).
* ``cross``: the VADER compound times each of the other dense features (TextBlob's polarity,
  subjectivity and coverage, length, "?", "!", negations, contrast).
* ``i_at``, ``i_hash``, ``i_laugh``, ``i_caps``, ``i_contrast``: one of ``inter``'s products.
* ``negscope``: the NOT_ marking runs to the end of the clause (next punctuation) instead of
  three tokens (words, not dense).
* ``min-N`` (words seen in >= N texts), ``lam-L`` (word penalty), ``lam_d-L`` (dense penalty),
  ``boot-N`` (weights averaged over N bootstrap fits) change the fit of the expert(s).
* ``pow-P``: the expert is fitted on sign(y)·|y|^P and its raw score mapped back (P < 1 spreads
  the ratings near zero, where the labels change).
* ``rawmix``: the experts' gated raw scores and knees are mixed, then calibrated once (instead
  of mixing calibrated scores).
* ``kneeavg-N``: the expert's knee and gate maximise the F1 summed over N inner fold
  assignments (instead of one).
* ``vfall-A-B``: no feature; after scoring, a text the model calls neutral or weakly signed
  (|score| < A) takes VADER's sign when |VADER| >= B (A, B fixed, not fitted).
* ``vsoft-B-T``: no feature; after scoring, s + B·VADER·max(0, 1 − |s|/T): VADER counts where
  the model is unsure (B, T fixed, not fitted).

``lam-15`` (the tweets expert re-fitted here with the shipped penalty) reproduces ``base``.

Needs numpy; reuses sentiment_tweets_variants' cache of features and baselines.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
import sentiment_fit as sf  # noqa: E402
import sentiment_tweets_variants as tv  # noqa: E402

from orm_desktop.analysis.sentiment_model import (  # noqa: E402
    CONTRAST_WORDS,
    DENSE,
    URL,
    LinearModel,
    StyleModel,
    has_evidence,
)

ND = len(DENSE)
LAUGH = re.compile(r"^(?:lo+l+|lmf?ao+|rofl|(?:ha){2,}h?|(?:he){2,}h?|x+d+|:-?d+|;-?\)|;-?d)$")
ELONG = re.compile(r"([a-z])\1\1")
PUNCT_END = re.compile(r"[.,;:!?]$")

_fz = None


def featurizer():
    global _fz
    if _fz is None:
        from orm_desktop.analysis.sentiment import get_engine

        _fz = get_engine("orm").featurizer
    return _fz


def squash(x: float) -> float:
    return x / (abs(x) + 4.0)


def _tokens(text: str) -> list[str]:
    fz = featurizer()
    if not text.isascii():
        for ch in set(text):
            if ch in fz.emoji:
                text = text.replace(ch, " ")
    return URL.sub(" ", text).split()


def feat_laugh(r: dict) -> list[float]:
    toks = [t.strip('.,!?"\'()*').lower() or t.lower() for t in r["text"].split()]
    n = sum(1 for t in toks if LAUGH.match(t))
    return [min(n, 2) / 2.0]


def feat_emo(r: dict) -> list[float]:
    fz = featurizer()
    pos = neg = 0.0
    for t in r["text"].split():
        v = fz.lex.get(t.lower()) if len(t) <= 4 and not t.isalpha() and not t.isdigit() else None
        if v is not None:
            pos, neg = (pos + v, neg) if v > 0 else (pos, neg + v)
    if not r["text"].isascii():
        for ch in r["text"]:
            v = fz.emoji.get(ch)
            if v:
                pos, neg = (pos + v, neg) if v > 0 else (pos, neg + v)
    return [squash(pos), squash(neg)]


def feat_hash(r: dict) -> list[float]:
    lex = featurizer().lex
    tags = [t[1:].strip(".,!?:;").lower() for t in r["text"].split() if t.startswith("#") and len(t) > 1]
    v = sum(lex.get(t, 0.0) for t in tags)
    return [min(len(tags), 3) / 3.0, squash(v)]


def feat_shout(r: dict) -> list[float]:
    toks = [t.strip(".,!?:;\"'()") for t in r["text"].split()]
    toks = [t for t in toks if len(t) >= 2 and t.isalpha()]
    caps = sum(t.isupper() for t in toks) / len(toks) if toks else 0.0
    elong = 1.0 if ELONG.search(r["text"].lower()) else 0.0
    return [caps, elong, 1.0 if ("!!" in r["text"] or "?!" in r["text"] or "!?" in r["text"]) else 0.0]


def feat_contrast(r: dict) -> list[float]:
    lex = featurizer().lex
    words = r["words"]
    last = max((i for i, w in enumerate(words) if w in CONTRAST_WORDS), default=-1)
    if last < 0:
        return [0.0, 0.0]

    def val(ws: list[str]) -> float:
        s = 0.0
        for w in ws:
            if w.startswith("NOT_"):
                s += lex.get(w[4:], 0.0) * -0.74
            else:
                s += lex.get(w, 0.0)
        return s

    return [squash(val(words[:last])), squash(val(words[last + 1:]))]


def _valences(r: dict) -> list[float]:
    lex = featurizer().lex
    out = []
    for w in r["words"]:
        if w.startswith("NOT_"):
            v = lex.get(w[4:])
            if v is not None:
                out.append(v * -0.74)
        else:
            v = lex.get(w)
            if v is not None:
                out.append(v)
    return out


def feat_lastv(r: dict) -> list[float]:
    vals = _valences(r)
    return [vals[-1] / 4.0 if vals else 0.0, vals[0] / 4.0 if vals else 0.0]


def feat_extremes(r: dict) -> list[float]:
    vals = _valences(r)
    return [max([v for v in vals if v > 0], default=0.0) / 4.0, min([v for v in vals if v < 0], default=0.0) / 4.0,
            min(sum(v > 0 for v in vals), 4) / 4.0, min(sum(v < 0 for v in vals), 4) / 4.0]


_SD: dict[str, float] = {}


def vader_sd() -> dict[str, float]:
    """VADER's lexicon: word -> standard deviation of its ten raters' valences (the last entry
    of a word listed twice wins, as in VADER)."""
    if not _SD:
        import vaderSentiment

        path = Path(vaderSentiment.__file__).with_name("vader_lexicon.txt")
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 3:
                _SD[parts[0]] = float(parts[2])
    return _SD


def feat_sd(r: dict) -> list[float]:
    lex, sd = featurizer().lex, vader_sd()
    sure = unsure = 0.0
    for w in r["words"]:
        neg = w.startswith("NOT_")
        b = w[4:] if neg else w
        v = lex.get(b)
        if v is None:
            continue
        v = v * -0.74 if neg else v
        if sd.get(b, 0.0) >= 1.0:
            unsure += v
        else:
            sure += v
    return [squash(sure), squash(unsure)]


def feat_inter(r: dict) -> list[float]:
    c, text = r["dense"][1], r["text"]
    return [c if "@" in text else 0.0, c if "#" in text else 0.0, c * feat_laugh(r)[0], c * feat_shout(r)[0],
            c if r["dense"][11] else 0.0]


def _one(k: int):
    return lambda r: [feat_inter(r)[k]]


def feat_cross(r: dict) -> list[float]:
    """The VADER compound times each other dense feature (TextBlob, shape)."""
    d = r["dense"]
    return [d[1] * x for x in d[4:12]]


_FJ: dict[str, float] = {}
_FJ_MAXN = 5
FJ_PATH = Path("/tmp/fjlc/lexicon.pmi.json")
_FJ_CLEAN = re.compile(r"[^a-z#]")


def fj_lexicon() -> dict[str, float]:
    """The Fredriksen-Jahren Twitter lexicon (fjlc 1.0.3 on PyPI, MIT; ``--fjlc PATH`` to its
    ``fjlc/res/data/lexicon.pmi.json``): 3,007 words and 2-5-word phrases with a PMI polarity
    (-5..+5) learnt from tweets."""
    if not _FJ:
        import json

        _FJ.update(json.loads(FJ_PATH.read_text(encoding="utf-8")))
    return _FJ


def _fj_hits(r: dict) -> list[tuple[float, bool, int, str]]:
    """(polarity, negated, n words, phrase) of the lexicon phrases in the row's words, longest first,
    left to right, not overlapping; negated when the phrase's first word is marked NOT_ (the
    model's three tokens after a negation)."""
    lex = fj_lexicon()
    toks, neg = [], []
    for w in r["words"]:
        n = w.startswith("NOT_")
        b = w[4:] if n else w
        b = _FJ_CLEAN.sub("", b.replace("'", "").replace("\u2019", ""))
        toks.append(b)
        neg.append(n)
    out = []
    i, n = 0, len(toks)
    while i < n:
        t = toks[i]
        if not t:
            i += 1
            continue
        hit = None
        for k in range(min(_FJ_MAXN, n - i), 0, -1):
            phrase = " ".join(toks[i:i + k])
            v = lex.get(phrase)
            if v is None and k == 1:
                v = lex.get(f"||{t}||") if t.startswith("#") else None
                if v is None and t.startswith("#"):
                    v = lex.get(t[1:])
            if v is not None:
                hit = (v, neg[i], k, phrase)
                break
        if hit is None:
            i += 1
            continue
        out.append(hit)
        i += hit[2]
    return out


def _fj_val(h: tuple[float, bool, int, str]) -> float:
    return h[0] * -0.74 if h[1] else h[0]


def feat_fj(r: dict) -> list[float]:
    """The Twitter lexicon's positive and negative sums (negated phrases ×−0.74)."""
    pos = neg = 0.0
    for h in _fj_hits(r):
        v = _fj_val(h)
        if v > 0:
            pos += v
        else:
            neg += v
    return [squash(pos), squash(neg)]


def feat_fjsum(r: dict) -> list[float]:
    """The Twitter lexicon's sum alone."""
    return [squash(sum(_fj_val(h) for h in _fj_hits(r)))]


def feat_fjng(r: dict) -> list[float]:
    """The Twitter lexicon's single words and its 2-5-word phrases, apart (each a sum)."""
    one = many = 0.0
    for h in _fj_hits(r):
        if h[2] == 1:
            one += _fj_val(h)
        else:
            many += _fj_val(h)
    return [squash(one), squash(many)]


def feat_fjnew(r: dict) -> list[float]:
    """The Twitter lexicon's sums over what VADER's lexicon does not know: phrases, and words
    outside it (positive and negative apart)."""
    lex = featurizer().lex
    pos = neg = 0.0
    for h in _fj_hits(r):
        v = _fj_val(h)
        if h[2] == 1 and h[3].lstrip("#") in lex:
            continue
        pos, neg = (pos + v, neg) if v > 0 else (pos, neg + v)
    return [squash(pos), squash(neg)]


def feat_fjshift(r: dict) -> list[float]:
    """``fj`` with fjlc's own negation: a negated phrase's polarity moves 1.5 toward (and past) zero."""
    pos = neg = 0.0
    for h in _fj_hits(r):
        v = h[0] - math.copysign(1.5, h[0]) if h[1] else h[0]
        pos, neg = (pos + v, neg) if v > 0 else (pos, neg + v)
    return [squash(pos), squash(neg)]


def feat_fjgap(r: dict) -> list[float]:
    """The Twitter lexicon's sum only for a text without any VADER-lexicon evidence (the gated ones)."""
    return [0.0 if has_evidence(r["dense"]) else feat_fjsum(r)[0]]


def feat_fjdis(r: dict) -> list[float]:
    """The Twitter lexicon's sum where its sign disagrees with the VADER compound's (or VADER is
    neutral), else 0: room for the ridge to learn whom to trust."""
    s, c = feat_fjsum(r)[0], r["dense"][1]
    return [s if abs(c) < 0.05 or s * c < 0 else 0.0]


FEATS = {"inter": feat_inter, "cross": feat_cross, "i_at": _one(0), "i_hash": _one(1), "i_laugh": _one(2),
         "i_caps": _one(3), "i_contrast": _one(4), "sd": feat_sd, "lastv": feat_lastv, "extremes": feat_extremes, "laugh": feat_laugh, "emo": feat_emo, "hash": feat_hash, "shout": feat_shout,
         "contrast": feat_contrast, "fj": feat_fj, "fjsum": feat_fjsum, "fjng": feat_fjng,
         "fjnew": feat_fjnew, "fjgap": feat_fjgap, "fjshift": feat_fjshift, "fjdis": feat_fjdis}


def negscope_words(r: dict) -> list[str]:
    """The row's words with NOT_ running from a negation to the end of its clause."""
    words = list(r["words"])
    toks = _tokens(r["text"])
    if len(toks) != len(words):
        return words
    negate = featurizer().negate
    active = False
    for i, (w, t) in enumerate(zip(words, toks, strict=True)):
        base = w[4:] if w.startswith("NOT_") else w
        if base in negate or "n't" in base:
            active = True
            words[i] = base
            if PUNCT_END.search(t):
                active = False
            continue
        if base in CONTRAST_WORDS:
            active = False
        if active and base:
            words[i] = "NOT_" + base  # outside the clause the three-token marking stays
        if PUNCT_END.search(t):
            active = False
    return words


class XExpert:
    """A linear expert over the dense features, extra dense features and (possibly re-marked) words."""

    def __init__(self, lm: LinearModel, xw: np.ndarray, parts: list[str], wkey: str, power: float = 1.0) -> None:
        self.lm, self.xw, self.parts, self.wkey, self.power = lm, xw, parts, wkey, power

    def raw(self, r: dict) -> float:
        s = self.lm.raw(r["dense"], r[self.wkey])
        if len(self.xw):
            s += float(np.dot(self.xw, r["xd"]))
        if self.power != 1.0:  # fitted on sign(y)·|y|^power: back to the rating's scale
            s = math.copysign(abs(s) ** (1.0 / self.power), s)
        return s

    def score(self, r: dict) -> float:
        raw = self.raw(r)
        return self.lm.calibrate(raw if has_evidence(r["dense"]) else raw * self.lm.gate)


def fit_x(rows: list[dict], lam_w: float, nx: int, wkey: str, opts: dict) -> tuple[LinearModel, np.ndarray]:
    if opts.get("boot"):  # bagging: the mean of the weights fitted on bootstrap samples
        rng = np.random.default_rng(len(rows))
        fits = [fit_x([rows[i] for i in rng.integers(0, len(rows), len(rows))], lam_w, nx, wkey,
                      {**opts, "boot": 0}) for _ in range(int(opts["boot"]))]
        words: Counter = Counter()
        for lm, _ in fits:
            words.update(lm.words)
        k = len(fits)
        lm = LinearModel({"dense": {name: float(np.mean([f[0].dense[j] for f in fits])) for j, name in enumerate(DENSE)},
                          "words": {w: v / k for w, v in words.items()}})
        return lm, np.mean([f[1] for f in fits], axis=0)
    counts = Counter(w for r in rows for w in set(r[wkey]))
    vocab = sorted(w for w, c in counts.items() if c >= opts.get("min", sf.MIN_COUNT))
    index = {w: i + ND + nx for i, w in enumerate(vocab)}
    p = ND + nx + len(vocab)
    feats = []
    for r in rows:
        f = tv.dense_feats(r) + [(ND + j, x) for j, x in enumerate(r["xd"]) if x]
        rr = {"words": r[wkey]}
        f += tv.word_feats(rr, index)
        feats.append(f)
    power = opts.get("pow", 1.0)
    y = np.array([math.copysign(abs(r["y"]) ** power, r["y"]) for r in rows])
    lam = np.full(p, lam_w)
    lam[:ND + nx] = opts.get("lam_d", sf.LAMBDA_DENSE)
    lam[0] = 1e-6
    w = tv.ridge(feats, y, lam)
    words = {wd: float(w[index[wd]]) for wd in vocab if abs(w[index[wd]]) >= 5e-4}
    lm = LinearModel({"dense": {name: float(w[j]) for j, name in enumerate(DENSE)}, "words": words})
    return lm, w[ND:ND + nx].copy()


def fit_x_expert(rows: list[dict], lam_w: float, nx: int, wkey: str, salt: int, opts: dict) -> XExpert:
    def fit_raw(part):
        return XExpert(*fit_x(part, lam_w, nx, wkey, opts), [], wkey, opts.get("pow", 1.0)).raw

    lm, xw = fit_x(rows, lam_w, nx, wkey, opts)
    n_inner = int(opts.get("kneeavg", 1))
    if n_inner > 1:  # knee and gate maximising the F1 summed over several inner fold assignments
        raws: list[float] = []
        for s in range(n_inner):
            raws += tv.inner_raws(rows, fit_raw, 3, salt if s == 0 else 1000 * (salt + 1) + s)
        lm.knee, lm.gate, _ = sf._best_knee(raws, rows * n_inner)
    else:
        lm.knee, lm.gate = tv.inner_knee(rows, fit_raw, 3, salt)
    return XExpert(lm, xw, [], wkey, opts.get("pow", 1.0))


def prepare(rows: list[dict], variant: str) -> tuple[int, str, tuple[str, float, float] | None, dict]:
    """Fill r["xd"] (extra dense) and r["xw"] (words) for the variant; (nx, words key, vfall, options)."""
    parts = [p for p in variant.split("+") if p != "base"]
    vfall = None
    opts: dict = {}
    fs = []
    wkey = "words"
    for p in parts:
        name, *args = p.split("-")
        if name in ("vfall", "vsoft"):
            vfall = (name, float(args[0]), float(args[1]))
        elif name in ("min", "boot", "lam_d", "lam", "kneeavg", "pow"):
            opts[name] = float(args[0])
        elif name == "rawmix":
            opts["rawmix"] = True
        elif name == "negscope":
            wkey = "xw"
        elif name in FEATS:
            fs.append(FEATS[name])
        else:
            raise SystemExit(f"unknown part {p!r}")
    nx = 0
    for r in rows:
        r["xd"] = [x for f in fs for x in f(r)]
        nx = len(r["xd"])
        if wkey == "xw":
            r["xw"] = negscope_words(r)
    return nx, wkey, vfall, opts


def score_mixture(style: StyleModel, experts: dict, r: dict, rawmix: bool = False) -> float:
    if not rawmix:
        return tv.score_mixture(style, experts, r)
    post = style.posterior(r["words"], r["text"])  # rawmix: mix the experts' gated raw scores and knees, then calibrate once
    raw = knee = z = 0.0
    ev = has_evidence(r["dense"])
    for p, c in zip(post, style.classes, strict=True):
        if p > 0.03:
            e = experts[c]
            x = e.raw(r)
            raw += p * (x if ev else x * e.lm.gate)
            knee += p * e.lm.knee
            z += p
    lm = LinearModel({"dense": {}, "words": {}, "knee": knee / z})
    return lm.calibrate(raw / z)


def cross_validate(rows: list[dict], variant: str, salt: int, cache: dict, which: str,
                   vader: list[float]) -> list[float]:
    nx, wkey, vfall, opts = prepare(rows, variant)
    preds = [0.0] * len(rows)
    for f in range(5):
        train = [r for r in rows if sf.fold_of(r, 5, salt) != f]
        key = (salt, f)
        if key not in cache:
            style = StyleModel(sf.fit_style(train))
            experts = {c: tv.Expert(LinearModel(sf._fit([r for r in train if r["corpus"] == c],
                                                        lam_w=sf.EXPERT_LAMBDA[c], inner_folds=3, salt=salt)))
                       for c in sf.CORPORA}
            cache[key] = (style, experts)
        style, experts = cache[key]
        experts = dict(experts)
        if nx or wkey != "words" or set(opts) - {"rawmix"}:
            for c in {"all": sf.CORPORA, "tweets": ("tweets",)}.get(which, [c for c in sf.CORPORA if c != "tweets"]):
                experts[c] = fit_x_expert([r for r in train if r["corpus"] == c],
                                          opts.get("lam", sf.EXPERT_LAMBDA[c]), nx, wkey, salt, opts)
        for i, r in enumerate(rows):
            if sf.fold_of(r, 5, salt) == f:
                s = score_mixture(style, experts, r, bool(opts.get("rawmix")))
                if vfall is not None:
                    kind, a, b = vfall
                    if kind == "vsoft":
                        s += a * vader[i] * max(0.0, 1.0 - abs(s) / b)
                    elif abs(s) < a and abs(vader[i]) >= b:
                        s = math.copysign(max(abs(s), 0.05), vader[i])
                preds[i] = s
    return preds


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--salts", default="0,1,2,3,4")
    p.add_argument("--variants", default="base")
    p.add_argument("--experts", default="tweets", choices=("tweets", "all", "others"))
    p.add_argument("--fjlc", default="/tmp/fjlc/lexicon.pmi.json", help="fjlc's lexicon.pmi.json (the fj* parts)")
    a = p.parse_args()
    global FJ_PATH
    FJ_PATH = Path(a.fjlc)
    rows, base = tv.load()
    cache: dict = {}
    tv.report(rows, base, a.variants, a.salts,
              lambda variant, salt: cross_validate(rows, variant, salt, cache, a.experts, base["vader"]),
              label=f"{a.experts:6s} ", width=24, minima=True)

if __name__ == "__main__":
    main()
