"""Variants of the default engine's model aimed at tweets, each cross-validated like
``sentiment_eval.py --salts`` (5 folds per salt; vocabulary, weights, knees, gates and the style
model re-fitted in every fold; the reputation rules applied after), reported as each corpus's
margin over the best of VADER, TextBlob and 0.7·VADER+0.3·TextBlob, mean over the salts.

    python benchmarks/sentiment_tweets_variants.py [--salts 0,1,2,3,4] [--variants base,daume,...]

Variants (issue 14, round 6; see docs/analysis.md "Tried for tweets"):

* ``base``: the shipped fit (sentiment_fit.fit).
* ``daume[-S-C]``: "frustratingly easy" domain adaptation (Daumé 2007): ONE ridge over all four
  corpora, every feature copied into a shared and a per-corpus version; the expert of corpus c
  is shared + c's copy (same run-time format as today). S, C: penalty multipliers of the shared
  and the per-corpus words.
* ``daumex[-S-C]``: the same for the other three experts, the tweets expert fitted alone as shipped.
* ``logit``: a multinomial logistic regression over the tweets expert's features decides the
  tweets expert's label; the ridge keeps the magnitude.
* ``chars``: hashed character 3-5-grams as extra features of the tweets expert.
* ``bag``: the tweets expert's word weights averaged over ridge penalties 8, 15, 30.
* ``nb``: naive-Bayes-scaled words in the tweets expert (round 5), for combinations.
* ``vec[-D-L]``: a word-vector prior in the tweets expert (static vectors from
  benchmarks/word_vectors.py, at $ORM_WORD_VECTORS; D its PCA size, L the ridge penalty on the projection;
  default 128, 100); tried, not shipped (docs/analysis.md).

Needs numpy. Caches features and baseline scores in /tmp/orm_tweets_variants-HASH.pkl (HASH: the
featurising code and the data).
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import pickle
import sys
import time
import zlib
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
import sentiment_fit as sf  # noqa: E402

from orm_desktop.analysis.sentiment_model import DENSE, LinearModel, StyleModel  # noqa: E402


def _cache_path() -> Path:
    """The features' cache, keyed by the code that computes them and the data."""
    h = hashlib.sha1()
    for path in (ROOT / "orm_desktop" / "analysis" / "sentiment_model.py",
                 ROOT / "orm_desktop" / "analysis" / "sentiment.py",
                 *(sf.DEV / f"{c}.tsv" for c in sf.CORPORA)):
        h.update(path.read_bytes())
    return Path(f"/tmp/orm_tweets_variants-{h.hexdigest()[:12]}.pkl")
ND = len(DENSE)


def load() -> tuple[list[dict], dict[str, list[float]]]:
    cache = _cache_path()
    if cache.is_file():
        with cache.open("rb") as fh:
            return pickle.load(fh)
    from orm_desktop.analysis.sentiment import get_engine

    rows = sf.load_corpora()
    sf.featurize(rows)
    vader, blob = get_engine("vader"), get_engine("textblob")
    v = [vader.score(r["text"]) for r in rows]
    t = [blob.score(r["text"]) for r in rows]
    base = {"vader": v, "textblob": t, "0.7v+0.3tb": [0.7 * a + 0.3 * b for a, b in zip(v, t, strict=True)]}
    with cache.open("wb") as fh:
        pickle.dump((rows, base), fh)
    return rows, base


# --- a generic sparse ridge (conjugate gradient, as sentiment_fit._fit) --------------------------

