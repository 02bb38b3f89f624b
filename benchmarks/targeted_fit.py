"""Fit the learned targeted layer (orm_desktop/analysis/targeted_model.py) on the labelled
(text, entity) pairs of tests/data/sentiment_targeted.tsv and write
resources/sentiment/targeted_model.json.

    python benchmarks/targeted_fit.py [--cv] [--no-write] [--by-origin] [--vectors NPZ]

Each pair is scored by the rules (sentiment.rules_toward, as ``orm-desktop score --entity``
does: the entity's name as a quoted query); the layer's features are what the rules computed
plus the words of the segments they credited to the entity. Model: multinomial logistic
regression (3 classes), L2 penalty, full-batch gradient descent (Adam, fixed iterations, zero
start: reproducible bit for bit on one machine), vocabulary = words in >= MIN_DF training texts.

``--cv``: grouped cross-validation, leave one split out (dev, test, fresh, fresh2…): fit on all
the other splits, score the held one; prints every split's accuracy for the rules alone and for
rules + model, then per kind and per pattern over the held-out predictions. ``--by-origin``
holds out each batch (``origin``) instead. The vocabulary and all weights are re-fitted in
every fold. Needs numpy (dev extra). Never reads tests/data/sentiment_targeted_blind.tsv.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Collection
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from orm_desktop.analysis.targeted_model import CLASSES, DENSE, features  # noqa: E402

sys.path.append(str(ROOT / "benchmarks"))
from make_targeted import LATER_ROUNDS  # noqa: E402

DATA = ROOT / "tests" / "data" / "sentiment_targeted.tsv"
MODEL_PATH = ROOT / "resources" / "sentiment" / "targeted_model.json"
MIN_DF = 2
# L2 on word weights (on the weighted mean loss). Round 24 re-checked it with twice the realistic
# pairs: on a validation set (fresh20-25, held out with fresh15-19 for the choice only) 1e-5 0.674,
# 3e-5 0.681, 1e-4 0.664; but 3e-5 turned hand-made cases the rules get right ("Orvane received more
# complaints this autumn than ever before." positive) and moved the blind sets by +0.007 only: the
# lighter penalty learns the outside writers' style, not the wording of text nobody wrote for us.
LAMBDA_WORDS = 1e-4
LAMBDA_DENSE = 1e-4
ITERATIONS = 300
RATE = 0.05
# The rules were written from the dev split: there they are right 0.96 of the time, on splits
# nobody tuned them on 0.75-0.90. Fitted on dev as much as on the rest, the model learns to copy
# the rules; dev rows weigh 0.05 each (chosen by --cv among 0.02, 0.05, 0.1, 0.2, 1 and dev
# left out).
DEV_WEIGHT = 0.05
# left to the rules (chosen by --cv; "sarcasm" changed nothing). "role" (round 14): where the rules
# found the entity won or lost (a contest, a rival's bad news), a bag of words cannot tell the
# winner's praise from the loser's ("Acme beat Globex to the contract. It was a fair fight." read
# positive for Globex); leaving them to the rules changed the never-read fresh15-19 by 2 pairs of
# 1,715 and the blind sets by none.
KEEP_RULES: tuple[str, ...] = ("stars", "neutral_role", "role")


def load(path: Path = DATA) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def rules_features(rows: list[dict]) -> list[tuple]:
    """Per row: (rules TargetedScore, its trace, dense features, words)."""
    from orm_desktop.analysis.sentiment import get_engine, rules_toward
    from orm_desktop.ingest.query import EntityQuery

    engine = get_engine("orm")
    queries: dict[str, EntityQuery] = {}
    out = []
    for r in rows:
        q = queries.get(r["entity"])
        if q is None:
            q = queries[r["entity"]] = EntityQuery.parse(f'"{r["entity"]}"')
        ts, trace = rules_toward("", r["text"], q.spans, engine=engine)
        dense, words = features(ts, trace)
        out.append((ts, trace, dense, words))
    return out


def design(feats: list[tuple], vocab: dict[str, int]) -> np.ndarray:
    d = len(DENSE)
    x = np.zeros((len(feats), d + len(vocab)), dtype=np.float32)
    for i, (_ts, _tr, dense, words) in enumerate(feats):
        x[i, :d] = dense
        if words:
            scale = 1.0 / np.sqrt(len(words))  # as TargetedModel.probabilities: all words count in n
            for w in words:
                j = vocab.get(w)
                if j is not None:
                    x[i, d + j] = scale
    return x


def load_vectors(path: Path, dim: int) -> tuple[dict[str, int], np.ndarray]:
    """(word -> row, table) of static word vectors made by benchmarks/word_vectors.py (its e{dim})."""
    data = np.load(path)
    return {str(w): i for i, w in enumerate(data["words"])}, data[f"e{dim}"].astype(np.float32)


def vector_design(feats: list[tuple], vectors: tuple[dict[str, int], np.ndarray]) -> np.ndarray:
    """Per row the sum of the vectors of its words that have one, scaled as the bag of words
    (1/sqrt(n), n all its words): a projection P of it is the sum of each word's P @ e_w."""
    index, table = vectors
    xe = np.zeros((len(feats), table.shape[1]), dtype=np.float32)
    for i, f in enumerate(feats):
        words = f[3]
        rows = [index[w] for w in words if w in index]
        if rows:
            xe[i] = table[rows].sum(axis=0) / np.sqrt(len(words))
    return xe


