"""Write resources/sentiment/es_ngrams.json, the Spanish n-gram lexicon the default engine scores
Spanish with, from the package sentiment-analysis-spanish (PyPI, MIT licence; a multinomial
naive-Bayes classifier over 5,000 word 1-3-grams fitted on Spanish reviews).

    python benchmarks/spanish_lexicon.py

Only the numbers are kept: per n-gram the log-odds log P(g | positive) − log P(g | negative),
the prior log-odds, the tokenizer's pattern and n-gram range. The app reads that JSON with the
standard library: no scikit-learn, no pickle, no 30 MB package at run time. The package's
pickles are read here by an unpickler that builds numpy arrays and plain stand-ins for the
scikit-learn classes (nothing else may be loaded), so scikit-learn is not needed either.
Needs the dev extra (sentiment-analysis-spanish, numpy).
"""

from __future__ import annotations

import bz2
import importlib.util
import json
import pickle
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "resources" / "sentiment" / "es_ngrams.json"
PACKAGE = "sentiment_analysis_spanish"
ALLOWED = {("numpy", "dtype"), ("numpy", "ndarray"), ("numpy.core.multiarray", "_reconstruct"),
           ("numpy._core.multiarray", "_reconstruct"), ("numpy.core.multiarray", "scalar"),
           ("numpy._core.multiarray", "scalar"), ("builtins", "set"), ("builtins", "frozenset"),
           ("copyreg", "_reconstructor"), ("builtins", "object")}


class _Fields:
    """Stand-in for a scikit-learn estimator: keeps its pickled attributes."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def __setstate__(self, state: object) -> None:
        self.__dict__.update(state if isinstance(state, dict) else {})


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):  # noqa: ANN201
        if module.split(".")[0] == "sklearn":
            return type(name, (_Fields,), {})
        if (module, name) in ALLOWED or (module == "numpy" and name in ("int64", "float64", "int32")):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing {module}.{name}")


def _load(path: Path) -> _Fields:
    with bz2.BZ2File(path) as fh:
        return _Unpickler(fh).load()


def main() -> None:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"needs the {PACKAGE.replace('_', '-')} package (dev extra)")
    base = Path(list(spec.submodule_search_locations)[0]) / "saved_model"
    nb = _load(base / "classifier_naive_bayes_compressed.pbz2").__dict__
    vec = _load(base / "ngram_vectorized_compressed.pbz2").__dict__
    assert list(nb["classes_"]) == [0, 1], nb["classes_"]  # 0 negative, 1 positive
    flp = nb["feature_log_prob_"]
    weights = {g: round(float(flp[1][i] - flp[0][i]), 4) for g, i in sorted(vec["vocabulary_"].items())}
    data = {
        "source": "sentiment-analysis-spanish 0.0.25 (PyPI, MIT licence, (c) 2020 sentiment-analysis-spanish): "
                  "MultinomialNB over CountVectorizer 1-3-grams, fitted on Spanish reviews",
        "token_pattern": vec["token_pattern"],
        "ngram_range": list(vec["ngram_range"]),
        "lowercase": bool(vec["lowercase"]),
        "prior": round(float(nb["class_log_prior_"][1] - nb["class_log_prior_"][0]), 4),
        "weights": weights,
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n",
                   encoding="utf-8")
    print(f"wrote {OUT}: {len(weights):,} n-grams, {OUT.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
