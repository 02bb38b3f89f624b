"""Language detection on short texts: correct / unknown / wrong, and speed per core, for the
detector as the app uses it (restricted to language.LANGUAGES) and for the model's full set of
142 languages (before the restriction).

    python benchmarks/language_eval.py

Data: tests/data/language_short.tsv (one-line posts and titles in 11 languages, written for
this test; 40 of them English, many with handles, product and people's names) and every title
and post of the English demo feeds (resources/demo/feeds: short English texts with made-up brand
names, where a wrong language means "unsupported language" in the inbox).
"""

from __future__ import annotations

import csv
import html
import re
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from _common import table, write_json  # noqa: E402

from orm_desktop.analysis.language import LANGUAGES, detect_with_probability  # noqa: E402

DATA = ROOT / "tests" / "data" / "language_short.tsv"


def demo_texts() -> list[dict]:
    """Titles and posts of the demo feeds (all English)."""
    out = []
    for path in sorted((ROOT / "resources" / "demo" / "feeds").glob("*.xml")):
        for el in ET.parse(path).getroot().iter():
            if el.tag in ("title", "description") and el.text and el.text.strip():
                text = html.unescape(re.sub(r"<[^>]+>", " ", el.text)).strip()
                out.append({"lang": "en", "text": " ".join(text.split())})
    return out


def evaluate(restricted: bool = True, rows: list[dict] | None = None) -> list[dict]:
    """Correct / unknown / wrong at several probability thresholds (the app uses
    language.MIN_PROBABILITY)."""
    if rows is None:
        with DATA.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
    guesses = [detect_with_probability(r["text"], restricted=restricted) for r in rows]
    t = time.process_time()
    for _ in range(5):
        for r in rows:
            detect_with_probability(r["text"], restricted=restricted)
    per_s = round(5 * len(rows) / (time.process_time() - t))
    name = f"py3langid, {len(LANGUAGES)} languages" if restricted else "py3langid, all 142"
    out = []
    for threshold in (0.0, 0.5, 0.7, 0.9):
        right = sum(g == r["lang"] and p >= threshold for r, (g, p) in zip(rows, guesses, strict=True))
        unknown = sum(p < threshold or not g for g, p in guesses)
        out.append({"detector": f"{name} p>={threshold}", "n": len(rows), "correct": round(right / len(rows), 3),
                    "unknown": round(unknown / len(rows), 3),
                    "wrong": round((len(rows) - right - unknown) / len(rows), 3), "texts_per_s": per_s})
    return out


def evaluate_app(rows: list[dict] | None = None) -> list[dict]:
    """The app's answer: ``detect`` (the plainly-English test, then the model at
    MIN_PROBABILITY), one text at a time and as the pipeline asks, a batch (``detect_many``)."""
    from orm_desktop.analysis import language

    if rows is None:
        with DATA.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
    texts = [r["text"] for r in rows]
    guesses = [language.detect(t) for t in texts]
    many = getattr(language, "detect_many", None)
    assert many is None or many(texts) == guesses
    fast = getattr(language, "plainly_english", lambda t: False)
    right = sum(g == r["lang"] for r, g in zip(rows, guesses, strict=True))
    unknown = sum(not g for g in guesses)
    return [{"detector": "app: detect()", "n": len(rows), "correct": round(right / len(rows), 3),
             "unknown": round(unknown / len(rows), 3), "wrong": round((len(rows) - right - unknown) / len(rows), 3),
             "texts_per_s": f"plainly English: {sum(map(fast, texts))}"}]


def main() -> None:
    result = {}
    demo = demo_texts()
    for label, data in (("short texts (tests/data/language_short.tsv)", None),
                        (f"English demo-feed titles and posts ({len(demo)})", demo)):
        rows = evaluate(True, data) + evaluate(False, data) + evaluate_app(data)
        print(label)
        print(table(rows, list(rows[0])))
        print()
        result[label] = rows
    write_json("language_eval", result)


if __name__ == "__main__":
    main()