def fit(feats: list[tuple], labels: list[str], weights: list[float], lam_words: float = LAMBDA_WORDS,
        iterations: int = ITERATIONS, keep_rules: tuple[str, ...] = KEEP_RULES, margin: float | None = None,
        vectors: tuple[dict[str, int], np.ndarray] | None = None, lam_vectors: float = 1e-4,
        min_export: float = 1e-3) -> dict:
    """The layer's JSON (see TargetedModel) fitted on these rows (each with its weight).

    With ``vectors`` (word -> row, table; see load_vectors) each word with a vector also adds
    P @ e_w (P learnt, 3 x d, L2 ``lam_vectors``) and every word of the table is exported with
    its combined weight bow_w + P @ e_w (those whose largest |weight| is below ``min_export``
    dropped), so run time stays the same dict look-ups."""
    df = Counter(w for f in feats for w in f[3])
    vocab = {w: j for j, w in enumerate(sorted(w for w, c in df.items() if c >= MIN_DF))}
    x = design(feats, vocab)
    if vectors is not None:
        x = np.hstack([x, vector_design(feats, vectors)])
    y = np.array([CLASSES.index(label) for label in labels])
    n, dim = x.shape
    onehot = np.zeros((n, 3), dtype=np.float32)
    onehot[np.arange(n), y] = 1.0
    sw = np.asarray(weights, dtype=np.float32)[:, None] / np.float32(sum(weights))
    lam = np.full(dim, lam_words, dtype=np.float32)
    lam[:len(DENSE)] = LAMBDA_DENSE
    lam[0] = 0.0  # no penalty on the bias
    if vectors is not None:
        lam[len(DENSE) + len(vocab):] = lam_vectors
    w = np.zeros((dim, 3), dtype=np.float32)
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    b1, b2 = 0.9, 0.999
    for t in range(1, iterations + 1):
        z = x @ w
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        g = x.T @ ((p - onehot) * sw) + lam[:, None] * w
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w -= RATE * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + 1e-8)
    d = len(DENSE)
    words = {word: [round(float(w[d + j, c]), 6) for c in range(3)]
             for word, j in vocab.items() if np.abs(w[d + j]).max() >= 1e-4}
    if vectors is not None:
        index, table = vectors
        combined = table @ w[d + len(vocab):]  # every word of the table: P @ e_w
        for word, j in vocab.items():
            if word in index:
                combined[index[word]] += w[d + j]
        for word, i in index.items():
            if np.abs(combined[i]).max() >= min_export:
                words[word] = [round(float(combined[i, c]), 5) for c in range(3)]
            else:
                words.pop(word, None)
    return {"classes": list(CLASSES),
            "dense": [{name: round(float(w[k, c]), 6) for k, name in enumerate(DENSE)} for c in range(3)],
            "words": words,
            "keep_rules": list(keep_rules), "margin": MARGIN if margin is None else margin}


