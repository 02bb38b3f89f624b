"""Which texts' detected language the issue 18 speed round changed (second round): before, the
model alone (py3langid at MIN_PROBABILITY, one text at a time); after, what the pipeline does
now (``detect_many``: the plainly-English test, then the model for the rest, 25 texts at a
time); both on the title and ``--chars`` characters of the text (the pipeline's 300). The
model's scores are the same in both (tests/test_ingest_speed.py), so "before" is computed here.

    python benchmarks/language_changes.py [--dev] [--chars 300]

Texts: every entry of the fixture feeds (tests/data/feeds) and demo feeds, the generated peers
load (200 feeds x 25 entries), the short-text set and the de/fr/es sentiment sets (each sentence
as a title, the other sentences of its language joined as a long text), and with ``--dev`` the
dev corpora (/work/shared/data/sentiment-dev, one text per row). Also: foreign texts with an
English phrase inserted, where the plainly-English test must not answer. Prints counts; writes
benchmarks/out/language_changes.json.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from _common import write_json  # noqa: E402
from ingest import write_feeds  # noqa: E402

from orm_desktop.analysis import language  # noqa: E402
from orm_desktop.ingest.parse import parse_feed  # noqa: E402

DEV = Path("/work/shared/data/sentiment-dev")
PHRASES = ["The Lord of the Rings", "Pirates of the Caribbean and the Curse", "Say what you want about it",
           "This is the best of the year and we love it", "Breaking: they said that it would",
           "We have been told that the company would not comment on their plans",
           "Interview with the CEO: what they said about the future of the brand and its customers"]


def entries(dev: bool) -> dict[str, list[tuple[str, str]]]:
    """(title, text) pairs by source."""
    out: dict[str, list[tuple[str, str]]] = {}

    def feed(name: str, paths) -> None:
        for path in paths:
            parsed = parse_feed(Path(path).read_bytes(), url="http://127.0.0.1/", headers={}, now=int(time.time()),
                                kind="news")
            out.setdefault(name, []).extend((it.title, it.text) for it in parsed.items)

    feed("fixture feeds", sorted((ROOT / "tests" / "data" / "feeds").glob("*")))
    feed("demo feeds", sorted((ROOT / "resources" / "demo" / "feeds").glob("*.xml")))
    with tempfile.TemporaryDirectory() as tmp:
        write_feeds(Path(tmp), 200, 25, "stages", random.Random(7))
        feed("peers load", sorted(Path(tmp).glob("*.xml")))
    by_lang: dict[str, list[str]] = {}
    for name in ("language_short.tsv", "sentiment_de_fr.tsv", "sentiment_es.tsv"):
        with (ROOT / "tests" / "data" / name).open(encoding="utf-8") as fh:
            for r in csv.DictReader(fh, delimiter="\t"):
                by_lang.setdefault(r.get("lang") or "?", []).append(r["text"])
    out["short-text and sentiment sets"] = [(v[i], " ".join(v[i + 1:] + v[:i])[:1500])
                                            for v in by_lang.values() for i in range(len(v))]
    if dev and DEV.is_dir():
        for path in sorted(DEV.glob("*.tsv")):
            with path.open(encoding="utf-8") as fh:
                out[f"dev: {path.stem}"] = [("", r["text"]) for r in csv.DictReader(fh, delimiter="\t")]
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dev", action="store_true", help="also the dev corpora")
    p.add_argument("--chars", type=int, default=300, help="characters of the text after the title")
    a = p.parse_args()
    result = {}
    for source, pairs in entries(a.dev).items():
        before = [lang if prob >= language.MIN_PROBABILITY else "" for lang, prob in
                  (language.detect_with_probability(f"{t}. {x[:a.chars]}") for t, x in pairs)]
        texts = [f"{t}. {x[:a.chars]}" for t, x in pairs]
        after = [lang for i in range(0, len(texts), 25) for lang in language.detect_many(texts[i:i + 25])]
        changed = Counter((b, f) for b, f in zip(before, after, strict=True) if b != f)
        row = {"texts": len(pairs), "plainly_english": sum(map(language.plainly_english, texts)),
               "changed": sum(changed.values()), "changes": {f"{b or '-'}->{f or '-'}": n for (b, f), n in changed.items()},
               "languages_before": dict(Counter(before).most_common(12))}
        result[source] = row
        print(f"{source}: {row['texts']} texts, {row['plainly_english']} plainly English, {row['changed']} changed "
              f"{row['changes'] or ''}; before: {row['languages_before']}")
    foreign = [x for pairs in entries(False).values() for t, x in pairs
               if language.detect(x) not in ("en", "")]
    mixed = [m for x in foreign for ph in PHRASES for m in (f"{ph}. {x}", f"{x} {ph}")]
    wrong = [m for m in mixed if language.plainly_english(m) and language.detect_with_probability(m)[0] != "en"]
    result["foreign with an English phrase"] = {"texts": len(mixed), "plainly_english_not_en": len(wrong)}
    print(f"foreign texts with an English phrase: {len(mixed)}, plainly English but not English to the model: "
          f"{len(wrong)}")
    print(f"wrote {write_json('language_changes', result)}")


if __name__ == "__main__":
    main()