def ridge(feats: list[list[tuple[int, float]]], y: np.ndarray, lam: np.ndarray,
          w0: np.ndarray | None = None) -> np.ndarray:
    """argmin |Xw - y|² + Σ lam·w² by Jacobi-preconditioned conjugate gradient (warm start w0)."""
    n, p = len(feats), len(lam)
    ri = np.fromiter((i for i, f in enumerate(feats) for _ in f), dtype=np.int64)
    ci = np.fromiter((j for f in feats for j, _ in f), dtype=np.int64)
    v = np.fromiter((x for f in feats for _, x in f), dtype=float)

    def a_mul(w: np.ndarray) -> np.ndarray:
        xw = np.bincount(ri, weights=v * w[ci], minlength=n)
        return np.bincount(ci, weights=v * xw[ri], minlength=p) + lam * w

    b = np.bincount(ci, weights=v * y[ri], minlength=p)
    m_inv = 1.0 / (np.bincount(ci, weights=v * v, minlength=p) + lam)
    w = np.zeros(p) if w0 is None else w0.copy()
    r_ = b - a_mul(w)
    z = m_inv * r_
    d = z.copy()
    rz = r_ @ z
    tol = 1e-7 * math.sqrt(b @ b)
    for _ in range(3000):
        ad = a_mul(d)
        alpha = rz / (d @ ad)
        w += alpha * d
        r_ -= alpha * ad
        if math.sqrt(r_ @ r_) < tol:
            break
        z = m_inv * r_
        rz_new = r_ @ z
        d = z + (rz_new / rz) * d
        rz = rz_new
    return w


def word_feats(r: dict, index: dict[str, int], scale: dict[str, float] | None = None,
               offset: int = 0) -> list[tuple[int, float]]:
    out = []
    if r["words"]:
        norm = 1.0 / math.sqrt(len(r["words"]))
        for w, c in Counter(r["words"]).items():
            j = index.get(w)
            if j is not None:
                out.append((j + offset, c * norm * (scale.get(w, 0.0) if scale is not None else 1.0)))
    return out


def dense_feats(r: dict, offset: int = 0) -> list[tuple[int, float]]:
    return [(j + offset, x) for j, x in enumerate(r["dense"]) if x]


# --- character n-grams ---------------------------------------------------------------------------

CHAR_BITS = 14


def char_grams(text: str, lo: int = 3, hi: int = 5) -> list[int]:
    t = " " + " ".join(text.lower().split()) + " "
    mask = (1 << CHAR_BITS) - 1
    return [zlib.crc32(t[i:i + n].encode()) & mask for n in range(lo, hi + 1) for i in range(len(t) - n + 1)]


# --- experts -------------------------------------------------------------------------------------

class Expert:
    """A fitted linear expert with optional extras: an additive raw term (char n-grams) and a
    label classifier; score() is calibrated like LinearModel.score."""

    def __init__(self, lm: LinearModel, extra=None, clf=None) -> None:
        self.lm, self.extra, self.clf = lm, extra, clf

    def raw(self, r: dict) -> float:
        s = self.lm.raw(r["dense"], r["words"])
        if self.extra is not None:
            s += self.extra(r)
        return s

    def score(self, r: dict) -> float:
        from orm_desktop.analysis.sentiment_model import has_evidence

        raw = self.raw(r)
        s = self.lm.calibrate(raw if has_evidence(r["dense"]) else raw * self.lm.gate)
        if self.clf is not None:
            s = self.clf(r, s)
        return s


def inner_raws(rows: list[dict], fit_raw, k: int, salt: int) -> list[float]:
    """Inner out-of-fold raw scores of rows (k folds by salt); fit_raw(train_rows) -> raw(row)."""
    raws = [0.0] * len(rows)
    for f in range(k):
        part = [r for r in rows if sf.fold_of(r, k + 7, salt) % k != f]
        raw = fit_raw(part)
        for i, r in enumerate(rows):
            if sf.fold_of(r, k + 7, salt) % k == f:
                raws[i] = raw(r)
    return raws


def inner_knee(rows: list[dict], fit_raw, k: int, salt: int) -> tuple[float, float]:
    """Knee and gate from inner out-of-fold raw scores (inner_raws)."""
    knee, gate, _ = sf._best_knee(inner_raws(rows, fit_raw, k, salt), rows)
    return knee, gate


# made by `python benchmarks/word_vectors.py MODEL_DIR OUT.npz` (fit time only, not committed)
VECTORS = Path(os.environ.get("ORM_WORD_VECTORS", "/tmp/vec/vectors.npz"))
_vectors: dict[int, tuple[dict[str, int], np.ndarray, frozenset[str]]] = {}


