"""Scoring speed per engine: 64-character sentences and ~500-character texts, one core.

    python benchmarks/sentiment_speed.py

Measured in CPU time of this process (time.process_time), i.e. texts per second of one core:
on a shared machine wall-clock time mostly measures the neighbours.
"""

from __future__ import annotations

import random
import time

from _common import table, write_json

WORDS = ("the bike was great but support was slow and the battery died on the way home while "
         "riders praised the quiet motor and critics called the price disappointing").split()


def texts(n: int, length: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        words = []
        while sum(len(w) + 1 for w in words) < length:
            words.append(rng.choice(WORDS))
        out.append(" ".join(words).capitalize() + ".")
    return out


def main() -> None:
    from orm_desktop.analysis.sentiment import available_engines, get_engine

    short, long_ = texts(4000, 64, 1), texts(1000, 500, 2)
    rows = []
    for name in available_engines():
        e = get_engine(name)
        e.score("warm up")
        row = {"engine": name}
        for label, batch in (("sentences_per_s", short), ("texts_500_per_s", long_)):
            t = time.process_time()
            e.score_many(batch)
            row[label] = round(len(batch) / (time.process_time() - t))
        rows.append(row)
    print(table(rows, ["engine", "sentences_per_s", "texts_500_per_s"]))
    write_json("sentiment_speed", {"rows": rows, "budget_texts_500_per_s_two_cores": 2000})


if __name__ == "__main__":
    main()
