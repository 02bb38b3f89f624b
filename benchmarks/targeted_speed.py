"""Speed of entity-targeted scoring (score_toward, run for every (mention, entity) at ingest), one core.

    python benchmarks/targeted_speed.py [--against OLD/orm_desktop/analysis/sentiment.py]
    python benchmarks/targeted_speed.py --check OLD/orm_desktop/analysis/sentiment.py [--no-peers]

Two workloads: the (text, entity) pairs of tests/data/sentiment_targeted.tsv (tweets to short
news, 1,467 pairs) and ~600-character news texts naming the entity in 2 of 5 sentences and a
rival in another. CPU time of this process (time.process_time): pairs per second of one core.
With --against (another version's sentiment.py, e.g. from `git archive`), both versions run in
this process, alternating, four rounds each: the ratio is what a loaded machine cannot blur.
Writes benchmarks/out/targeted_speed.json.

--check: every field of every answer (score, label, evidence, source, confidence) of this version
and of the other one, on the cases of benchmarks/targeted_cases.py (the targeted set, the demo
feeds, the dev corpora's sentences with a synthetic entity, the peers load's mentions), each
version with its own engine behind a pipeline.CachedEngine as in a refresh; prints the CPU time
of each and the differences (exit status 1 if any).
"""

from __future__ import annotations

import csv
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import other_version, table, write_json  # noqa: E402

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


def forget(mod) -> None:
    """Empty a sentiment module's caches and memos (one round = one refresh in a new process)."""
    for name in dir(mod):
        obj = getattr(mod, name)
        if hasattr(obj, "cache_parameters") and obj.cache_parameters()["maxsize"] is not None:
            obj.cache_clear()  # the bounded caches of texts (not the lexicons loaded once)
        elif name.endswith(("_MEMO", "_MEMOS")) and hasattr(obj, "clear"):
            obj.clear()


def against(path: str, workloads: dict[str, list], rounds: int = 4) -> list[dict]:
    """This version and the sentiment.py at ``path``, alternating in one process. A workload is
    a list of (text, entity) pairs or of targeted_cases.Case."""
    from targeted_cases import Case

    from orm_desktop.analysis import sentiment as new
    from orm_desktop.ingest.pipeline import CachedEngine
    from orm_desktop.ingest.query import EntityQuery

    old = other_version(path, "other_sentiment")
    warm = EntityQuery.parse('"Acme"').spans
    for mod in (old, new):  # the model and the word lists are loaded before the clock starts
        mod.score_toward("", "Acme beat Globex, and it is cheaper. Prices fell.", warm, engine=mod.get_engine("orm"))
    rows = []
    for name, work in workloads.items():
        cases = [w if isinstance(w, Case) else Case("", w[0], f'"{w[1]}"') for w in work]
        queries = {(c.query, c.aliases): EntityQuery.parse(c.query, c.aliases) for c in cases}
        cpu = {"other": 0.0, "this": 0.0}
        for rnd in range(rounds):
            for label in (("other", "this") if rnd % 2 == 0 else ("this", "other")):
                mod = old if label == "other" else new
                engine = CachedEngine(mod.get_engine("orm"))  # a refresh's engine, fresh each round
                forget(mod)  # nor what the previous round remembered
                t = time.process_time()
                for c in cases:
                    mod.score_toward(c.title, c.text, queries[c.query, c.aliases].spans, engine=engine,
                                     rating=c.rating, lang=c.lang)
                cpu[label] += time.process_time() - t
        n = rounds * len(cases)
        rows.append({"workload": name, "n": n, "other_pairs_per_s": round(n / cpu["other"]),
                     "this_pairs_per_s": round(n / cpu["this"]), "this/other": round(cpu["other"] / cpu["this"], 2)})
    return rows


def check(path: str, peers: bool = True) -> int:
    """Differences between this version's answers and those of the sentiment.py at ``path``."""
    from targeted_cases import all_cases, outcome

    from orm_desktop.analysis import sentiment as new
    from orm_desktop.ingest.pipeline import CachedEngine
    from orm_desktop.ingest.query import EntityQuery

    old = other_version(path, "other_sentiment")
    differ = 0
    rows = []
    for name, cases in all_cases(peers).items():
        queries = {(c.query, c.aliases): EntityQuery.parse(c.query, c.aliases) for c in cases}
        answers, cpu = {}, {}
        for label, mod in (("other", old), ("this", new)):
            engine = CachedEngine(mod.get_engine("orm"))
            t = time.process_time()
            answers[label] = [mod.score_toward(c.title, c.text, queries[c.query, c.aliases].spans, engine=engine,
                                               rating=c.rating, lang=c.lang) for c in cases]
            cpu[label] = time.process_time() - t
        bad = [(c, a, b) for c, a, b in zip(cases, answers["other"], answers["this"], strict=True)
               if outcome(a) != outcome(b)]
        for c, a, b in bad[:5]:
            print(f"DIFFERENT ({name}): {c}\n  other {outcome(a)}\n  this  {outcome(b)}")
        differ += len(bad)
        rows.append({"cases": name, "n": len(cases), "different": len(bad), "other_cpu_s": round(cpu["other"], 3),
                     "this_cpu_s": round(cpu["this"], 3), "this/other": round(cpu["other"] / cpu["this"], 2)})
    print(table(rows, list(rows[0])))
    write_json("targeted_check", {"rows": rows, "against": path})
    return 1 if differ else 0


def main() -> None:
    import argparse

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--against", help="another version's orm_desktop/analysis/sentiment.py to compare with")
    p.add_argument("--check", metavar="OTHER", help="another version's sentiment.py: are all answers identical?")
    p.add_argument("--no-peers", action="store_true", help="--check without the peers load (quicker)")
    a = p.parse_args()
    if a.check:
        sys.exit(check(a.check, not a.no_peers))
    with DATA.open(encoding="utf-8") as fh:
        pairs = [(r["text"], r["entity"]) for r in csv.DictReader(fh, delimiter="\t")]
    if a.against:
        from targeted_cases import peers_load

        rows = against(a.against, {"targeted set pairs": pairs, "600-char news": long_texts(1500),
                                   "peers load mentions": peers_load()})
        print(table(rows, list(rows[0])))
        write_json("targeted_speed", {"rows": rows, "against": a.against})
        return
    rows = [{"workload": "targeted set pairs", "n": len(pairs) * 3, "pairs_per_s": round(run(pairs, 3))},
            {"workload": "600-char news", "n": 1500, "pairs_per_s": round(run(long_texts(1500)))}]
    print(table(rows, ["workload", "n", "pairs_per_s"]))
    write_json("targeted_speed", {"rows": rows})


if __name__ == "__main__":
    main()