def word_vectors(dim: int) -> tuple[dict[str, int], np.ndarray, frozenset[str]]:
    """(word -> row, table e{dim}, the words from no labelled text) of VECTORS, loaded once."""
    if dim not in _vectors:
        data = np.load(VECTORS)
        words = [str(w) for w in data["words"]]
        _vectors[dim] = ({w: i for i, w in enumerate(words)}, data[f"e{dim}"].astype(np.float64),
                         frozenset(w for w, g in zip(words, data["general"], strict=True) if g))
    return _vectors[dim]


def fit_linear(rows: list[dict], lam_w: float, nb_alpha: float = 0.0, chars: float = 0.0,
               lam_grid: tuple[float, ...] = (), vectors: tuple[int, float] | None = None) -> tuple[LinearModel, object]:
    """One expert's ridge (as sentiment_fit._fit) with options: NB-scaled words, char n-grams
    (penalty ``chars``), averaged over penalties ``lam_grid``, a word-vector prior ``vectors``
    (dim, penalty: each word with a vector adds p . e_w, p learnt; the words of the vector table
    from no labelled text and the training rows' words are exported with their combined weight,
    so a test fold's own words get no vector unless a general list has them). Returns
    (LinearModel, extra)."""
    counts = Counter(w for r in rows for w in set(r["words"]))
    vocab = sorted(w for w, c in counts.items() if c >= sf.MIN_COUNT)
    index = {w: i + ND for i, w in enumerate(vocab)}
    scale = None
    if nb_alpha:
        pos = Counter(w for r in rows if r["y"] >= 0.05 for w in set(r["words"]))
        neg = Counter(w for r in rows if r["y"] <= -0.05 for w in set(r["words"]))
        npos = sum(pos[w] for w in vocab) + nb_alpha * len(vocab)
        nneg = sum(neg[w] for w in vocab) + nb_alpha * len(vocab)
        scale = {w: abs(math.log((pos[w] + nb_alpha) / npos) - math.log((neg[w] + nb_alpha) / nneg)) for w in vocab}
    p = ND + len(vocab)
    cidx: dict[int, int] = {}
    if chars:
        cc = Counter(g for r in rows for g in set(r["chars"]))
        cidx = {g: p + i for i, g in enumerate(sorted(g for g, c in cc.items() if c >= sf.MIN_COUNT))}
        p += len(cidx)
    vrows: dict[str, int] = {}
    if vectors:
        vindex, table, general = word_vectors(vectors[0])
        vrows = {w: vindex[w] for w in general | {w for r in rows for w in r["words"] if w in vindex}}
        v0 = p
        p += table.shape[1]
    feats = []
    for r in rows:
        f = dense_feats(r) + word_feats(r, index, scale)
        if chars and r["chars"]:
            norm = 1.0 / math.sqrt(len(r["chars"]))
            f += [(cidx[g], c * norm) for g, c in Counter(r["chars"]).items() if g in cidx]
        if vrows and r["words"]:
            norm = 1.0 / math.sqrt(len(r["words"]))
            ev = sum((c * norm * table[vrows[w]] for w, c in Counter(r["words"]).items() if w in vrows),
                     np.zeros(table.shape[1]))
            f += [(v0 + k, float(x)) for k, x in enumerate(ev) if x]
        feats.append(f)
    y = np.array([r["y"] for r in rows])
    ws = []
    for lam_w_i in (lam_grid or (lam_w,)):
        lam = np.full(p, lam_w_i)
        lam[:ND] = sf.LAMBDA_DENSE
        lam[0] = 1e-6
        if chars:
            lam[ND + len(vocab):ND + len(vocab) + len(cidx)] = chars
        if vrows:
            lam[v0:] = vectors[1]
        ws.append(ridge(feats, y, lam))
    w = np.mean(ws, axis=0)
    words = {}
    for wd in vocab:
        x = w[index[wd]] * (scale[wd] if scale is not None else 1.0)
        if abs(x) >= 5e-4:
            words[wd] = float(x)
    if vrows:
        prior = table @ w[v0:]
        for wd, i in vrows.items():
            x = words.get(wd, 0.0) + float(prior[i])
            if abs(x) >= 5e-4:
                words[wd] = x
    lm = LinearModel({"dense": {name: float(w[j]) for j, name in enumerate(DENSE)}, "words": words})
    extra = None
    if chars:
        cw = {g: float(w[j]) for g, j in cidx.items()}

        def extra(r: dict, cw=cw) -> float:
            if not r["chars"]:
                return 0.0
            return sum(cw.get(g, 0.0) for g in r["chars"]) / math.sqrt(len(r["chars"]))
    return lm, extra


