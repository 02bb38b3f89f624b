"""Speed of entity-targeted scoring (score_toward, run for every (mention, entity) at ingest), one core.

    python benchmarks/targeted_speed.py

Two workloads: the (text, entity) pairs of tests/data/sentiment_targeted.tsv (tweets to short
news, 1,467 pairs) and ~600-character news texts naming the entity in 2 of 5 sentences and a
rival in another. CPU time of this process (time.process_time): pairs per second of one core.
Writes benchmarks/out/targeted_speed.json.
"""

from __future__ import annotations

import csv
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import table, write_json  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "sentiment_targeted.tsv"
SENTENCES = [
    "{A} said on Tuesday that quarterly revenue rose 8 percent, helped by strong demand for heat pumps.",
    "The company also warned that higher energy costs would weigh on margins next year.",
    "Rival {B} cut its outlook last month after a recall of its boilers.",
    "Analysts at the bank said {A} was well placed to win customers from {B}.",
    "Shares in {A} were little changed in early trading.",
    "Customers have complained about slow repairs, but the firm says waiting times are falling.",
    "{B} declined to comment.",
]


def long_texts(n: int, seed: int = 3) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        a, b = f"Velmar{i % 50}", f"Korrin{i % 37}"
        text = " ".join(rng.sample(SENTENCES, 5)).format(A=a, B=b)
        out.append((text, a))
    return out


def run(pairs: list[tuple[str, str]], repeat: int = 1) -> float:
    from orm_desktop.analysis.sentiment import get_engine, score_toward
    from orm_desktop.ingest.query import EntityQuery

    engine = get_engine("orm")
    queries = {e: EntityQuery.parse(f'"{e}"') for _, e in pairs}
    score_toward("", "warm up Acme", queries[pairs[0][1]].spans, engine=engine)
    t = time.process_time()
    for _ in range(repeat):
        for text, entity in pairs:
            score_toward("", text, queries[entity].spans, engine=engine)
    return len(pairs) * repeat / (time.process_time() - t)


def main() -> None:
    with DATA.open(encoding="utf-8") as fh:
        pairs = [(r["text"], r["entity"]) for r in csv.DictReader(fh, delimiter="\t")]
    rows = [{"workload": "targeted set pairs", "n": len(pairs) * 3, "pairs_per_s": round(run(pairs, 3))},
            {"workload": "600-char news", "n": 1500, "pairs_per_s": round(run(long_texts(1500)))}]
    print(table(rows, ["workload", "n", "pairs_per_s"]))
    write_json("targeted_speed", {"rows": rows})


if __name__ == "__main__":
    main()
