"""The blind entity-targeted sets (tests/data/sentiment_targeted_blind*.tsv) parse and are scored by
``benchmarks/sentiment_eval.py --blind``. No accuracy bar here: the set is a measurement, never a
target (nothing was tuned on it)."""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

import pytest

from orm_desktop.ingest.query import EntityQuery

ROOT = Path(__file__).resolve().parents[1]
BLIND = ROOT / "tests" / "data" / "sentiment_targeted_blind.tsv"
BLIND2 = ROOT / "tests" / "data" / "sentiment_targeted_blind2.tsv"
BLIND3 = ROOT / "tests" / "data" / "sentiment_targeted_blind3.tsv"
BLIND4 = ROOT / "tests" / "data" / "sentiment_targeted_blind4.tsv"
BLIND5 = ROOT / "tests" / "data" / "sentiment_targeted_blind5.tsv"
KINDS = {"news", "review", "social", "forum", "blog", "press"}
PATTERNS = {"plain", "contest", "rival-bad-news", "exec-vs-company", "legal", "rating", "sarcasm",
            "question", "explainer"}
LABELS = {"positive", "neutral", "negative"}


def rows(path: Path = BLIND) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        assert reader.fieldnames == ["id", "kind", "pattern", "text", "entity", "label"]
        return list(reader)


@pytest.mark.parametrize(("path", "least"), [(BLIND, 450), (BLIND2, 300), (BLIND3, 300), (BLIND4, 300),
                                             (BLIND5, 300)],
                         ids=["blind", "blind2", "blind3", "blind4", "blind5"])
def test_blind_set_parses_with_unique_ids_valid_labels_and_entities_in_their_text(path: Path, least: int) -> None:
    rs = rows(path)
    assert len(rs) >= least
    assert len({r["id"] for r in rs}) == len(rs)
    assert all(None not in r and all(r.values()) for r in rs)  # no missing or extra columns
    assert {r["label"] for r in rs} == LABELS
    assert {r["kind"] for r in rs} == KINDS
    patterns = {r["pattern"] for r in rs}  # blind3 adds bystander and mixed; blind4's and blind5's writers named their own
    assert "plain" in patterns and len(patterns) >= 9 and (path in (BLIND4, BLIND5) or patterns >= PATTERNS)
    for r in rs:
        assert r["entity"] in r["text"], r["id"]
        # the matcher that scoring uses finds it too (predict() quotes the entity as a phrase)
        assert EntityQuery.parse(f'"{r["entity"]}"').spans(r["text"]), r["id"]
    assert len({(r["text"], r["entity"]) for r in rs}) == len(rs)
    labels = Counter(r["label"] for r in rs)
    assert min(labels.values()) >= 0.2 * len(rs)


def test_blind_option_scores_every_row_by_kind_pattern_and_label(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from sentiment_eval import evaluate_blind

    small = tmp_path / "blind.tsv"
    small.write_text("id\tkind\tpattern\ttext\tentity\tlabel\n"
                     "x1\tnews\tplain\tAcme Bank was fined for repeated fraud and failures.\tAcme Bank\tnegative\n"
                     "x2\tsocial\tplain\tLove the new Acme Bank app, brilliant!\tAcme Bank\tpositive\n"
                     "x3\tsocial\tquestion\tIs Acme Bank open on Monday?\tAcme Bank\tneutral\n", encoding="utf-8")
    out = evaluate_blind(small)
    by = {(r["by"], r["group"]): r for r in out}
    assert by["all", "all"]["n"] == 3
    assert by["kind", "social"]["n"] == 2 and by["pattern", "question"]["n"] == 1
    assert by["label", "negative"]["n"] == 1
    for r in out:
        for engine in ("orm (toward entity)", "vader (whole text)", "textblob (whole text)"):
            assert 0.0 <= r[engine] <= 1.0
    assert len(evaluate_blind()) == 1 + len(KINDS) + len(PATTERNS) + len(LABELS)