def fit_expert(rows: list[dict], salt: int, **kw) -> Expert:
    def fit_raw(part):
        e = Expert(*fit_linear(part, **kw))
        return e.raw

    lm, extra = fit_linear(rows, **kw)
    lm.knee, lm.gate = inner_knee(rows, fit_raw, 3, salt)
    return Expert(lm, extra)


# --- Daumé: one ridge over all corpora, shared + per-corpus copies --------------------------------

def fit_daume(rows: list[dict], salt: int, shared: float, own: float, inner: bool = True) -> dict[str, Expert]:
    corpora = sf.CORPORA
    counts = Counter(w for r in rows for w in set(r["words"]))
    vocab = sorted(w for w, c in counts.items() if c >= sf.MIN_COUNT)
    index = {w: i + ND for i, w in enumerate(vocab)}
    block = ND + len(vocab)
    own_index = {}
    for c in corpora:  # the per-corpus copy only of words seen >= MIN_COUNT times in that corpus
        cc = Counter(w for r in rows if r["corpus"] == c for w in set(r["words"]))
        own_index[c] = {w: i + ND for i, w in enumerate(sorted(w for w, n in cc.items() if n >= sf.MIN_COUNT))}
    offsets = {}
    p = block
    for c in corpora:
        offsets[c] = p
        p += ND + len(own_index[c])
    lam = np.full(p, 0.0)
    lam[:ND] = sf.LAMBDA_DENSE
    lam[0] = 1e-6
    lam[ND:block] = shared
    for c in corpora:
        o = offsets[c]
        lam[o:o + ND] = sf.LAMBDA_DENSE
        lam[o] = 1e-6 if c != corpora[0] else sf.LAMBDA_DENSE  # one bias per corpus
        lam[o + ND:o + ND + len(own_index[c])] = own * sf.EXPERT_LAMBDA[c]
    feats = []
    for r in rows:
        o = offsets[r["corpus"]]
        feats.append(dense_feats(r) + word_feats(r, index) + dense_feats(r, o) + word_feats(r, own_index[r["corpus"]], offset=o))
    y = np.array([r["y"] for r in rows])
    w = ridge(feats, y, lam)
    experts = {}
    for c in corpora:
        o = offsets[c]
        dense = {name: float(w[j] + w[o + j]) for j, name in enumerate(DENSE)}
        words = {wd: float(w[index[wd]]) for wd in vocab}
        for wd, j in own_index[c].items():
            words[wd] = words.get(wd, 0.0) + float(w[o + j])
        words = {k: v for k, v in words.items() if abs(v) >= 5e-4}
        experts[c] = Expert(LinearModel({"dense": dense, "words": words}))
    if inner:
        k = 3
        raws = {id(r): 0.0 for r in rows}
        for f in range(k):
            part = [r for r in rows if sf.fold_of(r, k + 7, salt) % k != f]
            ex = fit_daume(part, salt, shared, own, inner=False)
            for r in rows:
                if sf.fold_of(r, k + 7, salt) % k == f:
                    raws[id(r)] = ex[r["corpus"]].raw(r)
        for c in corpora:
            sub = [r for r in rows if r["corpus"] == c]
            knee, gate, _ = sf._best_knee([raws[id(r)] for r in sub], sub)
            experts[c].lm.knee, experts[c].lm.gate = knee, gate
    return experts


# --- the label classifier for tweets ---------------------------------------------------------

LABEL_INDEX = {"negative": 0, "neutral": 1, "positive": 2}


