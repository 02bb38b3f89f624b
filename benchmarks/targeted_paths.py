"""Do the ingest path and `orm-desktop score --entity` give the same entity-targeted answers?
(issue 14, "the GUI must never lie")

    python benchmarks/targeted_paths.py

Scores every pair of tests/data/sentiment_targeted.tsv and every demo-feed mention three ways:
the bare default engine (what `score --entity` and sentiment_eval.py use), the engine a refresh
holds in a workspace without overrides (pipeline.CachedEngine around it), and the one it holds
once the workspace has an override (CachedEngine around AdaptedEngine; the override teaches a
word no pair contains). Prints how many answers differ from the bare engine's and the accuracy of
each path per split. Never reads the blind set."""

from __future__ import annotations

import collections
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for _p in (str(ROOT), str(ROOT / "benchmarks")):
    if _p not in sys.path:
        sys.path.insert(0, _p)

import targeted_cases as tc  # noqa: E402

from orm_desktop.analysis import sentiment as S  # noqa: E402
from orm_desktop.ingest.pipeline import CachedEngine  # noqa: E402
from orm_desktop.ingest.query import EntityQuery  # noqa: E402


def _run(cases: list, engine: S.Engine) -> list[S.TargetedScore]:
    return [S.score_toward(c.title, c.text, EntityQuery.parse(c.query, c.aliases).spans, engine=engine,
                           rating=c.rating, lang=c.lang) for c in cases]


def _key(ts: S.TargetedScore) -> tuple:
    return ts.score, ts.label, ts.confidence, ts.evidence, ts.source


def main() -> None:
    bare = S.get_engine("orm")
    paths = {"ingest": CachedEngine(bare),
             "ingest+override": CachedEngine(S.AdaptedEngine(bare, S.OverrideLexicon({"qxzyq": -0.5})))}
    targeted, demo = tc.targeted_set(), tc.demo_feeds()
    rows = list(csv.DictReader(tc.TSV.open(encoding="utf-8"), delimiter="\t"))
    base_t, base_d = _run(targeted, bare), _run(demo, bare)
    answers = {"bare (score --entity)": base_t}
    for name, engine in paths.items():
        t, d = _run(targeted, engine), _run(demo, engine)
        answers[name] = t
        for label, a, b in (("targeted pairs", base_t, t), ("demo mentions", base_d, d)):
            diff = sum(_key(x) != _key(y) for x, y in zip(a, b, strict=True))
            lab = sum(x.label != y.label for x, y in zip(a, b, strict=True))
            print(f"{name:16s} {label:15s} n={len(a):5,d}  differ from bare: {diff:5,d} (label {lab:,d})")
    by: dict[str, list[int]] = collections.defaultdict(list)
    for i, r in enumerate(rows):
        by[r["split"]].append(i)
        by["all"].append(i)
    print(f"\n{'split':8s} {'n':>6s}  " + "  ".join(f"{n:>22s}" for n in answers))
    for split, idx in by.items():
        accs = [sum(a[i].label == rows[i]["label"] for i in idx) / len(idx) for a in answers.values()]
        print(f"{split:8s} {len(idx):6,d}  " + "  ".join(f"{x:22.3f}" for x in accs))


if __name__ == "__main__":
    main()