# dev16 (round 7): half of 600 pairs written by a session that never saw this project, one
# realistic text per pair (the template splits give each line three near-identical fills). Round
# 7's rules were written from its errors, but from a few of them only (notices, spec sheets,
# "mixed" verdicts, sarcasm): the rules are right on 0.70 of it, not 0.96 as on dev. Its weight
# was chosen by a 2-fold CV inside dev16 (--inner; the other splits and the other half fitted on).
DEV16_WEIGHT = 3.0
# dev17 (round 8): the read half of a second batch by another outside session; weighs as dev16.
# Round 8 re-checked the weight on both (2-fold CV inside dev16+dev17 and leave one split out, see
# docs/analysis.md): 1, 3 and 10 within 0.004 of each other on the mean of the three figures; 3 kept.
# The read half of every later outside batch weighs as dev16 and dev17: dev18 (round 9) to dev21
# (round 12), dev22 (round 14) on (no rule written from them): every read half in
# make_targeted.LATER_ROUNDS, in its order (dev16 … dev32 at round 24).
REALISTIC_DEV: tuple[str, ...] = tuple(dev for _k, dev, _fresh in LATER_ROUNDS)
# The never-read halves of the same outside batches (fresh9 … fresh25 at round 24) are realistic
# text too: when they are fitted on (not in --hold-out) they weigh as their read halves (round 14:
# before, fresh9-fresh14 were all held out; fitting on them at weight 3 changed the never-read
# fresh15/fresh16 by -0.005 / 0.000, see docs/analysis.md).
REALISTIC: frozenset[str] = frozenset(REALISTIC_DEV) | {fresh for _k, _dev, fresh in LATER_ROUNDS}
MARGIN = 0.0  # the model overrules the rules when P(its class) - P(the rules' class) >= MARGIN


def weight(row: dict, dev16: float | None = None) -> float:
    """dev and dev14 are the splits rules were written from (round 6 wrote dev14's); dev16 see
    DEV16_WEIGHT."""
    if row["split"] in REALISTIC:
        return DEV16_WEIGHT if dev16 is None else dev16
    return DEV_WEIGHT if row["split"].startswith("dev") else 1.0


# Splits never fitted on: scored once by the final model, the honest check after every re-fit.
# Until round 14 they were fresh8-fresh14 (the never-read halves of rounds 6-12); round 14 fits on
# those (fresh9-14 weigh as their read halves, REALISTIC) and holds out the never-read halves of
# the five newest outside batches instead, 1,715 pairs nobody read or fitted on.
HOLD_OUT: tuple[str, ...] = ("fresh15", "fresh16", "fresh17", "fresh18", "fresh19")


def inner_dev16(rows: list[dict], feats: list[tuple], weights: tuple[float, ...], margins: tuple[float, ...] = (0.0,),
                **kw) -> list[dict]:
    """2-fold CV inside dev16 and dev17 (REALISTIC_DEV; folds by a hash of the family: a text stays in
    one fold): for each candidate weight of their rows, fit on every other split and the other
    fold, score the held fold."""
    import hashlib

    fold = {i: hashlib.sha1(r["family"].encode("utf-8")).digest()[1] % 2 for i, r in enumerate(rows) if r["split"] in REALISTIC_DEV}
    out = []
    for w in weights:
        right = dict.fromkeys(margins, 0)
        rules_right = n = 0
        for k in (0, 1):
            held = [i for i, f in fold.items() if f == k]
            train = [i for i in range(len(rows)) if fold.get(i, -1) != k]
            model = fit([feats[i] for i in train], [rows[i]["label"] for i in train],
                        [weight(rows[i], w) for i in train], **kw)
            for m in margins:
                for i, p in zip(held, predict({**model, "margin": m}, [feats[i] for i in held]), strict=True):
                    right[m] += p == rows[i]["label"]
            rules_right += sum(feats[i][0].label == rows[i]["label"] for i in held)
            n += len(held)
        for m in margins:
            out.append({"dev16 weight": w, "margin": m, "n": n, "rules": round(rules_right / n, 3),
                        "rules+model": round(right[m] / n, 3)})
    return out


