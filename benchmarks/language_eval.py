"""Language detection on short texts (tests/data/language_short.tsv: one-line posts and titles
in 11 languages, written for this test): correct / unknown / wrong, and speed per core.

    python benchmarks/language_eval.py
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import table, write_json  # noqa: E402

from orm_desktop.analysis.language import detect_with_probability  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "language_short.tsv"


def evaluate() -> list[dict]:
    with DATA.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    guesses = [detect_with_probability(r["text"]) for r in rows]
    t = time.process_time()
    for _ in range(20):
        for r in rows:
            detect_with_probability(r["text"])
    per_s = round(20 * len(rows) / (time.process_time() - t))
    out = []
    for threshold in (0.0, 0.5, 0.7, 0.9):
        right = sum(g == r["lang"] and p >= threshold for r, (g, p) in zip(rows, guesses, strict=True))
        unknown = sum(p < threshold or not g for g, p in guesses)
        out.append({"detector": f"py3langid p>={threshold}", "n": len(rows), "correct": round(right / len(rows), 3),
                    "unknown": round(unknown / len(rows), 3),
                    "wrong": round((len(rows) - right - unknown) / len(rows), 3), "texts_per_s": per_s})
    return out


def main() -> None:
    rows = evaluate()
    print(table(rows, list(rows[0])))
    write_json("language_eval", {"rows": rows})


if __name__ == "__main__":
    main()
