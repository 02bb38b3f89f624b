"""The (title, text, entity, rating, language) cases the targeted-scoring speed work must answer
identically on (issue 18): the pairs of tests/data/sentiment_targeted.tsv, the mentions of the
peers load (the generated feeds of benchmarks/ingest_stages.py, parsed, language-detected and
matched as a refresh does), the demo feeds with the demo entities, and the dev corpora's
sentences with a synthetic entity ("Zorvane") before or after them.

Used by ``benchmarks/targeted_speed.py --check OLD_sentiment.py`` and by
tests/test_targeted_speed.py (a frozen sample).
"""

from __future__ import annotations

import csv
import json
import random
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for _p in (str(ROOT), str(ROOT / "benchmarks")):
    if _p not in sys.path:
        sys.path.insert(0, _p)

DEV = ROOT.parent / "shared" / "data" / "sentiment-dev"
TSV = ROOT / "tests" / "data" / "sentiment_targeted.tsv"
DEMO = ROOT / "resources" / "demo"
SYNTHETIC = "Zorvane"


@dataclass(frozen=True, slots=True)
class Case:
    title: str
    text: str
    query: str  # an entity query (orm_desktop.ingest.query syntax)
    aliases: tuple[str, ...] = ()
    rating: float | None = None
    lang: str = ""


def targeted_set() -> list[Case]:
    with TSV.open(encoding="utf-8") as fh:
        return [Case("", r["text"], f'"{r["entity"]}"') for r in csv.DictReader(fh, delimiter="\t")]


def _matched(items, entities: list[tuple[str, tuple[str, ...]]]) -> list[Case]:
    from orm_desktop.analysis.language import detect
    from orm_desktop.ingest import pipeline
    from orm_desktop.ingest.query import EntityQuery

    queries = [EntityQuery.parse(q, a) for q, a in entities]
    multi = pipeline.MultiMatcher(queries)
    out = []
    for it in items:
        lang = detect(f"{it.title}. {it.text[:300]}")
        for i in multi.matching(f"{it.title}\n\n{it.text}"):
            out.append(Case(it.title, it.text, entities[i][0], entities[i][1], it.rating, lang))
    return out


def peers_load(feeds: int = 200, entries: int = 25) -> list[Case]:
    """The mentions of the peers load (what ingest_stages.py times), as a refresh finds them."""
    from generate import entity_plan
    from ingest import write_feeds

    from orm_desktop.ingest.parse import parse_feed

    with tempfile.TemporaryDirectory(prefix="orm-tcases-") as tmp:
        write_feeds(Path(tmp), feeds, entries, "stages", random.Random(7))
        items = []
        for i in range(feeds):
            body = (Path(tmp) / f"feed{i}.xml").read_bytes()
            items += parse_feed(body, url="http://127.0.0.1:9/", headers={}, now=1_790_000_000, kind="news").items
    return _matched(items, [(e["query"], tuple(e["aliases"])) for e in entity_plan(40)])


def demo_feeds() -> list[Case]:
    from orm_desktop.ingest.parse import parse_feed

    plan = json.loads((DEMO / "demo.json").read_text(encoding="utf-8"))
    items = []
    for path in sorted((DEMO / "feeds").glob("*.xml")):
        for kind in ("news", "review"):  # ratings are read in review feeds only
            items += parse_feed(path.read_bytes(), url="http://127.0.0.1:9/", headers={}, now=1_790_000_000,
                                kind=kind).items
    return _matched(items, [(e["query"], tuple(e["aliases"])) for e in plan["entities"]])


def dev_sentences(limit: int | None = None) -> list[Case]:
    """Each dev sentence after a sentence naming the entity, and with the entity in its title."""
    out: list[Case] = []
    if not DEV.is_dir():
        return out
    for path in sorted(DEV.glob("*.tsv")):
        with path.open(encoding="utf-8") as fh:
            texts = [r["text"] for r in csv.DictReader(fh, delimiter="\t")][:limit]
        for t in texts:
            out.append(Case("", f"{SYNTHETIC} launched a new model. {t}", SYNTHETIC))
            out.append(Case(f"{SYNTHETIC} review", t, SYNTHETIC))
            out.append(Case("", f"{t} ({SYNTHETIC})", SYNTHETIC))
    return out


def all_cases(peers: bool = True) -> dict[str, list[Case]]:
    out = {"targeted set": targeted_set(), "demo feeds": demo_feeds(), "dev corpora + entity": dev_sentences()}
    if peers:
        out["peers load"] = peers_load()
    return out


def outcome(ts) -> list:
    """Every field of a TargetedScore, JSON-able."""
    return [ts.score, ts.label, [list(e) for e in ts.evidence], ts.source, ts.confidence]


def fingerprint(c: Case) -> str:
    """A short identity of a case (the sample is regenerated, not stored)."""
    import hashlib

    return hashlib.sha1(repr(c).encode("utf-8")).hexdigest()[:16]


def sample() -> list[Case]:
    """The frozen sample tests/test_targeted_speed.py checks (a few hundred cases, seconds): every
    10th pair of the targeted set, every 6th demo mention, the mentions of 12 generated feeds."""
    return targeted_set()[::10] + demo_feeds()[::6] + peers_load(feeds=12, entries=25)


def freeze(path: Path) -> int:
    """Write the sample's answers (by the rules of the sentiment.py this process imports, without
    the learned layer on top: rules_toward) to ``path``."""
    from orm_desktop.analysis.sentiment import get_engine, rules_toward
    from orm_desktop.ingest.query import EntityQuery

    engine = get_engine("orm")
    rows = []
    for c in sample():
        ts, _ = rules_toward(c.title, c.text, EntityQuery.parse(c.query, c.aliases).spans, engine=engine,
                             rating=c.rating, lang=c.lang)
        rows.append({"case": fingerprint(c), "expected": outcome(ts)})
    path.write_text("[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n]\n", encoding="utf-8")
    return len(rows)


if __name__ == "__main__":
    # python benchmarks/targeted_cases.py OUT.json  (run against the version whose answers to freeze)
    print(freeze(Path(sys.argv[1])), "cases written")