def predict(model_json: dict, feats: list[tuple]) -> list[str]:
    from orm_desktop.analysis.targeted_model import TargetedModel

    model = TargetedModel(model_json)
    return [model.apply(ts, tr).label for ts, tr, _d, _w in feats]


def cross_validate(rows: list[dict], feats: list[tuple], key: str = "split", only: Collection[str] = (),
                   **kw) -> tuple[list[dict], list[str]]:
    """Leave one group (``key``: split or origin) out (with ``only``: just those groups, in turn).
    Returns the per-group table and the held-out prediction of every row ("" for a row of a
    group not held out)."""
    preds = [""] * len(rows)
    table = []
    for group in sorted({r[key] for r in rows}, key=lambda s: (s != "dev", s)):
        if only and group not in only:
            continue
        held = [i for i, r in enumerate(rows) if r[key] == group]
        train = [i for i, r in enumerate(rows) if r[key] != group]
        model = fit([feats[i] for i in train], [rows[i]["label"] for i in train],
                    [weight(rows[i]) for i in train], **kw)
        for i, p in zip(held, predict(model, [feats[i] for i in held]), strict=True):
            preds[i] = p
        rules = sum(feats[i][0].label == rows[i]["label"] for i in held) / len(held)
        layer = sum(preds[i] == rows[i]["label"] for i in held) / len(held)
        table.append({key: group, "n": len(held), "rules": round(rules, 3), "rules+model": round(layer, 3),
                      "change": round(layer - rules, 3)})
    return table, preds


def breakdown(rows: list[dict], feats: list[tuple], preds: list[str], by: str) -> list[dict]:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        if preds[i]:  # held out in some fold
            groups[r[by]].append(i)
    out = []
    for g, idx in sorted(groups.items()):
        rules = sum(feats[i][0].label == rows[i]["label"] for i in idx) / len(idx)
        layer = sum(preds[i] == rows[i]["label"] for i in idx) / len(idx)
        out.append({by: g, "n": len(idx), "rules": round(rules, 3), "rules+model": round(layer, 3),
                    "change": round(layer - rules, 3)})
    return out


def show(table: list[dict]) -> None:
    if not table:
        return
    cols = list(table[0])
    print(" | ".join(cols))
    for row in table:
        print(" | ".join(str(row[c]) for c in cols))