def fit_logit(rows: list[dict], lam: float, iters: int = 300, lr: float = 2.0) -> tuple[np.ndarray, dict[str, int]]:
    """Multinomial logistic regression (L2, full-batch gradient descent with momentum) over the
    dense features and the words (count/√n)."""
    counts = Counter(w for r in rows for w in set(r["words"]))
    vocab = sorted(w for w, c in counts.items() if c >= sf.MIN_COUNT)
    index = {w: i + ND for i, w in enumerate(vocab)}
    x = np.zeros((len(rows), ND + len(vocab)))
    for i, r in enumerate(rows):
        for j, v in dense_feats(r) + word_feats(r, index):
            x[i, j] = v
    yl = np.array([LABEL_INDEX[sf.label(r["y"])] for r in rows])
    yo = np.eye(3)[yl]
    w = np.zeros((x.shape[1], 3))
    vel = np.zeros_like(w)
    reg = np.full((x.shape[1], 1), lam / len(rows))
    reg[0] = 0.0
    for _ in range(iters):
        z = x @ w
        z -= z.max(axis=1, keepdims=True)
        pr = np.exp(z)
        pr /= pr.sum(axis=1, keepdims=True)
        g = x.T @ (pr - yo) / len(rows) + reg * w
        vel = 0.9 * vel - lr * g
        w += vel
    return w, index


def logit_probs(w: np.ndarray, index: dict[str, int], r: dict) -> np.ndarray:
    z = w[0] * 0.0
    for j, v in dense_feats(r) + word_feats(r, index):
        z = z + v * w[j]
    z = z - z.max()
    e = np.exp(z)
    return e / e.sum()


def with_classifier(expert: Expert, rows: list[dict], lam: float, mode: str) -> Expert:
    w, index = fit_logit(rows, lam)

    def clf(r: dict, s: float) -> float:
        pr = logit_probs(w, index, r)
        c = int(np.argmax(pr))
        if mode == "sign" and c == 1:  # the classifier only flips signs, never decides neutral
            c = 1 if -0.05 < s < 0.05 else (2 if pr[2] >= pr[0] else 0)
        if c == 1:
            return max(-0.049, min(0.049, s))
        m = max(abs(s), 0.05)
        return m if c == 2 else -m

    expert.clf = clf
    return expert


# --- the whole model per fold --------------------------------------------------------------------

def score_mixture(style: StyleModel, experts: dict[str, Expert], r: dict) -> float:
    post = style.posterior(r["words"], r["text"])
    s = z = 0.0
    for p, c in zip(post, style.classes, strict=True):
        if p > 0.03:
            s += p * experts[c].score(r)
            z += p
    return s / z


def tweets_expert(variant: str, tweets: list[dict], salt: int) -> Expert:
    parts = variant.split("+")
    kw: dict = {"lam_w": sf.EXPERT_LAMBDA["tweets"]}
    clf = None
    for part in parts:
        name, *args = part.split("-")
        if name == "nb":
            kw["nb_alpha"] = float(args[0]) if args else 1.0
        elif name == "chars":
            kw["chars"] = float(args[0]) if args else 15.0
        elif name == "bag":
            kw["lam_grid"] = tuple(float(a) for a in args) if args else (8.0, 15.0, 30.0)
        elif name == "vec":  # vec-DIM-PENALTY: the word-vector prior (1 Dec 2026, branch vec)
            kw["vectors"] = (int(args[0]) if args else 128, float(args[1]) if len(args) > 1 else 100.0)
        elif name == "lam":
            kw["lam_w"] = float(args[0])
        elif name in ("logit", "logitsign"):
            clf = (float(args[0]) if args else 1.0, "sign" if name == "logitsign" else "label")
        elif name != "base":
            raise SystemExit(f"unknown variant part {part!r}")
    e = fit_expert(tweets, salt, **kw)
    if clf is not None:
        e = with_classifier(e, tweets, *clf)
    return e


