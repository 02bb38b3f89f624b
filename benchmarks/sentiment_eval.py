"""Evaluate the sentiment engines on the hand-labelled dev set (tests/data/sentiment_dev.tsv).

    python benchmarks/sentiment_eval.py [--split dev|train|all]

Per engine, overall and per domain: accuracy and macro / weighted F1 of the three labels
(thresholds ±0.05) and Pearson r against the human score. Entity-targeted rows are scored
toward their entity (score_toward), the others as whole texts. Standard library only.
Writes benchmarks/out/sentiment_eval.json.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import table, write_json  # noqa: E402

from orm_desktop.analysis.sentiment import available_engines, get_engine, score_toward  # noqa: E402
from orm_desktop.ingest.query import EntityQuery  # noqa: E402
from orm_desktop.types import label_for  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "sentiment_dev.tsv"
LABELS = ("negative", "neutral", "positive")


def load(split: str) -> list[dict]:
    with DATA.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [r for r in rows if split == "all" or r["split"] == split]


def predict(engine, row: dict) -> float:
    if row["entity"]:
        q = EntityQuery.parse(f'"{row["entity"]}"')
        return score_toward("", row["text"], q.spans, engine=engine).score
    return max(-1.0, min(1.0, engine.score(row["text"])))


def pearson(xs: list[float], ys: list[float]) -> float:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy) if sxx and syy else 0.0


def f1s(gold: list[str], pred: list[str]) -> tuple[float, float]:
    macro = weighted = 0.0
    for lab in LABELS:
        tp = sum(g == p == lab for g, p in zip(gold, pred, strict=True))
        fp = sum(p == lab and g != lab for g, p in zip(gold, pred, strict=True))
        fn = sum(g == lab and p != lab for g, p in zip(gold, pred, strict=True))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        macro += f / len(LABELS)
        weighted += f * sum(g == lab for g in gold) / len(gold)
    return macro, weighted


def metrics(rows: list[dict], scores: list[float]) -> dict:
    gold = [r["label"] for r in rows]
    pred = [label_for(s) for s in scores]
    macro, weighted = f1s(gold, pred)
    return {"n": len(rows), "accuracy": round(sum(g == p for g, p in zip(gold, pred, strict=True)) / len(rows), 3),
            "macro_f1": round(macro, 3), "weighted_f1": round(weighted, 3),
            "pearson_r": round(pearson([float(r["score"]) for r in rows], scores), 3)}


def evaluate(split: str = "dev") -> dict[str, dict[str, dict]]:
    rows = load(split)
    out: dict[str, dict[str, dict]] = {}
    for name in available_engines():
        engine = get_engine(name)
        scores = [predict(engine, r) for r in rows]
        out[name] = {"all": metrics(rows, scores)}
        for domain in sorted({r["domain"] for r in rows}):
            idx = [i for i, r in enumerate(rows) if r["domain"] == domain]
            out[name][domain] = metrics([rows[i] for i in idx], [scores[i] for i in idx])
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--split", choices=("dev", "train", "all"), default="dev")
    a = p.parse_args()
    res = evaluate(a.split)
    rows = [{"engine": e, "domain": d, **m} for e, by in res.items() for d, m in by.items()]
    print(f"split: {a.split}")
    print(table(rows, ["engine", "domain", "n", "accuracy", "macro_f1", "weighted_f1", "pearson_r"]))
    write_json("sentiment_eval", {"split": a.split, "results": res})


if __name__ == "__main__":
    main()