def main() -> None:
    global MARGIN, DEV16_WEIGHT
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cv", action="store_true", help="leave-one-split-out cross-validation")
    p.add_argument("--by-origin", action="store_true", help="hold out each batch (origin) instead")
    p.add_argument("--no-write", action="store_true")
    p.add_argument("--inner", metavar="WEIGHTS", help=f"comma-separated weights of the realistic dev rows ({REALISTIC_DEV[0]}-{REALISTIC_DEV[-1]}): "
                   "2-fold CV inside them for each")
    p.add_argument("--margins", default="0", metavar="LIST", help="with --inner: the overrule margins to score")
    p.add_argument("--out", type=Path, default=MODEL_PATH)
    p.add_argument("--keep-rules", default=",".join(KEEP_RULES), metavar="LIST",
                   help="comma-separated: leave pairs with a rating in the text (stars) or sarcasm to the rules")
    p.add_argument("--hold-out", default=",".join(HOLD_OUT), metavar="SPLITS",
                   help="comma-separated splits never fitted on, scored once by the final model (default: fresh15 … fresh19)")
    p.add_argument("--margin", type=float, default=None, help=f"overrule margin (default {MARGIN})")
    p.add_argument("--dev16-weight", type=float, default=None, help=f"weight of a {REALISTIC_DEV[0]}-{REALISTIC_DEV[-1]} row (default {DEV16_WEIGHT})")
    p.add_argument("--l2", type=float, default=None, help=f"L2 penalty on the word weights (default {LAMBDA_WORDS})")
    p.add_argument("--vectors", type=Path, default=None, metavar="NPZ",
                   help="static word vectors made by benchmarks/word_vectors.py: each word also adds P @ e_w, and every "
                        "word of the table is exported with its combined weight (tried, not shipped: docs/analysis.md)")
    p.add_argument("--vector-dim", type=int, default=128, help="with --vectors: which PCA size of the table (default 128)")
    p.add_argument("--l2-vectors", type=float, default=1e-4, help="with --vectors: L2 penalty on P (default 1e-4)")
    p.add_argument("--only", default="", metavar="GROUPS",
                   help="with --cv / --by-origin: hold out only these splits or origins (comma-separated), each in turn")
    a = p.parse_args()
    MARGIN = MARGIN if a.margin is None else a.margin
    DEV16_WEIGHT = DEV16_WEIGHT if a.dev16_weight is None else a.dev16_weight
    keep = tuple(x for x in a.keep_rules.split(",") if x)
    l2 = LAMBDA_WORDS if a.l2 is None else a.l2
    hold = {x for x in a.hold_out.split(",") if x}
    vec_kw = {"vectors": load_vectors(a.vectors, a.vector_dim), "lam_vectors": a.l2_vectors} if a.vectors else {}
    every = load()
    every_feats = rules_features(every)
    rows = [r for r in every if r["split"] not in hold]
    feats = [f for r, f in zip(every, every_feats, strict=True) if r["split"] not in hold]
    held = [(r, f) for r, f in zip(every, every_feats, strict=True) if r["split"] in hold]
    if a.inner:
        print(f"2-fold CV inside {'+'.join(REALISTIC_DEV)} (every other split and the other fold fitted on):")
        show(inner_dev16(rows, feats, tuple(float(x) for x in a.inner.split(",")),
                         tuple(float(x) for x in a.margins.split(",")), keep_rules=keep, lam_words=l2, **vec_kw))
    if a.cv or a.by_origin:
        key = "origin" if a.by_origin else "split"
        table, preds = cross_validate(rows, feats, key, {x for x in a.only.split(",") if x}, keep_rules=keep, lam_words=l2,
                                      **vec_kw)
        print(f"Leave one {key} out ({len(rows)} pairs): accuracy of the rules alone and of rules + model")
        show(table)
        never = [t for t in table if "dev" not in t[key]]
        mean = lambda k, ts: sum(t[k] for t in ts) / len(ts)  # noqa: E731
        pooled = sum(t["n"] * t["rules+model"] for t in table) / sum(t["n"] for t in table)
        print(f"mean over {key}s: rules {mean('rules', table):.3f}, rules+model {mean('rules+model', table):.3f} "
              f"(pooled {pooled:.3f}); "
              + (f"never-tuned {key}s: rules {mean('rules', never):.3f}, rules+model {mean('rules+model', never):.3f}; "
                 if never else "")
              + f"worst change {min(t['change'] for t in table):+.3f}")
        for by in ("kind", "pattern"):
            print()
            show(breakdown(rows, feats, preds, by))
        never_rows = [i for i, r in enumerate(rows) if "dev" not in r[key] and preds[i]]
        for by in ("kind", "pattern"):
            print(f"\n{by}, never-tuned {key}s only:")
            show(breakdown([rows[i] for i in never_rows], [feats[i] for i in never_rows],
                           [preds[i] for i in never_rows], by))
    if not a.no_write:
        model = fit(feats, [r["label"] for r in rows], [weight(r) for r in rows], keep_rules=keep, lam_words=l2, **vec_kw)
        a.out.write_text(json.dumps(model, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"wrote {a.out} ({len(model['words'])} words; fitted on {len(rows)} pairs, held out: "
              f"{', '.join(sorted(hold)) or 'none'})")
        if held:
            preds = predict(model, [f for _r, f in held])
            for split in sorted(hold):
                idx = [k for k, (r, _f) in enumerate(held) if r["split"] == split]
                if not idx:
                    continue
                n = len(idx)
                rules_ok = sum(held[k][1][0].label == held[k][0]["label"] for k in idx)
                model_ok = sum(preds[k] == held[k][0]["label"] for k in idx)
                print(f"held-out split {split} ({n} pairs, never fitted on): rules {rules_ok / n:.3f}, "
                      f"rules+model {model_ok / n:.3f}")


if __name__ == "__main__":
    main()
