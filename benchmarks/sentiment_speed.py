"""Scoring speed per engine: 64-character sentences and ~500-character texts, one core.

    python benchmarks/sentiment_speed.py [--repeat 3] [--check] [--versus-reference]

Two kinds of ~500-character text: ``texts_500`` (random sentences over a 27-word product
vocabulary: the figure performance.md has always quoted) and ``real_500`` (the labelled
sentences of tests/data joined into ~500 characters: real wording, real punctuation).

Measured in CPU time of this process (time.process_time), i.e. texts per second of one core:
on a shared machine wall-clock time mostly measures the neighbours. With --repeat N each figure
is the median of N passes; the load average at the start is printed with the table.

--check first proves the fast paths change nothing: the default engine's features against the
plain reference implementation (tests/sentiment_reference.py) and its factual-text prefilter
against the regex, on the dev corpora ($ORM_SENTIMENT_DEV, when present) and tests/data; it
prints the largest absolute difference (must be 0) and exits non-zero on any difference.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from _common import table, write_json  # noqa: E402

WORDS = ("the bike was great but support was slow and the battery died on the way home while "
         "riders praised the quiet motor and critics called the price disappointing").split()
DEV = Path(os.environ.get("ORM_SENTIMENT_DEV", "/work/shared/data/sentiment-dev"))


def texts(n: int, length: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        words = []
        while sum(len(w) + 1 for w in words) < length:
            words.append(rng.choice(WORDS))
        out.append(" ".join(words).capitalize() + ".")
    return out


def labelled_sentences() -> list[str]:
    out = []
    for name in ("sentiment_dev.tsv", "sentiment_targeted.tsv"):
        with (ROOT / "tests" / "data" / name).open(encoding="utf-8") as fh:
            out += [r["text"] for r in csv.DictReader(fh, delimiter="\t")]
    return out


def real_texts(n: int, length: int, seed: int) -> list[str]:
    """Labelled sentences of tests/data joined into texts of about ``length`` characters."""
    rng = random.Random(seed)
    sentences = labelled_sentences()
    out = []
    for _ in range(n):
        t = ""
        while len(t) < length:
            t += rng.choice(sentences) + " "
        out.append(t.strip())
    return out


def dev_sentences() -> list[str]:
    out = []
    if DEV.is_dir():
        for f in sorted(DEV.glob("*.tsv")):
            with f.open(encoding="utf-8") as fh:
                next(fh)
                out += [line.rstrip("\n").split("\t", 2)[2] for line in fh if line.count("\t") >= 2]
    return out


def check() -> int:
    """Fast features vs the reference, and the factual prefilter vs its regex: 0 if identical."""
    from orm_desktop.analysis import sentiment as S
    from tests.sentiment_reference import ReferenceFeaturizer

    fz = S.get_engine("orm").featurizer
    ref = ReferenceFeaturizer(fz)
    dev = dev_sentences()
    all_texts = dev + labelled_sentences() + real_texts(2000, 500, 3) + texts(1000, 500, 2)
    worst, differ = 0.0, 0
    for t in all_texts:
        (d, w), (rd, rw) = fz.features(t), ref.features(t)
        diff = max(abs(a - b) for a, b in zip(d, rd, strict=True))
        worst = max(worst, diff)
        factual_differs = S._factual(t, t.lower()) != bool(S._FACTUAL.search(t))
        if diff or w != rw or factual_differs:
            differ += 1
            if differ <= 3:
                print("differs:", t[:120])
    print(f"check: {len(all_texts):,} texts ({len(dev):,} dev-corpus sentences): max |features − reference| = "
          f"{worst:g}, texts differing (features, words or factual prefilter): {differ}")
    return 1 if differ else 0


def versus_reference(rounds: int, batches: dict[str, list[str]]) -> list[dict]:
    """The default engine against itself with the plain reference features and the unfiltered
    factual-text regex (the code before the speed work), alternating in this process."""
    from orm_desktop.analysis import sentiment as S
    from tests.sentiment_reference import ReferenceFeaturizer

    engine = S.get_engine("orm")
    fast_fz, fast_factual = engine.featurizer, S._factual
    slow_fz = ReferenceFeaturizer(fast_fz)

    def slow_factual(text: str, lowered: str) -> bool:
        return S._FACTUAL.search(text) is not None

    out = []
    for label, batch in batches.items():
        if label == "sentences_per_s":
            continue
        for r in range(rounds):
            row: dict = {"texts": label.replace("_per_s", ""), "round": r + 1}
            for name, fz, factual in (("reference", slow_fz, slow_factual), ("fast", fast_fz, fast_factual)):
                engine.featurizer, S._factual = fz, factual
                try:
                    t = time.process_time()
                    engine.score_many(batch)
                    row[name + "_per_s"] = round(len(batch) / (time.process_time() - t))
                finally:
                    engine.featurizer, S._factual = fast_fz, fast_factual
            row["speed-up"] = round(row["fast_per_s"] / row["reference_per_s"], 2)
            out.append(row)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=1, help="passes per figure (the median is reported)")
    p.add_argument("--check", action="store_true", help="first prove the fast paths change nothing")
    p.add_argument("--versus-reference", action="store_true",
                   help="also time the engine with the reference features, alternating (--repeat rounds)")
    a = p.parse_args()
    if a.check and check():
        raise SystemExit(1)
    from orm_desktop.analysis.sentiment import available_engines, get_engine

    batches = {"sentences_per_s": texts(4000, 64, 1), "texts_500_per_s": texts(1000, 500, 2),
               "real_500_per_s": real_texts(1000, 500, 4)}
    load = os.getloadavg()[0]
    rows = []
    for name in available_engines():
        e = get_engine(name)
        e.score("warm up")
        row: dict = {"engine": name}
        for label, batch in batches.items():
            rates = []
            for _ in range(a.repeat):
                t = time.process_time()
                e.score_many(batch)
                rates.append(len(batch) / (time.process_time() - t))
            row[label] = round(statistics.median(rates))
        rows.append(row)
    print(f"load average at start: {load:.2f} (2 cores); median of {a.repeat} pass(es)")
    print(table(rows, ["engine", *batches]))
    result = {"rows": rows, "repeat": a.repeat, "load_average": round(load, 2),
              "budget_texts_500_per_s_per_core": 5000}
    if a.versus_reference:
        vs = versus_reference(a.repeat, batches)
        print("\nthe same engine with the reference (pre-speed-work) features, alternating in this process:")
        print(table(vs, list(vs[0])))
        result["versus_reference"] = vs
    write_json("sentiment_speed", result)


if __name__ == "__main__":
    main()