def cross_validate(rows: list[dict], variant: str, salt: int, cache: dict) -> list[float]:
    preds = [0.0] * len(rows)
    for f in range(5):
        train = [r for r in rows if sf.fold_of(r, 5, salt) != f]
        key = (salt, f)
        if key not in cache:  # the shipped fit of this fold: style model and the four experts
            style = StyleModel(sf.fit_style(train))
            experts = {c: Expert(LinearModel(sf._fit([r for r in train if r["corpus"] == c],
                                                     lam_w=sf.EXPERT_LAMBDA[c], inner_folds=3, salt=salt)))
                       for c in sf.CORPORA}
            cache[key] = (style, experts)
        style, experts = cache[key]
        experts = dict(experts)
        if variant.startswith("daume"):
            args = variant.split("-")[1:]
            shared = float(args[0]) if args else 6.0
            own = float(args[1]) if len(args) > 1 else 1.0
            tweets = experts["tweets"]
            experts = fit_daume(train, salt, shared, own)
            if variant.startswith("daumex"):  # the shipped tweets expert, Daumé's for the other three
                experts["tweets"] = tweets
        elif variant != "base":
            experts["tweets"] = tweets_expert(variant, [r for r in train if r["corpus"] == "tweets"], salt)
        for i, r in enumerate(rows):
            if sf.fold_of(r, 5, salt) == f:
                preds[i] = score_mixture(style, experts, r)
    return preds


def margins(rows: list[dict], base: dict[str, list[float]], preds: list[float]) -> dict[str, tuple[float, float]]:
    from orm_desktop.analysis.sentiment import apply_rules

    oof = [apply_rules(r["text"], s) for r, s in zip(rows, preds, strict=True)]
    out = {}
    for c in sf.CORPORA:
        idx = [i for i, r in enumerate(rows) if r["corpus"] == c]
        ys = [rows[i]["y"] for i in idx]
        gold = [sf.label(y) for y in ys]

        def rf(scores, idx=idx, ys=ys, gold=gold):
            ss = [scores[i] for i in idx]
            return sf.pearson(ss, ys), sf.weighted_f1(gold, [sf.label(x) for x in ss])

        orm_r, orm_f = rf(oof)
        best = [rf(s) for s in base.values()]
        out[c] = (orm_r - max(b[0] for b in best), orm_f - max(b[1] for b in best))
    return out


def report(rows: list[dict], base: dict[str, list[float]], variants: str, salts: str,
           predict, label: str = "", width: int = 28, minima: bool = False) -> None:
    """For each variant (comma-separated), the margins over the best baseline, mean over the
    salts (comma-separated), of ``predict(variant, salt)``'s out-of-fold scores: a line each."""
    salt_list = [int(s) for s in salts.split(",")]
    for variant in variants.split(","):
        t0 = time.process_time()
        per: dict[str, list[tuple[float, float]]] = {c: [] for c in sf.CORPORA}
        for salt in salt_list:
            m = margins(rows, base, predict(variant, salt))
            for c in sf.CORPORA:
                per[c].append(m[c])
        cells = []
        for c in sf.CORPORA:
            rs = [x[0] for x in per[c]]
            fs = [x[1] for x in per[c]]
            cells.append(f"{c[:6]} r {np.mean(rs):+.4f} F1 {np.mean(fs):+.4f}" + (f" [{min(fs):+.3f}]" if minima else ""))
        tw = per["tweets"]
        print(f"{variant:{width}s} {label}| " + " | ".join(cells) + " | tweets F1 by salt "
              + " ".join(f"{x[1]:+.3f}" for x in tw) + f" | {time.process_time() - t0:.0f}s CPU", flush=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--salts", default="0,1,2,3,4")
    p.add_argument("--variants", default="base")
    a = p.parse_args()
    rows, base = load()
    if any("chars" in v for v in a.variants.split(",")):
        for r in rows:  # every text: the tweets expert scores any text the style model thinks may be one
            r["chars"] = char_grams(r["text"])
    cache: dict = {}
    report(rows, base, a.variants, a.salts, lambda variant, salt: cross_validate(rows, variant, salt, cache))

if __name__ == "__main__":
    main()
